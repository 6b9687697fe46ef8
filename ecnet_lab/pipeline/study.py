"""``Study``: run the Shenzhen workflow step by step, caching every result by the hash of its inputs.

A step's cache key is the SHA-256 of its name, the values of the config fields it declares and the
keys of its upstream steps (:func:`stable_hash`), so a key changes exactly when something the result
depends on changes. Changing one threshold therefore re-runs only the steps downstream of it;
everything upstream comes from the cache. Studies made with :meth:`Study.with_params` share the cache
(and its execution counters), which is what a slider needs.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from .config import StudyConfig
from .steps import STEP_NAMES, ancestors, get_step

__all__ = ["StepCache", "Study", "stable_hash"]


def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(float(value))
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    raise TypeError(f"cannot hash a value of type {type(value).__name__} ({value!r}) stably")


def stable_hash(value: Any) -> str:
    """SHA-256 hex digest of a JSON-like value, independent of dict order and process (no ``hash()``).

    Floats are hashed by ``repr`` (so ``0.1`` and ``0.1000000001`` differ), tuples like lists.

    Examples
    --------
    >>> stable_hash({"a": 1, "b": [0.1, None]}) == stable_hash({"b": (0.1, None), "a": 1})
    True
    >>> stable_hash({"a": 1.0}) == stable_hash({"a": 1.5})
    False
    """
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StepCache:
    """Results of the steps by cache key, least recently used first out (per step), thread-safe.

    Attributes
    ----------
    counters : collections.Counter
        How many times each step was executed (instrumentation for tests and benchmarks).
    seconds : dict
        Wall time of each step's last execution.
    """

    def __init__(self, max_entries_per_step: int = 4):
        if isinstance(max_entries_per_step, bool) or not isinstance(max_entries_per_step, int):
            raise TypeError(f"max_entries_per_step must be an int, got {max_entries_per_step!r}")
        if max_entries_per_step < 1:
            raise ValueError(f"max_entries_per_step={max_entries_per_step!r} is not allowed; it must be >= 1")
        self.max_entries_per_step = max_entries_per_step
        self._data: dict[str, OrderedDict[str, Any]] = {name: OrderedDict() for name in STEP_NAMES}
        self._lock = threading.RLock()
        self.counters: Counter = Counter()
        self.seconds: dict[str, float] = {}

    def get(self, step: str, key: str) -> tuple[bool, Any]:
        with self._lock:
            entries = self._data[step]
            if key in entries:
                entries.move_to_end(key)
                return True, entries[key]
            return False, None

    def put(self, step: str, key: str, value: Any, seconds: float) -> None:
        with self._lock:
            entries = self._data[step]
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > self.max_entries_per_step:
                entries.popitem(last=False)
            self.counters[step] += 1
            self.seconds[step] = seconds

    def clear(self) -> None:
        """Drop every cached result (counters are kept)."""
        with self._lock:
            for entries in self._data.values():
                entries.clear()


class _Results(Mapping):
    """Read-only view: step name -> cached result for the study's current config."""

    def __init__(self, study: Study):
        self._study = study

    def __getitem__(self, step: str) -> Any:
        get_step(step)
        found, value = self._study._cache.get(step, self._study.key(step))
        if not found:
            raise KeyError(f"step {step!r} has not been run for this config; call study.run(until={step!r})")
        return value

    def __iter__(self) -> Iterator[str]:
        return (s for s in STEP_NAMES if self._study.is_cached(s))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"<Study results: {list(self)}>"


