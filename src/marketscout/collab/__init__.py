"""Horizon collaboration analytics and the partner finder (pure queries over a Store).

    pairs(store, home, scope)           one home country's partners
    profile(store, country, home)       a country's fact sheet
    thirds(store, scope)                third countries ranked (non-associated)
    network(store, min_projects)        the country collaboration graph
    find_partners(store, home, market, topic, top)   organisations matching a topic

The partner finder and its search index load on first use (about 0.07 s of imports the
`horizon` criterion of every `rank` does not need). The queries load here: their names are
also the names of their modules, which an import of the module would otherwise put back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketscout.collab.network import Network, network
from marketscout.collab.pairs import Pairs, pairs
from marketscout.collab.profile import Profile, profile
from marketscout.collab.scope import Scope, country, scope
from marketscout.collab.thirds import Thirds, thirds
from marketscout.countries import name

if TYPE_CHECKING:
    from marketscout.collab.index import build_search_index
    from marketscout.collab.partners import PartnerSearch, find_partners

_LAZY = {"build_search_index": "index", "PartnerSearch": "partners",
         "find_partners": "partners"}

__all__ = ["Network", "Pairs", "PartnerSearch", "Profile", "Scope", "Thirds",
           "build_search_index", "country", "find_partners", "name", "network", "pairs",
           "profile", "scope", "thirds"]


def __getattr__(attr: str) -> Any:
    if attr in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"marketscout.collab.{_LAZY[attr]}"), attr)
    raise AttributeError(f"module 'marketscout.collab' has no attribute {attr!r}")
