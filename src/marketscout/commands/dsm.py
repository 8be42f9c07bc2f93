"""`marketscout dsm ...`: the Decision Support Model's realistic export opportunities.

`dsm_app` is the sub-app; other command modules may attach commands to it. The heavy
libraries (pandas, DuckDB, Spark) are imported inside the commands, never at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from marketscout.cli import app
from marketscout.commands._common import (
    WITH_XLSX,
    Format,
    console,
    emit,
    format_option,
    rich_table,
    to_json,
    user_store,
)

if TYPE_CHECKING:
    import pandas as pd

    from marketscout.dsm.config import DSMConfig
    from marketscout.dsm.engine import DSMResult
    from marketscout.dsm.sectors import SectorMap
    from marketscout.dsm.trade import TradeSource
    from marketscout.store import Store

dsm_app = typer.Typer(help="Realistic export opportunities in product-level trade data "
                           "(Decision Support Model).", no_args_is_help=True)
app.add_typer(dsm_app, name="dsm")
# Warnings and progress go to standard error, so they show whatever the output format.
err = Console(stderr=True)

HOME = typer.Option("LTU", help="Home (exporting) country, ISO3 or name.")
YEAR = typer.Option(None, min=1900, max=2100,
                    help="Latest trade year (default: the latest in the data).")
TRADE = typer.Option(None, "--trade", help="Trade files (BACI CSV/Parquet, folders, "
                     "year-partitioned Parquet datasets or globs); default: the store's trade "
                     "data. Repeat for several.")
CONFIG = typer.Option(None, "--config", help="DSM thresholds (TOML); default: the [dsm] "
                      "table of the data folder's config.toml, if any. See docs/dsm.md.")


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


ENGINE = typer.Option(Engine.duckdb, "--engine", help="duckdb (this machine) or spark (the "
                      "active or configured Spark session: spark-submit, a cluster's "
                      "spark-defaults.conf; needs marketscout[spark]). Same results.")
SECTORS = typer.Option(None, "--sectors", help="A sector mapping CSV (columns hs, sector; "
                       "hs = an HS code or range such as 8401-8487): roll-ups by sector.")




def check_output(output: Path | None) -> None:
    """Refuse an --output in a missing folder or onto a folder, before any work."""
    from marketscout.errors import InputError

    if output is None:
        return
    if output.is_dir():
        raise InputError(f"--output {output} is a folder.", where="--output",
                         fix="Give a file name, e.g. ltu_dsm.xlsx.")
    if not output.parent.is_dir():
        raise InputError(f"The folder of --output {output} does not exist.", where="--output",
                         fix=f"Create {output.parent} first, or pick another path.")


def _source(store: Store, trade: list[Path] | None) -> TradeSource:
    from marketscout.dsm.catalog import default_source
    from marketscout.dsm.trade import TradeSource

    return TradeSource.files(*trade) if trade else default_source(store)


def _checked_source(trade: list[Path] | None) -> None:
    """Trade files must exist (and be of one kind) before the store is opened."""
    if trade:
        from marketscout.dsm.relation import resolve_paths

        resolve_paths([str(p) for p in trade])


def _year(store: Store, source: TradeSource, year: int | None) -> int:
    from marketscout.dsm.available import latest_trade_year
    from marketscout.errors import DataNotAvailableError

    if year is not None:
        return year
    latest = latest_trade_year(source, store)  # DuckDB is enough, for either engine
    if latest is None:
        raise DataNotAvailableError(f"No trade data found in {source.label}.",
                                    fix="Pass --trade FILE or run `marketscout dsm import "
                                    "trade FILE`.")
    return latest


@contextmanager
def stage_progress(title: str) -> Iterator[Any]:
    """A Rich progress bar on standard error over the engine's stages."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from marketscout.dsm.engine import STAGES

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(title, total=len(STAGES))

        def step(stage: str) -> None:
            done = list(STAGES).index(stage)
            bar.update(task, completed=done, description=f"{title}: {stage}")

        yield step


