"""The respondent's survey form (/survey/{token}) and the survey's JSON API (/api/survey).

The form page shows the survey only (no internal navigation), in the languages the admin
chose (`?lang=` switches), with the admin's privacy notice; every problem of an answer is
shown at once, beside its box, in the page's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from marketscout import survey
from marketscout.errors import InputError
from marketscout.survey import FormError, Invitation, RoundClosedError
from marketscout.survey.catalogue import CATALOGUES
from marketscout.survey.rounds import MAX_MARKETS_LIMIT
from marketscout.survey.settings import choose_language
from marketscout.web.auth import AdminDep, RespondentDep
from marketscout.web.csrf import CSRF_FIELD, check_csrf
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute

router = APIRouter(route_class=GuardedRoute)
Lang = Annotated[str, Form(max_length=10)]


def _form_context(request: Request, store: StoreDep, invitation: Invitation, lang: str | None,
                  **extra: Any) -> dict[str, Any]:
    settings = survey.survey_settings(store)
    lang = choose_language(settings, lang, request.headers.get("accept-language", ""))
    found = survey.get_round(store, invitation.round.round_id)
    answer = survey.get_answer(store, found.round_id, invitation.association.association_id)
    choices = survey.market_choices(found.home, lang)
    names = dict(choices)
    given = [f"{names.get(m, m)} ({m})" for m in (answer.markets if answer else ())]
    context: dict[str, Any] = {
        "round": found, "association": invitation.association, "answer": answer,
        "choices": choices, "names": names, "open": found.is_open(), "lang": lang,
        "t": CATALOGUES[lang], "languages": [(c, CATALOGUES[c]["language_name"])
                                             for c in settings.languages],
        "privacy": settings.notice(lang), "problems": {}, "problem_list": [],
        "boxes": (given + [""] * found.max_markets)[: found.max_markets],
        "sector": (answer.sector if answer else None) or invitation.association.sector or "",
        "comment": (answer.comment if answer else None) or "",
    }
    return context | extra


@router.get("/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_form(request: Request, store: StoreDep, invitation: RespondentDep,
                saved: bool = False, lang: str | None = None) -> Response:
    """The invited association's form: up to K markets in order, sector and comment."""
    return render(request, "survey/form.html",
                  _form_context(request, store, invitation, lang, saved=saved))


@router.post("/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_submit(
    request: Request, store: StoreDep, invitation: RespondentDep, token: str,
    market: Annotated[list[str] | None, Form()] = None,
    sector: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "", lang: Lang = "",
) -> Response:
    """Store the answer (replacing an earlier one) while the round is open."""
    check_csrf(request, csrf_token)
    try:
        survey.submit_answer(store, invitation, market or [], sector, comment)
    except InputError as exc:
        return _refused(request, store, invitation, exc, lang, market or [], sector, comment)
    suffix = f"&lang={lang}" if lang in CATALOGUES else ""
    return RedirectResponse(f"/survey/{token}?saved=true{suffix}", status_code=303)


def _refused(request: Request, store: StoreDep, invitation: Invitation, exc: InputError,
             lang: str, market: list[str], sector: str, comment: str) -> Response:
    """The form again, with the typed values and every problem beside its box."""
    closed = isinstance(exc, RoundClosedError)
    context = _form_context(request, store, invitation, lang or None, sector=sector,
                            comment=comment, error=None if closed else exc)
    if isinstance(exc, FormError):
        page_lang = context["lang"]
        context["problem_list"] = [(p.field, p.text(page_lang)) for p in exc.problems]
        context["problems"] = dict(reversed(context["problem_list"]))
    if not closed:
        k = invitation.round.max_markets
        context["boxes"] = (market + [""] * k)[: max(k, len(market))][:MAX_MARKETS_LIMIT]
    return render(request, "survey/form.html", context, status_code=409 if closed else 422)


class AnswerIn(BaseModel):
    """An answer sent as JSON: markets in order (names or ISO3), optional sector and comment."""

    markets: list[str] = Field(max_length=MAX_MARKETS_LIMIT)
    sector: str | None = Field(default=None, max_length=1000)
    comment: str | None = Field(default=None, max_length=10_000)


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
def api_answer(store: StoreDep, invitation: RespondentDep) -> dict[str, Any]:
    """The round behind an invitation token and the association's current answer."""
    return _answer_json(store, invitation)


@router.put("/api/survey/{token}", responses={409: {"description": "the round is closed"},
                                              422: {"description": "problems of the answer"}})
def api_submit(store: StoreDep, invitation: RespondentDep, body: AnswerIn) -> Response:
    """Give or replace the answer (JSON; no cookie is involved, so no CSRF token).

    A refused answer lists every problem: `{"error", "fix", "problems": [{"field",
    "message"}]}`."""
    try:
        survey.submit_answer(store, invitation, body.markets, body.sector, body.comment)
    except RoundClosedError as exc:
        return JSONResponse({"error": exc.what, "fix": exc.fix}, status_code=409)
    except FormError as exc:
        problems = [{"field": p.field, "message": p.text()} for p in exc.problems]
        return JSONResponse({"error": exc.what, "where": exc.where, "fix": exc.fix,
                             "problems": problems}, status_code=422)
    return JSONResponse(_answer_json(store, invitation))


@router.get("/api/survey/rounds/{round_id}/results")
def api_results(store: StoreDep, round_id: int, user: AdminDep) -> dict[str, Any]:
    """A round's response rate and weighted Borda results (admin login required)."""
    res = survey.results(store, round_id)
    return {
        "round": {"id": res.round.round_id, "title": res.round.title,
                  "max_markets": res.round.max_markets,
                  "closes_on": res.round.closes_on.isoformat(), "open": res.round.is_open()},
        "asked": res.asked, "answered": res.answered,
        "response_rate": round(res.response_rate, 4),
        "response_rate_percent": round(100 * res.response_rate, 1),
        "method": "weighted Borda count: sum of weight * (k + 1 - position) over associations, "
                  "divided by the sum of the weights of the associations that answered",
        "markets": res.table.to_dict("records"),
    }
