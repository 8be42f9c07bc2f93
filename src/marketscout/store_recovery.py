"""`marketscout store check` and `store rebuild`: is the store sound, and build it anew.

check: the file opens, its schema is the current one, every table reads in full (DuckDB
verifies each block's checksum as it reads), the provenance matches the rows, and the user
data kept under `<home>/user-data/` (marketscout.store_keep) matches the store: rows the copy
holds that the store lacks are changes the store lost (e.g. a damaged WAL); a copy that is
behind the store (a full disk while exporting) is brought up to date.

rebuild: moves the store aside as `<name>.broken-<timestamp>`, builds a new one from the
embedded snapshot, replays the user's imports from their kept rows (or, when those are
unreadable, from the kept file and its options), restores the user tables and sequences from
their exports, and moves it into place: nothing the user added is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.errors import MarketscoutError, StoreError
from marketscout.provenance import Provenance
from marketscout.store import (
    Store,
    StoreBusyError,
    _connect,
    init_path,
    open_store,
    os_problem,
    schema_digest,
)
from marketscout.store_keep import FOLDER, UserData, is_user_load, is_user_table

if TYPE_CHECKING:
    import duckdb

REBUILD = "Run `marketscout store rebuild` (the damaged file is kept beside the new one)."
Step = Callable[[str], None]


@dataclass
class CheckResult:
    """What `store check` found: `problems` (each with what to do) and `notes`."""

    path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class RebuildResult:
    path: Path
    moved_aside: list[Path] = field(default_factory=list)
    snapshot_sources: int = 0
    imports: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def user_data(db_path: Path) -> UserData:
    return UserData(Path(db_path).parent / FOLDER)


def check_store(db_path: Path) -> CheckResult:
    """Check the store at `db_path` (see the module docstring); never raises for damage."""
    db_path = Path(db_path)
    result = CheckResult(db_path)
    if not db_path.exists():
        result.notes.append("There is no store yet: it is built from the snapshot on first "
                            "use (or by `marketscout store rebuild`).")
        return result
    try:
        with Store(db_path, read_only=True) as store:
            _check_open(store, result)
    except MarketscoutError as exc:
        result.problems.append(f"{exc.what} {REBUILD}")
        return result
    if result.ok:
        _refresh_copy(db_path, result)
    return result


def _check_open(store: Store, result: CheckResult) -> None:
    digest = schema_digest()
    if store.meta("schema_sha256") != digest:
        result.notes.append("The store's schema is from another marketscout version; it is "
                            "brought up to date when a command next writes to it.")
    names = [r[0] for r in store._con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "ORDER BY 1").fetchall()]
    for name in names:
        try:
            for _ in store._con.sql(f"SELECT * FROM {name}").to_arrow_reader(65536):
                pass  # read in full, in batches: every block's checksum is verified
        except Exception as exc:  # a damaged block: DuckDB's checksum error, or worse
            first = str(exc).splitlines()[0]
            result.problems.append(f"Table {name} cannot be read ({first}). {REBUILD}")
    if result.problems:
        return
    _check_provenance(store, names, result)
    _check_kept(store, user_data(Path(store.path)), result)


def _check_provenance(store: Store, names: list[str], result: CheckResult) -> None:
    records = {p.source_id: p for p in store.provenance()}
    listed = store.query("SELECT source_id, tables FROM provenance")
    for source_id, tables in listed.itertuples(index=False):
        for table in filter(None, (tables or "").split(",")):
            if table not in names:
                result.problems.append(f"The provenance of {source_id} names table {table}, "
                                       f"which the store does not have. {REBUILD}")
    for table in names:
        if "source_id" not in store._columns.get(table, []):
            continue
        found = store.query(f"SELECT DISTINCT source_id FROM {table}")["source_id"]
        for source_id in sorted(set(found) - set(records)):
            result.problems.append(f"Table {table} holds rows of source {source_id}, which has "
                                   f"no provenance. {REBUILD}")
    result.notes.append(f"{len(records)} sources, {len(names)} tables, all readable.")


def _check_kept(store: Store, kept: UserData, result: CheckResult) -> None:
    """Rows kept under user-data/ that the store lacks are lost changes: a problem."""
    exported = kept.exported()
    for table in sorted(t for t in store._columns if is_user_table(t)):
        file = kept.table_file(table)
        if table not in exported or not file.exists():
            continue
        lost = _count(store, f"SELECT * FROM read_parquet('{_quote(file)}') EXCEPT ALL "
                      f"SELECT * FROM {table}")
        if lost:
            result.problems.append(
                f"The store lacks {lost} row(s) of {table} that the copy under {kept.folder} "
                f"holds (changes lost, e.g. with a damaged WAL file). {REBUILD}")
    sources = {p.source_id for p in store.provenance()}
    for load in kept.loads():
        source_id = load["provenance"]["source_id"]
        if source_id not in sources:
            result.problems.append(f"The store lacks your import {source_id}, kept under "
                                   f"{load['folder']}. {REBUILD}")


def _count(store: Store, sql: str) -> int:
    row = store._con.execute(f"SELECT count(*) FROM ({sql})").fetchone()
    return int(row[0]) if row else 0


def _refresh_copy(db_path: Path, result: CheckResult) -> None:
    """Bring the kept copy up to date with a sound store (tables and user imports)."""
    with open_store(db_path) as store:
        kept = store.kept
        assert kept is not None
        stale = [t for t in store._columns if is_user_table(t) and (
            not kept.table_file(t).exists() or _count(
                store, f"SELECT * FROM {t} EXCEPT ALL SELECT * FROM "
                f"read_parquet('{_quote(kept.table_file(t))}')"))]
        if stale:
            store.export_user_tables()
            result.notes.append(f"Brought the copy of {', '.join(sorted(stale))} under "
                                f"{kept.folder} up to date.")
        have = {load["provenance"]["source_id"] for load in kept.loads()}
        for prov in store.provenance():
            if is_user_load(prov) and prov.source_id not in have:
                tables = (store.query(f"SELECT * EXCLUDE (source_id) FROM {t} WHERE source_id "
                                      "= ?", [prov.source_id])
                          for t in _tables_of(store, prov.source_id))
                kept.keep_load(dict(zip(_tables_of(store, prov.source_id), tables,
                                        strict=True)), prov)
                result.notes.append(f"Kept a copy of your import {prov.source_id}.")
    result.notes.append(f"User data kept under {user_data(db_path).folder}.")


def _tables_of(store: Store, source_id: str) -> list[str]:
    row = store._con.execute("SELECT tables FROM provenance WHERE source_id = ?",
                             [source_id]).fetchone()
    return [t for t in (row[0] or "").split(",") if t] if row else []


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def rebuild_store(db_path: Path, step: Step | None = None) -> RebuildResult:
    """Rebuild the store from the snapshot plus the kept user data (module docstring)."""
    from marketscout.snapshot import load_snapshot, read_manifest

    say = step or (lambda text: None)
    db_path = Path(db_path)
    result = RebuildResult(db_path)
    kept = user_data(db_path)
    tmp = init_path(db_path, "rebuilding the store")
    holder = _hold(db_path)  # no other process may use the old file while we rebuild
    try:
        with Store(tmp) as store:
            say("loading the snapshot")
            load_snapshot(store)
            result.snapshot_sources = len(read_manifest()["sources"])
            say("replaying your imports")
            _replay(store, kept, result)
            say("restoring your tables")
            _restore_tables(store, kept, result)
        if holder is not None:
            holder.close()
            holder = None
        result.moved_aside = _move_aside(db_path)
        tmp.replace(db_path)
    except OSError as exc:
        raise os_problem(exc, db_path, "rebuilding the store") from exc
    finally:
        if holder is not None:
            holder.close()
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return result


def _hold(db_path: Path) -> duckdb.DuckDBPyConnection | None:
    """The old file's lock, waited for like any writer (StoreBusyError if another process
    keeps it); None when the file is too damaged to open or is not there."""
    if not db_path.is_file():
        return None
    try:
        return _connect(str(db_path), read_only=False)
    except StoreBusyError:
        raise
    except StoreError:
        return None


def _replay(store: Store, kept: UserData, result: RebuildResult) -> None:
    """Load each kept import, from its kept rows, else from the kept file and options."""
    import pandas as pd

    entries = kept.imports()
    for load in kept.loads():
        prov = Provenance.from_dict(load["provenance"])
        try:
            frames = {name: pd.read_parquet(load["folder"] / f"{name}.parquet")
                      for name in load["tables"]}
            store.load(frames, prov)
        except (OSError, ValueError, MarketscoutError) as exc:
            entry = _last(entries, prov.source_id)
            if entry is None:
                result.warnings.append(f"Your import {prov.source_id} could not be restored "
                                       f"({exc}); import its file again.")
                continue
            result.warnings.append(f"The kept rows of {prov.source_id} are unreadable; read "
                                   f"the kept file {entry['file']} again instead.")
            store.load(*_reparse(kept, entry))
        result.imports.append(prov.source_id)


def _last(entries: list[dict[str, Any]], source_id: str) -> dict[str, Any] | None:
    return next((e for e in reversed(entries) if e["source_id"] == source_id), None)


def _reparse(kept: UserData, entry: dict[str, Any]) -> tuple[dict[str, Any], Provenance]:
    options = dict(entry["options"])
    parser, kind = options.pop("parser", "user"), options.pop("kind")
    path = kept.imports_dir / entry["file"]
    if parser == "dsm":
        from marketscout.sources import dsm_inputs

        parsed = dsm_inputs.parse(kind, path, **options)
    else:
        from marketscout.sources import user

        parsed = user.parse(kind, path, **options)
    return parsed.tables, parsed.provenance


def _restore_tables(store: Store, kept: UserData, result: RebuildResult) -> None:
    exported = kept.exported()
    statements: list[tuple[str, list[Any]]] = []
    for table in sorted(exported):
        file = kept.table_file(table)
        if not file.exists() or table not in store._columns:
            result.warnings.append(f"No readable copy of table {table} under {kept.folder}.")
            continue
        statements += [(f"DELETE FROM {table}", []),
                       (f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)",
                        [str(file)])]
        result.tables[table] = exported[table]
    store.write(statements)
    for name, last in kept.sequences().items():
        if last is not None:
            store._con.execute(f"DROP SEQUENCE IF EXISTS {name}")
            store._con.execute(f"CREATE SEQUENCE {name} START {int(last)}")
            store._con.execute(f"SELECT nextval('{name}')")  # its last value, as it was


def _move_aside(db_path: Path) -> list[Path]:
    """Move the store (file or folder) and its WAL aside as `<name>.broken-<timestamp>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for path in (db_path, Path(f"{db_path}.wal")):
        if path.exists() or path.is_symlink():
            target = path.with_name(f"{db_path.name}.broken-{stamp}"
                                    + (".wal" if path.suffix == ".wal" else ""))
            path.rename(target)
            moved.append(target)
    return moved

