"""Filter 3b with imported tariffs and NTMs, and the parsers of the user's DSM inputs.

The hand world (hand_world.py) plus:
  tariffs: DEU 010110 4% and 020110 6% (mean 5); POL 010110 10% for LTU and 20% for everyone
  (LTU's own rate wins: 10); FIN 010110 0%.  Min-max: DEU 0.5, POL 1, FIN 0.
  NTM frequency: DEU 0.2, POL 0.2, FIN 0.6.            Min-max: DEU 0, POL 0, FIN 1.
  With distance (0, 0.2, 1) and LPI (0.1, 0, 1):
    DEU (0 + 0.1 + 0.5 + 0) / 4 = 0.15, POL (0.2 + 0 + 1 + 0) / 4 = 0.3, FIN 3/4 = 0.75.
  Tariffs and NTMs only (distance and LPI weighted 0): DEU 0.25, POL 0.5, FIN 0.5; terciles
  q1 = 0.25 + 2/3 * 0.25 = 0.4167, q2 = 0.5: DEU green, POL and FIN orange, so FIN's P3
  (row 5; LTU 80 vs 60, 60: R = 1.33, large -> cell 20) and P5 (row 1; R = 50/25 -> cell 4)
  become opportunities.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dsm import hand_world as hw
from marketscout.dsm.engine import run_dsm
from marketscout.dsm.trade import TradeSource
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.dsm_inputs import parse_ntm, parse_risk, parse_tariff
from marketscout.store import Store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hw.write_world(tmp_path_factory.mktemp("hand") / "baci")


@pytest.fixture
def with_tariffs(store: Store, tmp_path: Path) -> Store:
    hw.load_inputs(store)
    tariffs = tmp_path / "tariffs.csv"
    tariffs.write_text("market;product;partner;rate;year\nDEU;010110;;4;2021\n"
                       "DEU;20110;;6;2021\nPOL;010110;LTU;10;2021\nPOL;010110;;20;2021\n"
                       "FIN;010110;;0;2021\n", encoding="utf-8")
    ntm = tmp_path / "ntm.csv"
    ntm.write_text("market,product,frequency\nDEU,010110,0.2\nPOL,010110,0.2\n"
                   "FIN,010110,0.6\n", encoding="utf-8")
    for parsed in (parse_tariff(tariffs), parse_ntm(ntm, year=2021)):
        store.load(parsed.tables, parsed.provenance)
    return store


def test_tariffs_and_ntms_enter_the_index(world: Path, with_tariffs: Store) -> None:
    result = run_dsm(TradeSource.files(world), "LTU", 2021, hw.CONFIG, with_tariffs)
    markets = result.markets.set_index("market")
    assert markets.loc[["DEU", "POL", "FIN"], "tariff"].tolist() == [5.0, 10.0, 0.0]
    assert markets.loc[["DEU", "POL", "FIN"], "ntm"].tolist() == pytest.approx([0.2, 0.2, 0.6])
    assert markets.loc[["DEU", "POL", "FIN"], "access_index"].tolist() == pytest.approx(
        [0.15, 0.3, 0.75])
    assert set(markets["access_variables"]) == {"distance,lpi,tariff,ntm"}


def test_weights_change_the_classes(world: Path, with_tariffs: Store) -> None:
    config = replace(hw.CONFIG, weight_distance=0.0, weight_lpi=0.0)
    result = run_dsm(TradeSource.files(world), "LTU", 2021, config, with_tariffs)
    markets = result.markets.set_index("market")
    assert markets.loc[["DEU", "POL", "FIN"], "access_class"].tolist() == [
        "green", "orange", "orange"]
    assert set(markets["access_variables"]) == {"tariff,ntm"}
    opp = result.opportunities.set_index(["market", "product"])
    assert opp.loc[("FIN", "030110"), "cell"] == 20
    assert opp.loc[("FIN", "850110"), "cell"] == 4
    assert len(opp) == 8


def test_mean_ratio_normaliser(world: Path, store: Store) -> None:
    """Distance / mean (1000): 0.6, 0.8, 1.6; mean LPI (3.6333) / LPI: 0.9316, 0.9083, 1.2111."""
    hw.load_inputs(store)
    config = replace(hw.CONFIG, access_normaliser="mean_ratio")
    markets = run_dsm(TradeSource.files(world), "LTU", 2021, config, store).markets
    mean_lpi = (3.9 + 4.0 + 3.0) / 3
    expected = [(0.6 + mean_lpi / 3.9) / 2, (0.8 + mean_lpi / 4.0) / 2, (1.6 + mean_lpi / 3) / 2]
    assert markets.set_index("market").loc[["DEU", "POL", "FIN"], "access_index"].tolist() \
        == pytest.approx(expected)


def test_red_markets_keep_chosen_rows(world: Path, store: Store) -> None:
    """red_keep_rows = [5] keeps FIN P3 (row 5) although FIN is red; FIN P5 (row 1) stays out."""
    hw.load_inputs(store)
    result = run_dsm(TradeSource.files(world), "LTU", 2021,
                     replace(hw.CONFIG, red_keep_rows=(5,)), store)
    fin = result.opportunities[result.opportunities["market"] == "FIN"]
    assert fin["product"].tolist() == ["030110"]


# --- the parsers --------------------------------------------------------------------------


def test_risk_letters_and_numbers(tmp_path: Path) -> None:
    csv = tmp_path / "risk.csv"
    csv.write_text("market,political_st,commercial\nDEU,2,A\nFRA,3,C\n", encoding="utf-8")
    table = parse_risk(csv, year=2022).tables["risk_rating"]
    rows = sorted(table[["iso3", "kind", "rating", "scale_max"]].itertuples(index=False))
    assert [tuple(r) for r in rows] == [
        ("DEU", "commercial", 1.0, 3), ("DEU", "political_st", 2.0, 7),
        ("FRA", "commercial", 3.0, 3), ("FRA", "political_st", 3.0, 7)]
    assert set(table["year"]) == {2022}


@pytest.mark.parametrize(("text", "message"), [
    ("market,political_st\nDEU,8\n", "Value above 7"),
    ("market,political_st\nDEU,2.5\n", "Not a whole number"),
    ("market,commercial\nDEU,A\nFRA,4\n", "Mixed letter and number"),
    ("market,year\nDEU,2021\n", "Missing column 'political_st'"),
    ("market,political_st,year\nNarnia,2,2021\n", "Unknown country"),
])
def test_risk_errors_name_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    csv = tmp_path / "risk.csv"
    csv.write_text(text, encoding="utf-8")
    with pytest.raises((InputError, UnknownCountryError), match=message) as caught:
        parse_risk(csv, year=2021)
    assert str(csv) in (caught.value.where or "")


@pytest.mark.parametrize(("text", "message"), [
    ("market,product,rate\nDEU,0101,5\n", "Not an HS6 product code: '0101'"),
    ("market,product,rate\nDEU,010110,-1\n", "Value below 0"),
    ("market,product,rate\nDEU,010110,5\nDEU,10110,6\n", "Duplicated rows"),
])
def test_tariff_errors(tmp_path: Path, text: str, message: str) -> None:
    csv = tmp_path / "tariff.csv"
    csv.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        parse_tariff(csv, year=2021)


def test_ntm_frequency_must_be_a_share(tmp_path: Path) -> None:
    csv = tmp_path / "ntm.csv"
    csv.write_text("market,product,frequency,year\nDEU,010110,35,2021\n", encoding="utf-8")
    with pytest.raises(InputError, match="Value above 1") as caught:
        parse_ntm(csv)
    assert "row 2" in (caught.value.where or "")
