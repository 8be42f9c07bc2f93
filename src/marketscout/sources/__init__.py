"""Publishers' files to tidy tables. Only this package touches the network (`_download.py`).

Every parser has the same shape: `parse_<thing>(path, ...) -> Parsed`, where the tables are
named after the store's tables (schema/00_core.sql) and the provenance describes the file read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from marketscout.provenance import Provenance, sha256_of


@dataclass(frozen=True)
class Parsed:
    """What a parser returns: store tables by name, and where they came from."""

    tables: dict[str, pd.DataFrame]
    provenance: Provenance
    warnings: tuple[str, ...] = ()  # what the user must know now (also in the note)


def finish(
    base: Provenance,
    path: Path,
    tables: dict[str, pd.DataFrame],
    *,
    country_columns: Iterable[str] = ("iso3",),
    year_column: str | None = "year",
) -> Parsed:
    """Fill the provenance fields measured on the data: sha256, rows, countries, years."""
    rows = sum(len(t) for t in tables.values())
    countries: set[str] = set()
    years: set[int] = set()
    for frame in tables.values():
        for col in country_columns:
            if col in frame.columns:
                countries |= {str(c) for c in pd.unique(frame[col].dropna())}
        if year_column and year_column in frame.columns:
            years |= {int(y) for y in pd.unique(frame[year_column].dropna())}
    span = f"{min(years)}-{max(years)}" if len(years) > 1 else (str(min(years)) if years else "")
    prov = replace(
        base, sha256=sha256_of(path), rows=rows, countries=len(countries), years=span
    )
    return Parsed(tables=tables, provenance=prov)
