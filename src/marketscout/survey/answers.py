"""Answers to a survey round: checked, stored (editable until the round closes), and counted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError, UnknownCountryError
from marketscout.store import Store
from marketscout.survey import borda
from marketscout.survey.associations import find_association
from marketscout.survey.catalogue import LANGUAGES
from marketscout.survey.checks import FormError, Problem, text_problem
from marketscout.survey.links import Invitation
from marketscout.survey.names import lookup
from marketscout.survey.rounds import (
    Round,
    get_round,
    list_rounds,
    market_choices,
    next_id,
    utcnow,
)

MAX_SECTOR = 200
MAX_COMMENT = 2000
# "Germany (DEU)": the form's country list shows names with their code in brackets
CODED = re.compile(r"^(.*\S)?\s*\(([A-Za-z]{3})\)$")


CLOSED_FIX = "Contact the agency that invited you if your answer is missing."
IMPORT_FIX = "Import offline answers before the round closes, or open a new round for them."


class RoundClosedError(InputError):
    """The round no longer accepts answers."""


@dataclass(frozen=True)
class Answer:
    """One association's answer: markets (ISO3) in order, optional sector and comment."""

    markets: tuple[str, ...]
    sector: str | None = None
    comment: str | None = None
    updated_at: datetime | None = None
    via: str = "web"


def refuse_if_closed(found: Round, now: datetime | None = None, fix: str = CLOSED_FIX) -> None:
    """Raise a clear message if the round is closed."""
    if not found.is_open(now):
        raise RoundClosedError(
            f"The survey round '{found.title}' closed on {found.closes_at:%Y-%m-%d %H:%M} UTC: "
            "answers can no longer be given or changed.", fix=fix)


def _resolve(text: str, markets: tuple[str, ...]) -> str | None:
    """ISO3 of a market typed as a name (in any language of the survey), a code, or
    'Name (ISO)' from the country list; None when unknown."""
    coded = CODED.match(text)
    if coded:
        text = coded.group(2).upper()
    try:
        return countries.to_iso3(text)
    except UnknownCountryError:
        return next((iso for lang in LANGUAGES if (iso := lookup(text, lang, markets))), None)


def _everyone() -> tuple[str, ...]:
    """Every market a name may denote (the home country too, to say it is the home)."""
    return tuple(iso for iso, _ in market_choices())


def _market_problem(box: int, text: str, allowed: set[str], found: Round,
                    seen: dict[str, int]) -> tuple[str | None, Problem | None]:
    """The market typed in `box`, or the problem with it."""
    where = f"market-{box}"
    bad = text_problem(text, where, "market")
    if bad:
        return None, bad
    iso = _resolve(text, _everyone())
    if iso is None:
        close = countries.suggestions(text)
        key = "unknown_country_hint" if close else "unknown_country"
        return None, Problem(where, key, {"box": box, "text": text, "names": ", ".join(close)})
    if iso not in allowed:
        key = "home_country" if iso == found.home else "not_candidate"
        return None, Problem(where, key, {"box": box, "name": iso})
    if iso in seen:
        return None, Problem(where, "twice", {"box": box, "name": iso, "first": seen[iso]})
    return iso, None


def market_problems(raw: Sequence[str], found: Round) -> tuple[tuple[str, ...], list[Problem]]:
    """The named markets as ISO3 in order, and every problem with them (each names its box).

    Boxes are filled in order: a blank box before a filled one is a gap, refused (the
    position of each market is its box, so a gap would silently change its points)."""
    boxes = [" ".join(str(text or "").split()) for text in raw]
    filled = [box for box, text in enumerate(boxes, start=1) if text]
    if not filled:
        return (), [Problem("market-1", "no_market")]
    problems = [Problem(f"market-{box}", "gap", {"box": box, "later": filled[-1]})
                for box in range(1, filled[-1]) if not boxes[box - 1]]
    if len(filled) > found.max_markets:
        problems.append(Problem(f"market-{found.max_markets + 1}", "too_many",
                                {"count": len(filled), "k": found.max_markets}))
    allowed = {iso for iso, _ in market_choices(found.home)}
    seen: dict[str, int] = {}
    for box in filled:
        iso, problem = _market_problem(box, boxes[box - 1], allowed, found, seen)
        if problem:
            problems.append(problem)
        elif iso:
            seen[iso] = box
    problems.sort(key=lambda p: int(p.field.rsplit("-", 1)[1]))  # in the order of the boxes
    return tuple(seen), problems


