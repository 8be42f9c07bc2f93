"""Targets (table plan_target): an indicator over a scope, from a baseline (with its year) to
a target value by a target year, in a unit. Checked with the register file's rules."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from marketscout.plan import vocab
from marketscout.plan.forms import first_row, nulls, records
from marketscout.plan.register import _value, utcnow
from marketscout.sources.table import UserTable
from marketscout.store import Store

FIELDS: dict[str, tuple[str, ...]] = {
    "target_id": ("id", "target_id", "target id"),
    "title": ("title", "name"),
    "indicator": ("indicator",),
    "activity_type": ("activity_type", "activity type", "type"),
    "scope": ("scope",),
    "scope_value": ("scope_value", "scope value", "market", "tier", "sector"),
    "baseline": ("baseline",),
    "baseline_year": ("baseline_year", "baseline year"),
    "target": ("target", "target value"),
    "target_year": ("target_year", "target year"),
    "unit": ("unit",),
    "notes": ("notes", "note"),
    "source": ("source",),
    "illustrative": ("illustrative",),
}
REQUIRED = ("target_id", "indicator", "scope", "baseline", "baseline_year", "target",
            "target_year")
INSERT_COLUMNS = ["target_id", "home", *list(FIELDS)[1:], "version", "updated_at"]


def _req(table: UserTable, field: str) -> str:
    return table.column(*FIELDS[field])


def _opt(table: UserTable, field: str) -> pd.Series:
    col = table.find(*FIELDS[field])
    if col is None:
        return pd.Series(None, index=table.frame.index, dtype=object)
    return nulls(table.text(col, required=False))


def parse_targets(table: UserTable, home: str) -> pd.DataFrame:
    """Every row checked; one row per target with the store's columns."""
    out = pd.DataFrame(index=table.frame.index)
    out["target_id"] = table.text(_req(table, "target_id"))
    out["home"] = home
    out["title"] = _opt(table, "title")
    out["indicator"] = table.choice(_req(table, "indicator"), list(vocab.INDICATORS))
    out["activity_type"] = _activity_type(table, out)
    out["scope"] = table.choice(_req(table, "scope"), vocab.SCOPES)
    out["scope_value"] = _scope_values(table, out, home)
    for field in ("baseline", "target"):
        out[field] = table.numbers(_req(table, field))
    for field in ("baseline_year", "target_year"):
        out[field] = table.years(_req(table, field), None)
    late = first_row(out["baseline_year"] >= out["target_year"])
    if late is not None:
        table.fail(f"The baseline year {out.loc[late, 'baseline_year']} is not before the "
                   f"target year {out.loc[late, 'target_year']}.", late,
                   _req(table, "baseline_year"),
                   "A target is reached after its baseline: give a baseline year before the "
                   "target year.")
    out["unit"] = _units(table, out)
    out["notes"] = _opt(table, "notes")
    out["source"] = _opt(table, "source")
    col = table.find(*FIELDS["illustrative"])
    out["illustrative"] = (table.choice(col, ("yes", "no", "true", "false", "1", "0"),
                                        default="no").isin(["yes", "true", "1"])
                           if col else False)
    table.reject_duplicates(out, ["target_id"])
    return out[["target_id", "home", *list(FIELDS)[1:]]]


def _activity_type(table: UserTable, out: pd.DataFrame) -> pd.Series:
    col = table.find(*FIELDS["activity_type"])
    if col is None:
        return pd.Series(None, index=out.index, dtype=object)
    picked = table.choice(col, [*vocab.type_choices(), ""], default="").map(
        lambda t: vocab.type_code(t) if t else None)
    stored = out["indicator"].map(lambda i: vocab.INDICATORS[i][0] == "store")
    row = first_row(stored & picked.notna())
    if row is not None:
        table.fail(f"Indicator {out.loc[row, 'indicator']!r} is read from the store's data, "
                   "not counted from the register, so it takes no activity type.", row, col,
                   "Leave the activity type empty for exports, fdi and horizon_projects.")
    return nulls(picked)


