"""Joint R&D calls: eligibility, evaluation and funding under national budgets.

Each agency of a bilateral or multilateral call (Lithuania-Israel industrial R&D, ERA.NET,
BSR Innovation Express) pays its own country's partners from its own budget. This package
reads a call (TOML), its proposals and reviewers' scores (CSV/XLSX), ranks the proposals and
allocates the money in four modes: virtual common pot, real common pot, mixed mode with an EU
top-up, and an optimal selection by integer programming. See docs/calls.md.
"""

from __future__ import annotations

from pathlib import Path

from marketscout.calls.config import call_from_dict, load_call
from marketscout.calls.evaluate import Assessed, Assessment, Grant, assess
from marketscout.calls.files import Partner, Proposal, read_proposals, read_scores
from marketscout.calls.funding import (
    FundingResult,
    Problem,
    SolverReport,
    mixed_mode,
    real_pot,
    virtual_pot,
)
from marketscout.calls.model import (
    MODES,
    ORG_TYPES,
    Call,
    Eligibility,
    Evaluation,
    Funder,
    Mixed,
    Optimal,
    RealPot,
    ScoreCriterion,
)
from marketscout.calls.optimal import Tradeoff, optimal_selection, tradeoff
from marketscout.calls.outcome import Comparison, compare_modes, decisions, fund, summary

__all__ = [
    "MODES", "ORG_TYPES", "Assessed", "Assessment", "Call", "Comparison", "Eligibility",
    "Evaluation", "Funder", "FundingResult", "Grant", "Mixed", "Optimal", "Partner", "Problem",
    "Proposal", "RealPot", "ScoreCriterion", "SolverReport", "Tradeoff", "assess",
    "call_from_dict", "compare_modes", "decisions", "fund", "load", "load_call", "mixed_mode",
    "optimal_selection", "read_proposals", "read_scores", "real_pot", "summary", "tradeoff",
    "virtual_pot",
]


def load(call: Path | str, proposals: Path | str, scores: Path | str | None) -> Assessment:
    """Read the three files and assess the call (eligibility, scores, ranking)."""
    the_call = load_call(call)
    found = read_proposals(proposals)
    sheet = read_scores(scores, the_call, found) if scores is not None else None
    return assess(the_call, found, sheet)
