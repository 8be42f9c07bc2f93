"""World Bank Logistics Performance Index: overall and six component scores and ranks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.provenance import Provenance
from marketscout.sources import Parsed, finish
from marketscout.sources._read import read_csv, reject_duplicates, to_number

LPI = Provenance(
    source_id="wb_lpi_2023",
    title="Logistics Performance Index",
    publisher="World Bank",
    url="https://lpi.worldbank.org/international/global",
    licence="CC BY 4.0",
    edition="LPI 2023",
    republisher="github sbalkunde/supply_chain_analysis_project @2de2bd08",
)

# Column prefix in the published table -> indicator name in the store.
INDICATORS: dict[str, str] = {
    "LPI": "overall",
    "Customs": "customs",
    "Infrastructure": "infrastructure",
    "International Shipments": "international_shipments",
    "Logistics Competence and Quality": "logistics_competence",
    "Timeliness": "timeliness",
    "Tracking and Tracing": "tracking_tracing",
}

# Economy names as written in the republished file that no country list knows.
NAME_FIXES: dict[str, str] = {
    # "Türkiye" with the high bit of each UTF-8 byte stripped (C3 BC -> "C<")
    "TC<rkiye": "TUR",
}


def parse_lpi(path: Path, year: int = 2023) -> Parsed:
    """An LPI table (one row per economy, names only) -> table `lpi`, long format."""
    path = Path(path)
    columns = [f"{p} {kind}" for p in INDICATORS for kind in ("Score", "Grouped Rank")]
    raw = read_csv(path, sep=",", required=("Economy", *columns))
    raw["Economy"] = raw["Economy"].str.strip()
    reject_duplicates(raw, ["Economy"], path)
    iso3 = _economies(raw["Economy"], path)
    frames = []
    for prefix, indicator in INDICATORS.items():
        frames.append(pd.DataFrame({
            "iso3": iso3,
            "year": year,
            "indicator": indicator,
            "score": to_number(raw[f"{prefix} Score"], path=path, column=f"{prefix} Score"),
            "rank": to_number(
                raw[f"{prefix} Grouped Rank"], path=path, column=f"{prefix} Grouped Rank"
            ),
        }))
    table = pd.concat(frames, ignore_index=True)
    base = replace(LPI, source_id=f"wb_lpi_{year}", edition=f"LPI {year}")
    return finish(base, path, {"lpi": table})


def _economies(names: pd.Series, path: Path) -> pd.Series:
    """Economy names -> ISO3; two names for one country is an error (a duplicated row)."""
    codes: list[str] = []
    for pos, name in enumerate(names):
        where = f"{path}, row {pos + 2}, column 'Economy'"
        codes.append(NAME_FIXES.get(name) or countries.to_iso3(name, where=where))
    iso3 = pd.Series(codes, index=names.index)
    reject_duplicates(iso3.to_frame("iso3"), ["iso3"], path)
    return iso3