class Study:
    """The Shenzhen workflow on one configuration, with cached steps.

    Parameters
    ----------
    config : StudyConfig or mapping, optional
        The parameters (a mapping is validated with :meth:`StudyConfig.from_dict`); default all defaults.
    progress : bool
        Show progress bars (over the steps and inside the long ones).
    cache : StepCache, optional
        Share a cache with other studies; default a new one.
    **params
        Parameter overrides applied to ``config``.

    Attributes
    ----------
    results : mapping
        Step name -> result, for the steps already computed for the current config.

    Examples
    --------
    >>> study = Study(size=120, min_core_area_km2=0.1, aggregation_distance_m=300)
    >>> study.run(until="sources").results["sources"].sources.shape[0] > 0
    True
    >>> _ = study.update(dpc_threshold=0.5).run(until="sources")
    >>> study.counters["mspa"], study.counters["sources"]
    (1, 2)
    """

    def __init__(
        self,
        config: StudyConfig | Mapping[str, Any] | None = None,
        *,
        progress: bool = False,
        cache: StepCache | None = None,
        **params: Any,
    ):
        if config is None:
            config = StudyConfig()
        elif isinstance(config, Mapping):
            config = StudyConfig.from_dict(config)
        elif not isinstance(config, StudyConfig):
            raise TypeError(f"config must be a StudyConfig or a mapping, got {type(config).__name__}")
        if params:
            config = config.replace(**params)
        if cache is not None and not isinstance(cache, StepCache):
            raise TypeError(f"cache must be a StepCache, got {type(cache).__name__}")
        self._config = config
        self._cache = cache if cache is not None else StepCache()
        self._keys: dict[str, str] = {}
        self.progress = bool(progress)

    # ------------------------------------------------------------------ configuration
    @property
    def config(self) -> StudyConfig:
        """The current parameters."""
        return self._config

    @property
    def steps(self) -> tuple[str, ...]:
        """Step names in topological order."""
        return STEP_NAMES

    @property
    def cache(self) -> StepCache:
        """The (possibly shared) result cache."""
        return self._cache

    @property
    def counters(self) -> Counter:
        """Executions per step (shared by studies sharing the cache)."""
        return self._cache.counters

    def update(self, **params: Any) -> Study:
        """Change parameters in place (validated; cached results stay available). Returns ``self``."""
        self._config = self._config.replace(**params)
        self._keys = {}
        return self

    def with_params(self, **params: Any) -> Study:
        """A new study with some parameters changed, sharing this study's cache."""
        return Study(self._config.replace(**params), progress=self.progress, cache=self._cache)

    # ------------------------------------------------------------------ keys
    def key(self, step: str) -> str:
        """Cache key of ``step``: hash of its fields' values and its upstream steps' keys."""
        if step not in self._keys:
            s = get_step(step)
            params = {f: getattr(self._config, f) for f in s.fields}
            self._keys[step] = stable_hash(
                {"step": s.name, "params": params, "inputs": {d: self.key(d) for d in s.deps}}
            )
        return self._keys[step]

    def is_cached(self, step: str) -> bool:
        """Whether ``step``'s result for the current config is in the cache."""
        return self._cache.get(step, self.key(step))[0]

    def pending(self, until: str | None = None) -> list[str]:
        """Steps that :meth:`run` would execute (not cached), in order."""
        return [s for s in self._needed(until) if not self.is_cached(s)]

    def _needed(self, until: str | list[str] | tuple[str, ...] | None) -> list[str]:
        if until is None:
            return list(STEP_NAMES)
        targets = [until] if isinstance(until, str) else list(until)
        need: set[str] = set()
        for t in targets:
            need.update(ancestors(t))
        return [s for s in STEP_NAMES if s in need]

    # ------------------------------------------------------------------ running
    @property
    def results(self) -> Mapping[str, Any]:
        """Step name -> result for the steps computed for the current config."""
        return _Results(self)

    def result(self, step: str) -> Any:
        """The result of ``step``, computing it (and what it needs) if necessary."""
        return self._ensure(step, None)

    __getitem__ = result

    def run(self, until: str | list[str] | tuple[str, ...] | None = None) -> Study:
        """Compute ``until`` (a step, several steps, or None = all) and its upstream steps. Returns ``self``."""
        todo = self.pending(until)
        bar = tqdm(total=len(todo), desc="study", disable=not (self.progress and todo), leave=False)
        try:
            for step in self._needed(until):
                if step in todo:
                    bar.set_postfix_str(step)
                self._ensure(step, bar if step in todo else None)
        finally:
            bar.close()
        return self

    def _ensure(self, step: str, bar) -> Any:
        key = self.key(step)
        found, value = self._cache.get(step, key)
        if found:
            return value
        s = get_step(step)
        inputs = {d: self._ensure(d, None) for d in s.deps}
        params = {f: getattr(self._config, f) for f in s.fields}
        t0 = time.perf_counter()
        value = s.func(params, inputs, self.progress)
        self._cache.put(step, key, value, time.perf_counter() - t0)
        if bar is not None:
            bar.update(1)
        return value

    def timings(self) -> dict[str, float]:
        """Seconds of each step's last execution (in this cache)."""
        return {s: self._cache.seconds[s] for s in STEP_NAMES if s in self._cache.seconds}

    # ------------------------------------------------------------------ output
    def export(self, directory: str | Path) -> dict[str, Path]:
        """Run every step and write rasters, a GeoPackage, CSV tables and ``config.json`` (atomic writes).

        See :func:`ecnet_lab.pipeline.export.export_study`.
        """
        from .export import export_study

        return export_study(self, directory)

    def __repr__(self) -> str:
        changed = self._config.changed()
        return f"<Study {self._config.data!r} changed={changed} cached={list(self.results)}>"
