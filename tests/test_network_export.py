"""Export: node/edge GeoDataFrames, GraphML round trip, GeoPackage layers, atomic writes."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import LineString, Point

from ecnet_lab.network import (
    build_network,
    edges_to_geodataframe,
    nodes_to_geodataframe,
    read_graphml,
    topology_table,
    write_geopackage,
    write_graphml,
)
from ecnet_lab.network.export import _atomic_write

EPSG = "EPSG:32650"


@pytest.fixture
def net():
    sources = gpd.GeoDataFrame(
        {"source_id": [1, 2, 3], "area_km2": [5.0, 8.0, 6.5]},
        geometry=[Point(0, 0).buffer(10), Point(1000, 0).buffer(10), Point(0, 1000).buffer(10)],
        crs=EPSG,
    )
    corridors = gpd.GeoDataFrame(
        {"corridor_id": [10, 11], "from_id": [1, 1], "to_id": [2, 3], "lcd": [1500.0, 2100.0], "current": [0.4, 0.6]},
        geometry=[LineString([(0, 0), (1000, 0)]), LineString([(0, 0), (0, 1000)])],
        crs=EPSG,
    )
    return build_network(sources, corridors, name="demo")


def test_geodataframes(net):
    nodes = nodes_to_geodataframe(net, attributes=topology_table(net))
    assert nodes.crs == CRS(EPSG)
    assert list(nodes.index) == [1, 2, 3] and nodes.index.name == "node"
    assert nodes.loc[1, "betweenness"] == pytest.approx(1.0)
    assert nodes.loc[2, "geometry"].equals_exact(Point(1000, 0), 1e-9)
    edges = edges_to_geodataframe(net)
    assert edges.crs == CRS(EPSG)
    assert edges[["u", "v", "corridor_id", "lcd"]].to_numpy().tolist() == [[1, 2, 10, 1500.0], [1, 3, 11, 2100.0]]
    assert edges.geometry.iloc[1].equals(LineString([(0, 0), (0, 1000)]))
    pd.testing.assert_frame_equal(net.nodes, nodes_to_geodataframe(net))


def test_geometry_required_errors():
    with pytest.raises(ValueError, match="3 node\\(s\\) have no 'geometry'"):
        nodes_to_geodataframe(nx.path_graph(3))
    with pytest.raises(ValueError, match="2 edge\\(s\\) have no 'geometry'"):
        edges_to_geodataframe(nx.path_graph(3), require_geometry=True)
    with pytest.raises(TypeError, match="attributes must be a DataFrame"):
        g = nx.Graph()
        g.add_node(0, geometry=Point(0, 0))
        nodes_to_geodataframe(g, attributes={"a": 1})


def test_graphml_round_trip(net, tmp_path):
    out = write_graphml(net, tmp_path / "sub" / "net.graphml")
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == ["net.graphml"]  # no temporary leftovers
    back = read_graphml(out)
    assert sorted(back.nodes) == [1, 2, 3]
    assert back.graph["node_mode"] == "sources" and back.graph["name"] == "demo"
    assert CRS.from_user_input(back.graph["crs"]) == CRS(EPSG)
    assert back.nodes[2]["geometry"].equals_exact(Point(1000, 0), 1e-9)
    assert back.nodes[2]["area_km2"] == 8.0
    assert back.edges[1, 3]["lcd"] == 2100.0
    assert back.edges[1, 3]["geometry"].equals(LineString([(0, 0), (0, 1000)]))
    # the re-read graph is again a full network: same topology
    pd.testing.assert_frame_equal(topology_table(back), topology_table(net))


def test_graphml_intersections_tuples_and_none(net, tmp_path):
    inter = build_network(None, edges_to_geodataframe(net).rename(columns={}), nodes="intersections")
    out = write_graphml(inter, tmp_path / "inter.graphml")
    back = read_graphml(out)
    assert back.number_of_nodes() == inter.n_nodes
    ids = [d["corridor_ids"] for *_, d in back.edges(data=True)]
    assert sorted(ids) == ["10", "11"]
    assert "source_id" not in back.nodes[0]  # None attributes are omitted


def test_geopackage_layers(net, tmp_path):
    target = tmp_path / "net.gpkg"
    target.write_text("old")  # replaced atomically
    write_geopackage(net, target, node_attributes=topology_table(net))
    nodes = gpd.read_file(target, layer="nodes")
    edges = gpd.read_file(target, layer="edges")
    assert len(nodes) == 3 and len(edges) == 2
    assert nodes.crs == CRS(EPSG) and edges.crs == CRS(EPSG)
    assert sorted(nodes["node"]) == [1, 2, 3]
    assert "closeness" in nodes.columns and "lcd" in edges.columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.gpkg"]


def test_geopackage_needs_node_geometry(tmp_path):
    with pytest.raises(ValueError, match="no 'geometry'"):
        write_geopackage(nx.path_graph(3), tmp_path / "x.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_leaves_target_untouched_on_failure(tmp_path):
    target = tmp_path / "keep.graphml"
    target.write_text("previous")

    def failing(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _atomic_write(target, failing)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.graphml"]


def test_read_graphml_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_graphml(tmp_path / "nope.graphml")
