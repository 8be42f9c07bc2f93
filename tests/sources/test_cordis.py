"""CORDIS parsers: Horizon 2020 participations and Horizon Europe organizations."""

from __future__ import annotations

import csv
import gzip
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources import Parsed
from marketscout.sources.cordis import parse_h2020, parse_horizon_europe_organizations
from marketscout.store import Store

COLUMNS = [
    "project_id", "org_id", "iso3", "role", "org_type", "ec_contribution", "start_year",
    "programme",
]


@pytest.fixture
def h2020(fixtures: Path) -> Path:
    return fixtures / "cordis" / "h2020_participations_small.csv"


@pytest.fixture
def parts(fixtures: Path) -> Path:
    return fixtures / "cordis" / "h2020_programme_parts_small.csv"


@pytest.fixture
def organizations(fixtures: Path) -> Path:
    return fixtures / "cordis" / "horizon_europe_organization_semicolon.csv"


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of `source` with the first `old` replaced (it must occur)."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


# --- Horizon 2020: synthetic fixture ------------------------------------------------------


def test_h2020_participations(h2020: Path, parts: Path) -> None:
    parsed = parse_h2020(h2020, parts)
    table = parsed.tables["horizon_participation"]
    assert list(table.columns) == COLUMNS
    assert len(table) == 7  # 8 rows, one without country
    assert table["project_id"].tolist()[:2] == ["100001", "100001"]
    assert table["iso3"].tolist() == ["LTU", "GRC", "GBR", "USA", "DEU", "LTU", "FRA"]
    assert table.loc[table.iso3 == "LTU", "project_id"].nunique() == 2
    assert table["ec_contribution"].isna().sum() == 2
    assert table.loc[1, "ec_contribution"] == 120000.5
    assert table["start_year"].tolist()[-3:] == [2019, 2019, pd.NA]
    assert set(table["programme"]) == {"H2020"}
    assert set(table["role"]) == {"coordinator", "participant", "partner"}


def test_h2020_programme_parts(h2020: Path, parts: Path) -> None:
    table = parse_h2020(h2020, parts).tables["horizon_programme_part"]
    assert list(table.columns) == ["project_id", "programme_part"]
    assert table[table.project_id == "100001"]["programme_part"].tolist() == ["SC1", "LEIT"]


def test_h2020_provenance_counts_dropped_rows(h2020: Path, parts: Path) -> None:
    prov = parse_h2020(h2020, parts).provenance
    assert prov.source_id == "cordis_h2020"
    assert prov.publisher == "European Commission (CORDIS)"
    assert prov.republisher == "github zambujo/eunets data/h2020.csv.gz @f1bec7e0"
    assert prov.edition == "dump of 2020-12-14"
    assert prov.note.startswith("1 participations without a country dropped")
    assert (prov.rows, prov.countries, prov.years) == (11, 6, "2016-2019")


def test_h2020_without_parts(h2020: Path) -> None:
    assert list(parse_h2020(h2020).tables) == ["horizon_participation"]


def test_h2020_loads_into_store(h2020: Path, parts: Path, store: Store) -> None:
    parsed = parse_h2020(h2020, parts)
    store.load(parsed.tables, parsed.provenance)
    stored = store.table("horizon_participation")
    assert len(stored) == 7
    assert stored["start_year"].isna().sum() == 1


def test_h2020_missing_column(h2020: Path, tmp_path: Path) -> None:
    bad = edited(h2020, tmp_path / "h2020.csv", ",country,", ",land,")
    with pytest.raises(InputError, match="'country'") as err:
        parse_h2020(bad)
    assert f"{bad}, header row" in str(err.value)


def test_h2020_wrong_separator(h2020: Path, tmp_path: Path) -> None:
    bad = tmp_path / "h2020.csv"
    bad.write_text(h2020.read_text().replace(",", ":"))
    with pytest.raises(InputError, match="Missing column") as err:
        parse_h2020(bad)
    assert f"{bad}, header row" in str(err.value)


def test_h2020_unknown_country(h2020: Path, tmp_path: Path) -> None:
    bad = edited(h2020, tmp_path / "h2020.csv", "NA,UK,", "NA,ZZ,")
    with pytest.raises(UnknownCountryError, match="'ZZ'") as err:
        parse_h2020(bad)
    assert f"{bad}, row 4, column 'country'" in str(err.value)


