"""A country's fact sheet in Horizon: participations, projects, EC contribution, organisation
types, top partner countries, programme parts and their trend, and (with a home country)
its collaboration with the home country."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from marketscout import countries
from marketscout.collab.pairs import Pairs, pairs
from marketscout.collab.scope import Scope, cite, require_participant, sources
from marketscout.collab.status import CountryStatus, default_status
from marketscout.collab.thirds import by_status, thirds
from marketscout.provenance import Provenance
from marketscout.store import Store

# CORDIS activityType codes (CORDIS data dictionary, "organization" table).
ORG_TYPES = {
    "HES": "Higher or secondary education",
    "REC": "Research organisation",
    "PRC": "Private for-profit (companies)",
    "PUB": "Public body",
    "OTH": "Other",
}

BY_YEAR_SQL = """
SELECT start_year AS year, count(*) AS participations, count(DISTINCT project_id) AS projects,
       round(coalesce(sum(ec_contribution), 0), 2) AS ec_contribution,
       count(*) FILTER (WHERE role = 'coordinator') AS coordinator_roles
FROM part WHERE iso3 = ? AND start_year IS NOT NULL GROUP BY ALL ORDER BY year
"""
SUMMARY_SQL = """
SELECT count(*) AS participations, count(DISTINCT project_id) AS projects,
       count(DISTINCT org_id) AS organisations,
       round(coalesce(sum(ec_contribution), 0), 2) AS ec_contribution,
       count(*) FILTER (WHERE role = 'coordinator') AS coordinator_roles,
       count(*) FILTER (WHERE ec_contribution IS NULL) AS without_contribution
FROM part WHERE iso3 = ?
"""
ORG_TYPES_SQL = """
SELECT coalesce(org_type, 'unknown') AS org_type, count(*) AS participations,
       count(DISTINCT org_id) AS organisations,
       round(coalesce(sum(ec_contribution), 0), 2) AS ec_contribution
FROM part WHERE iso3 = ? GROUP BY ALL ORDER BY participations DESC
"""
PARTS_SQL = """
SELECT pp.programme_part, p.start_year AS year, count(DISTINCT p.project_id) AS projects
FROM (SELECT DISTINCT project_id, start_year FROM part WHERE iso3 = ?) p
JOIN horizon_programme_part pp USING (project_id)
GROUP BY ALL
"""


@dataclass(frozen=True)
class Profile:
    """One country's participation in Horizon, in a scope; `home` pairs it with a home."""

    country: str
    scope: Scope
    summary: dict[str, Any]
    by_year: pd.DataFrame
    org_types: pd.DataFrame
    partners: pd.DataFrame  # top partner countries by joint projects
    parts: pd.DataFrame  # programme_part, projects, then one column per start year
    status: pd.DataFrame  # status per programme (member / associated / oct / third)
    home: str | None
    with_home: dict[str, Any] | None  # the pairs row of home with this country
    with_home_by_year: pd.DataFrame | None
    sources: tuple[Provenance, ...]

    @property
    def source(self) -> str:
        return cite(self.sources)


def profile(store: Store, country: str, home: str | None = None, where: Scope | None = None,
            status: CountryStatus | None = None, top: int = 10) -> Profile:
    """The fact sheet of `country`; with `home`, also their joint projects."""
    where = where or Scope()
    found = sources(store, where)
    require_participant(store, country, where, role="--country")
    part, params = where.cte()

    def run(sql: str) -> pd.DataFrame:
        return store.query(f"WITH {part} {sql}", [*params, country])

    summary = {str(k): _plain(v)
               for k, v in run(SUMMARY_SQL).to_dict("records")[0].items()}
    own = pairs(store, country, where)
    summary["partner_countries"] = len(own.partners)
    summary |= _third_rank(store, country, where, status)
    summary["name"] = countries.name(country)
    org_types = run(ORG_TYPES_SQL)
    org_types.insert(1, "label", org_types["org_type"].map(ORG_TYPES).fillna(""))
    org_types["share_participations"] = org_types["participations"] / summary["participations"]
    held = by_status(store, where, status or default_status())
    held = held[held["iso3"] == country].drop(columns="iso3")
    with_home, with_home_by_year = _with_home(store, home, country, where)
    return Profile(country, where, summary, run(BY_YEAR_SQL), org_types,
                   _as_country(own.partners.head(top)), _parts(run(PARTS_SQL)),
                   held.reset_index(drop=True), home, with_home, with_home_by_year, found)


def _as_country(partners: pd.DataFrame) -> pd.DataFrame:
    """Top partners seen from the profiled country: its side is `country_*`, not `home_*`."""
    renamed = {c: c.replace("home_", "country_") for c in partners.columns}
    return partners.rename(columns=renamed).reset_index(drop=True)


def _third_rank(store: Store, country: str, where: Scope,
                status: CountryStatus | None) -> dict[str, Any]:
    """Rank among third countries by participations and by EC contribution (if third)."""
    table = thirds(store, where, status).countries
    row = table[table["iso3"] == country]
    if row.empty:
        return {}
    return {"third_countries": len(table),
            "third_rank_participations": int(row["rank_participations"].iloc[0]),
            "third_rank_ec_contribution": int(row["rank_ec_contribution"].iloc[0])}


def _parts(long: pd.DataFrame) -> pd.DataFrame:
    """Projects per programme part, overall and per start year (the trend)."""
    if long.empty:
        return pd.DataFrame(columns=["programme_part", "projects"])
    trend = long.dropna(subset=["year"]).pivot_table(
        index="programme_part", columns="year", values="projects", aggfunc="sum", fill_value=0)
    trend.columns = [str(int(c)) for c in trend.columns]
    total = long.groupby("programme_part")["projects"].sum().rename("projects")
    out = pd.concat([total, trend], axis=1).fillna(0).astype(int)
    return out.sort_values("projects", ascending=False).reset_index(names="programme_part")


def _with_home(store: Store, home: str | None, country: str,
               where: Scope) -> tuple[dict[str, Any] | None, pd.DataFrame | None]:
    """The pairs row of `home` with `country` (zeros when they share no project)."""
    if home is None:
        return None, None
    require_participant(store, home, where, role="--home")
    found: Pairs = pairs(store, home, where)
    row = found.partners[found.partners["partner"] == country]
    if row.empty:
        record: dict[str, Any] = {"partner": country, "name": countries.name(country),
                                  "joint_projects": 0, "top_parts": ""}
        years = pd.DataFrame(columns=["year", "joint_projects"])
    else:
        record = {str(k): _plain(v) for k, v in row.to_dict("records")[0].items()}
        years = found.by_year.loc[[country]].T.reset_index()
        years.columns = ["year", "joint_projects"]
    record["home"] = home
    record["home_projects"] = found.home_projects
    record["share_of_home_projects"] = (
        record["joint_projects"] / found.home_projects if found.home_projects else 0.0)
    return record, years


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (for JSON and templates)."""
    return value.item() if hasattr(value, "item") else value
