"""Request-scoped dependencies shared by every router: settings, the store, templates.

The store is opened per request, on first use (by the handler, the login check or the
settings), once however many parts of the request use it, and closed when the answer is
ready (`store_scope`, a dependency of the whole app): DuckDB allows only one process to hold
a database file open for writing, so short-lived connections let the CLI (`marketscout data
import`, `rank`) and the server take turns on the same file: the server holds no lock
between requests. Within the server process, requests share DuckDB's file lock; while another
process (e.g. a CLI import) holds the file, a request waits for it (bounded by
MARKETSCOUT_LOCK_WAIT, see marketscout.store), then answers 503 with a "try again" message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from marketscout import __version__
from marketscout.priority.options import DEFAULTS
from marketscout.reports.html import format_number
from marketscout.settings import Settings
from marketscout.store import Store, open_store
from marketscout.web import text
from marketscout.web.csrf import csrf_token, with_csrf_cookie
from marketscout.web.ranking import Ranker, RankQuery, parse_query

TEMPLATES = Path(__file__).parent / "templates"

# Jinja2Templates turns autoescaping on for .html templates: every value is escaped unless a
# template marks it `|safe` (used only for SVG we render ourselves from escaped specs).
# the reports' templates too: the market table is one macro shared with the HTML report
REPORT_TEMPLATES = Path(__file__).parents[1] / "reports" / "templates"
templates = Jinja2Templates(directory=[TEMPLATES, REPORT_TEMPLATES])
templates.env.globals["version"] = __version__
templates.env.globals["default_seed"] = DEFAULTS.seed
templates.env.filters["num"] = format_number
text.register(templates.env)


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def store_scope(request: Request) -> Iterator[None]:
    """Close the request's store, if it was opened, once the answer is ready."""
    try:
        yield
    finally:
        stack: ExitStack | None = getattr(request.state, "store_stack", None)
        if stack is not None:
            request.state.store_stack = None
            request.state.store = None
            stack.close()


def request_store(request: Request) -> Store:
    """The user's store for this request, opened on first use (created from the snapshot if
    absent); `store_scope` closes it."""
    store: Store | None = getattr(request.state, "store", None)
    if store is None:
        stack = ExitStack()
        store = stack.enter_context(open_store(get_settings(request).db_path))
        request.state.store_stack, request.state.store = stack, store
    return store


def get_store(request: Request) -> Store:
    """The store, for handlers: `store: StoreDep`."""
    return request_store(request)


def get_ranker(request: Request) -> Ranker:
    """The app's cache of criteria and priority lists (see web/ranking.py)."""
    ranker: Ranker = request.app.state.ranker
    return ranker


def get_rank_query(request: Request) -> RankQuery:
    """The ranking choices in the query string (`home`, `top`, `weights`, `w_<criterion>`...)."""
    return parse_query(request.query_params)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RankerDep = Annotated[Ranker, Depends(get_ranker)]
QueryDep = Annotated[RankQuery, Depends(get_rank_query)]


def render(request: Request, template: str, context: Mapping[str, Any] | None = None,
           status_code: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """Render a page template (extending base.html) with `request` and `context`.

    Every page gets `user` (the logged-in user, or None) and `csrf_token` for its forms (the
    navigation's logout button is one); the CSRF cookie is set when the client had none.
    """
    values = {"user": getattr(request.state, "user", None),
              "csrf_token": csrf_token(request), **(context or {})}
    response: HTMLResponse = templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=dict(headers or {}))
    with_csrf_cookie(request, response)
    return response


