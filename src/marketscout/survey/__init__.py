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
    check_answer,
    clean_markets,
    criterion_changes_at,
    get_answer,
    import_answers,
    parse_market,
    results,
    round_for_criterion,
    submit_answer,
)
from marketscout.survey.associations import (
    Association,
    add_association,
    answered_rounds,
    find_association,
    get_association,
    list_associations,
    remove_association,
    set_weight,
)
from marketscout.survey.borda import points, summary, weighted_borda
from marketscout.survey.checks import FormError, Problem
from marketscout.survey.links import (
    Invitation,
    find_invitation,
    invitations,
    invite,
)
from marketscout.survey.rounds import (
    Round,
    close_round,
    create_round,
    get_round,
    list_rounds,
    market_choices,
    utcnow,
)
from marketscout.survey.settings import SurveySettings, save_survey_settings, survey_settings

__all__ = [
    "Answer", "Association", "FormError", "Invitation", "Problem", "Round", "RoundClosedError",
    "RoundResults", "SurveySettings", "add_association", "answered_rounds", "answers_frame",
    "check_answer", "clean_markets", "close_round", "create_round", "criterion_changes_at",
    "find_association", "find_invitation", "get_answer", "get_association", "get_round",
    "import_answers",
    "invitations", "invite", "list_associations", "list_rounds", "market_choices",
    "parse_market", "points", "remove_association", "results", "round_for_criterion",
    "save_survey_settings", "set_weight", "submit_answer", "summary", "survey_settings",
    "utcnow", "weighted_borda",
]
