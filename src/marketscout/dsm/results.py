"""Reading the engine's TEMP tables into the result frames: opportunities, markets, excluded
product-markets and the funnel. Codes become ISO3 and 6-character HS6 text only here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from marketscout.dsm.config import DSMConfig
from marketscout.dsm.position import REO_COLUMNS

if TYPE_CHECKING:
    import duckdb

# Why a country or a product-market left the funnel, by reason code.
REASONS = {
    "home_country": (1, "the home country itself"),
    "risk_worst_class": (1, "a risk rating in the worst class"),
    "risk_score_low": (1, "mean transformed risk score below filter1.risk_min_score"),
    "no_risk_rating": (1, "no risk rating imported for this market"),
    "no_macro_data": (1, "no GDP or growth data (filter1.missing_macro = exclude)"),
    "macro_small_and_slow": (1, "GDP and GDP per capita below the size thresholds and growth "
                                "below the world's"),
    "macro_too_small": (1, "GDP and GDP per capita below the size thresholds"),
    "macro_too_slow": (1, "GDP and GDP per capita growth below the world's"),
    "import_below_minimum": (2, "imports below filter2.min_import_value"),
    "not_large_not_growing": (2, "neither a large market nor growing both short and long term"),
    "concentrated": (3, "supplier HHI above filter3.hhi_max and the home country is not a "
                        "dominant supplier"),
    "red_market": (3, "the market is in the red (least accessible) class"),
    "unrated_market": (3, "no accessibility variable for this market "
                          "(filter3.unrated_markets = drop)"),
}
_FILTER_OF = {"concentrated": "3a", "red_market": "3b", "unrated_market": "3b"}
CELLS = tuple(range(1, 21))

_OPPORTUNITIES = f"""
SELECT c.iso3 AS market, lpad(CAST(r.product AS VARCHAR), 6, '0') AS product,
       {", ".join("r." + name for name in REO_COLUMNS.split(", "))}
FROM reo r JOIN country c ON c.cid = r.market
ORDER BY r.untapped_potential DESC, market, product
"""

# Market and product stay integer codes here; `_labelled` names them once per distinct code.
_EXCLUDED = """
SELECT h.market, h.product, h.reason,
       h.import_value, h.world_share, h.st_growth, h.world_st_growth, h.lt_growth,
       h.world_lt_growth, h.hhi, h.home_exports, h.access_class
FROM home_pairs h JOIN country c ON c.cid = h.market
WHERE h.reason IS NOT NULL
ORDER BY c.iso3, h.product
"""

_MARKETS = """
SELECT c.iso3 AS market, f.reason IS NULL AS passed_filter1, f.reason AS filter1_reason,
       f.flag AS filter1_note, f.gdp, f.gdp_pc AS gdp_per_capita, f.growth,
       f.growth_pc AS growth_per_capita, f.risk_score, f.ratings AS risk_ratings,
       a.access_class, a.access_index, a.access_variables, a.distance, a.lpi, a.lpi_year,
       a.tariff, a.ntm,
       coalesce(o.n, 0) AS opportunities, coalesce(o.value, 0) AS opportunity_imports,
       coalesce(o.exports, 0) AS home_exports, coalesce(o.potential, 0) AS untapped_potential,
       {cells}
FROM f1 f JOIN country c ON c.cid = f.cid
LEFT JOIN access a ON a.market = f.cid
LEFT JOIN (SELECT market, count(*) AS n, sum(import_value) AS value,
                  sum(home_exports) AS exports, sum(untapped_potential) AS potential,
                  {counts}
           FROM reo GROUP BY market) o ON o.market = f.cid
