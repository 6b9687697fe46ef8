"""Network export: node/edge GeoDataFrames (pure) and GraphML / GeoPackage files (I/O, atomic writes).

``nodes_to_geodataframe`` and ``edges_to_geodataframe`` are pure conversions. ``write_graphml``,
``read_graphml`` and ``write_geopackage`` touch files: every write goes to a temporary file in the
destination folder and is moved onto the target with ``os.replace`` only when complete, so a failure
never leaves a half-written file behind.

GraphML holds only scalars: node/edge geometries are stored as WKT strings (attribute ``geometry_wkt``),
tuples such as ``corridor_ids`` as comma-separated strings, ``None`` values are omitted, and the graph
attributes ``crs`` (WKT) and ``node_mode`` are kept. :func:`read_graphml` restores geometries, the CRS
and integer node ids.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..io import atomic_path
from ._graph import as_graph, node_mode

__all__ = ["edges_to_geodataframe", "nodes_to_geodataframe", "read_graphml", "write_geopackage", "write_graphml"]


def nodes_to_geodataframe(network: Any, *, attributes: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Nodes as a GeoDataFrame (index ``node``), optionally joined with a per-node table.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        Every node needs a ``geometry`` (shapely Point) attribute.
    attributes : DataFrame, optional
        Indexed by node (e.g. :func:`~ecnet_lab.network.topology_table`); its columns are joined.

    Raises
    ------
    ValueError
        If a node has no geometry (e.g. a bare networkx graph): there is nothing to map.

    Examples
    --------
    >>> import networkx as nx
    >>> from shapely.geometry import Point
    >>> g = nx.Graph()
    >>> g.add_node(1, geometry=Point(0, 0), area_km2=5.0)
    >>> nodes_to_geodataframe(g).loc[1, "area_km2"]
    np.float64(5.0)
    """
    graph = as_graph(network)
    missing = [n for n, d in graph.nodes(data=True) if d.get("geometry") is None]
    if missing:
        raise ValueError(
            f"{len(missing)} node(s) have no 'geometry' attribute (e.g. {missing[:5]}); node maps need point "
            "geometries: build the network with build_network() from sources with centroids or polygons"
        )
    nodes = list(graph.nodes)
    records = [{k: v for k, v in d.items() if k != "geometry"} for _, d in graph.nodes(data=True)]
    frame = pd.DataFrame.from_records(records, index=pd.Index(nodes, name="node")) if records else pd.DataFrame()
    geoms = [d["geometry"] for _, d in graph.nodes(data=True)]
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index), crs=_crs(graph))
    if attributes is not None:
        if not isinstance(attributes, pd.DataFrame):
            raise TypeError(f"attributes must be a DataFrame indexed by node, got {type(attributes).__name__}")
        gdf = gdf.merge(attributes, left_index=True, right_index=True, how="left", suffixes=("", "_metric"))
    return gdf


def edges_to_geodataframe(network: Any, *, require_geometry: bool = False) -> gpd.GeoDataFrame:
    """Edges as a GeoDataFrame with columns ``u``, ``v``, the edge attributes and their geometry.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        The network.
    require_geometry : bool
        Raise ``ValueError`` if an edge has no LineString geometry (otherwise its geometry is ``None``).

    Examples
    --------
    >>> import networkx as nx
    >>> edges_to_geodataframe(nx.path_graph(3))[["u", "v"]].to_numpy().tolist()
    [[0, 1], [1, 2]]
    """
    graph = as_graph(network, allow_empty=True)
    rows = []
    geoms = []
    for u, v, d in graph.edges(data=True):
        rows.append({"u": u, "v": v, **{k: val for k, val in d.items() if k != "geometry"}})
        geoms.append(d.get("geometry"))
    if require_geometry:
        missing = [(r["u"], r["v"]) for r, g in zip(rows, geoms, strict=True) if g is None]
        if missing:
            raise ValueError(
                f"{len(missing)} edge(s) have no 'geometry' (e.g. {missing[:5]}); this needs the corridor "
                "LineStrings: build the network from a corridors GeoDataFrame"
            )
    frame = pd.DataFrame(rows, columns=["u", "v"] if not rows else None)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index, dtype="geometry"), crs=_crs(graph))


