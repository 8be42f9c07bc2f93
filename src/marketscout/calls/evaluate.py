"""Eligibility, grants, score aggregation and the one common ranking list of a call.

The rules are written out in docs/calls.md ('Eligibility', 'Grants', 'Evaluation'); this module
follows them line by line and records a reason for every outcome.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from marketscout.calls.files import Partner, Proposal
from marketscout.calls.funding import Problem, money
from marketscout.calls.model import ORG_NAMES, ORG_PLURALS, Call

INELIGIBLE, UNEVALUATED, BELOW, RANKED = "ineligible", "not evaluated", "below threshold", "ranked"
ELIGIBLE = "eligible"  # checked without scores: eligible, not yet evaluated
# Totals and scores are compared after rounding: a mean of 3.1, 3.2, 3.3 must tie with 3.2.
DIGITS = 9


@dataclass(frozen=True)
class Grant:
    """What one partner gets: the paying funder (None: own cost), the amount and why."""

    partner: Partner
    funder: str | None
    amount: float
    note: str


@dataclass(frozen=True)
class Assessed:
    """One proposal after eligibility and evaluation: its status, the reason, and its rank."""

    proposal: Proposal
    grants: tuple[Grant, ...]
    eligible: bool
    eligibility: str
    scores: Mapping[str, float]
    reviewers: int
    conflicts: int
    total: float | None
    status: str
    reason: str
    rank: int | None = None

    def need(self) -> dict[str, float]:
        """What each funder would pay this proposal's partners."""
        out: dict[str, float] = {}
        for g in self.grants:
            if g.funder is not None:
                out[g.funder] = out.get(g.funder, 0.0) + g.amount
        return out

    @property
    def cost(self) -> float:
        return sum(g.amount for g in self.grants)


@dataclass(frozen=True)
class Assessment:
    """Every proposal of a call, the ranked ones first in rank order, then the rest."""

    call: Call
    proposals: tuple[Assessed, ...]

    @property
    def ranked(self) -> tuple[Assessed, ...]:
        return tuple(a for a in self.proposals if a.rank is not None)

    def problem(self) -> Problem:
        """The ranked proposals as arrays for the funding modes."""
        call, ranked = self.call, self.ranked
        funders = tuple(f.id for f in call.funders)
        countries = tuple(sorted(call.countries))
        need = np.zeros((len(ranked), len(funders)))
        by_country = np.zeros((len(ranked), len(countries)))
        for i, a in enumerate(ranked):
            for g in a.grants:
                if g.funder is not None:
                    need[i, funders.index(g.funder)] += g.amount
                    by_country[i, countries.index(g.partner.country)] += g.amount
        quality = np.array([a.total or 0.0 for a in ranked], dtype=float)
        budgets = np.array([f.budget for f in call.funders], dtype=float)
        return Problem(tuple(a.proposal.id for a in ranked), funders, need, quality, budgets,
                       countries, by_country, call.currency)


def grants(call: Call, proposal: Proposal) -> tuple[Grant, ...]:
    """Grant per partner = min(requested x rate, max per partner), then each funder's cap
    per project, reached by scaling that funder's partners in proportion."""
    raw = [_partner_grant(call, p) for p in proposal.partners]
    for funder in call.funders:
        mine = [i for i, g in enumerate(raw) if g.funder == funder.id]
        total = sum(raw[i].amount for i in mine)
        if total > funder.max_per_project:
            factor = funder.max_per_project / total
            for i in mine:
                g = raw[i]
                raw[i] = Grant(g.partner, g.funder, g.amount * factor,
                               f"{g.note}; scaled by {factor:.4f} to {funder.id}'s cap of "
                               f"{money(funder.max_per_project)} per project")
    return tuple(raw)


def _partner_grant(call: Call, partner: Partner) -> Grant:
    org = ORG_NAMES[partner.org_type]
    if partner.country not in call.countries:
        return Grant(partner, None, 0.0, f"own cost: {partner.country} is not a participating "
                     "country")
    funder = call.funder_for(partner.country, partner.org_type)
    if funder is None:
        names = "/".join(f.id for f in call.funders_of(partner.country))
        return Grant(partner, None, 0.0, f"own cost: {names} does not fund "
                     f"{ORG_PLURALS[partner.org_type]}")
    rate = funder.rates[partner.org_type]
    amount = partner.requested * rate
    note = f"{funder.id} pays {rate:.0%} ({org}) of {money(partner.requested)}"
    if amount > funder.max_per_partner:
        amount = funder.max_per_partner
        note += f", capped at {money(amount)} per partner"
    return Grant(partner, funder.id, amount, note)


def eligibility(call: Call, grants: tuple[Grant, ...]) -> tuple[bool, str]:
    """The consortium rule: eligible partners from at least `min_countries` call countries."""
    rule = call.eligibility
    refused = [g for g in grants if g.funder is None and g.partner.country in call.countries]
    if rule.ineligible_partner == "reject" and refused:
        g = refused[0]
        return False, (f"partner {g.partner.name!r} ({g.partner.country}) is not eligible "
                       f"({g.note.removeprefix('own cost: ')}) and the call rejects proposals "
                       "with an ineligible partner")
    countries = sorted({g.partner.country for g in grants if g.funder is not None})
    if len(countries) < rule.min_countries:
        found = ", ".join(countries) or "none"
        return False, (f"eligible partners from {len(countries)} participating "
                       f"{'country' if len(countries) == 1 else 'countries'} ({found}); the "
                       f"call needs at least {rule.min_countries}")
    return True, f"eligible partners from {', '.join(countries)}"


