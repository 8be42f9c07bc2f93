"""Reports and charts: the self-contained HTML report, Vega-Lite specs rendered offline, and
the Excel workbook's weights and robustness sheets."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from marketscout import priority
from marketscout.criteria import Criterion
from marketscout.provenance import Provenance
from marketscout.reports import charts, export, html
from marketscout.store import Store

Run = Callable[..., tuple[int, str, str]]
# A resource the browser would fetch: src/href/url()/@import pointing at http(s). The SVG
# namespace declarations (xmlns="http://www.w3.org/2000/svg") are names, not fetches.
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
                      r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""", re.IGNORECASE)
SOURCE = Provenance(source_id="test_source", title="Test index", publisher="Test Office",
                    url="https://example.org/data", licence="CC BY 4.0", edition="2023")


def criterion(cid: str, values: dict[str, float]) -> Criterion:
    series = pd.Series(values, dtype=float).rename_axis("iso3")
    return Criterion(id=cid, name=f"criterion {cid}", unit="points", direction=1,
                     values=series, year="2023", sources=(SOURCE,))


def small_list(**weights: float) -> priority.PriorityList:
    """Four markets, two criteria; DEU is best on both, so it is always rank 1."""
    found = [criterion("innovation", {"DEU": 60, "FRA": 50, "ITA": 40, "ESP": 45}),
             criterion("horizon", {"DEU": 300, "FRA": 200, "ITA": 220, "ESP": 100})]
    options = priority.Options(top=1, runs=50, seed=3, weights=weights)
    return priority.build_priority_list("LTU", found, options)


def test_weights_sheet_shares_are_hand_computed(tmp_path: Path) -> None:
    plist = small_list(innovation=3, horizon=1)
    target = tmp_path / "list.xlsx"
    export.to_xlsx(plist, target)
    book = openpyxl.load_workbook(target)
    rows = list(book["weights"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    shares = {r[header.index("Criterion")]: r[header.index("Share of the total weight")]
              for r in body}
    assert shares == {"innovation": pytest.approx(0.75), "horizon": pytest.approx(0.25)}
    robust = list(book["robustness"].iter_rows(values_only=True))
    assert robust[0][:4] == ("Market (ISO3)", "Market", "Rank", "Median rank (Monte Carlo)")
    assert robust[1][0] == "DEU" and robust[1][2] == 1


def test_tier_map_marks_home_ranked_and_unranked() -> None:
    plist = small_list()
    frame = pd.DataFrame({
        "iso3": ["DEU", "FRA", "LTU", "BRA", None],
        "name": ["Germany", "France", "Lithuania", "Brazil", "N. Cyprus"],
        "geometry": ['{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}'] * 5})
    spec = charts.tier_map(plist, frame, "Natural Earth")
    tiers = {f["properties"]["name"]: f["properties"]["tier"] for f in spec["data"]["values"]}
    # DEU is best on both criteria: in the top 1 in every run (core); FRA is ranked, never top
    assert tiers == {"Germany": "core", "France": "ranked", "Lithuania": "home",
                     "Brazil": "not ranked", "N. Cyprus": "not ranked"}
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Test Office" in subtitle and "(2023)" in subtitle and "Natural Earth" in subtitle


def test_charts_render_offline_and_name_sources() -> None:
    plist = small_list()
    svg = charts.to_svg(charts.rank_interval_chart(plist))
    assert svg.startswith("<svg") and "Test Office" in svg and "2023" in svg
    with pytest.raises(ValueError, match="not allowed"):  # no network access while rendering
        charts.to_svg({"data": {"url": "https://example.com/data.json"}, "mark": "point"})


def test_html_report_is_self_contained_and_names_sources(store: Store) -> None:
    plist = small_list()
    document = html.render_report(store, plist)  # an empty store: no boundaries, no map
    assert document.startswith("<!doctype html>")
    assert not EXTERNAL.search(document), EXTERNAL.search(document)
    assert "<script" not in document.lower() and "<link" not in document.lower()
    assert "<style>" in document and "<svg" in document
    assert "Test Office" in document and "2023" in document
    assert "No country boundaries in the store" in document


def test_report_command_writes_an_offline_report(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "ltu.html"
    code, _, err = run("report", "--home", "LTU", "--runs", "50", "--output", str(target))
    assert code == 0, err
    document = target.read_text(encoding="utf-8")
    assert not EXTERNAL.search(document), EXTERNAL.search(document)
    for cited in ("WIPO", "Global Innovation Index 2019", "CORDIS", "Natural Earth"):
        assert cited in document
    assert document.count("<svg") == 2  # the tier map and the rank intervals
    assert "Priority markets for Lithuania (LTU)" in document
