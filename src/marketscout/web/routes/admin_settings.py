"""Settings, for admins: who may read the list, and the survey's languages, privacy notice
and invitation link address."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from marketscout import access, survey
from marketscout.access.options import READ_ACCESS, check_read_access
from marketscout.errors import InputError
from marketscout.survey.catalogue import CATALOGUES, LANGUAGES
from marketscout.survey.settings import MAX_NOTICE
from marketscout.web.auth import Admin, AdminDep, forget_options, reading_is_open
from marketscout.web.csrf import check_csrf
from marketscout.web.deps import StoreDep, render
from marketscout.web.middleware import GuardedRoute
from marketscout.web.routes.admin import CsrfField

router = APIRouter(route_class=GuardedRoute, include_in_schema=False, dependencies=[Admin])
Notice = Annotated[str, Form(max_length=MAX_NOTICE + 500)]


def _page(request: Request, store: StoreDep, status_code: int = 200, **extra: Any
          ) -> Response:
    context = {"nav": "admin", "admin_nav": "settings", "survey": survey.survey_settings(store),
               "read_access": access.load_options(store)["read_access"],
               "choices": READ_ACCESS, "open_now": reading_is_open(request),
               "host": request.app.state.bind_host,
               "languages": [(code, CATALOGUES[code]["language_name"]) for code in LANGUAGES]}
    return render(request, "admin/settings.html", context | extra, status_code=status_code)


@router.get("/admin/settings", response_class=HTMLResponse)
def settings_page(request: Request, store: StoreDep) -> Response:
    """The settings as saved, each with what it does."""
    return _page(request, store)


@router.post("/admin/settings", response_class=HTMLResponse)
def save_settings(
    request: Request, store: StoreDep, me: AdminDep, csrf: CsrfField = "",
    read_access: Annotated[str, Form(max_length=10)] = "auto",
    languages: Annotated[list[str] | None, Form()] = None,
    base_url: Annotated[str, Form(max_length=500)] = "",
    privacy_en: Notice = "", privacy_lt: Notice = "",
) -> Response:
    """Check and save every setting (any error saves nothing)."""
    check_csrf(request, csrf)
    values = {"survey_languages": ",".join(languages or []), "survey_base_url": base_url,
              "survey_privacy_en": privacy_en, "survey_privacy_lt": privacy_lt}
    try:
        checked = check_read_access(read_access)
        survey.save_survey_settings(store, values, by=me.username)
        access.save_options(store, {"read_access": checked}, by=me.username)
    except InputError as exc:
        return _page(request, store, 422, error=exc)
    forget_options(request)
    return _page(request, store, message="Settings saved.")
