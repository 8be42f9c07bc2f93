"""Money at the boundary: a project that needs exactly what is left is funded, in every
walk-down mode; one that needs a cent more is not. Sums by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from marketscout.calls import Problem, mixed_mode, real_pot, virtual_pot


def problem(need: list[list[float]], budgets: list[float]) -> Problem:
    needs = np.array(need, dtype=float)
    n = len(need)
    return Problem(tuple(f"P{i + 1}" for i in range(n)), ("A", "B")[: len(budgets)], needs,
                   np.arange(n, 0, -1, dtype=float), np.array(budgets, dtype=float),
                   ("LTU", "ISR")[: len(budgets)], needs, "EUR")


@pytest.mark.parametrize("when_no_fit", ["skip", "stop"])
def test_real_pot_funds_a_project_that_exactly_fits(when_no_fit: str) -> None:
    # pot 100 + 100 = 200; P1 costs 70 + 50 = 120, leaving 80; P2 costs 30 + 50 = 80: exact
    p = problem([[70, 50], [30, 50], [1, 0]], [100, 100])
    result = real_pot(p, when_no_fit)
    assert result.funded.tolist()[:2] == [True, True]
    assert result.reasons[1] == "funded from the common pot (80 EUR)"
    assert result.pool_used == 200.0
    # nothing is left for P3 (1 EUR): skipped, or the walk stops there
    assert not result.funded[2] and result.blocked_by[2] == ("common pot",)


def test_real_pot_refuses_a_cent_more() -> None:
    # P2 needs 80.01 with 80 left
    p = problem([[70, 50], [30.01, 50]], [100, 100])
    result = real_pot(p)
    assert result.funded.tolist() == [True, False]
    assert "needs 80.01 EUR, 80 EUR left" in result.reasons[1]


def test_real_pot_exact_fit_survives_float_sums() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: still an exact fit of a 0.3 pot
    p = problem([[0.1, 0.2]], [0.15, 0.15])
    assert real_pot(p).funded.tolist() == [True]


def test_virtual_pot_funds_a_project_that_exactly_fits_each_budget() -> None:
    # A: 60 then 40 = 100 exactly; B: 30 then 70 = 100 exactly
    p = problem([[60, 30], [40, 70], [0.01, 0]], [100, 100])
    result = virtual_pot(p)
    assert result.funded.tolist() == [True, True, False]
    assert result.used.tolist() == [100.0, 100.0]


def test_mixed_mode_fills_a_gap_that_exactly_uses_the_pool() -> None:
    # top-up 20, half raises the budgets (A, B: 100 -> 105), half (10) is the gap pool.
    # P1 takes A 105 and B 95; P2 needs A 10 (A has 0 left: gap 10 = the whole pool) and
    # B 10 (10 left, no gap): funded with the pool emptied exactly
    p = problem([[105, 95], [10, 10], [0, 0.01]], [100, 100])
    result = mixed_mode(p, topup=20, share=0.5)
    assert result.funded.tolist()[:2] == [True, True]
    assert result.gap_paid[1] == pytest.approx(10.0)
    assert result.pool_used == pytest.approx(10.0)
