"""Market structure in the latest year, import history, and filter 2 (METHODS.md §1.4).

TEMP tables written (all keyed by integer market id, HS6 product as an integer):

* `supplier` (market, product, supplier, v): year-t imports by supplier (rows of one flow
  summed);
* `supply` (market, product, m, ss, n_sup, s_top, s_top1, s_nth): imports, sum of squared
  supplier values (HHI = ss / m^2), number of suppliers, value of the top N and top N+1
  suppliers, and the N-th largest value (what a supplier needs to be among the top N; sums
  over the top N do not depend on how ties are broken);
* `history` (market, product, m_<year>...) for the years before t; `world` (product, w,
  w_<year>...);
* `pairs`: filter 2 for every product-market of a market that passed filter 1.

Grouping happens on the codes as stored (HS6 text in BACI Parquet); the cast to an integer
follows on the grouped rows, a tenth as many. The top-N sums use DuckDB's top-N aggregate
`max(v, n)` (in Spark SQL: `slice(sort_array(collect_list(v), false), 1, n)`), several times
cheaper than ranking every row with a window function.

Comparisons are written as ratios of sums (m / world >= share, not m >= share * world) so that
multiplying every trade value by one constant cannot change a classification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from marketscout.dsm.config import DSMConfig
from marketscout.errors import DataNotAvailableError, InputError

if TYPE_CHECKING:
    import duckdb

_SUPPLIER = """
CREATE OR REPLACE TEMP TABLE supplier AS
SELECT market, CAST(product AS INTEGER) AS product, supplier, v
FROM (SELECT importer AS market, product, exporter AS supplier, sum(value) AS v
      FROM flows WHERE year = $t GROUP BY ALL HAVING sum(value) > 0)
"""

_SUPPLY = """
CREATE OR REPLACE TEMP TABLE supply AS
SELECT market, product, m, ss, n_sup, list_sum(top[1:$n]) AS s_top, list_sum(top) AS s_top1,
       top[$n] AS s_nth
FROM (SELECT market, product, sum(v) AS m, sum(v * v) AS ss, count(*) AS n_sup,
             max(v, $n + 1) AS top
      FROM supplier GROUP BY ALL)
"""

# Imports of the years before t, one column per year (m_2016, ...): grouping by market and
# product only is several times faster than one row per year at BACI's scale.
_HISTORY = """
CREATE OR REPLACE TEMP TABLE history AS
SELECT market, CAST(product AS INTEGER) AS product, * EXCLUDE (market, product)
FROM (SELECT importer AS market, product, {columns}
      FROM flows WHERE year >= $base AND year < $t GROUP BY ALL)
"""

_WORLD = """
CREATE OR REPLACE TEMP TABLE world AS
SELECT s.product, s.w{hist_columns}
FROM (SELECT product, sum(m) AS w FROM supply GROUP BY product) s
LEFT JOIN (SELECT product, {sums} FROM history GROUP BY product) h ON h.product = s.product
"""

_PAIRS = """
CREATE OR REPLACE TEMP TABLE pairs AS
WITH g AS (
    SELECT s.*, w.w AS world, {m_prev} AS m_prev, {w_prev} AS world_prev,
           {y0} AS y0, {m0} AS m0, {w0} AS world0, $t - ({y0}) AS span
    FROM supply s
    JOIN f1 ON f1.cid = s.market AND f1.reason IS NULL
    JOIN world w ON w.product = s.product
    LEFT JOIN history h ON h.market = s.market AND h.product = s.product),
c AS (
    SELECT *, m / world AS world_share, ss / (m * m) AS hhi,
           m / m_prev - 1 AS st_growth, world / world_prev - 1 AS world_st_growth,
           CASE WHEN span >= $min_span THEN span END AS lt_span,
           CASE WHEN span >= $min_span THEN power(m / m0, 1.0 / span) - 1 END AS lt_growth,
           CASE WHEN span >= $min_span THEN power(world / world0, 1.0 / span) - 1 END
               AS world_lt_growth
    FROM g),
d AS (
    SELECT *, world_share >= $large AS large,
           CASE WHEN NOT $st_tested THEN FALSE
                WHEN m_prev IS NULL THEN $new_growing
                ELSE st_growth > world_st_growth + $st_margin END AS st,
           CASE WHEN NOT $lt_tested THEN FALSE
                WHEN lt_growth IS NULL THEN $new_growing
                ELSE lt_growth > world_lt_growth + $lt_margin END AS lt
    FROM c)
SELECT market, product, m, world, world_share, hhi, n_sup, s_top, s_top1, s_nth,
       st_growth, world_st_growth, lt_growth, world_lt_growth, lt_span, large, st, lt,
       CASE WHEN m < $min_value THEN NULL
            WHEN large AND st AND lt THEN 5
            WHEN large AND lt THEN 4
            WHEN large AND st THEN 3
            WHEN large THEN 1
            WHEN st AND lt THEN 2 END AS row_class,
       CASE WHEN m < $min_value THEN 'import_below_minimum'
            WHEN NOT large AND NOT (st AND lt) THEN 'not_large_not_growing' END AS f2_reason
