"""Logging in and out: one form for admins and analysts (attempts limited per address)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketscout import access
from marketscout.access import sessions
from marketscout.web.auth import Analyst, Public, UserDep, sync_bootstrap_once
from marketscout.web.csrf import CSRF_FIELD, check_csrf
from marketscout.web.deps import SettingsDep, StoreDep, render, request_store
from marketscout.web.middleware import GuardedRoute
from marketscout.web.security import (
    clear_session_cookie,
    client_address,
    session_id,
    set_session_cookie,
)

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]


def safe_next(target: str | None) -> str:
    """A page of this site to return to after logging in ('/' for anything else)."""
    target = str(target or "")
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok and len(target) < 2000 else "/"


def _page(request: Request, store: StoreDep, settings: SettingsDep, next_page: str,
          error: str = "", status_code: int = 200, username: str = "") -> Response:
    enabled = bool(settings.admin_password) or bool(access.list_users(store))
    context = {"nav": "login", "error": error, "enabled": enabled, "next": safe_next(next_page),
               "username": username,
               "limits": (sessions.PER_CLIENT_FAILURES, int(sessions.WINDOW.total_seconds() // 60))}
    return render(request, "login.html", context, status_code=status_code)


@router.get("/login", response_class=HTMLResponse, dependencies=[Public])
def login_form(request: Request, store: StoreDep, settings: SettingsDep, user: UserDep,
               next: str = "/") -> Response:
    """The login form (or the page asked for, for someone already logged in)."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _page(request, store, settings, next)


@router.get("/admin/login", dependencies=[Public])
def admin_login() -> Response:
    """The survey admin's login of earlier versions: now /login."""
    return RedirectResponse("/login?next=/admin", status_code=303)


@router.post("/login", response_class=HTMLResponse, dependencies=[Public])
def login(request: Request, store: StoreDep, settings: SettingsDep, csrf: CsrfField = "",
          username: Annotated[str, Form(max_length=100)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Check the name and password (attempts limited) and start a session."""
    check_csrf(request, csrf)
    sync_bootstrap_once(request)
    try:
        session = access.login(store, username, password, client_address(request))
    except access.LoginLockedError as exc:
        page = _page(request, store, settings, next, exc.what, 429, username)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if session is None:
        return _page(request, store, settings, next, "Wrong name or password.", 401, username)
    access.end_session(store, session_id(request))  # a session this browser had before
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, session)
    return response


@router.post("/logout", dependencies=[Analyst])
def logout(request: Request, csrf: CsrfField = "") -> Response:
    """End the session at once and forget its cookie."""
    check_csrf(request, csrf)
    access.end_session(request_store(request), session_id(request))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response

