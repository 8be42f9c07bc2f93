"""The priority list as JSON, CSV and Excel: the same content, each naming sources and method."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout import __version__
from marketscout.jsonable import clean
from marketscout.priority import PriorityList

SCHEMA = "marketscout.priority-list/1"


def _fields(value: Any) -> dict[str, Any]:
    """A frozen dataclass as a plain dict (its read-only mappings included)."""
    return {f.name: getattr(value, f.name) for f in fields(value)}


def method(plist: PriorityList) -> dict[str, Any]:
    """The recipe, robustness settings and selection rules behind the list."""
    o = plist.options
    return clean({
        "top": o.top,
        "weights": {c.id: o.weights.get(c.id, 1.0) for c in plist.used},
        "min_criterion_coverage": o.min_coverage,
        "min_market_coverage": round(o.unit_coverage, 4),
        "tiers": {"core": o.tiers[0], "likely": o.tiers[1], "watch": o.tiers[2]},
        "recipe": _fields(o.recipe),
        "uncertainty": {"runs": o.runs, "seed": o.seed, **_fields(o.spec)},
    })


def criteria_used(plist: PriorityList) -> list[dict[str, Any]]:
    return [
        clean({
            "id": c.id, "name": c.name, "unit": c.unit, "direction": c.direction,
            "year": c.year, "label": c.label, "source": c.source, "partial": c.partial,
            "covered": c.n_covered, "candidates": c.n_candidates, "notes": list(c.notes),
            "provenance": [p.to_dict() for p in c.sources],
        })
        for c in plist.used
    ]


def criteria_left_out(plist: PriorityList) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "name": c.name, "reason": why, "how_to_get": c.how_to_get}
        for c, why in plist.left_out
    ]


def _market(row: Mapping[Any, Any], plist: PriorityList) -> dict[str, Any]:
    return clean({
        "iso3": row["iso3"], "market": row["market"], "rank": row["rank"],
        "score": row["score"], "selected": bool(row["selected"]),
        "position": None if pd.isna(row["position"]) else int(row["position"]),
        "override": row["override"] or None, "override_reason": row["override_reason"] or None,
        "median_rank": row["median_rank"],
        "rank_interval_90": [row["rank_q05"], row["rank_q95"]],
        "p_top": row["p_top"], "tier": row["tier"] or None,
        "criteria": {
            c.id: {"value": row[f"{c.id}_value"], "normalised": row[f"{c.id}_norm"],
                   "contribution": row[f"{c.id}_contribution"]}
            for c in plist.used
        },
        "missing": [c.id for c in plist.used if pd.isna(row[f"{c.id}_value"])],
    })


def to_payload(plist: PriorityList, comparison: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole list as one JSON-ready document (schema in docs/rank.md)."""
    return {
        "schema": SCHEMA,
        "generated": date.today().isoformat(),
        "marketscout": __version__,
        "home": plist.home,
        "headline": plist.headline,
        "criteria_used": criteria_used(plist),
        "criteria_left_out": criteria_left_out(plist),
        "method": method(plist),
        "warnings": list(plist.warnings),
        # records, not iterrows: six times faster, and the web app re-ranks on every change
        "markets": [_market(r, plist) for r in plist.markets.to_dict("records")],
        "not_ranked": plist.not_ranked.to_dict("records"),
        "overrides": [{"iso3": o.iso3, "action": o.action, "reason": o.reason}
                      for o in plist.options.overrides],
        "scenarios": {m: {"in": a, "out": b} for m, (a, b) in
                      plist.scenario_changes().items()},
        "comparison": comparison,
    }


def to_json(plist: PriorityList, comparison: dict[str, Any] | None = None) -> str:
    return json.dumps(to_payload(plist, comparison), indent=2, ensure_ascii=False) + "\n"


def to_csv(plist: PriorityList, comparison: dict[str, Any] | None = None) -> str:
    """The markets table, preceded by '#' lines naming sources, method and omissions."""
    lines = [f"# marketscout {__version__} priority list for {plist.home}, top {plist.options.top}"]
    lines += [f"# criterion {c['id']}: {c['source']} ({c['year']}), "
              f"{c['covered']}/{c['candidates']} markets" for c in criteria_used(plist)]
    lines += [f"# left out {c['id']}: {c['reason']}" for c in criteria_left_out(plist)]
    lines += [f"# warning: {w}" for w in plist.warnings]
    lines.append(f"# method: {json.dumps(method(plist), ensure_ascii=False)}")
    if comparison:
        lines.append(f"# comparison: {json.dumps(clean(comparison), ensure_ascii=False)}")
    buffer = io.StringIO()
    plist.markets.to_csv(buffer, index=False)
    return "\n".join(lines) + "\n" + buffer.getvalue()


def weights_table(plist: PriorityList) -> pd.DataFrame:
    """Each criterion used: its weight, its share of the total, and the Monte Carlo noise."""
    weights = pd.Series({c.id: plist.options.weights.get(c.id, 1.0) for c in plist.used})
    return pd.DataFrame({
        "criterion": weights.index, "name": [c.name for c in plist.used],
        "weight": weights.to_numpy(), "share": (weights / weights.sum()).to_numpy(),
        "monte_carlo_noise": plist.options.spec.weight_noise,
    })


def robustness_table(plist: PriorityList) -> pd.DataFrame:
    """Rank, median rank, 90% rank interval and probability of the top N, per market."""
    cols = ["iso3", "market", "rank", "median_rank", "rank_q05", "rank_q95", "p_top", "tier"]
    return plist.markets[cols].assign(runs=plist.options.runs, seed=plist.options.seed,
                                      top=plist.options.top)


def to_xlsx(plist: PriorityList, path: Path, comparison: dict[str, Any] | None = None) -> None:
    """An Excel workbook: list, criteria, weights, robustness, sources, left out, method,
    comparison."""
    sheets = {
        "priority list": plist.markets,
        "criteria": pd.DataFrame(criteria_used(plist)).drop(columns=["provenance"]).assign(
            notes=lambda f: f["notes"].map("; ".join)),
        "weights": weights_table(plist),
        "robustness": robustness_table(plist),
        "sources": pd.DataFrame([p.to_dict() for c in plist.used for p in c.sources]),
        "left out": pd.DataFrame(criteria_left_out(plist), columns=["id", "name", "reason",
                                                                    "how_to_get"]),
        "method": pd.DataFrame(
            [{"setting": k, "value": json.dumps(v)} for k, v in method(plist).items()]
            + [{"setting": "warning", "value": w} for w in plist.warnings]),
    }
    if comparison:
        sheets["comparison"] = pd.DataFrame(
            [{"change": kind, **r, "drivers": "; ".join(r["drivers"])}
             for kind in ("entries", "exits") for r in comparison[kind]]
        )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
