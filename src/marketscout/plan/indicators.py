"""Indicators, computed, never typed in: counted from the register (activities done, effort
split as in `plan.effort`) or read from the store's own data with the criteria's rules
(exports and FDI: the criterion's choice of source and unit; joint Horizon projects: the one
definition in `collab.pairs.joint_rows`). Each gives one value per year, with its source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from marketscout import countries
from marketscout.plan import vocab
from marketscout.plan.effort import Period, effort, main_currency
from marketscout.plan.lists import ListVersion
from marketscout.store import Store

DONE = ("done",)


@dataclass(frozen=True)
class Series:
    """An indicator's value per year (index: year) for one scope, and where it comes from."""

    values: pd.Series
    unit: str
    source: str
    missing: str = ""  # why there is no value, and how to get the data
    notes: tuple[str, ...] = field(default_factory=tuple)


def scope_markets(scope: str, value: str | None, lv: ListVersion | None) -> list[str] | None:
    """The markets a scope covers (None: every market)."""
    if scope == "market":
        return [str(value)]
    if scope in ("all", "sector"):
        return None
    if lv is None:
        return []
    return lv.members if scope == "list" else lv.tier(str(value))


def register_series(activities: pd.DataFrame, indicator: str, markets: list[str] | None,
                    activity_type: str | None = None, sector: str | None = None,
                    unit: str | None = None, years: Sequence[int] = ()) -> Series:
    """A register indicator per year: activities done that start in the year."""
    rows = activities
    if activity_type:
        rows = rows[rows["type"] == activity_type]
    if activities.empty:
        return Series(pd.Series(dtype=float), unit or "", "the activity register",
                      missing="The register is empty: import it with `marketscout plan register "
                      "import FILE --home ISO3` or add activities.")
    currency = unit if indicator in ("spending", "export_value") else None
    if currency is not None and currency not in vocab.CURRENCIES:
        return Series(pd.Series(dtype=float), currency, "the activity register",
                      missing=f"The unit of a money indicator must be a currency, not "
                      f"{currency!r}: give e.g. EUR.")
    if indicator == "spending_share":
        currency = main_currency(activities)
    long = effort(rows, Period(), DONE, currency)
    long["year"] = long["start_date"].map(lambda d: d.year)
    inside = long if markets is None else long[long["iso3"].isin(markets)]
    if sector:
        inside = inside[inside["sector"].fillna("").str.lower() == sector.lower()]
    per_year = _measure(indicator, inside, long)
    values = per_year.reindex(sorted(set(years) | set(per_year.index)), fill_value=0.0)
    unit_shown = {"activity_share": "%", "spending_share": "%"}.get(indicator, unit or "")
    return Series(values.astype(float), unit_shown,
                  "the activity register (activities with status done)")


def _measure(indicator: str, inside: pd.DataFrame, everything: pd.DataFrame) -> pd.Series:
    by = inside.groupby("year")
    if indicator == "activities":
        return by["share"].sum()
    if indicator == "spending":
        return by["cost_share"].sum()
    if indicator in ("activity_share", "spending_share"):
        col = "share" if indicator == "activity_share" else "cost_share"
        total = everything.groupby("year")[col].sum()
        return (by[col].sum().reindex(total.index, fill_value=0.0) / total * 100).fillna(0.0)
    column = {"companies": "companies", "leads": "leads", "contracts": "contracts",
              "export_value": "export_value"}[indicator]
    frame = inside.assign(part=inside[column].astype(float) * inside["share"])
    return frame.groupby("year")["part"].sum()


