"""Collaboration pairs: for one home country, every partner country it shares projects with.

A project is joint when the home country and the partner each have at least one participant
in it, in any role (the same rule as the `horizon` criterion). A project with several
participants from one country counts once; participations, EC contributions and coordinator
roles are summed over the participants of each side in the joint projects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from marketscout.collab.scope import Scope, cite, names, require_participant, sources
from marketscout.provenance import Provenance
from marketscout.store import Store

# Per joint project: the home side's participations, then each partner country's.
_SIDES = """
home_side AS (
    SELECT project_id, count(*) AS n, sum(ec_contribution) AS ec,
           count(*) FILTER (WHERE role = 'coordinator') AS coord,
           any_value(start_year) AS start_year
    FROM part WHERE iso3 = ? GROUP BY project_id
),
partner_side AS (
    SELECT p.project_id, p.iso3, count(*) AS n, sum(p.ec_contribution) AS ec,
           count(*) FILTER (WHERE p.role = 'coordinator') AS coord
    FROM part p SEMI JOIN home_side h ON p.project_id = h.project_id
    WHERE p.iso3 <> ? GROUP BY p.project_id, p.iso3
)
"""

# One row per (joint project, partner country): both sides' counts in that project.
ROWS_SQL = """
SELECT ps.iso3 AS partner, ps.project_id, h.start_year,
       h.n AS home_participations, ps.n AS partner_participations,
       h.ec AS home_ec_contribution, ps.ec AS partner_ec_contribution,
       h.coord AS home_coordinators, ps.coord AS partner_coordinators
FROM partner_side ps JOIN home_side h USING (project_id)
"""

# A project can belong to several programme parts (CORDIS lists each), so parts do not add up
# to the joint projects.
PARTS_SQL = """
SELECT DISTINCT pp.project_id, pp.programme_part
FROM horizon_programme_part pp SEMI JOIN home_side h ON pp.project_id = h.project_id
"""
SUMS = ["home_participations", "partner_participations", "home_ec_contribution",
        "partner_ec_contribution", "home_coordinators", "partner_coordinators"]

COUNT_COLUMNS = ["joint_projects", "home_participations", "partner_participations",
                 "home_coordinators", "partner_coordinators"]


@dataclass(frozen=True)
class Pairs:
    """One home country's collaboration with each partner country, with its breakdowns."""

    home: str
    scope: Scope
    home_projects: int  # projects with a home participant in scope
    partners: pd.DataFrame  # one row per partner, most joint projects first
    by_year: pd.DataFrame  # partner x project start year -> joint projects
    by_part: pd.DataFrame  # partner x programme part -> joint projects
    sources: tuple[Provenance, ...]

    @property
    def source(self) -> str:
        return cite(self.sources)

    def wide(self) -> pd.DataFrame:
        """The partner table with `joint_<year>` and `part_<name>` columns (for CSV, Excel)."""
        years = self.by_year.add_prefix("joint_")
        parts = self.by_part.add_prefix("part_")
        out = self.partners.join(years, on="partner").join(parts, on="partner")
        extra = [*years.columns, *parts.columns]
        out[extra] = out[extra].fillna(0).astype(int)
        return out


def _run(store: Store, sql: str, home: str, where: Scope) -> pd.DataFrame:
    part, params = where.cte()
    return store.query(f"WITH {part}, {_SIDES} {sql}", [*params, home, home])


def joint_rows(store: Store, home: str, where: Scope | None = None,
               partner: str | None = None) -> pd.DataFrame:
    """One row per (joint project, partner country), optionally one partner only: the one
    definition of a joint project that the `horizon` criterion, the market profile and the
    pairs table all count."""
    rows = _run(store, ROWS_SQL, home, where or Scope())
    return rows if partner is None else rows[rows["partner"] == partner]


def joint_parts(store: Store, home: str, rows: pd.DataFrame, where: Scope | None = None
                ) -> pd.DataFrame:
    """(partner, project_id, programme_part) for the joint projects in `rows`."""
    parts = _run(store, PARTS_SQL, home, where or Scope())
    return parts.merge(rows[["partner", "project_id"]], on="project_id")


def pairs(store: Store, home: str, where: Scope | None = None) -> Pairs:
    """Per partner country: joint projects, participations, EC contribution and coordinator
    roles on each side, joint projects per start year and per programme part."""
    where = where or Scope()
    found = sources(store, where)
    require_participant(store, home, where, role="home")
    rows = joint_rows(store, home, where)
    partners = rows.groupby("partner")[SUMS].sum(min_count=0)
    partners.insert(0, "joint_projects", rows.groupby("partner").size())
    partners = partners.fillna(0).reset_index()
    money = ["home_ec_contribution", "partner_ec_contribution"]
    partners[money] = partners[money].astype(float).round(2)
    partners[COUNT_COLUMNS] = partners[COUNT_COLUMNS].astype(int)
    partners = partners.sort_values(["joint_projects", "partner"], ascending=[False, True])
    partners.insert(1, "name", names(partners["partner"]))
    by_year = _pivot(rows.dropna(subset=["start_year"]).groupby(["partner", "start_year"])
                     .size().reset_index(name="joint_projects"), "start_year")
    parts = joint_parts(store, home, rows, where)
    by_part = _pivot(parts.groupby(["partner", "programme_part"]).size()
                     .reset_index(name="joint_projects"), "programme_part")
    partners["top_parts"] = partners["partner"].map(_top_parts(by_part)).fillna("")
    home_projects = int(store.query(
        f"WITH {where.cte()[0]}, {_SIDES} SELECT count(*) AS n FROM home_side",
        [*where.cte()[1], home, home])["n"].iloc[0])
    return Pairs(home=home, scope=where, home_projects=home_projects,
                 partners=partners.reset_index(drop=True), by_year=by_year, by_part=by_part,
                 sources=found)


def _pivot(long: pd.DataFrame, column: str) -> pd.DataFrame:
    """partner x `column` table of joint projects (0 where none)."""
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="partner"))
    wide = long.pivot_table(index="partner", columns=column, values="joint_projects",
                            aggfunc="sum", fill_value=0)
    wide.columns = [str(int(c)) if isinstance(c, float) else str(c) for c in wide.columns]
    return wide.sort_index(axis=1).astype(int)


def _top_parts(by_part: pd.DataFrame, n: int = 3) -> pd.Series:
    """'MSCA 12, ERC 3, LEIT 2': each partner's largest programme parts."""
    if by_part.empty:
        return pd.Series(dtype=str)
    long = by_part.melt(ignore_index=False, var_name="part", value_name="n").reset_index()
    long = long[long["n"] > 0].sort_values(["partner", "n", "part"],
                                           ascending=[True, False, True])
    long = long.groupby("partner").head(n)
    label = long["part"] + " " + long["n"].astype(str)
    return label.groupby(long["partner"]).agg(", ".join)
