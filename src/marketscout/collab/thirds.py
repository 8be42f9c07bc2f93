"""Third-country comparison: which non-associated countries take part most in Horizon.

Agencies quote it ("Israel is associated; among third countries, the United States, China and
Canada lead"): participations and EC contribution per country, ranked, with each country's
status taken from the programme of each participation (see `status.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from marketscout.collab.scope import Scope, cite, names, sources
from marketscout.collab.status import STATUSES, CountryStatus, default_status
from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store

# Projects are distinct within (country, programme, start year): a project has one programme
# and one start year, so these counts add up over the groups.
GROUPS_SQL = """
SELECT iso3, programme, start_year, count(*) AS participations,
       count(DISTINCT project_id) AS projects,
       round(coalesce(sum(ec_contribution), 0), 2) AS ec_contribution,
       count(*) FILTER (WHERE role = 'coordinator') AS coordinator_roles
FROM part GROUP BY ALL
"""
MEASURES = ["participations", "projects", "ec_contribution", "coordinator_roles"]


@dataclass(frozen=True)
class Thirds:
    """Countries of the chosen statuses ranked by participations and by EC contribution."""

    scope: Scope
    statuses: tuple[str, ...]
    countries: pd.DataFrame  # iso3, country, status, measures, ranks and shares
    status: CountryStatus
    sources: tuple[Provenance, ...]

    @property
    def source(self) -> str:
        return cite(self.sources)


def by_status(store: Store, where: Scope, status: CountryStatus | None = None) -> pd.DataFrame:
    """Participations per country and status (one row per country and status it held)."""
    status = status or default_status()
    part, params = where.cte()
    groups = store.query(f"WITH {part} {GROUPS_SQL}", params)
    groups["status"] = [
        status.of(iso3, prog, None if pd.isna(year) else int(year))
        for iso3, prog, year in zip(groups["iso3"], groups["programme"], groups["start_year"],
                                    strict=True)
    ]
    summed = groups.groupby(["iso3", "status"], as_index=False)[MEASURES].sum()
    return summed.round({"ec_contribution": 2})


def thirds(
    store: Store,
    where: Scope | None = None,
    status: CountryStatus | None = None,
    statuses: Sequence[str] = ("third",),
) -> Thirds:
    """Rank the countries of `statuses` (default: third countries) by participations and by EC
    contribution; shares are of all participations of those statuses in scope."""
    where = where or Scope()
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown or not statuses:
        raise InputError(f"Unknown status {unknown or statuses}.", where="--status-group",
                         fix=f"Use one or more of: {', '.join(STATUSES)}.")
    status = status or default_status()
    found = sources(store, where)
    table = by_status(store, where, status)
    table = table[table["status"].isin(statuses)].copy()
    for column in ("participations", "ec_contribution"):
        total = table[column].sum()
        table[f"share_{column}"] = table[column] / total if total else 0.0
        table[f"rank_{column}"] = table[column].rank(ascending=False, method="min").astype(int)
    table = table.sort_values(["participations", "ec_contribution", "iso3"],
                              ascending=[False, False, True])
    table.insert(1, "country", names(table["iso3"]))
    int_cols = ["participations", "projects", "coordinator_roles"]
    table[int_cols] = table[int_cols].astype(int)
    return Thirds(where, tuple(statuses), table.reset_index(drop=True), status, found)
