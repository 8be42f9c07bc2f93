"""Where the trade rows are, and the FROM clause that reads them in DuckDB or Spark.

Files may be Parquet or CSV, given as paths, folders or globs. A folder holds either Parquet
files (one per year, as BACI publishes) or a Parquet dataset partitioned by year in the Hive
layout (`t=2021/part-0.parquet`, or `year=2021/...` in marketscout's layout), which DuckDB and
Spark both read with partition pruning (`marketscout dsm synth --partitioned` writes one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from marketscout.errors import InputError
from marketscout.provenance import Provenance

if TYPE_CHECKING:
    import duckdb

BACI_COLUMNS = ("t", "i", "j", "k", "v")
OWN_COLUMNS = ("year", "exporter", "importer", "product", "value")
# Parquet key-value metadata that marks a synthetic world (bench/, `dsm synth`).
SYNTHETIC_KEYS = (b"synthetic", b"marketscout.synthetic")
PROVENANCE_KEY = b"marketscout.provenance"
_PARTITION = re.compile(r"^[A-Za-z_]\w*=[^/\\]+$")


@dataclass(frozen=True)
class TradeSource:
    """Where the trade rows are: files (paths, folders or globs) or the store's trade_flow.

    A Parquet file whose key-value metadata holds `synthetic` = `true` marks every result
    computed from it as synthetic; so does `synthetic=True`.
    """

    paths: tuple[str, ...] = ()
    store_table: bool = False
    source_ids: tuple[str, ...] = ()  # store_table only: these loads (default: all)
    label: str = ""
    synthetic: bool = False
    provenance: tuple[Provenance, ...] = ()

    @classmethod
    def files(cls, *paths: str | Path, label: str = "", synthetic: bool = False) -> TradeSource:
        """Trade files in BACI or marketscout layout (Parquet or CSV)."""
        shown = label or ", ".join(Path(p).name for p in paths)
        return cls(paths=tuple(str(p) for p in paths), label=shown, synthetic=synthetic)

    @classmethod
    def store(cls, *source_ids: str) -> TradeSource:
        """The store's `trade_flow` table (all loads, or only `source_ids`)."""
        shown = ", ".join(source_ids) or "all loads"
        return cls(store_table=True, source_ids=source_ids,
                   label=f"store table trade_flow ({shown})")


@dataclass(frozen=True)
class Relation:
    sql: str  # a FROM clause
    layout: str  # "baci" or "own"
    where: str  # where the rows come from, for messages
    files: tuple[str, ...] = field(default_factory=tuple)


def resolve_paths(paths: Sequence[str]) -> list[str]:
    """Files named by paths, folders (their *.parquet, or a dataset partitioned by year) or
    globs; one file type for all."""
    found: list[str] = []
    for text in paths:
        path = Path(text).expanduser()
        if path.is_dir():
            matches = sorted(str(p) for p in path.glob("*.parquet"))
            if not matches:  # a Hive-partitioned dataset: t=2021/part-0.parquet
                matches = sorted(str(p) for p in path.glob("*=*/**/*.parquet"))
        elif any(c in text for c in "*?["):
            matches = _glob(path)
        else:
            matches = [str(path)] if path.exists() else []
        if not matches:
            raise InputError(f"No trade file found at {text}.", where=text,
                             fix="Pass a BACI CSV or Parquet file, a folder of Parquet files, "
                             "or a glob such as 'baci/*.parquet'.")
        found.extend(matches)
    kinds = {kind(p) for p in found}
    if len(kinds) != 1 or kinds & {"other"}:
        raise InputError(f"Trade files must all be Parquet or all CSV; got {', '.join(found)}.",
                         where=", ".join(found), fix="Convert them to one format first "
                         "(`marketscout dsm import trade FILE.csv` writes Parquet).")
    return found


def partition_root(files: Sequence[str]) -> str | None:
    """The folder of a Hive-partitioned dataset (the parent of the first `key=value` folder),
    or None for plain files."""
    roots = set()
    for name in files:
        parts = Path(name).parts
        first = next((n for n, p in enumerate(parts[:-1]) if _PARTITION.match(p)), None)
        if first is None:
            return None
        roots.add(str(Path(*parts[:first])) if first else ".")
    return roots.pop() if len(roots) == 1 else None


def _glob(pattern: Path) -> list[str]:
    """Files matching a glob; the part before the first wildcard is the folder searched."""
    parts = pattern.parts
    first = next(n for n, part in enumerate(parts) if any(c in part for c in "*?["))
    folder = Path(*parts[:first]) if first else Path()
    return sorted(str(p) for p in folder.glob(str(Path(*parts[first:]))) if p.is_file())


