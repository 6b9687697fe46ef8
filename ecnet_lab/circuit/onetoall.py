"""One-to-all and all-to-one modes.

One-to-all: for each focal node ``s``, 1 A (or its source strength) is injected at ``s`` and
every other focal node of its component is connected directly to ground. All-to-one: ``s``
is grounded and every other focal node injects 1 A (or its strength). As in Circuitscape,
all focal regions are short-circuited for every solve, maps of all solves add up in the
cumulative map, and one-to-all reports the effective resistance ``v_s / strength``.

Both modes reuse one preparation per component: the Laplacian grounded at one focal node
gives, with one solve per other focal node, the potential fields ``x_k`` of unit injections
(as in pairwise mode). Each one-to-all solve is then a superposition
``v = w x_s - sum_d c_d x_d + v0`` whose sink currents ``c_d`` make every grounded focal node
0 V (a small dense system on the focal nodes), and each all-to-one solve is
``sum_k q_k x_k - Q x_s``. ``n`` focal nodes cost ``n - 1`` sparse solves in total.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import xarray as xr

from .._checks import check_choice
from ..grid import template_like
from . import _common
from ._inputs import conductance_grid
from ._kernels import node_currents
from .graph import Graph, build_raster_graph, burn_regions
from .pairwise import _polygons, green_function, map_attrs, prepare_focal
from .results import OneToAllResult

__all__ = ["all_to_one", "one_to_all", "one_to_all_on_graph", "one_to_all_raster"]

MODES = ("one-to-all", "all-to-one")


def one_to_all_on_graph(
    graph: Graph,
    focal_nodes: np.ndarray,
    *,
    mode: str,
    strengths: np.ndarray | None = None,
    participants: np.ndarray | None = None,
    srcs: list[int] | None = None,
    solver: str = "amg",
    solver_options: dict | None = None,
    need_voltages: bool = False,
    need_currents: bool = False,
    cum: np.ndarray | None = None,
    cmax: np.ndarray | None = None,
    on_src: Callable | None = None,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """One-to-all / all-to-one solves for each focal index in ``srcs`` on ``graph``.

    Parameters
    ----------
    focal_nodes : array of int
        Graph node per focal index (``-1`` = not on the graph).
    strengths : array of float, optional
        Source strength per focal index (default 1).
    participants : bool array (n, n), optional
        ``participants[s, k]``: focal index ``k`` takes part in the solve of ``s`` (as a
        ground in one-to-all, a source in all-to-one). Default: all.
    on_src : callable, optional
        ``on_src(s, component_or_None, voltages, currents)`` for every focal index in ``srcs``
        (component ``None`` when nothing was solved).

    Returns
    -------
    values : ndarray
        One-to-all: effective resistance per focal index (-1 when not solved). All-to-one:
        0 when solved, -1 otherwise.
    n_solves : int
    """
    check_choice("mode", mode, MODES)
    focal_nodes = np.asarray(focal_nodes, dtype=np.int64)
    n = focal_nodes.size
    strengths = np.ones(n) if strengths is None else np.asarray(strengths, dtype=float)
    if participants is None:
        participants = np.ones((n, n), dtype=bool)
    srcs = list(range(n)) if srcs is None else [int(s) for s in srcs]
    need_currents = need_currents or cum is not None or cmax is not None
    values = np.full(n, -1.0)
    valid = focal_nodes >= 0
    comp_of = np.full(n, -1, dtype=np.int64)
    comp_of[valid] = graph.labels[focal_nodes[valid]]
    n_solves = 0

    def skip(s):
        if on_src is not None:
            on_src(s, None, None, None)

    for s in srcs:
        if comp_of[s] < 0:
            skip(s)
    labels = np.unique([comp_of[s] for s in srcs if comp_of[s] >= 0])
    for label in labels:
        comp_srcs = [s for s in srcs if comp_of[s] == label]
        members = np.flatnonzero(comp_of == label)
        comp = graph.component(int(label))
        local = np.searchsorted(comp.nodes, focal_nodes[members])
        uniq, inv = np.unique(local, return_inverse=True)
        member_u = dict(zip(members.tolist(), inv.tolist(), strict=True))
        m = uniq.size
        x = p = None
        if m >= 2:
            x, p = green_function(comp, uniq, solver, solver_options, progress=progress, what=mode)
            n_solves += m - 1
        for s in comp_srcs:
            us = member_u[s]
            others = [int(k) for k in members if participants[s, k] and k != s]
            if mode == "one-to-all":
                ground = sorted({member_u[k] for k in others} - {us})
                if not ground or strengths[s] == 0:
                    skip(s)
                    continue
                w = strengths[s]
                # unknown sink currents c_d at the grounded nodes and a potential offset v0:
                # v = w x_s - sum_d c_d x_d + v0 with v(d) = 0 for every d and sum_d c_d = w
                k = len(ground)
                a = np.zeros((k + 1, k + 1))
                a[:k, :k] = p[np.ix_(ground, ground)]
                a[:k, k] = -1.0
                a[k, :k] = 1.0
                rhs = np.r_[w * p[ground, us], w]
                sol = np.linalg.solve(a, rhs)
                coef = np.zeros(m)
                coef[us] += w
                coef[ground] -= sol[:k]
                offset = sol[k]
                v_s = coef @ p[:, us] + offset
                values[s] = v_s / w
            else:
                coef = np.zeros(m)
                for k in others:
                    if member_u[k] != us:
                        coef[member_u[k]] += strengths[k]
                if not np.any(coef):
                    skip(s)
                    continue
                coef[us] -= coef.sum()
                offset = -(coef @ p[:, us])
                values[s] = 0.0
            if not (need_voltages or need_currents):
                continue
            volt = coef @ x + offset
            cur = None
            if need_currents:
                cur = node_currents(comp.n, comp.a, comp.b, comp.g, volt)
                if cum is not None:
                    cum[comp.nodes] += cur
                if cmax is not None:
                    cmax[comp.nodes] = np.maximum(cmax[comp.nodes], cur)
            if on_src is not None:
                on_src(s, comp, volt if need_voltages else None, cur)
    return values, n_solves


def one_to_all_raster(
    gmap: np.ndarray,
    focal_cells: dict,
    ids: list,
    *,
    mode: str = "one-to-all",
    polymap: np.ndarray | None = None,
    strengths: dict | None = None,
    included: np.ndarray | None = None,
    four_neighbors: bool = False,
    avg_resistance: bool = True,
    solver: str = "amg",
    solver_options: dict | None = None,
    voltage_maps: bool = False,
    current_maps: bool = False,
    cumulative: bool = True,
    max_map: bool = False,
    on_map: Callable | None = None,
    progress: bool = False,
    max_memory_gb: float | None = None,
) -> dict:
    """One-to-all / all-to-one on numpy arrays (engine of :func:`one_to_all` and the runner).

    ``included`` (n x n bool) restricts which focal ids take part in each solve; with
    multi-cell focal regions it also decides which regions are shorted for that solve.
    Per-focal maps go to ``on_map(kind, id, array)``.
    """
    check_choice("mode", mode, MODES)
    _common.check_solver_name(solver)
    n = len(ids)
    strength = np.array([1.0 if strengths is None else float(strengths.get(i, 1.0)) for i in ids])
    _common.raster_memory_check(
        gmap,
        four_neighbors=four_neighbors,
        n_vectors=n + 4,
        solver=solver,
        max_memory_gb=max_memory_gb,
        what=f"{mode} mode",
    )
    need_currents = cumulative or max_map or current_maps
    cum = np.zeros(gmap.shape) if cumulative else None
    cmax = np.zeros(gmap.shape) if max_map else None
    has_regions = any(focal_cells[i][0].size > 1 for i in ids)
    participants = np.ones((n, n), dtype=bool) if included is None else np.asarray(included, dtype=bool)
    values = np.full(n, -1.0)
    n_solves = 0

    def run(rg, srcs, part_ids_per_graph):
        nonlocal n_solves
        nodes = _common.focal_nodes_of(rg, focal_cells, ids)
        nodes[~part_ids_per_graph] = -1
        cum_n = np.zeros(rg.graph.n_nodes) if cumulative else None
        max_n = np.zeros(rg.graph.n_nodes) if max_map else None

        def sink(s, comp, volt, cur):
            if on_map is None:
                return
            if voltage_maps:
                arr = np.zeros(gmap.shape) if comp is None or volt is None else rg.component_to_cells(comp, volt)
                on_map("voltage", ids[s], arr)
            if current_maps:
                arr = np.zeros(gmap.shape) if comp is None or cur is None else rg.component_to_cells(comp, cur)
                on_map("current", ids[s], arr)

        vals, ns = one_to_all_on_graph(
            rg.graph,
            nodes,
            mode=mode,
            strengths=strength,
            participants=participants,
            srcs=srcs,
            solver=solver,
            solver_options=solver_options,
            need_voltages=voltage_maps,
            need_currents=need_currents,
            cum=cum_n,
            cmax=max_n,
            on_src=sink,
            progress=progress,
        )
        n_solves += ns
        values[srcs] = vals[srcs]
        if cum is not None:
            cum[...] += rg.to_cells(cum_n)
        if cmax is not None:
            np.maximum(cmax, rg.to_cells(max_n), out=cmax)

    if included is None or not has_regions:
        poly = burn_regions(polymap, focal_cells, ids, gmap.shape)
        rg = build_raster_graph(gmap, poly, four_neighbors=four_neighbors, avg_resistance=avg_resistance)
        run(rg, list(range(n)), np.ones(n, dtype=bool))
    else:
        for s in _common.progress_bar(range(n), total=n, desc=f"{mode} graphs", progress=progress):
            part = participants[s].copy()
            part[s] = True
            burn_ids = [ids[k] for k in range(n) if part[k]]
            poly = burn_regions(polymap, focal_cells, burn_ids, gmap.shape)
            rg = build_raster_graph(gmap, poly, four_neighbors=four_neighbors, avg_resistance=avg_resistance)
            run(rg, [s], part)
    return {"values": values, "cumulative": cum, "max": cmax, "n_solves": n_solves}


def _run_public(
    mode,
    resistance,
    focal,
    *,
    is_conductance,
    connect_four_neighbors,
    avg_conductance,
    solver,
    source_strengths,
    included_pairs,
    mask,
    polygons,
    write_current_maps,
    write_voltage_maps,
    cumulative,
    max_map,
    solver_options,
    max_memory_gb,
    progress,
) -> OneToAllResult:
    _common.check_solver_name(solver)
    gmap, nodata = conductance_grid(resistance, is_conductance=is_conductance, mask=mask)
    cells, ids = prepare_focal(focal, resistance, gmap)
    strengths = None
    if source_strengths is not None:
        strengths = {int(k): float(v) for k, v in dict(source_strengths).items()}
        bad = {k: v for k, v in strengths.items() if not np.isfinite(v) or v < 0}
        if bad:
            raise ValueError(f"source_strengths must be finite and >= 0; got {bad}")
    included = None
    if included_pairs is not None:
        index = {fid: k for k, fid in enumerate(ids)}
        included = np.zeros((len(ids), len(ids)), dtype=bool)
        for a, b in included_pairs:
            if int(a) not in index or int(b) not in index:
                raise ValueError(f"included_pairs names ({a}, {b}) but the focal ids are {ids}")
            included[index[int(a)], index[int(b)]] = included[index[int(b)], index[int(a)]] = True
    v_maps: dict = {}
    c_maps: dict = {}

    def on_map(kind, key, arr):
        arr = np.where(nodata, np.nan, arr)
        if kind == "voltage":
            v_maps[key] = template_like(resistance, arr, name="voltage", attrs=map_attrs(f"voltage, {mode} {key}", "V"))
        else:
            c_maps[key] = template_like(resistance, arr, name="current", attrs=map_attrs(f"current, {mode} {key}", "A"))

    out = one_to_all_raster(
        gmap,
        cells,
        ids,
        mode=mode,
        polymap=_polygons(polygons, resistance),
        strengths=strengths,
        included=included,
        four_neighbors=connect_four_neighbors,
        avg_resistance=not avg_conductance,
        solver=solver,
        solver_options=solver_options,
        voltage_maps=write_voltage_maps,
        current_maps=write_current_maps,
        cumulative=cumulative,
        max_map=max_map,
        on_map=on_map,
        progress=progress,
        max_memory_gb=max_memory_gb,
    )
    label = "one-to-all" if mode == "one-to-all" else "all-to-one"
    cum = cmax = None
    if out["cumulative"] is not None:
        cum = template_like(
            resistance,
            np.where(nodata, np.nan, out["cumulative"]),
            name="cumulative_current",
            attrs=map_attrs(f"cumulative current, {label}", "A"),
        )
    if out["max"] is not None:
        cmax = template_like(
            resistance,
            np.where(nodata, np.nan, out["max"]),
            name="max_current",
            attrs=map_attrs(f"maximum current, {label}", "A"),
        )
    return OneToAllResult(
        mode=mode,
        resistances=pd.Series(out["values"], index=pd.Index(ids, name="focal_id"), name="resistance"),
        cumulative_current=cum,
        max_current=cmax,
        current_maps=c_maps,
        voltage_maps=v_maps,
        solver=solver,
        n_solves=out["n_solves"],
    )


def one_to_all(
    resistance: xr.DataArray,
    focal,
    *,
    is_conductance: bool = False,
    connect_four_neighbors: bool = False,
    avg_conductance: bool = False,
    solver: str = "amg",
    source_strengths=None,
    included_pairs=None,
    mask: xr.DataArray | None = None,
    polygons: xr.DataArray | None = None,
    write_current_maps: bool = False,
    write_voltage_maps: bool = False,
    cumulative: bool = True,
    max_map: bool = False,
    solver_options: dict | None = None,
    max_memory_gb: float | None = None,
    progress: bool = True,
) -> OneToAllResult:
    """One-to-all mode: inject at each focal node in turn, all others grounded.

    Parameters
    ----------
    resistance : xarray.DataArray
        Resistance raster (conductance with ``is_conductance=True``); NaN = nodata.
    focal : DataArray of ids, GeoDataFrame or sequence of (x, y)
        Focal nodes; several cells with one id form a short-circuited focal region.
    source_strengths : mapping id -> strength, optional
        Variable source strengths in amperes (default 1 A for every id).
    included_pairs : sequence of (id, id), optional
        For each focal id, only the ids paired with it take part in its solve.
    connect_four_neighbors, avg_conductance, solver, mask, polygons, max_memory_gb
        As in :func:`ecnet_lab.circuit.pairwise`.
    write_current_maps, write_voltage_maps, cumulative, max_map : bool
        Per-focal-id maps, cumulative and maximum current maps.

    Returns
    -------
    OneToAllResult

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray([[1.0, 1, 1], [np.nan] * 3], dims=("y", "x"), coords={"y": [1.5, 0.5], "x": [0.5, 1.5, 2.5]})
    >>> res = one_to_all(r, [(0.5, 1.5), (1.5, 1.5), (2.5, 1.5)], solver="splu", progress=False)
    >>> res.resistances.round(3).tolist()
    [1.0, 0.5, 1.0]
    """
    return _run_public(
        "one-to-all",
        resistance,
        focal,
        is_conductance=is_conductance,
        connect_four_neighbors=connect_four_neighbors,
        avg_conductance=avg_conductance,
        solver=solver,
        source_strengths=source_strengths,
        included_pairs=included_pairs,
        mask=mask,
        polygons=polygons,
        write_current_maps=write_current_maps,
        write_voltage_maps=write_voltage_maps,
        cumulative=cumulative,
        max_map=max_map,
        solver_options=solver_options,
        max_memory_gb=max_memory_gb,
        progress=progress,
    )


def all_to_one(
    resistance: xr.DataArray,
    focal,
    *,
    is_conductance: bool = False,
    connect_four_neighbors: bool = False,
    avg_conductance: bool = False,
    solver: str = "amg",
    source_strengths=None,
    included_pairs=None,
    mask: xr.DataArray | None = None,
    polygons: xr.DataArray | None = None,
    write_current_maps: bool = False,
    write_voltage_maps: bool = False,
    cumulative: bool = True,
    max_map: bool = False,
    solver_options: dict | None = None,
    max_memory_gb: float | None = None,
    progress: bool = True,
) -> OneToAllResult:
    """All-to-one mode: ground each focal node in turn, all others inject 1 A (or their strength).

    Parameters
    ----------
    resistance : xarray.DataArray
        Resistance raster (conductance with ``is_conductance=True``); NaN = nodata.
    focal : DataArray of ids, GeoDataFrame or sequence of (x, y)
        Focal nodes; several cells with one id form a short-circuited focal region.
    source_strengths : mapping id -> strength, optional
        Variable source strengths in amperes (default 1 A for every id).
    included_pairs : sequence of (id, id), optional
        For each focal id, only the ids paired with it take part in its solve.
    connect_four_neighbors, avg_conductance, solver, mask, polygons, max_memory_gb
        As in :func:`ecnet_lab.circuit.pairwise`.
    write_current_maps, write_voltage_maps, cumulative, max_map : bool
        Per-focal-id maps, cumulative and maximum current maps.

    Returns
    -------
    OneToAllResult

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray([[1.0, 1, 1], [np.nan] * 3], dims=("y", "x"), coords={"y": [1.5, 0.5], "x": [0.5, 1.5, 2.5]})
    >>> res = all_to_one(r, [(0.5, 1.5), (2.5, 1.5)], solver="splu", progress=False)
    >>> float(res.cumulative_current.sel(x=1.5, y=1.5).item())
    2.0
    """
    return _run_public(
        "all-to-one",
        resistance,
        focal,
        is_conductance=is_conductance,
        connect_four_neighbors=connect_four_neighbors,
        avg_conductance=avg_conductance,
        solver=solver,
        source_strengths=source_strengths,
        included_pairs=included_pairs,
        mask=mask,
        polygons=polygons,
        write_current_maps=write_current_maps,
        write_voltage_maps=write_voltage_maps,
        cumulative=cumulative,
        max_map=max_map,
        solver_options=solver_options,
        max_memory_gb=max_memory_gb,
        progress=progress,
    )
