"""The DSM engine on the hand-built world of hand_world.py: every number below is worked out
by hand from the tables in that module's docstring (home LTU; markets DEU, POL, FIN).

Filter 1 (defaults: percentiles 0.5, rule 'any', growth over 2019-2021):
  GDP threshold = median(100, 200, 300, 4000) = 250: DEU 4000 and FIN 300 pass, POL 200 not.
  GDP per capita threshold = median(10, 40, 50, 60) = 45: DEU 50, FIN 60 pass; POL 10 not.
  World growth = GDP-weighted (1*4000 + 5*200 + 0*300 + 2*100) / 4600 = 1.1304% each year:
  POL 5% passes; DEU 1% and FIN 0% do not. Per-capita growth equals growth (population
  constant). Rule 'any': all three markets pass (DEU, FIN on size, POL on growth).

Filter 2 (large from 30% of world imports; growth compared with the world, strictly):
  P1 world 500 (2016), 590 (2020), 800 (2021): short term +35.59%, CAGR 1.6^0.2-1 = 9.856%.
    DEU 300: 37.5% large; +50% > 35.59%; CAGR 3^0.2-1 = 24.57% > 9.86%  -> row 5
    POL 100: 12.5% not large; 100/70-1 = +42.86%; CAGR 2^0.2-1 = 14.87%  -> row 2
    FIN 200: 25%, +0%, 0%                                                 -> not_large_not_growing
  P2 world 400, 600, 700: short term +16.67%, CAGR 1.75^0.2-1 = 11.84%.
    DEU 300: 42.86% large; +0%; CAGR 24.57%                               -> row 4
    POL 100: 14.3%, +0%, 0%                                               -> not_large_not_growing
    FIN 150: 21.4%; +50%; CAGR 1.5^0.2-1 = 8.45% < 11.84%                 -> not_large_not_growing
  P3 world 500, 400, 500: short term +25%, CAGR 0%.
    DEU 150: exactly 30% (large); +50%; CAGR 0.75^0.2-1 = -5.59%          -> row 3
    POL 60: 12%; -40%                                                     -> not_large_not_growing
    FIN 200: 40% large; +100%; CAGR 14.87%                                -> row 5
  P4 world 500, 500, 500: short term 0%, CAGR 0%.
    DEU 200: 40% large; 0% is not above 0%                                -> row 1
    POL 160: 32% large; +60%; CAGR 9.86%                                  -> row 5
    FIN 100: 20%; 0%                                                      -> not_large_not_growing
  P5 world 205 (2016), 225 (2017), 245 (2020), 285 (2021).
    DEU 5 < 10 minimum                                                    -> import_below_minimum
    POL 80: 28.07% not large; 80/40-1 = +100% > +16.33%; no imports in 2016, so the CAGR
      starts in 2017: (80/20)^(1/4)-1 = 41.42% vs world (285/225)^(1/4)-1 = 6.09% -> row 2
    FIN 100: 35.09% large; 0% vs +16.33%; CAGR 0% vs 6.81%                -> row 1

Filter 3a (HHI above 0.5 excluded unless LTU holds at least 60%):
  DEU P1 (10,140,150)/300: 42200/90000 = 0.4689; P2 (30,135,135): 0.415; P3 (40,55,55)/150:
  0.34; P4 (100,60,40)/200: 0.38. POL P1: LTU the only supplier, HHI 1 but share 100%: exempt.
  POL P4 (140,10,10)/160: 19800/25600 = 0.7734, LTU 6.25%: concentrated. POL P5 (20,30,30)/80:
  0.34375. FIN P3 (80,60,60)/200: 0.34; FIN P5 (50,25,25)/100: 0.375.

Filter 3b (distance DEU 600, POL 800, FIN 1600; LPI 3.9, 4.0, 3.0; min-max, mean of two):
  DEU (0 + 0.1)/2 = 0.05; POL (0.2 + 0)/2 = 0.1; FIN (1 + 1)/2 = 1. Terciles of (0.05, 0.1, 1):
  q1 = 0.05 + 2/3 * 0.05 = 0.0833, q2 = 0.1 + 1/3 * 0.9 = 0.4: DEU green, POL orange, FIN red
  (FIN P3 and P5 dropped as red_market).

Filter 4 (R = LTU's value / mean of the other suppliers, at most 6; cut-offs 0.1, 0.5, 1):
  DEU P1 10/145 = 0.069 small (col 1) -> cell 17; potential 145 - 10 = 135
  DEU P2 30/135 = 0.222 col 2 -> cell 14; potential 105
  DEU P3 40/55 = 0.727 col 3 -> cell 11; potential 15
  DEU P4 100/50 = 2 col 4 -> cell 4; potential 0
  POL P1 LTU the only supplier: col 4 -> cell 8; potential 0
  POL P5 20/30 = 0.667 col 3 -> cell 7; potential 10
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dsm import hand_world as hw
from marketscout.dsm.engine import DSMResult, run_dsm, run_dsm_all
from marketscout.dsm.trade import TradeSource
from marketscout.errors import DataNotAvailableError, InputError
from marketscout.sources.dsm_inputs import parse_risk
from marketscout.store import Store

EXPECTED = {  # (market, product): (row, column, cell, imports, LTU exports, potential, HHI)
    ("DEU", "010110"): (5, 1, 17, 300, 10, 135, 42200 / 90000),
    ("DEU", "020110"): (4, 2, 14, 300, 30, 105, 37350 / 90000),
    ("DEU", "030110"): (3, 3, 11, 150, 40, 15, 7650 / 22500),
    ("DEU", "040110"): (1, 4, 4, 200, 100, 0, 15200 / 40000),
    ("POL", "010110"): (2, 4, 8, 100, 100, 0, 1.0),
    ("POL", "850110"): (2, 3, 7, 80, 20, 10, 2200 / 6400),
}
EXCLUDED = {
    ("DEU", "850110"): ("2", "import_below_minimum"),
    ("POL", "020110"): ("2", "not_large_not_growing"),
    ("POL", "030110"): ("2", "not_large_not_growing"),
    ("POL", "040110"): ("3a", "concentrated"),
    ("FIN", "010110"): ("2", "not_large_not_growing"),
    ("FIN", "020110"): ("2", "not_large_not_growing"),
    ("FIN", "030110"): ("3b", "red_market"),
    ("FIN", "040110"): ("2", "not_large_not_growing"),
    ("FIN", "850110"): ("3b", "red_market"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hw.write_world(tmp_path_factory.mktemp("hand") / "baci")


@pytest.fixture
def inputs(store: Store) -> Store:
    return hw.load_inputs(store)


@pytest.fixture(scope="module")
def base(world: Path) -> DSMResult:
    """The default run (home LTU, 2021, the test thresholds), shared by the read-only tests."""
    with Store() as store:
        return run(world, hw.load_inputs(store))


def run(world: Path, store: Store, **changes: object) -> DSMResult:
    return run_dsm(TradeSource.files(world), "LTU", 2021, replace(hw.CONFIG, **changes), store)


def by_pair(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["market", "product"])


def test_every_opportunity_and_its_cell(base: DSMResult) -> None:
    opp = by_pair(base.opportunities)
    assert set(opp.index) == set(EXPECTED)
    for pair, (row, col, cell, imports, exports, potential, hhi) in EXPECTED.items():
        got = opp.loc[pair]
        assert (got["row_class"], got["col_class"], got["cell"]) == (row, col, cell), pair
        assert got["import_value"] == imports and got["home_exports"] == exports, pair
        assert got["untapped_potential"] == pytest.approx(potential), pair
        assert got["hhi"] == pytest.approx(hhi), pair


def test_a_product_code_written_two_ways_is_one_product(tmp_path: Path, inputs: Store) -> None:
    """History rows split in halves, one coded 10110 and one 010110 (text codes, as files of
    two origins can hold): the same opportunities, cells and exclusions as the hand world."""
    frame = hw.flows().astype({"k": str})
    history = frame[frame["t"] < 2021]
    halves = history.assign(v=history["v"] / 2)
    padded = halves.assign(k=halves["k"].str.zfill(6))
    mixed = pd.concat([frame[frame["t"] == 2021], halves, padded])
    result = run(hw.write_world(tmp_path / "mixed", mixed), inputs)
    opp = by_pair(result.opportunities)
    assert set(opp.index) == set(EXPECTED) and len(opp) == len(EXPECTED)
    for pair, (row, col, cell, *_rest) in EXPECTED.items():
        assert tuple(opp.loc[pair, ["row_class", "col_class", "cell"]]) == (row, col, cell), pair
    excluded = by_pair(result.excluded)
    assert {pair: (str(excluded.loc[pair, "filter"]), excluded.loc[pair, "reason"])
            for pair in EXCLUDED} == EXCLUDED


def test_growth_shares_and_relative_position(base: DSMResult) -> None:
    opp = by_pair(base.opportunities)
    p1 = opp.loc[("DEU", "010110")]
    assert p1["world_share"] == pytest.approx(0.375)
    assert p1["st_growth"] == pytest.approx(0.5)
    assert p1["world_st_growth"] == pytest.approx(800 / 590 - 1)
    assert p1["lt_growth"] == pytest.approx(3 ** 0.2 - 1)
    assert p1["world_lt_growth"] == pytest.approx(1.6 ** 0.2 - 1)
    assert p1["lt_span"] == 5
    assert p1["relative_share"] == pytest.approx(10 / 145)
    assert p1["benchmark_share"] == pytest.approx(145 / 300)
    p5 = opp.loc[("POL", "850110")]  # no imports in 2016: the CAGR runs from 2017
    assert p5["lt_span"] == 4
    assert p5["lt_growth"] == pytest.approx(4 ** 0.25 - 1)
    assert p5["world_lt_growth"] == pytest.approx((285 / 225) ** 0.25 - 1)
    assert p5["relative_share"] == pytest.approx(20 / 30)
    assert pd.isna(opp.loc[("POL", "010110"), "relative_share"])  # LTU the only supplier
    assert opp.loc[("DEU", "040110"), "relative_share"] == pytest.approx(2.0)


def test_every_exclusion_keeps_its_filter_and_reason(base: DSMResult) -> None:
    excluded = by_pair(base.excluded)
    got = {pair: (str(r["filter"]), str(r["reason"])) for pair, r in excluded.iterrows()}
    assert got == EXCLUDED


def test_markets_summary_and_histogram(base: DSMResult) -> None:
    markets = base.markets.set_index("market")
    assert list(markets.index) == ["DEU", "POL", "FIN"]  # by untapped potential
    deu, pol, fin = markets.loc["DEU"], markets.loc["POL"], markets.loc["FIN"]
    assert (deu["opportunities"], deu["opportunity_imports"], deu["home_exports"],
            deu["untapped_potential"]) == (4, 950, 180, 255)
    assert (pol["opportunities"], pol["opportunity_imports"], pol["home_exports"],
            pol["untapped_potential"]) == (2, 180, 120, 10)
    assert fin["opportunities"] == 0 and fin["untapped_potential"] == 0
    cells = [f"cell_{c}" for c in range(1, 21)]
    assert [c for c in cells if deu[c]] == ["cell_4", "cell_11", "cell_14", "cell_17"]
    assert [c for c in cells if pol[c]] == ["cell_7", "cell_8"]
    assert fin[cells].sum() == 0


def test_country_screen_and_accessibility(base: DSMResult) -> None:
    markets = base.markets.set_index("market")
    assert markets["passed_filter1"].all()
    assert markets.loc["POL", "growth"] == pytest.approx(5.0)
    assert list(markets["access_class"]) == ["green", "orange", "red"]
    assert markets["access_index"].tolist() == pytest.approx([0.05, 0.1, 1.0])
    assert set(markets["access_variables"]) == {"distance,lpi"}


def test_funnel(base: DSMResult) -> None:
    funnel = base.funnel
    assert funnel["markets"].tolist() == [3, 3, 3, 3, 2, 2]
    assert funnel["product_markets"].tolist() == [15, 15, 9, 8, 6, 6]


def test_one_competitor_benchmark(world: Path, inputs: Store) -> None:
    """top_suppliers = 1: the benchmark is the largest supplier other than LTU.
    DEU P1: LTU ranks 3rd, benchmark 150: R = 10/150 (small), potential 140. DEU P4: LTU
    ranks 1st, benchmark = the next, 60: R = 100/60 = 1.67 (large), potential 0."""
    opp = by_pair(run(world, inputs, top_suppliers=1).opportunities)
    assert opp.loc[("DEU", "010110"), "untapped_potential"] == pytest.approx(140)
    assert opp.loc[("DEU", "010110"), "relative_share"] == pytest.approx(10 / 150)
    assert opp.loc[("DEU", "040110"), "relative_share"] == pytest.approx(100 / 60)
    assert opp.loc[("DEU", "040110"), "cell"] == 4


def test_macro_rules(world: Path, inputs: Store) -> None:
    """size_and_growth: DEU and FIN are big but grow below the world's 1.13%; POL grows at
    5% but is small. A 5-point growth margin leaves POL (5 < 6.13) failing every test."""
    reasons = run(world, inputs, macro_rule="size_and_growth").excluded_markets
    assert dict(zip(reasons["market"], reasons["filter1_reason"], strict=True)) == {
        "DEU": "macro_too_slow", "POL": "macro_too_small", "FIN": "macro_too_slow"}
    margin = run(world, inputs, growth_margin=5.0, per_capita_growth_margin=5.0)
    assert margin.excluded_markets.to_dict("records") == [
        {"market": "POL", "filter1_reason": "macro_small_and_slow"}]
    assert margin.funnel["product_markets"].tolist()[:2] == [15, 10]


def test_missing_macro_data(world: Path, store: Store) -> None:
    """Without POL's rows POL is kept and flagged, or excluded when so configured."""
    frame = hw.macro()
    dist, lpi = hw.access()
    store.load({"wb_indicator": frame[frame["iso3"] != "POL"], "distance": dist, "lpi": lpi},
               hw.TEST_SOURCE)
    kept = run(world, store).markets.set_index("market")
    assert kept.loc["POL", "passed_filter1"] and kept.loc["POL", "filter1_note"] == "no_macro_data"
    dropped = run(world, store, missing_macro="exclude").markets.set_index("market")
    assert dropped.loc["POL", "filter1_reason"] == "no_macro_data"


