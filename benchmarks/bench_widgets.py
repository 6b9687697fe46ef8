"""Benchmark the widgets: slider change -> re-computed -> redrawn latency on a 1000 x 1000 synthetic city.

The source-threshold slider (minimum core area, km2) of a :class:`ecnet_lab.widgets.ThresholdSweep`
re-runs a realistic downstream step on the city's ecological land (grassland + woodland): the
patch label raster (labelled once) is filtered by area with :func:`ecnet_lab.patches.filter_by_area`,
the response is the number of sources, and a :class:`ecnet_lab.widgets.LayerMap` redraws the
sources layer in place (GeoJSON polygons; in a second measurement also a raster overlay).
Latency is the wall time from setting the slider value to the widget being idle again (result
computed, curve and map redrawn), in the default debounced background mode (the 0.3 s debounce
included) and in sync mode.

Acceptance (issue 9): <= 2 s per slider change on a 1000 x 1000 city.
Run: ``python benchmarks/bench_widgets.py`` (JSON lines on stdout, progress on stderr).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import bench, emit, log
from ecnet_lab.widgets import LayerMap, ThresholdSweep

from ecnet_lab import patches
from ecnet_lab.synth import city

SIZE = 1000
LIMIT_S = 2.0
THRESHOLDS = (0.05, 0.1, 0.3, 0.7, 1.5, 3.0, 0.2)  # km2; each one new (no cache hit)


def _setup():
    ds = city("jinan", shape=(SIZE, SIZE))
    ecological = ds["lulc"].isin([1, 2])  # grassland and woodland
    labels = patches.patch_labels(ecological, connectivity=8)
    table = patches.describe_patches(labels)  # polygons once, like a Study caches its patch step
    return labels, table


def _latency(sweep: ThresholdSweep, values) -> list[float]:
    times = []
    for v in values:
        t0 = time.perf_counter()
        sweep.sliders["min_core_area_km2"].value = v
        if not sweep.wait(60):
            raise RuntimeError("the widget did not finish within 60 s")
        times.append(time.perf_counter() - t0)
        if sweep.error:
            raise RuntimeError(sweep.error)
    return times


def _run(labels, table, *, sync: bool, raster_layer: bool) -> list[float]:
    lmap = LayerMap(basemap=False)
    lmap.add_vector("sources", table[table["area_km2"] > 1.0], style_by=None, color="#1a9641")
    if raster_layer:
        lmap.add_raster("source raster", patches.filter_by_area(labels, 1.0) > 0, kind="categorical", hide=(0,))
    state = {}

    def compute(p):
        kept = patches.filter_by_area(labels, p["min_core_area_km2"])
        state["kept"] = kept
        return {
            "n_sources": int(kept.max()),
            "source_area_km2": float(table.loc[table["area_km2"] > p["min_core_area_km2"], "area_km2"].sum()),
        }

    def redraw_map(change):
        area = change["new"]["min_core_area_km2"]
        lmap.update_vector("sources", table[table["area_km2"] > area])
        if raster_layer:
            lmap.update_raster("source raster", state["kept"] > 0)

    sweep = ThresholdSweep(
        {"min_core_area_km2": (0.0, 5.0, 0.05, 1.0, "minimum core area", "km2")},
        compute,
        "n_sources",
        sync=sync,
    )
    sweep.wait(60)
    sweep.observe(redraw_map, names="current")
    times = _latency(sweep, THRESHOLDS)
    n_features = lmap.layer_state()["sources"]["n_features"]
    log(f"  last change: {sweep.current} -> {n_features} source polygons on the map")
    sweep.close()
    lmap.close()
    return times


def main() -> int:
    log(f"building a {SIZE} x {SIZE} jinan city and labelling its ecological-land patches")
    labels, table = _setup()
    log(f"  {len(table)} patches, largest {table['area_km2'].max():.2f} km2")
    worst = 0.0
    for sync in (False, True):
        for raster_layer in (False, True):
            mode = "sync" if sync else "debounced"
            layers = "vector+raster" if raster_layer else "vector"
            log(f"slider latency: {mode}, map layers {layers}")
            times = _run(labels, table, sync=sync, raster_layer=raster_layer)
            emit(
                f"widgets.sweep_slider_latency[{mode},{layers}]",
                SIZE,
                max(times),
                0.0,
                median_s=round(statistics.median(times), 4),
                n_changes=len(times),
                debounce_s=0.0 if sync else 0.3,
            )
            if not raster_layer:
                worst = max(worst, max(times))
    log("LayerMap.update_raster of a continuous 1000 x 1000 layer (e.g. cumulative current)")
    ds = city("jinan", shape=(SIZE, SIZE))
    lmap = LayerMap(basemap=False)
    lmap.add_raster("current", ds["dem"], kind="continuous")
    bench("widgets.layermap_update_raster[continuous]", SIZE, lambda: lmap.update_raster("current", ds["dem"] * 2))
    lmap.add_raster("lulc", ds["lulc"], kind="categorical")
    bench("widgets.layermap_update_raster[categorical]", SIZE, lambda: lmap.update_raster("lulc", ds["lulc"]))
    lmap.close()
    if worst > LIMIT_S:
        log(f"over the {LIMIT_S} s limit: {worst:.2f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
