"""Server-rendered pages, in-process: overview, re-ranking partial, market profile, data page
with its upload form, downloads; escaping of market-facing strings; 404 pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from marketscout import access
from marketscout.countries import candidates
from marketscout.provenance import Provenance
from marketscout.settings import load_settings
from marketscout.store import open_store
from marketscout.web.csrf import CSRF_FIELD

FAST = {"runs": "60", "seed": "7"}
HTML = {"accept": "text/html"}
USER = Path(__file__).resolve().parents[1] / "data" / "user"
SCRIPT = '<script>alert("x")</script>'


def page(client: Any, url: str, status: int = 200, **params: str) -> str:
    response = client.get(url, params={**FAST, **params}, headers=HTML)
    assert response.status_code == status, response.text[-800:]
    return str(response.text)


def first_markets(html: str, n: int = 5) -> list[str]:
    return re.findall(r'data-iso3="([A-Z]{3})"', html)[:n]


def test_overview_shows_list_controls_charts_and_sources(reader: Any) -> None:
    html = page(reader, "/")
    assert "Priority markets for Lithuania (LTU)" in html
    api = reader.get("/api/priority", params=FAST).json()
    assert first_markets(html, 1) == [api["markets"][0]["iso3"]]  # the page shows the list
    assert api["headline"] in html.replace("&#39;", "'")
    for cid in ("innovation", "horizon", "digital", "fdi", "exports", "dsm", "survey"):
        assert f'name="w_{cid}"' in html
    assert 'src="/charts/tiers.svg?' in html and 'src="/charts/intervals.svg?' in html
    assert "90% rank interval" in html and "P(top 32)" in html
    assert "left out:" in html and "below the 50% coverage threshold" in html  # e.g. digital
    assert "WIPO" in html and "CORDIS" in html and "2014-2022" in html
    assert '<script src="/static/rerank.js"' in html


def test_a_left_out_criterions_weight_box_says_so(reader: Any) -> None:
    html = page(reader, "/")
    for cid in ("digital", "fdi"):  # below the coverage threshold on the snapshot
        label = re.search(rf"<label[^>]*>((?:(?!</label>).)*name=\"w_{cid}\")", html, re.S)
        assert label and "left out:" in label.group(1) and "coverage" in label.group(1)
    label = re.search(r"<label[^>]*>((?:(?!</label>).)*name=\"w_innovation\")", html, re.S)
    assert label and "left out" not in label.group(1)


def test_partial_reranks_with_the_weights(reader: Any) -> None:
    default = page(reader, "/partials/priority")
    horizon_only = page(reader, "/partials/priority", w_innovation="0", top="10")
    assert "<html" not in horizon_only  # a fragment, not a page
    assert first_markets(horizon_only, 1) == ["DEU"]  # most joint H2020 projects with LTU
    assert first_markets(default) != first_markets(horizon_only)
    assert "P(top 10)" in horizon_only
    assert "weight set to 0" in horizon_only


def test_overview_bad_parameter_is_a_clear_page(reader: Any) -> None:
    html = page(reader, "/", status=422, top="many")
    assert "top must be a whole number" in html and "query parameter top" in html


def test_market_profile(reader: Any) -> None:
    html = page(reader, "/markets/DEU")
    assert "Germany (DEU) as a market for Lithuania" in html
    assert "median of candidates" in html
    assert 'id="dsm-status"' in html and "Not available" in html
    assert "288 joint projects" in html  # CORDIS H2020, LTU with DEU
    assert 'src="/charts/horizon/DEU.svg?' in html
    assert 'id="horizon-parts"' in html and "LEIT" in html


def test_unknown_market_is_a_clear_404_page(reader: Any) -> None:
    html = page(reader, "/markets/XYZ", status=404)
    assert "Not found" in html and "not a candidate market" in html
    html = page(reader, f"/markets/{SCRIPT}", status=404)
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_charts_are_svg_naming_their_sources(reader: Any) -> None:
    for url in ("/charts/tiers.svg", "/charts/intervals.svg", "/charts/horizon/DEU.svg"):
        response = reader.get(url, params=FAST)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg") and "CORDIS" in response.text
    assert "Natural Earth" in reader.get("/charts/tiers.svg", params=FAST).text


def test_downloads(reader: Any) -> None:
    html = page(reader, "/downloads", top="10")
    assert "/downloads/priority.xlsx?" in html and "/downloads/report.html?" in html
    book = openpyxl.load_workbook(io.BytesIO(
        reader.get("/downloads/priority.xlsx", params={**FAST, "top": "10"}).content))
    assert {"priority list", "criteria", "weights", "robustness", "sources"} <= set(
        book.sheetnames)
    report = reader.get("/downloads/report.html", params=FAST)
    assert report.headers["content-disposition"].startswith("attachment")
    assert "<svg" in report.text
    csv = reader.get("/downloads/priority.csv", params=FAST).text
    assert csv.startswith("Market (ISO3),Market,Rank")  # plain CSV, no '#' lines


def csrf(client: Any) -> str:
    html = page(client, "/data")
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def upload(client: Any, kind: str, filename: str, content: bytes, token: str | None = None,
           **fields: str) -> Any:
    data = {"kind": kind, **fields}
    if token is not None:
        data[CSRF_FIELD] = token
    return client.post("/data/import", data=data, files={"file": (filename, content)},
                       headers=HTML)


def user_sources() -> set[str]:
    with open_store(load_settings().db_path) as store:
        return {p.source_id for p in store.provenance() if p.source_id.startswith("user_")}


def test_data_page_shows_status_and_provenance(reader: Any, analyst: Any) -> None:
    html = page(reader, "/data")
    assert 'id="status-table"' in html and 'id="sources-table"' in html
    assert "naturalearth_110m" in html and "cordis_h2020" in html
    # the upload form is for analysts: anyone else is asked to log in
    assert 'id="upload-form"' not in html and 'id="import-login"' in html
    html = page(analyst, "/data")
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html


def test_an_upload_without_a_login_is_refused_and_loads_nothing(client: Any) -> None:
    assert 'name="csrf_token"' not in page(client, "/data")  # no upload form to fill in
    with open_store(load_settings().db_path) as store:  # so that /login shows its form
        access.add_user(store, "ana", access.ANALYST, "a long passphrase")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    response = client.post("/data/import", data={"kind": "gii", CSRF_FIELD: token.group(1)},
                           files={"file": ("gii_good.csv", (USER / "gii_good.csv").read_bytes())},
                           headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert user_sources() == set()


def test_upload_with_a_bad_cell_shows_file_row_column_and_loads_nothing(analyst: Any) -> None:
    token = csrf(analyst)
    response = upload(analyst, "gii", "gii_not_number.csv",
                      (USER / "gii_not_number.csv").read_bytes(), token)
    assert response.status_code == 422
    text = response.text
    assert "Nothing was loaded" in text
    assert "gii_not_number.csv, row 3, column &#39;score&#39;" in text
    assert "marketscout-upload" not in text  # the temporary folder never shows
    assert user_sources() == set()


def test_good_upload_is_loaded_and_used(analyst: Any) -> None:
    before = analyst.get("/api/priority", params=FAST).json()
    token = csrf(analyst)
    response = upload(analyst, "gii", "gii_good.csv", (USER / "gii_good.csv").read_bytes(),
                      token)
    assert response.status_code == 200, response.text[-600:]
    assert 'id="import-ok"' in response.text and "user_gii" in response.text
    assert user_sources() == {"user_gii"}
    # the app's cache saw the new data; a file of a few economies does not replace a complete
    # edition (coverage rule), and the criterion says why
    status = analyst.get("/api/data/status").json()["criteria"]
    innovation = next(s for s in status if s["criterion"] == "innovation")
    assert "user_gii" not in innovation["source_ids"]
    assert any("user_gii" in note for note in innovation["notes"])
    pinned = analyst.get("/api/priority", params=FAST).json()
    assert pinned["criteria_used"][0]["year"] == before["criteria_used"][0]["year"]


def test_upload_without_csrf_token_is_refused(analyst: Any) -> None:
    csrf(analyst)  # the cookie is set, but the form field is missing
    response = upload(analyst, "gii", "gii_good.csv", (USER / "gii_good.csv").read_bytes())
    assert response.status_code == 403
    response = upload(analyst, "gii", "gii_good.csv", (USER / "gii_good.csv").read_bytes(),
                      token="forged")
    assert response.status_code == 403
    assert user_sources() == set()


@pytest.mark.parametrize("name", ["notes.pdf", "", "../../etc/passwd"])
def test_upload_needs_a_csv_or_excel_file(analyst: Any, name: str) -> None:
    response = upload(analyst, "gii", name or "x", b"economy,score\n", csrf(analyst))
    assert response.status_code in (422, 400)
    assert user_sources() == set()


def test_market_facing_strings_are_escaped(analyst: Any) -> None:
    """A source whose title and a list whose name carry a <script> show it as text."""
    with open_store(load_settings().db_path) as store:
        cands = candidates("LTU")  # a complete newer edition, so that the criterion uses it
        frame = pd.DataFrame({"iso3": cands, "edition": 2023, "code": "GII", "name": SCRIPT,
                              "score": [50.0 + i % 30 for i in range(len(cands))],
                              "rank": [1.0 + i for i in range(len(cands))]})
        store.load({"gii": frame}, Provenance(
            source_id="user_gii", title=f"GII {SCRIPT}", publisher=SCRIPT, url="file:///x",
            licence="test", edition="2023", note=SCRIPT))
    token = csrf(analyst)
    listed = upload(analyst, "list", "mine.csv", b"market\nGermany\n", token, name=SCRIPT)
    assert listed.status_code == 200, listed.text[-600:]
    for url in ("/", "/data", "/markets/DEU"):
        html = page(analyst, url)
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(" in html, url
    report = analyst.get("/downloads/report.html", params=FAST).text
    assert SCRIPT not in report and "&lt;script&gt;alert(" in report


def test_serve_starts_uvicorn_on_the_given_address(run: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    code, out, err = run("serve", "--port", "8123")
    assert code == 0, err
    assert started["host"] == "127.0.0.1" and started["port"] == 8123
    assert "http://127.0.0.1:8123/" in out
    assert "/api/priority" in started["app"].openapi()["paths"]
