"""Layers derived from terrain and land cover: reflectance bands, population, night lights,
climate (precipitation, reference evapotranspiration), net primary productivity and soil types."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._frame import Frame
from ._landcover import CONSTRUCTION, CROPLAND, GRASSLAND, UNUTILIZED, WATER, WOODLAND
from ._noise import smoothstep, upsample
from ._presets import Preset

__all__ = [
    "BANDS",
    "SOIL_CLASSES",
    "bands",
    "nightlight",
    "npp",
    "pet",
    "population",
    "precipitation",
    "soil",
]

BANDS = ("green", "red", "nir", "swir1")
# Typical Landsat surface reflectance (green, red, NIR, SWIR1) per LULC code.
_REFLECTANCE = np.zeros((7, 4), dtype=np.float32)
_REFLECTANCE[GRASSLAND] = (0.08, 0.07, 0.28, 0.20)
_REFLECTANCE[WOODLAND] = (0.06, 0.035, 0.34, 0.14)
_REFLECTANCE[WATER] = (0.07, 0.045, 0.025, 0.012)
_REFLECTANCE[CROPLAND] = (0.085, 0.075, 0.30, 0.21)
_REFLECTANCE[UNUTILIZED] = (0.14, 0.19, 0.25, 0.33)
_REFLECTANCE[CONSTRUCTION] = (0.12, 0.14, 0.18, 0.22)

_NPP = np.array([0, 380, 650, 0, 480, 60, 90], dtype=np.float32)  # gC m-2 yr-1 at 1000 mm/yr rain
_RURAL_DENSITY = np.array([0, 120, 20, 0, 160, 10, 0], dtype=np.float32)  # people/km2 outside built-up land

# Simplified Chinese genetic soil classes; codes 1-5 are the soils of the Shenzhen study (Table 2),
# numbered as ecnet_lab.resistance.presets.SHENZHEN_SOIL_CODES, and 6-8 add the northern and rocky soils.
SOIL_CLASSES = {
    0: "none",  # water: no soil
    1: "red_soil",  # red earth of subtropical hills (Wuhan, Shenzhen)
    2: "paddy_soil",  # "rice soil": anthropogenic soil of irrigated lowland
    3: "fluvo_aquic_soil",  # "tidal soil" (chao tu): alluvial soils of floodplains
    4: "yellow_red_soil",  # latosolic red / yellow-red soils of the south China coast
    5: "coastal_saline_soil",  # salinised coastal flats
    6: "cinnamon_soil",  # drained uplands of the warm-temperate north (Jinan)
    7: "brown_soil",  # forested mountains of the north
    8: "lithosol",  # thin stony soils of steep slopes
}


def bands(
    lulc: np.ndarray, vigour: np.ndarray, brightness: np.ndarray, fields: np.ndarray, urban_green: np.ndarray
) -> dict:
    """Green, red, NIR and SWIR1 reflectance (0..1) consistent with the land cover.

    Vegetation vigour raises NIR and lowers red on vegetated cells, crop fields differ from
    each other, built-up pixels contain a fraction ``urban_green`` of vegetation (more at the
    fringe than in the core), and land pixels mix a little with their neighbours; water pixels
    stay pure, so MNDWI > 0 on all water and NDVI is highest in woodland.
    """
    base = _REFLECTANCE[lulc]
    built = (lulc == CONSTRUCTION)[..., None]
    green_part = np.where(built, urban_green[..., None], 0).astype(np.float32)
    base = (1 - green_part) * base + green_part * _REFLECTANCE[GRASSLAND]
    green, red, nir, swir = (base[..., k] for k in range(4))
    vegetated = (lulc == GRASSLAND) | (lulc == WOODLAND) | (lulc == CROPLAND)
    boost = np.where(vegetated, np.float32(0.12) * vigour, 0).astype(np.float32)
    nir = nir * (1 + boost) + np.where(lulc == CROPLAND, np.float32(0.05) * fields, 0)
    red = red * (1 - boost)
    water = lulc == WATER
    out = {}
    for name, band in zip(BANDS, (green, red, nir, swir), strict=True):
        band = band.astype(np.float32)
        mixed = ndimage.gaussian_filter(band, sigma=0.8, truncate=3.0)
        band = np.where(water, band, 0.75 * band + 0.25 * mixed) * (1 + np.float32(0.06) * brightness)
        out[name] = np.clip(band, 0.001, 1.0).astype(np.float32)
    return out


def population(lulc: np.ndarray, centres: np.ndarray, noise: np.ndarray, preset: Preset, year: int) -> np.ndarray:
    """Population density (people/km2): high on construction near the centres, sparse in the countryside."""
    urban = preset.population_core * (0.08 + 0.92 * centres)
    density = np.where(lulc == CONSTRUCTION, urban, _RURAL_DENSITY[lulc])
    growth = (1.0 + 0.012) ** (year - 2020)
    return (density * np.exp(0.3 * np.clip(noise, -2.5, 2.5)) * growth).astype(np.float32)


def nightlight(lulc: np.ndarray, centres: np.ndarray, roads: np.ndarray, frame: Frame, preset: Preset, year: int):
    """Night-time light radiance (nW cm-2 sr-1, VIIRS-like): lit built-up land blurred by the sensor footprint."""
    lit = np.where(lulc == CONSTRUCTION, preset.nightlight_core * (0.1 + 0.9 * centres), 0).astype(np.float32)
    lit += np.float32(0.08 * preset.nightlight_core) * roads
    sigma_cells = min(350.0, 0.02 * frame.scale) / frame.resolution
    factor = max(1, int(sigma_cells // 2))
    rows, cols = (-(-frame.rows // factor)) * factor, (-(-frame.cols // factor)) * factor
    padded = np.pad(lit, ((0, rows - frame.rows), (0, cols - frame.cols)), mode="edge")
    coarse = padded.reshape(rows // factor, factor, cols // factor, factor).mean(axis=(1, 3))
    coarse = ndimage.gaussian_filter(coarse, sigma=max(sigma_cells / factor, 0.5))
    fine = upsample(coarse, (rows, cols))[: frame.rows, : frame.cols]
    growth = (1.0 + 0.03) ** (year - 2020)
    return ((0.3 + fine) * growth).astype(np.float32)


def precipitation(frame: Frame, preset: Preset, dem: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Mean annual precipitation (mm/yr): preset mean, regional gradients, orographic increase, noise."""
    gx, gy = preset.precipitation_gradient
    z0 = float(np.median(dem))
    p = preset.precipitation + gx * (frame.u - 0.5) + gy * (frame.v - 0.5) + 0.35 * (dem - z0)
    return np.maximum(p * (1 + 0.04 * noise), 100.0).astype(np.float32)


