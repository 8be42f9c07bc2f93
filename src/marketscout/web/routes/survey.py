"""The respondent's survey form (/survey/{token}) and the survey's JSON API (/api/survey)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from marketscout import survey
from marketscout.errors import InputError
from marketscout.survey import Invitation, RoundClosedError
from marketscout.survey.auth import session_valid
from marketscout.survey.rounds import MAX_MARKETS_LIMIT
from marketscout.web.deps import StoreDep
from marketscout.web.security import (
    CSRF_FIELD,
    GuardedRoute,
    check_csrf,
    render_form,
    session_id,
)

router = APIRouter(route_class=GuardedRoute)
NOT_FOUND = ("This survey link is not valid: it may have been mistyped, or replaced by a "
             "newer link.")


def _invitation(store: StoreDep, token: str) -> Invitation:
    found = survey.find_invitation(store, token)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


InvitationDep = Annotated[Invitation, Depends(_invitation)]


def _form_context(store: StoreDep, invitation: Invitation, **extra: Any) -> dict[str, Any]:
    found = survey.get_round(store, invitation.round.round_id)
    answer = survey.get_answer(store, found.round_id, invitation.association.association_id)
    choices = survey.market_choices(found.home)
    names = dict(choices)
    given = [f"{names.get(m, m)} ({m})" for m in (answer.markets if answer else ())]
    context: dict[str, Any] = {
        "round": found, "association": invitation.association, "answer": answer,
        "choices": choices, "names": names, "open": found.is_open(),
        "boxes": (given + [""] * found.max_markets)[: found.max_markets],
        "sector": (answer.sector if answer else None) or invitation.association.sector or "",
        "comment": (answer.comment if answer else None) or "",
    }
    return context | extra


@router.get("/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_form(request: Request, store: StoreDep, invitation: InvitationDep,
                saved: bool = False) -> Response:
    """The invited association's form: up to K markets in order, sector and comment."""
    return render_form(request, "survey/form.html",
                       _form_context(store, invitation, saved=saved))


@router.post("/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_submit(
    request: Request, store: StoreDep, invitation: InvitationDep, token: str,
    market: Annotated[list[str] | None, Form()] = None,
    sector: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """Store the answer (replacing an earlier one) while the round is open."""
    check_csrf(request, csrf_token)
    try:
        survey.submit_answer(store, invitation, market or [], sector, comment)
    except InputError as exc:
        status = 409 if isinstance(exc, RoundClosedError) else 422
        boxes = ((market or []) + [""] * invitation.round.max_markets)
        context = _form_context(store, invitation, error=exc, sector=sector, comment=comment)
        if not isinstance(exc, RoundClosedError):
            context["boxes"] = boxes[: invitation.round.max_markets]
        return render_form(request, "survey/form.html", context, status_code=status)
    return RedirectResponse(f"/survey/{token}?saved=true", status_code=303)


class AnswerIn(BaseModel):
    """An answer sent as JSON: markets in order (names or ISO3), optional sector and comment."""

    markets: list[str] = Field(max_length=MAX_MARKETS_LIMIT)
    sector: str | None = None
    comment: str | None = None


def _answer_json(store: StoreDep, invitation: Invitation) -> dict[str, Any]:
    found = survey.get_round(store, invitation.round.round_id)
    answer = survey.get_answer(store, found.round_id, invitation.association.association_id)
    return {
        "round": {"id": found.round_id, "title": found.title, "max_markets": found.max_markets,
                  "closes_on": found.closes_on.isoformat(), "open": found.is_open()},
        "association": invitation.association.name,
        "answer": None if answer is None else {
            "markets": list(answer.markets), "sector": answer.sector,
            "comment": answer.comment,
            "updated_at": answer.updated_at.isoformat() if answer.updated_at else None},
    }


@router.get("/api/survey/{token}")
def api_answer(store: StoreDep, invitation: InvitationDep) -> dict[str, Any]:
    """The round behind an invitation token and the association's current answer."""
    return _answer_json(store, invitation)


@router.put("/api/survey/{token}", responses={409: {"description": "the round is closed"}})
def api_submit(store: StoreDep, invitation: InvitationDep, body: AnswerIn) -> Response:
    """Give or replace the answer (JSON; no cookie is involved, so no CSRF token)."""
    try:
        survey.submit_answer(store, invitation, body.markets, body.sector, body.comment)
    except RoundClosedError as exc:
        return JSONResponse({"error": exc.what, "fix": exc.fix}, status_code=409)
    return JSONResponse(_answer_json(store, invitation))


@router.get("/api/survey/rounds/{round_id}/results")
def api_results(request: Request, store: StoreDep, round_id: int) -> dict[str, Any]:
    """A round's response rate and weighted Borda results (admin session required)."""
    if not session_valid(store, session_id(request)):
        raise HTTPException(401, "Log in at /admin/login first.")
    res = survey.results(store, round_id)
    return {
        "round": {"id": res.round.round_id, "title": res.round.title,
                  "max_markets": res.round.max_markets,
                  "closes_on": res.round.closes_on.isoformat(), "open": res.round.is_open()},
        "asked": res.asked, "answered": res.answered,
        "response_rate": round(res.response_rate, 4),
        "method": "weighted Borda count: sum of weight * (k + 1 - position) over associations, "
                  "divided by the sum of the weights of the associations that answered",
        "markets": res.table.to_dict("records"),
    }
