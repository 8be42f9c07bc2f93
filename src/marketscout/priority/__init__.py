"""The main job: criteria -> composite index (+ robustness) -> the priority list.

    rank(store, home, options)            the priority list (`PriorityList`)
    rank_file(db_path, home, options, cache=folder)  the same, the criteria kept between runs
    compute_criteria(store, home, options) the seven criteria with the options' data choices
    build_priority_list(home, found, options)  the list from criteria already computed
    compare(plist, other_list, name)      entries and exits against another list
    market_profile(store, plist, found, iso3)  one market's page

`Options` holds every choice and default. Heavy modules load on first use, so that reading
`Options` (the command line's defaults) does not load pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from marketscout.priority.options import (
    DEFAULTS,
    Options,
    Override,
    parse_editions,
    parse_overrides,
    parse_weights,
)

if TYPE_CHECKING:
    from marketscout.priority.build import PriorityList, build_priority_list, contributions
    from marketscout.priority.comparison import compare
    from marketscout.priority.profile import MarketProfile, market_profile
    from marketscout.priority.run import compute_criteria, rank, rank_file
    from marketscout.priority.selection import tier

_LAZY = {
    "PriorityList": "build", "build_priority_list": "build", "contributions": "build",
    "compare": "comparison", "MarketProfile": "profile", "market_profile": "profile",
    "compute_criteria": "run", "rank": "run", "rank_file": "run", "tier": "selection",
}

__all__ = ["DEFAULTS", "MarketProfile", "Options", "Override", "PriorityList",
           "build_priority_list", "compare", "compute_criteria", "contributions",
           "market_profile", "parse_editions", "parse_overrides", "parse_weights", "rank",
           "rank_file", "tier"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"marketscout.priority.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'marketscout.priority' has no attribute {name!r}")
