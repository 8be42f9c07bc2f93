"""Files that once lost rows or gave misleading messages (issue 17 §4-5): each case is a file
built here the way the tools that write them do."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from marketscout.errors import InputError
from marketscout.sources import user
from marketscout.sources.table import UserTable

GII = "economy\tscore\tyear\nLithuania\t41,9\t2023\nTürkiye\t38,5\t2023\nGermany\t58,8\t2023\n"


def scores(path: Path) -> dict[str, float]:
    table = user.parse("gii", path).tables["gii"]
    return dict(zip(table["iso3"], table["score"], strict=True))


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_unicode_text_with_its_mark_is_read(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab separated."""
    path = tmp_path / "gii.txt"
    mark = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}[encoding]
    path.write_bytes(mark + GII.encode(encoding))
    assert scores(path) == {"LTU": 41.9, "TUR": 38.5, "DEU": 58.8}


def test_utf16_without_its_mark_is_refused_as_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gii.txt"
    path.write_bytes(GII.encode("utf-16-le"))
    with pytest.raises(InputError, match="encoding is not supported") as err:
        user.parse("gii", path)
    assert "Missing column" not in str(err.value) and "CSV UTF-8" in (err.value.fix or "")


def test_nul_bytes_in_a_header_cell_are_named(tmp_path: Path) -> None:
    path = tmp_path / "gii.csv"
    path.write_bytes(b"economy,score,ra\x00nk,year\nLithuania,41.9,34,2023\nGermany,58.8,9,2023\n")
    with pytest.raises(InputError, match=r"header cell 'ra<NUL>nk' holds NUL bytes") as err:
        user.parse("gii", path)
    assert f"{path}, row 1, column 3" in str(err.value)  # not a silently missing 'rank'


def test_nul_bytes_in_a_value_are_named(tmp_path: Path) -> None:
    path = tmp_path / "gii.csv"
    path.write_bytes(b"economy,score,year\nLithuania,41\x00.9,2023\nGermany,58.8,2023\n")
    with pytest.raises(InputError, match="holds NUL bytes") as err:
        user.parse("gii", path)
    assert "row 2, column 2" in str(err.value)


# --- a cell over the CSV reader's limit -----------------------------------------------------


def test_a_cell_over_128_kib_says_so(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    note = "x" * (200 * 1024)
    path.write_text(f"association,market,order,comment\nLINPRA,DEU,1,\"{note}\"\n"
                    "LINPRA,POL,2,ok\n", encoding="utf-8")
    with pytest.raises(InputError, match="cell is too long: 200 KiB") as err:
        user.parse("survey", path)
    message = str(err.value)
    assert f"{path}, row 2, column 4" in message and "check the quotes" not in message.lower()
    assert "Shorten that cell" in (err.value.fix or "")


def test_an_unclosed_quote_that_runs_on_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    rows = "".join(f"LINPRA,DEU,{i},note {'y' * 200}\n" for i in range(1, 1000))
    path.write_text("association,market,order,comment\nLINPRA,POL,1,\"opened\n" + rows,
                    encoding="utf-8")
    with pytest.raises(InputError, match="too long") as err:
        user.parse("survey", path)
    assert "never closed" in (err.value.fix or "") and "row 2, column 4" in str(err.value)


# --- Excel ----------------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = name
        for row in rows:
            sheet.append(row)
        first = False
    book.save(path)
    return path


def with_dimension(path: Path, ref: str) -> Path:
    """The same workbook with a stale <dimension ref> in the first sheet, as many tools write."""
    out = path.with_name("stale_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                  data)
                assert n == 1
            dst.writestr(item, data)
    return out


def test_a_stale_dimension_does_not_cut_rows(tmp_path: Path) -> None:
    rows = [["economy", "score", "year"], ["Lithuania", 41.9, 2023], ["Latvia", 37.3, 2023],
            ["Estonia", 48.1, 2023], ["Poland", 40.4, 2023], ["Germany", 58.8, 2023]]
    stale = with_dimension(workbook(tmp_path / "gii.xlsx", {"GII": rows}), "A1:C2")
    assert scores(stale) == {"LTU": 41.9, "LVA": 37.3, "EST": 48.1, "POL": 40.4, "DEU": 58.8}


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    """openpyxl (like many programs) writes formulas without their value: reading them with
    data_only once gave an empty cell, and the row was dropped or the value lost."""
    rows = [["economy", "score", "year"], ["Lithuania", 41.9, 2023], ["Latvia", "=40-2.7", 2023]]
    path = workbook(tmp_path / "gii.xlsx", {"GII": rows})
    with pytest.raises(InputError, match=r"Cell B3 holds the formula '=40-2.7' but no saved") \
            as err:
        user.parse("gii", path)
    assert "sheet 'GII', cell B3" in str(err.value) and "save it again" in (err.value.fix or "")


def test_a_cover_sheet_points_to_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "gii.xlsx", {
        "Cover": [["Global Innovation Index 2023, our extract"]],
        "Data": [["economy", "score", "year"], ["Lithuania", 41.9, 2023],
                 ["Germany", 58.8, 2023]]})
    with pytest.raises(InputError, match="no data rows") as err:
        user.parse("gii", path)
    message = str(err.value)
    assert "--sheet" in message and "'Cover'" in message and "'Data'" in message
    assert scores_sheet(path, "Data") == {"LTU": 41.9, "DEU": 58.8}


def scores_sheet(path: Path, sheet: str) -> dict[str, float]:
    table = user.parse("gii", path, sheet=sheet).tables["gii"]
    return dict(zip(table["iso3"], table["score"], strict=True))


def test_a_longer_cover_sheet_adds_the_hint_to_a_missing_column(tmp_path: Path) -> None:
    path = workbook(tmp_path / "gii.xlsx", {
        "About": [["Extract of the GII"], ["Prepared by the ministry"], ["2024"]],
        "Data": [["economy", "score", "year"], ["Lithuania", 41.9, 2023]]})
    with pytest.raises(InputError, match="Missing column 'economy'") as err:
        user.parse("gii", path)
    assert "--sheet NAME" in (err.value.fix or "") and "'Data'" in (err.value.fix or "")


def test_one_sheet_gets_no_sheet_hint(tmp_path: Path) -> None:
    path = workbook(tmp_path / "gii.xlsx", {"GII": [["economy", "score", "year"]]})
    with pytest.raises(InputError, match="no data rows") as err:
        UserTable.read(path)
    assert "--sheet" not in str(err.value)
