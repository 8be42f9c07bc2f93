"""A user's table read cell by cell as text, with checks whose errors name file, row and column.

Rows are numbered as a spreadsheet shows them (header = row 1), blank lines included, so
`read.read_csv` (which drops blank lines) is not used here; `records` reads the rows.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from marketscout.countries import is_aggregate, to_iso3
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources.read import to_number
from marketscout.sources.records import Records, read_records


def _first(mask: pd.Series) -> int | None:
    """The row number of the first True in a boolean Series indexed by row, or None."""
    hits = mask[mask.fillna(False).astype(bool)]
    return None if hits.empty else int(hits.index[0])


@dataclass(frozen=True)
class UserTable:
    """Text cells indexed by spreadsheet row; columns keyed by lower-cased header."""

    path: Path
    frame: pd.DataFrame
    headers: dict[str, str]  # key -> header as written
    repeated: frozenset[str]  # keys whose header appears more than once
    header_row: int = 1
    sheet_hint: str = ""  # for a workbook of several sheets: how to read another one

    @classmethod
    def read(cls, path: Path | str, sheet: str | None = None) -> UserTable:
        """Read the first non-blank row as the header and the non-blank rows below it."""
        path = Path(path)
        found = read_records(path, sheet)
        hint = found.sheet_hint() if sheet is None else ""
        records = [(n, cells) for n, cells in found.rows if any(cells)]
        if not records:
            raise InputError("The file is empty." + hint, where=_place(path, found),
                             fix="Check the export step." + _sheet_fix(found, sheet))
        _reject_nul(path, found, records)
        header_row, header = records[0]
        keys, headers, repeated = _header_keys(header)
        rows = []
        for number, cells in records[1:]:
            extra = [c for c in cells[len(keys) :] if c]
            if extra:
                _too_many_fields(path, number, len(cells), len(keys))
            rows.append(cells[: len(keys)] + [""] * (len(keys) - len(cells)))
        if not rows:
            raise InputError(
                "The file has a header but no data rows." + hint,
                where=f"{_place(path, found)}, row {header_row + 1}",
                fix="Add one row per country below the header." + _sheet_fix(found, sheet),
            )
        frame = pd.DataFrame(rows, columns=keys, index=[n for n, _ in records[1:]], dtype=str)
        return cls(path, frame, headers, frozenset(repeated), header_row, hint)

    @property
    def header_place(self) -> str:
        """The header's row, as error messages show it."""
        return f"{self.header_row} (header)"

    def where(self, row: int | str, column: str | None = None) -> str:
        """'file, row N, column 'x'' for error messages."""
        place = f"{self.path}, row {row}"
        return place + (f", column '{self.headers.get(column, column)}'" if column else "")

    def fail(self, what: str, row: int | str, column: str | None, fix: str) -> NoReturn:
        raise InputError(what, where=self.where(row, column), fix=fix)

    def find(self, *names: str) -> str | None:
        """The first column present among `names` (headers are lower-cased), or None."""
        for name in names:
            if name in self.headers:
                if name in self.repeated:
                    self.fail(f"Column '{name}' appears more than once.", self.header_place, name,
                              "Keep one column of that name.")
                return name
        return None

    def column(self, *names: str) -> str:
        """Like `find`, but a missing column raises, naming the closest header present."""
        found = self.find(*names)
        if found is None:
            self._missing(names)
        return found

    def _missing(self, names: Sequence[str]) -> NoReturn:
        present = [h for h in self.headers.values() if h]
        close = difflib.get_close_matches(names[0], [h.lower() for h in present], n=1, cutoff=0.6)
        also = f" (also accepted: {', '.join(names[1:])})" if len(names) > 1 else ""
        found = f" Found '{close[0]}': is it misspelt?" if close else ""
        fix = f"Add a column '{names[0]}'{also}. Columns present: {', '.join(present) or 'none'}."
        if len(present) == 1 and any(sep in present[0] for sep in " |:/"):
            fix += " The whole header is one column: separate fields with , or ; or a tab."
        fix += self.sheet_hint
        self.fail(f"Missing column '{names[0]}'{also}.{found}", self.header_place, None, fix)

    def text(self, column: str, *, required: bool = True) -> pd.Series:
        """Cells as stripped text; blank cells become missing (or raise when required)."""
        cells = self.frame[column].str.strip()
        row = _first(cells == "")
        if required and row is not None:
            self.fail(f"Empty cell in column '{self.headers[column]}'.", row, column,
                      "Fill in every cell of this column.")
        return cells.mask(cells == "")

    def numbers(
        self,
        column: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        required: bool = True,
    ) -> pd.Series:
        """Numbers (decimal commas accepted) checked against a range; blanks become NaN."""
        cells = self.frame[column]
        first, last = int(cells.index[0]), int(cells.index[-1])
        full = cells.reindex(range(first, last + 1), fill_value="")
        header = self.headers[column]
        values = to_number(full, path=self.path, column=header, first_row=first)
        values = values.reindex(cells.index)
        if required and (row := _first(values.isna())) is not None:
            self.fail(f"Empty cell in column '{header}'.", row, column,
                      "Every row needs a value here.")
        checks: list[tuple[pd.Series, str, str]] = [
            (values.abs() == np.inf, "Not a finite number", "Write an ordinary number."),
        ]
        if minimum is not None:
            checks.append((values < minimum, f"Value below {minimum:g}",
                           "This value cannot be smaller; check the sign and the column."))
        if maximum is not None:
            checks.append((values > maximum, f"Value above {maximum:g}",
                           "Check the scale of the column."))
        if integer:
            checks.append((values % 1 != 0, "Not a whole number", "Write a whole number (e.g. 3)."))
        for mask, what, fix in checks:
            if (row := _first(mask & values.notna())) is not None:
                self.fail(f"{what} in column '{header}': {cells[row]!r}.", row, column, fix)
        return values

    def years(self, column: str | None, default: int | None) -> pd.Series:
        """Years from a column, blanks filled with `default` (--year); 1900-2100."""
        if column is None:
            if default is None:
                self.fail("Missing column 'year'.", self.header_place, None,
                          "Add a column 'year' or pass --year.")
            return pd.Series(default, index=self.frame.index, dtype="int64")
        values = self.numbers(column, minimum=1900, maximum=2100, integer=True,
                              required=default is None)
        return (values if default is None else values.fillna(default)).astype("int64")

    def country(self, value: str, row: int, column: str) -> str:
        """ISO3 of one cell; aggregates and unknown names raise with the closest names."""
        where = self.where(row, column)
        try:
            return to_iso3(value, where=where)
        except UnknownCountryError:
            if not is_aggregate(value):
                raise
        raise InputError(
            f"{value!r} is an aggregate (a group of countries), not a country.",
            where=where,
            fix="Remove rows for World, EU27, regions and income groups; keep one row per country.",
        )

    def countries(self, column: str) -> pd.Series:
        """ISO3 codes for a column of country names or codes (each distinct value once)."""
        cells = self.text(column)
        memo: dict[str, str] = {}
        for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True):
            if value not in memo:
                memo[value] = self.country(value, row, column)
        return cells.map(memo)

    def choice(self, column: str, allowed: Sequence[str], default: str | None = None) -> pd.Series:
        """Cells matched case-insensitively to `allowed` (written as in `allowed`)."""
        canonical = {" ".join(a.lower().split()): a for a in allowed}
        cells = self.text(column, required=default is None).fillna(default or "")
        keys = cells.map(lambda c: " ".join(str(c).lower().split()))
        row = _first(~keys.isin(list(canonical)))
        if row is not None:
            self.fail(f"Unexpected value {cells[row]!r} in column '{self.headers[column]}'.",
                      row, column, f"Use one of: {', '.join(allowed)}.")
        return keys.map(canonical)

    def reject_duplicates(self, frame: pd.DataFrame, keys: Sequence[str]) -> None:
        """Raise on two rows with the same key (after names are mapped to codes)."""
        dup = frame.duplicated(subset=list(keys), keep=False)
        if not dup.any():
            return
        first = frame.loc[dup].iloc[0]
        same = (frame.loc[dup, list(keys)] == first[list(keys)]).all(axis=1)
        rows = [int(r) for r in same[same].index[:2]]
        value = ", ".join(str(first[k]) for k in keys)
        raise InputError(
            f"Duplicated rows: rows {rows[0]} and {rows[1]} have the same {', '.join(keys)} "
            f"({value}).",
            where=f"{self.path}, rows {rows[0]} and {rows[1]}, column(s) {', '.join(keys)}",
            fix="Keep one row per key (a name and its code count as the same country).",
        )


