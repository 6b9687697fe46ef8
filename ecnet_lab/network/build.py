"""Build an ecological-network graph from ecological sources and corridors.

Two node definitions are offered, because the papers differ:

``nodes="sources"`` (Wuhan paper, section 2.2.3, "Network Topological Pattern": "ecological source
centroids serve as nodes, while corridors act as edges")
    one node per source, keyed by ``source_id`` and placed at ``(centroid_x, centroid_y)`` (or the
    polygon centroid when those columns are absent); one edge per corridor ``from_id``-``to_id``
    carrying every corridor column (``corridor_id``, ``lcd``, ``length_m``, ``euclid_m``, ``current``,
    ``gravity``, ``corridor_class``, ...) and its least-cost-path geometry. Sources without a corridor
    are isolated nodes: they count in ``v`` and in the robustness denominators.

``nodes="intersections"`` (Jinan paper, section 2.3.5: "v represents the number of ecological nodes
(intersections of ecological corridors)")
    the corridor lines are noded (``shapely.union_all``: split wherever they cross, touch or stop
    overlapping); the nodes are the corridor ends and every point where three or more pieces of linework
    meet (crossings, T-junctions, the ends of shared stretches), and the edges are the chains of pieces
    between two nodes (through points where exactly two pieces meet). Each edge carries ``length_m``
    (its own geometric length, map units), ``corridor_ids`` (the corridors it belongs to: overlapping
    corridors share segments) and every other corridor column prefixed ``corridor_`` (``corridor_lcd``,
    ``corridor_current``, ...), numeric columns aggregated over the sharing corridors with ``shared_agg``
    (default ``"max"``), other columns taken from the first sharing corridor. Two segments joining the
    same pair of nodes become one graph edge with ``multiplicity=2`` (geometry: their MultiLineString;
    ``length_m``: the shorter one); a segment returning to its own node (a ring-shaped corridor) is
    dropped with a warning. Nodes carry ``kind`` (``"junction"`` where >= 3 pieces meet, else ``"end"``)
    and the ``source_id`` of a source polygon they touch (within the tolerance) when ``sources`` has
    polygons, else ``None``. Node ids are 0..v-1 in (x, y) order. Least-cost paths end on source
    boundaries, so the corridors of one source rarely touch: ``connect_sources=True`` extends each
    corridor to its two source centroids first, making each source a node (``kind="source"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, Point

from .._checks import check_choice, check_positive
from ._graph import as_graph

NODE_MODES = ("sources", "intersections")
SHARED_AGGS = ("max", "min", "sum", "mean", "first")
_META_KEYS = ("crs", "node_mode", "name")

__all__ = ["NODE_MODES", "SHARED_AGGS", "EcologicalNetwork", "build_network", "intersection_graph"]


class EcologicalNetwork:
    """An ecological network: an undirected ``networkx.Graph`` plus its CRS and node definition.

    The graph is the single source of truth; ``crs``, ``node_mode`` and ``name`` live in
    ``graph.graph`` so a bare graph keeps them. Node and edge GeoDataFrames are derived on demand
    (:attr:`nodes`, :attr:`edges`). The constructor copies ``graph``; the caller's graph is never changed.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected simple graph. Node attribute ``geometry`` (shapely Point) and edge attribute
        ``geometry`` (LineString) are used when geometry is needed.
    crs : optional
        Coordinate reference system of the geometries (anything ``pyproj.CRS`` accepts).
    node_mode : {"sources", "intersections", "graph"}
        What the nodes are; ``"graph"`` for a graph not built from sources and corridors.
    name : str, optional
        Label (scenario, year) used in comparisons.

    Examples
    --------
    >>> import networkx as nx
    >>> net = EcologicalNetwork(nx.path_graph(4), name="P4")
    >>> net.n_nodes, net.n_edges, net.node_mode
    (4, 3, 'graph')
    """

    def __init__(self, graph: nx.Graph, *, crs: Any = None, node_mode: str = "graph", name: str | None = None):
        graph = as_graph(graph, name="graph")
        check_choice("node_mode", node_mode, (*NODE_MODES, "graph"))
        self.graph = graph.copy()
        self.graph.graph.update(crs=crs if crs is not None else graph.graph.get("crs"), node_mode=node_mode)
        self.graph.graph["name"] = name if name is not None else graph.graph.get("name")

    @property
    def crs(self) -> Any:
        """Coordinate reference system of node and edge geometries (or ``None``)."""
        return self.graph.graph.get("crs")

    @property
    def node_mode(self) -> str:
        """``"sources"``, ``"intersections"`` or ``"graph"``."""
        return self.graph.graph.get("node_mode", "graph")

    @property
    def name(self) -> str | None:
        """Label of the network (scenario, year), or ``None``."""
        return self.graph.graph.get("name")

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.graph.number_of_nodes()

    @property
    def n_edges(self) -> int:
        """Number of graph edges."""
        return self.graph.number_of_edges()

    @property
    def nodes(self) -> gpd.GeoDataFrame:
        """Nodes as a GeoDataFrame (index ``node``); raises ``ValueError`` if a node has no geometry."""
        from .export import nodes_to_geodataframe

        return nodes_to_geodataframe(self)

    @property
    def edges(self) -> gpd.GeoDataFrame:
        """Edges as a GeoDataFrame (columns ``u``, ``v`` + attributes); geometry may be missing (None)."""
        from .export import edges_to_geodataframe

        return edges_to_geodataframe(self)

    def copy(self, *, name: str | None = None) -> EcologicalNetwork:
        """Independent copy (graph and attribute dicts copied), optionally renamed."""
        return EcologicalNetwork(self.graph, crs=self.crs, node_mode=self.node_mode, name=name or self.name)

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"<EcologicalNetwork{label}: {self.n_nodes} nodes ({self.node_mode}), {self.n_edges} edges>"


def build_network(
    sources: pd.DataFrame | None,
    corridors: pd.DataFrame,
    *,
    nodes: str = "sources",
    snap_tolerance: float = 0.0,
    shared_agg: str = "max",
    connect_sources: bool = False,
    name: str | None = None,
) -> EcologicalNetwork:
    """Build an :class:`EcologicalNetwork` from ecological sources and corridors.

    Parameters
    ----------
    sources : DataFrame or GeoDataFrame
        Columns ``source_id`` and either ``centroid_x``/``centroid_y`` (map units) or polygon
        geometries (their centroids are used). Other columns (``area_km2``, ``dPC``, ``importance``,
        ...) become node attributes. Required for ``nodes="sources"``; optional for
        ``nodes="intersections"`` (then only used to tag nodes touching a source with ``source_id``).
    corridors : DataFrame or GeoDataFrame
        Columns ``corridor_id``, ``from_id``, ``to_id`` (source ids) and optionally ``lcd``,
        ``length_m``, ``euclid_m``, ``current``, ``gravity``, ``corridor_class``; geometry =
        least-cost-path LineStrings (required for ``nodes="intersections"``). May be empty.
    nodes : {"sources", "intersections"}
        Node definition; see the module documentation.
    snap_tolerance : float
        Intersections mode only: coordinates are snapped to a grid of this size (map units,
        ``shapely.set_precision``) before noding, so corridor ends that nearly meet are joined.
        0 (default) nodes the lines exactly as given.
    shared_agg : {"max", "min", "sum", "mean", "first"}
        Intersections mode only: how numeric attributes of corridors sharing a segment are combined.
    connect_sources : bool
        Intersections mode only. Least-cost paths start and end on the boundary of their sources, so
        corridors of one source usually do not touch each other. With ``True`` each corridor is extended
        by straight segments from its ends to the centroids of its ``from_id`` and ``to_id`` sources
        (each end to the nearer of the two), so the corridors of a source meet at its centroid; those
        nodes get ``kind="source"`` and the ``source_id``. Edge lengths then include the extensions.
        Needs ``sources``.
    name : str, optional
        Label of the network (scenario, year).

    Returns
    -------
    EcologicalNetwork

    Raises
    ------
    ValueError
        Empty sources, missing columns, duplicate ids, corridors naming unknown sources, self-loops,
        two corridors between the same pair of sources, missing geometry where it is needed, a
        geographic CRS in intersections mode, or different CRSs of sources and corridors.

    Examples
    --------
    >>> import pandas as pd
    >>> sources = pd.DataFrame({"source_id": [1, 2, 3], "area_km2": [5.0, 8.0, 6.5],
    ...                         "centroid_x": [0.0, 1000.0, 0.0], "centroid_y": [0.0, 0.0, 1000.0]})
    >>> corridors = pd.DataFrame({"corridor_id": [10, 11], "from_id": [1, 1], "to_id": [2, 3],
    ...                           "lcd": [1500.0, 2100.0], "length_m": [1000.0, 1000.0]})
    >>> net = build_network(sources, corridors)
    >>> net.n_nodes, net.n_edges, net.graph.edges[1, 2]["lcd"]
    (3, 2, 1500.0)
    """
    check_choice("nodes", nodes, NODE_MODES)
    check_choice("shared_agg", shared_agg, SHARED_AGGS)
    snap_tolerance = check_positive("snap_tolerance", snap_tolerance, allow_zero=True)
    _check_frame("corridors", corridors, ("corridor_id", "from_id", "to_id"))
    if sources is not None:
        _check_frame("sources", sources, ("source_id",))
        if len(sources) == 0:
            raise ValueError("sources is empty (0 rows); a network needs at least one ecological source")
        if sources["source_id"].isna().any() or sources["source_id"].duplicated().any():
            dupes = sources["source_id"][sources["source_id"].duplicated()].tolist()
            raise ValueError(f"sources['source_id'] must be unique and not missing; duplicated: {dupes}")
    crs = _common_crs(sources, corridors)
    if corridors["corridor_id"].duplicated().any():
        dupes = corridors["corridor_id"][corridors["corridor_id"].duplicated()].tolist()
        raise ValueError(f"corridors['corridor_id'] must be unique; duplicated: {dupes}")

    if nodes == "sources":
        if sources is None:
            raise ValueError("nodes='sources' needs the sources table (got sources=None)")
        if connect_sources:
            raise ValueError("connect_sources=True only applies to nodes='intersections'")
        graph = _source_graph(sources, corridors)
    else:
        if crs is not None and _is_geographic(crs):
            raise ValueError(
                f"nodes='intersections' measures segment lengths in map units, but the CRS {crs} is geographic "
                "(degrees); reproject sources and corridors to a projected CRS (metres) first"
            )
        lines = corridors
        if connect_sources:
            if sources is None:
                raise ValueError("connect_sources=True needs the sources table (got sources=None)")
            lines = _extend_to_sources(sources, corridors)
        graph = intersection_graph(lines, snap_tolerance=snap_tolerance, sources=sources, shared_agg=shared_agg)
        if graph.number_of_nodes() == 0:
            raise ValueError("nodes='intersections' found no corridor lines: corridors is empty")
        if connect_sources:
            _tag_source_nodes(graph, sources)
    graph.graph.update(crs=crs, node_mode=nodes, name=name)
    net = EcologicalNetwork.__new__(EcologicalNetwork)
    net.graph = graph  # freshly built: no defensive copy needed
    return net


def intersection_graph(
    corridors: pd.DataFrame,
    *,
    snap_tolerance: float = 0.0,
    sources: pd.DataFrame | None = None,
    shared_agg: str = "max",
) -> nx.Graph:
    """Graph whose nodes are corridor intersections/ends and whose edges are the segments between them.

    See the module documentation (``nodes="intersections"``) for the exact definition and attributes.

    Parameters
    ----------
    corridors : GeoDataFrame
        Corridor lines (LineString or MultiLineString) with a ``corridor_id`` column.
    snap_tolerance : float
        Grid size (map units) the coordinates are snapped to before noding; 0 = exact.
    sources : GeoDataFrame, optional
        Source polygons with ``source_id``: nodes touching one get its ``source_id``.
    shared_agg : {"max", "min", "sum", "mean", "first"}
        Combination of numeric attributes of corridors sharing a segment.

    Returns
    -------
    networkx.Graph

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> cross = gpd.GeoDataFrame({"corridor_id": [1, 2]},
    ...                          geometry=[LineString([(0, 0), (10, 0)]), LineString([(5, -5), (5, 5)])])
    >>> g = intersection_graph(cross)
    >>> g.number_of_nodes(), g.number_of_edges()
    (5, 4)
    """
    check_choice("shared_agg", shared_agg, SHARED_AGGS)
    snap_tolerance = check_positive("snap_tolerance", snap_tolerance, allow_zero=True)
    _check_frame("corridors", corridors, ("corridor_id",))
    lines = _corridor_lines(corridors)
    graph = nx.Graph()
    if len(lines) == 0:
        return graph
    if snap_tolerance > 0:
        lines = shapely.set_precision(lines, grid_size=snap_tolerance)
    pieces = shapely.get_parts(shapely.union_all(lines))  # noded: split at every crossing/touch/overlap end
    pieces = pieces[~shapely.is_empty(pieces)]
    bounds = shapely.total_bounds(lines)
    eps = max(snap_tolerance, 1e-7 * max(1.0, float(np.nanmax(np.abs(bounds)))))
    tree = shapely.STRtree(lines)
    piece_rows = tree.query(shapely.line_interpolate_point(pieces, 0.5, normalized=True), "dwithin", distance=eps)
    members: list[set[int]] = [set() for _ in range(len(pieces))]
    for piece, row in zip(*piece_rows.tolist(), strict=True):
        members[piece].add(row)

    piece_coords = [shapely.get_coordinates(p) for p in pieces]
    incident: dict[tuple[float, float], list[int]] = {}
    for i, xy in enumerate(piece_coords):
        incident.setdefault(tuple(xy[0]), []).append(i)
        incident.setdefault(tuple(xy[-1]), []).append(i)
    line_ends = shapely.get_coordinates(shapely.boundary(shapely.line_merge(lines)))
    is_node = {pt for pt, inc in incident.items() if len(inc) != 2}
    is_node |= {pt for pt in map(tuple, line_ends.tolist()) if pt in incident}
    coords = sorted(is_node)  # (x, y) order: stable node ids
    node_of = {pt: i for i, pt in enumerate(coords)}

    attr_cols = [c for c in corridors.columns if c not in ("geometry", "corridor_id", "from_id", "to_id")]
    if isinstance(corridors, gpd.GeoDataFrame):
        attr_cols = [c for c in attr_cols if c != corridors.geometry.name]
    records = corridors.reset_index(drop=True)
    graph.add_nodes_from(range(len(coords)))
    used = np.zeros(len(pieces), dtype=bool)
    n_loops = 0
    for start in coords:
        for first in incident[start]:
            if used[first]:
                continue
            chain, rows, here, piece = [], set(), start, first
            while True:  # walk through degree-2 points until the next node
                used[piece] = True
                xy = piece_coords[piece]
                xy = xy if tuple(xy[0]) == here else xy[::-1]
                chain.append(xy if not chain else xy[1:])
                rows |= members[piece]
                here = tuple(xy[-1])
                if here in node_of:
                    break
                piece = next(i for i in incident[here] if i != piece)
            if here == start:
                n_loops += 1
                continue
            geom = LineString(np.concatenate(chain))
            _add_segment(graph, node_of[start], node_of[here], geom, records, rows, attr_cols, shared_agg)
    n_loops += int((~used).any())  # rings touching no node at all
    if n_loops:
        warnings.warn(
            f"{n_loops} closed corridor loop(s) returning to the same node were dropped from the intersection "
            "graph (a simple graph has no self-loops)",
            UserWarning,
            stacklevel=3,
        )

    source_of = _touching_sources(np.asarray(coords, dtype=float).reshape(-1, 2), sources, eps)
    for (x, y), i in node_of.items():
        kind = "junction" if len(incident[(x, y)]) >= 3 else "end"
        graph.add_node(i, x=float(x), y=float(y), geometry=Point(x, y), kind=kind, source_id=source_of[i])
    return graph


def _add_segment(graph, u, v, geom, records, rows, attr_cols, shared_agg) -> None:
    """Add one node-to-node segment, merging it into an existing parallel edge (``multiplicity``)."""
    attrs = _segment_attributes(records, np.array(sorted(rows), dtype=np.int64), attr_cols, shared_agg)
    attrs.update(length_m=float(geom.length), geometry=geom, multiplicity=1)
    if not graph.has_edge(u, v):
        graph.add_edge(u, v, **attrs)
        return
    old = graph.edges[u, v]
    old.update(
        corridor_ids=tuple(sorted(set(old["corridor_ids"]) | set(attrs["corridor_ids"]), key=str)),
        multiplicity=old["multiplicity"] + 1,
        length_m=min(old["length_m"], attrs["length_m"]),
        geometry=MultiLineString([*shapely.get_parts(old["geometry"]), geom]),
    )


# ----------------------------------------------------------------------------------------------- helpers


def _check_frame(name: str, frame: Any, required: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame or GeoDataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks required column(s) {missing}; it has {list(frame.columns)}")


def _is_geographic(crs: Any) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(crs).is_geographic


def _common_crs(sources: pd.DataFrame | None, corridors: pd.DataFrame) -> Any:
    crs_s = getattr(sources, "crs", None) if isinstance(sources, gpd.GeoDataFrame) else None
    crs_c = getattr(corridors, "crs", None) if isinstance(corridors, gpd.GeoDataFrame) else None
    if crs_s is not None and crs_c is not None and crs_s != crs_c:
        raise ValueError(f"sources CRS {crs_s} differs from corridors CRS {crs_c}; reproject one of them first")
    return crs_s if crs_s is not None else crs_c


def _python(value: Any) -> Any:
    """numpy scalar -> Python scalar, so graph attributes serialise cleanly."""
    return value.item() if isinstance(value, np.generic) else value


def _source_points(sources: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(sources)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if "centroid_x" in sources.columns and "centroid_y" in sources.columns:
        x = pd.to_numeric(sources["centroid_x"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        y = pd.to_numeric(sources["centroid_y"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    missing = ~(np.isfinite(x) & np.isfinite(y))
    if missing.any() and isinstance(sources, gpd.GeoDataFrame) and sources.geometry.name in sources.columns:
        geoms = sources.geometry.to_numpy()
        usable = missing & ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        cent = shapely.centroid(geoms[usable])
        x[usable], y[usable] = shapely.get_x(cent), shapely.get_y(cent)
        missing = ~(np.isfinite(x) & np.isfinite(y))
    if missing.any():
        bad = sources["source_id"].to_numpy()[missing][:10].tolist()
        raise ValueError(
            "sources need finite 'centroid_x'/'centroid_y' columns or polygon geometries to place the nodes; "
            f"source_id(s) {bad} have neither"
        )
    return x, y


def _source_graph(sources: pd.DataFrame, corridors: pd.DataFrame) -> nx.Graph:
    x, y = _source_points(sources)
    geom_col = sources.geometry.name if isinstance(sources, gpd.GeoDataFrame) else None
    table = pd.DataFrame(sources.drop(columns=[geom_col] if geom_col in sources.columns else []))
    graph = nx.Graph()
    for rec, xi, yi in zip(table.to_dict("records"), x, y, strict=True):
        attrs = {k: _python(v) for k, v in rec.items()}
        attrs.update(x=float(xi), y=float(yi), geometry=Point(xi, yi))
        graph.add_node(attrs["source_id"], **attrs)

    ids = set(graph.nodes)
    ends = corridors[["from_id", "to_id"]]
    unknown = sorted({_python(v) for v in pd.unique(ends.to_numpy().ravel()) if _python(v) not in ids}, key=str)
    if unknown:
        raise ValueError(f"corridors name source id(s) {unknown[:10]} that are not in sources['source_id']")
    loops = corridors["corridor_id"][corridors["from_id"] == corridors["to_id"]].tolist()
    if loops:
        raise ValueError(f"corridor(s) {loops[:10]} join a source to itself (from_id == to_id); remove them")
    pair = [frozenset(p) for p in ends.itertuples(index=False, name=None)]
    dup_mask = pd.Series(pair, dtype=object).duplicated(keep=False).to_numpy()
    if dup_mask.any():
        dupes = corridors["corridor_id"][dup_mask].tolist()
        raise ValueError(
            f"corridors {dupes[:10]} join the same pair of sources; keep one corridor per pair (e.g. the lowest lcd)"
        )

    cgeom = corridors.geometry.name if isinstance(corridors, gpd.GeoDataFrame) else None
    geoms = corridors.geometry.to_numpy() if cgeom in corridors.columns else np.full(len(corridors), None)
    table = pd.DataFrame(corridors.drop(columns=[cgeom] if cgeom in corridors.columns else []))
    for rec, geom in zip(table.to_dict("records"), geoms, strict=True):
        attrs = {k: _python(v) for k, v in rec.items()}
        attrs["geometry"] = None if geom is None or shapely.is_empty(geom) else geom
        graph.add_edge(attrs["from_id"], attrs["to_id"], **attrs)
    return graph


def _source_centroids(sources: pd.DataFrame) -> dict[Any, tuple[float, float]]:
    x, y = _source_points(sources)
    return {_python(sid): (float(a), float(b)) for sid, a, b in zip(sources["source_id"], x, y, strict=True)}


def _extend_to_sources(sources: pd.DataFrame, corridors: pd.DataFrame) -> gpd.GeoDataFrame:
    """Copy of ``corridors`` whose lines run from the from-source centroid to the to-source centroid."""
    _check_frame("corridors", corridors, ("from_id", "to_id"))
    lines = _corridor_lines(corridors)
    centre = _source_centroids(sources)
    unknown = sorted({_python(v) for v in pd.unique(corridors[["from_id", "to_id"]].to_numpy().ravel())} - set(centre))
    if unknown:
        raise ValueError(f"corridors name source id(s) {unknown[:10]} that are not in sources['source_id']")
    extended = []
    for line, a, b in zip(lines, corridors["from_id"], corridors["to_id"], strict=True):
        merged = shapely.line_merge(line)
        if merged.geom_type != "LineString":
            raise ValueError("connect_sources=True needs each corridor to be one continuous line")
        xy = shapely.get_coordinates(merged)
        ca, cb = np.array(centre[_python(a)]), np.array(centre[_python(b)])
        direct = np.hypot(*(xy[0] - ca)) + np.hypot(*(xy[-1] - cb))
        swapped = np.hypot(*(xy[0] - cb)) + np.hypot(*(xy[-1] - ca))
        start, stop = (ca, cb) if direct <= swapped else (cb, ca)
        pts = [xy] if np.array_equal(xy[0], start) else [start[None, :], xy]
        if not np.array_equal(xy[-1], stop):
            pts.append(stop[None, :])
        extended.append(LineString(np.concatenate(pts)))
    out = corridors.copy()
    out[corridors.geometry.name] = gpd.GeoSeries(extended, index=corridors.index, crs=corridors.crs)
    return out


def _tag_source_nodes(graph: nx.Graph, sources: pd.DataFrame) -> None:
    at = {xy: sid for sid, xy in _source_centroids(sources).items()}
    for _, d in graph.nodes(data=True):
        sid = at.get((d["x"], d["y"]))
        if sid is not None:
            d.update(kind="source", source_id=sid)


def _corridor_lines(corridors: pd.DataFrame) -> np.ndarray:
    if not isinstance(corridors, gpd.GeoDataFrame) or corridors.geometry.name not in corridors.columns:
        raise ValueError(
            "nodes='intersections' needs corridor geometries (a GeoDataFrame of LineStrings); "
            f"corridors is a {type(corridors).__name__} without a geometry column"
        )
    geoms = corridors.geometry.to_numpy()
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    bad |= ~np.isin(shapely.get_type_id(geoms), (1, 5))  # LineString, MultiLineString
    if bad.any():
        ids = corridors["corridor_id"].to_numpy()[bad][:10].tolist()
        raise ValueError(f"corridor(s) {ids} have no LineString geometry; intersections need every corridor line")
    return np.asarray(geoms, dtype=object)


def _segment_attributes(records: pd.DataFrame, rows: np.ndarray, cols: list[str], agg: str) -> dict[str, Any]:
    sub = records.iloc[rows]
    attrs: dict[str, Hashable] = {"corridor_ids": tuple(_python(v) for v in sub["corridor_id"])}
    for col in cols:
        values = sub[col]
        if len(values) == 0:
            attrs[f"corridor_{col}"] = None
        elif agg != "first" and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            attrs[f"corridor_{col}"] = _python(getattr(values, agg)())
        else:
            attrs[f"corridor_{col}"] = _python(values.iloc[0])
    return attrs


def _touching_sources(coords: np.ndarray, sources: pd.DataFrame | None, eps: float) -> list[Any]:
    out: list[Any] = [None] * len(coords)
    if not isinstance(sources, gpd.GeoDataFrame) or sources.geometry.name not in sources.columns:
        return out
    polys = sources.geometry.to_numpy()
    ok = ~(shapely.is_missing(polys) | shapely.is_empty(polys))
    if not ok.any():
        return out
    ids = sources["source_id"].to_numpy()[ok]
    tree = shapely.STRtree(polys[ok])
    pts, hit = tree.query(shapely.points(coords), predicate="dwithin", distance=eps)
    for p, h in sorted(zip(pts.tolist(), hit.tolist(), strict=True), reverse=True):
        out[p] = _python(ids[h])  # reverse order: the lowest polygon index wins
    return out
