"""The DuckDB store: the only module that opens database connections.

It owns the schema, replaces one source's rows in a single transaction (a failed load leaves
the previous data untouched), records provenance with every load, and answers queries.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pandas as pd

from marketscout.errors import MarketscoutError, StoreError
from marketscout.provenance import Provenance
from marketscout.store_keep import FOLDER as KEPT_FOLDER
from marketscout.store_keep import UserData, is_user_load, is_user_table, written_tables

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

# Rows to load: a pandas DataFrame, an Arrow table, or a Parquet file (the snapshot), which
# DuckDB reads itself: no pandas or Arrow copy on the way.
Frame: TypeAlias = "pd.DataFrame | pa.Table | Path"


@dataclass(frozen=True)
class _Parquet:
    path: Path
    columns: list[str]


def _names(frame: pd.DataFrame | pa.Table | _Parquet) -> list[str]:
    if isinstance(frame, pd.DataFrame):
        return list(frame.columns)
    return list(frame.columns if isinstance(frame, _Parquet) else frame.column_names)

# DuckDB takes one writer at a time per database without conflicts; the web app writes from
# several threads, so Store.write serialises writers within this process.
_WRITE_LOCK = threading.RLock()
# Committed changes per database (file path, or id of the Store for an in-memory one): a Store's
# provenance records are reread only when this moved. DuckDB lets one process write a file,
# and every write in it goes through Store._transaction, which counts them.
_CHANGES: dict[object, int] = {}


# How long a process waits for another one that holds the database file (DuckDB lets one
# process open it for writing), in seconds; MARKETSCOUT_LOCK_WAIT overrides it.
LOCK_WAIT = 30.0
RECOVER = ("Run `marketscout store check` to see what is wrong, then `marketscout store rebuild` "
           "to rebuild it from the snapshot and your kept data (the damaged file is kept beside "
           "it).")
# DuckDB's words for a file that is not (or no longer) a sound database.
_DAMAGE = ("not a valid duckdb database", "could not read enough bytes", "corrupt database",
           "checksum", "internal error", "fatal error", "database has been invalidated",
           "serialization error", "failed to read", "is a directory", "malformed",
           "invalid wal", "no longer valid")


class StoreBusyError(StoreError):
    """Another process held the database file for longer than the bounded wait."""


def lock_wait(env: Mapping[str, str] | None = None) -> float:
    """Seconds to wait for another process's lock (MARKETSCOUT_LOCK_WAIT, default 30)."""
    text = (os.environ if env is None else env).get("MARKETSCOUT_LOCK_WAIT", "")
    try:
        value = float(text) if text.strip() else LOCK_WAIT
    except ValueError:
        raise StoreError(f"MARKETSCOUT_LOCK_WAIT is {text!r}, not a number of seconds.",
                         where="environment variable MARKETSCOUT_LOCK_WAIT",
                         fix="Set it to a number of seconds, e.g. 30, or unset it.") from None
    if not 0 <= value <= 86_400:
        raise StoreError(f"MARKETSCOUT_LOCK_WAIT is {text}: it must be from 0 to 86400 seconds.",
                         where="environment variable MARKETSCOUT_LOCK_WAIT",
                         fix="Set it to a number of seconds, e.g. 30, or unset it.")
    return value


def _is_lock(text: str) -> bool:
    return "could not set lock" in text.lower() or "conflicting lock" in text.lower()


