"""Turn the Python API's inputs (DataArrays, GeoDataFrames, coordinates) into numpy arrays.

Nothing here solves anything: it validates the grids, reads nodata, converts resistances to
conductances and finds the cells of focal points and regions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from ..grid import assert_same_grid, cell_size, spatial_dims
from .graph import conductance_from_values

__all__ = [
    "as_values",
    "conductance_grid",
    "focal_cells_from",
    "id_grid_cells",
    "xy_to_cells",
]


def _nodata_of(da: xr.DataArray):
    for key in ("_FillValue", "nodata", "missing_value", "NODATA_value"):
        if key in da.attrs:
            return da.attrs[key]
        if key in da.encoding:
            return da.encoding[key]
    try:
        return da.rio.nodata
    except Exception:
        return None


def as_values(da, name: str) -> np.ndarray:
    """2-D float64 copy of a raster DataArray with its nodata value replaced by NaN."""
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray with dims ('y', 'x'), got {type(da).__name__}")
    if da.ndim != 2:
        raise ValueError(f"{name} must be 2-D (y, x); got dims {tuple(da.dims)!r}")
    ydim, xdim = spatial_dims(da)
    values = np.asarray(da.transpose(ydim, xdim).values, dtype=np.float64).copy()
    nodata = _nodata_of(da)
    if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
        values[values == float(nodata)] = np.nan
    return values


def conductance_grid(resistance: xr.DataArray, *, is_conductance: bool, mask=None, name: str = "resistance"):
    """Conductance array (0 = no node) and nodata mask of a resistance/conductance raster."""
    values = as_values(resistance, name)
    nodata = np.isnan(values)
    gmap = conductance_from_values(values, is_conductance=is_conductance, name=name)
    if mask is not None:
        assert_same_grid(resistance, ("mask", mask), reference_name=name)
        m = as_values(mask, "mask")
        keep = np.isfinite(m) & (m > 0)
        gmap = np.where(keep, gmap, 0.0)
        nodata = nodata | ~keep
    if not np.any(gmap > 0):
        raise ValueError(f"{name} has no cell with a positive conductance; there is nothing to solve")
    return gmap, nodata


def id_grid_cells(values: np.ndarray, name: str) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Cells of each positive integer id in an id raster (0/NaN = none)."""
    ok = np.isfinite(values) & (values > 0)
    ids_f = values[ok]
    if ids_f.size and not np.all(ids_f == np.round(ids_f)):
        raise ValueError(f"{name} must hold integer ids > 0 (0 or NaN = none); found non-integer values")
    rows, cols = np.nonzero(ok)
    ids = values[rows, cols].astype(np.int64)
    order = np.argsort(ids, kind="stable")
    rows, cols, ids = rows[order], cols[order], ids[order]
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if ids.size == 0:
        return out
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], ids.size]
    for s, e in zip(starts, ends, strict=True):
        out[int(ids[s])] = (rows[s:e], cols[s:e])
    return out


def _grid_geometry(template: xr.DataArray):
    ydim, xdim = spatial_dims(template)
    dx, dy = cell_size(template)
    xs = np.asarray(template[xdim].values, dtype=float)
    ys = np.asarray(template[ydim].values, dtype=float)
    nrows, ncols = template.sizes[ydim], template.sizes[xdim]
    x_left = xs.min() - dx / 2
    y_top = ys.max() + dy / 2
    y_descending = ys.size < 2 or ys[0] > ys[-1]
    x_ascending = xs.size < 2 or xs[0] < xs[-1]
    return x_left, y_top, dx, dy, nrows, ncols, y_descending, x_ascending


