"""Reading publishers' and users' files defensively: one place for encodings, separators,
compression, decimal commas and the error messages that name file, row and column.

Row numbers in messages are the line numbers a spreadsheet shows (header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gzip
import io
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from marketscout.errors import InputError

MISSING = {"", "na", "n/a", "nan", "null", "none", "..", ":", "-", "."}
# A number to_number needs no cleaning for: -12, 3.5, .5, 7., 1e-3 (or a blank)
_PLAIN_NUMBER = r"(-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)?"


def read_bytes(path: Path, member: str | None = None) -> bytes:
    """The raw content of a plain, gzip or zip file; truncated archives raise InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"File not found: {path}", where=str(path), fix="Check the path.")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                data = fh.read()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
                chosen = member or _single_member(names, path)
                data = zf.read(chosen)
        else:
            data = path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zipfile.BadZipFile, zlib.error, KeyError) as exc:
        raise InputError(
            f"The archive is damaged or truncated ({exc}).",
            where=str(path),
            fix="Download the file again; if it came from marketscout, delete it from the cache.",
        ) from exc
    if not data.strip():
        raise InputError("The file is empty.", where=str(path), fix="Check the export step.")
    return data


def _single_member(names: list[str], path: Path) -> str:
    tables = [n for n in names if n.lower().endswith((".csv", ".txt", ".tsv"))]
    if len(tables) != 1:
        raise InputError(
            f"Expected one CSV inside the zip, found {tables or names}.",
            where=str(path),
            fix="Unzip it and import the table you mean.",
        )
    return tables[0]