def _holder(text: str) -> str:
    found = re.search(r"PID (\d+)", text)
    return f" (pid {found.group(1)})" if found else ""


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the database file is damaged (not a bug, not a lock)."""
    text = str(exc).lower()
    return not _is_lock(text) and any(word in text for word in _DAMAGE)


def os_problem(exc: OSError | str, path: Path | str, doing: str) -> StoreError:
    """A StoreError for a file-system failure while `doing` something with `path`."""
    code = exc.errno if isinstance(exc, OSError) else None
    text = str(exc).lower()
    where = str(path)
    if code == errno.ENOSPC or "no space left" in text:
        return StoreError(f"The disk is full: {doing} failed; nothing was changed.", where=where,
                          fix="Free some disk space on that drive and try again.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "permission denied" in text \
            or "read-only file system" in text:
        return StoreError(f"Cannot write to the data folder: {doing} failed.", where=where,
                          fix="Make the folder writable for your user, or set MARKETSCOUT_HOME "
                          "to a folder you can write to.")
    if code in (errno.ENOENT, errno.ENOTDIR) or "no such file" in text or "not a directory" \
            in text:
        return StoreError(f"The data folder is missing: {doing} failed.", where=where,
                          fix="Create the folder (or check MARKETSCOUT_HOME), then try again.")
    if code == errno.EISDIR:
        return StoreError(f"A folder is where the store file should be: {doing} failed.",
                          where=where, fix="Move that folder away, then run `marketscout store "
                          "rebuild`.")
    return StoreError(f"{doing[:1].upper()}{doing[1:]} failed: {exc}", where=where,
                      fix="Check the disk and the folder, then try again.")


def _damaged(path: str, exc: BaseException) -> StoreError:
    reason = str(exc).split("\n")[0].replace(f'"{path}"', "the file")
    return StoreError(f"The store is damaged and cannot be read ({reason}).", where=path,
                      fix=RECOVER)


def _problem(path: str, exc: BaseException, doing: str) -> StoreError:
    """The StoreError for a DuckDB error that is not a lock: damage, disk, permissions."""
    text = str(exc).lower()
    if "no space left" in text or "permission denied" in text or "read-only file system" in text:
        return os_problem(str(exc), path, doing)
    if "is a directory" in text:
        return os_problem(OSError(errno.EISDIR, str(exc)), path, doing)
    if is_damage(exc):
        return _damaged(path, exc)
    return StoreError(f"{doing[:1].upper()}{doing[1:]} failed: {exc}", where=path, fix=RECOVER)


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting (bounded, said once on stderr) while another process holds
    it; every other failure becomes a StoreError naming the file and what to do."""
    import duckdb

    if path != ":memory:":
        file = Path(path)
        if file.is_dir():
            raise os_problem(OSError(errno.EISDIR, "is a folder"), file, "opening the store")
        if not file.parent.is_dir():
            raise os_problem(OSError(errno.ENOENT, "missing"), file.parent, "opening the store")
    deadline: float | None = None
    delay, told = 0.05, False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock(str(exc)):
                raise _problem(path, exc, "opening the store") from exc
            wait = lock_wait()
            now = time.monotonic()
            deadline = now + wait if deadline is None else deadline
            if now >= deadline:
                raise StoreBusyError(
                    f"Another marketscout process{_holder(str(exc))} is using the store and "
                    f"did not finish within {wait:g} s.", where=path,
                    fix="Wait for it to finish (or stop it) and try again; "
                    "MARKETSCOUT_LOCK_WAIT sets how many seconds to wait.") from exc
            if not told:
                print(f"Waiting for another marketscout process{_holder(str(exc))} that is "
                      f"using {path} (up to {wait:g} s) ...", file=sys.stderr, flush=True)
                told = True
            time.sleep(min(delay * (0.5 + random.random()), max(deadline - now, 0.0)))
            delay = min(delay * 1.5, 0.5)
        except OSError as exc:
            raise os_problem(exc, path, "opening the store") from exc


@cache
def _schema_sql() -> tuple[str, str]:
    """Every file in marketscout/schema/, in name order (00_core.sql first), and its sha256."""
    folder = resources.files("marketscout").joinpath("schema")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    sql = "\n".join(f.read_text(encoding="utf-8") for f in files)
    return sql, hashlib.sha256(sql.encode()).hexdigest()


def schema_digest() -> str:
    """The sha256 of the current schema (stored as meta 'schema_sha256' in every store)."""
    return _schema_sql()[1]