def prepare(home: str, config: Path | None, trade: list[Path] | None,
            output: Path | None = None) -> tuple[str, DSMConfig]:
    """Every input checked before the heavy work: config, home, trade files, output."""
    from marketscout import countries
    from marketscout.dsm.config import load_config

    settings = load_config(config)
    iso = countries.to_iso3(home, where="--home")
    _checked_source(trade)
    check_output(output)
    return iso, settings


def run_result(home: str, year: int | None, trade: list[Path] | None, config: Path | None,
               engine: Engine = Engine.duckdb, output: Path | None = None) -> DSMResult:
    """Run the DSM on the user's store, with a progress bar."""
    from marketscout.dsm.engine import run_dsm

    iso, settings = prepare(home, config, trade, output)
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        chosen = _year(store, source, year)
        with stage_progress(f"DSM {iso} {chosen}") as step:
            return run_dsm(source, iso, chosen, settings, store, engine=engine.value,
                           progress=step)


def show_warnings(result: Any) -> None:
    """The run's headline and every warning, on standard error (shown for every format)."""
    mark = "[bold red]SYNTHETIC DATA[/] " if result.synthetic else ""
    err.print(f"{mark}DSM for [bold]{result.home}[/], {result.year}; trade data: "
              f"{escape(result.source)} (values in thousand USD)", highlight=False)
    for warning in result.warnings:
        err.print(f"[yellow]! {escape(warning)}[/]", highlight=False)


@dsm_app.command("run")
def run(
    home: str = HOME, year: int | None = YEAR, trade: list[Path] | None = TRADE,
    config: Path | None = CONFIG, engine: Engine = ENGINE,
    fmt: Annotated[Format, format_option(*WITH_XLSX, Format.parquet)] = Format.table,
    output: Path | None = typer.Option(None, help="Write to this file (needed for xlsx and "
                                       "parquet)."),
    top: int = typer.Option(20, min=1, max=10_000, help="Markets shown in the table."),
    sectors: Path | None = SECTORS,
    all_exporters: bool = typer.Option(False, "--all-exporters", help="Every exporter as home "
                                       "in one pass; the detail goes to --output (Parquet)."),
) -> None:
    """Find realistic export opportunities for the home country, market by market."""
    if all_exporters:
        _run_all(year, trade, config, output, engine)
        return
    if fmt in (Format.xlsx, Format.parquet) and output is None:
        raise typer.BadParameter(f"--format {fmt.value} needs --output FILE.")
    mapping = _sector_map(sectors)
    result = run_result(home, year, trade, config, engine, output)
    show_warnings(result)
    from marketscout.reports import dsm_export

    if fmt is Format.xlsx:
        assert output is not None
        dsm_export.to_xlsx(result, output, sectors=mapping)
        console.print(f"Wrote {output}")
    elif fmt is Format.parquet:
        assert output is not None
        written = dsm_export.to_parquet(result, output, sectors=mapping)
        console.print("Wrote " + ", ".join(str(p) for p in written))
    elif fmt is Format.json:
        emit(dsm_export.to_json(result, sectors=mapping), output)
    elif fmt is Format.csv:
        if output is None:
            emit(dsm_export.to_csv(result, sectors=mapping), None)
        else:
            dsm_export.write_csv(result, output, sectors=mapping)
            console.print(f"Wrote {output} (source, warnings and parameters in "
                          f"{output.name}.meta.json)", highlight=False)
    else:
        _show(result, top, mapping)


def _sector_map(path: Path | None) -> SectorMap | None:
    if path is None:
        return None
    from marketscout.dsm.sectors import read_sector_map

    return read_sector_map(path)


