"""Apportionment by highest averages with bounds, solved exactly as an integer programme.

Sainte-Laguë gives units one at a time to the market with the largest quotient w / (2s + 1)
(s = units it holds; D'Hondt: w / (s + 1)). The N units it hands out are the N largest
quotients of the table, so the allocation maximises

    sum_i sum_{s < x_i} q_i(s)   subject to   sum_i x_i = N,   L_i <= x_i <= U_i

(the quotients fall with s, so a market's units take its largest quotients first). Bounds
carry the user's constraints (at least k per core market, at most m per market, fixed
commitments, markets already covered). HiGHS solves it with one binary per (market, unit);
ties (equal weights are common: P(top N) is 1 for many core markets) go to the market earlier
on the list, the same way every time (`tie_break`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from marketscout.errors import InputError
from marketscout.highs import quiet_highs

METHODS = ("sainte-lague", "dhondt")
MAX_CELLS = 2_000_000  # (market, unit) cells before the reduction; beyond, ask for larger units


@dataclass(frozen=True)
class Problem:
    """Units to apportion over markets (in list order) with weights and bounds."""

    weights: np.ndarray  # >= 0, one per market
    total: int
    lower: np.ndarray  # integers
    upper: np.ndarray  # integers (>= lower)
    method: str = "sainte-lague"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(f"Unknown apportionment method {self.method!r}.",
                             where="--method", fix=f"Use one of: {', '.join(METHODS)}.")


def divisor(s: np.ndarray | int, method: str) -> np.ndarray:
    """The divisor of a market's (s+1)-th unit: 2s + 1 (Sainte-Laguë) or s + 1 (D'Hondt)."""
    s = np.asarray(s, dtype=float)
    return 2 * s + 1 if method == "sainte-lague" else s + 1


def value(problem: Problem, x: np.ndarray) -> float:
    """The objective: the sum of the quotients the allocation takes."""
    w = problem.weights
    return float(sum((w[i] / divisor(np.arange(int(x[i])), problem.method)).sum()
                     for i in range(len(w))))


def check(problem: Problem) -> None:
    """Refuse a problem without a solution, saying which constraint makes it impossible."""
    lo, hi = int(problem.lower.sum()), int(problem.upper.sum())
    if (problem.lower > problem.upper).any():
        i = int(np.nonzero(problem.lower > problem.upper)[0][0])
        raise InputError(f"Market {i + 1} must get at least {problem.lower[i]} and at most "
                         f"{problem.upper[i]} units.", where="apportionment constraints",
                         fix="Lower the minimum or the fixed commitments, or raise the maximum.")
    if problem.total < lo:
        raise InputError(f"The constraints need at least {lo} units but the budget has "
                         f"{problem.total}.", where="apportionment constraints",
                         fix="Raise the budget, or lower the minimum per core market or the "
                         "fixed commitments.")
    if problem.total > hi:
        raise InputError(f"The budget of {problem.total} units exceeds the {hi} the markets "
                         "may take.", where="apportionment constraints",
                         fix="Raise the maximum per market, allow more markets, or lower the "
                         "budget.")


def greedy(problem: Problem) -> np.ndarray:
    """Highest averages with bounds, unit by unit (the textbook procedure; a reference)."""
    check(problem)
    x = problem.lower.astype(int).copy()
    w = problem.weights.astype(float)
    for _ in range(problem.total - int(x.sum())):
        q = np.where(x < problem.upper, w / divisor(x, problem.method), -np.inf)
        x[int(np.argmax(q))] += 1  # argmax: the first (earliest on the list) among ties
    return x


def tie_break(quotient: np.ndarray, market: np.ndarray, n: int) -> np.ndarray:
    """Quotients nudged towards markets earlier in the order by less than half the smallest
    gap between distinct quotients: the optimum stays an optimum of the unnudged problem
    (the allocation is the set of largest quotients, so only their order matters), and among
    tied ones it is the one a list-order tie-break picks."""
    distinct = np.unique(quotient)
    gaps = np.diff(distinct)
    gap = float(gaps.min()) if gaps.size else 1.0
    return quotient + (gap / 4) * (n - market) / max(n, 1)


def candidates(problem: Problem, market: np.ndarray, unit: np.ndarray, quotient: np.ndarray
               ) -> np.ndarray:
    """The (market, unit) cells an optimum can use: a market's forced units (below its
    minimum) and its units whose quotient reaches the N-th largest quotient of the table
    within the maxima. Minimums only take units away from the others, so the smallest
    quotient the optimum takes freely is never below that one; the rest are left out of the
    programme (a safe reduction: from markets x N cells to about N + markets)."""
    if problem.total == 0 or not len(quotient):
        return unit < problem.lower[market]
    threshold = np.sort(quotient)[::-1][min(problem.total, len(quotient)) - 1]
    return (unit < problem.lower[market]) | (quotient >= threshold - 1e-12 * abs(threshold))


def solve(problem: Problem) -> np.ndarray:
    """The exact optimum (HiGHS), ties broken towards markets earlier in the order."""
    check(problem)
    if problem.total == int(problem.lower.sum()):  # nothing left to choose
        return problem.lower.astype(int).copy()
    n = len(problem.weights)
    caps = np.minimum(problem.upper, problem.total).astype(int)
    if int(caps.sum()) > MAX_CELLS:
        raise InputError(f"{n} markets x up to {problem.total} units is too large a problem.",
                         where="--activities / --step",
                         fix="Apportion fewer, larger units (e.g. a larger --step).")
    market = np.repeat(np.arange(n), caps)
    unit = np.concatenate([np.arange(c) for c in caps]) if n else np.zeros(0, int)
    quotient = problem.weights[market] / divisor(unit, problem.method)
    keep = candidates(problem, market, unit, quotient)
    market, quotient = market[keep], quotient[keep]
    cost = tie_break(quotient, market, n)
    chosen = _run(problem, market, cost)
    if np.abs(chosen - np.round(chosen)).max(initial=0.0) > 1e-6:
        chosen = _run(problem, market, cost, integer=True)
    return np.bincount(market[chosen > 0.5], minlength=n).astype(int)


def _highs() -> Any:
    """A silent HiGHS instance with exact MIP gaps."""
    h = quiet_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    return h


def _run(problem: Problem, market: np.ndarray, cost: np.ndarray, integer: bool = False
         ) -> np.ndarray:
    """Maximise `cost` @ y over binaries y (one per market and unit) with the total and the
    per-market bounds. The rows (all cells; each market's cells) form a laminar family, so
    the constraint matrix is totally unimodular: the simplex method's optimal vertex is
    integral, and the integer programme is solved only if rounding ever says otherwise."""
    import highspy

    n, cells = len(problem.weights), len(market)
    lower = np.array([problem.total, *problem.lower], dtype=float)
    upper = np.array([problem.total, *problem.upper], dtype=float)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = cells, n + 1
    lp.col_cost_ = cost.astype(float)
    lp.col_lower_, lp.col_upper_ = np.zeros(cells), np.ones(cells)
    lp.row_lower_, lp.row_upper_ = lower, upper
    # each cell (column) sits in the total row and in its market's row
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(cells + 1) * 2
    lp.a_matrix_.index_ = np.column_stack([np.zeros(cells, int), market + 1]).ravel()
    lp.a_matrix_.value_ = np.ones(2 * cells)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = cells, n + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    # the model is tiny and totally unimodular; presolve costs more than it saves on it
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * cells
    h = _highs()
    h.setOptionValue("presolve", "off")
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise InputError(f"The solver found no apportionment ({h.modelStatusToString(status)}).",
                         where="apportionment constraints",
                         fix="Check that the minimums and maximums leave room for the budget.")
    return np.array(h.getSolution().col_value)
