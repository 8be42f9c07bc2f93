"""The web app's criteria cache holds only while the criteria do (priority.memo.Entry)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from marketscout import survey
from marketscout.priority import run as front
from marketscout.store import open_store
from marketscout.survey import rounds
from marketscout.web.ranking import Ranker, RankQuery


def test_a_closing_survey_round_refreshes_the_criteria_and_the_lists(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = home / "marketscout.duckdb"
    with open_store(db) as store:
        opened = survey.create_round(store, "Spring", "2030-03-10", 3, home="LTU")
    calls: list[int] = []
    real = front._compute
    monkeypatch.setattr(front, "_compute", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(rounds, "utcnow", lambda: opened.closes_at - timedelta(hours=1))
    ranker = Ranker(db)
    query = RankQuery(runs=50)
    first = ranker.priority_list(query)
    assert ranker.priority_list(query) is first and len(calls) == 1
    monkeypatch.setattr(rounds, "utcnow", lambda: opened.closes_at)
    assert ranker.priority_list(query) is not first and len(calls) == 2
