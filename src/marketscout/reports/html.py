"""A self-contained HTML report of the priority list: inline CSS and SVG charts, no scripts, no
external resources, so it opens offline, can be mailed as one file and prints well.

`table_rows` and `method_lines` are shared with the web app so both show the same numbers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from marketscout import __version__, countries
from marketscout.priority import PriorityList
from marketscout.reports import charts
from marketscout.reports.export import criteria_left_out, criteria_used
from marketscout.store import Store

TEMPLATES = Path(__file__).parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is escaped; only our own SVG and CSS are marked safe
    trim_blocks=True,
    lstrip_blocks=True,
)


def format_number(value: Any) -> str:
    """A value for people: thousands separated, four significant digits below 10,000."""
    if value is None or pd.isna(value):
        return "–"
    number = float(value)
    return f"{number:,.0f}" if abs(number) >= 1e4 else f"{number:,.4g}"


_ENV.filters["num"] = format_number


def _num(value: Any, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def table_rows(plist: PriorityList) -> list[dict[str, Any]]:
    """One display row per market of the table: rank, tier, score, interval, P(top N),
    coverage, override (included markets the data cannot rank come last, without numbers)."""
    rows = []
    for _, r in plist.markets.iterrows():
        ranked = not pd.isna(r["rank"])
        missing = [c.id for c in plist.used if pd.isna(r[f"{c.id}_value"])]
        partial = [c.id for c in plist.used if c.partial and not pd.isna(r[f"{c.id}_value"])]
        rows.append({
            "iso3": r["iso3"], "market": r["market"],
            "rank": int(r["rank"]) if ranked else "–",
            "selected": bool(r["selected"]), "tier": r["tier"] or "",
            "score": _num(r["score"]),
            "interval": f"{r['rank_q05']:.0f}–{r['rank_q95']:.0f}" if ranked else "–",
            "median_rank": _num(r["median_rank"], 0),
            "p_top": f"{r['p_top']:.1%}" if ranked else "–",
            "missing": missing, "partial": partial,
            "override": r["override"], "override_reason": r["override_reason"],
            "contributions": {c.id: _num(r[f"{c.id}_contribution"]) for c in plist.used},
        })
    return rows


def method_lines(plist: PriorityList) -> list[str]:
    """The method in plain words: recipe, weights, robustness runs, selection rules."""
    o, r, s = plist.options, plist.options.recipe, plist.options.spec
    weights = ", ".join(f"{c.id} {o.weights.get(c.id, 1.0):g}" for c in plist.used)
    alternatives = " / ".join(s.aggregate_alternatives) or r.aggregate
    scenarios = [f"Scenario {m}: {len(a)} in ({', '.join(a) or '–'}), {len(b)} out "
                 f"({', '.join(b) or '–'})." for m, (a, b) in plist.scenario_changes().items()]
    return [plist.headline,
        f"Index: treatment {r.treat}, normalisation {r.normalise}, aggregation {r.aggregate}.",
        f"Weights: {weights}.",
        f"Robustness: {o.runs} Monte Carlo runs (seed {o.seed}), weights varied by "
        f"±{s.weight_noise:.0%}, aggregation {alternatives}.",
        f"Tiers by the probability of being in the top {o.top}: core ≥ {o.tiers[0]:.0%}, "
        f"likely ≥ {o.tiers[1]:.0%}, watch ≥ {o.tiers[2]:.0%}.",
        f"A criterion covering fewer than {o.min_coverage:.0%} of candidates is left out; a "
        f"market needs data reported on {o.unit_coverage:.0%} of the criteria used to be "
        "ranked.",
        *scenarios,
    ]


def report_context(plist: PriorityList, map_svg: str, interval_svg: str,
                   sources: list[dict[str, Any]]) -> dict[str, Any]:
    """What the report template shows."""
    return {
        "home": plist.home, "home_name": countries.name(plist.home),
        "top": plist.options.top, "generated": date.today().isoformat(),
        "version": __version__, "rows": table_rows(plist), "used": criteria_used(plist),
        "left_out": criteria_left_out(plist), "warnings": list(plist.warnings),
        "method": method_lines(plist), "map_svg": map_svg, "interval_svg": interval_svg,
        "sources": sources, "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
    }


def render_report(store: Store, plist: PriorityList) -> str:
    """The whole report as one HTML document (charts rendered now, offline)."""
    frame, boundary_source = charts.boundaries(store)
    map_svg = charts.to_svg(charts.tier_map(plist, frame, boundary_source,
                                            charts.market_points(store))) \
        if not frame.empty else ""
    interval_svg = charts.to_svg(charts.rank_interval_chart(plist))
    used_ids = {p.source_id for c in plist.used for p in c.sources}
    sources = [p.to_dict() | {"used": p.source_id in used_ids} for p in store.provenance()]
    context = report_context(plist, map_svg, interval_svg, sources)
    return _ENV.get_template("report.html").render(context)
