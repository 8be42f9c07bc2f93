"""Web fixtures: an in-process client on the `home` store, a uvicorn server on 127.0.0.1 over a
copy of the snapshot store, and Playwright driving Debian's Chromium (never a downloaded one).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marketscout.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # screenshots (git-ignored)


def _test_client(settings: Settings | None) -> Any:
    with warnings.catch_warnings():  # starlette's notice about httpx, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from marketscout.web.app import create_app

    return TestClient(create_app(settings))


def _home_copy(tmp_path_factory: pytest.TempPathFactory, snapshot_db: Path) -> Settings:
    folder = tmp_path_factory.mktemp("web-home")
    shutil.copy(snapshot_db, folder / "marketscout.duckdb")
    return Settings(home=folder, cache_dir=folder / "cache",
                    admin_password="test-admin-password")


@pytest.fixture
def client(home: Path) -> Iterator[Any]:
    """A TestClient on the app over the isolated `home` store (a fresh copy of the snapshot):
    for tests that change the store."""
    with _test_client(None) as test_client:
        yield test_client


ANALYST_PASSWORD = "analyst passphrase 2030"


def log_in(test_client: Any, username: str, password: str) -> None:
    """Log `test_client` in through the login form."""
    import re

    page = test_client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[-500:]
    done = test_client.post("/login", data={"csrf_token": token.group(1), "username": username,
                                            "password": password, "next": "/data"})
    assert done.status_code == 200 and done.url.path == "/data", done.text[-500:]


@pytest.fixture
def analyst(home: Path) -> Iterator[Any]:
    """A TestClient logged in as the analyst 'ana', on the isolated `home` store."""
    from marketscout import access
    from marketscout.store import Store

    with Store(home / "marketscout.duckdb") as store:
        access.add_user(store, "ana", access.ANALYST, ANALYST_PASSWORD)
    with _test_client(None) as test_client:
        log_in(test_client, "ana", ANALYST_PASSWORD)
        yield test_client


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory, snapshot_db: Path) -> Iterator[Any]:
    """A TestClient shared by a module's read-only tests (its caches stay warm)."""
    with _test_client(_home_copy(tmp_path_factory, snapshot_db)) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, snapshot_db: Path) -> Iterator[str]:
    """A uvicorn server on 127.0.0.1 (its own copy of the snapshot store); yields its URL."""
    import uvicorn

    from marketscout.web.app import create_app

    app = create_app(_home_copy(tmp_path_factory, snapshot_db))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start on 127.0.0.1")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright; skips where /usr/bin/chromium is absent."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is absent: `apt-get install -y chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; a screenshot of its last state is kept in tests/artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    found = context.new_page()
    yield found
    ARTIFACTS.mkdir(exist_ok=True)
    found.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
