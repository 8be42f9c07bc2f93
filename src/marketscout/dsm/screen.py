"""Filter 1, the country screen: risk ratings (when imported), then macro size and growth.

Runs on the store's `wb_indicator` and `risk_rating` tables and writes TEMP table `f1`: one
row per market in the trade data with its figures, pass/fail and the reason (METHODS.md §1.3).

World benchmarks [D]: size thresholds are percentiles over every country with data in the
store; world growth is the GDP(PPP)-weighted mean of countries' real growth rates in each year,
as the IMF's World Economic Outlook aggregates growth, averaged over the same years.
Per-capita growth is (1 + g) / (pop_t / pop_t-1) - 1 from real GDP growth and population.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketscout.dsm.config import DSMConfig

if TYPE_CHECKING:
    import duckdb

# Prefer the user's own import of an indicator over a publisher's load of the same one.
_PICK = "arg_min(value, (CASE WHEN source_id LIKE 'user%' THEN '0' ELSE '1' END) || source_id)"

_MACRO = f"""
CREATE OR REPLACE TEMP TABLE macro_raw AS
SELECT iso3, year, indicator, {_PICK} AS value
FROM main.wb_indicator
WHERE indicator IN ($gdp, $pc, $growth, $pop) AND year BETWEEN $first AND $t
  AND value IS NOT NULL
GROUP BY ALL
"""

_SIZE = """
CREATE OR REPLACE TEMP TABLE macro_size AS
SELECT iso3,
       arg_max(value, year) FILTER (WHERE indicator = $gdp AND year >= $t - $lag) AS gdp,
       arg_max(value, year) FILTER (WHERE indicator = $pc AND year >= $t - $lag) AS gdp_pc
FROM macro_raw GROUP BY iso3
"""

_GROWTH = """
CREATE OR REPLACE TEMP TABLE macro_growth AS
WITH g AS (SELECT iso3, year, value AS growth FROM macro_raw
           WHERE indicator = $growth AND year > $t - $years),
     p AS (SELECT iso3, year, value AS pop FROM macro_raw WHERE indicator = $pop),
     w AS (SELECT iso3, year, value AS gdp FROM macro_raw WHERE indicator = $gdp)
SELECT g.iso3, g.year, g.growth, w.gdp AS weight,
       100 * ((1 + g.growth / 100) / (p1.pop / p0.pop) - 1) AS growth_pc
FROM g
LEFT JOIN p p1 ON p1.iso3 = g.iso3 AND p1.year = g.year
LEFT JOIN p p0 ON p0.iso3 = g.iso3 AND p0.year = g.year - 1
LEFT JOIN w ON w.iso3 = g.iso3 AND w.year = g.year
"""

_BENCHMARKS = """
CREATE OR REPLACE TEMP TABLE macro_bench AS
WITH world AS (
    SELECT year,
           sum(growth * weight) / sum(weight) AS growth,
           sum(growth_pc * weight) FILTER (WHERE growth_pc IS NOT NULL)
             / sum(weight) FILTER (WHERE growth_pc IS NOT NULL) AS growth_pc
    FROM macro_growth WHERE weight IS NOT NULL GROUP BY year)
SELECT (SELECT CAST(quantile_cont(gdp, $p_gdp) AS DOUBLE) FROM macro_size) AS gdp_threshold,
       (SELECT CAST(quantile_cont(gdp_pc, $p_pc) AS DOUBLE) FROM macro_size)
           AS gdp_pc_threshold,
       (SELECT avg(growth) FROM world) AS world_growth,
       (SELECT avg(growth_pc) FROM world) AS world_growth_pc
