"""The survey's pages and API in-process: login, CSRF, escaping, limits, closed rounds, and 50
concurrent submissions against a live server."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from survey_support import (
    PASSWORD,
    closing_date,
    csrf,
    invite_new,
    live_server,
    login,
    make_app,
    new_round,
)

from marketscout import access, survey
from marketscout.store import Store
from marketscout.web import csrf as web_csrf
from marketscout.web import middleware, security


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A client on an app over an empty store, admin password set (shadows the conftest's)."""
    with TestClient(make_app(tmp_path / "home")) as found:
        yield found


@pytest.fixture
def link(client: TestClient) -> str:
    """An invitation link's path (round 'Survey 2030', k = 3), client still logged in."""
    token = login(client)
    return invite_new(client, token, new_round(client, token), "LINPRA")


def _answer(client: TestClient, link: str, *markets: str, comment: str = "",
            ) -> httpx.Response:
    form = client.get(link)
    return client.post(link, data={"csrf_token": csrf(form.text), "market": list(markets),
                                   "comment": comment})


@pytest.mark.parametrize("path", ["/admin", "/admin/rounds/1"])
def test_admin_pages_require_login(client: TestClient, path: str) -> None:
    found = client.get(path, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/login?next={path}"
    assert client.get("/api/survey/rounds/1/results").status_code == 401
    old = client.get("/admin/login", follow_redirects=False)  # the address of earlier versions
    assert old.status_code == 303 and old.headers["location"] == "/login?next=/admin"


def test_admin_actions_require_login(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/login")  # a valid CSRF token, but no session
    made = client.post("/admin/rounds", follow_redirects=False, data={
        "csrf_token": csrf(page.text), "title": "X", "closes_on": closing_date(),
        "max_markets": 3})
    assert made.status_code == 303 and made.headers["location"] == "/login"
    with Store(tmp_path / "home" / "marketscout.duckdb", read_only=True) as store:
        assert survey.list_rounds(store) == []


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(client: TestClient) -> None:
    page = client.get("/login")
    wrong = client.post("/login", data={"csrf_token": csrf(page.text), "password": "no"})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    done = client.post("/login", follow_redirects=False,
                       data={"csrf_token": csrf(page.text), "password": PASSWORD,
                             "next": "/admin"})
    assert done.status_code == 303
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    session = client.cookies[security.SESSION_COOKIE]
    home = client.get("/admin")
    assert home.status_code == 200 and "Business association survey" in home.text
    client.post("/logout", data={"csrf_token": csrf(home.text)})
    client.cookies.set(security.SESSION_COOKIE, session)  # replaying the old cookie fails
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_login_is_off_without_a_password(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path / "home", password=None)) as client:
        page = client.get("/login")
        assert "Login is off" in page.text and 'type="password"' not in page.text
        assert client.get("/admin", follow_redirects=False).status_code == 303


def test_login_attempts_are_limited(client: TestClient) -> None:
    page = client.get("/login")
    for _ in range(access.PER_CLIENT_FAILURES):
        failed = client.post("/login", data={"csrf_token": csrf(page.text),
                                             "password": "guess"})
        assert failed.status_code == 401
    locked = client.post("/login", data={"csrf_token": csrf(page.text),
                                         "password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed logins" in locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert security.SESSION_COOKIE not in client.cookies


ORIGIN = {"origin": "http://testserver"}  # this site, as a browser sends it


@pytest.mark.parametrize("case", ["missing", "forged"])
def test_forms_without_a_valid_csrf_token_are_refused(client: TestClient, link: str,
                                                      case: str) -> None:
    token = csrf(client.get(link).text)
    data: dict[str, object] = {"market": ["DEU"], "csrf_token": token}
    if case == "missing":
        del data["csrf_token"]
    else:
        data["csrf_token"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = client.post(link, data=data, headers=ORIGIN)
    assert refused.status_code == 403 and "its token does not match" in refused.text
    assert "Your answer" not in client.get(link).text  # nothing was stored


def test_a_form_from_another_site_is_refused_by_the_origin_check(client: TestClient,
                                                                 link: str) -> None:
    """A good token and cookie, but sent by a page of another site: the Origin check."""
    token = csrf(client.get(link).text)
    refused = client.post(link, data={"market": ["DEU"], "csrf_token": token},
                          headers={"origin": "https://attacker.example"})
    assert refused.status_code == 403 and "its Origin is not this site" in refused.text
    assert "its token does not match" not in refused.text
    assert "Your answer" not in client.get(link).text


def test_a_token_is_bound_to_its_own_cookie(client: TestClient, link: str) -> None:
    """Another browser's token with this site's Origin: refused by the token check."""
    other = TestClient(client.app)
    theirs = csrf(other.get(link).text)
    refused = client.post(link, data={"market": ["DEU"], "csrf_token": theirs}, headers=ORIGIN)
    assert refused.status_code == 403 and "its token does not match" in refused.text
    assert "its Origin is not this site" not in refused.text
    assert "Your answer" not in client.get(link).text


def test_a_token_is_bound_to_the_session(client: TestClient, tmp_path: Path) -> None:
    """The same cookie seed with another session: the token of the first session fails."""
    token = login(client)
    first = client.cookies[security.SESSION_COOKIE]
    other = TestClient(client.app)
    login(other)  # a second admin session; this client keeps its own CSRF cookie
    client.cookies.set(security.SESSION_COOKIE, other.cookies[security.SESSION_COOKIE])
    form = {"csrf_token": token, "title": "X", "closes_on": closing_date(), "max_markets": 3}
    refused = client.post("/admin/rounds", data=form, headers=ORIGIN)
    assert refused.status_code == 403 and "its token does not match" in refused.text
    client.cookies.set(security.SESSION_COOKIE, first)  # the session the token was made for
    made = client.post("/admin/rounds", data=form, headers=ORIGIN)
    assert made.status_code == 200 and made.url.path == "/admin/rounds/1"
    assert web_csrf.TOKEN_REFUSED != web_csrf.ORIGIN_REFUSED


def test_admin_forms_check_csrf_too(client: TestClient) -> None:
    login(client)
    made = client.post("/admin/rounds", data={"title": "X", "closes_on": closing_date(),
                                              "max_markets": 3, "csrf_token": "bogus"})
    assert made.status_code == 403
    assert "No survey round yet" in client.get("/admin").text


def test_respondent_answers_edits_and_the_admin_sees_it(client: TestClient, link: str) -> None:
    gap = _answer(client, link, "Germany (DEU)", "", "poland")  # box 2 left empty
    assert gap.status_code == 422
    assert "Box 2 is empty but box 3 is filled: fill the boxes in order" in gap.text
    saved = _answer(client, link, "Germany (DEU)", "poland")
    assert saved.status_code == 200 and "your answer is saved" in saved.text
    assert "Germany (DEU)" in saved.text and 'list="markets"' in saved.text
    edited = _answer(client, link, "USA", "Sweden")
    shown = edited.text.split('<ol class="answer">')[1].split("</ol>")[0]
    assert "United States (USA)" in shown and "Sweden (SWE)" in shown and "Poland" not in shown
    page = client.get("/admin/rounds/1")
    assert re.search(r'<span id="answered">1</span> of 1 associations answered\s*\(100%\)',
                     page.text)
    results = client.get("/api/survey/rounds/1/results").json()
    # k = 3: USA first (3 points), Sweden second (2 points), one association
    assert [(m["market"], m["score"]) for m in results["markets"]] == [("USA", 3.0),
                                                                       ("SWE", 2.0)]


def test_bad_answer_is_shown_with_what_to_do(client: TestClient, link: str) -> None:
    refused = _answer(client, link, "DEU", "Germny")
    assert refused.status_code == 422
    assert "Market 2: &#39;Germny&#39; is not a known country" in refused.text
    assert 'value="Germny"' in refused.text  # the typed values are kept


def test_comments_and_names_are_shown_as_text(client: TestClient) -> None:
    token = login(client)
    round_id = new_round(client, token)
    link = invite_new(client, token, round_id, "<b>Bold</b> & Co")
    script = "<script>alert('x')</script>"
    shown = _answer(client, link, "DEU", comment=script)
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    admin = client.get(f"/admin/rounds/{round_id}")
    for page in (shown.text, admin.text):
        assert escaped in page and script not in page
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page and "<b>Bold</b>" not in page
    assert "default-src 'self'" in admin.headers["content-security-policy"]


def test_unknown_link_is_404(client: TestClient) -> None:
    page = client.get("/survey/" + "A" * 43)
    assert page.status_code == 404 and "not valid" in page.text
    assert "<html" in page.text
    assert client.get("/api/survey/not-a-token").status_code == 404


def test_closed_round_refuses_with_a_clear_message(client: TestClient, link: str) -> None:
    form = client.get(link)
    admin = client.get("/admin/rounds/1")
    client.post("/admin/rounds/1/close", data={"csrf_token": csrf(admin.text), "confirm": "yes"})
    late = client.post(link, data={"csrf_token": csrf(form.text), "market": ["DEU"]})
    assert late.status_code == 409
    assert "answers can no longer be given or changed" in late.text
    assert 'name="market"' not in client.get(link).text
    api = client.put("/api" + link, json={"markets": ["DEU"]})
    assert api.status_code == 409 and "closed" in api.json()["error"]


def test_json_api_reads_and_replaces_the_answer(client: TestClient, link: str) -> None:
    api = "/api" + link
    assert client.get(api).json()["answer"] is None
    put = client.put(api, json={"markets": ["Germany", "FRA"], "comment": "c"})
    assert put.status_code == 200 and put.json()["answer"]["markets"] == ["DEU", "FRA"]
    bad = client.put(api, json={"markets": ["DEU", "DEU"]})
    assert bad.status_code == 422 and "named twice" in bad.json()["error"]
    as_form = client.put(api, data={"markets": "DEU"})  # only JSON is accepted
    assert as_form.status_code == 422
    assert client.get(api).json()["answer"]["markets"] == ["DEU", "FRA"]


def test_request_bodies_are_limited(client: TestClient, link: str) -> None:
    token = csrf(client.get(link).text)
    big = {"csrf_token": token, "market": ["DEU"], "comment": "x" * 70_000}
    assert client.post(link, data=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b"market=DEU&comment="
        for _ in range(20):
            yield b"x" * 4096

    streamed = client.post(link, content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413 and "at most 64 KiB" in streamed.text
    upload = client.post("/admin/rounds/1/import", data={"csrf_token": token},
                         files={"file": ("a.csv", b"x" * (5 * 1024 * 1024))})
    assert upload.status_code == 413
    assert "Your answer" not in client.get(link).text


def test_body_limit_middleware(tmp_path: Path) -> None:
    """The same limit as an app-wide middleware, for routes outside the survey."""
    app = make_app(tmp_path / "home")
    app.add_middleware(middleware.BodySizeLimit)
    with TestClient(app) as client:
        token = login(client)
        link = invite_new(client, token, new_round(client, token), "LINPRA")
        assert client.post(link, data={"comment": "x" * 70_000}).status_code == 413
        assert _answer(client, link, "DEU").status_code == 200


def test_offline_answers_upload(client: TestClient, link: str) -> None:
    page = client.get("/admin/rounds/1")
    good = b"association,market,order\nPaper Co,Germany,1\nPaper Co,Poland,2\n"
    done = client.post("/admin/rounds/1/import", data={"csrf_token": csrf(page.text)},
                       files={"file": ("paper answers.csv", good)})
    assert done.status_code == 200 and "Imported the answers of 1 association(s)" in done.text
    bad = b"association,market,order\nOther,Germany,9\n"
    refused = client.post("/admin/rounds/1/import", data={"csrf_token": csrf(page.text)},
                          files={"file": ("late.csv", bad)})
    assert refused.status_code == 422 and "at most 3 markets" in refused.text
    assert "Other" not in refused.text.split("<h2>Answers</h2>")[1]


def test_fifty_concurrent_submissions_lose_nothing(tmp_path: Path) -> None:
    """50 associations answer at once (JSON API) through a live server; all are stored."""
    app = make_app(tmp_path / "home")
    with TestClient(app) as admin:
        token = login(admin)
        round_id = new_round(admin, token, k=2)
    with Store(tmp_path / "home" / "marketscout.duckdb") as store:
        for i in range(50):
            survey.add_association(store, f"Association {i:02d}")
        links = {i: survey.invite(store, round_id, f"Association {i:02d}") for i in range(50)}
    markets = ["DEU", "POL", "USA", "FRA", "SWE"]
    barrier, errors = threading.Barrier(50), []

    def answer(http: httpx.Client, i: int) -> None:
        barrier.wait(timeout=60)  # send all together
        sent = http.put(f"/api/survey/{links[i]}",
                        json={"markets": [markets[i % 5], markets[(i + 1) % 5]]})
        if sent.status_code != 200:
            errors.append(f"{i}: {sent.status_code} {sent.text[:200]}")

    with live_server(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        threads = [threading.Thread(target=answer, args=(http, i)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    assert not errors
    with Store(tmp_path / "home" / "marketscout.duckdb", read_only=True) as store:
        res = survey.results(store, round_id)
        stored = survey.answers_frame(store, round_id)
    assert res.answered == 50 and len(stored) == 100
    # each of the 5 markets is first for 10 associations (2 points) and second for 10 (1
    # point): 30 points over 50 associations
    assert res.table["score"].tolist() == pytest.approx([30 / 50] * 5)


def _cookie(response: httpx.Response, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0].lower()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_cookies_and_headers_have_their_documented_values(tmp_path: Path, scheme: str
                                                          ) -> None:
    """docs/web.md: the session cookie lives 8 hours, HttpOnly, SameSite=Lax, Secure over
    HTTPS; the CSRF seed cookie is HttpOnly and SameSite=Lax too; every page forbids framing
    and caching (values written out here, not read from the code)."""
    with TestClient(make_app(tmp_path / "home"), base_url=f"{scheme}://testserver") as client:
        page = client.get("/login")
        seed = _cookie(page, web_csrf.CSRF_COOKIE)
        assert "httponly" in seed and "samesite=lax" in seed and "path=/" in seed
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        done = client.post("/login", follow_redirects=False,
                           data={"csrf_token": csrf(page.text), "password": PASSWORD})
        session = _cookie(done, security.SESSION_COOKIE)
        assert "max-age=28800" in session  # 8 h * 3600 s
        assert "httponly" in session and "samesite=lax" in session
        assert ("secure" in session.split("; ")) == (scheme == "https")
        assert ("secure" in seed.split("; ")) == (scheme == "https")


def test_an_origin_of_null_is_left_to_the_token_check(client: TestClient, link: str) -> None:
    """Browsers send `Origin: null` from privacy-sensitive contexts: no site to compare, so
    the token alone decides (a forged one is still refused, by the token check)."""
    token = csrf(client.get(link).text)
    forged = client.post(link, data={"market": ["DEU"], "csrf_token": token[:-2] + "AA"
                                     if not token.endswith("AA") else token[:-2] + "BB"},
                         headers={"origin": "null"})
    assert forged.status_code == 403 and "its token does not match" in forged.text
    saved = client.post(link, data={"market": ["DEU"], "csrf_token": token},
                        headers={"origin": "null"})
    assert saved.status_code == 200 and "Your answer" in client.get(link).text
