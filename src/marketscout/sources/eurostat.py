"""Eurostat: inward FDI positions by partner over SDMX (`marketscout data update
eurostat`), and the bilateral positions between European countries as reported by the
investing country (the file the snapshot is built from).

The bilateral file (`investor,host,year,position_mio_eur,income_mio_eur`) is Eurostat's
bop_fdi6_pos seen from the investor's side: immediate counterpart, positions in million euro,
31 European reporters. Read as inward positions of the host, it is a mirror statistic (not
the host's own inward figures), and it knows no investor outside Europe: for any home those
stay unknown, never zero. Confidential cells are blank and stay missing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import UnknownCountryError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_csv, to_number
from marketscout.sources.sdmx_fdi import Dataflow, declare_flow

EUROSTAT = Dataflow(
    source="eurostat", agency="ESTAT", resource="bop_fdi6_pos", dataflow_id="bop_fdi6_pos",
    agency_id=None, home_dim="geo", partner_dim="partner", basis_dim="counterp",
    # Positions (stocks) under the directional principle, inward ("NI"), all activities,
    # all resident units, in million euro.
    select={"freq": "A", "currency": "MIO_EUR", "stk_flow": "NI", "nace_r2": "FDI",
            "fdi_item": "DI__D__F", "entity": "TOTAL"},
    unit="EUR million", home_code="iso2",
    provenance=publishers.provenance("eurostat_fdi"),
)
SOURCE = declare_flow(EUROSTAT)

BILATERAL = publishers.provenance("eurostat_fdi_bilateral")
BILATERAL_COLUMNS = ("investor", "host", "year", "position_mio_eur")
UNIT = "EUR million"
MIRROR_BASIS = "immediate counterpart, reported by the investing country (mirror)"
# The re-publisher remapped Eurostat's EL (Greece) to GR, which the crosswalk's ISO2 column
# (country_converter writes "^GR$|^EL$") does not match as a code.
CODES = {"GR": "GRC", "EL": "GRC", "UK": "GBR"}


def parse_fdi_bilateral(path: Path) -> Parsed:
    """The investor-side bilateral positions -> table `fdi_inward` (home = host, partner =
    investor), blanks kept as missing values, with the provenance saying what is unknown."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=BILATERAL_COLUMNS)
    host, investor = _iso3(raw, "host", path), _iso3(raw, "investor", path)
    years = to_number(raw["year"], path=path, column="year", point_only=True)
    table = pd.DataFrame({
        "home": host, "partner": investor, "year": years.astype("int64"),
        "value": to_number(raw["position_mio_eur"], path=path, column="position_mio_eur",
                           point_only=True),
        "unit": UNIT, "basis": MIRROR_BASIS,
    })
    table = table[table["home"] != table["partner"]]
    table, conflicts = _conflicting_rows(table)
    confidential = int(table["value"].isna().sum())
    note = (f"Mirror positions: each host's inward positions as reported by the investing "
            f"European countries ({table['partner'].nunique()} investors, "
            f"{table['home'].nunique()} hosts). Investors outside Europe (e.g. the USA) are "
            f"unknown, not zero. {confidential} confidential or missing positions are kept "
            "as missing (never 0). Income (income_mio_eur) is not stored." + conflicts)
    return finish(replace(BILATERAL, note=note), path,
                  {"fdi_inward": table.sort_values(["home", "partner", "year"],
                                                   ignore_index=True)},
                  country_columns=("home", "partner"))


def _iso3(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """Eurostat's ISO2-like codes -> ISO3, each distinct code once; naming the first bad row."""
    found: dict[str, str] = {}
    for row, code in zip(raw.index, raw[column].str.strip(), strict=True):
        if code not in found:
            where = f"{path}, row {int(row) + 2}, column '{column}'"
            found[code] = CODES.get(code) or countries.to_iso3(code, where=where)
            if countries.is_aggregate(code):
                raise UnknownCountryError(f"{code!r} is an aggregate, not a country.",
                                          where=where, fix="Use the file as published.")
    return raw[column].str.strip().map(found)


def _conflicting_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Two rows with different positions for one host, investor and year (the file has 18
    for Hungary's investments in 2018: two series, and it does not say which is which): the
    position is left missing rather than one picked, and the note names them."""
    key = ["home", "partner", "year"]
    twice = table.duplicated(key, keep=False)
    if not twice.any():
        return table, ""
    groups = table[twice].groupby(key)["value"].nunique(dropna=False)
    differ = groups[groups > 1].index
    one = table.drop_duplicates(key).set_index(key)
    one.loc[one.index.isin(differ), "value"] = float("nan")
    pairs = sorted({(p, y) for _, p, y in differ})
    named = ", ".join(f"{p} {y}" for p, y in pairs)
    return one.reset_index()[table.columns], (
        f" {len(differ)} positions given twice with different values (investor and year: "
        f"{named}) are left missing.")
