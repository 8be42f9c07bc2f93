"""Horizon: joint Horizon 2020 / Horizon Europe projects between home and market entities."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketscout.criteria.base import Criterion, empty, on_candidates, provenance_of
from marketscout.store import Store

SPEC = {"id": "horizon", "name": "Joint Horizon projects with the home country",
        "unit": "projects", "direction": 1}
HOW = "Run `marketscout data update cordis` when online (CORDIS open data, CC BY 4.0)."

JOINT_SQL = """
WITH home_projects AS (
    SELECT DISTINCT project_id FROM horizon_participation
    WHERE iso3 = ? AND (? IS NULL OR start_year >= ?) AND (? IS NULL OR start_year <= ?)
)
SELECT p.iso3, COUNT(DISTINCT p.project_id) AS projects,
       SUM(p.ec_contribution) AS ec_contribution
FROM horizon_participation p JOIN home_projects USING (project_id)
WHERE p.iso3 IS NOT NULL AND p.iso3 <> ?
GROUP BY p.iso3
"""


def joint_projects(
    store: Store, home: str, first_year: int | None = None, last_year: int | None = None
) -> pd.DataFrame:
    """Per partner: distinct projects with a home participant (any role) and the partner's
    participants' EC contribution in those projects."""
    params = [home, first_year, first_year, last_year, last_year, home]
    return store.query(JOINT_SQL, params).set_index("iso3")


def compute(
    store: Store,
    home: str,
    candidates: Sequence[str],
    year: int | None = None,
    first_year: int | None = None,
) -> Criterion:
    """Count of distinct joint projects; zero where none (CORDIS lists every participation)."""
    info = store.query(
        "SELECT DISTINCT source_id, min(start_year) AS y0, max(start_year) AS y1 "
        "FROM horizon_participation GROUP BY source_id"
    )
    if info.empty:
        return empty(SPEC, candidates, HOW)
    joint = joint_projects(store, home, first_year, year)
    values = on_candidates(joint["projects"], candidates).fillna(0.0)
    contribution = on_candidates(joint["ec_contribution"], candidates).where(values > 0, 0.0)
    y0 = first_year or int(info["y0"].min())
    y1 = year or int(info["y1"].max())
    nonzero = int((values > 0).sum())
    return Criterion(
        values=values,
        year=f"{y0}-{y1}",
        sources=provenance_of(store, info["source_id"].tolist()),
        how_to_get=HOW,
        notes=(f"{nonzero} markets have at least one joint project; the others count 0.",),
        details={"ec_contribution": contribution},
        **SPEC,  # type: ignore[arg-type]
    )