def test_no_macro_and_no_access_data_say_so(world: Path, store: Store) -> None:
    result = run(world, store)
    assert any("no GDP data" in w for w in result.warnings)
    assert any("unrated and kept" in w for w in result.warnings)
    # nothing is dropped for accessibility, so FIN's two pairs are opportunities too
    assert len(result.opportunities) == 8
    dropped = run(world, store, unrated_markets="drop")
    assert dropped.opportunities.empty
    assert set(dropped.excluded["reason"].astype(str)) >= {"unrated_market"}


def test_risk_ratings(world: Path, inputs: Store, tmp_path: Path) -> None:
    """DEU rated 2, 2 and B: transformed (8-2)/7, (8-2)/7, (4-2)/3, mean 0.7937. POL has a
    7 (the worst class). FIN has no rating: kept and flagged by default, excluded with
    risk_missing = "exclude" unless whitelisted."""
    csv = tmp_path / "risk.csv"
    csv.write_text("country,year,political_st,political_mlt,commercial\n"
                   "Germany,2021,2,2,B\nPOL,2021,7,5,\n", encoding="utf-8")
    parsed = parse_risk(csv)
    inputs.load(parsed.tables, parsed.provenance)
    kept = run(world, inputs).markets.set_index("market")
    assert bool(kept.loc["FIN", "passed_filter1"])
    assert kept.loc["FIN", "filter1_note"] == "no_risk_rating"
    result = run(world, inputs, risk_missing="exclude")
    markets = result.markets.set_index("market")
    assert markets.loc["DEU", "risk_score"] == pytest.approx((6 / 7 * 2 + 2 / 3) / 3)
    assert dict(zip(result.excluded_markets["market"],
                    result.excluded_markets["filter1_reason"], strict=True)) == {
        "POL": "risk_worst_class", "FIN": "no_risk_rating"}
    # with one market left, it is its own tercile: green
    assert markets.loc["DEU", "access_class"] == "green" and len(result.opportunities) == 4
    low = run(world, inputs, risk_min_score=0.8, risk_whitelist=("FIN",),
              risk_missing="exclude")
    assert dict(zip(low.excluded_markets["market"], low.excluded_markets["filter1_reason"],
                    strict=True)) == {"DEU": "risk_score_low", "POL": "risk_worst_class"}
    assert not any("no country risk ratings" in w for w in low.warnings)