def _show(result: DSMResult, top: int, mapping: SectorMap | None) -> None:
    from marketscout.dsm.sectors import name_frame, rollup

    console.print(rich_table(result.funnel, title="Funnel"))
    shown = name_frame(result.markets.loc[result.markets["opportunities"] > 0].head(top), {})
    cols = {"market": "market", "market_name": "name", "opportunities": "REOs",
            "opportunity_imports": "imports", "home_exports": "home exports",
            "untapped_potential": "potential", "access_class": "access"}
    console.print(rich_table(shown[list(cols)].rename(columns=cols),
                             title=f"Top markets by untapped potential ({top})"))
    by = mapping if mapping is not None else "section"
    groups = rollup(result.opportunities, by)
    groups = groups[groups["market"] == "ALL"].drop(columns="market").head(10)
    console.print(rich_table(groups, title="All markets by " + (
        "sector" if mapping is not None else "HS section")))
    console.print("Per product: `marketscout dsm explain --market ISO3`; by sector: "
                  "`marketscout dsm sectors`; everything: --format xlsx --output FILE.xlsx.")


def _run_all(year: int | None, trade: list[Path] | None, config: Path | None,
             output: Path | None, engine: Engine) -> None:
    from marketscout.dsm.engine import run_dsm_all

    _, settings = prepare("LTU", config, trade, output)
    with user_store(read_only=True) as store:
        source = _source(store, trade)
        chosen = _year(store, source, year)
        with err.status(f"DSM, all exporters, {chosen} ..."):
            done = run_dsm_all(source, chosen, settings, store, output, engine=engine.value)
    mark = "SYNTHETIC DATA " if done.synthetic else ""
    err.print(f"{mark}All exporters, {done.year}; trade data: {escape(done.source)}",
              highlight=False)
    for warning in done.warnings:
        err.print(f"[yellow]! {escape(warning)}[/]", highlight=False)
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
    config: Path | None = CONFIG, engine: Engine = ENGINE,
    top: int = typer.Option(20, min=1, max=10_000, help="How many opportunities to show."),
    fmt: Annotated[Format, format_option()] = Format.table,
) -> None:
    """Why a market's products are (or are not) realistic opportunities for the home country."""
    from marketscout import countries
    from marketscout.dsm.explain import explain_market

    countries.to_iso3(market, where="--market")  # checked before the run
    result = run_result(home, year, trade, config, engine)
    with user_store(read_only=True) as store:
        found = explain_market(result, market, top=top, store=store)
    show_warnings(result)
    if fmt is Format.json:
        emit(to_json({"home": result.home, "year": result.year, "market": found.market,
                      "market_name": countries.name(found.market),
                      "synthetic": result.synthetic, "source": result.source,
                      "summary": found.summary, "warnings": list(result.warnings),
                      "opportunities": _plain(found.opportunities),
                      "excluded": _plain(found.excluded)}), None)
        return
    if fmt is Format.csv:
        emit(found.opportunities.to_csv(index=False), None)
        return
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
    config: Path | None = CONFIG, engine: Engine = ENGINE,
    fmt: Annotated[Format, format_option()] = Format.table,
) -> None:
    """How many markets and product-markets survive each of the four filters."""
    from marketscout.dsm.sectors import name_frame

    result = run_result(home, year, trade, config, engine)
    show_warnings(result)
    excluded = name_frame(result.excluded_markets, {})
    if fmt is Format.json:
        emit(to_json({"home": result.home, "year": result.year, "synthetic": result.synthetic,
                      "source": result.source, "warnings": list(result.warnings),
                      "funnel": _plain(result.funnel),
                      "excluded_markets": _plain(excluded)}), None)
        return
    if fmt is Format.csv:
        emit(result.funnel.to_csv(index=False), None)
        return
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
    year: int | None = typer.Option(None, min=1900, max=2100,
                                    help="Year for rows without one (risk, tariff, ntm)."),
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
        store.load(parsed.tables, parsed.provenance, original=file,
                   options={"parser": "dsm", "kind": kind.value, "year": year, "sheet": sheet})
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
