"""World Bank parsers: the WDI panel and the bulk-download layout, on fixtures and real files."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.worldbank import parse_wb_bulk, parse_wdi_panel
from marketscout.store import Store

BULK = "API_NY.GDP.MKTP.CD_DS2_en_csv_v2.csv"
META = "Metadata_Country_API_NY.GDP.MKTP.CD_DS2_en_csv_v2.csv"


@pytest.fixture
def panel(fixtures: Path) -> Path:
    return fixtures / "worldbank" / "wdi_panel_small.csv"


@pytest.fixture
def bulk(fixtures: Path) -> Path:
    return fixtures / "worldbank" / BULK


@pytest.fixture
def meta(fixtures: Path) -> Path:
    return fixtures / "worldbank" / META


def edited(source: Path, target: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of `source` with `old` replaced `count` times (it must occur)."""
    text = source.read_text(encoding="utf-8-sig")
    assert old in text
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return target


def value(frame: pd.DataFrame, iso3: str, year: int, indicator: str) -> float:
    hit = frame[(frame.iso3 == iso3) & (frame.year == year) & (frame.indicator == indicator)]
    assert len(hit) == 1
    return float(hit["value"].iloc[0])


# --- WDI panel: synthetic fixture -------------------------------------------------------


def test_panel_values_in_long_form(panel: Path) -> None:
    values = parse_wdi_panel(panel).tables["wb_indicator"]
    assert list(values.columns) == ["iso3", "year", "indicator", "value"]
    # LTU 2020: 6 values; LTU 2021: 5 (trade_open NA); NAM: 4; CZE: 5 (fdi_inflow NA)
    assert len(values) == 20
    assert value(values, "LTU", 2020, "NE.TRD.GNFS.ZS") == 140.5
    assert value(values, "LTU", 2021, "BX.KLT.DINV.WD.GD.ZS") == 4.25
    assert value(values, "NAM", 2021, "BX.KLT.DINV.WD.GD.ZS") == -1.5
    assert value(values, "CZE", 2021, "SP.POP.TOTL") == 10_500_000


def test_panel_drops_aggregates_and_stale_rows(panel: Path) -> None:
    parsed = parse_wdi_panel(panel)
    assert set(parsed.tables["wb_indicator"]["iso3"]) == {"CZE", "LTU", "NAM"}
    assert "3 aggregate rows and 3 rows without values" in parsed.provenance.note


def test_panel_country_meta_uses_current_names_and_keeps_namibia(panel: Path) -> None:
    meta = parse_wdi_panel(panel).tables["country_meta"].set_index("iso3")
    assert list(meta.columns) == ["name", "region", "income_group"]
    assert meta.loc["CZE", "name"] == "Czechia"  # not the stale "Czech Republic" row
    assert meta.loc["NAM", "region"] == "Sub-Saharan Africa"  # iso2c "NA" is not missing
    assert meta.loc["LTU", "income_group"] == "High income"


def test_panel_provenance(panel: Path) -> None:
    prov = parse_wdi_panel(panel).provenance
    assert (prov.source_id, prov.edition) == ("wb_wdi", "update of 2025-06-05")
    assert (prov.rows, prov.countries, prov.years) == (23, 3, "2020-2021")
    assert len(prov.sha256) == 64


def test_panel_loads_into_store(panel: Path, store: Store) -> None:
    parsed = parse_wdi_panel(panel)
    store.load(parsed.tables, parsed.provenance)
    assert len(store.table("wb_indicator")) == 20
    assert store.provenance("wb_wdi")[0].countries == 3


def test_panel_gzip_reads_like_plain(panel: Path, tmp_path: Path) -> None:
    packed = tmp_path / "wdi.csv.gz"
    packed.write_bytes(gzip.compress(panel.read_bytes()))
    pd.testing.assert_frame_equal(
        parse_wdi_panel(packed).tables["wb_indicator"],
        parse_wdi_panel(panel).tables["wb_indicator"],
    )


def test_panel_truncated_gzip(panel: Path, tmp_path: Path) -> None:
    packed = tmp_path / "wdi.csv.gz"
    packed.write_bytes(gzip.compress(panel.read_bytes())[:-40])
    with pytest.raises(InputError, match="truncated") as err:
        parse_wdi_panel(packed)
    assert str(packed) in str(err.value)