WHERE f.reason IS DISTINCT FROM 'home_country'
ORDER BY untapped_potential DESC, market
"""

_FUNNEL = """
WITH p AS (SELECT market, reason FROM home_pairs),
stages AS (
    SELECT 'trade data' AS stage, 0 AS step,
           (SELECT count(*) FROM f1 WHERE cid <> $home) AS markets,
           (SELECT count(*) FROM supply WHERE market <> $home) AS pairs
    UNION ALL
    SELECT 'filter 1: country screen', 1, (SELECT count(*) FROM f1 WHERE reason IS NULL),
           (SELECT count(*) FROM p)
    UNION ALL
    SELECT 'filter 2: attractiveness', 2,
           count(DISTINCT market) FILTER (WHERE reason IS NULL OR reason IN
               ('concentrated', 'red_market', 'unrated_market')),
           count(*) FILTER (WHERE reason IS NULL OR reason IN
               ('concentrated', 'red_market', 'unrated_market')) FROM p
    UNION ALL
    SELECT 'filter 3a: concentration', 3,
           count(DISTINCT market) FILTER (WHERE reason IS NULL OR reason IN
               ('red_market', 'unrated_market')),
           count(*) FILTER (WHERE reason IS NULL OR reason IN ('red_market', 'unrated_market'))
    FROM p
    UNION ALL
    SELECT 'filter 3b: accessibility', 4, count(DISTINCT market) FILTER (WHERE reason IS NULL),
           count(*) FILTER (WHERE reason IS NULL) FROM p
    UNION ALL
    SELECT 'filter 4: REO map (opportunities)', 5, count(DISTINCT market), count(*) FROM reo)
SELECT stage, markets, pairs AS product_markets FROM stages ORDER BY step
"""


def cell_columns(prefix: str = "") -> tuple[str, str]:
    """SQL for the 20 cell-count columns: (outer select list, inner aggregates)."""
    outer = ", ".join(f"coalesce(o.cell_{c}, 0) AS cell_{c}" for c in CELLS)
    inner = ", ".join(f"count(*) FILTER (WHERE {prefix}cell = {c}) AS cell_{c}" for c in CELLS)
    return outer, inner


def fetch_single(con: duckdb.DuckDBPyConnection, home_cid: int) -> dict[str, pd.DataFrame]:
    """The four frames of one home's run (needs reo, home_pairs, f1, access, country)."""
    outer, inner = cell_columns()
    excluded = _categorical(con.sql(_EXCLUDED).to_arrow_table(), ("reason", "access_class"))
    iso = dict(con.execute("SELECT cid, iso3 FROM country").fetchall())
    excluded["market"] = _labelled(excluded["market"].to_numpy(), iso.__getitem__)
    excluded["product"] = _labelled(excluded["product"].to_numpy(), "{:06d}".format)
    step = {r: _FILTER_OF.get(r, "2") for r in excluded["reason"].cat.categories}
    excluded.insert(2, "filter", excluded["reason"].map(step).astype("category"))
    return {
        "opportunities": con.execute(_OPPORTUNITIES).df(),
        "markets": con.execute(_MARKETS.format(cells=outer, counts=inner)).df(),
        "excluded": excluded,
        "funnel": con.execute(_FUNNEL, {"home": home_cid}).df(),
    }


def _categorical(table: pa.Table, columns: tuple[str, ...]) -> pd.DataFrame:
    """Text columns as pandas categoricals, encoded in Arrow (no Python string per row: the
    exclusion list of a full BACI year has about a million rows)."""
    for name in columns:
        position = table.schema.get_field_index(name)
        table = table.set_column(position, name, pc.dictionary_encode(table.column(name)))
    return table.to_pandas()


def _labelled(codes: np.ndarray, label: Callable[[int], str]) -> pd.Categorical:
    """Integer codes as a categorical of their labels, labelling each distinct code once."""
    distinct = np.unique(codes)
    categories = pd.Index([label(int(c)) for c in distinct])
    positions = np.searchsorted(distinct, codes)
    # pandas-stubs declare Sequence[int] for codes; pandas takes (and wants) an array.
    return pd.Categorical.from_codes(positions, categories=categories)  # type: ignore[arg-type]


def describe_reason(code: str | None) -> str:
    """A reason code in words, with the filter that applied it."""
    if not code:
        return ""
    step, text = REASONS.get(code, (0, code))
    return f"filter {_FILTER_OF.get(code, step)}: {text}"


def config_rows(config: DSMConfig) -> pd.DataFrame:
    """The run's parameters as rows (section, key, value), for workbooks and JSON."""
    rows = [{"section": s, "key": k, "value": str(v)}
            for s, table in config.as_dict().items() for k, v in table.items()]
    return pd.DataFrame(rows)
