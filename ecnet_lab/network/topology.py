"""Node topology of an ecological network: degree, betweenness, closeness, clustering (NetworkX semantics).

Wuhan paper, section 2.2.3 ("Network Topological Pattern"): degree centrality, betweenness centrality,
closeness centrality and clustering coefficient computed with NetworkX. The values here are exactly NetworkX's:

* ``degree``: number of incident corridors; ``degree_centrality`` = degree / (n - 1)
  (``nx.degree_centrality``).
* ``betweenness``: ``nx.betweenness_centrality(normalized=True)``: the fraction of shortest paths between
  other pairs passing through the node, divided by (n - 1)(n - 2)/2 for an undirected graph.
* ``closeness``: ``nx.closeness_centrality(wf_improved=True)``: (r - 1) / (sum of distances to the r - 1
  reachable nodes), scaled by (r - 1)/(n - 1) (Wasserman-Faust) so that nodes of small components rank low.
* ``clustering``: ``nx.clustering``: triangles through the node / (deg(deg - 1)/2); 0 for degree < 2.

``weight`` names an edge attribute used as a *distance* (e.g. ``"lcd"`` or ``"length_m"``) for shortest
paths in betweenness and closeness; the default ``None`` counts hops, as in the paper. Clustering is
always topological (NetworkX's weighted clustering treats weights as strengths, not distances).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ._graph import as_graph

TOPOLOGY_METRICS = ("degree", "degree_centrality", "betweenness", "closeness", "clustering")

__all__ = ["TOPOLOGY_METRICS", "graph_summary", "topology_summary", "topology_table"]


def topology_table(network: Any, *, weight: str | None = None) -> pd.DataFrame:
    """Per-node degree, degree centrality, betweenness, closeness and clustering.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        The network (not empty).
    weight : str, optional
        Edge attribute used as distance for betweenness and closeness; every edge must have a finite
        value > 0. ``None`` (default) counts hops.

    Returns
    -------
    DataFrame
        Index ``node`` (graph order), columns :data:`TOPOLOGY_METRICS`.

    Examples
    --------
    >>> import networkx as nx
    >>> topology_table(nx.star_graph(4)).loc[0].round(3).to_dict()
    {'degree': 4.0, 'degree_centrality': 1.0, 'betweenness': 1.0, 'closeness': 1.0, 'clustering': 0.0}
    """
    graph = as_graph(network)
    if weight is not None:
        _check_weight(graph, weight)
    nodes = list(graph.nodes)
    table = pd.DataFrame(
        {
            "degree": [graph.degree(n) for n in nodes],
            "degree_centrality": _ordered(nx.degree_centrality(graph), nodes),
            "betweenness": _ordered(nx.betweenness_centrality(graph, normalized=True, weight=weight), nodes),
            "closeness": _ordered(nx.closeness_centrality(graph, distance=weight, wf_improved=True), nodes),
            "clustering": _ordered(nx.clustering(graph), nodes),
        },
        index=pd.Index(nodes, name="node"),
    )
    table["degree"] = table["degree"].astype(np.int64)
    return table


def graph_summary(network: Any) -> dict[str, float]:
    """Whole-graph figures: counts, density, components, largest-component fraction, mean clustering.

    Returns
    -------
    dict
        ``n_nodes``, ``n_edges``, ``density``, ``n_components``, ``largest_component_fraction``,
        ``mean_degree``, ``average_clustering`` (``nx.average_clustering``) and ``transitivity``.

    Examples
    --------
    >>> import networkx as nx
    >>> graph_summary(nx.complete_graph(4))["density"]
    1.0
    """
    graph = as_graph(network)
    n = graph.number_of_nodes()
    largest = max((len(c) for c in nx.connected_components(graph)), default=0)
    return {
        "n_nodes": float(n),
        "n_edges": float(graph.number_of_edges()),
        "density": float(nx.density(graph)),
        "n_components": float(nx.number_connected_components(graph)),
        "largest_component_fraction": largest / n,
        "mean_degree": 2.0 * graph.number_of_edges() / n,
        "average_clustering": float(nx.average_clustering(graph)),
        "transitivity": float(nx.transitivity(graph)),
    }


def topology_summary(networks: Mapping[str, Any] | Any, *, weight: str | None = None) -> pd.DataFrame:
    """Summary statistics of the node metrics per network (year, scenario).

    Parameters
    ----------
    networks : mapping of label -> network, or one network
        Networks to summarise (a single network gets the label of its ``name`` or ``"network"``).
    weight : str, optional
        Distance attribute for betweenness and closeness, as in :func:`topology_table`.

    Returns
    -------
    DataFrame
        One row per (``scenario``, ``metric``) with ``count``, ``mean``, ``std`` (sample, ddof=1),
        ``min``, ``q25``, ``median``, ``q75``, ``max``.

    Examples
    --------
    >>> import networkx as nx
    >>> s = topology_summary({"ring": nx.cycle_graph(6), "K5": nx.complete_graph(5)})
    >>> s.set_index(["scenario", "metric"]).loc[("K5", "clustering"), "mean"]
    np.float64(1.0)
    """
    if not isinstance(networks, Mapping):
        networks = {getattr(networks, "name", None) or "network": networks}
    if len(networks) == 0:
        raise ValueError("networks is empty; give at least one network")
    rows = []
    for label, net in networks.items():
        table = topology_table(net, weight=weight)
        for metric in TOPOLOGY_METRICS:
            col = table[metric].astype(float)
            rows.append(
                {
                    "scenario": label,
                    "metric": metric,
                    "count": int(col.count()),
                    "mean": col.mean(),
                    "std": col.std(ddof=1),
                    "min": col.min(),
                    "q25": col.quantile(0.25),
                    "median": col.median(),
                    "q75": col.quantile(0.75),
                    "max": col.max(),
                }
            )
    return pd.DataFrame(rows)


def _ordered(values: dict[Any, float], nodes: list[Any]) -> list[float]:
    return [float(values[n]) for n in nodes]


def _check_weight(graph: nx.Graph, weight: str) -> None:
    bad = []
    for u, v, d in graph.edges(data=True):
        w = d.get(weight)
        ok = isinstance(w, (int, float, np.integer, np.floating)) and not isinstance(w, bool)
        if not ok or not np.isfinite(w) or w <= 0:
            bad.append((u, v, w))
    if bad:
        raise ValueError(
            f"weight={weight!r}: every edge needs a finite value > 0 to be used as a distance; "
            f"bad edges (u, v, value): {bad[:5]}"
        )
