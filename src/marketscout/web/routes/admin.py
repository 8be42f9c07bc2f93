"""The survey admin: login and logout, rounds and associations (every page needs a login)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketscout import survey
from marketscout.errors import InputError
from marketscout.survey import auth
from marketscout.survey.rounds import MAX_MARKETS_LIMIT
from marketscout.web.deps import SettingsDep, StoreDep
from marketscout.web.security import (
    CSRF_FIELD,
    GuardedRoute,
    check_csrf,
    clear_session_cookie,
    client_address,
    render_form,
    session_id,
    set_session_cookie,
)

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]


def require_admin(request: Request, store: StoreDep) -> None:
    """Send anyone without a live admin session to the login page."""
    if not auth.session_valid(store, session_id(request)):
        raise HTTPException(303, "Log in first.", headers={"Location": "/admin/login"})


Admin = [Depends(require_admin)]


def _login_page(request: Request, settings: SettingsDep, error: str = "",
                status_code: int = 200) -> Response:
    context = {"nav": "admin", "error": error, "enabled": bool(settings.admin_password),
               "limits": (auth.PER_CLIENT_FAILURES, int(auth.WINDOW.total_seconds() // 60))}
    return render_form(request, "admin/login.html", context, status_code=status_code)


@router.get("/admin/login", response_class=HTMLResponse)
def login_form(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The login form (or the admin home for someone already logged in)."""
    if auth.session_valid(store, session_id(request)):
        return RedirectResponse("/admin", status_code=303)
    return _login_page(request, settings)


@router.post("/admin/login", response_class=HTMLResponse)
def login(request: Request, store: StoreDep, settings: SettingsDep, csrf: CsrfField = "",
          password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Check the password (attempts limited per address and overall) and start a session."""
    check_csrf(request, csrf)
    try:
        session = auth.login(store, settings.admin_password, password, client_address(request))
    except auth.AdminDisabledError as exc:
        return _login_page(request, settings, str(exc.what), 503)
    except auth.LoginLockedError as exc:
        page = _login_page(request, settings, exc.what, 429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if session is None:
        return _login_page(request, settings, "Wrong password.", 401)
    response = RedirectResponse("/admin", status_code=303)
    set_session_cookie(request, response, session)
    return response


@router.post("/admin/logout")
def logout(request: Request, store: StoreDep, csrf: CsrfField = "") -> Response:
    """End the session at once and forget its cookie."""
    check_csrf(request, csrf)
    auth.end_session(store, session_id(request))
    response = RedirectResponse("/admin/login", status_code=303)
    clear_session_cookie(response)
    return response


def _home(request: Request, store: StoreDep, status_code: int = 200, **extra: Any) -> Response:
    rounds = [(r, survey.results(store, r.round_id)) for r in survey.list_rounds(store)]
    context = {"nav": "admin", "rounds": rounds, "associations": survey.list_associations(store),
               "max_limit": MAX_MARKETS_LIMIT, "today": survey.utcnow().date()}
    return render_form(request, "admin/index.html", context | extra, status_code=status_code)


@router.get("/admin", response_class=HTMLResponse, dependencies=Admin)
def admin_home(request: Request, store: StoreDep) -> Response:
    """Survey rounds with their response rates, and the registered associations."""
    return _home(request, store)


@router.post("/admin/rounds", response_class=HTMLResponse, dependencies=Admin)
def create_round(
    request: Request, store: StoreDep, csrf: CsrfField = "",
    title: Annotated[str, Form(max_length=200)] = "",
    closes_on: Annotated[str, Form()] = "", max_markets: Annotated[int, Form()] = 5,
    home: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Open a new round, then show it."""
    check_csrf(request, csrf)
    try:
        found = survey.create_round(store, title, closes_on, max_markets, home or None)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return RedirectResponse(f"/admin/rounds/{found.round_id}", status_code=303)


@router.post("/admin/associations", response_class=HTMLResponse, dependencies=Admin)
def add_association(
    request: Request, store: StoreDep, csrf: CsrfField = "",
    name: Annotated[str, Form(max_length=200)] = "",
    sector: Annotated[str, Form(max_length=200)] = "",
    weight: Annotated[float, Form()] = 1.0,
) -> Response:
    """Register a business association (invite it from a round's page)."""
    check_csrf(request, csrf)
    try:
        survey.add_association(store, name, sector or None, weight)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return RedirectResponse("/admin", status_code=303)
