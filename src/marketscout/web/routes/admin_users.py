"""Users, for admins: who may log in, with which role; passwords reset; accounts removed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from marketscout import access
from marketscout.errors import InputError
from marketscout.web.auth import Admin, AdminDep
from marketscout.web.csrf import check_csrf
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.routes.admin import Confirm, CsrfField

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Admin])
Password = Annotated[str, Form(max_length=1000)]


def _page(request: Request, store: StoreDep, me: access.User, status_code: int = 200,
          **extra: Any) -> Response:
    context = {"nav": "admin", "admin_nav": "users", "users": access.list_users(store),
               "roles": access.ROLES, "me": me, "bootstrap": access.BOOTSTRAP,
               "min_password": access.users.MIN_PASSWORD}
    return render(request, "admin/users.html", context | extra, status_code=status_code)


def _same(password: str, repeat: str) -> None:
    if password != repeat:
        raise InputError("The two passwords differ.", where="password",
                         fix="Type the same password twice.")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, store: StoreDep, me: AdminDep) -> Response:
    """Every user with their role, and a form to add one."""
    return _page(request, store, me)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(request: Request, store: StoreDep, me: AdminDep, csrf: CsrfField = "",
             username: Annotated[str, Form(max_length=100)] = "",
             role: Annotated[str, Form(max_length=20)] = access.ANALYST,
             password: Password = "", repeat: Password = "") -> Response:
    """Create a user with a role and a first password (tell it to them directly)."""
    check_csrf(request, csrf)
    try:
        _same(password, repeat)
        made = access.add_user(store, username, role, password)
    except InputError as exc:
        return _page(request, store, me, 422, error=exc, username=username)
    return _page(request, store, me, message=f"Created {made.username} ({made.role}).")


@router.post("/admin/users/{username}/role", response_class=HTMLResponse)
def set_role(request: Request, store: StoreDep, me: AdminDep, username: str,
             csrf: CsrfField = "", role: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Change a user's role (not one's own: another admin must do it)."""
    check_csrf(request, csrf)
    try:
        if access.users.check_username(username) == me.username:
            raise InputError("You cannot change your own role.",
                             fix="Ask another admin, or use `marketscout users set-role`.")
        found = access.set_role(store, username, role)
    except InputError as exc:
        return _page(request, store, me, 422, error=exc)
    return _page(request, store, me, message=f"{found.username} is now {found.role}.")


@router.post("/admin/users/{username}/password", response_class=HTMLResponse)
def set_password(request: Request, store: StoreDep, me: AdminDep, username: str,
                 csrf: CsrfField = "", password: Password = "", repeat: Password = ""
                 ) -> Response:
    """Give a user a new password; their sessions end."""
    check_csrf(request, csrf)
    try:
        _same(password, repeat)
        access.set_password(store, username, password)
    except InputError as exc:
        return _page(request, store, me, 422, error=exc)
    return _page(request, store, me, message=f"New password set for {username}; their "
                 "sessions have ended.")


@router.get("/admin/users/{username}/remove", response_class=HTMLResponse)
def confirm_remove(request: Request, store: StoreDep, me: AdminDep, username: str) -> Response:
    """Ask before removing a user."""
    found = access.get_user(store, username)
    return render(request, "admin/confirm.html", {
        "nav": "admin", "admin_nav": "users", "heading": f"Remove {found.username}",
        "lines": [f"Remove {found.username} ({found.role})? They are logged out at once and "
                  "can no longer log in."],
        "button": "Remove the user", "cancel": "/admin/users",
        "action": f"/admin/users/{found.username}/remove"})


@router.post("/admin/users/{username}/remove", response_class=HTMLResponse)
def remove_user(request: Request, store: StoreDep, me: AdminDep, username: str,
                csrf: CsrfField = "", confirm: Confirm = "") -> Response:
    """Remove a user once confirmed (not oneself)."""
    check_csrf(request, csrf)
    if confirm != "yes":
        return confirm_remove(request, store, me, username)
    try:
        if access.users.check_username(username) == me.username:
            raise InputError("You cannot remove yourself.", fix="Ask another admin.")
        access.remove_user(store, username)
    except InputError as exc:
        return _page(request, store, me, 422, error=exc)
    return _page(request, store, me, message=f"Removed {username}.")