def aggregate_scores(call: Call, scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                 pd.Series, pd.Series]:
    """Per proposal and criterion: the mean or median score and how many reviewers gave one;
    per proposal: reviewers counted and scores left out for a conflict of interest."""
    used = scores[~scores["conflict"] & scores["score"].notna()]
    keys = ["proposal", "criterion"]
    values = used.groupby(keys)["score"].agg(call.evaluation.aggregate).unstack()
    counts = used.groupby(keys)["score"].size().unstack(fill_value=0)
    reviewers = used.groupby("proposal")["reviewer"].nunique()
    conflicted = scores[scores["conflict"] & scores["score"].notna()]
    return values, counts, reviewers, conflicted.groupby("proposal").size()


def assess(call: Call, proposals: tuple[Proposal, ...], scores: pd.DataFrame | None
           ) -> Assessment:
    """Check eligibility, aggregate the scores, apply the thresholds and rank."""
    empty = pd.DataFrame(columns=["reviewer", "proposal", "criterion", "score", "conflict"])
    sheet = scores if scores is not None else empty.astype({"conflict": bool, "score": float})
    values, counts, reviewers, conflicted = aggregate_scores(call, sheet)
    # plain dicts: one lookup per proposal instead of a pandas selection each
    by_id = {str(k): {str(c): float(v) for c, v in row.items() if v == v}
             for k, row in values.to_dict("index").items()}
    n_by_id = {str(k): {str(c): int(v) for c, v in row.items()}
               for k, row in counts.to_dict("index").items()}
    n_reviewers, n_conflicts = reviewers.to_dict(), conflicted.to_dict()
    out = []
    for proposal in proposals:
        paid = grants(call, proposal)
        ok, why = eligibility(call, paid)
        scored = MappingProxyType(by_id.get(proposal.id, {}))
        base = Assessed(proposal, paid, ok, why, scored, int(n_reviewers.get(proposal.id, 0)),
                        int(n_conflicts.get(proposal.id, 0)), None,
                        ELIGIBLE if ok else INELIGIBLE, f"{'' if ok else 'in'}eligible: {why}")
        out.append(base if not ok or scores is None else
                   _evaluate(call, base, n_by_id.get(proposal.id, {})))
    return Assessment(call, _rank(call, out))


def _evaluate(call: Call, a: Assessed, counts: Mapping[str, int]) -> Assessed:
    """Status and reason after the evaluation rules; the total only when every criterion
    has enough reviewers."""
    ev = call.evaluation
    for c in ev.criteria:
        have = int(counts.get(c.id, 0))
        if have < ev.min_reviewers:
            return _with(a, UNEVALUATED, f"not evaluated: {have} reviewer score(s) for "
                         f"{c.label!r}; the call needs {ev.min_reviewers}")
    total = math.fsum(c.weight * a.scores[c.id] for c in ev.criteria)
    failed = [f"{c.label} {a.scores[c.id]:.2f} < {c.threshold:g}" for c in ev.criteria
              if c.threshold is not None and round(a.scores[c.id], DIGITS) < c.threshold]
    if ev.threshold is not None and round(total, DIGITS) < ev.threshold:
        failed.append(f"total {total:.2f} < {ev.threshold:g}")
    if failed:
        return _with(a, BELOW, "below threshold: " + "; ".join(failed), total)
    return _with(a, RANKED, "", total)


def _with(a: Assessed, status: str, reason: str, total: float | None = None,
          rank: int | None = None) -> Assessed:
    return Assessed(a.proposal, a.grants, a.eligible, a.eligibility, a.scores, a.reviewers,
                    a.conflicts, total, status, reason, rank)


def _rank_key(call: Call, a: Assessed) -> tuple[object, ...]:
    """Higher total; then higher scores in tie-break order; then lower cost; then the id."""
    ties = tuple(-round(a.scores[c], DIGITS) for c in call.evaluation.tie_order())
    return (-round(a.total or 0.0, DIGITS), *ties, round(a.cost, 2), a.proposal.id)


def _rank(call: Call, assessed: list[Assessed]) -> tuple[Assessed, ...]:
    ranked = sorted((a for a in assessed if a.status == RANKED), key=lambda a: _rank_key(call, a))
    same: dict[float, list[Assessed]] = {}
    for a in ranked:
        same.setdefault(round(a.total or 0.0, DIGITS), []).append(a)
    out = []
    for position, a in enumerate(ranked, start=1):
        reason = f"ranked {position} of {len(ranked)}, total {a.total:.2f}"
        tied = [b for b in same[round(a.total or 0.0, DIGITS)] if b is not a]
        if tied:
            reason += f" (tied with {', '.join(b.proposal.id for b in tied[:3])}; order set by "
            reason += _decider(call, a, tied[0]) + ")"
        out.append(_with(a, RANKED, reason, a.total, position))
    return (*out, *(a for a in assessed if a.status != RANKED))


def _decider(call: Call, a: Assessed, b: Assessed) -> str:
    """Which tie-break separated two proposals with equal totals."""
    labels = {c.id: c.label for c in call.evaluation.criteria}
    ka, kb = _rank_key(call, a), _rank_key(call, b)
    order = call.evaluation.tie_order()
    for i in range(1, len(ka)):
        if ka[i] != kb[i]:
            if i <= len(order):
                return f"the {labels[order[i - 1]]} score"
            return "the lower total grant" if i == len(order) + 1 else "the proposal id"
    return "the proposal id"
