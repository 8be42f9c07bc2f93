"""Market structure in the latest year, import history, and filter 2 (METHODS.md §1.4).

TEMP tables written (all keyed by integer market id, HS6 product as an integer):

* `supplier` (market, product, supplier, v): year-t imports by supplier (rows of one flow
  summed);
* `supply` (market, product, m, ss, n_sup): imports, sum of squared supplier values
  (HHI = ss / m^2) and number of suppliers (the top suppliers of filter 4 are ranked only
  for the product-markets that pass filters 2 and 3: `position.top_supply`);
* `history` (market, product, m_<year>...): imports in the base year t-5 and in t-1;
* `late` (market, product, m_<year>...): imports in the years between, only for the
  product-markets that may need them: imported at t above the minimum, in a market left after
  filter 1, with nothing in the base year (the zero-base fallback of filter 2);
* `world` (product, w, w_<year>...): world imports (every importer) by year;
* `pairs`: filter 2 for every product-market of a market that passed filter 1.

Grouping every product-market over the five earlier years is the engine's largest cost;
reading the middle years only for the few zero-base product-markets cuts it by about half.

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
SELECT importer AS market, CAST(product AS INTEGER) AS product, exporter AS supplier,
       sum(value) AS v
FROM flows WHERE year = $t GROUP BY ALL HAVING sum(value) > 0
"""

_SUPPLY = """
CREATE OR REPLACE TEMP TABLE supply AS
SELECT market, product, sum(v) AS m, sum(v * v) AS ss, count(*) AS n_sup
FROM supplier GROUP BY ALL
"""

# One row per market and product with a column per year (m_2016, ...): several times faster
# than one row per year at BACI's scale. Grouped by the product code as stored, then cast:
# one cast per market and product instead of one per row (about 0.15 s of 1.6 at 40 million
# rows); the outer sum merges codes that are one product written two ways (010110, 10110).
_HISTORY = """
CREATE OR REPLACE TEMP TABLE history AS
SELECT market, CAST(product AS INTEGER) AS product, {totals}
FROM (SELECT importer AS market, product, {columns}
      FROM flows WHERE year IN ({years}) GROUP BY ALL)
GROUP BY ALL
"""

_LATE_PAIRS = """
CREATE OR REPLACE TEMP TABLE late_pairs AS
SELECT s.market, s.product FROM supply s
JOIN f1 ON f1.cid = s.market AND f1.reason IS NULL
LEFT JOIN history h ON h.market = s.market AND h.product = s.product
WHERE s.m >= $min_value AND coalesce(h.m_{base}, 0) <= 0
"""

# The middle years' rows of the products concerned, read once for `late` and `late_world`.
# They are picked by the product code as stored (`late_codes`: the distinct stored codes that
# are those products), which spares casting every row's code (half of this step's time).
_LATE_CODES = """
CREATE OR REPLACE TEMP TABLE late_codes AS
SELECT code FROM (SELECT DISTINCT product AS code FROM flows WHERE year IN ({years}))
WHERE CAST(code AS INTEGER) IN (SELECT product FROM late_pairs)
"""

_LATE_ROWS = """
CREATE OR REPLACE TEMP TABLE late_rows AS
SELECT importer AS market, CAST(product AS INTEGER) AS product, year, value
FROM flows
WHERE year IN ({years}) AND product IN (SELECT code FROM late_codes)
"""

_LATE = """
CREATE OR REPLACE TEMP TABLE late AS
SELECT r.market, r.product, {columns}
FROM late_rows r SEMI JOIN late_pairs p ON p.market = r.market AND p.product = r.product
GROUP BY ALL
"""

_LATE_WORLD = """
CREATE OR REPLACE TEMP TABLE late_world AS
SELECT product, {columns} FROM late_rows GROUP BY ALL
"""

_WORLD = """
CREATE OR REPLACE TEMP TABLE world AS
SELECT s.product, s.w{main}{middle}
FROM (SELECT product, sum(m) AS w FROM supply GROUP BY product) s
LEFT JOIN (SELECT product, {sums} FROM history GROUP BY product) h ON h.product = s.product
LEFT JOIN late_world lw ON lw.product = s.product
"""

