"""Building the network graph from sources and corridors: both node definitions, attributes, bad input."""

from __future__ import annotations

import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from ecnet_lab.network import EcologicalNetwork, build_network, intersection_graph

CRS = "EPSG:32650"


def _sources(**extra) -> gpd.GeoDataFrame:
    """Square sources (10 x 10 m) centred on the corners of a 100 m square, plus an isolated one."""
    centres = [(0, 0), (100, 0), (0, 100), (100, 100), (500, 500)]
    return gpd.GeoDataFrame(
        {"source_id": [1, 2, 3, 4, 5], "area_km2": [1.0, 2.0, 3.0, 4.0, 0.5], "dPC": [10.0, 20, 30, 40, 1], **extra},
        geometry=[Point(c).buffer(5, cap_style="square") for c in centres],
        crs=CRS,
    )


def _corridors() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "corridor_id": [10, 11, 12],
            "from_id": [1, 2, 1],
            "to_id": [4, 3, 2],
            "lcd": [150.0, 160.0, 95.0],
            "length_m": [141.4, 141.4, 100.0],
            "euclid_m": [141.4, 141.4, 100.0],
            "current": [1.0, 2.0, 3.0],
            "gravity": [5.0, 6.0, 7.0],
            "corridor_class": ["important", "general", "important"],
        },
        geometry=[LineString([(0, 0), (100, 100)]), LineString([(100, 0), (0, 100)]), LineString([(0, 0), (100, 0)])],
        crs=CRS,
    )


def test_source_nodes_and_corridor_edges():
    sources, corridors = _sources(), _corridors()
    before = (sources.copy(), corridors.copy())
    net = build_network(sources, corridors, name="2020")
    pd.testing.assert_frame_equal(sources, before[0])  # caller's data untouched
    pd.testing.assert_frame_equal(corridors, before[1])
    assert isinstance(net, EcologicalNetwork)
    assert (net.n_nodes, net.n_edges, net.node_mode, net.name) == (5, 3, "sources", "2020")
    assert net.crs == sources.crs
    assert sorted(net.graph.nodes) == [1, 2, 3, 4, 5]
    assert net.graph.degree(5) == 0  # isolated source is still a node
    node = net.graph.nodes[2]
    assert (node["x"], node["y"]) == pytest.approx((100.0, 0.0))  # polygon centroid
    assert node["area_km2"] == 2.0 and node["dPC"] == 20.0
    assert node["geometry"].equals(Point(100, 0))
    edge = net.graph.edges[1, 4]
    assert edge["corridor_id"] == 10 and edge["lcd"] == 150.0 and edge["corridor_class"] == "important"
    assert edge["current"] == 1.0 and edge["gravity"] == 5.0 and edge["length_m"] == 141.4
    assert edge["geometry"].equals(LineString([(0, 0), (100, 100)]))
    assert type(edge["lcd"]) is float  # numpy scalars become Python scalars
    assert "EcologicalNetwork '2020': 5 nodes (sources), 3 edges" in repr(net)


def test_centroid_columns_take_precedence_and_plain_frames_work():
    sources = pd.DataFrame({"source_id": [1, 2], "centroid_x": [3.0, 7.0], "centroid_y": [4.0, 8.0]})
    corridors = pd.DataFrame({"corridor_id": [1], "from_id": [2], "to_id": [1], "lcd": [12.5]})
    net = build_network(sources, corridors)
    assert net.graph.nodes[1]["geometry"].equals(Point(3, 4))
    assert net.graph.edges[1, 2]["geometry"] is None
    assert net.crs is None
    assert net.nodes.loc[2, "geometry"].equals(Point(7, 8))
    assert net.edges.geometry.isna().all()


def test_corridors_may_be_empty():
    net = build_network(_sources(), _corridors().iloc[:0])
    assert (net.n_nodes, net.n_edges) == (5, 0)


def test_intersection_nodes_and_segments():
    net = build_network(_sources(), _corridors(), nodes="intersections")
    assert net.node_mode == "intersections"
    nodes = net.nodes
    # 4 corridor ends + the crossing of the diagonals at (50, 50); ids in (x, y) order
    assert nodes[["x", "y"]].to_numpy().tolist() == [[0, 0], [0, 100], [50, 50], [100, 0], [100, 100]]
    assert nodes["kind"].tolist() == ["end", "end", "junction", "end", "end"]
    assert [None if pd.isna(v) else int(v) for v in nodes["source_id"]] == [1, 3, None, 2, 4]
    assert net.n_edges == 5
    edges = net.edges.set_index(["u", "v"])
    half = np.hypot(50, 50)
    assert edges.loc[(0, 2), "length_m"] == pytest.approx(half)
    assert edges.loc[(0, 2), "corridor_ids"] == (10,)
    assert edges.loc[(0, 2), "corridor_lcd"] == 150.0  # whole-corridor attributes carried with a prefix
    assert edges.loc[(0, 3), "length_m"] == pytest.approx(100.0)
    assert edges.loc[(0, 3), "corridor_corridor_class"] == "important"
    assert edges["multiplicity"].tolist() == [1] * 5
    total = sum(d["length_m"] for *_, d in net.graph.edges(data=True))
    assert total == pytest.approx(2 * np.hypot(100, 100) + 100)


