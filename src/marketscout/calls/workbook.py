"""The decisions workbook (openpyxl): one row per proposal with its outcome and reason,
partners, funders, and a sheet naming the files and rules every number comes from."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from marketscout.calls.evaluate import Assessment
from marketscout.calls.funding import FundingResult
from marketscout.calls.outcome import Comparison, decisions, funders, outcomes, partners, summary
from marketscout.reports.columns import Column

MONEY_WORDS = ("grant", "requested", "budget", "available", "used", "left", "paid", "gap pool")
WIDE = ("reason", "eligibility", "note", "title", "evaluation")


def about(assessment: Assessment, files: dict[str, Path], mode: str | None) -> pd.DataFrame:
    """Where the numbers come from: the call, the input files (with sha256) and the rules."""
    call = assessment.call
    rows = [("call", call.name), ("year", call.year or "not given"),
            ("currency", call.currency), ("funding mode", mode or "none (check/rank only)")]
    for role, path in files.items():
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        rows.append((f"{role} file", f"{path} (sha256 {digest})"))
    ev = call.evaluation
    rows += [("score scale", f"{ev.scale[0]:g}-{ev.scale[1]:g}"),
             ("aggregation", f"{ev.aggregate} per criterion; conflicts: {ev.conflict}"),
             ("tie-breaks", "total, then " + ", ".join(ev.tie_order())
              + ", then lower total grant, then proposal id"),
             ("rules", "docs/calls.md in the marketscout documentation"),
             ("written", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))]
    return pd.DataFrame(rows, columns=["item", "value"])


def write_decisions(path: Path, assessment: Assessment, result: FundingResult | None,
                    files: dict[str, Path]) -> None:
    """Decisions, Partners, Funders (when funded) and About sheets."""
    sheets = {"Decisions": decisions(assessment, result), "Partners": partners(assessment, result)}
    if result is not None:
        sheets["Funders"] = funders(assessment, result)
    sheets["About"] = about(assessment, files, result.mode if result else None)
    write(path, sheets)


def write_comparison(path: Path, comparison: Comparison, files: dict[str, Path]) -> None:
    """Summary of all modes, each proposal's outcome per mode, funders per mode, About."""
    per_funder = pd.concat([funders(comparison.assessment, r).assign(mode=mode)
                            for mode, r in comparison.results.items()], ignore_index=True)
    t = comparison.tradeoff
    versus = pd.DataFrame([
        ("extra projects funded by the optimum (ranks)", ", ".join(map(str, t.extra)) or "-"),
        ("walk-down projects dropped by the optimum (ranks)",
         ", ".join(map(str, t.dropped)) or "-"),
        ("projects gained", t.count_gain), ("quality gained", round(t.quality_gain, 4)),
        ("rank inversions, walk-down", t.inversions_walk),
        ("rank inversions, optimum", t.inversions_optimal)], columns=["measure", "value"])
    write(path, {"Summary": summary(comparison), "Optimal vs walk-down": versus,
                 "Outcomes": outcomes(comparison), "Funders": per_funder,
                 "About": about(comparison.assessment, files, "all (compare)")})


def write(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write the sheets with the shared writer: money as #,##0, other numbers 0.00, long
    texts wrapped (a folder that does not exist gets a clear error)."""
    from marketscout.reports.workbook import Sheet, write_workbook

    write_workbook(path, [Sheet(name, frame, _columns(frame)) for name, frame in sheets.items()])


def _columns(frame: pd.DataFrame) -> list[Column]:
    out = []
    for col in frame.columns:
        name = str(col).lower()
        wide = any(w in name for w in WIDE) or name == "value"
        numeric = pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(
            frame[col])
        money = any(w in name for w in MONEY_WORDS)
        fmt = ("money" if money else "decimal") if numeric else "auto"
        out.append(Column(str(col), fmt=fmt, width=70 if wide else None))
    return out
