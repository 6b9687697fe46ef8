"""Shared plumbing of the circuit modes: option checks, progress bars, memory checks."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from tqdm.auto import tqdm

from .._checks import check_choice
from .graph import RasterGraph, check_memory, estimate_memory
from .solvers import SOLVER_NAMES, Solver, make_solver

__all__ = ["REMOVE_POLICIES", "check_solver_name", "new_solver", "progress_bar", "raster_memory_check"]

#: how conflicts between a source and a ground at one node are resolved (Circuitscape names)
REMOVE_POLICIES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")


def check_solver_name(solver: str) -> str:
    """Validate a solver name early (before any heavy work)."""
    return check_choice("solver", solver, SOLVER_NAMES)


def new_solver(solver: str, options: dict | None) -> Solver:
    """A fresh solver instance (one per component)."""
    return make_solver(solver, **(options or {}))


def progress_bar(iterable: Iterable, *, total: int | None, desc: str, progress: bool):
    """``tqdm`` progress bar that can be switched off."""
    return tqdm(iterable, total=total, desc=desc, disable=not progress, leave=False)


def raster_memory_check(
    gmap: np.ndarray,
    *,
    four_neighbors: bool,
    n_vectors: int,
    solver: str,
    max_memory_gb: float | None,
    what: str,
) -> None:
    """Estimate the memory of a raster problem from its valid cells and refuse it if too large."""
    n_nodes = int(np.count_nonzero(gmap > 0))
    n_edges = n_nodes * (2 if four_neighbors else 4)
    est = estimate_memory(n_nodes, n_edges, n_vectors=n_vectors, solver=solver)
    check_memory(est, max_memory_gb, what=f"{what} ({n_nodes} nodes, solver {solver!r})")


def focal_nodes_of(rgraph: RasterGraph, focal_cells: dict, ids: list) -> np.ndarray:
    """Graph node of each focal id: the node of its first cell (``-1`` when on nodata)."""
    out = np.full(len(ids), -1, dtype=np.int64)
    for k, fid in enumerate(ids):
        rows, cols = focal_cells[fid]
        out[k] = int(rgraph.node_map[rows[0], cols[0]])
    return out
