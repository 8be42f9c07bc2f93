"""marketscout: choose, explain and act on priority partner markets.

The main job, from Python (docs/python-api.md has a runnable example per engine):

    import marketscout
    with marketscout.open_store(marketscout.load_settings().db_path) as store:
        plist = marketscout.rank(store, "LTU", marketscout.Options(top=32))
    print(plist.headline)
    plist.markets          # rank, score, 90% interval, P(on the list), tier, contributions

The engines: `marketscout.index` (COINr-style composite indices), `marketscout.dsm`
(realistic export opportunities), `marketscout.collab` (Horizon collaboration, partners),
`marketscout.calls` (joint R&D calls), `marketscout.survey` (business association survey).
Names load on first use, so `import marketscout` is instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from marketscout.dsm import DSMConfig, run_dsm
    from marketscout.index import Recipe, build_index, framework_from_meta, run_uncertainty
    from marketscout.priority import (
        Options,
        Override,
        PriorityList,
        build_priority_list,
        compare,
        compute_criteria,
        market_profile,
        rank,
    )
    from marketscout.settings import load_settings
    from marketscout.store import Store, open_store

_LAZY = {
    **dict.fromkeys(("Options", "Override", "PriorityList", "build_priority_list", "compare",
                     "compute_criteria", "market_profile", "rank"), "marketscout.priority"),
    **dict.fromkeys(("Recipe", "build_index", "framework_from_meta", "run_uncertainty"),
                    "marketscout.index"),
    **dict.fromkeys(("DSMConfig", "run_dsm"), "marketscout.dsm"),
    "Store": "marketscout.store", "open_store": "marketscout.store",
    "load_settings": "marketscout.settings",
}

__all__ = ["DSMConfig", "Options", "Override", "PriorityList", "Recipe", "Store",
           "__version__", "build_index", "build_priority_list", "compare", "compute_criteria",
           "framework_from_meta", "load_settings", "market_profile", "open_store", "rank",
           "run_dsm", "run_uncertainty"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'marketscout' has no attribute {name!r}")