def pet(preset: Preset, dem: np.ndarray, centres: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Reference evapotranspiration (mm/yr): lower on high ground, a little higher in the urban heat island."""
    z0 = float(np.median(dem))
    e = preset.pet * (1 - 0.00025 * (dem - z0)) * (1 + 0.04 * centres) * (1 + 0.02 * noise)
    return np.maximum(e, 200.0).astype(np.float32)


def npp(lulc: np.ndarray, rain: np.ndarray, vigour: np.ndarray) -> np.ndarray:
    """Net primary productivity (gC m-2 yr-1): class base value scaled by a Miami-model rain factor and vigour."""
    climate = (1 - np.exp(-0.000664 * rain)) / (1 - np.exp(-0.664))
    return (_NPP[lulc] * climate * (1 + 0.15 * vigour)).astype(np.float32)


def soil(
    preset: Preset,
    water: np.ndarray,
    slope: np.ndarray,
    elevation_index: np.ndarray,
    river_distance: np.ndarray,
    coast_distance: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """Soil type codes (see ``SOIL_CLASSES``) from terrain position, rivers and the coast."""
    height = elevation_index + 0.08 * noise
    out = np.full(water.shape, preset.soil_upland, dtype=np.uint8)
    out[height < 0.12] = preset.soil_lowland
    out[(river_distance < 0.03 + 0.01 * noise) & (height < 0.3)] = 3
    out[height > 0.45] = preset.soil_mountain
    out[smoothstep(20.0, 35.0, slope) + 0.1 * noise > 0.5] = 8
    out[coast_distance < 0.012 + 0.004 * noise] = 5
    out[water] = 0
    return out