def test_overlapping_corridors_share_a_segment():
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2], "current": [2.0, 5.0], "corridor_class": ["a", "b"]},
        geometry=[LineString([(0, 0), (20, 0)]), LineString([(10, 0), (20, 0), (20, 10)])],
        crs=CRS,
    )
    g = intersection_graph(corridors)
    coords = [(d["x"], d["y"]) for _, d in g.nodes(data=True)]
    assert coords == [(0, 0), (10, 0), (20, 0), (20, 10)]
    shared = g.edges[1, 2]
    assert shared["corridor_ids"] == (1, 2)
    assert shared["corridor_current"] == 5.0  # max by default
    assert shared["corridor_corridor_class"] == "a"  # non-numeric: first corridor
    assert g.edges[0, 1]["corridor_ids"] == (1,) and g.edges[2, 3]["corridor_ids"] == (2,)
    assert intersection_graph(corridors, shared_agg="sum").edges[1, 2]["corridor_current"] == 7.0
    assert intersection_graph(corridors, shared_agg="mean").edges[1, 2]["corridor_current"] == 3.5


def test_parallel_segments_get_multiplicity():
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2]},
        geometry=[LineString([(0, 0), (10, 0)]), LineString([(0, 0), (5, 5), (10, 0)])],
    )
    g = intersection_graph(corridors)
    assert g.number_of_nodes() == 2 and g.number_of_edges() == 1
    edge = g.edges[0, 1]
    assert edge["multiplicity"] == 2 and edge["corridor_ids"] == (1, 2)
    assert edge["length_m"] == pytest.approx(10.0)
    assert edge["geometry"].geom_type == "MultiLineString"


def test_snap_tolerance_joins_near_misses():
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2]},
        geometry=[LineString([(0, 0), (10, 0)]), LineString([(10.004, 0.003), (10, 10)])],
    )
    exact = intersection_graph(corridors)
    assert (exact.number_of_nodes(), nx.number_connected_components(exact)) == (4, 2)
    snapped = intersection_graph(corridors, snap_tolerance=0.01)
    assert (snapped.number_of_nodes(), nx.number_connected_components(snapped)) == (3, 1)


def test_chain_through_degree_two_points_is_one_edge():
    # a corridor ending exactly where the next one starts: that meeting point is a node (two corridor ends)
    # while interior vertices of one corridor are not
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2]},
        geometry=[LineString([(0, 0), (5, 1), (10, 0)]), LineString([(10, 0), (20, 0)])],
    )
    g = intersection_graph(corridors)
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 2
    assert g.edges[0, 1]["length_m"] == pytest.approx(2 * np.hypot(5, 1))


def test_ring_corridor_is_dropped_with_warning():
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [1, 2]},
        geometry=[LineString([(0, 0), (10, 0)]), LineString([(20, 0), (30, 0), (30, 10), (20, 0)])],
    )
    with pytest.warns(UserWarning, match="1 closed corridor loop"):
        g = intersection_graph(corridors)
    assert g.number_of_edges() == 1


def _boundary_corridors() -> gpd.GeoDataFrame:
    """Least-cost paths start on source boundaries: 1->2 along y=0, 1->3 along x=0 drawn backwards."""
    return gpd.GeoDataFrame(
        {"corridor_id": [1, 2], "from_id": [1, 1], "to_id": [2, 3], "lcd": [90.0, 90.0]},
        geometry=[LineString([(5, 0), (95, 0)]), LineString([(0, 95), (0, 5)])],
        crs=CRS,
    )