def decode(data: bytes, *, where: str | None = None) -> tuple[str, str]:
    """Text and encoding: UTF-16 with a byte-order mark (Excel's "Unicode text"), UTF-8
    (with or without BOM), else Latin-1 (always decodes). Text with NUL bytes and no mark is
    UTF-16 or UTF-32 without a BOM, or not text at all: refused rather than read as garbage."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _decode(data, "utf-32", where), "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", where), "utf-16"
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 10:  # a stray NUL is named by the table's checks
        raise InputError(
            "The file's encoding is not supported: it holds NUL bytes but no byte-order mark "
            "(UTF-16 or UTF-32 without a BOM, or not a text file).",
            where=where,
            fix="Save it as CSV UTF-8 (Excel: File > Save As > 'CSV UTF-8'), or as Unicode "
            "text with its byte-order mark, or import the .xlsx workbook.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _decode(data: bytes, encoding: str, where: str | None) -> str:
    try:
        return data.decode(encoding)  # the codec reads and drops the byte-order mark
    except UnicodeDecodeError as exc:
        raise InputError(f"The file says it is {encoding.upper()} but byte {exc.start} is not "
                         "valid there.", where=where,
                         fix="Save it again as CSV UTF-8 from your spreadsheet program.") from exc


def sniff_separator(text: str) -> str:
    """The field separator among , ; tab and |, judged on the first lines."""
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {sep: head.count(sep) for sep in ",;\t|"}
        return max(counts, key=lambda s: counts[s])


def read_csv(
    path: Path,
    *,
    required: Sequence[str] = (),
    sep: str | None = None,
    skiprows: int = 0,
    member: str | None = None,
) -> pd.DataFrame:
    """A CSV as text columns (no type guessing), with the required columns checked."""
    text, _ = decode(read_bytes(path, member), where=str(path))
    separator = sep or sniff_separator("\n".join(text.splitlines()[skiprows:]))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skiprows=skiprows,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"The file cannot be read as a table: {exc}",
            where=str(path),
            fix="Check that it is a CSV with one header row and the same number of fields per row.",
        ) from exc
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.loc[:, [not c.startswith("Unnamed:") for c in frame.columns]]
    if sep and len(frame.columns) == 1 and len(required) > 1:
        raise InputError(
            f"Expected fields separated by {sep!r}, but the header row has one field.",
            where=f"{path}, row {skiprows + 1}",
            fix=f"Save the file in the publisher's layout, with {sep!r} between fields.",
        )
    require_columns(frame, required, path)
    return frame


def read_grid(path: Path, *, sep: str | None = None) -> pd.DataFrame:
    """A headerless CSV (wide layouts) as text cells; frame row i is spreadsheet row i + 1."""
    text, _ = decode(read_bytes(path), where=str(path))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep or sniff_separator(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"The file cannot be read as a table: {exc}",
            where=str(path),
            fix="Check that every row has the same number of fields and that quotes close.",
        ) from exc
    return frame.map(lambda cell: cell.strip() if isinstance(cell, str) else "")


def require_columns(frame: pd.DataFrame, required: Sequence[str], path: Path | str) -> None:
    """Raise naming each missing column and the closest column present."""
    present = list(frame.columns)
    lowered = {c.lower(): c for c in present}
    missing = [c for c in required if c not in present and c.lower() not in lowered]
    if missing:
        hints = []
        for col in missing:
            close = difflib.get_close_matches(col.lower(), list(lowered), n=1, cutoff=0.6)
            hints.append(f"'{col}'" + (f" (found '{lowered[close[0]]}')" if close else ""))
        raise InputError(
            f"Missing column(s) {', '.join(hints)}.",
            where=f"{path}, header row; columns present: {', '.join(present) or 'none'}",
            fix=f"The file needs the columns {', '.join(required)}.",
        )
    renames = {lowered[c.lower()]: c for c in required if c not in present}
    frame.rename(columns=renames, inplace=True)


def to_number(
    values: pd.Series,
    *,
    path: Path | str,
    column: str,
    first_row: int = 2,
    point_only: bool = False,
) -> pd.Series:
    """Parse numbers written as 1234.5, 1 234,5, 1,234.5 or 1234,5; blanks become NaN.

    `point_only` rejects any comma: for publishers that always write a decimal point.
    """
    text = values.astype(str)
    # Digits, a point and an exponent only (most files): the cleaning would change nothing
    # but costs ~1.5 ms a column, so it runs only on columns that need it.
    if not text.str.fullmatch(_PLAIN_NUMBER).all():
        text = _cleaned(values, text, path=path, column=column, first_row=first_row,
                        point_only=point_only)
    numbers = pd.to_numeric(text.replace("", None), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Not a number: {values.iloc[pos]!r} in column '{column}'.",
            where=f"{path}, row {first_row + pos}, column '{column}'",
            fix="Write numbers with digits only (a decimal point or comma is fine).",
        )
    return numbers.astype(float)


def _cleaned(values: pd.Series, text: pd.Series, *, path: Path | str, column: str,
             first_row: int, point_only: bool) -> pd.Series:
    """Spaces and missing-value codes removed, comma decimals and thousands resolved."""
    text = text.str.strip().str.replace("\u00a0", "").str.replace(" ", "")
    text = text.where(~text.str.lower().isin(MISSING), "")
    if point_only:
        _reject_commas(values, text, path=path, column=column, first_row=first_row)
    elif text.str.contains(",", regex=False).any():  # the two regexes only when needed
        comma_decimal = text.str.fullmatch(r"-?[\d.]*,\d+") & ~text.str.fullmatch(
            r"-?\d{1,3}(,\d{3})+"
        )
        text = text.where(
            ~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".")
        )
        text = text.str.replace(",", "", regex=False)
    return text


def _reject_commas(
    values: pd.Series, text: pd.Series, *, path: Path | str, column: str, first_row: int
) -> None:
    comma = text.str.contains(",", regex=False)
    if comma.any():
        pos = int(comma.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Comma in the number {values.iloc[pos]!r} in column '{column}'; this publisher "
            "writes a decimal point and no thousands separator.",
            where=f"{path}, row {first_row + pos}, column '{column}'",
            fix="Use the file as published; a spreadsheet that re-saved it with another "
            "locale may have changed the numbers.",
        )


def reject_duplicates(
    frame: pd.DataFrame,
    keys: Sequence[str],
    path: Path | str,
    *,
    rows: Sequence[int] | None = None,
) -> None:
    """Raise on rows that repeat the same key, naming the first two rows.

    `rows` gives each frame row's spreadsheet row number when the frame was filtered or the
    header is not on row 1.
    """
    dup = frame.duplicated(subset=list(keys), keep=False)
    if dup.any():
        hits = dup.to_numpy().nonzero()[0][:2]
        named = [int(rows[i]) for i in hits] if rows is not None else (hits + 2).tolist()
        first = frame.loc[dup, list(keys)].iloc[0].tolist()
        raise InputError(
            f"Duplicated rows for {', '.join(keys)}: {first}.",
            where=f"{path}, rows {named[0]} and {named[1]}",
            fix="Keep one row per key, or sum the values before importing.",
        )
