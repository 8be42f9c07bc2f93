"""The priority list as JSON, CSV and Excel: the same content, each naming sources and method.

Excel and CSV go through the shared writers (`reports.workbook`, `reports.csvfile`): human
headers with units, the machine name in each header's note (Excel) or the sidecar
`FILE.meta.json` (CSV), number formats, and the headline and warnings first.
"""

from __future__ import annotations

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
from marketscout.reports.columns import Column
from marketscout.reports.tables import criterion_header, value_format

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


def overrides(plist: PriorityList) -> list[dict[str, Any]]:
    """Each override with the market's name and the reason given."""
    from marketscout import countries

    return [{"iso3": o.iso3, "market": countries.name(o.iso3), "action": o.action,
             "reason": o.reason} for o in plist.options.overrides]


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
        "overrides": overrides(plist),
        "scenarios": {m: {"in": a, "out": b} for m, (a, b) in
                      plist.scenario_changes().items()},
        "comparison": comparison,
    }


def to_json(plist: PriorityList, comparison: dict[str, Any] | None = None) -> str:
    return json.dumps(to_payload(plist, comparison), indent=2, ensure_ascii=False) + "\n"


# --- the priority list table (Excel and CSV) ---------------------------------------------

def list_columns(plist: PriorityList) -> list[Column]:
    """The priority list's columns: human headers with units, one format per column."""
    top = plist.options.top
    cols = [
        Column("iso3", "Market (ISO3)", "text", note="ISO 3166-1 alpha-3"),
        Column("market", "Market", "text", width=22),
        Column("rank", "Rank", "int", note="What the data alone says (before overrides)."),
        Column("position", "Position on the list", "int",
               note="The final list after overrides; empty when not on it."),
        Column("selected", "On the list", "auto"),
        Column("score", "Score (0-100)", "score"),
        Column("median_rank", "Median rank (Monte Carlo)", "score"),
        Column("rank_interval_90", "90% rank interval", "text",
               note="The 5th to 95th percentile of the rank over the Monte Carlo runs."),
        Column("rank_q05", "90% rank interval: best", "int"),
        Column("rank_q95", "90% rank interval: worst", "int"),
        Column("p_top", f"P(top {top})", "probability",
               note=f"Share of the Monte Carlo runs in which the market is in the top {top}."),
        Column("tier", "Tier", "text", note="core, likely or watch, from P(top N)."),
        Column("override", "Override", "text"),
        Column("override_reason", "Override reason", "text", width=40),
    ]
    for c in plist.used:
        fmt = value_format(c.unit)
        cite = "; ".join(p.cite() for p in c.sources)
        cols += [
            Column(f"{c.id}_value", criterion_header(c), fmt,
                   note=f"{c.name}. Source: {cite}."),
            Column(f"{c.id}_norm", f"{c.id} normalised (0-100)", "score"),
            Column(f"{c.id}_contribution", f"{c.id} contribution (points)", "score"),
        ]
    cols += [Column(f"rank_{m}", f"Rank with {m} aggregation", "int")
             for m in plist.options.scenarios]
    cols.append(Column("missing", "Criteria with no value", "text"))
    return cols


def list_table(plist: PriorityList) -> pd.DataFrame:
    """The markets with the rank interval as text and the criteria missing, per market."""
    m = plist.markets.copy()
    ranked = m["rank_q05"].notna()
    m["rank_interval_90"] = None
    m.loc[ranked, "rank_interval_90"] = [
        f"{lo:.0f} to {hi:.0f}" for lo, hi in zip(m.loc[ranked, "rank_q05"],
                                                  m.loc[ranked, "rank_q95"], strict=True)]
    m["missing"] = ["; ".join(c.id for c in plist.used if pd.isna(row[f"{c.id}_value"]))
                    for row in m.to_dict("records")]
    for col in ("override", "override_reason", "tier"):
        m[col] = m[col].replace("", None)
    return m


NOT_RANKED_COLUMNS = (Column("iso3", "Market (ISO3)", "text"),
                      Column("market", "Market", "text", width=26),
                      Column("reason", "Why not ranked", "text", width=60))
OVERRIDE_COLUMNS = (Column("iso3", "Market (ISO3)", "text"),
                    Column("market", "Market", "text", width=22),
                    Column("action", "Override (include or exclude)", "text"),
                    Column("reason", "Reason given", "text", width=60))
CRITERIA_COLUMNS = (Column("id", "Criterion", "text"), Column("name", "Name", "text", width=40),
                    Column("unit", "Unit", "text"), Column("year", "Reference period", "text"),
                    Column("label", "Edition", "text", width=30),
                    Column("source", "Source", "text", width=60),
                    Column("covered", "Markets with a value", "int"),
                    Column("candidates", "Candidate markets", "int"),
                    Column("partial", "Partial source", "auto"),
                    Column("notes", "Notes", "text", width=60))
LEFT_OUT_COLUMNS = (Column("id", "Criterion", "text"), Column("name", "Name", "text", width=40),
                    Column("reason", "Why left out", "text", width=50),
                    Column("how_to_get", "How to get it", "text", width=60))
WEIGHT_COLUMNS = (Column("criterion", "Criterion", "text"),
                  Column("name", "Name", "text", width=40),
                  Column("weight", "Weight", "decimal"),
                  Column("share", "Share of the total weight", "percent"),
                  Column("monte_carlo_noise", "Monte Carlo weight noise (±)", "percent"))