FROM d
"""


@dataclass(frozen=True)
class Years:
    """Which years the growth tests compare, and what the user must be told about it."""

    year: int
    prev: int | None  # t-1 if present, else short-term growth is not tested
    base: int | None  # first year of the long-term window, else long-term growth not tested
    warnings: tuple[str, ...] = ()
    history: tuple[int, ...] = ()  # years present from base to t-1

    @property
    def compared(self) -> tuple[int, ...]:
        """Years whose imports feed the growth tests (the columns of `history`)."""
        return self.history


def plan_years(present: tuple[int, ...], year: int, config: DSMConfig) -> Years:
    """The comparison years given the years present; missing years are warned, or raise."""
    if year not in present:
        shown = ", ".join(map(str, present)) or "none"
        raise DataNotAvailableError(
            f"The trade data holds no flows for {year}.",
            where=f"years present in {year - config.long_term_years}-{year}: {shown}",
            fix="Pass --year with a year present, or add that year's trade file.")
    span = range(year - config.long_term_years, year)
    prev = year - 1 if year - 1 in present else None
    bases = [y for y in span if y in present and year - y >= config.long_term_min_span]
    base = bases[0] if bases else None
    warnings = []
    if prev is None:
        warnings.append(f"Filter 2: no trade data for {year - 1}, so short-term growth was not "
                        "tested (no market counts as growing short term).")
    if base is None:
        last = year - config.long_term_min_span
        warnings.append(f"Filter 2: no trade data for {span.start}-{last}, so long-term growth "
                        "was not tested (no market counts as growing long term).")
    elif base != span.start:
        warnings.append(f"Filter 2: no trade data for {span.start}; long-term growth runs from "
                        f"{base} ({year - base} years instead of {config.long_term_years}).")
    gaps = [y for y in range(base or year, year) if y not in present]
    if base is not None and gaps:
        warnings.append(f"Filter 2: years {', '.join(map(str, gaps))} are missing; a product "
                        "not imported in the base year starts its growth at the next year "
                        "present.")
    if (prev is None or base is None) and config.insufficient_years == "error":
        raise InputError(" ".join(warnings), where=f"trade years present: {present}",
                         fix="Add the missing years, or set filter2.insufficient_years = "
                         "\"size_only\" to rank on size alone.")
    if prev is None and base is None:
        warnings.append("Only the row 'large market' of the REO map can be reached.")
    history = tuple(y for y in present if (base or year) <= y < year)
    if base is None and prev is not None:
        history = (prev,)
    return Years(year, prev, base, tuple(warnings), history)


def build_structure(con: duckdb.DuckDBPyConnection, years: Years, config: DSMConfig) -> None:
    """TEMP tables supplier, supply, history (one column per year) and world."""
    t = years.year
    con.execute(_SUPPLIER, {"t": t})
    con.execute(_SUPPLY, {"n": config.top_suppliers})
    hist = years.compared
    columns = ", ".join(f"sum(value) FILTER (WHERE year = {y}) AS m_{y}" for y in hist)
    first = hist[0] if hist else t
    con.execute(_HISTORY.format(columns=columns or "NULL AS m_none"), {"base": first, "t": t})
    sums = ", ".join(f"sum(m_{y}) AS w_{y}" for y in hist) or "NULL AS w_none"
    world_cols = "".join(f", h.w_{y}" for y in hist)
    con.execute(_WORLD.format(hist_columns=world_cols, sums=sums))


def _case(years: Years, value: str) -> str:
    """The first history year with imports (or its value): the long-term base of a pair."""
    base = [y for y in years.compared if years.base is not None and y >= years.base]
    if not base:
        return "NULL"
    whens = " ".join(f"WHEN h.m_{y} > 0 THEN {value.format(y=y)}" for y in base)
    return f"CASE {whens} END"


def build_pairs(con: duckdb.DuckDBPyConnection, years: Years, config: DSMConfig) -> None:
    """TEMP table pairs: filter 2 over the markets that passed filter 1 (needs `f1`)."""
    prev = years.prev
    sql = _PAIRS.format(
        m_prev=f"h.m_{prev}" if prev is not None else "NULL",
        w_prev=f"w.w_{prev}" if prev is not None else "NULL",
        y0=_case(years, "{y}"), m0=_case(years, "h.m_{y}"), w0=_case(years, "w.w_{y}"))
    con.execute(sql, {
        "t": years.year,
        "st_tested": prev is not None,
        "lt_tested": years.base is not None,
        "min_span": config.long_term_min_span,
        "new_growing": config.zero_base == "new_market",
        "large": config.large_market_share,
        "st_margin": config.short_term_margin,
        "lt_margin": config.long_term_margin,
        "min_value": config.min_import_value,
    })
