"""Tests of ecnet_lab.grid: cell size, conversions, grid checks, rasterizing, distances."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401 - registers .rio
import xarray as xr
from scipy import ndimage
from shapely.geometry import LineString

from ecnet_lab import grid


def raster(shape=(5, 6), res=(30.0, 30.0), crs="EPSG:32650", data=None):
    ny, nx = shape
    dx, dy = res
    x = 500_000 + dx / 2 + dx * np.arange(nx)
    y = 4_000_000 - dy / 2 - dy * np.arange(ny)
    values = np.zeros(shape) if data is None else data
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name="r")
    return da.rio.write_crs(crs)


def test_cell_size_and_areas_follow_the_raster_not_30m():
    da = raster(res=(10.0, 20.0))
    assert grid.cell_size(da) == (10.0, 20.0)
    assert grid.pixel_area_km2(da) == pytest.approx(200 / 1e6)
    with pytest.raises(ValueError, match="not square"):
        grid.metres_to_pixels(100, da)
    sq = raster(res=(25.0, 25.0))
    assert grid.metres_to_pixels(100, sq) == 4.0
    with pytest.raises(ValueError, match="distance=-1"):
        grid.metres_to_pixels(-1, sq)


def test_irregular_grid_is_an_error():
    da = raster()
    da = da.assign_coords(x=da.x.values + np.array([0, 0, 1, 0, 0, 0]))
    with pytest.raises(ValueError, match="not regular"):
        grid.cell_size(da)


def test_same_grid_and_assert():
    a, b = raster(), raster()
    assert grid.same_grid(a, b)
    assert not grid.same_grid(a, raster(shape=(5, 7)))
    assert not grid.same_grid(a, raster(crs="EPSG:32649"))
    shifted = b.assign_coords(x=b.x + 30)
    with pytest.raises(ValueError, match=r"'other' is not on the grid of 'reference'.*grid\.align"):
        grid.assert_same_grid(a, ("other", shifted))


def test_align_resamples_onto_template():
    fine = raster(shape=(10, 12), res=(15.0, 15.0), data=np.arange(120, dtype=float).reshape(10, 12))
    coarse = raster(shape=(5, 6))
    out = grid.align(fine, coarse, resampling="average")
    assert grid.same_grid(out, coarse)
    assert out.values[0, 0] == pytest.approx(np.mean([0, 1, 12, 13]))
    with pytest.raises(ValueError, match="resampling='fancy'"):
        grid.align(fine, coarse, resampling="fancy")


def test_distance_to_matches_brute_force_with_rectangular_cells():
    rng = np.random.default_rng(1)
    data = (rng.random((7, 9)) > 0.85).astype(float)
    data[3, 4] = 1
    da = raster(shape=(7, 9), res=(10.0, 20.0), data=data)
    d = grid.distance_to(da)
    assert d.attrs["units"] == "m"
    ys, xs = np.nonzero(data)
    for r in range(7):
        for c in range(9):
            brute = np.min(np.hypot((xs - c) * 10.0, (ys - r) * 20.0))
            assert d.values[r, c] == pytest.approx(brute)
    assert grid.same_grid(d, da) and d.rio.crs == da.rio.crs
    assert np.array_equal(da.values, data)  # input untouched


def test_distance_to_without_features_is_nan_with_warning_attr():
    d = grid.distance_to(raster())
    assert np.isnan(d.values).all() and "warning" in d.attrs


def test_rasterize_burns_lines_on_the_template():
    da = raster(shape=(10, 10))
    y = float(da.y[4])
    line = gpd.GeoDataFrame({"v": [7]}, geometry=[LineString([(float(da.x[0]), y), (float(da.x[-1]), y)])], crs=32650)
    out = grid.rasterize(line, da, values="v")
    assert set(np.unique(out.values)) == {0, 7}
    assert (out.values[4] == 7).all()
    _labels, n = ndimage.label(out.values > 0)
    assert n == 1
    with pytest.raises(ValueError, match="values='w'"):
        grid.rasterize(line, da, values="w")


def test_template_like_checks_shape():
    da = raster()
    with pytest.raises(ValueError, match="does not match"):
        grid.template_like(da, np.zeros((2, 2)))
