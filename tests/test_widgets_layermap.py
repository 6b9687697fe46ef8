"""Tests of ecnet_lab.widgets.LayerMap through its state: layers update in place, view, legend, click values."""

from __future__ import annotations

import base64
import io

import geopandas as gpd
import ipyleaflet
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from ecnet_lab.widgets import LayerMap
from matplotlib.figure import Figure
from PIL import Image
from pyproj import Transformer
from shapely.geometry import LineString, Point, box

from ecnet_lab import webmap, webstyle

TO_WGS = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)


def utm_raster(values, res=30.0, name="v", **attrs):
    ny, nx = values.shape
    x = 600_000 + res / 2 + res * np.arange(nx)
    y = 2_500_000 - res / 2 - res * np.arange(ny)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name=name, attrs=attrs)
    return da.rio.write_crs("EPSG:32650")


def mspa_like(n=20):
    """A hand-made MSPA class map: core block, edge ring, a bridge and background."""
    a = np.zeros((n, n), dtype=np.uint8)
    a[2:10, 2:10] = 3
    a[3:9, 3:9] = 17
    a[5, 10:15] = 33
    a[12:18, 12:18] = 17
    return utm_raster(a, name="mspa")


def sources_gdf():
    return gpd.GeoDataFrame(
        {"source_id": [1, 2, 3], "importance": ["key", "important", "general"], "dPC": [5.0, 0.8, 0.2]},
        geometry=[
            box(600_060, 2_499_700, 600_270, 2_499_910),
            box(600_360, 2_499_460, 600_540, 2_499_640),
            box(600_000, 2_499_400, 600_090, 2_499_490),
        ],
        crs="EPSG:32650",
    )


def decode(url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))


@pytest.fixture
def lmap():
    m = LayerMap(basemap=False)
    yield m
    m.close()


def test_add_raster_builds_overlay_and_view(lmap):
    da = utm_raster(np.arange(400.0).reshape(20, 20), units="m")
    lmap.add_raster("dem", da, opacity=0.6)
    layer = lmap.layer("dem")
    assert isinstance(layer, ipyleaflet.ImageOverlay) and layer in lmap.map.layers
    ref = webmap.raster_to_png(da)
    assert [tuple(b) for b in layer.bounds] == [tuple(b) for b in ref.bounds]
    assert layer.url == ref.url and layer.opacity == 0.6
    (s, w), (n, e) = ref.bounds
    lat, lon = lmap.map.center
    assert s < lat < n and w < lon < e
    centre, zoom = webstyle.map_view(ref.bounds, width_px=800, height_px=500)
    assert tuple(lmap.map.center) == pytest.approx(centre) and lmap.map.zoom == zoom
    state = lmap.layer_state()["dem"]
    assert state["type"] == "raster" and state["kind"] == "continuous" and state["visible"] and state["on_map"]
    assert "linear-gradient" in lmap.legend.value and "dem" in lmap.legend.value


def test_update_raster_in_place(lmap):
    da = utm_raster(np.arange(400.0).reshape(20, 20))
    lmap.add_raster("current", da)
    layer = lmap.layer("current")
    ident, url, bounds = id(layer), layer.url, list(layer.bounds)
    lmap.update_raster("current", da[::-1].copy(data=np.sqrt(da.values)))
    assert id(lmap.layer("current")) == ident and lmap.layer("current") in lmap.map.layers
    assert layer.url != url and layer.bounds == bounds
    bigger = utm_raster(np.ones((40, 40)))
    lmap.update_raster("current", bigger)
    # same north-west corner (within the UTM grid convergence over the footprint), extends south and east
    (s, w), (n, e) = layer.bounds
    assert (n, w) == pytest.approx((bounds[1][0], bounds[0][1]), abs=1e-4)
    assert s < bounds[0][0] and e > bounds[1][1]
    assert len(lmap.map.layers) == 1


def test_mspa_palette_and_legend(lmap):
    da = mspa_like()
    lmap.add_raster("mspa", da, kind="mspa", opacity=1.0)
    entry_legend = dict(lmap._layers["mspa"].legend)
    assert entry_legend == {"background": "#dcdcdc", "edge": "#000000", "core": "#00c800", "bridge": "#ff0000"}
    assert "core" in lmap.legend.value and "#00c800" in lmap.legend.value
    # the PNG (not reprojected here, to index cells) uses the GuidosToolbox colours
    rgba = decode(webmap.raster_to_png(da, palette=webmap.GTB_PALETTE, reproject=False).url)
    assert tuple(rgba[5, 5]) == (0, 200, 0, 255) and tuple(rgba[5, 12]) == (255, 0, 0, 255)
    # on the map the overlay is in Web Mercator: core colour present, only palette colours used
    shown = decode(lmap.layer("mspa").url)
    colours = {tuple(c) for c in shown[shown[..., 3] > 0][:, :3]}
    assert (0, 200, 0) in colours and colours <= {tuple(v) for v in webmap.GTB_PALETTE.values()}