ROBUSTNESS_COLUMNS = (Column("iso3", "Market (ISO3)", "text"),
                      Column("market", "Market", "text", width=22),
                      Column("rank", "Rank", "int"),
                      Column("median_rank", "Median rank (Monte Carlo)", "score"),
                      Column("rank_q05", "90% rank interval: best", "int"),
                      Column("rank_q95", "90% rank interval: worst", "int"),
                      Column("p_top", "P(top N)", "probability"),
                      Column("tier", "Tier", "text"),
                      Column("runs", "Monte Carlo runs", "int"),
                      Column("seed", "Seed", "auto"),
                      Column("top", "N (list length)", "int"))
METHOD_COLUMNS = (Column("setting", "Setting", "text", width=30),
                  Column("value", "Value", "text", width=80))
COMPARISON_COLUMNS = (Column("change", "Change (entries: new here; exits: not here)", "text"),
                      Column("iso3", "Market (ISO3)", "text"),
                      Column("market", "Market", "text", width=22),
                      Column("drivers", "Why", "text", width=60))


def weights_table(plist: PriorityList) -> pd.DataFrame:
    """Each criterion used: its weight, its share of the total, and the Monte Carlo noise."""
    weights = pd.Series({c.id: plist.options.weights.get(c.id, 1.0) for c in plist.used},
                        dtype=float)
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


def method_rows(plist: PriorityList) -> pd.DataFrame:
    """The method as setting/value rows, nested settings flattened ('recipe: treat')."""
    rows: list[dict[str, str]] = []

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                add(f"{prefix}: {k}" if prefix else str(k), v)
        else:
            shown = "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
            rows.append({"setting": prefix, "value": "" if shown is None else str(shown)})

    add("", method(plist))
    return pd.DataFrame(rows, columns=["setting", "value"])


def _comparison_table(comparison: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"change": kind, "iso3": r.get("iso3"), "market": r.get("market"),
          "drivers": "; ".join(r.get("drivers", []))}
         for kind in ("entries", "exits") for r in comparison.get(kind, [])],
        columns=["change", "iso3", "market", "drivers"])


def sources(plist: PriorityList) -> list[str]:
    """One line per criterion used: source, edition, reference period, coverage."""
    return [f"{c.id}: {c.name} ({c.unit}); {'; '.join(p.cite() for p in c.sources) or c.source}"
            f"; reference period {c.year}; {c.n_covered}/{c.n_candidates} markets"
            for c in plist.used]


def to_xlsx(plist: PriorityList, path: Path, comparison: dict[str, Any] | None = None) -> Path:
    """The workbook: About (headline, warnings, sources), priority list, not ranked,
    overrides, criteria, weights, robustness, sources, left out, method (comparison)."""
    from marketscout.reports.workbook import Sheet, write_workbook

    used = pd.DataFrame(criteria_used(plist), columns=[c.key for c in CRITERIA_COLUMNS])
    used["notes"] = used["notes"].map(lambda n: "; ".join(n) if isinstance(n, list) else n)
    sheets = [
        Sheet("priority list", list_table(plist), list_columns(plist)),
        Sheet("not ranked", plist.not_ranked.reindex(columns=["iso3", "market", "reason"]),
              NOT_RANKED_COLUMNS),
        Sheet("overrides", pd.DataFrame(overrides(plist),
                                        columns=["iso3", "market", "action", "reason"]),
              OVERRIDE_COLUMNS),
        Sheet("criteria", used, CRITERIA_COLUMNS),
        Sheet("weights", weights_table(plist), WEIGHT_COLUMNS),
        Sheet("robustness", robustness_table(plist), ROBUSTNESS_COLUMNS),
        Sheet("sources", pd.DataFrame([p.to_dict() for c in plist.used for p in c.sources])),
        Sheet("left out", pd.DataFrame(criteria_left_out(plist),
                                       columns=["id", "name", "reason", "how_to_get"]),
              LEFT_OUT_COLUMNS),
        Sheet("method", method_rows(plist), METHOD_COLUMNS),
    ]
    if comparison:
        sheets.append(Sheet("comparison", _comparison_table(comparison), COMPARISON_COLUMNS))
    about: list[tuple[str, Any]] = [
        ("Headline", plist.headline), ("Home", plist.home),
        ("Generated", f"{date.today().isoformat()} by marketscout {__version__}")]
    about += [("Source", line) for line in sources(plist)]
    about += [("Left out", f"{c['id']}: {c['reason']}") for c in criteria_left_out(plist)]
    about.append(("Sheets", "priority list (every ranked market), not ranked (and why), "
                            "overrides (with reasons), criteria, weights, robustness, sources, "
                            "left out (how to get it), method"))
    return write_workbook(path, sheets, title=f"Priority markets for {plist.home}",
                          about=about, warnings=plist.warnings, progress=False)


def csv_meta(plist: PriorityList, comparison: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the CSV's sidecar holds: headline, warnings, sources, omissions, method."""
    return {
        "schema": SCHEMA, "generated": date.today().isoformat(), "marketscout": __version__,
        "home": plist.home, "headline": plist.headline, "warnings": list(plist.warnings),
        "criteria_used": criteria_used(plist), "criteria_left_out": criteria_left_out(plist),
        "method": method(plist), "not_ranked": plist.not_ranked.to_dict("records"),
        "overrides": overrides(plist), "comparison": comparison,
    }


def to_csv(plist: PriorityList, comparison: dict[str, Any] | None = None) -> str:
    """The priority list as plain CSV text (no '#' lines; metadata: `write_csv`'s sidecar)."""
    from marketscout.reports.csvfile import csv_text

    return csv_text(list_table(plist), list_columns(plist))


def write_csv(plist: PriorityList, path: Path,
              comparison: dict[str, Any] | None = None) -> Path:
    """The CSV file and its sidecar `FILE.meta.json`."""
    from marketscout.reports import csvfile

    return csvfile.write_csv(path, list_table(plist), list_columns(plist),
                             meta=csv_meta(plist, comparison))
