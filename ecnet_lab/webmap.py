"""UI-free conversions for web maps: rasters to georeferenced PNG overlays, vectors to GeoJSON.

The widgets (``ecnet_lab.widgets``) and the static reports both use these pure functions,
so they are tested without a browser. A raster is reprojected to Web Mercator
(EPSG:3857, what slippy maps draw in), coloured with a categorical palette or a
continuous colormap, and encoded as a PNG data URL together with its WGS84 bounds
``((south, west), (north, east))`` as ipyleaflet's ``ImageOverlay`` expects.
"""

from __future__ import annotations

import base64
import io as _stdio
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = ["GTB_PALETTE", "RasterImage", "geojson", "legend_entries", "raster_to_png"]

# GuidosToolbox MSPA colours (RGB) by byte code; +100 internal variants share the hue, lighter.
GTB_PALETTE: dict[int, tuple[int, int, int]] = {
    0: (220, 220, 220),  # background
    1: (255, 140, 0),  # branch
    3: (0, 0, 0),  # edge
    5: (0, 0, 255),  # perforation
    9: (160, 60, 0),  # islet
    17: (0, 200, 0),  # core
    33: (255, 0, 0),  # bridge
    35: (255, 0, 0),
    37: (255, 0, 0),
    65: (255, 255, 0),  # loop
    67: (255, 255, 0),
    69: (255, 255, 0),
    100: (200, 200, 200),  # core-opening
    101: (255, 180, 90),
    103: (90, 90, 90),
    105: (90, 90, 255),
    109: (200, 120, 60),
    133: (255, 120, 120),
    135: (255, 120, 120),
    137: (255, 120, 120),
    165: (255, 255, 150),
    167: (255, 255, 150),
    169: (255, 255, 150),
    129: (255, 255, 255),  # missing
    220: (140, 140, 140),  # border-opening
}


@dataclass(frozen=True)
class RasterImage:
    """A PNG rendering of a raster with its WGS84 bounds.

    ``bounds`` is ``((south, west), (north, east))`` in degrees; ``url`` is a
    ``data:image/png;base64,...`` URL; ``png`` the raw bytes.
    """

    png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]
    vmin: float | None
    vmax: float | None

    @property
    def url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _to_web_mercator(da: xr.DataArray, categorical: bool) -> xr.DataArray:
    from rasterio.enums import Resampling

    if da.rio.crs is None:
        raise ValueError(f"raster {da.name!r} has no CRS; write one with .rio.write_crs() before mapping it")
    resampling = Resampling.nearest if categorical else Resampling.bilinear
    src = da.astype("float64")
    if src.rio.nodata is None:
        src = src.rio.write_nodata(np.nan)
    return src.rio.reproject("EPSG:3857", resampling=resampling)


