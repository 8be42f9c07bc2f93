"""The business survey, the seventh criterion: rounds, associations, invitations, answers.

Library only (no web framework): the CLI (`marketscout survey ...`) and the web app (/admin,
/survey/{token}, /api/survey) are thin layers over these functions. See docs/survey.md.
"""

from __future__ import annotations

from marketscout.survey.answers import (
    Answer,
    RoundClosedError,
    RoundResults,
    answers_frame,
    clean_markets,
    get_answer,
    import_answers,
    parse_market,
    results,
    round_for_criterion,
    submit_answer,
)
from marketscout.survey.borda import points, summary, weighted_borda
from marketscout.survey.rounds import (
    Association,
    Invitation,
    Round,
    add_association,
    close_round,
    create_round,
    find_association,
    find_invitation,
    get_association,
    get_round,
    hash_token,
    invitations,
    invite,
    list_associations,
    list_rounds,
    market_choices,
    utcnow,
)

__all__ = [
    "Answer", "Association", "Invitation", "Round", "RoundClosedError", "RoundResults",
    "add_association", "answers_frame", "clean_markets", "close_round", "create_round",
    "find_association", "find_invitation", "get_answer", "get_association", "get_round",
    "hash_token", "import_answers", "invitations", "invite", "list_associations", "list_rounds",
    "market_choices", "parse_market", "points", "results", "round_for_criterion",
    "submit_answer", "summary", "utcnow", "weighted_borda",
]
