"""Is there trade data complete enough for the DSM? Store queries only, light to import.

The `dsm` criterion asks on every `rank`; the engine (and PyArrow, the BACI readers) load
only when a complete year exists and the DSM actually runs (`dsm.service.store_result`).
"""

from __future__ import annotations

from marketscout.dsm.config import DSMConfig
from marketscout.dsm.connect import connection
from marketscout.dsm.relation import TradeSource, exporters_by_year, latest_year
from marketscout.store import Store

__all__ = ["HOW", "complete_year", "latest_trade_year", "trade_years"]

HOW = ("The DSM needs a complete BACI year (all exporters): `marketscout data update baci` "
       "when online, or `marketscout dsm import trade BACI_HS92_Y2021_V202301.csv` with the "
       "file from CEPII. The embedded snapshot holds only a two-exporter sample (South Africa, "
       "Afghanistan).")


def trade_years(trade: TradeSource, store: Store | None = None,
                engine: object = "duckdb") -> dict[int, int]:
    """Years in the trade data and the number of exporters in each (a complete BACI year has
    about 220; the shipped sample has 2)."""
    with connection(store, engine) as (_, con):
        return exporters_by_year(con, trade)


def latest_trade_year(trade: TradeSource, store: Store | None = None) -> int | None:
    """The latest year in the trade data (None when it holds none)."""
    with connection(store, "duckdb") as (_, con):
        return latest_year(con, trade)


def complete_year(store: Store, source: TradeSource, year: int | None,
                  config: DSMConfig) -> int | str:
    """The year to use, or a plain sentence on why the store's trade data is not enough."""
    years = trade_years(source, store) if (source.paths or source.source_ids) else {}
    if not years:
        return "No product-level trade data in the store."
    chosen = year if year is not None else max(years)
    exporters = years.get(chosen, 0)
    partial = [p for p in source.provenance if p.partial]
    if partial:
        shown = "; ".join(p.note or p.source_id for p in partial)
        return (f"The trade data for {chosen} is a partial sample ({exporters} exporters): "
                f"{shown} The DSM needs every exporter to measure world imports and market "
                "shares, so it is not computed.")
    if exporters < config.min_exporters:
        return (f"The trade data holds {exporters} exporters for {chosen} (a complete BACI "
                f"year holds about 220; at least {config.min_exporters} are needed).")
    return chosen
