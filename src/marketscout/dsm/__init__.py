"""The Decision Support Model (DSM): realistic export opportunities in product-level trade data.

Four filters run as SQL in DuckDB over Parquet (METHODS.md §1; docs/dsm.md):
country screen -> product-market attractiveness -> accessibility -> the REO map.
`run_dsm` for one home country, `run_dsm_all` for every exporter in one pass.
"""

from __future__ import annotations

from marketscout.dsm.config import DSMConfig, load_config
from marketscout.dsm.engine import DSMAllResult, DSMResult, run_dsm, run_dsm_all
from marketscout.dsm.service import top_opportunities
from marketscout.dsm.trade import TradeSource

__all__ = ["DSMAllResult", "DSMConfig", "DSMResult", "TradeSource", "load_config", "run_dsm",
           "run_dsm_all", "top_opportunities"]