def parse_market(text: str, where: str) -> str:
    """ISO3 of a market typed as a name, a code, or 'Name (ISO)' from the country list."""
    text = " ".join(str(text).split())
    iso = _resolve(text, _everyone())
    if iso is None:
        close = countries.suggestions(text)
        hint = f"Did you mean {', '.join(close)}? " if close else ""
        raise InputError(f"{where.capitalize()}: {text!r} is not a known country.",
                         where=where, fix=f"{hint}Pick a country from the list.")
    return iso


def clean_markets(raw: Sequence[str], found: Round) -> tuple[str, ...]:
    """The named markets as ISO3, in order; every problem is raised at once (FormError)."""
    markets, problems = market_problems(raw, found)
    if problems:
        raise FormError(problems)
    return markets


def _text(value: str | None, limit: int, label: str) -> tuple[str | None, Problem | None]:
    """Optional free text: stripped, at most `limit` characters, None when blank."""
    text = str(value or "").replace("\r\n", "\n").strip()
    bad = text_problem(text, label, label)
    if bad:
        return None, bad
    if len(text) > limit:
        return None, Problem(label, f"{label}_too_long", {"length": len(text), "limit": limit})
    return text or None, None


def check_answer(raw: Sequence[str], sector: str | None, comment: str | None,
                 found: Round) -> Answer:
    """The answer, checked: every problem of the form is raised at once (FormError)."""
    markets, problems = market_problems(raw, found)
    sector_text, sector_problem = _text(sector, MAX_SECTOR, "sector")
    comment_text, comment_problem = _text(comment, MAX_COMMENT, "comment")
    problems += [p for p in (sector_problem, comment_problem) if p]
    if problems:
        raise FormError(problems)
    return Answer(markets, sector_text, comment_text)


def _guarded(sql: str, round_id: int, stamp: datetime) -> tuple[str, list[object]]:
    """`sql` (ending in WHERE ...) made conditional on the round being open at `stamp`."""
    return (f"{sql} AND EXISTS (SELECT 1 FROM survey_round WHERE round_id = ? AND closed_at "
            "IS NULL AND CAST(? AS DATE) <= closes_on)", [round_id, stamp])


def _replace(found: Round, association_id: int, answer: Answer, now: datetime,
             positions: Sequence[int] | None = None) -> list[tuple[str, list[object]]]:
    """Statements that replace one association's answer to one round (positions 1, 2, ...
    unless given), each taking effect only while the round is open at `now`: checked inside
    the write's own transaction, so an answer can never land after the round's close."""
    key: list[object] = [found.round_id, association_id]
    places = list(positions) if positions else list(range(1, len(answer.markets) + 1))
    rows = [("DELETE FROM survey_answer WHERE round_id = ? AND association_id = ?", key),
            ("DELETE FROM survey_response WHERE round_id = ? AND association_id = ?", key),
            ("INSERT INTO survey_response SELECT ?, ?, ?, ?, ?, ? WHERE TRUE",
             [*key, answer.sector, answer.comment, answer.via, now]),
            *[("INSERT INTO survey_answer SELECT ?, ?, ?, ? WHERE TRUE", [*key, pos, iso])
              for pos, iso in zip(places, answer.markets, strict=True)]]
    statements = []
    for sql, params in rows:
        guard, more = _guarded(sql, found.round_id, now)
        statements.append((guard, [*params, *more]))
    return statements


def _refuse_if_closed_meanwhile(store: Store, round_id: int, fix: str = CLOSED_FIX) -> None:
    """After a guarded write stored nothing: the round closed between the check and the
    write (its close may be stamped after this answer's time, so compare nothing: refuse),
    unless a later answer of the same association replaced this one in an open round."""
    now_round = get_round(store, round_id)
    if now_round.closed_at is not None or not now_round.is_open():
        refuse_if_closed(now_round, now_round.closes_at, fix)


