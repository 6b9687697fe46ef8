"""Benchmark ecnet_lab.synth.city: generation time and memory for 500, 1000 and 2000 cells a side.

Acceptance: 2000 x 2000 cells in at most 10 s on the project machine (2 cores).
Run: ``python benchmarks/bench_synth.py`` (JSON lines on stdout, progress on stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import bench, log

from ecnet_lab.synth import PRESET_NAMES, city
from ecnet_lab.synth._build import landscape

SIZES = (500, 1000, 2000)
LIMIT_S = 10.0


def _fresh_city(preset: str, size: int, **kwargs):
    landscape.cache_clear()  # time a full generation, not a cache hit
    return city(preset, shape=(size, size), **kwargs)


def main() -> int:
    log("warming up (numba kernels are compiled or loaded from the cache)")
    _fresh_city("jinan", 64)
    slow = []
    for size in SIZES:
        for preset in PRESET_NAMES:
            log(f"synth.city {preset} {size}x{size}")
            row = bench(f"synth.city[{preset}]", size, lambda p=preset, s=size: _fresh_city(p, s), cells=size * size)
            if size == 2000 and row["seconds"] > LIMIT_S:
                slow.append(row)
    log("synth.city with 5 years at 1000x1000")
    bench(
        "synth.city[wuhan,5 years]",
        1000,
        lambda: _fresh_city("wuhan", 1000, years=[2000, 2005, 2010, 2015, 2020]),
        cells=1000 * 1000,
    )
    if slow:
        log(f"over the {LIMIT_S} s limit at 2000x2000: {slow}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
