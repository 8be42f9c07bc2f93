"""Who may see and change what (issue 17): every route of the app is enumerated, and each one
that changes state is shown to refuse anonymous callers and respondents (so a new route is
caught as soon as it exists); reading is open or closed by the admin's setting; users are
managed by admins."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from survey_support import PASSWORD, csrf, invite_new, login, make_app, new_round

from marketscout import access
from marketscout.settings import Settings
from marketscout.store import Store
from marketscout.web.app import create_app
from marketscout.web.auth import RouteAccess, route_table

CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# the only state-changing routes open to callers who are not analysts or admins, and why
NOT_FOR_USERS = {("POST", "/login"): "public",  # logging in
                 ("POST", "/survey/{token}"): "respondent",  # an association's own answer
                 ("PUT", "/api/survey/{token}"): "respondent"}
ORIGIN = {"origin": "http://testserver"}
ANALYST_PASSWORD = "analyst passphrase 2030"
# the tables an admin's or analyst's action may change (sessions excepted: logging in does)
WATCHED = ("app_user", "app_setting", "survey_round", "survey_association", "survey_invitation",
           "survey_response", "survey_answer", "provenance", "plan_activity")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An app over an empty store with reading closed: the bootstrap admin, an analyst 'ana',
    one round (1) and association (1) with its invitation token."""
    folder = tmp_path_factory.mktemp("access") / "home"
    app = make_app(folder)
    with Store(folder / "marketscout.duckdb") as store:
        access.add_user(store, "ana", access.ANALYST, ANALYST_PASSWORD)
        access.save_options(store, {"read_access": "login"})
    with TestClient(app) as admin:
        token = login(admin)
        link = invite_new(admin, token, new_round(admin, token), "LINPRA")
    yield {"app": app, "folder": folder, "token": link.rsplit("/", 1)[1]}


