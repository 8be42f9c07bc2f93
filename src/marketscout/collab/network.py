"""The country collaboration network: countries linked by their joint Horizon projects.

Edge weight = distinct projects in which both countries have at least one participant (the
`pairs` count). Centrality is computed by networkx: degree (partners with at least
`min_projects` joint projects), strength (sum of weights) and eigenvector centrality on the
weights, which rewards countries linked strongly to well-linked countries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from marketscout import countries
from marketscout.collab.scope import Scope, cite, names, sources
from marketscout.errors import InputError
from marketscout.provenance import Provenance
from marketscout.store import Store

if TYPE_CHECKING:  # networkx is imported when a network is built: it slows CLI start-up
    import networkx as nx

EDGES_SQL = """
, country_project AS (SELECT DISTINCT project_id, iso3 FROM part)
SELECT a.iso3 AS source, b.iso3 AS target, count(*) AS joint_projects
FROM country_project a JOIN country_project b
  ON a.project_id = b.project_id AND a.iso3 < b.iso3
GROUP BY ALL HAVING count(*) >= ?
"""
NODES_SQL = """
SELECT iso3, count(*) AS participations, count(DISTINCT project_id) AS projects,
       round(coalesce(sum(ec_contribution), 0), 2) AS ec_contribution
FROM part GROUP BY iso3
"""


@dataclass(frozen=True)
class Network:
    """The weighted country graph and a node table with centralities."""

    graph: nx.Graph
    nodes: pd.DataFrame  # iso3, country, degree, strength, centralities, participations, ...
    scope: Scope
    min_projects: int
    sources: tuple[Provenance, ...]

    @property
    def source(self) -> str:
        return cite(self.sources)

    def to_graphml(self) -> str:
        """GraphML text (Gephi, Cytoscape, yEd read it)."""
        import networkx as nx

        return "\n".join(nx.generate_graphml(self.graph)) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Node-link JSON (d3, networkx.node_link_graph) with scope and sources."""
        import networkx as nx

        data = nx.node_link_data(self.graph, edges="links")
        return {"scope": self.scope.label, "min_projects": self.min_projects,
                "weight": "joint projects", "source": self.source, **data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def network(store: Store, min_projects: int = 1, where: Scope | None = None) -> Network:
    """Country graph with edges of at least `min_projects` joint projects, with centralities."""
    import networkx as nx

    if min_projects < 1:
        raise InputError(f"--min-projects must be at least 1, not {min_projects}.",
                         where="--min-projects", fix="Use 1 to keep every link.")
    where = where or Scope()
    found = sources(store, where)
    part, params = where.cte()
    edges = store.query(f"WITH {part} {EDGES_SQL}", [*params, min_projects])
    activity = store.query(f"WITH {part} {NODES_SQL}", params).set_index("iso3")
    graph = nx.Graph(scope=where.label, weight="joint projects")
    for iso3, row in activity.iterrows():
        graph.add_node(str(iso3), name=countries.name(str(iso3)),
                       participations=int(row["participations"]),
                       projects=int(row["projects"]),
                       ec_contribution=float(row["ec_contribution"]))
    graph.add_weighted_edges_from(
        (s, t, int(w)) for s, t, w in edges[["source", "target", "joint_projects"]].itertuples(
            index=False))
    graph.remove_nodes_from([n for n, d in graph.degree() if d == 0])
    return Network(graph, _centrality(graph), where, min_projects, found)


def _centrality(graph: nx.Graph) -> pd.DataFrame:
    """Degree, strength, degree centrality and weighted eigenvector centrality per country."""
    import networkx as nx

    columns = ["iso3", "country", "degree", "strength", "degree_centrality",
               "eigenvector_centrality", "participations", "projects", "ec_contribution"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    strength = dict(graph.degree(weight="weight"))
    degree_c = nx.degree_centrality(graph)
    eigen = _eigenvector(graph)
    for node in graph.nodes:
        graph.nodes[node]["degree"] = graph.degree(node)
        graph.nodes[node]["strength"] = int(strength[node])
        graph.nodes[node]["eigenvector_centrality"] = float(abs(eigen[node]))
    nodes = pd.DataFrame([{"iso3": n, **graph.nodes[n], "degree_centrality": degree_c[n]}
                          for n in graph.nodes])
    nodes["country"] = names(nodes["iso3"])
    return nodes[columns].sort_values(["eigenvector_centrality", "iso3"],
                                      ascending=[False, True]).reset_index(drop=True)


def _eigenvector(graph: nx.Graph) -> dict[Any, float]:
    """Weighted eigenvector centrality scaled to unit Euclidean norm, as networkx scales it.

    networkx's numpy (ARPACK) version converges on any graph, unlike its power iteration (on
    a graph with several components, nodes outside the dominant one get ~0), but needs three
    nodes or more; smaller graphs take the leading eigenvector of the dense matrix.
    """
    import networkx as nx
    import numpy as np

    if graph.number_of_nodes() > 2:
        return dict(nx.eigenvector_centrality_numpy(graph, weight="weight"))
    _, vectors = np.linalg.eigh(nx.to_numpy_array(graph, weight="weight"))
    top = np.abs(vectors[:, -1]) / np.linalg.norm(vectors[:, -1])
    return {node: float(v) for node, v in zip(graph.nodes, top, strict=True)}
