"""Tests of ecnet_lab.webmap: PNG overlays land where the raster is; GeoJSON is WGS84."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from PIL import Image
from pyproj import Transformer
from shapely.geometry import Point, box

from ecnet_lab import webmap


def utm_raster(values, res=30.0):
    ny, nx = values.shape
    x = 600_000 + res / 2 + res * np.arange(nx)
    y = 2_500_000 - res / 2 - res * np.arange(ny)
    return xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name="v").rio.write_crs("EPSG:32650")


def test_bounds_match_the_raster_footprint_in_wgs84():
    da = utm_raster(np.arange(100.0).reshape(10, 10))
    img = webmap.raster_to_png(da)
    (south, west), (north, east) = img.bounds
    to_wgs = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
    lon0, lat0 = to_wgs.transform(600_000, 2_500_000 - 300)
    lon1, lat1 = to_wgs.transform(600_300, 2_500_000)
    # reprojection may pad by a cell at most (~30 m ~ 3e-4 deg)
    assert south == pytest.approx(lat0, abs=5e-4) and north == pytest.approx(lat1, abs=5e-4)
    assert west == pytest.approx(lon0, abs=5e-4) and east == pytest.approx(lon1, abs=5e-4)
    assert img.vmin < img.vmax
    assert img.url.startswith("data:image/png;base64,")


def test_categorical_palette_and_transparency():
    vals = np.full((8, 8), 17.0)
    vals[:, :4] = 3
    vals[0, 0] = np.nan
    img = webmap.raster_to_png(utm_raster(vals), palette=webmap.GTB_PALETTE, reproject=False)
    rgba = np.asarray(Image.open(io.BytesIO(img.png)))
    assert rgba.shape == (8, 8, 4)
    assert tuple(rgba[4, 6]) == (*webmap.GTB_PALETTE[17], 255)
    assert tuple(rgba[4, 1]) == (*webmap.GTB_PALETTE[3], 255)
    assert rgba[0, 0, 3] == 0  # NaN transparent


def test_bad_inputs():
    da = utm_raster(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="opacity"):
        webmap.raster_to_png(da, opacity=2)
    with pytest.raises(ValueError, match="no CRS"):
        webmap.raster_to_png(
            xr.DataArray(np.zeros((4, 4)), dims=("y", "x"), coords={"y": [3, 2, 1, 0], "x": [0, 1, 2, 3]})
        )
    with pytest.raises(ValueError, match="2-D"):
        webmap.raster_to_png(da.expand_dims(year=[2000]))


def test_geojson_is_wgs84_and_json_clean():
    g = gpd.GeoDataFrame(
        {"source_id": np.array([1, 2], dtype=np.int64), "dPC": [1.5, np.nan]},
        geometry=[Point(600_000, 2_500_000), box(600_000, 2_500_000, 601_000, 2_501_000)],
        crs="EPSG:32650",
    )
    fc = webmap.geojson(g)
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert 117 < lon < 119 and 22 < lat < 23  # UTM 50N: central meridian 117 E
    assert fc["features"][1]["properties"] == {"source_id": 2, "dPC": None}
    assert g.crs.to_epsg() == 32650  # caller untouched
    with pytest.raises(ValueError, match="not columns"):
        webmap.geojson(g, properties=["nope"])


def test_legend_entries_use_flag_meanings():
    da = xr.DataArray(
        np.array([[17, 3, 0]]),
        dims=("y", "x"),
        attrs={"flag_values": [0, 3, 17], "flag_meanings": "background edge core"},
    )
    assert [lab for lab, _ in webmap.legend_entries(da, webmap.GTB_PALETTE)] == ["background", "edge", "core"]
