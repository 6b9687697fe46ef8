"""Pairwise mode: effective resistance and current between every pair of focal nodes.

For each connected component the Laplacian is grounded at one focal node and prepared
once (factorization or AMG hierarchy); one solve per other focal node gives its potential
field for a unit injection. Superposition then yields every pair: the field of pair
``(i, j)`` (``i`` grounded, 1 A into ``j``) is ``x_j - x_i`` shifted to ``v_i = 0`` and the
effective resistance ``R_ij = P_ii + P_jj - P_ij - P_ji`` with ``P`` the potentials at the
focal nodes. ``n`` focal nodes cost ``n - 1`` solves, not ``n (n - 1) / 2``.

Focal regions (several cells with one id) are short-circuited. With ``focal_regions="all"``
every region is a short-circuit for every pair (equivalent to also passing the regions as
short-circuit polygons), which keeps the superposition. ``focal_regions="pair"`` follows
Circuitscape exactly: for pair ``(i, j)`` only regions ``i`` and ``j`` are shorted, so each
pair needs its own graph and solve.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import xarray as xr

from .._checks import check_choice
from ..grid import template_like
from . import _common
from ._inputs import as_values, conductance_grid, focal_cells_from, id_grid_cells
from ._kernels import node_currents
from .graph import Component, Graph, build_raster_graph, burn_regions
from .results import PairwiseResult
from .solvers import SolverError, warn_if_ill_conditioned

__all__ = ["pairwise", "pairwise_on_graph", "pairwise_raster"]

_CHUNK = 8  # right-hand sides solved together by direct solvers


def _solve_columns(solver, n_red: int, positions: np.ndarray, out: np.ndarray, progress: bool, desc: str) -> None:
    """Solve ``A x_k = e_{positions[k]}`` and store ``x_k`` in ``out[k]`` (rows of a C array)."""
    chunk = _CHUNK if solver.direct else 1
    starts = range(0, positions.size, chunk)
    for s in _common.progress_bar(starts, total=len(starts), desc=desc, progress=progress):
        cols = positions[s : s + chunk]
        rhs = np.zeros((n_red, cols.size))
        rhs[cols, np.arange(cols.size)] = 1.0
        out[s : s + cols.size] = solver.solve(rhs).T


def green_function(
    comp: Component, uniq: np.ndarray, solver: str, solver_options: dict | None, *, progress: bool, what: str
) -> tuple[np.ndarray, np.ndarray]:
    """Potentials of unit injections at the focal nodes ``uniq`` with ``uniq[0]`` grounded.

    Returns ``x`` (``len(uniq)`` x ``comp.n``; row ``k`` is the field of 1 A into ``uniq[k]``,
    row 0 is zero) and ``p = x[:, uniq]`` symmetrized. One preparation, ``len(uniq) - 1`` solves.
    """
    m = uniq.size
    ratio = comp.conductance_ratio()
    warn_if_ill_conditioned(ratio, what)
    removed = np.zeros(comp.n, dtype=bool)
    removed[uniq[0]] = True
    mat, keep = comp.laplacian(removed)
    slv = _common.new_solver(solver, solver_options).prepare(mat, conductance_ratio=ratio)
    pos = uniq[1:] - (uniq[1:] > uniq[0])
    x_red = np.empty((m - 1, mat.shape[0]))
    _solve_columns(slv, mat.shape[0], pos, x_red, progress, f"{what} solves")
    x = np.zeros((m, comp.n))
    x[1:, keep] = x_red
    p = x[:, uniq]
    return x, 0.5 * (p + p.T)


def pairwise_on_graph(
    graph: Graph,
    focal_nodes: np.ndarray,
    requested: np.ndarray,
    *,
    solver: str = "amg",
    solver_options: dict | None = None,
    need_voltages: bool = False,
    need_currents: bool = False,
    cum: np.ndarray | None = None,
    cmax: np.ndarray | None = None,
    on_pair: Callable | None = None,
    zero_focal_currents: bool = False,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """Effective resistances between ``focal_nodes`` of ``graph`` by superposition.

    Parameters
    ----------
    focal_nodes : array of int
        Graph node of each focal index (``-1`` = not on the graph).
    requested : bool array (n, n)
        Pairs to solve (only ``i < j`` entries are read).
    cum, cmax : arrays of size ``graph.n_nodes`` or None
        Node-level accumulators of the cumulative and maximum current (updated in place).
    on_pair : callable or None
        ``on_pair(i, j, component, voltages, currents)`` called for each solved pair with
        component-local arrays (``None`` when not computed).

    Returns
    -------
    resistances : ndarray (n, n)
        0 on the diagonal, -1 for pairs not solved (disconnected or not requested).
    n_solves : int
    """
    focal_nodes = np.asarray(focal_nodes, dtype=np.int64)
    n = focal_nodes.size
    res = np.full((n, n), -1.0)
    np.fill_diagonal(res, 0.0)
    need_currents = need_currents or cum is not None or cmax is not None
    valid = focal_nodes >= 0
    comp_of = np.full(n, -1, dtype=np.int64)
    comp_of[valid] = graph.labels[focal_nodes[valid]]
    upper = np.triu(np.asarray(requested, dtype=bool), k=1)
    n_solves = 0
    for label in np.unique(comp_of[valid]):
        members = np.flatnonzero(comp_of == label)
        sub = upper[np.ix_(members, members)]
        if not sub.any():
            continue
        comp = graph.component(int(label))
        local = np.searchsorted(comp.nodes, focal_nodes[members])
        uniq, inv = np.unique(local, return_inverse=True)
        m = uniq.size
        if m >= 2:
            x, p = green_function(comp, uniq, solver, solver_options, progress=progress, what="pairwise")
            n_solves += m - 1
        for a_pos, b_pos in zip(*np.nonzero(sub), strict=True):
            i, j = int(members[a_pos]), int(members[b_pos])
            ua, ub = int(inv[a_pos]), int(inv[b_pos])
            volt = cur = None
            if ua == ub:
                r = 0.0
                if need_voltages:
                    volt = np.zeros(comp.n)
                if need_currents:
                    cur = np.zeros(comp.n)
            else:
                r = p[ua, ua] + p[ub, ub] - 2.0 * p[ua, ub]
                if need_voltages or need_currents:
                    volt = x[ub] - x[ua]
                    volt -= volt[uniq[ua]]
                if need_currents:
                    cur = node_currents(comp.n, comp.a, comp.b, comp.g, volt)
                    if zero_focal_currents:
                        cur[[uniq[ua], uniq[ub]]] = 0.0
            if r < -1e-9 * max(1.0, abs(p).max() if m >= 2 else 1.0):
                raise SolverError(
                    f"negative effective resistance {r:.3e} between focal nodes {i} and {j}: the solve is "
                    f"inaccurate (conductance ratio {comp.conductance_ratio():.1e}); the system is ill-conditioned"
                )
            res[i, j] = res[j, i] = max(r, 0.0)
            if cur is not None:
                if cum is not None:
                    cum[comp.nodes] += cur
                if cmax is not None:
                    cmax[comp.nodes] = np.maximum(cmax[comp.nodes], cur)
            if on_pair is not None:
                on_pair(i, j, comp, volt if need_voltages else None, cur)
    return res, n_solves


def pairwise_raster(
    gmap: np.ndarray,
    focal_cells: dict,
    ids: list,
    *,
    polymap: np.ndarray | None = None,
    requested: np.ndarray | None = None,
    four_neighbors: bool = False,
    avg_resistance: bool = True,
    focal_regions: str = "all",
    solver: str = "amg",
    solver_options: dict | None = None,
    voltage_maps: bool = False,
    current_maps: bool = False,
    cumulative: bool = True,
    max_map: bool = False,
    zero_focal_currents: bool = False,
    on_map: Callable | None = None,
    progress: bool = False,
    max_memory_gb: float | None = None,
) -> dict:
    """Pairwise mode on numpy arrays (the engine behind :func:`pairwise` and the .ini runner).

    ``gmap`` holds conductances (0 = no node), ``focal_cells`` maps each id of ``ids`` to
    its cell rows/columns, ``polymap`` holds short-circuit polygon ids (0 = none).
    Per-pair maps are passed to ``on_map(kind, (id_i, id_j), array)`` with ``kind`` in
    ``{"voltage", "current"}``.

    Returns a dict with ``resistances`` (n x n), ``cumulative`` and ``max`` cell arrays
    (or None) and ``n_solves``.
    """
    check_choice("focal_regions", focal_regions, ("all", "pair"))
    _common.check_solver_name(solver)
    n = len(ids)
    if requested is None:
        requested = np.ones((n, n), dtype=bool)
    need_currents = cumulative or max_map or current_maps
    has_regions = any(focal_cells[i][0].size > 1 for i in ids)
    _common.raster_memory_check(
        gmap,
        four_neighbors=four_neighbors,
        n_vectors=n + 4,
        solver=solver,
        max_memory_gb=max_memory_gb,
        what="pairwise mode",
    )
    cum = np.zeros(gmap.shape) if cumulative else None
    cmax = np.zeros(gmap.shape) if max_map else None

    def make_sink(rg):
        def sink(i, j, comp, volt, cur):
            key = (ids[i], ids[j])
            if voltage_maps and volt is not None:
                on_map("voltage", key, rg.component_to_cells(comp, volt))
            if current_maps and cur is not None:
                on_map("current", key, rg.component_to_cells(comp, cur))

        return sink if (on_map is not None and (voltage_maps or current_maps)) else None

    if not has_regions or focal_regions == "all":
        poly = burn_regions(polymap, focal_cells, ids, gmap.shape) if has_regions else polymap
        rg = build_raster_graph(gmap, poly, four_neighbors=four_neighbors, avg_resistance=avg_resistance)
        nodes = _common.focal_nodes_of(rg, focal_cells, ids)
        cum_n = np.zeros(rg.graph.n_nodes) if cumulative else None
        max_n = np.zeros(rg.graph.n_nodes) if max_map else None
        res, n_solves = pairwise_on_graph(
            rg.graph,
            nodes,
            requested,
            solver=solver,
            solver_options=solver_options,
            need_voltages=voltage_maps,
            need_currents=need_currents,
            cum=cum_n,
            cmax=max_n,
            on_pair=make_sink(rg),
            zero_focal_currents=zero_focal_currents,
            progress=progress,
        )
        if cum is not None:
            cum = rg.to_cells(cum_n)
        if cmax is not None:
            cmax = rg.to_cells(max_n)
    else:
        res = np.full((n, n), -1.0)
        np.fill_diagonal(res, 0.0)
        n_solves = 0
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if requested[i, j]]
        for i, j in _common.progress_bar(pairs, total=len(pairs), desc="focal-region pairs", progress=progress):
            poly = burn_regions(polymap, focal_cells, [ids[i], ids[j]], gmap.shape)
            rg = build_raster_graph(gmap, poly, four_neighbors=four_neighbors, avg_resistance=avg_resistance)
            nodes = _common.focal_nodes_of(rg, focal_cells, [ids[i], ids[j]])
            cum_n = np.zeros(rg.graph.n_nodes) if need_currents else None
            sink = make_sink(rg)

            def relay(a, b, comp, volt, cur, _sink=sink, _i=i, _j=j):
                if _sink is not None:
                    _sink(_i, _j, comp, volt, cur)

            r2, ns = pairwise_on_graph(
                rg.graph,
                nodes,
                np.ones((2, 2), dtype=bool),
                solver=solver,
                solver_options=solver_options,
                need_voltages=voltage_maps,
                need_currents=need_currents,
                cum=cum_n,
                on_pair=relay if sink is not None else None,
                zero_focal_currents=zero_focal_currents,
            )
            n_solves += ns
            res[i, j] = res[j, i] = r2[0, 1]
            if cum_n is not None and r2[0, 1] >= 0:
                cells = rg.to_cells(cum_n)
                if cum is not None:
                    cum += cells
                if cmax is not None:
                    np.maximum(cmax, cells, out=cmax)
    return {"resistances": res, "cumulative": cum, "max": cmax, "n_solves": n_solves}


def _pairs_matrix(ids: list, included_pairs, excluded_pairs) -> np.ndarray:
    n = len(ids)
    index = {fid: k for k, fid in enumerate(ids)}

    def as_pairs(value, name):
        try:
            pairs = [(int(a), int(b)) for a, b in value]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be a sequence of (id, id) pairs; got {value!r}") from exc
        unknown = sorted({p for pair in pairs for p in pair} - set(index))
        if unknown:
            raise ValueError(f"{name} names focal ids {unknown} that are not among the focal ids {ids}")
        return pairs

    if included_pairs is not None and excluded_pairs is not None:
        raise ValueError("give either included_pairs or excluded_pairs, not both")
    if included_pairs is not None:
        req = np.zeros((n, n), dtype=bool)
        for a, b in as_pairs(included_pairs, "included_pairs"):
            req[index[a], index[b]] = req[index[b], index[a]] = True
        return req
    req = np.ones((n, n), dtype=bool)
    if excluded_pairs is not None:
        for a, b in as_pairs(excluded_pairs, "excluded_pairs"):
            req[index[a], index[b]] = req[index[b], index[a]] = False
    return req


def _polygons(polygons, resistance):
    if polygons is None:
        return None
    from ..grid import assert_same_grid

    assert_same_grid(resistance, ("polygons", polygons), reference_name="resistance")
    values = as_values(polygons, "polygons")
    cells = id_grid_cells(values, "polygons")
    poly = np.zeros(values.shape, dtype=np.int64)
    for pid, (r, c) in cells.items():
        poly[r, c] = pid
    return poly


def prepare_focal(focal, resistance, gmap: np.ndarray, *, name: str = "focal", minimum: int = 2):
    """Focal cells and sorted ids; ids entirely on nodata or too few ids raise ``ValueError``."""
    cells = focal_cells_from(focal, resistance, name)
    ids = sorted(cells)
    if len(ids) < minimum:
        raise ValueError(f"{name} must hold at least {minimum} focal ids; got {len(ids)} ({ids})")
    on_nodata = [fid for fid in ids if not np.any(gmap[cells[fid]] > 0)]
    if on_nodata:
        raise ValueError(
            f"{name}: focal ids {on_nodata} lie only on nodata (or zero-conductance) cells of the resistance grid"
        )
    return cells, ids


def map_attrs(long_name: str, units: str, **extra) -> dict:
    return {"long_name": long_name, "units": units, **extra}


def pairwise(
    resistance: xr.DataArray,
    focal,
    *,
    is_conductance: bool = False,
    connect_four_neighbors: bool = False,
    avg_conductance: bool = False,
    solver: str = "amg",
    included_pairs=None,
    excluded_pairs=None,
    mask: xr.DataArray | None = None,
    polygons: xr.DataArray | None = None,
    focal_regions: str = "all",
    write_current_maps: bool = False,
    write_voltage_maps: bool = False,
    cumulative: bool = True,
    max_map: bool = False,
    set_focal_node_currents_to_zero: bool = False,
    solver_options: dict | None = None,
    max_memory_gb: float | None = None,
    progress: bool = True,
) -> PairwiseResult:
    """Effective resistances and current maps between all pairs of focal nodes (Circuitscape pairwise).

    Parameters
    ----------
    resistance : xarray.DataArray
        Resistance raster (or conductance with ``is_conductance=True``); NaN/nodata cells
        are removed. Resistances must be > 0; a conductance of 0 means "no connection".
    focal : DataArray of ids, GeoDataFrame or sequence of (x, y)
        Focal nodes; several cells with the same id form a focal region (short-circuited).
    connect_four_neighbors : bool
        Connect 4 neighbours only (default 8, diagonals weighted by 1/sqrt(2)).
    avg_conductance : bool
        Edge conductance is the mean of the two cell conductances; by default the mean of
        the two resistances is inverted (Circuitscape's ``connect_using_avg_resistances``).
    solver : {"amg", "cholmod", "splu", "direct"}
        Linear solver (see :mod:`ecnet_lab.circuit.solvers`).
    included_pairs, excluded_pairs : sequence of (id, id), optional
        Solve only these pairs / all but these pairs (others get NaN).
    mask : DataArray, optional
        Cells with mask <= 0 or NaN are removed.
    polygons : DataArray, optional
        Short-circuit regions (integer ids > 0): each becomes a single node.
    focal_regions : {"all", "pair"}
        ``"all"`` shorts every focal region for every pair (``n`` solves); ``"pair"`` shorts
        only the two regions of each pair, exactly like Circuitscape (one solve per pair).
    write_current_maps, write_voltage_maps : bool
        Keep per-pair current / voltage maps.
    cumulative, max_map : bool
        Compute the cumulative and the maximum current maps.
    set_focal_node_currents_to_zero : bool
        Zero the current at the two focal nodes of each pair before mapping/accumulating.
    max_memory_gb : float, optional
        Memory limit for the estimate made before building the matrix (default: 90 % of
        the available memory).

    Returns
    -------
    PairwiseResult

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((3, 4)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": [0.5, 1.5, 2.5, 3.5]})
    >>> res = pairwise(r, [(0.5, 1.5), (3.5, 1.5)], connect_four_neighbors=True, solver="splu", progress=False)
    >>> round(float(res.resistances.loc[1, 2]), 4)
    1.3478
    """
    _common.check_solver_name(solver)
    check_choice("focal_regions", focal_regions, ("all", "pair"))
    gmap, nodata = conductance_grid(resistance, is_conductance=is_conductance, mask=mask)
    cells, ids = prepare_focal(focal, resistance, gmap)
    requested = _pairs_matrix(ids, included_pairs, excluded_pairs)
    poly = _polygons(polygons, resistance)
    per_pair_v: dict = {}
    per_pair_c: dict = {}

    def on_map(kind, key, arr):
        arr = np.where(nodata, np.nan, arr)
        if kind == "voltage":
            per_pair_v[key] = template_like(
                resistance, arr, name="voltage", attrs=map_attrs(f"voltage, 1 A from {key[1]} to {key[0]}", "V")
            )
        else:
            per_pair_c[key] = template_like(
                resistance, arr, name="current", attrs=map_attrs(f"current, 1 A from {key[1]} to {key[0]}", "A")
            )

    out = pairwise_raster(
        gmap,
        cells,
        ids,
        polymap=poly,
        requested=requested,
        four_neighbors=connect_four_neighbors,
        avg_resistance=not avg_conductance,
        focal_regions=focal_regions,
        solver=solver,
        solver_options=solver_options,
        voltage_maps=write_voltage_maps,
        current_maps=write_current_maps,
        cumulative=cumulative,
        max_map=max_map,
        zero_focal_currents=set_focal_node_currents_to_zero,
        on_map=on_map,
        progress=progress,
        max_memory_gb=max_memory_gb,
    )
    res = out["resistances"].copy()
    not_requested = ~(requested | requested.T)
    np.fill_diagonal(not_requested, False)
    res[not_requested] = np.nan
    table = pd.DataFrame(res, index=pd.Index(ids, name="from"), columns=pd.Index(ids, name="to"))
    cum = cmax = None
    if out["cumulative"] is not None:
        cum = template_like(
            resistance,
            np.where(nodata, np.nan, out["cumulative"]),
            name="cumulative_current",
            attrs=map_attrs("cumulative current over focal pairs (1 A per pair)", "A"),
        )
    if out["max"] is not None:
        cmax = template_like(
            resistance,
            np.where(nodata, np.nan, out["max"]),
            name="max_current",
            attrs=map_attrs("maximum current over focal pairs (1 A per pair)", "A"),
        )
    return PairwiseResult(
        resistances=table,
        cumulative_current=cum,
        max_current=cmax,
        current_maps=per_pair_c,
        voltage_maps=per_pair_v,
        solver=solver,
        focal_regions=focal_regions,
        n_solves=out["n_solves"],
    )
