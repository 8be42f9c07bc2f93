"""The survey's settings, changed by the admin (web app or store): the languages respondents
may choose, the privacy notice shown on every survey page, and the invitation links' address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from marketscout.access.options import load_options, save_options
from marketscout.errors import InputError
from marketscout.store import Store
from marketscout.survey.catalogue import DEFAULT_LANGUAGE, LANGUAGES
from marketscout.survey.checks import check_text

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
MAX_NOTICE = 4000


@dataclass(frozen=True)
class SurveySettings:
    """What the admin chose: languages (the first is the default), notices, link address."""

    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    privacy: Mapping[str, str] = field(default_factory=dict)  # language -> notice text
    base_url: str | None = None  # None: the address the admin's browser used

    def notice(self, lang: str) -> str:
        """The privacy notice in `lang`, or in the first language that has one."""
        return self.privacy.get(lang) or next(
            (self.privacy[x] for x in self.languages if self.privacy.get(x)), "")

    def link(self, token: str, fallback: str) -> str:
        """The invitation link for `token`, on the configured address or on `fallback`."""
        return invitation_link(self.base_url or fallback, token)


def invitation_link(address: str, token: str) -> str:
    """The link an association opens: `address`/survey/`token`."""
    return f"{address.rstrip('/')}/survey/{token}"


def check_languages(text: str) -> str:
    """A comma-separated list of language codes the survey speaks, e.g. 'lt,en'."""
    codes = [c.strip().lower() for c in str(text).split(",") if c.strip()]
    unknown = [c for c in codes if c not in LANGUAGES]
    if not codes or unknown:
        raise InputError(f"Unknown survey language(s): {', '.join(unknown) or '(none)'}.",
                         where="languages", fix=f"Choose among: {', '.join(LANGUAGES)}.")
    return ",".join(dict.fromkeys(codes))


def check_base_url(text: str) -> str:
    """'' (use the browser's address) or an http(s) address with no query or fragment."""
    url = check_text(str(text).strip(), "invitation address")
    if not url:
        return ""
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or re.search(r"\s", url)):
        raise InputError(f"{url!r} is not a web address for the invitation links.",
                         where="base_url", fix="Give it as https://survey.agency.example or "
                         "https://agency.example/marketscout (no ? or #).")
    return url.rstrip("/")


def check_notice(text: str) -> str:
    notice = check_text(str(text).replace("\r\n", "\n").strip(), "privacy notice")
    if len(notice) > MAX_NOTICE:
        raise InputError(f"The privacy notice is {len(notice)} characters long; at most "
                         f"{MAX_NOTICE} fit.", where="privacy", fix="Shorten it, or link to "
                         "the agency's full privacy policy.")
    return notice


CHECKS = {"survey_languages": check_languages, "survey_base_url": check_base_url,
          **{f"survey_privacy_{lang}": check_notice for lang in LANGUAGES}}


def survey_settings(store: Store) -> SurveySettings:
    """The survey's settings as the admin saved them (defaults otherwise)."""
    options = load_options(store)
    languages = tuple(options.get("survey_languages", DEFAULT_LANGUAGE).split(","))
    privacy = {lang: options.get(f"survey_privacy_{lang}", "") for lang in LANGUAGES}
    return SurveySettings(languages=languages, privacy=privacy,
                          base_url=options.get("survey_base_url") or None)


def save_survey_settings(store: Store, values: Mapping[str, str], by: str | None = None
                         ) -> SurveySettings:
    """Check and store any of CHECKS' keys (one transaction; any error stores nothing)."""
    unknown = set(values) - set(CHECKS)
    if unknown:
        raise InputError(f"Unknown survey setting(s): {', '.join(sorted(unknown))}.",
                         fix=f"Known: {', '.join(CHECKS)}.")
    save_options(store, values, by=by, checks=CHECKS)
    return survey_settings(store)


def choose_language(settings: SurveySettings, asked: str | None, accept: str = "") -> str:
    """The page's language: `?lang=` if the survey speaks it, else the browser's first
    spoken one (Accept-Language), else the survey's first language."""
    if asked in settings.languages:
        return str(asked)
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in settings.languages:
            return code
    return settings.languages[0]
