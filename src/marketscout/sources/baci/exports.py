"""BACI exports by partner for one exporter: the HS6 flows summed by partner and year.

BACI is complete for an exporter (CEPII keeps every flow of USD 1,000 or more), so a partner
absent in a year had no recorded flow: the load is marked `complete`, and the criteria count
an absent partner as 0. Values stay in BACI's unit, thousand US dollars.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.baci.codes import parse_country_codes
from marketscout.sources.baci.flows import baci_iso3
from marketscout.sources.read import read_csv, reject_duplicates, to_number

UNIT = "USD thousand"
COLUMNS = ("year", "exporter", "importer", "trade_value_usd")


def parse_exports_by_partner(path: Path, country_codes: Path | None = None) -> Parsed:
    """`year,exporter,importer,trade_value_usd` (BACI codes, thousand USD) -> table `exports`.

    Codes are read with BACI's own country table when given (`country_codes_V*.csv`), else
    with the crosswalk's BACI rules (490 = Taiwan, 251 = France, ...)."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=COLUMNS)
    lookup = _lookup(country_codes)
    exporter = _codes(raw, "exporter", path, lookup)
    homes = exporter.dropna().unique()
    if len(homes) != 1 or exporter.isna().any():
        raise InputError(f"Expected one exporter, found {', '.join(map(str, homes)) or 'none'}.",
                         where=f"{path}, column 'exporter'",
                         fix="Import one exporting country's rows at a time.")
    partner = _codes(raw, "importer", path, lookup)
    value = to_number(raw["trade_value_usd"], path=path, column="trade_value_usd",
                      point_only=True)
    _check_values(value, path)
    table = pd.DataFrame({"home": exporter, "partner": partner,
                          "year": _years(raw, path), "value": value, "unit": UNIT})
    gone = table["partner"].isna()
    table = table[~gone & (table["partner"] != table["home"])]
    reject_duplicates(table, ["partner", "year"], path, rows=(table.index + 2).tolist())
    home = str(homes[0])
    return finish(_provenance(path, home, table, raw[gone], value[gone]), path,
                  {"exports": table.sort_values(["year", "partner"], ignore_index=True)},
                  country_columns=("partner",))


def _provenance(path: Path, home: str, table: pd.DataFrame, dropped: pd.DataFrame,
                value: pd.Series) -> Provenance:
    per_year = table.groupby("year")["partner"].nunique()
    totals = table.groupby("year")["value"].sum() / 1e6
    note = (f"{countries.name(home)}'s exports to every partner with a recorded flow "
            "(BACI drops flows under USD 1,000): a partner absent in a year counts 0. "
            "Partners and totals: " + "; ".join(
                f"{y} {per_year[y]} (USD {totals[y]:.2f} bn)" for y in per_year.index) + ".")
    if len(dropped):
        codes = ", ".join(sorted(set(dropped["importer"].str.strip())))
        note += (f" {len(dropped)} rows worth {value.sum():,.1f} thousand USD with partner "
                 f"codes that are no country ({codes}) left out.")
    found = re.search(r"(hs\d\d)_(v\d{6}[a-z]?)(?![a-z0-9])", path.name, re.IGNORECASE)
    edition = (f"BACI {found[1].upper()} {found[2].upper()}" if found
               else "BACI (release not stated in the file name)")
    return replace(publishers.provenance(f"baci_{home.lower()}_exports", entry="baci_exports"),
                   edition=edition, note=note)


def _lookup(country_codes: Path | None) -> dict[int, str | None] | None:
    if country_codes is None:
        return None
    table = parse_country_codes(country_codes).tables["baci_country"]
    return {int(c): (None if pd.isna(i) else str(i))
            for c, i in zip(table["code"], table["iso3"], strict=True)}


def _codes(raw: pd.DataFrame, column: str, path: Path,
           lookup: dict[int, str | None] | None) -> pd.Series:
    """BACI numeric codes -> ISO3 (None for BACI's "nes" groupings), naming a bad cell."""
    numbers = to_number(raw[column], path=path, column=column, point_only=True)
    found: dict[int, str | None] = {}
    for pos, code in enumerate(numbers):
        if pd.isna(code) or code % 1:
            raise InputError(f"Not a BACI country code: {raw[column].iloc[pos]!r}.",
                             where=f"{path}, row {pos + 2}, column '{column}'",
                             fix="Use BACI's numeric country codes (e.g. 440 = Lithuania).")
        key = int(code)
        if key not in found:
            where = f"{path}, row {pos + 2}, column '{column}'"
            if lookup is not None and key not in lookup:
                raise InputError(f"BACI code {key} is not in the country table.", where=where,
                                 fix="Use the country table of the same BACI release.")
            try:
                found[key] = lookup[key] if lookup is not None else baci_iso3(key)
            except UnknownCountryError as exc:
                raise UnknownCountryError(exc.what, where=where, fix=exc.fix) from exc
    return numbers.map(lambda c: found[int(c)]).astype(object)


def _years(raw: pd.DataFrame, path: Path) -> pd.Series:
    years = to_number(raw["year"], path=path, column="year", point_only=True)
    bad = (years.isna() | (years % 1 != 0)).to_numpy().nonzero()[0]
    if len(bad):
        raise InputError(f"Not a year: {raw['year'].iloc[bad[0]]!r}.",
                         where=f"{path}, row {int(bad[0]) + 2}, column 'year'",
                         fix="Every row needs a four-digit year.")
    return years.astype("int64")


def _check_values(value: pd.Series, path: Path) -> None:
    bad = (value.isna() | (value < 0)).to_numpy().nonzero()[0]
    if len(bad):
        raise InputError("An export value is missing or negative.",
                         where=f"{path}, row {int(bad[0]) + 2}, column 'trade_value_usd'",
                         fix="Every row needs a value in thousand USD (0 or more).")
