"""`marketscout data ...`: what data feeds each criterion, and where it came from."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from marketscout.commands import data_app
from marketscout.commands._common import (
    Format,
    console,
    emit,
    format_option,
    rich_table,
    to_json,
    user_store,
)


@data_app.command("status")
def status(
    home: str = typer.Option("LTU", help="Home country (ISO3 or name)."),
    year: int | None = typer.Option(None, help="Latest year to use (default: latest in store)."),
    fmt: Annotated[Format, format_option()] = Format.table,
) -> None:
    """For each criterion: source and year, coverage of candidate markets, provenance, gaps."""
    with user_store() as store:
        from marketscout import criteria  # pandas: only when the command runs

        rows = criteria.status(criteria.compute_all(store, home, year=year))
    if fmt is Format.json:
        emit(to_json({"home": home, "criteria": rows}), None)
        return
    if fmt is Format.csv:
        import pandas as pd

        flat = pd.DataFrame(rows).drop(columns=["provenance"])
        emit(flat.to_csv(index=False), None)
        return
    show_status(rows, home)
    console.print("Details of every source: `marketscout data sources`.")


def show_status(rows: list[dict[str, object]], home: str) -> None:
    """The status table (nothing cut: cells fold), then each criterion's notes and how to
    get its data, the commands on lines of their own (never wrapped, so they copy whole)."""
    from rich.markup import escape

    from marketscout.commands.rank_view import COMMAND

    table = Table(title=f"Data behind the seven criteria (home: {home})", title_justify="left")
    for col in ("criterion", "source (year)", "coverage", "retrieved"):
        table.add_column(col, overflow="fold")
    for r in rows:
        share = f"{r['covered']}/{r['candidates']} ({float(r['coverage']):.0%})"  # type: ignore[arg-type]
        label = "no data" if not r["covered"] else f"{r['source_ids']} ({r['year']})"
        label += " [partial]" if r["partial"] else ""
        dates = sorted({str(p["retrieved"]) for p in r["provenance"]})  # type: ignore[attr-defined]
        fresh = f"{dates[0]} ({age(dates[0])})" if dates else "-"
        table.add_row(str(r["criterion"]), label, share, fresh)
    console.print(table)
    for r in rows:
        notes = [*r["notes"], str(r["how_to_get"] or "")]  # type: ignore[misc]
        text = " ".join(n for n in notes if n).strip()
        if not text:
            continue
        plain = COMMAND.sub(r"\1", text)
        console.print(f"[bold]{r['criterion']}[/]: {escape(plain)}", highlight=False)
        for command in COMMAND.findall(text):
            console.print(f"    {command}", highlight=False, soft_wrap=True, markup=False)


@data_app.command("sources")
def sources() -> None:
    """Every source in the store with its provenance (publisher, URL, edition, sha256)."""
    import pandas as pd

    with user_store() as store:
        records = [p.to_dict() for p in store.provenance()]
    frame = pd.DataFrame(records)[
        ["source_id", "publisher", "edition", "rows", "countries", "years", "partial",
         "complete", "retrieved"]
    ]
    frame["age"] = frame["retrieved"].map(age)
    console.print(rich_table(frame, title="Sources in the store"))
    console.print("Fetch current data with `marketscout data update SOURCE` (see --list).")


def age(retrieved: str, today: date | None = None) -> str:
    """How long ago a 'YYYY-MM-DD' retrieval date was: 'today', '12 days', '2.3 years'."""
    try:
        then = date.fromisoformat(str(retrieved)[:10])
    except ValueError:
        return "unknown"
    days = ((today or date.today()) - then).days
    if days <= 0:
        return "today"
    if days < 365:
        return f"{days} day{'s' if days > 1 else ''}"
    return f"{days / 365.25:.1f} years"


@data_app.command("remove")
def remove(source_id: str = typer.Argument(..., help="A source id from `data sources`.")) -> None:
    """Delete one source's rows and provenance (e.g. a wrong import), in one transaction."""
    with user_store() as store:
        store.remove(source_id)
    console.print(f"Removed {source_id}.", highlight=False)


@data_app.command("show")
def show(
    kind: str = typer.Argument(..., help="gii, imd, fdi, exports, survey, list, risk, tariff "
                               "or ntm."),
    home: str | None = typer.Option(None, help="Home country (fdi, exports): its rows only."),
    source: list[str] = typer.Option([], "--source", help="Only these source ids (see `data "
                                     "sources`); repeat for several."),
    fmt: Annotated[Format, format_option()] = Format.table,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """What the store holds for one kind, with its sources: check an import here.

    For risk: market (ISO3), classification (0-7, blank when not classified), status and
    edition. For gii: the overall score of every edition held.
    """
    from marketscout.sources.held import held

    with user_store(read_only=True) as store:
        found = held(store, kind.strip().lower(), home=home, source=source)
    sources = [p.to_dict() for p in found.sources]
    if fmt is Format.json:
        emit(to_json({"kind": found.kind, "home": home, "sources": sources,
                      "rows": found.rows.to_dict("records")}), output)
    elif fmt is Format.csv:
        _show_csv(found.rows, sources, output)
    else:
        title = f"{found.kind}: {len(found.rows):,} rows" + (f" (home {home})" if home else "")
        console.print(rich_table(found.brief(), title=title))
        for p in found.sources:
            flags = ", ".join(f for f, on in (("partial", p.partial), ("complete", p.complete))
                              if on)
            console.print(f"{p.source_id}: {p.cite()}; retrieved {p.retrieved}"
                          + (f" [{flags}]" if flags else ""), highlight=False, soft_wrap=True,
                          markup=False)
        if found.rows.empty:
            console.print(f"No {found.kind} data in the store. Import some with "
                          f"`marketscout data import {found.kind} FILE`.", highlight=False)


def _show_csv(rows: object, sources: list[dict[str, object]], output: Path | None) -> None:
    """A plain CSV (stdout or a file); a file gets the sources in its .meta.json sidecar."""
    from marketscout.reports.csvfile import csv_text, write_csv

    if output is None:
        emit(csv_text(rows, machine_headers=True), None)  # type: ignore[arg-type]
        return
    write_csv(output, rows, meta={"sources": sources}, machine_headers=True)  # type: ignore[arg-type]
    console.print(f"Wrote {output} and its sources to {output.name}.meta.json", highlight=False)
