"""A sheet's data rows streamed as XML: the cells XlsxWriter writes, made a column at a time.

XlsxWriter's constant-memory mode takes several Python calls per cell (argument checks, a
cell tuple, an XML writer): about 10 microseconds, 35 s for the DSM workbook of the guide's
synthetic world. Here each column's cells are formatted in one pass and each row goes to the
worksheet's row file as one string: the same `<row>`/`<c>` XML XlsxWriter writes for
`write_number`, `write_string` and `write_boolean` (tests/reports/test_xlsxrows.py compares
both, cell kind by cell kind). It relies on XlsxWriter's constant-memory internals
(`Worksheet.fh`, `previous_row`, `_write_single_row`, `_check_dimensions`, `xls_rowmax`,
`Format._get_xf_index`), so pyproject.toml pins XlsxWriter to 3.x.

A cell is a number (with the column's number format), a boolean, or text stored as text
(never a formula: text a spreadsheet would run gets the quote-prefix style); missing and
non-finite values leave the cell empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from marketscout.errors import InputError
from marketscout.reports.columns import is_formula_like, plain

if TYPE_CHECKING:
    import pandas as pd

CHUNK = 1000  # rows per write to the row file (and per progress step)
MAX_TEXT = 32767  # Excel's cell limit, in UTF-16 code units
_LITERAL = re.compile("(_x[0-9a-fA-F]{4}_)")  # text that reads like an escape is escaped
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")  # control characters become _xHHHH_
_EDGE_SPACE = re.compile(r"^\s|\s$")

# A cell's XML after its reference (`<c r="B7"` + tail), or None for an empty cell.
Tail = str | None


def number_tail(value: float, style: int | None) -> Tail:
    if not math.isfinite(value):
        return None
    styled = "" if style is None else f' s="{style}"'
    return f"{styled}><v>{value:.16G}</v></c>"


def text_tail(text: str, style: int | None) -> str:
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * MAX_TEXT:
        text = text.encode("utf-16-le")[:2 * MAX_TEXT].decode("utf-16-le", "ignore")
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", _LITERAL.sub(r"_x005F\1", text))
    keep = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    styled = "" if style is None else f' s="{style}"'
    return f'{styled} t="inlineStr"><is><t{keep}>{text}</t></is></c>'


def boolean_tail(value: bool) -> str:
    return f' t="b"><v>{int(value)}</v></c>'


def value_tail(value: Any, text_style: Callable[[str], int | None]) -> Tail:
    """Any value of a mixed column: plain Python first (lists joined, NaN and NA empty)."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return boolean_tail(value)
    if isinstance(value, int | float):
        return number_tail(value, None)
    text = str(value)
    return text_tail(text, text_style(text))


def column_tails(series: pd.Series, number: Any, plain_text: Any | None,
                 quoted_text: Any) -> list[Tail]:
    """Every cell of one column; numbers converted once, repeated texts formatted once. The
    XlsxWriter formats: of the numbers, of text (None: unformatted), of formula-like text."""
    import pandas as pd

    kind = series.dtype
    if pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
        values = series.to_numpy(dtype=float, na_value=float("nan")).tolist()
        number_style = number._get_xf_index()
        return [number_tail(v, number_style) for v in values]
    plain_style = None if plain_text is None else plain_text._get_xf_index()
    quoted_style = quoted_text._get_xf_index()

    def style(text: str) -> int | None:
        return quoted_style if is_formula_like(text) else plain_style

    seen: dict[Any, Tail] = {}
    out: list[Tail] = []
    for value in series.tolist():
        try:
            out.append(seen[value])
        except (KeyError, TypeError):  # first time, or unhashable (a list)
            tail = value_tail(value, style)
            if isinstance(value, str):
                seen[value] = tail
            out.append(tail)
    return out


def letters(count: int) -> list[str]:
    """Excel's column letters: A..Z, AA..."""
    out = []
    for j in range(count):
        name, n = "", j + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def stream_rows(ws: Any, columns: Sequence[list[Tail]], where: str,
                advance: Callable[[int], Any]) -> None:
    """Write the data rows (sheet rows 2 onward) after a header row written by XlsxWriter."""
    rows = len(columns[0]) if columns else 0
    if rows + 1 > ws.xls_rowmax:
        raise InputError(f"The table has {rows:,} rows; an Excel sheet holds at most "
                         f"{ws.xls_rowmax - 1:,} below its header.", where=where,
                         fix="Write it with --format csv or parquet.")
    if not rows:
        return
    ws._write_single_row(1)  # the header row (and its notes) goes to the row file first
    named = list(zip(letters(len(columns)), columns, strict=True))
    for start in range(0, rows, CHUNK):
        lines = []
        for i in range(start, min(rows, start + CHUNK)):
            r = i + 2
            cells = "".join([f'<c r="{col}{r}"{tails[i]}' for col, tails in named
                             if tails[i] is not None])
            if cells:
                lines.append(f'<row r="{r}">{cells}</row>')
        ws.fh.write("".join(lines))
        advance(min(CHUNK, rows - start))
    ws._check_dimensions(rows, len(columns) - 1)
    ws.previous_row = rows
