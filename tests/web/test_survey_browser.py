"""The survey in a real browser (Debian's Chromium through Playwright): the admin creates a
round and an association, the association answers through its link, the admin sees it counted.
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from survey_support import PASSWORD, closing_date, live_server, make_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def survey_server(tmp_path: Path) -> Iterator[str]:
    """uvicorn on 127.0.0.1 (a free port) over an empty store with a known admin password."""
    with live_server(make_app(tmp_path / "home")) as base:
        yield base


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"survey-{name}.png"), full_page=True)


def _admin_creates_round_and_invites(page: Any, base: str) -> str:
    page.goto(f"{base}/admin")
    assert page.url.endswith("/login?next=/admin")  # login required
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button:text('Log in')")
    page.fill("#title", "Export markets survey 2030")
    page.fill("#closes_on", closing_date())
    page.fill("#max_markets", "3")
    page.fill("#home", "LTU")
    page.click("button:text('Create round')")
    assert "/admin/rounds/" in page.url
    page.fill("#invite-new #name", "LINPRA")
    page.fill("#invite-new #weight", "2")
    page.click("button:text('Invite and show the link')")
    link: str = page.input_value("#new-link")
    assert "/survey/" in link
    _shot(page, "1-admin-invited")
    return link


def test_association_answers_and_admin_sees_it_counted(browser: Any, page: Any,
                                                       survey_server: str) -> None:
    link = _admin_creates_round_and_invites(page, survey_server)
    assert page.inner_text("#answered") == "0"

    respondent = browser.new_context(viewport={"width": 1000, "height": 900})
    form = respondent.new_page()
    dialogs: list[str] = []
    form.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    form.goto(link)
    assert form.locator("datalist#markets option").count() > 150  # searchable country list
    form.fill("#market-1", "Germany (DEU)")
    form.fill("#market-2", "Poland (POL)")
    form.fill("#comment", "<script>alert('x')</script> more fairs, please")
    form.click("button:text('Send answer')")
    assert "your answer is saved" in form.inner_text("[role=status]")
    assert form.inner_text("ol.answer") == "Germany (DEU)\nPoland (POL)"
    _shot(form, "2-respondent-saved")
    form.fill("#market-2", "Sweden (SWE)")  # edit while the round is open
    form.click("button:text('Save changes')")
    assert form.inner_text("ol.answer") == "Germany (DEU)\nSweden (SWE)"
    respondent.close()

    page.click("a:text('Survey rounds')")
    page.click("a:text('Export markets survey 2030')")
    assert page.inner_text("#answered") == "1"
    assert page.locator("#new-link").count() == 0  # a link is shown once only
    rows = page.locator("#results tbody tr").all_inner_texts()
    # k = 3, one association: Germany first (3 points), Sweden second (2 points)
    assert [r.split("\t")[:2] for r in rows] == [["Germany (DEU)", "3.00"],
                                                  ["Sweden (SWE)", "2.00"]]
    comment = page.inner_text("#answers td.comment")
    assert comment.startswith("<script>alert('x')</script>")  # shown as text, never run
    assert not dialogs
    _shot(page, "3-admin-counted")


def test_the_survey_page_at_420_px_shows_the_survey_only(browser: Any, page: Any,
                                                         survey_server: str) -> None:
    """A respondent on a phone: no link into the agency's app, no horizontal scroll, the
    admin's languages and privacy notice, every problem beside its box."""
    link = _admin_creates_round_and_invites(page, survey_server)
    page.goto(f"{survey_server}/admin/settings")
    page.check("input[name=languages][value=lt]")
    page.fill("#privacy_lt", "Atsakymus renka agentūra; saugomi 2 metus.")
    page.fill("#privacy_en", "The agency collects the answers; kept for 2 years.")
    page.click("button:text('Save settings')")
    assert page.inner_text("[role=status]") == "Settings saved."

    phone = browser.new_context(viewport={"width": 420, "height": 900},
                                locale="lt-LT", extra_http_headers={"Accept-Language": "lt"})
    form = phone.new_page()
    form.goto(link)
    assert form.locator("html").get_attribute("lang") == "lt"
    assert form.locator("header, nav.site, footer").count() == 0
    hrefs = form.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs == ["?lang=en"]  # the only link: the other language
    assert "Atsakymus renka agentūra" in form.inner_text(".privacy")
    assert form.locator("option[value='Vokietija (DEU)']").count() == 1
    width = form.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, f"the survey page is {width} px wide at 420 px"
    form.fill("#market-1", "Vokietija (DEU)")
    form.fill("#market-3", "Lenkija (POL)")  # box 2 left empty: a gap
    form.click("button:text('Siųsti atsakymą')")
    assert "Laukelis Nr. 2 tuščias" in form.inner_text("#problems")
    assert form.locator("p.invalid input#market-2").count() == 1
    _shot(form, "4-respondent-420px-lt")
    form.click("a:text('English')")
    assert "The agency collects the answers" in form.inner_text(".privacy")
    form.wait_for_load_state("load")  # the stylesheet applied: the page as it stays
    assert form.evaluate("document.documentElement.scrollWidth") <= 420
    # Before survey.css arrives (a slow phone connection; the click above returns once the
    # new page's text is there, not its stylesheet) the page must fit too: nothing sized in
    # HTML attributes (a textarea's cols="60" made it 511 px wide).
    form.route("**/survey.css", lambda route: route.abort())
    form.goto(form.url)
    width = form.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, f"without its stylesheet the survey page is {width} px wide"
    phone.close()
