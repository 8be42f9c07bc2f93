"""The activity register in the store (table plan_activity): read, replace on import, add,
edit and delete, with a version check so that two people editing at once lose nothing.

Every write gives the row a fresh `version` (a sequence value, unique across the store). An
edit or a delete names the version it was based on; if the row has moved on since (another
browser session, another command, a re-import), nothing is written and `ConflictError` carries
the current values, so the user can apply the change again on top of them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout.errors import InputError
from marketscout.plan import vocab
from marketscout.plan.activities import STORE_COLUMNS, parse_activities, to_fields
from marketscout.plan.forms import FormTable, records
from marketscout.store import Store

INSERT_COLUMNS = ["activity_id", "home", *STORE_COLUMNS[1:], "version", "updated_at"]


class ConflictError(InputError):
    """The record changed (or went) since the version the edit was based on."""

    def __init__(self, what: str, *, current: dict[str, str] | None, version: int | None,
                 where: str | None = None, fix: str | None = None) -> None:
        super().__init__(what, where=where, fix=fix)
        self.current = current  # the stored values now (None: deleted)
        self.version = version  # the stored version now


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def instruments(store: Store) -> list[str]:
    """The instruments activities may name: the user's list, else the defaults."""
    rows = store.query("SELECT instrument FROM plan_instrument ORDER BY instrument")
    if rows.empty:
        return [name for name, _ in vocab.DEFAULT_INSTRUMENTS]
    return rows["instrument"].tolist()


def instrument_table(store: Store) -> pd.DataFrame:
    rows = store.query("SELECT instrument, description FROM plan_instrument ORDER BY instrument")
    if rows.empty:
        return pd.DataFrame(vocab.DEFAULT_INSTRUMENTS, columns=["instrument", "description"])
    return rows


def set_instruments(store: Store, table: pd.DataFrame) -> None:
    """Replace the instrument list (instrument, description) in one transaction."""
    statements: list[tuple[str, Sequence[Any]]] = [("DELETE FROM plan_instrument", [])]
    statements += [("INSERT INTO plan_instrument VALUES (?, ?)", [r.instrument, r.description])
                   for r in table.itertuples(index=False)]
    store.write(statements)


def activities(store: Store, home: str) -> pd.DataFrame:
    """Every activity of `home`'s register, by start date (markets as lists of ISO3)."""
    frame = store.query("SELECT * FROM plan_activity WHERE home = ? "
                        "ORDER BY start_date, activity_id", [home])
    frame["markets"] = frame["markets"].map(list)
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def get_activity(store: Store, home: str, activity_id: str) -> dict[str, Any] | None:
    found = store.query("SELECT * FROM plan_activity WHERE home = ? AND activity_id = ?",
                        [home, activity_id])
    if found.empty:
        return None
    row = records(found)[0]
    row["markets"] = list(row["markets"])
    return row


def _value(value: Any) -> Any:
    """A frame cell as a DuckDB parameter (NaN -> NULL, NumPy -> Python)."""
    if isinstance(value, list):
        return value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _insert(row: Mapping[str, Any], now: datetime) -> tuple[str, list[Any]]:
    cols = INSERT_COLUMNS
    marks = ", ".join("nextval('plan_version_seq')" if c == "version" else "?" for c in cols)
    params = [now if c == "updated_at" else _value(row[c]) for c in cols if c != "version"]
    return f"INSERT INTO plan_activity ({', '.join(cols)}) VALUES ({marks})", params


def replace_register(store: Store, home: str, frame: pd.DataFrame, path: Path) -> int:
    """Replace `home`'s whole register by `frame` (checked) in one transaction."""
    now = utcnow()
    statements: list[tuple[str, Sequence[Any]]] = [
        ("DELETE FROM plan_activity WHERE home = ?", [home])]
    statements += [_insert(r, now) for r in records(frame)]
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    statements.append(("INSERT INTO plan_import VALUES (?, 'register', ?, ?, ?, ?)",
                       [home, str(path), digest, len(frame), now]))
    store.write(statements)
    return len(frame)


def check_fields(store: Store, home: str, fields: Mapping[str, Any], origin: str
                 ) -> dict[str, Any]:
    """One activity's fields checked by the register file's rules; the record to store."""
    table = FormTable.of(fields, origin)
    return records(parse_activities(table, home, instruments(store)))[0]


FIELD_IN_WHERE = re.compile(r"field '([^']+)'")


def _placeholder(field: str, home: str) -> str:
    """A value that passes the checks of `field`, to look for errors in the other fields."""
    values = {"id": "X00000", "type": "mission", "markets": "FRA" if home != "FRA" else "DEU",
              "start": "2000-01-01", "status": "planned", "currency": "EUR"}
    return values.get(field, "")


