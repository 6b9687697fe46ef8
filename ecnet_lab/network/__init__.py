"""Ecological-network graphs: build, structure indices, topology, robustness, comparison, export.

Build a graph from sources and corridors (:func:`build_network`; nodes at source centroids or at
corridor intersections), then evaluate it:

* :func:`structure_indices`: alpha, beta, gamma (Jinan paper, section 2.3.5) with the counts used;
* :func:`topology_table` / :func:`topology_summary`: degree, betweenness, closeness, clustering
  (NetworkX semantics, Wuhan paper);
* :func:`attack`, :func:`random_attack`, :func:`targeted_attack`, :func:`robustness`: robustness curves
  R = C / (N - N_r) and largest-component fraction versus fraction removed, with regression slopes
  (Wuhan paper, section 2.2.4);
* :func:`compare_networks`: before/after or scenario comparison in one tidy table;
* :mod:`~ecnet_lab.network.export`: node/edge GeoDataFrames, GraphML and GeoPackage files.

Examples
--------
>>> import networkx as nx
>>> from ecnet_lab.network import structure_indices, targeted_attack
>>> structure_indices(nx.cycle_graph(6))["gamma"]
0.5
>>> targeted_attack(nx.star_graph(4)).fit.loc["lcc_fraction", "slope"].round(3)
np.float64(-0.8)
"""

from .build import NODE_MODES, EcologicalNetwork, build_network, intersection_graph
from .compare import NetworkComparison, compare_networks
from .export import edges_to_geodataframe, nodes_to_geodataframe, read_graphml, write_geopackage, write_graphml
from .robustness import (
    ATTACKS,
    AttackResult,
    attack,
    random_attack,
    robustness,
    robustness_curves,
    targeted_attack,
)
from .structure import alpha_beta_gamma, structure_indices
from .topology import TOPOLOGY_METRICS, graph_summary, topology_summary, topology_table

__all__ = [
    "ATTACKS",
    "NODE_MODES",
    "TOPOLOGY_METRICS",
    "AttackResult",
    "EcologicalNetwork",
    "NetworkComparison",
    "alpha_beta_gamma",
    "attack",
    "build_network",
    "compare_networks",
    "edges_to_geodataframe",
    "graph_summary",
    "intersection_graph",
    "nodes_to_geodataframe",
    "random_attack",
    "read_graphml",
    "robustness",
    "robustness_curves",
    "structure_indices",
    "targeted_attack",
    "topology_summary",
    "topology_table",
    "write_geopackage",
    "write_graphml",
]
