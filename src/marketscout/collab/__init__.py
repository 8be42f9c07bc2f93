"""Horizon collaboration analytics and the partner finder (pure queries over a Store).

    pairs(store, home, scope)           one home country's partners
    profile(store, country, home)       a country's fact sheet
    thirds(store, scope)                third countries ranked (non-associated)
    network(store, min_projects)        the country collaboration graph
    find_partners(store, home, market, topic, top)   organisations matching a topic
"""

from __future__ import annotations

from marketscout.collab.index import build_search_index
from marketscout.collab.network import Network, network
from marketscout.collab.pairs import Pairs, pairs
from marketscout.collab.partners import PartnerSearch, find_partners
from marketscout.collab.profile import Profile, profile
from marketscout.collab.scope import Scope, country, scope
from marketscout.collab.thirds import Thirds, thirds
from marketscout.countries import name

__all__ = ["Network", "Pairs", "PartnerSearch", "Profile", "Scope", "Thirds",
           "build_search_index", "country", "find_partners", "name", "network", "pairs",
           "profile", "scope", "thirds"]
