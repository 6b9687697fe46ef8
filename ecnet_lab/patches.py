"""Habitat patches: labelling, attributes, area filter, aggregation and inter-patch distances.

A patch is a connected component (4- or 8-connectivity) of a habitat mask or of selected classes
of a class map (e.g. MSPA Core = 17). Patches are numbered 1..n in raster-scan order; 0 is "no
patch". Attributes are in map units and km² (``area_km2``, ``perimeter_m``, ``centroid_x``,
``centroid_y``, bounding box); polygons come from :func:`rasterio.features.shapes`.

Edge-to-edge distances are exact: the minimum over all cell pairs of the two patches, found on
boundary cells only (a cell with a 4-neighbour outside its patch; the nearest cell of a patch to
any outside point is always such a cell) with bounding-box pruning in a numba kernel. Two measures:

* ``"edges"`` (default): distance between the cells' squares, i.e. between the patch polygons as a
  GIS measures it (cells sharing a corner are 0 m apart; one empty column between two patches
  gives one cell width);
* ``"centres"``: distance between cell centres.

Cost-weighted (least-cost) distances accumulate a resistance raster along 8-connected moves with
:class:`skimage.graph.MCP_Geometric` (each move costs its length in metres times the mean of the
two cells' resistances), from every cell of one patch to the cheapest cell of another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numba
import numpy as np
import pandas as pd
import rioxarray  # noqa: F401 - registers the .rio accessor used for CRS and transforms
import xarray as xr
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._checks import check_choice, check_positive
from .grid import assert_same_grid, cell_size, spatial_dims, template_like

__all__ = [
    "aggregate_patches",
    "aggregation_groups",
    "cost_distances",
    "describe_patches",
    "edge_to_edge_distances",
    "filter_by_area",
    "label_patches",
    "patch_labels",
    "patch_polygons",
    "patch_table",
    "relabel_sequential",
]

_MEASURES = ("edges", "centres")
_AGGREGATION_METHODS = ("union", "closing")


# ----------------------------------------------------------------------------------------------
# labelling and attributes
# ----------------------------------------------------------------------------------------------
def _check_raster(name: str, da) -> None:
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(da).__name__}")
    if da.ndim != 2:
        raise ValueError(f"{name} must be 2-D (y, x), got dims {da.dims}")
    spatial_dims(da)


def _foreground(data: xr.DataArray, classes: Iterable[float] | None) -> np.ndarray:
    values = np.asarray(data.values)
    if values.dtype == bool:
        if classes is not None:
            raise ValueError("classes must be None when data is a boolean mask")
        return values.copy()
    if classes is None:
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(values.astype(float), nan=0.0) != 0
    classes = [float(c) for c in np.atleast_1d(np.asarray(list(classes), dtype=float))]
    if not classes:
        raise ValueError("classes is empty; give at least one class code")
    return np.isin(values.astype(float), classes)


def _label_attrs(long_name: str) -> dict:
    return {"units": "1", "long_name": long_name, "description": "0 = no patch"}


def patch_labels(
    data: xr.DataArray,
    *,
    classes: Iterable[float] | None = None,
    connectivity: int = 8,
    name: str = "patch_id",
) -> xr.DataArray:
    """Label connected patches of a mask (or of ``classes`` of a class map) as int32 ids 1..n.

    Parameters
    ----------
    data : DataArray
        Boolean mask, 0/1 (NaN = outside) raster, or class map (then give ``classes``).
    classes : iterable of codes, optional
        Class codes forming the habitat, e.g. ``(17,)`` for MSPA Core.
    connectivity : {4, 8}
        Pixel neighbourhood of a patch.
    name : str
        Name of the returned DataArray.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> m = xr.DataArray(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0]], bool), dims=("y", "x"),
    ...                  coords={"y": [75.0, 45.0, 15.0], "x": [15.0, 45.0, 75.0]})
    >>> int(patch_labels(m, connectivity=8).max()), int(patch_labels(m, connectivity=4).max())
    (1, 2)
    """
    _check_raster("data", data)
    connectivity = check_choice("connectivity", connectivity, (4, 8))
    fg = _foreground(data, classes)
    structure = np.ones((3, 3), bool) if connectivity == 8 else ndimage.generate_binary_structure(2, 1)
    lab, _ = ndimage.label(fg, structure=structure)
    attrs = _label_attrs(f"habitat patches ({connectivity}-connected)")
    attrs["connectivity"] = connectivity
    return template_like(data, lab.astype(np.int32), name=name, attrs=attrs)


def _check_labels(labels: xr.DataArray) -> np.ndarray:
    _check_raster("labels", labels)
    lab = np.asarray(labels.values)
    if not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"labels must hold integer ids (0 = none), got dtype {lab.dtype}")
    if lab.size and lab.min() < 0:
        raise ValueError("labels must be >= 0 (0 = no patch)")
    return lab


def relabel_sequential(labels: xr.DataArray, keep: Sequence[int] | None = None) -> xr.DataArray:
    """Renumber the ids of ``labels`` (only those in ``keep`` if given) to 1..m, preserving order.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[3, 0, 7]], np.int32), dims=("y", "x"))
    >>> relabel_sequential(lab).values.tolist()
    [[1, 0, 2]]
    """
    lab = _check_labels(labels)
    ids = np.unique(lab[lab > 0]) if keep is None else np.unique(np.asarray(keep, dtype=np.int64))
    lut = np.zeros(int(max(lab.max(initial=0), ids.max(initial=0))) + 1, dtype=np.int32)
    ids = ids[ids > 0]
    lut[ids] = np.arange(1, ids.size + 1, dtype=np.int32)
    out = labels.copy(data=lut[lab])
    out.attrs = dict(labels.attrs)
    return out


def _xy_centres(labels: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    ydim, xdim = spatial_dims(labels)
    if xdim in labels.coords and ydim in labels.coords:
        return np.asarray(labels[xdim].values, float), np.asarray(labels[ydim].values, float)
    t = labels.rio.transform()
    ny, nx = labels.shape
    return t.c + t.a * (np.arange(nx) + 0.5), t.f + t.e * (np.arange(ny) + 0.5)


def _transform(labels: xr.DataArray):
    """Affine transform of the grid from its cell-centre coordinates (rioxarray's when no coords)."""
    from affine import Affine

    ydim, xdim = spatial_dims(labels)
    if xdim not in labels.coords or ydim not in labels.coords:
        return labels.rio.transform()
    dx, dy = cell_size(labels)
    xs, ys = _xy_centres(labels)
    a = dx if xs.size < 2 or xs[1] > xs[0] else -dx
    e = -dy if ys.size < 2 or ys[1] < ys[0] else dy
    return Affine(a, 0.0, xs[0] - a / 2, 0.0, e, ys[0] - e / 2)


def patch_table(labels: xr.DataArray, *, id_name: str = "patch_id") -> pd.DataFrame:
    """Attributes of every patch id 1..max: area, perimeter, centroid and bounding box.

    Columns: ``id_name``, ``n_cells``, ``area_km2``, ``perimeter_m`` (length of the cell-edge
    outline, holes included), ``centroid_x``, ``centroid_y`` (mean cell centre, map units) and
    ``min_x``, ``min_y``, ``max_x``, ``max_y`` (outer cell edges). Ids without cells are omitted.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 1, 0], [0, 0, 2]], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0]})
    >>> patch_table(lab)[["patch_id", "n_cells", "perimeter_m", "centroid_x"]].values.tolist()
    [[1.0, 2.0, 180.0, 30.0], [2.0, 1.0, 120.0, 75.0]]
    """
    lab = _check_labels(labels)
    dx, dy = cell_size(labels)
    n = int(lab.max(initial=0))
    counts = np.bincount(lab.ravel(), minlength=n + 1).astype(np.int64)
    xs, ys = _xy_centres(labels)
    rows, cols = np.indices(lab.shape, sparse=True)
    flat = lab.ravel()
    sx = np.bincount(flat, weights=np.broadcast_to(xs[cols], lab.shape).ravel(), minlength=n + 1)
    sy = np.bincount(flat, weights=np.broadcast_to(ys[rows], lab.shape).ravel(), minlength=n + 1)
    # perimeter: cell edges between different ids (and on the map border)
    per = np.zeros(n + 1)
    h = lab[:, 1:] != lab[:, :-1]
    per += np.bincount(lab[:, 1:][h], minlength=n + 1) * dy + np.bincount(lab[:, :-1][h], minlength=n + 1) * dy
    v = lab[1:, :] != lab[:-1, :]
    per += np.bincount(lab[1:, :][v], minlength=n + 1) * dx + np.bincount(lab[:-1, :][v], minlength=n + 1) * dx
    per += np.bincount(lab[:, 0], minlength=n + 1) * dy + np.bincount(lab[:, -1], minlength=n + 1) * dy
    per += np.bincount(lab[0, :], minlength=n + 1) * dx + np.bincount(lab[-1, :], minlength=n + 1) * dx
    ids = np.flatnonzero(counts[1:]) + 1
    objs = ndimage.find_objects(lab)
    rmin = np.array([objs[i - 1][0].start for i in ids], dtype=np.int64)
    rmax = np.array([objs[i - 1][0].stop - 1 for i in ids], dtype=np.int64)
    cmin = np.array([objs[i - 1][1].start for i in ids], dtype=np.int64)
    cmax = np.array([objs[i - 1][1].stop - 1 for i in ids], dtype=np.int64)
    x_lo, x_hi = np.minimum(xs[cmin], xs[cmax]) - dx / 2, np.maximum(xs[cmin], xs[cmax]) + dx / 2
    y_a, y_b = ys[rmin], ys[rmax]
    c = counts[ids]
    return pd.DataFrame(
        {
            id_name: ids.astype(np.int64),
            "n_cells": c,
            "area_km2": c * dx * dy / 1e6,
            "perimeter_m": per[ids],
            "centroid_x": sx[ids] / c,
            "centroid_y": sy[ids] / c,
            "min_x": x_lo,
            "min_y": np.minimum(y_a, y_b) - dy / 2,
            "max_x": x_hi,
            "max_y": np.maximum(y_a, y_b) + dy / 2,
        }
    )


def _crs_of(da: xr.DataArray):
    try:
        return da.rio.crs
    except Exception:
        return None


def patch_polygons(labels: xr.DataArray, *, id_name: str = "patch_id") -> gpd.GeoDataFrame:
    """Vectorise the patches: one (multi)polygon per id, in the raster CRS.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 1, 0], [0, 0, 2]], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0]})
    >>> patch_polygons(lab).area.tolist()
    [1800.0, 900.0]
    """
    from rasterio import features
    from shapely import union_all
    from shapely.geometry import shape

    lab = _check_labels(labels).astype(np.int32)
    transform = _transform(labels)
    conn = int(labels.attrs.get("connectivity", 8))
    parts: dict[int, list] = {}
    for geom, value in features.shapes(lab, mask=lab > 0, transform=transform, connectivity=conn):
        parts.setdefault(int(value), []).append(shape(geom))
    ids = sorted(parts)
    geoms = [union_all(parts[i]) if len(parts[i]) > 1 else parts[i][0] for i in ids]
    return gpd.GeoDataFrame({id_name: np.asarray(ids, dtype=np.int64)}, geometry=geoms, crs=_crs_of(labels))


def describe_patches(labels: xr.DataArray, *, id_name: str = "patch_id") -> gpd.GeoDataFrame:
    """GeoDataFrame of patches: :func:`patch_table` attributes + polygon geometry.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 1, 0], [0, 0, 2]], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0]})
    >>> describe_patches(lab)["area_km2"].tolist()
    [0.0018, 0.0009]
    """
    table = patch_table(labels, id_name=id_name)
    if table.empty:
        return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([], crs=_crs_of(labels)), crs=_crs_of(labels))
    polys = patch_polygons(labels, id_name=id_name)
    out = table.merge(polys, on=id_name, how="left")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=polys.crs)


