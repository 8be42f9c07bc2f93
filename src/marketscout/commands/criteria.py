"""`marketscout criteria`: the candidate-by-criterion matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marketscout.cli import app
from marketscout.commands import _rank_options as opt
from marketscout.commands._common import (
    WITH_XLSX,
    Format,
    console,
    criteria_cache,
    emit,
    format_option,
    rich_table,
    to_json,
    user_store,
    write_table,
)


@app.command("criteria")
def show_criteria(
    home: opt.Home = "LTU",
    year: opt.Year = None,
    horizon_from: opt.HorizonFrom = None,
    exports_mean_years: opt.ExportsMeanYears = 1,
    edition: opt.Edition = None,
    min_coverage: opt.MinCoverage = None,
    fmt: Annotated[Format, format_option(*WITH_XLSX)] = Format.table,
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
) -> None:
    """Print each candidate market's value on each of the seven criteria, with sources."""
    from marketscout import countries, criteria, priority

    options = opt.build_options(year=year, horizon_from=horizon_from, edition=edition,
                                exports_mean_years=exports_mean_years,
                                min_coverage=min_coverage)
    with user_store() as store:
        found = priority.compute_criteria(store, home, options, cache=criteria_cache())
    frame = criteria.matrix(found, details=fmt is not Format.table)
    if fmt is Format.json:
        payload = {
            "home": countries.to_iso3(home),
            "criteria": [
                {"id": c.id, "name": c.name, "unit": c.unit, "direction": c.direction,
                 "year": c.year, "source": c.source, "coverage": round(c.coverage, 4)}
                for c in found
            ],
            "values": {
                iso3: {k: (None if v != v else v) for k, v in row.items()}
                for iso3, row in frame.to_dict("index").items()
            },
        }
        emit(to_json(payload), output)
    elif fmt in (Format.csv, Format.xlsx):
        from marketscout.reports import tables

        write_table(fmt, tables.criteria_output(countries.to_iso3(home), found, frame), output)
    else:
        shown = frame.dropna(how="all").reset_index()
        shown.insert(1, "market", shown["iso3"].map(countries.name))
        console.print(rich_table(shown, title=f"Criteria for home {home}"))
        for c in found:
            console.print(f"[bold]{c.id}[/]: {c.source} ({c.year or 'n/a'}), "
                          f"{c.n_covered}/{c.n_candidates} markets", highlight=False)
