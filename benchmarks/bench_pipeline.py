"""Benchmark the Shenzhen pipeline: the default report run and the Study slider latency.

1. ``report_default``: wall time of ``ecnet-lab run shenzhen`` with the default parameters (synthetic
   Shenzhen, 800 x 800 cells of 30 m; papermill kernel start, every step, HTML) in a subprocess.
   Acceptance (issue 9): <= 180 s.
2. ``study_full``: all steps of a :class:`ecnet_lab.pipeline.Study` on a 1000 x 1000 city (cold).
3. ``slider_dpc`` / ``slider_min_core_area``: on that 1000 x 1000 city, the latency of one slider change
   of the notebook's widgets (a ThresholdSweep in sync mode bound to
   :func:`ecnet_lab.pipeline.interactive.source_response`, a LayerMap): the study re-runs the affected
   steps (``sources`` for dPC; ``candidates`` + ``sources`` for the minimum core area; everything
   upstream cached), the sweep curve is redrawn and the map's sources layer updated in place. Each
   value is new (no cache hit). Acceptance (issue 9): <= 2 s.

Run: ``python benchmarks/bench_pipeline.py`` (JSON lines on stdout, progress on stderr).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import bench, emit, log

from ecnet_lab.pipeline import Study

SIZE = 1000
SLIDER_LIMIT_S = 2.0
REPORT_LIMIT_S = 180.0


def bench_report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "ecnet_lab.cli", "run", "shenzhen", "--out", str(Path(tmp) / "report")]
        log("running: " + " ".join(cmd[2:]))
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            log(proc.stderr[-2000:])
            raise SystemExit(f"ecnet-lab run shenzhen failed with status {proc.returncode}")
        html = Path(tmp) / "report" / "shenzhen_mspa.html"
        emit(
            "report_default",
            "800x800",
            seconds,
            0.0,
            limit_s=REPORT_LIMIT_S,
            ok=seconds <= REPORT_LIMIT_S,
            html_mb=round(html.stat().st_size / 1e6, 2),
        )


def bench_slider() -> None:
    from ecnet_lab.widgets import LayerMap, ThresholdSweep

    from ecnet_lab.pipeline.interactive import slider_specs, source_response

    study = Study(size=SIZE)
    bench("study_full", f"{SIZE}x{SIZE}", lambda: study.run())
    log(f"study steps (s): { {k: round(v, 2) for k, v in study.timings().items()} }")
    layer_map = LayerMap(basemap=False)  # as in the notebook's interactive cell
    layer_map.add_raster("MSPA", study.results["mspa"], kind="mspa", hide=(0, 100, 129, 220))
    layer_map.add_vector("sources", study.results["sources"].sources, style_by="importance")

    def respond(params):
        responses, chosen = source_response(study, params)
        if chosen is not None:
            layer_map.show("sources", chosen.sources)
        return responses

    sweep = ThresholdSweep(slider_specs(study), respond, "n_sources", sync=True)
    for name, values in (
        ("dpc_threshold", (0.2, 0.5, 1.0, 2.0, 5.0, 0.3)),
        ("min_core_area_km2", (0.5, 2.0, 1.5, 3.0, 0.8)),
    ):
        times, counts = [], []
        for v in values:
            t0 = time.perf_counter()
            sweep.set_params(**{name: v})
            times.append(time.perf_counter() - t0)
            counts.append(int(sweep.history[-1]["n_sources"]))
        sweep.set_params(**{name: getattr(study.config, name)})
        worst = max(times)
        emit(
            f"slider_{name.removesuffix('_km2').removesuffix('_threshold')}",
            f"{SIZE}x{SIZE}",
            statistics.median(times),
            0.0,
            max_s=round(worst, 4),
            limit_s=SLIDER_LIMIT_S,
            ok=worst <= SLIDER_LIMIT_S,
            n_sources=counts,
            reran=sorted({k for k, v in study.counters.items() if v > 1}),
        )


def main() -> None:
    bench_slider()
    bench_report()


if __name__ == "__main__":
    main()
