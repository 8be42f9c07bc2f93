"""A user's file as rows of text cells (CSV in any common encoding, or one Excel sheet), read
so that nothing is lost silently: every row the sheet holds, every formula's value, and an
error naming the cell for anything that cannot be read as written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marketscout.errors import InputError
from marketscout.sources.read import decode, read_bytes, sniff_separator

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
Record = tuple[int, list[str]]


@dataclass(frozen=True)
class Records:
    """(row number, cells as text) for each row; for Excel, the sheet read and all sheets."""

    rows: list[Record]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    def sheet_hint(self) -> str:
        """' The workbook has sheets A, B: pass --sheet ...' when another sheet may hold the
        data (a cover sheet before the table), else ''."""
        if len(self.sheets) < 2:
            return ""
        others = ", ".join(f"'{s}'" for s in self.sheets)
        return (f" The workbook has {len(self.sheets)} sheets ({others}) and sheet "
                f"'{self.sheet}' was read: if the data is on another sheet (after a cover "
                "sheet), pass --sheet NAME.")


def read_records(path: Path, sheet: str | None = None) -> Records:
    """Every row of a CSV, or of the chosen (default: first) sheet of an Excel workbook."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_records(path, sheet)
    if sheet is not None:
        raise InputError("--sheet applies to Excel files only.", where=str(path),
                         fix="Leave out --sheet for a CSV file, or import the .xlsx workbook.")
    return Records(_csv_records(path))


# --- CSV and text files -----------------------------------------------------------------------


def _csv_records(path: Path) -> list[Record]:
    text, _ = decode(read_bytes(path), where=str(path))
    reader = csv.reader(io.StringIO(text), delimiter=sniff_separator(text), skipinitialspace=True)
    try:
        return [(n, [_clean(c) for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            _too_long(path, text)
        raise InputError(
            f"The file cannot be read as CSV: {exc}.",
            where=f"{path}, row {reader.line_num}",
            fix="Check the quotes on that row (a field that opens a quote must close it).",
        ) from exc


def _too_long(path: Path, text: str) -> None:
    """Name the cell over the CSV reader's limit (128 KiB), its size and what to do."""
    limit = csv.field_size_limit()
    old = csv.field_size_limit(len(text) + 1)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sniff_separator(text))
        for row, cells in enumerate(reader, start=1):
            for column, cell in enumerate(cells, start=1):
                if len(cell) > limit:
                    raise InputError(
                        f"A cell is too long: {len(cell) / 1024:,.0f} KiB, over the "
                        f"{limit // 1024} KiB a table cell may hold.",
                        where=f"{path}, row {row}, column {column}",
                        fix="Shorten that cell (or split it over rows). If it should be short, "
                        "a quote opened before it and never closed has run on through the "
                        "file: close it.")
    finally:
        csv.field_size_limit(old)


def _clean(cell: str) -> str:
    return cell.strip()


# --- Excel ----------------------------------------------------------------------------------


def _excel_records(path: Path, sheet: str | None) -> Records:
    from openpyxl import load_workbook  # only Excel imports need it

    read_bytes(path)  # a missing or empty file gets the common message
    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"The file cannot be read as an Excel workbook ({exc}).",
            where=str(path),
            fix="Save it again as .xlsx from your spreadsheet program, or export it as CSV.",
        ) from exc
    try:
        names = list(values.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(f"No sheet named {sheet!r}.", where=str(path),
                             fix=f"Pass --sheet with one of: {', '.join(names)}.")
        chosen = sheet if sheet is not None else names[0]
        rows = list(_sheet_rows(values[chosen], formulas[chosen], path, chosen))
        return Records(rows, chosen, names)
    finally:
        values.close()
        formulas.close()


def _sheet_rows(cached: Any, written: Any, path: Path, sheet: str) -> Iterator[Record]:
    """Rows as text. Many tools write a stale `<dimension>` (A1:A1, or the size before rows
    were added) and openpyxl's read-only mode trusts it, so it is reset: every row the sheet
    holds is read. A formula saved without its value (written by a program, never opened in
    Excel) has no value to import: an error names the cell."""
    for ws in (cached, written):
        ws.reset_dimensions()
    for number, (row, source) in enumerate(zip(cached.iter_rows(), written.iter_rows(),
                                               strict=False), start=1):
        cells = []
        for cell, formula in zip(row, source, strict=False):
            value = getattr(cell, "value", None)
            text = getattr(formula, "value", None)
            if value is None and isinstance(text, str) and text.startswith("="):
                raise InputError(
                    f"Cell {formula.coordinate} holds the formula {text[:60]!r} but no saved "
                    "value.",
                    where=f"{path}, sheet '{sheet}', cell {formula.coordinate} (row {number})",
                    fix="Open the file in Excel or LibreOffice and save it again (that stores "
                    "each formula's value), or replace the formula by its value.")
            cells.append(_cell_text(value))
        yield number, cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
