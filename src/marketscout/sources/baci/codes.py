"""CEPII BACI code tables: the numeric country codes and the HS6 product codes."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.sources import Parsed, finish, publishers
from marketscout.sources.read import read_csv, reject_duplicates, require_columns, to_number

BACI = publishers.provenance("baci_hs92")
# The re-published code tables shipped in ../shared/data (see its README).
_CODES_REPUBLISHER = "github IaBrilliant/Economic_Complexity_MSc @7beda4d7"
# Country-code table headers: V202301 and earlier, then V202401 onwards.
_NAME_COLUMNS = ("country_name_abbreviation", "country_name")
_ISO3_COLUMNS = ("iso_3digit_alpha", "country_iso3")


def parse_country_codes(path: Path) -> Parsed:
    """country_codes_V*.csv -> table `baci_country` (BACI numeric code, ISO3, name)."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=("country_code",))
    name_col = _first_present(raw, _NAME_COLUMNS, path)
    iso_col = _first_present(raw, _ISO3_COLUMNS, path)
    code = to_number(raw["country_code"], path=path, column="country_code", point_only=True)
    _require_integers(code, path, "country_code")
    table = pd.DataFrame({
        "code": code.astype("int64"),
        "iso3": [_code_iso3(c, iso) for c, iso in zip(code.astype(int), raw[iso_col], strict=True)],
        "name": raw[name_col].str.strip(),
    })
    reject_duplicates(table, ["code"], path)
    missing = table.loc[table["iso3"].isna(), "name"].tolist()
    note = f"No ISO3 for the non-country codes: {', '.join(missing)}." if missing else ""
    base = replace(BACI, source_id="baci_country_codes", title=f"{BACI.title}: country codes",
                   edition=release(path), republisher=_CODES_REPUBLISHER, note=note)
    return finish(base, path, {"baci_country": table}, year_column=None)

def _code_iso3(code: int, iso: str) -> str | None:
    """The file's ISO3 where present; else CEPII's own rule (490 "Other Asia, nes" = TWN)."""
    iso = iso.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", iso):
        return iso
    try:
        return countries.from_baci(code)
    except UnknownCountryError:
        return None  # "nes" groupings such as 697 "Europe EFTA, nes": not a country

def parse_product_codes(path: Path) -> Parsed:
    """product_codes_HS92_V*.csv -> table `baci_product` (6-character HS code, description)."""
    path = Path(path)
    raw = read_csv(path, sep=",", required=("code", "description"))
    code = raw["code"].str.strip()
    bad = ~code.str.fullmatch(r"\d{5,6}")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Not an HS6 product code: {raw['code'].iloc[pos]!r}.",
            where=f"{path}, row {pos + 2}, column 'code'",
            fix="Product codes have six digits (five where a spreadsheet dropped the leading 0).",
        )
    # Codes of chapters 01-09 lose their leading zero when read as numbers.
    table = pd.DataFrame({"code": code.str.zfill(6), "description": raw["description"].str.strip()})
    reject_duplicates(table, ["code"], path)
    base = replace(BACI, source_id="baci_product_codes", title=f"{BACI.title}: product codes",
                   edition=release(path), republisher=_CODES_REPUBLISHER)
    return finish(base, path, {"baci_product": table}, year_column=None)

def _first_present(frame: pd.DataFrame, names: tuple[str, ...], path: Path) -> str:
    """The first of several column names (they differ between BACI releases) in the file."""
    for name in names:
        if name in frame.columns:
            return name
    require_columns(frame, names[:1], path)
    return names[0]

def _require_integers(values: pd.Series, path: Path, column: str) -> None:
    bad = values.isna() | (values.round() != values)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"Column '{column}' needs a whole number in every row.",
            where=f"{path}, row {pos + 2}, column '{column}'",
            fix="Use the BACI country code table as published.",
        )


def release(path: Path) -> str:
    """The BACI release named in the file name (V202301), else the shipped sample's."""
    found = re.search(r"V\d{6}", path.name)
    if found:
        return f"HS92 {found.group()}"
    # ../shared/data README: the sample comes from BACI HS92 V202301.
    return "HS92 V202301" if "sample" in path.name.lower() else "HS92, release not stated"


