"""ThresholdSweep: sliders bound to study parameters with a live response curve and full sweeps.

A slider change is debounced, then the response is computed in a single background worker
thread so the kernel stays free. Every request gets a generation number; a result whose
generation is no longer the latest is dropped (never drawn), and a queued request that is
already stale is skipped without computing. :meth:`ThresholdSweep.run_sweep` evaluates the
response over a range of one parameter and marks the point with the smallest rate of change
(:func:`ecnet_lab.stats.smallest_rate_of_change`; Jinan Figures 4 and 11).

The widget knows nothing about the study: it takes ``compute(params) -> float | dict``.
With the pipeline, ``compute`` is e.g. ``lambda p: study.with_params(**p).run(...)``.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
import pandas as pd
import traitlets
from tqdm.auto import tqdm

from ecnet_lab import stats

from ._debounce import Debouncer
from ._render import figure_to_png, new_figure

__all__ = ["SliderSpec", "ThresholdSweep"]

_STALE = object()


@dataclass(frozen=True)
class SliderSpec:
    """Range, step and start value of one parameter slider.

    A tuple ``(min, max, step, value[, label[, units]])`` or a dict with these keys is accepted
    wherever a SliderSpec is expected. Integer min/max/step/value give an integer slider.

    Examples
    --------
    >>> SliderSpec.coerce("min_core_area_km2", (1, 20, 1, 10, "minimum core area", "km2")).label
    'minimum core area'
    """

    min: float
    max: float
    step: float
    value: float
    label: str | None = None
    units: str | None = None

    def __post_init__(self):
        for field_name in ("min", "max", "step", "value"):
            v = getattr(self, field_name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
                raise TypeError(f"slider {field_name}={v!r} must be a finite number")
        if not self.min < self.max:
            raise ValueError(f"slider min={self.min!r} must be below max={self.max!r}")
        if not self.step > 0:
            raise ValueError(f"slider step={self.step!r} must be > 0")
        if not self.min <= self.value <= self.max:
            raise ValueError(f"slider value={self.value!r} must lie in [{self.min!r}, {self.max!r}]")

    @property
    def is_int(self) -> bool:
        return all(isinstance(v, (int, np.integer)) for v in (self.min, self.max, self.step, self.value))

    def grid(self) -> np.ndarray:
        """Every slider position from min to max."""
        n = math.floor((self.max - self.min) / self.step + 1e-9) + 1
        return self.min + self.step * np.arange(n)

    def title(self, name: str) -> str:
        text = self.label or name
        return f"{text} ({self.units})" if self.units else text

    @classmethod
    def coerce(cls, name: str, spec) -> SliderSpec:
        """A SliderSpec from a SliderSpec, a 4-6 tuple or a mapping; errors name the parameter."""
        try:
            if isinstance(spec, SliderSpec):
                return spec
            if isinstance(spec, Mapping):
                return cls(**spec)
            if isinstance(spec, (tuple, list)) and 4 <= len(spec) <= 6:
                return cls(*spec)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"parameter {name!r}: {exc}") from None
        raise TypeError(
            f"parameter {name!r}: spec {spec!r} must be a SliderSpec, a (min, max, step, value[, label[, units]]) "
            "tuple or a dict with those keys"
        )


def _params_key(params: Mapping[str, float]) -> tuple:
    # rounded so that 0.30000000000000004 from a sweep grid and a slider's 0.3 share a cache entry
    return tuple(sorted((k, round(float(v), 10)) for k, v in params.items()))


class ThresholdSweep(ipw.VBox):
    """Sliders bound to parameters, a live curve of the response, and full sweeps.

    Parameters
    ----------
    parameters : dict of str to SliderSpec or tuple
        One slider per parameter: ``{"min_core_area_km2": (1, 20, 1, 10, "minimum core area", "km2")}``.
    compute : callable
        ``compute(params: dict) -> float | dict[str, float]``: the response(s) for a full
        parameter set. It runs in a worker thread unless ``sync=True``.
    response_name : str
        The response drawn (a key of the dict ``compute`` returns, or the name of its float).
    x_param : str, optional
        Parameter on the x axis (default: the first one).
    debounce_s : float
        Quiet time after the last slider change before computing (seconds).
    executor : concurrent.futures.Executor, optional
        Where computations run; default a private single-worker thread pool.
    sync : bool
        Compute immediately in the caller's thread (tests, papermill, scripts); no debounce.
    cache : bool
        Reuse responses of parameter sets computed before (``compute`` must be deterministic).
    compute_now : bool
        Compute the response at the initial slider values when the widget is built.
    continuous_update : bool
        Sliders report while dragging (debounced) rather than only on release.

    Attributes
    ----------
    sliders : dict of str to ipywidgets slider
    history : list of dict
        Every drawn result: the parameter values and the responses, in order.
    current : dict
        The latest drawn result (traitlet). Observe it to redraw other views (e.g. a
        :class:`~ecnet_lab.widgets.LayerMap`); in background mode observers run in the worker thread.
    busy : bool
        True while a change waits for or runs its computation (traitlet).
    error : str
        Message of the last failed computation, ``""`` after a success (traitlet).
    sweep_table : DataFrame or None
        Result of the last :meth:`run_sweep`.
    sweep_optimum : ecnet_lab.stats.RateOfChange or None
        Smallest rate of change of the last sweep.
    discarded : int
        Results dropped because a newer change arrived.

    Examples
    --------
    >>> w = ThresholdSweep({"a": (0.0, 10.0, 1.0, 2.0)}, lambda p: p["a"] ** 2, "square", sync=True)
    >>> w.sliders["a"].value = 3.0
    >>> w.current["square"]
    9.0
    """

    busy = traitlets.Bool(False)
    current = traitlets.Dict()
    error = traitlets.Unicode("")

    def __init__(
        self,
        parameters: Mapping[str, SliderSpec | Sequence | Mapping],
        compute: Callable[[dict], float | Mapping[str, float]],
        response_name: str = "response",
        *,
        x_param: str | None = None,
        debounce_s: float = 0.3,
        executor: Executor | None = None,
        sync: bool = False,
        cache: bool = True,
        compute_now: bool = True,
        continuous_update: bool = True,
        title: str | None = None,
        figsize: tuple[float, float] = (6.0, 3.4),
    ):
        if not isinstance(parameters, Mapping) or not parameters:
            raise ValueError("parameters must be a non-empty dict of name -> slider spec")
        if not callable(compute):
            raise TypeError(f"compute={compute!r} must be callable: compute(params: dict) -> float | dict")
        self.specs = {str(name): SliderSpec.coerce(str(name), spec) for name, spec in parameters.items()}
        if x_param is None:
            x_param = next(iter(self.specs))
        if x_param not in self.specs:
            raise ValueError(f"x_param={x_param!r} is not a parameter; allowed: {list(self.specs)!r}")
        if not debounce_s >= 0:
            raise ValueError(f"debounce_s={debounce_s!r} must be >= 0 seconds")
        self.compute = compute
        self.response_name = str(response_name)
        self.sync = bool(sync)
        self.cache_enabled = bool(cache)
        self.figsize = figsize
        self.history: list[dict] = []
        self.sweep_table: pd.DataFrame | None = None
        self.sweep_optimum: stats.RateOfChange | None = None
        self.sweep_fixed: dict | None = None
        self.discarded = 0
        self.last_latency_s: float | None = None
        self._cache: dict[tuple, dict] = {}
        self._lock = threading.RLock()
        self._generation = 0
        self._requested_at = 0.0
        self._idle = threading.Event()
        self._idle.set()
        self._cancel_sweep = threading.Event()
        self._sweep_future: Future | None = None
        self._suspend = False
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="ThresholdSweep")
        self._debouncer = Debouncer(0.0 if self.sync else debounce_s, self._submit)

        self.sliders: dict[str, ipw.Widget] = {}
        for name, spec in self.specs.items():
            cls = ipw.IntSlider if spec.is_int else ipw.FloatSlider
            slider = cls(
                min=spec.min,
                max=spec.max,
                step=spec.step,
                value=spec.value,
                description=spec.title(name),
                continuous_update=continuous_update,
                style={"description_width": "initial"},
                layout=ipw.Layout(width="95%"),
            )
            slider.observe(self._on_slider, names="value")
            self.sliders[name] = slider
        self.x_selector = ipw.Dropdown(options=list(self.specs), value=x_param, description="x axis")
        self.response_selector = ipw.Dropdown(options=[self.response_name], value=self.response_name)
        self.response_selector.description = "response"
        self.x_selector.observe(lambda _: self._redraw(), names="value")
        self.response_selector.observe(lambda _: self._redraw(), names="value")
        self.sweep_button = ipw.Button(description="Sweep x range", icon="line-chart", tooltip="Run a full sweep")
        self.sweep_button.on_click(lambda _: self.run_sweep(self.x_param, background=not self.sync, progress=False))
        self.cancel_button = ipw.Button(description="Stop", icon="stop", tooltip="Stop a running sweep")
        self.cancel_button.on_click(lambda _: self.cancel_sweep())
        self.status = ipw.HTML()
        self.image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        header = [ipw.HTML(f"<b>{title}</b>")] if title else []
        controls = ipw.HBox([self.x_selector, self.response_selector, self.sweep_button, self.cancel_button])
        super().__init__([*header, *self.sliders.values(), controls, self.status, self.image])
        self._set_status()
        self._redraw()
        if compute_now:
            self._request(self.params)

    # ------------------------------------------------------------------ state
    @property
    def params(self) -> dict[str, float]:
        """Current slider values."""
        return {name: s.value for name, s in self.sliders.items()}

    @property
    def x_param(self) -> str:
        return self.x_selector.value

    @property
    def response(self) -> str:
        """Name of the response on the y axis."""
        return self.response_selector.value

    @property
    def curve_png(self) -> bytes:
        """PNG bytes of the curve currently shown."""
        return bytes(self.image.value)

    def history_frame(self) -> pd.DataFrame:
        """The history as a table (parameters then responses)."""
        return pd.DataFrame(self.history)

    def set_params(self, **values: float) -> None:
        """Set several sliders at once and request one computation.

        Raises
        ------
        ValueError
            Unknown parameter name or a value outside the slider range.
        """
        unknown = [k for k in values if k not in self.sliders]
        if unknown:
            raise ValueError(f"unknown parameters {unknown!r}; allowed: {list(self.sliders)!r}")
        for k, v in values.items():
            spec = self.specs[k]
            if not spec.min <= v <= spec.max:
                raise ValueError(f"{k}={v!r} is outside the slider range [{spec.min!r}, {spec.max!r}]")
        self._suspend = True
        try:
            for k, v in values.items():
                self.sliders[k].value = v
        finally:
            self._suspend = False
        self._request(self.params)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the latest change (and a background sweep) is computed and drawn; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        sweep = self._sweep_future
        if sweep is not None:
            done, _ = futures_wait([sweep], timeout=timeout)
            if not done:
                return False
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        return self._idle.wait(remaining)

    def close(self) -> None:
        """Cancel pending work, stop the private worker and close the widgets."""
        if getattr(self, "_debouncer", None) is not None:  # also called by __del__ of a half-built widget
            self._debouncer.cancel()
            self._cancel_sweep.set()
            if self._own_executor:
                self._executor.shutdown(wait=False, cancel_futures=True)
            for widget in (
                *self.sliders.values(),
                self.x_selector,
                self.response_selector,
                self.sweep_button,
                self.cancel_button,
                self.status,
                self.image,
            ):
                widget.close()
        super().close()

    # ------------------------------------------------------------------ live updates
    def _on_slider(self, change) -> None:
        if not self._suspend:
            self._request(self.params)

    def _is_stale(self, generation: int) -> bool:
        return generation != self._generation

    def _request(self, params: dict) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._requested_at = time.perf_counter()
            self._idle.clear()
        self.busy = True
        self._set_status()
        cached = self._cache.get(_params_key(params)) if self.cache_enabled else None
        if cached is not None:
            self._debouncer.cancel()
            self._deliver(generation, params, cached, None)
        elif self.sync:
            self._deliver(generation, params, *self._evaluate(params))
        else:
            self._debouncer(generation, params)

    def _submit(self, generation: int, params: dict) -> None:
        if self._is_stale(generation):
            return
        try:
            future = self._executor.submit(self._job, generation, params)
        except RuntimeError as exc:  # executor shut down
            self._deliver(generation, params, None, exc)
            return
        future.add_done_callback(lambda f: self._finish(generation, params, f))

    def _job(self, generation: int, params: dict):
        if self._is_stale(generation):
            return _STALE  # a newer change is waiting: do not spend time on this one
        return self._evaluate(params)

    def _finish(self, generation: int, params: dict, future: Future) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            self._deliver(generation, params, None, exc)
            return
        result = future.result()
        if result is _STALE:
            with self._lock:
                self.discarded += 1
            return
        self._deliver(generation, params, *result)

    def _evaluate(self, params: dict) -> tuple[dict | None, BaseException | None]:
        try:
            responses = self._normalise(self.compute(dict(params)))
        except Exception as exc:  # shown in the widget; the kernel keeps running
            return None, exc
        if self.cache_enabled:
            self._cache[_params_key(params)] = responses
        return responses, None

    def _normalise(self, result) -> dict[str, float]:
        if isinstance(result, Mapping):
            out = {str(k): float(v) for k, v in result.items()}
        else:
            try:
                out = {self.response_name: float(result)}
            except (TypeError, ValueError):
                raise TypeError(
                    f"compute returned {type(result).__name__}; it must return a number or a dict of numbers"
                ) from None
        if self.response_name not in out:
            raise ValueError(f"compute returned responses {list(out)!r} without {self.response_name!r}")
        return out

    def _deliver(self, generation: int, params: dict, responses: dict | None, exc: BaseException | None) -> None:
        with self._lock:
            if self._is_stale(generation):
                self.discarded += 1
                return
            if exc is not None:
                self.error = f"{type(exc).__name__}: {exc}"
            else:
                self.error = ""
                record = {**params, **responses}
                self.history.append(record)
                self._update_response_options(responses)
                self.current = record
                self._redraw()
            self.last_latency_s = time.perf_counter() - self._requested_at
            self.busy = False
            self._set_status()
            self._idle.set()

    def _update_response_options(self, responses: Mapping[str, float]) -> None:
        names = list(dict.fromkeys([*self.response_selector.options, *responses]))
        if list(self.response_selector.options) != names:
            value = self.response_selector.value
            self.response_selector.options = names
            self.response_selector.value = value

    def _set_status(self, note: str = "") -> None:
        if self.busy:
            text = "&#8987; computing&hellip;"
        elif self.error:
            text = f"<span style='color:#b00'>&#9888; {self.error}</span>"
        elif self.current:
            text = f"{self.response} = {self.current.get(self.response, float('nan')):.6g}"
        else:
            text = ""
        self.status.value = text + (f" &middot; {note}" if note else "")

    # ------------------------------------------------------------------ sweeps
    def run_sweep(
        self,
        name: str | None = None,
        values: Iterable[float] | None = None,
        *,
        progress: bool = True,
        background: bool = False,
    ) -> pd.DataFrame | Future:
        """Compute the responses over ``values`` of one parameter, the others at their slider values.

        The curve then shows the sweep with the segment of smallest rate of change shaded and
        its start marked (:func:`ecnet_lab.stats.smallest_rate_of_change`). Interrupt with
        Ctrl-C / the kernel's stop button (or :meth:`cancel_sweep`): the points done so far are kept.

        Parameters
        ----------
        name : str, optional
            Swept parameter (default: the x-axis parameter).
        values : iterable of float, optional
            Values to evaluate (default: every slider position).
        progress : bool
            Show a tqdm progress bar.
        background : bool
            Run in the worker thread and return a Future instead of blocking.

        Returns
        -------
        DataFrame or Future
            One row per evaluated value: the parameter column then the responses.
        """
        name = self.x_param if name is None else name
        if name not in self.specs:
            raise ValueError(f"name={name!r} is not a parameter; allowed: {list(self.specs)!r}")
        grid = self.specs[name].grid() if values is None else np.asarray(list(values), dtype=float)
        if grid.size == 0:
            raise ValueError("values is empty; give at least one value to sweep")
        fixed = self.params
        self._cancel_sweep.clear()
        if background:
            self.busy = True
            self._set_status("sweeping")
            self._sweep_future = self._executor.submit(self._sweep, name, grid, fixed, progress)
            return self._sweep_future
        return self._sweep(name, grid, fixed, progress)

    def cancel_sweep(self) -> None:
        """Stop a running sweep after the current point."""
        self._cancel_sweep.set()

    def _sweep(self, name: str, grid: np.ndarray, fixed: dict, progress: bool) -> pd.DataFrame:
        rows = []
        interrupted = False
        is_int = self.specs[name].is_int
        try:
            for value in tqdm(grid, desc=f"sweep {name}", disable=not progress):
                if self._cancel_sweep.is_set():
                    interrupted = True
                    break
                params = {**fixed, name: int(np.rint(value)) if is_int else float(value)}
                cached = self._cache.get(_params_key(params)) if self.cache_enabled else None
                if cached is None:
                    cached = self._normalise(self.compute(dict(params)))
                    if self.cache_enabled:
                        self._cache[_params_key(params)] = cached
                rows.append({**params, **cached})
                if not self.sync:
                    self._set_status(f"sweep {len(rows)}/{grid.size}")
        except KeyboardInterrupt:
            interrupted = True
        finally:
            table = pd.DataFrame(rows)
            cols = [name] + [c for c in table.columns if c not in fixed]
            table = table[cols] if rows else table
            with self._lock:
                self.sweep_table = table
                self.sweep_fixed = {k: v for k, v in fixed.items() if k != name}
                self.sweep_optimum = self._optimum(table, name)
                if rows:
                    self._update_response_options(rows[-1])
                if self.x_selector.value != name:
                    self.x_selector.value = name  # redraws
                else:
                    self._redraw()
                if self._idle.is_set():
                    self.busy = False
                note = f"sweep stopped after {len(rows)} of {grid.size} values" if interrupted else ""
                self._set_status(note)
        if interrupted:
            warnings.warn(f"sweep of {name!r} interrupted after {len(rows)} of {grid.size} values", stacklevel=2)
        return table

    def _optimum(self, table: pd.DataFrame, name: str) -> stats.RateOfChange | None:
        resp = self.response
        if table is None or len(table) < 2 or resp not in table.columns:
            return None
        try:
            return stats.smallest_rate_of_change(table[name].to_numpy(float), table[resp].to_numpy(float))
        except ValueError:
            return None

    # ------------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        if self.sweep_table is not None and self.x_param in self.sweep_table.columns:
            self.sweep_optimum = self._optimum(self.sweep_table, self.x_param)
        self.image.value = figure_to_png(self.static_figure())
        if not self.busy:
            self._set_status()

    def _explored(self, x: str, resp: str) -> pd.DataFrame:
        """History points that differ from the current parameters only in ``x``."""
        if not self.history:
            return pd.DataFrame(columns=[x, resp])
        frame = pd.DataFrame(self.history)
        if resp not in frame.columns:
            return pd.DataFrame(columns=[x, resp])
        now = self.params
        keep = np.ones(len(frame), dtype=bool)
        for k, v in now.items():
            if k != x:
                keep &= np.isclose(frame[k].to_numpy(float), float(v))
        frame = frame.loc[keep, [x, resp]].dropna().drop_duplicates(subset=[x], keep="last")
        return frame.sort_values(x)

    def static_figure(self):
        """The curve as a matplotlib Figure (for papermill/HTML reports).

        Shows the explored points (other parameters at their current values), the last sweep of
        the x-axis parameter with its smallest-rate-of-change segment shaded, and the current value.
        """
        x, resp = self.x_param, self.response
        spec = self.specs[x]
        fig = new_figure(self.figsize, layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
        sweep = self.sweep_table
        if sweep is not None and x in sweep.columns and resp in sweep.columns and len(sweep):
            ax.plot(sweep[x], sweep[resp], "-o", color="#4c72b0", ms=4, lw=1.5, label="sweep", zorder=2)
            opt = self.sweep_optimum
            if opt is not None:
                ax.axvspan(*opt.interval, color="0.85", zorder=0, label="smallest rate of change")
                y_opt = float(sweep.loc[np.isclose(sweep[x].to_numpy(float), opt.x), resp].iloc[0])
                ax.plot([opt.x], [y_opt], marker="D", color="#dd8452", ms=8, ls="none", zorder=4)
                ax.annotate(f"{x} = {opt.x:g}", (opt.x, y_opt), textcoords="offset points", xytext=(6, 8), fontsize=8)
        explored = self._explored(x, resp)
        if len(explored):
            ax.plot(explored[x], explored[resp], ":s", color="0.45", ms=4, lw=1, label="explored", zorder=3)
        cur = self.current
        if cur and resp in cur and x in cur:
            ax.axvline(cur[x], color="#c44e52", lw=1, ls="--", zorder=1)
            ax.plot([cur[x]], [cur[resp]], "o", color="#c44e52", ms=9, label="current", zorder=5)
        else:
            ax.axvline(self.sliders[x].value, color="#c44e52", lw=1, ls="--", zorder=1)
        ax.set_xlim(spec.min - 0.02 * (spec.max - spec.min), spec.max + 0.02 * (spec.max - spec.min))
        ax.set_xlabel(spec.title(x))
        ax.set_ylabel(resp)
        ax.grid(True, color="0.92")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="best", frameon=False)
        return fig
