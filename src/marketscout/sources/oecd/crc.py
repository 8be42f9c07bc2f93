"""OECD Country Risk Classification (0 = lowest risk ... 7 = highest), from the official PDF
(`cre-crc-current-english.pdf`) or the same table saved as CSV/XLSX.

A "-" means not classified, and the footnotes give two meanings that must stay apart:
high-income OECD and euro-area countries are not reviewed because the OECD prices them as
the lowest risk (status `not_reviewed_high_income`), while other countries are "currently
not reviewed or classified": unknown (status `not_classified`), never read as 0. The
meaning of each footnote is read from its text in the PDF, since the numbering can change
between editions; a CSV/XLSX copy carries no footnote text, so its note numbers are read
with the legend of the 2026-01-30 edition (LEGEND) unless a `status` column is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_bytes
from marketscout.sources.table import UserTable

KIND = "oecd_crc"
SCALE = (0, 7)
RATED, HIGH_INCOME, NOT_CLASSIFIED = "rated", "not_reviewed_high_income", "not_classified"
STATUSES = (RATED, HIGH_INCOME, NOT_CLASSIFIED)
# Footnote numbers of the 2026-01-30 edition: (5) currently not reviewed or classified,
# (6) high income OECD country, (7) high income euro area country, (8) European micro-state
# using the euro (not reviewed or classified). The Arrangement prices only (6) and (7) as
# category 0, so (8) counts as unknown.
LEGEND = {5: NOT_CLASSIFIED, 6: HIGH_INCOME, 7: HIGH_INCOME, 8: NOT_CLASSIFIED}
# The OECD writes Kosovo as XKV; the crosswalk (and the World Bank) use XKX.
CODES = {"XKV": "XKX"}
CRC = publishers.provenance("oecd_crc")
COLUMNS = ["iso3", "year", "kind", "rating", "scale_min", "scale_max", "status", "edition"]
_ROW = re.compile(r"^(\d{1,3})\s+([A-Z]{3})\s+(.+?)\s+(-|\d+)\s+(-|\d+)((?:\s*\(\d+\))*)\s*$")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


def meaning(text: str) -> str | None:
    """The status a footnote's text gives an unclassified country, or None (other notes)."""
    words = " ".join(text.lower().split())
    if re.search(r"high income (oecd|euro area) country not reviewed", words):
        return HIGH_INCOME
    if "not reviewed or classified" in words:
        return NOT_CLASSIFIED
    return None