def label_patches(
    data: xr.DataArray,
    *,
    classes: Iterable[float] | None = None,
    connectivity: int = 8,
    id_name: str = "patch_id",
) -> tuple[gpd.GeoDataFrame, xr.DataArray]:
    """Label patches and describe them: returns ``(patches GeoDataFrame, label raster)``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> m = xr.DataArray(np.array([[1, 1, 0, 1], [0, 0, 0, 1]], bool), dims=("y", "x"),
    ...                  coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> gdf, lab = label_patches(m)
    >>> gdf["n_cells"].tolist(), lab.values.tolist()
    ([2, 2], [[1, 1, 0, 2], [0, 0, 0, 2]])
    """
    labels = patch_labels(data, classes=classes, connectivity=connectivity, name=id_name)
    return describe_patches(labels, id_name=id_name), labels


def filter_by_area(labels: xr.DataArray, min_area_km2: float) -> xr.DataArray:
    """Keep patches with area strictly greater than ``min_area_km2``; renumber them 1..m in order.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 1, 0, 2], [0, 0, 0, 0]], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> filter_by_area(lab, 0.001).values.tolist()  # 2 cells = 0.0018 km² > 0.001 > 1 cell
    [[1, 1, 0, 0], [0, 0, 0, 0]]
    """
    min_area_km2 = check_positive("min_area_km2", min_area_km2, allow_zero=True)
    lab = _check_labels(labels)
    dx, dy = cell_size(labels)
    area = np.bincount(lab.ravel()) * dx * dy / 1e6
    keep = np.flatnonzero(area > min_area_km2)
    return relabel_sequential(labels, keep=keep[keep > 0])


