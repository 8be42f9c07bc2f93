"""Filter 3b: the market accessibility index and its green / orange / red classes.

Per (home, market) that passed filter 1 [V variable list, L formula; METHODS.md §1.5]:
distance (CEPII GeoDist, higher is worse), LPI score (World Bank, higher is better), the mean
applied tariff the market imposes on the home country's products, and the mean NTM frequency
ratio (both when imported with `marketscout dsm import`). The 2009 paper's fifth variable, the
cost to import a container, is left out: Doing Business stopped publishing it after 2020.

Each variable is normalised over the home's candidate markets (min-max, or the ratio to the
mean), turned so that higher = more restrictive, and the index is the weighted mean of the
variables a market has (the ones used are recorded per market). Markets are then binned by
quantiles of the index (terciles by default): green <= q1 < orange <= q2 < red; a market with
no variable is 'unrated'. Tariffs and NTMs are averaged over the product lines in the file
(simple mean) [D]: the index is per market, as the paper's Tables 6-8 classify countries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketscout.dsm.config import DSMConfig

if TYPE_CHECKING:
    import duckdb

# (variable, +1 if a higher value is more restrictive, -1 if less)
VARIABLES = (("distance", 1), ("lpi", -1), ("tariff", 1), ("ntm", 1))

_CLOSEST = "ORDER BY abs(year - $t), year DESC, source_id"  # the edition nearest the trade year

_VALUES = f"""
CREATE OR REPLACE TEMP TABLE access_values AS
WITH mk AS (
    SELECT h.cid AS home, h.iso3 AS home_iso3, f.cid AS market, f.iso3 AS iso3
    FROM homes h CROSS JOIN f1 f WHERE f.reason IS NULL AND f.cid <> h.cid),
dist AS (
    SELECT iso_o, iso_d, arg_min({{col}}, source_id) AS distance
    FROM main.distance WHERE {{col}} IS NOT NULL GROUP BY ALL),
lpi AS (
    SELECT iso3, score AS lpi, year AS lpi_year FROM (
        SELECT iso3, score, year,
               row_number() OVER (PARTITION BY iso3 {_CLOSEST}) AS r
        FROM main.lpi WHERE indicator = $lpi AND score IS NOT NULL) WHERE r = 1),
tar AS (
    SELECT home, market, avg(rate) AS tariff FROM (
        SELECT mk.home, mk.market, t.rate,
               row_number() OVER (PARTITION BY mk.home, mk.market, t.product
                                  ORDER BY t.exporter IS NULL, abs(t.year - $t), t.year DESC,
                                           t.source_id) AS r
        FROM mk JOIN main.tariff t ON t.importer = mk.iso3
             AND (t.exporter = mk.home_iso3 OR t.exporter IS NULL)
        WHERE t.rate IS NOT NULL) WHERE r = 1 GROUP BY ALL),
ntm AS (
    SELECT importer, avg(frequency) AS ntm FROM (
        SELECT importer, frequency,
               row_number() OVER (PARTITION BY importer, product {_CLOSEST}) AS r
        FROM main.ntm WHERE frequency IS NOT NULL) WHERE r = 1 GROUP BY ALL)
SELECT mk.home, mk.market, dist.distance, lpi.lpi, lpi.lpi_year, tar.tariff, ntm.ntm
FROM mk
LEFT JOIN dist ON dist.iso_o = mk.home_iso3 AND dist.iso_d = mk.iso3
LEFT JOIN lpi ON lpi.iso3 = mk.iso3
LEFT JOIN tar ON tar.home = mk.home AND tar.market = mk.market
LEFT JOIN ntm ON ntm.importer = mk.iso3
"""


def _restrictiveness(name: str, sign: int, normaliser: str) -> str:
    """SQL for one variable's restrictiveness in [0, 1] (min-max) or relative to the mean."""
    lo, hi, mean = (f"{f}({name}) OVER (PARTITION BY home)" for f in ("min", "max", "avg"))
    if normaliser == "minmax":
        top = f"{name} - {lo}" if sign > 0 else f"{hi} - {name}"
        return f"CASE WHEN {hi} > {lo} THEN ({top}) / ({hi} - {lo}) ELSE 0 END"
    ratio = f"{name} / {mean}" if sign > 0 else f"{mean} / {name}"
    return f"CASE WHEN {mean} > 0 AND {name} > 0 THEN {ratio} ELSE 0 END"


def _index_sql(config: DSMConfig) -> str:
    weights = {"distance": config.weight_distance, "lpi": config.weight_lpi,
               "tariff": config.weight_tariff, "ntm": config.weight_ntm}
    used = [(n, s) for n, s in VARIABLES if weights[n] > 0]
    parts = [f"CASE WHEN {n} IS NULL THEN NULL ELSE "
             f"{_restrictiveness(n, s, config.access_normaliser)} END AS r_{n}" for n, s in used]
    total = " + ".join(f"coalesce(r_{n}, 0) * {weights[n]!r}" for n, _ in used) or "0"
    weight = " + ".join(f"CASE WHEN r_{n} IS NULL THEN 0 ELSE {weights[n]!r} END"
                        for n, _ in used) or "0"
    names = ", ".join(f"CASE WHEN r_{n} IS NOT NULL THEN '{n}' END" for n, _ in used)
    listed = f"concat_ws(',', {names})" if used else "''"
    selected = ", ".join(["*", *parts]) if parts else "*"
    return f"""
CREATE OR REPLACE TEMP TABLE access AS
WITH r AS (SELECT {selected} FROM access_values),
i AS (SELECT *, ({total}) / NULLIF({weight}, 0) AS access_index,
             {listed} AS access_variables FROM r),
q AS (SELECT home, CAST(quantile_cont(access_index, $q1) AS DOUBLE) AS q1,
             CAST(quantile_cont(access_index, $q2) AS DOUBLE) AS q2 FROM i GROUP BY home)
SELECT i.home, i.market, i.distance, i.lpi, i.lpi_year, i.tariff, i.ntm, i.access_index,
       nullif(i.access_variables, '') AS access_variables,
       CASE WHEN i.access_index IS NULL THEN 'unrated'
            WHEN i.access_index <= q.q1 THEN 'green'
            WHEN i.access_index <= q.q2 THEN 'orange'
            ELSE 'red' END AS access_class
FROM i JOIN q ON q.home = i.home
"""


def build_access(con: duckdb.DuckDBPyConnection, year: int, config: DSMConfig) -> None:
    """TEMP table `access` (home, market, variables, index, class); needs `homes` and `f1`."""
    # The column name comes from a closed list (config validation), so it is safe to inline.
    con.execute(_VALUES.format(col=config.distance_column),
                {"t": year, "lpi": config.lpi_indicator})
    q1, q2 = config.access_bins
    con.execute(_index_sql(config), {"q1": q1, "q2": q2})


def access_warnings(con: duckdb.DuckDBPyConnection, config: DSMConfig) -> list[str]:
    """Say when markets have no accessibility variable (kept or dropped as configured)."""
    row = con.execute("SELECT count(*) FILTER (WHERE access_class = 'unrated'), count(*) "
                      "FROM access").fetchone()
    unrated, total = (int(row[0]), int(row[1])) if row else (0, 0)
    if not unrated:
        return []
    fate = "dropped" if config.unrated_markets == "drop" else "kept"
    if unrated == total:
        return [f"Filter 3b: no distance, LPI, tariff or NTM data for any market; every market "
                f"is unrated and {fate} (filter3.unrated_markets)."]
    return [f"Filter 3b: {unrated} of {total} markets have no accessibility variable and are "
            f"{fate} as unrated (filter3.unrated_markets)."]
