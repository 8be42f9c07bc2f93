"""One survey round for the admin: invitation links, response rate, results, closing, import."""

from __future__ import annotations

import base64
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
from marketscout.web.deps import StoreDep
from marketscout.web.routes.admin import Admin, CsrfField
from marketscout.web.security import GuardedRoute, check_csrf, render_form

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
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
        "nav": "admin", "round": res.round, "results": res, "open": res.round.is_open(),
        "invited": _records(invited), "responses": _records(res.responses),
        "markets": res.table.to_dict("records"),
        "others": [a for a in survey.list_associations(store)
                   if a.association_id not in invited_ids],
    }
    return render_form(request, "admin/round.html", context | extra, status_code=status_code)


@router.get("/admin/rounds/{round_id}", response_class=HTMLResponse, dependencies=Admin)
def round_page(request: Request, store: StoreDep, round_id: int) -> Response:
    """Response rate, invitations, results and every answer (comments shown as text)."""
    flash = _take_flash(request)
    page = _page(request, store, round_id, 200, **flash)
    if flash:
        page.delete_cookie(FLASH, path=f"/admin/rounds/{round_id}", httponly=True,
                           samesite="strict")
    return page


@router.post("/admin/rounds/{round_id}/invite", response_class=HTMLResponse,
             dependencies=Admin)
def invite(
    request: Request, store: StoreDep, round_id: int, csrf: CsrfField = "",
    association: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    sector: Annotated[str, Form(max_length=200)] = "",
    weight: Annotated[float, Form()] = 1.0,
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
    # link rides to the next page in a short-lived cookie that this browser alone can read.
    link = f"{str(request.base_url).rstrip('/')}/survey/{token}"
    response = RedirectResponse(f"/admin/rounds/{round_id}", status_code=303)
    flash = base64.urlsafe_b64encode(json.dumps([found.name, link]).encode()).decode()
    response.set_cookie(FLASH, flash, max_age=120, httponly=True, samesite="strict",
                        path=f"/admin/rounds/{round_id}",
                        secure=request.url.scheme == "https")
    return response


def _take_flash(request: Request) -> dict[str, str]:
    """The link made by the last invitation, if its cookie is here (shown once)."""
    try:
        name, link = json.loads(base64.urlsafe_b64decode(request.cookies.get(FLASH, "")))
    except ValueError:
        return {}
    return {"new_link_for": str(name), "new_link": str(link)}


@router.post("/admin/rounds/{round_id}/close", dependencies=Admin)
def close(request: Request, store: StoreDep, round_id: int, csrf: CsrfField = "") -> Response:
    """Close the round now: no more answers or edits."""
    check_csrf(request, csrf)
    survey.close_round(store, round_id)
    return RedirectResponse(f"/admin/rounds/{round_id}", status_code=303)


@router.post("/admin/rounds/{round_id}/import", response_class=HTMLResponse,
             dependencies=Admin)
def import_answers(request: Request, store: StoreDep, round_id: int, file: UploadFile,
                   csrf: CsrfField = "") -> Response:
    """Import offline answers (CSV or XLSX, as `data import survey`); any error loads nothing."""
    check_csrf(request, csrf)
    # the user's file name, reduced to safe characters, so that messages name it
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file.filename or "answers").name) or "answers"
    with tempfile.TemporaryDirectory() as folder:
        try:
            if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
                raise InputError(f"{file.filename!r} is not a CSV or Excel file.",
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
