"""Resolve each factor's input raster from the caller's layers, on one grid.

A factor reads a layer by name, or derives its input: a normalised difference of two bands
(e.g. NDVI = (nir - red) / (nir + red)) or the Euclidean distance in metres to features (a
raster whose nonzero cells are features, or a GeoDataFrame burned onto the grid). Layers not on
the template grid raise ``ValueError`` naming the factor unless ``align=True``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import rioxarray  # noqa: F401 - registers the .rio accessor (CRS, nodata, transform)
import xarray as xr

from .. import grid

__all__ = ["Layers", "choose_template", "factor_values", "get_layer", "nodata_mask"]

Layers = xr.Dataset | Mapping[str, Any]


def _is_vector(obj: Any) -> bool:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a dependency
        return False
    return isinstance(obj, gpd.GeoDataFrame | gpd.GeoSeries)


def get_layer(layers: Layers, name: str, *, factor: str) -> Any:
    """Return layer ``name`` (a DataArray, or a GeoDataFrame for distance features) or raise naming the factor."""
    if isinstance(layers, xr.Dataset):
        if name in layers.data_vars:
            return layers[name]
        available = sorted(map(str, layers.data_vars))
    elif isinstance(layers, Mapping):
        if name in layers:
            obj = layers[name]
            if not isinstance(obj, xr.DataArray) and not _is_vector(obj):
                raise TypeError(
                    f"factor {factor!r}: layer {name!r} must be an xarray.DataArray (or a GeoDataFrame for distance "
                    f"features), got {type(obj).__name__}"
                )
            return obj
        available = sorted(map(str, layers))
    else:
        raise TypeError(
            f"layers must be an xarray.Dataset or a mapping of name -> DataArray, got {type(layers).__name__}"
        )
    raise ValueError(
        f"factor {factor!r}: layer {name!r} is not among the input layers {available!r}; "
        "pass it, or map the factor to another layer (layer_map=...)"
    )


def nodata_mask(da: xr.DataArray) -> np.ndarray:
    """Boolean mask of missing cells: NaN, or equal to the layer's declared nodata value.

    The nodata value is read from rioxarray (``da.rio.nodata``) or ``attrs['_FillValue']`` /
    ``attrs['nodata']``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.array([[1, 255]], dtype="uint8"), dims=("y", "x"), attrs={"nodata": 255})
    >>> nodata_mask(da).tolist()
    [[False, True]]
    """
    v = np.asarray(da.values)
    mask = np.isnan(v) if v.dtype.kind == "f" else np.zeros(v.shape, dtype=bool)
    nod = None
    try:
        nod = da.rio.nodata
    except Exception:
        nod = None
    if nod is None:
        nod = da.attrs.get("_FillValue", da.attrs.get("nodata"))
    if nod is not None:
        try:
            nodf = float(nod)
        except (TypeError, ValueError):
            nodf = None
        if nodf is not None and not np.isnan(nodf):
            mask |= v == nodf
    return mask


def _raster_inputs(factor: Mapping[str, Any]) -> list[str]:
    if "layer" in factor:
        return [factor["layer"]]
    d = factor["derive"]
    if d["kind"] == "normalized_difference":
        return [d["a"], d["b"]]
    return [d["features"]]


def choose_template(spec: Mapping[str, Any], layers: Layers, template: xr.DataArray | None = None) -> xr.DataArray:
    """The grid every factor is graded on: ``template`` if given, else the first raster input of the spec."""
    if template is not None:
        if not isinstance(template, xr.DataArray | xr.Dataset):
            raise TypeError(f"template must be an xarray DataArray or Dataset, got {type(template).__name__}")
        return template
    for f in spec["factors"]:
        for name in _raster_inputs(f):
            obj = get_layer(layers, name, factor=f["name"])
            if isinstance(obj, xr.DataArray):
                return obj
    raise ValueError("no raster layer among the factor inputs to define the grid; pass template=")


def _on_grid(da: xr.DataArray, template, *, factor: str, layer: str, align: bool, resampling: str) -> xr.DataArray:
    ydim, xdim = grid.spatial_dims(da)
    extra = [d for d in da.dims if d not in (ydim, xdim)]
    if extra:
        sizes = {d: int(da.sizes[d]) for d in extra}
        if all(n == 1 for n in sizes.values()):
            da = da.squeeze(extra, drop=True)
        else:
            raise ValueError(
                f"factor {factor!r}: layer {layer!r} has extra dimensions {sizes!r}; select one 2-D slice first, "
                f"e.g. layers.sel({extra[0]}=...)"
            )
    if grid.same_grid(da, template):
        return da
    if not align:
        raise ValueError(
            f"factor {factor!r}: layer {layer!r} is not on the template grid (shape, CRS or coordinates differ); "
            "pass align=True to resample it, or align it first with ecnet_lab.grid.align(layer, template)"
        )
    return grid.align(da, template, resampling=resampling)


def _values(da: xr.DataArray) -> np.ndarray:
    v = np.asarray(da.values, dtype=float)
    mask = nodata_mask(da)
    if mask.any():
        v = v.copy() if np.shares_memory(v, da.values) else v
        v[mask] = np.nan
    return v


def factor_values(
    factor: Mapping[str, Any], layers: Layers, template, *, align: bool = False
) -> tuple[np.ndarray, dict[str, Any]]:
    """Raw input values of one factor on the template grid (NaN = nodata) and notes on how they were made.

    Categorical layers keep their integer dtype (with nodata cells reported separately in the
    notes as ``nodata_mask``); continuous inputs are float64 with NaN for nodata.
    """
    name = factor["name"]
    categorical = factor["grading"]["type"] == "categorical"
    notes: dict[str, Any] = {}
    if "layer" in factor:
        lname = factor["layer"]
        da = get_layer(layers, lname, factor=name)
        if not isinstance(da, xr.DataArray):
            raise TypeError(f"factor {name!r}: layer {lname!r} must be a raster (DataArray) for a non-distance factor")
        da = _on_grid(
            da, template, factor=name, layer=lname, align=align, resampling="nearest" if categorical else "bilinear"
        )
        if categorical:
            v = np.asarray(da.values)
            mask = nodata_mask(da)
            notes["nodata_mask"] = mask if mask.any() else None
            return v, notes
        return _values(da), notes
    d = factor["derive"]
    if d["kind"] == "normalized_difference":
        arrays = []
        for band in (d["a"], d["b"]):
            da = get_layer(layers, band, factor=name)
            if not isinstance(da, xr.DataArray):
                raise TypeError(f"factor {name!r}: band {band!r} must be a raster (DataArray)")
            arrays.append(_values(_on_grid(da, template, factor=name, layer=band, align=align, resampling="bilinear")))
        a, b = arrays
        with np.errstate(divide="ignore", invalid="ignore"):
            s = a + b
            out = np.where(s != 0, (a - b) / np.where(s != 0, s, 1.0), np.nan)
        return out, notes
    # distance to features, in metres
    fname = d["features"]
    obj = get_layer(layers, fname, factor=name)
    if isinstance(obj, xr.DataArray):
        da = _on_grid(obj, template, factor=name, layer=fname, align=align, resampling="nearest")
        feat = np.nan_to_num(np.asarray(da.values, dtype=float), nan=0.0) != 0
        feat &= ~nodata_mask(da)
    else:
        feat = np.asarray(grid.rasterize(obj, template, values=1).values) != 0
    if not feat.any():
        warnings.warn(
            f"factor {name!r}: layer {fname!r} has no feature cells; every cell is treated as infinitely far "
            "(the farthest distance class)",
            UserWarning,
            stacklevel=3,
        )
        notes["warning"] = f"no feature cells in {fname!r}"
        return np.full(feat.shape, np.inf), notes
    fda = grid.template_like(template, feat.astype(np.uint8), name=fname)
    return np.asarray(grid.distance_to(fda).values, dtype=float), notes
