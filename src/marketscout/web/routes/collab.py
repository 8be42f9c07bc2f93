"""Collaboration pages and JSON: a country's Horizon profile, a home country's partner
countries, the third-country comparison, and the partner finder (library: marketscout.collab).

The pages take the same parameters as the commands (`marketscout collab ...`, `marketscout
partners`); every table names its source and scope. The partner finder never embeds texts
during a request: without `marketscout collab index` it ranks by BM25 and says so.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from marketscout import collab
from marketscout.collab.export import records
from marketscout.collab.profile import ORG_TYPES
from marketscout.errors import MarketscoutError
from marketscout.web.auth import Reader
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.tables import page_tables

router = APIRouter(route_class=GuardedRoute, tags=["collaboration"], dependencies=[Reader])

Home = Annotated[str, Query(description="Home country (ISO3 or name).")]
Programme = Annotated[str, Query(description="h2020, horizon-europe or all.")]
Years = Annotated[str, Query(description="Project start years, e.g. 2014-2020.")]
Top = Annotated[int, Query(ge=1, le=200, description="How many rows.")]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame)


def _about(title: str, where: collab.Scope, sources: Any, notes: Any = ()) -> dict[str, Any]:
    return {"title": title, "scope": where.label,
            "source": "; ".join(p.cite() for p in sources) or "no data", "notes": list(notes)}


@router.get("/collab/pairs", response_class=HTMLResponse, include_in_schema=False)
def pairs_page(request: Request, store: StoreDep, home: Home = "LTU", programme: Programme =
               "all", years: Years = "") -> Response:
    """A home country's partner countries (as `marketscout collab pairs`)."""
    where, iso3 = collab.scope(programme, years), collab.country(home, "home")
    found = collab.pairs(store, iso3, where)
    about = _about(f"Horizon partners of {collab.name(iso3)}", where, found.sources)
    table = page_tables(request, {"pairs": found.partners}, about)
    return table or render(request, "collab/pairs.html", {
        "nav": "collab", "collab_nav": "pairs", "home": iso3, "home_name": collab.name(iso3),
        "f": found,
        "rows": _rows(found.partners), "programme": programme, "years": years,
        "about": about})


@router.get("/collab/profile", response_class=HTMLResponse, include_in_schema=False)
def profiles_page(request: Request, store: StoreDep, home: Home = "LTU", country: str = "",
                  programme: Programme = "all", years: Years = "") -> Response:
    """Pick a country's Horizon profile (the home country's partners, most joint first)."""
    if country.strip():
        iso3 = collab.country(country, "country")
        query = urlencode({"home": home, "programme": programme, "years": years})
        return RedirectResponse(f"/collab/profile/{iso3}?{query}", status_code=303)
    where, iso3 = collab.scope(programme, years), collab.country(home, "home")
    found = collab.pairs(store, iso3, where)
    return render(request, "collab/profiles.html", {
        "nav": "collab", "collab_nav": "profile", "home": iso3, "home_name": collab.name(iso3),
        "rows": _rows(found.partners), "programme": programme, "years": years})


@router.get("/collab/profile/{country}", response_class=HTMLResponse, include_in_schema=False)
def profile_page(request: Request, country: str, store: StoreDep, home: Home = "LTU",
                 programme: Programme = "all", years: Years = "") -> Response:
    """A country's Horizon fact sheet and its collaboration with the home country."""
    where = collab.scope(programme, years)
    iso3, home_iso = collab.country(country, "country"), collab.country(home, "home")
    found = collab.profile(store, iso3, None if home_iso == iso3 else home_iso, where)
    frames = {"status": found.status, "by_year": found.by_year, "org_types": found.org_types,
              "partners": found.partners, "parts": found.parts}
    about = _about(f"Horizon profile of {collab.name(iso3)}", where, found.sources)
    table = page_tables(request, frames, about)
    return table or render(request, "collab/profile.html", {
        "nav": "collab", "collab_nav": "profile", "p": found, "name": collab.name(iso3),
        "home": home_iso,
        "home_name": collab.name(home_iso), "programme": programme, "years": years,
        "tables": {k: _rows(v) for k, v in frames.items()}, "about": about})


@router.get("/collab/thirds", response_class=HTMLResponse, include_in_schema=False)
def thirds_page(request: Request, store: StoreDep, programme: Programme = "all",
                years: Years = "", top: Top = 40) -> Response:
    """Third (non-associated) countries ranked by participations and EC contribution."""
    where = collab.scope(programme, years)
    found = collab.thirds(store, where)
    lists = "; ".join(f"{k}: {v}" for k, v in found.status.source.items())
    about = _about("Horizon participation of third countries", where, found.sources,
                   [f"Country status from {lists}."])
    table = page_tables(request, {"thirds": found.countries.head(top)}, about)
    return table or render(request, "collab/thirds.html", {
        "nav": "collab", "collab_nav": "thirds", "rows": _rows(found.countries.head(top)),
        "programme": programme,
        "years": years, "about": about})


