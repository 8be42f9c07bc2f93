"""Country names in the survey's languages, from the CLDR (Unicode's locale data) via Babel.

English names stay those of the project's crosswalk (marketscout.countries), so the survey
shows the same names as the rest of the app; other languages take the CLDR's territory names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from marketscout import countries
from marketscout.survey.catalogue import DEFAULT_LANGUAGE


@cache
def _iso2() -> dict[str, str]:
    """ISO3 -> ISO2 (the crosswalk writes some as patterns, e.g. '^GB$|^UK$': take the
    first code)."""
    table = countries.country_table()
    out: dict[str, str] = {}
    for iso3, iso2 in zip(table["ISO3"], table["ISO2"], strict=True):
        codes = re.findall(r"[A-Z]{2}", str(iso2))
        if codes:
            out[str(iso3)] = codes[0]
    return out


@cache
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale  # the CLDR's data, loaded only when a survey page needs it

    return dict(Locale.parse(lang).territories)


def market_name(iso3: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The market's name in `lang` (the crosswalk's English name when the CLDR has none)."""
    if lang != DEFAULT_LANGUAGE:
        found = _territories(lang).get(_iso2().get(iso3, ""))
        if found:
            return found
    return countries.name(iso3)


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order for names with diacritics (Čekija beside Čilė, after Centrinė)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.casefold(), text


def _normalise(text: str) -> str:
    return sort_key(" ".join(text.split()))[0]


@cache
def _lookup_index(lang: str, markets: tuple[str, ...]) -> dict[str, str]:
    return {_normalise(market_name(iso, lang)): iso for iso in markets}


def lookup(text: str, lang: str, markets: tuple[str, ...]) -> str | None:
    """ISO3 of a market typed in `lang` (e.g. 'Vokietija'), among `markets`; else None."""
    if lang == DEFAULT_LANGUAGE:
        return None
    return _lookup_index(lang, markets).get(_normalise(text))