def _stored(store: Store, round_id: int, association_id: int, stamp: datetime) -> bool:
    frame = store.query("SELECT count(*) AS n FROM survey_response WHERE round_id = ? AND "
                        "association_id = ? AND updated_at = ?",
                        [round_id, association_id, stamp])
    return bool(frame["n"].iloc[0])


def submit_answer(
    store: Store, invitation: Invitation, markets: Sequence[str], sector: str | None = None,
    comment: str | None = None, now: datetime | None = None,
) -> Answer:
    """Store (or replace) an invited association's answer while its round is open."""
    found = get_round(store, invitation.round.round_id)  # re-read: it may have closed since
    refuse_if_closed(found, now)
    answer = check_answer(markets, sector, comment, found)
    stamp = now or utcnow()
    aid = invitation.association.association_id
    store.write(_replace(found, aid, answer, stamp))
    if not _stored(store, found.round_id, aid, stamp):
        _refuse_if_closed_meanwhile(store, found.round_id)
    return Answer(answer.markets, answer.sector, answer.comment, stamp, "web")


def get_answer(store: Store, round_id: int, association_id: int) -> Answer | None:
    """An association's current answer to a round, or None."""
    key = [int(round_id), int(association_id)]
    head = store.query("SELECT * FROM survey_response WHERE round_id = ? AND association_id = ?",
                       key)
    if head.empty:
        return None
    rows = store.query("SELECT market FROM survey_answer WHERE round_id = ? AND "
                       "association_id = ? ORDER BY position", key)
    first = head.iloc[0]
    return Answer(tuple(rows["market"]), None if pd.isna(first["sector"]) else first["sector"],
                  None if pd.isna(first["comment"]) else first["comment"],
                  pd.Timestamp(first["updated_at"]).to_pydatetime(), str(first["via"]))


def answers_frame(store: Store, round_id: int) -> pd.DataFrame:
    """One row per named market: association, market, position, weight."""
    return store.query(
        """SELECT a.name AS association, s.market, s.position, a.weight
           FROM survey_answer s JOIN survey_association a USING (association_id)
           WHERE s.round_id = ? ORDER BY a.name, s.position""", [int(round_id)])


def _check_rows(frame: pd.DataFrame, found: Round, path: Path) -> None:
    """The round's rules on an imported file: at most K markets, no home, candidates only."""
    allowed = {iso for iso, _ in market_choices(found.home)}
    for who, iso, pos in zip(frame["association"], frame["market"], frame["position"],
                             strict=True):
        if pos > found.max_markets:
            raise InputError(f"{who} names {countries.name(iso)} at position {pos}; this round "
                             f"takes at most {found.max_markets} markets.", where=str(path),
                             fix="Keep each association's first markets only.")
        if iso not in allowed:
            raise InputError(f"{who} names {countries.name(iso)}, which is not a candidate "
                             "market (the home country or an aggregate).", where=str(path),
                             fix="Remove that row.")


def _check_order(name: str, positions: Sequence[int], path: Path) -> None:
    """An association's positions are 1, 2, ..., n: a gap is refused, never compacted."""
    expected = list(range(1, len(positions) + 1))
    if sorted(positions) != expected:
        missing = sorted(set(range(1, max(positions) + 1)) - set(positions))
        given = ", ".join(map(str, sorted(positions)))
        raise InputError(f"{name}'s markets are at positions {given}: position "
                         f"{', '.join(map(str, missing))} is missing.",
                         where=str(path), fix=f"Number {name}'s markets 1, 2, 3, ... with no "
                         "gap (the order gives the points).")


