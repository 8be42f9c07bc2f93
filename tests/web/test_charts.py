"""The charts (issue 12): the rank-interval chart shows full labels, the real N in its legend
and a rule at the cut-off; charts follow the requested width; the world map has a Europe inset,
small markets as points, and "not ranked" apart from the sea."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from test_reports import criterion, small_list

from marketscout import priority
from marketscout.reports import charts

LONG = "St. Vincent and the Grenadines"


def eleven() -> priority.PriorityList:
    """Eleven markets (one with a long name), top 4."""
    names = ["DEU", "FRA", "ITA", "ESP", "POL", "NLD", "BEL", "AUT", "VCT", "SWE", "DNK"]
    values = {c: float(100 - 7 * i) for i, c in enumerate(names)}
    found = [criterion("innovation", values),
             criterion("horizon", {c: v * 2 for c, v in values.items()})]
    return priority.build_priority_list("LTU", found, priority.Options(top=4, runs=40, seed=1))


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec["layer"])


def test_interval_chart_spec_has_the_cutoff_rule_real_n_and_full_labels() -> None:
    plist = eleven()
    spec = charts.rank_interval_chart(plist)
    layers = _layers(spec)
    marks = [layer["mark"]["type"] for layer in layers]
    assert marks[:3] == ["rule", "tick", "point"] and "text" in marks
    cutoff = [layer for layer in layers if layer.get("data", {}).get("values") and
              layer["mark"]["type"] == "rule"]
    assert len(cutoff) == 1 and cutoff[0]["data"]["values"] == [{"cutoff": 4}]
    assert cutoff[0]["encoding"]["x"]["field"] == "cutoff"
    colour = layers[0]["encoding"]["color"]
    assert colour["scale"]["domain"] == ["in the top 4", "below the top 4"]
    y = layers[0]["encoding"]["y"]
    assert y["axis"]["labelLimit"] >= 7 * len(f"{LONG} (VCT)")  # the longest name fits
    markets = {v["market"] for v in spec["data"]["values"]}
    assert any(m.startswith(LONG) for m in markets) and "…" not in "".join(markets)


def test_charts_follow_the_requested_width() -> None:
    plist = eleven()
    narrow = charts.rank_interval_chart(plist, width=360)
    wide = charts.rank_interval_chart(plist, width=1200)
    assert narrow["width"] < wide["width"]
    assert charts.rank_interval_chart(plist, width=10)["width"] == charts.rank_interval_chart(
        plist, width=charts.MIN_WIDTH)["width"]


def test_rendered_interval_svg_shows_the_full_name_the_n_and_the_cutoff() -> None:
    svg = charts.to_svg(charts.rank_interval_chart(eleven()))
    texts = [t.replace("&amp;", "&") for t in re.findall(r">([^<>]+)</text>", svg)]
    assert f"{LONG} (VCT)" in texts  # not cut to "Saint Vincent and t…"
    assert "in the top 4" in texts and "below the top 4" in texts
    assert "cut-off: top 4" in texts
    assert 'stroke="#c0392b"' in svg  # the cut-off rule is drawn


def _boundaries() -> pd.DataFrame:
    square = '{"type":"Polygon","coordinates":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}'
    return pd.DataFrame({
        "iso3": ["DEU", "FRA", "LTU", "BRA"], "name": ["Germany", "France", "Lithuania",
                                                      "Brazil"],
        "geometry": [square % (10, 50, 12, 50, 12, 52, 10, 50),
                     square % (2, 46, 4, 46, 4, 48, 2, 46),
                     square % (24, 55, 26, 55, 26, 56, 24, 55),
                     square % (-50, -10, -45, -10, -45, -5, -50, -10)]})


def test_map_has_a_europe_inset_small_markets_as_points_and_not_ranked_apart() -> None:
    plist = small_list()
    points = pd.DataFrame({"iso3": ["MLT", "SGP", "DEU", "LUX"],
                           "name": ["Malta", "Singapore", "Germany", "Luxembourg"],
                           "lat": [35.9, 1.3, 52.5, 49.6], "lon": [14.5, 103.8, 13.4, 6.1]})
    spec = charts.tier_map(plist, _boundaries(), "Natural Earth", points, width=1000)
    views = spec["hconcat"]
    assert [v["title"]["text"] for v in views] == ["World", "Europe"]
    assert views[1]["projection"]["type"] == "conicConformal"
    world_points = views[0]["layer"][-1]["data"]["values"]
    # small markets are points even when not ranked; large drawn markets are not
    assert {p["iso3"] for p in world_points} == {"MLT", "SGP", "LUX"}
    assert {p["iso3"] for p in views[1]["layer"][-1]["data"]["values"]} == {"MLT", "LUX"}
    assert views[0]["layer"][-1]["mark"]["type"] == "circle"
    colours = dict(zip(charts.TIERS, charts.TIER_COLOURS, strict=True))
    assert colours["not ranked"] not in (charts.SEA, "#ffffff", colours["ranked"])
    legend = views[0]["layer"][1]["encoding"]["color"]
    assert "not ranked" in legend["scale"]["domain"]
    narrow = charts.tier_map(plist, _boundaries(), "Natural Earth", points, width=380)
    assert "vconcat" in narrow and narrow["vconcat"][0]["width"] <= 380


def test_rendered_map_svg_has_both_views_and_the_legend() -> None:
    plist = small_list()
    points = pd.DataFrame({"iso3": ["MLT"], "name": ["Malta"], "lat": [35.9], "lon": [14.5]})
    svg = charts.to_svg(charts.tier_map(plist, _boundaries(), "Natural Earth", points))
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert "World" in texts and "Europe" in texts and "not ranked" in texts
    assert charts.TIER_COLOURS[charts.TIERS.index("not ranked")] in svg
