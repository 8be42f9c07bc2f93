"""Does effort follow the list? Effort per market and tier, shares inside the list, the rank
correlation between priority and effort, gaps (core markets with no activity) and drift
(activity in markets off the list), for one period and one list version; and comparisons of
two periods or two list versions. Pure: activities and a list version in, tables out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from marketscout import countries
from marketscout.plan.effort import COUNTED, Period, effort, main_currency, other_currency
from marketscout.plan.lists import ListVersion

TIER_ORDER = ("core", "likely", "watch", "no tier")


@dataclass(frozen=True)
class Correlation:
    """Spearman's rho between priority (list order) and effort over the markets on the list,
    with its two-sided p-value (scipy: t-distribution approximation, ties averaged)."""

    rho: float
    p_value: float
    n: int
    note: str = ""


@dataclass(frozen=True)
class Alignment:
    home: str
    period: Period
    list_name: str
    list_description: str
    currency: str | None
    markets: pd.DataFrame  # one row per market on the list or with effort
    tiers: pd.DataFrame
    shares: dict[str, float]
    spearman_activities: Correlation
    spearman_cost: Correlation
    gaps: pd.DataFrame
    drift: pd.DataFrame
    activities: int  # activities counted
    warnings: tuple[str, ...] = field(default_factory=tuple)


def spearman(priority: Sequence[float], effort_values: Sequence[float]) -> Correlation:
    """Spearman's rho of two sequences and its p-value; NaN (with why) when undefined."""
    n = len(priority)
    if n < 3:
        return Correlation(math.nan, math.nan, n, "fewer than 3 markets on the list")
    if len(set(effort_values)) < 2:
        return Correlation(math.nan, math.nan, n, "effort is the same in every market on the "
                                                  "list (e.g. none at all)")
    from scipy.stats import spearmanr  # only the alignment needs scipy

    result = spearmanr(priority, effort_values)
    return Correlation(float(result.statistic), float(result.pvalue), n)


def _per_market(long: pd.DataFrame, lv: ListVersion) -> pd.DataFrame:
    sums = long.groupby("iso3").agg(activities=("share", "sum"),
                                    cost=("cost_share", lambda s: s.sum(min_count=1)))
    ids = long.groupby("iso3")["activity_id"].agg(lambda s: "; ".join(sorted(set(s))))
    listed = lv.markets.set_index("iso3")
    keep = set(lv.members) | set(sums.index)
    frame = pd.DataFrame(index=sorted(keep))
    frame.index.name = "iso3"
    frame = frame.join(listed[["position", "rank", "score", "p_top", "tier", "selected"]])
    frame = frame.join(sums).join(ids.rename("activity_ids"))
    frame["market"] = [countries.name(c) for c in frame.index]
    frame["on_list"] = frame["selected"].eq(True)
    frame["tier"] = frame["tier"].fillna("")
    frame["activities"] = pd.to_numeric(frame["activities"]).fillna(0.0)
    frame["cost"] = pd.to_numeric(frame["cost"])
    frame["activity_ids"] = frame["activity_ids"].fillna("")
    total_n, total_c = frame["activities"].sum(), frame["cost"].sum(min_count=1)
    frame["share_activities"] = frame["activities"] / total_n if total_n else 0.0
    frame["share_cost"] = frame["cost"] / total_c if total_c and total_c > 0 else math.nan
    frame = frame.reset_index().sort_values(["on_list", "position", "activities", "iso3"],
                                            ascending=[False, True, False, True])
    return frame[["iso3", "market", "on_list", "position", "rank", "tier", "score", "p_top",
                  "activities", "cost", "share_activities", "share_cost", "activity_ids"]
                 ].reset_index(drop=True)


def _per_tier(markets: pd.DataFrame) -> pd.DataFrame:
    tiers = markets["tier"].replace("", "no tier")
    rows = []
    for name in TIER_ORDER:
        part = markets[tiers == name]
        rows.append({"tier": name, "markets": len(part),
                     "on_list": int(part["on_list"].sum()),
                     "markets_with_activity": int((part["activities"] > 0).sum()),
                     "activities": part["activities"].sum(),
                     "cost": part["cost"].sum(min_count=1),
                     "share_activities": part["share_activities"].sum(),
                     "share_cost": part["share_cost"].sum(min_count=1)})
    return pd.DataFrame(rows)


