"""MSPA speed against the JRC reference (pyguidos) on a ~10-megapixel map, in the same run.

The map is the Hong Kong 2018-2022 habitat map (woodland + shrubland = foreground, nodata =
missing) tiled 2 x 2 and cropped to 3016 x 3316 = 10.0 Mpx. For each connectivity (8, 4) and
edge width (1, 2, 5) we time ``ecnet_lab.mspa.mspa`` (xarray in, xarray out) and pyguidos two
ways: its public ``pyguidos.mspa`` call (GeoTIFF in and out, as users run it) and its bare
compiled engine (``pyguidos._mspa._mspa.mspa`` on the array, no I/O). ``ratio`` is our time
over the public pyguidos time; ``ratio_engine`` over the bare engine. ``agreement`` is the
share of pixels with the same code as pyguidos. ``peak_mb`` is the peak traced allocation
(tracemalloc; numba kernels' arrays included). The numba kernels are compiled (or loaded from
their cache) on a crop first, for every setting. Falls back to a synthetic city when the
shared data are absent.

Run: ``python benchmarks/bench_mspa.py`` (or ``python benchmarks/run.py mspa``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr

sys.path.insert(0, str(Path(__file__).parent))
from _harness import emit, log, measure

from ecnet_lab.mspa import mspa

HK = Path(__file__).resolve().parents[2] / "shared" / "data" / "hk-habitat" / "habitat_6class"
SHAPE = (3016, 3316)


def _map() -> tuple[np.ndarray, np.ndarray, str]:
    """(foreground, missing, source) of the ~10 Mpx benchmark map."""
    tif = HK / "HabitatMapHK_6class_2018-2022.tif"
    if tif.exists():
        import rasterio

        with rasterio.open(tif) as src:
            codes = src.read(1)
        fg = np.tile(np.isin(codes, (1, 2)), (2, 2))[: SHAPE[0], : SHAPE[1]]
        missing = np.tile(codes == 0, (2, 2))[: SHAPE[0], : SHAPE[1]]
        return fg, missing, "hk-2018-2022 tiled 2x2"
    from ecnet_lab.synth import city

    lulc = city("shenzhen", shape=SHAPE, seed=0)["lulc"].values
    return np.isin(lulc, (1, 2)), np.zeros(SHAPE, bool), "synthetic shenzhen"


def _pyguidos_public(tif: Path, connectivity: int, edge_width: int):
    import pyguidos

    return pyguidos.mspa(tif, connectivity=connectivity, edge_width=edge_width, statists=False, stat_files=False)


def main() -> None:
    fg, missing, source = _map()
    size = f"{fg.shape[0]}x{fg.shape[1]}"
    values = np.where(missing, np.nan, fg.astype(np.float32))
    da = xr.DataArray(
        values, dims=("y", "x"), coords={"y": np.arange(fg.shape[0]) * -30.0, "x": np.arange(fg.shape[1]) * 30.0}
    )
    try:
        import pyguidos  # noqa: F401
        from pyguidos._mspa import _mspa
    except ImportError:
        _mspa = None
        log("pyguidos is not installed: timing ecnet_lab only")
    settings = [(connectivity, edge_width) for connectivity in (8, 4) for edge_width in (1, 2, 5)]
    for connectivity, edge_width in settings:  # compile (or load) the numba kernels first
        mspa(da.isel(y=slice(600, 1000), x=slice(1000, 1400)), connectivity=connectivity, edge_width=edge_width)
    with tempfile.TemporaryDirectory() as tmp:
        tif = Path(tmp) / "bench_fg.tif"
        if _mspa is not None:
            import rasterio
            from rasterio.transform import from_origin

            profile = {"driver": "GTiff", "height": fg.shape[0], "width": fg.shape[1], "count": 1, "dtype": "uint8",
                       "crs": "EPSG:2326", "transform": from_origin(800000.0, 850000.0, 30.0, 30.0)}  # fmt: skip
            with rasterio.open(tif, "w", **profile) as dst:
                dst.write(np.where(missing, 0, np.where(fg, 2, 1)).astype(np.uint8), 1)
        raw = np.ascontiguousarray(np.where(missing, 0, np.where(fg, 2, 1)).astype(np.uint8))
        for connectivity, edge_width in settings:
            log(f"connectivity={connectivity} edge_width={edge_width}: ecnet_lab ...")
            ours_s, ours_mb, ours = measure(
                lambda c=connectivity, ew=edge_width: mspa(da, connectivity=c, edge_width=ew)
            )
            extra = {"connectivity": connectivity, "edge_width": edge_width, "source": source}
            if _mspa is not None:
                log("  pyguidos public call ...")
                pub_s, pub_mb, _ = measure(lambda c=connectivity, ew=edge_width: _pyguidos_public(tif, c, ew))
                log("  pyguidos engine ...")
                t0 = time.perf_counter()
                ref, _ = _mspa.mspa(raw, float(edge_width), connectivity, 1, 1)
                eng_s = time.perf_counter() - t0
                ref = np.where(ref == 2, 0, ref)
                extra.update(
                    pyguidos_seconds=round(pub_s, 4),
                    pyguidos_peak_mb=round(pub_mb, 1),
                    pyguidos_engine_seconds=round(eng_s, 4),
                    ratio=round(ours_s / pub_s, 3),
                    ratio_engine=round(ours_s / eng_s, 3),
                    agreement=round(float((ours.values == ref).mean()), 6),
                )
            emit("mspa", size, ours_s, ours_mb, **extra)


if __name__ == "__main__":
    main()
