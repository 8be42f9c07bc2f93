"""Activities checked cell by cell: the same rules for a register file, a web form and the
command line (`FormTable`), every error naming file, row (or field), column and what to do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from marketscout.plan import vocab
from marketscout.plan.forms import first_row, market_lists, nulls, parse_date, split_list
from marketscout.sources.table import UserTable

# store column -> accepted headers (the first is what `plan register export` writes)
FIELDS: dict[str, tuple[str, ...]] = {
    "activity_id": ("id", "activity_id", "activity id"),
    "title": ("title", "name"),
    "type": ("type", "activity type"),
    "instrument": ("instrument",),
    "markets": ("markets", "market", "countries", "country"),
    "sector": ("sector",),
    "start_date": ("start", "start_date", "start date", "date"),
    "end_date": ("end", "end_date", "end date"),
    "organiser": ("organiser", "organizer"),
    "currency": ("currency",),
    "budget": ("budget",),
    "cost": ("cost", "actual cost", "actual_cost"),
    "companies": ("companies", "participants"),
    "company_names": ("company_names", "company names", "participant names"),
    "leads": ("leads",),
    "contracts": ("contracts",),
    "export_value": ("export_value", "export value", "reported export value"),
    "joint_projects": ("joint_projects", "joint projects"),
    "status": ("status",),
    "notes": ("notes", "note"),
    "source": ("source",),
    "illustrative": ("illustrative",),
}
REQUIRED = ("activity_id", "type", "markets", "start_date", "status")
TEXT = ("title", "sector", "organiser", "notes", "source")
COUNTS = ("companies", "leads", "contracts", "joint_projects")
MONEY = ("budget", "cost", "export_value")
YES_NO = ("yes", "no", "true", "false", "1", "0")
STORE_COLUMNS = list(FIELDS)


def _col(table: UserTable, field: str) -> str | None:
    names = FIELDS[field]
    return table.column(*names) if field in REQUIRED else table.find(*names)


def _text(table: UserTable, field: str) -> pd.Series:
    col = _col(table, field)
    if col is None:
        return pd.Series(None, index=table.frame.index, dtype=object)
    return nulls(table.text(col, required=False))


def _numbers(table: UserTable, field: str, integer: bool) -> pd.Series:
    col = _col(table, field)
    if col is None:
        return pd.Series(np.nan, index=table.frame.index)
    return table.numbers(col, minimum=0, integer=integer, required=False)


def parse_activities(table: UserTable, home: str, instruments: Sequence[str]) -> pd.DataFrame:
    """Every row checked (nothing is returned on any error); one row per activity, the
    store's columns, markets as lists of ISO3 codes."""
    out = pd.DataFrame(index=table.frame.index)
    out["activity_id"] = table.text(_col(table, "activity_id") or "")
    out["home"] = home
    out["title"] = _text(table, "title")
    out["type"] = table.choice(_col(table, "type") or "", vocab.type_choices()).map(
        vocab.type_code)
    out["instrument"] = _instrument(table, instruments)
    out["markets"] = market_lists(table, _col(table, "markets") or "")
    _no_home_market(table, out, home)
    for field in ("sector", "organiser", "notes", "source"):
        out[field] = _text(table, field)
    out["start_date"] = parse_date(table, _col(table, "start_date") or "")
    end = _col(table, "end_date")
    out["end_date"] = parse_date(table, end, required=False) if end else None
    out["end_date"] = out["end_date"].where(out["end_date"].notna(), out["start_date"])
    _dates_in_order(table, out, end)
    for field in MONEY:
        out[field] = _numbers(table, field, integer=False)
    for field in COUNTS:
        out[field] = _numbers(table, field, integer=True)
    out["currency"] = _currency(table, out)
    out["company_names"] = _text(table, "company_names")
    _companies(table, out)
    out["status"] = table.choice(_col(table, "status") or "", vocab.STATUSES)
    out["illustrative"] = _yes_no(table)
    table.reject_duplicates(out, ["activity_id"])
    return out[["activity_id", "home", *[c for c in STORE_COLUMNS[1:]]]]


def _instrument(table: UserTable, instruments: Sequence[str]) -> pd.Series:
    col = _col(table, "instrument")
    if col is None:
        return pd.Series(None, index=table.frame.index, dtype=object)
    picked = table.choice(col, [*instruments, ""], default="")
    return nulls(picked.mask(picked == ""))


def _no_home_market(table: UserTable, out: pd.DataFrame, home: str) -> None:
    row = first_row(out["markets"].map(lambda ms: home in ms))
    if row is not None:
        table.fail(f"The market is the home country ({home}).", row, _col(table, "markets"),
                   "Activities at home are not effort in a partner market: remove the home "
                   "country from the markets.")


def _dates_in_order(table: UserTable, out: pd.DataFrame, end: str | None) -> None:
    row = first_row(out["end_date"] < out["start_date"])
    if row is not None:
        table.fail(f"The end date {out.loc[row, 'end_date']} is before the start date "
                   f"{out.loc[row, 'start_date']}.", row, end,
                   "Swap the two dates, or correct the one that is wrong.")


def _currency(table: UserTable, out: pd.DataFrame) -> pd.Series:
    col = _col(table, "currency")
    codes = (table.text(col, required=False) if col
             else pd.Series(None, index=out.index, dtype=object))
    codes = codes.map(lambda c: str(c).strip().upper() if isinstance(c, str) else None)
    unknown = first_row(codes.map(lambda c: c is not None and c not in vocab.CURRENCIES))
    if unknown is not None:
        table.fail(f"Unknown currency {codes[unknown]!r}.", unknown, col,
                   "Write the ISO 4217 code, e.g. EUR, USD, GBP.")
    money = out[list(MONEY)].notna().any(axis=1)
    missing = first_row(money & codes.isna())
    if missing is not None:
        table.fail("An amount is given but no currency.", missing, col or "currency",
                   "Add a column 'currency' with the ISO 4217 code (e.g. EUR) on this row.")
    return nulls(codes)


def _companies(table: UserTable, out: pd.DataFrame) -> None:
    """Names without a count give the count; a count below the names given is an error."""
    named = out["company_names"].map(lambda t: len(split_list(t)) if t else 0)
    short = first_row(out["companies"].notna() & (out["companies"] < named))
    if short is not None:
        table.fail(f"{out.loc[short, 'companies']:.0f} companies, but "
                   f"{named[short]} names are given.", short, _col(table, "companies"),
                   "Make the count at least the number of names (separated by ;).")
    out["companies"] = out["companies"].where(out["companies"].notna() | (named == 0), named)
    out["company_names"] = out["company_names"].map(
        lambda t: "; ".join(split_list(t)) if t else None)


def _yes_no(table: UserTable) -> pd.Series:
    col = _col(table, "illustrative")
    if col is None:
        return pd.Series(False, index=table.frame.index)
    return table.choice(col, YES_NO, default="no").isin(["yes", "true", "1"])


def to_fields(row: Mapping[str, Any]) -> dict[str, str]:
    """A stored activity as the text fields of a file or a form (export, edit)."""
    out = {}
    for field, names in FIELDS.items():
        value = row.get(field)
        out[names[0]] = _shown(field, value)
    return out


def _shown(field: str, value: Any) -> str:
    if field == "markets":
        return "; ".join(list(value)) if value is not None else ""
    if field == "illustrative":
        return "yes" if bool(value) else "no"
    if value is None or (not isinstance(value, list | np.ndarray) and pd.isna(value)):
        return ""
    if field in ("start_date", "end_date"):
        return str(pd.Timestamp(value).date())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
