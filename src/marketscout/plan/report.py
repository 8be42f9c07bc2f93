"""The plan's views as tables for people: columns with units and formats for the shared
writers (`reports.workbook`, `reports.csvfile`), JSON payloads, and the register file export
(the import's own column names, so an exported file imports again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from marketscout import __version__
from marketscout.jsonable import clean
from marketscout.plan.activities import FIELDS, to_fields
from marketscout.plan.alignment import Alignment, summary
from marketscout.plan.forms import records
from marketscout.plan.propose import Proposal
from marketscout.plan.service import Dashboard
from marketscout.plan.targets import FIELDS as TARGET_FIELDS
from marketscout.plan.targets import to_fields as target_fields
from marketscout.reports.columns import Column

C = Column
REGISTER = [C("activity_id", "id", "text"), C("title", "title", "text", 40),
            C("type", "type", "text"), C("instrument", "instrument", "text"),
            C("markets", "markets (ISO3)", "text"), C("sector", "sector", "text"),
            C("start_date", "start", "date"), C("end_date", "end", "date"),
            C("organiser", "organiser", "text"), C("currency", "currency", "text"),
            C("budget", "budget", "money"), C("cost", "actual cost", "money"),
            C("companies", "companies", "int"), C("leads", "leads", "int"),
            C("contracts", "contracts", "int"), C("export_value", "reported export value",
                                                     "money"),
            C("joint_projects", "joint projects", "int"), C("status", "status", "text"),
            C("version", "version", "int"), C("source", "source", "text", 40)]
MARKETS = [C("iso3", "ISO3", "text"), C("market", "market", "text"),
           C("on_list", "on the list", "auto"), C("position", "list position", "int"),
           C("tier", "tier", "text"), C("score", "score (1-100)", "score"),
           C("p_top", "P(top N)", "percent"), C("activities", "activities (split)", "decimal"),
           C("cost", "cost", "money"), C("share_activities", "share of activities", "percent"),
           C("share_cost", "share of cost", "percent"),
           C("activity_ids", "activities (ids)", "text", 40)]
TIERS = [C("tier", "tier", "text"), C("markets", "markets", "int"),
         C("on_list", "on the list", "int"),
         C("markets_with_activity", "markets with activity", "int"),
         C("activities", "activities (split)", "decimal"), C("cost", "cost", "money"),
         C("share_activities", "share of activities", "percent"),
         C("share_cost", "share of cost", "percent")]
GAPS = [C("iso3", "ISO3", "text"), C("market", "market", "text"),
        C("position", "list position", "int"), C("tier", "tier", "text"),
        C("score", "score (1-100)", "score")]
DRIFT = [C("iso3", "ISO3", "text"), C("market", "market", "text"),
         C("rank", "data rank", "int"), C("tier", "tier", "text"),
         C("activities", "activities (split)", "decimal"), C("cost", "cost", "money"),
         C("activity_ids", "activities (ids)", "text", 40)]
TARGETS = [C("target_id", "id", "text"), C("title", "title", "text", 40),
           C("indicator", "indicator", "text"), C("scope", "scope", "text"),
           C("scope_value", "scope value", "text"), C("unit", "unit", "text"),
           C("baseline", "baseline", "decimal"), C("baseline_year", "baseline year", "int"),
           C("target", "target", "decimal"), C("target_year", "target year", "int"),
           C("value", "latest value", "decimal"), C("value_year", "year of value", "int"),
           C("expected", "expected on the path", "decimal"),
           C("progress", "progress vs expected", "percent"),
           C("achieved", "way to target", "percent"), C("status", "status", "text"),
           C("source", "source", "text", 40), C("detail", "detail", "text", 40)]
PROPOSAL = [C("position", "list position", "int"), C("iso3", "ISO3", "text"),
            C("market", "market", "text"), C("tier", "tier", "text"),
            C("weight", "weight", "ratio"), C("quota", "ideal share (units)", "decimal"),
            C("unconstrained", "without constraints", "int"),
            C("existing", "already this year", "int"), C("total", "total", "int"),
            C("new", "new units", "int"), C("amount", "amount", "money"),
            C("explanation", "explanation", "text", 60)]
SUMMARY = [C("figure", "figure", "text", 44), C("value", "value", "auto")]


def register_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The register with markets joined for display."""
    out = frame.copy()
    out["markets"] = out["markets"].map(lambda ms: "; ".join(ms))
    return out


def register_file_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The register in the import file's layout (column names as `plan register import`)."""
    rows = [to_fields(r) for r in records(frame)]
    return pd.DataFrame(rows, columns=[names[0] for names in FIELDS.values()])


