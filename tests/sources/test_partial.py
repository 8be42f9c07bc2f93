"""Partial tables collected from public reports: IMD ranks, BoL FDI, Lithuania's exports."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.partial import (
    SHARE_UNIT,
    parse_exports_comext_monthly,
    parse_exports_partners,
    parse_fdi_bol,
    parse_imd_partial,
)
from marketscout.store import Store


@pytest.fixture
def folder(fixtures: Path) -> Path:
    return fixtures / "partial"


@pytest.fixture
def imd(folder: Path) -> Path:
    return folder / "imd_wdcr_ranks_partial_small.csv"


@pytest.fixture
def fdi(folder: Path) -> Path:
    return folder / "lithuania_inward_fdi_top_investors_small.csv"


@pytest.fixture
def top(folder: Path) -> Path:
    return folder / "lithuania_exports_top_partners_small.csv"


@pytest.fixture
def comext(folder: Path) -> Path:
    return folder / "lithuania_exports_comext_monthly_small.csv"


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def records(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return list(frame.itertuples(index=False, name=None))


# --- IMD -----------------------------------------------------------------------------------


def test_imd_ranks_only(imd: Path) -> None:
    parsed = parse_imd_partial(imd)
    table = parsed.tables["imd"]
    assert list(table.columns) == ["iso3", "year", "score", "rank", "n_economies"]
    assert table["iso3"].tolist() == ["SGP", "KOR", "LTU", "LVA", "LVA"]
    assert table["score"].isna().tolist() == [True] * 4 + [False]
    assert table["rank"].tolist() == [1.0, 6.0, 22.0, 38.0, 40.0]
    assert table["n_economies"].tolist() == [67] * 4 + [64]
    prov = parsed.provenance
    assert prov.partial and prov.source_id == "imd_partial" and prov.years == "2023-2024"
    assert prov.note.startswith("Press reprint, not an official table. 1 of 5 ranks are derived")
    assert "press reprint, not an official table" in prov.title
    assert "https://example.org/imd-2024; https://example.org/lsm." in prov.note


def test_imd_rank_beyond_field(imd: Path, tmp_path: Path) -> None:
    bad = edited(imd, tmp_path / "imd.csv", "2024,22,Lithuania", "2024,72,Lithuania")
    with pytest.raises(InputError, match=r"outside 1\.\.67") as err:
        parse_imd_partial(bad)
    assert "row 4, column 'rank'" in str(err.value)


def test_imd_code_contradicts_name(imd: Path, tmp_path: Path) -> None:
    bad = edited(imd, tmp_path / "imd.csv", "Lithuania,LTU", "Lithuania,LVA")
    with pytest.raises(InputError, match="does not match the name") as err:
        parse_imd_partial(bad)
    assert "row 4, column 'iso3'" in str(err.value)


def test_imd_unknown_country(imd: Path, tmp_path: Path) -> None:
    bad = edited(imd, tmp_path / "imd.csv", "Lithuania,LTU", "Lithuania,")
    assert parse_imd_partial(bad).tables["imd"]["iso3"].iloc[2] == "LTU"  # from the name
    bad = edited(imd, tmp_path / "imd.csv", "Lithuania,LTU", "Lituanika,")
    with pytest.raises(UnknownCountryError, match="Lituanika") as err:
        parse_imd_partial(bad)
    assert "row 4, column 'economy'" in str(err.value)


def test_imd_duplicated_and_bad_basis(imd: Path, tmp_path: Path) -> None:
    text = imd.read_text()
    dup = tmp_path / "dup.csv"
    dup.write_text(text + text.splitlines()[3] + "\n")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_imd_partial(dup)
    assert "rows 4 and 7" in str(err.value)
    bad = edited(imd, tmp_path / "imd.csv", ",derived,", ",guessed,")
    with pytest.raises(InputError, match="Unknown basis 'guessed'") as err:
        parse_imd_partial(bad)
    assert "row 5, column 'basis'" in str(err.value)


def test_imd_missing_column_and_decimal_comma(imd: Path, tmp_path: Path) -> None:
    bad = edited(imd, tmp_path / "imd.csv", "n_economies", "economies")
    with pytest.raises(InputError, match="'n_economies'") as err:
        parse_imd_partial(bad)
    assert "header row" in str(err.value)
    comma = edited(imd, tmp_path / "c.csv", "LVA,71.5,", 'LVA,"71,5",')
    assert parse_imd_partial(comma).tables["imd"]["score"].iloc[4] == 71.5  # a user's locale


# --- Bank of Lithuania FDI -----------------------------------------------------------------


def test_fdi_latest_quarter_per_year(fdi: Path) -> None:
    parsed = parse_fdi_bol(fdi)
    table = parsed.tables["fdi_inward"]
    assert list(table.columns) == ["home", "partner", "year", "value", "unit", "basis"]
    # Q3 2023 (with the UK) gives way to Q4 2023; the "Total" row is not a partner
    assert records(table) == [
        ("LTU", "DEU", 2023, 5700.0, "EUR million", "immediate"),
        ("LTU", "EST", 2023, 3700.0, "EUR million", "immediate"),
        ("LTU", "USA", 2022, 5600.0, "EUR million", "ultimate"),
        ("LTU", "SWE", 2022, 4400.0, "EUR million", "ultimate"),  # code blank: from the name
    ]
    prov = parsed.provenance
    assert prov.partial and prov.source_id == "bol_fdi_partial"
    assert "(2022-12-31, 2023-12-31)" in prov.note
    assert "https://example.org/q3-2023" in prov.note


def test_fdi_bad_inputs(fdi: Path, tmp_path: Path) -> None:
    bad = edited(fdi, tmp_path / "a.csv", "2023-12-31,LTU,immediate", "31.12.2023,LTU,immediate")
    with pytest.raises(InputError, match="Not a date") as err:
        parse_fdi_bol(bad)
    assert "row 2, column 'reference_date'" in str(err.value)
    bad = edited(fdi, tmp_path / "b.csv", "ultimate investing", "final investing")
    with pytest.raises(InputError, match="Use one of: immediate, ultimate") as err:
        parse_fdi_bol(bad)
    assert "row 7, column 'counterpart_basis'" in str(err.value)
    bad = edited(fdi, tmp_path / "c.csv", "Estonia,EST,3.7", "Estonia,EST,")
    with pytest.raises(InputError, match="Missing value") as err:
        parse_fdi_bol(bad)
    assert "row 3, column 'position_eur_bn'" in str(err.value)


def test_fdi_duplicated(fdi: Path, tmp_path: Path) -> None:
    text = fdi.read_text()
    dup = tmp_path / "dup.csv"
    dup.write_text(text + text.splitlines()[1] + "\n")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_fdi_bol(dup)
    assert "rows 2 and 9" in str(err.value)


# --- exports to top partners ---------------------------------------------------------------


def test_exports_partners_usd_and_shares(top: Path) -> None:
    parsed = parse_exports_partners(top)
    table = parsed.tables["exports"]
    assert list(table.columns) == ["home", "partner", "year", "value", "unit"]
    assert records(table) == [
        ("LTU", "LVA", 2023, 5e9, "USD"),
        ("LTU", "POL", 2023, 3.61e9, "USD"),
        ("LTU", "LVA", 2022, 12.9, SHARE_UNIT),
        ("LTU", "RUS", 2022, 6.2, SHARE_UNIT),
    ]
    assert "for 2022 only shares were published" in parsed.provenance.note
    assert parsed.provenance.partial


def test_exports_partners_neither_value(top: Path, tmp_path: Path) -> None:
    bad = edited(top, tmp_path / "t.csv", "RUS,,6.2,", "RUS,,,")
    with pytest.raises(InputError, match="Neither 'value_usd' nor") as err:
        parse_exports_partners(bad)
    assert "row 5, column 'value_usd'" in str(err.value)


def test_exports_partners_empty(tmp_path: Path) -> None:
    empty = tmp_path / "t.csv"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="empty") as err:
        parse_exports_partners(empty)
    assert str(empty) in str(err.value)


# --- Eurostat Comext monthly -----------------------------------------------------------------


def test_comext_complete_years_only(comext: Path) -> None:
    parsed = parse_exports_comext_monthly(comext)
    table = parsed.tables["exports"]
    assert list(table.columns) == ["home", "partner", "year", "value", "unit"]
    # ARM: 100 x (1 + ... + 12) = 7800, plus 1 a month in 2021; RUS 2021 lacks December
    assert records(table) == [
        ("LTU", "ARM", 2020, 7800.0, "EUR"),
        ("LTU", "ARM", 2021, 7812.0, "EUR"),
        ("LTU", "RUS", 2020, 78000.0, "EUR"),
    ]
    prov = parsed.provenance
    assert "incomplete years dropped: 2021 for RUS" in prov.note
    assert "DS-045409" in prov.note and prov.partial


def test_comext_bad_month_and_duplicate(comext: Path, tmp_path: Path) -> None:
    bad = edited(comext, tmp_path / "m.csv", "2020-03", "2020-13")
    with pytest.raises(InputError, match="Not a month") as err:
        parse_exports_comext_monthly(bad)
    assert "row 4, column 'period'" in str(err.value)
    bad = edited(comext, tmp_path / "d.csv", "2020-03", "2020-02")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_exports_comext_monthly(bad)
    assert "rows 3 and 4" in str(err.value)


def test_comext_wrong_separator(comext: Path, tmp_path: Path) -> None:
    semi = tmp_path / "m.csv"
    semi.write_text(comext.read_text().replace(",", ";"))
    with pytest.raises(InputError, match="separated by ','"):
        parse_exports_comext_monthly(semi)


def test_all_load_into_store(imd: Path, fdi: Path, top: Path, comext: Path, store: Store) -> None:
    for parsed in (parse_imd_partial(imd), parse_fdi_bol(fdi), parse_exports_partners(top),
                   parse_exports_comext_monthly(comext)):
        store.load(parsed.tables, parsed.provenance)
    units = store.query("SELECT unit, count(*) AS n FROM exports GROUP BY unit ORDER BY unit")
    assert records(units) == [(SHARE_UNIT, 2), ("EUR", 3), ("USD", 2)]


# --- the real files in ../shared/data --------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.rawdata
def test_real_imd(raw_data: Path) -> None:
    path = raw_data / "partial" / "imd_wdcr_ranks_partial_2022_2024.csv"
    table = parse_imd_partial(path).tables["imd"]
    assert len(table) == len(read_rows(path))
    assert table["score"].isna().all()
    assert table.loc[(table.iso3 == "LTU") & (table.year == 2024), "rank"].item() == 22


@pytest.mark.rawdata
def test_real_fdi(raw_data: Path) -> None:
    path = raw_data / "partial" / "lithuania_inward_fdi_top_investors_boL.csv"
    rows = read_rows(path)
    table = parse_fdi_bol(path).tables["fdi_inward"]
    latest: defaultdict[tuple[str, str], str] = defaultdict(str)
    for r in rows:
        key = (r["counterpart_basis"], r["reference_date"][:4])
        latest[key] = max(latest[key], r["reference_date"])
    assert len(table) == sum(r["reference_date"] == latest[
        (r["counterpart_basis"], r["reference_date"][:4])] for r in rows)
    deu = table[(table.partner == "DEU") & (table.year == 2023)]
    assert deu["value"].item() == 5700.0 and deu["basis"].item() == "immediate"


@pytest.mark.rawdata
def test_real_exports(raw_data: Path) -> None:
    path = raw_data / "partial" / "lithuania_exports_top_partners_partial.csv"
    table = parse_exports_partners(path).tables["exports"]
    assert len(table) == len(read_rows(path))
    assert (table.loc[table.year == 2023, "unit"] == "USD").all()


@pytest.mark.rawdata
def test_real_comext(raw_data: Path) -> None:
    path = raw_data / "partial" / "lithuania_exports_cis_eurostat_comext_monthly.csv"
    rows = read_rows(path)
    table = parse_exports_comext_monthly(path).tables["exports"]
    assert sorted(table["year"].unique()) == [2020, 2021]  # 2022 lacks Nov and Dec
    assert len(table) == 7 * 2
    rus_2021 = sum(float(r["value_eur"]) for r in rows
                   if r["partner_iso3"] == "RUS" and r["period"].startswith("2021"))
    got = table.loc[(table.partner == "RUS") & (table.year == 2021), "value"].item()
    assert got == pytest.approx(rus_2021, rel=1e-12)