def test_panel_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "wdi.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty") as err:
        parse_wdi_panel(empty)
    assert str(empty) in str(err.value)


def test_panel_renamed_column(panel: Path, tmp_path: Path) -> None:
    bad = edited(panel, tmp_path / "wdi.csv", '"pop_tot"', '"population"')
    with pytest.raises(InputError, match="'pop_tot'") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, header row" in str(err.value)


def test_panel_wrong_separator(panel: Path, tmp_path: Path) -> None:
    text = panel.read_text()
    bad = tmp_path / "wdi.csv"
    bad.write_text(text.replace(",", ":"))
    with pytest.raises(InputError, match="Missing column") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, header row" in str(err.value)


def test_panel_blank_year(panel: Path, tmp_path: Path) -> None:
    bad = edited(panel, tmp_path / "wdi.csv", '"NAM",2021,', '"NAM",NA,')
    with pytest.raises(InputError, match="Not a year") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, row 5, column 'year'" in str(err.value)


def test_panel_decimal_comma(panel: Path, tmp_path: Path) -> None:
    bad = edited(panel, tmp_path / "wdi.csv", ",140.5,", ',"140,5",')
    with pytest.raises(InputError, match="140,5") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, row 2, column 'trade_open'" in str(err.value)


def test_panel_duplicated_rows(panel: Path, tmp_path: Path) -> None:
    lines = panel.read_text().splitlines(keepends=True)
    bad = tmp_path / "wdi.csv"
    bad.write_text("".join([*lines, lines[2]]))  # LTU 2021 again, as row 12
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, rows 3 and 12" in str(err.value)


def test_panel_values_without_code(panel: Path, tmp_path: Path) -> None:
    old = '"Gibraltar","","",2021,"","2020-09-21",NA'
    bad = edited(panel, tmp_path / "wdi.csv", old, '"Gibraltar","","",2021,"","2025-06-05",5')
    with pytest.raises(InputError, match="Gibraltar") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, row 9, column 'iso3c'" in str(err.value)


def test_panel_unknown_code(panel: Path, tmp_path: Path) -> None:
    bad = edited(panel, tmp_path / "wdi.csv", '"NA","NAM"', '"NA","QQQ"')
    with pytest.raises(UnknownCountryError, match="QQQ") as err:
        parse_wdi_panel(bad)
    assert f"{bad}, row 5, column 'iso3c'" in str(err.value)


# --- bulk download layout: synthetic fixture --------------------------------------------


def test_bulk_values_and_metadata(bulk: Path, meta: Path) -> None:
    parsed = parse_wb_bulk(bulk, meta)
    values = parsed.tables["wb_indicator"]
    assert set(values["iso3"]) == {"LTU", "NAM", "XKX"}  # WLD and INX are aggregates
    assert len(values) == 8  # Namibia 2020 is an empty string
    assert value(values, "LTU", 2021, "NY.GDP.MKTP.CD") == 66_800_000_000
    table = parsed.tables["country_meta"].set_index("iso3")
    assert table.loc["XKX", "region"] == "Europe & Central Asia"
    assert table.loc["NAM", "name"] == "Namibia"
    assert "WLD" not in table.index


def test_bulk_provenance(bulk: Path) -> None:
    prov = parse_wb_bulk(bulk).provenance
    assert prov.source_id == "wb_ny.gdp.mktp.cd"
    assert prov.edition == "last updated 2025-10-07"
    assert (prov.rows, prov.countries, prov.years) == (8, 3, "2019-2021")
    assert "GDP (current US$)" in prov.title


def test_bulk_without_metadata_still_drops_aggregates(bulk: Path) -> None:
    parsed = parse_wb_bulk(bulk)
    assert "country_meta" not in parsed.tables
    assert set(parsed.tables["wb_indicator"]["iso3"]) == {"LTU", "NAM", "XKX"}