def field_errors(store: Store, home: str, fields: Mapping[str, Any], origin: str
                 ) -> dict[str, InputError]:
    """Every field's error at once (field name -> error; '' for one that names no field):
    the register's checks stop at the first error, so each failing field is replaced by a
    value that passes and the checks run again, until they pass."""
    trial = dict(fields)
    found: dict[str, InputError] = {}
    for _ in range(len(trial) + 2):
        try:
            check_fields(store, home, trial, origin)
            return found
        except InputError as exc:
            hit = FIELD_IN_WHERE.search(exc.where or "")
            name = hit.group(1) if hit else ""
            if not name or name in found:
                found.setdefault(name, exc)
                return found
            found[name] = exc
            trial[name] = _placeholder(name, home)
    return found


def new_id(store: Store, prefix: str = "A") -> str:
    """A fresh activity id (a sequence: two sessions adding at once get different ids)."""
    while True:
        n = int(store.query("SELECT nextval('plan_activity_seq') AS n")["n"].iloc[0])
        candidate = f"{prefix}{n:05d}"
        if store.query("SELECT 1 FROM plan_activity WHERE activity_id = ?", [candidate]).empty:
            return candidate


def add_activity(store: Store, home: str, fields: Mapping[str, Any],
                 origin: str = "the new activity") -> str:
    """Check and add one activity (an id is made when none is given); returns its id."""
    given = dict(fields)
    if not str(given.get("id") or "").strip():
        given["id"] = new_id(store)
    record = check_fields(store, home, given, origin)
    if get_activity(store, home, record["activity_id"]) is not None:
        raise InputError(f"An activity with id {record['activity_id']!r} exists already.",
                         where=f"{origin}, field 'id'",
                         fix="Choose another id, or leave it empty to get a new one.")
    store.write([_insert(record, utcnow())])
    return str(record["activity_id"])


def _conflict(store: Store, home: str, activity_id: str, version: int, what: str
              ) -> ConflictError:
    now = get_activity(store, home, activity_id)
    if now is None:
        return ConflictError(f"Activity {activity_id} was deleted since you opened it "
                            f"(version {version}).", current=None, version=None,
                            where=f"activity {activity_id}",
                            fix="Nothing was saved. Add it again if it is still needed.")
    return ConflictError(
        f"Activity {activity_id} was changed by someone else since you opened it (you {what} "
        f"version {version}; it is now version {now['version']}).",
        current=to_fields(now), version=int(now["version"]), where=f"activity {activity_id}",
        fix="Nothing was saved. Compare your values with the current ones and apply your "
        "change again on top of them.")


def edit_activity(store: Store, home: str, activity_id: str, changes: Mapping[str, Any],
                  version: int | None, origin: str = "the edit") -> int:
    """Apply `changes` (field -> text) to one activity if it is still at `version` (None:
    whatever it is now); returns the new version."""
    now = get_activity(store, home, activity_id)
    if now is None:
        raise InputError(f"No activity {activity_id!r} in {home}'s register.",
                         where=origin, fix="See `marketscout plan register list`.")
    base = int(now["version"]) if version is None else int(version)
    fields = to_fields(now) | {k: v for k, v in changes.items() if v is not None}
    fields["id"] = activity_id  # the id is the key; it is not edited
    record = check_fields(store, home, fields, origin)
    stamp = int(store.query("SELECT nextval('plan_version_seq') AS v")["v"].iloc[0])
    cols = [c for c in INSERT_COLUMNS if c not in ("activity_id", "home", "version",
                                                    "updated_at")]
    sets = ", ".join(f"{c} = ?" for c in cols)
    store.write([(f"UPDATE plan_activity SET {sets}, version = ?, updated_at = ? "
                  "WHERE home = ? AND activity_id = ? AND version = ?",
                  [*(_value(record[c]) for c in cols), stamp, utcnow(), home, activity_id,
                   base])])
    after = get_activity(store, home, activity_id)
    if after is None or int(after["version"]) != stamp:
        raise _conflict(store, home, activity_id, base, "edited")
    return stamp


def delete_activity(store: Store, home: str, activity_id: str, version: int | None) -> None:
    """Delete one activity if it is still at `version` (None: whatever it is now)."""
    now = get_activity(store, home, activity_id)
    if now is None:
        raise InputError(f"No activity {activity_id!r} in {home}'s register.",
                         fix="See `marketscout plan register list`.")
    base = int(now["version"]) if version is None else int(version)
    store.write([("DELETE FROM plan_activity WHERE home = ? AND activity_id = ? AND "
                  "version = ?", [home, activity_id, base])])
    if get_activity(store, home, activity_id) is not None:
        raise _conflict(store, home, activity_id, base, "deleted")


def add_many(store: Store, home: str, records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Add several checked records (e.g. an accepted proposal) in one transaction."""
    now = utcnow()
    store.write([_insert(r, now) for r in records])
    return [str(r["activity_id"]) for r in records]
