"""The random structure of a synthetic trade world: countries, products, gravity, values.

Every draw comes from a seeded numpy Generator, so a (spec, seed) pair always gives the same
world. Country and product codes are real (BACI's tables in the embedded snapshot); masses,
flows, values and macro series are drawn, never real, and are marked synthetic downstream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketscout.errors import InputError

# BACI V202301 country codes of entities that no longer report (dissolved, merged or
# superseded) and the two "nes" groupings: a world of today has none of them.
FORMER_CODES = frozenset({58, 200, 278, 280, 530, 697, 711, 736, 810, 849, 891})
# Home of the reference case and the re-export hubs of METHODS.md section 1.4.
HOME_CODE = 440  # Lithuania
HUB_CODES = (528, 56, 702, 344)  # NLD, BEL, SGP, HKG
HUB_BOOST = 4.0  # hubs import and export several times what their size predicts
ACTIVE_PERSISTENT, ACTIVE_SPORADIC, SHARE_SPORADIC = 0.97, 0.45, 0.25
ACTIVE_SHARE = (1 - SHARE_SPORADIC) * ACTIVE_PERSISTENT + SHARE_SPORADIC * ACTIVE_SPORADIC
MACRO_LEAD_YEARS = 5  # macro series start this many years before the first trade year
# Calibration: at the default size (220 countries, 5,000 products, 8M rows) the median flow is
# about 33 thousand USD and a year sums to about 7.5e9 thousand USD (BACI 2021: about 2.2e10).
LN_VALUE_SCALE = 1.8


@dataclass(frozen=True)
class Universe:
    """Everything drawn once per world; flows are then drawn exporter by exporter."""

    codes: np.ndarray  # BACI country codes, int32
    products: np.ndarray  # HS6 codes, 6-character text
    ln_mass: np.ndarray  # log GDP-like mass per country, first trade year
    ln_dist: np.ndarray  # log distance in km, country x country
    inv_importer: np.ndarray  # 1 / gravity weight of each importer, per exporter, float32
    inv_product: np.ndarray  # 1 / weight of each product, per exporter, float32
    ln_ca: np.ndarray  # exporter x product comparative advantage (log), float32
    ln_pref: np.ndarray  # importer x product taste (log), float32
    ln_pw: np.ndarray  # product world size (log)
    ln_unit_value: np.ndarray  # thousand USD per tonne (log), per product
    product_trend: np.ndarray  # yearly log growth per product
    demand: np.ndarray  # importer x year cumulative log import-demand shift
    cells: np.ndarray  # how many (importer, product) cells each exporter has, int64


def country_table(snapshot_countries: pd.DataFrame | None, n: int) -> pd.DataFrame:
    """`n` current countries with real BACI codes (LTU and the hubs always among them)."""
    if snapshot_countries is None:
        raise InputError(
            "The BACI country table is not available to pick country codes from.",
            where="marketscout/snapshot/baci_country_codes__baci_country.parquet",
            fix="Reinstall marketscout, or rebuild the snapshot with `marketscout snapshot build`.",
        )
    table = snapshot_countries.dropna(subset=["iso3"])
    table = table[~table["code"].isin(FORMER_CODES)].drop_duplicates("iso3")
    if not 5 <= n <= len(table):
        raise InputError(
            f"A synthetic world needs between 5 and {len(table)} countries, not {n}.",
            where="--countries",
            fix=f"Choose --countries between 5 and {len(table)} (BACI's current countries).",
        )
    must = table["code"].isin((HOME_CODE, *HUB_CODES))
    order = table.assign(_must=~must).sort_values(["_must", "gdp_rank", "code"])
    chosen = order.head(n).sort_values("code")
    return chosen[["code", "iso3", "name", "lat", "lon", "gdp_rank"]].reset_index(drop=True)


def product_codes(snapshot_products: pd.Series | None, n: int,
                  rng: np.random.Generator) -> np.ndarray:
    """`n` sorted HS6 codes: real HS92 codes when the table is there, else made-up ones."""
    if snapshot_products is not None and len(snapshot_products):
        real = np.sort(snapshot_products.astype(str).str.zfill(6).unique())
        if n > len(real):
            raise InputError(
                f"HS92 has {len(real)} six-digit products; {n} were asked for.",
                where="--products",
                fix=f"Choose --products up to {len(real)}.",
            )
        return np.sort(rng.choice(real, n, replace=False)).astype(object)
    # No product table: distinct codes in chapters 01-97, headings 01-99, subheadings 10-99.
    pool = np.arange(10_110, 979_999)
    pool = pool[(pool // 100 % 100 > 0) & (pool % 100 >= 10)]
    return np.array([f"{c:06d}" for c in np.sort(rng.choice(pool, n, replace=False))], dtype=object)


def _great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distances between capitals (haversine, Earth radius 6371 km)."""
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _masses(countries: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Log GDP-like masses (billion USD): drawn values, handed out in the real GDP order so
    that large economies stay large; countries without a GDP rank get random places."""
    draws = np.sort(rng.lognormal(mean=np.log(40.0), sigma=2.0, size=len(countries)))[::-1]
    rank = countries["gdp_rank"].to_numpy(dtype=float)
    rank = np.where(np.isnan(rank), rng.uniform(0, len(countries) * 2, len(countries)), rank)
    mass = np.empty(len(countries))
    mass[np.argsort(rank, kind="stable")] = draws
    return np.log(mass)


def cells_per_exporter(weight: np.ndarray, total: int, capacity: int) -> np.ndarray:
    """Split `total` cells in proportion to `weight`, none above `capacity` (water-filling)."""
    cells = np.zeros(len(weight))
    free = np.ones(len(weight), dtype=bool)
    for _ in range(len(weight)):
        left = total - cells[~free].sum()
        share = weight * free / (weight * free).sum()
        cells = np.where(free, left * share, cells)
        over = free & (cells > capacity)
        if not over.any():
            break
        cells[over] = capacity
        free &= ~over
    return np.minimum(np.round(cells), capacity).astype(np.int64)


def build_universe(countries: pd.DataFrame, products: np.ndarray, years: int,
                   rows_per_year: int, macro_growth: np.ndarray,
                   rng: np.random.Generator) -> Universe:
    """Draw masses, distances, tastes and trends, and how many cells each exporter has."""
    n, p = len(countries), len(products)
    ln_mass = _masses(countries, rng)
    lat = countries["lat"].to_numpy(dtype=float)
    lon = countries["lon"].to_numpy(dtype=float)
    missing = np.isnan(lat)  # territories without a CEPII capital: put them somewhere
    lat[missing], lon[missing] = rng.uniform(-50, 60, missing.sum()), rng.uniform(-180, 180,
                                                                                   missing.sum())
    ln_dist = np.log(np.maximum(_great_circle_km(lat, lon), 50.0))
    hub = np.isin(countries["code"].to_numpy(), HUB_CODES)
    ln_boost = np.where(hub, np.log(HUB_BOOST), 0.0)
    ln_gravity = 0.8 * (ln_mass + ln_boost)[None, :] - 1.0 * ln_dist
    ln_pw = rng.normal(0.0, 1.3, p)
    ln_pref = rng.normal(0.0, 0.8, (n, p)).astype(np.float32)
    ln_ca = rng.normal(0.0, 1.5, (n, p)).astype(np.float32)
    # Hubs re-export what they import: a flatter export range that follows their imports.
    ln_ca[hub] = 0.3 * ln_ca[hub] + 0.8 * ln_pref[hub]
    weight = np.exp(0.55 * ln_mass + ln_boost)
    capacity = int(0.6 * (n - 1) * p)
    cells = cells_per_exporter(weight, int(rows_per_year / ACTIVE_SHARE), capacity)
    # Import demand grows with the importer's GDP (elasticity 1.2) plus its own noise.
    shift = 1.2 * macro_growth[:, -years:] / 100 + rng.normal(0.0, 0.03, (n, years))
    shift[:, 0] = 0.0
    return Universe(
        codes=countries["code"].to_numpy(dtype=np.int32), products=products,
        ln_mass=ln_mass, ln_dist=ln_dist, inv_importer=np.exp(-ln_gravity).astype(np.float32),
        inv_product=np.exp(-(ln_pw[None, :] + ln_ca)).astype(np.float32), ln_ca=ln_ca,
        ln_pref=ln_pref,
        ln_pw=ln_pw, ln_unit_value=rng.normal(np.log(2.5), 1.3, p),
        product_trend=rng.normal(0.02, 0.04, p), demand=np.cumsum(shift, axis=1), cells=cells,
    )


def exporter_cells(world: Universe, i: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted distinct (importer, product) keys, importer * products + product, for exporter
    `i`: a weighted sample without replacement (Efraimidis and Spirakis 2006: the cells with
    the smallest Exp(1) / weight), weights by gravity and comparative advantage."""
    n, p = world.inv_importer.shape[0], len(world.products)
    target = int(world.cells[i])
    key = rng.standard_exponential((n, p), dtype=np.float32)
    key *= world.inv_importer[i][:, None]
    key *= world.inv_product[i][None, :]
    key[i] = np.inf  # no flow from a country to itself
    flat = key.ravel()
    if target >= (n - 1) * p:
        return np.flatnonzero(np.isfinite(flat)).astype(np.int64)
    return np.sort(np.argpartition(flat, target)[:target]).astype(np.int64)


def exporter_flows(world: Universe, i: int, keys: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Values (thousand USD) and quantities (tonnes), years x cells; NaN where a flow is
    absent that year (quantities also NaN where BACI would have none, about 3%)."""
    p, years = len(world.products), world.demand.shape[1]
    j, k = keys // p, keys % p
    sporadic = rng.random(len(keys), dtype=np.float32) < SHARE_SPORADIC
    # Heavy tails: a product of lognormal terms (sigma about 2.8 in all) around gravity.
    ln_v0 = (LN_VALUE_SCALE + 0.45 * world.ln_mass[i] + 0.6 * world.ln_mass[j]
             - 0.7 * world.ln_dist[i, j] + 0.5 * world.ln_pw[k] + 0.7 * world.ln_ca[i, k]
             + world.ln_pref[j, k] + 2.0 * rng.standard_normal(len(keys), dtype=np.float32)
             - 1.5 * sporadic)
    trend = world.product_trend[k] + 0.05 * rng.standard_normal(len(keys), dtype=np.float32)
    shape = (years, len(keys))
    ln_v = ln_v0 + trend * np.arange(years)[:, None] + world.demand[j].T
    ln_v += 0.3 * rng.standard_normal(shape, dtype=np.float32)
    active = rng.random(shape, dtype=np.float32) < np.where(sporadic, ACTIVE_SPORADIC,
                                                             ACTIVE_PERSISTENT)
    value = np.where(active, np.maximum(np.round(np.exp(ln_v), 3), 0.001), np.nan)
    ln_unit = world.ln_unit_value[k] + 0.4 * rng.standard_normal(shape, dtype=np.float32)
    quantity = np.maximum(np.round(value * np.exp(-ln_unit), 3), 0.001)
    quantity[rng.random(shape, dtype=np.float32) < 0.03] = np.nan
    return value, quantity


def macro_growth(n: int, years: int, rng: np.random.Generator) -> np.ndarray:
    """Real GDP growth in percent, country x year (trend per country plus yearly noise)."""
    trend = rng.normal(3.0, 1.5, n)
    return trend[:, None] + rng.normal(0.0, 2.5, (n, years))


def macro_table(countries: pd.DataFrame, world: Universe, growth: np.ndarray,
                first_year: int, rng: np.random.Generator) -> pd.DataFrame:
    """GDP (USD), GDP per capita (USD), population and GDP growth (%), per country and year,
    consistent with the masses: GDP in the first trade year is the country's mass."""
    n, span = growth.shape
    macro_years = np.arange(first_year - MACRO_LEAD_YEARS, first_year - MACRO_LEAD_YEARS + span)
    index = np.cumsum(np.log1p(growth / 100), axis=1)
    base = MACRO_LEAD_YEARS  # column of the first trade year
    gdp = np.exp(world.ln_mass[:, None] + index - index[:, base : base + 1]) * 1e9
    per_capita_0 = rng.lognormal(np.log(6000.0), 1.1, n)
    pop_growth = np.asarray(rng.normal(0.01, 0.005, n))
    population = (gdp[:, base] / per_capita_0)[:, None] * np.exp(
        pop_growth[:, None] * (np.arange(span) - base)[None, :])
    return pd.DataFrame({
        "code": np.repeat(world.codes, span),
        "iso3": np.repeat(countries["iso3"].to_numpy(), span),
        "year": np.tile(macro_years, n).astype(np.int32),
        "gdp": gdp.ravel(),
        "gdp_per_capita": (gdp / population).ravel(),
        "population": population.ravel(),
        "gdp_growth": growth.ravel(),
    })
