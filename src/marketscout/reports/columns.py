"""What a column of an output table means, and how its cells are written safely.

One definition shared by the Excel writer (`reports.workbook`) and the CSV writer
(`reports.csvfile`): the human header with its unit, the machine name, the number format,
and the neutralisation of text that a spreadsheet would run as a formula (OWASP "CSV
injection": a cell starting with =, +, -, @, tab or carriage return).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# fmt -> (Excel number format, decimals kept in CSV; None = as is)
FORMATS: dict[str, tuple[str, int | None]] = {
    "text": ("@", None),
    "int": ("#,##0", 0),
    "score": ("0.0", 1),
    "decimal": ("0.00", 2),
    "percent": ("0.0%", 4),
    "probability": ("0%", 2),
    "money": ("#,##0", 0),
    "ratio": ("0.000", 3),
    "date": ("yyyy-mm-dd", None),
    "auto": ("General", None),
}


@dataclass(frozen=True)
class Column:
    """One output column: `key` in the frame, `header` for people (with its unit), the
    format (`text`, `int`, `score` 0.0, `decimal` 0.00, `percent` 0.0 %, `probability`
    0 %, `money` #,##0, `ratio`, `date`, `auto`), an optional width and a note shown on
    the header."""

    key: str
    header: str = ""
    fmt: str = "auto"
    width: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown column format {self.fmt!r}; use one of {list(FORMATS)}")

    @property
    def title(self) -> str:
        return self.header or self.key


def columns_for(frame: Any, given: Sequence[Column] = ()) -> list[Column]:
    """The given columns that are in the frame, in order, else one `auto` column per frame
    column (integers as `int`, other numbers as `decimal`, the rest as text)."""
    if given:
        return [c for c in given if c.key in frame.columns]
    out = []
    for key in frame.columns:
        kind = str(frame[key].dtype)
        fmt = "int" if kind.startswith(("int", "Int")) else (
            "decimal" if kind.startswith(("float", "Float")) else "auto")
        out.append(Column(str(key), fmt=fmt))
    return out


def safe_text(value: str) -> str:
    """Text a spreadsheet would evaluate, prefixed with an apostrophe (OWASP); other text
    unchanged. Used for CSV; the Excel writer stores such text as a string cell instead."""
    return "'" + value if value.startswith(FORMULA_START) else value


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def plain(value: Any) -> Any:
    """A cell value as Python: NaN/NA -> None, NumPy scalars -> Python, lists joined."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            value = value.item()
        except (ValueError, TypeError):
            return str(value)
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def rounded(value: Any, column: Column) -> Any:
    """A number rounded to the column's precision (CSV: rounding is the meaning)."""
    digits = FORMATS[column.fmt][1]
    if digits is None or isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return round(value) if digits == 0 else round(float(value), digits)
