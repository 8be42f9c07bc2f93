"""One table to a file in the format asked for, through the shared writers: the small
outputs of `criteria`, `survey results`, `data show` and the collaboration commands.

CSV: a plain file (header row, rounded numbers) with its sources, warnings and notes in
`FILE.meta.json`; without a file, the plain CSV on standard output. Excel: the tables with
frozen headers, formats and notes, after an About sheet naming sources and warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.reports.columns import Column

if TYPE_CHECKING:
    import pandas as pd

    from marketscout.criteria.base import Criterion


@dataclass(frozen=True)
class Output:
    """What a command writes: a title, facts for the About sheet and the CSV's sidecar
    (source, scope, notes), warnings, and the tables (the first is the CSV's)."""

    title: str
    tables: Sequence[tuple[str, pd.DataFrame, Sequence[Column]]]
    about: Sequence[tuple[str, Any]] = ()
    warnings: Sequence[str] = ()
    meta: dict[str, Any] = field(default_factory=dict)


def write_xlsx(out: Output, path: Path) -> Path:
    from marketscout.reports.workbook import Sheet, write_workbook

    return write_workbook(path, [Sheet(name, frame, cols) for name, frame, cols in out.tables],
                          title=out.title, about=out.about, warnings=out.warnings)


def write_csv(out: Output, path: Path) -> Path:
    from marketscout.reports.csvfile import write_csv as write

    _, frame, cols = out.tables[0]
    meta = {"title": out.title, **{str(k): v for k, v in out.about}, **out.meta,
            "warnings": list(out.warnings)}
    return write(path, frame, cols, meta=meta)


def csv_text(out: Output) -> str:
    from marketscout.reports.csvfile import csv_text as text

    _, frame, cols = out.tables[0]
    return text(frame, cols)


def criterion_header(c: Criterion) -> str:
    """E.g. 'exports 2023 (USD thousand)': the criterion, its reference period, its unit."""
    return " ".join(p for p in (c.id, c.year, f"({c.unit})" if c.unit else "") if p)


def value_format(unit: str) -> str:
    """The number format that suits a unit: money, a 0-100 score, a count, or decimals."""
    unit = unit.lower()
    if any(w in unit for w in ("usd", "eur", "million", "thousand")):
        return "money"
    if "score" in unit or "points" in unit:
        return "score"
    if unit in ("projects", "count", "markets", "participations"):
        return "int"
    return "decimal"


def criteria_output(home: str, found: Sequence[Criterion], frame: pd.DataFrame) -> Output:
    """The candidate-by-criterion matrix: names beside ISO3, each criterion's header with its
    reference period and unit, its source in the header's note."""
    from marketscout import countries

    table = frame.reset_index().rename(columns={"index": "iso3"})
    table.insert(1, "market", table["iso3"].map(countries.name))
    cols = [Column("iso3", "Market (ISO3)", "text"), Column("market", "Market", "text",
                                                            width=22)]
    for c in found:
        cite = "; ".join(p.cite() for p in c.sources) or "no data"
        cols.append(Column(c.id, criterion_header(c), value_format(c.unit),
                           note=f"{c.name}. Source: {cite}."))
        for name in c.details:
            money = "contribution" in name
            words = name.replace("_", " ").replace("ec ", "EC ")
            cols.append(Column(f"{c.id}_{name}", f"{c.id} {words}" + (" (EUR)" if money else ""),
                               "money" if money else "decimal"))
    about: list[tuple[str, Any]] = [("Home", home)]
    about += [("Source", f"{c.id}: {c.source or 'no data'}; reference period "
                         f"{c.year or 'n/a'}; {c.n_covered}/{c.n_candidates} markets")
              for c in found]
    meta = {"criteria": [{"id": c.id, "name": c.name, "unit": c.unit, "year": c.year,
                          "source": c.source, "covered": c.n_covered,
                          "candidates": c.n_candidates,
                          "provenance": [p.to_dict() for p in c.sources]} for c in found]}
    return Output(f"Criteria for home {home}", [("criteria", table, cols)], about, (), meta)


SURVEY_COLUMNS = (Column("market", "Market (ISO3)", "text"),
                  Column("name", "Market", "text", width=22),
                  Column("score", "Weighted Borda score (points)", "decimal",
                         note="Each association's Borda points times its weight, summed."),
                  Column("named_by", "Associations naming it", "int"),
                  Column("first_by", "Associations putting it first", "int"))
RESPONSE_COLUMNS = (Column("association", "Association", "text", width=30),
                    Column("weight", "Weight", "decimal"),
                    Column("sector", "Sector", "text", width=22),
                    Column("markets", "Markets named, in order", "text", width=40),
                    Column("comment", "Comment", "text", width=40),
                    Column("via", "Answered via", "text"),
                    Column("updated_at", "Last changed", "auto"))


def survey_output(res: Any) -> Output:
    """A survey round's results (`survey.RoundResults`): scores per market, every answer."""
    r = res.round
    rate = f"{res.response_rate:.0%}"
    about: list[tuple[str, Any]] = [
        ("Round", f"{r.round_id} '{r.title}'"), ("Closes", str(r.closes_on)),
        ("Markets each association may name (k)", r.max_markets),
        ("Response rate", f"{rate} ({res.answered} of {res.asked} associations answered)")]
    responses = res.responses.copy()
    if "updated_at" in responses:
        responses["updated_at"] = responses["updated_at"].astype(str)
    return Output(f"Survey round {r.round_id} results", [
        ("markets", res.table, SURVEY_COLUMNS), ("answers", responses, RESPONSE_COLUMNS)],
        about, (), {"round": r.round_id, "answered": res.answered, "asked": res.asked,
                    "response_rate": round(res.response_rate, 4)})