def test_zero_base_treatments(world: Path, inputs: Store) -> None:
    """A 5-year minimum span leaves POL P5 (4 years from 2017) without a CAGR: size_only makes
    it not growing (excluded), new_market makes it growing (row 2, cell 7 again)."""
    strict = run(world, inputs, long_term_min_span=5)
    assert by_pair(strict.excluded).loc[("POL", "850110"), "reason"] == "not_large_not_growing"
    new = run(world, inputs, long_term_min_span=5, zero_base="new_market")
    assert by_pair(new.opportunities).loc[("POL", "850110"), "cell"] == 7


def test_years_missing_from_the_data(tmp_path: Path, inputs: Store) -> None:
    """Without 2020 short-term growth is not tested: DEU P1 (large, growing long term) moves
    from row 5 to row 4 (cell 13); with filter2.insufficient_years = error it stops."""
    frame = hw.flows()
    folder = hw.write_world(tmp_path / "no2020", frame[frame["t"] != 2020])
    result = run(folder, inputs)
    assert any("no trade data for 2020" in w for w in result.warnings)
    assert by_pair(result.opportunities).loc[("DEU", "010110"), "cell"] == 13
    with pytest.raises(InputError, match="short-term growth was not tested"):
        run(folder, inputs, insufficient_years="error")
    older = hw.write_world(tmp_path / "no2016", frame[frame["t"] != 2016])
    shorter = run(older, inputs)
    assert any("runs from 2017 (4 years instead of 5)" in w for w in shorter.warnings)
    assert by_pair(shorter.opportunities).loc[("DEU", "010110"), "lt_span"] == 4
    with pytest.raises(DataNotAvailableError, match="no flows for 2022"):
        run_dsm(TradeSource.files(folder), "LTU", 2022, hw.CONFIG, inputs)


def test_all_exporters_match_one_home_at_a_time(world: Path, inputs: Store,
                                                tmp_path: Path) -> None:
    out = tmp_path / "all.parquet"
    everyone = run_dsm_all(TradeSource.files(world), 2021, hw.CONFIG, inputs, output=out)
    assert everyone.homes == 4
    detail = pd.read_parquet(out)
    for home in ("LTU", "DEU", "POL", "FIN"):
        one = run_dsm(TradeSource.files(world), home, 2021, hw.CONFIG, inputs)
        mine = detail[detail["home"] == home]
        assert cells(mine) == cells(one.opportunities), home
        summary = everyone.summary[everyone.summary["home"] == home].set_index("market")
        for market, row in one.markets.set_index("market").iterrows():
            if row["opportunities"]:
                assert summary.loc[market, "untapped_potential"] == pytest.approx(
                    row["untapped_potential"])
    ltu = everyone.summary[everyone.summary["home"] == "LTU"].set_index("market")
    assert ltu["opportunities"].to_dict() == {"DEU": 4, "POL": 2}


def cells(frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    return {(str(m), str(p), int(c)) for m, p, c in
            frame[["market", "product", "cell"]].itertuples(index=False)}
