"""The activity plan in the web app: register (filterable), targets dashboard, alignment
(effort vs priority chart, gaps, drift) and the proposal, each with its JSON API.

Reading needs the reader role; the writes (add, edit, delete, accept a proposal) are in
`plan_edit.py`, for analysts only: other users see no forms.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from marketscout import countries
from marketscout.errors import InputError
from marketscout.plan import effort, lists, register, report, service
from marketscout.plan.propose import ProposalOptions
from marketscout.plan.vocab import STATUSES, TYPES
from marketscout.reports import charts
from marketscout.store import Store
from marketscout.web.auth import Reader
from marketscout.web.deps import QueryDep, RankerDep, StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.ranking import Ranker, RankQuery

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Reader])
api = APIRouter(prefix="/api/plan", tags=["activity plan"], route_class=GuardedRoute,
                default_response_class=JSONResponse, dependencies=[Reader])


def list_version(request: Request, store: Store, ranker: Ranker, query: RankQuery
          ) -> lists.ListVersion:
    """`list=computed` (the overview's list for the same query) or an imported list."""
    name = (request.query_params.get("list") or "computed").strip()
    if name == "computed":
        return lists.from_priority(ranker.priority_list(query))
    return lists.imported(store, name)


def _period(request: Request) -> effort.Period:
    return effort.parse_period(request.query_params.get("period"), "query parameter period")


def _register(request: Request, store: Store, home: str) -> Any:
    p = request.query_params
    return service.filter_register(register.activities(store, home), p.get("market") or None,
                                   p.get("type") or None, p.get("period") or None,
                                   p.get("status") or None)


def _base(request: Request, query: RankQuery, nav: str) -> dict[str, Any]:
    return {"nav": "plan", "tab": nav, "q": query, "qs": query.query_string(),
            "home_name": countries.name(query.home), "params": dict(request.query_params)}


@router.get("/plan", response_class=HTMLResponse)
def register_page(request: Request, query: QueryDep, store: StoreDep) -> Response:
    """The activity register, filterable by market, type, period and status (`_format=csv`:
    the filtered register as CSV; JSON: /api/plan/register)."""
    from marketscout.web.tables import page_tables

    frame = _register(request, store, query.home)
    table = page_tables(request, {"register": report.register_file_frame(frame)},
                        {"home": query.home})
    if table is not None:
        return table
    context = register_context(request, query, store)
    accepted = (request.query_params.get("accepted") or "").strip()
    if accepted.isdigit():
        context["message"] = f"Accepted the proposal: {accepted} planned activities added."
    return render(request, "plan/register.html", context)


def register_context(request: Request, query: RankQuery, store: Store) -> dict[str, Any]:
    """The register page's values; analysts also get the empty add form's."""
    frame = _register(request, store, query.home)
    context = {**_base(request, query, "register"), "rows": report.register_view(frame),
               "warnings": service.register_warnings(frame), "types": list(TYPES),
               "statuses": STATUSES, "can_edit": can_edit(request)}
    if context["can_edit"]:
        from marketscout.web.routes.plan_edit import form_context

        context.update(form_context(store, {"status": "planned"}, {}))
    return context


def can_edit(request: Request) -> bool:
    """Whether the caller may write to the plan (an analyst or admin is logged in)."""
    from marketscout import access
    from marketscout.web.auth import current_user

    user = current_user(request)
    return user is not None and user.has(access.ANALYST)


@router.get("/plan/targets", response_class=HTMLResponse)
def targets_page(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                 ) -> HTMLResponse:
    """Targets with traffic lights and progress bars."""
    board = service.dashboard(store, query.home, list_version(request, store, ranker, query),
                              _as_of(request))
    return render(request, "plan/targets.html", {**_base(request, query, "targets"),
                                                 "board": board})


@router.get("/plan/alignment", response_class=HTMLResponse)
def alignment_page(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                   ) -> HTMLResponse:
    """Effort against priority: shares, Spearman's rho, gaps and drift."""
    found = service.alignment(store, query.home, list_version(request, store, ranker, query),
                              _period(request))
    return render(request, "plan/alignment.html", {
        **_base(request, query, "alignment"), "a": found,
        "summary": report.alignment_summary(found), "chart": _chart_url(request)})


@router.get("/plan/proposal", response_class=HTMLResponse)
def proposal_page(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                  ) -> HTMLResponse:
    """A proposed spread of N activities over the list, explained market by market."""
    options = proposal_options(request)
    lv = list_version(request, store, ranker, query)
    found = service.proposal(store, query.home, lv, options)
    return render(request, "plan/proposal.html", {**_base(request, query, "proposal"),
                                                  "p": found, "o": options,
                                                  "types": list(TYPES),
                                                  "can_edit": can_edit(request)})


@router.get("/plan/effort.svg")
def effort_chart(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                 ) -> Response:
    """Effort per market against its place on the list (SVG)."""
    found = service.alignment(store, query.home, list_version(request, store, ranker, query),
                              _period(request))
    svg = charts.to_svg(effort_spec(found))
    return Response(svg, media_type="image/svg+xml")


def _chart_url(request: Request) -> str:
    return f"/plan/effort.svg?{request.url.query}"


def effort_spec(a: Any) -> dict[str, Any]:
    """Vega-Lite: activities per market on the list (bars in list order), coloured by tier."""
    on = a.markets[a.markets["on_list"]]
    values = [{"market": r.market, "position": int(r.position), "activities": r.activities,
               "tier": r.tier or "no tier"} for r in on.itertuples(index=False)]
    rho = a.spearman_activities.rho
    return {
        "width": 720, "height": 220, "config": charts.CONFIG,
        "title": {"text": f"Effort by place on the list ({a.period.label})",
                  "subtitle": [f"Spearman rho {rho:.2f} (n = {a.spearman_activities.n}); "
                               f"list: {a.list_description}"[:200],
                               *(["ILLUSTRATIVE DATA"] if any(
                                   w.startswith("ILLUSTRATIVE") for w in a.warnings) else [])]},
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": "market", "type": "nominal", "sort": {"field": "position"},
                  "title": "market, in list order"},
            "y": {"field": "activities", "type": "quantitative",
                  "title": "activities (split between markets)"},
            "color": {"field": "tier", "type": "nominal",
                      "scale": {"domain": ["core", "likely", "watch", "no tier"],
                                "range": ["#1b7837", "#7fbf7b", "#e7a3c9", "#c7ccd6"]}}},
    }