# ----------------------------------------------------------------------------------------------
# edge-to-edge distances (numba)
# ----------------------------------------------------------------------------------------------
@numba.njit(cache=True, nogil=True)
def _gap(delta: int, cell: float, edges: bool) -> float:
    if edges:
        delta = delta - 1 if delta > 0 else 0
    return delta * cell


@numba.njit(cache=True, nogil=True)
def _box_delta(v: int, lo: int, hi: int) -> int:
    if v < lo:
        return lo - v
    if v > hi:
        return v - hi
    return 0


@numba.njit(cache=True)
def _candidate_pairs(bbox, dx, dy, edges, cutoff2):
    n = bbox.shape[0]
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            gr = _gap(max(bbox[j, 0] - bbox[i, 1], bbox[i, 0] - bbox[j, 1], 0), dy, edges)
            gc = _gap(max(bbox[j, 2] - bbox[i, 3], bbox[i, 2] - bbox[j, 3], 0), dx, edges)
            if gr * gr + gc * gc <= cutoff2:
                count += 1
    out_i = np.empty(count, dtype=np.int64)
    out_j = np.empty(count, dtype=np.int64)
    t = 0
    for i in range(n):
        for j in range(i + 1, n):
            gr = _gap(max(bbox[j, 0] - bbox[i, 1], bbox[i, 0] - bbox[j, 1], 0), dy, edges)
            gc = _gap(max(bbox[j, 2] - bbox[i, 3], bbox[i, 2] - bbox[j, 3], 0), dx, edges)
            if gr * gr + gc * gc <= cutoff2:
                out_i[t] = i
                out_j[t] = j
                t += 1
    return out_i, out_j


