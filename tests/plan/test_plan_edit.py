"""Web writes to the plan (issue 13, item 5): analysts add, edit and delete activities and
accept a proposal; a stale edit shows a conflict and saves nothing; every form error is shown
beside its box; read-only users see no forms and are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marketscout import access
from marketscout.plan import register, service
from marketscout.settings import load_settings
from marketscout.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
PASSWORD = "analyst passphrase 2030"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def _token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[-400:]
    return found.group(1)


@pytest.fixture
def db(home: Path) -> Path:
    with open_store(load_settings().db_path) as store:
        service.import_register(store, "LTU", EXAMPLES / "register.csv")
        access.add_user(store, "ana", access.ANALYST, PASSWORD)
    return load_settings().db_path


def _client() -> Any:
    from fastapi.testclient import TestClient

    from marketscout.web.app import create_app

    return TestClient(create_app())


@pytest.fixture
def anon(db: Path) -> Iterator[Any]:
    with _client() as client:
        yield client


@pytest.fixture
def ana(db: Path) -> Iterator[Any]:
    with _client() as client:
        page = client.get("/login")
        done = client.post("/login", data={"csrf_token": _token(page.text), "username": "ana",
                                           "password": PASSWORD, "next": "/plan"})
        assert done.status_code == 200 and done.url.path == "/plan"
        yield client


def _activity(db: Path, activity_id: str) -> dict[str, Any] | None:
    with Store(db, read_only=True) as store:
        return register.get_activity(store, "LTU", activity_id)


def _count(db: Path) -> int:
    with Store(db, read_only=True) as store:
        return len(register.activities(store, "LTU"))


def test_read_only_users_see_no_forms_and_are_refused(anon: Any, db: Path) -> None:
    page = anon.get("/plan?home=LTU")
    assert page.status_code == 200 and "LT-2025-002" in page.text
    assert 'action="/plan/activities' not in page.text and "/plan/activities/" not in page.text
    assert "accept-form" not in anon.get("/plan/proposal?activities=4&year=2027").text
    token = _token(anon.get("/login").text)  # a valid token: the role check refuses
    before = _count(db)
    for path in ("/plan/activities", "/plan/activities/LT-2025-002",
                 "/plan/activities/LT-2025-002/delete", "/plan/proposal/accept"):
        answer = anon.post(path, data={"csrf_token": token, "type": "mission",
                                       "markets": "ITA", "start": "2025-01-01",
                                       "status": "done", "version": "1", "confirm": "yes"},
                           headers={"origin": "http://testserver"}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login", path
    assert anon.get("/plan/activities/LT-2025-002", follow_redirects=False).status_code == 303
    assert _count(db) == before


def test_analyst_adds_edits_and_deletes(ana: Any, db: Path) -> None:
    page = ana.get("/plan?home=LTU")
    assert 'id="add-form"' in page.text and "/plan/activities/LT-2025-002?" in page.text
    before = _count(db)
    added = ana.post("/plan/activities?home=LTU", data={
        "csrf_token": _token(page.text), "title": "Milan fair", "type": "event",
        "markets": "Italy", "start": "2025-04-01", "end": "2025-04-03", "status": "done",
        "currency": "EUR", "cost": "12 500", "companies": "4"})
    assert added.status_code == 200, added.text[-800:]
    made = re.search(r"Added activity (\w+)\.", added.text)
    assert made
    new_id = made.group(1)
    row = _activity(db, new_id)
    assert row is not None and row["markets"] == ["ITA"] and row["cost"] == 12500.0
    assert row["type"] == "event" and _count(db) == before + 1

    form = ana.get(f"/plan/activities/{new_id}?home=LTU")
    assert form.status_code == 200 and 'value="Milan fair"' in form.text
    version = VERSION.search(form.text)
    assert version and int(version.group(1)) == row["version"]
    saved = ana.post(f"/plan/activities/{new_id}?home=LTU", data={
        "csrf_token": _token(form.text), "version": version.group(1), "title": "Milan fair",
        "type": "event", "markets": "ITA; FRA", "start": "2025-04-01", "end": "2025-04-03",
        "status": "done", "currency": "EUR", "cost": "13000", "companies": "4"})
    assert saved.status_code == 200 and f"Saved activity {new_id}." in saved.text
    row = _activity(db, new_id)
    assert row is not None and row["markets"] == ["ITA", "FRA"] and row["cost"] == 13000.0

    form = ana.get(f"/plan/activities/{new_id}?home=LTU")
    unticked = ana.post(f"/plan/activities/{new_id}/delete?home=LTU", data={
        "csrf_token": _token(form.text), "version": VERSION.search(form.text).group(1)})
    assert unticked.status_code == 422 and _activity(db, new_id) is not None
    gone = ana.post(f"/plan/activities/{new_id}/delete?home=LTU", data={
        "csrf_token": _token(form.text), "version": VERSION.search(form.text).group(1),
        "confirm": "yes"})
    assert gone.status_code == 200 and f"Deleted activity {new_id}." in gone.text
    assert _activity(db, new_id) is None and _count(db) == before


def test_every_form_error_is_shown_beside_its_box(ana: Any, db: Path) -> None:
    page = ana.get("/plan?home=LTU")
    before = _count(db)
    bad = ana.post("/plan/activities?home=LTU", data={
        "csrf_token": _token(page.text), "type": "picnic", "markets": "Atlantis",
        "start": "2025-13-01", "status": "done", "currency": "XYZ", "cost": "-5"})
    assert bad.status_code == 422
    for name in ("type", "markets", "start", "currency", "cost"):
        assert f'id="err-{name}"' in bad.text, name
        assert f'aria-describedby="err-{name}"' in bad.text, name
    assert "5 boxes need correcting" in bad.text
    assert 'value="Atlantis"' in bad.text  # what was typed stays in the box
    assert _count(db) == before


def test_a_stale_edit_shows_a_conflict_and_loses_nothing(ana: Any, db: Path) -> None:
    form = ana.get("/plan/activities/LT-2025-002?home=LTU")
    stale = VERSION.search(form.text).group(1)
    with Store(db) as store:  # another session saves first
        register.edit_activity(store, "LTU", "LT-2025-002", {"notes": "theirs"}, None)
    theirs = _activity(db, "LT-2025-002")
    mine = {"csrf_token": _token(form.text), "version": stale, "type": "mission",
            "markets": "DEU", "start": "2025-03-10", "status": "done", "notes": "mine",
            "currency": "EUR", "cost": "999"}
    clash = ana.post("/plan/activities/LT-2025-002?home=LTU", data=mine)
    assert clash.status_code == 409 and 'id="conflict"' in clash.text
    assert "changed by someone else" in clash.text and "theirs" in clash.text
    assert ">mine</textarea>" in clash.text  # the user's values stay in the form
    assert _activity(db, "LT-2025-002") == theirs  # nothing saved
    fresh = VERSION.search(clash.text).group(1)
    assert int(fresh) == theirs["version"]
    again = ana.post("/plan/activities/LT-2025-002?home=LTU", data=mine | {"version": fresh})
    assert again.status_code == 200 and _activity(db, "LT-2025-002")["notes"] == "mine"
    # a stale delete is refused the same way
    form = ana.get("/plan/activities/LT-2025-002?home=LTU")
    with Store(db) as store:
        register.edit_activity(store, "LTU", "LT-2025-002", {"notes": "later"}, None)
    refused = ana.post("/plan/activities/LT-2025-002/delete?home=LTU", data={
        "csrf_token": _token(form.text), "version": VERSION.search(form.text).group(1),
        "confirm": "yes"})
    assert refused.status_code == 409 and _activity(db, "LT-2025-002") is not None


def test_analyst_accepts_a_proposal(ana: Any, db: Path) -> None:
    query = "home=LTU&activities=3&year=2027&type=mission"
    page = ana.get(f"/plan/proposal?{query}")
    assert 'id="accept-form"' in page.text
    before = _count(db)
    done = ana.post(f"/plan/proposal/accept?{query}", data={"csrf_token": _token(page.text)})
    assert done.status_code == 200 and "3 planned activities added" in done.text
    assert _count(db) == before + 3
