"""Invitation links: one random token per association and round; the store keeps its hash."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from marketscout.access.passwords import hash_token
from marketscout.store import Store
from marketscout.survey.associations import Association, get_association
from marketscout.survey.rounds import Round, get_round, utcnow

# secrets.token_urlsafe(32): 32 random bytes (256 bits) as 43 URL-safe base64 characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class Invitation:
    """One association's invitation to one round (found from its link's token)."""

    round: Round
    association: Association


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
