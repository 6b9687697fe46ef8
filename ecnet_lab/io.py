"""File input/output: GeoTIFF rasters, vector layers, tables — every write is atomic.

A write goes to a temporary file in the destination folder and is renamed into place
only when complete, so a failed run never leaves a half-written output behind.
Compute modules never call these functions; applications (CLI, pipeline, notebooks) do.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import xarray as xr

__all__ = ["atomic_path", "read_raster", "write_raster", "write_table", "write_text", "write_vector"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The parent folder is created. On any exception the temporary file is removed and
    ``path`` is left untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix if suffix is None else suffix
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it (some drivers refuse to overwrite)
    try:
        yield tmp
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to the temporary file for {path}")
        os.replace(tmp, path)
    except BaseException:
        for leftover in tmp.parent.glob(tmp.name + "*"):
            leftover.unlink(missing_ok=True)
        raise


def read_raster(path: str | os.PathLike, *, masked: bool = True, name: str | None = None) -> xr.DataArray:
    """Read a single-band raster (GeoTIFF, ESRI ASCII, ...) as a 2-D DataArray with its CRS.

    Nodata becomes NaN when ``masked``; the band dimension is dropped.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from ecnet_lab.synth import city
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dem.tif"
    >>> write_raster(city("jinan", shape=(40, 40))["dem"], p)
    >>> read_raster(p).shape
    (40, 40)
    """
    import rioxarray

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"raster file not found: {path}")
    da = rioxarray.open_rasterio(path, masked=masked)
    if "band" in da.dims:
        if da.sizes["band"] != 1:
            raise ValueError(f"{path} has {da.sizes['band']} bands; read_raster reads single-band rasters")
        da = da.squeeze("band", drop=True)
    da = da.load()
    da.name = name or path.stem
    return da


def write_raster(da: xr.DataArray, path: str | os.PathLike, *, compress: str = "deflate", **kwargs) -> None:
    """Write a 2-D DataArray with CRS to GeoTIFF, atomically (temp file, then rename).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ecnet_lab.synth import city
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lulc.tif"
    >>> write_raster(city("jinan", shape=(40, 40))["lulc"], p)
    >>> p.exists()
    True
    """
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"da must be an xarray.DataArray, got {type(da).__name__}")
    out = da
    # GeoTIFF attributes must be scalars or strings.
    clean = {k: v for k, v in da.attrs.items() if isinstance(v, str | int | float)}
    out = da.copy(deep=False)
    out.attrs = clean
    with atomic_path(path) as tmp:
        out.rio.to_raster(tmp, compress=compress, **kwargs)


def write_vector(gdf, path: str | os.PathLike, *, layer: str | None = None) -> None:
    """Write a GeoDataFrame to a GeoPackage (``.gpkg``) or GeoJSON file, atomically.

    Writing a layer into an existing GeoPackage copies it to a temp file first, so the
    original stays intact if the write fails.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pts.gpkg"
    >>> write_vector(gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs=32650), p, layer="pts")
    >>> p.exists()
    True
    """
    import shutil

    path = Path(path)
    drivers = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}
    if path.suffix.lower() not in drivers:
        raise ValueError(f"path suffix {path.suffix!r} is not supported; use one of {sorted(drivers)}")
    with atomic_path(path) as tmp:
        if path.exists() and path.suffix.lower() == ".gpkg":
            shutil.copyfile(path, tmp)
        gdf.to_file(tmp, layer=layer, driver=drivers[path.suffix.lower()], engine="pyogrio")


def write_table(df, path: str | os.PathLike, **kwargs) -> None:
    """Write a DataFrame to CSV, atomically.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"a": [1, 2]}), p)
    >>> p.read_text().splitlines()[0]
    'a'
    """
    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, **kwargs)


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write text to a file, atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.json"
    >>> write_text("{}", p)
    >>> p.read_text()
    '{}'
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
