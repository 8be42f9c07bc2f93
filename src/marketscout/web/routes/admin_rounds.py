"""One survey round for the admin: invitation links, response rate, results, closing (after a
confirmation), and the import of offline answers. Admins only."""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
from collections.abc import Hashable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketscout import survey
from marketscout.errors import InputError
from marketscout.web.auth import Admin
from marketscout.web.csrf import check_csrf, sign_value, unsign_value
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.routes.admin import Confirm, CsrfField, WeightField

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Admin])
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
FLASH = "marketscout_new_link"


def _records(frame: pd.DataFrame) -> list[dict[Hashable, Any]]:
    """Rows as dicts, with None (not NaN or NaT) where a value is missing."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def _page(request: Request, store: StoreDep, round_id: int, status_code: int = 200,
          **extra: Any) -> Response:
    res = survey.results(store, round_id)
    invited = survey.invitations(store, round_id)
    invited_ids = set(invited["association_id"])
    context = {
        "nav": "admin", "admin_nav": "rounds", "round": res.round, "results": res,
        "open": res.round.is_open(), "invited": _records(invited),
        "responses": _records(res.responses), "markets": res.table.to_dict("records"),
        "others": [a for a in survey.list_associations(store)
                   if a.association_id not in invited_ids],
        "base_url": survey.survey_settings(store).base_url,
    }
    return render(request, "admin/round.html", context | extra, status_code=status_code)


@router.get("/admin/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, store: StoreDep, round_id: int) -> Response:
    """Response rate, invitations, results and every answer (comments shown as text)."""
    flash = _take_flash(request)
    page = _page(request, store, round_id, 200, **flash)
    if FLASH in request.cookies:
        page.delete_cookie(FLASH, path=f"/admin/rounds/{round_id}", httponly=True,
                           samesite="strict")
    return page


@router.post("/admin/rounds/{round_id}/invite", response_class=HTMLResponse)
def invite(
    request: Request, store: StoreDep, round_id: int, csrf: CsrfField = "",
    association: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    sector: Annotated[str, Form(max_length=200)] = "", weight: WeightField = "1",
) -> Response:
    """Invite a registered association, or register a new one (`name`) and invite it.

    The link is shown once, on this page: only a hash of its token is stored.
    """
    check_csrf(request, csrf)
    try:
        if name.strip():
            association = str(survey.add_association(store, name, sector or None, weight)
                              .association_id)
        if not association:
            raise InputError("Choose an association or give a new one's name.")
        found = survey.get_association(store, association)
        token = survey.invite(store, round_id, found.association_id)
    except InputError as exc:
        return _page(request, store, round_id, 422, error=exc)
    # Post/redirect/get, so that reloading the page cannot issue (and so revoke) a link; the
    # link rides to the next page in a short-lived cookie, signed so that no one else can
    # write one, which this browser alone can read.
    link = survey.survey_settings(store).link(token, str(request.base_url))
    response = RedirectResponse(f"/admin/rounds/{round_id}", status_code=303)
    flash = base64.urlsafe_b64encode(json.dumps([found.name, link]).encode()).decode()
    response.set_cookie(FLASH, sign_value(request, flash), max_age=120, httponly=True,
                        samesite="strict", path=f"/admin/rounds/{round_id}",
                        secure=request.url.scheme == "https")
    return response


def _take_flash(request: Request) -> dict[str, str]:
    """The link made by the last invitation, if its signed cookie is here (shown once);
    anything else in the cookie (`null`, a number, a forged value) is ignored."""
    value = unsign_value(request, request.cookies.get(FLASH))
    try:
        found = json.loads(base64.urlsafe_b64decode(value or ""))
    except (ValueError, binascii.Error):
        return {}
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(x, str)
                                                                  for x in found)):
        return {}
    return {"new_link_for": found[0], "new_link": found[1]}


@router.get("/admin/rounds/{round_id}/close", response_class=HTMLResponse)
def confirm_close(request: Request, store: StoreDep, round_id: int) -> Response:
    """Ask before closing a round: it cannot be reopened."""
    res = survey.results(store, round_id)
    lines = [f"Close '{res.round.title}' now? {res.answered} of {res.asked} invited "
             f"associations have answered ({res.response_rate:.0%}).",
             "Once closed, the round takes no more answers or edits and cannot be reopened; "
             "its results become final."]
    return render(request, "admin/confirm.html", {
        "nav": "admin", "admin_nav": "rounds", "heading": f"Close {res.round.title}",
        "lines": lines, "button": "Close the round now",
        "cancel": f"/admin/rounds/{res.round.round_id}",
        "action": f"/admin/rounds/{res.round.round_id}/close"})


@router.post("/admin/rounds/{round_id}/close", response_class=HTMLResponse)
def close(request: Request, store: StoreDep, round_id: int, csrf: CsrfField = "",
          confirm: Confirm = "") -> Response:
    """Close the round now, once confirmed: no more answers or edits."""
    check_csrf(request, csrf)
    if confirm != "yes":
        return confirm_close(request, store, round_id)
    survey.close_round(store, round_id)
    return RedirectResponse(f"/admin/rounds/{round_id}", status_code=303)


@router.post("/admin/rounds/{round_id}/import", response_class=HTMLResponse)
def import_answers(request: Request, store: StoreDep, round_id: int, file: UploadFile,
                   csrf: CsrfField = "") -> Response:
    """Import offline answers (CSV or XLSX, as `data import survey`); any error loads nothing."""
    check_csrf(request, csrf)
    # the user's file name, reduced to safe characters, so that messages name it
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file.filename or "answers").name) or "answers"
    with tempfile.TemporaryDirectory() as folder:
        try:
            if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
                raise InputError(f"{name!r} is not a CSV or Excel file.",
                                 fix="Upload a .csv or .xlsx file (see docs/survey.md).")
            path = Path(folder) / name
            path.write_bytes(file.file.read())
            count = survey.import_answers(store, round_id, path)
        except InputError as exc:
            where = (exc.where or "").replace(f"{folder}/", "")
            error = InputError(exc.what, where=where or None, fix=exc.fix)
            return _page(request, store, round_id, 422, error=error)
    return _page(request, store, round_id,
                 message=f"Imported the answers of {count} association(s) from {name}.")