def _place(path: Path, found: Records) -> str:
    return f"{path}, sheet '{found.sheet}'" if found.sheet is not None else str(path)


def _sheet_fix(found: Records, sheet: str | None) -> str:
    if len(found.sheets) < 2:
        return ""
    return f" Sheets in the workbook: {', '.join(found.sheets)} (--sheet NAME)."


def _reject_nul(path: Path, found: Records, records: list[tuple[int, list[str]]]) -> None:
    """A NUL byte in a cell makes a header match no column (a column silently missing) or a
    value unreadable: name the cell instead."""
    for number, cells in records:
        for column, cell in enumerate(cells, start=1):
            if "\x00" in cell:
                kind = "header cell" if number == records[0][0] else "cell"
                raise InputError(
                    f"The {kind} {cell.replace(chr(0), '<NUL>')[:40]!r} holds NUL bytes.",
                    where=f"{_place(path, found)}, row {number}, column {column}",
                    fix="Retype that cell, or save the file again as CSV UTF-8; NUL bytes come "
                    "from a text file saved as UTF-16 without its mark, or from a broken "
                    "export.")


def _header_keys(header: list[str]) -> tuple[list[str], dict[str, str], set[str]]:
    """Unique lower-cased keys for the header cells, and which of them repeat."""
    keys: list[str] = []
    headers: dict[str, str] = {}
    repeated: set[str] = set()
    for position, cell in enumerate(header):
        key = " ".join(cell.lstrip("\ufeff").lower().split()) or f"#{position + 1}"
        if key in headers:
            repeated.add(key)
            key = f"{key}#{position + 1}"
        keys.append(key)
        headers[key] = cell
    return keys, headers, repeated


def _too_many_fields(path: Path, row: int, found: int, expected: int) -> NoReturn:
    raise InputError(
        f"Row {row} has {found} fields but the header has {expected}.",
        where=f"{path}, row {row}",
        fix="A decimal comma in a comma-separated file must be quoted (\"58,2\"); "
        "or use ; as the separator.",
    )
