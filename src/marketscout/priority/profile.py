"""A market's profile: each criterion against the candidates' median, its contribution to the
score, the DSM's top product opportunities, and Horizon collaboration with the home country.

Outputs (the web page, the JSON API) only present it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from marketscout import countries
from marketscout.collab.pair import Collaboration, collaboration
from marketscout.criteria import Criterion
from marketscout.errors import DataNotAvailableError, MarketscoutError
from marketscout.jsonable import clean
from marketscout.priority.build import PriorityList, summary_row
from marketscout.store import Store


@dataclass(frozen=True)
class CriterionLine:
    """One criterion for one market: its value, the candidates' median, its contribution."""

    id: str
    name: str
    unit: str
    value: float | None
    median: float | None  # over candidates with data on this criterion
    covered: int
    candidates: int
    contribution: float | None  # points of the score; None when not used or not ranked
    used: bool
    left_out_because: str
    source: str
    year: str


@dataclass(frozen=True)
class Opportunities:
    """The DSM's top product opportunities in one market, or why there are none."""

    available: bool
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    note: str = ""
    source: str = ""
    fix: str = ""  # how to get what is missing


@dataclass(frozen=True)
class MarketProfile:
    """Everything the market page shows, with sources."""

    home: str
    iso3: str
    name: str
    ranking: dict[str, Any]  # rank, score, rank interval, p_top, tier; empty when not ranked
    top: int
    criteria: list[CriterionLine]
    opportunities: Opportunities
    collaboration: Collaboration
    gii_trend: GiiTrend = field(default_factory=lambda: GiiTrend(pd.DataFrame(), ""))


@dataclass(frozen=True)
class GiiTrend:
    """A market's GII score and rank edition by edition, from one complete source."""

    rows: pd.DataFrame  # edition, score, rank (rank among the economies scored that edition)
    source: str
    note: str = ("WIPO changes the GII framework between editions, so scores of different "
                 "editions are not strictly comparable; ranks are within each edition.")


def gii_trend(store: Store, iso3: str) -> GiiTrend:
    """The GII overall score over the editions of the complete source with the most
    editions (the 2011-2022 panel on the embedded data); press reprints are not used."""
    rows = store.query(
        "SELECT g.source_id, g.edition, g.score, g.rank FROM gii g JOIN provenance p "
        "USING (source_id) WHERE g.code = 'GII' AND g.iso3 = ? AND g.score IS NOT NULL "
        "AND NOT coalesce(p.partial, false) AND g.source_id NOT LIKE '%partial%'", [iso3])
    if rows.empty:
        return GiiTrend(pd.DataFrame(columns=["edition", "score", "rank"]), "no data")
    best = rows.groupby("source_id")["edition"].nunique().sort_values().index[-1]
    chosen = rows[rows["source_id"] == best].sort_values("edition")
    return GiiTrend(chosen[["edition", "score", "rank"]].reset_index(drop=True),
                    "; ".join(p.cite() for p in store.provenance_of([str(best)])))


def check_market(found: Sequence[Criterion], iso3: str, home: str) -> str:
    """The candidate's ISO3 code (upper case), or DataNotAvailableError for anything else."""
    code = iso3.strip().upper()
    known = found[0].values.index if found else pd.Index([])
    if code not in known:
        raise DataNotAvailableError(
            f"'{iso3}' is not a candidate market for {home}.",
            where=f"/markets/{iso3}",
            fix="Use the three-letter ISO code of a country, e.g. DEU; the home country and "
            "excluded markets have no profile.",
        )
    return code


def criterion_lines(plist: PriorityList, found: Sequence[Criterion], iso3: str
                    ) -> list[CriterionLine]:
    """Each criterion's value for `iso3` against the candidates' median, with contribution."""
    row = plist.markets.set_index("iso3").loc[iso3] if iso3 in set(plist.markets["iso3"]) \
        else None
    left = {c.id: why for c, why in plist.left_out}
    lines = []
    for c in found:
        value = c.values.get(iso3)
        used = c.id not in left
        contribution = row[f"{c.id}_contribution"] if used and row is not None else None
        lines.append(CriterionLine(
            id=c.id, name=c.name, unit=c.unit, value=_number(value),
            median=_number(c.values.median()) if c.available else None,
            covered=c.n_covered, candidates=c.n_candidates, contribution=_number(contribution),
            used=used, left_out_because=left.get(c.id, ""), source=c.source, year=c.year,
        ))
    return lines


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def ranking_of(plist: PriorityList, iso3: str) -> dict[str, Any]:
    """Rank, score, 90% rank interval, P(on the list), tier, override; {} when not ranked."""
    return summary_row(plist, iso3)


def opportunities(store: Store, home: str, iso3: str, top: int = 10) -> Opportunities:
    """The DSM's top opportunities for `home` in `iso3`, or 'not available' with the reason."""
    from marketscout.dsm import top_opportunities

    try:
        rows = top_opportunities(store, home, iso3, top=top)
    except MarketscoutError as exc:  # e.g. no complete BACI year in the store
        return Opportunities(False, note=exc.what, fix=exc.fix or "")
    if rows is None or len(rows) == 0:
        return Opportunities(False, note=f"The DSM finds no realistic export opportunity for "
                                         f"{home} in {countries.name(iso3)} with the data in "
                                         "the store.")
    source = str(getattr(rows, "attrs", {}).get("source", "DSM over CEPII BACI"))
    return Opportunities(True, rows=pd.DataFrame(rows).head(top), source=source)


def market_profile(store: Store, plist: PriorityList, found: Sequence[Criterion],
                   iso3: str) -> MarketProfile:
    """The profile of candidate `iso3` in `plist` (built from `found`)."""
    code = check_market(found, iso3, plist.home)
    return MarketProfile(
        home=plist.home, iso3=code, name=countries.name(code),
        ranking=ranking_of(plist, code), top=plist.options.top,
        criteria=criterion_lines(plist, found, code),
        opportunities=opportunities(store, plist.home, code),
        collaboration=collaboration(store, plist.home, code),
        gii_trend=gii_trend(store, code),
    )


def to_payload(profile: MarketProfile) -> dict[str, Any]:
    """The profile as a JSON-ready document (for /api/markets/{iso3})."""
    collab = profile.collaboration
    return clean({
        "home": profile.home, "iso3": profile.iso3, "market": profile.name,
        "ranking": profile.ranking or None, "top": profile.top,
        "criteria": [asdict(line) for line in profile.criteria],
        "dsm_opportunities": {
            "available": profile.opportunities.available, "note": profile.opportunities.note,
            "fix": profile.opportunities.fix,
            "source": profile.opportunities.source,
            "rows": profile.opportunities.rows.to_dict("records"),
        },
        "gii_trend": {"rows": profile.gii_trend.rows.to_dict("records"),
                      "source": profile.gii_trend.source, "note": profile.gii_trend.note},
        "horizon_collaboration": {
            "projects": collab.projects, "years": collab.years,
            "home_ec_contribution_eur": collab.ec_contribution("home"),
            "market_ec_contribution_eur": collab.ec_contribution("market"),
            "per_year": collab.per_year.to_dict("records"),
            "programme_parts": collab.parts.to_dict("records"),
            "source": collab.source,
        },
    })
