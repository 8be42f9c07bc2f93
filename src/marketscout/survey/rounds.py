"""Survey rounds, business associations and their invitation links (tokens stored as hashes)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from marketscout import countries
from marketscout.errors import InputError
from marketscout.store import Store

MAX_MARKETS_LIMIT = 20  # more than 20 ordered markets is no longer a "key market" answer
# secrets.token_urlsafe(32): 32 random bytes (256 bits) as 43 URL-safe base64 characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


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
        end = datetime.combine(self.closes_on + timedelta(days=1), datetime.min.time())
        return min(end, self.closed_at) if self.closed_at else end

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < self.closes_at


@dataclass(frozen=True)
class Association:
    """A business association that answers the survey; its weight counts in the Borda mean."""

    association_id: int
    name: str
    sector: str | None
    weight: float


@dataclass(frozen=True)
class Invitation:
    """One association's invitation to one round (found from its link's token)."""

    round: Round
    association: Association


def next_id(store: Store) -> int:
    return int(store.query("SELECT nextval('survey_id_seq') AS id")["id"].iloc[0])


def parse_closing_date(text: str | date) -> date:
    """A closing date given as YYYY-MM-DD."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise InputError(f"The closing date {text!r} is not a date.",
                         fix="Give it as YYYY-MM-DD, e.g. 2025-06-30.") from exc


def create_round(
    store: Store, title: str, closes_on: str | date, max_markets: int,
    home: str | None = None, now: datetime | None = None,
) -> Round:
    """Open a new round: answers name up to `max_markets` markets, through `closes_on`."""
    title = " ".join(str(title).split())
    if not title:
        raise InputError("A survey round needs a title.", fix="Give a title, e.g. 'Survey 2025'.")
    if not 1 <= int(max_markets) <= MAX_MARKETS_LIMIT:
        raise InputError(f"Maximum markets per answer must be 1..{MAX_MARKETS_LIMIT}, "
                         f"not {max_markets}.", fix="Use e.g. 5.")
    closing = parse_closing_date(closes_on)
    created = now or utcnow()
    if closing < created.date():
        raise InputError(f"The closing date {closing} is in the past.",
                         fix="Give today or a later date.")
    iso = countries.to_iso3(home, where="home country") if home else None
    rid = next_id(store)
    store.write([("INSERT INTO survey_round VALUES (?, ?, ?, ?, ?, ?, NULL)",
                  [rid, title, closing, int(max_markets), iso, created])])
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
    frame = store.query("SELECT * FROM survey_round WHERE round_id = ?", [int(round_id)])
    if frame.empty:
        known = ", ".join(str(r.round_id) for r in list_rounds(store)) or "none yet"
        raise InputError(f"No survey round {round_id}.", fix=f"Known rounds: {known}.")
    return _round(frame.to_dict("records")[0])


def close_round(store: Store, round_id: int, now: datetime | None = None) -> Round:
    """Close a round now (before its closing date): no more answers or edits."""
    found = get_round(store, round_id)
    if found.is_open(now):
        store.write([("UPDATE survey_round SET closed_at = ? WHERE round_id = ?",
                      [now or utcnow(), found.round_id])])
    return get_round(store, round_id)


def add_association(
    store: Store, name: str, sector: str | None = None, weight: float = 1.0,
    now: datetime | None = None,
) -> Association:
    """Register a business association (names are unique, case-insensitively)."""
    name = " ".join(str(name).split())
    if not name:
        raise InputError("An association needs a name.", fix="Give its name, e.g. 'LINPRA'.")
    if not weight > 0 or weight != weight:
        raise InputError(f"The weight of {name!r} must be above 0, not {weight}.",
                         fix="Leave it at 1 unless some associations should count more.")
    if find_association(store, name) is not None:
        raise InputError(f"The association {name!r} is already registered.",
                         fix="Invite the registered one, or give a different name.")
    aid = next_id(store)
    sector = " ".join(str(sector or "").split()) or None
    store.write([("INSERT INTO survey_association VALUES (?, ?, ?, ?, ?)",
                  [aid, name, sector, float(weight), now or utcnow()])])
    return get_association(store, aid)


def _association(row: Mapping[Hashable, Any]) -> Association:
    sector = row["sector"]
    return Association(int(row["association_id"]), str(row["name"]),
                       None if pd.isna(sector) else str(sector), float(row["weight"]))


def list_associations(store: Store) -> list[Association]:
    frame = store.query("SELECT * FROM survey_association ORDER BY lower(name)")
    return [_association(r) for r in frame.to_dict("records")]


def find_association(store: Store, name: str) -> Association | None:
    """The association with this name (case-insensitive), or None."""
    frame = store.query("SELECT * FROM survey_association WHERE lower(name) = lower(?)",
                        [" ".join(str(name).split())])
    return None if frame.empty else _association(frame.to_dict("records")[0])


def get_association(store: Store, key: int | str) -> Association:
    """An association by id or by name; unknown ones raise."""
    if isinstance(key, int) or str(key).isdigit():
        frame = store.query("SELECT * FROM survey_association WHERE association_id = ?",
                            [int(key)])
        found = None if frame.empty else _association(frame.to_dict("records")[0])
    else:
        found = find_association(store, str(key))
    if found is None:
        raise InputError(f"No association {key!r}.",
                         fix="Add it first (`marketscout survey add-association NAME`).")
    return found


def hash_token(token: str) -> str:
    """sha256 of a token, hex: what the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(store: Store, round_id: int, association: int | str,
           now: datetime | None = None) -> str:
    """A new invitation token for one association to one round (an older link stops working).

    The token is returned once and never stored: show it (as a link) to the admin now.
    """
    found = get_round(store, round_id)
    assoc = get_association(store, association)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    key = [found.round_id, assoc.association_id]
    store.write([
        ("DELETE FROM survey_invitation WHERE round_id = ? AND association_id = ?", key),
        ("INSERT INTO survey_invitation VALUES (?, ?, ?, ?)",
         [*key, hash_token(token), now or utcnow()]),
    ])
    return token


def find_invitation(store: Store, token: str) -> Invitation | None:
    """The invitation a token opens, or None; the hashes are compared in constant time."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    wanted = hash_token(token)
    # The lookup by hash can only reveal timing about a SHA-256 of the token, which says
    # nothing useful about the token; the final check is constant-time all the same.
    frame = store.query("SELECT * FROM survey_invitation WHERE token_hash = ?", [wanted])
    for row in frame.to_dict("records"):
        if hmac.compare_digest(str(row["token_hash"]), wanted):
            return Invitation(get_round(store, int(row["round_id"])),
                              get_association(store, int(row["association_id"])))
    return None


def invitations(store: Store, round_id: int) -> pd.DataFrame:
    """The round's invited associations: id, name, sector, weight, invited_at, answered_at."""
    return store.query(
        """SELECT a.association_id, a.name, a.sector, a.weight, i.created_at AS invited_at,
                  r.updated_at AS answered_at, r.via
           FROM survey_invitation i JOIN survey_association a USING (association_id)
           LEFT JOIN survey_response r
             ON r.round_id = i.round_id AND r.association_id = i.association_id
           WHERE i.round_id = ? ORDER BY lower(a.name)""", [int(round_id)])


def market_choices(home: str | None = None) -> list[tuple[str, str]]:
    """(ISO3, name) of every market an association may name, sorted by name."""
    # candidates() always leaves a home out: without one, take any home and add it back
    everyone = sorted({*countries.candidates("LTU"), "LTU"})
    cands = countries.candidates(home) if home else everyone
    return sorted(((iso, countries.name(iso)) for iso in cands), key=lambda c: c[1])
