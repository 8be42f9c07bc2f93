"""The one Excel writer: every workbook marketscout writes (rank, criteria, collab, DSM,
survey, calls, plans) goes through `write_workbook`.

Each sheet gets a bold header row with units, frozen, with an autofilter; column widths
fitted to the content; a number format per column; the machine name of each column in the
header cell's note. Rows are streamed (openpyxl's write-only mode), so any size is written
in flat memory, with a progress bar on large tables. Text that a spreadsheet would run as a
formula is stored as text (`reports.columns`). An "About" sheet first carries the title,
the warnings and where the numbers come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.reports.columns import FORMATS, Column, columns_for, is_formula_like, plain
from marketscout.reports.files import check_output

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
    from openpyxl import Workbook

    path = check_output(Path(path))
    book = Workbook(write_only=True)
    about, warnings = list(about), list(warnings)
    if title or about or warnings:
        _about_sheet(book, title, about, warnings)
    with _Progress(sheets, progress) as advance:
        for sheet in sheets:
            _table_sheet(book, sheet, advance)
    book.save(path)
    return path


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {"bold": Font(bold=True), "fill": PatternFill("solid", fgColor="E8ECF2"),
            "wrap": Alignment(wrap_text=True, vertical="top"),
            "title": Font(bold=True, size=14), "warn": Font(bold=True, color="9C5700")}


def _about_sheet(book: Any, title: str, about: list[tuple[str, Any]],
                 warnings: list[str]) -> None:
    from openpyxl.cell import WriteOnlyCell

    ws = book.create_sheet("About")
    st = _styles()
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100

    def cell(value: Any, font: Any = None, wrap: bool = False) -> Any:
        c = WriteOnlyCell(ws, value=plain(value))
        _protect(c)
        if font is not None:
            c.font = font
        if wrap:
            c.alignment = st["wrap"]
        return c

    if title:
        ws.append([cell(title, st["title"])])
    for w in warnings:
        ws.append([cell("Warning", st["warn"]), cell(w, wrap=True)])
    if warnings or title:
        ws.append([])
    for key, value in about:
        ws.append([cell(key, st["bold"]), cell(value, wrap=True)])


def _table_sheet(book: Any, sheet: Sheet, advance: Any) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(_sheet_name(sheet.name))
    st = _styles()
    frame = sheet.frame
    cols = columns_for(frame, sheet.columns)
    for j, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width or _fit(frame, col)
    ws.freeze_panes = "A2"
    header = []
    for col in cols:
        c = WriteOnlyCell(ws, value=col.title)
        c.font, c.fill, c.alignment = st["bold"], st["fill"], st["wrap"]
        note = f"{col.note}\n" if col.note else ""
        c.comment = Comment(f"{note}column: {col.key}", "marketscout", height=80, width=240)
        header.append(c)
    ws.append(header)
    formats = [FORMATS[c.fmt][0] for c in cols]
    wrap = [c.width is not None and c.width >= 40 for c in cols]
    values = frame[[c.key for c in cols]].itertuples(index=False, name=None)
    for n, row in enumerate(values, start=1):
        ws.append([_cell(ws, v, f, w, st) for v, f, w in zip(row, formats, wrap, strict=True)])
        if n % 1000 == 0:
            advance(1000)
    advance(len(frame) % 1000)
    if cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(len(frame), 0) + 1}"


def _cell(ws: Any, value: Any, number_format: str, wrap: bool, st: dict[str, Any]) -> Any:
    from openpyxl.cell import WriteOnlyCell

    value = plain(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        c.number_format = number_format
    else:
        _protect(c)
    if wrap:
        c.alignment = st["wrap"]
    return c


def _protect(c: Any) -> None:
    """Text that Excel would run as a formula stays text (string cell, quote prefix)."""
    if is_formula_like(c.value):
        c.data_type = "s"
        c.quotePrefix = True


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
        if col.fmt == "percent":
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
