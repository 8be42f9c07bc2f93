"""Why a market's products are (or are not) realistic export opportunities, in words.

Used by `marketscout dsm explain` and the web market profile: the top opportunities of one
market with their HS6 description, cell, values and the reason for each classification.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from marketscout import countries
from marketscout.dsm.config import COLUMN_NAMES, ROW_NAMES
from marketscout.dsm.engine import DSMResult
from marketscout.dsm.results import describe_reason
from marketscout.dsm.sectors import product_names
from marketscout.errors import DataNotAvailableError
from marketscout.store import Store

COLUMNS = ("product", "description", "cell", "row", "column", "import_value", "home_exports",
           "home_share", "untapped_potential", "why")


@dataclass(frozen=True)
class MarketExplanation:
    """One market: a summary sentence, its top opportunities, and exclusions by reason."""

    market: str
    summary: str
    opportunities: pd.DataFrame
    excluded: pd.DataFrame


def explain_market(result: DSMResult, market: str, top: int = 20,
                   store: Store | None = None) -> MarketExplanation:
    """The market's top opportunities by untapped potential, each with the reason why."""
    iso = countries.to_iso3(market, where="--market")
    row = result.markets.loc[result.markets["market"] == iso]
    if row.empty:
        raise DataNotAvailableError(
            f"{iso} does not import anything in the trade data for {result.year}"
            + (" (it is the home country)." if iso == result.home else "."),
            where=result.source, fix="Pick a market that appears in `marketscout dsm run`.")
    info = row.iloc[0]
    mine = result.opportunities.loc[result.opportunities["market"] == iso].head(top)
    table = pd.DataFrame({
        "product": mine["product"].to_numpy(),
        "description": describe_products(store, mine["product"].tolist()),
        "cell": mine["cell"].to_numpy(),
        "row": mine["row_class"].map(ROW_NAMES).to_numpy(),
        "column": mine["col_class"].map(COLUMN_NAMES).to_numpy(),
        "import_value": mine["import_value"].to_numpy(),
        "home_exports": mine["home_exports"].to_numpy(),
        "home_share": mine["home_share"].to_numpy(),
        "untapped_potential": mine["untapped_potential"].to_numpy(),
        "why": [why(r, result) for r in mine.itertuples(index=False)],
    }, columns=list(COLUMNS))
    lost = result.excluded.loc[result.excluded["market"] == iso, "reason"].astype(str)
    excluded = (lost.value_counts().rename_axis("reason").reset_index(name="product_markets"))
    excluded["meaning"] = excluded["reason"].map(describe_reason)
    return MarketExplanation(iso, summary(info, result), table, excluded)


def describe_products(store: Store | None, codes: list[str]) -> list[str]:
    """HS6 descriptions from the store's baci_product table ('' where unknown)."""
    names = product_names(store, codes)
    return [names.get(c, "") for c in codes]


def summary(info: pd.Series, result: DSMResult) -> str:
    """One paragraph on a market: filter 1, accessibility, opportunities and potential."""
    iso = str(info["market"])
    head = f"{countries.name(iso)} ({iso}), {result.year}, home {result.home}: "
    if not bool(info["passed_filter1"]):
        return head + f"excluded by {describe_reason(str(info['filter1_reason']))}."
    note = " (no macro data: kept)" if info["filter1_note"] == "no_macro_data" else ""
    access = str(info["access_class"])
    used = info["access_variables"] if isinstance(info["access_variables"], str) else "none"
    return (head + f"passed the country screen{note}; accessibility {access} "
            f"(index {_num(info['access_index'], '.2f')} from {used}); "
            f"{int(info['opportunities'])} opportunities importing "
            f"{_money(info['opportunity_imports'])}, of which the home country supplies "
            f"{_money(info['home_exports'])}; untapped potential "
            f"{_money(info['untapped_potential'])}. Source: {result.source}.")


def why(r: object, result: DSMResult) -> str:
    """The reason for one opportunity's row, column and survival, with its numbers."""
    c = result.config
    get = r.__getattribute__
    parts = [f"{ROW_NAMES[int(get('row_class'))]}: {_pct(get('world_share'))} of world "
             f"imports (large from {c.large_market_share:.1%})"]
    if _present(get("st_growth")):
        parts.append(f"short term {_pct(get('st_growth'), True)} vs world "
                     f"{_pct(get('world_st_growth'), True)}")
    span = get("lt_span")
    if _present(span):
        parts.append(f"long term {_pct(get('lt_growth'), True)}/yr vs world "
                     f"{_pct(get('world_lt_growth'), True)} over {int(span)} years")
    if not (_present(get("st_growth")) or _present(span)):
        parts.append("growth not measurable (no earlier imports in the data)")
    parts.append(f"HHI {_num(get('hhi'), '.2f')}; {get('access_class')} market")
    rel = get("relative_share")
    position = ("the only supplier" if not _present(rel) else
                f"{_num(rel, '.2f')} x the mean share of the top {c.top_suppliers} competitors "
                f"({_pct(get('benchmark_share'))})")
    parts.append(f"home share {_pct(get('home_share'))}, {position}: "
                 f"{COLUMN_NAMES[int(get('col_class'))]}")
    return "; ".join(parts)


def _present(value: object) -> bool:
    return value is not None and value is not pd.NA and not (
        isinstance(value, float) and math.isnan(value))


def _num(value: object, spec: str) -> str:
    return format(float(value), spec) if _present(value) else "n/a"  # type: ignore[arg-type]


def _pct(value: object, signed: bool = False) -> str:
    if not _present(value):
        return "n/a"
    return format(float(value), "+.1%" if signed else ".1%")  # type: ignore[arg-type]


def _money(value: object) -> str:
    """Thousand USD, shown in USD millions."""
    return f"USD {float(value) / 1000:,.1f} million" if _present(value) else "n/a"  # type: ignore[arg-type]