def bilateral_series(store: Store, home: str, indicator: str, markets: list[str] | None
                     ) -> Series:
    """Exports or the inward FDI position per year, from the source and unit the criterion
    chooses (never another selection rule), summed over the scope's markets."""
    from marketscout.criteria import exports, fdi

    module = exports if indicator == "exports" else fdi
    table = "exports" if indicator == "exports" else "fdi_inward"
    cands = countries.candidates(home, ())
    found = module.compute(store, home, cands)
    if not found.available:
        return Series(pd.Series(dtype=float), "", "no data", missing=found.how_to_get)
    source = found.sources[0].source_id if found.sources else ""
    rows = store.query(f"SELECT * FROM {table} WHERE home = ? AND source_id = ? AND unit = ?",
                       [home, source, found.unit]).dropna(subset=["value"])
    notes: list[str] = list(found.notes[:1])
    if "basis" in rows.columns and rows["basis"].nunique() > 1:
        # positions by immediate and by ultimate investor are not comparable across years
        basis = _basis(rows, found.year)
        rows = rows[rows["basis"] == basis]
        notes.append(f"FDI by {basis} investor (the basis of the criterion's year).")
    if markets is not None:
        rows = rows[rows["partner"].isin(markets)]
        absent = sorted(set(markets) - set(rows["partner"]))
        if absent:
            notes.append(f"The source does not report {', '.join(absent)} (not counted as 0).")
    values = rows.groupby("year")["value"].sum().astype(float)
    return Series(values, found.unit, found.source, notes=tuple(notes),
                  missing="" if len(values) else f"The source reports none of these markets. "
                  f"{found.how_to_get}")


def _basis(rows: pd.DataFrame, year: str) -> str:
    latest = rows[rows["year"].astype(str) == str(year).split(" ")[0]]
    bases = (latest if len(latest) else rows)["basis"].value_counts()
    return "immediate" if "immediate" in bases.index else str(bases.index[0])


def horizon_series(store: Store, home: str, markets: list[str] | None) -> Series:
    """Distinct joint Horizon projects starting in each year with any of the markets."""
    from marketscout.collab.pairs import joint_rows
    from marketscout.collab.scope import HOW_TO_GET, Scope, sources
    from marketscout.errors import DataNotAvailableError
    from marketscout.provenance import NOT_A_SAMPLE

    try:
        found = sources(store, Scope())
    except DataNotAvailableError:
        return Series(pd.Series(dtype=float), "projects", "no data", missing=HOW_TO_GET)
    rows = joint_rows(store, home)
    if markets is not None:
        rows = rows[rows["partner"].isin(markets)]
    from marketscout.criteria.horizon import _cut_off_notes  # the criterion's own caveat

    values = rows.dropna(subset=["start_year"]).groupby("start_year")["project_id"].nunique()
    values.index = values.index.astype(int)
    span = store.query("SELECT min(start_year) AS y0, max(start_year) AS y1 "
                       f"FROM horizon_participation WHERE {NOT_A_SAMPLE}").iloc[0]
    # CORDIS lists every participation: a year without a joint project counts 0
    last = int(span["y1"])
    notes = _cut_off_notes(found)
    for p in found:  # a dump taken during a year: start years from then on are incomplete
        if "dump of" in str(p.edition):
            last = min(last, int(str(p.edition).split("dump of", 1)[1].strip()[:4]) - 1)
    values = values.reindex(range(int(span["y0"]), last + 1), fill_value=0)
    cite = "; ".join(p.cite() for p in found) or "CORDIS"
    return Series(values.astype(float), "projects", cite,
                  notes=(*notes, f"Start years after {last} are left out as incomplete."))


def series(store: Store, home: str, target: pd.Series | dict, lv: ListVersion | None,
           activities: pd.DataFrame) -> Series:
    """The indicator of one target over its scope, per year."""
    indicator = str(target["indicator"])
    markets = scope_markets(str(target["scope"]), target.get("scope_value"), lv)
    kind = vocab.INDICATORS[indicator][0]
    if kind == "register":
        sector = target.get("scope_value") if target["scope"] == "sector" else None
        years = range(int(target["baseline_year"]), int(target["target_year"]) + 1)
        return register_series(activities, indicator, markets, target.get("activity_type"),
                               sector, str(target["unit"]), years)
    if indicator == "horizon_projects":
        return horizon_series(store, home, markets)
    return bilateral_series(store, home, indicator, markets)
