"""The tables inside a CORDIS bulk zip, read as text cells whatever the variant (CSV, XLSX,
JSON), so that one parser serves all three."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from marketscout.errors import InputError

# Table name (file stem inside the zip) -> required?
TABLES = {"project": True, "organization": True, "topics": False, "euroSciVoc": False}
SUFFIXES = (".csv", ".xlsx", ".json")  # in order of preference when a zip holds several


def member_names(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """The member holding each table, by its file stem (folders inside the zip ignored)."""
    found: dict[str, str] = {}
    for name in archive.namelist():
        member = PurePosixPath(name)
        suffix = member.suffix.lower()
        table = next((t for t in TABLES if t.lower() == member.stem.lower()), None)
        if table is None or suffix not in SUFFIXES:
            continue
        if table not in found or _rank(name) < _rank(found[table]):
            found[table] = name
    missing = [t for t, required in TABLES.items() if required and t not in found]
    if missing:
        raise InputError(
            f"The archive holds no {' or '.join(missing)} table.",
            where=f"{path} (members: {', '.join(archive.namelist()[:12]) or 'none'})",
            fix="Use an official CORDIS projects archive, e.g. cordis-HORIZONprojects-csv.zip.",
        )
    return found


def _rank(name: str) -> int:
    return SUFFIXES.index(PurePosixPath(name).suffix.lower())


def read_member(archive: zipfile.ZipFile, name: str, path: Path,
                columns: frozenset[str] | None = None) -> pd.DataFrame:
    """One table of the zip as text cells (blank = ""), header names stripped; only
    `columns` (when given) are kept, which halves the memory of organization.csv."""
    where = path / name
    try:
        data = archive.read(name)  # checks the member's CRC
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"The archive member is damaged ({exc}).", where=str(where),
                         fix="Download the archive again.") from exc
    if not data.strip():
        raise InputError("The table is empty.", where=str(where),
                         fix="Download the archive again; CORDIS never publishes empty tables.")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".csv":
        frame = _csv(data, where, columns)
    else:
        frame = _xlsx(data, where) if suffix == ".xlsx" else _json(data, where)
    frame.columns = [_clean(c) for c in frame.columns]
    if columns is not None:
        frame = frame[[c for c in frame.columns if c in columns]]
    return frame


def read_file(path: Path, columns: frozenset[str] | None = None) -> pd.DataFrame:
    """One table saved on its own (a CSV beside the others, not in a zip), read like a
    member: text cells, header names stripped, only `columns` kept."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"The table cannot be read ({exc.strerror or exc}).", where=str(path),
                         fix="Check the file exists and is readable.") from exc
    if not data.strip():
        raise InputError("The table is empty.", where=str(path),
                         fix="Use the CORDIS file unchanged; CORDIS never publishes empty tables.")
    frame = _csv(data, Path(path), columns)
    frame.columns = [_clean(c) for c in frame.columns]
    if columns is not None:
        frame = frame[[c for c in frame.columns if c in columns]]
    return frame


def _clean(header: object) -> str:
    return str(header).strip().lstrip("\ufeff")


def _csv(data: bytes, where: Path, columns: frozenset[str] | None) -> pd.DataFrame:
    """The official CSV: `;` between quoted fields (objectives hold `;`, quotes and line
    breaks); re-saved copies use `,`. The header line tells which. PyArrow reads the bytes
    (UTF-8, else Latin-1) and, unlike pandas, refuses a record with too few fields."""
    header = data[:65536].split(b"\n", 1)[0].rstrip(b"\r")
    sep = ";" if header.count(b";") > header.count(b",") else ","
    try:
        return _parse_csv(data, header, sep, "utf-8-sig", columns, where)
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc):
            raise InputError(
                f"The table cannot be read as CSV: {exc}", where=str(where),
                fix="Download the archive again; if it persists, report the file (a quote "
                "that does not close, or a separator inside an unquoted field).") from exc
        return _parse_csv(data, header, sep, "latin-1", columns, where)  # decodes any byte


def _parse_csv(data: bytes, header: bytes, sep: str, encoding: str,
               columns: frozenset[str] | None, where: Path) -> pd.DataFrame:
    names = next(csv.reader([header.decode(encoding)], delimiter=sep))
    wanted = [n for n in names if columns is None or _clean(n) in columns]
    table = pa_csv.read_csv(
        io.BytesIO(data),
        read_options=pa_csv.ReadOptions(encoding="utf8" if encoding == "utf-8-sig" else encoding),
        parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                          newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.string() for n in wanted}, include_columns=wanted,
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    return table.to_pandas(self_destruct=True, split_blocks=True)  # frees Arrow memory as it goes


def _xlsx(data: bytes, where: Path) -> pd.DataFrame:
    from openpyxl import load_workbook  # only the XLSX variant needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"The workbook cannot be read ({exc}).", where=str(where),
                         fix="Download the archive again.") from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a stale <dimension> would cut the rows read (openpyxl)
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(r)]
    if not rows:
        raise InputError("The workbook's first sheet is empty.", where=str(where),
                         fix="Download the archive again.")
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=str)


def _json(data: bytes, where: Path) -> pd.DataFrame:
    """A list of records (or an object holding one list of records)."""
    try:
        content = json.loads(data)
    except ValueError as exc:
        raise InputError(f"The table is not valid JSON ({exc}).", where=str(where),
                         fix="Download the archive again.") from exc
    if isinstance(content, dict):
        content = next((v for v in content.values() if isinstance(v, list)), None)
    if not isinstance(content, list) or not all(isinstance(r, dict) for r in content):
        raise InputError("Expected a list of records in the JSON table.", where=str(where),
                         fix="Use the official CORDIS JSON archive.")
    columns = list(dict.fromkeys(k for record in content for k in record))
    rows = [[_text(record.get(c)) for c in columns] for record in content]
    return pd.DataFrame(rows, columns=columns, dtype=str)


def _text(value: object) -> str:
    """A cell as text: None -> "", whole floats without ".0" (ids and years in XLSX/JSON)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
