"""Tiny benchmark harness: time a callable and print one JSON line per measurement.

Each line has ``name``, ``size``, ``seconds`` (best of ``repeat`` wall-clock runs),
``peak_mb`` (peak traced Python/numpy allocation during the best run, via tracemalloc,
plus ``maxrss_mb`` for the whole process) and any extra fields (e.g. ``ratio`` to a peer).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def measure(fn: Callable[[], Any], *, repeat: int = 1) -> tuple[float, float, Any]:
    """Run ``fn`` ``repeat`` times; return (best seconds, peak traced MB, last result)."""
    best, peak, result = float("inf"), 0.0, None
    for _ in range(repeat):
        tracemalloc.start()
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        _, p = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if elapsed < best:
            best, peak = elapsed, p / 1e6
    return best, peak, result


def maxrss_mb() -> float:
    """Peak resident memory of this process (and finished children) in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def emit(name: str, size: Any, seconds: float, peak_mb: float, **extra: Any) -> dict:
    """Print one JSON line and return it as a dict."""
    row = {
        "name": name,
        "size": size,
        "seconds": round(seconds, 4),
        "peak_mb": round(peak_mb, 1),
        "maxrss_mb": round(maxrss_mb(), 1),
        **extra,
    }
    print(json.dumps(row), flush=True)
    return row


def bench(name: str, size: Any, fn: Callable[[], Any], *, repeat: int = 1, **extra: Any) -> dict:
    """Measure ``fn`` and print its JSON line."""
    seconds, peak, _ = measure(fn, repeat=repeat)
    return emit(name, size, seconds, peak, **extra)


def log(msg: str) -> None:
    """Human-readable progress goes to stderr so stdout stays JSON lines."""
    print(msg, file=sys.stderr, flush=True)
