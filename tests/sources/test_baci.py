"""CEPII BACI parsers: country codes, product codes and trade flows."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.baci import parse_country_codes, parse_product_codes, parse_trade
from marketscout.store import Store

FLOW_COLUMNS = ["year", "exporter", "importer", "product", "value", "quantity"]


@pytest.fixture
def trade(fixtures: Path) -> Path:
    return fixtures / "baci" / "BACI_HS92_Y2021_V202301_small.csv"


@pytest.fixture
def country_codes(fixtures: Path) -> Path:
    return fixtures / "baci" / "country_codes_V202301_small.csv"


@pytest.fixture
def product_codes(fixtures: Path) -> Path:
    return fixtures / "baci" / "product_codes_HS92_V202301_small.csv"


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


# --- trade flows: synthetic fixture --------------------------------------------------------


def test_trade_flows(trade: Path) -> None:
    parsed = parse_trade(trade)
    table = parsed.tables["trade_flow"]
    assert list(table.columns) == FLOW_COLUMNS
    assert len(table) == 6
    assert table["exporter"].astype(str).tolist() == ["LTU"] * 4 + ["ZAF", "AFG"]
    # BACI's own codes: 490 Other Asia nes = Taiwan, 251 France, 699 India, 842 USA
    assert table["importer"].astype(str).tolist() == ["DEU", "DEU", "TWN", "FRA", "USA", "IND"]
    # leading zeros restored: 10121 -> 010121
    assert table["product"].astype(str).tolist() == [
        "010121", "847130", "847130", "030211", "710812", "080211",
    ]
    assert table["value"].sum() == 2121.25  # thousand USD, as in BACI
    assert table["quantity"].isna().tolist() == [False, True, False, True, False, False]
    assert table["quantity"].iloc[4] == 1234.567
    assert (table["year"] == 2021).all()


def test_trade_provenance(trade: Path, tmp_path: Path) -> None:
    prov = parse_trade(trade).provenance
    assert (prov.source_id, prov.edition, prov.partial) == ("baci_hs92_2021", "HS92 V202301", False)
    assert (prov.rows, prov.countries, prov.years) == (6, 8, "2021")
    assert parse_trade(trade, source_id="baci_mine").provenance.source_id == "baci_mine"
    sample = tmp_path / "baci_hs92_2021_sample_ltu.csv"
    shutil.copy(trade, sample)
    prov = parse_trade(sample).provenance
    assert prov.partial
    assert "exporters AFG, LTU, ZAF only" in prov.note


def test_trade_gzip_and_store(trade: Path, tmp_path: Path, store: Store) -> None:
    packed = tmp_path / "BACI_HS92_Y2021_V202301.csv.gz"
    packed.write_bytes(gzip.compress(trade.read_bytes()))
    parsed = parse_trade(packed)
    assert parsed.tables["trade_flow"].equals(parse_trade(trade).tables["trade_flow"])
    store.load(parsed.tables, parsed.provenance)
    got = store.query("SELECT product, quantity FROM trade_flow WHERE importer = 'TWN'")
    assert got.to_dict("records") == [{"product": "847130", "quantity": 0.5}]


def test_trade_drops_non_country_partners(trade: Path, tmp_path: Path) -> None:
    text = trade.read_text() + "2021,440,849,847130,40.5,\"        1.000\"\n"
    nes = tmp_path / "BACI_HS92_Y2021_V202301.csv"
    nes.write_text(text)
    parsed = parse_trade(nes)
    assert parsed.tables["trade_flow"].equals(parse_trade(trade).tables["trade_flow"])
    assert parsed.provenance.note == (
        "Dropped 1 flows worth 40.5 thousand USD with partners that are no country "
        "(849 US Misc. Pacific Isds)."
    )


def test_trade_not_a_number(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", "100.25", "1O0.25")
    with pytest.raises(InputError, match="Not a number") as err:
        parse_trade(bad)
    assert "row 3, column 'v'" in str(err.value)


def test_trade_decimal_comma(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", "2021,4,699,80211,0.375,", '2021,4,699,80211,"0,375",')
    with pytest.raises(InputError, match="Comma in the number") as err:
        parse_trade(bad)
    assert "row 7, column 'v'" in str(err.value)


def test_trade_blank_value(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", ",7.125,", ",,")
    with pytest.raises(InputError, match="Missing value") as err:
        parse_trade(bad)
    assert "row 4, column 'v'" in str(err.value)


def test_trade_unknown_country(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", "2021,4,699", "2021,4,999")
    with pytest.raises(UnknownCountryError, match="999") as err:
        parse_trade(bad)
    assert "row 7, column 'j'" in str(err.value)


def test_trade_bad_product(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", ",30211,", ",3021,")
    with pytest.raises(InputError, match="Not an HS6 product code: 3021") as err:
        parse_trade(bad)
    assert "row 5, column 'k'" in str(err.value)


def test_trade_duplicated_flow(trade: Path, tmp_path: Path) -> None:
    text = trade.read_text()
    bad = tmp_path / "t.csv"
    bad.write_text(text + text.splitlines()[3] + "\n")
    with pytest.raises(InputError, match="same flow") as err:
        parse_trade(bad)
    assert "rows 4 and 8" in str(err.value)


def test_trade_missing_column(trade: Path, tmp_path: Path) -> None:
    bad = edited(trade, tmp_path / "t.csv", '"q"', '"qty"')
    with pytest.raises(InputError, match="'q'") as err:
        parse_trade(bad)
    assert "header row" in str(err.value)


def test_trade_wrong_separator(trade: Path, tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text(trade.read_text().replace(",", ";"))
    with pytest.raises(InputError, match="separated by ','") as err:
        parse_trade(bad)
    assert "row 1" in str(err.value)


def test_trade_empty_and_truncated(trade: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="cannot be read") as err:
        parse_trade(empty)
    assert str(empty) in str(err.value)
    packed = gzip.compress(trade.read_bytes() * 50)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(InputError, match="truncated") as err:
        parse_trade(cut)
    assert str(cut) in str(err.value)


def test_trade_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "BACI_HS92_V202301.zip"
    archive.write_bytes(b"PK")
    with pytest.raises(InputError, match="Extract the year"):
        parse_trade(archive)


# --- code tables: synthetic fixtures -------------------------------------------------------


def test_country_codes(country_codes: Path) -> None:
    parsed = parse_country_codes(country_codes)
    table = parsed.tables["baci_country"].set_index("code")
    assert list(parsed.tables["baci_country"].columns) == ["code", "iso3", "name"]
    assert table.loc[490, "iso3"] == "TWN"  # N/A in the file: "Other Asia, nes"
    assert table.loc[490, "name"] == "Other Asia, nes"
    assert table.loc[251, "iso3"] == "FRA"
    assert table.loc[842, "name"] == "USA"
    assert table["iso3"].isna().sum() == 1  # 697 Europe EFTA, nes
    assert parsed.provenance.note == "No ISO3 for the non-country codes: Europe EFTA, nes."
    assert parsed.provenance.source_id == "baci_country_codes"


def test_country_codes_v202401_header(country_codes: Path, tmp_path: Path) -> None:
    header = "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
    renamed = edited(country_codes, tmp_path / "c.csv", header + "iso_3digit_alpha",
                     "country_code,country_name,country_name_full,country_iso2,country_iso3")
    table = parse_country_codes(renamed).tables["baci_country"]
    assert table.equals(parse_country_codes(country_codes).tables["baci_country"])


def test_country_codes_duplicated(country_codes: Path, tmp_path: Path) -> None:
    bad = edited(country_codes, tmp_path / "c.csv", "699,India", "276,India")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_country_codes(bad)
    assert "rows 4 and 8" in str(err.value)


def test_country_codes_not_whole(country_codes: Path, tmp_path: Path) -> None:
    bad = edited(country_codes, tmp_path / "c.csv", "699,India", "69.9,India")
    with pytest.raises(InputError, match="whole number") as err:
        parse_country_codes(bad)
    assert "row 8, column 'country_code'" in str(err.value)


def test_product_codes(product_codes: Path) -> None:
    parsed = parse_product_codes(product_codes)
    table = parsed.tables["baci_product"]
    assert list(table.columns) == ["code", "description"]
    assert table["code"].tolist() == ["010121", "030211", "080211", "710812", "847130"]
    assert table["description"].iloc[1] == "Fish: trout, fresh or chilled"


def test_product_codes_bad(product_codes: Path, tmp_path: Path) -> None:
    bad = edited(product_codes, tmp_path / "p.csv", "80211,", "8021X,")
    with pytest.raises(InputError, match="Not an HS6 product code") as err:
        parse_product_codes(bad)
    assert "row 4, column 'code'" in str(err.value)
    dup = edited(product_codes, tmp_path / "d.csv", "80211,", "030211,")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_product_codes(dup)
    assert "rows 3 and 4" in str(err.value)


# --- the real files in ../shared/data --------------------------------------------------------


@pytest.mark.rawdata
def test_real_product_codes(raw_data: Path) -> None:
    table = parse_product_codes(
        raw_data / "trade" / "baci_product_codes_HS92_V202301.csv"
    ).tables["baci_product"]
    assert len(table) == table["code"].nunique() == 5021
    assert (table["code"].str.len() == 6).all()
    assert table["code"].iloc[0] == "010111"


@pytest.mark.rawdata
def test_real_country_codes(raw_data: Path) -> None:
    table = parse_country_codes(
        raw_data / "trade" / "baci_country_codes_V202301.csv"
    ).tables["baci_country"].set_index("code")
    assert len(table) == 238
    assert table.loc[490, "iso3"] == "TWN"
    assert table.loc[[251, 699, 757, 842], "iso3"].tolist() == ["FRA", "IND", "CHE", "USA"]
    assert table.loc[440, "iso3"] == "LTU"


@pytest.mark.rawdata
def test_real_trade_sample(raw_data: Path) -> None:
    path = raw_data / "trade" / "baci_hs92_2021_sample_zaf_afg.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    parsed = parse_trade(path)
    table = parsed.tables["trade_flow"]
    assert len(table) == len(rows) == 71192
    assert table["value"].sum() == pytest.approx(sum(float(r["v"]) for r in rows), rel=1e-12)
    assert table["quantity"].isna().sum() == sum(r["q"].strip() in ("", "NA") for r in rows)
    assert set(table["exporter"].astype(str)) == {"ZAF", "AFG"}
    assert (table["product"].astype(str).str.len() == 6).all()
    assert (table["product"].astype(str) == "0" + table["product"].astype(str).str[1:]).sum() \
        == sum(len(r["k"]) == 5 for r in rows)
    prov = parsed.provenance
    assert (prov.source_id, prov.partial, prov.years) == ("baci_hs92_2021", True, "2021")
    assert "exporters AFG, ZAF only" in prov.note
