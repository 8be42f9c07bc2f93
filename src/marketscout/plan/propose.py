"""A proposed plan: spread N activities of a type (or an amount of money, in steps) over the
list by priority, under the user's constraints, explained market by market; and accepted
into the register as planned activities."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.plan import apportion, vocab
from marketscout.plan.effort import Period
from marketscout.plan.forms import records
from marketscout.plan.lists import ListVersion

BASES = ("score", "p_top", "position")
COVERED = ("count", "skip", "ignore")


@dataclass(frozen=True)
class ProposalOptions:
    """What to spread and how (every default defined here)."""

    year: int
    units: int = 0  # activities, or steps of money when `amount` is given
    activity_type: str = "mission"
    amount: float | None = None  # money to spread, in `step`s
    step: float | None = None
    currency: str = "EUR"
    basis: str = "score"  # the weight: score, p_top (P(top N)) or position (N + 1 - position)
    method: str = "sainte-lague"
    min_core: int = 0  # at least this many per core market
    max_per_market: int | None = None
    covered: str = "count"  # existing activities of the type this year: count, skip, ignore
    fixed: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        _check_options(self)

    @property
    def total_units(self) -> int:
        if self.amount is not None and self.step:
            return math.floor(self.amount / self.step + 1e-9)
        return self.units

    @property
    def money(self) -> bool:
        return self.amount is not None


def _check_options(o: ProposalOptions) -> None:
    checks = [
        (o.basis in BASES, "--basis", f"Use one of: {', '.join(BASES)}."),
        (o.covered in COVERED, "--covered", f"Use one of: {', '.join(COVERED)}."),
        (o.activity_type in vocab.TYPES, "--type", f"Use one of: {', '.join(vocab.TYPES)}."),
        (o.method in apportion.METHODS, "--method", f"Use one of: "
         f"{', '.join(apportion.METHODS)}."),
        (o.min_core >= 0, "--min-core", "Use 0 or more."),
        (o.max_per_market is None or o.max_per_market >= 1, "--max-per-market", "Use 1 or more."),
        (o.amount is None or (o.amount > 0 and (o.step or 0) > 0), "--amount / --step",
         "Give a positive amount and a positive step, e.g. --amount 500000 --step 25000."),
        (o.amount is not None or o.units >= 1, "--activities",
         "Give the number of activities to spread (or --amount and --step)."),
        (o.currency in vocab.CURRENCIES, "--currency", "Use an ISO 4217 code, e.g. EUR."),
        (all(v >= 0 for v in o.fixed.values()), "--fixed", "Write MARKET=count, count >= 0."),
    ]
    for ok, where, fix in checks:
        if not ok:
            raise InputError(f"Bad proposal option {where}.", where=where, fix=fix)


@dataclass(frozen=True)
class Proposal:
    options: ProposalOptions
    list_name: str
    list_description: str
    markets: pd.DataFrame  # one row per eligible market: weight, quota, units, explanation
    total_units: int
    warnings: tuple[str, ...] = ()

    @property
    def unit_label(self) -> str:
        o = self.options
        if o.money:
            return f"steps of {o.step:,.0f} {o.currency}"
        return f"{vocab.TYPES[o.activity_type]}s"


def weights(lv: ListVersion, basis: str) -> pd.DataFrame:
    """The list's markets in list order with the weight the apportionment uses."""
    on = lv.markets[lv.markets["selected"]].sort_values("position").reset_index(drop=True)
    if basis in ("score", "p_top") and on[basis].isna().all():
        raise InputError(f"The list {lv.name!r} has no {basis} (an imported list has only an "
                         "order).", where="--basis",
                         fix="Use --basis position, or --list computed.")
    if basis == "position":
        w = len(on) + 1 - on["position"].astype(float)
    else:
        w = on[basis].astype(float).fillna(0.0).clip(lower=0.0)
    return on.assign(weight=w.to_numpy())


def covered(activities: pd.DataFrame, activity_type: str, year: int) -> dict[str, int]:
    """Per market: activities of the type this year already in the register (not
    cancelled); a market shared with others counts as covered once per activity."""
    period = Period(pd.Timestamp(year, 1, 1).date(), pd.Timestamp(year, 12, 31).date())
    keep = ((activities["type"] == activity_type) & (activities["status"] != "cancelled")
            & activities["start_date"].map(period.holds).astype(bool))
    counts: dict[str, int] = {}
    for markets in activities.loc[keep, "markets"]:
        for m in markets:
            counts[m] = counts.get(m, 0) + 1
    return counts