def raster_to_png(
    da: xr.DataArray,
    *,
    palette: Mapping[int, tuple[int, int, int]] | None = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    opacity: float = 1.0,
    reproject: bool = True,
) -> RasterImage:
    """Render a 2-D raster as a transparent PNG for a web map overlay.

    Categorical rasters use ``palette`` (code -> RGB; codes not in it are transparent);
    continuous rasters use the matplotlib colormap ``cmap`` between ``vmin`` and ``vmax``
    (default: 2nd and 98th percentiles). NaN is transparent. The image is reprojected to
    Web Mercator so it lines up on slippy maps; the bounds are in WGS84 degrees.

    Examples
    --------
    >>> from ecnet_lab.synth import city
    >>> img = raster_to_png(city("shenzhen", shape=(48, 48))["dem"])
    >>> img.png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import matplotlib
    from PIL import Image
    from pyproj import Transformer

    if not isinstance(da, xr.DataArray) or da.ndim != 2:
        raise ValueError("da must be a 2-D xarray.DataArray (select a single year/period first)")
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"opacity={opacity!r} is not allowed; it must lie in [0, 1]")
    categorical = palette is not None
    web = _to_web_mercator(da, categorical) if reproject else da.astype("float64")
    values = np.asarray(web.values, dtype=float)
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    finite = np.isfinite(values)
    if categorical:
        for code, rgb in palette.items():
            sel = finite & (values == code)
            rgba[sel, :3] = rgb
            rgba[sel, 3] = round(255 * opacity)
        lo = hi = None
    else:
        data = values[finite]
        lo = float(np.percentile(data, 2)) if vmin is None and data.size else vmin
        hi = float(np.percentile(data, 98)) if vmax is None and data.size else vmax
        if lo is None or hi is None:
            lo, hi = 0.0, 1.0
        span = hi - lo if hi > lo else 1.0
        scaled = np.clip((np.where(finite, values, lo) - lo) / span, 0, 1)
        colours = matplotlib.colormaps[cmap](scaled, bytes=True)
        rgba[...] = colours
        rgba[..., 3] = np.where(finite, round(255 * opacity), 0)
    buf = _stdio.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", compress_level=3)  # optimize=True costs ~2 s per Mpx
    left, bottom, right, top = web.rio.bounds() if reproject else da.rio.bounds()
    crs = "EPSG:3857" if reproject else da.rio.crs
    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    west, south = to_wgs84.transform(left, bottom)
    east, north = to_wgs84.transform(right, top)
    return RasterImage(png=buf.getvalue(), bounds=((south, west), (north, east)), vmin=lo, vmax=hi)


def geojson(gdf, *, properties: list[str] | None = None, precision: int = 6) -> dict:
    """A GeoDataFrame as a GeoJSON FeatureCollection dict in WGS84 (what web maps expect).

    Non-JSON values (numpy scalars, NaN) are converted; ``properties`` limits the columns.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"source_id": [1]}, geometry=[Point(500000, 4000000)], crs=32650)
    >>> fc = geojson(g)
    >>> fc["type"], fc["features"][0]["properties"]
    ('FeatureCollection', {'source_id': 1})
    """
    if gdf.crs is None:
        raise ValueError("the GeoDataFrame has no CRS; set one before converting to GeoJSON")
    cols = [c for c in gdf.columns if c != gdf.geometry.name] if properties is None else list(properties)
    missing = [c for c in cols if c not in gdf.columns]
    if missing:
        raise ValueError(f"properties {missing!r} are not columns; available: {list(gdf.columns)!r}")
    wgs = gdf[[*cols, gdf.geometry.name]].to_crs("EPSG:4326")
    text = wgs.to_json(na="null", show_bbox=False, drop_id=True, to_wgs84=False)
    doc = json.loads(text)

    def _round(obj):
        if isinstance(obj, float):
            return round(obj, precision)
        if isinstance(obj, list):
            return [_round(o) for o in obj]
        return obj

    for feature in doc["features"]:
        geom = feature.get("geometry")
        if geom and "coordinates" in geom:
            geom["coordinates"] = _round(geom["coordinates"])
    return doc


def legend_entries(da: xr.DataArray, palette: Mapping[int, tuple[int, int, int]]) -> list[tuple[str, str]]:
    """(label, '#rrggbb') pairs for the codes of ``da`` that have a colour and a meaning.

    Labels come from the ``flag_values``/``flag_meanings`` attributes.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.array([[17, 3]]), dims=("y", "x"),
    ...                   attrs={"flag_values": [3, 17], "flag_meanings": "edge core"})
    >>> legend_entries(da, GTB_PALETTE)
    [('edge', '#000000'), ('core', '#00c800')]
    """
    values = da.attrs.get("flag_values")
    meanings = str(da.attrs.get("flag_meanings", "")).split()
    if values is None or len(meanings) != len(values):
        raise ValueError("da needs matching flag_values and flag_meanings attributes for a legend")
    present = set(np.unique(np.asarray(da.values)[np.isfinite(np.asarray(da.values, dtype=float))]).tolist())
    out = []
    for code, meaning in zip(values, meanings, strict=True):
        if int(code) in palette and int(code) in present:
            r, g, b = palette[int(code)]
            out.append((meaning.replace("_", " "), f"#{r:02x}{g:02x}{b:02x}"))
    return out
