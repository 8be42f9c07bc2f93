"""Horizon collaboration between the home country and one market, from CORDIS participations.

The market profile shows it; the `horizon` criterion counts the same projects (a project is
joint when both countries have at least one participant in it, in any role). The full
analytics over every partner country live in `marketscout.collab`; this is the one-pair query
the market page needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from marketscout.criteria.base import provenance_of
from marketscout.provenance import Provenance
from marketscout.store import Store

# Projects with at least one participant from each country; start year and programme from the
# participation rows (one value per project in CORDIS, so any row will do).
_JOINT = """
WITH joint AS (
    SELECT project_id FROM horizon_participation WHERE iso3 = ?
    INTERSECT
    SELECT project_id FROM horizon_participation WHERE iso3 = ?
)
"""

PER_YEAR_SQL = _JOINT + """
SELECT p.start_year AS year, COUNT(DISTINCT p.project_id) AS projects,
       SUM(CASE WHEN p.iso3 = ? THEN p.ec_contribution END) AS home_ec_contribution,
       SUM(CASE WHEN p.iso3 = ? THEN p.ec_contribution END) AS market_ec_contribution
FROM horizon_participation p JOIN joint USING (project_id)
WHERE p.start_year IS NOT NULL
GROUP BY p.start_year ORDER BY p.start_year
"""

PARTS_SQL = _JOINT + """
SELECT pp.programme_part, COUNT(DISTINCT pp.project_id) AS projects
FROM horizon_programme_part pp JOIN joint USING (project_id)
GROUP BY pp.programme_part ORDER BY projects DESC, pp.programme_part
"""

SOURCES_SQL = _JOINT + """
SELECT DISTINCT p.source_id FROM horizon_participation p JOIN joint USING (project_id)
"""


@dataclass(frozen=True)
class Collaboration:
    """Joint Horizon projects of `home` and `market`: per start year and per programme part."""

    home: str
    market: str
    per_year: pd.DataFrame  # year, projects, home_ec_contribution, market_ec_contribution (EUR)
    parts: pd.DataFrame  # programme_part, projects (a project may belong to several parts)
    sources: tuple[Provenance, ...]

    @property
    def projects(self) -> int:
        """Distinct joint projects over all years."""
        return int(self.per_year["projects"].sum()) if not self.per_year.empty else 0

    @property
    def years(self) -> str:
        """The start years covered, e.g. '2014-2020', or '' when there is no joint project."""
        if self.per_year.empty:
            return ""
        y0, y1 = int(self.per_year["year"].min()), int(self.per_year["year"].max())
        return str(y0) if y0 == y1 else f"{y0}-{y1}"

    def ec_contribution(self, who: str) -> float:
        """EC contribution (EUR) to `who`'s participants ('home' or 'market') in joint projects."""
        return float(self.per_year[f"{who}_ec_contribution"].fillna(0).sum())

    @property
    def source(self) -> str:
        return "; ".join(p.cite() for p in self.sources) or "no data"


def collaboration(store: Store, home: str, market: str) -> Collaboration:
    """Joint Horizon projects of `home` and `market` (each project counted once per year)."""
    pair = [home, market]
    per_year = store.query(PER_YEAR_SQL, [*pair, home, market])
    # projects are counted per start year, so their sum over years is the distinct total
    parts = store.query(PARTS_SQL, pair)
    ids = store.query(SOURCES_SQL, pair)["source_id"].tolist()
    if not ids:  # no joint project: still name the CORDIS load that says so
        ids = store.query("SELECT DISTINCT source_id FROM horizon_participation")[
            "source_id"].tolist()
    return Collaboration(home, market, per_year, parts, provenance_of(store, ids))
