"""Problems with what a person typed: each names its field and a message of the catalogue,
so a form shows every problem at once, beside its field, in the respondent's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default

from marketscout.errors import InputError
from marketscout.survey.catalogue import DEFAULT_LANGUAGE, message


@dataclass(frozen=True)
class Problem:
    """One problem: the form field it concerns, a catalogue key and the values it fills in.

    A value named `name` is a market's ISO3 code, shown as the market's name in the language.
    """

    field: str
    key: str
    values: Mapping[str, object] = default(default_factory=dict)

    @classmethod
    def plain(cls, form_field: str, text: str, fix: str | None = None) -> Problem:
        """A problem of an admin form: English text, no catalogue key."""
        return cls(form_field, "", {"text": " ".join(filter(None, [text, fix]))})

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        from marketscout.survey.names import market_name

        if not self.key:
            return str(self.values["text"])
        values = dict(self.values)
        if "name" in values:
            values["name"] = market_name(str(values["name"]), lang)
        if "field" in values:
            values["field"] = message(f"field_{values['field']}", lang)
        return message(self.key, lang, **values)


class FormError(InputError):
    """Every problem of one form (raised once, with all of them)."""

    def __init__(self, problems: Sequence[Problem], fix: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(p.text() for p in self.problems),
                         where=", ".join(dict.fromkeys(p.field for p in self.problems)),
                         fix=fix or "Correct these and send the form again.")


def first_bad_character(text: str) -> int | None:
    """The 1-based position of the first character that is not valid text (a lone UTF-16
    surrogate, which JSON allows and UTF-8 cannot store), or None."""
    for position, char in enumerate(text, start=1):
        if "\ud800" <= char <= "\udfff":
            return position
    return None


def text_problem(value: str, form_field: str, label: str) -> Problem | None:
    """A problem when `value` holds a character that cannot be stored as UTF-8."""
    position = first_bad_character(value)
    if position is None:
        return None
    return Problem(form_field, "not_text", {"field": label, "position": position})


def check_text(value: str, where: str) -> str:
    """`value` when it is valid text; else an InputError naming `where` (admin forms)."""
    position = first_bad_character(value)
    if position is not None:
        raise InputError(f"The {where} contains a character that is not valid text (at "
                         f"position {position}).", where=where, fix="Type it again.")
    return value
