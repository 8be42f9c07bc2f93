"""The options of the main job, declared once for every command that builds the list
(`rank`, `report`, `criteria`), and turned into `priority.Options` in one place."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from marketscout.priority.options import (
    DEFAULTS,
    MAX_RUNS,
    Options,
    options_from_toml,
    parse_editions,
    parse_overrides,
    parse_weights,
    read_overrides,
)

Home = Annotated[str, typer.Option(help="Home country (ISO3 or name).")]
Top = Annotated[int | None, typer.Option(
    help=f"How many markets the list holds. [default: {DEFAULTS.top}]")]
Weights = Annotated[str | None, typer.Option(
    help="Criterion weights, e.g. innovation=2,horizon=1 (default 1 each; 0 leaves one out).")]
Recipe = Annotated[Path | None, typer.Option(
    help="Index recipe (TOML) with an optional [selection] table; docs/index-engine.md.")]
Runs = Annotated[int | None, typer.Option(
    help=f"Monte Carlo runs for rank intervals, 1-{MAX_RUNS:,}. [default: {DEFAULTS.runs}]")]
Seed = Annotated[int | None, typer.Option(
    help=f"Random seed: the same seed gives the same list. [default: {DEFAULTS.seed}]")]
Year = Annotated[int | None, typer.Option(help="Latest data year to use (default: the latest).")]
MinCoverage = Annotated[float | None, typer.Option(
    help="Share of candidates a criterion must cover to be used, 0-1. "
    f"[default: {DEFAULTS.min_coverage}]")]
Include = Annotated[str | None, typer.Option(
    help='Put markets on the list whatever the data say: TWN="reason",... (shown as overrides).')]
Exclude = Annotated[str | None, typer.Option(
    help='Keep markets off the list: RUS="sanctions",BLR="sanctions" (shown as overrides).')]
Overrides = Annotated[Path | None, typer.Option(
    help="A CSV of overrides: market, action (include/exclude), reason.")]
Edition = Annotated[str | None, typer.Option(
    help="Pin a criterion to one edition, e.g. innovation=2019 (default: chosen by rule).")]
HorizonFrom = Annotated[int | None, typer.Option(
    help="First project start year counted by horizon.")]
ExportsMeanYears = Annotated[int, typer.Option(help="Average exports over this many years.")]


def build_options(
    *, top: int | None = None, weights: str | None = None, recipe: Path | None = None,
    runs: int | None = None, seed: int | None = None, year: int | None = None,
    min_coverage: float | None = None, include: str | None = None,
    exclude: str | None = None, overrides: Path | None = None, edition: str | None = None,
    horizon_from: int | None = None, exports_mean_years: int = DEFAULTS.exports_mean_years,
) -> Options:
    """`priority.Options` from the command-line words, every check done before any work.

    Options left out keep the recipe file's [selection] value, else the default."""
    base = options_from_toml(recipe) if recipe else DEFAULTS
    chosen = parse_overrides(include, exclude) + (read_overrides(overrides) if overrides else ())
    given: dict[str, Any] = {k: v for k, v in {"top": top, "runs": runs, "seed": seed,
                                               "min_coverage": min_coverage}.items()
                             if v is not None}
    return replace(
        base, weights=parse_weights(weights), year=year, overrides=chosen,
        editions=parse_editions(edition), horizon_from=horizon_from,
        exports_mean_years=exports_mean_years, **given,
    )
