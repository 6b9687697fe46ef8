"""Tests of ecnet_lab.io: atomic writes leave nothing half-written; rasters round-trip."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import Point

from ecnet_lab import io


def small_raster():
    x = 500_015 + 30 * np.arange(4)
    y = 4_000_015 - 30 * np.arange(3)
    da = xr.DataArray(np.arange(12, dtype="float32").reshape(3, 4), dims=("y", "x"), coords={"y": y, "x": x})
    da.attrs = {"units": "m", "long_name": "test", "not_scalar": [1, 2]}
    return da.rio.write_crs("EPSG:32650")


def test_raster_round_trip(tmp_path):
    da = small_raster()
    path = tmp_path / "sub" / "r.tif"
    io.write_raster(da, path)
    back = io.read_raster(path)
    np.testing.assert_array_equal(back.values, da.values)
    assert back.rio.crs == da.rio.crs
    np.testing.assert_allclose(back.x.values, da.x.values)
    assert da.attrs["not_scalar"] == [1, 2]  # caller's attrs untouched
    assert list(tmp_path.glob("sub/.*")) == []  # no temp files left


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old\n")

    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):
            with open(a[0], "w") as fh:
                fh.write("half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        io.write_table(Boom({"a": [1]}), path)
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_vector_and_text_writers(tmp_path):
    gdf = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(0, 0), Point(1, 1)], crs=32650)
    io.write_vector(gdf, tmp_path / "v.gpkg", layer="pts")
    io.write_vector(gdf.iloc[:1], tmp_path / "v.gpkg", layer="one")
    assert len(gpd.read_file(tmp_path / "v.gpkg", layer="pts")) == 2
    assert len(gpd.read_file(tmp_path / "v.gpkg", layer="one")) == 1
    with pytest.raises(ValueError, match=r"suffix '\.shp'"):
        io.write_vector(gdf, tmp_path / "v.shp")
    io.write_text("hello", tmp_path / "x.txt")
    assert (tmp_path / "x.txt").read_text() == "hello"


def test_read_raster_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        io.read_raster(tmp_path / "missing.tif")
    with pytest.raises(TypeError, match="DataArray"):
        io.write_raster(np.zeros((2, 2)), tmp_path / "a.tif")
