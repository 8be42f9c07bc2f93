"""The Data page: status and provenance of every source, and an upload form for the kinds of
`marketscout data import` (same checks: one bad cell and nothing is loaded). Reading follows
the read access; importing needs an analyst."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from marketscout import countries, criteria
from marketscout.errors import InputError
from marketscout.sources.user import KINDS, TITLES
from marketscout.web.auth import Analyst, Reader
from marketscout.web.csrf import CSRF_FIELD, check_csrf
from marketscout.web.deps import QueryDep, RankerDep, StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.tables import page_tables
from marketscout.web.upload import SUFFIXES, import_upload

router = APIRouter(include_in_schema=False, route_class=GuardedRoute)


def _context(query: Any, ranker: Any, store: StoreDep, **extra: Any) -> dict[str, Any]:
    return {
        "nav": "data", "q": query, "qs": query.query_string(),
        "home_name": countries.name(query.home),
        "status": criteria.status(ranker.criteria(query)),
        "sources": [p.to_dict() for p in store.provenance()],
        "kinds": [(k, TITLES[k]) for k in KINDS], "suffixes": ", ".join(SUFFIXES), **extra,
    }


@router.get("/data", response_class=HTMLResponse, dependencies=[Reader])
def data_page(request: Request, query: QueryDep, ranker: RankerDep, store: StoreDep
              ) -> Response:
    """What data feeds each criterion, where every source came from, and the upload form."""
    context = _context(query, ranker, store)
    table = page_tables(request, {"criteria": context["status"], "sources": context["sources"]},
                        {"home": query.home})
    return table or render(request, "data.html", context)


@router.post("/data/import", response_class=HTMLResponse, dependencies=[Analyst])
def data_import(
    request: Request, query: QueryDep, ranker: RankerDep, store: StoreDep,
    kind: Annotated[str, Form()], file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    home: Annotated[str, Form()] = "", year: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "", sheet: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Import an uploaded file; on any error show what/where/what to do and load nothing.

    A plain `def`: FastAPI runs it in a worker thread, and the parse itself runs in a worker
    process with its own bounds (web/worker.py), so other requests are answered meanwhile."""
    check_csrf(request, csrf_token)
    try:
        if kind not in KINDS:
            raise InputError(f"Unknown kind {kind!r}.", where="upload form, field 'kind'",
                             fix=f"Choose one of: {', '.join(KINDS)}.")
        imported = import_upload(store, kind, file.filename, file.file.read(), home=home,
                                 year=_year(year), name=name, sheet=sheet,
                                 bounds=request.app.state.upload_bounds)
    except InputError as exc:
        error = {"what": exc.what, "where": exc.where, "fix": exc.fix}
        return render(request, "data.html", _context(query, ranker, store, error=error),
                      status_code=422)
    ranker.invalidate()
    return render(request, "data.html", _context(query, ranker, store, imported=imported))


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise InputError(f"Year {text!r} is not a year.", where="upload form, field 'year'",
                         fix="Write a year such as 2024, or leave the field empty.")
    return int(text)
