"""From an assessed call to decisions: run a mode, compare all modes, and tabulate outcomes.

One row per proposal with its outcome and the reason; one row per funder with its budget and
what it spent; a side-by-side summary of the four modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketscout.calls.evaluate import Assessed, Assessment
from marketscout.calls.funding import FundingResult, mixed_mode, real_pot, virtual_pot
from marketscout.calls.model import MODES, ORG_NAMES
from marketscout.calls.optimal import Tradeoff, inversions, optimal_selection, tradeoff
from marketscout.errors import InputError


def fund(assessment: Assessment, mode: str | None = None) -> FundingResult:
    """Allocate the call's money in `mode` (default: the call's own mode)."""
    call = assessment.call
    mode = mode or call.mode
    problem = assessment.problem()
    if mode == "virtual":
        return virtual_pot(problem)
    if mode == "real":
        return real_pot(problem, call.real.when_no_fit)
    if mode == "mixed":
        return mixed_mode(problem, call.mixed.topup, call.mixed.share, call.mixed.gap_max_funders)
    if mode == "optimal":
        return optimal_selection(problem, call.optimal,
                                 where=f"{call.source or 'call'}, [funding.optimal]")
    raise InputError(f"Unknown funding mode {mode!r}.", where="--mode",
                     fix=f"Use one of: {', '.join(MODES)}.")


@dataclass(frozen=True)
class Comparison:
    """Every mode on the same assessed call, and the optimum against the walk-down."""

    assessment: Assessment
    results: dict[str, FundingResult]
    tradeoff: Tradeoff


def compare_modes(assessment: Assessment) -> Comparison:
    results = {mode: fund(assessment, mode) for mode in MODES}
    return Comparison(assessment, results, tradeoff(results["virtual"], results["optimal"]))


def _outcome(a: Assessed, result: FundingResult | None, index: dict[str, int]) -> tuple[str, str]:
    if a.rank is None:
        return a.status, a.reason
    if result is None:
        return "ranked", a.reason
    i = index[a.proposal.id]
    return ("funded" if result.funded[i] else "not funded"), result.reasons[i]


def decisions(assessment: Assessment, result: FundingResult | None = None) -> pd.DataFrame:
    """One row per proposal: eligibility, scores, rank, grants per funder, outcome, reason."""
    call = assessment.call
    index = {pid: i for i, pid in enumerate(result.problem.ids)} if result else {}
    rows = []
    for a in assessment.proposals:
        outcome, reason = _outcome(a, result, index)
        funded = outcome == "funded"
        row: dict[str, object] = {
            "rank": a.rank, "proposal": a.proposal.id, "title": a.proposal.title,
            "countries": ", ".join(sorted({p.country for p in a.proposal.partners})),
            "partners": len(a.proposal.partners), "eligible": "yes" if a.eligible else "no",
            "eligibility": a.eligibility,
        }
        for c in call.evaluation.criteria:
            row[c.label] = a.scores.get(c.id, np.nan)
        row |= {"total": a.total, "reviewers": a.reviewers, "conflicts excluded": a.conflicts,
                "requested": sum(p.requested for p in a.proposal.partners),
                "grant": a.cost if funded else 0.0}
        need = a.need()
        for f in call.funders:
            row[f"grant {f.id}"] = need.get(f.id, 0.0) if funded else 0.0
        if result is not None and result.mode == "mixed":
            row["from gap pool"] = float(result.gap_paid[index[a.proposal.id]]) if funded else 0.0
        row |= {"outcome": outcome, "reason": reason}
        rows.append(row)
    return pd.DataFrame(rows)


def partners(assessment: Assessment, result: FundingResult | None = None) -> pd.DataFrame:
    """One row per partner: its funder, the grant it would get, and why."""
    funded = set()
    if result is not None:
        funded = {pid for pid, ok in zip(result.problem.ids, result.funded, strict=True) if ok}
    rows = [{"proposal": a.proposal.id, "partner": g.partner.name, "country": g.partner.country,
             "type": ORG_NAMES[g.partner.org_type], "requested": g.partner.requested,
             "funder": g.funder or "", "grant if funded": g.amount,
             "project funded": "yes" if a.proposal.id in funded else "no", "note": g.note}
            for a in assessment.proposals for g in a.grants]
    return pd.DataFrame(rows)


def funders(assessment: Assessment, result: FundingResult) -> pd.DataFrame:
    """One row per funder: budget, money available in this mode, spent, left, blocked."""
    blocked = result.blocked_counts()
    paid = result.to_partners
    involved = (result.problem.need[result.funded] > 0).sum(axis=0)
    rows = [{"funder": f.id, "name": f.name, "countries": ", ".join(f.countries),
             "budget": float(f.budget), "available": float(result.available[j]),
             "used": float(result.used[j]), "left": float(result.available[j] - result.used[j]),
             "paid to own partners": float(paid[j]), "funded projects": int(involved[j]),
             "projects blocked": blocked.get(f.id, 0)}
            for j, f in enumerate(assessment.call.funders)]
    return pd.DataFrame(rows)


def summary(comparison: Comparison) -> pd.DataFrame:
    """The modes side by side: funded, quality, money per funder, who blocked what."""
    call = comparison.assessment.call
    table: dict[str, dict[str, object]] = {}
    for mode, r in comparison.results.items():
        col: dict[str, object] = {"projects funded": r.count, "quality funded": r.quality,
                                  "grants paid": float(r.to_partners.sum())}
        for j, f in enumerate(call.funders):
            col[f"used {f.id} (of {f.budget:,.0f})"] = float(r.used[j])
        col["projects not funded"] = int((~r.funded).sum())
        blocked = r.blocked_counts()
        col["blocked by"] = ", ".join(f"{k}: {v}" for k, v in sorted(blocked.items())) or "-"
        col["pool used (of pool)"] = (f"{r.pool_used:,.0f} of {r.pool:,.0f}"
                                      if mode in ("real", "mixed") else "-")
        col["rank inversions"] = inversions(r.funded)
        if r.solver is not None:
            col["solver"] = (f"{r.solver.status}, gap {r.solver.gap:.4%}, "
                             f"{r.solver.seconds:.2f} s")
        table[mode] = col
    return pd.DataFrame(table).rename_axis("measure").reset_index()


def outcomes(comparison: Comparison) -> pd.DataFrame:
    """One row per proposal with each mode's outcome and reason."""
    base = decisions(comparison.assessment)[["rank", "proposal", "title", "total", "outcome",
                                             "reason"]]
    base = base.rename(columns={"outcome": "status", "reason": "evaluation"})
    for mode, r in comparison.results.items():
        d = decisions(comparison.assessment, r)
        base[mode] = d["outcome"].to_numpy()
        base[f"{mode}: reason"] = d["reason"].to_numpy()
    return base
