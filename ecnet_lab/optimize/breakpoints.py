"""Ecological breakpoints where corridors cross roads, and their restoration (Shenzhen optimization, rule 3).

The Shenzhen paper (section 3.5.1): "Ecological breakpoints occur where ecological corridors and
road networks intersect"; it identifies 16 of them and proposes wildlife passages (elevated
bridges, green underpasses) to restore them. The rules here:

* **Road lines** (GeoDataFrame): every point where a corridor line (least-cost path) meets a road
  line is a crossing; where a corridor runs along a road the crossing is the middle of the shared
  stretch (its length is ``overlap_m``).
* **Road raster** (DataArray, road cells > 0, the value is the road class): the corridor line is
  sampled every quarter cell; each run of consecutive samples on road cells is a crossing, located at
  the middle of the exact stretch of the line inside those road cells (``overlap_m`` = its length),
  with the most frequent road value as its class. An 8-connected path that crosses a diagonal,
  8-connected road raster exactly through a cell corner touches no road cell and is not detected;
  road lines give exact crossings.
* **Merging.** Crossings of the same corridor and the same road (same road line; same class for a
  raster) closer than ``merge_distance_m`` along the corridor (default 100 m) are one breakpoint, at
  the middle crossing of the group: a staircase-shaped raster path may cross a road line several
  times within a few metres.
* Several road layers (roads, railways) can be given as a mapping ``{layer name: lines or raster}``;
  the ``road_layer`` column keeps the name.

:func:`apply_breakpoints` models the restoration (a wildlife crossing): resistance within
``radius_m`` of each breakpoint (default 100 m) is lowered to ``restored_resistance`` (default: the
lowest resistance of the raster).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr
from shapely.ops import substring

from .._checks import check_positive
from ..grid import cell_size
from ._raster import axis_coords, cell_index, check_raster, restore_discs
from .stones import _points_xy, corridor_frame

__all__ = ["apply_breakpoints", "ecological_breakpoints"]

_COLUMNS = [
    "breakpoint_id",
    "corridor_id",
    "road_layer",
    "road_index",
    "road_class",
    "x",
    "y",
    "distance_along_m",
    "overlap_m",
    "n_crossings",
]


def _line_crossings(line, roads: gpd.GeoDataFrame, tree, class_column: str | None) -> list[tuple]:
    """(position along line, road key, road class, overlap) of every contact of ``line`` with a road."""
    geoms = roads.geometry.to_numpy()
    out = []
    for r in np.sort(tree.query(line, "intersects")):
        inter = shapely.intersection(line, geoms[r])
        road_key = roads.index[r]
        road_class = roads[class_column].iloc[r] if class_column else None
        for part in shapely.get_parts(inter):
            if shapely.is_empty(part):
                continue
            tid = shapely.get_type_id(part)
            if tid == 0:  # point
                out.append((float(line.project(part)), road_key, road_class, 0.0))
            elif tid in (1, 2):  # shared stretch
                mid = shapely.line_interpolate_point(part, 0.5, normalized=True)
                out.append((float(line.project(mid)), road_key, road_class, float(part.length)))
    return out


def _raster_crossings(line, roads: xr.DataArray) -> list[tuple]:
    dx, dy = cell_size(roads)
    ys, xs = axis_coords(roads)
    step = min(dx, dy) / 4.0
    length = float(line.length)
    pos = np.linspace(0.0, length, max(int(np.ceil(length / step)) + 1, 2))
    xy = shapely.get_coordinates(shapely.line_interpolate_point(line, pos))
    row, col, inside = cell_index(roads, xy[:, 0], xy[:, 1])
    values = np.asarray(roads.values, dtype=float)[row, col]
    on = inside & np.isfinite(values) & (values > 0)
    out = []
    if not on.any():
        return out
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    for s, e in zip(starts, ends, strict=True):
        vals, counts = np.unique(values[s:e], return_counts=True)
        cls = vals[np.argmax(counts)]
        cls = int(cls) if float(cls).is_integer() else float(cls)
        # exact stretch of the line inside the run's road cells (the samples only bracket its ends)
        cells = np.unique(np.stack([row[s:e], col[s:e]], axis=1), axis=0)
        boxes = shapely.box(xs[cells[:, 1]] - dx / 2, ys[cells[:, 0]] - dy / 2, xs[cells[:, 1]] + dx / 2,
                            ys[cells[:, 0]] + dy / 2)  # fmt: skip
        piece = substring(line, float(pos[max(s - 1, 0)]), float(pos[min(e, pos.size - 1)]))
        inter = shapely.intersection(piece, shapely.union_all(boxes))
        ends_xy = shapely.get_coordinates(inter)
        if ends_xy.size:
            along = shapely.line_locate_point(line, shapely.points(ends_xy))
            lo, hi = float(along.min()), float(along.max())
        else:
            lo, hi = float(pos[s]), float(pos[e - 1])
        out.append(((lo + hi) / 2.0, cls, cls, hi - lo))
    return out


def _merge_along(crossings: list[tuple], merge_distance_m: float) -> list[tuple]:
    """Merge crossings of one corridor with the same road key that are close along the corridor."""
    out = []
    by_key: dict = {}
    for c in crossings:
        by_key.setdefault(c[1], []).append(c)
    for group in by_key.values():
        group.sort(key=lambda c: c[0])
        run = [group[0]]
        for c in group[1:]:
            if c[0] - run[-1][0] < merge_distance_m:
                run.append(c)
            else:
                out.append(_represent(run))
                run = [c]
        out.append(_represent(run))
    out.sort(key=lambda c: c[0])
    return out


def _represent(run: list[tuple]) -> tuple:
    mid = run[(len(run) - 1) // 2]
    return (mid[0], mid[1], mid[2], float(sum(c[3] for c in run)), len(run))


def _layers(roads) -> list[tuple[str | None, object]]:
    if isinstance(roads, Mapping):
        if not roads:
            raise ValueError("roads is an empty mapping; give {layer name: GeoDataFrame or DataArray}")
        return [(str(k), v) for k, v in roads.items()]
    return [(None, roads)]


def ecological_breakpoints(
    corridors,
    roads,
    *,
    class_column: str | None = None,
    merge_distance_m: float = 100.0,
) -> gpd.GeoDataFrame:
    """Ecological breakpoints: where the corridors cross roads (see the module documentation).

    Parameters
    ----------
    corridors : GeoDataFrame or LinkagePathways
        Corridor lines with ``corridor_id``.
    roads : GeoDataFrame, DataArray or mapping
        Road lines, a road raster (cells > 0 are roads; the value is the class), or
        ``{layer name: either}`` for several layers (roads, railways, ...).
    class_column : str, optional
        Column of the road lines giving the road class (e.g. ``"kind"`` of
        :func:`ecnet_lab.synth.city_vectors`); ignored for rasters.
    merge_distance_m : float
        Crossings of one corridor and one road closer than this along the corridor are merged (>= 0).

    Returns
    -------
    GeoDataFrame
        ``breakpoint_id`` (1..n, by corridor then position), ``corridor_id``, ``road_layer`` (None
        with a single layer), ``road_index`` (index label of the road line; the class for a raster),
        ``road_class``, ``x``, ``y``, ``distance_along_m`` (along the corridor), ``overlap_m``
        (length along the road, 0 for a clean crossing), ``n_crossings`` (merged), Point geometry.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> corridor = gpd.GeoDataFrame({"corridor_id": [7]}, geometry=[LineString([(0, 0), (1000, 0), (1000, 1000)])])
    >>> road = gpd.GeoDataFrame({"kind": ["ring"]}, geometry=[LineString([(500, -100), (500, 100), (1100, 500)])])
    >>> bp = ecological_breakpoints(corridor, road, class_column="kind")
    >>> bp[["corridor_id", "road_class"]].values.tolist(), bp[["x", "y"]].round(2).values.tolist()
    ([[7, 'ring'], [7, 'ring']], [[500.0, 0.0], [1000.0, 433.33]])
    """
    lines = corridor_frame(corridors)
    merge_distance_m = check_positive("merge_distance_m", merge_distance_m, allow_zero=True)
    layers = _layers(roads)
    for name, layer in layers:
        label = "roads" if name is None else f"roads[{name!r}]"
        if isinstance(layer, xr.DataArray):
            check_raster(label, layer)
        elif isinstance(layer, gpd.GeoDataFrame):
            if class_column is not None and class_column not in layer.columns:
                raise ValueError(f"class_column={class_column!r} is not a column of {label}: {list(layer.columns)!r}")
            if lines.crs is not None and layer.crs is not None and lines.crs != layer.crs:
                raise ValueError(f"{label} has CRS {layer.crs} but the corridors have {lines.crs}; reproject first")
        else:
            raise TypeError(f"{label} must be a GeoDataFrame of lines or a DataArray, got {type(layer).__name__}")
    trees = [
        None if isinstance(layer, xr.DataArray) else shapely.STRtree(layer.geometry.to_numpy()) for _, layer in layers
    ]
    rows = []
    for cid, line in zip(lines["corridor_id"].to_numpy(dtype=np.int64), lines.geometry.to_numpy(), strict=True):
        for (name, layer), tree in zip(layers, trees, strict=True):
            if isinstance(layer, xr.DataArray):
                found = _raster_crossings(line, layer)
            else:
                found = _line_crossings(line, layer, tree, class_column)
            for pos, key, cls, overlap, count in _merge_along(found, merge_distance_m) if found else []:
                rows.append((int(cid), name, key, cls, pos, overlap, count, line))
    rows.sort(key=lambda r: (r[0], r[4], str(r[1]), str(r[2])))
    if rows:
        pos = np.array([r[4] for r in rows], dtype=float)
        pts = shapely.line_interpolate_point(np.array([r[7] for r in rows], dtype=object), pos)
        xy = shapely.get_coordinates(pts)
    else:
        pos, pts, xy = np.empty(0), np.empty(0, dtype=object), np.empty((0, 2))
    frame = pd.DataFrame(
        {
            "breakpoint_id": np.arange(1, len(rows) + 1, dtype=np.int64),
            "corridor_id": np.array([r[0] for r in rows], dtype=np.int64),
            "road_layer": pd.Series([r[1] for r in rows], dtype=object),
            "road_index": pd.Series([r[2] for r in rows], dtype=object),
            "road_class": pd.Series([r[3] for r in rows], dtype=object),
            "x": xy[:, 0],
            "y": xy[:, 1],
            "distance_along_m": pos,
            "overlap_m": np.array([r[5] for r in rows], dtype=float),
            "n_crossings": np.array([r[6] for r in rows], dtype=np.int64),
        }
    )
    out = gpd.GeoDataFrame(frame[_COLUMNS], geometry=list(pts), crs=lines.crs)
    out.attrs = {"merge_distance_m": merge_distance_m, "class_column": class_column}
    return out


def apply_breakpoints(
    resistance: xr.DataArray,
    breakpoints: gpd.GeoDataFrame,
    *,
    radius_m: float = 100.0,
    restored_resistance: float | None = None,
) -> xr.DataArray:
    """A new resistance raster with a wildlife crossing at every breakpoint.

    Cells whose centre lies within ``radius_m`` of a breakpoint (and the cell holding it) get
    ``min(resistance, restored_resistance)``; NaN cells stay NaN. The input is not modified.

    Parameters
    ----------
    resistance : DataArray
        Resistance raster.
    breakpoints : GeoDataFrame
        Point geometries (e.g. from :func:`ecological_breakpoints`).
    radius_m : float
        Half-width (m) of a crossing structure (> 0); default 100 m.
    restored_resistance : float, optional
        Resistance across a crossing (> 0); default the lowest finite resistance of the raster.

    Examples
    --------
    >>> import numpy as np, xarray as xr, geopandas as gpd
    >>> r = xr.DataArray(np.full((3, 5), 10.0), dims=("y", "x"),
    ...                  coords={"y": 90.0 - 30 * np.arange(3), "x": 30.0 * np.arange(5)})
    >>> r[:, 2] = 500.0
    >>> bp = gpd.GeoDataFrame(geometry=gpd.points_from_xy([60.0], [60.0]))
    >>> apply_breakpoints(r, bp, radius_m=10).values[:, 2].tolist()
    [500.0, 10.0, 500.0]
    """
    xy = _points_xy("breakpoints", breakpoints)
    return restore_discs(
        resistance, xy, radius_m=radius_m, restored_resistance=restored_resistance, what="ecological breakpoints"
    ).rename(resistance.name or "resistance")
