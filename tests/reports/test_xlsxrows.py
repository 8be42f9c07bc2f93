"""The streamed sheet rows (reports.xlsxrows) against XlsxWriter writing the same cells one by
one through its public API: the whole sheet XML must be identical, for every kind of cell.
A change in XlsxWriter's internals (pinned to 3.x) or a slip in our XML fails here."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from marketscout.errors import InputError
from marketscout.reports.columns import Column
from marketscout.reports.workbook import Sheet, _Styles, write_workbook
from marketscout.reports.xlsxrows import letters, stream_rows

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}
COLUMNS = (Column("score", "Score (0-100)", "score"), Column("count", "Count", "int"),
           Column("mixed", "Mixed"), Column("note", "Note", width=50),
           Column("flag", "Flag"), Column("share", "Share", "percent"))
TEXTS = ["plain", "=SUM(A1:A9)", "+1", "-x", "@me", " leading", "trailing ", "a&b<c>\"d",
         "_x0041_ literal", "bell\x07here", "line\nbreak", "Türkiye", "\u00e9\u4e2d\U0001f600"]


def frame() -> pd.DataFrame:
    n = len(TEXTS)
    mixed: list[Any] = [None, True, 3, 2.5, math.nan, pd.NA, ["a", "b"], "=1+1",
                        math.inf, False, "x", 10**17, "ok"]
    return pd.DataFrame({
        "score": [1.5, math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-300, 1e300, 123456789.125,
                  2 / 3, -7.0, 1e16, 0.1][:n],
        "count": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], dtype="Int64"),
        "mixed": mixed[:n], "note": TEXTS, "flag": [i % 2 == 0 for i in range(n)],
        "share": [i / 7 for i in range(n)]})


def reference(path: Path, data: pd.DataFrame) -> None:
    """The same sheet, cell by cell with XlsxWriter's public API, by the rules the writer
    documents: numbers in the column's format, text as text (quote prefix when a spreadsheet
    would run it, wrapped in wide columns), booleans as booleans, missing and infinite empty."""
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    styles = _Styles(book)
    ws = book.add_worksheet("T")
    widths = {"score": 15, "count": 8, "mixed": 8, "note": 50, "flag": 8, "share": 8}
    for j, col in enumerate(COLUMNS):
        ws.set_column(j, j, widths[col.key])
    ws.freeze_panes(1, 0)
    for j, col in enumerate(COLUMNS):
        ws.write_string(0, j, col.title, styles.header)
        ws.write_comment(0, j, f"column: {col.key}", {"author": "marketscout"})
    for i, row in enumerate(data.astype(object).itertuples(index=False), start=1):
        for j, (col, value) in enumerate(zip(COLUMNS, row, strict=True)):
            wrap = col.key == "note"
            if value is None or value is pd.NA or (isinstance(value, float)
                                                   and not math.isfinite(value)):
                continue
            if isinstance(value, list):
                value = "; ".join(value)
            if isinstance(value, bool):
                ws.write_boolean(i, j, value)
            elif isinstance(value, int | float):
                number = styles.number(col.fmt) if col.key in ("score", "count", "share") \
                    else None
                ws.write_number(i, j, value, number)
            elif value.startswith(("=", "+", "-", "@")):
                ws.write_string(i, j, value, styles.quoted_wrap if wrap else styles.quoted)
            else:
                ws.write_string(i, j, value, styles.wrap if wrap else None)
    ws.autofilter(0, 0, len(data), len(COLUMNS) - 1)
    book.close()


def sheet_xml(path: Path) -> str:
    """The sheet's XML with style numbers left out: they count formats in order of first
    use, which differs (the styles themselves are compared cell by cell)."""
    with zipfile.ZipFile(path) as z:
        return re.sub(r' s="[0-9]+"', "", z.read("xl/worksheets/sheet1.xml").decode())


def styled(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["T"]
    return [(c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix,
             c.alignment.wrap_text, c.font.b, c.fill.fgColor.rgb, c.border.left.style)
            for row in ws.iter_rows() for c in row]


def test_streamed_rows_are_the_xml_xlsxwriter_writes_cell_by_cell(tmp_path: Path) -> None:
    data = frame()
    columns = [Column(c.key, c.header, c.fmt, {"score": 15, "count": 8, "mixed": 8,
                                               "note": 50, "flag": 8, "share": 8}[c.key])
               for c in COLUMNS]
    ours = write_workbook(tmp_path / "ours.xlsx", [Sheet("T", data, columns)], progress=False)
    reference(tmp_path / "ref.xlsx", data)
    mine, theirs = sheet_xml(ours), sheet_xml(tmp_path / "ref.xlsx")
    assert "<sheetData><row" in mine and mine == theirs
    assert styled(ours) == styled(tmp_path / "ref.xlsx")


def test_the_cells_read_back_as_written(tmp_path: Path) -> None:
    data = frame()
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("T", data, COLUMNS)], progress=False)
    ws = openpyxl.load_workbook(path)["T"]
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    notes = [ws.cell(row=i + 2, column=4) for i in range(len(TEXTS))]
    assert [c.value for c in notes][:8] == TEXTS[:8] and notes[11].value == "Türkiye"
    assert notes[10].value == "line\nbreak" and notes[12].value == TEXTS[12]
    # Excel's escapes of control characters and of text that reads like one (openpyxl shows
    # them as stored; Excel shows the original)
    assert notes[8].value == "_x005F_x0041_ literal" and notes[9].value == "bell_x0007_here"
    formula = ws.cell(row=3, column=4)
    assert formula.data_type == "s" and formula.quotePrefix
    assert ws.cell(row=2, column=1).value == 1.5 and ws.cell(row=2, column=1).number_format \
        == "0.0"
    assert [ws.cell(row=r, column=1).value for r in (3, 4, 5)] == [None, None, None]
    assert ws.cell(row=3, column=2).value is None and ws.cell(row=4, column=2).value == 3
    mixed = [ws.cell(row=r, column=3).value for r in range(2, 2 + len(TEXTS))]
    assert mixed == [None, True, 3, 2.5, None, None, "a; b", "=1+1", None, False, "x",
                     1e17, "ok"]
    assert ws.cell(row=9, column=3).data_type == "s"  # "=1+1" is text, not a formula
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{len(TEXTS) + 1}"


def test_a_cell_longer_than_excel_allows_is_cut_at_32767() -> None:
    from marketscout.reports.xlsxrows import text_tail

    assert text_tail("x" * 40_000, None).count("x") == 32767
    # a character outside the basic plane counts twice, as in Excel (UTF-16)
    assert text_tail("\U0001f600" * 20_000, None).count("\U0001f600") == 16383


def test_column_letters_past_z() -> None:
    assert letters(28)[-3:] == ["Z", "AA", "AB"]
    assert letters(703)[-1] == "AAA"


def test_more_rows_than_a_sheet_holds_is_a_clear_error(tmp_path: Path) -> None:
    class Sheetlike:
        xls_rowmax = 10

    with pytest.raises(InputError, match="at most 9 below its header") as caught:
        stream_rows(Sheetlike(), [[None] * 10], "sheet 'T'", lambda n: None)
    assert caught.value.fix and "csv" in caught.value.fix


def test_every_row_is_counted_for_the_progress_bar(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "p.xlsx"), OPTIONS)
    ws = book.add_worksheet("T")
    ws.write_string(0, 0, "h")
    seen: list[int] = []
    stream_rows(ws, [['><v>1</v></c>'] * 2500], "sheet 'T'", seen.append)
    book.close()
    assert seen == [1000, 1000, 500]
    rows = openpyxl.load_workbook(tmp_path / "p.xlsx")["T"]
    assert rows.max_row == 2501 and rows.cell(row=2501, column=1).value == 1


def test_a_row_with_no_values_is_left_out_as_xlsxwriter_does(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"), OPTIONS)
    ws = book.add_worksheet("T")
    ws.write_string(0, 0, "h")
    stream_rows(ws, [["><v>1</v></c>", None, "><v>3</v></c>"]], "sheet 'T'", lambda n: None)
    book.close()
    xml = sheet_xml(tmp_path / "e.xlsx")
    assert '<row r="2">' in xml and '<row r="3"' not in xml and '<row r="4">' in xml
    assert '<dimension ref="A1:A4"/>' in xml
