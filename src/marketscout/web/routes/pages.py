"""Page routes: the overview with its re-ranking controls, market profiles and downloads.

Handlers only gather what the library computes (web/ranking.py, profile.py, reports/) and
render a template; every market-facing string reaches the page through Jinja's autoescaping.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from marketscout import countries, criteria
from marketscout.priority import PriorityList, profile
from marketscout.reports import export, html
from marketscout.web.auth import Reader
from marketscout.web.deps import QueryDep, RankerDep, StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.ranking import RankQuery
from marketscout.web.tables import page_tables

router = APIRouter(include_in_schema=False, route_class=GuardedRoute, dependencies=[Reader])


def ranking_context(query: RankQuery, plist: PriorityList, found: list[criteria.Criterion]
                    ) -> dict[str, Any]:
    """What the priority table, its charts and the controls need (overview and partial)."""
    left = {c.id: why for c, why in plist.left_out}
    controls = [{"id": c.id, "name": c.name, "weight": query.weight(c.id),
                 "available": c.available, "note": left.get(c.id, "")} for c in found]
    return {
        "q": query, "qs": query.query_string(), "plist": plist, "top": plist.options.top,
        "rows": html.table_rows(plist), "used": export.criteria_used(plist),
        "left_out": export.criteria_left_out(plist), "warnings": list(plist.warnings),
        "method": html.method_lines(plist), "controls": controls,
        "status": criteria.status(found), "home_name": countries.name(query.home),
    }


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, query: QueryDep, ranker: RankerDep) -> Response:
    """The priority list with weight controls, map and rank-interval chart (`_format=csv|json`
    with `_table=criteria`: the criteria table; the list itself is /downloads/priority.csv and
    /api/priority)."""
    plist = ranker.priority_list(query)
    context = ranking_context(query, plist, ranker.criteria(query))
    table = page_tables(request, {"criteria": context["status"]}, {"home": query.home})
    if table is not None:
        return table
    return render(request, "overview.html", {"nav": "overview", **context})


@router.get("/partials/priority", response_class=HTMLResponse)
def priority_partial(request: Request, query: QueryDep, ranker: RankerDep) -> HTMLResponse:
    """Only the ranking part of the overview, for re-ranking without a full page reload."""
    plist = ranker.priority_list(query)
    context = ranking_context(query, plist, ranker.criteria(query))
    return render(request, "_ranking.html", context)


@router.get("/markets/{iso3}", response_class=HTMLResponse)
def market(request: Request, iso3: str, query: QueryDep, ranker: RankerDep,
           store: StoreDep) -> HTMLResponse:
    """A market's profile: criteria against the median, contributions, DSM, Horizon."""
    found = ranker.criteria(query)
    found_profile = profile.market_profile(store, ranker.priority_list(query), found, iso3)
    return render(request, "market.html", {
        "nav": "overview", "p": found_profile, "q": query, "qs": query.query_string(),
        "home_name": countries.name(query.home)})


@router.get("/downloads", response_class=HTMLResponse)
def downloads(request: Request, query: QueryDep) -> HTMLResponse:
    """Links to the workbook, the HTML report and the JSON, for the current choices."""
    return render(request, "downloads.html", {
        "nav": "downloads", "q": query, "qs": query.query_string(),
        "home_name": countries.name(query.home)})


def _filename(query: RankQuery, suffix: str) -> str:
    return f"marketscout-{query.home}-top{query.top}.{suffix}"


@router.get("/downloads/priority.xlsx")
def download_xlsx(query: QueryDep, ranker: RankerDep) -> Response:
    """The Excel workbook: list, criteria, weights, robustness, sources, method."""
    plist = ranker.priority_list(query)
    with tempfile.TemporaryDirectory(prefix="marketscout-") as folder:
        path = Path(folder) / "priority.xlsx"
        export.to_xlsx(plist, path)
        content = path.read_bytes()
    return Response(content, media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers=_attachment(_filename(query, "xlsx")))


@router.get("/downloads/priority.csv")
def download_csv(query: QueryDep, ranker: RankerDep) -> Response:
    """The list as a plain CSV (human headers with units; sources and method: JSON)."""
    text = export.to_csv(ranker.priority_list(query))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers=_attachment(_filename(query, "csv")))


@router.get("/downloads/report.html")
def download_report(query: QueryDep, ranker: RankerDep, store: StoreDep) -> Response:
    """The self-contained HTML report (inline CSS and SVG; opens offline)."""
    document = html.render_report(store, ranker.priority_list(query))
    return Response(document, media_type="text/html; charset=utf-8",
                    headers=_attachment(_filename(query, "html")))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
