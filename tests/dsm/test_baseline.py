"""The pandas baseline: right on a hand-computed world, and the same as the SQL engine (the
same opportunities in the same cells, the same reason for every exclusion) on synthetic worlds
with and without risk ratings, tariffs and non-tariff measures, under several configs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.baseline import BaselineResult, run_baseline
from marketscout.dsm.config import DSMConfig
from marketscout.dsm.engine import DSMResult, run_dsm
from marketscout.dsm.synthetic import WorldSpec, generate_world, load_world_inputs
from marketscout.dsm.trade import TradeSource
from marketscout.provenance import Provenance
from marketscout.store import Store

LTU, DEU, POL, FRA, LVA = 440, 276, 616, 251, 428
P1, P2, P3, P4 = "010111", "020110", "030110", "040110"
# (year, exporter, importer, product, value in thousand USD); see test_hand_computed_world
HAND_FLOWS = [
    (2021, LTU, DEU, P1, 400.0), (2021, POL, DEU, P1, 400.0), (2021, FRA, DEU, P1, 1200.0),
    (2020, POL, DEU, P1, 1000.0), (2016, POL, DEU, P1, 800.0),
    (2021, POL, LVA, P1, 98000.0), (2020, POL, LVA, P1, 99000.0),
    (2019, POL, LVA, P1, 99000.0), (2018, POL, LVA, P1, 99000.0),
    (2017, POL, LVA, P1, 99000.0), (2016, POL, LVA, P1, 99200.0),
    (2021, FRA, DEU, P2, 500.0),
    (2021, POL, DEU, P3, 2000.0), (2021, FRA, DEU, P3, 2000.0), (2021, LVA, DEU, P3, 1000.0),
    (2020, POL, DEU, P3, 4000.0), (2016, POL, DEU, P3, 2000.0),
    (2021, POL, LVA, P3, 995000.0), (2020, POL, LVA, P3, 996000.0),
    (2016, POL, LVA, P3, 998000.0),
    (2021, LTU, POL, P4, 2000.0), (2021, DEU, POL, P4, 1000.0),
]
SMALL = WorldSpec(countries=30, products=150, years=6, rows_per_year=15_000, seed=5)
TEST_SOURCE = Provenance(source_id="test_inputs", title="test risk, tariffs and NTMs",
                         publisher="tests", url="file://tests", licence="test", edition="1")


def write_hand_world(folder: Path) -> list[Path]:
    frame = pd.DataFrame(HAND_FLOWS, columns=["t", "i", "j", "k", "v"]).assign(q=1.0)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year, rows in frame.groupby("t"):
        paths.append(folder / f"hand_{year}.parquet")
        rows.astype({"t": "int32", "i": "int32", "j": "int32"}).to_parquet(paths[-1],
                                                                           index=False)
    return paths


def cells(frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    return {(str(m), str(p), int(c)) for m, p, c in frame[["market", "product", "cell"]]
            .itertuples(index=False)}


def test_hand_computed_world(tmp_path: Path) -> None:
    """No macro data, no accessibility data: filter 1 and 3b keep every market (and say so).

    DEU 010111: imports 2,000 (LTU 400, POL 400, FRA 1,200) of world 100,000 (2%: large);
    up from 1,000 in 2020 (world flat) and 800 in 2016 (CAGR 2.5^(1/5) - 1 = 20%, world 0):
    row 5. HHI = 0.2^2 + 0.2^2 + 0.6^2 = 0.44 > 0.4, but LTU holds 20%: exempt. R = 400 /
    mean(400, 1,200) = 0.5: column 3 (0.5 is not below 0.5) -> cell 19; potential 800 - 400.
    DEU 020110: 500 < 1,000 minimum. DEU 030110: 5,000 of 1,000,000 (0.5%, not large), up
    from 4,000 and 2,000 (world flat): row 2; HHI 0.36; LTU absent: R = 0 -> cell 5, potential
    5,000 / 3. POL 040110: new in 2021, the only importer (large), no history: row 1; LTU has
    2/3 (exempt from HHI 5/9); R = 2,000 / 1,000 = 2 -> cell 4, no potential left.
    LVA 010111 and 030110: one supplier (HHI 1) and no LTU exports: concentrated.
    """
    paths = write_hand_world(tmp_path / "hand")
    result = run_baseline(paths, "LTU", 2021)
    opp = result.opportunities.set_index(["market", "product"])
    assert cells(result.opportunities) == {("DEU", P1, 19), ("DEU", P3, 5), ("POL", P4, 4)}
    assert opp.loc[("DEU", P1), "row_class"] == 5 and opp.loc[("DEU", P1), "col_class"] == 3
    assert opp.loc[("DEU", P1), "untapped_potential"] == pytest.approx(400.0)
    assert opp.loc[("DEU", P3), "untapped_potential"] == pytest.approx(5000 / 3)
    assert opp.loc[("POL", P4), "untapped_potential"] == 0.0
    assert opp.loc[("DEU", P1), "hhi"] == pytest.approx(0.44)
    assert opp.loc[("DEU", P1), "lt_growth"] == pytest.approx(2.5 ** 0.2 - 1)
    assert opp.loc[("DEU", P1), "relative_share"] == pytest.approx(0.5)
    excluded = set(result.excluded.itertuples(index=False, name=None))
    assert excluded == {("DEU", P2, "import_below_minimum"), ("LVA", P1, "concentrated"),
                        ("LVA", P3, "concentrated")}
    # a new product-market counts as growing on both horizons under zero_base = new_market
    new = run_baseline(paths, "LTU", 2021, replace(DSMConfig(), zero_base="new_market"))
    assert ("POL", P4, 20) in cells(new.opportunities)


def assert_same(engine: DSMResult, baseline: BaselineResult) -> None:
    """Identical opportunities and cells, the same values, the same reasons everywhere."""
    assert cells(engine.opportunities) == cells(baseline.opportunities)
    key = ["market", "product"]
    a = engine.opportunities.sort_values(key).reset_index(drop=True)
    b = baseline.opportunities.sort_values(key).reset_index(drop=True)
    for column in ("import_value", "home_exports", "untapped_potential", "row_class",
                   "col_class"):
        np.testing.assert_allclose(a[column], b[column], rtol=1e-9, err_msg=column)
    mine = {(m, p, r) for m, p, r in baseline.excluded.itertuples(index=False, name=None)}
    theirs = {(str(m), str(p), str(r)) for m, p, r in
              engine.excluded[["market", "product", "reason"]].itertuples(index=False)}
    assert theirs == mine
    screen = baseline.markets.set_index("market")
    screen = screen[screen["filter1_reason"] != "home_country"]
    theirs_f1 = engine.markets.set_index("market").reindex(screen.index)
    assert theirs_f1["filter1_reason"].fillna("").tolist() == screen["filter1_reason"].fillna(
        "").tolist()
    assert theirs_f1["access_class"].fillna("").tolist() == screen["access_class"].fillna(
        "").tolist()


def test_engine_equals_baseline_on_the_hand_world(tmp_path: Path) -> None:
    paths = write_hand_world(tmp_path / "hand")
    for config in (DSMConfig(), replace(DSMConfig(), zero_base="new_market", hhi_max=0.5)):
        engine = run_dsm(TradeSource.files(*paths), "LTU", 2021, config)
        assert_same(engine, run_baseline(paths, "LTU", 2021, config))


def test_engine_equals_baseline_on_the_engines_hand_world(tmp_path: Path) -> None:
    """tests/dsm/hand_world.py, whose every outcome test_hand_world.py derives by hand."""
    folder = hw.write_world(tmp_path / "hw")
    with Store() as store:
        hw.load_inputs(store)
        for config in (hw.CONFIG, DSMConfig(), replace(hw.CONFIG, zero_base="new_market")):
            engine = run_dsm(TradeSource.files(folder), "LTU", 2021, config, store)
            assert_same(engine, run_baseline([folder], "LTU", 2021, config, store))


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_world(SMALL, tmp_path_factory.mktemp("small")).paths


def _store_with_world(paths: list[Path], extra: bool) -> Store:
    """A store with the world's synthetic macro table, real distances and LPI, and with
    `extra` made-up risk ratings, tariffs and NTM ratios for some markets."""
    from marketscout.dsm.synthetic import load_world

    store = Store()
    load_world_inputs(store, load_world(paths[0].parent))
    if extra:
        rng = np.random.default_rng(3)
        iso = ["DEU", "FRA", "USA", "CHN", "POL", "BRA", "IND", "JPN", "TUR", "EGY", "NLD"]
        risk = pd.DataFrame({"iso3": np.repeat(iso, 2), "year": 2021,
                             "kind": ["political_st", "commercial"] * len(iso),
                             "rating": rng.integers(1, 8, 2 * len(iso)).astype(float),
                             "scale_max": 7})
        products = ["010111", "100190", "847130", "870323"]
        tariff = pd.DataFrame({"importer": np.repeat(iso, len(products)),
                               "exporter": [None, "LTU"] * (len(iso) * len(products) // 2),
                               "product": products * len(iso), "year": 2021,
                               "rate": rng.uniform(0, 20, len(iso) * len(products))})
        ntm = pd.DataFrame({"importer": iso, "product": "010111", "year": 2020,
                            "frequency": rng.uniform(0, 1, len(iso))})
        store.load({"risk_rating": risk, "tariff": tariff, "ntm": ntm}, TEST_SOURCE)
    return store


CONFIGS = {
    "defaults": DSMConfig(),
    "strict": replace(DSMConfig(), macro_rule="size_and_growth", hhi_max=0.25,
                      dominant_share=0.1, zero_base="new_market", top_suppliers=3,
                      position_cutoffs=(0.05, 0.3, 0.8), unrated_markets="drop",
                      access_normaliser="mean_ratio", red_keep_rows=(5,)),
    "loose": replace(DSMConfig(), min_import_value=0.0, large_market_share=0.05,
                     short_term_margin=0.05, long_term_years=3, drop_red=False,
                     missing_macro="exclude", risk_min_score=0.4),
}


@pytest.mark.parametrize(("name", "extra", "home"), [
    ("defaults", False, "LTU"), ("defaults", True, "NLD"), ("strict", True, "LTU"),
    ("strict", False, "NLD"), ("loose", True, "LTU")])
def test_engine_equals_baseline_on_a_synthetic_world(small_world: list[Path], name: str,
                                                     extra: bool, home: str) -> None:
    """Two homes (LTU, and the re-export hub NLD), three configs, with and without risk
    ratings, tariffs and NTMs: the reasons met include every filter 1 rule, concentration,
    red markets and 14 of the 20 cells."""
    with _store_with_world(small_world, extra) as store:
        engine = run_dsm(TradeSource.files(*small_world), home, 2021, CONFIGS[name], store)
        baseline = run_baseline(small_world, home, 2021, CONFIGS[name], store)
    assert engine.synthetic and baseline.synthetic
    assert len(baseline.opportunities) > 0
    assert_same(engine, baseline)


@pytest.mark.parametrize("years", [2, 3])
def test_engine_equals_baseline_with_few_years(years: int, tmp_path: Path) -> None:
    """Two years: t-1 but no long-term base; three: a base at t-2 (a 2-year CAGR)."""
    spec = replace(SMALL, years=years, seed=8)
    paths = generate_world(spec, tmp_path / "w").paths
    with _store_with_world(paths, extra=False) as store:
        engine = run_dsm(TradeSource.files(*paths), "LTU", 2021, DSMConfig(), store)
        baseline = run_baseline(paths, "LTU", 2021, DSMConfig(), store)
    assert_same(engine, baseline)
    assert (baseline.opportunities["row_class"] == 3).any()  # large, growing short term