class Store:
    """A marketscout database. Use `open_store` for the user's store, `Store()` for memory."""

    def __init__(self, path: Path | str = ":memory:", *, read_only: bool = False,
                 keep: UserData | None = None) -> None:
        import duckdb

        self.path = str(path)
        self._changes_key: object = id(self) if self.path == ":memory:" else self.path
        self._provenance_memo: tuple[int, tuple[Provenance, ...]] | None = None
        # where user data is kept after every change (open_store: <home>/user-data)
        self.kept = None if read_only else keep
        self._con = _connect(self.path, read_only)
        try:
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
        except duckdb.Error as exc:
            self._con.close()
            raise _problem(self.path, exc, "opening the store") from exc

    def _ensure_schema(self) -> None:
        """Create missing tables, skipped when the stored schema digest is the current one."""
        import duckdb

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

    def load(self, tables: Mapping[str, pd.DataFrame], provenance: Provenance, *,
             original: Path | tuple[str, bytes] | None = None,
             options: Mapping[str, Any] | None = None) -> None:
        """Replace all rows of `provenance.source_id` in one transaction, with its provenance.

        A user import (store_keep.is_user_load) is also kept under user-data/: the rows, and
        the `original` file (a path, or a name and its bytes) with the `options` it was read
        with, so `marketscout store rebuild` can restore it.
        """
        frames = self._conformed(tables, provenance)

        def keep(con: duckdb.DuckDBPyConnection) -> None:
            if self.kept is not None and is_user_load(provenance):
                self.kept.keep_load(tables, provenance, original, options)

        with self._transaction(f"Loading '{provenance.source_id}'",
                               "Check the input file; the store keeps its previous data.",
                               after=keep) as con:
            self._replace(con, frames, provenance)

    def load_all(self, loads: Iterable[tuple[Mapping[str, Frame], Provenance]],
                 step: Callable[[str], None] | None = None) -> None:
        """`load` each (tables, provenance) in ONE transaction: all take effect or none (the
        snapshot: about 20 sources, a commit each would be a third of a first run). The tables
        may also be pyarrow Tables or Parquet files (read by DuckDB itself). Meant for data
        that is not a user import (nothing is kept under user-data/); `step` is told each
        source id before it loads."""
        with self._transaction("Loading the snapshot",
                               "Reinstall marketscout; the store keeps its previous data.") as con:
            for tables, provenance in loads:
                if is_user_load(provenance):
                    raise StoreError(f"'{provenance.source_id}' is a user import: use load().",
                                     fix="This is a bug; please report it.")
                if step is not None:
                    step(provenance.source_id)
                self._replace(con, self._conformed(tables, provenance), provenance)

    def _conformed(self, tables: Mapping[str, Frame], provenance: Provenance
                   ) -> dict[str, pd.DataFrame | pa.Table | _Parquet]:
        return {name: self._conform(name, frame) for name, frame in tables.items()}

    def _replace(self, con: duckdb.DuckDBPyConnection,
                 frames: Mapping[str, pd.DataFrame | pa.Table | _Parquet],
                 provenance: Provenance) -> None:
        """Inside a transaction: the source's old rows out, `frames` and its provenance in."""
        old = con.execute(
            "SELECT tables FROM provenance WHERE source_id = ?", [provenance.source_id]
        ).fetchone()
        for name in set(old[0].split(",") if old and old[0] else []) | set(frames):
            con.execute(f"DELETE FROM {name} WHERE source_id = ?", [provenance.source_id])
        for name, frame in frames.items():
            cols = ", ".join(f'"{c}"' for c in _names(frame))
            sql = f"INSERT INTO {name} (source_id, {cols}) SELECT ?, {cols} FROM "
            if isinstance(frame, _Parquet):
                con.execute(sql + "read_parquet(?)", [provenance.source_id, str(frame.path)])
                continue
            con.register("_incoming", frame)
            con.execute(sql + "_incoming", [provenance.source_id])
            con.unregister("_incoming")
        record = provenance.to_dict() | {"tables": ",".join(sorted(frames))}
        con.execute("DELETE FROM provenance WHERE source_id = ?", [provenance.source_id])
        keys = list(record)
        con.execute(
            f"INSERT INTO provenance ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
            [record[k] for k in keys],
        )

    @contextmanager
    def _transaction(self, what: str, fix: str, touched: Iterable[str] = (),
                     after: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
                     ) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one way this module changes the store: one transaction under the process's
        write lock. Everything in the block takes effect, or nothing does (any error rolls
        back and is raised as a StoreError saying so; a MarketscoutError keeps its message).

        After the commit, still under the lock, the user data it changed is kept (user tables
        among `touched` exported, and `after` run): see marketscout.store_keep.
        """
        import duckdb

        with _WRITE_LOCK:
            con = self._con
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                self._changed()
                with suppress(duckdb.Error):  # the failure may have ended it already
                    con.execute("ROLLBACK")
                if isinstance(exc, MarketscoutError) or not isinstance(exc, Exception):
                    raise
                text = str(exc).lower()
                if is_damage(exc) or "no space left" in text or "permission denied" in text:
                    raise _problem(self.path, exc, what.lower()) from exc
                raise StoreError(f"{what} failed, nothing was changed: {exc}",
                                 where=self.path, fix=fix) from exc
            self._changed()
            self._keep(con, touched, after)

    def _changed(self) -> None:
        _CHANGES[self._changes_key] = _CHANGES.get(self._changes_key, 0) + 1

    def _keep(self, con: duckdb.DuckDBPyConnection, touched: Iterable[str],
              after: Callable[[duckdb.DuckDBPyConnection], None] | None) -> None:
        """Keep the user data a committed change touched (store_keep); the change stays."""
        import duckdb

        if self.kept is None:
            return
        try:
            self.kept.export_tables(con, touched)
            if after is not None:
                after(con)
        except (OSError, duckdb.Error) as exc:
            problem = os_problem(exc, self.kept.folder, "keeping a copy of your data") \
                if isinstance(exc, OSError) else _problem(self.path, exc, "keeping a copy")
            raise StoreError(
                f"The change was saved in the store, but {problem.what[:1].lower()}"
                f"{problem.what[1:]}", where=problem.where,
                fix=f"{problem.fix} Then run `marketscout store check`, which refreshes the "
                "copy.") from exc

    def export_user_tables(self) -> None:
        """Export every user table now (a baseline for a store made before user-data/)."""
        if self.kept is not None:
            with _WRITE_LOCK:
                self._keep(self._con, [t for t in self._columns if is_user_table(t)], None)

    def _conform(self, table: str, frame: Frame) -> pd.DataFrame | pa.Table | _Parquet:
        """The table's columns of `frame`, in the table's order (source_id is added on insert);
        a column the table needs and `frame` lacks is an error."""
        self._check_table(table)
        if isinstance(frame, Path):
            found = self._con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                      [str(frame)]).fetchall()
            frame = _Parquet(frame, [str(row[0]) for row in found])
        have = set(_names(frame))
        expected = [c for c in self.columns(table)
                    if c in have or (table, c) not in self._defaulted]
        missing = [c for c in expected if c not in have]
        if missing:
            raise StoreError(
                f"Table '{table}' is missing column(s) {', '.join(missing)}.",
                fix="This is a bug in the parser that produced it; please report it.",
            )
        if isinstance(frame, _Parquet):
            return _Parquet(frame.path, expected)
        return frame[expected] if isinstance(frame, pd.DataFrame) else frame.select(expected)

    def remove(self, source_id: str) -> None:
        """Delete one source's rows and provenance, in one transaction."""
        found = [p for p in self.provenance() if p.source_id == source_id]
        if not found:
            raise StoreError(f"No source '{source_id}' in the store.", where=self.path,
                             fix="See `marketscout data sources` for the ids.")
        def forget(con: duckdb.DuckDBPyConnection) -> None:
            if self.kept is not None:
                self.kept.drop_load(source_id)

        with self._transaction(f"Removing '{source_id}'",
                               "Try again; the store keeps the source.", after=forget) as con:
            tables = con.execute(
                "SELECT tables FROM provenance WHERE source_id = ?", [source_id]
            ).fetchone()
            for name in (tables[0] or "").split(",") if tables else []:
                if name:
                    con.execute(f"DELETE FROM {name} WHERE source_id = ?", [source_id])
            con.execute("DELETE FROM provenance WHERE source_id = ?", [source_id])

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        with self._reading():
            return self._con.execute(sql, list(params)).df()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Reads that meet a damaged file raise a StoreError saying so and what to do."""
        import duckdb

        try:
            yield
        except duckdb.Error as exc:
            if is_damage(exc):
                raise _damaged(self.path, exc) from exc
            raise

    def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run (sql, params) write statements in one transaction: all take effect, or none.

        Writers in this process take turns (a lock), so concurrent web requests lose nothing.
        """
        touched = set().union(*(written_tables(sql) for sql, _ in statements))
        with self._transaction("Writing to the store",
                               "Try again; if it persists, report it.", touched) as con:
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
                               "Try again; if it persists, report it.", [table]) as con:
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

    @property
    def changes(self) -> int:
        """How many changes this process has committed (or tried to) to this store."""
        return _CHANGES.get(self._changes_key, 0)

    def provenance(self, source_id: str | None = None) -> list[Provenance]:
        """Provenance records, all or one (read once per committed change: a `rank` asks
        about a dozen times)."""
        changes = self.changes
        memo = self._provenance_memo
        if memo is None or memo[0] != changes:
            frame = self.query("SELECT * FROM provenance ORDER BY source_id")
            records = tuple(Provenance.from_dict({str(k): v for k, v in r.items()})
                            for r in frame.to_dict("records"))
            memo = self._provenance_memo = (changes, records)
        return [r for r in memo[1] if source_id is None or r.source_id == source_id]

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
        with self._reading():
            row = self._con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def changes_to(path: Path | str) -> int:
    """`Store.changes` of the store file at `path`, without opening it."""
    return _CHANGES.get(str(path), 0)


