"""Grants, eligibility, score aggregation, thresholds and tie-breaks, computed by hand."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from marketscout.calls import Partner, Proposal, assess, call_from_dict
from marketscout.calls.evaluate import eligibility, grants


def proposal(pid: str, *partners: tuple[str, str, float]) -> Proposal:
    return Proposal(pid, f"title {pid}", tuple(Partner(f"{pid}-{i}", c, t, r, 2 + i)
                                                for i, (c, t, r) in enumerate(partners)), 2)


def scores(rows: list[tuple[str, str, str, float | None, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["reviewer", "proposal", "criterion", "score", "conflict"])
    frame.index = range(2, 2 + len(frame))
    return frame


def test_grant_is_rate_times_request_capped_per_partner_and_per_project(
        call_dict: dict[str, Any]) -> None:
    call_dict["funder"][0].update(rates={"sme": 0.7, "research": 1.0}, max_per_partner=200_000,
                                  max_per_project=250_000)
    call = call_from_dict(call_dict)
    # research 200,000 x 1.0 = 200,000 (at the partner cap); SME 200,000 x 0.7 = 140,000;
    # A's share 340,000 > 250,000: both scaled by 250/340 -> 147,058.82 and 102,941.18.
    # SME 300,000 x 0.7 = 210,000 > 200,000 per partner -> 200,000 (in another proposal).
    paid = grants(call, proposal("P", ("LTU", "research", 200_000), ("LTU", "sme", 200_000),
                                 ("ISR", "sme", 300_000)))
    assert [round(g.amount, 2) for g in paid] == [147_058.82, 102_941.18, 300_000]
    assert "scaled by 0.7353 to A's cap of 250,000 per project" in paid[0].note
    (capped,) = grants(call, proposal("Q", ("LTU", "sme", 300_000)))
    assert capped.amount == 200_000 and "capped at 200,000 per partner" in capped.note


def test_partners_a_funder_cannot_pay_take_part_at_own_cost(call_dict: dict[str, Any]) -> None:
    call_dict["funder"][0]["rates"] = {"sme": 1.0}
    call = call_from_dict(call_dict)
    paid = grants(call, proposal("P", ("LTU", "university", 10), ("DEU", "sme", 10),
                                 ("ISR", "sme", 10)))
    assert [(g.funder, g.amount) for g in paid] == [(None, 0), (None, 0), ("B", 10)]
    assert paid[0].note == "own cost: A does not fund universities"
    assert paid[1].note == "own cost: DEU is not a participating country"
    ok, why = eligibility(call, paid)
    assert not ok and why.startswith("eligible partners from 1 participating country (ISR)")
    call_dict["eligibility"] = {"min_countries": 1, "ineligible_partner": "reject"}
    strict = call_from_dict(call_dict)
    ok, why = eligibility(strict, grants(strict, proposal("P", ("LTU", "university", 10),
                                                          ("ISR", "sme", 10))))
    assert not ok and "rejects proposals with an ineligible partner" in why
    # a partner from a non-participating country never makes a proposal ineligible
    ok, _ = eligibility(strict, grants(strict, proposal("P", ("DEU", "sme", 10),
                                                        ("ISR", "sme", 10))))
    assert ok


def test_mean_or_median_weighted_total_and_thresholds(call_dict: dict[str, Any]) -> None:
    call_dict["criterion"] = [{"id": "excellence", "weight": 2, "threshold": 3},
                              {"id": "impact", "weight": 1}]
    call_dict["evaluation"]["threshold"] = 10
    both = [("LTU", "sme", 10), ("ISR", "sme", 10)]
    props = (proposal("P1", *both), proposal("P2", *both))
    # P1 excellence 1, 4, 4 (mean 3, median 4), impact 4, 4, 4
    # P2 excellence 3, 3, 3 (3), impact 5, 3, 4 (mean 4, median 4)
    rows = [(r, "P1", "excellence", s, False) for r, s in zip("XYZ", (1, 4, 4), strict=True)]
    rows += [(r, "P1", "impact", 4.0, False) for r in "XYZ"]
    rows += [(r, "P2", "excellence", 3.0, False) for r in "XYZ"]
    rows += [(r, "P2", "impact", s, False) for r, s in zip("XYZ", (5, 3, 4), strict=True)]
    mean = assess(call_from_dict(call_dict), props, scores(rows))
    # mean: P1 = 2 x 3 + 4 = 10 (passes 10 and excellence 3 exactly), P2 = 2 x 3 + 4 = 10
    assert [(a.proposal.id, a.total) for a in mean.proposals] == [("P1", 10), ("P2", 10)]
    # equal totals: excellence (heaviest) 3 = 3, impact 4 = 4, equal cost: the id decides
    assert "order set by the proposal id" in mean.proposals[0].reason
    call_dict["evaluation"]["aggregate"] = "median"
    median = assess(call_from_dict(call_dict), props, scores(rows))
    # median: P1 = 2 x 4 + 4 = 12, P2 = 10
    assert [(a.proposal.id, a.total, a.rank) for a in median.proposals] == [
        ("P1", 12, 1), ("P2", 10, 2)]
    call_dict["evaluation"]["threshold"] = 10.5
    strict = assess(call_from_dict(call_dict), props, scores(rows))
    assert strict.proposals[1].status == "below threshold"
    assert strict.proposals[1].reason == "below threshold: total 10.00 < 10.5"


def test_tie_breaks_criterion_then_cost_then_id(call_dict: dict[str, Any]) -> None:
    call_dict["evaluation"]["tie_break"] = ["impact", "excellence"]
    call = call_from_dict(call_dict)
    # totals all 8: P1 (5, 3), P2 (3, 5), P3 (3, 5) and P4 (3, 5) at higher cost
    props = (proposal("P1", ("LTU", "sme", 10), ("ISR", "sme", 10)),
             proposal("P3", ("LTU", "sme", 10), ("ISR", "sme", 10)),
             proposal("P2", ("LTU", "sme", 10), ("ISR", "sme", 10)),
             proposal("P4", ("LTU", "sme", 30), ("ISR", "sme", 10)))
    marks = {"P1": (5, 3), "P2": (3, 5), "P3": (3, 5), "P4": (3, 5)}
    rows = [("R", p, c, float(s), False) for p, (e, i) in marks.items()
            for c, s in (("excellence", e), ("impact", i))]
    ranked = assess(call, props, scores(rows)).ranked
    # impact first: P2, P3, P4 (5) before P1 (3); P4 costs 40 > 20: after P2 and P3;
    # P2 and P3 differ only by id
    assert [a.proposal.id for a in ranked] == ["P2", "P3", "P4", "P1"]
    assert "order set by the proposal id" in ranked[0].reason
    assert "order set by the lower total grant" in ranked[2].reason
    assert "order set by the impact score" in ranked[3].reason


def test_conflicted_scores_are_excluded_and_too_few_reviewers_is_not_evaluated(
        call_dict: dict[str, Any]) -> None:
    call_dict["evaluation"].update(conflict="exclude", min_reviewers=2)
    call = call_from_dict(call_dict)
    both = [("LTU", "sme", 10), ("ISR", "sme", 10)]
    props = (proposal("P1", *both), proposal("P2", *both))
    # P1: X and Y score 4 and 2; Z declared a conflict but scored 5 on both: left out
    #     -> mean 3 and 3, total 6, one conflict pair (two scores) excluded
    # P2: only X scored impact -> one reviewer < 2: not evaluated
    rows = [("X", "P1", c, 4.0, False) for c in ("excellence", "impact")]
    rows += [("Y", "P1", c, 2.0, False) for c in ("excellence", "impact")]
    rows += [("Z", "P1", c, 5.0, True) for c in ("excellence", "impact")]
    rows += [("X", "P2", "excellence", 4.0, False), ("Y", "P2", "excellence", 4.0, False),
             ("X", "P2", "impact", 4.0, False)]
    p1, p2 = assess(call, props, scores(rows)).proposals
    assert (p1.total, p1.reviewers, p1.conflicts) == (6, 2, 2)
    assert p2.status == "not evaluated"
    assert p2.reason == "not evaluated: 1 reviewer score(s) for 'impact'; the call needs 2"


def test_ineligible_proposals_are_not_ranked_even_with_top_scores(
        call_dict: dict[str, Any]) -> None:
    call = call_from_dict(call_dict)
    props = (proposal("P1", ("LTU", "sme", 10), ("LTU", "research", 10)),)
    rows = [("X", "P1", c, 5.0, False) for c in ("excellence", "impact")]
    (p1,) = assess(call, props, scores(rows)).proposals
    assert (p1.status, p1.rank) == ("ineligible", None)
    assert p1.reason.startswith("ineligible: eligible partners from 1 participating country")


@pytest.mark.parametrize("aggregate", ["mean", "median"])
def test_checking_without_scores_keeps_every_eligible_proposal_unranked(
        call_dict: dict[str, Any], aggregate: str) -> None:
    call_dict["evaluation"]["aggregate"] = aggregate
    call = call_from_dict(call_dict)
    (p1,) = assess(call, (proposal("P1", ("LTU", "sme", 1), ("ISR", "sme", 1)),), None).proposals
    assert (p1.eligible, p1.rank, p1.status) == (True, None, "eligible")
    assert p1.reason == "eligible: eligible partners from ISR, LTU"