@router.get("/collab/partners", response_class=HTMLResponse, include_in_schema=False)
def partners_page(request: Request, store: StoreDep, home: Home = "LTU", market: str = "",
                  topic: str = "", top: Top = 20, method: str = "auto",
                  programme: Programme = "all", years: Years = "") -> HTMLResponse:
    """The partner finder: a form, and the ranked organisations once a topic is given."""
    form = {"home": home, "market": market, "topic": topic, "top": top, "method": method,
            "programme": programme, "years": years}
    context: dict[str, Any] = {"nav": "collab", "collab_nav": "partners", "form": form,
                               "org_types": ORG_TYPES}
    if not (market.strip() and topic.strip()):
        context["corpus"] = _corpus_state(store)
    else:
        try:
            found = _search(store, form)
        except MarketscoutError as exc:  # shown beside the form, which keeps its values
            context["error"] = {"what": exc.what, "where": exc.where, "fix": exc.fix}
        else:
            context |= {"f": found, "rows": _rows(found.partners), "about": _about(
                f"Partners in {collab.name(found.market)} for '{found.topic}'", found.scope,
                found.corpus.sources, found.notes)}
    return render(request, "collab/partners.html", context)


def _corpus_state(store: Any) -> dict[str, Any]:
    """What the finder can search in this store, said before a search: texts (and whether
    they are a sample) or which data is missing and how to get it."""
    from marketscout.collab.corpus import HOW_TO_GET, corpus

    try:
        found = corpus(store)
    except MarketscoutError as exc:
        return {"ok": False, "what": exc.what, "fix": exc.fix}
    return {"ok": True, "projects": found.projects_with_text, "note": found.sample_note,
            "fix": HOW_TO_GET}


def _search(store: Any, form: dict[str, Any]) -> collab.PartnerSearch:
    return collab.find_partners(store, form["home"], form["market"], form["topic"],
                                int(form["top"]), where=collab.scope(form["programme"],
                                                                     form["years"]),
                                method=form["method"], embed_missing=False)


@router.get("/api/collab/pairs")
def pairs_api(store: StoreDep, home: Home = "LTU", programme: Programme = "all",
              years: Years = "") -> JSONResponse:
    """Partner countries of a home country (`marketscout collab pairs --format json`)."""
    where, iso3 = collab.scope(programme, years), collab.country(home, "home")
    found = collab.pairs(store, iso3, where)
    return JSONResponse(_about(f"Horizon partners of {iso3}", where, found.sources) | {
        "home": iso3, "home_projects": found.home_projects,
        "partners": _rows(found.wide())})


@router.get("/api/collab/profile/{country}")
def profile_api(country: str, store: StoreDep, home: str = "", programme: Programme = "all",
                years: Years = "") -> JSONResponse:
    """A country's Horizon fact sheet (`marketscout collab profile --format json`)."""
    where = collab.scope(programme, years)
    iso3 = collab.country(country, "country")
    home_iso = collab.country(home, "home") if home else None
    found = collab.profile(store, iso3, home_iso, where)
    return JSONResponse(_about(f"Horizon profile of {iso3}", where, found.sources) | {
        "country": iso3, "summary": found.summary, "with_home": found.with_home,
        "by_year": _rows(found.by_year), "org_types": _rows(found.org_types),
        "partners": _rows(found.partners), "programme_parts": _rows(found.parts),
        "status": _rows(found.status)})


@router.get("/api/collab/thirds")
def thirds_api(store: StoreDep, programme: Programme = "all", years: Years = ""
               ) -> JSONResponse:
    """Third countries ranked (`marketscout collab thirds --format json`)."""
    where = collab.scope(programme, years)
    found = collab.thirds(store, where)
    return JSONResponse(_about("Third countries", where, found.sources) | {
        "countries": _rows(found.countries)})


@router.get("/api/collab/network")
def network_api(store: StoreDep, min_projects: Annotated[int, Query(ge=1)] = 1,
                programme: Programme = "all", years: Years = "") -> Response:
    """The country network as node-link JSON (`marketscout collab network --format json`)."""
    found = collab.network(store, min_projects, collab.scope(programme, years))
    return Response(found.to_json(), media_type="application/json")


@router.get("/api/partners")
def partners_api(request: Request, store: StoreDep, market: str, topic: str, home: Home = "LTU",
                 top: Top = 20, method: str = "auto", programme: Programme = "all",
                 years: Years = "") -> Response:
    """Organisations in a market ranked by topic (`marketscout partners --format json`).

    404 only for a market that is not a country; 503 with the reason and how to get the
    data when the store holds no project texts; 422 for a bad topic or option."""
    from marketscout.countries import suggestions
    from marketscout.errors import DataNotAvailableError, InputError
    from marketscout.web.errors import error_response

    try:
        collab.country(market, "market")
    except InputError as exc:
        near = ", ".join(suggestions(market))
        return error_response(request, 404, exc.what, "market",
                              exc.fix or (f"Did you mean {near}?" if near else None))
    try:
        found = _search(store, {"home": home, "market": market, "topic": topic, "top": top,
                                "method": method, "programme": programme, "years": years})
    except DataNotAvailableError as exc:
        return error_response(request, 503, exc.what, exc.where, exc.fix)
    return JSONResponse(_about(f"Partners in {found.market} for '{found.topic}'", found.scope,
                               found.corpus.sources, found.notes) | {
        "home": found.home, "market": found.market, "method": found.method,
        "model": found.model, "min_score": found.min_score,
        "partners": _rows(found.partners)})
