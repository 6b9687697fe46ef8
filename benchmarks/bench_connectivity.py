"""Benchmarks of ecnet_lab.connectivity / patches / sources (JSON lines on stdout).

* ``dpc_fractions``: node importance (dPC with intra/flux/connector, and dIIC with fractions) for
  100 and 500 disc-shaped patches scattered over a landscape (targets: 100 <= 1 s, 500 <= 30 s);
  also 1000 with ``--large`` (about 45 s on 2 cores).
* ``edge_to_edge``: exact edge-to-edge distances between the 1000 largest blobs of a 3200 x 3200
  (10.2 Mpx) random map (target <= 20 s).
* ``sources_select_hk``: the whole source selection on Hong Kong 2018-2022 (if the data are present).
Numba kernels are compiled (or loaded from cache) by a warm-up call that is not timed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).parent))
from _harness import bench, emit, log, measure

from ecnet_lab import connectivity as C
from ecnet_lab import patches as P


def disc_landscape(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Areas (km²) and edge-to-edge distances (m) of ``n`` random discs in a square of ~9 km² per patch."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(n) * 3000.0
    xy = rng.uniform(0, side, (n, 2))
    r = rng.uniform(100, 1500, n)
    d = np.maximum(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) - r[:, None] - r[None, :], 0)
    np.fill_diagonal(d, 0)
    return np.pi * r**2 / 1e6, d


def blob_labels(shape=(3200, 3200), n_keep: int = 1000, seed: int = 0) -> xr.DataArray:
    rng = np.random.default_rng(seed)
    smooth = ndimage.gaussian_filter(rng.random(shape, dtype=np.float32), 12)
    mask = smooth > np.quantile(smooth, 0.75)
    ny, nx = shape
    da = xr.DataArray(
        mask, dims=("y", "x"), coords={"y": 30.0 * (ny - np.arange(ny) - 0.5), "x": 30.0 * (np.arange(nx) + 0.5)}
    )
    lab = P.patch_labels(da)
    sizes = np.bincount(lab.values.ravel())[1:]
    keep = np.argsort(sizes)[::-1][:n_keep] + 1
    return P.relabel_sequential(lab, keep=keep)


def main() -> None:
    a, d = disc_landscape(20)
    C.node_importance(a, d)  # warm-up: compile/load the numba kernels
    sizes = (100, 500, 1000) if "--large" in sys.argv else (100, 500)
    for n in sizes:
        a, d = disc_landscape(n)
        log(f"dPC with fractions, {n} patches")
        seconds, peak, table = measure(lambda a=a, d=d: C.node_importance(a, d, distance_m=5000.0, probability=0.5))
        emit(
            "dpc_fractions",
            n,
            seconds,
            peak,
            max_connector=round(float(table["dPCconnector"].max()), 4),
            target_s={100: 1.0, 500: 30.0}.get(n),
        )

    log("edge-to-edge distances, 1000 blobs on 3200 x 3200")
    lab = blob_labels()
    P.edge_to_edge_distances(blob_labels((200, 200), 20))  # warm-up
    bench(
        "edge_to_edge",
        f"{int(lab.max())} patches, {lab.size / 1e6:.1f} Mpx",
        lambda: P.edge_to_edge_distances(lab),
        target_s=20.0,
    )
    bench("aggregation_groups_1000m", f"{int(lab.max())} patches", lambda: P.aggregation_groups(lab, 1000.0))

    here = Path(__file__).resolve().parents[1]
    hk = here.parent / "shared" / "data" / "hk-habitat" / "habitat_6class" / "HabitatMapHK_6class_2018-2022.tif"
    if hk.exists():
        import rioxarray

        from ecnet_lab.mspa import foreground_from_classes
        from ecnet_lab.mspa import mspa as run_mspa
        from ecnet_lab.sources import select

        hab = rioxarray.open_rasterio(hk, masked=True).squeeze("band", drop=True)
        mspa = run_mspa(foreground_from_classes(hab, [1, 2]))
        bench("sources_select_hk", f"{hab.size / 1e6:.1f} Mpx", lambda: select(mspa, min_core_area_km2=0.5))
    else:
        log(f"skipping sources_select_hk: {hk} not found")


if __name__ == "__main__":
    main()
