"""The survey in a real browser (Debian's Chromium through Playwright): the admin creates a
round and an association, the association answers through its link, the admin sees it counted.
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from survey_support import PASSWORD, live_server, make_app

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
    assert page.url.endswith("/admin/login")  # login required
    page.fill("#password", PASSWORD)
    page.click("button:text('Log in')")
    page.fill("#title", "Export markets survey 2030")
    page.fill("#closes_on", "2099-12-31")
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
