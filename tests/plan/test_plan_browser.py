"""Browser test: an analyst logs in (Debian's Chromium), adds an activity through the
register's form and sees the alignment page change."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marketscout import access
from marketscout.plan import service
from marketscout.settings import Settings
from marketscout.store import Store

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
TIMEOUT = 60_000
PASSWORD = "analyst passphrase 2030"


@pytest.fixture
def served(tmp_path: Path, snapshot_db: Path) -> Iterator[tuple[str, Path]]:
    import uvicorn

    from marketscout.web.app import create_app

    db = tmp_path / "marketscout.duckdb"
    shutil.copy(snapshot_db, db)
    with Store(db) as store:
        service.import_register(store, "LTU", EXAMPLES / "register.csv")
        access.add_user(store, "ana", access.ANALYST, PASSWORD)
    app = create_app(Settings(home=tmp_path, cache_dir=tmp_path / "cache"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    server.should_exit = True
    thread.join(timeout=10)


def test_adding_an_activity_changes_the_alignment(served: tuple[str, Path]) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is absent: `apt-get install -y chromium`")
    from playwright.sync_api import expect, sync_playwright

    url, _db = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        page: Any = browser.new_page()
        page.goto(f"{url}/plan/alignment?period=2025", timeout=TIMEOUT)
        expect(page.locator("#gaps")).to_contain_text("Italy", timeout=TIMEOUT)
        before = page.locator("#alignment-summary").inner_text()
        page.goto(f"{url}/login?next=/plan", timeout=TIMEOUT)
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url("**/plan", timeout=TIMEOUT)
        page.click("#add-activity summary")
        page.select_option("#add-type", "mission")
        page.fill("#add-markets", "Italy")
        page.fill("#add-start", "2025-05-05")
        page.select_option("#add-status", "done")
        page.fill("#add-currency", "EUR")
        page.fill("#add-cost", "20000")
        page.click("#add-form button[type=submit]")
        expect(page.locator("#message")).to_contain_text("Added activity", timeout=TIMEOUT)
        page.goto(f"{url}/plan/alignment?period=2025", timeout=TIMEOUT)
        expect(page.locator("#gaps")).not_to_contain_text("Italy", timeout=TIMEOUT)
        after = page.locator("#alignment-summary").inner_text()
        assert "activities counted\t20" in after and "activities counted\t19" in before
        browser.close()