def parse_crc(path: Path | str, *, sheet: str | None = None, year: int | None = None) -> Parsed:
    """The classification as table `risk_rating` (kind 'oecd_crc'), one row per country."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        rows, legend, edition = _pdf(path)
    else:
        rows, legend, edition = _table(path, sheet, year)
    frame = _frame(rows, legend, edition, path)
    return finish(replace(CRC, edition=edition, note=_note(frame, rows)), path,
                  {"risk_rating": frame}, year_column="year")


# --- the official PDF -------------------------------------------------------------------------


def _pdf(path: Path) -> tuple[list[dict[str, object]], dict[int, str], str]:
    """Rows, footnote legend and edition date of the official PDF."""
    from pypdf import PdfReader  # only PDF imports need it
    from pypdf.errors import PdfReadError

    read_bytes(path)  # a missing or empty file gets the common message
    try:
        pages = PdfReader(path).pages
        texts = [page.extract_text() or "" for page in pages]
        legend = _legend(pages[-1]) if len(pages) else {}
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise InputError(f"The file cannot be read as a PDF ({exc}).", where=str(path),
                         fix="Download the classification again from the OECD.") from exc
    rows = [_pdf_row(match, page, path) for page, text in enumerate(texts, start=1)
            for match in map(_ROW.match, text.splitlines()) if match]
    if not rows:
        raise InputError("No country rows (nb, code, name, previous, current) in the PDF.",
                         where=str(path),
                         fix="Use the OECD's Country Risk Classification PDF as published.")
    return rows, legend, _edition("\n".join(texts), path)


def _pdf_row(match: re.Match[str], page: int, path: Path) -> dict[str, object]:
    nb, code, name, _previous, current, notes = match.groups()
    return {"nb": int(nb), "code": code, "name": name.strip(), "current": current,
            "notes": [int(n) for n in re.findall(r"\((\d+)\)", notes)],
            "status": None, "where": f"{path}, page {page}, row nb {nb} ({code})"}


def _legend(page: object) -> dict[int, str]:
    """Footnote number -> status, pairing each "(n)" with the text on its lines (by height
    on the page: the text layer does not keep labels and texts in order)."""
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: object, tm: Sequence[float], *_: object) -> None:
        if text.strip():
            pieces.append((float(tm[5]), float(tm[4]), text))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    notes_y = max((y for y, _, t in pieces if t.strip() == "Notes"), default=None)
    if notes_y is None:
        return {}
    labels = sorted(((y, int(m[1])) for y, _, t in pieces if y < notes_y
                     and (m := re.fullmatch(r"\((\d+)\)", t.strip()))), reverse=True)
    legend: dict[int, str] = {}
    for i, (top, number) in enumerate(labels):
        bottom = labels[i + 1][0] if i + 1 < len(labels) else float("-inf")
        words = [t for y, x, t in sorted(pieces, key=lambda p: (-p[0], p[1]))
                 if bottom < y <= top + 0.5 and not re.fullmatch(r"\(\d+\)", t.strip())]
        found = meaning("".join(words))
        if found:
            legend[number] = found
    return legend


def _edition(text: str, path: Path) -> str:
    """The date the classification is valid from, e.g. '30 January 2026' -> 2026-01-30."""
    found = _DATE.search(text)
    if found is None:
        raise InputError("The PDF states no date ('Valid as of ... 30 January 2026').",
                         where=str(path), fix="Use the OECD's PDF as published.")
    day, month, year = int(found[1]), _MONTHS.index(found[2].lower()) + 1, int(found[3])
    return date(year, month, day).isoformat()


# --- the same table as CSV or XLSX -----------------------------------------------------------


def _table(path: Path, sheet: str | None,
           year: int | None) -> tuple[list[dict[str, object]], dict[int, str], str]:
    table = UserTable.read(path, sheet)
    code = table.column("country code iso alpha 3", "country code", "iso3", "code")
    current = table.column("current prevailing", "current", "classification", "rating")
    notes, status = table.find("notes", "note"), table.find("status")
    name = table.find("country name (1)", "country name", "name")
    rows: list[dict[str, object]] = []
    for row in table.frame.index:
        cells = table.frame.loc[row]
        rows.append({
            "nb": None, "code": str(cells[code]).strip().upper(),
            "name": str(cells[name]).strip() if name else "",
            "current": str(cells[current]).strip() or "-",
            "notes": [int(n) for n in re.findall(r"\d+", str(cells[notes]))] if notes else [],
            "status": str(cells[status]).strip().lower() or None if status else None,
            "where": table.where(row, current)})
    return rows, LEGEND, _table_edition(table, path, year)


def _table_edition(table: UserTable, path: Path, year: int | None) -> str:
    """The edition date: a 'valid as of' (or 'edition') column, a date in the file name,
    or --year."""
    column = table.find("valid as of", "edition")
    if column is not None:
        values = table.text(column).unique()
        if len(values) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\d", str(values[0])):
            return str(values[0])
        table.fail(f"Column '{column}' needs one date (YYYY-MM-DD) on every row.",
                   int(table.frame.index[0]), column, "Write the edition's date, e.g. 2026-01-30.")
    found = re.search(r"(\d{4})-(\d\d)-(\d\d)", path.name)
    if found:
        return found.group()
    if year is not None:
        return str(year)
    raise InputError("Which edition is this classification? The file states no date.",
                     where=str(path),
                     fix="Add a column 'valid as of' (e.g. 2026-01-30), put the date in the "
                     "file name (oecd_crc_2026-01-30.csv), or pass --year.")


# --- rows to the store -----------------------------------------------------------------------


def _frame(rows: list[dict[str, object]], legend: dict[int, str], edition: str,
           path: Path) -> pd.DataFrame:
    out = [_row(r, legend) for r in rows]
    frame = pd.DataFrame(out, columns=["iso3", "rating", "status"])
    twice = frame["iso3"].duplicated(keep=False)
    if twice.any():
        first = frame.loc[twice, "iso3"].iloc[0]
        places = [str(r["where"]) for r, t in zip(rows, twice, strict=True) if t][:2]
        raise InputError(f"Two rows for {first}.", where="; ".join(places),
                         fix="Keep one row per country.")
    frame["rating"] = frame["rating"].astype("float64")
    return frame.assign(year=int(edition[:4]), kind=KIND, scale_min=SCALE[0],
                        scale_max=SCALE[1], edition=edition)[COLUMNS]


def _row(row: dict[str, object], legend: dict[int, str]) -> tuple[str, float | None, str]:
    where = str(row["where"])
    code = str(row["code"])
    iso3 = CODES.get(code) or countries.to_iso3(code, where=where)
    current = str(row["current"])
    if current != "-":
        if not current.isdigit() or not SCALE[0] <= int(current) <= SCALE[1]:
            raise InputError(f"Classification {current!r} of {code} is not 0-7 or '-'.",
                             where=where, fix="Use the OECD's classes 0 (lowest risk) to 7.")
        return iso3, float(current), RATED
    given = row["status"]
    if given is not None:
        if given not in STATUSES[1:]:
            raise InputError(f"Status {given!r} of {code}: an unclassified country needs "
                             f"{HIGH_INCOME} or {NOT_CLASSIFIED}.", where=where,
                             fix="Fix the status column.")
        return iso3, None, str(given)
    kinds = {legend[n] for n in row["notes"] if n in legend}  # type: ignore[attr-defined]
    if not kinds:
        raise InputError(f"{code} is not classified ('-') and no note says why.", where=where,
                         fix="Keep the Notes column (e.g. (5) or (6)), or add a status column "
                         f"({HIGH_INCOME} or {NOT_CLASSIFIED}).")
    # A high-income note wins over a general one (e.g. Cyprus: (2) (7)).
    return iso3, None, HIGH_INCOME if HIGH_INCOME in kinds else NOT_CLASSIFIED


def _note(frame: pd.DataFrame, rows: list[dict[str, object]]) -> str:
    classes = frame["rating"].dropna().astype(int).value_counts().sort_index()
    status = frame["status"].value_counts()
    numbers = sorted(int(str(r["nb"])) for r in rows if r["nb"] is not None)
    gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers)) if numbers else []
    text = (f"{len(frame)} countries: " + ", ".join(f"class {c}: {n}" for c, n in classes.items())
            + f"; not reviewed, high income (priced as class 0): {int(status.get(HIGH_INCOME, 0))}"
            + f"; not classified (unknown, never 0): {int(status.get(NOT_CLASSIFIED, 0))}. "
            "Rating = current prevailing classification.")
    return text + (f" Row numbers missing from the table: {gaps}." if gaps else "")
