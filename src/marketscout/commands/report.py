"""`marketscout report`: the priority list as one self-contained HTML file (opens offline)."""

from __future__ import annotations

from pathlib import Path

import typer

from marketscout import countries, criteria, priority
from marketscout.cli import app
from marketscout.commands._common import console, user_store


@app.command("report")
def report(
    home: str = typer.Option("LTU", help="Home country (ISO3 or name)."),
    top: int = typer.Option(32, help="How many markets to select."),
    weights: str | None = typer.Option(None, help="Criterion weights: innovation=1,horizon=2."),
    runs: int = typer.Option(1000, help="Monte Carlo replications for rank intervals."),
    seed: int = typer.Option(20261121, help="Random seed (same seed, same result)."),
    year: int | None = typer.Option(None, help="Latest data year to use."),
    exclude: str = typer.Option("", help="Markets never to consider, e.g. RUS,BLR."),
    output: Path = typer.Option(Path("report.html"), help="The HTML file to write."),
) -> None:
    """Write the priority list, map, rank intervals and sources as one offline HTML file."""
    from marketscout.reports.html import render_report

    options = priority.Options(top=top, weights=priority.parse_weights(weights), runs=runs,
                               seed=seed)
    home_iso = countries.to_iso3(home, where="--home")
    with user_store() as store:
        found = criteria.compute_all(store, home_iso, year=year,
                                     exclude=[x for x in exclude.split(",") if x.strip()])
        plist = priority.build_priority_list(home_iso, found, options)
        document = render_report(store, plist)
    output.write_text(document, encoding="utf-8")
    console.print(f"Wrote {output}", highlight=False)
