"""The country list behind the crosswalk (from the `country_converter` package) as a table."""

from __future__ import annotations

from pathlib import Path

import country_converter as coco
import pandas as pd

from marketscout import countries
from marketscout.sources import Parsed, finish, publishers


def data_file() -> Path:
    """country_converter's own data table (its COUNTRY_DATA_FILE)."""
    return Path(coco.country_converter.COUNTRY_DATA_FILE)


def parse_crosswalk(path: Path | None = None) -> Parsed:
    """One row per economy: codes, names, UN membership, and whether it is a candidate kind."""
    path = path or data_file()
    table = countries.country_table()
    frame = pd.DataFrame({
        "iso3": table["ISO3"].astype(str),
        # country_converter writes a pattern for two ("^GR$|^EL$", "^GB$|^UK$"): the first
        # code is the ISO 3166 one
        "iso2": table["ISO2"].str.extract(r"([A-Z]{2})", expand=False),
        "m49": table["ISOnumeric"].astype("Int64"),
        "name": table["name_short"],
        "official_name": table["name_official"],
        "un_member": table["UNmember"].notna(),
        "separate_economy": table["ISO3"].isin(countries.SEPARATE_ECONOMIES),
        "continent": table["continent"],
    }).reset_index(drop=True)
    base = publishers.provenance("crosswalk", edition=f"country_converter {coco.__version__}")
    return finish(base, path, {"country": frame}, year_column=None)
