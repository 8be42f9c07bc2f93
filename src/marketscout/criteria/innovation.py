"""Innovation: the WIPO Global Innovation Index overall score."""

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
from marketscout.store import Store

SPEC = {"id": "innovation", "name": "Global Innovation Index score", "unit": "score 0-100",
        "direction": 1}
HOW = ("Import the latest GII table: `marketscout data import gii FILE` (WIPO full-data "
       "workbook or a CSV with economy, score, year), or `marketscout data update gii "
       "--file GII.xlsx`.")


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None,
    edition: str | None = None, min_coverage: float = 0.5,
) -> Criterion:
    """GII overall score from one edition (at or before `year`), chosen by
    `choose_edition`: the latest that covers enough candidates, complete before partial."""
    rows = store.query(
        "SELECT source_id, iso3, edition, score FROM gii WHERE code = 'GII' AND score IS NOT NULL"
        + (" AND edition <= ?" if year else ""),
        [year] if year else [],
    )
    if rows.empty:
        return empty(SPEC, candidates, HOW)
    best, notes = choose_edition(_editions(store, rows, candidates), len(candidates),
                                 min_coverage, edition, where="--edition innovation=YEAR")
    chosen = rows[(rows["source_id"] == best.source_id) & (rows["edition"] == best.edition)]
    kind = " (press reprint, not an official table)" if best.partial else ""
    return Criterion(
        values=on_candidates(chosen.set_index("iso3")["score"], candidates),
        year=str(best.edition),
        sources=store.provenance_of([best.source_id]),
        how_to_get=HOW,
        notes=tuple(notes),
        label=f"GII {best.edition}{kind}",
        **SPEC,  # type: ignore[arg-type]
    )


def _editions(store: Store, rows: pd.DataFrame, candidates: Sequence[str]) -> list[Edition]:
    partial = is_partial(store, rows["source_id"].unique().tolist())
    covered = rows[rows["iso3"].isin(candidates)].groupby(["source_id", "edition"])["iso3"]
    counts = covered.nunique()
    return [Edition(source_id=str(s), edition=int(e), covered=int(counts.get((s, e), 0)),
                    partial=partial[str(s)])
            for s, e in rows[["source_id", "edition"]].drop_duplicates().itertuples(index=False)]
