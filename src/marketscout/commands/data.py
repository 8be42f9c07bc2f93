"""`marketscout data ...`: what data feeds each criterion, and where it came from."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from marketscout import criteria
from marketscout.commands import data_app
from marketscout.commands._common import Format, console, emit, rich_table, to_json, user_store


@data_app.command("status")
def status(
    home: str = typer.Option("LTU", help="Home country (ISO3 or name)."),
    year: int | None = typer.Option(None, help="Latest year to use (default: latest in store)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json."),
) -> None:
    """For each criterion: source and year, coverage of candidate markets, provenance, gaps."""
    with user_store() as store:
        rows = criteria.status(criteria.compute_all(store, home, year=year))
    if fmt is Format.json:
        emit(to_json({"home": home, "criteria": rows}), None)
        return
    if fmt is Format.csv:
        import pandas as pd

        flat = pd.DataFrame(rows).drop(columns=["provenance"])
        emit(flat.to_csv(index=False), None)
        return
    table = Table(title=f"Data behind the seven criteria (home: {home})")
    for col in ("criterion", "source (year)", "coverage", "retrieved", "notes / how to get"):
        table.add_column(col)
    for r in rows:
        share = f"{r['covered']}/{r['candidates']} ({float(r['coverage']):.0%})"  # type: ignore[arg-type]
        advice = " ".join([*r["notes"], str(r["how_to_get"])]).strip()  # type: ignore[misc]
        label = "no data" if not r["covered"] else f"{r['source_ids']} ({r['year']})"
        label += " [partial]" if r["partial"] else ""
        dates = sorted({str(p["retrieved"]) for p in r["provenance"]})  # type: ignore[attr-defined]
        fresh = f"{dates[0]} ({age(dates[0])})" if dates else "-"
        table.add_row(str(r["criterion"]), label, share, fresh, advice)
    console.print(table)
    console.print("Details of every source: `marketscout data sources`.")


@data_app.command("sources")
def sources() -> None:
    """Every source in the store with its provenance (publisher, URL, edition, sha256)."""
    import pandas as pd

    with user_store() as store:
        records = [p.to_dict() for p in store.provenance()]
    frame = pd.DataFrame(records)[
        ["source_id", "publisher", "edition", "rows", "countries", "years", "partial", "retrieved"]
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
