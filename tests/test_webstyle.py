"""Tests of ecnet_lab.webstyle: class colours, GeoJSON styles, map view, click-to-inspect lookup."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from pyproj import Transformer

from ecnet_lab import webmap, webstyle


def utm_raster(values, res=30.0, x0=600_000.0, y0=2_500_000.0):
    ny, nx = values.shape
    x = x0 + res / 2 + res * np.arange(nx)
    y = y0 - res / 2 - res * np.arange(ny)
    return xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name="v").rio.write_crs("EPSG:32650")


TO_WGS = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)


def lonlat(x, y):
    return TO_WGS.transform(x, y)


def test_to_hex():
    assert webstyle.to_hex((255, 140, 0)) == "#ff8c00"
    assert webstyle.to_hex((0.0, 1.0, 0.5)) == "#00ff80"
    with pytest.raises(ValueError, match="0-255"):
        webstyle.to_hex((300, 0, 0))
    with pytest.raises(ValueError, match="three"):
        webstyle.to_hex((1, 2))


def test_category_colors_explicit_first_then_stable_cmap():
    cols = webstyle.category_colors(["key", "general", "other", "key", None], webstyle.IMPORTANCE_COLORS)
    assert cols["key"] == "#d7191c" and cols["general"] == "#1a9641"
    assert cols["other"] == "#1f77b4"  # first tab10 colour for the first value without an explicit one
    assert cols[None] == "#999999"
    a = webstyle.category_colors([3, 1, 2])
    b = webstyle.category_colors([2, 3, 1, 1])
    assert a == b and list(a) == [1, 2, 3]
    assert len(set(a.values())) == 3
    with pytest.raises(ValueError, match="colormap"):
        webstyle.category_colors([1], cmap="not-a-map")


def test_styled_features_copies_and_colours():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"importance": "key"}, "geometry": None},
            {"type": "Feature", "properties": {"importance": "minor"}, "geometry": None},
        ],
    }
    before = copy.deepcopy(fc)
    out = webstyle.styled_features(fc, column="importance", colors={"key": "#ff0000"}, base={"weight": 3})
    assert fc == before
    assert out["features"][0]["properties"]["style"] == {"weight": 3, "color": "#ff0000", "fillColor": "#ff0000"}
    assert out["features"][1]["properties"]["style"]["color"] == "#3388ff"
    with pytest.raises(ValueError, match="style_by='klass'"):
        webstyle.styled_features(fc, column="klass")


def test_continuous_stops_and_mspa_legend():
    stops = webstyle.continuous_stops("viridis", 10.0, 20.0, n=3)
    assert [v for v, _ in stops] == [10.0, 15.0, 20.0]
    assert stops[0][1] == "#440154"
    with pytest.raises(ValueError):
        webstyle.continuous_stops("viridis", 0, 1, n=1)
    legend = webstyle.mspa_legend([0, 17, 117, 33, 37], webmap.GTB_PALETTE)
    assert legend[0] == ("background", "#dcdcdc")
    assert ("core", "#00c800") in legend and ("bridge", "#ff0000") in legend
    assert [name for name, _ in legend].count("bridge") == 1  # 33 and 37 merged
    assert all(name != "core (internal)" for name, _ in legend)  # 117 has no GTB palette entry here


def test_union_bounds_and_map_view_fit():
    b = webstyle.union_bounds([((36.6, 116.9), (36.7, 117.0)), ((36.5, 117.0), (36.65, 117.1))])
    assert b == ((36.5, 116.9), (36.7, 117.1))
    with pytest.raises(ValueError):
        webstyle.union_bounds([])
    (lat, lon), z = webstyle.map_view(b, width_px=800, height_px=500)
    assert lon == pytest.approx(117.0)
    assert 36.5 < lat < 36.7

    def pixels(zoom):
        world = 256 * 2**zoom
        merc = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731
        return (0.2 / 360) * world, (merc(36.7) - merc(36.5)) / (2 * math.pi) * world

    w, h = pixels(z)
    assert w <= 800 and h <= 500
    w1, h1 = pixels(z + 1)
    assert w1 > 800 or h1 > 500  # the largest zoom that fits
    with pytest.raises(ValueError, match="south"):
        webstyle.map_view(((1, 0), (0, 1)))


def test_value_at_known_cells():
    vals = np.arange(30.0).reshape(5, 6)
    vals[4, 5] = np.nan
    da = utm_raster(vals)
    for row, col in [(0, 0), (2, 3), (4, 0), (1, 5)]:
        lon, lat = lonlat(float(da.x[col]), float(da.y[row]))
        assert webstyle.value_at(da, lat, lon) == vals[row, col]
    # a point near a cell's corner, still inside it
    lon, lat = lonlat(600_000 + 3 * 30 + 1, 2_500_000 - 2 * 30 - 29)
    assert webstyle.value_at(da, lat, lon) == vals[2, 3]
    lon, lat = lonlat(float(da.x[5]), float(da.y[4]))
    assert webstyle.value_at(da, lat, lon) is None  # NaN
    lon, lat = lonlat(600_000 - 10, 2_500_000 - 10)
    assert webstyle.value_at(da, lat, lon) is None  # outside (west)
    ints = utm_raster(np.array([[1, 255], [3, 4]], dtype=np.uint8)).rio.write_nodata(255)
    lon, lat = lonlat(float(ints.x[1]), float(ints.y[0]))
    assert webstyle.value_at(ints, lat, lon) is None  # nodata
    lon, lat = lonlat(float(ints.x[0]), float(ints.y[1]))
    out = webstyle.value_at(ints, lat, lon)
    assert out == 3 and isinstance(out, int)


def test_value_at_bad_input():
    da = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), coords={"y": [1.5, 0.5], "x": [0.5, 1.5]})
    with pytest.raises(ValueError, match="no CRS"):
        webstyle.value_at(da, 0, 0)
    with pytest.raises(ValueError, match="2-D"):
        webstyle.value_at(da.expand_dims(year=[1]), 0, 0)
