"""Apportionment: a hand-worked Sainte-Laguë case, and the exact solver against brute force
over every allocation on small cases, with every constraint."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from marketscout.errors import InputError
from marketscout.plan.apportion import Problem, greedy, solve, value
from marketscout.plan.lists import ListVersion
from marketscout.plan.propose import ProposalOptions, propose


def free(weights: list[float], total: int, method: str = "sainte-lague") -> Problem:
    n = len(weights)
    return Problem(np.array(weights, float), total, np.zeros(n, int), np.full(n, total), method)


def test_hand_worked_sainte_lague() -> None:
    # weights 53, 24, 23; 7 units. Quotients w/1, w/3, w/5, w/7:
    # A 53, 17.67, 10.6, 7.57; B 24, 8, 4.8; C 23, 7.67, 4.6. The 7 largest: 53, 24, 23,
    # 17.67, 10.6, 8 (B), 7.67 (C) -> A 3, B 2, C 2 (D'Hondt: A 4, B 2, C 1).
    assert solve(free([53, 24, 23], 7)).tolist() == [3, 2, 2]
    assert solve(free([53, 24, 23], 7, "dhondt")).tolist() == [4, 2, 1]


def test_ties_go_to_the_market_earlier_on_the_list() -> None:
    assert solve(free([1, 1, 1, 1], 2)).tolist() == [1, 1, 0, 0]
    assert solve(free([1, 1, 1], 4)).tolist() == [2, 1, 1]


def brute_force(p: Problem) -> float:
    """The best objective over every integer allocation within the bounds."""
    ranges = [range(int(lo), int(hi) + 1) for lo, hi in zip(p.lower, p.upper, strict=True)]
    best = -np.inf
    for x in itertools.product(*ranges):
        if sum(x) == p.total:
            best = max(best, value(p, np.array(x)))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_exact_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    weights = np.round(rng.uniform(0, 10, n), 1)
    weights[rng.random(n) < 0.25] = 2.0  # ties
    lower = rng.integers(0, 2, n)  # at least k / fixed commitments / already covered
    upper = lower + rng.integers(0, 4, n)  # at most m per market (0 = skipped market)
    total = int(rng.integers(lower.sum(), upper.sum() + 1))
    p = Problem(weights, total, lower, upper, ("sainte-lague", "dhondt")[seed % 2])
    x = solve(p)
    assert x.sum() == total and (x >= lower).all() and (x <= upper).all()
    assert value(p, x) == pytest.approx(brute_force(p))
    assert x.tolist() == greedy(p).tolist()


def test_infeasible_constraints_say_why() -> None:
    with pytest.raises(InputError, match="at least 4 units but the budget has 3"):
        solve(Problem(np.ones(2), 3, np.array([2, 2]), np.array([5, 5])))
    with pytest.raises(InputError, match="exceeds the 2"):
        solve(Problem(np.ones(2), 3, np.zeros(2, int), np.ones(2, int)))


def plan_list() -> ListVersion:
    frame = pd.DataFrame({
        "iso3": ["DEU", "FRA", "ITA", "ESP"], "market": ["DEU", "FRA", "ITA", "ESP"],
        "rank": [1.0, 2, 3, 4], "score": [60.0, 30, 15, 5], "p_top": [1.0, 1.0, 0.9, 0.5],
        "tier": ["core", "core", "core", "likely"], "selected": True,
        "position": pd.array([1, 2, 3, 4], dtype="Int64")})
    return ListVersion("four", "four markets", frame, True)


def register(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(id, type, market, start) rows as a register frame."""
    return pd.DataFrame({
        "activity_id": [r[0] for r in rows], "type": [r[1] for r in rows],
        "markets": [[r[2]] for r in rows],
        "start_date": [pd.Timestamp(r[3]).date() for r in rows],
        "status": "done"})


def totals(found) -> dict[str, int]:
    return dict(zip(found.markets["iso3"], found.markets["total"], strict=True))


def test_proposal_constraints() -> None:
    lv = plan_list()
    empty = register([])
    # scores 60:30:15:5 and 10 units: quotients 60, 30, 20, 15, 12, 10, 8.6, 6.7, 6, 5 ...
    assert totals(propose(lv, empty, ProposalOptions(year=2026, units=10))) == {
        "DEU": 6, "FRA": 3, "ITA": 1, "ESP": 0}
    capped = propose(lv, empty, ProposalOptions(year=2026, units=10, max_per_market=4))
    # DEU stops at 60, 20, 12, 8.6; the next six: 30, 15, 10, 6 (FRA), 5 (ITA), 5 (ESP)
    assert totals(capped) == {"DEU": 4, "FRA": 3, "ITA": 2, "ESP": 1}
    assert "capped at the maximum of 4" in capped.markets.loc[0, "explanation"]
    core = propose(lv, empty, ProposalOptions(year=2026, units=6, min_core=2))
    assert totals(core) == {"DEU": 2, "FRA": 2, "ITA": 2, "ESP": 0}
    assert "at least 2 per core market" in core.markets.loc[2, "explanation"]
    fixed = propose(lv, empty, ProposalOptions(year=2026, units=4, fixed={"ESP": 1}))
    assert totals(fixed)["ESP"] == 1 and "fixed commitment" in fixed.markets.loc[3,
                                                                                "explanation"]


def test_markets_already_covered_this_year() -> None:
    lv = plan_list()
    past = register([("X1", "mission", "FRA", "2026-02-01"), ("X2", "mission", "FRA",
                     "2026-03-01"), ("X3", "visit", "DEU", "2026-03-01"),
                     ("X4", "mission", "DEU", "2025-03-01")])
    counted = propose(lv, past, ProposalOptions(year=2026, units=4))
    # 4 new + 2 French missions = 6 units: 60, 30, 20, 15, 12, 10 -> DEU 3, FRA 2 (both
    # held already), ITA 1; the visit to DEU and the 2025 mission do not count
    m = counted.markets.set_index("iso3")
    assert (m.loc["FRA", "existing"], m.loc["FRA", "new"], m.loc["DEU", "new"]) == (2, 0, 3)
    assert m.loc["ITA", "new"] == 1
    skipped = propose(lv, past, ProposalOptions(year=2026, units=4, covered="skip"))
    assert totals(skipped)["FRA"] == 0 and totals(skipped)["DEU"] == 3
    ignored = propose(lv, past, ProposalOptions(year=2026, units=4, covered="ignore"))
    assert totals(ignored) == {"DEU": 2, "FRA": 1, "ITA": 1, "ESP": 0}  # 60, 30, 20, 15


def test_money_in_steps_and_position_basis() -> None:
    found = propose(plan_list(), register([]), ProposalOptions(
        year=2026, amount=105_000, step=10_000, basis="position"))
    assert found.total_units == 10
    # weights 4, 3, 2, 1: quotients 4, 3, 2, 1.33, 1, 1, 0.8, 0.67, 0.6, 0.57, 0.44...
    assert totals(found) == {"DEU": 4, "FRA": 3, "ITA": 2, "ESP": 1}
    assert found.markets.loc[0, "amount"] == 40_000
    assert any("5,000 EUR" in w for w in found.warnings)


def test_bad_proposal_options() -> None:
    with pytest.raises(InputError, match="--basis"):
        ProposalOptions(year=2026, units=3, basis="votes")
    with pytest.raises(InputError, match="not on the list"):
        propose(plan_list(), register([]), ProposalOptions(year=2026, units=3,
                                                           fixed={"USA": 1}))
