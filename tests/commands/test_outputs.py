"""What analysts open (issue 12): workbooks read back with openpyxl, every CSV read by
`pandas.read_csv` with no options, the terminal at 80 columns, `--help`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.console import Console

Run = Callable[..., tuple[int, str, str]]
FAST = ("--runs", "200")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def header_map(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_rank_workbook_reads_back(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "ltu.xlsx"
    code, _, err = run("rank", "--home", "LTU", *FAST, "--top", "20", "--format", "xlsx",
                       "--output", str(target), "--exclude", 'POL="=HYPERLINK(1)"',
                       "--include", "Kazakhstan")
    assert code == 0, err
    # the terminal still shows the headline, the warnings and a one-line summary
    assert "3 of 7 criteria" in err and "Warning: Left out dsm" in err
    assert f"Wrote {target}: 20 markets on the list, first Germany" in " ".join(err.split())
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["About", "priority list", "not ranked"]
    about = [r for r in book["About"].iter_rows(values_only=True)]
    assert about[0][0] == "Priority markets for LTU"
    assert ("Warning", "Left out dsm: no data.") in about  # warnings on the first sheet
    assert any(r[0] == "Headline" and r[1].startswith("3 of 7 criteria: ") for r in about)
    ws = book["priority list"]
    cols = header_map(ws)
    for header in ("Market (ISO3)", "Market", "Score (0-100)", "P(top 20)",
                   "90% rank interval", "innovation 2022 (score 0-100)",
                   "exports 2023 (USD thousand)", "horizon 2014-2022 (projects)"):
        assert header in cols, header
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert ws.cell(2, cols["Score (0-100)"]).number_format == "0.0"
    assert ws.cell(2, cols["P(top 20)"]).number_format == "0%"
    assert ws.cell(2, cols["exports 2023 (USD thousand)"]).number_format == "#,##0"
    assert ws.cell(1, cols["P(top 20)"]).comment.text.endswith("column: p_top")
    first = {h: ws.cell(2, j).value for h, j in cols.items()}
    assert (first["Market (ISO3)"], first["Market"], first["Rank"]) == ("DEU", "Germany", 1)
    assert first["90% rank interval"] == "1 to 1"
    # the exclusion reason is text a spreadsheet would run: stored as a string, not a formula
    poland = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "POL")
    reason = poland[cols["Override reason"] - 1]
    assert reason.value == "=HYPERLINK(1)" and reason.data_type == "s"
    not_ranked = list(book["not ranked"].iter_rows(values_only=True))
    assert not_ranked[0] == ("Market (ISO3)", "Market", "Why not ranked")
    assert len(not_ranked) == 1 + 37 and all(r[2] for r in not_ranked[1:])
    overrides = {r[0]: r for r in book["overrides"].iter_rows(min_row=2, values_only=True)}
    assert overrides["POL"][1:] == ("Poland", "exclude", "=HYPERLINK(1)")
    assert overrides["KAZ"][2] == "include"
    weights = list(book["weights"].iter_rows(values_only=True))
    assert weights[0][:4] == ("Criterion", "Name", "Weight", "Share of the total weight")
    assert sum(r[3] for r in weights[1:]) == pytest.approx(1.0)


def test_rank_json_has_headline_not_ranked_and_overrides(run: Run) -> None:
    code, out, err = run("rank", "--home", "LTU", *FAST, "--format", "json", "--exclude",
                         'DEU="a reason"')
    assert code == 0, err
    doc = json.loads(out)
    assert doc["headline"].startswith("3 of 7 criteria")
    assert len(doc["not_ranked"]) == 37 and all(r["reason"] for r in doc["not_ranked"])
    assert doc["overrides"] == [{"iso3": "DEU", "market": "Germany", "action": "exclude",
                                 "reason": "a reason"}]


def survey_round(run: Run, tmp_path: Path) -> None:
    closes = (date.today() + timedelta(days=30)).isoformat()
    assert run("survey", "create-round", "--title", "Survey 2099", "--closes", closes,
               "--max-markets", "2", "--home", "LTU")[0] == 0
    assert run("survey", "add-association", "LINPRA", "--weight", "3")[0] == 0
    answers = tmp_path / "paper.csv"
    answers.write_text("association,market,order\nLINPRA,Germany,1\nLINPRA,Poland,2\n"
                       "Chemija,Poland,1\n", encoding="utf-8")
    assert run("survey", "import", "1", str(answers))[0] == 0


# command, columns the CSV must have, (column, row, value) checked by hand
CSVS = {
    "rank": (("rank", "--home", "LTU", *FAST), {"Market (ISO3)", "Score (0-100)", "P(top 32)"},
             ("Score (0-100)", 0, None)),
    "criteria": (("criteria", "--home", "LTU"), {"Market (ISO3)", "Market",
                                                 "exports 2023 (USD thousand)"},
                 ("exports 2023 (USD thousand)", 0, None)),
    "collab": (("collab", "pairs", "--home", "LTU"), {"Partner (ISO3)", "Joint projects",
                                                      "Home EC contribution (EUR)"},
               ("Home EC contribution (EUR)", 0, None)),
    "survey": (("survey", "results", "1"), {"Market (ISO3)", "Market",
                                            "Weighted Borda score (points)"},
               ("Weighted Borda score (points)", 0, 1.5)),
    "dsm": (("dsm", "run", "--home", "ZAF"), {"Market (ISO3)", "HS6 product",
                                              "Imports (thousand USD)"}, None),
    "plan": (("plan", "register", "list"), {"id", "title", "budget"}, None),
    "data show": (("data", "show", "gii"), {"source_id", "iso3", "edition", "score"}, None),
}


@pytest.mark.parametrize("name", list(CSVS))
def test_every_csv_opens_with_no_options(name: str, run: Run, tmp_path: Path) -> None:
    args, columns, check = CSVS[name]
    if name == "survey":
        survey_round(run, tmp_path)
    if name == "plan":
        assert run("plan", "register", "import", str(EXAMPLES / "plan" / "register.csv"),
                   "--home", "LTU")[0] == 0
    target = tmp_path / "out.csv"
    code, _, err = run(*args, "--format", "csv", "--output", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8-sig")
    assert not text.startswith("#") and "[" not in text.splitlines()[0]
    assert not re.search(r"\['|\"\['", text)  # no Python list syntax in cells
    frame = pd.read_csv(target)  # no options at all
    assert columns <= set(frame.columns), set(frame.columns)
    assert (tmp_path / "out.csv.meta.json").exists()
    if check:
        column, row, value = check
        cell = frame[column].iloc[row]
        if value is not None:
            assert cell == pytest.approx(value)
        decimals = str(cell)[::-1].find(".")
        assert decimals <= 1 or str(cell).endswith(".0")  # rounded: no 72933982.98000002
    # no float noise anywhere (e.g. 0.30000000000000004)
    assert not re.search(r"\d\.\d{7,}", text)


def narrow(render: Callable[[Console], None]) -> str:
    out = Console(width=80, file=io.StringIO(), record=True, color_system=None)
    render(out)
    return out.export_text()


def test_rank_view_at_80_columns_keeps_commands_and_headers_whole(home: Path) -> None:
    from marketscout import priority
    from marketscout.commands import rank_view
    from marketscout.settings import load_settings
    from marketscout.store import open_store

    with open_store(load_settings().db_path) as store:
        plist = priority.rank(store, "LTU", priority.Options(runs=200))
    text = narrow(lambda out: rank_view.show(plist, out=out))
    lines = text.splitlines()
    assert "…" not in text  # no header or cell cut to 'interv…'
    assert any("90% interval" in line for line in lines)
    for c, _ in plist.left_out:
        for command in re.findall(r"`([^`]+)`", c.how_to_get):
            assert f"    {command}" in lines, command  # whole, on a line of its own


def test_data_status_at_80_columns_in_a_pipe(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketscout.commands import _common

    monkeypatch.setattr(_common.console, "width", 80)
    code, out, err = run("data", "status", "--home", "LTU")
    assert code == 0, err
    assert "…" not in out
    lines = out.splitlines()
    for command in ("marketscout data import imd FILE", "marketscout data update baci",
                    "marketscout data import survey FILE"):
        assert f"    {command}" in lines, command


def test_help_is_plain_complete_and_main_job_first(cli_run: Run) -> None:
    code, out, _ = cli_run("--help")
    assert code == 0
    commands = out.split("Commands:")[1].split()
    assert commands[0] == "rank"
    assert "..." not in out.split("Commands:")[1]  # full summaries, wrapped not cut
    from typer import _click

    from marketscout import cli

    def helps(name: str, cmd: object) -> list[tuple[str, str]]:
        ctx = _click.Context(cmd, info_name=name)  # type: ignore[arg-type]
        found = [(name, cmd.get_help(ctx))]  # type: ignore[attr-defined]
        for sub, c in getattr(cmd, "commands", {}).items():
            found += helps(f"{name} {sub}", c)
        return found

    for name, text in [h for n, c in cli.load_all().items() for h in helps(n, c)]:
        assert "<bool>" not in text, name  # flags read --all, not --all <bool>
        if "Commands:" in text:
            assert "..." not in text.split("Commands:")[1], name


def test_unsupported_format_names_the_option_and_the_choices(cli_run: Run) -> None:
    code, _, err = cli_run("criteria", "--format", "parquet")
    assert code == 2 and "'--format'" in err
    assert "this command writes table, csv, json, xlsx" in err


def test_a_quoted_override_reason_may_hold_commas() -> None:
    from marketscout.priority.options import parse_overrides

    found = parse_overrides('TWN="strategic partner, not in the GII",Israel', 'RUS=sanctions')
    assert [(o.iso3, o.action, o.reason) for o in found] == [
        ("TWN", "include", "strategic partner, not in the GII"), ("ISR", "include", ""),
        ("RUS", "exclude", "sanctions")]


def test_runs_0_names_the_option(run: Run) -> None:
    code, _, err = run("rank", "--home", "LTU", "--runs", "0")
    flat = " ".join(err.split())
    assert code == 2 and "--runs must be between 1 and 100000, got 0" in flat
    assert "Where: --runs" in flat and "runs =" not in flat and "[uncertainty]" not in flat


def test_top_above_the_ranked_markets_is_refused_with_the_number(run: Run) -> None:
    ranked = len(json.loads(run("rank", "--home", "LTU", *FAST, "--format", "json")[1])[
        "markets"])
    code, _, err = run("rank", "--home", "LTU", *FAST, "--top", "500")
    flat = " ".join(err.split())
    assert code == 2 and f"{ranked} candidates have data on enough of the criteria" in flat
    assert f"Use --top {ranked} or less" in flat and "Where: --top" in flat
    code, _, err = run("rank", "--home", "LTU", *FAST, "--top", str(ranked), "--format", "json")
    assert code == 0, err


@pytest.mark.parametrize("args", [
    ("rank", "--home", "LTU"), ("criteria", "--home", "LTU"), ("collab", "pairs", "--home", "LTU"),
    ("plan", "alignment", "--home", "LTU"),
])
def test_xlsx_without_a_file_is_refused_by_every_command(run: Run, args: tuple[str, ...]) -> None:
    code, out, err = run(*args, "--format", "xlsx")
    assert code == 2 and "--format xlsx needs --output FILE.xlsx" in err, (out, err)
