"""World Bank LPI parser."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.lpi import INDICATORS, parse_lpi
from marketscout.store import Store


@pytest.fixture
def lpi(fixtures: Path) -> Path:
    return fixtures / "lpi" / "lpi_2023_small.csv"


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_lpi_long_table(lpi: Path) -> None:
    parsed = parse_lpi(lpi)
    table = parsed.tables["lpi"]
    assert list(table.columns) == ["iso3", "year", "indicator", "score", "rank"]
    assert len(table) == 5 * 7
    assert set(table["indicator"]) == {
        "overall", "customs", "infrastructure", "international_shipments",
        "logistics_competence", "timeliness", "tracking_tracing",
    }
    assert (table["year"] == 2023).all()
    ltu = table[table.iso3 == "LTU"].set_index("indicator")
    assert (ltu.loc["overall", "score"], ltu.loc["overall", "rank"]) == (3.4, 38.0)
    assert ltu.loc["tracking_tracing", "rank"] == 62.0
    assert ltu.loc["logistics_competence", "score"] == 3.6


def test_lpi_names(lpi: Path) -> None:
    table = parse_lpi(lpi).tables["lpi"]
    # "Korea, Rep." and "Gambia, The" are quoted; "TC<rkiye" is the republisher's broken Türkiye
    assert table["iso3"].unique().tolist() == ["SGP", "KOR", "LTU", "TUR", "GMB"]
    assert table.loc[(table.iso3 == "TUR") & (table.indicator == "customs"), "score"].item() == 3.0


def test_lpi_provenance_and_year(lpi: Path, store: Store) -> None:
    parsed = parse_lpi(lpi, year=2018)
    assert parsed.provenance.source_id == "wb_lpi_2018"
    assert parsed.provenance.years == "2018"
    assert parsed.provenance.countries == 5
    assert parse_lpi(lpi).provenance.source_id == "wb_lpi_2023"
    store.load(parsed.tables, parsed.provenance)
    assert len(store.table("lpi")) == 35


def test_unknown_economy(lpi: Path, tmp_path: Path) -> None:
    bad = edited(lpi, tmp_path / "lpi.csv", "Lithuania,", "Lithuanai Republic,")
    with pytest.raises(UnknownCountryError, match="Lithuanai Republic") as err:
        parse_lpi(bad)
    assert "row 4, column 'Economy'" in str(err.value)


def test_duplicated_economy(lpi: Path, tmp_path: Path) -> None:
    bad = edited(lpi, tmp_path / "lpi.csv", "Singapore,", "Lithuania,")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_lpi(bad)
    assert "rows 2 and 4" in str(err.value)


def test_two_names_for_one_country(lpi: Path, tmp_path: Path) -> None:
    bad = edited(lpi, tmp_path / "lpi.csv", "Singapore,", "Republic of Lithuania,")
    with pytest.raises(InputError, match="Duplicated rows for iso3") as err:
        parse_lpi(bad)
    assert "rows 2 and 4" in str(err.value)


def test_renamed_column(lpi: Path, tmp_path: Path) -> None:
    bad = edited(lpi, tmp_path / "lpi.csv", "Customs Score", "Customs score (1-5)")
    with pytest.raises(InputError, match="'Customs Score'") as err:
        parse_lpi(bad)
    assert "header row" in str(err.value)


def test_wrong_separator(lpi: Path, tmp_path: Path) -> None:
    semi = tmp_path / "lpi.csv"
    lines = [line.replace(",", ";") for line in lpi.read_text().splitlines()[:1]]
    semi.write_text("\n".join(lines) + "\nSingapore;4.3;1;4.2;1;4.6;1;4.0;2;4.4;1;4.3;1;4.4;1\n")
    with pytest.raises(InputError, match="separated by ','") as err:
        parse_lpi(semi)
    assert "row 1" in str(err.value)


def test_not_a_number(lpi: Path, tmp_path: Path) -> None:
    bad = edited(lpi, tmp_path / "lpi.csv", "Lithuania,3.4,38", "Lithuania,n.a.x,38")
    with pytest.raises(InputError, match="Not a number") as err:
        parse_lpi(bad)
    assert "row 4, column 'LPI Score'" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "lpi.csv"
    empty.write_bytes(b"\n")
    with pytest.raises(InputError, match="empty"):
        parse_lpi(empty)


@pytest.mark.rawdata
def test_real_lpi(raw_data: Path) -> None:
    path = raw_data / "geo" / "lpi_2023.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        raw = {r["Economy"]: r for r in csv.DictReader(fh)}
    parsed = parse_lpi(path)
    table = parsed.tables["lpi"]
    assert table["iso3"].nunique() == len(raw) == 139
    assert len(table) == 139 * len(INDICATORS)
    assert table[["score", "rank"]].notna().all().all()
    ltu = table[table.iso3 == "LTU"].set_index("indicator")
    assert ltu.loc["overall", "score"] == float(raw["Lithuania"]["LPI Score"])
    assert ltu.loc["timeliness", "rank"] == float(raw["Lithuania"]["Timeliness Grouped Rank"])
    assert {"TUR", "KOR", "HKG", "TWN", "COD", "COG"} <= set(table["iso3"])
    assert parsed.provenance.countries == 139