def test_categorical_raster_uses_flag_meanings(lmap):
    zones = utm_raster(
        np.repeat(np.array([[1, 2, 3, 4]]), 8, axis=0).repeat(2, axis=1),
        name="zones",
        flag_values=[1, 2, 3, 4],
        flag_meanings="CUZ UFZ UIZ NRZ",
    )
    lmap.add_raster("zones", zones, kind="categorical", palette={1: "#ff0000"})
    legend = lmap._layers["zones"].legend
    assert [label for label, _ in legend] == ["CUZ", "UFZ", "UIZ", "NRZ"]
    assert legend[0][1] == "#ff0000" and len({c for _, c in legend}) == 4
    lon, lat = TO_WGS.transform(float(zones.x[1]), float(zones.y[3]))
    assert lmap.inspect(lat, lon) == {"zones": "1 (CUZ)"}


def test_vectors_coloured_by_class_and_updated_in_place(lmap):
    g = sources_gdf()
    lmap.add_vector("sources", g, style_by="importance")
    layer = lmap.layer("sources")
    assert isinstance(layer, ipyleaflet.GeoJSON)
    feats = layer.data["features"]
    assert [f["properties"]["style"]["color"] for f in feats] == [
        webstyle.IMPORTANCE_COLORS["key"],
        webstyle.IMPORTANCE_COLORS["important"],
        webstyle.IMPORTANCE_COLORS["general"],
    ]
    assert lmap.layer_state()["sources"]["n_features"] == 3
    ident = id(layer)
    lmap.update_vector("sources", g[g["dPC"] > 0.5])
    assert id(lmap.layer("sources")) == ident and len(layer.data["features"]) == 2
    assert lmap.layer_state()["sources"]["n_features"] == 2
    assert "general" not in lmap.legend.value
    (s, w), (n, e) = lmap.layer_state()["sources"]["bounds"]
    corners = [(x, y) for geom in g.geometry[g["dPC"] > 0.5] for x, y in geom.exterior.coords]
    lons, lats = TO_WGS.transform(*zip(*corners, strict=True))
    assert (s, w, n, e) == pytest.approx((min(lats), min(lons), max(lats), max(lons)), abs=1e-9)
    with pytest.raises(ValueError, match="style_by='klass'"):
        lmap.add_vector("bad", g, style_by="klass")
    lines = gpd.GeoDataFrame(
        {"corridor_class": ["key", "general"]},
        geometry=[
            LineString([(600_100, 2_499_800), (600_450, 2_499_550)]),
            LineString([(600_050, 2_499_450), (600_100, 2_499_800)]),
        ],
        crs="EPSG:32650",
    )
    lmap.add_vector("corridors", lines, style_by="corridor_class", colors={"key": "#000000"})
    assert lmap.layer("corridors").data["features"][0]["properties"]["style"]["color"] == "#000000"


def test_opacity_visibility_and_remove(lmap):
    lmap.add_raster("r", utm_raster(np.random.default_rng(0).random((10, 10))))
    lmap.add_vector("pts", gpd.GeoDataFrame({"k": [1]}, geometry=[Point(600_100, 2_499_900)], crs=32650))
    lmap.set_opacity("r", 0.3)
    assert lmap.layer("r").opacity == 0.3 and lmap.layer_state()["r"]["opacity"] == 0.3
    lmap.set_opacity("pts", 0.5)
    assert lmap.layer("pts").style["opacity"] == 0.5
    lmap.set_visible("r", False)
    assert lmap.layer("r").visible is False and not lmap.layer_state()["r"]["visible"]
    assert "<b>r</b>" not in lmap.legend.value and "<b>pts</b>" in lmap.legend.value
    n_controls = len(lmap.controls.children)
    lmap.remove("r")
    assert "r" not in lmap.names and len(lmap.controls.children) == n_controls - 1
    assert all(not isinstance(x, ipyleaflet.ImageOverlay) for x in lmap.map.layers)
    with pytest.raises(KeyError, match="no layer named 'r'"):
        lmap.update_raster("r", utm_raster(np.zeros((2, 2))))
    with pytest.raises(ValueError, match="vector layer"):
        lmap.update_raster("pts", utm_raster(np.zeros((2, 2))))
    with pytest.raises(ValueError, match="opacity"):
        lmap.set_opacity("pts", 1.5)