def bounds(on: pd.DataFrame, o: ProposalOptions, core: set[str], existing: Mapping[str, int]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Existing units, and lower and upper bounds on each market's total."""
    n, total = len(on), o.total_units
    have = np.array([existing.get(m, 0) if o.covered == "count" else 0 for m in on["iso3"]])
    fixed = np.array([int(o.fixed.get(m, 0)) for m in on["iso3"]])
    lower = have + fixed
    is_core = on["iso3"].isin(core).to_numpy()
    lower = np.where(is_core, np.maximum(lower, o.min_core), lower)
    cap = total + have.sum()
    upper = np.full(n, cap) if o.max_per_market is None else np.full(n, o.max_per_market)
    upper = np.maximum(upper, have + fixed)  # a commitment or the past is never undone
    if o.covered == "skip":
        skipped = np.array([existing.get(m, 0) > 0 for m in on["iso3"]])
        upper = np.where(skipped & (fixed == 0), 0, upper)
        lower = np.where(skipped & (fixed == 0), 0, lower)
    return have, lower, upper


def propose(lv: ListVersion, activities: pd.DataFrame, o: ProposalOptions) -> Proposal:
    """The apportionment of `o`'s units over `lv`'s markets, explained."""
    unknown = [m for m in o.fixed if m not in set(lv.members)]
    if unknown:
        raise InputError(f"Fixed commitment for {', '.join(unknown)}, not on the list "
                         f"{lv.name!r}.", where="--fixed",
                         fix="Commit units only to markets on the list.")
    on = weights(lv, o.basis)
    existing = covered(activities, o.activity_type, o.year) if len(activities) else {}
    have, lower, upper = bounds(on, o, set(lv.core()), existing)
    total = o.total_units + int(have.sum())
    problem = apportion.Problem(on["weight"].to_numpy(float), total, lower, upper, o.method)
    x = apportion.solve(problem)
    free = apportion.Problem(problem.weights, total, np.zeros(len(on), int),
                             np.full(len(on), total), o.method)
    plain = apportion.solve(free) if total else np.zeros(len(on), int)
    frame = _explain(on, o, have, lower, upper, x, plain, total, set(lv.core()))
    return Proposal(o, lv.name, lv.description, frame, o.total_units, tuple(_warnings(o, on)))


def _explain(on: pd.DataFrame, o: ProposalOptions, have: np.ndarray, lower: np.ndarray,
             upper: np.ndarray, x: np.ndarray, plain: np.ndarray, total: int,
             core: set[str]) -> pd.DataFrame:
    wsum = float(on["weight"].sum())
    quota = total * on["weight"].to_numpy(float) / wsum if wsum > 0 else np.zeros(len(on))
    rows = []
    for i, r in enumerate(records(on)):
        reason = _reason(int(x[i]), int(plain[i]), int(have[i]), int(lower[i]), int(upper[i]),
                         int(o.fixed.get(r["iso3"], 0)), r["iso3"] in core, o)
        new = int(x[i] - have[i])
        rows.append({
            "position": int(r["position"]), "iso3": r["iso3"],
            "market": countries.name(r["iso3"]), "tier": r["tier"], "weight": r["weight"],
            "quota": quota[i], "unconstrained": int(plain[i]), "existing": int(have[i]),
            "total": int(x[i]), "new": new,
            "amount": new * o.step if o.money and o.step else math.nan,
            "explanation": _sentence(r, o, quota[i], int(x[i]), new, int(have[i]), reason)})
    return pd.DataFrame(rows)


def _reason(x: int, plain: int, have: int, lower: int, upper: int, fixed: int, is_core: bool,
            o: ProposalOptions) -> str:
    if o.covered == "skip" and upper == 0:
        return "left out: already covered this year (--covered skip)"
    if x > plain and x == lower:
        why = []
        if fixed:
            why.append(f"{fixed} fixed commitment(s)")
        if have and o.covered == "count":
            why.append(f"{have} already this year")
        if is_core and o.min_core and lower == max(o.min_core, have + fixed):
            why.append(f"at least {o.min_core} per core market")
        return "raised to its minimum: " + ", ".join(why or ["its minimum"])
    if x < plain and x == upper:
        return f"capped at the maximum of {upper} per market"
    if x < plain:
        return ("gave units up to other markets' minimums (fixed commitments, activities "
                "already this year, core minimums)")
    if x > plain:
        return "received units that capped or skipped markets could not take"
    return "no constraint binds"


def _sentence(r: Mapping[str, Any], o: ProposalOptions, quota: float, x: int, new: int, have: int,
              reason: str) -> str:
    label = {"score": f"score {r['score']:.1f}", "p_top": f"P(top N) {r['p_top']:.1%}",
             "position": f"weight {r['weight']:g} (list position {int(r['position'])})"}
    what = f"{label[o.basis]}; ideal share {quota:.2f} units; {o.method} gives {x}"
    past = f" ({have} already this year, {new} new)" if have else ""
    return f"{what}{past}: {reason}."


def _warnings(o: ProposalOptions, on: pd.DataFrame) -> list[str]:
    out = []
    if o.money and o.amount is not None and o.step:
        rest = o.amount - o.total_units * o.step
        if rest > 1e-6:
            out.append(f"{rest:,.0f} {o.currency} of the amount is less than one step and "
                       "is not apportioned.")
    zero = on.loc[on["weight"] <= 0, "iso3"].tolist()
    if zero:
        out.append(f"Markets with weight 0 get units only through constraints: "
                   f"{', '.join(zero)}.")
    return out


def to_records(p: Proposal, home: str, ids: list[str]) -> list[dict[str, Any]]:
    """Planned activities for the proposal's new units (one per activity, or one per market
    holding its amount), ready for `register.add_many`."""
    o = p.options
    day = pd.Timestamp(o.year, 1, 1).date()
    out: list[dict[str, Any]] = []
    k = 0
    for r in records(p.markets):
        count = 0 if r["new"] <= 0 else (1 if o.money else int(r["new"]))
        for _ in range(count):
            out.append({
                "activity_id": ids[k], "home": home, "title": f"Proposed {o.activity_type} to "
                f"{r['market']} ({o.year})", "type": o.activity_type, "instrument": None,
                "markets": [r["iso3"]], "sector": None, "start_date": day, "end_date": day,
                "organiser": None, "currency": o.currency if o.money else None,
                "budget": float(r["amount"]) if o.money else None, "cost": None,
                "companies": None, "company_names": None, "leads": None, "contracts": None,
                "export_value": None, "joint_projects": None, "status": "planned",
                "notes": f"Accepted from a proposal ({p.list_name}, {o.method} on {o.basis}); "
                         "set the dates.", "source": "marketscout plan propose",
                "illustrative": False})
            k += 1
    return out


def needed_ids(p: Proposal) -> int:
    """How many activities accepting the proposal adds."""
    if p.options.money:
        return int((p.markets["new"] > 0).sum())
    return int(p.markets["new"].clip(lower=0).sum())
