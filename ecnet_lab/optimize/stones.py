"""Stepping stones at corridor intersections and along long corridors (Shenzhen optimization, rule 2).

The Shenzhen paper (section 3.5.1) adds 18 stepping stones "at ecological corridor connections" to
address "excessively long corridors, dead-end routes, and high migration volumes at corridor
intersections", and notes that stepping stones "shorten inter-patch distances". It gives no size or
spacing; the documented, deterministic rules here are:

1. **Intersections** (``at_intersections=True``). The corridor lines (least-cost paths) are noded as
   in :func:`ecnet_lab.network.intersection_graph`; every node where three or more pieces of
   linework meet (a crossing, a T-junction, the end of a stretch two corridors share) and where at
   least two different corridors meet is a candidate.
2. **Merging.** Candidates closer than ``merge_distance_m`` (default ``2 * radius_m``: their discs
   would overlap) are grouped transitively; each group becomes one stone at the member nearest to
   the group's mean position.
3. **Spacing along long corridors** (``max_spacing_m``, default 5000 m: the paper counts corridors
   under 5 km as short and calls longer ones vulnerable). Corridors are visited in ``corridor_id``
   order. Positions along the corridor of the stones already placed within ``radius_m`` of its line,
   plus its two ends, split it into stretches; a stretch of length ``g > max_spacing_m`` gets
   ``ceil(g / max_spacing_m) - 1`` stones at equal intervals, so no stretch between consecutive
   stones (or a stone and a source) is longer than ``max_spacing_m``. Stones placed on a stretch
   shared with a later corridor count for it too.
4. **Away from sources.** A stone whose disc (``radius_m``) touches or overlaps a source (distance
   from its centre to the nearest source polygon <= ``radius_m``) is dropped: it would enlarge the
   source, not bridge a gap.
5. **Optional cap** (``max_stones``): keep the stones with the highest ``current`` (maximum of the
   given current map within the disc, the "migration volume"; without a current map the number of
   corridors served), intersections before spacing stones on ties, then in placement order.

"Dead-end routes" has no operable definition in the paper and is not a separate rule.
:func:`apply_stepping_stones` turns the stones into habitat: resistance within ``radius_m`` is
lowered to ``restored_resistance`` (default: the lowest resistance of the raster).
"""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely.geometry import Point

from .. import patches as pt
from .._checks import check_int, check_positive
from ..linkage.pathways import LinkagePathways
from ..network.build import intersection_graph
from ._raster import check_raster, disc_mask, restore_discs

__all__ = ["STONE_RULES", "apply_stepping_stones", "stepping_stones"]

#: Values of the ``rule`` column of :func:`stepping_stones`.
STONE_RULES = ("intersection", "spacing")

_COLUMNS = ["stone_id", "rule", "corridor_id", "corridor_ids", "n_corridors", "x", "y", "distance_along_m", "current"]


def corridor_frame(corridors) -> gpd.GeoDataFrame:
    """Corridor lines (``corridor_id`` + LineString geometry) from a LinkagePathways or a GeoDataFrame."""
    if isinstance(corridors, LinkagePathways):
        corridors = corridors.corridors
    if not isinstance(corridors, gpd.GeoDataFrame):
        raise TypeError(
            f"corridors must be a GeoDataFrame of corridor lines or a LinkagePathways, got {type(corridors).__name__}"
        )
    if "corridor_id" not in corridors.columns:
        raise ValueError("corridors lacks the column 'corridor_id'")
    geoms = corridors.geometry.to_numpy()
    bad = [
        int(c)
        for c, g in zip(corridors["corridor_id"], geoms, strict=True)
        if g is None or shapely.is_empty(g) or shapely.get_type_id(g) not in (1, 5)
    ]
    if bad:
        raise ValueError(f"corridors {bad[:5]!r} have no LineString geometry")
    return corridors.sort_values("corridor_id", kind="stable").reset_index(drop=True)


