"""Survey: markets named by business associations, scored by the order they were named in."""

from __future__ import annotations

from collections.abc import Sequence

from marketscout.criteria.base import Criterion, empty, on_candidates, provenance_of
from marketscout.store import Store

SPEC = {"id": "survey", "name": "Business association survey", "unit": "mean Borda points",
        "direction": 1}
HOW = ("Import the survey of business associations: `marketscout data import survey FILE` "
       "(association, market, order).")


def compute(
    store: Store, home: str, candidates: Sequence[str], year: int | None = None
) -> Criterion:
    """Mean Borda points over associations: in a list of k markets, position p earns k + 1 - p;
    a market an association did not name earns 0 from it."""
    rows = store.query("SELECT source_id, association, market, position FROM survey")
    if rows.empty:
        return empty(SPEC, candidates, HOW)
    k = rows.groupby("association")["position"].transform("max")
    rows["points"] = k + 1 - rows["position"]
    n_assoc = rows["association"].nunique()
    values = rows.groupby("market")["points"].sum() / n_assoc
    return Criterion(
        values=on_candidates(values, candidates).fillna(0.0),
        year="",
        sources=provenance_of(store, rows["source_id"].unique().tolist()),
        how_to_get=HOW,
        notes=(f"{n_assoc} associations answered; markets none named score 0.",),
        **SPEC,  # type: ignore[arg-type]
    )
