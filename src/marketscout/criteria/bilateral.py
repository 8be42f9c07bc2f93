"""Shared logic for bilateral money flows into or out of the home country (FDI, exports)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import Criterion, empty, on_candidates, provenance_of, source_rank
from marketscout.errors import InputError
from marketscout.store import Store


def choose_source(rows: pd.DataFrame) -> pd.DataFrame:
    """One source and unit: the user's import first, then the widest coverage in its latest year.

    Values in different units (USD, EUR, shares of a total) are never mixed in one criterion.
    """
    key = rows["source_id"] + "|" + rows["unit"]
    latest = rows.groupby(key)["year"].transform("max")
    cover = rows[rows["year"] == latest].groupby(key[rows["year"] == latest])["partner"].nunique()
    best = sorted(cover.index, key=lambda k: (source_rank(k), -cover[k], k))[0]
    return rows[key == best]


def compute_bilateral(
    store: Store,
    table: str,
    spec: dict[str, object],
    how: str,
    home: str,
    candidates: Sequence[str],
    year: int | None = None,
    mean_years: int = 1,
) -> Criterion:
    """Latest-year value per partner (or the mean over the last `mean_years` years)."""
    if mean_years < 1:
        raise InputError(f"The number of years to average must be at least 1, got {mean_years}.",
                         where="--exports-mean-years", fix="Use 1 (latest year) or e.g. 3.")
    rows = store.query(
        f"SELECT source_id, partner, year, value, unit FROM {table} WHERE home = ?"
        + (" AND year <= ?" if year else ""),
        [home, year] if year else [home],
    )
    if rows.empty:
        return empty(spec, candidates, how)
    rows = choose_source(rows.dropna(subset=["value"]))
    last = int(rows["year"].max())
    window = rows[rows["year"] > last - mean_years]
    values = window.groupby("partner")["value"].mean()
    unit = str(window["unit"].iloc[0])
    span = str(last) if mean_years == 1 else f"{last - mean_years + 1}-{last} mean"
    return Criterion(
        values=on_candidates(values, candidates),
        year=span,
        sources=provenance_of(store, window["source_id"].unique().tolist()),
        how_to_get=how,
        notes=("Markets not reported by the source have no value (not zero).",),
        **(spec | {"unit": unit}),  # type: ignore[arg-type]
    )
