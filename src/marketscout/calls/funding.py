"""The walk-down funding modes: virtual common pot, real common pot and mixed mode.

Each walks the common ranking list from the top and decides every project with a reason; the
exact rules are in docs/calls.md ('Funding modes'). Pure functions on arrays, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Money is compared with a tolerance of a millionth of a currency unit: grants scaled to a
# project cap are floats whose sum can miss the cap in the last bits.
EPS = 1e-6
POT = "common pot"


def money(amount: float, currency: str = "") -> str:
    """An amount as users read it: 120,000 or 120,000.50 (with the currency when given)."""
    text = f"{amount:,.0f}" if abs(amount - round(amount)) < 0.005 else f"{amount:,.2f}"
    return f"{text} {currency}".strip()


@dataclass(frozen=True)
class Problem:
    """Ranked projects (best first) and what each funder would pay each project's partners."""

    ids: tuple[str, ...]
    funders: tuple[str, ...]
    need: np.ndarray  # (projects, funders)
    quality: np.ndarray  # (projects,): the weighted total score
    budgets: np.ndarray  # (funders,)
    countries: tuple[str, ...] = ()
    country_need: np.ndarray | None = None  # (projects, countries): paid to each country
    currency: str = "EUR"

    def money(self, amount: float) -> str:
        return money(amount, self.currency)


@dataclass(frozen=True)
class SolverReport:
    """How the integer programme ended: status, objective, proven bound, gap and time."""

    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    start: str


@dataclass(frozen=True)
class FundingResult:
    """One mode's decisions over the ranked projects, and what each funder spent."""

    mode: str
    problem: Problem
    funded: np.ndarray  # (projects,) bool
    reasons: tuple[str, ...]
    blocked_by: tuple[tuple[str, ...], ...]
    available: np.ndarray  # (funders,): what each funder could spend in this mode
    used: np.ndarray  # (funders,): drawn from each funder's money
    pool: float = 0.0  # real pot: the pooled budgets; mixed: the gap-filling pool
    pool_used: float = 0.0
    gap_paid: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mixed, per project
    solver: SolverReport | None = None

    @property
    def count(self) -> int:
        return int(self.funded.sum())

    @property
    def quality(self) -> float:
        return float(self.problem.quality[self.funded].sum())

    @property
    def to_partners(self) -> np.ndarray:
        """Paid to each funder's own partners (equal to `used` except in the real pot)."""
        return np.asarray(self.problem.need[self.funded].sum(axis=0), dtype=float)

    def blocked_counts(self) -> dict[str, int]:
        """How many ranked projects left unfunded each funder (or the pot) blocked."""
        out: dict[str, int] = {}
        for names in self.blocked_by:
            for name in names:
                out[name] = out.get(name, 0) + 1
        return out


def _shortfalls(p: Problem, row: np.ndarray, left: np.ndarray) -> tuple[list[str], str]:
    short = np.nonzero(row > left + EPS)[0]
    names = [p.funders[j] for j in short]
    text = "; ".join(f"{p.funders[j]} needs {p.money(row[j])}, has {p.money(max(left[j], 0))} "
                     "left" for j in short)
    return names, text


def virtual_pot(p: Problem) -> FundingResult:
    """Fund a project only if every funder involved can still pay its own partners."""
    left = p.budgets.astype(float).copy()
    funded = np.zeros(len(p.ids), dtype=bool)
    reasons, blocked = [], []
    for i, row in enumerate(p.need):
        names, text = _shortfalls(p, row, left)
        if names:
            reasons.append(f"not funded: blocked by {text}")
        else:
            left -= row
            funded[i] = True
            reasons.append("funded: every funder involved can pay its partners")
        blocked.append(tuple(names))
    budgets = p.budgets.astype(float)
    return FundingResult("virtual", p, funded, tuple(reasons), tuple(blocked), budgets,
                         budgets - left)


def real_pot(p: Problem, when_no_fit: str = "skip") -> FundingResult:
    """One pooled budget in strict rank order; a project that does not fit is skipped or
    ends the walk (`when_no_fit`). Each funder's share of the spending follows its budget."""
    budgets = p.budgets.astype(float)
    pot = float(budgets.sum())
    left = pot
    cost = p.need.sum(axis=1)
    funded = np.zeros(len(p.ids), dtype=bool)
    reasons, blocked = [], []
    stop: str | None = None
    for i, c in enumerate(cost):
        if stop is not None:
            reasons.append(f"not funded: {stop}")
        elif c <= left + EPS:
            left -= c
            funded[i] = True
            reasons.append(f"funded from the common pot ({p.money(c)})")
        elif when_no_fit == "stop":
            stop = f"the walk stopped at {p.ids[i]} (needs {p.money(c)}, {p.money(left)} left)"
            reasons.append(f"not funded: needs {p.money(c)}, {p.money(left)} left in the common "
                           "pot; the walk stops here (when_no_fit = stop)")
        else:
            reasons.append(f"not funded: needs {p.money(c)}, {p.money(left)} left in the common "
                           "pot (skipped; the walk continues)")
        blocked.append(() if funded[i] else (POT,))
    spent = pot - left
    used = budgets * (spent / pot) if pot > 0 else np.zeros_like(budgets)
    return FundingResult("real", p, funded, tuple(reasons), tuple(blocked), budgets, used,
                         pool=pot, pool_used=spent)


def raised_budgets(budgets: np.ndarray, topup: float, share: float) -> tuple[np.ndarray, float]:
    """Mixed mode: every budget raised by `share` of the top-up in proportion to its size,
    and the rest kept as the gap-filling pool."""
    budgets = budgets.astype(float)
    total = budgets.sum()
    weights = budgets / total if total > 0 else np.full(len(budgets), 1 / len(budgets))
    return budgets + share * topup * weights, (1 - share) * topup


def mixed_mode(p: Problem, topup: float, share: float = 0.5, gap_max_funders: int = 1
               ) -> FundingResult:
    """Virtual pot on raised budgets; a project blocked by at most `gap_max_funders` funders
    is funded when the gap-filling pool covers their shortfall (the short funders pay all
    they have left, the pool pays the rest)."""
    available, pool = raised_budgets(p.budgets, topup, share)
    left, pool_left = available.copy(), pool
    funded = np.zeros(len(p.ids), dtype=bool)
    gap_paid = np.zeros(len(p.ids))
    reasons, blocked = [], []
    for i, row in enumerate(p.need):
        names, text = _shortfalls(p, row, left)
        gap = float(np.clip(row - left, 0, None)[row > left + EPS].sum())
        if not names:
            reasons.append("funded: every funder involved can pay its partners")
        elif len(names) > gap_max_funders:
            reasons.append(f"not funded: blocked by {text}; the gap pool only fills projects "
                           f"blocked by at most {gap_max_funders} funder(s)")
        elif gap > pool_left + EPS:
            reasons.append(f"not funded: blocked by {text}; the gap of {p.money(gap)} exceeds "
                           f"the {p.money(pool_left)} left in the gap-filling pool")
        else:
            reasons.append(f"funded with {p.money(gap)} from the gap-filling pool ({text})")
            gap_paid[i], pool_left = gap, pool_left - gap
        if reasons[-1].startswith("funded"):
            funded[i] = True
            left = np.clip(left - row, 0, None)
        blocked.append(() if funded[i] else tuple(names))
    return FundingResult("mixed", p, funded, tuple(reasons), tuple(blocked), available,
                         available - left, pool=pool, pool_used=pool - pool_left,
                         gap_paid=gap_paid)
