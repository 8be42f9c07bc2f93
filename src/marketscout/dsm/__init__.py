"""The Decision Support Model (DSM): realistic export opportunities in product-level trade data.

Four filters run as SQL in DuckDB over Parquet (METHODS.md §1; docs/dsm.md):
country screen -> product-market attractiveness -> accessibility -> the REO map.
`run_dsm` for one home country, `run_dsm_all` for every exporter in one pass.

The names below load on first use, so that importing a light submodule (`dsm.config`,
`dsm.catalog`, `dsm.available`) does not load the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from marketscout.dsm.config import DSMConfig, load_config
    from marketscout.dsm.engine import DSMAllResult, DSMResult, run_dsm, run_dsm_all
    from marketscout.dsm.service import top_opportunities
    from marketscout.dsm.trade import TradeSource

_WHERE = {"DSMConfig": "config", "load_config": "config", "DSMAllResult": "engine",
          "DSMResult": "engine", "run_dsm": "engine", "run_dsm_all": "engine",
          "top_opportunities": "service", "TradeSource": "relation"}

__all__ = ["DSMAllResult", "DSMConfig", "DSMResult", "TradeSource", "load_config", "run_dsm",
           "run_dsm_all", "top_opportunities"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f"marketscout.dsm.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'marketscout.dsm' has no attribute {name!r}")
