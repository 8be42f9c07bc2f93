"""`marketscout dsm ...`: the Decision Support Model's realistic export opportunities.

`dsm_app` is the sub-app; other command modules may attach commands to it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pandas as pd
import typer
from rich.markup import escape

from marketscout.cli import app
from marketscout.commands._common import console, emit, rich_table, to_json, user_store
from marketscout.dsm.catalog import default_source
from marketscout.dsm.config import load_config
from marketscout.dsm.engine import DSMResult, run_dsm, run_dsm_all, trade_years
from marketscout.dsm.explain import explain_market
from marketscout.dsm.trade import TradeSource
from marketscout.errors import DataNotAvailableError
from marketscout.store import Store

dsm_app = typer.Typer(help="Realistic export opportunities in product-level trade data "
                           "(Decision Support Model).", no_args_is_help=True)
app.add_typer(dsm_app, name="dsm")

HOME = typer.Option("LTU", help="Home (exporting) country, ISO3 or name.")
YEAR = typer.Option(None, help="Latest trade year (default: the latest in the data).")
TRADE = typer.Option(None, "--trade", help="Trade files (BACI CSV/Parquet, folders or globs); "
                     "default: the store's trade data. Repeat for several.")
CONFIG = typer.Option(None, "--config", help="DSM thresholds (TOML); see docs/dsm.md.")


class RunFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    parquet = "parquet"


class ShortFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _source(store: Store, trade: list[Path] | None) -> TradeSource:
    return TradeSource.files(*trade) if trade else default_source(store)


def _year(store: Store, source: TradeSource, year: int | None) -> int:
    if year is not None:
        return year
    years = trade_years(source, store)
    if not years:
        raise DataNotAvailableError(f"No trade data found in {source.label}.",
                                    fix="Pass --trade FILE or run `marketscout dsm import "
                                    "trade FILE`.")
    return max(years)


def _run(home: str, year: int | None, trade: list[Path] | None,
         config: Path | None) -> DSMResult:
    """Run the DSM on the user's store."""
    settings = load_config(config)
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        return run_dsm(source, home, _year(store, source, year), settings, store)


def _header(result: DSMResult) -> None:
    mark = "[bold red]SYNTHETIC DATA[/] " if result.synthetic else ""
    console.print(f"{mark}DSM for [bold]{result.home}[/], {result.year}; trade data: "
                  f"{escape(result.source)} (values in thousand USD)", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]! {escape(warning)}[/]", highlight=False)


@dsm_app.command("run")
def run(
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG,
    fmt: RunFormat = typer.Option(RunFormat.table, "--format",
                                  help="table, csv, json, xlsx or parquet."),
    output: Path | None = typer.Option(None, help="Write to this file (needed for xlsx and "
                                       "parquet)."),
    top: int = typer.Option(20, help="Markets shown in the table."),
    all_exporters: bool = typer.Option(False, "--all-exporters", help="Every exporter as home "
                                       "in one pass; the detail goes to --output (Parquet)."),
) -> None:
    """Find realistic export opportunities for the home country, market by market."""
    if all_exporters:
        _run_all(year, trade, config, output)
        return
    if fmt in (RunFormat.xlsx, RunFormat.parquet) and output is None:
        raise typer.BadParameter(f"--format {fmt.value} needs --output FILE.")
    result = _run(home, year, trade, config)
    from marketscout.reports import dsm_export

    if fmt is RunFormat.xlsx:
        assert output is not None
        dsm_export.to_xlsx(result, output)
        console.print(f"Wrote {output}")
    elif fmt is RunFormat.parquet:
        assert output is not None
        written = dsm_export.to_parquet(result, output)
        console.print("Wrote " + ", ".join(str(p) for p in written))
    elif fmt is RunFormat.json:
        emit(dsm_export.to_json(result), output)
    elif fmt is RunFormat.csv:
        emit(dsm_export.to_csv(result), output)
    else:
        _show(result, top)


def _show(result: DSMResult, top: int) -> None:
    _header(result)
    console.print(rich_table(result.funnel, title="Funnel"))
    shown = result.markets.loc[result.markets["opportunities"] > 0].head(top)
    cols = {"market": "market", "opportunities": "REOs", "opportunity_imports": "imports",
            "home_exports": "home exports", "untapped_potential": "potential",
            "access_class": "access"}
    console.print(rich_table(shown[list(cols)].rename(columns=cols),
                             title=f"Top markets by untapped potential ({top})"))
    console.print("Per product: `marketscout dsm explain --market ISO3`; everything: "
                  "--format xlsx --output FILE.xlsx.")


