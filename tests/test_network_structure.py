"""Alpha, beta, gamma (Jinan paper formulas (1)-(3)) on textbook graphs, options and edge cases."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import networkx as nx
import pytest
from shapely.geometry import LineString, Point

from ecnet_lab.network import EcologicalNetwork, alpha_beta_gamma, build_network, structure_indices

# planar: alpha = (l - v + 1)/(2v - 5), beta = l/v, gamma = l/(3(v - 2))
TEXTBOOK = {
    "path5": (nx.path_graph(5), 4, 5, (4 - 5 + 1) / 5, 4 / 5, 4 / 9),
    "star4": (nx.star_graph(4), 4, 5, 0.0, 0.8, 4 / 9),
    "ring6": (nx.cycle_graph(6), 6, 6, 1 / 7, 1.0, 0.5),
    "K5": (nx.complete_graph(5), 10, 5, 6 / 5, 2.0, 10 / 9),
    "two_K4_bridge": (nx.barbell_graph(4, 0), 13, 8, 6 / 11, 13 / 8, 13 / 18),
}


@pytest.mark.parametrize("name", list(TEXTBOOK))
def test_planar_indices_textbook(name):
    graph, n_edges, v, alpha, beta, gamma = TEXTBOOK[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning for v >= 3
        out = structure_indices(graph)
    assert (out["l"], out["v"], out["p"]) == (n_edges, v, 1)
    assert out["alpha"] == pytest.approx(alpha, abs=1e-12)
    assert out["beta"] == pytest.approx(beta, abs=1e-12)
    assert out["gamma"] == pytest.approx(gamma, abs=1e-12)
    assert (out["nodes"], out["edges"], out["formula"]) == ("graph", "graph", "planar")


def test_nonplanar_formula_on_complete_graph():
    # K5 has all v(v-1)/2 = 10 edges and (v-1)(v-2)/2 = 6 independent cycles: both indices are 1
    out = structure_indices(nx.complete_graph(5), formula="nonplanar")
    assert out["alpha"] == pytest.approx(1.0)
    assert out["gamma"] == pytest.approx(1.0)
    assert out["beta"] == pytest.approx(2.0)
    # ring C6: alpha = 1/(15 - 5) , gamma = 6/15
    ring = structure_indices(nx.cycle_graph(6), formula="nonplanar")
    assert ring["alpha"] == pytest.approx(0.1)
    assert ring["gamma"] == pytest.approx(0.4)


def test_components_option_uses_p():
    two_triangles = nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))
    assert structure_indices(two_triangles)["alpha"] == pytest.approx((6 - 6 + 1) / 7)
    out = structure_indices(two_triangles, components=True)
    assert out["p"] == 2
    assert out["alpha"] == pytest.approx((6 - 6 + 2) / 7)


@pytest.mark.parametrize(
    ("n_edges", "v", "nan_keys", "beta"),
    [(1, 2, {"alpha", "gamma"}, 0.5), (0, 1, {"alpha", "gamma"}, 0.0), (0, 0, {"alpha", "beta", "gamma"}, None)],
)
def test_small_v_gives_nan_with_warning(n_edges, v, nan_keys, beta):
    with pytest.warns(UserWarning, match=f"undefined for v={v}"):
        out = alpha_beta_gamma(n_edges, v)
    assert {k for k, val in out.items() if math.isnan(val)} == nan_keys
    if beta is not None:
        assert out["beta"] == beta


def test_small_graphs_do_not_crash():
    with pytest.warns(UserWarning, match="alpha, gamma undefined for v=2"):
        out = structure_indices(nx.path_graph(2))
    assert math.isnan(out["alpha"]) and math.isnan(out["gamma"]) and out["beta"] == 0.5
    with pytest.warns(UserWarning, match="v=1"):
        assert math.isnan(structure_indices(nx.empty_graph(1))["gamma"])
    # the nonplanar gamma = l / (v(v-1)/2) is defined from v = 2
    with pytest.warns(UserWarning, match="alpha undefined"):
        assert structure_indices(nx.path_graph(2), formula="nonplanar")["gamma"] == 1.0


def test_v3_is_defined_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = alpha_beta_gamma(3, 3)
    assert out == {"alpha": 1.0, "beta": 1.0, "gamma": 1.0}


def test_bad_input():
    with pytest.raises(ValueError, match="empty"):
        structure_indices(nx.Graph())
    with pytest.raises(ValueError, match="formula='spherical'"):
        structure_indices(nx.path_graph(4), formula="spherical")
    with pytest.raises(ValueError, match="nodes='centroids'"):
        structure_indices(nx.path_graph(4), nodes="centroids")
    with pytest.raises(ValueError, match="l=-1"):
        alpha_beta_gamma(-1, 4)
    with pytest.raises(ValueError, match="nodes='sources' needs a network built"):
        structure_indices(nx.path_graph(4), nodes="sources")
    with pytest.raises(ValueError, match="no 'geometry'"):
        structure_indices(nx.path_graph(4), nodes="intersections")


def _crossing_network() -> EcologicalNetwork:
    """Four sources at the corners of a square; the two diagonal corridors cross at (50, 50)."""
    sources = gpd.GeoDataFrame(
        {"source_id": [1, 2, 3, 4]},
        geometry=[Point(0, 0).buffer(5), Point(100, 0).buffer(5), Point(0, 100).buffer(5), Point(100, 100).buffer(5)],
        crs="EPSG:32650",
    )
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [10, 11, 12], "from_id": [1, 2, 1], "to_id": [4, 3, 2]},
        geometry=[LineString([(0, 0), (100, 100)]), LineString([(100, 0), (0, 100)]), LineString([(0, 0), (100, 0)])],
        crs="EPSG:32650",
    )
    return build_network(sources, corridors)


def test_intersections_versus_sources_definition():
    net = _crossing_network()
    by_sources = structure_indices(net)
    assert (by_sources["l"], by_sources["v"], by_sources["nodes"]) == (3, 4, "sources")
    assert by_sources["alpha"] == pytest.approx(0.0)
    # intersections: 4 corridor ends + the crossing = 5 nodes; segments: 4 half-diagonals + the bottom side
    inter = structure_indices(net, nodes="intersections")
    assert (inter["l"], inter["v"], inter["nodes"]) == (5, 5, "intersections")
    assert inter["alpha"] == pytest.approx((5 - 5 + 1) / 5)
    assert inter["gamma"] == pytest.approx(5 / 9)
    # Jinan wording: l = number of corridors, v = intersections
    corr = structure_indices(net, nodes="intersections", edges="corridors")
    assert (corr["l"], corr["v"]) == (3, 5)
    assert corr["beta"] == pytest.approx(3 / 5)


def test_intersections_connected_at_sources():
    sources = gpd.GeoDataFrame({"source_id": [1, 2, 3]}, geometry=[Point(0, 0), Point(100, 0), Point(0, 100)])
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2], "from_id": [1, 1], "to_id": [2, 3]},
        geometry=[LineString([(5, 0), (95, 0)]), LineString([(0, 5), (0, 95)])],
    )
    net = build_network(sources, corridors)
    loose = structure_indices(net, nodes="intersections")
    assert (loose["l"], loose["v"]) == (2, 4)
    joined = structure_indices(net, nodes="intersections", connect_sources=True)
    assert (joined["l"], joined["v"]) == (2, 3)
    assert joined["alpha"] == pytest.approx(0.0) and joined["gamma"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="connect_sources=True only applies"):
        structure_indices(net, connect_sources=True)
