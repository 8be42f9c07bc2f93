"""The four funding modes on small problems computed by hand (the computation is in comments)."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.calls import (
    Optimal,
    Problem,
    mixed_mode,
    optimal_selection,
    real_pot,
    tradeoff,
    virtual_pot,
)
from marketscout.calls.funding import raised_budgets
from marketscout.calls.optimal import inversions
from marketscout.errors import InputError


def problem(need: list[list[float]], budgets: list[float], quality: list[float] | None = None,
            funders: tuple[str, ...] = ("A", "B")) -> Problem:
    n = len(need)
    q = np.array(quality if quality is not None else range(n, 0, -1), dtype=float)
    needs = np.array(need, dtype=float).reshape(n, len(budgets))
    return Problem(tuple(f"P{i + 1}" for i in range(n)), funders[: len(budgets)], needs, q,
                   np.array(budgets, dtype=float), ("LTU", "ISR")[: len(budgets)], needs, "EUR")


# Ranked P1..P4; funder A (Lithuania) and B (Israel) each hold 100.
#        A   B
# P1    60  30
# P2    50  20
# P3    30  60
# P4    10  10
FOUR = [[60, 30], [50, 20], [30, 60], [10, 10]]


def test_virtual_pot_skips_a_project_one_funder_cannot_pay_and_walks_on() -> None:
    # P1: A 60 <= 100, B 30 <= 100: funded; left A 40, B 70.
    # P2: A needs 50 > 40 left: blocked by A; nothing spent.
    # P3: A 30 <= 40, B 60 <= 70: funded; left A 10, B 10.
    # P4: A 10 <= 10, B 10 <= 10: funded; left 0 and 0.
    r = virtual_pot(problem(FOUR, [100, 100]))
    assert r.funded.tolist() == [True, False, True, True]
    assert r.used.tolist() == [100, 100]
    assert r.blocked_by == ((), ("A",), (), ())
    assert r.reasons[1] == "not funded: blocked by A needs 50 EUR, has 40 EUR left"


def test_real_pot_skip_and_stop() -> None:
    # One pot of 200. Costs: P1 90, P2 70, P3 90, P4 20.
    # skip: P1 (left 110), P2 (left 40), P3 90 > 40 skipped, P4 (left 20): 180 spent.
    # stop: P1, P2, then P3 does not fit and the walk ends; P4 is never reached.
    p = problem(FOUR, [100, 100])
    skip = real_pot(p, "skip")
    assert skip.funded.tolist() == [True, True, False, True]
    assert skip.pool == 200 and skip.pool_used == 180
    # each funder's share of the 180 follows its budget: 100/200 each
    assert skip.used.tolist() == [90, 90]
    assert "skipped" in skip.reasons[2]
    stop = real_pot(p, "stop")
    assert stop.funded.tolist() == [True, True, False, False]
    assert "the walk stops here" in stop.reasons[2]
    assert stop.reasons[3] == "not funded: the walk stopped at P3 (needs 90 EUR, 40 EUR left)"


def test_mixed_mode_raises_budgets_and_fills_one_funder_gaps() -> None:
    # Top-up 40, share 0.5: 20 raises the budgets in proportion (100:100, so +10 each) to
    # A 110, B 110; the other 20 is the gap pool.
    # P1: funded; left A 50, B 80.
    # P2: A 50 <= 50, B 20 <= 80: funded; left A 0, B 60.
    # P3: A needs 30, has 0: one funder short by 30 > 20 in the pool: not funded.
    # P4: A needs 10, has 0: short by 10 <= 20: funded, the pool pays 10; left B 50, pool 10.
    r = mixed_mode(problem(FOUR, [100, 100]), topup=40, share=0.5, gap_max_funders=1)
    assert r.available.tolist() == [110, 110]
    assert r.funded.tolist() == [True, True, False, True]
    assert r.gap_paid.tolist() == [0, 0, 0, 10]
    assert r.pool == 20 and r.pool_used == 10
    assert r.used.tolist() == [110, 60]
    assert "exceeds the 20 EUR left in the gap-filling pool" in r.reasons[2]
    assert r.reasons[3].startswith("funded with 10 EUR from the gap-filling pool")


def test_mixed_mode_gap_pool_only_for_projects_blocked_by_few_funders() -> None:
    # Budgets A 10, B 10, no raise (share 0), pool 100. P1 needs A 20, B 20: both short by
    # 10; with gap_max_funders = 1 it stays blocked, with 2 the pool pays 20.
    p = problem([[20, 20]], [10, 10])
    one = mixed_mode(p, topup=100, share=0.0, gap_max_funders=1)
    assert not one.funded[0] and one.blocked_by == (("A", "B"),)
    assert "at most 1 funder(s)" in one.reasons[0]
    two = mixed_mode(p, topup=100, share=0.0, gap_max_funders=2)
    assert two.funded[0] and two.gap_paid[0] == 20 and two.used.tolist() == [10, 10]


def test_raised_budgets_are_proportional() -> None:
    # budgets 300 and 100, top-up 80, share 0.25: 20 raised 3:1 -> +15 and +5; pool 60.
    raised, pool = raised_budgets(np.array([300.0, 100.0]), 80, 0.25)
    assert raised.tolist() == [315, 105] and pool == 60


def test_mixed_mode_with_share_one_is_the_virtual_pot_on_raised_budgets() -> None:
    p = problem(FOUR, [100, 100])
    mixed = mixed_mode(p, topup=40, share=1.0)
    # budgets 120 and 120: P1 (60, 90 left), P2 (10, 70), P3 30 > 10 blocked, P4 (0, 60)
    assert mixed.funded.tolist() == [True, True, False, True]
    assert mixed.pool == 0


EXACT = Optimal(gap=0.0)


def test_optimal_funds_two_smaller_projects_instead_of_the_top_one() -> None:
    # One funder with 100. P1 needs 60 (quality 5), P2 50 (4.5), P3 50 (4.4).
    # Walk-down: P1 (40 left), then P2 and P3 do not fit: quality 5.
    # Subsets within 100: {P1} 5, {P2} 4.5, {P3} 4.4, {P2, P3} 8.9 (P1 with either: 110).
    # Optimum {P2, P3}: one project more, +3.9 quality, at the cost of rank 1.
    p = problem([[60], [50], [50]], [100], [5, 4.5, 4.4], funders=("A",))
    best = optimal_selection(p, EXACT)
    assert best.funded.tolist() == [False, True, True]
    assert best.solver is not None and best.solver.objective == pytest.approx(8.9)
    t = tradeoff(virtual_pot(p), best)
    assert (t.extra, t.dropped, t.count_gain) == ((2, 3), (1,), 1)
    assert t.quality_gain == pytest.approx(3.9)
    # inversions: walk-down [T, F, F] has none; optimum [F, T, T] has (P1, P2) and (P1, P3)
    assert (t.inversions_walk, t.inversions_optimal) == (0, 2)
    assert "not funded: does not fit" in best.reasons[0]


def test_optimal_number_objective_prefers_more_projects() -> None:
    # Budget 100. Needs 60, 30, 30, 40 with quality 9, 1, 1, 8.
    # Quality: {P1, P4} = 100 spent, 17 (best); {P1, P2} 10; {P2, P3, P4} 10.
    # Number: at most three fit ({P2, P3, P4} = 100), so that set, quality 10.
    p = problem([[60], [30], [30], [40]], [100], [9, 1, 1, 8], funders=("A",))
    assert optimal_selection(p, EXACT).funded.tolist() == [True, False, False, True]
    number = optimal_selection(p, Optimal(objective="number", gap=0.0))
    assert number.funded.tolist() == [False, True, True, True]


def test_optimal_minimum_return_per_country() -> None:
    # A (LTU) and B (ISR) hold 100 each.       A   B  quality
    #                                     P1  90  10    12
    #                                     P2  50  50     6
    #                                     P3  50  40     5
    # Without returns: {P1} 12 beats {P2, P3} 11 (P1 with any other needs 140 from A).
    # ISR at least 50: {P1} pays ISR 10, so {P2, P3} (ISR 90, quality 11).
    p = problem([[90, 10], [50, 50], [50, 40]], [100, 100], [12, 6, 5])
    assert optimal_selection(p, EXACT).funded.tolist() == [True, False, False]
    held = optimal_selection(p, Optimal(gap=0.0, min_return={"ISR": 50}))
    assert held.funded.tolist() == [False, True, True]
    # ISR at least 100 cannot be met: {P2, P3} pays 90 and no larger set fits A's budget
    with pytest.raises(InputError) as err:
        optimal_selection(p, Optimal(gap=0.0, min_return={"ISR": 100}), where="call.toml")
    assert "call.toml, key 'min_return'" in str(err.value)


def test_modes_with_no_ranked_project() -> None:
    p = problem([], [100, 100])
    for r in (virtual_pot(p), real_pot(p), mixed_mode(p, 10), optimal_selection(p, EXACT)):
        assert r.count == 0 and r.used.tolist() == [0, 0]


def test_inversions_counts_better_ranked_projects_left_out() -> None:
    # funded pattern F T F T: P2 has 1 unfunded above, P4 has 2 -> 3
    assert inversions(np.array([False, True, False, True])) == 3
    assert inversions(np.array([True, True, False])) == 0


def test_optimal_stopped_by_the_time_limit_is_still_never_below_the_walk_down() -> None:
    # 300 seeded projects over 10 funders cannot be proven optimal in a millisecond; the
    # selection returned must still hold every budget and match or beat the walk-down.
    rng = np.random.default_rng(7)
    need = rng.integers(0, 100, size=(300, 10)) * (rng.random((300, 10)) < 0.3)
    p = Problem(tuple(f"P{i}" for i in range(300)), tuple("ABCDEFGHIJ"), need.astype(float),
                np.sort(rng.integers(20, 60, 300))[::-1] / 3, need.sum(axis=0) * 0.3)
    best = optimal_selection(p, Optimal(time_limit=0.001))
    assert best.solver is not None and best.solver.status == "time limit"
    assert np.all(p.need[best.funded].sum(axis=0) <= p.budgets + 1e-6)
    assert best.quality >= virtual_pot(p).quality
