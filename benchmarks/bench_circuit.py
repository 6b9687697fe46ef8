"""Circuit engine benchmarks (JSON lines; each measurement runs in its own process).

(a) ``pairwise_1000x1000_17regions``: 1000 x 1000 synthetic resistance grid (8 neighbours),
    17 focal regions, pairwise with the cumulative current map, per solver.
(b) ``bigtests_6m_20points`` / ``bigtests_12m_2points``: Circuitscape's BigTests grids
    (3000 x 2000 with its 20 points, 3000 x 4000 with 2 points; 8 neighbours, average
    resistance as in their .ini files), pairwise with the cumulative current map, per solver.
    Skipped (with a log line) when ``../shared/data/circuitscape-bigtests`` is absent.
(c) ``speedup_vs_naive``: the engine against the naive method (one
    ``scipy.sparse.linalg.spsolve`` per pair, same graph and current maps) on a grid where
    the naive method finishes; ``ratio`` = naive seconds / engine seconds.

Run ``python benchmarks/bench_circuit.py`` (all) or ``... a``, ``... b``, ``... c``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import emit, log, measure

HERE = Path(__file__).resolve()
DATA = HERE.parents[2] / "shared" / "data" / "circuitscape-bigtests"
SOLVERS = ("amg", "cholmod", "splu")


def _synthetic(n: int, n_regions: int, seed: int = 0):
    import xarray as xr
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.normal(size=(n, n)), 8)
    field /= field.std()
    res = np.exp(1.5 * field)  # resistances spanning ~4 orders of magnitude
    res[rng.random((n, n)) < 0.02] = np.nan  # scattered nodata
    focal = np.zeros((n, n))
    side = int(np.ceil(np.sqrt(n_regions)))
    yy, xx = np.mgrid[0:n, 0:n]
    k = 0
    for i in range(side):
        for j in range(side):
            if k == n_regions:
                break
            cy = int((i + 0.5) * n / side + rng.integers(-n // 20, n // 20))
            cx = int((j + 0.5) * n / side + rng.integers(-n // 20, n // 20))
            disk = (yy - cy) ** 2 + (xx - cx) ** 2 <= (n // 100) ** 2
            focal[disk] = k + 1
            res[disk] = np.where(np.isnan(res[disk]), 1.0, res[disk])
            k += 1
    coords = {"y": np.arange(n)[::-1] * 30.0 + 15, "x": np.arange(n) * 30.0 + 15}
    return xr.DataArray(res, dims=("y", "x"), coords=coords), xr.DataArray(focal, dims=("y", "x"), coords=coords)


def one_a(solver: str) -> None:
    from ecnet_lab.circuit import pairwise

    r, f = _synthetic(1000, 17)
    seconds, peak, out = measure(lambda: pairwise(r, f, solver=solver, cumulative=True, progress=False))
    emit(
        "pairwise_1000x1000_17regions",
        "1000x1000",
        seconds,
        peak,
        solver=solver,
        n_focal=17,
        n_solves=out.n_solves,
        focal_regions=out.focal_regions,
        max_cumulative_A=round(float(np.nanmax(out.cumulative_current.values)), 4),
    )


def _bigtest_inputs(case: str):
    from ecnet_lab.circuit.asciigrid import read_grid
    from ecnet_lab.circuit.graph import conductance_from_values

    folder = DATA / case
    values, header = read_grid(folder / "cellmap.asc.gz")
    points = np.loadtxt(folder / ("points.txt"), ndmin=2)
    gmap = conductance_from_values(values, is_conductance=False)
    del values
    rows = np.ceil(header.nrows - (points[:, 2] - header.yllcorner) / header.cellsize).astype(int) - 1
    cols = np.ceil((points[:, 1] - header.xllcorner) / header.cellsize).astype(int) - 1
    cells = {int(i): (np.array([r]), np.array([c])) for i, r, c in zip(points[:, 0], rows, cols, strict=True)}
    return gmap, cells, sorted(cells), header


def one_b(case: str, solver: str) -> None:
    from ecnet_lab.circuit.pairwise import pairwise_raster

    t0 = time.perf_counter()
    gmap, cells, ids, header = _bigtest_inputs(case)
    read_s = time.perf_counter() - t0
    name = f"bigtests_{case}_{len(ids)}points"
    size = f"{header.nrows}x{header.ncols}"
    try:
        seconds, peak, out = measure(
            lambda: pairwise_raster(
                gmap, cells, ids, four_neighbors=False, avg_resistance=True, solver=solver, cumulative=True
            )
        )
    except MemoryError as exc:
        emit(name, size, float("nan"), float("nan"), solver=solver, refused=str(exc), read_seconds=round(read_s, 2))
        return
    res = out["resistances"]
    emit(
        name,
        size,
        seconds,
        peak,
        solver=solver,
        n_solves=out["n_solves"],
        read_seconds=round(read_s, 2),
        r_first_pair=float(res[0, 1]),
    )


def _naive_pairwise(gmap, cells, ids):
    """One fresh sparse direct solve per pair (the method Circuitscape's users fall back to)."""
    from scipy.sparse.linalg import spsolve

    from ecnet_lab.circuit._kernels import node_currents
    from ecnet_lab.circuit.graph import build_raster_graph

    rg = build_raster_graph(gmap, four_neighbors=False, avg_resistance=True)
    comp = rg.graph.component(int(np.bincount(rg.graph.labels).argmax()))
    nodes = [int(np.searchsorted(comp.nodes, rg.node_map[cells[i][0][0], cells[i][1][0]])) for i in ids]
    n = len(ids)
    res = np.zeros((n, n))
    cum = np.zeros(comp.n)
    for a in range(n):
        for b in range(a + 1, n):
            removed = np.zeros(comp.n, dtype=bool)
            removed[nodes[a]] = True
            mat, keep = comp.laplacian(removed)
            rhs = np.zeros(mat.shape[0])
            rhs[np.searchsorted(keep, nodes[b])] = 1.0
            v = np.zeros(comp.n)
            v[keep] = spsolve(mat.tocsc(), rhs)
            res[a, b] = res[b, a] = v[nodes[b]]
            cum += node_currents(comp.n, comp.a, comp.b, comp.g, v)
    return res, cum


def one_c(solver: str, n: int = 250) -> None:
    from ecnet_lab.circuit.pairwise import pairwise_raster

    r, _ = _synthetic(n, 1, seed=1)
    gmap = np.nan_to_num(1.0 / r.values)
    rng = np.random.default_rng(2)
    valid = np.argwhere(gmap > 0)
    pick = valid[rng.choice(len(valid), size=17, replace=False)]
    cells = {k + 1: (np.array([p[0]]), np.array([p[1]])) for k, p in enumerate(pick)}
    ids = sorted(cells)
    _naive_pairwise(gmap, {1: cells[1], 2: cells[2]}, [1, 2])  # warm up (numba kernel)
    t_naive, _, (res_naive, _) = measure(lambda: _naive_pairwise(gmap, cells, ids))
    t_eng, peak, out = measure(
        lambda: pairwise_raster(gmap, cells, ids, four_neighbors=False, avg_resistance=True, solver=solver)
    )
    err = float(np.max(np.abs(out["resistances"] - res_naive) / np.maximum(res_naive, 1e-300)))
    emit(
        "speedup_vs_naive",
        f"{n}x{n}",
        t_eng,
        peak,
        solver=solver,
        n_focal=17,
        naive_seconds=round(t_naive, 3),
        ratio=round(t_naive / t_eng, 1),
        max_rel_diff=err,
    )


def _child(args: list[str]) -> int:
    kind = args[0]
    if kind == "a":
        one_a(args[1])
    elif kind == "b":
        one_b(args[1], args[2])
    elif kind == "c":
        one_c(args[1])
    return 0


def _available_solvers() -> list[str]:
    from ecnet_lab.circuit import available_solvers

    return available_solvers()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        return _child(argv[1:])
    parts = argv or ["a", "b", "c"]
    solvers = _available_solvers()
    jobs: list[list[str]] = []
    if "a" in parts:
        jobs += [["a", s] for s in solvers]
    if "b" in parts:
        if DATA.is_dir():
            jobs += [["b", case, s] for case in ("6m", "12m") for s in solvers]
        else:
            log(f"bench_circuit (b): {DATA} not found; skipping the BigTests grids")
    if "c" in parts:
        jobs += [["c", s] for s in solvers]
    failed = 0
    for job in jobs:
        log(f"bench_circuit: {' '.join(job)}")
        proc = subprocess.run(
            [sys.executable, str(HERE), "--child", *job], capture_output=True, text=True, env=os.environ.copy()
        )
        if proc.stdout:
            print(proc.stdout.strip(), flush=True)
        if proc.returncode != 0:
            failed += 1
            tail = proc.stderr.strip().splitlines()[-3:]
            print(json.dumps({"name": f"bench_circuit {' '.join(job)}", "error": " | ".join(tail)}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
