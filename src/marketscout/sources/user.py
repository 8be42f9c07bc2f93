"""The user's own files: GII, IMD, FDI, exports, survey answers and priority lists.

Every file is checked in full before anything is returned, so a file with one bad cell loads
nothing; each error names the file, the spreadsheet row (header = row 1) and the column.
Columns are matched case-insensitively; columns not listed here are ignored.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from marketscout.countries import to_iso3
from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, finish
from marketscout.sources.table import UserTable

KINDS = ("gii", "imd", "fdi", "exports", "survey", "list", "risk")
BILATERAL = ("fdi", "exports")  # the kinds `--complete` applies to
UNITS = ("USD", "EUR", "USD thousand", "EUR thousand", "USD million", "EUR million",
         "USD billion", "EUR billion")
BASES = ("immediate", "ultimate")
PUBLISHER = "user import"
LICENCE = "as supplied by the user"
TITLES = {
    "gii": "Global Innovation Index",
    "imd": "IMD World Digital Competitiveness Ranking",
    "fdi": "Inward FDI positions by investing country",
    "exports": "Exports by partner country",
    "survey": "Survey of business associations",
    "list": "Priority market list",
    "risk": "Country risk classification (OECD CRC PDF/CSV/XLSX, or Credendo-style ratings)",
}
# Accepted headers per column, the documented name first (docs/import.md).
ECONOMY = ("economy", "country", "iso3")
MARKET = ("market", "country", "iso3")
ORDER = ("order", "position", "rank")


def _provenance(kind: str, path: Path, source_id: str, note: str = "") -> Provenance:
    return Provenance(
        source_id=source_id,
        title=f"{TITLES[kind]} (user file {path.name})",
        publisher=PUBLISHER,
        url=path.resolve().as_uri(),
        licence=LICENCE,
        edition="",
        note=note,
    )


def _finish(
    kind: str,
    path: Path,
    frame: pd.DataFrame,
    *,
    table: str | None = None,
    source_id: str | None = None,
    country: str = "iso3",
    year: str | None = "year",
    note: str = "",
) -> Parsed:
    """Provenance measured on the data, with the year(s) found as the edition."""
    base = _provenance(kind, path, source_id or f"user_{kind}", note)
    parsed = finish(base, path, {table or kind: frame.reset_index(drop=True)},
                    country_columns=(country,), year_column=year)
    edition = parsed.provenance.years or "undated"
    return Parsed(parsed.tables, replace(parsed.provenance, edition=edition))


def _home(home: str | None, kind: str, path: Path) -> str:
    if not home:
        raise InputError(
            f"Importing {kind} needs the home country.",
            where=str(path),
            fix=f"Pass --home with its ISO3 code, e.g. `marketscout data import {kind} "
            f"{path.name} --home LTU`.",
        )
    return to_iso3(home, where="option --home")


def _sheet_note(sheet: str | None) -> str:
    return f"sheet {sheet}" if sheet else ""


def _need_one(table: UserTable, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Every row needs at least one of `columns` (e.g. a score or a rank)."""
    empty = frame[list(columns)].isna().all(axis=1)
    if empty.any():
        row = int(empty[empty].index[0])
        names = " or ".join(columns)
        table.fail(f"Row {row} has no {names}.", row, columns[0], f"Give a {names} on every row.")


def _looks_wide(table: UserTable) -> bool:
    """WIPO's full-data layout: economies are columns (three header cells are countries)."""
    found = 0
    for header in table.headers.values():
        try:
            to_iso3(header)
        except UnknownCountryError:
            continue
        found += 1
        if found >= 3:
            return True
    return False


def _gii_wide(path: Path, year: int | None) -> Parsed:
    """Delegate the WIPO wide layout to its own parser, then mark the load as the user's."""
    from marketscout.sources.wipo_gii import parse_gii_wide  # only this layout needs it

    if year is None:
        raise InputError(
            "This file is in the WIPO full-data layout, which does not state its edition.",
            where=f"{path}, row 1",
            fix="Pass --year with the GII edition, e.g. --year 2019.",
        )
    parsed = parse_gii_wide(path, year)
    prov = replace(parsed.provenance, source_id="user_gii", publisher=PUBLISHER,
                   url=path.resolve().as_uri(), licence=LICENCE,
                   republisher=parsed.provenance.publisher, partial=False)
    return Parsed(parsed.tables, prov)


