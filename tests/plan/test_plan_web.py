"""The plan pages and their JSON API over the example register and targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marketscout.plan import service
from marketscout.settings import load_settings
from marketscout.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"


@pytest.fixture
def planned(home: Path) -> Iterator[Any]:
    """A client on the app over a copy of the snapshot holding the example plan."""
    from fastapi.testclient import TestClient

    from marketscout.web.app import create_app

    with open_store(load_settings().db_path) as store:
        service.import_register(store, "LTU", EXAMPLES / "register.csv")
        service.import_targets(store, "LTU", EXAMPLES / "targets.csv")
    with TestClient(create_app()) as client:
        yield client


def test_pages_show_the_example(planned: Any) -> None:
    page = planned.get("/plan?market=DEU&period=2025")
    assert page.status_code == 200 and "LT-2025-002" in page.text
    assert "LT-2025-007" not in page.text  # the USA mission is filtered out
    assert "ILLUSTRATIVE" in page.text
    targets = planned.get("/plan/targets?as_of=2026-06-30")
    assert "light-off-track" in targets.text and "<progress" in targets.text
    align = planned.get("/plan/alignment?period=2025")
    assert "Drift" in align.text and "Kazakhstan" in align.text
    assert planned.get("/plan/effort.svg?period=2025").headers["content-type"].startswith(
        "image/svg+xml")
    proposal = planned.get("/plan/proposal?activities=8&max_per_market=1&year=2027")
    assert proposal.status_code == 200 and "no constraint binds" in proposal.text


def test_json_api(planned: Any) -> None:
    acts = planned.get("/api/plan/register?type=mission").json()["activities"]
    assert acts and all(a["type"] == "mission" for a in acts)
    align = planned.get("/api/plan/alignment?period=2025").json()
    assert align["activities"] == 19 and align["drift"]
    prop = planned.get("/api/plan/proposal?activities=6&year=2027").json()
    assert sum(m["new"] for m in prop["markets"]) == 6
    assert planned.get("/api/plan/targets").json()["targets"][0]["target_id"] == "T1"
    bad = planned.get("/api/plan/alignment?period=20x5")
    assert bad.status_code == 422 and "period" in bad.json()["where"]


def test_market_profile_shows_activities_and_targets(planned: Any) -> None:
    page = planned.get("/markets/DEU")
    assert "LT-2025-002" in page.text and "Companies supported in Germany" in page.text
