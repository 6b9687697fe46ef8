"""Node topology (degree, betweenness, closeness, clustering) on textbook graphs with hand-computed values.

Betweenness is NetworkX-normalised: raw pair count / ((n - 1)(n - 2) / 2); closeness = (n - 1) / sum of
distances; degree centrality = degree / (n - 1); clustering = triangles / (deg (deg - 1) / 2).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecnet_lab.network import EcologicalNetwork, graph_summary, topology_summary, topology_table

# expected[graph] = {metric: per-node values in node order 0..n-1}, derived by hand in the comments
EXPECTED = {
    # P5 0-1-2-3-4: betweenness raw (1: 3 pairs, 2: 4 pairs, 3: 3) / 6; closeness 4/10, 4/7, 4/6
    "path5": (
        nx.path_graph(5),
        {
            "degree": [1, 2, 2, 2, 1],
            "degree_centrality": [0.25, 0.5, 0.5, 0.5, 0.25],
            "betweenness": [0.0, 0.5, 2 / 3, 0.5, 0.0],
            "closeness": [0.4, 4 / 7, 2 / 3, 4 / 7, 0.4],
            "clustering": [0.0] * 5,
        },
    ),
    # star hub 0 + 4 leaves: hub lies on all 6 leaf pairs -> 6/6; leaf closeness 4 / (1 + 3*2)
    "star4": (
        nx.star_graph(4),
        {
            "degree": [4, 1, 1, 1, 1],
            "degree_centrality": [1.0, 0.25, 0.25, 0.25, 0.25],
            "betweenness": [1.0, 0.0, 0.0, 0.0, 0.0],
            "closeness": [1.0, 4 / 7, 4 / 7, 4 / 7, 4 / 7],
            "clustering": [0.0] * 5,
        },
    ),
    # ring C6: node 0 on pair (1,5) fully and on (1,4), (2,5) half each -> 2 / 10; closeness 5 / (1+2+3+2+1)
    "ring6": (
        nx.cycle_graph(6),
        {
            "degree": [2] * 6,
            "degree_centrality": [0.4] * 6,
            "betweenness": [0.2] * 6,
            "closeness": [5 / 9] * 6,
            "clustering": [0.0] * 6,
        },
    ),
    # complete K5
    "K5": (
        nx.complete_graph(5),
        {
            "degree": [4] * 5,
            "degree_centrality": [1.0] * 5,
            "betweenness": [0.0] * 5,
            "closeness": [1.0] * 5,
            "clustering": [1.0] * 5,
        },
    ),
    # two K4 (0-3, 4-7) joined by the bridge 3-4: bridge ends carry 3*4 = 12 of 21 pairs; closeness of 0:
    # 7 / (3*1 + 2 + 3*3) = 0.5, of 3: 7 / (3*1 + 1 + 3*2) = 0.7; clustering of 3: 3 of 6 neighbour pairs
    "two_K4_bridge": (
        nx.barbell_graph(4, 0),
        {
            "degree": [3, 3, 3, 4, 4, 3, 3, 3],
            "degree_centrality": [3 / 7, 3 / 7, 3 / 7, 4 / 7, 4 / 7, 3 / 7, 3 / 7, 3 / 7],
            "betweenness": [0, 0, 0, 12 / 21, 12 / 21, 0, 0, 0],
            "closeness": [0.5, 0.5, 0.5, 0.7, 0.7, 0.5, 0.5, 0.5],
            "clustering": [1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 1.0],
        },
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_topology_table_textbook_values(name):
    graph, expected = EXPECTED[name]
    table = topology_table(graph)
    assert list(table.index) == list(graph.nodes)
    assert table.index.name == "node"
    assert list(table.columns) == ["degree", "degree_centrality", "betweenness", "closeness", "clustering"]
    assert table["degree"].dtype == np.int64
    for metric, values in expected.items():
        np.testing.assert_allclose(table[metric].to_numpy(dtype=float), values, atol=1e-12, err_msg=metric)


def test_topology_accepts_ecological_network_and_keeps_labels():
    graph = nx.relabel_nodes(nx.star_graph(3), {0: 10, 1: 11, 2: 12, 3: 13})
    table = topology_table(EcologicalNetwork(graph))
    assert list(table.index) == [10, 11, 12, 13]
    assert table.loc[10, "betweenness"] == pytest.approx(1.0)


def test_weighted_distance_changes_shortest_paths():
    # triangle with a long side 0-2: with weights the path 0-1-2 (length 2) beats 0-2 (length 5)
    g = nx.Graph()
    g.add_edge(0, 1, lcd=1.0)
    g.add_edge(1, 2, lcd=1.0)
    g.add_edge(0, 2, lcd=5.0)
    hops = topology_table(g)
    weighted = topology_table(g, weight="lcd")
    assert hops.loc[1, "betweenness"] == 0.0
    assert weighted.loc[1, "betweenness"] == pytest.approx(1.0)  # 1 pair of 1 possible
    assert weighted.loc[0, "closeness"] == pytest.approx(2 / (1 + 2))
    assert weighted["clustering"].tolist() == [1.0, 1.0, 1.0]  # clustering stays topological


def test_bad_weight_is_refused():
    g = nx.path_graph(3)
    g.edges[0, 1]["lcd"] = 2.0
    with pytest.raises(ValueError, match=r"weight='lcd'.*finite value > 0"):
        topology_table(g, weight="lcd")


def test_disconnected_closeness_uses_wasserman_faust_scaling():
    g = nx.Graph([(0, 1), (2, 3), (3, 4)])  # components {0,1} and {2,3,4}
    table = topology_table(g)
    # node 0 reaches 1 node at distance 1: (1/1) * (1/4) ; node 3 reaches 2 nodes at 1: (2/2) * (2/4)
    assert table.loc[0, "closeness"] == pytest.approx(0.25)
    assert table.loc[3, "closeness"] == pytest.approx(0.5)


def test_graph_summary_values():
    summary = graph_summary(nx.barbell_graph(4, 0))
    assert summary["n_nodes"] == 8 and summary["n_edges"] == 13
    assert summary["density"] == pytest.approx(13 / 28)
    assert summary["n_components"] == 1 and summary["largest_component_fraction"] == 1.0
    assert summary["mean_degree"] == pytest.approx(26 / 8)
    assert summary["average_clustering"] == pytest.approx((6 * 1.0 + 2 * 0.5) / 8)
    # transitivity = 3 * triangles / connected triples = 3*8 / (6*3 + 2*6)
    assert summary["transitivity"] == pytest.approx(24 / 30)
    isolated = graph_summary(nx.empty_graph(3))
    assert isolated["largest_component_fraction"] == pytest.approx(1 / 3)


def test_topology_summary_per_scenario():
    summary = topology_summary({"2000": nx.path_graph(5), "2020": nx.complete_graph(5)})
    assert list(summary.columns) == ["scenario", "metric", "count", "mean", "std", "min", "q25", "median", "q75", "max"]
    assert len(summary) == 10
    row = summary.set_index(["scenario", "metric"]).loc[("2000", "betweenness")]
    assert row["count"] == 5
    assert row["mean"] == pytest.approx((0.5 + 2 / 3 + 0.5) / 5)
    assert row["max"] == pytest.approx(2 / 3)
    assert row["median"] == pytest.approx(0.5)
    assert row["std"] == pytest.approx(pd.Series([0, 0.5, 2 / 3, 0.5, 0]).std())
    single = topology_summary(EcologicalNetwork(nx.cycle_graph(4), name="ring"))
    assert set(single["scenario"]) == {"ring"}


@pytest.mark.parametrize("bad", [nx.Graph(), nx.DiGraph([(0, 1)]), nx.MultiGraph([(0, 1)]), "graph"])
def test_bad_network_input(bad):
    with pytest.raises((ValueError, TypeError), match=r"empty|undirected simple|EcologicalNetwork or a networkx"):
        topology_table(bad)
    with pytest.raises((ValueError, TypeError)):
        topology_summary({})
