"""Optimal selection: the integer programme over national budgets, solved with HiGHS.

maximise   sum_p c_p x_p                      (c = quality, or 1 + eps * quality for 'number')
subject to sum_p need[p, f] x_p <= budget_f   for every funder f
           sum_p paid[p, k] x_p >= return_k   for every country k with a minimum return
           x_p in {0, 1}
The walk-down's selection (and an LP-rounding one) are given to the solver as starting
solutions, so the optimum is never below the walk-down even when the time limit stops it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from marketscout.calls.funding import EPS, FundingResult, Problem, SolverReport, virtual_pot
from marketscout.calls.model import Optimal
from marketscout.errors import InputError
from marketscout.highs import quiet_highs

STATUS = {highspy.HighsModelStatus.kOptimal: "optimal",
          highspy.HighsModelStatus.kTimeLimit: "time limit"}


@dataclass(frozen=True)
class Model:
    """The programme as arrays: one column per project, budget rows then return rows."""

    cost: np.ndarray  # (projects,)
    matrix: np.ndarray  # (projects, rows): the row coefficients of each project's column
    lower: np.ndarray  # (rows,)
    upper: np.ndarray  # (rows,)

    def feasible(self, x: np.ndarray) -> bool:
        activity = x.astype(float) @ self.matrix
        return bool(np.all(activity <= self.upper + EPS) and np.all(activity >= self.lower - EPS))

    def value(self, x: np.ndarray) -> float:
        return float(self.cost[x].sum())


def build_model(p: Problem, settings: Optimal) -> Model:
    """Objective and constraints of the programme for `p`."""
    quality = p.quality.astype(float)
    if settings.objective == "number":
        # one project always outweighs any difference in quality: eps * sum(quality) < 1
        cost = 1.0 + quality / (1.0 + float(np.abs(quality).sum()))
    else:
        cost = quality
    columns, lower, upper = [p.need], [np.full(len(p.funders), -np.inf)], [p.budgets]
    if settings.min_return and p.country_need is not None:
        chosen = [p.countries.index(c) for c in settings.min_return]
        columns.append(p.country_need[:, chosen])
        lower.append(np.array([settings.min_return[c] for c in settings.min_return]))
        upper.append(np.full(len(chosen), np.inf))
    return Model(cost, np.hstack(columns).astype(float), np.concatenate(lower).astype(float),
                 np.concatenate(upper).astype(float))


def _lp(model: Model, integer: bool) -> highspy.HighsLp:
    n, rows = model.matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, rows
    lp.col_cost_ = model.cost
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(np.isinf(model.lower), -inf, model.lower)
    lp.row_upper_ = np.where(np.isinf(model.upper), inf, model.upper)
    project, row = np.nonzero(model.matrix)  # row-major: column-wise for the transpose
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.bincount(project, minlength=n))])
    lp.a_matrix_.index_ = row
    lp.a_matrix_.value_ = model.matrix[project, row]
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, rows
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp


def _highs(settings: Optimal | None = None, seconds: float | None = None) -> highspy.Highs:
    h = quiet_highs()
    if settings is not None:
        # More primal heuristics than HiGHS's 0.05: on synthetic 200-proposal, 10-funder calls
        # the best selection found within the time limit was better (bench/bench_calls.py).
        h.setOptionValue("mip_heuristic_effort", 0.3)
        h.setOptionValue("mip_rel_gap", float(settings.gap))
        h.setOptionValue("time_limit", float(seconds or settings.time_limit))
    return h


def lp_rounding(model: Model, budgets: int) -> np.ndarray:
    """A start: the LP relaxation's whole projects, then the rest by reduced profit while
    they fit. Cheap, and within a few projects of the optimum on large calls."""
    h = _highs()
    h.passModel(_lp(model, integer=False))
    h.run()
    solution = h.getSolution()
    x = np.array(solution.col_value) > 1 - 1e-9
    price = np.abs(np.array(solution.row_dual)[:budgets])
    profit = model.cost - model.matrix[:, :budgets] @ price
    return fill(model, x, np.argsort(-profit, kind="stable"), budgets)


def fill(model: Model, x: np.ndarray, order: np.ndarray, budgets: int) -> np.ndarray:
    """Add projects in `order` while every budget row still holds."""
    x = x.copy()
    left = model.upper[:budgets] - x.astype(float) @ model.matrix[:, :budgets]
    for j in order:
        if not x[j] and model.cost[j] > 0 and np.all(model.matrix[j, :budgets] <= left + EPS):
            x[j] = True
            left -= model.matrix[j, :budgets]
    return x


def improve(model: Model, x: np.ndarray, budgets: int, rounds: int = 20) -> np.ndarray:
    """Local search: add a project that fits, or swap it in for the cheapest-valued selected
    project whose removal makes room, while that raises the objective. Budget rows only, so
    callers skip it when minimum returns apply."""
    x, need, value = x.copy(), model.matrix[:, :budgets], model.cost
    left = model.upper[:budgets] - x.astype(float) @ need
    for _ in range(rounds):
        changed = False
        for j in np.argsort(-value, kind="stable"):
            if x[j] or value[j] <= 0:
                continue
            deficit = np.clip(need[j] - left, 0, None)
            chosen = np.nonzero(x)[0]
            room = chosen[(value[chosen] < value[j] - 1e-12)
                          & np.all(need[chosen] >= deficit - EPS, axis=1)]
            if deficit.any() and not room.size:
                continue
            if deficit.any():
                out = room[np.argmin(value[room])]
                x[out], left = False, left + need[out]
            x[j], left, changed = True, left - need[j], True
        if not changed:
            break
    return x


def solve(model: Model, starts: dict[str, np.ndarray], settings: Optimal, where: str,
          seconds: float | None = None) -> tuple[np.ndarray, SolverReport]:
    """The solver's selection from the best feasible start, and how the solve ended;
    `seconds` (default: the time limit) is what is left of the time limit for HiGHS."""
    feasible = {name: x for name, x in starts.items() if model.feasible(x)}
    begin = time.perf_counter()
    h = _highs(settings, seconds)
    h.passModel(_lp(model, integer=True))
    start = max(feasible, key=lambda k: model.value(feasible[k])) if feasible else "none"
    if feasible:
        given = highspy.HighsSolution()
        given.col_value = feasible[start].astype(float).tolist()
        given.value_valid = True
        h.setSolution(given)
    h.run()
    status, info = h.getModelStatus(), h.getInfo()
    x = np.array(h.getSolution().col_value) > 0.5 if info.primal_solution_status == 2 else None
    if x is None or not model.feasible(x):
        # stopped before it held a selection of its own: keep the best start, if any
        x = _no_solution(h, status, feasible.get(start), where)
    report = SolverReport(STATUS.get(status, h.modelStatusToString(status)), model.value(x),
                          float(info.mip_dual_bound), float(info.mip_gap),
                          time.perf_counter() - begin, start)
    return x, report


def _no_solution(h: highspy.Highs, status: highspy.HighsModelStatus,
                 start: np.ndarray | None, where: str) -> np.ndarray:
    if status == highspy.HighsModelStatus.kTimeLimit and start is not None:
        return start
    if status == highspy.HighsModelStatus.kTimeLimit:
        raise InputError("No selection meeting every minimum return was found within the time "
                         "limit.", where=f"{where}, key 'time_limit'",
                         fix="Raise time_limit, or lower the minimum returns (min_return).")
    raise InputError(f"The optimal selection has no solution ({h.modelStatusToString(status)}"
                     "): no set of projects meets every minimum return within the budgets.",
                     where=f"{where}, key 'min_return'",
                     fix="Lower the minimum returns, or leave them out.")


def optimal_selection(p: Problem, settings: Optimal, *, where: str = "[funding.optimal]"
                      ) -> FundingResult:
    """The best selection under every national budget, with a reason for every project.

    `time_limit` covers the whole selection: the starts' time is taken from the solver's."""
    begin = time.perf_counter()
    model = build_model(p, settings)
    walk = virtual_pot(p).funded
    starts = {"walk-down": walk}
    if not len(p.ids):
        return _result(p, walk, walk, SolverReport("optimal", 0.0, 0.0, 0.0, 0.0, "walk-down"))
    # Swaps may lower a country's return, so the local search runs only without minimum returns.
    polish = not settings.min_return
    rounded = lp_rounding(model, len(p.funders))
    starts["LP rounding" + (" + local search" if polish else "")] = (
        improve(model, rounded, len(p.funders)) if polish else rounded)
    left = max(settings.time_limit - (time.perf_counter() - begin), 0.1 * settings.time_limit)
    x, report = solve(model, starts, settings, where, left)
    # The solver may stop within its gap or at its time limit with room left: adding what
    # still fits (in rank order) and the local search can only raise the objective.
    x = fill(model, x, np.arange(len(p.ids)), len(p.funders))
    if polish:
        x = improve(model, x, len(p.funders))
    return _result(p, x, walk, _final(model, x, report))


def _final(model: Model, x: np.ndarray, report: SolverReport) -> SolverReport:
    """The report for the selection returned, after the solver's own answer was polished."""
    value = model.value(x)
    gap = max(report.bound - value, 0.0) / max(abs(value), 1e-12)
    return SolverReport(report.status, value, report.bound, gap, report.seconds, report.start)


