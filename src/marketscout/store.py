"""The DuckDB store: the only module that opens database connections.

It owns the schema, replaces one source's rows in a single transaction (a failed load leaves
the previous data untouched), records provenance with every load, and answers queries.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from marketscout.errors import MarketscoutError, StoreError
from marketscout.provenance import Provenance

# DuckDB takes one writer at a time per database without conflicts; the web app writes from
# several threads, so Store.write serialises writers within this process.
_WRITE_LOCK = threading.RLock()


@cache
def _schema_sql() -> tuple[str, str]:
    """Every file in marketscout/schema/, in name order (00_core.sql first), and its sha256."""
    folder = resources.files("marketscout").joinpath("schema")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    sql = "\n".join(f.read_text(encoding="utf-8") for f in files)
    return sql, hashlib.sha256(sql.encode()).hexdigest()


class Store:
    """A marketscout database. Use `open_store` for the user's store, `Store()` for memory."""

    def __init__(self, path: Path | str = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(
                f"Cannot open the database: {exc}",
                where=self.path,
                fix="Another marketscout process may be writing to it; wait for it to finish "
                "and try again.",
            ) from exc
        # DuckDB draws a progress bar on stdout for long queries; it would corrupt CSV/JSON
        # written to stdout (long index builds in collab/ hit it).
        self._con.execute("SET enable_progress_bar = false")
        if not read_only:
            self._ensure_schema()
        self._columns: dict[str, list[str]] = {}
        self._defaulted: set[tuple[str, str]] = set()  # columns a load may leave out
        for table, column, default in self._con.execute(
            "SELECT table_name, column_name, column_default FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY table_name, column_index"
        ).fetchall():
            self._columns.setdefault(table, []).append(column)
            if default is not None:
                self._defaulted.add((table, column))

    def _ensure_schema(self) -> None:
        """Create missing tables, skipped when the stored schema digest is the current one."""
        sql, digest = _schema_sql()
        try:
            row = self._con.execute(
                "SELECT value FROM meta WHERE key = 'schema_sha256'"
            ).fetchone()
        except duckdb.CatalogException:
            row = None
        if row is None or row[0] != digest:
            self._con.execute(sql)
            self._con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_sha256', ?)", [digest])

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def tables(self) -> list[str]:
        return sorted(t for t in self._columns if t not in ("provenance", "meta"))

    def columns(self, table: str) -> list[str]:
        """The columns of a data table (without source_id)."""
        self._check_table(table)
        return [c for c in self._columns[table] if c != "source_id"]

    def _check_table(self, table: str) -> None:
        if table not in self._columns or table in ("provenance", "meta"):
            raise StoreError(
                f"Unknown table '{table}'.",
                fix=f"Known tables: {', '.join(self.tables)}.",
            )

    def load(self, tables: Mapping[str, pd.DataFrame], provenance: Provenance) -> None:
        """Replace all rows of `provenance.source_id` in one transaction, with its provenance."""
        frames = {
            name: self._conform(name, frame, provenance.source_id) for name, frame in tables.items()
        }
        with self._transaction(f"Loading '{provenance.source_id}'",
                               "Check the input file; the store keeps its previous data.") as con:
            old = con.execute(
                "SELECT tables FROM provenance WHERE source_id = ?", [provenance.source_id]
            ).fetchone()
            for name in set(old[0].split(",") if old and old[0] else []) | set(frames):
                con.execute(f"DELETE FROM {name} WHERE source_id = ?", [provenance.source_id])
            for name, frame in frames.items():
                con.register("_incoming", frame)
                cols = ", ".join(f'"{c}"' for c in frame.columns)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
                con.unregister("_incoming")
            record = provenance.to_dict() | {"tables": ",".join(sorted(frames))}
            con.execute("DELETE FROM provenance WHERE source_id = ?", [provenance.source_id])
            keys = list(record)
            con.execute(
                f"INSERT INTO provenance ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
                [record[k] for k in keys],
            )

    @contextmanager
    def _transaction(self, what: str, fix: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one way this module changes the store: one transaction under the process's
        write lock. Everything in the block takes effect, or nothing does (any error rolls
        back and is raised as a StoreError saying so; a MarketscoutError keeps its message)."""
        with _WRITE_LOCK:
            con = self._con
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:  # the failure may have ended the transaction already
                    pass
                if isinstance(exc, MarketscoutError) or not isinstance(exc, Exception):
                    raise
                raise StoreError(f"{what} failed, nothing was changed: {exc}",
                                 where=self.path, fix=fix) from exc

    def _conform(self, table: str, frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
        self._check_table(table)
        expected = [c for c in self.columns(table)
                    if c in frame.columns or (table, c) not in self._defaulted]
        missing = [c for c in expected if c not in frame.columns]
        if missing:
            raise StoreError(
                f"Table '{table}' is missing column(s) {', '.join(missing)}.",
                fix="This is a bug in the parser that produced it; please report it.",
            )
        out = frame[expected].copy()
        out.insert(0, "source_id", source_id)
        return out

    def remove(self, source_id: str) -> None:
        """Delete one source's rows and provenance, in one transaction."""
        found = [p for p in self.provenance() if p.source_id == source_id]
        if not found:
            raise StoreError(f"No source '{source_id}' in the store.", where=self.path,
                             fix="See `marketscout data sources` for the ids.")
        with self._transaction(f"Removing '{source_id}'",
                               "Try again; the store keeps the source.") as con:
            tables = con.execute(
                "SELECT tables FROM provenance WHERE source_id = ?", [source_id]
            ).fetchone()
            for name in (tables[0] or "").split(",") if tables else []:
                if name:
                    con.execute(f"DELETE FROM {name} WHERE source_id = ?", [source_id])
            con.execute("DELETE FROM provenance WHERE source_id = ?", [source_id])

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        return self._con.execute(sql, list(params)).df()

    def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run (sql, params) write statements in one transaction: all take effect, or none.

        Writers in this process take turns (a lock), so concurrent web requests lose nothing.
        """
        with self._transaction("Writing to the store",
                               "Try again; if it persists, report it.") as con:
            for sql, params in statements:
                con.execute(sql, list(params))

    def insert(self, table: str, rows: Any,
               delete: tuple[str, Sequence[Any]] | None = None) -> None:
        """Append `rows` (a DataFrame or a pyarrow Table) to a derived table that is not a
        source (a search index: no source_id, no provenance), after an optional (sql, params)
        DELETE, in one transaction under the write lock. Arrow keeps vector columns fast."""
        columns = list(getattr(rows, "column_names", None) or rows.columns)
        names = ", ".join(f'"{c}"' for c in columns)
        with self._transaction(f"Writing to table '{table}'",
                               "Try again; if it persists, report it.") as con:
            if delete is not None:
                con.execute(delete[0], list(delete[1]))
            con.register("_rows", rows)
            try:
                con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
            finally:
                con.unregister("_rows")

    def table(self, name: str, source_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """A whole data table, optionally only some sources' rows."""
        self._check_table(name)
        if source_ids is None:
            return self.query(f"SELECT * FROM {name}")
        marks = ", ".join("?" * len(source_ids)) or "NULL"
        return self.query(f"SELECT * FROM {name} WHERE source_id IN ({marks})", source_ids)

    def provenance(self, source_id: str | None = None) -> list[Provenance]:
        """Provenance records, all or one."""
        frame = self.query("SELECT * FROM provenance ORDER BY source_id")
        records = [Provenance.from_dict({str(k): v for k, v in r.items()})
                   for r in frame.to_dict("records")]
        return [r for r in records if source_id is None or r.source_id == source_id]

    def provenance_of(self, source_ids: Sequence[str]) -> tuple[Provenance, ...]:
        """Provenance records of the given sources (e.g. those that fed a criterion)."""
        wanted = set(source_ids)
        return tuple(p for p in self.provenance() if p.source_id in wanted)

    @contextmanager
    def engine(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A private connection to this database for analytical engines (the DSM) that run SQL
        over Parquet files and the store's tables; its TEMP tables vanish when it closes."""
        con = self._con.cursor()
        try:
            yield con
        finally:
            con.close()

    def meta(self, key: str) -> str | None:
        row = self._con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


@contextmanager
def open_store(db_path: Path, *, read_only: bool = False) -> Iterator[Store]:
    """Open the user's store, creating it from the embedded snapshot on first use.

    A new store is built in a temporary file beside the target and moved into place, so an
    interrupted first run never leaves a half-initialised database behind.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        _initialise(db_path)
    store = Store(db_path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _initialise(db_path: Path) -> None:
    from marketscout.snapshot import load_snapshot

    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".init-", suffix=".duckdb", dir=db_path.parent)
    os.close(fd)
    Path(tmp).unlink()
    try:
        with Store(tmp) as store:
            load_snapshot(store)
        if not db_path.exists():  # another process may have won the race: keep theirs
            Path(tmp).replace(db_path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + ".wal").unlink(missing_ok=True)
