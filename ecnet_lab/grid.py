"""One grid per study: cell size, unit conversion, alignment, rasterizing and distances.

Every analysis runs on layers that share one template grid (CRS, transform, shape).
The helpers here read the cell size from the raster itself (never assuming 30 m),
convert metres to pixels and km², check or enforce that layers share a grid, burn
vector features into the grid and compute Euclidean distance to features in metres.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr
from scipy import ndimage

__all__ = [
    "align",
    "assert_same_grid",
    "cell_size",
    "distance_to",
    "metres_to_pixels",
    "pixel_area_km2",
    "rasterize",
    "same_grid",
    "spatial_dims",
    "template_like",
]


def spatial_dims(da: xr.DataArray | xr.Dataset) -> tuple[str, str]:
    """Return the (row, column) dimension names of a raster: ``("y", "x")`` or similar.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> spatial_dims(xr.DataArray(np.zeros((2, 3)), dims=("y", "x")))
    ('y', 'x')
    """
    for ydim, xdim in (("y", "x"), ("latitude", "longitude"), ("lat", "lon"), ("row", "col")):
        if ydim in da.dims and xdim in da.dims:
            return ydim, xdim
    raise ValueError(
        f"raster dims {tuple(da.dims)!r} are not spatial; expected ('y', 'x') (or latitude/longitude, lat/lon, row/col)"
    )


def cell_size(da: xr.DataArray | xr.Dataset) -> tuple[float, float]:
    """Return the cell size ``(dx, dy)`` in map units (positive) of a raster.

    Read from the rioxarray transform when present, else from the coordinate spacing.
    Raises ``ValueError`` if the grid is not regular or the size cannot be determined.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((3, 4)), dims=("y", "x"),
    ...                   coords={"y": [45.0, 15.0, -15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> cell_size(da)
    (30.0, 30.0)
    """
    ydim, xdim = spatial_dims(da)
    sizes = []
    for dim in (xdim, ydim):
        if dim not in da.coords or da.sizes[dim] < 2:
            try:
                transform = da.rio.transform()
            except Exception as exc:
                raise ValueError(
                    f"cannot determine the cell size along {dim!r}: no coordinate and no transform"
                ) from exc
            sizes.append(abs(transform.a) if dim == xdim else abs(transform.e))
            continue
        values = np.asarray(da[dim].values, dtype=float)
        steps = np.diff(values)
        step = float(np.median(np.abs(steps)))
        if step == 0 or not np.allclose(np.abs(steps), step, rtol=1e-6, atol=1e-9 * max(step, 1)):
            raise ValueError(f"the grid is not regular along {dim!r}; cell sizes vary")
        sizes.append(step)
    return float(sizes[0]), float(sizes[1])


def pixel_area_km2(da: xr.DataArray | xr.Dataset) -> float:
    """Area of one cell in km² (from the raster's own resolution).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"),
    ...                   coords={"y": [15.0, -15.0], "x": [15.0, 45.0]})
    >>> pixel_area_km2(da)
    0.0009
    """
    dx, dy = cell_size(da)
    return dx * dy / 1e6


def metres_to_pixels(distance_m: float, da: xr.DataArray | xr.Dataset, *, name: str = "distance") -> float:
    """Convert a distance in metres to a (fractional) number of cells of ``da``.

    The grid must have square cells; a non-square grid raises ``ValueError``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"),
    ...                   coords={"y": [15.0, -15.0], "x": [15.0, 45.0]})
    >>> metres_to_pixels(90, da)
    3.0
    """
    from ._checks import check_positive

    distance_m = check_positive(name, distance_m, allow_zero=True)
    dx, dy = cell_size(da)
    if not np.isclose(dx, dy, rtol=1e-6):
        raise ValueError(f"cells are not square (dx={dx}, dy={dy}); cannot convert {name} to pixels")
    return distance_m / dx


def _grid_signature(da: xr.DataArray | xr.Dataset) -> tuple:
    ydim, xdim = spatial_dims(da)
    crs = None
    try:
        crs = da.rio.crs
    except Exception:
        crs = None
    return (
        (da.sizes[ydim], da.sizes[xdim]),
        None if crs is None else crs.to_wkt(),
        np.asarray(da[ydim].values) if ydim in da.coords else None,
        np.asarray(da[xdim].values) if xdim in da.coords else None,
    )


def same_grid(a: xr.DataArray | xr.Dataset, b: xr.DataArray | xr.Dataset, *, atol: float = 1e-6) -> bool:
    """True if ``a`` and ``b`` share shape, CRS and cell coordinates.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), coords={"y": [1, 0], "x": [0, 1]})
    >>> same_grid(a, a.copy())
    True
    """
    sa, sb = _grid_signature(a), _grid_signature(b)
    if sa[0] != sb[0] or sa[1] != sb[1]:
        return False
    for ca, cb in zip(sa[2:], sb[2:], strict=True):
        if (ca is None) != (cb is None):
            return False
        if ca is not None and not np.allclose(ca, cb, atol=atol, rtol=0):
            return False
    return True


def assert_same_grid(
    reference: xr.DataArray | xr.Dataset, *others: tuple[str, xr.DataArray], reference_name: str = "reference"
) -> None:
    """Raise ``ValueError`` naming the first layer whose grid differs from ``reference``.

    ``others`` are ``(name, layer)`` pairs. Use :func:`align` to resample a layer.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), coords={"y": [1, 0], "x": [0, 1]})
    >>> assert_same_grid(a, ("other", a.copy()))
    """
    for name, layer in others:
        if not same_grid(reference, layer):
            raise ValueError(
                f"{name!r} is not on the grid of {reference_name!r} (shape, CRS or coordinates differ); "
                "resample it first with ecnet_lab.grid.align(layer, template)"
            )


def align(layer: xr.DataArray, template: xr.DataArray | xr.Dataset, *, resampling: str = "nearest") -> xr.DataArray:
    """Reproject/resample ``layer`` onto the grid of ``template`` (rioxarray ``reproject_match``).

    ``resampling`` is a rasterio resampling name (``"nearest"`` for categories,
    ``"bilinear"``/``"average"`` for continuous data).

    Examples
    --------
    >>> from ecnet_lab.synth import city
    >>> ds = city("jinan", shape=(64, 64))
    >>> align(ds["dem"], ds["lulc"]).shape
    (64, 64)
    """
    from rasterio.enums import Resampling

    names = [r.name for r in Resampling]
    if resampling not in names:
        raise ValueError(f"resampling={resampling!r} is not allowed; choose one of {names!r}")
    if same_grid(layer, template):
        return layer.copy()
    out = layer.rio.reproject_match(template, resampling=Resampling[resampling])
    out.attrs.update({k: v for k, v in layer.attrs.items() if k not in out.attrs})
    return out


def template_like(
    template: xr.DataArray | xr.Dataset, data: np.ndarray, *, name: str | None = None, attrs: dict | None = None
) -> xr.DataArray:
    """Wrap a 2-D numpy array as a DataArray on the grid of ``template`` (coords and CRS kept).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), coords={"y": [1, 0], "x": [0, 1, 2]})
    >>> template_like(t, np.ones((2, 3)), name="ones").sum().item()
    6.0
    """
    ydim, xdim = spatial_dims(template)
    shape = (template.sizes[ydim], template.sizes[xdim])
    if data.shape != shape:
        raise ValueError(f"data shape {data.shape} does not match the template grid {shape}")
    coords = {d: template[d] for d in (ydim, xdim) if d in template.coords}
    for cname, coord in template.coords.items():
        if cname not in coords and set(coord.dims) <= {ydim, xdim}:
            coords[cname] = coord
    out = xr.DataArray(data, dims=(ydim, xdim), coords=coords, name=name, attrs=dict(attrs or {}))
    try:
        crs = template.rio.crs
    except Exception:
        crs = None
    if crs is not None:
        out = out.rio.write_crs(crs)
    return out


def rasterize(
    features,
    template: xr.DataArray | xr.Dataset,
    *,
    values: str | float | Iterable[float] = 1,
    fill: float = 0,
    all_touched: bool = True,
    dtype: str = "uint8",
    name: str = "rasterized",
) -> xr.DataArray:
    """Burn vector features (a GeoDataFrame or geometries) into the grid of ``template``.

    ``values`` is a constant, one value per feature, or a column name of the GeoDataFrame.
    The features are reprojected to the template CRS when both CRSs are known.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> import geopandas as gpd
    >>> from ecnet_lab.synth import city
    >>> ds = city("jinan", shape=(64, 64))
    >>> x0, y0 = float(ds.x[0]), float(ds.y[10])
    >>> line = gpd.GeoDataFrame(geometry=[LineString([(x0, y0), (float(ds.x[-1]), y0)])], crs=ds.rio.crs)
    >>> int(rasterize(line, ds).sum()) >= 64
    True
    """
    import geopandas as gpd
    from rasterio import features as rfeatures

    ydim, xdim = spatial_dims(template)
    shape = (template.sizes[ydim], template.sizes[xdim])
    if isinstance(features, gpd.GeoDataFrame | gpd.GeoSeries):
        gdf = features
        tcrs = template.rio.crs
        if gdf.crs is not None and tcrs is not None and gdf.crs != tcrs:
            gdf = gdf.to_crs(tcrs)
        geoms = list(gdf.geometry)
        if isinstance(values, str):
            if not isinstance(gdf, gpd.GeoDataFrame) or values not in gdf.columns:
                raise ValueError(f"values={values!r} is not a column of the features")
            vals = list(gdf[values])
        elif np.ndim(values) == 0:
            vals = [values] * len(geoms)
        else:
            vals = list(values)
    else:
        geoms = list(features)
        vals = [values] * len(geoms) if np.ndim(values) == 0 else list(values)
    if len(vals) != len(geoms):
        raise ValueError(f"values has {len(vals)} entries for {len(geoms)} features")
    pairs = [(g, v) for g, v in zip(geoms, vals, strict=True) if g is not None and not g.is_empty]
    if pairs:
        burned = rfeatures.rasterize(
            pairs, out_shape=shape, transform=template.rio.transform(), fill=fill, all_touched=all_touched, dtype=dtype
        )
    else:
        burned = np.full(shape, fill, dtype=dtype)
    return template_like(template, burned, name=name, attrs={"long_name": name, "units": "1"})


def distance_to(
    features: xr.DataArray,
    *,
    name: str = "distance",
    long_name: str | None = None,
) -> xr.DataArray:
    """Euclidean distance in metres from every cell to the nearest nonzero cell of ``features``.

    Uses the exact Euclidean distance transform with the raster's own cell size
    (rectangular cells handled). NaN feature cells count as "no feature". If there is
    no feature at all, the result is all NaN (with ``attrs['warning']``).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> f = xr.DataArray(np.array([[1, 0, 0]]), dims=("y", "x"), coords={"y": [0.0], "x": [0.0, 30.0, 60.0]})
    >>> distance_to(f).values.tolist()
    [[0.0, 30.0, 60.0]]
    """
    dx, dy = cell_size(features)
    mask = np.nan_to_num(np.asarray(features.values, dtype=float), nan=0.0) != 0
    attrs = {"units": "m", "long_name": long_name or f"Euclidean distance to {features.name or 'features'}"}
    if not mask.any():
        dist = np.full(mask.shape, np.nan)
        attrs["warning"] = "no feature cells: distance undefined"
    else:
        dist = ndimage.distance_transform_edt(~mask, sampling=(dy, dx))
    return template_like(features, dist.astype("float64"), name=name, attrs=attrs)
