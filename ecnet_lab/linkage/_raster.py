"""Private raster helpers of the linkage package: disc filters, thresholds, polygons."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import ndimage

from .._checks import check_choice, check_int, check_positive, check_probability
from ..grid import cell_size, pixel_area_km2

RULES = ("quantile", "threshold")


def disc_rows(radius_m: float, dx: float, dy: float) -> list[tuple[int, int]]:
    """Row offsets ``i >= 0`` and half-widths ``w`` of the disc footprint.

    The footprint is every cell whose centre lies within ``radius_m`` of the centre
    cell's centre: offsets ``(i, j)`` with ``(i*dy)**2 + (j*dx)**2 <= radius_m**2``.
    """
    ky = int(np.floor(radius_m / dy + 1e-9))
    rows = []
    for i in range(ky + 1):
        rem = max(radius_m**2 - (i * dy) ** 2, 0.0)
        rows.append((i, int(np.floor(np.sqrt(rem) / dx + 1e-9))))
    return rows


def _shift_combine(out: np.ndarray, f: np.ndarray, i: int, op) -> None:
    """``out[r] = op(out[r], f[r + i])`` where ``r + i`` is inside the raster."""
    n = out.shape[0]
    if i == 0:
        op(out, f, out=out)
    elif i > 0:
        if i < n:
            op(out[: n - i], f[i:], out=out[: n - i])
    else:
        if -i < n:
            op(out[-i:], f[: n + i], out=out[-i:])


def disc_filter(arr: np.ndarray, radius_m: float, dx: float, dy: float, *, how: str = "min") -> np.ndarray:
    """Minimum (or maximum) of ``arr`` over a circular window of ``radius_m`` metres.

    Decomposed into one 1-D running filter per row offset of the disc, so the cost is
    ``O(cells x rows of the disc)``. Cells outside the raster are ignored (``inf`` for
    the minimum, ``-inf`` for the maximum).
    """
    if how == "min":
        filt, op, fill = ndimage.minimum_filter1d, np.minimum, np.inf
    else:
        filt, op, fill = ndimage.maximum_filter1d, np.maximum, -np.inf
    arr = np.asarray(arr, dtype="float64")
    out = np.full(arr.shape, fill)
    for i, w in disc_rows(radius_m, dx, dy):
        f = filt(arr, size=2 * w + 1, axis=1, mode="constant", cval=fill) if w > 0 else arr
        _shift_combine(out, f, i, op)
        if i > 0:
            _shift_combine(out, f, -i, op)
    return out


def select_cells(
    values: np.ndarray,
    *,
    rule: str,
    q: float,
    threshold: float | None,
    within: np.ndarray | None,
) -> tuple[np.ndarray, float]:
    """Cells selected by the documented rule; returns (mask, threshold used).

    ``"quantile"``: the ``q`` quantile of the positive finite values inside ``within``;
    ``"threshold"``: the given absolute value. Selected cells are those with
    ``value >= threshold`` and ``value > 0`` inside ``within``.
    """
    check_choice("rule", rule, RULES)
    finite = np.isfinite(values)
    region = finite if within is None else (finite & within)
    if rule == "quantile":
        q = check_probability("q", q)
        pool = values[region & (values > 0)]
        if pool.size == 0:
            return np.zeros(values.shape, dtype=bool), float("nan")
        thr = float(np.quantile(pool, q))
    else:
        if threshold is None:
            raise ValueError("rule='threshold' needs threshold=<value>")
        thr = check_positive("threshold", threshold, allow_zero=True)
    with np.errstate(invalid="ignore"):
        mask = region & (values >= thr) & (values > 0)
    return mask, thr


def polygonize(
    mask: np.ndarray,
    values: np.ndarray,
    template: xr.DataArray,
    *,
    corridor_id: np.ndarray | None,
    value_name: str,
    min_cells: int = 1,
):
    """8-connected regions of ``mask`` as polygons with area and the max of ``values``.

    Returns a GeoDataFrame with ``<kind>_id`` renumbered 1..n (column ``region_id``),
    ``area_km2``, ``n_cells``, ``value_name`` (max), ``mean_<value>``, ``corridor_id``
    (the corridor holding most of the region's cells, 0 if none) and polygon geometry.
    """
    import geopandas as gpd
    from rasterio import features
    from shapely.geometry import shape
    from shapely.ops import unary_union

    min_cells = check_int("min_cells", min_cells, minimum=1)
    regions, n = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    try:
        crs = template.rio.crs
    except Exception:
        crs = None
    cols = ["region_id", "area_km2", "n_cells", value_name, f"mean_{value_name}", "corridor_id"]
    if n == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    idx = np.arange(1, n + 1)
    counts = ndimage.sum_labels(np.ones_like(regions), regions, idx).astype(int)
    keep = idx[counts >= min_cells]
    if keep.size == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)
    relabel = np.zeros(n + 1, dtype="int32")
    relabel[keep] = np.arange(1, keep.size + 1)
    regions = relabel[regions]
    m = keep.size
    idx = np.arange(1, m + 1)
    vals = np.where(np.isfinite(values), values, 0.0)
    vmax = ndimage.maximum(vals, regions, idx)
    vmean = ndimage.mean(vals, regions, idx)
    counts = ndimage.sum_labels(np.ones_like(regions), regions, idx).astype(int)
    cids = np.zeros(m, dtype="int64")
    if corridor_id is not None:
        sel = (regions > 0) & (corridor_id > 0)
        pairs = np.column_stack([regions[sel], corridor_id[sel]])
        uniq, cnt = np.unique(pairs, axis=0, return_counts=True)
        order = np.lexsort((-uniq[:, 1], cnt, uniq[:, 0]))  # per region, most cells wins (ties: lower id)
        for reg, cid in uniq[order]:
            cids[reg - 1] = cid
    transform = template.rio.transform()
    parts: dict[int, list] = {}
    for geom, val in features.shapes(regions, mask=regions > 0, transform=transform, connectivity=8):
        parts.setdefault(int(val), []).append(shape(geom))
    geoms = [unary_union(parts[k]) for k in idx]
    area = pixel_area_km2(template)
    data = {
        "region_id": idx.astype("int64"),
        "area_km2": counts * area,
        "n_cells": counts,
        value_name: vmax,
        f"mean_{value_name}": vmean,
        "corridor_id": cids,
    }
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


def cellsize_xy(template: xr.DataArray) -> tuple[float, float]:
    """Cell size ``(dx, dy)`` in metres."""
    return cell_size(template)
