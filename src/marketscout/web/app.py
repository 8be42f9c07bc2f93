"""The app factory: settings, templates, static files and every router in `web/routes/`.

Routers plug in by convention: every non-underscore module in `marketscout.web.routes` that
defines a module-level `router` (a FastAPI `APIRouter`) is included, in module-name order.
A new feature (the survey, the admin pages) only adds a module there; nothing here changes.
Every route declares who may call it (web/auth.py); security headers wrap every response.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from marketscout import __version__
from marketscout.errors import MarketscoutError
from marketscout.settings import Settings, load_settings
from marketscout.web import errors, logs, routes
from marketscout.web.deps import store_scope
from marketscout.web.middleware import BodySizeLimit, SecurityHeaders
from marketscout.web.ranking import Ranker
from marketscout.web.upload import Bounds

STATIC = Path(__file__).parent / "static"


class App(FastAPI):
    """FastAPI with the security headers outside every other layer, so that even the
    answers of Starlette's error middleware (500) carry them."""

    def build_middleware_stack(self) -> Any:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None, *, host: str = "127.0.0.1") -> FastAPI:
    """Build the app for `settings` (default: from the environment, like the CLI).

    `host` is the address the server listens on: with the default read access ("auto"),
    the list is open to anyone on 127.0.0.1 and needs a login on any other address.
    """
    app = App(
        title="marketscout",
        version=__version__,
        description="Priority partner markets for export and innovation: pages and JSON API.",
        # FastAPI's /docs and /redoc pages load scripts from a CDN; the app must work offline,
        # so only the schema is served (at /openapi.json).
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(store_scope)],  # one store per request at most, closed after
    )
    app.state.settings = settings or load_settings()
    app.state.bind_host = host
    app.state.ranker = Ranker(app.state.settings.db_path)
    app.state.upload_bounds = Bounds()
    # the body limit at the edge covers every path, matched or not (routes check it again)
    app.add_middleware(BodySizeLimit)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in discover_routers():
        app.include_router(router)
    app.add_exception_handler(MarketscoutError, errors.marketscout_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, errors.http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, errors.validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, errors.server_error)
    logs.install()
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
