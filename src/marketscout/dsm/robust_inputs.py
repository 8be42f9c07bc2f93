"""The aggregates a threshold-robustness analysis needs, computed once by the engine itself.

Most DSM thresholds only move class boundaries over the same aggregates (imports, world
shares, growth rates, HHI, relative shares, the macro figures, the accessibility variables).
So the engine runs ONCE with a permissive config (every market through filter 1, the lowest
minimum import value, share and growth margins of the ranges, no concentration or red-market
cut), and the product-markets that could be an opportunity under some draw are read with the
figures that decide their fate (`dsm.robustness` then classifies every draw in NumPy).
Thresholds that change the aggregates themselves (years, top suppliers, indicators) stay as
the user's config sets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from marketscout import countries
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.engine import connection, run_single
from marketscout.dsm.trade import TradeSource
from marketscout.store import Store

_PAIRS = """
SELECT c.iso3 AS market, lpad(CAST(r.product AS VARCHAR), 6, '0') AS product,
       r.import_value, r.world_share, r.st_growth, r.world_st_growth, r.lt_growth,
       r.world_lt_growth, r.hhi, r.home_exports, r.relative_share, r.untapped_potential
FROM reo r JOIN country c ON c.cid = r.market
ORDER BY market, product
"""

_MARKETS = """
SELECT f.iso3 AS market, f.gdp, f.gdp_pc, f.growth, f.growth_pc, f.risk_score,
       coalesce(k.worst_class, FALSE) AS worst_class,
       a.distance, a.lpi, a.tariff, a.ntm
FROM f1 f LEFT JOIN risk k ON k.iso3 = f.iso3
LEFT JOIN access_values a ON a.market = f.cid
WHERE f.reason IS DISTINCT FROM 'home_country'
ORDER BY market
"""


@dataclass(frozen=True)
class RobustInputs:
    """Per candidate product-market and per market, the figures the thresholds act on."""

    home: str
    year: int
    config: DSMConfig  # the user's config (the draws vary its thresholds)
    pairs: pd.DataFrame  # market, product, import_value, world_share, growth, hhi, ...
    markets: pd.DataFrame  # market, macro figures, risk, accessibility variables
    gdp_all: np.ndarray  # GDP of every country with data (the size percentiles' base)
    gdp_pc_all: np.ndarray
    world_growth: float
    world_growth_pc: float
    with_macro: bool
    with_risk: bool
    st_tested: bool
    lt_tested: bool
    warnings: tuple[str, ...]
    source: str
    synthetic: bool


def permissive(config: DSMConfig, low: Mapping[str, float]) -> DSMConfig:
    """The config whose opportunities include those of every draw: each threshold at the
    permissive end of its range, filter 1 and the concentration and red-market cuts off."""
    return replace(
        config, macro_rule="off", risk_exclude_worst=False, risk_min_score=0.0,
        risk_missing="keep", missing_macro="keep", hhi_max=1.0, drop_red=False,
        unrated_markets="keep",
        min_import_value=low.get("min_import_value", config.min_import_value),
        large_market_share=low.get("large_market_share", config.large_market_share),
        short_term_margin=low.get("short_term_margin", config.short_term_margin),
        long_term_margin=low.get("long_term_margin", config.long_term_margin))


def gather(trade: TradeSource, home: str, year: int, config: DSMConfig,
           low: Mapping[str, float], store: Store | None = None,
           engine: object = "duckdb") -> RobustInputs:
    """One permissive engine run, and the aggregates read from its tables."""
    home = countries.to_iso3(home, where="home")
    loose = permissive(config, low)
    with connection(store, engine) as (_, con):
        prep = run_single(con, trade, home, year, loose)
        pairs = con.execute(_PAIRS).df()
        markets = con.execute(_MARKETS).df()
        gdp = con.execute("SELECT gdp, gdp_pc FROM macro_size").df()
        bench = con.execute("SELECT world_growth, world_growth_pc FROM macro_bench").fetchone()
        with_macro = _count(con, "macro_raw") > 0
        with_risk = _count(con, "risk") > 0
    world = bench or (None, None)
    return RobustInputs(
        home=home, year=year, config=config, pairs=pairs, markets=markets,
        gdp_all=gdp["gdp"].dropna().to_numpy(float),
        gdp_pc_all=gdp["gdp_pc"].dropna().to_numpy(float),
        world_growth=_float(world[0]), world_growth_pc=_float(world[1]),
        with_macro=with_macro, with_risk=with_risk,
        st_tested=prep.years.prev is not None, lt_tested=prep.years.base is not None,
        warnings=prep.warnings, source=trade.label, synthetic=prep.info.synthetic)


def _count(con: object, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # type: ignore[attr-defined]
    return int(row[0]) if row else 0


def _float(value: object) -> float:
    return float(value) if value is not None else float("nan")  # type: ignore[arg-type]
