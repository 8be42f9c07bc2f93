"""Browser tests: Playwright drives Debian's Chromium against a uvicorn server on 127.0.0.1.

The app's Content-Security-Policy stays on (no eval), so waits use Playwright's locators, and
the pages' own script is checked to work under it. Screenshots of each test's last page are
kept in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TIMEOUT = 60_000  # ms; re-ranking with 1000 Monte Carlo runs on a busy 2-core machine


def first_market(page: Any) -> str:
    return str(page.locator("#priority-table tbody tr").first.get_attribute("data-iso3"))


def test_change_a_weight_and_the_ranking_changes(server: str, page: Any) -> None:
    page.goto(f"{server}/", timeout=TIMEOUT)
    assert page.locator("h1").inner_text() == "Priority markets for Lithuania (LTU)"
    assert first_market(page) == page.request.get(
        f"{server}/api/priority").json()["markets"][0]["iso3"]
    url_before = page.url
    loads: list[str] = []
    page.on("load", lambda _: loads.append(page.url))  # a full reload would fire "load"
    with page.expect_response(lambda r: "/charts/tiers.svg" in r.url and "innovation%3D0"
                              in r.url, timeout=TIMEOUT) as map_response:
        page.fill('input[name="w_innovation"]', "0")  # rank on joint Horizon projects alone
        page.click("#controls button[type=submit]")
        row = page.locator("#priority-table tbody tr").first
        # Germany has the most joint H2020 projects with Lithuania (288)
        expect(row).to_have_attribute("data-iso3", "DEU", timeout=TIMEOUT)
    assert map_response.value.ok
    assert loads == []
    assert "w_innovation=0" in page.url and page.url != url_before
    expect(page.locator("#criteria-table")).to_contain_text("weight set to 0")


def test_open_a_market_profile(server: str, page: Any) -> None:
    page.goto(f"{server}/", timeout=TIMEOUT)
    page.click('#priority-table a[href^="/markets/DEU"]')
    page.wait_for_url("**/markets/DEU**", timeout=TIMEOUT)
    assert "Germany (DEU)" in page.locator("h1").inner_text()
    assert "288 joint projects" in page.content()
    assert page.locator("#dsm-status").inner_text().startswith("Not available")
    src = page.locator("figure.chart img").first.get_attribute("src")
    assert src and src.startswith("/charts/horizon/DEU.svg")
    chart = page.request.get(server + src)
    assert chart.ok and chart.headers["content-type"].startswith("image/svg+xml")


def test_unknown_market_page(server: str, page: Any) -> None:
    response = page.goto(f"{server}/markets/XYZ", timeout=TIMEOUT)
    assert response.status == 404
    assert "not a candidate market" in page.locator(".what").inner_text()