def write_graphml(network: Any, path: str | os.PathLike) -> Path:
    """Write the network as GraphML (atomically); geometries as WKT. Returns the path written.

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> out = write_graphml(nx.path_graph(3), pathlib.Path(tempfile.mkdtemp()) / "p3.graphml")
    >>> read_graphml(out).number_of_edges()
    2
    """
    graph = as_graph(network, allow_empty=True)
    plain = nx.Graph()
    crs = _crs(graph)
    meta = {"node_mode": node_mode(network)}
    if crs is not None:
        meta["crs"] = _crs_wkt(crs)
    if graph.graph.get("name") is not None:
        meta["name"] = str(graph.graph["name"])
    plain.graph.update(meta)
    plain.graph["node_id_type"] = "int" if all(_is_int(n) for n in graph.nodes) else "str"
    for n, d in graph.nodes(data=True):
        plain.add_node(n, **_serialisable(d))
    for u, v, d in graph.edges(data=True):
        plain.add_edge(u, v, **_serialisable(d))
    return _atomic_write(Path(path), lambda tmp: nx.write_graphml(plain, tmp))


def read_graphml(path: str | os.PathLike) -> nx.Graph:
    """Read a GraphML file written by :func:`write_graphml`, restoring geometries, CRS and integer ids.

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> out = write_graphml(nx.cycle_graph(4), pathlib.Path(tempfile.mkdtemp()) / "c4.graphml")
    >>> sorted(read_graphml(out).nodes)
    [0, 1, 2, 3]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path={str(path)!r} does not exist")
    raw = nx.read_graphml(path)
    node_type = int if raw.graph.get("node_id_type") == "int" else str
    graph = nx.relabel_nodes(raw, {n: node_type(n) for n in raw.nodes}, copy=True)
    for _, d in graph.nodes(data=True):
        _restore(d)
    for _, _, d in graph.edges(data=True):
        _restore(d)
    graph.graph.pop("node_id_type", None)
    return graph


def write_geopackage(network: Any, path: str | os.PathLike, *, node_attributes: pd.DataFrame | None = None) -> Path:
    """Write layers ``nodes`` (points) and ``edges`` (lines) to one GeoPackage, atomically.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        Nodes must have geometries (see :func:`nodes_to_geodataframe`).
    path : path-like
        Target ``.gpkg`` file (replaced if it exists).
    node_attributes : DataFrame, optional
        Per-node table joined to the nodes layer (e.g. the topology table).

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> from shapely.geometry import Point
    >>> g = nx.Graph(crs="EPSG:32650")
    >>> g.add_node(1, geometry=Point(0, 0)); g.add_node(2, geometry=Point(1, 0)); g.add_edge(1, 2)
    >>> out = write_geopackage(g, pathlib.Path(tempfile.mkdtemp()) / "net.gpkg")
    >>> out.suffix
    '.gpkg'
    """
    nodes = _flatten_frame(nodes_to_geodataframe(network, attributes=node_attributes).reset_index())
    edges = _flatten_frame(edges_to_geodataframe(network))

    def _write(tmp: Path) -> None:
        nodes.to_file(tmp, layer="nodes", driver="GPKG")
        edges.to_file(tmp, layer="edges", driver="GPKG")

    return _atomic_write(Path(path), _write)


# ----------------------------------------------------------------------------------------------- helpers


def _crs(graph: nx.Graph) -> Any:
    return graph.graph.get("crs")


def _crs_wkt(crs: Any) -> str:
    from pyproj import CRS

    return CRS.from_user_input(crs).to_wkt()


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (tuple, list, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _serialisable(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            continue
        if key == "geometry":
            out["geometry_wkt"] = shapely.to_wkt(value)
        else:
            out[key] = _scalar(value)
    return out


def _restore(data: dict[str, Any]) -> None:
    wkt = data.pop("geometry_wkt", None)
    if wkt is not None:
        data["geometry"] = shapely.from_wkt(wkt)


def _flatten_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make columns writable by OGR: tuples/lists to comma strings, other objects to str."""
    gdf = gdf.copy()
    for col in gdf.columns:
        if col == gdf.geometry.name or gdf[col].dtype != object:
            continue
        gdf[col] = [None if v is None else _scalar(v) for v in gdf[col]]
    return gdf


def _atomic_write(path: Path, writer: Callable[[Path], Any]) -> Path:
    with atomic_path(path) as tmp:
        writer(tmp)
    return path