@contextmanager
def open_store(db_path: Path, *, read_only: bool = False) -> Iterator[Store]:
    """Open the user's store, creating it from the embedded snapshot on first use.

    A new store is built in a temporary file beside the target and moved into place, so an
    interrupted first run never leaves a half-initialised database behind.
    """
    db_path = Path(db_path)
    remove_stale_init_files(db_path.parent)
    if not db_path.exists():
        _initialise(db_path)
    kept = UserData(db_path.parent / KEPT_FOLDER)
    store = Store(db_path, read_only=read_only, keep=kept)
    try:
        if not read_only and not kept.exported():
            store.export_user_tables()  # the first copy, for a store made before user-data/
    except BaseException:
        store.close()
        raise
    try:
        yield store
    finally:
        store.close()


# A first run builds the store in `.init-<pid>-<random>.duckdb` beside it; one left behind by
# a killed process is removed by the next run (a file without a pid once it is this old).
INIT_PREFIX = ".init-"
STALE_INIT_SECONDS = 600.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_init_files(folder: Path, now: float | None = None) -> list[Path]:
    """Remove `.init-*.duckdb` files (and their WALs) that no live process is building."""
    removed: list[Path] = []
    try:
        candidates = list(Path(folder).glob(f"{INIT_PREFIX}*.duckdb*"))
    except OSError:
        return removed
    for path in candidates:
        found = re.match(rf"{re.escape(INIT_PREFIX)}(\d+)-", path.name)
        try:
            age = (now or time.time()) - path.stat().st_mtime
        except OSError:
            continue
        stale = not _alive(int(found.group(1))) if found else age > STALE_INIT_SECONDS
        if stale or age > 24 * 3600:  # a day old: a reused pid, not a first run
            with suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


