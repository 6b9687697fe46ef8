"""Private helpers shared by the network modules: input coercion and array views of a graph."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np


def as_graph(network: Any, *, name: str = "network", allow_empty: bool = False) -> nx.Graph:
    """Return the undirected simple ``networkx.Graph`` behind ``network``.

    ``network`` may be an :class:`~ecnet_lab.network.EcologicalNetwork` or a ``networkx.Graph``.
    Directed graphs and multigraphs are refused (convert with ``nx.Graph(g)`` first) because
    every index here is defined on undirected simple graphs.
    """
    graph = network if isinstance(network, nx.Graph) else getattr(network, "graph", None)
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"{name} must be an EcologicalNetwork or a networkx.Graph, got {type(network).__name__}")
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError(
            f"{name} must be an undirected simple graph (networkx.Graph), got {type(graph).__name__}; "
            "convert it with networkx.Graph(g)"
        )
    if not allow_empty and graph.number_of_nodes() == 0:
        raise ValueError(f"{name} is empty (0 nodes); build it from at least one source or corridor")
    return graph


def node_mode(network: Any) -> str:
    """Node definition of ``network``: 'sources', 'intersections' or 'graph' (a bare networkx graph)."""
    graph = network if isinstance(network, nx.Graph) else getattr(network, "graph", None)
    return graph.graph.get("node_mode", "graph") if isinstance(graph, nx.Graph) else "graph"


def csr_arrays(graph: nx.Graph) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
    """Nodes (graph order), CSR ``indptr``/``indices`` and the (m, 2) edge array, self-loops dropped."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in graph.edges if u != v], dtype=np.int64).reshape(-1, 2)
    n = len(nodes)
    both = np.concatenate([edges, edges[:, ::-1]]) if len(edges) else np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(both[:, 0], kind="stable")
    indices = both[order, 1].astype(np.int64)
    counts = np.bincount(both[:, 0], minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return nodes, indptr, indices, edges