def test_h2020_decimal_comma(h2020: Path, tmp_path: Path) -> None:
    bad = edited(h2020, tmp_path / "h2020.csv", ",120000.5,", ',"120000,5",')
    with pytest.raises(InputError, match="120000,5") as err:
        parse_h2020(bad)
    assert f"{bad}, row 3, column 'contribution'" in str(err.value)


def test_h2020_duplicated_rows(h2020: Path, tmp_path: Path) -> None:
    lines = h2020.read_text().splitlines(keepends=True)
    bad = tmp_path / "h2020.csv"
    bad.write_text("".join([*lines, lines[1]]))
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_h2020(bad)
    assert f"{bad}, rows 2 and 10" in str(err.value)


def test_h2020_empty_key(h2020: Path, tmp_path: Path) -> None:
    bad = edited(h2020, tmp_path / "h2020.csv", "participant,900000002,", "participant,,")
    with pytest.raises(InputError, match="Empty cell") as err:
        parse_h2020(bad)
    assert f"{bad}, row 3, column 'pic'" in str(err.value)


def test_h2020_not_a_year(h2020: Path, tmp_path: Path) -> None:
    bad = edited(h2020, tmp_path / "h2020.csv", "700000,2019,", "700000,2019.5,")
    with pytest.raises(InputError, match=r"2019\.5") as err:
        parse_h2020(bad)
    assert f"{bad}, row 6, column 'start_year'" in str(err.value)


def test_h2020_empty_and_truncated_files(h2020: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv.gz"
    empty.write_bytes(gzip.compress(b""))
    with pytest.raises(InputError, match="empty") as err:
        parse_h2020(empty)
    assert str(empty) in str(err.value)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(h2020.read_bytes())[:-30])
    with pytest.raises(InputError, match="truncated") as err:
        parse_h2020(cut)
    assert str(cut) in str(err.value)


def test_h2020_duplicated_programme_part(h2020: Path, parts: Path, tmp_path: Path) -> None:
    bad = tmp_path / "parts.csv"
    bad.write_text(parts.read_text() + "100002,ERC\n")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_h2020(h2020, bad)
    assert f"{bad}, rows 4 and 6" in str(err.value)


# --- Horizon Europe organization.csv: synthetic fixtures ----------------------------------


def test_horizon_europe_official_layout(organizations: Path) -> None:
    parsed = parse_horizon_europe_organizations(organizations)
    table = parsed.tables["horizon_participation"]
    assert list(table.columns) == COLUMNS
    assert table["iso3"].tolist() == ["LTU", "GRC", "USA", "GBR", "LTU"]
    assert table["role"].tolist()[2] == "thirdParty"
    assert table["ec_contribution"].tolist()[:3] == [1499998.5, 250000.25, 0.0]  # "1499998,5"
    assert pd.isna(table.loc[3, "ec_contribution"])
    assert table["start_year"].isna().all()  # organization.csv has no start date
    assert set(table["programme"]) == {"HORIZON"}
    assert parsed.provenance.source_id == "cordis_horizon_europe"
    assert "no start date" in parsed.provenance.note


def test_horizon_europe_comma_resave_reads_the_same(organizations: Path, fixtures: Path) -> None:
    resaved = fixtures / "cordis" / "horizon_europe_organization_comma.csv"
    pd.testing.assert_frame_equal(
        parse_horizon_europe_organizations(resaved).tables["horizon_participation"],
        parse_horizon_europe_organizations(organizations).tables["horizon_participation"],
    )


