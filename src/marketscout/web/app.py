"""The app factory: settings, templates, static files and every router in `web/routes/`.

Routers plug in by convention: every non-underscore module in `marketscout.web.routes` that
defines a module-level `router` (a FastAPI `APIRouter`) is included, in module-name order.
A new feature (the survey, the admin pages) only adds a module there; nothing here changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from marketscout import __version__
from marketscout.errors import (
    DataNotAvailableError,
    InputError,
    MarketscoutError,
    StoreError,
)
from marketscout.settings import Settings, load_settings
from marketscout.web import routes
from marketscout.web.deps import templates
from marketscout.web.ranking import Ranker
from marketscout.web.security import BodySizeLimit

STATIC = Path(__file__).parent / "static"

# Domain errors become HTTP answers here (and only here, with the CLI): bad input is the
# client's fault (422), missing data is 404, a busy or broken store is 503.
_STATUS: dict[type[MarketscoutError], int] = {
    InputError: 422,
    DataNotAvailableError: 404,
    StoreError: 503,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: from the environment, like the CLI)."""
    app = FastAPI(
        title="marketscout",
        version=__version__,
        description="Priority partner markets for export and innovation: pages and JSON API.",
        # FastAPI's /docs and /redoc pages load scripts from a CDN; the app must work offline,
        # so only the schema is served (at /openapi.json).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings or load_settings()
    app.state.ranker = Ranker(app.state.settings.db_path)
    # the body limit at the edge covers every path, matched or not (routes check it again)
    app.add_middleware(BodySizeLimit)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in discover_routers():
        app.include_router(router)
    app.add_exception_handler(MarketscoutError, _marketscout_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    return app


def discover_routers() -> list[APIRouter]:
    """The `router` of every non-underscore module in `marketscout.web.routes`, by name."""
    found: list[APIRouter] = []
    for module in sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{routes.__name__}.{module.name}")
        router = getattr(loaded, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def _wants_html(request: Request) -> bool:
    """Pages answer errors with a page; the API (and clients asking for JSON) with JSON."""
    return not request.url.path.startswith("/api") and "application/json" not in (
        request.headers.get("accept", ""))


def _marketscout_error(request: Request, exc: MarketscoutError) -> Response:
    """A domain error as JSON (API) or as an error page, with what/where/what to do."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
    body = {"error": exc.what, "where": exc.where, "fix": exc.fix}
    if not _wants_html(request):
        return JSONResponse(body, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"status": status, **body},
                                      status_code=status)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """404s and other HTTP errors: a clear page for browsers, JSON for the API."""
    if not _wants_html(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))
    page: HTMLResponse = templates.TemplateResponse(
        request, "error.html",
        {"status": exc.status_code, "error": str(exc.detail), "where": str(request.url.path),
         "fix": "Check the address, or go back to the overview."},
        status_code=exc.status_code, headers=getattr(exc, "headers", None))
    return page
