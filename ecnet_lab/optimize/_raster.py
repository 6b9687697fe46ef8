"""Private raster helpers of :mod:`ecnet_lab.optimize`: cell lookup, disc footprints, resistance restoration."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._checks import check_positive
from ..grid import cell_size, spatial_dims, template_like


def check_raster(name: str, da) -> None:
    """Raise ``TypeError`` unless ``da`` is a 2-D spatial DataArray."""
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(da).__name__}")
    spatial_dims(da)
    if da.ndim != 2:
        raise ValueError(f"{name} must be 2-D (y, x), got dims {da.dims!r}")


def axis_coords(da: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre coordinates ``(ys, xs)`` of a raster (pixel indices when coordinates are absent)."""
    ydim, xdim = spatial_dims(da)
    ys = np.asarray(da[ydim].values, dtype=float) if ydim in da.coords else np.arange(da.sizes[ydim], dtype=float)
    xs = np.asarray(da[xdim].values, dtype=float) if xdim in da.coords else np.arange(da.sizes[xdim], dtype=float)
    return ys, xs


def cell_index(da: xr.DataArray, x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column of the cell containing each point, and whether the point lies on the grid."""
    ys, xs = axis_coords(da)
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    step_x = xs[1] - xs[0] if xs.size > 1 else cell_size(da)[0]
    step_y = ys[1] - ys[0] if ys.size > 1 else -cell_size(da)[1]
    col = np.floor((x - xs[0]) / step_x + 0.5).astype(np.int64)
    row = np.floor((y - ys[0]) / step_y + 0.5).astype(np.int64)
    inside = (row >= 0) & (row < ys.size) & (col >= 0) & (col < xs.size)
    return np.clip(row, 0, ys.size - 1), np.clip(col, 0, xs.size - 1), inside


def disc_mask(da: xr.DataArray, x: float, y: float, radius_m: float) -> np.ndarray:
    """Cells whose centre lies within ``radius_m`` of ``(x, y)``, plus the cell containing the point."""
    ys, xs = axis_coords(da)
    dx, dy = cell_size(da)
    mask = np.zeros((ys.size, xs.size), dtype=bool)
    row, col, inside = cell_index(da, x, y)
    rr = int(np.ceil(radius_m / dy)) + 1
    rc = int(np.ceil(radius_m / dx)) + 1
    r0, r1 = max(int(row[0]) - rr, 0), min(int(row[0]) + rr + 1, ys.size)
    c0, c1 = max(int(col[0]) - rc, 0), min(int(col[0]) + rc + 1, xs.size)
    if r0 < r1 and c0 < c1:
        d2 = (ys[r0:r1, None] - y) ** 2 + (xs[None, c0:c1] - x) ** 2
        mask[r0:r1, c0:c1] = d2 <= radius_m**2 * (1 + 1e-12)
    if inside[0]:
        mask[int(row[0]), int(col[0])] = True
    return mask


def restore_discs(
    resistance: xr.DataArray,
    xy: np.ndarray,
    *,
    radius_m: float,
    restored_resistance: float | None,
    what: str,
) -> xr.DataArray:
    """A copy of ``resistance`` with every disc around ``xy`` lowered to ``restored_resistance``.

    New value = ``min(old, restored_resistance)``; NaN (nodata) cells stay NaN. ``restored_resistance``
    ``None`` means the lowest finite resistance of the raster (the best existing habitat).
    """
    check_raster("resistance", resistance)
    radius_m = check_positive("radius_m", radius_m)
    values = np.asarray(resistance.values, dtype="float64")
    finite = np.isfinite(values)
    if not finite.any():
        raise ValueError("resistance has no finite cell")
    if restored_resistance is None:
        restored = float(values[finite].min())
    else:
        restored = check_positive("restored_resistance", restored_resistance)
    out = values.copy()
    footprint = np.zeros(values.shape, dtype=bool)
    for x, y in np.asarray(xy, dtype=float).reshape(-1, 2):
        footprint |= disc_mask(resistance, x, y, radius_m)
    footprint &= finite
    out[footprint] = np.minimum(out[footprint], restored)
    attrs = dict(resistance.attrs)
    history = attrs.get("history", "")
    note = (
        f"{what}: {len(np.asarray(xy).reshape(-1, 2))} discs of radius {radius_m:g} m lowered to "
        f"{restored:g} ({int(footprint.sum())} cells)"
    )
    attrs["history"] = f"{history}; {note}" if history else note
    attrs.setdefault("units", "1")
    attrs.setdefault("long_name", "resistance")
    result = template_like(resistance, out, name=resistance.name or "resistance", attrs=attrs)
    return result


def sample(da: xr.DataArray, x, y) -> np.ndarray:
    """Values of ``da`` at the cells containing the points (NaN off the grid)."""
    row, col, inside = cell_index(da, x, y)
    vals = np.asarray(da.values, dtype="float64")[row, col]
    return np.where(inside, vals, np.nan)