def kind(path: str) -> str:
    name = path.lower()
    if name.endswith(".parquet"):
        return "parquet"
    return "csv" if name.endswith((".csv", ".csv.gz")) else "other"


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def relation(con: duckdb.DuckDBPyConnection, source: TradeSource) -> Relation:
    """The FROM clause over the source, and its layout (from its column names)."""
    from marketscout.dsm.spark import is_spark

    if source.store_table:
        marks = ", ".join(quote(s) for s in source.source_ids)
        where = f" WHERE source_id IN ({marks})" if marks else ""
        if is_spark(con):
            con.register_store_tables(["trade_flow"])  # type: ignore[attr-defined]
        return Relation(f"(SELECT * FROM main.trade_flow{where})", "own",
                        f"store table trade_flow ({source.label})")
    files = resolve_paths(source.paths)
    listed = "[" + ", ".join(quote(f) for f in files) + "]"
    if is_spark(con):
        sql, columns = _spark_relation(con, files)
    else:
        hive = ", hive_partitioning = true" if partition_root(files) else ""
        if kind(files[0]) == "parquet":
            sql = f"read_parquet({listed}, union_by_name = true, filename = true{hive})"
        else:
            sql = (f"read_csv({listed}, header = true, union_by_name = true, filename = true, "
                   f"all_varchar = true{hive})")
        columns = _columns(con, sql, files)
    layout = "baci" if set(BACI_COLUMNS) <= columns else "own"
    if layout == "own" and not set(OWN_COLUMNS) <= columns:
        raise InputError(
            f"Trade files need the columns {', '.join(BACI_COLUMNS)} (BACI) or "
            f"{', '.join(OWN_COLUMNS)}; found {', '.join(sorted(columns))}.",
            where=files[0], fix="Use BACI files as published, or marketscout's Parquet.")
    if kind(files[0]) == "csv":
        sql = _typed_csv(listed, layout)
    return Relation(sql, layout, ", ".join(files), tuple(files))


def _spark_relation(con: object, files: list[str]) -> tuple[str, set[str]]:
    from marketscout.dsm.spark import TRADE_VIEW, refuse_csv

    if kind(files[0]) != "parquet":
        refuse_csv(files)
    try:
        columns = con.read_trade(files, partition_root(files))  # type: ignore[attr-defined]
    except Exception as exc:  # pyspark raises its own analysis errors for unreadable files
        raise InputError(f"Spark cannot read the trade files ({exc}).",
                         where=", ".join(files),
                         fix="Check that they are complete Parquet files.") from exc
    return TRADE_VIEW, set(columns)


def _columns(con: duckdb.DuckDBPyConnection, sql: str, files: list[str]) -> set[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
    except Exception as exc:  # duckdb raises several error classes for unreadable files
        raise InputError(f"The trade file cannot be read ({exc}).", where=", ".join(files),
                         fix="Check that it is a complete Parquet or CSV file.") from exc
    return {str(r[0]).lower() for r in rows}


def _typed_csv(listed: str, layout: str) -> str:
    """CSV with explicit types: BACI's q is space-padded text and is not read as a number."""
    if layout == "baci":
        types = "{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'INTEGER', 'v': 'DOUBLE'}"
    else:
        types = ("{'year': 'INTEGER', 'exporter': 'VARCHAR', 'importer': 'VARCHAR', "
                 "'product': 'VARCHAR', 'value': 'DOUBLE'}")
    return (f"read_csv({listed}, header = true, union_by_name = true, filename = true, "
            f"types = {types}, all_varchar = false)")


def file_metadata(
    con: duckdb.DuckDBPyConnection, rel: Relation,
) -> tuple[bool, tuple[Provenance, ...]]:
    """Parquet key-value metadata: the synthetic mark, and provenance written by
    `convert_baci_csv` (read from the files' footers by DuckDB for both engines)."""
    parquet = [f for f in rel.files if kind(f) == "parquet"]
    if not parquet:
        return False, ()
    listed = "[" + ", ".join(quote(f) for f in parquet) + "]"
    reader = getattr(con, "duck", con)  # a SparkConnection keeps the store's DuckDB cursor
    rows = reader.execute(f"SELECT key, value FROM parquet_kv_metadata({listed})").fetchall()
    synthetic = any(bytes(k) in SYNTHETIC_KEYS and bytes(v).lower() == b"true" for k, v in rows)
    found = {}
    for key, value in rows:
        if bytes(key) == PROVENANCE_KEY:
            record = Provenance.from_dict(json.loads(bytes(value)))
            found[record.source_id] = record
    return synthetic, tuple(found.values())


def exporters_by_year(con: duckdb.DuckDBPyConnection, source: TradeSource) -> dict[int, int]:
    """Distinct exporters per year in the source: a complete BACI year has about 220."""
    rel = relation(con, source)
    c = layout_columns(rel.layout)
    rows = con.execute(f"SELECT {c['year']}, count(DISTINCT {c['exporter']}) FROM {rel.sql} "
                       f"GROUP BY 1 ORDER BY 1").fetchall()
    return {int(y): int(n) for y, n in rows if y is not None}


def latest_year(con: duckdb.DuckDBPyConnection, source: TradeSource) -> int | None:
    """The source's latest year (DuckDB answers from Parquet statistics: no scan)."""
    rel = relation(con, source)
    (found,) = con.execute(f"SELECT max({layout_columns(rel.layout)['year']}) "
                           f"FROM {rel.sql}").fetchone() or (None,)
    return None if found is None else int(found)


def layout_columns(layout: str) -> dict[str, str]:
    """Column names of one layout, by role."""
    names = BACI_COLUMNS if layout == "baci" else OWN_COLUMNS
    return dict(zip(("year", "exporter", "importer", "product", "value"), names, strict=True))