def _result(p: Problem, x: np.ndarray, walk: np.ndarray, report: SolverReport
            ) -> FundingResult:
    budgets = p.budgets.astype(float)
    left = budgets - p.need[x].sum(axis=0)
    reasons, blocked = [], []
    for i, row in enumerate(p.need):
        short = [] if x[i] else [j for j in range(len(p.funders)) if row[j] > left[j] + EPS]
        blocked.append(tuple(p.funders[j] for j in short))
        reasons.append(_reason(p, bool(x[i]), bool(walk[i]), short, row, left))
    return FundingResult("optimal", p, x, tuple(reasons), tuple(blocked), budgets,
                         budgets - left, solver=report)


def _reason(p: Problem, chosen: bool, walked: bool, short: list[int], row: np.ndarray,
            left: np.ndarray) -> str:
    if chosen:
        return "funded: selected by the optimiser" + ("" if walked else
                                                      " (the walk-down does not fund it)")
    if not short:
        return "not funded: fits the remaining budgets but was left out within the solver's gap"
    text = "; ".join(f"{p.funders[j]} needs {p.money(row[j])}, has {p.money(left[j])} left"
                     for j in short)
    return f"not funded: does not fit next to the optimal selection ({text})"


@dataclass(frozen=True)
class Tradeoff:
    """The optimum against the walk-down: extra and dropped projects (by rank), the gain,
    and the cost to rank order as pairs of a better-ranked project left out while a
    worse-ranked one is funded."""

    extra: tuple[int, ...]
    dropped: tuple[int, ...]
    count_gain: int
    quality_gain: float
    inversions_walk: int
    inversions_optimal: int


def inversions(funded: np.ndarray) -> int:
    """Pairs (i, j), i ranked above j, with i unfunded and j funded."""
    unfunded_before = np.cumsum(~funded) - (~funded)
    return int(unfunded_before[funded].sum())


def tradeoff(walk: FundingResult, best: FundingResult) -> Tradeoff:
    ranks = np.arange(1, len(walk.funded) + 1)
    return Tradeoff(tuple(int(r) for r in ranks[best.funded & ~walk.funded]),
                    tuple(int(r) for r in ranks[walk.funded & ~best.funded]),
                    best.count - walk.count, best.quality - walk.quality,
                    inversions(walk.funded), inversions(best.funded))