@numba.njit(cache=True, nogil=True)
def _set_distance2(rows, cols, a0, a1, b0, b1, bbox_b, dx, dy, edges, cutoff2, cand_a, cand_b):
    """Squared minimum distance between point sets A = [a0, a1) and B = [b0, b1) (inf if > cutoff)."""
    # 1) an upper bound from the A point nearest B's box and its nearest B point
    best_lb = np.inf
    a_star = a0
    for a in range(a0, a1):
        gr = _gap(_box_delta(rows[a], bbox_b[0], bbox_b[1]), dy, edges)
        gc = _gap(_box_delta(cols[a], bbox_b[2], bbox_b[3]), dx, edges)
        lb = gr * gr + gc * gc
        if lb < best_lb:
            best_lb = lb
            a_star = a
    if best_lb > cutoff2:
        return np.inf
    best = np.inf
    b_star = b0
    for b in range(b0, b1):
        gr = _gap(abs(rows[a_star] - rows[b]), dy, edges)
        gc = _gap(abs(cols[a_star] - cols[b]), dx, edges)
        d2 = gr * gr + gc * gc
        if d2 < best:
            best = d2
            b_star = b
    for a in range(a0, a1):
        gr = _gap(abs(rows[a] - rows[b_star]), dy, edges)
        gc = _gap(abs(cols[a] - cols[b_star]), dx, edges)
        d2 = gr * gr + gc * gc
        if d2 < best:
            best = d2
    bound = min(best, cutoff2)
    # 2) candidates of A: within the bound of B's box; their box prunes B
    na = 0
    r_lo, r_hi, c_lo, c_hi = 1 << 60, -(1 << 60), 1 << 60, -(1 << 60)
    for a in range(a0, a1):
        gr = _gap(_box_delta(rows[a], bbox_b[0], bbox_b[1]), dy, edges)
        gc = _gap(_box_delta(cols[a], bbox_b[2], bbox_b[3]), dx, edges)
        if gr * gr + gc * gc <= bound:
            cand_a[na] = a
            na += 1
            r_lo = min(r_lo, rows[a])
            r_hi = max(r_hi, rows[a])
            c_lo = min(c_lo, cols[a])
            c_hi = max(c_hi, cols[a])
    nb = 0
    for b in range(b0, b1):
        gr = _gap(_box_delta(rows[b], r_lo, r_hi), dy, edges)
        gc = _gap(_box_delta(cols[b], c_lo, c_hi), dx, edges)
        if gr * gr + gc * gc <= bound:
            cand_b[nb] = b
            nb += 1
    # 3) exact minimum over the candidate pairs
    for s in range(na):
        a = cand_a[s]
        ra = rows[a]
        ca = cols[a]
        for t in range(nb):
            b = cand_b[t]
            gr = _gap(abs(ra - rows[b]), dy, edges)
            g2 = gr * gr
            if g2 >= best:
                continue
            gc = _gap(abs(ca - cols[b]), dx, edges)
            d2 = g2 + gc * gc
            if d2 < best:
                best = d2
    return best if best <= cutoff2 else np.inf


