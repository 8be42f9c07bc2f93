"""Chart routes: SVG images rendered on the server from Vega-Lite specs (reports/charts.py).

Pages embed them as <img>, so the table of a re-ranked list shows at once and each chart
arrives as soon as it is drawn. Rendered SVGs are kept by spec, so a weight change that moves
no market between tiers redraws no map.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from marketscout.collab.pair import collaboration
from marketscout.priority import profile
from marketscout.reports import charts
from marketscout.web.auth import Reader
from marketscout.web.deps import QueryDep, RankerDep, StoreDep
from marketscout.web.middleware import GuardedRoute

router = APIRouter(prefix="/charts", include_in_schema=False, route_class=GuardedRoute,
                   dependencies=[Reader])


@lru_cache(maxsize=64)
def _svg(spec_json: str) -> str:
    return charts.to_svg(json.loads(spec_json))


def _image(spec: charts.Spec) -> Response:
    return Response(_svg(json.dumps(spec, sort_keys=True)), media_type="image/svg+xml")


# the page's container width (charts.js asks for it, in steps of 40 px)
Width = Annotated[int | None, Query(ge=charts.MIN_WIDTH, le=charts.MAX_WIDTH,
                                    description="Chart width in pixels.")]


@router.get("/tiers.svg")
def tier_map(query: QueryDep, ranker: RankerDep, width: Width = None) -> Response:
    """World map of tiers for the current choices, with a Europe inset."""
    frame, source = ranker.from_store("boundaries", charts.boundaries)
    points = ranker.from_store("market_points", charts.market_points)
    return _image(charts.tier_map(ranker.priority_list(query), frame, source, points, width))


@router.get("/intervals.svg")
def rank_intervals(query: QueryDep, ranker: RankerDep, width: Width = None) -> Response:
    """Rank and 90% rank interval of the top N and the next few markets."""
    return _image(charts.rank_interval_chart(ranker.priority_list(query), width=width))


@router.get("/horizon/{iso3}.svg")
def horizon(iso3: str, query: QueryDep, ranker: RankerDep, store: StoreDep) -> Response:
    """Joint Horizon projects of the home country and `iso3` per start year."""
    code = profile.check_market(ranker.criteria(query), iso3, query.home)
    return _image(charts.horizon_chart(collaboration(store, query.home, code)))
