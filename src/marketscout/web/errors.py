"""Errors as HTTP answers: what failed, where and what to do, never internals.

Domain errors become HTTP answers here (and only here, with the CLI): bad input is the
client's fault (422), missing data is 404, a busy or broken store is 503. A store error or an
unexpected exception shows a plain message: its details (database messages, file paths,
tracebacks) go to the server's log only. Every text shown is also scrubbed of the server's own
folders (the store, the cache, the temporary folder, the installed package).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import marketscout
from marketscout.errors import DataNotAvailableError, InputError, MarketscoutError, StoreError
from marketscout.store import RECOVER
from marketscout.survey.catalogue import CATALOGUES, LANGUAGES
from marketscout.survey.settings import SurveySettings, choose_language
from marketscout.web.auth import wants_html
from marketscout.web.deps import render

log = logging.getLogger("marketscout.web")
STATUS: dict[type[MarketscoutError], int] = {
    InputError: 422,
    DataNotAvailableError: 404,
    StoreError: 503,
}
STORE_BUSY = ("The data store could not answer this request.",
              "Try again in a moment; if it keeps failing, tell the server's administrator "
              "(the details are in the server's log).")
STORE_DAMAGED = ("The data store is damaged and cannot be read.",
                 "Tell the server's administrator: `marketscout store check` says what is wrong "
                 "and `marketscout store rebuild` restores it with nothing lost.")
UNEXPECTED = ("Something went wrong on the server.",
              "Try again; if it keeps failing, tell the server's administrator (the details "
              "are in the server's log).")


def scrub(text: str | None, request: Request) -> str | None:
    """`text` without the server's own folders (the store's, the cache, temp, the package)."""
    if not text:
        return text
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate survives
    settings = request.app.state.settings
    roots = {str(settings.home), str(settings.cache_dir), tempfile.gettempdir(),
             str(Path(marketscout.__file__).parent)}
    for root in sorted(roots, key=len, reverse=True):
        text = text.replace(root, "…")
    return text


def error_response(request: Request, status: int, what: str, where: str | None = None,
                   fix: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """An error page (pages) or JSON {error, where, fix} (API), scrubbed of server paths."""
    what = scrub(what, request) or ""
    where, fix = scrub(where, request), scrub(fix, request)
    if not wants_html(request):
        return JSONResponse({"error": what, "where": where, "fix": fix}, status_code=status,
                            headers=headers)
    context: dict[str, object] = {"status": status, "error": what, "where": where, "fix": fix}
    template = "error.html"
    if request.url.path.startswith("/survey/"):  # a respondent: the survey's own page
        lang = choose_language(SurveySettings(languages=LANGUAGES),
                               request.query_params.get("lang"),
                               request.headers.get("accept-language", ""))
        template, context["lang"] = "survey/error.html", lang
        context["catalogue"] = CATALOGUES[lang]
    return render(request, template, context, status_code=status, headers=headers)


def marketscout_error(request: Request, exc: MarketscoutError) -> Response:
    """A domain error; a store error shows no database message or path (logged instead)."""
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
    if isinstance(exc, StoreError) or status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
        damaged = isinstance(exc, StoreError) and exc.fix == RECOVER
        what, fix = STORE_DAMAGED if damaged else STORE_BUSY
        return error_response(request, status, what, None, fix)
    return error_response(request, status, exc.what, exc.where, exc.fix)


def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """404s, refusals and redirects: a clear page for browsers, JSON for the API."""
    headers = getattr(exc, "headers", None)
    if not wants_html(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    fix = "Check the address, or go back to the overview."
    return error_response(request, exc.status_code, str(exc.detail), request.url.path, fix,
                          headers)


def validation_error(request: Request, exc: RequestValidationError) -> Response:
    """A malformed request (a missing field, a number that is not one): which field, why."""
    problems = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
                for e in exc.errors()]
    if not wants_html(request):  # FastAPI's shape, without the input (it may not be text)
        detail = [{"loc": [scrub(p, request) if isinstance(p, str) else p
                           for p in e.get("loc", ())],
                   "msg": scrub(str(e.get("msg", "")), request), "type": e.get("type")}
                  for e in exc.errors()]
        return JSONResponse({"detail": detail}, status_code=422)
    return error_response(request, 422, "The request is not valid: " + "; ".join(problems),
                          fix="Correct the fields named and send it again.")


def server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure: a plain page, the traceback in the log only."""
    log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, UNEXPECTED[0], None, UNEXPECTED[1])
