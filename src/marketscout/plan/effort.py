"""Effort: the one rule that turns activities into effort per market, used by the alignment,
the register indicators and the proposal's "already covered" markets.

An activity counts in a period when its start date falls in it. An activity in k markets
gives each of them 1/k of an activity and 1/k of its cost, so efforts add up to the number
of activities and to their cost. The cost of an activity is its actual cost, else its budget
(planned activities have no actual cost yet). Amounts in another currency than the one
reported are left out of cost figures (never converted) and said so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from marketscout.errors import InputError

COUNTED = ("planned", "done")  # cancelled activities are not effort


@dataclass(frozen=True)
class Period:
    """Start dates from `start` to `end` (inclusive); None = open-ended."""

    start: date | None = None
    end: date | None = None

    @property
    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all dates"
        if (self.start and self.end and self.start.month == 1 and self.start.day == 1
                and self.end.month == 12 and self.end.day == 31):
            y0, y1 = self.start.year, self.end.year
            return str(y0) if y0 == y1 else f"{y0}-{y1}"
        return f"{self.start or '…'} to {self.end or '…'}"

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_period(text: str | None, where: str = "--period") -> Period:
    """'2025', '2024-2025', '2025-01-01:2025-06-30' or '' / 'all' (every date)."""
    text = (text or "").strip()
    if text.lower() in ("", "all"):
        return Period()
    years = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", text)
    try:
        if years:
            y0, y1 = int(years.group(1)), int(years.group(2) or years.group(1))
            start, end = date(y0, 1, 1), date(y1, 12, 31)
        else:
            first, _, last = text.partition(":")
            start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
    except ValueError as exc:
        raise InputError(f"Not a period: {text!r}.", where=where,
                         fix="Write a year (2025), years (2024-2025) or dates "
                         "(2025-01-01:2025-06-30).") from exc
    if end < start:
        raise InputError(f"The period {text!r} ends before it starts.", where=where,
                         fix="Put the earlier year or date first.")
    return Period(start, end)


def main_currency(activities: pd.DataFrame) -> str | None:
    """The currency most activities use (ties: alphabetical), or None without amounts."""
    counts = activities["currency"].dropna().value_counts()
    if counts.empty:
        return None
    best = counts.max()
    return sorted(counts[counts == best].index)[0]


def counted(activities: pd.DataFrame, period: Period, statuses: Sequence[str]) -> pd.Series:
    """Which activities count: a counted status and a start date in the period."""
    starts = activities["start_date"].map(period.holds).astype(bool)
    return activities["status"].isin(list(statuses)) & starts


def effort(activities: pd.DataFrame, period: Period = Period(),
           statuses: Sequence[str] = COUNTED, currency: str | None = None) -> pd.DataFrame:
    """One row per (activity, market) in the period: `share` of the activity and
    `cost_share` of its cost (NaN when its cost is unknown or in another currency)."""
    keep = counted(activities, period, statuses)
    rows = activities[keep].copy()
    cost = rows["cost"].where(rows["cost"].notna(), rows["budget"]).astype(float)
    if currency is not None:
        cost = cost.where(rows["currency"] == currency)
    rows["effort_cost"] = cost
    rows["k"] = rows["markets"].map(len)
    long = rows.explode("markets").rename(columns={"markets": "iso3"})
    long["share"] = 1.0 / long["k"]
    long["cost_share"] = long["effort_cost"] / long["k"]
    cols = ["activity_id", "iso3", "share", "cost_share", "type", "status", "start_date",
            "currency", "sector", "companies", "leads", "contracts", "export_value"]
    return long[cols].reset_index(drop=True)


def other_currency(activities: pd.DataFrame, period: Period, statuses: Sequence[str],
                   currency: str | None) -> list[str]:
    """Ids of counted activities with an amount in another currency than `currency`."""
    keep = counted(activities, period, statuses)
    rows = activities[keep]
    money = rows["cost"].notna() | rows["budget"].notna()
    other = money & (rows["currency"] != currency)
    return rows.loc[other, "activity_id"].tolist()