"""

# Ratings on a scale scale_min..scale_max (1..7 Credendo, 0..7 OECD CRC) become
# T = (scale_max + 1 - r) / (scale_max + 1 - scale_min): 1 for the best class, 1 / classes for
# the worst; for a 1..S scale this is (S + 1 - r) / S [L, METHODS §1.3]. OECD status
# 'not_reviewed_high_income' counts as the best class when $not_reviewed_best (the OECD prices
# those countries so); 'not_classified' is unknown, never 0.
_RISK = f"""
CREATE OR REPLACE TEMP TABLE risk AS
WITH rows AS (
    SELECT iso3, kind, year, source_id, scale_max, scale_min,
           CASE WHEN status = 'not_reviewed_high_income' AND $not_reviewed_best
                    THEN CAST(scale_min AS DOUBLE)
                WHEN status IN ('not_reviewed_high_income', 'not_classified') THEN NULL
                ELSE rating END AS value
    FROM main.risk_rating WHERE year BETWEEN $t - $lag AND $t),
latest AS (
    SELECT iso3, kind, arg_max(rating, year) AS rating, arg_max(scale_max, year) AS scale_max,
           arg_max(scale_min, year) AS scale_min
    FROM (SELECT iso3, kind, year, {_PICK} AS rating,
                 {_PICK.replace('value', 'scale_max')} AS scale_max,
                 {_PICK.replace('value', 'scale_min')} AS scale_min
          FROM rows GROUP BY ALL)
    GROUP BY ALL)
SELECT iso3,
       bool_or(rating >= scale_max) AS worst_class,
       avg((scale_max + 1 - rating) / (scale_max + 1 - scale_min)) AS risk_score,
       string_agg(kind || ' ' || CAST(rating AS VARCHAR), ', ' ORDER BY kind) AS ratings
FROM latest GROUP BY iso3
"""

_F1 = """
CREATE OR REPLACE TEMP TABLE f1 AS
WITH m AS (
    SELECT c.cid, c.iso3, s.gdp, s.gdp_pc, g.growth, g.growth_pc,
           r.worst_class, r.risk_score, r.ratings,
           s.gdp >= b.gdp_threshold AS big, s.gdp_pc >= b.gdp_pc_threshold AS rich,
           g.growth >= b.world_growth + $margin AS growing,
           g.growth_pc >= b.world_growth_pc + $pc_margin AS growing_pc
    FROM country c
    LEFT JOIN macro_size s ON s.iso3 = c.iso3
    LEFT JOIN (SELECT iso3, avg(growth) AS growth, avg(growth_pc) AS growth_pc
               FROM macro_growth GROUP BY iso3) g ON g.iso3 = c.iso3
    LEFT JOIN risk r ON r.iso3 = c.iso3
    CROSS JOIN macro_bench b
    WHERE c.cid IN (SELECT market FROM supply)),
t AS (
    SELECT *,
           coalesce(gdp, gdp_pc, growth, growth_pc) IS NULL AS no_macro,
           coalesce(big, FALSE) OR coalesce(rich, FALSE) AS sized,
           coalesce(growing, FALSE) OR coalesce(growing_pc, FALSE) AS grows
    FROM m)
SELECT cid, iso3, gdp, gdp_pc, growth, growth_pc, risk_score, ratings,
       CASE
         WHEN cid = $home THEN 'home_country'
         WHEN $with_risk AND $risk_worst AND worst_class THEN 'risk_worst_class'
         WHEN $with_risk AND risk_score < $risk_min THEN 'risk_score_low'
         WHEN $with_risk AND risk_score IS NULL AND $risk_missing_out
              AND NOT list_contains(CAST($whitelist AS VARCHAR[]), iso3) THEN 'no_risk_rating'
         WHEN $rule = 'off' OR NOT $with_macro THEN NULL
         WHEN no_macro THEN CASE WHEN $macro_missing_out THEN 'no_macro_data' END
         WHEN $rule = 'any' AND NOT (sized OR grows) THEN 'macro_small_and_slow'
         WHEN $rule = 'size_and_growth' AND NOT sized THEN 'macro_too_small'
         WHEN $rule = 'size_and_growth' AND NOT grows THEN 'macro_too_slow'
       END AS reason,
       CASE
         WHEN $with_macro AND $rule <> 'off' AND no_macro THEN 'no_macro_data'
         WHEN $with_risk AND risk_score IS NULL THEN 'no_risk_rating'
       END AS flag