def test_horizon_europe_latin1_and_bom(organizations: Path, tmp_path: Path) -> None:
    text = organizations.read_text().replace("VILNIAUS UNIVERSITETAS", "UNIVERSITÄT WIEN")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(text.encode("latin-1"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    expected = parse_horizon_europe_organizations(organizations).tables["horizon_participation"]
    for path in (latin, bom):
        table = parse_horizon_europe_organizations(path).tables["horizon_participation"]
        pd.testing.assert_frame_equal(table, expected)


def test_horizon_europe_start_years_from_projects(organizations: Path, fixtures: Path) -> None:
    projects = fixtures / "cordis" / "horizon_europe_project_small.csv"
    parsed = parse_horizon_europe_organizations(organizations, projects)
    assert parsed.tables["horizon_participation"]["start_year"].tolist() == [2024] * 3 + [2023] * 2
    assert parsed.provenance.years == "2023-2024"


def test_horizon_europe_bad_project_date(
    organizations: Path, fixtures: Path, tmp_path: Path
) -> None:
    projects = fixtures / "cordis" / "horizon_europe_project_small.csv"
    bad = edited(projects, tmp_path / "project.csv", ",2023-09-01,", ",01.09.2023,")
    with pytest.raises(InputError, match=r"01\.09\.2023") as err:
        parse_horizon_europe_organizations(organizations, bad)
    assert f"{bad}, row 3, column 'startDate'" in str(err.value)


def test_horizon_europe_missing_column(organizations: Path, tmp_path: Path) -> None:
    bad = edited(organizations, tmp_path / "organization.csv", '"ecContribution"', '"ecContrib"')
    with pytest.raises(InputError, match="'ecContribution'") as err:
        parse_horizon_europe_organizations(bad)
    assert f"{bad}, header row" in str(err.value)


def test_horizon_europe_not_a_number(organizations: Path, tmp_path: Path) -> None:
    bad = edited(organizations, tmp_path / "organization.csv", '"250000,25"', '"250 000 EUR"')
    with pytest.raises(InputError, match="250 000 EUR") as err:
        parse_horizon_europe_organizations(bad)
    assert f"{bad}, row 3, column 'ecContribution'" in str(err.value)


def test_horizon_europe_drops_rows_without_country(organizations: Path, tmp_path: Path) -> None:
    bad = edited(organizations, tmp_path / "organization.csv", '"Oxford";"UK"', '"Oxford";""')
    parsed = parse_horizon_europe_organizations(bad)
    assert len(parsed.tables["horizon_participation"]) == 4
    assert parsed.provenance.note.startswith("1 participations without a country dropped")


# --- real public files --------------------------------------------------------------------


@cache
def _real_h2020(folder: Path) -> Parsed:
    """The full H2020 file is parsed once per session (about a second)."""
    return parse_h2020(
        folder / "h2020_participations.csv.gz", folder / "h2020_programme_parts.csv.gz"
    )


@cache
def _csv_rows(path: Path) -> list[dict[str, str]]:
    """An independent read with the csv module (cached: the H2020 file is read twice)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        return list(csv.DictReader(fh))


@pytest.mark.rawdata
def test_real_h2020_counts(raw_data: Path) -> None:
    folder = raw_data / "cordis"
    table = _real_h2020(folder).tables["horizon_participation"]
    rows = _csv_rows(folder / "h2020_participations.csv.gz")
    with_country = [r for r in rows if r["country"] != "NA"]
    assert (len(rows), len(with_country)) == (144_726, 144_715)
    assert len(table) == len(with_country)
    assert table["project_id"].nunique() == len({r["rcn"] for r in rows}) == 31_451
    assert table["iso3"].nunique() == len({r["country"] for r in with_country}) == 168
    assert (table["iso3"] == "GRC").sum() == sum(r["country"] == "EL" for r in rows)
    missing = sum(r["contribution"] == "NA" for r in with_country)
    assert table["ec_contribution"].isna().sum() == missing


@pytest.mark.rawdata
def test_real_h2020_lithuanian_projects(raw_data: Path) -> None:
    folder = raw_data / "cordis"
    table = _real_h2020(folder).tables["horizon_participation"]
    expected = {r["rcn"] for r in _csv_rows(folder / "h2020_participations.csv.gz")
                if r["country"] == "LT"}
    assert set(table.loc[table.iso3 == "LTU", "project_id"]) == expected
    assert len(expected) == 428


@pytest.mark.rawdata
def test_real_h2020_programme_parts_and_provenance(raw_data: Path) -> None:
    folder = raw_data / "cordis"
    parsed = _real_h2020(folder)
    parts = _csv_rows(folder / "h2020_programme_parts.csv.gz")
    assert len(parsed.tables["horizon_programme_part"]) == len(parts) == 37_441
    assert parsed.provenance.years == "2014-2022"
    assert parsed.provenance.note.startswith("11 participations without a country dropped")


@pytest.mark.rawdata
def test_real_horizon_europe_head(raw_data: Path) -> None:
    path = raw_data / "cordis" / "horizon_europe_organization_head100.csv"
    table = parse_horizon_europe_organizations(path).tables["horizon_participation"]
    rows = _csv_rows(path)
    assert len(table) == len(rows) == 100
    assert (table["role"] == "thirdParty").sum() == sum(r["role"] == "thirdParty" for r in rows)
    total = sum(float(r["ecContribution"]) for r in rows if r["ecContribution"])
    assert table["ec_contribution"].sum() == pytest.approx(total)
    assert set(table["iso3"]) >= {"GRC", "GBR", "LTU", "DEU"}
