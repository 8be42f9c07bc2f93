"""The example call in examples/calls/lt-il, through the CLI, against a computation by hand.

Hand computation (amounts in thousands of EUR; LT budget 600, IL budget 400).
Grants: LT pays SMEs 70%, large companies 50%, research organisations 100%, at most 200 per
partner and 250 per project; IL pays SMEs 50%, large companies 30%.
  DRONEMAP  LT large 300 x .5 = 150              IL SME 400 x .5 = 200
  GRIDSTORE LT research 200 + SME 200 x .7 = 340 > 250: scaled to 250;  IL SME 300 x .5 = 150
  BIOLENS   LT research 150 + SME 100 x .7 = 220  IL large 400 x .3 = 120
  AGRISENSE LT SME 200 x .7 = 140                 IL SME 300 x .5 = 150
  FOODCHAIN LT SME 100 x .7 = 70                  IL SME 100 x .5 = 50 (German partner: own cost)
  CYBERFORT LT SME 300 x .7 = 210 > 200: 200      IL SME 200 x .5 = 100
  IRRIGATE  LT SME 80 x .7 = 56                   IL SME 120 x .5 = 60
Eligibility: EDUBOT (LT university, not funded by LT) and JETCLEAN (Lithuanian partners only)
have eligible partners in one country only: ineligible.
Scores (means of three reviewers; R4 declared a conflict on CYBERFORT, its 5s are excluded):
  DRONEMAP 13/3+14/3+13/3 = 13.33, GRIDSTORE 13.00, BIOLENS 12.67, AGRISENSE 12.33,
  FOODCHAIN 12.00, CYBERFORT 11.67, IRRIGATE 11.33; HEALTHAI impact 8/3 = 2.67 < 3: below.
Virtual pot: DRONEMAP (LT 450, IL 200 left), GRIDSTORE (200, 50), BIOLENS blocked (LT 220 > 200
  and IL 120 > 50), AGRISENSE blocked by IL (150 > 50), FOODCHAIN (130, 0), CYBERFORT blocked,
  IRRIGATE blocked by IL: funded DRONEMAP, GRIDSTORE, FOODCHAIN; LT used 470, IL 400.
Real pot (1,000, skip): DRONEMAP 350 (650 left), GRIDSTORE 400 (250), BIOLENS 340 skipped,
  AGRISENSE 290 skipped, FOODCHAIN 120 (130), CYBERFORT 300 skipped, IRRIGATE 116 (14).
Mixed (top-up 200, share .5): 100 raises LT to 660 and IL to 440 (6:4); pool 100.
  DRONEMAP (510, 240), GRIDSTORE (260, 90), BIOLENS: IL short by 30 only, pool pays 30 (LT 40,
  IL 0, pool 70); AGRISENSE, FOODCHAIN, CYBERFORT, IRRIGATE each short at both funders.
Optimal (quality): at most four projects fit IL's 400 (the five cheapest IL needs sum to 480),
  no four-project set holds DRONEMAP (IL 200 + two cheapest 110 leaves 90 < 100), and the best
  four are GRIDSTORE, BIOLENS, FOODCHAIN, IRRIGATE: LT 596, IL 380, quality 49.0 against the
  walk-down's 38.33; extra ranks 3 and 7, rank 1 dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from marketscout import calls

Cli = Callable[..., tuple[int, str, str]]
RANKING = ["DRONEMAP", "GRIDSTORE", "BIOLENS", "AGRISENSE", "FOODCHAIN", "CYBERFORT", "IRRIGATE"]
FUNDED = {
    "virtual": {"DRONEMAP", "GRIDSTORE", "FOODCHAIN"},
    "real": {"DRONEMAP", "GRIDSTORE", "FOODCHAIN", "IRRIGATE"},
    "mixed": {"DRONEMAP", "GRIDSTORE", "BIOLENS"},
    "optimal": {"GRIDSTORE", "BIOLENS", "FOODCHAIN", "IRRIGATE"},
}
USED = {"virtual": (470_000, 400_000), "mixed": (620_000, 440_000),
        "optimal": (596_000, 380_000),
        # real pot: 986 spent, shared 6:4 between the budgets
        "real": (591_600, 394_400)}


def files(example: Path) -> list[str]:
    return ["--call", str(example / "call.toml"), "--proposals", str(example / "proposals.csv"),
            "--scores", str(example / "scores.csv")]


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_check(call_cli: Cli, example: Path) -> None:
    code, out, _ = call_cli("call", "check", *files(example)[:4])
    assert code == 0
    assert "8 of 10 proposals eligible." in out
    assert "eligible partners from 1 participating country (LTU); the call needs at least 2" in out


def test_rank(call_cli: Cli, example: Path) -> None:
    code, out, _ = call_cli("call", "rank", *files(example))
    assert code == 0
    positions = [out.index(f" {pid} ") for pid in RANKING]
    assert positions == sorted(positions)
    assert "below threshold: Impact 2.67 < 3" in out
    assessment = calls.load(*(example / f for f in ("call.toml", "proposals.csv", "scores.csv")))
    totals = [round(a.total or 0, 2) for a in assessment.ranked]
    assert totals == [13.33, 13.0, 12.67, 12.33, 12.0, 11.67, 11.33]
    cyber = next(a for a in assessment.ranked if a.proposal.id == "CYBERFORT")
    assert (cyber.reviewers, cyber.conflicts) == (3, 3)  # R4's three scores left out


@pytest.mark.parametrize("mode", ["virtual", "real", "mixed", "optimal"])
def test_fund_each_mode_writes_the_decisions_workbook(call_cli: Cli, example: Path,
                                                      tmp_path: Path, mode: str) -> None:
    output = tmp_path / f"{mode}.xlsx"
    code, _, err = call_cli("call", "fund", *files(example), "--mode", mode,
                              "--output", str(output))
    assert code == 0, err
    rows = sheet(output, "Decisions")
    assert len(rows) == 10  # one row per proposal
    assert {r["proposal"] for r in rows if r["outcome"] == "funded"} == FUNDED[mode]
    assert all(r["reason"] for r in rows)
    by_id = {r["proposal"]: r for r in rows}
    assert by_id["EDUBOT"]["outcome"] == "ineligible"
    assert by_id["HEALTHAI"]["outcome"] == "below threshold"
    funders = {r["funder"]: r for r in sheet(output, "Funders")}
    assert (funders["LT"]["used"], funders["IL"]["used"]) == pytest.approx(USED[mode])
    partners = sheet(output, "Partners")
    grid = [r for r in partners if r["proposal"] == "GRIDSTORE" and r["funder"] == "LT"]
    assert sum(float(r["grant if funded"]) for r in grid) == pytest.approx(250_000)
    about = {r["item"]: r["value"] for r in sheet(output, "About")}
    assert about["funding mode"] == mode and "sha256" in str(about["scores file"])


def test_fund_reasons_name_the_blocking_funder(call_cli: Cli, example: Path,
                                               tmp_path: Path) -> None:
    output = tmp_path / "virtual.xlsx"
    call_cli("call", "fund", *files(example), "--output", str(output))
    by_id = {r["proposal"]: r for r in sheet(output, "Decisions")}
    assert by_id["AGRISENSE"]["reason"] == (
        "not funded: blocked by IL needs 150,000 EUR, has 50,000 EUR left")
    mixed = tmp_path / "mixed.xlsx"
    call_cli("call", "fund", *files(example), "--mode", "mixed", "--output", str(mixed))
    by_id = {r["proposal"]: r for r in sheet(mixed, "Decisions")}
    assert by_id["BIOLENS"]["from gap pool"] == 30_000
    assert by_id["BIOLENS"]["reason"].startswith("funded with 30,000 EUR from the gap-filling")


def test_fund_optimal_reports_solver_and_tradeoff(call_cli: Cli, example: Path) -> None:
    code, out, _ = call_cli("call", "fund", *files(example), "--mode", "optimal")
    assert code == 0
    assert "Solver: optimal, objective 49.0000" in out
    assert "extra projects (ranks)" in out and "3, 7" in out


def test_compare(call_cli: Cli, example: Path, tmp_path: Path) -> None:
    output = tmp_path / "compare.xlsx"
    code, out, _ = call_cli("call", "compare", *files(example), "--output", str(output))
    assert code == 0
    assert "IL: 4, LT: 2" in out  # virtual: IL blocked 4 projects, LT 2
    summary = {r["measure"]: r for r in sheet(output, "Summary")}
    assert {m: summary["projects funded"][m] for m in FUNDED} == {
        m: len(s) for m, s in FUNDED.items()}
    assert summary["quality funded"]["optimal"] == pytest.approx(49.0)
    assert summary["quality funded"]["virtual"] == pytest.approx(115 / 3)
    versus = {r["measure"]: r["value"] for r in sheet(output, "Optimal vs walk-down")}
    assert versus["extra projects funded by the optimum (ranks)"] == "3, 7"
    assert versus["walk-down projects dropped by the optimum (ranks)"] == "1"
    outcomes = {r["proposal"]: r for r in sheet(output, "Outcomes")}
    assert outcomes["BIOLENS"]["mixed"] == "funded" and outcomes["BIOLENS"]["virtual"] == (
        "not funded")


def test_excel_proposals_give_the_same_ranking(example: Path, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    for line in (example / "proposals.csv").read_text(encoding="utf-8").splitlines():
        cells: list[object] = line.split(",")
        cells[-1] = float(cells[-1]) if cells[-1][0].isdigit() else cells[-1]
        ws.append(cells)
    book.save(tmp_path / "proposals.xlsx")
    assessment = calls.load(example / "call.toml", tmp_path / "proposals.xlsx",
                            example / "scores.csv")
    assert [a.proposal.id for a in assessment.ranked] == RANKING


def test_bad_scores_exit_2_naming_file_row_and_column(call_cli: Cli, example: Path,
                                                      tmp_path: Path) -> None:
    lines = (example / "scores.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",4,no", ",7,no")  # row 5: a 7 on a 0-5 scale
    bad = tmp_path / "scores.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = files(example)
    args[-1] = str(bad)
    code, _, err = call_cli("call", "fund", *args)
    assert code == 2
    assert "Score '7' is outside the call's scale 0-5" in err
    assert f"Where: {bad}, row 5, column 'score'" in err


def test_output_needs_a_known_suffix(call_cli: Cli, example: Path, tmp_path: Path) -> None:
    code, _, err = call_cli("call", "fund", *files(example), "--output", str(tmp_path / "x.pdf"))
    assert code == 2 and "Name the file .xlsx or .csv" in err
    code, _, _ = call_cli("call", "rank", *files(example), "--output", str(tmp_path / "r.csv"))
    assert code == 0 and (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("rank,")
