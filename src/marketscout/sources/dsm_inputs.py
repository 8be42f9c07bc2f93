"""The user's files for the DSM's filters 1 and 3: country risk ratings, tariffs and NTMs.

None of these is public in bulk without a licence or an API key (Credendo, MAcMap, TRAINS),
so the user imports them (`marketscout dsm import risk|tariff|ntm FILE`; docs/dsm.md). Every
file is checked in full first: one bad cell loads nothing, and the error names file, row and
column. A new import of a kind replaces the previous one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marketscout.provenance import Provenance
from marketscout.sources import Parsed, finish
from marketscout.sources.table import UserTable

KINDS = ("risk", "tariff", "ntm")
MARKET = ("market", "country", "importer", "iso3", "economy")
RISK_KINDS = ("political_st", "political_mlt", "commercial")
# Credendo's commercial risk is published as A/B/C (A = lowest risk) in older releases.
LETTERS = {"A": 1, "B": 2, "C": 3}
TITLES = {"risk": "Country risk ratings", "tariff": "Applied tariffs",
          "ntm": "Non-tariff measures (frequency ratio)"}


def _provenance(kind: str, path: Path) -> Provenance:
    return Provenance(source_id=f"user_{kind}", title=f"{TITLES[kind]} (user file {path.name})",
                      publisher="user import", url=path.resolve().as_uri(),
                      licence="as supplied by the user", edition="")


def _finish(kind: str, path: Path, table: str, frame: pd.DataFrame, country: str) -> Parsed:
    parsed = finish(_provenance(kind, path), path, {table: frame.reset_index(drop=True)},
                    country_columns=(country,))
    return Parsed(parsed.tables, parsed.provenance)


def parse_risk(path: Path | str, *, year: int | None = None, sheet: str | None = None) -> Parsed:
    """One row per market: political_st, political_mlt (1-7) and/or commercial (1-7 or A-C)."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    iso3 = table.countries(table.column(*MARKET))
    years = table.years(table.find("year"), year)
    present = [k for k in RISK_KINDS if table.find(k)]
    if not present:
        table.column(*RISK_KINDS)  # raises, naming the accepted columns
    parts = []
    for kind in present:
        rating, scale = _ratings(table, kind)
        parts.append(pd.DataFrame({"iso3": iso3, "year": years, "kind": kind,
                                   "rating": rating, "scale_max": scale}).dropna(
                                       subset=["rating"]))
    frame = pd.concat(parts)
    table.reject_duplicates(frame, ["iso3", "year", "kind"])
    frame["scale_max"] = frame["scale_max"].astype("int64")
    return _finish("risk", path, "risk_rating", frame, "iso3")


def _ratings(table: UserTable, kind: str) -> tuple[pd.Series, pd.Series]:
    """A rating column: numbers 1-7 (scale 7), or letters A-C (scale 3, commercial only)."""
    text = table.text(kind, required=False).str.upper()
    letters = text.isin(list(LETTERS))
    if kind == "commercial" and letters.any():
        bad = text.notna() & ~letters
        if bad.any():
            row = int(bad[bad].index[0])
            table.fail(f"Mixed letter and number ratings in '{kind}': {text[row]!r}.", row,
                       kind, "Use A, B, C throughout, or 1-7 throughout.")
        return text.map(LETTERS).astype(float), pd.Series(3, index=text.index)
    rating = table.numbers(kind, minimum=1, maximum=7, integer=True, required=False)
    return rating, pd.Series(7, index=text.index)


def parse_tariff(path: Path | str, *, year: int | None = None,
                 sheet: str | None = None) -> Parsed:
    """Applied tariffs (%, ad valorem): market, product (HS6), rate, optional partner, year."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    partner = table.find("partner", "exporter")
    frame = pd.DataFrame({
        "importer": table.countries(table.column(*MARKET)),
        "exporter": _partners(table, partner),
        "product": _products(table),
        "year": table.years(table.find("year"), year),
        "rate": table.numbers(table.column("rate", "tariff"), minimum=0, maximum=3000),
    })
    table.reject_duplicates(frame.fillna({"exporter": ""}),
                            ["importer", "exporter", "product", "year"])
    return _finish("tariff", path, "tariff", frame, "importer")


def _partners(table: UserTable, column: str | None) -> pd.Series:
    """Partner codes where given; blank = the rate applies to every partner (MFN)."""
    if column is None:
        return pd.Series(None, index=table.frame.index, dtype=object)
    cells = table.text(column, required=False)
    out = pd.Series(None, index=cells.index, dtype=object)
    for row in cells.dropna().index:
        out[row] = table.country(str(cells[row]), int(row), column)
    return out


def parse_ntm(path: Path | str, *, year: int | None = None, sheet: str | None = None) -> Parsed:
    """NTM frequency ratios: market, product (HS6), frequency (0-1), year."""
    path = Path(path)
    table = UserTable.read(path, sheet)
    frame = pd.DataFrame({
        "importer": table.countries(table.column(*MARKET)),
        "product": _products(table),
        "year": table.years(table.find("year"), year),
        "frequency": table.numbers(table.column("frequency", "ntm"), minimum=0, maximum=1),
    })
    table.reject_duplicates(frame, ["importer", "product", "year"])
    return _finish("ntm", path, "ntm", frame, "importer")


def _products(table: UserTable) -> pd.Series:
    """HS6 codes as 6-character text; five digits get their lost leading zero back."""
    column = table.column("product", "hs6", "code")
    codes = table.text(column)
    bad = ~codes.str.fullmatch(r"\d{5,6}")
    if bad.any():
        row = int(bad[bad].index[0])
        table.fail(f"Not an HS6 product code: {codes[row]!r}.", row, column,
                   "Write six digits (e.g. 010121); aggregate other levels to HS6 first.")
    return codes.str.zfill(6)


def parse(kind: str, path: Path | str, *, year: int | None = None,
          sheet: str | None = None) -> Parsed:
    """Parse a user file of one of the KINDS."""
    parsers = {"risk": parse_risk, "tariff": parse_tariff, "ntm": parse_ntm}
    return parsers[kind](path, year=year, sheet=sheet)
