"""The criteria of earlier runs, kept on disk: a second `rank` on unchanged data reads them in
a few milliseconds instead of querying the store again (issue 16).

An entry is used only when everything the criteria depend on is unchanged:
- the store: its file and write-ahead log (`store_stamp`: inode, size, modification time),
  the changes this process committed to it (`Store.changes`), and the trade files it lists
  for the DSM (`dsm.catalog.trade_paths`), which live outside it;
- the options the criteria read (`data_key`: home, year, editions, coverage, ...);
- the code and data files of the installed marketscout package (`code_stamp`);
- the clock, for one rule only: while a survey round is open, the `survey` criterion switches
  to it when it closes, so an entry expires at the earliest closing
  (`survey.criterion_changes_at`).
Anything else (a damaged, unreadable or foreign file, a read-only folder) means computing the
criteria again, never an error. Only the newest `KEEP` entries stay.

The folder is the user's cache folder (`<cache>/criteria`); entries are Python pickles, as
trusted as the store beside them: keep the cache folder writable by its user only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from marketscout.criteria.base import Criterion
from marketscout.priority.options import Options
from marketscout.store import Store

KEEP = 16
PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Entry:
    """What a file holds: the criteria, until when they hold without a store change, and the
    files outside the store they were computed from, with their stamps."""

    found: list[Criterion]
    valid_until: datetime | None
    outside: tuple[tuple[str, tuple[int, int, int] | None], ...] = ()

    def holds(self, now: datetime | None) -> bool:
        return ((self.valid_until is None or _now(now) < self.valid_until)
                and all(file_stamp(path) == stamp for path, stamp in self.outside))


def file_stamp(path: Path | str) -> tuple[int, int, int] | None:
    """Inode, size and modification time of a file (None when there is none)."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def store_stamp(db_path: Path | str) -> tuple[object, ...]:
    """`file_stamp` of the store file and of its write-ahead log: any write, by this process
    or another, changes one of them."""
    return (file_stamp(db_path), file_stamp(f"{db_path}.wal"))


def data_key(home: str, options: Options) -> tuple[object, ...]:
    """The options the criteria depend on (weights, top, runs, seed and overrides do not)."""
    return (home, options.year, options.horizon_from, options.exports_mean_years,
            tuple(sorted(options.editions.items())), options.min_coverage)


@cache
def code_stamp() -> str:
    """A digest of the path, size and modification time of every file of the package."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = Path(root, name).stat()
            digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def entry_file(db_path: Path | str, home: str, options: Options, folder: Path) -> Path:
    """The file of the entry for this store, home and data choices, in its present state
    (stamped before the store is read: a write after that makes another name)."""
    from marketscout.store import changes_to

    key = repr((code_stamp(), str(Path(db_path).resolve()), store_stamp(db_path),
                changes_to(db_path), data_key(home, options)))
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def lookup(db_path: Path | str, home: str, options: Options, folder: Path,
           now: datetime | None = None) -> list[Criterion] | None:
    """The kept criteria for the store at `db_path`, without opening it; None if there are
    none that still hold. `now` (naive UTC, as the survey stores times) is for tests."""
    entry = _read(entry_file(db_path, home, options, folder))
    return entry.found if entry is not None and entry.holds(now) else None


def remembered(store: Store, home: str, options: Options, folder: Path,
               compute: Callable[[], list[Criterion]],
               now: datetime | None = None) -> list[Criterion]:
    """`compute()`, or the criteria an earlier run computed under the same conditions."""
    if store.path == ":memory:":
        return compute()
    file = entry_file(store.path, home, options, folder)
    entry = _read(file)
    if entry is not None and entry.holds(now):
        return entry.found
    entry = fresh_entry(store, compute, now)
    _write(file, entry)
    return entry.found


def fresh_entry(store: Store, compute: Callable[[], list[Criterion]],
                now: datetime | None = None) -> Entry:
    """`compute()` with what bounds how long it holds while the store is unchanged: the stamps
    of the trade files it reads (taken before) and the next closing of a survey round."""
    from marketscout.dsm.catalog import trade_paths
    from marketscout.survey.answers import criterion_changes_at

    outside = tuple((p, file_stamp(p)) for p in trade_paths(store))
    found = compute()
    return Entry(found, criterion_changes_at(store, _now(now)), outside)


def _now(now: datetime | None) -> datetime:
    from marketscout.survey.rounds import utcnow  # the survey package loads only when needed

    return now or utcnow()


def _read(file: Path) -> Entry | None:
    try:
        entry = pickle.loads(file.read_bytes())
    except Exception:  # missing, damaged or written by another version: compute again
        return None
    ok = isinstance(entry, Entry) and all(isinstance(c, Criterion) for c in entry.found)
    return entry if ok else None


def _write(file: Path, entry: Entry) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(file)  # never half a file under the final name
        entries = sorted(file.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder only costs computing the criteria again
