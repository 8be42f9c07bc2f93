"""The collaboration pages and JSON endpoints: same answers as the library, clear errors."""

from __future__ import annotations

from pathlib import Path

from collab_corpora import TEXTS, text_corpus
from fastapi.testclient import TestClient

from marketscout.settings import load_settings
from marketscout.store import open_store
from marketscout.web.app import create_app


def client() -> TestClient:
    return TestClient(create_app(load_settings()))


def test_pages_render_with_sources(home: Path) -> None:
    c = client()
    page = c.get("/collab/pairs?home=LTU&programme=h2020&years=2014-2020")
    assert page.status_code == 200 and 'id="pairs-table"' in page.text
    assert "Source: European Commission (CORDIS)" in page.text
    page = c.get("/collab/profile/RUS?home=LTU")
    assert page.status_code == 200 and "third countries" in page.text
    assert c.get("/collab/thirds").status_code == 200
    data = c.get("/api/collab/pairs?home=LTU").json()
    assert data["partners"][0]["partner"] == "DEU" and "joint_2015" in data["partners"][0]
    assert c.get("/api/collab/profile/Atlantis").status_code == 422


def test_partners_api_answers_404_only_for_unknown_markets(home: Path) -> None:
    c = client()
    unknown = c.get("/api/partners?market=Atlantis&topic=hydrogen")
    assert unknown.status_code == 404 and "Atlantis" in unknown.json()["error"]
    # without project texts the data is missing, the market is not unknown
    with open_store(load_settings().db_path) as store:
        store.remove("cordis_horizon_europe")  # the snapshot's sample, the only texts
    missing = c.get("/api/partners?market=ISR&topic=hydrogen&method=lexical")
    assert missing.status_code == 503
    body = missing.json()
    assert "no project texts" in body["error"] and "data update cordis" in body["fix"]


def test_partner_finder_page_and_api(home: Path) -> None:
    c = client()
    page = c.get("/collab/partners?home=LTU&market=ISR&topic=hydrogen")
    # the snapshot's Horizon Europe sample has no Israeli project about hydrogen
    assert page.status_code == 200 and "has a project matching" in page.text
    assert "a sample of 100 Horizon Europe projects" in page.text
    with open_store(home / "marketscout.duckdb") as store:
        store.load(text_corpus(), TEXTS)
    page = c.get("/collab/partners?home=LTU&market=ISR&topic=hydrogen+storage&method=lexical")
    assert "Hydrogen Tech Ltd" in page.text and "Lithuanian Energy Institute (1)" in page.text
    assert "Sample data" in page.text
    data = c.get("/api/partners?market=ISR&topic=hydrogen&method=lexical").json()
    assert data["partners"][0]["name"] == "Hydrogen Tech Ltd"
    bad = c.get("/api/partners?market=ISR&topic=%20")
    assert bad.status_code == 422 and "topic is empty" in bad.json()["error"]
