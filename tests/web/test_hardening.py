"""A safe public surface (issue 17): security headers on every response whatever its status,
no token in the access log, no internals or paths in any error, crafted input refused
cleanly, and uploads parsed off the server's event loop within their own bounds."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from survey_support import csrf, invite_new, live_server, login, make_app, new_round

from marketscout import access, survey
from marketscout.errors import StoreError
from marketscout.store import Store
from marketscout.web import worker
from marketscout.web.security import HEADERS

ANALYST_PASSWORD = "analyst passphrase 2030"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def app(folder: Path) -> Any:
    made = make_app(folder)
    with Store(folder / "marketscout.duckdb") as store:
        access.add_user(store, "ana", access.ANALYST, ANALYST_PASSWORD)
    return made


@pytest.fixture
def admin(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def link(admin: TestClient) -> str:
    token = login(admin)
    return invite_new(admin, token, new_round(admin, token), "LINPRA")


def _has_headers(response: Any) -> bool:
    return all(response.headers.get(name) == value for name, value in HEADERS.items())


def test_security_headers_are_on_every_response(admin: TestClient, link: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token = csrf(admin.get("/admin").text)
    anonymous = TestClient(admin.app, raise_server_exceptions=False)
    answers = {
        200: admin.get("/admin"),
        303: anonymous.get("/admin", follow_redirects=False),
        401: anonymous.get("/api/survey/rounds/1/results"),
        403: anonymous.post(link, data={"market": ["DEU"], "csrf_token": "forged"}),
        404: admin.get("/no/such/page"),
        405: admin.get("/logout"),
        413: admin.post(link, data={"comment": "x" * 70_000}),
        422: admin.post("/admin/rounds", data={"csrf_token": token, "title": ""}),
    }
    answers[422 + 1000] = admin.get("/api/survey/rounds/not-a-number/results")  # validation
    answers[200 + 1000] = admin.get("/static/style.css")
    answers[404 + 1000] = admin.get(link[:-1] + "A" if not link.endswith("A") else link[:-1])
    monkeypatch.setattr(survey, "results", lambda *a, **k: 1 / 0)  # an unexpected failure
    answers[500] = admin.get("/admin")
    for status, response in answers.items():
        assert response.status_code == status % 1000, (status, response.text[:300])
        assert _has_headers(response), (status, dict(response.headers))
    assert "frame-ancestors 'none'" in answers[303].headers["content-security-policy"]


def _no_internals(text: str, folder: Path) -> None:
    assert str(folder) not in text and str(folder.parent) not in text
    assert "Traceback" not in text and "duckdb" not in text.lower()
    assert 'File "' not in text and ".py" not in text


def test_a_lone_surrogate_in_a_json_answer_is_refused_with_a_message(
        admin: TestClient, link: str, folder: Path) -> None:
    raw = b'{"markets": ["DEU"], "comment": "fine \\ud800 text", "sector": "\\udfff"}'
    response = admin.put("/api" + link, content=raw,
                         headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    # JSON allows the escape, UTF-8 cannot store it: each field is named, nothing is stored
    fields = [e["loc"] for e in response.json()["detail"]]
    assert fields == [["body", "sector"], ["body", "comment"]]
    _no_internals(response.text, folder)
    assert admin.get("/api" + link).json()["answer"] is None


@pytest.mark.parametrize("cookie", ["null", "42", "e30", "[1, 2]", "W10.forged",
                                    base64.urlsafe_b64encode(b'["x", "https://evil"]').decode()])
def test_a_crafted_new_link_cookie_is_ignored(admin: TestClient, link: str, folder: Path,
                                              cookie: str) -> None:
    admin.cookies.set("marketscout_new_link", cookie, path="/admin/rounds/1")
    page = admin.get("/admin/rounds/1")
    assert page.status_code == 200 and 'id="new-link"' not in page.text
    _no_internals(page.text, folder)


def test_a_store_failure_shows_no_database_message_or_path(
        admin: TestClient, link: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = folder / "marketscout.duckdb"

    def broken(*args: Any, **kwargs: Any) -> None:
        raise StoreError(f"Writing to the store failed: duckdb.IOException at {db}",
                         where=str(db), fix=f"Check {db}.")

    monkeypatch.setattr(survey, "submit_answer", broken)
    form = admin.get(link)
    for response in (admin.post(link, data={"csrf_token": csrf(form.text), "market": ["DEU"]}),
                     admin.put("/api" + link, json={"markets": ["DEU"]})):
        assert response.status_code == 503
        assert "could not answer this request" in response.text
        _no_internals(response.text, folder)


def test_no_error_page_shows_a_traceback_or_the_store_path(
        admin: TestClient, link: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = csrf(admin.get("/admin").text)
    pages = [admin.get("/admin/rounds/99"), admin.get("/admin/rounds/99999999999999999999"),
             admin.get("/admin/associations/7/remove"), admin.get("/survey/" + "B" * 43),
             admin.post("/admin/rounds", data={"csrf_token": token, "closes_on": "9999-12-31"}),
             admin.post("/admin/associations", data={"csrf_token": token, "name": "X",
                                                     "weight": "1e308"})]
    monkeypatch.setattr(survey, "list_rounds", lambda *a: [][1])
    pages.append(admin.get("/admin"))
    assert [p.status_code for p in pages] == [422, 422, 422, 404, 422, 422, 500]
    for page in pages:
        _no_internals(page.text, folder)
    assert "more than 5 years ahead" in pages[4].text
    assert "must be above 0: between 0.01 and 100, not 1e308" in pages[5].text


def test_a_bad_survey_link_shows_the_survey_page_without_navigation(admin: TestClient) -> None:
    page = admin.get("/survey/" + "C" * 43, headers={"accept-language": "lt"})
    assert page.status_code == 404 and "Ši apklausos nuoroda negalioja" in page.text
    assert "<nav" not in page.text and 'href="/' not in page.text.replace('href="/static', "")


def test_the_survey_page_has_no_internal_navigation(admin: TestClient, link: str) -> None:
    page = admin.get(link).text  # even for a logged-in admin
    assert "<header" not in page and "<footer" not in page and "/admin" not in page
    assert 'href="/' not in page.replace('href="/static/', "")
    assert "Log out" not in page


def test_the_access_log_redacts_invitation_tokens(app: Any, link: str) -> None:
    """As `marketscout serve` runs it: uvicorn's own logging set-up, access log on."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="info", lifespan="off")
    logging.getLogger("uvicorn.access").addHandler(keeper := Keep())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        token = link.rsplit("/", 1)[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            assert http.get(link).status_code == 200
            assert http.get(f"/api/survey/{token}").status_code == 200
            http.get("/survey/" + token[:30] + "?saved=true")
        time.sleep(0.2)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        logging.getLogger("uvicorn.access").removeHandler(keeper)
    survey_lines = [x for x in lines if "/survey/" in x]
    assert len(survey_lines) == 3, lines
    assert all(token not in x and token[:30] not in x for x in lines)
    assert any("GET /survey/[token] HTTP/1.1" in x for x in survey_lines)
    assert any("GET /api/survey/[token] HTTP/1.1" in x for x in survey_lines)


# --- uploads off the event loop, within bounds --------------------------------------------

def _big_xlsx(path: Path, rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("gii")
    sheet.append(["economy", "score", "year"])
    names = ["Germany", "France", "Poland", "Sweden", "Latvia"]
    for i in range(rows):
        sheet.append([names[i % 5], 40.0 + i % 9, 1990 + i // 5 % 30])
    book.save(path)
    return path.read_bytes()


@contextmanager
def _analyst_http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=300) as http:
        page = http.get("/login")
        http.post("/login", data={"csrf_token": csrf(page.text), "username": "ana",
                                  "password": ANALYST_PASSWORD})
        yield http


@pytest.mark.slow
def test_pages_answer_while_a_large_upload_is_parsed(app: Any, tmp_path: Path) -> None:
    content = _big_xlsx(tmp_path / "big.xlsx", 12_000)
    with live_server(app) as base, _analyst_http(base) as uploader, \
            httpx.Client(base_url=base, timeout=60) as other:
        token = csrf(uploader.get("/data").text)
        done: dict[str, float] = {}

        def upload() -> None:
            done["status"] = uploader.post(
                "/data/import", data={"csrf_token": token, "kind": "gii"},
                files={"file": ("big.xlsx", content)}).status_code
            done["at"] = time.monotonic()

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(0.5)
        answered: list[tuple[float, float]] = []  # (when it came back, how long it took)
        while "at" not in done and len(answered) < 40:
            start = time.monotonic()
            assert other.get("/login").status_code == 200
            answered.append((time.monotonic(), time.monotonic() - start))
        thread.join(timeout=300)
    during = [took for at, took in answered if at < done["at"]]
    assert done["status"] in (200, 422)  # parsed in full (the file's rows may be refused)
    assert len(during) >= 3, f"the upload ended before the pages were asked: {answered}"
    assert max(during) < 5.0, during


def test_an_upload_has_its_own_time_bound(app: Any) -> None:
    app.state.upload_bounds = worker.Bounds(seconds=0.001)
    with TestClient(app) as client:
        token = login(client, ANALYST_PASSWORD, username="ana", then="/data")
        response = client.post("/data/import", data={"csrf_token": token, "kind": "gii"},
                               files={"file": ("gii.csv", b"economy,score\nGermany,50\n")})
    assert response.status_code == 422
    assert "Reading gii.csv took longer than 0.001 s, so it was stopped" in response.text


def test_a_parse_has_its_own_memory_bound() -> None:
    with pytest.raises(worker.BoundExceededError, match="needed more than 16 MiB"):
        worker.run_bounded(bytearray, (512 * 1024 * 1024,), worker.Bounds(memory_mib=16),
                           what="Reading the file")
    assert worker.run_bounded(len, ("four",), worker.Bounds()) == 4


def test_an_upload_error_comes_back_from_the_worker(app: Any) -> None:
    with TestClient(app) as client:
        token = login(client, ANALYST_PASSWORD, username="ana", then="/data")
        response = client.post("/data/import", data={"csrf_token": token, "kind": "gii"},
                               files={"file": ("gii.csv", b"economy,score\nAtlantis,50\n")})
    assert response.status_code == 422 and "Atlantis" in response.text
    assert "marketscout-upload" not in response.text and "Traceback" not in response.text

