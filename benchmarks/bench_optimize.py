"""Benchmark of the Shenzhen optimization (ecnet_lab.optimize) on the synthetic ``shenzhen`` city.

Chain: MSPA of woodland + water (edge 1 cell) -> sources (core > ``min_core_km2``, dPC > 0.1) ->
Shenzhen resistance preset -> baseline :func:`~ecnet_lab.optimize.evaluate` (corridors, adjacent-pair
pinch points, all-to-one current, barriers with 2 radii, network, PC/ECA) -> :func:`optimize_network`
(add sources, stepping stones, breakpoints on the road lines, re-evaluation). One JSON line per stage
and one for the whole before/after.

Run: ``python benchmarks/bench_optimize.py [size]`` (default 600).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import emit, log, measure

from ecnet_lab import mspa, resistance, synth
from ecnet_lab.optimize import Scenario, evaluate, optimize_network
from ecnet_lab.sources import select

SCENARIO = Scenario(
    n_new_sources=6,
    min_source_area_km2=0.1,
    min_source_distance_m=300.0,
    stone_spacing_m=3000.0,
    stone_radius_m=90.0,
    road_class_column="kind",
)


def main(size: int = 600, min_core_km2: float = 2.0) -> None:
    label = f"{size}x{size}"
    t0 = time.perf_counter()
    log(f"building the shenzhen city at {size} x {size} ...")
    ds = synth.city("shenzhen", shape=(size, size), seed=0)
    roads = synth.city_vectors("shenzhen", shape=(size, size), seed=0)["roads"]

    def prepare():
        classes = mspa.mspa(mspa.foreground_from_classes(ds["lulc"], [2, 3]), edge_width=1, intext=False)
        sel = select(classes, min_core_area_km2=min_core_km2, aggregation_distance_m=0.0, distance_m=2000.0)
        res = resistance.from_preset("shenzhen", ds.assign(mspa=classes))
        return sel, res

    sec, peak, (sel, res) = measure(prepare)
    emit("optimize.prepare", label, sec, peak, sources=len(sel.sources))

    def baseline():
        return evaluate(res, sel.sources, sel.labels, width=3000.0, barrier_radii_m=(60.0, 120.0), distance_m=2000.0)

    sec_b, peak_b, before = measure(baseline)
    emit("optimize.evaluate_baseline", label, sec_b, peak_b, corridors=len(before.corridors))

    sec_o, peak_o, out = measure(lambda: optimize_network(before, SCENARIO, selection=sel, roads=roads))
    table = out.table()
    emit(
        "optimize.optimize_network",
        label,
        sec_o,
        peak_o,
        added_sources=len(out.addition.added),
        stepping_stones=len(out.stepping_stones),
        breakpoints=len(out.breakpoints),
        corridors_after=len(out.after.corridors),
        max_current_before=round(float(table.loc[("current", "max_current_A"), "baseline"]), 4),
        max_current_after=round(float(table.loc[("current", "max_current_A"), "optimized"]), 4),
    )
    emit("optimize.before_after_total", label, time.perf_counter() - t0, max(peak, peak_b, peak_o))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
