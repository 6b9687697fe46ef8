"""Deterministic synthetic city landscapes: the embedded default data, so every workflow runs offline.

``city(preset, shape, resolution, years, seed)`` returns an :class:`xarray.Dataset` on
EPSG:32650 (WGS 84 / UTM 50N, as in the papers) with aligned layers; ``city_vectors`` returns
the road, railway and river lines of the same landscape as GeoDataFrames.

Presets
-------
``jinan``
    Yellow River in the north, Taishan foothills (woodland) in the south, a large urban core
    between them, cropland on the plain.
``shenzhen``
    Sea and bays along the south and west coasts, forested hills in the east/south-east,
    a dense built-up west.
``wuhan``
    The Yangtze through the centre joined by the Han River at the core, many lakes, low hills.

How it is generated
-------------------
Terrain is spectral (FFT) fractal noise shaped per preset; main rivers are meandering
channels carved into it. The DEM is depression-filled with Priority-Flood+ε, flow is routed
by D8 steepest descent and accumulated; cells draining more than 0.6 % of the map are
streams, traced downhill as lines and carved, so every river descends monotonically
downstream. Lakes are star-shaped basins, filled to one flat surface. Land cover ranks cells
by class scores (woodland on high, steep ground; cropland on flat rural land); construction
is the top share of an urbanisation potential that decays with distance from the urban core
and its satellites, rises along roads and falls on steep or high ground. Built-up shares grow
over the years, so construction in a later year is a superset of an earlier one.
Features scale with the map extent (so a small grid still shows all of them) and relief
with the extent up to 15 km; the cell size is the ``resolution`` you ask for.

Layers
------
``lulc`` (uint8; ``LULC_CLASSES``), ``dem`` (m), ``slope`` (degrees, Horn's method with the
true cell size), ``green``/``red``/``nir``/``swir1`` surface reflectance (0..1; NDVI =
(nir - red) / (nir + red), MNDWI = (green - swir1) / (green + swir1)), ``population``
(people/km2), ``nightlight`` (nW cm-2 sr-1), ``precipitation`` and ``pet`` (mm/yr),
``npp`` (gC m-2 yr-1), ``soil`` (uint8; ``SOIL_CLASSES``: a simplified Chinese genetic soil
classification), and ``roads``/``railways``/``rivers`` (uint8 0/1 rasterized lines).
With ``years``, ``lulc``, ``population``, ``nightlight``, the four bands and ``npp`` have a
``year`` dimension; the others are static.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from numbers import Integral

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from .._checks import check_choice, check_int, check_positive
from ._build import Landscape, landscape, snapshots
from ._landcover import LULC_CLASSES, REFERENCE_YEAR
from ._presets import PRESETS
from ._surface import BANDS, SOIL_CLASSES

__all__ = [
    "CRS",
    "LULC_CLASSES",
    "LULC_COLORS",
    "MIN_SIZE",
    "PRESET_NAMES",
    "SOIL_CLASSES",
    "city",
    "city_vectors",
]

CRS = "EPSG:32650"
PRESET_NAMES = tuple(PRESETS)
MIN_SIZE = 32  # smallest number of cells along each side
MAX_CELLS = 36_000_000  # about 3 GB of layers; larger maps are refused
YEAR_RANGE = (1950, 2100)
LULC_COLORS = {
    1: "#b5d96b",  # grassland
    2: "#2f7d32",  # woodland
    3: "#3a7bd5",  # water
    4: "#f1d77a",  # cropland
    5: "#bdb2a4",  # unutilized
    6: "#d7301f",  # construction
}

_BAND_INFO = {
    "green": ("surface reflectance, green (Landsat 8 OLI band 3)", 0.56),
    "red": ("surface reflectance, red (Landsat 8 OLI band 4)", 0.655),
    "nir": ("surface reflectance, near infrared (Landsat 8 OLI band 5)", 0.865),
    "swir1": ("surface reflectance, shortwave infrared 1 (Landsat 8 OLI band 6)", 1.61),
}


def _check_shape(shape) -> tuple[int, int]:
    allowed = f"a pair (rows, cols) of integers >= {MIN_SIZE} with rows * cols <= {MAX_CELLS}"
    try:
        rows, cols = shape
    except (TypeError, ValueError):
        raise ValueError(f"shape={shape!r} is not allowed; it must be {allowed}") from None
    for value in (rows, cols):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < MIN_SIZE:
            raise ValueError(f"shape={shape!r} is not allowed; it must be {allowed}")
    if rows * cols > MAX_CELLS:
        raise ValueError(f"shape={shape!r} is too large ({rows * cols} cells); it must be {allowed}")
    return int(rows), int(cols)


def _check_years(years) -> tuple[int, ...] | None:
    if years is None:
        return None
    lo, hi = YEAR_RANGE
    allowed = f"None or a non-empty, strictly increasing sequence of integer years in [{lo}, {hi}]"
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise ValueError(f"years={years!r} is not allowed; it must be {allowed}")
    values = list(years)
    ok = bool(values) and all(not isinstance(y, bool) and isinstance(y, Integral) and lo <= y <= hi for y in values)
    if not ok or any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"years={years!r} is not allowed; it must be {allowed}")
    return tuple(int(y) for y in values)


def _generate(preset, shape, resolution, seed) -> Landscape:
    preset = check_choice("preset", preset, PRESET_NAMES)
    shape = _check_shape(shape)
    resolution = check_positive("resolution", resolution)
    seed = check_int("seed", seed, minimum=0)
    return landscape(preset, shape, resolution, seed)


def _var(data: np.ndarray, dims: tuple[str, ...], long_name: str, units: str, **extra) -> xr.Variable:
    return xr.Variable(dims, data, attrs={"long_name": long_name, "units": units, **extra})


def _flags(classes: dict[int, str]) -> dict:
    return {"flag_values": list(classes), "flag_meanings": " ".join(classes.values())}


def city(
    preset: str,
    shape: tuple[int, int] = (512, 512),
    resolution: float = 30.0,
    years: Iterable[int] | None = None,
    seed: int = 0,
) -> xr.Dataset:
    """A synthetic city landscape as an xarray Dataset on EPSG:32650.

    Parameters
    ----------
    preset : {"jinan", "shenzhen", "wuhan"}
        Which city's geography to imitate (see the module documentation).
    shape : (int, int)
        Rows and columns, each at least 32.
    resolution : float
        Cell size in metres (> 0).
    years : sequence of int, optional
        Strictly increasing years; the time-varying layers get a ``year`` dimension with
        monotonic urban growth. ``None`` gives the 2020 snapshot without a year dimension.
    seed : int
        Random seed (>= 0); the same arguments always give identical arrays.

    Returns
    -------
    xarray.Dataset
        Layers ``lulc``, ``dem``, ``slope``, ``green``, ``red``, ``nir``, ``swir1``,
        ``population``, ``nightlight``, ``precipitation``, ``pet``, ``npp``, ``soil``,
        ``roads``, ``railways``, ``rivers``; coordinates ``x``/``y`` are cell centres in
        metres (``y`` decreasing). ``attrs`` hold the preset, seed, resolution and the
        urban core position (``core_x``, ``core_y``, ``core_radius_m``).

    Raises
    ------
    ValueError
        Unknown preset, non-positive resolution, shape below 32 cells a side, bad years.

    Examples
    --------
    >>> ds = city("jinan", shape=(64, 64))
    >>> ds["lulc"].shape, str(ds.rio.crs)
    ((64, 64), 'EPSG:32650')
    >>> sorted(int(v) for v in set(ds["lulc"].values.ravel())) == [1, 2, 3, 4, 5, 6]
    True
    >>> city("wuhan", shape=(64, 64), years=[2000, 2010, 2020])["lulc"].dims
    ('year', 'y', 'x')
    """
    years_t = _check_years(years)
    land = _generate(preset, shape, resolution, seed)
    frame = land.frame
    snaps = snapshots(land, years_t)
    timed = years_t is not None
    tdims: tuple[str, ...] = ("year", "y", "x") if timed else ("y", "x")

    def stack(get) -> np.ndarray:
        return np.stack([get(s) for s in snaps]) if timed else get(snaps[0])

    lulc_attrs = {
        **_flags(LULC_CLASSES),
        "scheme": "six LULC classes of the Jinan study: grassland, woodland, water body, cropland, "
        "unutilized land, construction land",
    }
    variables = {
        "lulc": _var(stack(lambda s: s.lulc), tdims, "land use / land cover class", "1", **lulc_attrs),
        "dem": _var(land.dem.copy(), ("y", "x"), "elevation above sea level", "m"),
        "slope": _var(land.slope.copy(), ("y", "x"), "terrain slope (Horn 3x3 method)", "degree"),
    }
    for band in BANDS:
        long_name, wavelength = _BAND_INFO[band]
        variables[band] = _var(
            stack(lambda s, b=band: s.bands[b]), tdims, long_name, "1", central_wavelength_um=wavelength
        )
    variables.update(
        {
            "population": _var(stack(lambda s: s.population), tdims, "population density", "people/km2"),
            "nightlight": _var(stack(lambda s: s.nightlight), tdims, "night-time light radiance", "nW cm-2 sr-1"),
            "precipitation": _var(land.precipitation.copy(), ("y", "x"), "mean annual precipitation", "mm/yr"),
            "pet": _var(land.pet.copy(), ("y", "x"), "mean annual potential (reference) evapotranspiration", "mm/yr"),
            "npp": _var(stack(lambda s: s.npp), tdims, "net primary productivity", "gC m-2 yr-1"),
            "soil": _var(land.soil.copy(), ("y", "x"), "soil type", "1", **_flags(SOIL_CLASSES)),
            "roads": _var(land.roads.copy(), ("y", "x"), "roads (rasterized centre lines)", "1"),
            "railways": _var(land.railways.copy(), ("y", "x"), "railways (rasterized centre lines)", "1"),
            "rivers": _var(land.rivers.copy(), ("y", "x"), "rivers and streams (traced flow lines)", "1"),
        }
    )
    coords = {
        "y": ("y", frame.y, {"long_name": "northing (cell centre)", "units": "m", "axis": "Y"}),
        "x": ("x", frame.x, {"long_name": "easting (cell centre)", "units": "m", "axis": "X"}),
    }
    if timed:
        coords["year"] = ("year", np.array(years_t, dtype=np.int64), {"long_name": "year", "units": "1"})
    core_u, core_v = land.preset.core
    attrs = {
        "title": f"synthetic city landscape: {land.preset.name}",
        "preset": land.preset.name,
        "description": land.preset.notes,
        "seed": int(seed),
        "resolution_m": float(resolution),
        "core_x": float(frame.x0 + core_u * frame.cols * frame.resolution),
        "core_y": float(frame.y0 - core_v * frame.rows * frame.resolution),
        "core_radius_m": float(land.preset.core_radius_frac * frame.scale),
        "source": "ecnet_lab.synth (synthetic data, not a real city)",
    }
    if not timed:
        attrs["year"] = REFERENCE_YEAR
    ds = xr.Dataset(variables, coords=coords, attrs=attrs)
    ds = ds.rio.write_crs(CRS)
    return ds.rio.write_transform(ds.rio.transform(recalc=True))


def city_vectors(preset: str, shape: tuple[int, int] = (512, 512), resolution: float = 30.0, seed: int = 0) -> dict:
    """The roads, railways and rivers of :func:`city` as line GeoDataFrames (EPSG:32650).

    The lines come from the same deterministic generation as the rasters (generated once
    and cached); each call returns fresh copies.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``roads`` (columns ``name``, ``kind`` in {"radial", "ring"}, ``length_m``),
        ``railways`` (``name``, ``length_m``) and ``rivers`` (``name``, ``kind`` in
        {"main", "river", "stream"}, ``upstream_area_km2``, ``length_m``). River lines run
        downstream through cell centres; a tributary ends on the cell where it joins.

    Examples
    --------
    >>> v = city_vectors("wuhan", shape=(64, 64))
    >>> sorted(v), str(v["rivers"].crs)
    (['railways', 'rivers', 'roads'], 'EPSG:32650')
    >>> set(v["rivers"].loc[v["rivers"]["kind"] == "main", "name"]) == {"Yangtze River", "Han River"}
    True
    """
    import geopandas as gpd

    land = _generate(preset, shape, resolution, seed)
    roads = gpd.GeoDataFrame(
        {"name": [n for _, n, _ in land.road_lines], "kind": [k for _, _, k in land.road_lines]},
        geometry=[g for g, _, _ in land.road_lines],
        crs=CRS,
    )
    railways = gpd.GeoDataFrame(
        {"name": [n for _, n in land.railway_lines]}, geometry=[g for g, _ in land.railway_lines], crs=CRS
    )
    rivers = gpd.GeoDataFrame(
        {
            "name": [r[1] for r in land.river_lines],
            "kind": [r[2] for r in land.river_lines],
            "upstream_area_km2": np.array([r[3] for r in land.river_lines], dtype=float),
        },
        geometry=[r[0] for r in land.river_lines],
        crs=CRS,
    )
    out = {"roads": roads, "railways": railways, "rivers": rivers}
    for gdf in out.values():
        gdf["length_m"] = gdf.geometry.length.to_numpy()
    return out
