"""Benchmark of the Linkage Mapper chain on the synthetic ``shenzhen`` city.

Whole chain at 1500 x 1500 cells (30 m) with 17 sources: cost distances + links +
corridors (Linkage Pathways), pinch points in adjacent-pair mode, barriers with 3 radii,
centrality. One JSON line per stage and one for the whole chain (target <= 300 s); then,
outside the chain, pinch points in all-to-one mode and the 1000-9000 width sweep.

Resistance: land-cover reclassification (grassland 10, woodland 1, water 100, cropland 30,
unutilized 50, construction 500). Sources: the 17 largest patches of ecological land
(woodland + grassland) after removing a 4-cell edge (morphological core).

Run: ``python benchmarks/bench_linkage.py [size]`` (default 1500).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).parent))

from _harness import emit, log, measure

from ecnet_lab.linkage import (
    barrier_polygons,
    barriers,
    centrality,
    linkage_pathways,
    pinch_polygons,
    pinchpoints,
    width_sweep,
)
from ecnet_lab.synth import city

RESISTANCE = {1: 10.0, 2: 1.0, 3: 100.0, 4: 30.0, 5: 50.0, 6: 500.0}


def inputs(size: int, n_sources: int = 17):
    ds = city("shenzhen", shape=(size, size))
    lulc = ds["lulc"]
    res = np.full(lulc.shape, np.nan)
    for code, value in RESISTANCE.items():
        res[lulc.values == code] = value
    resistance = lulc.copy(data=res).rename("resistance")
    core = ndimage.binary_erosion(np.isin(lulc.values, (1, 2)), structure=np.ones((3, 3), bool), iterations=4)
    lab, _ = ndimage.label(core, structure=np.ones((3, 3), bool))
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    keep = np.argsort(-sizes, kind="stable")[:n_sources]
    out = np.zeros(lab.shape, dtype="int32")
    for i, k in enumerate(keep, start=1):
        out[lab == k] = i
    return resistance, lulc.copy(data=out).rename("sources")


def main(size: int = 1500) -> None:
    log(f"building the shenzhen city at {size} x {size} ...")
    resistance, sources = inputs(size)
    n_src = int(sources.values.max())
    label = f"{size}x{size}"
    total = 0.0
    t0 = time.perf_counter()

    sec, peak, lp = measure(lambda: linkage_pathways(resistance, sources, width=3000.0, progress=False))
    total += sec
    emit("linkage.pathways", label, sec, peak, sources=n_src, corridors=len(lp.corridors))

    def pinch():
        pp = pinchpoints(lp, mode="adjacent", progress=False)
        return pp, pinch_polygons(pp, lp.corridor_id, q=0.9)

    sec, peak, (_pp, pins) = measure(pinch)
    total += sec
    emit("linkage.pinchpoints_adjacent", label, sec, peak, pinch_points=len(pins))

    def bar():
        b = barriers(lp, radii=[60.0, 120.0, 180.0], progress=False)
        return b, barrier_polygons(b, lp.corridor_id, q=0.9)

    sec, peak, (_b, bars) = measure(bar)
    total += sec
    emit("linkage.barriers_3radii", label, sec, peak, barriers=len(bars))

    sec, peak, _cen = measure(lambda: centrality(lp, progress=False))
    total += sec
    emit("linkage.centrality", label, sec, peak)

    wall = time.perf_counter() - t0
    emit("linkage.chain", label, total, 0.0, wall_seconds=round(wall, 2), target_seconds=300, ok=total <= 300)

    # extras, not part of the chain target
    sec, peak, _ = measure(lambda: pinchpoints(lp, mode="all_to_one", progress=False))
    emit("linkage.pinchpoints_all_to_one", label, sec, peak)
    sec, peak, table = measure(lambda: width_sweep(lp, progress=False))
    emit("linkage.width_sweep_1000_9000", label, sec, peak, optimal_width=table.attrs["optimal_width"])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1500)
