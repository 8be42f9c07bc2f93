"""Horizon collaboration between the home country and one market (the market profile's view),
counted with the pairs table's definition of a joint project (`pairs.joint_rows`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from marketscout.collab.pairs import joint_parts, joint_rows
from marketscout.provenance import NOT_A_SAMPLE, Provenance
from marketscout.store import Store


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
    """Joint Horizon projects of `home` and `market` (each project counted once)."""
    rows = joint_rows(store, home, partner=market)
    dated = rows.dropna(subset=["start_year"])
    per_year = (dated.groupby("start_year")
                .agg(projects=("project_id", "nunique"),
                     home_ec_contribution=("home_ec_contribution", "sum"),
                     market_ec_contribution=("partner_ec_contribution", "sum"))
                .reset_index().rename(columns={"start_year": "year"}))
    per_year["year"] = per_year["year"].astype(int)
    parts = (joint_parts(store, home, rows).groupby("programme_part")["project_id"].nunique()
             .rename("projects").reset_index()
             .sort_values(["projects", "programme_part"], ascending=[False, True])
             .reset_index(drop=True))
    ids = store.query("SELECT DISTINCT source_id FROM horizon_participation "
                      f"WHERE {NOT_A_SAMPLE}")["source_id"]
    return Collaboration(home, market, per_year, parts, store.provenance_of(ids.tolist()))