def import_answers(store: Store, round_id: int, path: Path | str, sheet: str | None = None,
                   now: datetime | None = None) -> int:
    """Import offline answers (CSV or XLSX, as `data import survey`) into an open round.

    Unknown associations are registered with weight 1. A file with any error loads nothing.
    Returns the number of associations whose answers were stored.
    """
    from marketscout.sources.user import parse_survey  # the same checks as `data import`

    path = Path(path)
    frame = parse_survey(path, sheet=sheet).tables["survey"]
    found = get_round(store, round_id)
    refuse_if_closed(found, now, IMPORT_FIX)
    _check_rows(frame, found, path)
    stamp = now or utcnow()
    statements: list[tuple[str, list[object]]] = []
    # one association however its name is capitalised or spaced in the file
    keys = frame["association"].map(lambda n: " ".join(str(n).split()).lower())
    for _, rows in frame.groupby(keys, sort=True):
        name = str(rows["association"].iloc[0])
        if rows["market"].duplicated().any() or rows["position"].duplicated().any():
            raise InputError(f"{name} is listed under several spellings with the same market "
                             "or order.", where=str(path), fix="Spell each association one way.")
        known = find_association(store, name)
        aid = known.association_id if known else next_id(store)
        if known is None:
            sql, guard = _guarded("INSERT INTO survey_association SELECT ?, ?, NULL, 1.0, ? "
                                  "WHERE TRUE", found.round_id, stamp)
            statements.append((sql, [aid, " ".join(name.split()), stamp, *guard]))
        ordered = rows.sort_values("position")
        _check_order(name, [int(p) for p in ordered["position"]], path)
        answer = Answer(tuple(ordered["market"]), via="import")
        statements += _replace(found, aid, answer, stamp)
    store.write(statements)
    if not (frame.empty or _stored(store, found.round_id, aid, stamp)):
        _refuse_if_closed_meanwhile(store, found.round_id, IMPORT_FIX)
    return int(keys.nunique())


@dataclass(frozen=True)
class RoundResults:
    """Who answered a round and the weighted Borda scores of the markets they named."""

    round: Round
    asked: int  # associations invited or imported
    answered: int
    table: pd.DataFrame  # market, name, score, named_by, first_by
    responses: pd.DataFrame  # association, weight, sector, comment, markets, via, updated_at

    @property
    def response_rate(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


def results(store: Store, round_id: int) -> RoundResults:
    """The round's response rate, scores per market, and every answer."""
    found = get_round(store, round_id)
    asked = store.query(
        """SELECT count(DISTINCT association_id) AS n FROM (
             SELECT association_id FROM survey_invitation WHERE round_id = ?
             UNION SELECT association_id FROM survey_response WHERE round_id = ?)""",
        [found.round_id, found.round_id])["n"].iloc[0]
    answers = answers_frame(store, found.round_id)
    table = borda.summary(answers, found.max_markets)
    table.insert(1, "name", [countries.name(m) for m in table["market"]])
    responses = store.query(
        """SELECT a.name AS association, a.weight, r.sector, r.comment,
                  string_agg(s.market, ', ' ORDER BY s.position) AS markets, r.via,
                  r.updated_at
           FROM survey_response r JOIN survey_association a USING (association_id)
           LEFT JOIN survey_answer s
             ON s.round_id = r.round_id AND s.association_id = r.association_id
           WHERE r.round_id = ?
           GROUP BY a.name, a.weight, r.sector, r.comment, r.via, r.updated_at
           ORDER BY lower(a.name)""", [found.round_id])
    return RoundResults(found, int(asked), len(responses), table, responses)


def criterion_changes_at(store: Store, now: datetime | None = None) -> datetime | None:
    """When `round_for_criterion` may choose another round with no change to the store: the
    earliest closing of a round still open (None when no round is open)."""
    if "survey_round" not in store.tables:
        return None
    closing = [r.closes_at for r in list_rounds(store) if r.is_open(now)]
    return min(closing, default=None)


def round_for_criterion(store: Store, home: str, year: int | None = None,
                        now: datetime | None = None) -> Round | None:
    """The round the `survey` criterion uses: the latest closed round with answers; failing
    that, the latest open one (provisional). Rounds for another home country are skipped."""
    if "survey_round" not in store.tables:  # an old store opened read-only
        return None
    answered = set(store.query("SELECT DISTINCT round_id FROM survey_response")["round_id"])
    usable = [r for r in list_rounds(store)
              if r.round_id in answered and r.home in (None, home)
              and (year is None or r.closes_on.year <= year)]
    closed = [r for r in usable if not r.is_open(now)]
    pool = closed or usable
    return max(pool, key=lambda r: (r.closes_at, r.round_id)) if pool else None

