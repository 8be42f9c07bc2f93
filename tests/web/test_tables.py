"""Every data table of the web app: sortable and filterable (class "data", tables.js), with a
CSV and a JSON link to the same view (datasette-style `?_format=`); CSVs open in pandas with
no options and hold what the JSON API holds; the market table is one macro shared with the
HTML report."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

FAST = {"runs": "60", "seed": "7"}
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "marketscout"

PAGES = {  # page -> ids of its data tables
    "/": ["priority-table", "criteria-table"],
    "/data": ["status-table", "sources-table"],
    "/collab/pairs?home=LTU": ["pairs-table"],
    "/collab/thirds": ["thirds-table"],
    "/collab/profile/DEU?home=LTU": ["status-table", "year-table", "types-table",
                                     "partners-table", "parts-table"],
    "/plan": ["register-table"],
}


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a href="([^"]+)" data-format="(?:csv|json)"',
                                             html)]


@pytest.mark.parametrize("url", list(PAGES))
def test_every_table_is_sortable_filterable_and_linked(reader: Any, url: str) -> None:
    html = reader.get(url, params=FAST if url == "/" else None).text
    assert '<script src="/static/tables.js" defer></script>' in html
    for table_id in PAGES[url]:
        tag = re.search(rf'<table[^>]*id="{table_id}"[^>]*>', html)
        assert tag and 'class="data' in tag.group(0), table_id
    links = _links(html)
    assert len(links) >= 2 * len(PAGES[url]) or url == "/", links
    for link in links:
        answer = reader.get(link)
        assert answer.status_code == 200, (link, answer.text[:300])
        if link.startswith("/downloads/priority.csv"):
            continue  # the list's own CSV writer (branch outputs makes it plain, issue 12)
        if "csv" in answer.headers["content-type"]:
            frame = pd.read_csv(io.StringIO(answer.content.decode("utf-8-sig")))
            assert len(frame.columns) >= 2, link
        else:
            assert answer.json(), link


def test_pairs_csv_equals_the_json_api(reader: Any) -> None:
    text = reader.get("/collab/pairs", params={"home": "LTU", "_format": "csv"})
    assert text.headers["content-disposition"].endswith('marketscout-pairs.csv"')
    assert text.content.startswith(b"\xef\xbb\xbf")  # Excel reads the names right
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    api = reader.get("/api/collab/pairs", params={"home": "LTU"}).json()["partners"]
    assert len(rows) == len(api)
    first = rows[0]
    key = next(k for k in first if "joint" in k.lower())
    assert int(float(first[key])) == api[0]["joint_projects"]
    same = reader.get("/collab/pairs", params={"home": "LTU", "_format": "json"}).json()
    assert same["table"] == "pairs" and "source" in same and len(same["rows"]) == len(api)


def test_profile_table_by_name_and_bad_names(reader: Any) -> None:
    years = reader.get("/collab/profile/DEU", params={"_format": "json", "_table": "by_year"})
    assert years.json()["table"] == "by_year" and "year" in years.json()["rows"][0]
    bad = reader.get("/collab/profile/DEU", params={"_format": "json", "_table": "nope"},
                     headers={"accept": "application/json"})
    assert bad.status_code == 422 and "by_year" in bad.json()["fix"]
    odd = reader.get("/collab/thirds", params={"_format": "xml"},
                     headers={"accept": "application/json"})
    assert odd.status_code == 422 and "_format" in odd.json()["where"]


def test_sources_csv_holds_every_source(reader: Any) -> None:
    text = reader.get("/data", params={"_format": "csv", "_table": "sources"}).content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    api = reader.get("/api/data/status").json()["sources"]
    assert sorted(r["source_id"] for r in rows) == sorted(s["source_id"] for s in api)


def test_the_market_table_is_one_macro() -> None:
    report = (TEMPLATES / "reports" / "templates" / "report.html").read_text()
    web = (TEMPLATES / "web" / "templates" / "_ranking.html").read_text()
    for text in (report, web):
        assert '{% from "_market_table.html" import market_table %}' in text
        assert "<th class=\"num\">rank</th>" not in text  # no copy of the table's columns


def test_collaboration_pages_are_in_the_nav_and_codes_are_explained(reader: Any) -> None:
    html = reader.get("/collab/pairs", params={"home": "LTU"}).text
    for href in ('href="/collab/pairs"', 'href="/collab/thirds"', 'href="/collab/profile"',
                 'href="/collab/partners"'):
        assert href in html, href
    assert '<abbr title="Leadership in Enabling and Industrial Technologies' in html
    assert 'id="parts-legend"' in html and "<dt>SC1</dt>" in html
    profiles = reader.get("/collab/profile")
    assert profiles.status_code == 200 and "/collab/profile/DEU?home=LTU" in profiles.text
    picked = reader.get("/collab/profile", params={"country": "Germany"},
                        follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"].startswith(
        "/collab/profile/DEU?")


def test_commands_in_pages_are_code_not_backticks(reader: Any) -> None:
    html = reader.get("/data").text
    assert "<code>marketscout data import imd FILE</code>" in html
    assert "`marketscout" not in html


def test_the_partner_finder_says_what_it_can_search_before_a_search(reader: Any) -> None:
    page = reader.get("/collab/partners")
    assert page.status_code == 200 and 'id="partner-data"' in page.text
    # the snapshot holds the Horizon Europe sample: it searches that and says it is a sample
    assert "100 projects with texts to search" in page.text
    assert "a sample of 100 Horizon Europe projects" in page.text
    assert "<code>marketscout data update cordis</code>" in page.text \
        and 'href="/collab/pairs?home=LTU"' in page.text