def targets_file_frame(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [target_fields(r) for r in records(frame)]
    return pd.DataFrame(rows, columns=[names[0] for names in TARGET_FIELDS.values()])


def write_register_file(frame: pd.DataFrame, path: Path, sheet: str = "register") -> Path:
    """An exported register (CSV or .xlsx) that `plan register import` reads back."""
    from marketscout.reports.csvfile import write_csv
    from marketscout.reports.workbook import Sheet, write_workbook

    table = register_file_frame(frame) if "activity_id" in frame.columns else frame
    cols = [Column(c, c, "text") for c in table.columns]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return write_workbook(path, [Sheet(sheet, table, cols)], progress=False)
    return write_csv(path, table, cols, machine_headers=True)


def alignment_summary(a: Alignment) -> pd.DataFrame:
    """Headline figures with the period, list and currency first."""
    head = pd.DataFrame([("period", a.period.label), ("list version", a.list_description),
                         ("currency of cost figures", a.currency or "none")],
                        columns=["figure", "value"])
    return pd.concat([head, summary(a).astype({"value": object})], ignore_index=True)


def about(title: str, warnings: tuple[str, ...], extra: list[tuple[str, Any]]) -> dict[str, Any]:
    return {"title": title, "warnings": list(warnings), "about": extra}


def workbook(path: Path, home: str, register: pd.DataFrame, board: Dashboard | None,
             a: Alignment | None, p: Proposal | None) -> Path:
    """The plan report: one sheet per view (register, targets, alignment, gaps, drift,
    proposal), an About sheet with the sources and warnings first."""
    from marketscout.reports.workbook import Sheet, write_workbook

    sheets = [Sheet("Register", register_view(register), REGISTER)]
    warnings: list[str] = []
    facts: list[tuple[str, Any]] = [("home", home), ("marketscout", __version__)]
    if board is not None:
        sheets.append(Sheet("Targets", board.targets, TARGETS))
        warnings += board.warnings
        facts.append(("targets as of", str(board.as_of)))
    if a is not None:
        sheets += [Sheet("Alignment", alignment_summary(a), SUMMARY),
                   Sheet("Effort by market", a.markets, MARKETS),
                   Sheet("Effort by tier", a.tiers, TIERS), Sheet("Gaps", a.gaps, GAPS),
                   Sheet("Drift", a.drift, DRIFT)]
        warnings += a.warnings
        facts += [("period", a.period.label), ("list version", a.list_description)]
    if p is not None:
        sheets.append(Sheet("Proposal", p.markets, PROPOSAL))
        warnings += p.warnings
        facts.append(("proposal", f"{p.total_units} {p.unit_label} in {p.options.year}"))
    facts.append(("method", "docs/plan.md explains every figure"))
    unique = list(dict.fromkeys(warnings))
    return write_workbook(path, sheets, title=f"Activity plan for {home}", about=facts,
                          warnings=unique)


def alignment_payload(a: Alignment) -> dict[str, Any]:
    """The alignment as JSON (the CLI's --format json and /api/plan/alignment)."""
    def corr(c: Any) -> dict[str, Any]:
        return {"rho": c.rho, "p_value": c.p_value, "n": c.n, "note": c.note}

    return clean({
        "home": a.home, "period": a.period.label, "list": a.list_name,
        "list_description": a.list_description, "currency": a.currency,
        "activities": a.activities, "shares": a.shares,
        "spearman": {"activities": corr(a.spearman_activities), "cost": corr(a.spearman_cost)},
        "tiers": a.tiers.to_dict("records"), "markets": a.markets.to_dict("records"),
        "gaps": a.gaps.to_dict("records"), "drift": a.drift.to_dict("records"),
        "warnings": list(a.warnings), "marketscout": __version__})


def dashboard_payload(board: Dashboard) -> dict[str, Any]:
    return clean({"home": board.home, "as_of": str(board.as_of), "list": board.list_name,
                  "targets": board.targets.to_dict("records"),
                  "warnings": list(board.warnings), "marketscout": __version__})


def proposal_payload(p: Proposal) -> dict[str, Any]:
    o = p.options
    return clean({"year": o.year, "units": p.total_units, "unit": p.unit_label,
                  "type": o.activity_type, "basis": o.basis, "method": o.method,
                  "constraints": {"min_core": o.min_core, "max_per_market": o.max_per_market,
                                  "covered": o.covered, "fixed": dict(o.fixed)},
                  "list": p.list_name, "list_description": p.list_description,
                  "markets": p.markets.to_dict("records"), "warnings": list(p.warnings),
                  "marketscout": __version__})


def register_payload(frame: pd.DataFrame, warnings: tuple[str, ...] = ()) -> dict[str, Any]:
    rows = register_view(frame)
    for col in ("start_date", "end_date", "updated_at"):
        if col in rows.columns:
            rows[col] = rows[col].astype(str)
    return clean({"activities": rows.to_dict("records"), "warnings": list(warnings),
                  "marketscout": __version__})
