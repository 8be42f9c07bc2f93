"""Eigenvector centrality of the collaboration network equals networkx's on every graph size:
unit Euclidean norm, so two linked countries get 1/sqrt(2) each (it was 1.0)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from marketscout.collab import network
from marketscout.collab.network import _centrality
from marketscout.store import Store


def weighted(edges: list[tuple[str, str, int]]) -> nx.Graph:
    graph = nx.Graph()
    for s, t, w in edges:
        for node in (s, t):
            graph.add_node(node, participations=1, projects=1, ec_contribution=0.0)
        graph.add_edge(s, t, weight=w)
    return graph


GRAPHS = {
    "two nodes": [("DEU", "LTU", 3)],
    "path of three": [("DEU", "LTU", 1), ("LTU", "POL", 1)],
    "weighted triangle": [("DEU", "LTU", 4), ("LTU", "POL", 1), ("DEU", "POL", 2)],
    "star": [("LTU", c, 2) for c in ("DEU", "FRA", "POL", "SWE")],
    "five, uneven": [("DEU", "LTU", 3), ("DEU", "GRC", 2), ("DEU", "GBR", 2), ("GBR", "LTU", 2),
                     ("GRC", "LTU", 2), ("GRC", "RUS", 1), ("LTU", "RUS", 1)],
}


@pytest.mark.parametrize("edges", GRAPHS.values(), ids=GRAPHS.keys())
def test_eigenvector_centrality_equals_networkx(edges: list[tuple[str, str, int]]) -> None:
    graph = weighted(edges)
    # networkx's power iteration: another algorithm than the one the code uses
    expected = nx.eigenvector_centrality(weighted(edges), weight="weight", max_iter=10_000,
                                         tol=1e-12)
    got = _centrality(graph).set_index("iso3")["eigenvector_centrality"]
    assert got.to_dict() == pytest.approx(expected, abs=1e-6)
    assert math.fsum(v * v for v in got) == pytest.approx(1.0)


def test_two_linked_countries_get_one_over_root_two(small: Store) -> None:
    # at 3 or more joint projects only Germany-Lithuania (3 projects) is left in the corpus
    found = network(small, min_projects=3)
    assert set(found.graph.nodes) == {"DEU", "LTU"}
    centrality = found.nodes.set_index("iso3")["eigenvector_centrality"]
    assert centrality.to_dict() == pytest.approx({"DEU": 1 / math.sqrt(2),
                                                  "LTU": 1 / math.sqrt(2)}, abs=1e-12)
