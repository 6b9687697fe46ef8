"""Generate a landscape once (cached) and assemble the public Dataset and line layers from it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ._frame import Frame
from ._landcover import (
    CONSTRUCTION,
    CROPLAND,
    REFERENCE_YEAR,
    WATER,
    base_cover,
    builtup_share,
    cover_for_share,
    urban_score,
)
from ._noise import fractal
from ._presets import PRESETS, Preset
from ._rivers import route
from ._surface import bands, nightlight, npp, pet, population, precipitation, soil
from ._terrain import build_terrain, horn_slope
from ._urban import build_network, centrality, distance_to_core, potential, rasterize_lines, villages

__all__ = ["Landscape", "Snapshot", "landscape", "snapshot", "snapshots"]


@dataclass(frozen=True)
class Landscape:
    """Everything that does not change over the years, plus what is needed to derive a year."""

    preset: Preset
    frame: Frame
    seed: int
    dem: np.ndarray
    slope: np.ndarray
    base: np.ndarray
    score: np.ndarray
    sorted_scores: np.ndarray
    always_built: np.ndarray
    n_land: int
    centres: np.ndarray
    core_distance: np.ndarray
    noise_population: np.ndarray
    vigour: np.ndarray
    brightness: np.ndarray
    fields: np.ndarray
    urban_green: np.ndarray
    precipitation: np.ndarray
    pet: np.ndarray
    soil: np.ndarray
    roads: np.ndarray
    railways: np.ndarray
    rivers: np.ndarray
    road_lines: list
    railway_lines: list
    river_lines: list  # (LineString, name, kind, upstream_area_km2)
    lake_count: int


@dataclass(frozen=True)
class Snapshot:
    """The layers that change with the year."""

    lulc: np.ndarray
    population: np.ndarray
    nightlight: np.ndarray
    bands: dict
    npp: np.ndarray


def _elevation_index(dem: np.ndarray, land: np.ndarray) -> np.ndarray:
    values = dem[land] if land.any() else dem.ravel()
    lo, hi = np.percentile(values, [5, 95])
    return np.clip((dem - lo) / max(hi - lo, 1e-6), 0, 1).astype(np.float32)


def _fields(frame: Frame, rng: np.random.Generator) -> np.ndarray:
    """Piecewise-constant noise in [-1, 1]: one value per field of about 250 m."""
    size = max(2, round(250.0 / frame.resolution))
    blocks = rng.uniform(-1, 1, (frame.rows // size + 1, frame.cols // size + 1)).astype(np.float32)
    return np.repeat(np.repeat(blocks, size, axis=0), size, axis=1)[: frame.rows, : frame.cols]


def _river_lines(frame: Frame, drainage) -> list:
    from shapely.geometry import LineString

    cell_km2 = frame.resolution**2 / 1e6
    out = []
    for path in drainage.paths:
        rows, cols = np.divmod(path.cells, frame.cols)
        xs = frame.x0 + (cols + 0.5) * frame.resolution
        ys = frame.y0 - (rows + 0.5) * frame.resolution
        out.append((LineString(np.column_stack((xs, ys))), path.name, path.kind, path.upstream_cells * cell_km2))
    return out


@functools.lru_cache(maxsize=4)
def landscape(preset_name: str, shape: tuple[int, int], resolution: float, seed: int) -> Landscape:
    """Generate (once per argument set) the static part of a synthetic city."""
    preset = PRESETS[preset_name]
    frame = Frame.for_preset(preset, shape, resolution)
    index = list(PRESETS).index(preset_name)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, index]).spawn(6)]
    terrain = build_terrain(frame, preset, rngs[0])
    drainage = route(frame, terrain)
    dem = drainage.dem.astype(np.float32)
    slope = horn_slope(drainage.dem, frame.resolution)
    elevation_index = _elevation_index(dem, ~drainage.water)
    core_distance = distance_to_core(frame, preset)
    network = build_network(frame, preset, terrain.sea, rngs[1])
    roads = rasterize_lines([g for g, _, _ in network.roads], frame)
    railways = rasterize_lines([g for g, _ in network.railways], frame)
    base = base_cover(
        preset,
        drainage.water,
        slope,
        elevation_index,
        core_distance,
        terrain.river_distance,
        terrain.coast_distance,
        rngs[2],
    )
    water = base == WATER
    centres = centrality(frame, preset, core_distance)
    transport = (roads | railways).astype(bool)
    pot = potential(frame, centres, transport, slope, elevation_index, rngs[3])
    score = urban_score(pot, base, water & ~terrain.lakes)
    always = (transport | villages(frame, preset, base == CROPLAND, core_distance, rngs[3])) & ~water
    finite = score[np.isfinite(score)]
    rng = rngs[4]
    climate_noise = fractal(frame.shape, rng, exponent=3.5, max_size=512)
    rain = precipitation(frame, preset, dem, climate_noise)
    rivers = np.zeros(frame.shape, dtype=np.uint8)
    for path in drainage.paths:
        rivers.ravel()[path.cells] = 1
    vigour = fractal(frame.shape, rng, exponent=3.0, max_size=1024)
    return Landscape(
        preset=preset,
        frame=frame,
        seed=seed,
        dem=dem,
        slope=slope,
        base=base,
        score=score,
        sorted_scores=-np.sort(-finite),
        always_built=always,
        n_land=int((~water).sum()),
        centres=centres,
        core_distance=core_distance,
        noise_population=fractal(frame.shape, rng, exponent=2.6, max_size=1024),
        vigour=vigour,
        brightness=fractal(frame.shape, rng, exponent=2.5, max_size=1024),
        fields=_fields(frame, rng),
        urban_green=np.clip(0.08 + 0.3 * (1 - centres) + 0.08 * vigour, 0.03, 0.45).astype(np.float32),
        precipitation=rain,
        pet=pet(preset, dem, centres, climate_noise),
        soil=soil(
            preset,
            water,
            slope,
            elevation_index,
            terrain.river_distance,
            terrain.coast_distance,
            fractal(frame.shape, rngs[5], exponent=3.0, max_size=512),
        ),
        roads=roads,
        railways=railways,
        rivers=rivers,
        road_lines=network.roads,
        railway_lines=network.railways,
        river_lines=_river_lines(frame, drainage),
        lake_count=terrain.lake_count,
    )


def snapshot(land: Landscape, year: int, previous_built: np.ndarray | None = None) -> Snapshot:
    """The year-dependent layers of ``land`` in ``year`` (construction also covers ``previous_built``)."""
    share = builtup_share(land.preset, year)
    lulc = cover_for_share(land.base, land.sorted_scores, land.score, land.always_built, share, land.n_land)
    if previous_built is not None:
        lulc[previous_built] = CONSTRUCTION
    return Snapshot(
        lulc=lulc,
        population=population(lulc, land.centres, land.noise_population, land.preset, year),
        nightlight=nightlight(lulc, land.centres, land.roads, land.frame, land.preset, year),
        bands=bands(lulc, land.vigour, land.brightness, land.fields, land.urban_green),
        npp=npp(lulc, land.precipitation, land.vigour),
    )


def snapshots(land: Landscape, years: tuple[int, ...] | None) -> list[Snapshot]:
    """Snapshots for ``years`` (ascending), or the reference year when ``years`` is None."""
    out: list[Snapshot] = []
    built = None
    for year in years or (REFERENCE_YEAR,):
        snap = snapshot(land, year, built)
        built = snap.lulc == CONSTRUCTION
        out.append(snap)
    return out