def test_bulk_latin1_and_semicolons_read_like_the_original(bulk: Path, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(bulk.read_text(encoding="utf-8-sig"))))
    resaved = tmp_path / BULK
    with resaved.open("w", encoding="latin-1", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    pd.testing.assert_frame_equal(
        parse_wb_bulk(resaved).tables["wb_indicator"], parse_wb_bulk(bulk).tables["wb_indicator"]
    )


def test_bulk_without_header_line(bulk: Path, tmp_path: Path) -> None:
    bad = edited(bulk, tmp_path / BULK, '"Country Name"', '"Economy"')
    with pytest.raises(InputError, match="Country Name") as err:
        parse_wb_bulk(bad)
    assert str(bad) in str(err.value)


def test_bulk_mixed_indicators(bulk: Path, tmp_path: Path) -> None:
    old = '"Kosovo","XKX","GDP (current US$)","NY.GDP.MKTP.CD"'
    bad = edited(bulk, tmp_path / BULK, old, '"Kosovo","XKX","Population","SP.POP.TOTL"')
    with pytest.raises(InputError, match=r"SP\.POP\.TOTL") as err:
        parse_wb_bulk(bad)
    assert f"{bad}, row 9, column 'Indicator Code'" in str(err.value)


def test_bulk_decimal_comma(bulk: Path, tmp_path: Path) -> None:
    bad = edited(bulk, tmp_path / BULK, '"56800000000"', '"56800000000,5"')
    with pytest.raises(InputError, match="Comma") as err:
        parse_wb_bulk(bad)
    assert f"{bad}, row 6, column '2020'" in str(err.value)


def test_bulk_duplicated_country(bulk: Path, tmp_path: Path) -> None:
    lines = bulk.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    bad = tmp_path / BULK
    bad.write_text("".join([*lines, lines[5]]))
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_wb_bulk(bad)
    assert f"{bad}, rows 6 and 11" in str(err.value)


def test_bulk_unknown_metadata_file_layout(bulk: Path, meta: Path, tmp_path: Path) -> None:
    bad = edited(meta, tmp_path / META, '"IncomeGroup"', '"Income"')
    with pytest.raises(InputError, match="'IncomeGroup'") as err:
        parse_wb_bulk(bulk, bad)
    assert f"{bad}, header row" in str(err.value)


# --- real public files --------------------------------------------------------------------


def _panel_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.rawdata
def test_real_panel(raw_data: Path) -> None:
    path = raw_data / "macro" / "wdi_panel_1990_2023.csv.gz"
    parsed = parse_wdi_panel(path)
    rows = _panel_rows(path)
    economies = {r["iso3c"] for r in rows if r["region"] not in ("Aggregates", "NA")}
    meta = parsed.tables["country_meta"]
    assert set(meta["iso3"]) == economies
    assert len(meta) == 217
    assert not {"WLD", "EUU", "LCN", "SSF", "HIC"} & set(meta["iso3"])
    lithuania = next(
        r for r in rows
        if r["iso3c"] == "LTU" and r["year"] == "2019" and r["lastupdated"] == "2025-06-05"
    )
    values = parsed.tables["wb_indicator"]
    assert value(values, "LTU", 2019, "NY.GDP.MKTP.PP.CD") == float(lithuania["gdp_ppp"])
    assert value(values, "LTU", 2019, "BX.KLT.DINV.WD.GD.ZS") == float(lithuania["fdi_inflow"])
    namibia = [r for r in rows if r["iso2c"] == "NA" and r["pop_tot"] != "NA"]
    assert len(values[(values.iso3 == "NAM") & (values.indicator == "SP.POP.TOTL")]) == len(namibia)
    assert parsed.provenance.years == "1990-2023"


@pytest.mark.rawdata
def test_real_bulk(raw_data: Path) -> None:
    folder = raw_data / "macro"
    parsed = parse_wb_bulk(folder / BULK, folder / META)
    with (folder / META).open(encoding="utf-8-sig", newline="") as fh:
        economies = {r["Country Code"] for r in csv.DictReader(fh) if r["Region"]}
    assert set(parsed.tables["country_meta"]["iso3"]) == economies
    assert len(economies) == 217
    with (folder / BULK).open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))[4:]
    lithuania = next(r for r in table if r[1] == "LTU")
    expected = float(lithuania[table[0].index("2020")])
    assert value(parsed.tables["wb_indicator"], "LTU", 2020, "NY.GDP.MKTP.CD") == expected
    assert parsed.provenance.source_id == "wb_ny.gdp.mktp.cd"
    assert parsed.provenance.years == "1960-2024"