def parse_gii(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """GII scores (economy, score, optional rank and year) or WIPO's wide full-data file."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    if table.find(*ECONOMY) is None and _looks_wide(table):
        return _gii_wide(path, year)
    economy = table.column(*ECONOMY)
    score = table.column("score")
    rank = table.find("rank")
    frame = pd.DataFrame({
        "iso3": table.countries(economy),
        "edition": table.years(table.find("year", "edition"), year),
        "code": "GII",
        "name": TITLES["gii"],
        "score": table.numbers(score, minimum=0, maximum=100, required=False),
        "rank": table.numbers(rank, minimum=1, integer=True, required=False) if rank else np.nan,
    })
    _need_one(table, frame, ("score", "rank"))
    table.reject_duplicates(frame, ["iso3", "edition"])
    return _finish("gii", path, frame, year="edition", note=_sheet_note(sheet))


def parse_imd(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """IMD ranking (economy, score and/or rank, year, optional n_economies)."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    economy = table.column(*ECONOMY)
    score, rank = table.find("score"), table.find("rank")
    if score is None and rank is None:
        table.column("score", "rank")  # raises, naming both
    size = table.find("n_economies")
    frame = pd.DataFrame({
        "iso3": table.countries(economy),
        "year": table.years(table.find("year"), year),
        "score": table.numbers(score, minimum=0, maximum=100, required=False) if score else np.nan,
        "rank": table.numbers(rank, minimum=1, integer=True, required=False) if rank else np.nan,
        "n_economies": (table.numbers(size, minimum=1, integer=True, required=False)
                        if size else np.nan),
    })
    _need_one(table, frame, ("score", "rank"))
    beyond = frame["rank"] > frame["n_economies"]
    if beyond.any():
        row = int(beyond[beyond].index[0])
        table.fail(f"Rank {frame.loc[row, 'rank']:g} is beyond n_economies "
                   f"{frame.loc[row, 'n_economies']:g}.", row, rank, "Check both columns.")
    frame["n_economies"] = frame["n_economies"].astype("Int64")
    table.reject_duplicates(frame, ["iso3", "year"])
    return _finish("imd", path, frame, note=_sheet_note(sheet))


def _flows(table: UserTable, home: str, year: int | None, partner: str) -> pd.DataFrame:
    """Partner, year and unit, shared by FDI and exports; one unit per file."""
    frame = pd.DataFrame({
        "home": home,
        "partner": table.countries(partner),
        "year": table.years(table.find("year"), year),
        "unit": table.choice(table.column("unit"), UNITS),
    })
    other = frame["unit"] != frame["unit"].iloc[0]
    if other.any():
        row = int(other[other].index[0])
        table.fail(f"Unit {frame.loc[row, 'unit']!r} differs from {frame['unit'].iloc[0]!r} "
                   "on the first row.", row, "unit", "Use one unit in the whole file.")
    itself = frame["partner"] == home
    if itself.any():
        row = int(itself[itself].index[0])
        table.fail(f"The partner is the home country ({home}).", row, partner,
                   "Remove the home country's own row.")
    return frame


def parse_fdi(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """Inward FDI positions into --home by investing country (partner or investor column)."""
    path = Path(path)
    home_iso = _home(home, "fdi", path)
    table = UserTable.read(path, sheet)
    frame = _flows(table, home_iso, year, table.column("partner", "investor"))
    # FDI positions can be negative (reverse investment, losses exceeding equity: IMF BPM6).
    frame["value"] = table.numbers(table.column("value"))
    basis = table.find("basis")
    frame["basis"] = table.choice(basis, BASES, "immediate") if basis else "immediate"
    table.reject_duplicates(frame, ["partner", "year", "basis"])
    frame = frame[["home", "partner", "year", "value", "unit", "basis"]]
    return _finish("fdi", path, frame, table="fdi_inward", country="partner",
                   note=_sheet_note(sheet))


def parse_exports(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """Exports of --home by partner country (partner, value, unit, year)."""
    path = Path(path)
    home_iso = _home(home, "exports", path)
    table = UserTable.read(path, sheet)
    frame = _flows(table, home_iso, year, table.column("partner"))
    frame["value"] = table.numbers(table.column("value"), minimum=0)
    table.reject_duplicates(frame, ["partner", "year"])
    frame = frame[["home", "partner", "year", "value", "unit"]]
    return _finish("exports", path, frame, country="partner", note=_sheet_note(sheet))


def parse_survey(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """Markets named by business associations, in order (1 = most important)."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    order = table.column(*ORDER)
    frame = pd.DataFrame({
        "association": table.text(table.column("association")),
        "market": table.countries(table.column(*MARKET)),
        "position": table.numbers(order, minimum=1, integer=True).astype("int64"),
    })
    table.reject_duplicates(frame, ["association", "market"])
    table.reject_duplicates(frame, ["association", "position"])
    return _finish("survey", path, frame, country="market", year=None, note=_sheet_note(sheet))


def list_source_id(name: str) -> str:
    """The source id of a named list: lower case, letters, digits and underscores."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return f"user_list_{slug or 'unnamed'}"


def parse_list(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None, name: str | None = None,
) -> Parsed:
    """A priority list (market, optional tier and position), named --name or the file stem."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    tier, position = table.find("tier"), table.find("position")
    list_name = name or path.stem
    frame = pd.DataFrame({
        "list_name": list_name,
        "market": table.countries(table.column(*MARKET)),
        "tier": table.text(tier, required=False) if tier else None,
        "position": (table.numbers(position, minimum=1, integer=True, required=False)
                     if position else np.nan),
    })
    frame["position"] = frame["position"].astype("Int64")
    table.reject_duplicates(frame, ["market"])
    note = "; ".join(filter(None, [f"list {list_name}", _sheet_note(sheet)]))
    return _finish("list", path, frame, table="priority_list", source_id=list_source_id(list_name),
                   country="market", year=None, note=note)


def parse_risk(
    path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None,
) -> Parsed:
    """Country risk: the OECD Country Risk Classification (its PDF, or the same table as
    CSV/XLSX), or ratings by kind (political_st, political_mlt, commercial, as `marketscout
    dsm import risk` reads them)."""
    from marketscout.sources import dsm_inputs
    from marketscout.sources.oecd import crc

    path = Path(path)
    if path.suffix.lower() != ".pdf" and not _is_oecd_table(path, sheet):
        return dsm_inputs.parse_risk(path, year=year, sheet=sheet)
    parsed = crc.parse_crc(path, sheet=sheet, year=year)
    prov = replace(parsed.provenance, source_id="user_oecd_crc", url=path.resolve().as_uri(),
                   title=f"{parsed.provenance.title} (user file {path.name})",
                   note="; ".join(filter(None, [parsed.provenance.note, _sheet_note(sheet)])))
    return Parsed(parsed.tables, prov)


def _is_oecd_table(path: Path, sheet: str | None) -> bool:
    """The OECD layout has a classification column, not Credendo's rating kinds."""
    table = UserTable.read(path, sheet)
    return table.find("current prevailing", "current", "classification") is not None


def parse(
    kind: str, path: Path | str, *, home: str | None = None, year: int | None = None,
    sheet: str | None = None, name: str | None = None, complete: bool = False,
) -> Parsed:
    """Parse a user file of one of the KINDS; `complete` (fdi, exports) declares that the
    file lists every partner with a non-zero value, so an absent partner is a true zero."""
    if complete and kind not in BILATERAL:
        raise InputError(f"--complete applies to {' and '.join(BILATERAL)}, not {kind}.",
                         where="--complete", fix="Leave out --complete for this kind.")
    if kind == "list":
        return parse_list(path, home=home, year=year, sheet=sheet, name=name)
    parsers = {"gii": parse_gii, "imd": parse_imd, "fdi": parse_fdi, "exports": parse_exports,
               "survey": parse_survey, "risk": parse_risk}
    if kind not in parsers:
        raise InputError(f"Unknown kind {kind!r}.", fix=f"Use one of: {', '.join(KINDS)}.")
    parsed = parsers[kind](path, home=home, year=year, sheet=sheet)
    if complete:
        note = "; ".join(filter(None, [parsed.provenance.note, "declared complete by the "
                                       "user: partners not listed count 0"]))
        parsed = Parsed(parsed.tables, replace(parsed.provenance, complete=True, note=note))
    return parsed
