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
TIER_COLOURS = ("#1b7837", "#7fbf7b", "#e7a3c9", "#c7ccd6", "#eef0f3", "#1f5fa8")
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


def _tier_of(plist: PriorityList) -> dict[str, str]:
    markets = plist.markets
    return {str(iso3): (str(tier) or "ranked")
            for iso3, tier in zip(markets["iso3"], markets["tier"], strict=True)}


def tier_map(plist: PriorityList, boundaries: pd.DataFrame, boundary_source: str) -> Spec:
    """A world map of tiers (core, likely, watch, ranked, not ranked, home)."""
    tiers = _tier_of(plist)
    features = []
    for row in boundaries.itertuples(index=False):
        iso3 = row.iso3 if isinstance(row.iso3, str) else ""
        tier = "home" if iso3 == plist.home else tiers.get(iso3, "not ranked")
        features.append({"type": "Feature", "geometry": json.loads(str(row.geometry)),
                         "properties": {"iso3": iso3, "name": row.name, "tier": tier}})
    return {
        "width": 760, "height": 390, "config": CONFIG,
        "title": {"text": f"Priority tiers for {plist.home} (top {plist.options.top}, "
                          f"{plist.options.runs} Monte Carlo runs)",
                  "subtitle": _subtitle(sources_line(plist),
                                        f"Boundaries: {boundary_source}.")},
        "data": {"values": features, "format": {"type": "json"}},
        "projection": {"type": "equalEarth"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4},
        "encoding": {
            "color": {"field": "properties.tier", "type": "nominal", "title": "tier",
                      "scale": {"domain": list(TIERS), "range": list(TIER_COLOURS)},
                      "legend": {"orient": "bottom-left"}},
            "tooltip": [{"field": "properties.name", "title": "market"},
                        {"field": "properties.tier", "title": "tier"}],
        },
    }


def rank_interval_chart(plist: PriorityList, extra: int = 8) -> Spec:
    """Rank (dot), median rank (tick) and 90% rank interval (bar) of the top N and a few more."""
    top = plist.options.top
    shown = plist.markets[plist.markets["rank"] <= top + extra]
    rows = [{"market": f"{r['market']} ({r['iso3']})", "rank": float(r["rank"]),
             "median": float(r["median_rank"]), "low": float(r["rank_q05"]),
             "high": float(r["rank_q95"]), "selected": "in top N" if r["rank"] <= top
             else "below top N"} for _, r in shown.iterrows()]
    order = [r["market"] for r in rows]
    y = {"field": "market", "type": "nominal", "sort": order, "title": None}
    return {
        "width": 520, "height": max(60, 15 * len(rows)), "config": CONFIG,
        "title": {"text": f"Rank and 90% rank interval ({plist.options.runs} Monte Carlo runs, "
                          f"top {top} marked)",
                  "subtitle": _subtitle("Dot: rank; tick: median rank; bar: 5th to 95th "
                                        "percentile of the rank over the runs.",
                                        sources_line(plist), width=90)},
        "data": {"values": rows},
        "encoding": {"y": y},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.5},
             "encoding": {"x": {"field": "low", "type": "quantitative", "title": "rank",
                                "scale": {"zero": False, "nice": False}},
                          "x2": {"field": "high"},
                          "color": {"field": "selected", "type": "nominal", "title": None,
                                    "scale": {"domain": ["in top N", "below top N"],
                                              "range": ["#1f5fa8", "#9aa3b2"]}}}},
            {"mark": {"type": "tick", "color": "#1d2330", "thickness": 1, "size": 10},
             "encoding": {"x": {"field": "median", "type": "quantitative"}}},
            {"mark": {"type": "point", "filled": True, "color": "#1d2330", "size": 22},
             "encoding": {"x": {"field": "rank", "type": "quantitative"},
                          "tooltip": [{"field": "market"}, {"field": "rank"},
                                      {"field": "low", "title": "5th percentile"},
                                      {"field": "high", "title": "95th percentile"}]}},
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


def boundaries(store: Store) -> tuple[pd.DataFrame, str]:
    """Country boundaries (iso3, name, GeoJSON geometry) and a citation of their source."""
    frame = store.query("SELECT iso3, name, geometry, source_id FROM boundary")
    ids = set(frame["source_id"])
    cite = "; ".join(f"{p.cite()}, {p.licence}" for p in store.provenance() if p.source_id in ids)
    return frame, cite or "no boundaries in the store"
