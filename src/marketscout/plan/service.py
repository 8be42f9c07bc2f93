"""The plan's operations over the store: import files, the targets dashboard, the alignment
and the proposal for a home country (the CLI and the web app call these)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.plan import register, status, targets, vocab
from marketscout.plan.activities import parse_activities
from marketscout.plan.alignment import Alignment, align
from marketscout.plan.effort import COUNTED, Period
from marketscout.plan.indicators import series
from marketscout.plan.lists import ListVersion
from marketscout.plan.propose import Proposal, ProposalOptions, needed_ids, propose, to_records
from marketscout.sources.table import UserTable
from marketscout.store import Store


def import_register(store: Store, home: str, path: Path | str, sheet: str | None = None
                    ) -> int:
    """Check a register file in full, then replace `home`'s register with it atomically."""
    path = Path(path)
    home = countries.to_iso3(home, where="--home")
    frame = parse_activities(UserTable.read(path, sheet), home, register.instruments(store))
    return register.replace_register(store, home, frame, path)


def import_targets(store: Store, home: str, path: Path | str, sheet: str | None = None) -> int:
    """Check a targets file in full, then replace `home`'s targets with it atomically."""
    path = Path(path)
    home = countries.to_iso3(home, where="--home")
    frame = targets.parse_targets(UserTable.read(path, sheet), home)
    return targets.replace_targets(store, home, frame, path)


def import_instruments(store: Store, path: Path | str, sheet: str | None = None) -> int:
    """Replace the instrument list by a file with columns instrument[, description]."""
    table = UserTable.read(Path(path), sheet)
    frame = pd.DataFrame({"instrument": table.text(table.column("instrument", "name"))})
    described = table.find("description")
    frame["description"] = table.text(described, required=False) if described else None
    table.reject_duplicates(frame, ["instrument"])
    register.set_instruments(store, frame)
    return len(frame)


@dataclass(frozen=True)
class Dashboard:
    home: str
    as_of: date
    list_name: str
    targets: pd.DataFrame
    warnings: tuple[str, ...] = field(default_factory=tuple)


def dashboard(store: Store, home: str, lv: ListVersion | None, as_of: date | None = None,
              rule: status.StatusRule = status.StatusRule()) -> Dashboard:
    """Every target of `home` with its computed progress and status."""
    as_of = as_of or date.today()
    found = targets.targets(store, home)
    acts = register.activities(store, home)
    rows = []
    for _, t in found.iterrows():
        values = series(store, home, t, lv, acts)
        until = status.last_year(str(t["indicator"]), int(t["target_year"]), as_of)
        unit = None if vocab.INDICATORS[str(t["indicator"])][1] != "source unit" else str(
            t["unit"])
        ev = status.evaluate(float(t["baseline"]), int(t["baseline_year"]), float(t["target"]),
                             int(t["target_year"]), values, until, rule, unit)
        rows.append(status.row(t, values, ev))
    frame = pd.DataFrame(rows, columns=status.ROW_COLUMNS)
    warnings = []
    if len(found) and bool(found["illustrative"].any()):
        warnings.append(vocab.ILLUSTRATIVE)
    return Dashboard(home, as_of, lv.name if lv else "", frame, tuple(warnings))


def alignment(store: Store, home: str, lv: ListVersion, period: Period = Period(),
              statuses: tuple[str, ...] = COUNTED, currency: str | None = None) -> Alignment:
    """The alignment of `home`'s register with list version `lv` in `period`."""
    return align(register.activities(store, home), lv, home, period, statuses, currency)


def proposal(store: Store, home: str, lv: ListVersion, options: ProposalOptions) -> Proposal:
    """The proposed apportionment of `options`' budget over `lv` for `home`."""
    acts = register.activities(store, home)
    found = propose(lv, acts, options)
    label = register_warnings(acts)  # the example register's activities count as covered
    return replace(found, warnings=(*label, *found.warnings)) if label else found


def accept(store: Store, home: str, found: Proposal) -> list[str]:
    """Add the proposal's new units to the register as planned activities (one transaction)."""
    ids = [register.new_id(store, prefix="P") for _ in range(needed_ids(found))]
    return register.add_many(store, home, to_records(found, home, ids))


def market_plan(store: Store, home: str, iso3: str, as_of: date | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One market's activities (newest first) and the status of the targets whose scope is
    that market."""
    acts = register.activities(store, home)
    mine = acts[acts["markets"].map(lambda ms: iso3 in ms).astype(bool)].sort_values(
        "start_date", ascending=False)
    board = dashboard(store, home, None, as_of).targets
    goals = board[(board["scope"] == "market") & (board["scope_value"] == iso3)]
    return mine.reset_index(drop=True), goals.reset_index(drop=True)


def filter_register(frame: pd.DataFrame, market: str | None = None, type_: str | None = None,
                    period: str | None = None, status_: str | None = None) -> pd.DataFrame:
    """The activities in a market, of a type, starting in a period, with a status."""
    from marketscout.errors import InputError
    from marketscout.plan.effort import parse_period

    out = frame
    if market:
        iso3 = countries.to_iso3(market, where="market filter")
        out = out[out["markets"].map(lambda ms: iso3 in ms).astype(bool)]
    if type_:
        code = vocab.type_code(type_)
        if code not in vocab.TYPES:
            raise InputError(f"Unknown activity type {type_!r}.", where="type filter",
                             fix=f"Use one of: {', '.join(vocab.TYPES)}.")
        out = out[out["type"] == code]
    if period:
        when = parse_period(period)
        out = out[out["start_date"].map(when.holds).astype(bool)]
    if status_:
        if status_ not in vocab.STATUSES:
            raise InputError(f"Unknown status {status_!r}.", where="status filter",
                             fix=f"Use one of: {', '.join(vocab.STATUSES)}.")
        out = out[out["status"] == status_]
    return out.reset_index(drop=True)


def register_warnings(frame: pd.DataFrame) -> tuple[str, ...]:
    """The illustrative label when any activity shown is from the example."""
    return (vocab.ILLUSTRATIVE,) if len(frame) and bool(frame["illustrative"].any()) else ()