@numba.njit(cache=True, parallel=True)
def _pair_distances(pi, pj, rows, cols, offsets, bbox, dx, dy, edges, cutoff2):
    m = pi.shape[0]
    out = np.empty(m)
    for p in numba.prange(m):
        i = pi[p]
        j = pj[p]
        # iterate over the smaller set as A
        if offsets[i + 1] - offsets[i] > offsets[j + 1] - offsets[j]:
            i, j = j, i
        a0, a1 = offsets[i], offsets[i + 1]
        b0, b1 = offsets[j], offsets[j + 1]
        cand_a = np.empty(a1 - a0, dtype=np.int64)
        cand_b = np.empty(b1 - b0, dtype=np.int64)
        out[p] = np.sqrt(_set_distance2(rows, cols, a0, a1, b0, b1, bbox[j], dx, dy, edges, cutoff2, cand_a, cand_b))
    return out


def _boundary_cells(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boundary cells grouped by id: (rows, cols, offsets, bbox) for ids 1..n (index id-1)."""
    pad = np.pad(lab, 1, mode="edge")
    core = pad[1:-1, 1:-1]
    inner = (pad[:-2, 1:-1] == core) & (pad[2:, 1:-1] == core) & (pad[1:-1, :-2] == core) & (pad[1:-1, 2:] == core)
    boundary = (lab > 0) & ~inner
    r, c = np.nonzero(boundary)
    ids = lab[r, c].astype(np.int64)
    order = np.argsort(ids, kind="stable")
    r, c, ids = r[order].astype(np.int64), c[order].astype(np.int64), ids[order]
    n = int(lab.max(initial=0))
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(ids, minlength=n + 1)[1:])
    bbox = np.zeros((n, 4), dtype=np.int64)
    if r.size:
        starts = offsets[:-1]
        nonempty = offsets[1:] > starts
        s = starts[nonempty]
        bbox[nonempty, 0] = np.minimum.reduceat(r, s)
        bbox[nonempty, 1] = np.maximum.reduceat(r, s)
        bbox[nonempty, 2] = np.minimum.reduceat(c, s)
        bbox[nonempty, 3] = np.maximum.reduceat(c, s)
    return r, c, offsets, bbox


def _sparse_distances(
    labels: xr.DataArray, measure: str, max_distance_m: float | None
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Return (n, i, j, d) for pairs i < j (0-based ids-1) with distance <= max_distance_m."""
    measure = check_choice("measure", measure, _MEASURES)
    lab = _check_labels(labels)
    dx, dy = cell_size(labels)
    if max_distance_m is None:
        cutoff2 = np.inf
    else:  # a relative 1e-9 slack keeps pairs at exactly the limit despite rounding
        cutoff2 = (check_positive("max_distance_m", max_distance_m, allow_zero=True) * (1 + 1e-9)) ** 2
    rows, cols, offsets, bbox = _boundary_cells(lab)
    n = offsets.size - 1
    present = offsets[1:] > offsets[:-1]
    edges = measure == "edges"
    pi, pj = _candidate_pairs(bbox, float(dx), float(dy), edges, float(cutoff2))
    keep = present[pi] & present[pj]
    pi, pj = pi[keep], pj[keep]
    d = _pair_distances(pi, pj, rows, cols, offsets, bbox, float(dx), float(dy), edges, float(cutoff2))
    finite = np.isfinite(d)
    return n, pi[finite], pj[finite], d[finite]


def edge_to_edge_distances(
    labels: xr.DataArray,
    *,
    measure: str = "edges",
    max_distance_m: float | None = None,
    id_name: str = "patch_id",
) -> pd.DataFrame:
    """Exact Euclidean edge-to-edge distances (m) between all pairs of patches.

    Parameters
    ----------
    labels : DataArray of int
        Patch ids (0 = none), e.g. from :func:`patch_labels`.
    measure : {"edges", "centres"}
        ``"edges"``: between cell squares (polygon outlines; cells touching at a corner are 0 m
        apart). ``"centres"``: between cell centres.
    max_distance_m : float, optional
        Pairs farther apart get ``np.inf`` (faster; exact below the limit).
    id_name : str
        Name of the index and columns.

    Returns
    -------
    DataFrame
        Square, symmetric, zero diagonal, indexed and columned by the present patch ids.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 0, 0, 2], [0, 0, 0, 0]], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> edge_to_edge_distances(lab).values.tolist()
    [[0.0, 60.0], [60.0, 0.0]]
    >>> edge_to_edge_distances(lab, measure="centres").values.tolist()
    [[0.0, 90.0], [90.0, 0.0]]
    """
    n, pi, pj, d = _sparse_distances(labels, measure, max_distance_m)
    lab = np.asarray(labels.values)
    ids = np.flatnonzero(np.bincount(lab.ravel(), minlength=n + 1)[1:]) + 1
    full = np.full((n, n), np.inf)
    full[pi, pj] = d
    full[pj, pi] = d
    np.fill_diagonal(full, 0.0)
    sub = full[np.ix_(ids - 1, ids - 1)]
    index = pd.Index(ids.astype(np.int64), name=id_name)
    return pd.DataFrame(sub, index=index, columns=index.copy())


# ----------------------------------------------------------------------------------------------
# aggregation
# ----------------------------------------------------------------------------------------------
def aggregation_groups(labels: xr.DataArray, distance_m: float, *, measure: str = "edges") -> pd.Series:
    """Group id (1..g) of every patch: patches within ``distance_m`` (edge to edge) are merged, transitively.

    Groups are numbered in the order of their smallest patch id.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 0, 2, 0, 0, 0, 3], [0] * 7], np.int32), dims=("y", "x"),
    ...                    coords={"y": [45.0, 15.0], "x": 15.0 + 30.0 * np.arange(7)})
    >>> aggregation_groups(lab, 30).tolist()
    [1, 1, 2]
    """
    distance_m = check_positive("distance_m", distance_m, allow_zero=True)
    n, pi, pj, _ = _sparse_distances(labels, measure, distance_m)
    lab = np.asarray(labels.values)
    ids = np.flatnonzero(np.bincount(lab.ravel(), minlength=n + 1)[1:]) + 1
    graph = coo_matrix((np.ones(pi.size), (pi, pj)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    comp = comp[ids - 1]
    _, first = np.unique(comp, return_index=True)
    order = np.argsort(first)  # components in order of their smallest id
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    uniq = np.unique(comp)
    group = rank[np.searchsorted(uniq, comp)] + 1
    return pd.Series(group.astype(np.int64), index=pd.Index(ids.astype(np.int64), name="patch_id"), name="group_id")


def _close_groups(out: np.ndarray, distance_m: float, cell: tuple[float, float]) -> np.ndarray:
    """Morphological closing of each group separately (disc radius distance/2 + half a cell)."""
    dx, dy = cell
    radius = distance_m / 2.0 + max(dx, dy) / 2.0
    pad_r, pad_c = int(np.ceil(radius / dy)) + 1, int(np.ceil(radius / dx)) + 1
    result = out.copy()
    for g, sl in enumerate(ndimage.find_objects(out), start=1):
        if sl is None:
            continue
        r0, r1 = max(sl[0].start - pad_r, 0), min(sl[0].stop + pad_r, out.shape[0])
        c0, c1 = max(sl[1].start - pad_c, 0), min(sl[1].stop + pad_c, out.shape[1])
        crop = out[r0:r1, c0:c1]
        member = crop == g
        dilated = ndimage.distance_transform_edt(~member, sampling=(dy, dx)) <= radius
        closed = ndimage.distance_transform_edt(dilated, sampling=(dy, dx)) > radius
        target = result[r0:r1, c0:c1]
        target[closed & (target == 0) & (crop == 0)] = g
    return result


def aggregate_patches(
    labels: xr.DataArray,
    distance_m: float,
    *,
    method: str = "union",
    measure: str = "edges",
    name: str = "source_id",
) -> xr.DataArray:
    """Merge patches closer than ``distance_m`` (edge to edge, transitively) into one id each.

    Parameters
    ----------
    labels : DataArray of int
        Patch ids (0 = none).
    distance_m : float
        Aggregation distance in metres (>= 0).
    method : {"union", "closing"}
        ``"union"``: a group is the union of its patches' cells (areas stay habitat areas).
        ``"closing"``: also fill the gaps between the patches of each group by a morphological
        closing of the group with a disc of radius ``distance_m / 2`` plus half a cell (similar to
        GIS "aggregate polygons"); filled cells never overwrite other patches, and where the fills
        of two groups overlap the group with the smaller id keeps the cell.
    measure : {"edges", "centres"}
        Distance measure, see :func:`edge_to_edge_distances`.
    name : str
        Name of the returned DataArray.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lab = xr.DataArray(np.array([[1, 1, 0, 2, 0, 0, 0, 3]] * 3, np.int32), dims=("y", "x"),
    ...                    coords={"y": [75.0, 45.0, 15.0], "x": 15.0 + 30.0 * np.arange(8)})
    >>> aggregate_patches(lab, 30).values[1].tolist()
    [1, 1, 0, 1, 0, 0, 0, 2]
    >>> aggregate_patches(lab, 30, method="closing").values[1].tolist()
    [1, 1, 1, 1, 0, 0, 0, 2]
    """
    method = check_choice("method", method, _AGGREGATION_METHODS)
    lab = _check_labels(labels)
    groups = aggregation_groups(labels, distance_m, measure=measure)
    lut = np.zeros(int(lab.max(initial=0)) + 1, dtype=np.int32)
    lut[groups.index.to_numpy()] = groups.to_numpy()
    out = lut[lab]
    if method == "closing" and distance_m > 0 and groups.size:
        out = _close_groups(out, distance_m, cell_size(labels))
    attrs = _label_attrs(f"patches aggregated within {distance_m:g} m ({method})")
    attrs["connectivity"] = int(labels.attrs.get("connectivity", 8))
    return template_like(labels, out, name=name, attrs=attrs)


# ----------------------------------------------------------------------------------------------
# least-cost distances
# ----------------------------------------------------------------------------------------------
def cost_distances(
    labels: xr.DataArray,
    resistance: xr.DataArray,
    *,
    id_name: str = "patch_id",
    progress: bool = False,
) -> pd.DataFrame:
    """Least-cost (cost-weighted) distances between all pairs of patches over a resistance raster.

    For each patch, :class:`skimage.graph.MCP_Geometric` accumulates cost from all its cells with
    8-connected moves; a move costs its length in metres (cell size as ``sampling``) times the mean
    resistance of the two cells. The distance to another patch is the minimum accumulated cost over
    its cells (units: resistance x metres). NaN/inf resistance is impassable (``np.inf`` when no path).
    One run per patch over the whole raster: cost grows as n_patches x cells.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> c = {"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]}
    >>> lab = xr.DataArray(np.array([[1, 0, 0, 2], [1, 0, 0, 2]], np.int32), dims=("y", "x"), coords=c)
    >>> res = xr.DataArray(np.array([[1.0, 2.0, 2.0, 1.0]] * 2), dims=("y", "x"), coords=c)
    >>> cost_distances(lab, res).values.tolist()
    [[0.0, 150.0], [150.0, 0.0]]
    """
    from skimage.graph import MCP_Geometric
    from tqdm.auto import tqdm

    lab = _check_labels(labels)
    _check_raster("resistance", resistance)
    assert_same_grid(labels, ("resistance", resistance), reference_name="labels")
    cost = np.asarray(resistance.values, dtype=float).copy()
    if np.any(cost < 0):
        raise ValueError("resistance must be >= 0 (NaN or inf = impassable)")
    cost[~np.isfinite(cost)] = np.inf
    dx, dy = cell_size(labels)
    ids = np.flatnonzero(np.bincount(lab.ravel())[1:]) + 1
    n = ids.size
    out = np.full((n, n), np.inf)
    mcp = MCP_Geometric(cost, fully_connected=True, sampling=(dy, dx))
    flat = lab.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.concatenate([ids, [ids[-1] + 1]])) if n else np.array([0])
    for t in tqdm(range(n), disable=not progress, desc="least-cost distances"):
        cells = order[bounds[t] : bounds[t + 1]]
        starts = np.column_stack(np.unravel_index(cells, lab.shape))
        starts = starts[np.isfinite(cost[starts[:, 0], starts[:, 1]])]
        if starts.size == 0:
            continue
        cum, _ = mcp.find_costs(starts)
        out[t] = ndimage.minimum(cum, labels=lab, index=ids)
    out = np.minimum(out, out.T)
    np.fill_diagonal(out, 0.0)
    index = pd.Index(ids.astype(np.int64), name=id_name)
    return pd.DataFrame(out, index=index, columns=index.copy())
