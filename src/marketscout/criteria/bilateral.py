"""Shared logic for bilateral money flows into or out of the home country (FDI, exports)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import (
    Criterion,
    Edition,
    choose_edition,
    empty,
    is_partial,
    on_candidates,
)
from marketscout.errors import InputError
from marketscout.store import Store

ABSENT_UNKNOWN = "Markets the source does not report have no value (not zero)."
ABSENT_ZERO = ("The source lists every partner with a non-zero value (declared complete), so "
               "a market it does not report counts 0.")


def editions(store: Store, rows: pd.DataFrame, candidates: Sequence[str]) -> list[Edition]:
    """One edition per (source, unit): its latest year and the candidates it covers then; a
    source declared complete covers every candidate (absent partners are zeros)."""
    complete = _complete(store, rows["source_id"].unique().tolist())
    partial = is_partial(store, rows["source_id"].unique().tolist())
    out = []
    for (source, unit), part in rows.groupby(["source_id", "unit"]):
        for year in sorted(part["year"].unique()):
            now = part[part["year"] == year]
            covered = (len(candidates) if complete[str(source)]
                       else int(now["partner"].isin(candidates).sum()))
            out.append(Edition(str(source), int(year), covered, partial[str(source)],
                               key=str(unit)))
    return out


def _complete(store: Store, source_ids: Sequence[str]) -> dict[str, bool]:
    provs = {p.source_id: p.complete for p in store.provenance_of(source_ids)}
    return {s: bool(provs.get(s, False)) for s in source_ids}


def compute_bilateral(
    store: Store,
    table: str,
    spec: dict[str, object],
    how: str,
    home: str,
    candidates: Sequence[str],
    year: int | None = None,
    mean_years: int = 1,
    edition: str | None = None,
    min_coverage: float = 0.5,
) -> Criterion:
    """One source and unit (never mixed), its latest year passing the coverage rule (or the
    mean over the last `mean_years` years ending there)."""
    if mean_years < 1:
        raise InputError(f"The number of years to average must be at least 1, got {mean_years}.",
                         where="--exports-mean-years", fix="Use 1 (latest year) or e.g. 3.")
    rows = store.query(
        f"SELECT source_id, partner, year, value, unit FROM {table} WHERE home = ?"
        + (" AND year <= ?" if year else ""),
        [home, year] if year else [home],
    ).dropna(subset=["value"])
    if rows.empty:
        return empty(spec, candidates, how)
    best, notes = choose_edition(editions(store, rows, candidates), len(candidates),
                                 min_coverage, edition, where=f"--edition {spec['id']}=YEAR")
    last = best.edition
    rows = rows[(rows["source_id"] == best.source_id) & (rows["unit"] == best.key)]
    window = rows[(rows["year"] > last - mean_years) & (rows["year"] <= last)]
    complete = _complete(store, [best.source_id])[best.source_id]
    years = sorted(window["year"].unique())
    if complete:  # absent partner = 0 in each year of the window, then the mean
        wide = window.pivot_table(index="partner", columns="year", values="value",
                                  aggfunc="sum").reindex(columns=years)
        values = on_candidates(wide.fillna(0.0).mean(axis=1), candidates).fillna(0.0)
    else:
        values = on_candidates(window.groupby("partner")["value"].mean(), candidates)
    reported = pd.Series(values.index.isin(window["partner"]), index=values.index)
    span = str(last) if mean_years == 1 else f"{last - mean_years + 1}-{last} mean"
    if len(years) < mean_years:
        notes.append(f"Only {len(years)} of the {mean_years} years asked for are in the "
                     "source; the mean is over those.")
    provs = store.provenance_of([best.source_id])
    publisher = provs[0].publisher.split(" (")[0] if provs else best.source_id
    label_name = "exports" if spec["id"] == "exports" else "FDI positions"
    return Criterion(
        values=values,
        year=span,
        sources=provs,
        how_to_get=how,
        notes=(ABSENT_ZERO if complete else ABSENT_UNKNOWN, *notes),
        reported=reported,
        label=f"{label_name} {span} ({publisher}, {best.key})",
        **(spec | {"unit": best.key}),  # type: ignore[arg-type]
    )