def source_shapes(sources) -> object | None:
    """Union of the source polygons (GeoDataFrame, label DataArray or None)."""
    if sources is None:
        return None
    if isinstance(sources, xr.DataArray):
        check_raster("sources", sources)
        lab = sources.fillna(0).astype(np.int32)
        if int(lab.max()) <= 0:
            return None
        return shapely.union_all(pt.patch_polygons(lab, id_name="source_id").geometry.to_numpy())
    if isinstance(sources, gpd.GeoDataFrame):
        if len(sources) == 0:
            return None
        return shapely.union_all(sources.geometry.to_numpy())
    raise TypeError(
        f"sources must be a label DataArray, a GeoDataFrame of polygons or None, got {type(sources).__name__}"
    )


def _junctions(lines: gpd.GeoDataFrame) -> np.ndarray:
    """(x, y) of the nodes where >= 3 pieces and >= 2 different corridors meet."""
    if len(lines) < 2:
        return np.empty((0, 2))
    graph = intersection_graph(lines[["corridor_id", "geometry"]])
    pts = np.array([(d["x"], d["y"]) for _, d in graph.nodes(data=True) if d["kind"] == "junction"], dtype=float)
    if pts.size == 0:
        return np.empty((0, 2))
    geoms = lines.geometry.to_numpy()
    bounds = shapely.total_bounds(geoms)
    eps = 1e-7 * max(1.0, float(np.nanmax(np.abs(bounds))))
    tree = shapely.STRtree(geoms)
    idx_pt, idx_line = tree.query(shapely.points(pts), "dwithin", distance=eps)
    counts = np.zeros(len(pts), dtype=int)
    np.add.at(counts, np.unique(np.stack([idx_pt, idx_line]), axis=1)[0], 1)
    return pts[counts >= 2]


def _merge(points: np.ndarray, distance: float) -> np.ndarray:
    """Group points closer than ``distance`` (transitively); one representative per group, sorted."""
    if len(points) <= 1:
        return points
    pairs = cKDTree(points).query_pairs(distance * (1 - 1e-12), output_type="ndarray")
    n = len(points)
    adj = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)) if len(pairs) else None
    if adj is None:
        groups = np.arange(n)
    else:
        _, groups = connected_components(adj, directed=False)
    reps = []
    for g in np.unique(groups):
        members = points[groups == g]
        centre = members.mean(axis=0)
        d = np.hypot(*(members - centre).T)
        order = np.lexsort((members[:, 1], members[:, 0], d))
        reps.append(members[order[0]])
    reps = np.asarray(reps)
    return reps[np.lexsort((reps[:, 1], reps[:, 0]))]


def _near_source(points: np.ndarray, shapes, radius_m: float) -> np.ndarray:
    if shapes is None or len(points) == 0:
        return np.zeros(len(points), dtype=bool)
    return shapely.distance(shapely.points(points), shapes) <= radius_m


