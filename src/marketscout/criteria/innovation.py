"""Innovation: the WIPO Global Innovation Index overall score."""

from __future__ import annotations

from collections.abc import Sequence

from marketscout.criteria.base import (
    Criterion,
    empty,
    on_candidates,
    provenance_of,
    source_rank,
)
from marketscout.store import Store

SPEC = {"id": "innovation", "name": "Global Innovation Index score", "unit": "score 0-100",
        "direction": 1}
HOW = ("Import the latest GII table: `marketscout data import gii FILE` (WIPO full-data "
       "workbook or a CSV with economy, score, year), or `marketscout data update wipo_gii`.")


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None
) -> Criterion:
    """GII overall score from the latest complete edition (at or before `year` if given).

    Partial editions (public reports covering only part of the economies) are used only when
    no complete edition exists, so that the criterion never mixes editions.
    """
    rows = store.query(
        "SELECT source_id, iso3, edition, score FROM gii WHERE code = 'GII' AND score IS NOT NULL"
        + (" AND edition <= ?" if year else ""),
        [year] if year else [],
    )
    if rows.empty:
        return empty(SPEC, candidates, HOW)
    rows["rank"] = rows["source_id"].map(source_rank)
    complete = rows[rows["rank"] < 2]
    pool = complete if not complete.empty else rows
    edition = int(pool["edition"].max())
    chosen = pool[pool["edition"] == edition].sort_values("rank")
    best = chosen[chosen["rank"] == chosen["rank"].min()]
    notes = []
    later = rows[rows["edition"] > edition]
    if not later.empty:
        editions = ", ".join(map(str, sorted(later["edition"].unique())))
        notes.append(
            f"Later partial GII editions exist ({editions},"
            f" {later.iso3.nunique()} economies at most) but are incomplete, so edition {edition}"
            " is used; import a complete later edition to use it."
        )
    return Criterion(
        values=on_candidates(best.set_index("iso3")["score"], candidates),
        year=str(edition),
        sources=provenance_of(store, best["source_id"].unique().tolist()),
        how_to_get=HOW,
        notes=tuple(notes),
        **SPEC,  # type: ignore[arg-type]
    )
