"""The DSM engine: four filters as SQL in DuckDB over the trade files, for one home country or
for every exporter in one pass (METHODS.md §1; docs/dsm.md).

Only `Store.engine()` opens the connection: the engine runs on a private cursor of the store
(which also holds the World Bank, LPI, distance, risk, tariff and NTM tables it joins), or on an
in-memory Store when none is given. Trade rows stay in DuckDB; only results reach pandas.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from marketscout import countries
from marketscout.dsm.access import access_warnings, build_access
from marketscout.dsm.attractiveness import (
    Years,
    build_history,
    build_latest,
    build_pairs,
    plan_years,
)
from marketscout.dsm.available import trade_years as trade_years  # re-exported
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.connect import INPUT_TABLES as _INPUT_TABLES
from marketscout.dsm.connect import connection
from marketscout.dsm.position import (
    all_params,
    map_params,
    pair_params,
    pairs_sql,
    reo_sql,
    top_supply_sql,
)
from marketscout.dsm.results import cell_columns, fetch_single
from marketscout.dsm.screen import country_screen
from marketscout.dsm.sectors import product_names
from marketscout.dsm.spark import is_spark
from marketscout.dsm.trade import (
    TradeInfo,
    TradeSource,
    check_products,
    open_flows,
)
from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store

# The all-exporters detail keeps what differs by home; the product-market's own figures
# (growth, HHI, world share) are the same for every home: `run_dsm` for one home has them.
ALL_COLUMNS = ("r.cell, r.row_class, r.col_class, r.import_value, r.home_exports, "
               "r.relative_share, r.untapped_potential, r.access_class")


@dataclass(frozen=True)
class DSMResult:
    """One home country's realistic export opportunities (REOs), and why others were left out.

    `opportunities`: one row per (market, product) REO with cell, row_class, col_class,
    import_value, home_exports, untapped_potential (thousand USD) and the figures behind them.
    `markets`: one row per market in the trade data with filter 1's outcome, accessibility,
    number of opportunities, their import value, untapped potential and a cell histogram.
    `excluded`: every product-market of the screened markets left out, with filter and reason.
    `funnel`: markets and product-markets surviving each filter.
    """

    home: str
    year: int
    config: DSMConfig
    opportunities: pd.DataFrame
    markets: pd.DataFrame
    excluded: pd.DataFrame
    funnel: pd.DataFrame
    source: str
    sources: tuple[Provenance, ...] = ()
    warnings: tuple[str, ...] = ()
    synthetic: bool = False
    years: tuple[int, ...] = ()
    product_names: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def excluded_markets(self) -> pd.DataFrame:
        """Markets removed by filter 1, with the reason."""
        return self.markets.loc[~self.markets["passed_filter1"],
                                ["market", "filter1_reason"]].reset_index(drop=True)


@dataclass(frozen=True)
class DSMAllResult:
    """Every exporter's opportunities: a (home, market) summary, and the detail file if asked."""

    year: int
    config: DSMConfig
    summary: pd.DataFrame
    homes: int
    opportunities: int
    seconds: float
    source: str
    output: Path | None = None
    warnings: tuple[str, ...] = ()
    synthetic: bool = False
    sources: tuple[Provenance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Prepared:
    """What the first stages found: the trade data, the years compared, the warnings."""

    info: TradeInfo
    years: Years
    warnings: tuple[str, ...]


STAGES = ("reading the trade data", "filter 1: country screen", "filter 2: attractiveness",
          "filter 3: accessibility", "filter 4: the REO map", "collecting the results")
Progress = Callable[[str], None] | None


def _step(progress: Progress, stage: int) -> None:
    if progress is not None:
        progress(STAGES[stage])


def _prepare(con: duckdb.DuckDBPyConnection, trade: TradeSource, home: str | None, year: int,
             config: DSMConfig, progress: Progress = None) -> Prepared:
    """Flows, structure, filter 1 and filter 2 (shared by both modes)."""
    _step(progress, 0)
    info = open_flows(con, trade, year - config.long_term_years, year, home)
    years = plan_years(info.years, year, config)
    try:
        build_latest(con, years, config)
        check_products(con, info, "supply")
        _step(progress, 1)
        warnings = [*_trade_warnings(trade, info, _exporters(con), year, config),
                    *years.warnings, *country_screen(con, info.home_cid, year, config)]
        _step(progress, 2)
        build_history(con, years, config)
        check_products(con, info, "history")
    except duckdb.ConversionException as exc:  # e.g. a product code 'abc'
        raise InputError(f"The trade data cannot be read: {exc}",
                         where=info.relation.where if info.relation else trade.label,
                         fix="Product codes must be HS6 numbers.") from exc
    build_pairs(con, years, config)
    return Prepared(info, years, tuple(warnings))


def run_dsm(trade: TradeSource, home: str, year: int, config: DSMConfig | None = None,
            store: Store | None = None, engine: object = "duckdb",
            progress: Progress = None) -> DSMResult:
    """The four filters for one home country and year; `store` supplies filters 1 and 3.

    `engine`: "duckdb" (default), "spark" (the active SparkSession, else a new one) or a
    SparkSession; the same SQL runs on either, with the same results. `progress(stage)` is
    called as each stage (`STAGES`) starts."""
    config = config or DSMConfig()
    home = countries.to_iso3(home, where="home")
    with connection(store, engine) as (active, con):
        prep = run_single(con, trade, home, year, config, progress)
        home_cid = prep.info.home_cid
        assert home_cid is not None
        _step(progress, 5)
        frames = fetch_single(con, home_cid)
        names = product_names(active, _codes(frames))
        warnings = [*prep.warnings, *_home_warnings(con, home, home_cid, year)]
        sources = _sources(active, trade, prep.info)
    return DSMResult(home=home, year=year, config=config, source=trade.label,
                     sources=sources, warnings=tuple(warnings), synthetic=prep.info.synthetic,
                     years=prep.info.years, product_names=names, **frames)


def _codes(frames: dict[str, pd.DataFrame]) -> list[str]:
    codes = set(frames["opportunities"]["product"].astype(str))
    excluded = frames["excluded"]["product"]  # a categorical: its labels, not every row
    return sorted(codes | set(excluded.cat.categories.astype(str)))


def run_single(con: duckdb.DuckDBPyConnection, trade: TradeSource, home: str, year: int,
               config: DSMConfig, progress: Progress = None) -> Prepared:
    """Every filter for one home on `con`, up to the TEMP tables home_pairs, top_supply and
    reo (read by `fetch_single`, and by the robustness analysis)."""
    prep = _prepare(con, trade, home, year, config, progress)
    home_cid = prep.info.home_cid
    assert home_cid is not None
    _step(progress, 3)
    con.execute("CREATE OR REPLACE TEMP TABLE homes AS SELECT cid, iso3 FROM country "
                "WHERE cid = ?", [home_cid])
    build_access(con, year, config)
    prep = replace(prep, warnings=(*prep.warnings, *access_warnings(con, config)))
    con.execute(f"CREATE OR REPLACE TEMP TABLE home_pairs AS {pairs_sql(all_pairs=True)}",
                pair_params(config))
    _step(progress, 4)
    con.execute(top_supply_sql(all_pairs=True), {"n": config.top_suppliers})
    con.execute(f"CREATE OR REPLACE TEMP TABLE reo AS {reo_sql('SELECT * FROM home_pairs')}",
                map_params(config))
    return prep


def run_dsm_all(trade: TradeSource, year: int, config: DSMConfig | None = None,
                store: Store | None = None, output: Path | None = None,
                engine: object = "duckdb") -> DSMAllResult:
    """Every exporter of year t as home in one pass; the detail goes to `output` (Parquet:
    one file with DuckDB, a Parquet dataset folder with Spark)."""
    config = config or DSMConfig()
    start = time.perf_counter()
    with connection(store, engine) as (active, con):
        prep = _prepare(con, trade, None, year, config)
        con.execute("CREATE OR REPLACE TEMP TABLE homes AS SELECT DISTINCT c.cid, c.iso3 "
                    "FROM country c JOIN (SELECT DISTINCT supplier FROM supplier) s "
                    "ON s.supplier = c.cid")
        build_access(con, year, config)
        params = all_params(config)
        con.execute(top_supply_sql(all_pairs=False), {"n": config.top_suppliers})
        detail = (f"SELECT h.iso3 AS home, c.iso3 AS market, "
                  f"lpad(CAST(r.product AS VARCHAR), 6, '0') AS product, {ALL_COLUMNS} "
                  f"FROM ({reo_sql(pairs_sql(all_pairs=False))}) r "
                  f"JOIN country h ON h.cid = r.home JOIN country c ON c.cid = r.market")
        if output is not None and is_spark(con):
            con.write_parquet(detail, params, output)  # type: ignore[attr-defined]
            summary = _summary(con, "detail_output", {})
        elif output is not None:
            target = str(Path(output)).replace("'", "''")
            con.execute(f"COPY ({detail}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)",
                        params)
            summary = _summary(con, f"read_parquet('{target}')", {})
        else:
            summary = _summary(con, f"({detail})", params)
        n_homes = int(con.execute("SELECT count(*) FROM homes").fetchone()[0])  # type: ignore[index]
        sources = _sources(active, trade, prep.info)
    return DSMAllResult(year=year, config=config, summary=summary, homes=n_homes,
                        opportunities=int(summary["opportunities"].sum()),
                        seconds=time.perf_counter() - start, source=trade.label,
                        output=output, warnings=prep.warnings,
                        synthetic=prep.info.synthetic, sources=sources)


def _summary(con: duckdb.DuckDBPyConnection, relation: str,
             params: dict[str, object]) -> pd.DataFrame:
    """Per (home, market): opportunities, their import value, home exports, potential, cells."""
    _, inner = cell_columns()
    return con.execute(
        f"SELECT home, market, count(*) AS opportunities, sum(import_value) AS "
        f"opportunity_imports, sum(home_exports) AS home_exports, sum(untapped_potential) AS "
        f"untapped_potential, {inner} FROM {relation} GROUP BY home, market "
        f"ORDER BY home, untapped_potential DESC, market", params).df()


def _exporters(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(DISTINCT supplier) FROM supplier").fetchone()
    return int(row[0]) if row else 0


def _trade_warnings(trade: TradeSource, info: TradeInfo, exporters: int, year: int,
                    config: DSMConfig) -> list[str]:
    out = list(info.notes)
    partial = [p for p in (*trade.provenance, *info.provenance) if p.partial]
    if partial:
        shown = " ".join(p.note or p.source_id for p in partial)
        out.insert(0, f"The trade data is a partial sample: {shown} World imports, market "
                      "shares and concentration are understated; use complete BACI years for "
                      "real results.")
    elif exporters < config.min_exporters:
        out.insert(0, f"The trade data holds only {exporters} exporters in {year} (complete "
                      f"BACI years hold about 220): unless this is the whole world, world "
                      "imports, shares and concentration are understated.")
    if info.synthetic:  # always the first thing said
        out.insert(0, "SYNTHETIC DATA: these trade flows were generated, not observed; no "
                      "result describes a real market.")
    return out


def _home_warnings(con: duckdb.DuckDBPyConnection, home: str, home_cid: int,
                   year: int) -> list[str]:
    row = con.execute("SELECT count(*) FROM supplier WHERE supplier = ?", [home_cid]).fetchone()
    if row and row[0]:
        return []
    return [f"{home} exports nothing in the trade data for {year}: every opportunity is in the "
            "'small' column and its whole benchmark counts as untapped potential."]


def _sources(store: Store, trade: TradeSource, info: TradeInfo) -> tuple[Provenance, ...]:
    """Provenance of the trade data and of every store table the filters read."""
    ids: set[str] = set()
    for table in _INPUT_TABLES:
        ids |= set(store.query(f"SELECT DISTINCT source_id FROM {table}")["source_id"])
    used = [p for p in store.provenance() if p.source_id in ids]
    known = {p.source_id for p in used}
    extra = [p for p in (*trade.provenance, *info.provenance) if p.source_id not in known]
    if trade.store_table and not trade.provenance:
        loads = set(store.query("SELECT DISTINCT source_id FROM trade_flow")["source_id"])
        extra += [p for p in store.provenance() if p.source_id in loads]
    return tuple(extra + used)
