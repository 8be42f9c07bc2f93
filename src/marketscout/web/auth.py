"""Who may call a route: one dependency per kind of caller, declared on every route.

- `require_admin`: a logged-in admin (users, survey rounds, settings);
- `require_analyst`: a logged-in analyst or admin (every route that changes the agency's
  data: imports, saved weights, plans, activities);
- `require_reader`: anyone while reading is open (the admin's setting; by default open when
  the server listens on 127.0.0.1 only), else a logged-in analyst or admin;
- `require_respondent`: the holder of a valid invitation token (`{token}` in the path);
- `public`: anyone, on purpose (the login form).

Use them on the route (`dependencies=[Depends(require_analyst)]`, or a parameter
`user: AnalystDep` when the handler needs the user). Every POST, PUT, PATCH or DELETE route
must have `require_analyst` or `require_admin` (the survey's answer routes excepted: they have
`require_respondent`); tests/web/test_access.py enumerates every route of the app to prove it.
Refusals: anonymous callers are sent to /login (pages) or get 401 (the JSON API); a
logged-in user without the role gets 403.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from marketscout import access, survey
from marketscout.access import User
from marketscout.survey import Invitation
from marketscout.survey.links import TOKEN_PATTERN
from marketscout.web.deps import request_store
from marketscout.web.security import session_id

OPTIONS_TTL = 10.0  # seconds: settings saved by another process show within this time
NOT_FOUND = ("This survey link is not valid: it may have been mistyped, or replaced by a "
             "newer link.")


def wants_html(request: Request) -> bool:
    """Pages answer with pages; the API (and clients asking for JSON) with JSON."""
    return not request.url.path.startswith("/api") and "application/json" not in (
        request.headers.get("accept", ""))


def sync_bootstrap_once(request: Request) -> None:
    """Keep the bootstrap admin in step with MARKETSCOUT_ADMIN_PASSWORD (once a process)."""
    state = request.app.state
    if getattr(state, "bootstrap_synced", False):
        return
    access.sync_bootstrap(request_store(request), state.settings.admin_password)
    state.bootstrap_synced = True


def current_user(request: Request) -> User | None:
    """The logged-in user (their role as stored now), or None; looked up once a request."""
    if hasattr(request.state, "user"):
        found: User | None = request.state.user
        return found
    user = None
    session = session_id(request)
    if session:
        sync_bootstrap_once(request)
        user = access.session_user(request_store(request), session)
    request.state.user = user
    return user


def options(request: Request) -> dict[str, str]:
    """The admin's settings (cached a few seconds; the admin's own saves clear the cache)."""
    state = request.app.state
    cached = getattr(state, "options_cache", None)
    if cached is None or time.monotonic() - cached[0] > OPTIONS_TTL:
        cached = (time.monotonic(), access.load_options(request_store(request)))
        state.options_cache = cached
    found: dict[str, str] = cached[1]
    return found


def forget_options(request: Request) -> None:
    """Drop the cached settings (after the admin saved new ones)."""
    request.app.state.options_cache = None


def reading_is_open(request: Request) -> bool:
    """Whether anyone may read the list and data pages without logging in."""
    return access.reading_is_open(options(request).get("read_access", "auto"),
                                  request.app.state.bind_host)


def login_url(request: Request) -> str:
    """/login with the page to come back to (only a path on this site)."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login" if request.method != "GET" else f"/login?next={quote(back, safe='/')}"


def _refuse(request: Request, user: User | None, role: str) -> NoReturn:
    if user is None:
        if wants_html(request):
            raise HTTPException(303, "Log in first.", headers={"Location": login_url(request)})
        raise HTTPException(401, "Log in first (POST /login with name and password), then "
                                 "send the session cookie.")
    raise HTTPException(403, f"This needs the {role} role; {user.username} is logged in as "
                             f"{user.role}. Ask an admin for access.")


UserDep = Annotated[User | None, Depends(current_user)]


def require_analyst(request: Request, user: UserDep) -> User:
    """A logged-in analyst or admin: every route that changes the agency's data."""
    if user is None or not user.has(access.ANALYST):
        _refuse(request, user, access.ANALYST)
    return user


def require_admin(request: Request, user: UserDep) -> User:
    """A logged-in admin: users, survey rounds, settings."""
    if user is None or not user.has(access.ADMIN):
        _refuse(request, user, access.ADMIN)
    return user


def require_reader(request: Request, user: UserDep) -> User | None:
    """Anyone while reading is open; otherwise a logged-in analyst or admin."""
    if reading_is_open(request):
        return user
    return require_analyst(request, user)


def require_respondent(request: Request, token: str) -> Invitation:
    """The invitation that `token` (in the path) opens; 404 for any other token."""
    found = None
    if TOKEN_PATTERN.fullmatch(token):
        found = survey.find_invitation(request_store(request), token)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


def public() -> None:
    """Anyone may call this route, on purpose (the login form)."""


AnalystDep = Annotated[User, Depends(require_analyst)]
AdminDep = Annotated[User, Depends(require_admin)]
ReaderDep = Annotated[User | None, Depends(require_reader)]
RespondentDep = Annotated[Invitation, Depends(require_respondent)]
Analyst = Depends(require_analyst)
Admin = Depends(require_admin)
Reader = Depends(require_reader)
Public = Depends(public)
# what each dependency grants, for the route audit (tests/web/test_access.py)
ACCESS = {require_admin: "admin", require_analyst: "analyst", require_reader: "reader",
          require_respondent: "respondent", public: "public"}


@dataclass(frozen=True)
class RouteAccess:
    """Who may call one method of one route (for the route audit and docs/web.md)."""

    method: str
    path: str
    access: str | None  # admin, analyst, respondent, reader, public; None: undeclared


_STRENGTH = ("admin", "analyst", "respondent", "reader", "public")


def _grants(dependant: Any) -> set[str]:
    found = {ACCESS[d.call] for d in dependant.dependencies if d.call in ACCESS}
    for sub in dependant.dependencies:
        found |= _grants(sub)
    return found


def _routes(app: Any) -> list[tuple[str, Any]]:
    """(path, route) of every route, those of included routers too."""
    try:  # FastAPI >= 0.160 keeps included routers as such
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [(getattr(r, "path", ""), r) for r in app.routes]
    return [(str(c.path), c.original_route) for c in iter_route_contexts(app.routes)]


def route_table(app: Any) -> list[RouteAccess]:
    """Every method of every route of `app` with the access its dependencies declare (the
    strongest when several apply); mounts and the schema are public by nature."""
    from fastapi.routing import APIRoute

    rows = []
    for path, route in _routes(app):
        if not isinstance(route, APIRoute):
            methods: set[str] = getattr(route, "methods", None) or {"GET"}
            rows += [RouteAccess(m, path, "public") for m in sorted(methods)]
            continue
        grants = _grants(route.dependant)
        strongest = next((g for g in _STRENGTH if g in grants), None)
        rows += [RouteAccess(m, path, strongest) for m in sorted(route.methods or ())]
    return rows
