"""Benchmark: 10-megapixel, 5-factor weighted overlay with Jenks natural breaks (target <= 10 s).

Runs the Jinan preset with ``breaks="natural"`` (LULC reclass + four natural-break factors, NDVI
derived from two bands) on smooth random layers of 2500 x 4000 cells (and a smaller size for the
scaling trend), then the per-factor contribution breakdown. Prints one JSON line per measurement.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import rioxarray  # noqa: F401
import xarray as xr
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).parent))
from _harness import bench, log

from ecnet_lab.resistance import factor_contributions, from_preset, natural_breaks, preset


def layers(shape: tuple[int, int], seed: int = 0) -> dict[str, xr.DataArray]:
    rng = np.random.default_rng(seed)
    ny, nx = shape
    coords = {"y": 4_000_000.0 - 30.0 * (np.arange(ny) + 0.5), "x": 500_000.0 + 30.0 * (np.arange(nx) + 0.5)}

    def smooth(scale: float) -> np.ndarray:
        small = rng.random((max(ny // 50, 2), max(nx // 50, 2)))
        return ndimage.zoom(small, (ny / small.shape[0], nx / small.shape[1]), order=1)[:ny, :nx] * scale

    def da(v):
        return xr.DataArray(v, dims=("y", "x"), coords=coords).rio.write_crs("EPSG:32650")

    lulc = (smooth(5.999) + 1).astype(np.uint8)
    red = smooth(0.2) + 0.02
    return {
        "lulc": da(lulc),
        "population": da(smooth(20000.0)),
        "slope": da(smooth(25.0)),
        "dem": da(smooth(800.0)),
        "red": da(red),
        "nir": da(red + smooth(0.5)),
    }


def main() -> None:
    # mapclassify's Fisher-Jenks kernel is numba-compiled on first use: report that one-off cost apart.
    warm = np.random.default_rng(1).random(1000)
    bench("mapclassify.FisherJenks first call (numba JIT warm-up)", 1000, lambda: natural_breaks(warm, 5))
    for shape in ((1000, 1000), (2500, 4000)):
        data = layers(shape)
        mpx = shape[0] * shape[1] / 1e6
        log(f"resistance overlay on {shape} ({mpx:g} Mpx)")
        bench(
            "resistance.from_preset(jinan, natural breaks)",
            f"{shape[0]}x{shape[1]}",
            lambda data=data: from_preset("jinan", data, breaks="natural"),
            factors=5,
            megapixels=mpx,
            target_seconds=10.0 if mpx >= 10 else None,
        )
        spec = preset("jinan", breaks="natural")
        bench(
            "resistance.factor_contributions(jinan, natural breaks)",
            f"{shape[0]}x{shape[1]}",
            lambda data=data, spec=spec: factor_contributions(spec, data),
            factors=5,
            megapixels=mpx,
        )


if __name__ == "__main__":
    main()