_PAIRS = """
CREATE OR REPLACE TEMP TABLE pairs AS
WITH g AS (
    SELECT s.*, w.w AS world, {m_prev} AS m_prev, {w_prev} AS world_prev,
           {y0} AS y0, {m0} AS m0, {w0} AS world0, $t - ({y0}) AS span
    FROM supply s
    JOIN f1 ON f1.cid = s.market AND f1.reason IS NULL
    JOIN world w ON w.product = s.product
    LEFT JOIN history h ON h.market = s.market AND h.product = s.product
    LEFT JOIN late l ON l.market = s.market AND l.product = s.product),
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
SELECT market, product, m, world, world_share, hhi, n_sup,
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
    def main(self) -> tuple[int, ...]:
        """The base year and t-1 (those present): the columns of `history`."""
        return tuple(sorted({y for y in (self.base, self.prev) if y is not None}))

    @property
    def middle(self) -> tuple[int, ...]:
        """Years present between them: the columns of `late`, for zero-base fallbacks."""
        return tuple(y for y in self.history if y not in self.main)


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


def build_latest(con: duckdb.DuckDBPyConnection, years: Years, config: DSMConfig) -> None:
    """TEMP tables supplier and supply (the latest year's market structure)."""
    con.execute(_SUPPLIER, {"t": years.year})
    con.execute(_SUPPLY)


def _columns(prefix: str, source: str, chosen: tuple[int, ...]) -> str:
    return ", ".join(f"sum({source}) FILTER (WHERE year = {y}) AS {prefix}_{y}"
                     for y in chosen) or f"NULL AS {prefix}_none"


def build_history(con: duckdb.DuckDBPyConnection, years: Years, config: DSMConfig) -> None:
    """TEMP tables history, late_pairs, late_codes, late_rows, late, late_world and world
    (needs supply and f1)."""
    main, middle = years.main, years.middle
    listed = ", ".join(map(str, main)) or "NULL"
    totals = ", ".join(f"sum(m_{y}) AS m_{y}" for y in main) or "NULL AS m_none"
    con.execute(_HISTORY.format(columns=_columns("m", "value", main), totals=totals,
                                years=listed))
    if years.base is not None and middle:
        con.execute(_LATE_PAIRS.format(base=years.base),
                    {"min_value": config.min_import_value})
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE late_pairs AS "
                    "SELECT market, product FROM supply WHERE false")
    between = ", ".join(map(str, middle)) or "NULL"
    con.execute(_LATE_CODES.format(years=between))
    con.execute(_LATE_ROWS.format(years=between))
    con.execute(_LATE.format(columns=_columns("m", "r.value", middle)))
    con.execute(_LATE_WORLD.format(columns=_columns("w", "value", middle)))
    sums = ", ".join(f"sum(m_{y}) AS w_{y}" for y in main) or "NULL AS w_none"
    con.execute(_WORLD.format(main="".join(f", h.w_{y}" for y in main),
                              middle="".join(f", lw.w_{y}" for y in middle), sums=sums))


def _case(years: Years, value: str) -> str:
    """The first year with imports from the base on (or its value): the long-term base."""
    if years.base is None:
        return "NULL"
    whens = " ".join(
        f"WHEN {'h' if y in years.main else 'l'}.m_{y} > 0 THEN "
        f"{value.format(y=y, t='h' if y in years.main else 'l', w='w')}"
        for y in years.history if y >= years.base)
    return f"CASE {whens} END"


def build_pairs(con: duckdb.DuckDBPyConnection, years: Years, config: DSMConfig) -> None:
    """TEMP table pairs: filter 2 over the markets that passed filter 1 (needs `f1`)."""
    prev = years.prev
    sql = _PAIRS.format(
        m_prev=f"h.m_{prev}" if prev is not None else "NULL",
        w_prev=f"w.w_{prev}" if prev is not None else "NULL",
        y0=_case(years, "{y}"), m0=_case(years, "{t}.m_{y}"), w0=_case(years, "w.w_{y}"))
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
