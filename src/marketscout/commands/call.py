"""`marketscout call check|rank|fund|compare`: a joint R&D call from three files to decisions."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from marketscout.cli import app
from marketscout.commands._common import console, rich_table
from marketscout.errors import InputError

if TYPE_CHECKING:  # the library (pandas) loads inside each command, not on --help
    from marketscout import calls

call_app = typer.Typer(help="Joint R&D calls: eligibility, ranking and funding under national "
                            "budgets (docs/calls.md).", no_args_is_help=True)
app.add_typer(call_app, name="call")


class Mode(StrEnum):
    virtual = "virtual"
    real = "real"
    mixed = "mixed"
    optimal = "optimal"


def _call() -> Path:
    return typer.Option(..., "--call", help="The call definition (TOML).")


def _proposals() -> Path:
    return typer.Option(..., "--proposals", help="Proposals, one row per partner (CSV/XLSX).")


def _scores(required: bool = True) -> Path:
    return typer.Option(... if required else None, "--scores",
                        help="Reviewers' scores (CSV/XLSX)." + ("" if required else
                                                               " Checked when given."))


def _output(what: str) -> Path | None:
    return typer.Option(None, "--output", "-o", help=f"Write {what} to this .xlsx (or .csv).")


def _files(call: Path, proposals: Path, scores: Path | None) -> dict[str, Path]:
    found = {"call": call, "proposals": proposals}
    return found | ({"scores": scores} if scores else {})


def _write(output: Path, assessment: calls.Assessment, result: calls.FundingResult | None,
           files: dict[str, Path]) -> None:
    from marketscout.calls import outcome, workbook

    if output.suffix.lower() == ".csv":
        outcome.decisions(assessment, result).to_csv(output, index=False)
    elif output.suffix.lower() == ".xlsx":
        workbook.write_decisions(output, assessment, result, files)
    else:
        raise InputError(f"Cannot write {output.suffix or 'a file without suffix'}.",
                         where=f"--output {output}", fix="Name the file .xlsx or .csv.")
    console.print(f"Wrote {output}", highlight=False)


@call_app.command("check")
def check(call: Path = _call(), proposals: Path = _proposals(),
          scores: Path | None = _scores(required=False),
          output: Path | None = _output("the eligibility of every proposal")) -> None:
    """Check the files and every proposal's eligibility, with the reason."""
    from marketscout import calls
    from marketscout.calls import outcome

    assessment = calls.load(call, proposals, scores)
    frame = outcome.decisions(assessment)
    table = frame[["proposal", "countries", "partners", "eligible", "eligibility"]]
    console.print(rich_table(table, title=assessment.call.name))
    eligible = int((frame["eligible"] == "yes").sum())
    console.print(f"{eligible} of {len(frame)} proposals eligible"
                  + ("; scores checked." if scores else "."), highlight=False)
    if output:
        _write(output, assessment, None, _files(call, proposals, scores))


@call_app.command("rank")
def rank(call: Path = _call(), proposals: Path = _proposals(), scores: Path = _scores(),
         output: Path | None = _output("the ranking list")) -> None:
    """Aggregate the scores, apply the thresholds and print the common ranking list."""
    from marketscout import calls
    from marketscout.calls import outcome

    assessment = calls.load(call, proposals, scores)
    frame = outcome.decisions(assessment)
    labels = [c.label for c in assessment.call.evaluation.criteria]
    console.print(rich_table(frame[["rank", "proposal", *labels, "total", "outcome", "reason"]],
                             title=assessment.call.name))
    if output:
        _write(output, assessment, None, _files(call, proposals, scores))


@call_app.command("fund")
def fund(call: Path = _call(), proposals: Path = _proposals(), scores: Path = _scores(),
         mode: Mode | None = typer.Option(None, "--mode", help="virtual, real, mixed or optimal "
                                                              "(default: the call's mode)."),
         output: Path | None = _output("the decisions workbook")) -> None:
    """Allocate the budgets in one funding mode: every proposal's outcome and the reason."""
    from marketscout import calls
    from marketscout.calls import outcome

    assessment = calls.load(call, proposals, scores)
    result = outcome.fund(assessment, mode.value if mode else None)
    frame = outcome.decisions(assessment, result)
    console.print(rich_table(frame[["rank", "proposal", "total", "grant", "outcome", "reason"]],
                             title=f"{assessment.call.name}: {result.mode} mode"))
    spent = outcome.funders(assessment, result).drop(columns=["name", "countries"])
    console.print(rich_table(spent, title="Funders"))
    if result.solver is not None:
        s = result.solver
        console.print(f"Solver: {s.status}, objective {s.objective:,.4f}, bound {s.bound:,.4f}, "
                      f"gap {s.gap:.4%}, {s.seconds:.2f} s (start: {s.start}).", highlight=False)
        walk = outcome.fund(assessment, "virtual")
        _print_tradeoff(calls.tradeoff(walk, result))
    if output:
        _write(output, assessment, result, _files(call, proposals, scores))


@call_app.command("compare")
def compare(call: Path = _call(), proposals: Path = _proposals(), scores: Path = _scores(),
            output: Path | None = _output("the comparison workbook")) -> None:
    """All four modes side by side: funded, money per funder, quality, who blocked what."""
    from marketscout import calls
    from marketscout.calls import outcome, workbook

    assessment = calls.load(call, proposals, scores)
    comparison = outcome.compare_modes(assessment)
    console.print(rich_table(outcome.summary(comparison),
                             title=f"{assessment.call.name}: funding modes"))
    _print_tradeoff(comparison.tradeoff)
    if output:
        if output.suffix.lower() != ".xlsx":
            raise InputError("compare writes a workbook.", where=f"--output {output}",
                             fix="Name the file .xlsx.")
        workbook.write_comparison(output, comparison, _files(call, proposals, scores))
        console.print(f"Wrote {output}", highlight=False)


def _print_tradeoff(t: calls.Tradeoff) -> None:
    import pandas as pd

    rows = pd.DataFrame([("extra projects (ranks)", ", ".join(map(str, t.extra)) or "-"),
                         ("dropped walk-down projects (ranks)", ", ".join(map(str, t.dropped))
                          or "-"),
                         ("projects gained", str(t.count_gain)),
                         ("quality gained", f"{t.quality_gain:.4f}"),
                         ("rank inversions (walk-down / optimum)",
                          f"{t.inversions_walk} / {t.inversions_optimal}")],
                        columns=["optimum vs virtual walk-down", "value"])
    console.print(rich_table(rows))
