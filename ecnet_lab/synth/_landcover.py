"""Land use / land cover in the six classes of the Jinan scheme, and nested urban growth over years.

The base (pre-urban) cover ranks land cells by class-specific scores and takes preset shares:
woodland on high, steep ground; unutilized land on rock, river sand and beaches; cropland on
flat, low, rural ground; grassland for the rest. Construction at a year is the top share of an
urbanisation score (potential minus a per-class resistance), so a larger share is a superset:
growth is monotonic and happens where the score is next highest, at the urban fringe.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._noise import fractal, smoothstep
from ._presets import Preset

__all__ = [
    "CONSTRUCTION",
    "CROPLAND",
    "GRASSLAND",
    "LULC_CLASSES",
    "MIN_WATER_CELLS",
    "REFERENCE_YEAR",
    "UNUTILIZED",
    "WATER",
    "WOODLAND",
    "base_cover",
    "builtup_share",
    "cover_for_share",
    "urban_score",
]

GRASSLAND, WOODLAND, WATER, CROPLAND, UNUTILIZED, CONSTRUCTION = 1, 2, 3, 4, 5, 6
LULC_CLASSES = {
    GRASSLAND: "grassland",
    WOODLAND: "woodland",
    WATER: "water",
    CROPLAND: "cropland",
    UNUTILIZED: "unutilized",
    CONSTRUCTION: "construction",
}
MIN_WATER_CELLS = 9  # smallest water body kept (4-connected cells)
REFERENCE_YEAR = 2020  # the snapshot returned when no years are asked for

# how strongly each base class resists conversion to construction (cropland is converted first)
_RESISTANCE = {GRASSLAND: 0.06, WOODLAND: 0.3, WATER: 0.55, CROPLAND: 0.0, UNUTILIZED: -0.04}


def _top(score: np.ndarray, candidates: np.ndarray, count: int) -> np.ndarray:
    """Mask of the ``count`` candidate cells with the highest score (ties broken by position)."""
    out = np.zeros(score.shape, dtype=bool)
    idx = np.flatnonzero(candidates)
    count = int(np.clip(count, 0, idx.size))
    if count == 0:
        return out
    values = score.ravel()[idx]
    chosen = idx[np.argpartition(-values, count - 1)[:count]] if count < idx.size else idx
    out.ravel()[chosen] = True
    return out


def _small_water(lulc: np.ndarray) -> np.ndarray:
    """Cells of water bodies smaller than MIN_WATER_CELLS (4-connectivity)."""
    labels, n = ndimage.label(lulc == WATER)
    if n == 0:
        return np.zeros(lulc.shape, dtype=bool)
    sizes = np.bincount(labels.ravel())
    small = sizes < MIN_WATER_CELLS
    small[0] = False
    return small[labels]


def base_cover(
    preset: Preset,
    water: np.ndarray,
    slope: np.ndarray,
    elevation_index: np.ndarray,
    core_distance: np.ndarray,
    river_distance: np.ndarray,
    coast_distance: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Pre-urban land cover (no construction) as uint8 codes."""
    shape = water.shape
    land = ~water
    n_land = int(land.sum())
    lulc = np.full(shape, GRASSLAND, dtype=np.uint8)
    lulc[water] = WATER
    steep = smoothstep(2.0, 20.0, slope)
    wood_score = 0.8 * elevation_index + 0.9 * steep + 0.35 * fractal(shape, rng, exponent=3.2, max_size=1024)
    woodland = _top(wood_score, land, round(preset.woodland_share * n_land))
    lulc[woodland] = WOODLAND
    free = land & ~woodland
    bare_score = (
        0.6 * smoothstep(25.0, 45.0, slope)
        + 0.8 * np.exp(-river_distance / np.float32(0.008))
        + 0.8 * np.exp(-coast_distance / np.float32(0.006))
        + 0.3 * fractal(shape, rng, exponent=2.8, max_size=1024)
    )
    bare = _top(bare_score, free, round(preset.unutilized_share * n_land))
    lulc[bare] = UNUTILIZED
    free &= ~bare
    crop_score = (
        -0.9 * smoothstep(1.0, 10.0, slope)
        - 0.6 * elevation_index
        + 0.3 * fractal(shape, rng, exponent=3.0, max_size=1024)
        + 0.25 * np.minimum(core_distance / 3.0, 1.0)
    )
    lulc[_top(crop_score, free, round(preset.cropland_share * n_land))] = CROPLAND
    lulc[_small_water(lulc)] = GRASSLAND
    return lulc


def urban_score(potential: np.ndarray, base: np.ndarray, protected: np.ndarray) -> np.ndarray:
    """Potential minus the resistance of the base class; ``-inf`` where building is impossible."""
    resistance = np.zeros(7, dtype=np.float32)
    for code, value in _RESISTANCE.items():
        resistance[code] = value
    score = potential - resistance[base]
    score[protected] = -np.inf
    return score


def builtup_share(preset: Preset, year: int) -> float:
    """Share of land that is built up in ``year`` (exponential growth towards the 2020 share)."""
    share = preset.builtup_share_2020 * (1.0 + preset.growth_rate) ** (year - REFERENCE_YEAR)
    return float(np.clip(share, 0.005, 0.9))


def cover_for_share(
    base: np.ndarray, sorted_scores: np.ndarray, score: np.ndarray, always: np.ndarray, share: float, n_land: int
) -> np.ndarray:
    """Land cover with the top ``share`` of land built up (plus ``always`` built cells).

    ``sorted_scores`` are the finite scores in descending order; thresholds on it give
    nested built-up sets for increasing shares.
    """
    count = int(np.clip(round(share * n_land), 0, sorted_scores.size))
    built = always.copy()
    if count > 0:
        built |= score >= sorted_scores[count - 1]
    lulc = base.copy()
    lulc[built] = CONSTRUCTION
    lulc[_small_water(lulc)] = CONSTRUCTION  # remnants of reclaimed lakes
    return lulc
