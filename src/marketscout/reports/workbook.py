"""The one Excel writer: every workbook marketscout writes (rank, criteria, collab, DSM,
survey, calls, plans) goes through `write_workbook`.

Each sheet gets a bold header row with units, frozen, with an autofilter; column widths
fitted to the content; a number format per column; the machine name of each column in the
header cell's note. Data rows are streamed to the sheet a column at a time
(`reports.xlsxrows`, in XlsxWriter's constant-memory mode), so any size is written in flat
memory and fast, with a progress bar on large tables. Text that a spreadsheet would run as a
formula is stored as text (`reports.columns`). An "About" sheet first carries the title,
the warnings and where the numbers come from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.reports.columns import FORMATS, Column, columns_for, is_formula_like, plain
from marketscout.reports.files import check_output
from marketscout.reports.xlsxrows import Tail, column_tails, stream_rows

if TYPE_CHECKING:
    import pandas as pd

PROGRESS_ROWS = 20_000  # tables longer than this show a progress bar
WIDTH_SAMPLE = 2_000  # rows read to fit a column's width
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Sheet:
    """One sheet: a table and the meaning of its columns (default: inferred)."""

    name: str
    frame: pd.DataFrame
    columns: Sequence[Column] = field(default_factory=tuple)


def write_workbook(
    path: Path | str,
    sheets: Sequence[Sheet],
    *,
    title: str = "",
    about: Iterable[tuple[str, Any]] = (),
    warnings: Iterable[str] = (),
    progress: bool = True,
) -> Path:
    """Write the sheets (after an About sheet when a title, facts or warnings are given)."""
    import xlsxwriter

    path = check_output(Path(path))
    # text is never read as a formula, a URL or a number: what the user typed stays text
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    styles = _Styles(book)
    about, warnings = list(about), list(warnings)
    if title or about or warnings:
        _about_sheet(book, styles, title, about, warnings)
    with _Progress(sheets, progress) as advance:
        for sheet in sheets:
            _table_sheet(book, styles, sheet, advance)
    book.close()
    return path


class _Styles:
    """The workbook's formats, made once (XlsxWriter shares them by object)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#E8ECF2", "text_wrap": True,
                                       "valign": "top", "border": 1, "border_color": "#C8D0DC"})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.warn = book.add_format({"bold": True, "font_color": "#9C5700", "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = book.add_format({"quote_prefix": True})
        self.quoted_wrap = book.add_format({"quote_prefix": True, "text_wrap": True,
                                            "valign": "top"})
        self._numbers: dict[str, Any] = {}

    def number(self, fmt: str) -> Any:
        code = FORMATS[fmt][0]
        if code not in self._numbers:
            self._numbers[code] = self.book.add_format({"num_format": code})
        return self._numbers[code]


def _write(ws: Any, row: int, col: int, value: Any, styles: _Styles, number: Any = None,
           wrap: bool = False) -> None:
    """One cell: numbers with the column's format, text always as text (formula-safe)."""
    value = plain(value)
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            ws.write_number(row, col, value, number)
    else:
        text = str(value)
        if is_formula_like(text):
            ws.write_string(row, col, text, styles.quoted_wrap if wrap else styles.quoted)
        else:
            ws.write_string(row, col, text, styles.wrap if wrap else None)


def _about_sheet(book: Any, styles: _Styles, title: str, about: list[tuple[str, Any]],
                 warnings: list[str]) -> None:
    ws = book.add_worksheet("About")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100)
    row = 0
    if title:
        ws.write_string(row, 0, title, styles.title)
        row += 1
    for w in warnings:
        ws.write_string(row, 0, "Warning", styles.warn)
        _write(ws, row, 1, w, styles, wrap=True)
        row += 1
    row += 1 if (warnings or title) else 0
    for key, value in about:
        ws.write_string(row, 0, str(key), styles.bold)
        _write(ws, row, 1, value, styles, wrap=True)
        row += 1


def _table_sheet(book: Any, styles: _Styles, sheet: Sheet, advance: Any) -> None:
    ws = book.add_worksheet(_sheet_name(sheet.name))
    frame = sheet.frame
    cols = columns_for(frame, sheet.columns)
    for j, col in enumerate(cols):
        ws.set_column(j, j, col.width or _fit(frame, col))
    ws.freeze_panes(1, 0)
    for j, col in enumerate(cols):
        ws.write_string(0, j, col.title, styles.header)
        note = f"{col.note}\n" if col.note else ""
        ws.write_comment(0, j, f"{note}column: {col.key}", {"author": "marketscout"})
    cells = [_cells(styles, frame[c.key], c) for c in cols]
    stream_rows(ws, cells, f"sheet {sheet.name!r}", advance)
    if cols:
        ws.autofilter(0, 0, max(len(frame), 1), len(cols) - 1)


def _cells(styles: _Styles, series: pd.Series, col: Column) -> list[Tail]:
    """One column's cells: numbers in the column's format, wide text columns wrapped."""
    wrap = col.width is not None and col.width >= 40
    return column_tails(series, styles.number(col.fmt), styles.wrap if wrap else None,
                        styles.quoted_wrap if wrap else styles.quoted)


def _fit(frame: pd.DataFrame, col: Column) -> float:
    """A width that shows the header's longest word and most values in full."""
    words = max((len(w) for w in col.title.split()), default=4)
    sample = frame[col.key].head(WIDTH_SAMPLE)
    lengths = [len(_shown(plain(v), col)) for v in sample]
    longest = sorted(lengths)[int(len(lengths) * 0.95)] if lengths else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, words + 2, min(len(col.title), 24) + 2,
                                    longest + 2)))


def _shown(value: Any, col: Column) -> str:
    """Roughly what Excel displays, to size the column."""
    if value is None:
        return ""
    if isinstance(value, float):
        if col.fmt in ("percent", "probability"):
            return f"{value:.1%}"
        digits = FORMATS[col.fmt][1]
        return f"{value:,.{2 if digits is None else digits}f}"
    return str(value)


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


class _Progress:
    """A Rich progress bar (standard error) over all rows when the tables are large."""

    def __init__(self, sheets: Sequence[Sheet], enabled: bool) -> None:
        self.total = sum(len(s.frame) for s in sheets)
        self.enabled = enabled and self.total > PROGRESS_ROWS
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("Writing the workbook", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
