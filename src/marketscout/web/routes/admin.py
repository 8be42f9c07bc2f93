"""The survey admin's home: rounds and associations (weights editable, removable). Admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketscout import survey
from marketscout.errors import InputError
from marketscout.survey.associations import MAX_WEIGHT, MIN_WEIGHT
from marketscout.survey.rounds import MAX_MARKETS_LIMIT, latest_closing
from marketscout.web.auth import Admin
from marketscout.web.csrf import CSRF_FIELD, check_csrf
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Admin])
CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]
# a weight typed as text, checked by the library (FastAPI's float would take "inf" and "nan")
WeightField = Annotated[str, Form(max_length=40)]
Confirm = Annotated[str, Form(max_length=10)]


def _home(request: Request, store: StoreDep, status_code: int = 200, **extra: Any) -> Response:
    rounds = [(r, survey.results(store, r.round_id)) for r in survey.list_rounds(store)]
    today = survey.utcnow().date()
    context = {"nav": "admin", "admin_nav": "rounds", "rounds": rounds,
               "associations": survey.list_associations(store), "max_limit": MAX_MARKETS_LIMIT,
               "today": today, "latest": latest_closing(today),
               "weights": (MIN_WEIGHT, MAX_WEIGHT)}
    return render(request, "admin/index.html", context | extra, status_code=status_code)


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, store: StoreDep) -> Response:
    """Survey rounds with their response rates, and the registered associations."""
    return _home(request, store)


@router.post("/admin/rounds", response_class=HTMLResponse)
def create_round(
    request: Request, store: StoreDep, csrf: CsrfField = "",
    title: Annotated[str, Form(max_length=200)] = "",
    closes_on: Annotated[str, Form(max_length=40)] = "",
    max_markets: Annotated[str, Form(max_length=10)] = "5",
    home: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Open a new round, then show it; every problem of the form is shown at once."""
    check_csrf(request, csrf)
    try:
        found = survey.create_round(store, title, closes_on, max_markets, home or None)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return RedirectResponse(f"/admin/rounds/{found.round_id}", status_code=303)


@router.post("/admin/associations", response_class=HTMLResponse)
def add_association(
    request: Request, store: StoreDep, csrf: CsrfField = "",
    name: Annotated[str, Form(max_length=200)] = "",
    sector: Annotated[str, Form(max_length=200)] = "", weight: WeightField = "1",
) -> Response:
    """Register a business association (invite it from a round's page)."""
    check_csrf(request, csrf)
    try:
        survey.add_association(store, name, sector or None, weight)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/associations/{association_id}/weight", response_class=HTMLResponse)
def set_weight(request: Request, store: StoreDep, association_id: int, csrf: CsrfField = "",
               weight: WeightField = "") -> Response:
    """Change an association's weight (the results of every round it answered change)."""
    check_csrf(request, csrf)
    try:
        found = survey.set_weight(store, association_id, weight)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return _home(request, store, message=f"{found.name} now weighs {found.weight:g}.")


@router.get("/admin/associations/{association_id}/remove", response_class=HTMLResponse)
def confirm_remove(request: Request, store: StoreDep, association_id: int) -> Response:
    """Ask before removing an association (what it removes is said first)."""
    found = survey.get_association(store, association_id)
    answered = survey.answered_rounds(store, found.association_id)
    lines = [f"Remove {found.name} (weight {found.weight:g})? Its invitation links stop "
             "working at once."]
    if answered:
        lines.append("Its answers to round(s) " + ", ".join(map(str, answered)) + " are "
                     "removed too (a round it answered that is closed refuses this).")
    return render(request, "admin/confirm.html", {
        "nav": "admin", "admin_nav": "rounds", "heading": f"Remove {found.name}",
        "lines": lines, "button": "Remove the association", "cancel": "/admin",
        "action": f"/admin/associations/{found.association_id}/remove"})


@router.post("/admin/associations/{association_id}/remove", response_class=HTMLResponse)
def remove(request: Request, store: StoreDep, association_id: int, csrf: CsrfField = "",
           confirm: Confirm = "") -> Response:
    """Remove an association once confirmed (refused when it answered a closed round)."""
    check_csrf(request, csrf)
    if confirm != "yes":
        return confirm_remove(request, store, association_id)
    try:
        found = survey.remove_association(store, association_id)
    except InputError as exc:
        return _home(request, store, 422, error=exc)
    return _home(request, store, message=f"Removed {found.name}.")