def align(activities: pd.DataFrame, lv: ListVersion, home: str, period: Period = Period(),
          statuses: Sequence[str] = COUNTED, currency: str | None = None) -> Alignment:
    """The alignment of `home`'s activities in `period` with list version `lv`."""
    in_period = activities[activities["start_date"].map(period.holds).astype(bool)]
    currency = currency or main_currency(in_period)
    long = effort(activities, period, statuses, currency)
    markets = _per_market(long, lv)
    on = markets[markets["on_list"]]
    total_n, total_c = markets["activities"].sum(), markets["cost"].sum(min_count=1)
    shares = {
        "activities_in_list": on["activities"].sum() / total_n if total_n else math.nan,
        "cost_in_list": (on["cost"].sum(min_count=1) / total_c
                         if total_c and total_c > 0 else math.nan),
    }
    order = [-float(p) for p in on["position"]]
    core = set(lv.core())
    gaps = markets[markets["iso3"].isin(core) & (markets["activities"] == 0)]
    drift = markets[~markets["on_list"] & (markets["activities"] > 0)]
    warnings = _warnings(activities, period, statuses, currency, lv)
    return Alignment(
        home=home, period=period, list_name=lv.name, list_description=lv.description,
        currency=currency, markets=markets, tiers=_per_tier(markets), shares=shares,
        spearman_activities=spearman(order, on["activities"].tolist()),
        spearman_cost=spearman(order, on["cost"].fillna(0.0).tolist()),
        gaps=gaps[["iso3", "market", "position", "rank", "tier", "score"]].reset_index(
            drop=True),
        drift=drift[["iso3", "market", "rank", "tier", "activities", "cost",
                     "activity_ids"]].sort_values(["cost", "activities"], ascending=False,
                                                  na_position="last").reset_index(drop=True),
        activities=int(long["activity_id"].nunique()), warnings=tuple(warnings))


def _warnings(activities: pd.DataFrame, period: Period, statuses: Sequence[str],
              currency: str | None, lv: ListVersion) -> list[str]:
    out = []
    other = other_currency(activities, period, statuses, currency)
    if other:
        out.append(f"{len(other)} activities have amounts in another currency than {currency} "
                   f"and are left out of cost figures (never converted): {', '.join(other)}.")
    if not lv.has_tiers:
        out.append(f"The list {lv.name!r} has no tiers: every market on it counts as core for "
                   "gaps.")
    if bool(activities.get("illustrative", pd.Series(dtype=bool)).any()):
        from marketscout.plan.vocab import ILLUSTRATIVE

        out.insert(0, ILLUSTRATIVE)
    return out


def summary(a: Alignment) -> pd.DataFrame:
    """The headline figures as (figure, value) rows, in the order docs/plan.md explains them."""
    rows = [
        ("activities counted", a.activities),
        ("markets on the list", int(a.markets["on_list"].sum())),
        ("share of activities in the list", a.shares["activities_in_list"]),
        ("share of cost in the list", a.shares["cost_in_list"]),
        ("Spearman rho, priority vs activities", a.spearman_activities.rho),
        ("p-value (activities)", a.spearman_activities.p_value),
        ("Spearman rho, priority vs cost", a.spearman_cost.rho),
        ("p-value (cost)", a.spearman_cost.p_value),
        ("gaps (core markets with no activity)", len(a.gaps)),
        ("drift markets (activity off the list)", len(a.drift)),
        ("drift cost", a.drift["cost"].sum(min_count=1)),
    ]
    return pd.DataFrame(rows, columns=["figure", "value"])


def compare(a: Alignment, b: Alignment, labels: tuple[str, str]) -> tuple[pd.DataFrame,
                                                                           pd.DataFrame]:
    """Two alignments (two periods, or two list versions) side by side: the headline figures
    and the markets, with the change from the first to the second."""
    first, second = summary(a), summary(b)
    head = pd.DataFrame({"figure": first["figure"], labels[0]: first["value"],
                         labels[1]: second["value"]})
    head["change"] = pd.to_numeric(head[labels[1]], errors="coerce") - pd.to_numeric(
        head[labels[0]], errors="coerce")
    cols = ["iso3", "market", "on_list", "tier", "activities", "cost"]
    left = a.markets[cols].set_index("iso3")
    right = b.markets[cols].set_index("iso3")
    both = left.join(right, how="outer", lsuffix=f" ({labels[0]})", rsuffix=f" ({labels[1]})")
    both.insert(0, "market", [countries.name(c) for c in both.index])
    both = both.drop(columns=[f"market ({labels[0]})", f"market ({labels[1]})"])
    for col in ("activities", "cost"):
        x, y = both[f"{col} ({labels[0]})"], both[f"{col} ({labels[1]})"]
        both[f"{col} change"] = y.fillna(0) - x.fillna(0)
    return head, both.reset_index()