def _fill(path: str, token: str) -> str:
    values = {"token": token, "round_id": "1", "association_id": "1", "username": "ana",
              "iso3": "DEU", "country": "DEU", "activity_id": "A00001"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


def _digest(folder: Path) -> str:
    with Store(folder / "marketscout.duckdb", read_only=True) as store:
        text = "".join(store.query(f"SELECT * FROM {t} ORDER BY ALL").to_csv() for t in WATCHED)
    return hashlib.sha256(text.encode()).hexdigest()


def _caller(world: dict[str, Any], who: str) -> tuple[TestClient, str]:
    """A client as `who` and a CSRF token good for its cookie (so the role check is what
    refuses, not the CSRF check)."""
    client = TestClient(world["app"])
    if who == "respondent":  # holds an invitation link and its page's form token
        return client, csrf(client.get(f"/survey/{world['token']}").text)
    if who == "analyst":
        return client, login(client, ANALYST_PASSWORD, username="ana", then="/downloads")
    return client, csrf(client.get("/login").text)


def _refused(response: Any) -> bool:
    if response.status_code == 303:
        return str(response.headers["location"]).startswith("/login")
    return response.status_code in (401, 403)


def _routes(app: Any, methods: tuple[str, ...]) -> list[RouteAccess]:
    return [r for r in route_table(app) if r.method in methods]


def test_every_route_declares_who_may_call_it(world: dict[str, Any]) -> None:
    rows = route_table(world["app"])
    assert [r for r in rows if r.access is None] == []
    changing = _routes(world["app"], CHANGING)
    for row in changing:
        wanted = NOT_FOR_USERS.get((row.method, row.path))
        if wanted:
            assert row.access == wanted, row
        else:
            assert row.access in ("analyst", "admin"), row
    assert len(changing) >= 17  # every one listed in docs/web.md, and any added since
    paths = {(r.method, r.path): r.access for r in rows}
    assert paths[("POST", "/data/import")] == "analyst"
    assert paths[("POST", "/admin/users")] == "admin"
    assert paths[("GET", "/")] == "reader" and paths[("GET", "/admin")] == "admin"


@pytest.mark.parametrize("who", ["anonymous", "respondent"])
def test_every_state_changing_route_refuses_anonymous_callers_and_respondents(
        world: dict[str, Any], who: str) -> None:
    client, token = _caller(world, who)
    before = _digest(world["folder"])
    tried = 0
    for row in _routes(world["app"], CHANGING):
        if (row.method, row.path) in NOT_FOR_USERS:
            continue
        response = client.request(
            row.method, _fill(row.path, world["token"]), headers=ORIGIN,
            data={"csrf_token": token, "confirm": "yes", "weight": "2", "role": "admin",
                  "title": "X", "name": "New", "username": "eve", "password": "p" * 20,
                  "repeat": "p" * 20, "read_access": "open"}, follow_redirects=False)
        assert _refused(response), (row, response.status_code, response.text[:300])
        tried += 1
    assert tried >= 14  # 12 admin routes, the import and logout, and any added since
    assert _digest(world["folder"]) == before  # nothing changed


def test_the_respondent_routes_need_a_valid_token(world: dict[str, Any]) -> None:
    client, token = _caller(world, "anonymous")
    for method, path in [("POST", "/survey/{token}"), ("PUT", "/api/survey/{token}"),
                         ("GET", "/survey/{token}"), ("GET", "/api/survey/{token}")]:
        for wrong in ("A" * 43, "short"):
            response = client.request(method, _fill(path, wrong), headers=ORIGIN,
                                      data={"csrf_token": token, "market": ["DEU"]})
            assert response.status_code == 404, (method, path)


@pytest.mark.parametrize("who", ["anonymous", "respondent"])
def test_reading_closed_refuses_every_page_and_api_to_anonymous_callers(
        world: dict[str, Any], who: str) -> None:
    client, _ = _caller(world, who)
    readers = [r for r in _routes(world["app"], ("GET",)) if r.access == "reader"]
    assert len(readers) >= 20
    for row in readers:
        response = client.get(_fill(row.path, world["token"]), follow_redirects=False)
        assert _refused(response), row
        if row.path.startswith("/api/"):
            assert response.status_code == 401 and "Log in first" in response.json()["detail"]


def test_admin_routes_refuse_an_analyst(world: dict[str, Any]) -> None:
    client, token = _caller(world, "analyst")
    before = _digest(world["folder"])
    admin_routes = [r for r in route_table(world["app"]) if r.access == "admin"]
    for row in admin_routes:
        response = client.request(row.method, _fill(row.path, world["token"]), headers=ORIGIN,
                                  data={"csrf_token": token, "confirm": "yes", "role": "admin"},
                                  follow_redirects=False)
        assert response.status_code == 403, row
        assert "This needs the admin role; ana is logged in as analyst" in response.text
    assert _digest(world["folder"]) == before
    # the analyst reads the (closed) list
    assert client.get("/downloads").status_code == 200


def _app(tmp_path: Path, host: str) -> Any:
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    Store(folder / "marketscout.duckdb").close()
    return create_app(Settings(home=folder, cache_dir=folder / "cache",
                               admin_password=PASSWORD), host=host)


def test_reading_is_open_on_loopback_and_closed_on_a_network_address(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path, "127.0.0.1")) as local:
        assert local.get("/downloads").status_code == 200
    with TestClient(_app(tmp_path, "0.0.0.0")) as public:
        page = public.get("/downloads", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/downloads"
        assert public.get("/api/priority").status_code == 401
        token = login(public)  # the admin opens reading to anyone
        saved = public.post("/admin/settings", data={"csrf_token": token, "read_access": "open",
                                                     "languages": ["en"]})
        assert saved.status_code == 200 and "Settings saved" in saved.text
        assert TestClient(public.app).get("/downloads").status_code == 200


def test_admins_manage_users(world: dict[str, Any]) -> None:
    admin = TestClient(world["app"])
    token = login(admin)
    weak = admin.post("/admin/users", data={"csrf_token": token, "username": "bo",
                                            "role": "analyst", "password": "short",
                                            "repeat": "short"})
    assert weak.status_code == 422 and "it needs 12 to 200" in weak.text
    made = admin.post("/admin/users", data={"csrf_token": token, "username": "Bo.K",
                                            "role": "analyst", "password": "p" * 14,
                                            "repeat": "p" * 14})
    assert made.status_code == 200 and "Created bo.k (analyst)" in made.text
    bo = TestClient(world["app"])
    login(bo, "p" * 14, username="bo.k", then="/downloads")
    assert bo.get("/admin", follow_redirects=False).status_code == 403
    promoted = admin.post("/admin/users/bo.k/role", data={"csrf_token": token, "role": "admin"})
    assert "bo.k is now admin" in promoted.text
    assert bo.get("/admin").status_code == 200  # the role applies at the next request
    self_removal = admin.post("/admin/users/admin/remove",
                              data={"csrf_token": token, "confirm": "yes"})
    assert self_removal.status_code == 422
    asked = admin.post("/admin/users/bo.k/remove", data={"csrf_token": token})
    assert "Remove the user" in asked.text  # a confirmation first
    removed = admin.post("/admin/users/bo.k/remove", data={"csrf_token": token,
                                                           "confirm": "yes"})
    assert "Removed bo.k" in removed.text
    assert bo.get("/admin", follow_redirects=False).status_code == 303  # logged out at once


def test_pages_show_who_is_logged_in_with_a_logout_button(world: dict[str, Any]) -> None:
    client, _ = _caller(world, "analyst")
    page = client.get("/downloads").text
    assert "ana (analyst)" in page and 'action="/logout"' in page and 'href="/admin"' not in page
    out = client.post("/logout", data={"csrf_token": csrf(page)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/downloads", follow_redirects=False).status_code == 303