def xy_to_cells(x, y, template: xr.DataArray, name: str = "focal") -> tuple[np.ndarray, np.ndarray]:
    """Row/column of the cells holding points ``(x, y)`` (Circuitscape's text-list rule).

    A point on a cell border belongs to the cell to its left/below, as in Circuitscape.
    Points outside the grid raise ``ValueError``.
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    x_left, y_top, dx, dy, nrows, ncols, y_desc, x_asc = _grid_geometry(template)
    row = np.ceil((y_top - y) / dy).astype(np.int64) - 1
    col = np.ceil((x - x_left) / dx).astype(np.int64) - 1
    outside = (row < 0) | (row >= nrows) | (col < 0) | (col >= ncols) | ~np.isfinite(x) | ~np.isfinite(y)
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"{name}: point ({x[k]}, {y[k]}) lies outside the grid "
            f"(x {x_left}..{x_left + ncols * dx}, y {y_top - nrows * dy}..{y_top})"
        )
    if not y_desc:
        row = nrows - 1 - row
    if not x_asc:
        col = ncols - 1 - col
    return row, col


def focal_cells_from(focal, template: xr.DataArray, name: str = "focal") -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Cells of each focal id from a DataArray of ids, a GeoDataFrame or (x, y) coordinates.

    * DataArray on the grid of ``template``: integer ids > 0; several cells with one id form
      a focal region.
    * GeoDataFrame: points take the cell they fall in, polygons are rasterized; ids come
      from an ``id`` column (else 1, 2, ...).
    * mapping ``{id: (x, y)}`` or a sequence of ``(x, y)`` (ids 1, 2, ...).
    """
    if isinstance(focal, xr.DataArray):
        assert_same_grid(template, (name, focal), reference_name="resistance")
        return id_grid_cells(as_values(focal, name), name)
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a dependency
        gpd = None
    if gpd is not None and isinstance(focal, gpd.GeoDataFrame):
        return _cells_from_gdf(focal, template, name)
    if isinstance(focal, Mapping):
        ids = [int(k) for k in focal]
        xy = np.asarray([focal[k] for k in focal], dtype=float)
    elif isinstance(focal, Sequence | np.ndarray):
        xy = np.asarray(focal, dtype=float)
        ids = list(range(1, len(xy) + 1))
    else:
        raise TypeError(
            f"{name} must be a DataArray of ids, a GeoDataFrame, a mapping id -> (x, y) or a sequence of (x, y); "
            f"got {type(focal).__name__}"
        )
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"{name} coordinates must be pairs (x, y); got an array of shape {xy.shape}")
    if any(i <= 0 for i in ids):
        raise ValueError(f"{name} ids must be integers > 0; got {ids!r}")
    rows, cols = xy_to_cells(xy[:, 0], xy[:, 1], template, name)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for fid, r, c in zip(ids, rows, cols, strict=True):
        if fid in out:
            out[fid] = (np.r_[out[fid][0], r], np.r_[out[fid][1], c])
        else:
            out[fid] = (np.array([r]), np.array([c]))
    return out


def _cells_from_gdf(gdf, template: xr.DataArray, name: str):
    from ..grid import rasterize

    if "id" in gdf.columns:
        ids = np.asarray(gdf["id"])
        if not np.all(np.asarray(ids, dtype=float) == np.round(np.asarray(ids, dtype=float))) or np.any(ids <= 0):
            raise ValueError(f"{name}: the 'id' column must hold integers > 0")
        ids = ids.astype(np.int64)
    else:
        ids = np.arange(1, len(gdf) + 1)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    geom_types = set(gdf.geometry.geom_type)
    if geom_types <= {"Point"}:
        rows, cols = xy_to_cells(gdf.geometry.x.values, gdf.geometry.y.values, template, name)
        for fid, r, c in zip(ids, rows, cols, strict=True):
            prev = out.get(int(fid))
            out[int(fid)] = (np.array([r]), np.array([c])) if prev is None else (np.r_[prev[0], r], np.r_[prev[1], c])
        return out
    work = gdf[[gdf.geometry.name]].copy()
    work["_fid"] = ids.astype(float)
    burned = rasterize(work, template, values="_fid", fill=0, all_touched=False, dtype="float64", name=name)
    cells = id_grid_cells(np.asarray(burned.values, dtype=float), name)
    missing = sorted(set(int(i) for i in ids) - set(cells))
    if missing:
        raise ValueError(f"{name}: focal ids {missing} cover no cell centre of the grid (too small or outside)")
    return cells
