"""One record typed in a web form or on the command line, checked by the file reader's own rules.

`FormTable` is the user-file reader `sources.table.UserTable` (imported here
on purpose: one set of checks and messages for files and forms) over a single row, whose
errors name the form field instead of a spreadsheet row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout.errors import InputError
from marketscout.sources.table import UserTable

LIST_SEPARATORS = re.compile(r"\s*[;,|]\s*")


class FormTable(UserTable):
    """A one-row UserTable whose messages say 'field x of <origin>'."""

    @classmethod
    def of(cls, fields: Mapping[str, Any], origin: str) -> FormTable:
        """The fields (name -> text; None and missing mean blank) as one row."""
        keys = [str(k) for k in fields]
        cells = ["" if v is None else str(v).strip() for v in fields.values()]
        frame = pd.DataFrame([cells], columns=keys, index=[1], dtype=str)
        return cls(Path(origin), frame, {k: k for k in keys}, frozenset())

    def where(self, row: int | str, column: str | None = None) -> str:
        return f"{self.path}" + (f", field '{column}'" if column else "")

    def numbers(self, column: str, **kwargs: Any) -> pd.Series:
        try:
            return super().numbers(column, **kwargs)
        except InputError as exc:  # the shared number parser names a row; a form has fields
            raise InputError(exc.what, where=self.where(1, column), fix=exc.fix) from None


def parse_date(table: UserTable, column: str, *, required: bool = True) -> pd.Series:
    """Dates written YYYY-MM-DD (Excel date cells arrive as 'YYYY-MM-DD 00:00:00')."""
    cells = table.text(column, required=required)
    out: dict[int, date | None] = {}
    for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            out[row] = None
            continue
        try:
            out[row] = date.fromisoformat(str(value)[:10])
        except ValueError:
            table.fail(f"Not a date: {value!r} in column '{table.headers[column]}'.", row, column,
                       "Write dates as YYYY-MM-DD, e.g. 2026-03-15.")
    return pd.Series(out, dtype=object)


def split_list(text: str | None) -> list[str]:
    """'DEU; POL, FRA' -> ['DEU', 'POL', 'FRA'] (blank items dropped)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [part for part in LIST_SEPARATORS.split(str(text).strip()) if part]


def market_lists(table: UserTable, column: str) -> pd.Series:
    """One or more countries per cell (separated by ; , or |), each checked as a country
    (aggregates and unknown names refused, with the closest names)."""
    cells = table.text(column)
    out: dict[int, list[str]] = {}
    for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True):
        codes: list[str] = []
        for name in split_list(value):
            code = table.country(name, row, column)
            if code not in codes:
                codes.append(code)
        if not codes:
            table.fail(f"No market in column '{table.headers[column]}'.", row, column,
                       "Name at least one market (ISO3 code or name; several separated by ;).")
        out[row] = codes
    return pd.Series(out, dtype=object)


def optional(table: UserTable, names: Sequence[str]) -> str | None:
    """The first column present among `names`, or None (headers are lower-cased)."""
    return table.find(*names)


def first_row(mask: pd.Series) -> int | None:
    hits = mask[mask.fillna(False).astype(bool)]
    return None if hits.empty else int(hits.index[0])


def nulls(series: pd.Series) -> pd.Series:
    """Missing values as None (object dtype): what the store and forms expect."""
    out = series.astype(object)
    out[series.isna()] = None
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts with string keys."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
