"""`marketscout rank`: the priority list (the main job)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path

import typer

from marketscout import countries, criteria, priority
from marketscout.cli import app
from marketscout.commands._common import console, emit, user_store
from marketscout.reports import export


class RankFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@app.command("rank")
def rank(
    home: str = typer.Option("LTU", help="Home country (ISO3 or name)."),
    top: int = typer.Option(32, help="How many markets to select."),
    weights: str | None = typer.Option(None, help="Criterion weights: innovation=1,horizon=2."),
    recipe: Path | None = typer.Option(None, help="Index recipe (TOML); see docs/index-engine.md."),
    runs: int = typer.Option(1000, help="Monte Carlo replications for rank intervals."),
    seed: int = typer.Option(20261121, help="Random seed (same seed, same result)."),
    year: int | None = typer.Option(None, help="Latest data year to use."),
    exclude: str = typer.Option("", help="Markets never to consider, e.g. RUS,BLR."),
    horizon_from: int | None = typer.Option(None, help="First project start year for horizon."),
    exports_mean_years: int = typer.Option(1, help="Average exports over this many years."),
    compare: Path | None = typer.Option(None, help="A previous or official list to compare with."),
    fmt: RankFormat = typer.Option(RankFormat.table, "--format", help="table, csv, json or xlsx."),
    output: Path | None = typer.Option(None, help="Write to this file (needed for xlsx)."),
) -> None:
    """Rank candidate markets on the seven criteria and select the priority list."""
    options = priority.Options(top=top, weights=priority.parse_weights(weights), runs=runs,
                               seed=seed)
    if recipe:
        from marketscout.index.recipe import recipe_from_toml

        options = replace(options, recipe=recipe_from_toml(recipe))
    home_iso = countries.to_iso3(home, where="--home")
    with user_store() as store:
        found = criteria.compute_all(store, home_iso, year=year,
                                     exclude=[x for x in exclude.split(",") if x.strip()],
                                     horizon_from=horizon_from,
                                     exports_mean_years=exports_mean_years)
    plist = priority.build_priority_list(home_iso, found, options)
    comparison = _compare(plist, compare) if compare else None
    if fmt is RankFormat.xlsx:
        if output is None:
            raise typer.BadParameter("--format xlsx needs --output FILE.xlsx")
        export.to_xlsx(plist, output, comparison)
        console.print(f"Wrote {output}")
    elif fmt is RankFormat.json:
        emit(export.to_json(plist, comparison), output)
    elif fmt is RankFormat.csv:
        emit(export.to_csv(plist, comparison), output)
    else:
        from marketscout.commands.rank_view import show

        show(plist, comparison)


def _compare(plist: priority.PriorityList, path: Path) -> dict[str, object]:
    from marketscout.sources.user import parse_list

    parsed = parse_list(path)
    markets = parsed.tables["priority_list"].sort_values("position")["market"].tolist()
    return priority.compare(plist, markets, name=path.name)
