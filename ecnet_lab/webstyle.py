"""UI-free styling and lookup helpers for web maps: colours per class, legends, map views, click values.

Companion of :mod:`ecnet_lab.webmap` (which renders rasters to PNG and vectors to GeoJSON).
Everything here is pure and testable without a browser; ``ecnet_lab.widgets`` uses it.

* :func:`category_colors` gives a stable colour per class value (explicit colours first);
  :data:`IMPORTANCE_COLORS` colours sources and corridors by importance class.
* :func:`styled_features` writes a per-feature Leaflet style into GeoJSON properties.
* :func:`continuous_stops` gives colour stops of a colormap (a colour-bar legend).
* :func:`map_view` picks the centre and zoom that show WGS84 bounds on a slippy map.
* :func:`value_at` samples a raster at a longitude/latitude (click-to-inspect).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

__all__ = [
    "IMPORTANCE_COLORS",
    "MSPA_CLASS_NAMES",
    "category_colors",
    "continuous_stops",
    "map_view",
    "mspa_legend",
    "styled_features",
    "to_hex",
    "union_bounds",
    "value_at",
]

#: Importance classes of sources and corridors (Shenzhen paper: key / important / general).
IMPORTANCE_COLORS: dict[str, str] = {
    "key": "#d7191c",
    "important": "#fdae61",
    "general": "#1a9641",
    "below threshold": "#bababa",
}

#: GuidosToolbox MSPA class names by byte code (+100: the same class inside a core opening).
MSPA_CLASS_NAMES: dict[int, str] = {
    0: "background",
    1: "branch",
    3: "edge",
    5: "perforation",
    9: "islet",
    17: "core",
    33: "bridge",
    35: "bridge",
    37: "bridge",
    65: "loop",
    67: "loop",
    69: "loop",
    100: "core-opening",
    101: "branch (internal)",
    103: "edge (internal)",
    105: "perforation (internal)",
    109: "islet (internal)",
    117: "core (internal)",
    133: "bridge (internal)",
    135: "bridge (internal)",
    137: "bridge (internal)",
    165: "loop (internal)",
    167: "loop (internal)",
    169: "loop (internal)",
    129: "missing",
    220: "border-opening",
}

# Web Mercator latitude limit (tiles are square)
_MAX_LAT = 85.0511287798


def to_hex(rgb: Sequence[float]) -> str:
    """``'#rrggbb'`` from 0-255 integers or 0-1 floats.

    Examples
    --------
    >>> to_hex((0, 200, 0)), to_hex((1.0, 0.5, 0.0))
    ('#00c800', '#ff8000')
    """
    vals = list(rgb)[:3]
    if len(vals) != 3:
        raise ValueError(f"rgb={rgb!r} needs three components")
    if all(isinstance(v, float) for v in vals) and all(0.0 <= v <= 1.0 for v in vals):
        vals = [round(v * 255) for v in vals]
    ints = [int(v) for v in vals]
    if any(v < 0 or v > 255 for v in ints):
        raise ValueError(f"rgb={rgb!r} components must lie in 0-255 (or 0-1 floats)")
    return "#{:02x}{:02x}{:02x}".format(*ints)


def _sort_key(value):
    return (0, float(value), "") if isinstance(value, (int, float, np.number)) else (1, 0.0, str(value))


def category_colors(
    values: Iterable, colors: Mapping | None = None, *, cmap: str = "tab10", missing: str = "#999999"
) -> dict:
    """A stable colour per distinct class value.

    Values in ``colors`` keep their colour; the others take colours of the matplotlib
    colormap ``cmap`` in sorted value order (numbers first, then strings). ``None``/NaN get
    ``missing``.

    Examples
    --------
    >>> category_colors(["key", "general", "key"], {"key": "#ff0000"}, cmap="tab10")
    {'general': '#1f77b4', 'key': '#ff0000'}
    """
    import matplotlib

    explicit = dict(colors or {})
    items = list(values)
    distinct, seen, has_missing = [], set(), False
    for v in items:
        if v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
            has_missing = True
            continue
        key = v.item() if isinstance(v, np.generic) else v
        if key not in seen:
            seen.add(key)
            distinct.append(key)
    distinct.sort(key=_sort_key)
    try:
        cm = matplotlib.colormaps[cmap]
    except KeyError:
        raise ValueError(f"cmap={cmap!r} is not a matplotlib colormap") from None
    qualitative = getattr(cm, "N", 256) < 256  # ListedColormap of distinct colours: take them in order
    auto = [v for v in distinct if v not in explicit]
    out = {}
    for v in distinct:
        if v in explicit:
            out[v] = str(explicit[v])
        else:
            k = auto.index(v)
            rgba = cm(k % cm.N) if qualitative else cm(k / max(len(auto) - 1, 1))
            out[v] = to_hex(rgba[:3])
    if has_missing:
        out[None] = missing
    return out


def styled_features(
    fc: Mapping,
    *,
    column: str | None = None,
    colors: Mapping | None = None,
    base: Mapping | None = None,
    default_color: str = "#3388ff",
) -> dict:
    """A copy of a GeoJSON FeatureCollection with a Leaflet style in each feature's properties.

    The input is not modified; feature geometries are shared with it (not deep-copied).

    ``properties["style"]`` gets ``base`` plus ``color``/``fillColor`` from ``colors[value of
    column]`` (``default_color`` when the column is not given or the value has no colour).

    Raises
    ------
    ValueError
        ``column`` is given but absent from some feature's properties.

    Examples
    --------
    >>> fc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"importance": "key"}, "geometry": None}]}
    >>> styled_features(fc, column="importance", colors={"key": "#d7191c"})["features"][0]["properties"]["style"]
    {'color': '#d7191c', 'fillColor': '#d7191c'}
    """
    out = {k: v for k, v in fc.items() if k != "features"}
    out["features"] = []
    colors = dict(colors or {})
    for original in fc.get("features", []):
        feature = dict(original)  # geometries are shared, not copied (large polygons); never mutated here
        props = copy.deepcopy(dict(original.get("properties") or {}))
        feature["properties"] = props
        out["features"].append(feature)
        color = default_color
        if column is not None:
            if column not in props:
                raise ValueError(f"style_by={column!r} is not a feature property; available: {sorted(props)!r}")
            color = colors.get(props[column], colors.get(None, default_color))
        props["style"] = {**dict(base or {}), "color": color, "fillColor": color}
    return out


def continuous_stops(cmap: str, vmin: float, vmax: float, n: int = 5) -> list[tuple[float, str]]:
    """``n`` evenly spaced (value, '#rrggbb') stops of a colormap between ``vmin`` and ``vmax``.

    Examples
    --------
    >>> continuous_stops("viridis", 0.0, 1.0, n=2)
    [(0.0, '#440154'), (1.0, '#fde725')]
    """
    import matplotlib

    if n < 2:
        raise ValueError(f"n={n!r} must be at least 2")
    try:
        cm = matplotlib.colormaps[cmap]
    except KeyError:
        raise ValueError(f"cmap={cmap!r} is not a matplotlib colormap") from None
    fr = np.linspace(0.0, 1.0, n)
    return [(float(vmin + f * (vmax - vmin)), to_hex(cm(float(f))[:3])) for f in fr]


def mspa_legend(codes: Iterable[int], palette: Mapping[int, tuple[int, int, int]]) -> list[tuple[str, str]]:
    """(class name, colour) pairs for MSPA codes present, merging codes that share a name.

    Examples
    --------
    >>> from ecnet_lab.webmap import GTB_PALETTE
    >>> mspa_legend([17, 3, 33, 35], GTB_PALETTE)
    [('edge', '#000000'), ('core', '#00c800'), ('bridge', '#ff0000')]
    """
    out: dict[str, str] = {}
    for code in sorted({int(c) for c in codes}):
        if code in palette:
            name = MSPA_CLASS_NAMES.get(code, f"class {code}")
            out.setdefault(name, to_hex(palette[code]))
    return list(out.items())


Bounds = tuple[tuple[float, float], tuple[float, float]]


def union_bounds(bounds: Iterable[Bounds]) -> Bounds:
    """The smallest ``((south, west), (north, east))`` box holding all given boxes.

    Examples
    --------
    >>> union_bounds([((1, 2), (3, 4)), ((0, 3), (2, 5))])
    ((0.0, 2.0), (3.0, 5.0))
    """
    boxes = list(bounds)
    if not boxes:
        raise ValueError("no bounds to combine")
    s = min(b[0][0] for b in boxes)
    w = min(b[0][1] for b in boxes)
    n = max(b[1][0] for b in boxes)
    e = max(b[1][1] for b in boxes)
    return (float(s), float(w)), (float(n), float(e))


def _merc_y(lat: float) -> float:
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_view(bounds: Bounds, *, width_px: int = 800, height_px: int = 500, max_zoom: int = 18) -> tuple:
    """Centre ``(lat, lon)`` and the largest integer zoom at which ``bounds`` fit in the map size.

    A slippy map at zoom z is ``256 * 2**z`` pixels around the world (Web Mercator).

    Examples
    --------
    >>> map_view(((-10.0, -10.0), (10.0, 10.0)), width_px=512, height_px=512)  # 20 deg = 455 px at zoom 5
    ((0.0, 0.0), 5)
    """
    (s, w), (n, e) = bounds
    if not (s <= n and w <= e):
        raise ValueError(f"bounds={bounds!r} must be ((south, west), (north, east)) with south <= north")
    centre_lat = math.degrees(math.atan(math.sinh((_merc_y(s) + _merc_y(n)) / 2)))
    centre = (round(float(centre_lat), 10) + 0.0, round(float((w + e) / 2), 10) + 0.0)
    frac_x = (e - w) / 360.0
    frac_y = (_merc_y(n) - _merc_y(s)) / (2 * math.pi)
    zooms = [max_zoom]
    if frac_x > 0:
        zooms.append(math.floor(math.log2(width_px / (256 * frac_x))))
    if frac_y > 0:
        zooms.append(math.floor(math.log2(height_px / (256 * frac_y))))
    return centre, int(max(0, min(zooms)))


def value_at(da: xr.DataArray, lat: float, lon: float):
    """Value of a 2-D georeferenced raster at a WGS84 point, or ``None`` outside it or on nodata/NaN.

    The point is transformed to the raster CRS and the cell containing it is read (cells are
    the squares around the x/y coordinates).

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.arange(4.0).reshape(2, 2), dims=("y", "x"),
    ...                   coords={"y": [1.5, 0.5], "x": [0.5, 1.5]}).rio.write_crs("EPSG:4326")
    >>> value_at(da, lat=1.2, lon=1.7), value_at(da, lat=5.0, lon=0.0)
    (1.0, None)
    """
    import rioxarray  # noqa: F401 - registers .rio
    from pyproj import Transformer

    if not isinstance(da, xr.DataArray) or da.ndim != 2:
        raise ValueError("da must be a 2-D xarray.DataArray")
    crs = da.rio.crs
    if crs is None:
        raise ValueError(f"raster {da.name!r} has no CRS; cannot place a longitude/latitude on it")
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(float(lon), float(lat))
    col_f, row_f = ~da.rio.transform() * (x, y)
    if not (np.isfinite(col_f) and np.isfinite(row_f)):
        return None
    row, col = math.floor(row_f), math.floor(col_f)
    ny, nx = da.shape
    if not (0 <= row < ny and 0 <= col < nx):
        return None
    value = np.asarray(da.isel({da.dims[0]: row, da.dims[1]: col}).values).item()
    nodata = da.rio.nodata
    if isinstance(value, float) and math.isnan(value):
        return None
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)) and value == nodata:
        return None
    return value
