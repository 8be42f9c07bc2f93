"""`marketscout dsm robustness` and `marketscout dsm sectors`: opportunities under threshold
uncertainty, and the opportunities rolled up by HS section, chapter or the user's sectors."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from marketscout.commands._common import (
    Format,
    console,
    emit,
    format_option,
    rich_table,
    to_json,
    user_store,
)
from marketscout.commands.dsm import (
    CONFIG,
    ENGINE,
    HOME,
    SECTORS,
    TRADE,
    YEAR,
    Engine,
    _source,
    _year,
    dsm_app,
    err,
    prepare,
    run_result,
    show_warnings,
)


class By(StrEnum):
    section = "section"
    chapter = "chapter"


def _ranges(texts: list[str] | None) -> dict[str, tuple[float, float]]:
    """--range NAME=LOW:HIGH, repeated."""
    from marketscout.errors import InputError

    out: dict[str, tuple[float, float]] = {}
    for text in texts or []:
        name, _, span = text.partition("=")
        low, _, high = span.partition(":")
        try:
            out[name.strip()] = (float(low), float(high))
        except ValueError as exc:
            raise InputError(f"Cannot read the range {text!r}.", where="--range",
                             fix="Write NAME=LOW:HIGH, e.g. hhi_max=0.3:0.5.") from exc
    return out


@dsm_app.command("robustness")
def robustness(
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG, engine: Engine = ENGINE,
    draws: int = typer.Option(1000, min=1, max=1_000_000, help="Threshold draws."),
    spread: float = typer.Option(0.2, min=0.0, max=0.99, help="Default range of every [L] "
                                 "threshold: its value x (1 ± spread)."),
    ranges: list[str] | None = typer.Option(None, "--range", help="NAME=LOW:HIGH for one "
                                            "threshold (repeat), e.g. hhi_max=0.3:0.5."),
    design: str = typer.Option("lhs", help="lhs (Latin hypercube) or random."),
    seed: int = typer.Option(2026, min=0, max=2**32 - 1, help="Seed of the draws."),
    top: int = typer.Option(20, min=1, max=10_000, help="Rows shown in the tables."),
    fmt: Annotated[Format, format_option()] = Format.table,
    output: Path | None = typer.Option(None, help="Write csv/json to this file."),
) -> None:
    """Which opportunities hold when the DSM's unverified [L] thresholds move (Monte Carlo)."""
    from marketscout.dsm.robustness import default_ranges, run_robustness
    from marketscout.reports.dsm_export import records

    iso, settings = prepare(home, config, trade, output)
    chosen_ranges = default_ranges(settings, spread, _ranges(ranges))  # checked before work
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        chosen = _year(store, source, year)
        with err.status(f"DSM robustness {iso} {chosen}: one engine run, then {draws} "
                        "draws ..."):
            result = run_robustness(source, iso, chosen, settings, store, draws=draws,
                                    ranges=chosen_ranges, spread=spread, seed=seed,
                                    design=design, engine=engine.value)
    show_warnings(result)
    from marketscout.dsm.sectors import name_frame

    pairs = name_frame(result.pairs, {})
    if fmt is Format.json:
        emit(to_json({"home": result.home, "year": result.year, "draws": len(result.draws),
                      "design": design, "seed": seed, "ranges": result.ranges,
                      "synthetic": result.synthetic, "source": result.source,
                      "warnings": list(result.warnings),
                      "markets": records(name_frame(result.markets, {})),
                      "opportunities": records(pairs),
                      "sensitivity": records(result.sensitivity)}), output)
        return
    if fmt is Format.csv:
        emit(pairs.to_csv(index=False), output)
        return
    console.print(f"{len(result.draws)} draws in {result.seconds:.2f} s "
                  f"({result.runs_per_second:,.0f} runs/s after one engine run).",
                  highlight=False)
    console.print(rich_table(result.sensitivity, title="Which thresholds matter most"))
    shown = name_frame(result.markets, {}).head(top)
    console.print(rich_table(shown.iloc[:, :9], title="Markets: opportunities and potential "
                             "(thousand USD) over the draws"))
    console.print(rich_table(pairs.head(top), title="Most robust opportunities"))


@dsm_app.command("sectors")
def sectors(
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG, engine: Engine = ENGINE,
    by: By = typer.Option(By.section, help="section or chapter (ignored with --sectors)."),
    mapping: Path | None = SECTORS,
    market: str | None = typer.Option(None, help="Only this market (default: the whole list "
                                      "and every market)."),
    fmt: Annotated[Format, format_option()] = Format.table,
) -> None:
    """The opportunities rolled up by HS section, chapter or your sector mapping."""
    from marketscout import countries
    from marketscout.dsm.sectors import name_frame, read_sector_map, rollup
    from marketscout.reports.dsm_export import records

    grouping = read_sector_map(mapping) if mapping is not None else by.value
    wanted = countries.to_iso3(market, where="--market") if market else None
    result = run_result(home, year, trade, config, engine)
    show_warnings(result)
    table = name_frame(rollup(result.opportunities, grouping), {})
    if wanted:
        table = table[table["market"] == wanted]
    if fmt is Format.json:
        emit(to_json({"home": result.home, "year": result.year, "source": result.source,
                      "synthetic": result.synthetic, "rows": records(table)}), None)
    elif fmt is Format.csv:
        emit(table.to_csv(index=False), None)
    else:
        console.print(rich_table(table, title="Opportunities by " + (
            "sector" if mapping is not None else f"HS {by.value}") + " (thousand USD)"))
