"""Proposals and scores files: read as written (CSV and Excel), and bad input named by file,
row and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from marketscout.calls import call_from_dict, read_proposals, read_scores
from marketscout.errors import InputError, UnknownCountryError

Write = Callable[[str, str], Path]
PROPOSALS = """proposal,title,partner,country,type,requested
P1,Sensors,Alpha,LTU,SME,100
P1,,Beta,Israel,large company,50.5
P2,Robots,Gamma,LT,RTO,"1 000"
P2,Robots,Delta,ISR,university,0
"""
SCORES = """reviewer,proposal,criterion,score,conflict
R1,P1,excellence,4,no
R1,P1,impact,3.5,
R2,P1,excellence,5,
R2,P1,impact,4,
R1,P2,excellence,2,
R1,P2,impact,"2,5",
"""


def test_proposals_read_as_written(write: Write) -> None:
    p1, p2 = read_proposals(write("proposals.csv", PROPOSALS))
    assert (p1.id, p1.title, p1.row) == ("P1", "Sensors", 2)
    assert [(x.name, x.country, x.org_type, x.requested, x.row) for x in p1.partners] == [
        ("Alpha", "LTU", "sme", 100.0, 2), ("Beta", "ISR", "large", 50.5, 3)]
    assert [(x.country, x.org_type, x.requested) for x in p2.partners] == [
        ("LTU", "research", 1000.0), ("ISR", "university", 0.0)]


def test_proposals_from_excel(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for row in [["Proposal", "Partner", "Country", "Organisation type", "Requested amount"],
                ["P1", "Alpha", "LTU", "sme", 1200], ["P1", "Beta", "ISR", "Research", 800.5]]:
        sheet.append(row)
    path = tmp_path / "proposals.xlsx"
    book.save(path)
    (p1,) = read_proposals(path)
    assert [(x.org_type, x.requested) for x in p1.partners] == [("sme", 1200), ("research", 800.5)]


@pytest.mark.parametrize(("row", "edit", "column", "text", "error"), [
    (3, "P1,,Beta,Atlantis,SME,50", "country", "Unknown country 'Atlantis'",
     UnknownCountryError),
    (3, "P1,,Beta,ISR,SME,-50", "requested", "Negative requested amount '-50'", InputError),
    (3, "P1,,Beta,ISR,startup,50", "type", "Unknown organisation type 'startup'", InputError),
    (3, "P1,,Beta,ISR,SME,lots", "requested", "Not a number: 'lots'", InputError),
    (3, "P1,,Beta,ISR,SME,", "requested", "Empty cell", InputError),
    (3, "P1,Other title,Beta,ISR,SME,50", "title", "has two titles", InputError),
    (3, "P1,,Alpha,ISR,SME,50", "proposal", "Duplicated rows", InputError),
])
def test_bad_proposals_name_file_row_and_column(write: Write, row: int, edit: str, column: str,
                                                text: str, error: type[Exception]) -> None:
    lines = PROPOSALS.splitlines()
    lines[row - 1] = edit
    path = write("proposals.csv", "\n".join(lines) + "\n")
    with pytest.raises(error) as err:
        read_proposals(path)
    exc = err.value
    assert isinstance(exc, InputError) and text in exc.what, exc.what
    where = (f"{path}, rows 2 and {row}, column(s) proposal, partner" if column == "proposal"
             else f"{path}, row {row}, column '{column}'")
    assert exc.where == where


def test_missing_column_is_named(write: Write) -> None:
    path = write("proposals.csv", "proposal,partner,country,requested\nP1,A,LTU,5\n")
    with pytest.raises(InputError, match="Missing column 'type'"):
        read_proposals(path)


@pytest.fixture
def setup(write: Write, call_dict: dict[str, Any]) -> tuple[Any, Any]:
    return call_from_dict(call_dict), read_proposals(write("proposals.csv", PROPOSALS))


def test_scores_read_as_written(write: Write, setup: tuple[Any, Any]) -> None:
    call, proposals = setup
    frame = read_scores(write("scores.csv", SCORES), call, proposals)
    assert frame["score"].tolist() == [4, 3.5, 5, 4, 2, 2.5]
    assert frame.index.tolist() == [2, 3, 4, 5, 6, 7]  # spreadsheet rows
    assert not frame["conflict"].any()


# (row edited, its new text, the place the error names after the file, message)
@pytest.mark.parametrize(("row", "edit", "place", "text"), [
    (2, "R1,P1,excellence,6,no", "row 2, column 'score'",
     "Score '6' is outside the call's scale 0-5"),
    (2, "R1,P1,excellence,-1,no", "row 2, column 'score'", "outside the call's scale"),
    (2, "R1,P1,excellence,4,yes", "row 2, column 'score'",
     "Reviewer 'R1' declared a conflict of interest for proposal 'P1' but scored it"),
    # The flag on row 3 covers the whole pair R1/P1, so row 2's score (the pair's first
    # scored row, in file order) is the first conflicted score: row 2, always.
    (3, "R1,P1,impact,3.5,yes", "row 2, column 'score'", "declared a conflict of interest"),
    (2, "R1,P9,excellence,4,no", "row 2, column 'proposal'", "Unknown proposal 'P9'"),
    (2, "R1,P1,excelence,4,no", "row 2, column 'criterion'", "Did you mean 'excellence'"),
    (2, "R1,P1,excellence,,no", "row 2, column 'score'", "Empty score"),
    (2, "R1,P1,excellence,4,perhaps", "row 2, column 'conflict'",
     "Unexpected conflict-of-interest flag"),
    (3, "R1,P1,excellence,4,no", "rows 2 and 3, column(s) reviewer, proposal, criterion",
     "Duplicated rows"),
])
def test_bad_scores_name_file_row_and_column(write: Write, setup: tuple[Any, Any], row: int,
                                             edit: str, place: str, text: str) -> None:
    call, proposals = setup
    lines = SCORES.splitlines()
    lines[row - 1] = edit
    path = write("scores.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        read_scores(path, call, proposals)
    assert text in err.value.what, err.value.what
    assert err.value.where == f"{path}, {place}"


def test_conflict_flag_covers_the_pair_and_a_blank_score_is_fine(
        write: Write, setup: tuple[Any, Any], call_dict: dict[str, Any]) -> None:
    _, proposals = setup
    # R1 flags the conflict once on P1 and leaves its scores blank: accepted, all R1/P1 rows
    # are conflicted, and no other pair is.
    text = SCORES.replace("R1,P1,excellence,4,no", "R1,P1,excellence,,yes").replace(
        "R1,P1,impact,3.5,", "R1,P1,impact,,")
    call = call_from_dict(call_dict)
    frame = read_scores(write("scores.csv", text), call, proposals)
    assert frame["conflict"].tolist() == [True, True, False, False, False, False]
    # with conflict = "exclude" a conflicted reviewer may have scored; the score is kept
    # in the frame (flagged) and left out later by the aggregation
    call_dict["evaluation"]["conflict"] = "exclude"
    scored = SCORES.replace("R1,P1,excellence,4,no", "R1,P1,excellence,4,yes")
    frame = read_scores(write("scores.csv", scored), call_from_dict(call_dict), proposals)
    assert frame.loc[2, "conflict"] and frame.loc[2, "score"] == 4
