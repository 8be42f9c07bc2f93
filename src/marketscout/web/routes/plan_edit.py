"""Writes to the activity plan in the web app (analysts only): add, edit and delete an
activity, and accept a proposal into the register.

Every write goes through `marketscout.plan.register` (the CLI's own functions and checks). Edits
and deletes carry the version the form was opened at: when the activity has changed since
(another browser session, the CLI, a re-import), nothing is written and the page shows a
conflict notice with the current values beside the user's, which stay in the form. Form
errors are shown all at once, each beside its box (`register.field_errors`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketscout import countries
from marketscout.errors import InputError
from marketscout.plan import register, service
from marketscout.plan.activities import to_fields
from marketscout.plan.vocab import STATUSES, TYPES
from marketscout.store import Store
from marketscout.web.auth import Analyst
from marketscout.web.csrf import CSRF_FIELD, check_csrf
from marketscout.web.deps import QueryDep, RankerDep, StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.ranking import RankQuery

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Analyst])

# (form field, label, kind): the register file's own column names, so one set of checks
# (marketscout.plan.activities) names the same field in a file, on the CLI and here
FORM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", "Title", "text"), ("type", "Type", "type"),
    ("instrument", "Instrument", "instrument"),
    ("markets", "Markets (ISO3 or names, separated by ;)", "text"),
    ("sector", "Sector (HS section or a label)", "text"),
    ("start", "Start date", "date"), ("end", "End date", "date"),
    ("status", "Status", "status"), ("organiser", "Organiser", "text"),
    ("currency", "Currency (ISO 4217)", "text"), ("budget", "Budget", "number"),
    ("cost", "Actual cost", "number"), ("companies", "Companies (count)", "number"),
    ("company_names", "Company names (separated by ;)", "text"),
    ("leads", "Leads", "number"), ("contracts", "Contracts", "number"),
    ("export_value", "Reported export value", "number"),
    ("joint_projects", "Joint projects", "number"), ("source", "Source", "text"),
    ("notes", "Notes", "textarea"))
NAMES = tuple(name for name, _, _ in FORM_FIELDS)
MAX_FIELD = 2000  # characters per box


async def form_fields(request: Request) -> dict[str, str]:
    """The submitted form as text fields (each cut at MAX_FIELD characters)."""
    form = await request.form()
    return {str(k): str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def form_context(store: Store, values: dict[str, str], errors: dict[str, InputError]
                 ) -> dict[str, Any]:
    """What the form macro needs: the fields, their values and errors, the choices."""
    return {"form_fields": FORM_FIELDS, "values": values, "errors": errors,
            "types": list(TYPES), "statuses": STATUSES,
            "instruments": register.instruments(store)}


def _back(query: RankQuery) -> str:
    return f"/plan?{query.query_string()}"


def _register_page(request: Request, query: RankQuery, store: Store, status_code: int = 200,
                   **extra: Any) -> Response:
    from marketscout.web.routes.plan import register_context

    context = register_context(request, query, store)
    context.update(extra)
    return render(request, "plan/register.html", context, status_code=status_code)


def _submitted(fields: dict[str, str]) -> dict[str, str]:
    return {name: fields.get(name, "").strip() for name in NAMES}


@router.post("/plan/activities", response_class=HTMLResponse)
def add(request: Request, query: QueryDep, store: StoreDep, fields: FormDep) -> Response:
    """Add one activity (checked by the register file's rules; every error shown at once)."""
    check_csrf(request, fields.get(CSRF_FIELD))
    values = _submitted(fields) | {"id": fields.get("id", "").strip()}
    checked = dict(values)
    if not checked["id"]:
        checked["id"] = "X00000"  # a new id is made on saving; check the other fields
    errors = register.field_errors(store, query.home, checked, "the new activity")
    if not errors:
        try:
            made = register.add_activity(store, query.home, values)
        except InputError as exc:
            errors = {"id": exc}
        else:
            return _register_page(request, query, store, message=f"Added activity {made}.",
                                  added=made)
    return _register_page(request, query, store, 422, add_open=True,
                          **form_context(store, values, errors))


def _edit_page(request: Request, query: RankQuery, store: Store, activity_id: str,
               values: dict[str, str] | None = None, errors: dict[str, InputError] | None = None,
               version: int | None = None, conflict: register.ConflictError | None = None,
               status_code: int = 200) -> Response:
    now = register.get_activity(store, query.home, activity_id)
    if now is None and conflict is None:
        raise InputError(f"No activity {activity_id!r} in {query.home}'s register.",
                         where="the address", fix="Go back to the register and pick one.")
    current = to_fields(now) if now is not None else {}
    changed = []
    if conflict is not None and conflict.current is not None and values is not None:
        changed = [(label, conflict.current.get(name, ""), values.get(name, ""))
                   for name, label, _ in FORM_FIELDS
                   if conflict.current.get(name, "") != values.get(name, "")]
    return render(request, "plan/activity.html", {
        "nav": "plan", "tab": "register", "q": query, "qs": query.query_string(),
        "home_name": countries.name(query.home), "activity_id": activity_id,
        "exists": now is not None,
        "version": version if version is not None else (now or {}).get("version"),
        "conflict": conflict, "changed": changed, "back": _back(query),
        "warnings": (), **form_context(store, values or current, errors or {})},
        status_code=status_code)


@router.get("/plan/activities/{activity_id}", response_class=HTMLResponse)
def edit_form(request: Request, query: QueryDep, store: StoreDep, activity_id: str
              ) -> Response:
    """The form to edit (or delete) one activity, opened at its current version."""
    return _edit_page(request, query, store, activity_id)


def _version(fields: dict[str, str]) -> int:
    text = fields.get("version", "").strip()
    if not text.isdigit():
        raise InputError("The form has no version of the activity.", where="field 'version'",
                         fix="Open the activity from the register again.")
    return int(text)


@router.post("/plan/activities/{activity_id}", response_class=HTMLResponse)
def edit(request: Request, query: QueryDep, store: StoreDep, activity_id: str,
         fields: FormDep) -> Response:
    """Save an edit if the activity is still at the form's version; else a conflict notice
    (nothing saved; the user's values stay in the form)."""
    check_csrf(request, fields.get(CSRF_FIELD))
    version = _version(fields)
    values = _submitted(fields)
    now = register.get_activity(store, query.home, activity_id)
    if now is None:
        gone = register.ConflictError(
            f"Activity {activity_id} was deleted since you opened it (version {version}).",
            current=None, version=None, fix="Nothing was saved. Add it again if it is still "
            "needed: your values are below.")
        return _edit_page(request, query, store, activity_id, values, {}, version, gone, 409)
    merged = to_fields(now) | values | {"id": activity_id}
    errors = register.field_errors(store, query.home, merged, f"activity {activity_id}")
    if errors:
        return _edit_page(request, query, store, activity_id, values, errors, version,
                          status_code=422)
    try:
        register.edit_activity(store, query.home, activity_id, values, version,
                               f"activity {activity_id}")
    except register.ConflictError as exc:
        return _edit_page(request, query, store, activity_id, values, {},
                          exc.version, exc, 409)
    return _register_page(request, query, store, message=f"Saved activity {activity_id}.")


@router.post("/plan/activities/{activity_id}/delete", response_class=HTMLResponse)
def delete(request: Request, query: QueryDep, store: StoreDep, activity_id: str,
           fields: FormDep) -> Response:
    """Delete an activity if it is still at the form's version (a box must be ticked)."""
    check_csrf(request, fields.get(CSRF_FIELD))
    version = _version(fields)
    if fields.get("confirm") != "yes":
        errors = {"confirm": InputError("Tick the box to confirm the deletion.",
                                        fix="Nothing was deleted.")}
        return _edit_page(request, query, store, activity_id, None, errors, version,
                          status_code=422)
    try:
        register.delete_activity(store, query.home, activity_id, version)
    except register.ConflictError as exc:
        return _edit_page(request, query, store, activity_id, None, {}, exc.version, exc, 409)
    return _register_page(request, query, store, message=f"Deleted activity {activity_id}.")


@router.post("/plan/proposal/accept", response_class=HTMLResponse)
def accept(request: Request, query: QueryDep, store: StoreDep, ranker: RankerDep,
           fields: FormDep) -> Response:
    """Add the proposal of the page's options (in the address) as planned activities."""
    from marketscout.web.routes.plan import list_version, proposal_options

    check_csrf(request, fields.get(CSRF_FIELD))
    found = service.proposal(store, query.home, list_version(request, store, ranker, query),
                             proposal_options(request))
    ids = service.accept(store, query.home, found)
    params = urlencode({"home": query.home, "status": "planned"})
    response = RedirectResponse(f"/plan?{params}&accepted={len(ids)}", status_code=303)
    return response