# The first run's progress display appears on stderr (never stdout) at once on a terminal,
# and elsewhere (a log, a pipe) as one line once the build has taken this long.
PROGRESS_AFTER = 2.0


class FirstRunProgress:
    """A Rich progress bar on stderr while the store is built from the snapshot."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self._bars: Any = None
        self._task: Any = None
        self._said = False

    def __enter__(self) -> FirstRunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bars is not None:
            self._bars.stop()

    def step(self, done: int, total: int, source_id: str) -> None:
        slow = time.monotonic() - self.started >= PROGRESS_AFTER
        if self._bars is None and not self._said and (sys.stderr.isatty() or slow):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(stderr=True)
            if not console.is_terminal:
                print("Building the store from the embedded snapshot (first run) ...",
                      file=sys.stderr, flush=True)
                self._said = True
                return
            self._bars = Progress(TextColumn("Building the store (first run)"), BarColumn(),
                                  MofNCompleteColumn(), TextColumn("{task.description}"),
                                  console=console, transient=True)
            self._bars.start()
            self._task = self._bars.add_task("", total=total)
        if self._bars is not None:
            self._bars.update(self._task, completed=done, description=source_id)


def init_path(db_path: Path, doing: str) -> Path:
    """A fresh, unused `.init-<pid>-*.duckdb` name beside `db_path` to build a store in (the
    pid lets a later run remove it if this process dies: `remove_stale_init_files`)."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{INIT_PREFIX}{os.getpid()}-", suffix=".duckdb",
                                    dir=db_path.parent)
        os.close(fd)
        Path(name).unlink()
    except OSError as exc:
        raise os_problem(exc, db_path.parent, doing) from exc
    return Path(name)


def _initialise(db_path: Path) -> None:
    from marketscout.snapshot import load_snapshot

    tmp = init_path(db_path, "creating the store")
    try:
        with Store(tmp) as store, FirstRunProgress() as progress:
            load_snapshot(store, step=progress.step)
        if not db_path.exists():  # another process may have won the race: keep theirs
            tmp.replace(db_path)
    except OSError as exc:
        raise os_problem(exc, db_path, "creating the store from the snapshot") from exc
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