def test_bad_layers(lmap):
    da = utm_raster(np.zeros((4, 4)))
    lmap.add_raster("a", da)
    with pytest.raises(ValueError, match="exists"):
        lmap.add_raster("a", da)
    with pytest.raises(ValueError, match="kind='rgb'"):
        lmap.add_raster("b", da, kind="rgb")
    with pytest.raises(TypeError, match="DataArray"):
        lmap.add_raster("c", da.values)
    with pytest.raises(TypeError, match="GeoDataFrame"):
        lmap.add_vector("d", da)


def test_click_inspects_raster_values(lmap):
    vals = np.arange(400.0).reshape(20, 20)
    lmap.add_raster("dem", utm_raster(vals))
    lmap.add_raster("mspa", mspa_like(), kind="mspa")
    lmap.add_vector("sources", sources_gdf(), style_by="importance")
    x, y = 600_000 + 4 * 30 + 15, 2_500_000 - 5 * 30 - 15  # row 5, col 4: a core cell inside source 1
    lon, lat = TO_WGS.transform(x, y)
    lmap.map._interaction_callbacks(type="click", coordinates=[lat, lon])  # what a browser click triggers
    assert lmap.last_inspect["dem"] == vals[5, 4]
    assert lmap.last_inspect["mspa"] == "17 (core)"
    assert lmap.last_inspect["sources"]["source_id"] == 1
    assert "104" in lmap.info.value and "core" in lmap.info.value
    lmap._on_interaction(type="mousemove", coordinates=[0, 0])  # ignored
    assert lmap.last_inspect["dem"] == vals[5, 4]
    far = lmap.inspect(0.0, 0.0)
    assert far["dem"] is None and "sources" not in far


def test_large_rasters_are_decimated_for_display():
    m = LayerMap(basemap=False, max_size=50)
    da = utm_raster(np.random.default_rng(1).random((200, 120)))
    m.add_raster("big", da)
    img = decode(m.layer("big").url)
    assert max(img.shape[:2]) <= 60
    (s, w), (n, e) = m.layer("big").bounds
    (s0, w0), (n0, e0) = webmap.raster_to_png(da).bounds
    assert (s, w, n, e) == pytest.approx((s0, w0, n0, e0), abs=5e-4)  # within ~2 cells of 30 m
    m.close()


def test_static_figure(lmap):
    lmap.add_raster("dem", utm_raster(np.arange(400.0).reshape(20, 20), units="m"))
    lmap.add_raster("mspa", mspa_like(), kind="mspa", opacity=0.5)
    lmap.add_vector("sources", sources_gdf(), style_by="importance")
    fig = lmap.static_figure()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.images) == 2
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "mspa: core" in labels and "sources: key" in labels
    assert tuple(ax.images[0].get_extent()) == (600_000, 600_600, 2_499_400, 2_500_000)


def test_hidden_codes_are_transparent(lmap):
    src = utm_raster(np.array([[0, 1], [2, 0]], dtype=np.int32), name="sources")
    lmap.add_raster("sources", src, kind="categorical", hide=(0,), opacity=1.0)
    assert [label for label, _ in lmap._layers["sources"].legend] == ["1", "2"]
    palette = lmap._layers["sources"].style["_palette"]
    rgba = decode(webmap.raster_to_png(src, palette=palette, reproject=False).url)
    assert rgba[0, 0, 3] == 0 and rgba[1, 1, 3] == 0 and rgba[0, 1, 3] == 255
    lmap.add_raster("mspa", mspa_like(), kind="mspa", hide=(0,))
    assert "background" not in dict(lmap._layers["mspa"].legend)


def test_empty_vector_layer(lmap):
    g = sources_gdf()
    lmap.add_vector("sources", g.iloc[:0], style_by="importance")
    assert lmap.layer_state()["sources"] == {
        "type": "vector",
        "bounds": None,
        "opacity": 0.9,
        "visible": True,
        "on_map": True,
        "n_features": 0,
    }
    lmap.update_vector("sources", g)
    assert lmap.layer_state()["sources"]["n_features"] == 3
    lmap.fit()
    (s, w), (n, e) = lmap.layer_state()["sources"]["bounds"]
    assert s < lmap.map.center[0] < n and w < lmap.map.center[1] < e


def test_show_adds_then_updates_in_place(lmap):
    lmap.show("mspa", mspa_like(), kind="mspa")
    lmap.show("sources", sources_gdf(), style_by="importance")
    raster, vector = lmap.layer("mspa"), lmap.layer("sources")
    url = raster.url
    lmap.show("mspa", mspa_like().where(mspa_like() != 33, 0))
    lmap.show("sources", sources_gdf().iloc[:1])
    assert lmap.layer("mspa") is raster and raster.url != url
    assert lmap.layer("sources") is vector and len(vector.data["features"]) == 1
    assert lmap.layer_state()["mspa"]["kind"] == "mspa" and lmap.names == ["mspa", "sources"]
