"""The JSON API under /api (schema at /openapi.json): the priority list with the parameters of
`marketscout rank`, market profiles, criteria and data status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from marketscout import criteria
from marketscout.jsonable import clean
from marketscout.priority import profile
from marketscout.priority.options import DEFAULTS
from marketscout.reports import export
from marketscout.web.auth import Reader
from marketscout.web.deps import RankerDep, StoreDep
from marketscout.web.middleware import GuardedRoute
from marketscout.web.ranking import MAX_RUNS, PAGE_RUNS, RankQuery, parse_query

# JSONResponse: the payloads are JSON-ready already (reports/export.py cleans them), so FastAPI's
# generic encoder, which walks every value again, is skipped; it cost more than the payload.
router = APIRouter(prefix="/api", tags=["priority list"], route_class=GuardedRoute,
                   default_response_class=JSONResponse, dependencies=[Reader])

Home = Annotated[str, Query(description="Home country (ISO3 or name).")]
Top = Annotated[int, Query(ge=1, le=250, description="How many markets to select.")]
Weights = Annotated[str, Query(description="Criterion weights, e.g. innovation=1,horizon=2.")]
Runs = Annotated[int, Query(ge=1, le=MAX_RUNS, description="Monte Carlo replications.")]
Seed = Annotated[int, Query(ge=0, description="Random seed (same seed, same result).")]
Year = Annotated[int | None, Query(description="Latest data year to use.")]
Exclude = Annotated[str, Query(description="Markets never to consider, e.g. RUS,BLR.")]
HorizonFrom = Annotated[int | None, Query(description="First project start year for horizon.")]
MeanYears = Annotated[int, Query(ge=1, le=20, description="Average exports over this many "
                                                          "years.")]


def _query(home: str, top: int, weights: str, runs: int, seed: int, year: int | None,
           exclude: str, horizon_from: int | None, exports_mean_years: int) -> RankQuery:
    """The same validation as the pages (and the CLI's parse_weights)."""
    return parse_query({
        "home": home, "top": str(top), "weights": weights, "runs": str(runs), "seed": str(seed),
        "year": str(year or ""), "exclude": exclude, "horizon_from": str(horizon_from or ""),
        "exports_mean_years": str(exports_mean_years)})


@router.get("/priority")
def priority_list(ranker: RankerDep, home: Home = "LTU", top: Top = 32, weights: Weights = "",
                  runs: Runs = PAGE_RUNS, seed: Seed = DEFAULTS.seed, year: Year = None,
                  exclude: Exclude = "", horizon_from: HorizonFrom = None,
                  exports_mean_years: MeanYears = 1) -> JSONResponse:
    """The priority list, as `marketscout rank --format json` (schema: docs/rank-json.md)."""
    query = _query(home, top, weights, runs, seed, year, exclude, horizon_from,
                   exports_mean_years)
    return JSONResponse(export.to_payload(ranker.priority_list(query)))


@router.get("/markets/{iso3}")
def market(iso3: str, ranker: RankerDep, store: StoreDep, home: Home = "LTU", top: Top = 32,
           weights: Weights = "", runs: Runs = PAGE_RUNS, seed: Seed = DEFAULTS.seed,
           year: Year = None, exclude: Exclude = "", horizon_from: HorizonFrom = None,
           exports_mean_years: MeanYears = 1) -> JSONResponse:
    """A market's profile: criteria against the median, contributions, DSM, Horizon."""
    query = _query(home, top, weights, runs, seed, year, exclude, horizon_from,
                   exports_mean_years)
    found = ranker.criteria(query)
    return JSONResponse(profile.to_payload(
        profile.market_profile(store, ranker.priority_list(query), found, iso3)))


@router.get("/criteria")
def criteria_values(ranker: RankerDep, home: Home = "LTU", year: Year = None,
                    exclude: Exclude = "") -> JSONResponse:
    """Every criterion: metadata, sources and its value for every candidate market."""
    query = parse_query({"home": home, "year": str(year or ""), "exclude": exclude})
    found = ranker.criteria(query)
    status = criteria.status(found)
    return JSONResponse(clean({
        "home": query.home,
        "criteria": [s | {"unit": c.unit, "direction": c.direction,
                          "values": c.values.dropna().to_dict()}
                     for s, c in zip(status, found, strict=True)],
    }))


@router.get("/data/status")
def data_status(ranker: RankerDep, store: StoreDep, home: Home = "LTU",
                year: Year = None) -> JSONResponse:
    """Per criterion: source, year, coverage, gaps; and every source's provenance."""
    query = parse_query({"home": home, "year": str(year or "")})
    return JSONResponse(clean({
        "home": query.home,
        "criteria": criteria.status(ranker.criteria(query)),
        "sources": [p.to_dict() for p in store.provenance()],
    }))