def _scope_values(table: UserTable, out: pd.DataFrame, home: str) -> pd.Series:
    col = table.find(*FIELDS["scope_value"])
    cells = (table.text(col, required=False) if col
             else pd.Series(None, index=out.index, dtype=object))
    values: dict[int, str | None] = {}
    for row in out.index:
        scope, cell = out.loc[row, "scope"], cells[row]
        blank = cell is None or (isinstance(cell, float) and pd.isna(cell))
        values[row] = _scope_value(table, row, col, scope, None if blank else str(cell),
                                   str(out.loc[row, "indicator"]), home)
    return pd.Series(values, dtype=object)


def _scope_value(table: UserTable, row: int, col: str | None, scope: str, cell: str | None,
                 indicator: str, home: str) -> str | None:
    where = col or "scope_value"
    if scope in ("list", "all"):
        if cell:
            table.fail(f"Scope {scope!r} takes no scope value (found {cell!r}).", row, where,
                       "Leave the scope value empty, or use scope market, tier or sector.")
        return None
    if not cell:
        example = {"market": "DEU", "tier": "core", "sector": "HS XVI"}[scope]
        table.fail(f"Scope {scope!r} needs a scope value.", row, where,
                   f"Give the {scope}, e.g. {example}.")
    if scope == "market":
        code = table.country(cell, row, where)
        if code == home:
            table.fail(f"The market is the home country ({home}).", row, where,
                       "Targets are about partner markets: name another market.")
        return code
    if scope == "tier":
        if cell.lower() not in vocab.TIERS:
            table.fail(f"Unknown tier {cell!r}.", row, where,
                       f"Use one of: {', '.join(vocab.TIERS)}.")
        return cell.lower()
    if vocab.INDICATORS[indicator][0] == "store":
        table.fail(f"Indicator {indicator!r} cannot be computed for a sector: the store holds "
                   "it by partner country only.", row, where,
                   "Use scope market, tier, list or all for it; sector targets need a register "
                   "indicator (activities, spending, companies, ...).")
    return cell


def _units(table: UserTable, out: pd.DataFrame) -> pd.Series:
    """The unit as given, else the indicator's own (activities, %, projects)."""
    given = _opt(table, "unit")
    default = out["indicator"].map(lambda i: vocab.INDICATORS[i][1])
    needs = given.isna() & default.isin(["currency", "source unit"])
    row = first_row(needs)
    if row is not None:
        table.fail(f"Indicator {out.loc[row, 'indicator']!r} needs a unit.", row,
                   table.find(*FIELDS["unit"]) or "unit",
                   "Give the currency (e.g. EUR) or the source's unit (e.g. USD, EUR million).")
    return given.where(given.notna(), default)


def targets(store: Store, home: str) -> pd.DataFrame:
    """Every target of `home`, in id order."""
    return store.query("SELECT * FROM plan_target WHERE home = ? ORDER BY target_id", [home])


def replace_targets(store: Store, home: str, frame: pd.DataFrame, path: Path) -> int:
    """Replace `home`'s targets by `frame` (checked) in one transaction."""
    now = utcnow()
    cols = INSERT_COLUMNS
    marks = ", ".join("nextval('plan_version_seq')" if c == "version" else "?" for c in cols)
    statements: list[tuple[str, Sequence[Any]]] = [
        ("DELETE FROM plan_target WHERE home = ?", [home])]
    for row in records(frame):
        params = [now if c == "updated_at" else _value(row[c]) for c in cols if c != "version"]
        statements.append((f"INSERT INTO plan_target ({', '.join(cols)}) VALUES ({marks})",
                           params))
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    statements.append(("INSERT INTO plan_import VALUES (?, 'targets', ?, ?, ?, ?)",
                       [home, str(path), digest, len(frame), now]))
    store.write(statements)
    return len(frame)


def to_fields(row: dict[str, Any]) -> dict[str, str]:
    """A stored target as the text fields of a file (export)."""
    out = {}
    for field, names in FIELDS.items():
        value = row.get(field)
        if field == "illustrative":
            out[names[0]] = "yes" if bool(value) else "no"
        elif value is None or pd.isna(value):
            out[names[0]] = ""
        elif isinstance(value, float) and value.is_integer():
            out[names[0]] = str(int(value))
        else:
            out[names[0]] = str(value)
    return out
