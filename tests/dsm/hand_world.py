"""A hand-built world for the DSM engine: 4 countries, 5 products, 6 years (2016-2021).

Home H = LTU (BACI 440); markets A = DEU (276), B = POL (616), C = FIN (246). Every number the
tests expect is derived by hand in tests/dsm/test_hand_world.py from the tables below.

Imports by market (thousand USD); 2017-2019 equal 2016 except for P5:

    product      market  2016  2017-19  2020  2021 | 2021 suppliers
    P1 010110    A       100   100      200   300  | H 10, B 140, C 150
                 B        50    50       70   100  | H 100
                 C       200   200      200   200  | A 100, B 100
                 H       150   150      120   200  | A 200
    P2 020110    A       100   100      300   300  | H 30, B 135, C 135
                 B       100   100      100   100  | A 50, C 50
                 C       100   100      100   150  | A 75, B 75
                 H       100   100      100   150  | A 150
    P3 030110    A       200   200      100   150  | H 40, B 55, C 55
                 B       100   100      100    60  | A 30, C 30
                 C       100   100      100   200  | H 80, A 60, B 60
                 H       100   100      100    90  | A 90
    P4 040110    A       200   200      200   200  | H 100, B 60, C 40
                 B       100   100      100   160  | A 140, C 10, H 10
                 C       100   100      100   100  | A 50, B 50
                 H       100   100      100    40  | A 40
    P5 850110    A         5     5        5     5  | B 5
                 B         0    20       40    80  | H 20, A 30, C 30
                 C       100   100      100   100  | H 50, A 25, B 25
                 H       100   100      100   100  | A 100

Before 2021 each market's imports of a product come from one supplier (any: only totals
matter then). Macro data, distances and LPI scores are in `load_inputs`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marketscout.dsm.config import DSMConfig
from marketscout.provenance import Provenance
from marketscout.store import Store

H, A, B, C = 440, 276, 616, 246
ISO = {H: "LTU", A: "DEU", B: "POL", C: "FIN"}
P1, P2, P3, P4, P5 = 10110, 20110, 30110, 40110, 850110
PRODUCT = {P1: "010110", P2: "020110", P3: "030110", P4: "040110", P5: "850110"}
YEARS = range(2016, 2022)

# market -> product -> (2016, 2017, 2018, 2019, 2020) totals
HISTORY = {
    A: {P1: (100,) * 4 + (200,), P2: (100,) * 4 + (300,), P3: (200,) * 4 + (100,),
        P4: (200,) * 5, P5: (5,) * 5},
    B: {P1: (50,) * 4 + (70,), P2: (100,) * 5, P3: (100,) * 5, P4: (100,) * 5,
        P5: (0, 20, 20, 20, 40)},
    C: {P1: (200,) * 5, P2: (100,) * 5, P3: (100,) * 5, P4: (100,) * 5, P5: (100,) * 5},
    H: {P1: (150,) * 4 + (120,), P2: (100,) * 5, P3: (100,) * 5, P4: (100,) * 5,
        P5: (100,) * 5},
}
# market -> product -> {supplier: value} in 2021
LATEST = {
    A: {P1: {H: 10, B: 140, C: 150}, P2: {H: 30, B: 135, C: 135}, P3: {H: 40, B: 55, C: 55},
        P4: {H: 100, B: 60, C: 40}, P5: {B: 5}},
    B: {P1: {H: 100}, P2: {A: 50, C: 50}, P3: {A: 30, C: 30}, P4: {A: 140, C: 10, H: 10},
        P5: {H: 20, A: 30, C: 30}},
    C: {P1: {A: 100, B: 100}, P2: {A: 75, B: 75}, P3: {H: 80, A: 60, B: 60},
        P4: {A: 50, B: 50}, P5: {H: 50, A: 25, B: 25}},
    H: {P1: {A: 200}, P2: {A: 150}, P3: {A: 90}, P4: {A: 40}, P5: {A: 100}},
}
# The single supplier of each market before 2021 (any country but the market itself).
EARLY_SUPPLIER = {A: B, B: C, C: H, H: A}

# The test's thresholds: the defaults are for a world of 220 countries; here every market
# holds about a quarter of world imports, so "large" starts at 30% and HHI is bounded
# below by 1/3 (three suppliers at most).
CONFIG = DSMConfig(min_import_value=10.0, large_market_share=0.30, hhi_max=0.5,
                   dominant_share=0.6)
TEST_SOURCE = Provenance(source_id="hand_inputs", title="hand-built macro and access data",
                         publisher="tests", url="file://tests/dsm/hand_world.py",
                         licence="test", edition="1")


def flows(scale: float = 1.0) -> pd.DataFrame:
    """The world as BACI rows t, i, j, k, v, q (q is padded text, as BACI writes it)."""
    rows = []
    for market, products in HISTORY.items():
        for product, values in products.items():
            for year, value in zip(range(2016, 2021), values, strict=True):
                if value:
                    rows.append((year, EARLY_SUPPLIER[market], market, product, value))
    for market, products in LATEST.items():
        for product, suppliers in products.items():
            rows += [(2021, s, market, product, v) for s, v in suppliers.items()]
    frame = pd.DataFrame(rows, columns=["t", "i", "j", "k", "v"])
    frame["v"] = frame["v"].astype(float) * scale
    frame["q"] = "        1.000"
    return frame.astype({"t": "int32", "i": "int32", "j": "int32", "k": "int32"})


def write_world(folder: Path, frame: pd.DataFrame | None = None) -> Path:
    """One Parquet file per year in `folder` (BACI layout); returns the folder."""
    frame = flows() if frame is None else frame
    folder.mkdir(parents=True, exist_ok=True)
    for year, rows in frame.groupby("t"):
        rows.to_parquet(folder / f"BACI_HAND_Y{year}.parquet", index=False)
    return folder


def macro() -> pd.DataFrame:
    """GDP (PPP) A 4000, B 200, C 300, H 100; GDP per capita A 50, B 10, C 60, H 40; real
    growth A 1%, B 5%, C 0%, H 2% a year; population constant (1 million) — 2019 to 2021."""
    gdp = {"DEU": 4000.0, "POL": 200.0, "FIN": 300.0, "LTU": 100.0}
    per_capita = {"DEU": 50.0, "POL": 10.0, "FIN": 60.0, "LTU": 40.0}
    growth = {"DEU": 1.0, "POL": 5.0, "FIN": 0.0, "LTU": 2.0}
    rows = []
    for iso in gdp:
        for year in range(2018, 2022):
            rows += [(iso, year, "NY.GDP.MKTP.PP.CD", gdp[iso]),
                     (iso, year, "NY.GDP.PCAP.PP.CD", per_capita[iso]),
                     (iso, year, "NY.GDP.MKTP.KD.ZG", growth[iso]),
                     (iso, year, "SP.POP.TOTL", 1e6)]
    return pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"])


def access() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distances from LTU: DEU 600, POL 800, FIN 1600 km; LPI DEU 3.9, POL 4.0, FIN 3.0."""
    dist = pd.DataFrame({"iso_o": "LTU", "iso_d": ["DEU", "POL", "FIN"],
                         "dist": [600.0, 800.0, 1600.0]})
    for col in ("distcap", "distw", "distwces"):
        dist[col] = dist["dist"]
    for col in ("contig", "comlang_off", "comlang_ethno", "colony", "smctry"):
        dist[col] = 0
    lpi = pd.DataFrame({"iso3": ["DEU", "POL", "FIN"], "year": 2023, "indicator": "overall",
                        "score": [3.9, 4.0, 3.0], "rank": [1.0, 2.0, 3.0]})
    return dist, lpi


def load_inputs(store: Store, *, with_macro: bool = True, with_access: bool = True) -> Store:
    """Macro data, distances and LPI of the hand world into `store`."""
    tables: dict[str, pd.DataFrame] = {}
    if with_macro:
        tables["wb_indicator"] = macro()
    if with_access:
        tables["distance"], tables["lpi"] = access()
    if tables:
        store.load(tables, TEST_SOURCE)
    return store
