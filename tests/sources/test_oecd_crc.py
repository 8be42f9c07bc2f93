"""OECD Country Risk Classification: the official PDF, and the same table as CSV/XLSX."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from marketscout.errors import InputError
from marketscout.sources.oecd import parse_crc
from marketscout.sources.oecd.crc import HIGH_INCOME, NOT_CLASSIFIED, RATED, meaning
from marketscout.store import Store
from sources.pdf_fixture import crc_pdf

PDF = "risk/oecd_crc_2026-01-30.pdf"
# Read off the real PDF's notes page by eye: (5) currently not reviewed or classified,
# (6) high income OECD, (7) high income euro area, (8) European micro-state using the euro.
REAL_LEGEND = {5: NOT_CLASSIFIED, 6: HIGH_INCOME, 7: HIGH_INCOME, 8: NOT_CLASSIFIED}


def rows_of(parsed: object) -> dict[str, tuple[float | None, str]]:
    table = parsed.tables["risk_rating"]  # type: ignore[attr-defined]
    return {r.iso3: (None if pd.isna(r.rating) else r.rating, r.status)
            for r in table.itertuples()}


# --- synthetic files (always run) -------------------------------------------------------------


def test_pdf_rows_classes_and_both_kinds_of_not_classified(tmp_path: Path) -> None:
    parsed = parse_crc(crc_pdf(tmp_path / "crc.pdf"))
    rows = rows_of(parsed)
    assert rows == {"AFG": (7.0, RATED), "AND": (None, NOT_CLASSIFIED),
                    "AUT": (None, HIGH_INCOME), "BRB": (None, NOT_CLASSIFIED),
                    "SGP": (0.0, RATED), "XKX": (6.0, RATED),  # the OECD's XKV
                    "ARM": (5.0, RATED),  # the current class, not the previous 6
                    "CHN": (2.0, RATED)}
    table = parsed.tables["risk_rating"]
    assert set(table["kind"]) == {"oecd_crc"} and set(table["edition"]) == {"2026-01-30"}
    assert set(table["year"]) == {2026}
    assert set(table["scale_min"]) == {0} and set(table["scale_max"]) == {7}
    prov = parsed.provenance
    assert prov.source_id == "oecd_crc" and prov.edition == "2026-01-30" and prov.rows == 8
    assert "not classified (unknown, never 0): 2" in prov.note


def test_legend_is_read_from_the_notes_text_not_their_numbers(tmp_path: Path) -> None:
    # the fixture numbers the notes 2-5, unlike the 2026 edition (5-8)
    rows = rows_of(parse_crc(crc_pdf(tmp_path / "crc.pdf")))
    assert rows["AUT"][1] == HIGH_INCOME and rows["BRB"][1] == NOT_CLASSIFIED


@pytest.mark.parametrize(("text", "status"), [
    ("High Income OECD Country not reviewed or classified.", HIGH_INCOME),
    ("High Income Euro Area Country  not reviewed or classified.", HIGH_INCOME),
    ("Currently not reviewed or classified.", NOT_CLASSIFIED),
    ("European micro-state that uses the euro ... not reviewed or classified.",
     NOT_CLASSIFIED),
    ("This designation is without prejudice to positions on status", None),
])
def test_note_meanings(text: str, status: str | None) -> None:
    assert meaning(text) == status


def test_csv_copy_reads_the_notes_with_the_editions_legend(fixtures: Path,
                                                           tmp_path: Path) -> None:
    csv = fixtures / "oecd" / "oecd_crc_2026-01-30_small.csv"
    rows = rows_of(parse_crc(csv))
    assert rows == {"AFG": (7.0, RATED), "AND": (None, NOT_CLASSIFIED),
                    "AUT": (None, HIGH_INCOME), "BRB": (None, NOT_CLASSIFIED),
                    "SGP": (0.0, RATED), "XKX": (6.0, RATED), "ARM": (5.0, RATED)}
    assert parse_crc(csv).provenance.edition == "2026-01-30"  # from the file name


def test_xlsx_copy_gives_the_same_rows(fixtures: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    csv = fixtures / "oecd" / "oecd_crc_2026-01-30_small.csv"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.read_text().splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in line.split(",")])
    book.save(tmp_path / "crc.xlsx")
    parsed = parse_crc(tmp_path / "crc.xlsx", year=2026)
    assert rows_of(parsed) == rows_of(parse_crc(csv))
    assert parsed.provenance.edition == "2026"


def test_status_column_wins_and_unexplained_dash_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "crc_2026-01-30.csv"
    good.write_text("iso3,classification,status\nFRA,-,not_reviewed_high_income\n"
                    "TUV,-,not_classified\nIND,3,\n")
    assert rows_of(parse_crc(good)) == {"FRA": (None, HIGH_INCOME),
                                        "TUV": (None, NOT_CLASSIFIED), "IND": (3.0, RATED)}
    bad = tmp_path / "crc_2026-02-01.csv"
    bad.write_text("iso3,classification\nFRA,-\n")
    with pytest.raises(InputError, match=r"FRA is not classified .* no note says why") as err:
        parse_crc(bad)
    assert f"{bad}, row 2, column 'classification'" in str(err.value)


@pytest.mark.parametrize(("body", "message"), [
    ("iso3,classification\nFRA,9\n", "'9' of FRA is not 0-7"),
    ("iso3,classification\nFRA,2\nFrance,3\n", "Two rows for FRA"),
    ("iso3,classification,status\nFRA,-,zero\n", "Status 'zero'"),
])
def test_bad_rows(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "crc_2026-01-30.csv"
    path.write_text(body.replace("France", "FRA"))
    with pytest.raises(InputError, match=message):
        parse_crc(path)


def test_edition_is_required_for_a_table(tmp_path: Path) -> None:
    path = tmp_path / "crc.csv"
    path.write_text("iso3,classification\nIND,3\n")
    with pytest.raises(InputError, match="Which edition") as err:
        parse_crc(path)
    assert "--year" in (err.value.fix or "")


def test_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "crc.pdf"
    path.write_bytes(b"%PDF-1.4\nnot a pdf at all\n")
    with pytest.raises(InputError, match="PDF"):
        parse_crc(path)


def test_loads_into_the_store(tmp_path: Path, store: Store) -> None:
    parsed = parse_crc(crc_pdf(tmp_path / "crc.pdf"))
    store.load(parsed.tables, parsed.provenance)
    got = store.query("SELECT status, count(*) AS n, count(rating) AS rated FROM risk_rating "
                      "GROUP BY status ORDER BY status")
    assert got.values.tolist() == [["not_classified", 2, 0],
                                   ["not_reviewed_high_income", 1, 0], ["rated", 5, 5]]


# --- the official PDF (../shared/data) -----------------------------------------------------


def independent_reading(path: Path) -> dict[str, tuple[float | None, str]]:
    """The PDF's table read with pdfplumber (another text engine than the parser's pypdf):
    tokens nb, code, name..., previous, current, notes; statuses by REAL_LEGEND."""
    pdfplumber = pytest.importorskip("pdfplumber")
    out: dict[str, tuple[float | None, str]] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for line in (page.extract_text() or "").splitlines():
                tokens = line.split()
                if len(tokens) < 5 or not tokens[0].isdigit() or not re.fullmatch(
                        r"[A-Z]{3}", tokens[1]):
                    continue
                notes = []
                while re.fullmatch(r"\(\d\)", tokens[-1]):
                    notes.append(int(tokens.pop()[1:-1]))
                current = tokens[-1]
                code = {"XKV": "XKX"}.get(tokens[1], tokens[1])
                if current != "-":
                    out[code] = (float(current), RATED)
                else:
                    kinds = {REAL_LEGEND[n] for n in notes if n in REAL_LEGEND}
                    out[code] = (None, HIGH_INCOME if HIGH_INCOME in kinds else NOT_CLASSIFIED)
    return out


@pytest.mark.rawdata
def test_official_pdf_against_an_independent_reading(raw_data: Path) -> None:
    parsed = parse_crc(raw_data / PDF)
    rows = rows_of(parsed)
    expected = independent_reading(raw_data / PDF)
    assert len(rows) == len(expected) == 201
    assert rows == expected
    statuses = Counter(status for _, status in rows.values())
    assert statuses == {RATED: 137, HIGH_INCOME: 37, NOT_CLASSIFIED: 27}
    classes = Counter(int(r) for r, _ in rows.values() if r is not None)
    assert classes == {0: 1, 2: 9, 3: 14, 4: 13, 5: 15, 6: 27, 7: 58}
    # spot checks read off the PDF
    assert rows["SGP"] == (0.0, RATED) and rows["TWN"] == (2.0, RATED)
    assert rows["LTU"] == (None, HIGH_INCOME) and rows["TUV"] == (None, NOT_CLASSIFIED)
    assert rows["MCO"] == (None, NOT_CLASSIFIED)  # micro-state: not priced as class 0
    assert rows["MDA"] == (6.0, RATED)  # current 6, previous 7
    assert parsed.provenance.edition == "2026-01-30"


@pytest.mark.rawdata
def test_official_pdf_and_its_csv_copy_agree(raw_data: Path, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    lines = ["nb,Country Code ISO Alpha 3,Country Name (1),Previous,Current Prevailing,Notes"]
    with pdfplumber.open(raw_data / PDF) as pdf:
        for page in pdf.pages:
            for line in (page.extract_text() or "").splitlines():
                match = re.match(r"^(\d+) ([A-Z]{3}) (.+?) (-|\d) (-|\d)((?: \(\d\))*)$", line)
                if match:
                    nb, code, name, prev, cur, notes = match.groups()
                    lines.append(f'{nb},{code},"{name}",{prev},{cur},{notes.strip()}')
    copy = tmp_path / "oecd_crc_2026-01-30.csv"
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert rows_of(parse_crc(copy)) == rows_of(parse_crc(raw_data / PDF))
