"""The respondent's words in each language the survey speaks: one message catalogue.

Every text on the survey page and every problem an answer can have is a key here, with the
same placeholders in each language (a test checks). Add a language by adding a dictionary
with every key of ENGLISH; country names come from the CLDR through Babel (survey/names.py).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

ENGLISH: dict[str, str] = {
    "language_name": "English",
    "language": "Language",
    "answering_for": "Answering for {association}.",
    "instructions": "Name up to {k} key export markets for your members, the most important "
                    "first. You can change your answer until the end of {date} (UTC).",
    "saved": "Thank you: your answer is saved.",
    "saved_can_change": "You can change it below until the round closes.",
    "markets_legend": "Key export markets, in order of importance",
    "market_placeholder": "Type to search a country",
    "sector_label": "Sector (optional)",
    "comment_label": "Comment (optional)",
    "send": "Send answer",
    "save": "Save changes",
    "closed": "This survey round closed on {when} UTC: answers can no longer be given or "
              "changed.",
    "closed_fix": "Contact the agency that invited you if your answer is missing.",
    "your_answer": "Your answer",
    "saved_at": "saved {when} UTC",
    "sector": "Sector",
    "comment": "Comment",
    "privacy": "Privacy",
    "problems": "Please correct the following and send the form again:",
    "not_found": "This survey link is not valid: it may have been mistyped, or replaced by a "
                 "newer link.",
    "not_found_fix": "Check the link in your invitation, or ask the agency that invited you "
                     "for a new one.",
    "error": "This request cannot be answered.",
    "error_fix": "Reload the page and try again; if it keeps failing, contact the agency "
                 "that invited you.",
    # problems of an answer: the field they concern is given with each
    "no_market": "Name at least one market (box 1).",
    "too_many": "{count} markets named; this round takes at most {k}.",
    "gap": "Box {box} is empty but box {later} is filled: fill the boxes in order, with no "
           "gaps.",
    "unknown_country": "Market {box}: '{text}' is not a known country. Pick a country from "
                       "the list.",
    "unknown_country_hint": "Market {box}: '{text}' is not a known country. Did you mean "
                            "{names}? Pick a country from the list.",
    "home_country": "Market {box}: {name} is the home country.",
    "not_candidate": "Market {box}: {name} is not a candidate market.",
    "twice": "Market {box}: {name} is named twice (also in box {first}).",
    "sector_too_long": "The sector is {length} characters long; at most {limit} fit.",
    "comment_too_long": "The comment is {length} characters long; at most {limit} fit.",
    "not_text": "The {field} contains a character that is not valid text (at position "
                "{position}): type it again.",
    "field_market": "market",
    "field_sector": "sector",
    "field_comment": "comment",
}

LITHUANIAN: dict[str, str] = {
    "language_name": "Lietuvių",
    "language": "Kalba",
    "answering_for": "Atsako: {association}.",
    "instructions": "Nurodykite iki {k} pagrindinių savo narių eksporto rinkų, svarbiausią "
                    "pirmiausia. Atsakymą galite keisti iki {date} pabaigos (UTC).",
    "saved": "Ačiū: jūsų atsakymas išsaugotas.",
    "saved_can_change": "Kol apklausa nesibaigė, atsakymą galite pakeisti žemiau.",
    "markets_legend": "Pagrindinės eksporto rinkos pagal svarbą",
    "market_placeholder": "Įrašykite šalies pavadinimą",
    "sector_label": "Sektorius (neprivaloma)",
    "comment_label": "Komentaras (neprivaloma)",
    "send": "Siųsti atsakymą",
    "save": "Išsaugoti pakeitimus",
    "closed": "Ši apklausa baigėsi {when} UTC: atsakymų nebegalima pateikti ar pakeisti.",
    "closed_fix": "Jei jūsų atsakymo trūksta, kreipkitės į jus pakvietusią agentūrą.",
    "your_answer": "Jūsų atsakymas",
    "saved_at": "išsaugotas {when} UTC",
    "sector": "Sektorius",
    "comment": "Komentaras",
    "privacy": "Privatumas",
    "problems": "Pataisykite šiuos dalykus ir siųskite formą dar kartą:",
    "not_found": "Ši apklausos nuoroda negalioja: ji galėjo būti įvesta su klaida arba "
                 "pakeista naujesne.",
    "not_found_fix": "Patikrinkite nuorodą kvietime arba paprašykite jus pakvietusios "
                     "agentūros naujos nuorodos.",
    "error": "Į šią užklausą atsakyti nepavyko.",
    "error_fix": "Įkelkite puslapį iš naujo ir bandykite dar kartą; jei nepavyksta, "
                 "kreipkitės į jus pakvietusią agentūrą.",
    "no_market": "Nurodykite bent vieną rinką (laukelis Nr. 1).",
    "too_many": "Nurodyta rinkų: {count}; šioje apklausoje galima nurodyti ne daugiau kaip "
                "{k}.",
    "gap": "Laukelis Nr. {box} tuščias, o laukelis Nr. {later} užpildytas: pildykite "
           "laukelius iš eilės, be tarpų.",
    "unknown_country": "Rinka Nr. {box}: „{text}“ – nežinoma šalis. Pasirinkite šalį iš sąrašo.",
    "unknown_country_hint": "Rinka Nr. {box}: „{text}“ – nežinoma šalis. Gal turėjote omenyje "
                            "{names}? Pasirinkite šalį iš sąrašo.",
    "home_country": "Rinka Nr. {box}: {name} – jūsų pačių šalis, o ne užsienio rinka.",
    "not_candidate": "Rinka Nr. {box}: {name} negali būti nurodyta kaip rinka.",
    "twice": "Rinka Nr. {box}: {name} nurodyta du kartus (taip pat laukelyje Nr. {first}).",
    "sector_too_long": "Sektoriaus pavadinimas per ilgas: {length} simbolių, telpa ne daugiau "
                       "kaip {limit}.",
    "comment_too_long": "Komentaras per ilgas: {length} simbolių, telpa ne daugiau kaip "
                        "{limit}.",
    "not_text": "Laukelyje „{field}“ yra netinkamas simbolis ({position} pozicijoje): "
                "įrašykite tekstą iš naujo.",
    "field_market": "rinka",
    "field_sector": "sektorius",
    "field_comment": "komentaras",
}

CATALOGUES: dict[str, Mapping[str, str]] = {"en": ENGLISH, "lt": LITHUANIAN}
LANGUAGES = tuple(CATALOGUES)  # the codes (ISO 639-1) the survey can speak
DEFAULT_LANGUAGE = "en"


def placeholders(text: str) -> set[str]:
    """The {names} a message fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def message(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message `key` in `lang` (English when the language is unknown), filled in."""
    catalogue = CATALOGUES.get(lang, ENGLISH)
    return catalogue[key].format(**values)
