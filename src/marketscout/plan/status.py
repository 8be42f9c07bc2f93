"""Target status: on track / at risk / off track / no data, by one documented rule.

The path from the baseline B (year b) to the target T (year t) is a straight line; by year y
it expects E = B + (T - B) (y - b) / (t - b). The value V of the latest year y with data
(b < y <= t, and for register indicators a complete year: before the `as_of` date's year)
has made progress p = (V - B) / (E - B) of what was expected.

* before the target year: on track if p >= 0.9, at risk if p >= 0.5, else off track;
* in the target year (or once it has passed): on track only if the target is reached
  (p >= 1), else off track;
* a target equal to its baseline (keep a level): on track while V >= T, else off track;
* no data: no value after the baseline year (the reason and how to get it are given).

The thresholds (0.9, 0.5) are a design choice, not a literature value: `StatusRule`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from marketscout.plan import vocab
from marketscout.plan.indicators import Series

EPS = 1e-9
STATUSES = ("on track", "at risk", "off track", "no data")
ROW_COLUMNS = ["target_id", "title", "indicator", "activity_type", "scope", "scope_value",
               "baseline", "baseline_year", "target", "target_year", "unit", "value",
               "value_year", "expected", "progress", "achieved", "status", "computed_baseline",
               "source", "detail", "notes", "illustrative"]


@dataclass(frozen=True)
class StatusRule:
    on_track: float = 0.9  # share of the expected progress made
    at_risk: float = 0.5


@dataclass(frozen=True)
class Evaluation:
    status: str
    value: float = math.nan
    year: int | None = None
    expected: float = math.nan
    progress: float = math.nan  # p: share of the expected progress made
    achieved: float = math.nan  # share of the way from baseline to target, for a bar
    detail: str = ""


def last_year(indicator: str, target_year: int, as_of: date) -> int:
    """The latest year a value may come from: a complete year for register counts."""
    if vocab.INDICATORS[indicator][0] == "register":
        complete = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
        return min(target_year, complete)
    return target_year


def evaluate(baseline: float, baseline_year: int, target: float, target_year: int,
             found: Series, until: int, rule: StatusRule = StatusRule(),
             unit: str | None = None) -> Evaluation:
    """The status of one target from its indicator's values (see the module's rule)."""
    if found.missing:
        return Evaluation("no data", detail=found.missing)
    if unit and found.unit and unit.strip().lower() != found.unit.strip().lower():
        return Evaluation("no data", detail=f"The indicator is in {found.unit!r} but the target "
                          f"is in {unit!r}: give the target in the source's unit.")
    values = found.values.dropna()
    usable = values[(values.index > baseline_year) & (values.index <= until)]
    if usable.empty:
        latest = int(values.index.max()) if len(values) else None
        why = (f"the latest data year is {latest}" if latest is not None else "there is no data")
        return Evaluation("no data", detail=f"No value after the baseline year {baseline_year} "
                          f"up to {until} ({why}).")
    year = int(usable.index.max())
    value = float(usable.loc[year])
    expected = baseline + (target - baseline) * (year - baseline_year) / (
        target_year - baseline_year)
    achieved = ((value - baseline) / (target - baseline) if target != baseline
                else (1.0 if value >= target else 0.0))
    if target == baseline:
        status = "on track" if value >= target else "off track"
        return Evaluation(status, value, year, expected, math.nan, achieved,
                          "keep the level of the baseline")
    progress = (value - baseline) / (expected - baseline)
    if year >= target_year:
        status = "on track" if progress >= 1 - EPS else "off track"
    elif progress >= rule.on_track - EPS:  # 5.8 of 6 expected is 90 %, whatever the float
        status = "on track"
    elif progress >= rule.at_risk - EPS:
        status = "at risk"
    else:
        status = "off track"
    return Evaluation(status, value, year, expected, progress, achieved,
                      f"{value:,.4g} in {year} against {expected:,.4g} expected on the path")


def row(target: pd.Series, found: Series, ev: Evaluation) -> dict[str, object]:
    """One line of the targets dashboard."""
    b = int(target["baseline_year"])
    computed = found.values.get(b, math.nan) if len(found.values) else math.nan
    return {
        "target_id": target["target_id"], "title": target.get("title"),
        "indicator": target["indicator"], "activity_type": target.get("activity_type"),
        "scope": target["scope"], "scope_value": target.get("scope_value"),
        "baseline": target["baseline"], "baseline_year": b, "target": target["target"],
        "target_year": int(target["target_year"]), "unit": target["unit"],
        "value": ev.value, "value_year": ev.year, "expected": ev.expected,
        "progress": ev.progress, "achieved": ev.achieved, "status": ev.status,
        "computed_baseline": computed, "source": found.source, "detail": ev.detail,
        "notes": "; ".join(found.notes), "illustrative": bool(target.get("illustrative")),
    }
