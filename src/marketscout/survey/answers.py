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
from marketscout.survey.rounds import (
    Invitation,
    Round,
    find_association,
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


def refuse_if_closed(found: Round, now: datetime | None = None,
                     fix: str = "Contact the agency that invited you if your answer is missing.",
                     ) -> None:
    """Raise a clear message if the round is closed."""
    if not found.is_open(now):
        raise RoundClosedError(
            f"The survey round '{found.title}' closed on {found.closes_at:%Y-%m-%d %H:%M} UTC: "
            "answers can no longer be given or changed.", fix=fix)


def parse_market(text: str, where: str) -> str:
    """ISO3 of a market typed as a name, a code, or 'Name (ISO)' from the country list."""
    text = " ".join(str(text).split())
    coded = CODED.match(text)
    try:
        return countries.to_iso3(coded.group(2).upper() if coded else text, where=where)
    except UnknownCountryError as exc:
        close = countries.suggestions(text)
        hint = f"Did you mean {', '.join(close)}? " if close else ""
        raise InputError(f"{where.capitalize()}: {text!r} is not a known country.",
                         where=where, fix=f"{hint}Pick a country from the list.") from exc


def clean_markets(raw: Sequence[str], found: Round) -> tuple[str, ...]:
    """The named markets as ISO3, in order; blanks are skipped; each error names its box."""
    filled = [(box, text) for box, text in enumerate(raw, start=1) if str(text or "").strip()]
    if not filled:
        raise InputError("Name at least one market.", fix="Type or pick a country in box 1.")
    if len(filled) > found.max_markets:
        raise InputError(f"{len(filled)} markets named; this round takes at most "
                         f"{found.max_markets}.", fix="Keep the most important ones.")
    allowed = {iso for iso, _ in market_choices(found.home)}
    markets: list[str] = []
    for box, text in filled:
        iso = parse_market(text, where=f"market {box}")
        if iso not in allowed:
            why = "the home country" if iso == found.home else "not a candidate market"
            raise InputError(f"Market {box}: {countries.name(iso)} is {why}.",
                             fix="Name a partner country.")
        if iso in markets:
            raise InputError(f"Market {box}: {countries.name(iso)} is named twice.",
                             fix="Name each market once.")
        markets.append(iso)
    return tuple(markets)


def _text(value: str | None, limit: int, label: str) -> str | None:
    """Optional free text: stripped, at most `limit` characters, None when blank."""
    text = str(value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InputError(f"The {label} is {len(text)} characters long; at most {limit} fit.",
                         fix=f"Shorten the {label}.")
    return text or None


def _replace(found: Round, association_id: int, answer: Answer, now: datetime,
             positions: Sequence[int] | None = None) -> list[tuple[str, list[object]]]:
    """Statements that replace one association's answer to one round (positions 1, 2, ...
    unless given)."""
    key: list[object] = [found.round_id, association_id]
    places = list(positions) if positions else list(range(1, len(answer.markets) + 1))
    return [
        ("DELETE FROM survey_answer WHERE round_id = ? AND association_id = ?", key),
        ("DELETE FROM survey_response WHERE round_id = ? AND association_id = ?", key),
        ("INSERT INTO survey_response VALUES (?, ?, ?, ?, ?, ?)",
         [*key, answer.sector, answer.comment, answer.via, now]),
        *[("INSERT INTO survey_answer VALUES (?, ?, ?, ?)", [*key, pos, iso])
          for pos, iso in zip(places, answer.markets, strict=True)],
    ]


def submit_answer(
    store: Store, invitation: Invitation, markets: Sequence[str], sector: str | None = None,
    comment: str | None = None, now: datetime | None = None,
) -> Answer:
    """Store (or replace) an invited association's answer while its round is open."""
    found = get_round(store, invitation.round.round_id)  # re-read: it may have closed since
    refuse_if_closed(found, now)
    answer = Answer(clean_markets(markets, found), _text(sector, MAX_SECTOR, "sector"),
                    _text(comment, MAX_COMMENT, "comment"))
    stamp = now or utcnow()
    store.write(_replace(found, invitation.association.association_id, answer, stamp))
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
    refuse_if_closed(found, now, "Import offline answers before the round closes, or open a "
                     "new round for them.")
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
            statements.append(("INSERT INTO survey_association VALUES (?, ?, NULL, 1.0, ?)",
                               [aid, " ".join(name.split()), stamp]))
        ordered = rows.sort_values("position")
        # the file's positions are kept as given: a gap costs points, as it would on paper
        answer = Answer(tuple(ordered["market"]), via="import")
        statements += _replace(found, aid, answer, stamp, [int(p) for p in ordered["position"]])
    store.write(statements)
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