FROM t
"""


def country_screen(
    con: duckdb.DuckDBPyConnection, home_cid: int | None, year: int, config: DSMConfig,
) -> list[str]:
    """Create TEMP table `f1` (needs `country` and `supply`); return warnings for the user."""
    first = year - max(config.max_lag_years, config.growth_years) - 1
    macro = {"gdp": config.gdp_indicator, "pc": config.gdp_per_capita_indicator,
             "growth": config.growth_indicator, "pop": config.population_indicator}
    con.execute(_MACRO, macro | {"first": first, "t": year})
    con.execute(_SIZE, {"gdp": macro["gdp"], "pc": macro["pc"], "t": year,
                        "lag": config.max_lag_years})
    con.execute(_GROWTH, {"growth": macro["growth"], "pop": macro["pop"], "gdp": macro["gdp"],
                          "t": year, "years": config.growth_years})
    con.execute(_BENCHMARKS, {"p_gdp": config.gdp_min_percentile,
                              "p_pc": config.gdp_per_capita_min_percentile})
    con.execute(_RISK, {"t": year, "lag": config.max_lag_years,
                        "not_reviewed_best": config.risk_not_reviewed == "lowest"})
    with_macro = _count(con, "macro_raw") > 0
    with_risk = _count(con, "risk") > 0
    con.execute(_F1, _f1_params(config, home_cid, with_macro, with_risk))
    return _warnings(config, year, with_macro, with_risk) + _unrated_warning(con, config,
                                                                               with_risk)


def _f1_params(config: DSMConfig, home_cid: int | None, with_macro: bool,
               with_risk: bool) -> dict[str, Any]:
    return {
        "home": home_cid if home_cid is not None else -1,
        "margin": config.growth_margin, "pc_margin": config.per_capita_growth_margin,
        "with_risk": with_risk, "risk_worst": config.risk_exclude_worst,
        "risk_min": config.risk_min_score,
        "risk_missing_out": config.risk_missing == "exclude",
        "whitelist": list(config.risk_whitelist),
        "rule": config.macro_rule, "with_macro": with_macro,
        "macro_missing_out": config.missing_macro == "exclude",
    }


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _warnings(config: DSMConfig, year: int, with_macro: bool, with_risk: bool) -> list[str]:
    out = []
    if not with_risk:
        out.append("Filter 1: no country risk ratings are imported, so the screen used macro "
                   "size and growth only (`marketscout dsm import risk FILE` adds them).")
    if not with_macro and config.macro_rule != "off":
        out.append(f"Filter 1: the store holds no GDP data for {year - config.max_lag_years}-"
                   f"{year}; no market was screened on size or growth.")
    return out


def _unrated_warning(con: duckdb.DuckDBPyConnection, config: DSMConfig,
                     with_risk: bool) -> list[str]:
    """Say how many markets have no risk rating (a partial import can leave most out)."""
    if not with_risk:
        return []
    row = con.execute("SELECT count(*) FILTER (WHERE risk_score IS NULL AND (reason IS NULL "
                      "OR reason = 'no_risk_rating')), count(*) FILTER (WHERE reason IS "
                      "DISTINCT FROM 'home_country') FROM f1").fetchone()
    missing, total = (int(row[0]), int(row[1])) if row else (0, 0)
    if not missing:
        return []
    if config.risk_missing == "keep":
        fate = "kept and flagged no_risk_rating (filter1.risk_missing = \"exclude\" drops them)"
    else:
        fate = "EXCLUDED (filter1.risk_missing = \"exclude\"; \"keep\" keeps them)"
    return [f"Filter 1: {missing} of {total} markets have no risk rating in the imported "
            f"ratings and were {fate}."]
