"""WIPO GII parsers: the wide full-data export and the partial 2020-2024 ranks."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.partial import parse_gii_partial
from marketscout.sources.wipo_gii import parse_gii_wide
from marketscout.store import Store


@pytest.fixture
def wide(fixtures: Path) -> Path:
    return fixtures / "wipo_gii" / "gii_small.csv"


@pytest.fixture
def partial(fixtures: Path) -> Path:
    return fixtures / "wipo_gii" / "gii_partial_small.csv"


def grid(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="latin-1"))))


def write_grid(rows: list[list[str]], path: Path, *, delimiter: str = ",") -> Path:
    with path.open("w", encoding="latin-1", newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def cell(frame: pd.DataFrame, iso3: str, code: str, column: str) -> float:
    hit = frame[(frame.iso3 == iso3) & (frame.code == code)]
    assert len(hit) == 1
    return float(hit[column].iloc[0])


# --- wide export: synthetic fixture -------------------------------------------------------


def test_wide_levels_and_codes(wide: Path) -> None:
    table = parse_gii_wide(wide, 2019).tables["gii"]
    assert list(table.columns) == ["iso3", "edition", "code", "name", "score", "rank"]
    assert set(table["iso3"]) == {"LTU", "CIV", "NLD"}  # "Côte d'Ivoire" read from Latin-1
    assert table["code"].unique().tolist() == [
        "GII", "INPUT", "OUTPUT", "1", "1.1", "1.1.1", "2.1.4",
    ]
    assert set(table["edition"]) == {2019}
    assert table.loc[table.code == "1.1.1", "name"].iloc[0] == "Political and operational stability"
    assert table.loc[table.code == "2.1.4", "name"].iloc[0] == (
        "Assessment in reading, mathematics, and science"
    )


def test_wide_scores_and_ranks(wide: Path) -> None:
    table = parse_gii_wide(wide, 2019).tables["gii"]
    assert len(table) == 18  # 6 rows x 3 economies, minus 3 cells that are n/a in both blocks
    assert cell(table, "LTU", "GII", "score") == 41.5
    assert cell(table, "NLD", "GII", "rank") == 1
    assert cell(table, "CIV", "1", "rank") == 3  # printed "[3]"
    assert cell(table, "LTU", "1.1.1", "score") == 86  # not the raw value 1.2
    assert "CIV" not in set(table.loc[table.code == "1.1.1", "iso3"])


def test_wide_provenance(wide: Path) -> None:
    prov = parse_gii_wide(wide, 2019).provenance
    assert prov.source_id == "wipo_gii_2019"
    assert (prov.rows, prov.countries, prov.years, prov.edition) == (18, 3, "2019", "2019")
    assert "1 ranks printed in [brackets]" in prov.note


def test_wide_loads_into_store(wide: Path, store: Store) -> None:
    parsed = parse_gii_wide(wide, 2019)
    store.load(parsed.tables, parsed.provenance)
    assert len(store.table("gii", ["wipo_gii_2019"])) == 18


def test_wide_utf8_bom_reads_like_latin1(wide: Path, tmp_path: Path) -> None:
    bom = tmp_path / "gii.csv"
    bom.write_bytes(wide.read_text(encoding="latin-1").encode("utf-8-sig"))
    pd.testing.assert_frame_equal(
        parse_gii_wide(bom, 2019).tables["gii"], parse_gii_wide(wide, 2019).tables["gii"]
    )


def test_wide_semicolon_resave_reads_the_same(wide: Path, tmp_path: Path) -> None:
    resaved = write_grid(grid(wide), tmp_path / "gii.csv", delimiter=";")
    pd.testing.assert_frame_equal(
        parse_gii_wide(resaved, 2019).tables["gii"], parse_gii_wide(wide, 2019).tables["gii"]
    )


def test_wide_xlsx_reads_the_same(wide: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "gii.xlsx"
    pd.DataFrame(grid(wide)).to_excel(workbook, header=False, index=False)
    pd.testing.assert_frame_equal(
        parse_gii_wide(workbook, 2019).tables["gii"], parse_gii_wide(wide, 2019).tables["gii"]
    )


def test_wide_unknown_economy(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[0] = ["Atlantis" if name == "Côte d'Ivoire" else name for name in rows[0]]
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(UnknownCountryError, match="Atlantis") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 1, column 5" in str(err.value)


def test_wide_same_economy_twice(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[0] = ["Republic of Lithuania" if name == "Côte d'Ivoire" else name for name in rows[0]]
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match="same economy") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 1, columns 4 and 5" in str(err.value)


def test_wide_blocks_disagree(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[0][8] = "Latvia"  # second economy of the score block
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match="same economies") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 1" in str(err.value)


def test_wide_missing_score_block(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[0][6] = "Scores"
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match="'Score'") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 1" in str(err.value)


def test_wide_not_a_number(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[10][8] = "48.2*"  # Côte d'Ivoire's Institutions score
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match=r"48\.2\*") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 11, column 'score of CIV (column 9)'" in str(err.value)


def test_wide_decimal_comma(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[3][7] = "41,5"
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match="Comma") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 4, column 'score of LTU (column 8)'" in str(err.value)


def test_wide_duplicated_indicator(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    bad = write_grid([*rows, rows[12]], tmp_path / "gii.csv")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, rows 13 and 15" in str(err.value)


def test_wide_row_without_code(wide: Path, tmp_path: Path) -> None:
    rows = grid(wide)
    rows[11][0] = ""
    bad = write_grid(rows, tmp_path / "gii.csv")
    with pytest.raises(InputError, match="Political environment") as err:
        parse_gii_wide(bad, 2019)
    assert f"{bad}, row 12, columns 1-2" in str(err.value)


def test_wide_empty_truncated_and_ragged(wide: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n")
    with pytest.raises(InputError, match="empty"):
        parse_gii_wide(empty, 2019)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(wide.read_bytes())[:-25])
    with pytest.raises(InputError, match="truncated") as err:
        parse_gii_wide(cut, 2019)
    assert str(cut) in str(err.value)
    ragged = tmp_path / "ragged.csv"
    extra = ",".join(["9.9.", "Extra", "", *map(str, range(23))])  # one field too many
    ragged.write_bytes(wide.read_bytes() + extra.encode() + b"\n")
    with pytest.raises(InputError, match="cannot be read") as err:
        parse_gii_wide(ragged, 2019)
    assert str(ragged) in str(err.value)


def test_wide_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "gii.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(InputError, match="Excel") as err:
        parse_gii_wide(fake, 2019)
    assert str(fake) in str(err.value)


# --- partial 2020-2024 ranks: synthetic fixture -------------------------------------------


def test_partial_rows(partial: Path) -> None:
    table = parse_gii_partial(partial).tables["gii"]
    assert list(table.columns) == ["iso3", "edition", "code", "name", "score", "rank"]
    assert table["iso3"].tolist() == ["CHE", "LTU", "LTU", "LTU"]  # last from the name
    assert table["edition"].tolist() == [2024, 2024, 2023, 2022]
    assert set(table["code"]) == {"GII"}
    assert pd.isna(table.loc[1, "score"]) and table.loc[1, "rank"] == 35


def test_partial_provenance_names_pages(partial: Path) -> None:
    prov = parse_gii_partial(partial).provenance
    assert prov.source_id == "gii_partial" and prov.partial
    assert prov.note.startswith("Press reprint, not an official table: 4 rows (3 with a score)")
    assert "press reprint, not an official table" in prov.title
    for url in ("gii-2024-table", "post-soviet-ranks", "gii-2023-report"):
        assert f"https://example.org/{url}" in prov.note
    assert prov.years == "2022-2024"


def test_partial_duplicated_year_and_economy(partial: Path, tmp_path: Path) -> None:
    bad = tmp_path / "partial.csv"
    bad.write_text(partial.read_text() + "2023,34,Lithuania,LTU,42.5,,,https://example.org/x,again\n")
    with pytest.raises(InputError, match="Duplicated") as err:
        parse_gii_partial(bad)
    assert f"{bad}, rows 4 and 6" in str(err.value)


def test_partial_unknown_economy(partial: Path, tmp_path: Path) -> None:
    bad = tmp_path / "partial.csv"
    bad.write_text(partial.read_text().replace("Lithuania,,", "Lithuanica,,"))
    with pytest.raises(UnknownCountryError, match="Lithuanica") as err:
        parse_gii_partial(bad)
    assert f"{bad}, row 5, column 'economy'" in str(err.value)  # iso3 is blank there


def test_partial_bad_year(partial: Path, tmp_path: Path) -> None:
    bad = tmp_path / "partial.csv"
    bad.write_text(partial.read_text().replace("2022,39,", "2022.5,39,"))
    with pytest.raises(InputError, match="needs a whole number") as err:
        parse_gii_partial(bad)
    assert f"{bad}, row 5, column 'year'" in str(err.value)


def test_partial_missing_column(partial: Path, tmp_path: Path) -> None:
    bad = tmp_path / "partial.csv"
    bad.write_text(partial.read_text().replace("source_url", "url", 1))
    with pytest.raises(InputError, match="'source_url'") as err:
        parse_gii_partial(bad)
    assert f"{bad}, header row" in str(err.value)


# --- real public files --------------------------------------------------------------------


@pytest.mark.rawdata
def test_real_gii_2019(raw_data: Path) -> None:
    path = raw_data / "gii" / "gii_2019.csv"
    parsed = parse_gii_wide(path, 2019)
    table = parsed.tables["gii"]
    with path.open(encoding="latin-1", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    scores_from = header.index("Score")
    lithuania = header.index("Lithuania", scores_from)
    overall = next(r for r in rows if r[0].strip() == "Global Innovation Index")
    assert cell(table, "LTU", "GII", "score") == float(overall[lithuania]) == 41.5
    assert cell(table, "LTU", "GII", "rank") == float(overall[header.index("Lithuania")]) == 38
    gii = table[table.code == "GII"]
    assert len(gii) == gii["iso3"].nunique() == parsed.provenance.countries == 129
    assert sorted(gii["rank"]) == list(range(1, 130))
    assert {"INPUT", "OUTPUT", "1", "7", "1.1", "7.3.4"} <= set(table["code"])


@pytest.mark.rawdata
def test_real_gii_partial(raw_data: Path) -> None:
    path = raw_data / "partial" / "gii_partial_2020_2024.csv"
    parsed = parse_gii_partial(path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(parsed.tables["gii"]) == len(rows)
    assert parsed.provenance.partial
    assert all(r["source_url"] in parsed.provenance.note for r in rows)
    lithuania = parsed.tables["gii"].query("iso3 == 'LTU' and edition == 2023")
    expected = next(r for r in rows if r["iso3"] == "LTU" and r["year"] == "2023")
    assert lithuania["rank"].iloc[0] == float(expected["rank"])
