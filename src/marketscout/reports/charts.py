"""Charts as Vega-Lite specifications (pure functions), rendered to SVG offline by vl-convert.

Every chart names its sources and years in its subtitle. SVG keeps pages light, printable and
usable without JavaScript; vl-convert runs Vega in an embedded engine, with external data
requests switched off (`allowed_base_urls=[]`), so rendering never touches the network.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pandas as pd

from marketscout.collab.pair import Collaboration
from marketscout.priority import PriorityList
from marketscout.store import Store

Spec = dict[str, Any]

TIERS = ("core", "likely", "watch", "ranked", "not ranked", "home")
# "not ranked" is a distinct warm grey with a dark outline, apart from both the ranked grey and
# the sea (background) so that a country the data cannot rank never looks like empty space
TIER_COLOURS = ("#1b7837", "#7fbf7b", "#e7a3c9", "#a9b3c4", "#efe9dc", "#1f5fa8")
SEA = "#e3eef9"
# too small to see on a world map at 110m: drawn as points (at the capital) on both views
SMALL_MARKETS = ("ISR", "LUX", "CYP", "SGP", "MLT", "BHR", "QAT", "BRN", "MUS", "ISL")
EUROPE = {"type": "conicConformal", "rotate": [-15, 0], "center": [0, 52],
          "parallels": [40, 62]}
MIN_WIDTH, MAX_WIDTH = 320, 1600
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
CONFIG: Spec = {
    "font": FONT,
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 14, "subtitleFontSize": 11,
              "subtitleColor": "#5c6577"},
    "axis": {"labelFontSize": 11, "titleFontSize": 11},
}


def sources_line(plist: PriorityList) -> str:
    """'Sources: <criterion>: <citation> (<years>); ...' for the criteria used."""
    return "Sources: " + "; ".join(f"{c.id}: {c.source} ({c.year or 'undated'})"
                                   for c in plist.used)


def _subtitle(*parts: str, width: int = 120) -> list[str]:
    return [line for part in parts for line in textwrap.wrap(part, width)]


def _lines(title: str, width: int) -> list[str]:
    """A title wrapped to the chart's width (about 8 px a character at 14 px)."""
    return textwrap.wrap(title, max(30, width // 8))


def _tier_of(plist: PriorityList) -> dict[str, str]:
    markets = plist.markets
    return {str(iso3): (str(tier) or "ranked")
            for iso3, tier in zip(markets["iso3"], markets["tier"], strict=True)}


def chart_width(width: int | None, default: int) -> int:
    """A requested width (the page's container, from charts.js) within bounds."""
    return default if width is None else max(MIN_WIDTH, min(MAX_WIDTH, int(width)))


def _points(plist: PriorityList, tiers: dict[str, str], points: pd.DataFrame | None,
            drawn: set[str]) -> list[dict[str, Any]]:
    """Small markets (and candidates with no boundary) as points at their capitals."""
    if points is None or points.empty:
        return []
    out = []
    for row in points.itertuples(index=False):
        iso3 = str(row.iso3)
        if iso3 not in SMALL_MARKETS and (iso3 in drawn or iso3 not in tiers):
            continue
        tier = "home" if iso3 == plist.home else tiers.get(iso3, "not ranked")
        out.append({"iso3": iso3, "name": str(row.name), "tier": tier,
                    "lon": float(str(row.lon)), "lat": float(str(row.lat))})
    return out


def _map_view(width: int, height: int, projection: Spec, points: list[dict[str, Any]],
              title: str | None, fit_europe: bool = False) -> Spec:
    colour = {"type": "nominal", "title": "tier",
              "scale": {"domain": list(TIERS), "range": list(TIER_COLOURS)}}
    layers: list[Spec] = [
        {"data": {"sphere": True}, "mark": {"type": "geoshape", "fill": SEA, "clip": True}},
        {"mark": {"type": "geoshape", "stroke": "#6b7280", "strokeWidth": 0.35, "clip": True},
         "encoding": {"color": {"field": "properties.tier", **colour,
                                "legend": {"orient": "bottom-left", "symbolStrokeColor":
                                           "#6b7280", "symbolStrokeWidth": 0.6}},
                      "tooltip": [{"field": "properties.name", "title": "market"},
                                  {"field": "properties.tier", "title": "tier"}]}}]
    if points:
        layers.append({
            "data": {"values": points},
            "mark": {"type": "circle", "size": 70 if fit_europe else 45, "opacity": 1,
                     "stroke": "#1d2330", "strokeWidth": 0.8, "clip": True},
            "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                         "latitude": {"field": "lat", "type": "quantitative"},
                         "color": {"field": "tier", **colour, "legend": None},
                         "tooltip": [{"field": "name", "title": "market"},
                                     {"field": "tier", "title": "tier"}]}})
    view: Spec = {"width": width, "height": height, "projection": projection, "layer": layers}
    if title:
        view["title"] = {"text": title, "fontSize": 12}
    return view


def tier_map(plist: PriorityList, boundaries: pd.DataFrame, boundary_source: str,
             points: pd.DataFrame | None = None, width: int | None = None) -> Spec:
    """A world map of tiers (core, likely, watch, ranked, not ranked, home) with a Europe
    inset beside it (below on a narrow page); small markets (Israel, Luxembourg, Cyprus,
    Singapore, Malta...) are drawn as points at their capitals (`points`: iso3, name, lat,
    lon) so that they stay visible."""
    tiers = _tier_of(plist)
    features = []
    for row in boundaries.itertuples(index=False):
        iso3 = row.iso3 if isinstance(row.iso3, str) else ""
        tier = "home" if iso3 == plist.home else tiers.get(iso3, "not ranked")
        features.append({"type": "Feature", "geometry": json.loads(str(row.geometry)),
                         "properties": {"iso3": iso3, "name": row.name, "tier": tier}})
    drawn = {f["properties"]["iso3"] for f in features}
    dots = _points(plist, tiers, points, drawn)
    total = chart_width(width, 760)
    side = total >= 700  # the inset beside the world map on a wide page, below it otherwise
    world_w = int(total * 0.6) if side else total - 10
    inset_w = total - world_w - 30 if side else total - 10
    europe = [d for d in dots if -25 <= d["lon"] <= 45 and 30 <= d["lat"] <= 72]
    views = [
        _map_view(world_w, int(world_w * 0.5), {"type": "equalEarth"}, dots, "World"),
        _map_view(inset_w, int(inset_w * (1.0 if side else 0.8)),
                  {**EUROPE, "scale": inset_w * 1.15,
                   "translate": [inset_w / 2, inset_w * (0.5 if side else 0.4)]},
                  europe, "Europe", fit_europe=True)]
    return {
        "config": CONFIG,
        "title": {"text": _lines(f"Priority tiers for {plist.home} (top {plist.options.top}, "
                                 f"{plist.options.runs} Monte Carlo runs)", total),
                  "subtitle": _subtitle(sources_line(plist),
                                        f"Boundaries: {boundary_source}. Dots: markets too "
                                        "small to see, at their capitals (CEPII GeoDist).",
                                        width=max(60, total // 7))},
        "data": {"values": features, "format": {"type": "json"}},
        ("hconcat" if side else "vconcat"): views,
        "resolve": {"scale": {"color": "shared"}},
    }


def rank_interval_chart(plist: PriorityList, extra: int = 8, width: int | None = None
                        ) -> Spec:
    """Rank (dot), median rank (tick) and 90% rank interval (bar) of the top N and a few
    more, with full market names, the real N in the legend and a rule at the cut-off N."""
    top = plist.options.top
    shown = plist.markets[plist.markets["rank"] <= top + extra]
    inside, outside = f"in the top {top}", f"below the top {top}"
    rows = [{"market": f"{r['market']} ({r['iso3']})", "rank": float(r["rank"]),
             "median": float(r["median_rank"]), "low": float(r["rank_q05"]),
             "high": float(r["rank_q95"]), "selected": inside if r["rank"] <= top
             else outside} for _, r in shown.iterrows()]
    order = [str(r["market"]) for r in rows]
    longest = max((len(m) for m in order), default=10)
    y: Spec = {"field": "market", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelLimit": 12 * longest + 20, "labelFontSize": 11}}  # never cut a name
    total = chart_width(width, 640)
    plot = max(160, total - 7 * longest - 40)
    return {
        "width": plot, "height": max(60, 15 * len(rows)), "config": CONFIG,
        # room for labels drawn wider than measured (the viewer's font is not the renderer's)
        "padding": {"left": 4 * longest // 3 + 6, "top": 5, "right": 12, "bottom": 5},
        "title": {"text": _lines(f"Rank and 90% rank interval ({plist.options.runs} Monte "
                                 f"Carlo runs, top {top} marked)", total),
                  "subtitle": _subtitle("Dot: rank; tick: median rank; bar: 5th to 95th "
                                        f"percentile of the rank over the runs; line: the "
                                        f"cut-off at rank {top}.",
                                        sources_line(plist), width=max(50, total // 7))},
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.5},
             "encoding": {"y": y, "x": {"field": "low", "type": "quantitative", "title": "rank",
                                "scale": {"zero": False, "nice": False}},
                          "x2": {"field": "high"},
                          "color": {"field": "selected", "type": "nominal", "title": None,
                                    "scale": {"domain": [inside, outside],
                                              "range": ["#1f5fa8", "#9aa3b2"]},
                                    "legend": {"orient": "bottom", "labelLimit": 0}}}},
            {"mark": {"type": "tick", "color": "#1d2330", "thickness": 1, "size": 10},
             "encoding": {"y": y, "x": {"field": "median", "type": "quantitative"}}},
            {"mark": {"type": "point", "filled": True, "color": "#1d2330", "size": 22},
             "encoding": {"y": y, "x": {"field": "rank", "type": "quantitative"},
                          "tooltip": [{"field": "market"}, {"field": "rank"},
                                      {"field": "low", "title": "5th percentile"},
                                      {"field": "high", "title": "95th percentile"}]}},
            {"data": {"values": [{"cutoff": top}]},
             "mark": {"type": "rule", "color": "#c0392b", "strokeDash": [4, 3],
                      "strokeWidth": 1.5},
             "encoding": {"x": {"field": "cutoff", "type": "quantitative"}}},
            {"data": {"values": [{"cutoff": top, "label": f"cut-off: top {top}"}]},
             "mark": {"type": "text", "color": "#c0392b", "align": "left", "dx": 4,
                      "dy": -4, "fontSize": 10},
             "encoding": {"x": {"field": "cutoff", "type": "quantitative"},
                          "y": {"value": 0}, "text": {"field": "label"}}},
        ],
    }


def horizon_chart(collab: Collaboration) -> Spec:
    """Joint Horizon projects of home and market per project start year."""
    per_year = collab.per_year
    rows = [{"year": str(year), "projects": int(projects)}
            for year, projects in zip(per_year["year"], per_year["projects"], strict=True)]
    return {
        "width": 420, "height": 180, "config": CONFIG,
        "title": {"text": f"Joint Horizon projects, {collab.home} and {collab.market}, "
                          "by start year",
                  "subtitle": _subtitle(f"Source: {collab.source} (start years "
                                        f"{collab.years or 'none'}).", width=80)},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": "#1f5fa8"},
        "encoding": {"x": {"field": "year", "type": "ordinal", "title": "start year",
                           "axis": {"labelAngle": 0}},
                     "y": {"field": "projects", "type": "quantitative",
                           "title": "joint projects"},
                     "tooltip": [{"field": "year"}, {"field": "projects"}]},
    }


def to_svg(spec: Spec) -> str:
    """Render a Vega-Lite spec to an SVG string, offline."""
    import vl_convert  # imported here: its engine starts on first use (about 1 s)

    svg: str = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    return svg


def market_points(store: Store) -> pd.DataFrame:
    """Capitals' coordinates (iso3, name, lat, lon) for the map's points (CEPII GeoDist)."""
    return store.query("SELECT iso3, name, lat, lon FROM geography WHERE lat IS NOT NULL "
                       "AND lon IS NOT NULL ORDER BY iso3")


def boundaries(store: Store) -> tuple[pd.DataFrame, str]:
    """Country boundaries (iso3, name, GeoJSON geometry) and a citation of their source."""
    frame = store.query("SELECT iso3, name, geometry, source_id FROM boundary")
    ids = set(frame["source_id"])
    cite = "; ".join(f"{p.cite()}, {p.licence}" for p in store.provenance() if p.source_id in ids)
    return frame, cite or "no boundaries in the store"
