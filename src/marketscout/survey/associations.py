"""Business associations: registered once, invited to rounds, weighted in the Borda mean."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from marketscout.errors import InputError
from marketscout.store import Store
from marketscout.survey.checks import check_text
from marketscout.survey.rounds import get_round, next_id, utcnow

# Weights are relative: 1 for every association unless the agency decides that some count
# more. A ratio above 10,000 between two associations is surely a typo, and such bounds keep
# weight × points finite (1e308 made the scores overflow to null, issue 17).
MIN_WEIGHT, MAX_WEIGHT = 0.01, 100.0
MAX_NAME = 200


@dataclass(frozen=True)
class Association:
    """A business association that answers the survey; its weight counts in the Borda mean."""

    association_id: int
    name: str
    sector: str | None
    weight: float


def check_weight(weight: float | str, name: str = "the association") -> float:
    """A weight between MIN_WEIGHT and MAX_WEIGHT (finite), else a clear message."""
    try:
        value = float(weight)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and MIN_WEIGHT <= value <= MAX_WEIGHT):
        raise InputError(f"The weight of {name} must be above 0: between {MIN_WEIGHT:g} and "
                         f"{MAX_WEIGHT:g}, not {weight}.", where="weight",
                         fix="Leave it at 1 unless some associations should count more "
                             "(2 counts twice as much).")
    return value


def _clean_name(name: str) -> str:
    clean = " ".join(check_text(str(name), "association name").split())
    if not clean:
        raise InputError("An association needs a name.", where="name",
                         fix="Give its name, e.g. 'LINPRA'.")
    if len(clean) > MAX_NAME:
        raise InputError(f"The association name is {len(clean)} characters long; at most "
                         f"{MAX_NAME} fit.", where="name", fix="Shorten the name.")
    return clean


def add_association(
    store: Store, name: str, sector: str | None = None, weight: float | str = 1.0,
    now: datetime | None = None,
) -> Association:
    """Register a business association (names are unique, case-insensitively)."""
    name = _clean_name(name)
    value = check_weight(weight, repr(name))
    if find_association(store, name) is not None:
        raise InputError(f"The association {name!r} is already registered.", where="name",
                         fix="Invite the registered one, or give a different name.")
    aid = next_id(store)
    sector = " ".join(check_text(str(sector or ""), "sector").split())[:MAX_NAME] or None
    store.write([("INSERT INTO survey_association VALUES (?, ?, ?, ?, ?)",
                  [aid, name, sector, value, now or utcnow()])])
    return get_association(store, aid)


def set_weight(store: Store, association: int | str, weight: float | str) -> Association:
    """Change an association's weight: it applies to the results of every round it answered,
    closed ones included (a round's results are computed from the current weights)."""
    found = get_association(store, association)
    value = check_weight(weight, repr(found.name))
    store.write([("UPDATE survey_association SET weight = ? WHERE association_id = ?",
                  [value, found.association_id])])
    return get_association(store, found.association_id)


def answered_rounds(store: Store, association_id: int) -> list[int]:
    """The rounds an association has answered, by number."""
    frame = store.query("SELECT DISTINCT round_id FROM survey_response WHERE association_id = ? "
                        "ORDER BY round_id", [int(association_id)])
    return [int(r) for r in frame["round_id"]]


def remove_association(store: Store, association: int | str,
                       now: datetime | None = None) -> Association:
    """Remove an association, its invitations and its answers to open rounds.

    Refused when it answered a closed round: those results are final and feed the criterion.
    """
    found = get_association(store, association)
    closed = [r for r in answered_rounds(store, found.association_id)
              if not get_round(store, r).is_open(now)]
    if closed:
        listed = ", ".join(str(r) for r in closed)
        raise InputError(f"{found.name} answered closed round(s) {listed}; removing it would "
                         "change their final results.",
                         fix="Keep it (set its weight if it should count less), or remove it "
                             "only from open rounds' invitations.")
    key = [found.association_id]
    store.write([("DELETE FROM survey_answer WHERE association_id = ?", key),
                 ("DELETE FROM survey_response WHERE association_id = ?", key),
                 ("DELETE FROM survey_invitation WHERE association_id = ?", key),
                 ("DELETE FROM survey_association WHERE association_id = ?", key)])
    return found


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
    found = None
    if isinstance(key, int) or str(key).isdigit():
        if int(key) < 2**31:
            frame = store.query("SELECT * FROM survey_association WHERE association_id = ?",
                                [int(key)])
            found = None if frame.empty else _association(frame.to_dict("records")[0])
    else:
        found = find_association(store, str(key))
    if found is None:
        raise InputError(f"No association {key!r}.",
                         fix="Add it first (`marketscout survey add-association NAME`).")
    return found