def _as_of(request: Request) -> date | None:
    text = (request.query_params.get("as_of") or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"Not a date: {text!r}.", where="query parameter as_of",
                         fix="Write YYYY-MM-DD.") from exc


def _int(request: Request, name: str, default: int | None) -> int | None:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise InputError(f"{name} must be a whole number, got {text!r}.",
                         where=f"query parameter {name}", fix=f"For example {name}=2.")
    return int(text)


def proposal_options(request: Request) -> ProposalOptions:
    """The proposal's options from the query string (the CLI's names, with underscores)."""
    p = request.query_params
    fixed = {}
    for part in filter(None, (p.get("fixed") or "").split(",")):
        market, _, count = part.partition("=")
        if not count.strip().isdigit():
            raise InputError(f"Bad fixed commitment {part!r}.", where="query parameter fixed",
                             fix="Write MARKET=count, e.g. USA=1,DEU=2.")
        fixed[countries.to_iso3(market.strip(), where="query parameter fixed")] = int(count)
    return ProposalOptions(
        year=_int(request, "year", date.today().year + 1) or date.today().year + 1,
        units=_int(request, "activities", 10) or 0, activity_type=p.get("type") or "mission",
        basis=p.get("basis") or "score", method=p.get("method") or "sainte-lague",
        min_core=_int(request, "min_core", 0) or 0,
        max_per_market=_int(request, "max_per_market", None),
        covered=p.get("covered") or "count", fixed=fixed)


@api.get("/register")
def register_api(request: Request, query: QueryDep, store: StoreDep) -> JSONResponse:
    """The register (filters: market, type, period, status), as `plan register list`."""
    frame = _register(request, store, query.home)
    return JSONResponse(report.register_payload(frame, service.register_warnings(frame)))


@api.get("/targets")
def targets_api(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                ) -> JSONResponse:
    """Targets with computed status, as `plan targets status --format json`."""
    board = service.dashboard(store, query.home, list_version(request, store, ranker, query),
                              _as_of(request))
    return JSONResponse(report.dashboard_payload(board))


@api.get("/alignment")
def alignment_api(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                  ) -> JSONResponse:
    """The alignment, as `plan alignment --format json` (period, list)."""
    found = service.alignment(store, query.home, list_version(request, store, ranker, query),
                              _period(request))
    return JSONResponse(report.alignment_payload(found))


@api.get("/proposal")
def proposal_api(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep
                 ) -> JSONResponse:
    """The proposal, as `plan propose --format json`."""
    found = service.proposal(store, query.home, list_version(request, store, ranker, query),
                             proposal_options(request))
    return JSONResponse(json.loads(json.dumps(report.proposal_payload(found))))


router.include_router(api)
