"""User data kept beside the store in a form it can be rebuilt from (issue 17 section 3).

The store (`marketscout.duckdb`) can be rebuilt from the embedded snapshot plus what the user
added, so that is kept under `<home>/user-data/`, written by `Store` itself after every
change it commits (one rule, not one per caller):

- `loads/<source_id>/`: every user import (`data import`, a web upload, `dsm import`) as the
  rows that were loaded (one Parquet file per table) and its provenance (`provenance.json`);
- `imports/<sha256>-<name>`: the file the user supplied, byte for byte, and `imports/
  manifest.json` listing each with its kind, options (--home, --year, --complete, ...) and
  source id;
- `tables/<table>.parquet`: the user tables (survey rounds, associations, invitations,
  responses and answers; users and settings; the plan's activities, targets, instruments and
  imports), exported after every write that touches them, with `tables/manifest.json` (row
  counts) and the sequences' last values.

Every file is written to a temporary name and renamed into place, so a crash or a full disk
leaves the previous copy whole. This module never opens a connection: `Store` hands it its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.provenance import Provenance, sha256_of

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

FOLDER = "user-data"
# The publisher every user import records (sources/user.py, sources/dsm_inputs.py).
USER_PUBLISHER = "user import"
_USER_TABLE = re.compile(r"^(survey_[a-z_]+|plan_[a-z_]+|app_user|app_setting)$")
_WRITES = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_]\w*)",
                     re.IGNORECASE)
_SEQUENCES = "sequences.json"
_MANIFEST = "manifest.json"


def is_user_table(name: str) -> bool:
    """Whether a table holds data only the user has (kept under user-data/tables/)."""
    return bool(_USER_TABLE.match(name))


def is_user_load(provenance: Provenance) -> bool:
    """Whether a load is the user's own file (kept under user-data/loads/), not a download."""
    return provenance.publisher == USER_PUBLISHER


def written_tables(sql: str) -> set[str]:
    """The tables a write statement changes (INSERT INTO, UPDATE, DELETE FROM)."""
    return {name.lower() for name in _WRITES.findall(sql)}


def _temp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp(path)
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode()


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


class UserData:
    """The user-data folder of one store (`<home>/user-data`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.tables_dir = self.folder / "tables"
        self.loads_dir = self.folder / "loads"
        self.imports_dir = self.folder / "imports"

    # -- user tables -----------------------------------------------------------------------
    def export_tables(self, con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
        """Export these user tables (and the sequences) from `con`, each atomically."""
        names = sorted({n for n in names if is_user_table(n)})
        if not names:
            return
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = read_json(self.tables_dir / _MANIFEST, {"tables": {}})
        for name in names:
            target = self.tables_dir / f"{name}.parquet"
            tmp = _temp(target)
            try:
                con.execute(f"COPY (SELECT * FROM {name}) TO '{_sql_path(tmp)}' "
                            "(FORMAT parquet)")
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            manifest["tables"][name] = {"rows": int(rows[0]) if rows else 0}
        manifest["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        sequences = {name: value for name, value in con.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences() "
            "WHERE database_name = current_database()").fetchall()}
        write_atomic(self.tables_dir / _SEQUENCES, _json(sequences))
        write_atomic(self.tables_dir / _MANIFEST, _json(manifest))

    def exported(self) -> dict[str, int]:
        """Table -> rows, as last exported."""
        manifest = read_json(self.tables_dir / _MANIFEST, {"tables": {}})
        return {name: int(info["rows"]) for name, info in manifest["tables"].items()}

    def sequences(self) -> dict[str, int | None]:
        found: dict[str, int | None] = read_json(self.tables_dir / _SEQUENCES, {})
        return found

    def table_file(self, name: str) -> Path:
        return self.tables_dir / f"{name}.parquet"

    # -- user imports ----------------------------------------------------------------------
    def keep_load(self, frames: Mapping[str, pd.DataFrame], provenance: Provenance,
                  original: Path | tuple[str, bytes] | None = None,
                  options: Mapping[str, Any] | None = None) -> None:
        """Keep one user import: the rows loaded, its provenance, and the file supplied."""
        source = _safe(provenance.source_id)
        final = self.loads_dir / source
        work = self.loads_dir / f".new-{source}-{os.getpid()}-{threading.get_ident()}"
        old = self.loads_dir / f".old-{source}-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            for name, frame in frames.items():
                frame.to_parquet(work / f"{name}.parquet", index=False)
            kept = self._keep_file(original, provenance, options) if original else None
            record = {"provenance": provenance.to_dict(), "tables": sorted(frames),
                      "loaded_at": datetime.now(UTC).isoformat(timespec="microseconds"),
                      "file": kept}
            (work / "load.json").write_bytes(_json(record))
            if final.exists():
                final.rename(old)
            work.rename(final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)

    def drop_load(self, source_id: str) -> None:
        shutil.rmtree(self.loads_dir / _safe(source_id), ignore_errors=True)

    def loads(self) -> list[dict[str, Any]]:
        """The kept loads in the order they were made (each with its folder)."""
        found = []
        for folder in sorted(self.loads_dir.glob("*/load.json")) if self.loads_dir.is_dir() \
                else []:
            if folder.parent.name.startswith("."):
                continue
            record: dict[str, Any] = json.loads(folder.read_text(encoding="utf-8"))
            record["folder"] = folder.parent
            found.append(record)
        return sorted(found, key=lambda r: str(r["loaded_at"]))

    def _keep_file(self, original: Path | tuple[str, bytes], provenance: Provenance,
                   options: Mapping[str, Any] | None) -> str:
        """Copy the user's file as imports/<sha256>-<name>; list it in the manifest."""
        if isinstance(original, tuple):
            name, data = original
            import hashlib

            sha = hashlib.sha256(data).hexdigest()
        else:
            name, sha, data = original.name, sha256_of(original), b""
        target = self.imports_dir / f"{sha}-{_safe(name)}"
        if not target.exists():
            if isinstance(original, tuple):
                write_atomic(target, data)
            else:
                self.imports_dir.mkdir(parents=True, exist_ok=True)
                tmp = _temp(target)
                try:
                    shutil.copyfile(original, tmp)
                    tmp.replace(target)
                finally:
                    tmp.unlink(missing_ok=True)
        manifest = read_json(self.imports_dir / _MANIFEST, [])
        manifest.append({"file": target.name, "name": name, "sha256": sha,
                         "source_id": provenance.source_id, "options": dict(options or {}),
                         "imported_at": datetime.now(UTC).isoformat(timespec="seconds")})
        write_atomic(self.imports_dir / _MANIFEST, _json(manifest))
        return target.name

    def imports(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = read_json(self.imports_dir / _MANIFEST, [])
        return found


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-120:].lstrip(".") or "file"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