def test_connect_sources_joins_corridors_at_centroids():
    sources, corridors = _sources(), _boundary_corridors()
    loose = build_network(sources, corridors, nodes="intersections")
    assert (loose.n_nodes, loose.n_edges, nx.number_connected_components(loose.graph)) == (4, 2, 2)
    joined = build_network(sources, corridors, nodes="intersections", connect_sources=True)
    pd.testing.assert_frame_equal(corridors, _boundary_corridors())  # input untouched
    nodes = joined.nodes
    assert nodes[["x", "y"]].to_numpy().tolist() == [[0, 0], [0, 100], [100, 0]]
    assert nodes["kind"].tolist() == ["source", "source", "source"]
    assert nodes["source_id"].tolist() == [1, 3, 2]
    assert joined.n_edges == 2 and nx.is_connected(joined.graph)
    assert [d["length_m"] for *_, d in joined.graph.edges(data=True)] == pytest.approx([100.0, 100.0])
    plain = pd.DataFrame({"source_id": [1, 2, 3], "centroid_x": [0.0, 100, 0], "centroid_y": [0.0, 0, 100]})
    assert build_network(plain, corridors, nodes="intersections", connect_sources=True).n_nodes == 3
    with pytest.raises(ValueError, match="only applies to nodes='intersections'"):
        build_network(sources, corridors, connect_sources=True)
    with pytest.raises(ValueError, match="needs the sources table"):
        build_network(None, corridors, nodes="intersections", connect_sources=True)


def test_network_copies_the_graph():
    graph = nx.path_graph(3)
    net = EcologicalNetwork(graph, crs=CRS, name="x")
    graph.add_edge(0, 2)
    assert net.n_edges == 2
    assert "crs" not in graph.graph  # metadata set on the copy only
    clone = net.copy(name="y")
    clone.graph.remove_node(0)
    assert net.n_nodes == 3 and clone.name == "y" and clone.crs == CRS


@pytest.mark.parametrize(
    ("sources", "corridors", "kwargs", "error", "match"),
    [
        ("empty", "ok", {}, ValueError, "sources is empty"),
        ("no_id", "ok", {}, ValueError, r"lacks required column\(s\) \['source_id'\]"),
        ("dupe_id", "ok", {}, ValueError, "duplicated: \\[1\\]"),
        ("ok", "unknown_end", {}, ValueError, "source id\\(s\\) \\[99\\]"),
        ("ok", "self_loop", {}, ValueError, "join a source to itself"),
        ("ok", "dupe_pair", {}, ValueError, "join the same pair of sources"),
        ("ok", "dupe_corridor", {}, ValueError, "corridor_id'\\] must be unique"),
        ("ok", "no_to", {}, ValueError, r"lacks required column\(s\) \['to_id'\]"),
        ("ok", "ok", {"nodes": "patches"}, ValueError, "nodes='patches'"),
        ("ok", "ok", {"shared_agg": "median"}, ValueError, "shared_agg='median'"),
        ("ok", "ok", {"snap_tolerance": -1.0}, ValueError, "snap_tolerance"),
        ("no_geometry", "ok", {}, ValueError, "need finite 'centroid_x'/'centroid_y' columns or polygon"),
        ("ok", "plain", {"nodes": "intersections"}, ValueError, "needs corridor geometries"),
        ("ok", "empty_geom", {"nodes": "intersections"}, ValueError, r"corridor\(s\) \[11\] have no LineString"),
        ("ok", "empty", {"nodes": "intersections"}, ValueError, "found no corridor lines"),
        ("ok", "other_crs", {}, ValueError, "differs from corridors CRS"),
        ("geographic", "geographic", {"nodes": "intersections"}, ValueError, "geographic"),
        ("list", "ok", {}, TypeError, "sources must be a pandas DataFrame"),
        (None, "ok", {}, ValueError, "needs the sources table"),
    ],
)
def test_bad_input(sources, corridors, kwargs, error, match):
    src, cor = _sources(), _corridors()
    sources_cases = {
        "ok": src,
        "empty": src.iloc[:0],
        "no_id": src.drop(columns="source_id"),
        "dupe_id": src.assign(source_id=[1, 1, 3, 4, 5]),
        "no_geometry": pd.DataFrame(src.drop(columns="geometry")),
        "geographic": src.to_crs("EPSG:4326"),
        "list": [1, 2],
        None: None,
    }
    corridor_cases = {
        "ok": cor,
        "unknown_end": cor.assign(to_id=[4, 99, 2]),
        "self_loop": cor.assign(to_id=[1, 3, 2]),
        "dupe_pair": cor.assign(from_id=[1, 2, 4], to_id=[4, 3, 1]),
        "dupe_corridor": cor.assign(corridor_id=[10, 10, 12]),
        "no_to": cor.drop(columns="to_id"),
        "plain": pd.DataFrame(cor.drop(columns="geometry")),
        "empty_geom": cor.set_geometry([cor.geometry.iloc[0], LineString(), cor.geometry.iloc[2]]),
        "empty": cor.iloc[:0],
        "other_crs": cor.to_crs("EPSG:3857"),
        "geographic": cor.to_crs("EPSG:4326"),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # geopandas centroid-in-geographic-CRS warning
        with pytest.raises(error, match=match):
            build_network(sources_cases[sources], corridor_cases[corridors], **kwargs)
