"""Tests of ecnet_lab.widgets.ThresholdSweep through its state (no browser or kernel needed)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import ipywidgets as ipw
import numpy as np
import pytest
from ecnet_lab.widgets import SliderSpec, ThresholdSweep
from matplotlib.figure import Figure

from ecnet_lab import stats

TIMEOUT = 10.0


class Recorder:
    """A compute callable that records its calls; ``gate`` blocks the calls whose value is in ``block``."""

    def __init__(self, fn, block=()):
        self.fn = fn
        self.calls = []
        self.block = set(block)
        self.gate = threading.Event()
        self.started = threading.Event()

    def __call__(self, params):
        self.calls.append(dict(params))
        if params["a"] in self.block:
            self.started.set()
            assert self.gate.wait(TIMEOUT)
        return self.fn(params)


def test_slider_spec_forms_and_errors():
    spec = SliderSpec.coerce("w", (1000, 9000, 1000, 4000, "corridor width", "m"))
    assert spec.is_int and spec.title("w") == "corridor width (m)"
    assert spec.grid().tolist() == list(range(1000, 9001, 1000))
    assert SliderSpec.coerce("p", {"min": 0.0, "max": 1.0, "step": 0.05, "value": 0.65}).value == 0.65
    assert SliderSpec(0.0, 1.0, 0.3, 0.0).grid().tolist() == pytest.approx([0.0, 0.3, 0.6, 0.9])
    with pytest.raises(ValueError, match=r"'w'.*below max"):
        SliderSpec.coerce("w", (5, 1, 1, 3))
    with pytest.raises(ValueError, match="step"):
        SliderSpec.coerce("w", (0, 1, 0, 0))
    with pytest.raises(ValueError, match="value"):
        SliderSpec.coerce("w", (0, 1, 0.1, 2))
    with pytest.raises(TypeError, match="'w'"):
        SliderSpec.coerce("w", (0, 1))
    with pytest.raises(TypeError, match="finite number"):
        SliderSpec.coerce("w", (0, "1", 0.1, 0))


def test_constructor_errors():
    with pytest.raises(ValueError, match="non-empty"):
        ThresholdSweep({}, lambda p: 1.0)
    with pytest.raises(TypeError, match="callable"):
        ThresholdSweep({"a": (0, 1, 1, 0)}, 3)
    with pytest.raises(ValueError, match="x_param='b'"):
        ThresholdSweep({"a": (0, 1, 1, 0)}, lambda p: 1.0, x_param="b")


def test_sync_mode_updates_state_on_programmatic_change():
    w = ThresholdSweep({"a": (0.0, 10.0, 0.5, 2.0, "area", "km2")}, lambda p: 100 - p["a"] ** 2, "n", sync=True)
    assert isinstance(w, ipw.VBox) and isinstance(w.sliders["a"], ipw.FloatSlider)
    assert w.current == {"a": 2.0, "n": 96.0} and not w.busy
    png0 = w.curve_png
    assert png0[:8] == b"\x89PNG\r\n\x1a\n"
    w.sliders["a"].value = 3.0
    assert w.current == {"a": 3.0, "n": 91.0}
    assert [h["a"] for h in w.history] == [2.0, 3.0]
    assert w.curve_png != png0 and not w.busy and w.error == ""
    assert "91" in w.status.value
    fig = w.static_figure()
    assert isinstance(fig, Figure)
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"  # shows in papermill without pyplot
    w.close()


def test_async_debounced_change_computes_in_background():
    rec = Recorder(lambda p: {"n": p["a"] * 2, "other": 1.0})
    w = ThresholdSweep({"a": (0, 10, 1, 1)}, rec, "n", debounce_s=0.2)
    assert isinstance(w.sliders["a"], ipw.IntSlider)
    assert w.wait(TIMEOUT)
    png = w.curve_png
    for v in (2, 3, 4, 5):  # a drag: one computation after the quiet period
        w.sliders["a"].value = v
    assert w.busy
    assert w.wait(TIMEOUT)
    assert not w.busy and w.current == {"a": 5, "n": 10.0, "other": 1.0}
    assert [c["a"] for c in rec.calls] == [1, 5]
    assert w.curve_png != png
    assert list(w.response_selector.options) == ["n", "other"]
    assert w.last_latency_s is not None and w.last_latency_s >= 0.2
    w.close()


def test_stale_result_is_never_drawn():
    rec = Recorder(lambda p: float(p["a"]), block={1})
    w = ThresholdSweep({"a": (0, 10, 1, 0)}, rec, "r", debounce_s=0.0, compute_now=False)
    drawn = []
    w.image.observe(lambda ch: drawn.append(w.current.get("a")), names="value")
    w.sliders["a"].value = 1  # starts computing and blocks
    assert rec.started.wait(TIMEOUT)
    w.sliders["a"].value = 2  # queued behind 1, stale before it starts
    w.sliders["a"].value = 3  # the latest
    assert w.busy
    rec.gate.set()
    assert w.wait(TIMEOUT)
    assert [c["a"] for c in rec.calls] == [1, 3]  # 2 skipped without computing
    assert [h["a"] for h in w.history] == [3]  # 1 computed but dropped
    assert drawn == [3]
    assert w.current["a"] == 3 and w.discarded == 2 and not w.busy
    w.close()


def test_compute_error_is_shown_and_cleared():
    def compute(p):
        if p["a"] == 5:
            raise RuntimeError("no patch left")
        return p["a"]

    w = ThresholdSweep({"a": (0, 10, 1, 1)}, compute, "r", sync=True)
    w.sliders["a"].value = 5
    assert "no patch left" in w.error and "no patch left" in w.status.value
    assert not w.busy and w.current["a"] == 1 and len(w.history) == 1
    w.sliders["a"].value = 6
    assert w.error == "" and w.current["a"] == 6
    bad = ThresholdSweep({"a": (0, 10, 1, 1)}, lambda p: {"x": 1.0}, "r", sync=True)
    assert "without 'r'" in bad.error
    worse = ThresholdSweep({"a": (0, 10, 1, 1)}, lambda p: "text", "r", sync=True)
    assert "must return a number" in worse.error


def test_cache_reuses_results():
    rec = Recorder(lambda p: p["a"] + 0.5)
    w = ThresholdSweep({"a": (0, 10, 1, 1)}, rec, "r", sync=True)
    w.sliders["a"].value = 2
    w.sliders["a"].value = 1
    assert [c["a"] for c in rec.calls] == [1, 2]
    assert [h["a"] for h in w.history] == [1, 2, 1]
    frac = Recorder(lambda p: p["a"])
    wf = ThresholdSweep({"a": (0.0, 1.0, 0.1, 0.0)}, frac, "r", sync=True)
    wf.run_sweep("a", progress=False)
    assert len(frac.calls) == 11
    wf.sliders["a"].value = 0.3  # the grid's 0.30000000000000004 is the same parameter set
    assert len(frac.calls) == 11 and wf.current["r"] == pytest.approx(0.3)
    nocache = ThresholdSweep({"a": (0, 10, 1, 1)}, Recorder(lambda p: 1.0), "r", sync=True, cache=False)
    nocache.sliders["a"].value = 2
    nocache.sliders["a"].value = 1
    assert len(nocache.compute.calls) == 3


def test_set_params_computes_once():
    rec = Recorder(lambda p: p["a"] * p["b"])
    w = ThresholdSweep({"a": (0, 10, 1, 1), "b": (0.0, 1.0, 0.1, 0.5)}, rec, "r", sync=True)
    w.set_params(a=4, b=0.2)
    assert len(rec.calls) == 2 and w.current == {"a": 4, "b": 0.2, "r": pytest.approx(0.8)}
    with pytest.raises(ValueError, match="unknown parameters"):
        w.set_params(c=1)
    with pytest.raises(ValueError, match="outside the slider range"):
        w.set_params(a=11)


def test_run_sweep_marks_smallest_rate_of_change():
    widths = np.arange(1000, 9001, 1000)
    curve = dict(zip(widths.tolist(), [30.0, 22.0, 17.0, 15.5, 15.2, 14.0, 12.0, 9.0, 5.0], strict=True))
    w = ThresholdSweep(
        {"width_m": (1000, 9000, 1000, 2000, "corridor width", "m"), "p": (0.0, 1.0, 0.1, 0.5)},
        lambda q: curve[q["width_m"]] * (1 + q["p"]),
        "current",
        sync=True,
    )
    png = w.curve_png
    table = w.run_sweep("width_m", progress=False)
    assert table.columns.tolist() == ["width_m", "current"]
    np.testing.assert_allclose(table["current"], np.array(list(curve.values())) * 1.5)
    ref = stats.smallest_rate_of_change(table["width_m"], table["current"])
    assert w.sweep_optimum.x == ref.x == 4000 and w.sweep_optimum.interval == (4000, 5000)
    assert w.curve_png != png
    ax = w.static_figure().axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert "smallest rate of change" in labels and "sweep" in labels and "current" in labels
    # the sweep reuses its results for slider moves
    n_hist = len(w.history)
    w.sliders["width_m"].value = 4000
    assert w.current["current"] == pytest.approx(15.5 * 1.5) and len(w.history) == n_hist + 1
    with pytest.raises(ValueError, match="name='q'"):
        w.run_sweep("q")
    with pytest.raises(ValueError, match="empty"):
        w.run_sweep("width_m", [])


def test_sweep_can_be_interrupted_and_run_in_background():
    def compute(p):
        if p["a"] == 3:
            raise KeyboardInterrupt
        return p["a"] ** 2

    w = ThresholdSweep({"a": (0, 5, 1, 0)}, compute, "r", sync=True)
    with pytest.warns(UserWarning, match="interrupted after 3 of 6"):
        table = w.run_sweep("a", progress=False)
    assert table["a"].tolist() == [0, 1, 2] and w.sweep_optimum.x == 0
    assert "stopped" in w.status.value

    w2 = ThresholdSweep({"a": (0, 5, 1, 0)}, lambda p: -((p["a"] - 3) ** 2), "r", debounce_s=0.01)
    fut = w2.run_sweep("a", [1, 2, 3, 4], progress=False, background=True)
    assert w2.wait(TIMEOUT) and not w2.busy  # waits for the sweep too
    assert fut.done()
    table = fut.result()
    assert table["r"].tolist() == [-4, -1, 0, -1] and w2.sweep_optimum.x == 2
    w2.close()


def test_x_axis_selector_and_explored_points():
    w = ThresholdSweep({"a": (0, 10, 1, 1), "b": (0, 10, 1, 1)}, lambda p: p["a"] + 10 * p["b"], "r", sync=True)
    w.sliders["a"].value = 2
    w.sliders["b"].value = 3
    w.sliders["a"].value = 4
    explored = w._explored("a", "r")
    assert explored["a"].tolist() == [2, 4]  # points with b == 3 only
    assert w._explored("b", "r")["b"].tolist() == [3]  # a == 4 only
    png = w.curve_png
    w.x_selector.value = "b"
    assert w.curve_png != png
    assert w.static_figure().axes[0].get_xlabel() == "b"


def test_engine_never_imports_widgets():
    code = (
        "import sys, ecnet_lab, ecnet_lab.stats, ecnet_lab.webstyle, ecnet_lab.webmap;"
        "print(any(m.startswith('ecnet_lab.widgets') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_wait_times_out_while_blocked():
    rec = Recorder(lambda p: 1.0, block={2})
    w = ThresholdSweep({"a": (0, 10, 1, 0)}, rec, "r", debounce_s=0.0)
    assert w.wait(TIMEOUT)
    w.sliders["a"].value = 2
    assert rec.started.wait(TIMEOUT)
    t0 = time.perf_counter()
    assert not w.wait(0.1) and w.busy
    assert time.perf_counter() - t0 < 2
    rec.gate.set()
    assert w.wait(TIMEOUT) and not w.busy
    w.close()
