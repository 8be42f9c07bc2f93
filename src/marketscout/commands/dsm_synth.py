"""`marketscout dsm synth`: a seeded synthetic world of trade in BACI's layout."""

from __future__ import annotations

from pathlib import Path

import typer

from marketscout.commands._common import console
from marketscout.commands.dsm import dsm_app


@dsm_app.command("synth")
def synth(
    out: Path = typer.Option(..., help="Folder to write to (new, empty, or an earlier world)."),
    countries: int = typer.Option(220, help="Countries (real BACI codes; LTU and the hubs "
                                  "NLD, BEL, SGP, HKG always included)."),
    products: int = typer.Option(5000, help="HS92 six-digit products (up to 5,021)."),
    years: int = typer.Option(6, help="Years, ending with --last-year."),
    last_year: int = typer.Option(2021, help="The latest year."),
    rows_per_year: int = typer.Option(8_000_000, help="Flows per year (about)."),
    seed: int = typer.Option(2026, help="Seed: the same seed writes the same bytes."),
) -> None:
    """Write a SYNTHETIC world of trade flows (BACI layout) for benchmarks and demos."""
    from marketscout.dsm.synthetic import NOTICE, WorldSpec, generate_world  # numpy, pyarrow

    spec = WorldSpec(countries=countries, products=products, years=years, last_year=last_year,
                     rows_per_year=rows_per_year, seed=seed)
    world = generate_world(spec, out)
    console.print(f"[bold red]{NOTICE}[/]", highlight=False)
    for year in sorted(world.trade_files):
        console.print(f"  {world.trade_files[year]}: {world.rows[year]:,} flows", highlight=False)
    console.print(f"  {world.macro_file}: GDP, GDP per capita, population, growth\n"
                  f"  {out / 'manifest.json'}: what was drawn, and the SYNTHETIC mark\n"
                  f"Done in {world.seconds:.1f} s. Try: marketscout dsm run --trade {out} "
                  f"--year {last_year} (every output is marked SYNTHETIC).", highlight=False)
