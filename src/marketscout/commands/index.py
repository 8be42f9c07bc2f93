"""`marketscout index build`: any COINr-style composite index from two CSV tables and a recipe."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from marketscout.commands import index_app


@index_app.command("build")
def build(
    data: Path = typer.Option(..., "--data", help="iData CSV: uCode, [uName], indicators."),
    meta: Path = typer.Option(..., "--meta", help="iMeta CSV: Level, iCode, iName, Direction, "
                                                  "Weight, Parent, Type."),
    recipe: Path | None = typer.Option(None, "--recipe", help="Recipe TOML (COINr defaults "
                                                              "when left out)."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Results CSV (default: standard output)."),
) -> None:
    """Build the index and write the results table: uCode, Rank, Index, aggregates, indicators."""
    from marketscout.index.build import build_index  # pandas: only when the command runs
    from marketscout.index.load import load_framework, load_idata
    from marketscout.index.recipe import Recipe, recipe_from_toml

    framework = load_framework(meta)
    result = build_index(load_idata(data, framework), framework,
                         recipe_from_toml(recipe) if recipe else Recipe())
    for note in result.warnings:
        typer.echo(f"Warning: {note}", err=True)
    if output is None:
        result.results.to_csv(sys.stdout, index=False)
    else:
        result.results.to_csv(output, index=False)
        typer.echo(f"Wrote {len(result.results)} units to {output}", err=True)
