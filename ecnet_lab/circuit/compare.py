"""Compare outputs with Circuitscape baseline files, reporting the first differing cells.

Used by the reference tests (Circuitscape's verification suite and BigTests) and handy to
check a run against results produced by Circuitscape itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .asciigrid import read_grid

__all__ = ["compare_arrays", "compare_case", "compare_files"]

_KEYED = ("_branch_currents", "_node_currents", "_voltages", "_resistances_3columns")


def compare_arrays(
    expected: np.ndarray, got: np.ndarray, *, rtol: float, atol: float, label: str = "", limit=5
) -> list:
    """Messages for cells where ``|got - expected| > max(atol, rtol * |expected|)`` (empty = equal).

    Examples
    --------
    >>> compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]), rtol=0, atol=1e-6)
    []
    >>> len(compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 2.5]), rtol=0, atol=1e-6))
    1
    """
    expected = np.asarray(expected, dtype=float)
    got = np.asarray(got, dtype=float)
    if expected.shape != got.shape:
        return [f"{label}: shape {got.shape} differs from the expected {expected.shape}"]
    e = np.nan_to_num(expected, nan=-9999.0)
    g = np.nan_to_num(got, nan=-9999.0)
    diff = np.abs(e - g)
    tol = np.maximum(atol, rtol * np.abs(e)) * (1 + 1e-9)
    bad = diff > tol
    if not bad.any():
        return []
    idx = np.argwhere(bad)[:limit]
    cells = "; ".join(f"{tuple(int(v) for v in i)}: expected {e[tuple(i)]:.10g}, got {g[tuple(i)]:.10g}" for i in idx)
    return [f"{label}: {int(bad.sum())} of {bad.size} values differ beyond atol={atol}, rtol={rtol}; first: {cells}"]


def _load_table(path: Path) -> np.ndarray:
    return np.loadtxt(path, ndmin=2)


def compare_files(expected: str | os.PathLike, got: str | os.PathLike, *, rtol: float, atol: float) -> list:
    """Compare one output file with its baseline (ASCII grids cell by cell, tables by key)."""
    expected, got = Path(expected), Path(got)
    label = got.name
    if not got.exists():
        return [f"{label}: missing (expected like {expected.name})"]
    name = expected.name.replace(".gz", "")
    if name.endswith(".asc"):
        e, he = read_grid(expected)
        g, hg = read_grid(got)
        if not he.same_grid(hg):
            return [f"{label}: grid header {hg} differs from {he}"]
        return compare_arrays(e, g, rtol=rtol, atol=atol, label=label)
    e = _load_table(expected)
    g = _load_table(got)
    if any(k in name for k in _KEYED):
        k = e.shape[1] - 1
        de = {tuple(r[:k]): r[k] for r in e}
        dg = {tuple(r[:k]): r[k] for r in g}
        keys = sorted(set(de) | set(dg))
        # Circuitscape omits zero branch currents; a missing key means 0
        ev = np.array([de.get(kk, 0.0) for kk in keys])
        gv = np.array([dg.get(kk, 0.0) for kk in keys])
        msgs = compare_arrays(ev, gv, rtol=rtol, atol=atol, label=label)
        if msgs:
            bad = [keys[i] for i in range(len(keys)) if abs(ev[i] - gv[i]) > max(atol, rtol * abs(ev[i]))][:5]
            msgs = [msgs[0] + f" (keys {bad})"]
        return msgs
    return compare_arrays(e, g, rtol=rtol, atol=atol, label=label)


def compare_case(
    baseline_dir: str | os.PathLike,
    case: str,
    out_dir: str | os.PathLike,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-6,
    rename: dict | None = None,
) -> tuple[list, int]:
    """Compare every baseline file ``<case>_*`` with the run's outputs in ``out_dir``.

    Baseline ``*_resistances*.txt`` files correspond to ``*.out`` outputs; ``rename`` maps
    further baseline suffixes to output suffixes. Returns ``(messages, n_files_compared)``.
    """
    baseline_dir, out_dir = Path(baseline_dir), Path(out_dir)
    rename = rename or {}
    msgs: list = []
    files = sorted(baseline_dir.glob(f"{case}_*"))
    for b in files:
        suffix = b.name[len(case) :]
        if suffix in rename:
            target = rename[suffix]
        elif suffix.startswith("_resistances"):
            target = suffix.replace(".txt", ".out")
        else:
            target = suffix
        msgs += compare_files(b, out_dir / f"{case}{target}", rtol=rtol, atol=atol)
    return msgs, len(files)
