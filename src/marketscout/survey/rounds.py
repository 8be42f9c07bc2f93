"""Survey rounds: created with a closing date and K, closed early by the admin."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.store import Store
from marketscout.survey.catalogue import DEFAULT_LANGUAGE
from marketscout.survey.checks import FormError, Problem, check_text
from marketscout.survey.names import market_name, sort_key

T = TypeVar("T")

MAX_MARKETS_LIMIT = 20  # more than 20 ordered markets is no longer a "key market" answer
# A round runs for weeks or months; a closing date years ahead is a typo (9999-12-31 made
# the admin pages fail, issue 17), so it must fall within this many years of today.
MAX_OPEN_YEARS = 5
MAX_TITLE = 200
MAX_ROUND_ID = 2**31 - 1  # the store's INTEGER


def utcnow() -> datetime:
    """Now in UTC, naive (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Round:
    """A survey round: answers are accepted through `closes_on` (UTC) unless closed earlier."""

    round_id: int
    title: str
    closes_on: date
    max_markets: int
    home: str | None
    created_at: datetime
    closed_at: datetime | None = None

    @property
    def closes_at(self) -> datetime:
        """The moment the round stops accepting answers."""
        end = (datetime.max if self.closes_on >= date.max  # stored before dates were bounded
               else datetime.combine(self.closes_on + timedelta(days=1), datetime.min.time()))
        return min(end, self.closed_at) if self.closed_at else end

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < self.closes_at


def next_id(store: Store) -> int:
    return int(store.query("SELECT nextval('survey_id_seq') AS id")["id"].iloc[0])


def latest_closing(today: date) -> date:
    """The latest closing date a round created `today` may have (29 February: the 28th)."""
    try:
        return today.replace(year=today.year + MAX_OPEN_YEARS)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + MAX_OPEN_YEARS, day=28)


def parse_closing_date(text: str | date, today: date) -> date:
    """A closing date given as YYYY-MM-DD, from `today` to MAX_OPEN_DAYS later."""
    if isinstance(text, date):
        closing = text
    else:
        try:
            closing = date.fromisoformat(str(text).strip())
        except ValueError as exc:
            raise InputError(f"The closing date {text!r} is not a date.", where="closes_on",
                             fix="Give it as YYYY-MM-DD, e.g. 2025-06-30.") from exc
    latest = latest_closing(today)
    if closing < today:
        raise InputError(f"The closing date {closing} is in the past.", where="closes_on",
                         fix="Give today or a later date.")
    if closing > latest:
        raise InputError(f"The closing date {closing} is more than {MAX_OPEN_YEARS} years "
                         "ahead.",
                         where="closes_on", fix=f"Give a date up to {latest}.")
    return closing


def _checked(check: Callable[[], T], problems: list[Problem]) -> T | None:
    """The value of `check()`, or None with its error added to `problems`."""
    try:
        return check()
    except InputError as exc:
        problems.append(Problem.plain(exc.where or "", exc.what, exc.fix))
        return None


def _title(title: str) -> str:
    clean = " ".join(check_text(str(title), "title").split())
    if not clean or len(clean) > MAX_TITLE:
        raise InputError(f"A survey round needs a title of 1 to {MAX_TITLE} characters.",
                         where="title", fix="Give a title, e.g. 'Survey 2025'.")
    return clean


def _max_markets(value: int | str) -> int:
    text = str(value).strip()
    if not (text.isdigit() and 1 <= int(text) <= MAX_MARKETS_LIMIT):
        raise InputError(f"Maximum markets per answer must be 1..{MAX_MARKETS_LIMIT}, "
                         f"not {value!r}.", where="max_markets", fix="Use e.g. 5.")
    return int(text)


def create_round(
    store: Store, title: str, closes_on: str | date, max_markets: int | str,
    home: str | None = None, now: datetime | None = None,
) -> Round:
    """Open a new round: answers name up to `max_markets` markets, through `closes_on`.

    Every problem of the input is reported at once (FormError)."""
    created = now or utcnow()
    problems: list[Problem] = []
    clean = _checked(lambda: _title(title), problems)
    closing = _checked(lambda: parse_closing_date(closes_on, created.date()), problems)
    k = _checked(lambda: _max_markets(max_markets), problems)
    iso = _checked(lambda: countries.to_iso3(home, where="home") if home else None, problems)
    if problems:
        raise FormError(problems)
    rid = next_id(store)
    store.write([("INSERT INTO survey_round VALUES (?, ?, ?, ?, ?, ?, NULL)",
                  [rid, clean, closing, k, iso, created])])
    return get_round(store, rid)


def _round(row: Mapping[Hashable, Any]) -> Round:
    closed = row["closed_at"]
    return Round(
        round_id=int(row["round_id"]), title=str(row["title"]),
        closes_on=pd.Timestamp(row["closes_on"]).date(), max_markets=int(row["max_markets"]),
        home=None if pd.isna(row["home"]) else str(row["home"]),
        created_at=pd.Timestamp(row["created_at"]).to_pydatetime(),
        closed_at=None if pd.isna(closed) else pd.Timestamp(closed).to_pydatetime(),
    )


def list_rounds(store: Store) -> list[Round]:
    """Every round, the newest first."""
    frame = store.query("SELECT * FROM survey_round ORDER BY created_at DESC, round_id DESC")
    return [_round(r) for r in frame.to_dict("records")]


def get_round(store: Store, round_id: int) -> Round:
    """One round; an unknown id raises with the known ones."""
    wanted = int(round_id)
    frame = (store.query("SELECT * FROM survey_round WHERE round_id = ?", [wanted])
             if 0 < wanted <= MAX_ROUND_ID else None)
    if frame is None or frame.empty:
        known = ", ".join(str(r.round_id) for r in list_rounds(store)) or "none yet"
        raise InputError(f"No survey round {round_id}.", fix=f"Known rounds: {known}.")
    return _round(frame.to_dict("records")[0])


def close_round(store: Store, round_id: int, now: datetime | None = None) -> Round:
    """Close a round now (before its closing date): no more answers or edits.

    The closing time is never before an answer already stored: an answer that committed while
    the close was on its way counts as given before the close (with answers' own guard in
    survey/answers.py, no answer is ever stored after the close).
    """
    found = get_round(store, round_id)
    stamp = now or utcnow()
    if found.is_open(stamp):
        store.write([(
            "UPDATE survey_round SET closed_at = greatest(?, coalesce((SELECT max(updated_at) "
            "FROM survey_response WHERE round_id = ?), ?)) WHERE round_id = ? "
            "AND closed_at IS NULL", [stamp, found.round_id, stamp, found.round_id])])
    return get_round(store, round_id)


def market_choices(home: str | None = None, lang: str = DEFAULT_LANGUAGE
                   ) -> list[tuple[str, str]]:
    """(ISO3, name in `lang`) of every market an association may name, sorted by name."""
    # candidates() always leaves a home out: without one, take any home and add it back
    everyone = sorted({*countries.candidates("LTU"), "LTU"})
    cands = countries.candidates(home) if home else everyone
    return sorted(((iso, market_name(iso, lang)) for iso in cands),
                  key=lambda c: sort_key(c[1]))
