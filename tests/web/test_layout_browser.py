"""The layout in Debian's Chromium (issue 12): no horizontal scroll on the main pages at
420 px (a phone; the sidebar collapses) and at 1400 px (the data page fits a laptop screen).
Screenshots of every page at both widths are kept in tests/artifacts/layout-*.png
(git-ignored; CI keeps them as artifacts). Also: the address bar and the nav's Downloads link
carry the view as soon as a re-rank starts; tables sort and filter in the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from survey_support import PASSWORD, invite_new, live_server, login, new_round

from marketscout.plan import service
from marketscout.settings import Settings
from marketscout.store import Store
from marketscout.web.app import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
TIMEOUT = 60_000
WIDTHS = (420, 1400)
PAGES = {"overview": "/", "market": "/markets/DEU", "data": "/data",
         "pairs": "/collab/pairs", "thirds": "/collab/thirds",
         "profile": "/collab/profile/DEU", "partners": "/collab/partners",
         "plan": "/plan", "alignment": "/plan/alignment", "targets": "/plan/targets",
         "proposal": "/plan/proposal", "downloads": "/downloads",
         "docs": "/docs/data-sources"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, snapshot_db: Path
         ) -> Iterator[tuple[str, str]]:
    """A server over a copy of the snapshot with the example plan and one survey round;
    yields its URL and the survey link's path."""
    folder = tmp_path_factory.mktemp("layout-home")
    shutil.copy(snapshot_db, folder / "marketscout.duckdb")
    with Store(folder / "marketscout.duckdb") as store:
        service.import_register(store, "LTU", EXAMPLES / "register.csv")
        service.import_targets(store, "LTU", EXAMPLES / "targets.csv")
    app = create_app(Settings(home=folder, cache_dir=folder / "cache", admin_password=PASSWORD))
    with TestClient(app) as admin:
        token = login(admin)
        survey = invite_new(admin, token, new_round(admin, token), "LINPRA")
    with live_server(app) as base:
        yield base, survey


def _overflow(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(
        "() => { const d = document.documentElement; const wide = [];"
        " document.querySelectorAll('main *').forEach(e => { const r = e.getBoundingClientRect();"
        " if (r.right > window.innerWidth + 1 && !e.closest('.table-wrap')) {"
        " wide.push(e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' +"
        " Math.round(r.right)); } });"
        " return {scroll: d.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 8)}; }"))


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll_on_the_main_pages(browser: Any, site: tuple[str, str],
                                                 width: int) -> None:
    base, survey = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    failures = {}
    for name, path in {**PAGES, "survey": survey}.items():
        response = page.goto(f"{base}{path}", timeout=TIMEOUT)
        assert response is not None and response.ok, (name, response and response.status)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT)
        page.screenshot(path=str(ARTIFACTS / f"layout-{width}-{name}.png"), full_page=True)
        found = _overflow(page)
        if found["scroll"] > found["inner"]:
            failures[name] = found
    context.close()
    assert failures == {}


def test_the_address_bar_and_downloads_link_follow_each_rerank(browser: Any,
                                                                site: tuple[str, str]) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/", timeout=TIMEOUT)
    for value in ("3", "0"):
        page.fill('input[name="w_innovation"]', value)
        page.dispatch_event('input[name="w_innovation"]', "change")
        # at once, before the new ranking arrives
        assert f"w_innovation={value}" in page.url
        href = page.get_attribute("#nav-downloads", "href")
        assert href and href.startswith("/downloads?") and f"w_innovation={value}" in href
    expect(page.locator("#priority-table tbody tr").first).to_have_attribute(
        "data-iso3", "DEU", timeout=TIMEOUT)
    page.click("#nav-downloads")
    page.wait_for_url("**/downloads?**", timeout=TIMEOUT)
    assert "w_innovation=0" in page.url
    assert "innovation%3D0" in str(page.get_attribute('a[href^="/downloads/priority.xlsx"]',
                                                      "href"))
    context.close()


def test_tables_sort_and_filter(browser: Any, site: tuple[str, str]) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/collab/thirds", timeout=TIMEOUT)
    rows = page.locator("#thirds-table tbody tr")
    total = rows.count()
    assert total > 5
    header = page.locator("#thirds-table th", has_text="participations").first
    header.locator("button.sort").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    values = [int(t.replace(",", "")) for t in page.locator(
        "#thirds-table tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values)
    header.locator("button.sort").click()
    values = [int(t.replace(",", "")) for t in page.locator(
        "#thirds-table tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values, reverse=True)
    page.fill("#filter-thirds-table", "united states")
    expect(page.locator("#thirds-table tbody tr:visible")).to_have_count(1)
    assert "of" in page.inner_text("label.table-filter .filter-count")
    context.close()
