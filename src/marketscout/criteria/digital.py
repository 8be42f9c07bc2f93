"""Digital: IMD World Digital Competitiveness, score or a documented rank-to-score conversion."""

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

SPEC = {"id": "digital", "name": "IMD World Digital Competitiveness", "unit": "score 0-100",
        "direction": 1}
HOW = ("IMD tables are proprietary: import yours with `marketscout data import imd FILE` "
       "(economy, score or rank, year).")


def rank_to_score(rank: pd.Series, n_economies: pd.Series) -> pd.Series:
    """Percentile score from a rank: 100 for first, 0 for last of n ranked economies.

    score = 100 * (n - rank) / (n - 1). Used only where IMD publishes ranks without scores;
    it keeps the order and spacing of ranks, not the distances between IMD's own scores.
    """
    return 100.0 * (n_economies - rank) / (n_economies - 1)


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None,
    edition: str | None = None, min_coverage: float = 0.5,
) -> Criterion:
    """One IMD year (at or before `year`), chosen by `choose_edition`."""
    rows = store.query(
        "SELECT source_id, iso3, year, score, rank, n_economies FROM imd"
        + (" WHERE year <= ?" if year else ""),
        [year] if year else [],
    )
    if rows.empty:
        return empty(SPEC, candidates, HOW)
    partial = is_partial(store, rows["source_id"].unique().tolist())
    counts = rows[rows["iso3"].isin(candidates)].groupby(["source_id", "year"])["iso3"].nunique()
    editions = [Edition(str(s), int(y), int(counts.get((s, y), 0)), partial[str(s)])
                for s, y in rows[["source_id", "year"]].drop_duplicates().itertuples(index=False)]
    best, notes = choose_edition(editions, len(candidates), min_coverage, edition,
                                 where="--edition digital=YEAR")
    chosen = rows[(rows["source_id"] == best.source_id) & (rows["year"] == best.edition)]
    converted = chosen["score"].isna() & chosen["rank"].notna() & chosen["n_economies"].notna()
    score = chosen["score"].where(
        ~converted, rank_to_score(chosen["rank"], chosen["n_economies"].astype(float))
    )
    n_converted = int((converted & chosen["iso3"].isin(candidates)).sum())
    if n_converted:
        notes.append(
            f"{n_converted} values are ranks converted to scores: "
            "100 * (n - rank) / (n - 1)."
        )
    kind = " (press reprint, ranks only)" if best.partial else ""
    return Criterion(
        values=on_candidates(pd.Series(score.to_numpy(), index=chosen["iso3"]), candidates),
        year=str(best.edition),
        sources=store.provenance_of([best.source_id]),
        how_to_get=HOW,
        notes=tuple(notes),
        label=f"IMD digital {best.edition}{kind}",
        **SPEC,  # type: ignore[arg-type]
    )