def stepping_stones(
    corridors,
    *,
    sources=None,
    at_intersections: bool = True,
    max_spacing_m: float | None = 5000.0,
    radius_m: float = 150.0,
    merge_distance_m: float | None = None,
    current: xr.DataArray | None = None,
    max_stones: int | None = None,
) -> gpd.GeoDataFrame:
    """Place stepping stones by the documented rules (see the module documentation).

    Parameters
    ----------
    corridors : GeoDataFrame or LinkagePathways
        Corridor lines with ``corridor_id`` (least-cost paths, e.g. ``pathways.corridors``). With a
        LinkagePathways, ``sources`` defaults to its source label raster.
    sources : DataArray or GeoDataFrame, optional
        Source labels or polygons; stones whose disc touches a source are dropped.
    at_intersections : bool
        Place stones at corridor intersections (rule 1).
    max_spacing_m : float or None
        Longest stretch of corridor (m) without a stepping stone (rule 3); ``None`` disables it.
    radius_m : float
        Radius (m) of a stepping stone (> 0); default 150 m (about 0.07 km²).
    merge_distance_m : float, optional
        Intersections closer than this (m) become one stone; default ``2 * radius_m``.
    current : DataArray, optional
        Current map (e.g. ``pinchpoints(...).current``); gives the ``current`` column and the ranking
        of ``max_stones``.
    max_stones : int, optional
        Keep at most this many stones (>= 0), ranked as in rule 5.

    Returns
    -------
    GeoDataFrame
        ``stone_id`` (1..n), ``rule`` ("intersection" or "spacing"), ``corridor_id`` (the corridor the
        stone was placed on; for intersections the smallest id of those meeting), ``corridor_ids``
        (comma-separated ids of the corridors whose line passes within ``radius_m``), ``n_corridors``,
        ``x``, ``y``, ``distance_along_m`` (position along the host corridor; NaN at intersections),
        ``current`` (NaN without a current map), Point geometry. ``attrs`` keeps the parameters.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame({"corridor_id": [1, 2]}, geometry=[LineString([(0, 0), (12000, 0)]),
    ...                          LineString([(3000, -2000), (3000, 2000)])])
    >>> st = stepping_stones(lines, max_spacing_m=5000)
    >>> st[["rule", "x", "y"]].values.tolist()
    [['intersection', 3000.0, 0.0], ['spacing', 7500.0, 0.0]]
    """
    if isinstance(corridors, LinkagePathways) and sources is None:
        sources = corridors.costs.labels
    lines = corridor_frame(corridors)
    if not isinstance(at_intersections, bool):
        raise TypeError(f"at_intersections must be a bool, got {at_intersections!r}")
    if max_spacing_m is not None:
        max_spacing_m = check_positive("max_spacing_m", max_spacing_m)
    radius_m = check_positive("radius_m", radius_m)
    if merge_distance_m is None:
        merge_distance_m = 2 * radius_m
    merge_distance_m = check_positive("merge_distance_m", merge_distance_m)
    if max_stones is not None:
        max_stones = check_int("max_stones", max_stones, minimum=0)
    if current is not None:
        check_raster("current", current)
    shapes = source_shapes(sources)
    geoms = lines.geometry.to_numpy()
    ids = lines["corridor_id"].to_numpy(dtype=np.int64)

    xy: list[np.ndarray] = []
    rule: list[str] = []
    host: list[int] = []
    along: list[float] = []
    if at_intersections:
        pts = _merge(_junctions(lines), merge_distance_m)
        pts = pts[~_near_source(pts, shapes, radius_m)]
        if len(pts):
            tree = shapely.STRtree(geoms)
            bounds = shapely.total_bounds(geoms)
            eps = 1e-7 * max(1.0, float(np.nanmax(np.abs(bounds))))
            ip, il = tree.query(shapely.points(pts), "dwithin", distance=max(eps, 1e-9))
            first = {}
            for p, line_idx in zip(ip.tolist(), il.tolist(), strict=True):
                first[p] = min(first.get(p, np.iinfo(np.int64).max), int(ids[line_idx]))
            for k, p in enumerate(pts):
                xy.append(p)
                rule.append("intersection")
                host.append(first.get(k, int(ids[int(np.argmin(shapely.distance(Point(p), geoms)))])))
                along.append(np.nan)
    if max_spacing_m is not None:
        for cid, line in zip(ids, geoms, strict=True):
            length = float(line.length)
            anchors = [0.0, length]
            if xy:
                placed = np.asarray(xy)
                near = shapely.distance(shapely.points(placed), line) <= radius_m
                anchors += [float(line.project(Point(p))) for p in placed[near]]
            anchors = np.unique(np.clip(anchors, 0.0, length))
            new_pos = []
            for a, b in itertools.pairwise(anchors):
                gap = b - a
                if gap > max_spacing_m * (1 + 1e-12):
                    k = math.ceil(gap / max_spacing_m - 1e-12) - 1
                    new_pos += [a + gap * j / (k + 1) for j in range(1, k + 1)]
            if not new_pos:
                continue
            pts = shapely.get_coordinates(shapely.line_interpolate_point(line, np.asarray(new_pos)))
            ok = ~_near_source(pts, shapes, radius_m)
            for p, pos in zip(pts[ok], np.asarray(new_pos)[ok], strict=True):
                xy.append(p)
                rule.append("spacing")
                host.append(int(cid))
                along.append(float(pos))

    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(points)
    served_ids: list[str] = []
    n_served = np.zeros(n, dtype=np.int64)
    if n:
        tree = shapely.STRtree(geoms)
        ip, il = tree.query(shapely.points(points), "dwithin", distance=radius_m)
        served: list[set[int]] = [set() for _ in range(n)]
        for p, line_idx in zip(ip.tolist(), il.tolist(), strict=True):
            served[p].add(int(ids[line_idx]))
        served_ids = [",".join(str(i) for i in sorted(s)) for s in served]
        n_served = np.array([len(s) for s in served], dtype=np.int64)
    cur = np.full(n, np.nan)
    if current is not None and n:
        values = np.asarray(current.values, dtype=float)
        for k, (x, y) in enumerate(points):
            vals = values[disc_mask(current, x, y, radius_m)]
            vals = vals[np.isfinite(vals)]
            cur[k] = vals.max() if vals.size else np.nan
    frame = pd.DataFrame(
        {
            "rule": pd.Series(rule, dtype=object),
            "corridor_id": np.asarray(host, dtype=np.int64),
            "corridor_ids": pd.Series(served_ids, dtype=object),
            "n_corridors": n_served,
            "x": points[:, 0],
            "y": points[:, 1],
            "distance_along_m": np.asarray(along, dtype=float),
            "current": cur,
        }
    )
    if max_stones is not None and n > max_stones:
        score = cur if current is not None else n_served.astype(float)
        score = np.where(np.isfinite(score), score, -np.inf)
        is_spacing = (frame["rule"] == "spacing").to_numpy()
        order = np.lexsort((np.arange(n), is_spacing, -score))
        frame = frame.iloc[np.sort(order[:max_stones])].reset_index(drop=True)
    frame.insert(0, "stone_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    out = gpd.GeoDataFrame(frame[_COLUMNS], geometry=shapely.points(frame[["x", "y"]].to_numpy()), crs=lines.crs)
    out.attrs = {
        "radius_m": radius_m,
        "max_spacing_m": max_spacing_m,
        "merge_distance_m": merge_distance_m,
        "at_intersections": at_intersections,
        "max_stones": max_stones,
    }
    return out


def apply_stepping_stones(
    resistance: xr.DataArray,
    stones: gpd.GeoDataFrame,
    *,
    radius_m: float | None = None,
    restored_resistance: float | None = None,
) -> xr.DataArray:
    """A new resistance raster with every stepping stone turned into habitat.

    Cells whose centre lies within ``radius_m`` of a stone (and the cell holding the stone) get
    ``min(resistance, restored_resistance)``; NaN cells stay NaN. The input is not modified.

    Parameters
    ----------
    resistance : DataArray
        Resistance raster.
    stones : GeoDataFrame
        Point geometries (e.g. from :func:`stepping_stones`).
    radius_m : float, optional
        Stone radius (m); default ``stones.attrs["radius_m"]`` (150 m if absent).
    restored_resistance : float, optional
        Resistance of a stone (> 0); default the lowest finite resistance of the raster.

    Examples
    --------
    >>> import numpy as np, xarray as xr, geopandas as gpd
    >>> r = xr.DataArray(np.full((5, 5), 50.0), dims=("y", "x"),
    ...                  coords={"y": 150.0 - 30 * np.arange(5), "x": 30.0 * np.arange(5)})
    >>> stone = gpd.GeoDataFrame(geometry=gpd.points_from_xy([60.0], [90.0]))
    >>> int((apply_stepping_stones(r, stone, radius_m=30, restored_resistance=1.0) == 1).sum())
    5
    """
    xy = _points_xy("stones", stones)
    if radius_m is None:
        radius_m = float(stones.attrs.get("radius_m", 150.0))
    return restore_discs(
        resistance, xy, radius_m=radius_m, restored_resistance=restored_resistance, what="stepping stones"
    ).rename(resistance.name or "resistance")


def _points_xy(name: str, frame) -> np.ndarray:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame of points, got {type(frame).__name__}")
    geoms = frame.geometry.to_numpy()
    if len(geoms) and not np.all(shapely.get_type_id(geoms) == 0):
        raise ValueError(f"{name} must hold Point geometries")
    return shapely.get_coordinates(geoms).reshape(-1, 2)