def _run_all(year: int | None, trade: list[Path] | None, config: Path | None,
             output: Path | None) -> None:
    settings = load_config(config)
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        done = run_dsm_all(source, _year(store, source, year), settings, store, output)
    mark = "SYNTHETIC DATA " if done.synthetic else ""
    console.print(f"{mark}All exporters, {done.year}; trade data: {escape(done.source)}",
                  highlight=False)
    for warning in done.warnings:
        console.print(f"[yellow]! {escape(warning)}[/]", highlight=False)
    rate = done.opportunities / done.seconds if done.seconds else 0.0
    console.print(f"{done.homes} homes, {done.opportunities:,} opportunities in "
                  f"{done.seconds:.1f} s ({done.homes / done.seconds:.1f} homes/s, "
                  f"{rate:,.0f} opportunities/s).", highlight=False)
    if output is not None:
        console.print(f"Wrote {output}")
    per_home = done.summary.groupby("home")[["opportunities", "untapped_potential"]].sum()
    console.print(rich_table(per_home.sort_values("untapped_potential", ascending=False)
                             .head(20).reset_index(), title="Top homes by untapped potential"))


@dsm_app.command("explain")
def explain(
    market: str = typer.Option(..., help="The market to explain (ISO3 or name)."),
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG,
    top: int = typer.Option(20, help="How many opportunities to show."),
    fmt: ShortFormat = typer.Option(ShortFormat.table, "--format", help="table, csv or json."),
) -> None:
    """Why a market's products are (or are not) realistic opportunities for the home country."""
    settings = load_config(config)
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        result = run_dsm(source, home, _year(store, source, year), settings, store)
        found = explain_market(result, market, top=top, store=store)
    if fmt is ShortFormat.json:
        emit(to_json({"home": result.home, "year": result.year, "market": found.market,
                      "synthetic": result.synthetic, "source": result.source,
                      "summary": found.summary, "warnings": list(result.warnings),
                      "opportunities": _plain(found.opportunities),
                      "excluded": _plain(found.excluded)}), None)
        return
    if fmt is ShortFormat.csv:
        emit(found.opportunities.to_csv(index=False), None)
        return
    _header(result)
    console.print(escape(found.summary), highlight=False)
    console.print(rich_table(found.opportunities, title=f"Top {top} opportunities in "
                             f"{found.market} by untapped potential"))
    if not found.excluded.empty:
        console.print(rich_table(found.excluded, title="Product-markets left out, by reason"))


def _plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    from marketscout.reports.dsm_export import records

    return records(frame)


@dsm_app.command("funnel")
def funnel(
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG,
    fmt: ShortFormat = typer.Option(ShortFormat.table, "--format", help="table, csv or json."),
) -> None:
    """How many markets and product-markets survive each of the four filters."""
    result = _run(home, year, trade, config)
    if fmt is ShortFormat.json:
        emit(to_json({"home": result.home, "year": result.year, "synthetic": result.synthetic,
                      "source": result.source, "warnings": list(result.warnings),
                      "funnel": _plain(result.funnel),
                      "excluded_markets": _plain(result.excluded_markets)}), None)
        return
    if fmt is ShortFormat.csv:
        emit(result.funnel.to_csv(index=False), None)
        return
    _header(result)
    console.print(rich_table(result.funnel, title="Funnel"))
    reasons = result.excluded_markets["filter1_reason"].value_counts()
    if not reasons.empty:
        console.print("Markets left out by filter 1: " + ", ".join(
            f"{n} {reason}" for reason, n in reasons.items()), highlight=False)


class ImportKind(StrEnum):
    trade = "trade"
    risk = "risk"
    tariff = "tariff"
    ntm = "ntm"


@dsm_app.command("import")
def import_file(
    kind: ImportKind = typer.Argument(..., help="trade (a BACI year CSV), risk, tariff or ntm."),
    file: Path = typer.Argument(..., help="The file (CSV, or .xlsx for risk, tariff, ntm)."),
    year: int | None = typer.Option(None, help="Year for rows without one (risk, tariff, ntm)."),
    sheet: str | None = typer.Option(None, help="Excel sheet (default: the first)."),
    out: Path | None = typer.Option(None, help="trade: where to write the Parquet file "
                                    "(default: the data folder's baci/ folder)."),
) -> None:
    """Import trade data (BACI CSV -> Parquet), risk ratings, tariffs or NTMs for the DSM."""
    if kind is ImportKind.trade:
        _import_trade(file, out)
        return
    from marketscout.sources import dsm_inputs

    parsed = dsm_inputs.parse(kind.value, file, year=year, sheet=sheet)
    with user_store() as store:
        store.load(parsed.tables, parsed.provenance)
    prov = parsed.provenance
    console.print(f"Imported {prov.rows} rows ({prov.countries} countries, years "
                  f"{prov.years or 'none'}) from {file.name} as [bold]{prov.source_id}[/].",
                  highlight=False)


def _import_trade(file: Path, out: Path | None) -> None:
    from marketscout.dsm.catalog import convert_baci_csv, register_trade
    from marketscout.settings import load_settings

    target = out or load_settings().home / "baci" / f"{file.name.split('.')[0]}.parquet"
    prov = convert_baci_csv(file, target)
    with user_store() as store:
        source_id = register_trade(store, target, prov)
    note = " [yellow](a partial sample: the dsm criterion will not use it)[/]" if prov.partial \
        else ""
    console.print(f"Wrote {prov.rows:,} flows ({prov.years}) to {target} as "
                  f"[bold]{source_id}[/]{note}.", highlight=False)

