"""`marketscout report`: the priority list as one self-contained HTML file (opens offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marketscout.cli import app
from marketscout.commands import _rank_options as opt
from marketscout.commands._common import criteria_cache, user_store


@app.command("report")
def report(
    home: opt.Home = "LTU",
    top: opt.Top = None,
    weights: opt.Weights = None,
    recipe: opt.Recipe = None,
    runs: opt.Runs = None,
    seed: opt.Seed = None,
    year: opt.Year = None,
    min_coverage: opt.MinCoverage = None,
    include: opt.Include = None,
    exclude: opt.Exclude = None,
    overrides: opt.Overrides = None,
    edition: opt.Edition = None,
    horizon_from: opt.HorizonFrom = None,
    exports_mean_years: opt.ExportsMeanYears = 1,
    output: Annotated[Path, typer.Option(help="The HTML file to write.")] = Path("report.html"),
) -> None:
    """Write the priority list, map, rank intervals and sources as one offline HTML file."""
    from marketscout import countries, priority
    from marketscout.commands.rank_view import show_summary
    from marketscout.reports.files import check_output
    from marketscout.reports.html import render_report

    options = opt.build_options(
        top=top, weights=weights, recipe=recipe, runs=runs, seed=seed, year=year,
        min_coverage=min_coverage, include=include, exclude=exclude, overrides=overrides,
        edition=edition, horizon_from=horizon_from, exports_mean_years=exports_mean_years)
    home_iso = countries.to_iso3(home, where="--home")
    check_output(output)
    with user_store() as store:
        plist = priority.rank(store, home_iso, options, cache=criteria_cache())
        document = render_report(store, plist)
    output.write_text(document, encoding="utf-8")
    show_summary(plist, output)
