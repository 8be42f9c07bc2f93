"""Filter 3a (concentration), the accessibility cut, and filter 4 (the REO map) per home.

One SQL text serves a single home and every exporter at once (home is a column), so both
modes give the same opportunities by construction.

Filter 3a [L]: HHI over the suppliers of the market (home included) above `hhi_max` excludes
the product-market, unless the home country's share is at least `dominant_share`.
Filter 4 [L]: R = home share / mean share of the N largest suppliers other than home
(N = top_suppliers, or fewer where fewer exist), binned by `position_cutoffs` into columns
1-4; cell = (row - 1) * 4 + column, 1-20 row-wise. Where home is the only supplier, R is
unbounded and the column is 'large'. Untapped potential [L]:
P = max(0, s* M - X) with s* M the mean value of those N suppliers (0 where there are none).
"""

from __future__ import annotations

from marketscout.dsm.config import DSMConfig

# Every (home, market, product) of the markets left after filter 1, with the first failing
# filter; `{pairs_filter}` narrows the rows (all-exporters mode skips filter 2's failures).
HOME_PAIRS = """
SELECT a.home, p.market, p.product, p.m AS import_value, p.world, p.world_share,
       p.st_growth, p.world_st_growth, p.lt_growth, p.world_lt_growth, p.lt_span,
       p.row_class, p.hhi, p.n_sup,
       coalesce(s.v, 0) AS home_exports, s.v IS NOT NULL AS home_supplies,
       a.access_class, a.access_index,
       CASE WHEN p.row_class IS NULL THEN p.f2_reason
            WHEN p.hhi > $hhi_max AND coalesce(s.v, 0) / p.m < $dominant THEN 'concentrated'
            WHEN a.access_class = 'red' AND $drop_red
                 AND NOT list_contains(CAST($red_keep AS INTEGER[]), p.row_class)
                 THEN 'red_market'
            WHEN a.access_class = 'unrated' AND $drop_unrated THEN 'unrated_market'
       END AS reason
FROM pairs p
JOIN access a ON a.market = p.market
LEFT JOIN {suppliers} s ON s.market = p.market AND s.product = p.product AND s.supplier = a.home
{pairs_filter}
"""

# The N+1 largest suppliers' values, ranked only for the product-markets in {survivors}
# (those that passed filters 2 and 3): s_top = sum of the top N, s_top1 = of the top N+1,
# s_nth = the N-th largest (what a supplier needs to be among the top N; the sums do not
# depend on how ties are broken). DuckDB's top-N aggregate `max(v, n)` (Spark SQL:
# `slice(sort_array(collect_list(v), false), 1, n)`) is several times cheaper than ranking
# rows with a window function, and ranking only the survivors skips most supplier rows.
TOP_SUPPLY = """
CREATE OR REPLACE TEMP TABLE top_supply AS
SELECT market, product, list_sum(top[1:$n]) AS s_top, list_sum(top) AS s_top1,
       top[$n] AS s_nth
FROM (SELECT s.market, s.product, max(s.v, $n + 1) AS top
      FROM supplier s SEMI JOIN ({survivors}) p ON p.market = s.market AND p.product = s.product
      GROUP BY ALL)
"""

# Filter 4 and the untapped potential on top of HOME_PAIRS rows that passed every filter.
MAP = """
WITH i AS (
    SELECT h.*, t.s_top, t.s_top1,
           home_supplies AND (n_sup <= $n OR home_exports >= t.s_nth) AS home_in_top
    FROM ({home_pairs}) h JOIN top_supply t ON t.market = h.market AND t.product = h.product
    WHERE h.reason IS NULL),
o AS (
    SELECT *,
           CASE WHEN home_in_top THEN least($n, n_sup - 1) ELSE least($n, n_sup) END AS n_top,
           CASE WHEN home_in_top THEN s_top1 - home_exports ELSE s_top END AS top_sum
    FROM i),
r AS (
    SELECT *, CASE WHEN n_top > 0 AND top_sum > 0
                   THEN home_exports * n_top / top_sum END AS relative_share
    FROM o)
SELECT home, market, product,
       (row_class - 1) * 4 + col_class AS cell, row_class, col_class,
       import_value, home_exports, home_exports / import_value AS home_share,
       relative_share, benchmark / import_value AS benchmark_share,
       greatest(0, coalesce(benchmark, 0) - home_exports) AS untapped_potential,
       world_share, st_growth, world_st_growth, lt_growth, world_lt_growth, lt_span, hhi,
       n_sup AS suppliers, access_class, access_index
FROM (SELECT *,
             CASE WHEN relative_share IS NULL THEN 4
                  WHEN relative_share < $c1 THEN 1
                  WHEN relative_share < $c2 THEN 2
                  WHEN relative_share < $c3 THEN 3
                  ELSE 4 END AS col_class,
             CASE WHEN n_top > 0 THEN top_sum / n_top END AS benchmark
      FROM r)
"""


# The columns of MAP after home, market and product (the opportunities' figures).
REO_COLUMNS = ("cell, row_class, col_class, import_value, home_exports, home_share, "
               "relative_share, benchmark_share, untapped_potential, world_share, st_growth, "
               "world_st_growth, lt_growth, world_lt_growth, lt_span, hhi, suppliers, "
               "access_class, access_index")

# The supplier rows looked up for one home: its own (a small hash table instead of every
# supplier row of the year). For all exporters every row may be needed: the table itself.
_HOME_ROWS = "(SELECT * FROM supplier WHERE supplier IN (SELECT cid FROM homes))"


def pairs_sql(*, all_pairs: bool) -> str:
    """HOME_PAIRS over every product-market (one home: the exclusions are kept) or only over
    filter 2's survivors (all exporters: the rest cannot become opportunities)."""
    if all_pairs:
        return HOME_PAIRS.format(pairs_filter="", suppliers=_HOME_ROWS)
    return HOME_PAIRS.format(pairs_filter="WHERE p.row_class IS NOT NULL",
                             suppliers="supplier")


def top_supply_sql(*, all_pairs: bool) -> str:
    """TOP_SUPPLY over one home's surviving product-markets (table home_pairs), or for all
    exporters over filter 2's survivors (filter 3 differs by home)."""
    survivors = ("SELECT market, product FROM home_pairs WHERE reason IS NULL" if all_pairs
                 else "SELECT market, product FROM pairs WHERE row_class IS NOT NULL")
    return TOP_SUPPLY.format(survivors=survivors)


def reo_sql(home_pairs: str) -> str:
    """The opportunities (cell, untapped potential) over a HOME_PAIRS query or table."""
    return MAP.format(home_pairs=home_pairs)


def pair_params(config: DSMConfig) -> dict[str, object]:
    """Parameters of HOME_PAIRS."""
    return {"hhi_max": config.hhi_max, "dominant": config.dominant_share,
            "drop_red": config.drop_red, "red_keep": list(config.red_keep_rows),
            "drop_unrated": config.unrated_markets == "drop"}


def map_params(config: DSMConfig) -> dict[str, object]:
    """Parameters of MAP alone, and of TOP_SUPPLY (DuckDB rejects unused named parameters)."""
    c1, c2, c3 = config.position_cutoffs
    return {"n": config.top_suppliers, "c1": c1, "c2": c2, "c3": c3}


def all_params(config: DSMConfig) -> dict[str, object]:
    """Parameters of MAP over HOME_PAIRS (both stages in one query)."""
    return pair_params(config) | map_params(config)
