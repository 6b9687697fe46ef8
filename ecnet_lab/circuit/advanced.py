"""Advanced mode: arbitrary current sources and grounds (Circuitscape semantics).

Sources inject current (amperes; negative values draw current). Grounds connect nodes to
0 V through a conductance; an infinite conductance (or a zero resistance, or
``direct_grounding=True``) holds the node at 0 V. Only components holding both a source and a
ground are solved; elsewhere voltages and currents are 0.

Conflicts (a source and a ground on the same node) follow ``remove_src_or_gnd``:
``"keepall"`` keeps both, ``"rmvsrc"`` drops the source, ``"rmvgnd"`` drops the ground and
``"rmvall"`` drops both. A source on a directly grounded node always removes that ground,
as in Circuitscape.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._checks import check_choice
from ..grid import assert_same_grid, template_like
from . import _common
from ._inputs import as_values, conductance_grid
from ._kernels import node_currents
from .graph import Graph, build_raster_graph
from .pairwise import _polygons, map_attrs
from .results import AdvancedResult
from .solvers import warn_if_ill_conditioned

__all__ = ["advanced", "advanced_on_graph", "advanced_raster", "resolve_conflicts"]


def resolve_conflicts(sources: np.ndarray, grounds: np.ndarray, policy: str) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``remove_src_or_gnd`` to node-level sources and ground conductances.

    Examples
    --------
    >>> s, g = resolve_conflicts(np.array([1.0, 0.0]), np.array([2.0, 1.0]), "rmvsrc")
    >>> s.tolist(), g.tolist()
    ([0.0, 0.0], [2.0, 1.0])
    """
    check_choice("remove_src_or_gnd", policy, _common.REMOVE_POLICIES)
    sources = np.array(sources, dtype=float)
    grounds = np.array(grounds, dtype=float)
    conflict = (sources != 0) & (grounds != 0)
    if policy in ("rmvsrc", "rmvall"):
        sources[conflict] = 0.0
    if policy in ("rmvgnd", "rmvall"):
        grounds[conflict] = 0.0
    grounds[(sources != 0) & np.isinf(grounds)] = 0.0
    return sources, grounds


def advanced_on_graph(
    graph: Graph,
    sources: np.ndarray,
    grounds: np.ndarray,
    *,
    policy: str = "keepall",
    solver: str = "amg",
    solver_options: dict | None = None,
    need_currents: bool = True,
) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Node voltages (and node currents) for node-level ``sources`` and ground conductances.

    Returns ``(voltages, currents, n_solves)``; components without both a source and a
    ground keep 0.
    """
    check_choice("remove_src_or_gnd", policy, _common.REMOVE_POLICIES)
    volt = np.zeros(graph.n_nodes)
    cur = np.zeros(graph.n_nodes) if need_currents else None
    n_solves = 0
    has_src = np.zeros(graph.n_components, dtype=bool)
    has_gnd = np.zeros(graph.n_components, dtype=bool)
    has_src[np.unique(graph.labels[sources != 0])] = True
    has_gnd[np.unique(graph.labels[grounds != 0])] = True
    for label in np.flatnonzero(has_src & has_gnd):
        comp = graph.component(int(label))
        src, gnd = resolve_conflicts(sources[comp.nodes], grounds[comp.nodes], policy)
        if not np.any(src):
            raise ValueError(
                f"all current sources of a component conflict with grounds and were removed "
                f"(remove_src_or_gnd={policy!r}); there is nothing to solve"
            )
        if not np.any(gnd):
            raise ValueError(
                f"all grounds of a component conflict with sources and were removed "
                f"(remove_src_or_gnd={policy!r}); there is nothing to solve"
            )
        infinite = np.isinf(gnd)
        finite = np.where(infinite, 0.0, gnd)
        ratio = comp.conductance_ratio(finite)
        warn_if_ill_conditioned(ratio, "advanced mode")
        mat, keep = comp.laplacian(infinite if infinite.any() else None, extra_diag=finite)
        slv = _common.new_solver(solver, solver_options).prepare(mat, conductance_ratio=ratio)
        v = np.zeros(comp.n)
        v[keep] = slv.solve(src[keep])
        n_solves += 1
        volt[comp.nodes] = v
        if cur is not None:
            cur[comp.nodes] = node_currents(comp.n, comp.a, comp.b, comp.g, v, finite)
    return volt, cur, n_solves


def _node_sum(node_map: np.ndarray, cells: np.ndarray, n_nodes: int) -> np.ndarray:
    has = (node_map >= 0) & (cells != 0)
    nodes = node_map[has]
    vals = cells[has]
    out = np.bincount(nodes, np.where(np.isinf(vals), 0.0, vals), minlength=n_nodes)
    inf_nodes = nodes[np.isinf(vals)]
    out[inf_nodes] = np.inf
    return out


def advanced_raster(
    gmap: np.ndarray,
    sources: np.ndarray,
    grounds: np.ndarray,
    *,
    polymap: np.ndarray | None = None,
    policy: str = "keepall",
    four_neighbors: bool = False,
    avg_resistance: bool = True,
    solver: str = "amg",
    solver_options: dict | None = None,
    need_currents: bool = True,
    max_memory_gb: float | None = None,
) -> dict:
    """Advanced mode on numpy arrays: ``sources`` (A) and ground conductances per cell (0 = none).

    Cell-level conflicts are resolved first (as Circuitscape does when reading the maps),
    then node-level conflicts created by short-circuit polygons.
    Returns ``voltage`` and ``current`` cell arrays and ``n_solves``.
    """
    check_choice("remove_src_or_gnd", policy, _common.REMOVE_POLICIES)
    _common.check_solver_name(solver)
    sources = np.array(sources, dtype=float)
    grounds = np.array(grounds, dtype=float)
    sources, grounds = resolve_conflicts(sources, grounds, policy) if policy != "keepall" else (sources, grounds)
    if not np.any(sources != 0):
        raise ValueError("no valid current sources (all zero or removed by conflicts with grounds)")
    if not np.any(grounds != 0):
        raise ValueError("no valid grounds (all zero or removed by conflicts with sources)")
    _common.raster_memory_check(
        gmap,
        four_neighbors=four_neighbors,
        n_vectors=3,
        solver=solver,
        max_memory_gb=max_memory_gb,
        what="advanced mode",
    )
    rg = build_raster_graph(gmap, polymap, four_neighbors=four_neighbors, avg_resistance=avg_resistance)
    n = rg.graph.n_nodes
    src_n = _node_sum(rg.node_map, sources, n)
    gnd_n = _node_sum(rg.node_map, grounds, n)
    volt, cur, n_solves = advanced_on_graph(
        rg.graph, src_n, gnd_n, policy=policy, solver=solver, solver_options=solver_options, need_currents=need_currents
    )
    return {
        "voltage": rg.to_cells(volt),
        "current": None if cur is None else rg.to_cells(cur),
        "n_solves": n_solves,
    }


def advanced(
    resistance: xr.DataArray,
    sources: xr.DataArray,
    grounds: xr.DataArray,
    *,
    is_conductance: bool = False,
    grounds_are_resistances: bool = True,
    direct_grounding: bool = False,
    unit_currents: bool = False,
    remove_src_or_gnd: str = "keepall",
    connect_four_neighbors: bool = False,
    avg_conductance: bool = False,
    mask: xr.DataArray | None = None,
    polygons: xr.DataArray | None = None,
    solver: str = "amg",
    write_current_map: bool = True,
    solver_options: dict | None = None,
    max_memory_gb: float | None = None,
) -> AdvancedResult:
    """Voltages and currents for arbitrary current sources and grounds (Circuitscape advanced mode).

    Parameters
    ----------
    resistance : xarray.DataArray
        Resistance (or conductance with ``is_conductance=True``) raster; NaN = nodata.
    sources : xarray.DataArray
        Source current per cell in amperes (0/NaN = none; negative values draw current).
    grounds : xarray.DataArray
        Ground per cell (NaN = none): a resistance to ground when ``grounds_are_resistances``
        (0 = direct connection) else a conductance (0 = none, inf = direct).
    direct_grounding : bool
        Connect every ground directly (infinite conductance).
    unit_currents : bool
        Every source injects 1 A.
    remove_src_or_gnd : {"keepall", "rmvsrc", "rmvgnd", "rmvall"}
        Conflict policy for a source and a ground on the same cell/node.
    connect_four_neighbors, avg_conductance, mask, polygons, solver, max_memory_gb
        As in :func:`ecnet_lab.circuit.pairwise`.

    Returns
    -------
    AdvancedResult
        ``voltage`` (V) and ``current`` (A) maps (NaN on nodata).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> c = {"y": [0.5], "x": [0.5, 1.5, 2.5]}
    >>> r = xr.DataArray(np.ones((1, 3)), dims=("y", "x"), coords=c)
    >>> s = xr.DataArray(np.array([[1.0, 0, 0]]), dims=("y", "x"), coords=c)
    >>> g = xr.DataArray(np.array([[np.nan, np.nan, 0.0]]), dims=("y", "x"), coords=c)
    >>> advanced(r, s, g, solver="splu").voltage.values.round(3).tolist()
    [[2.0, 1.0, 0.0]]
    """
    check_choice("remove_src_or_gnd", remove_src_or_gnd, _common.REMOVE_POLICIES)
    _common.check_solver_name(solver)
    gmap, nodata = conductance_grid(resistance, is_conductance=is_conductance, mask=mask)
    assert_same_grid(resistance, ("sources", sources), ("grounds", grounds), reference_name="resistance")
    src = np.nan_to_num(as_values(sources, "sources"), nan=0.0)
    if not np.all(np.isfinite(src)):
        raise ValueError("sources must be finite currents in amperes (NaN = none)")
    if unit_currents:
        src = np.where(src != 0, 1.0, 0.0)
    graw = as_values(grounds, "grounds")
    given = ~np.isnan(graw)
    if np.any(graw[given] < 0):
        raise ValueError("grounds must be >= 0 (a resistance or conductance to ground; NaN = none)")
    if grounds_are_resistances:
        with np.errstate(divide="ignore"):
            gnd = np.where(given, 1.0 / np.where(given, graw, 1.0), 0.0)
        gnd[given & (graw == 0)] = np.inf
    else:
        gnd = np.where(given, graw, 0.0)
    if direct_grounding:
        gnd = np.where(gnd != 0, np.inf, 0.0)
    out = advanced_raster(
        gmap,
        src,
        gnd,
        polymap=_polygons(polygons, resistance),
        policy=remove_src_or_gnd,
        four_neighbors=connect_four_neighbors,
        avg_resistance=not avg_conductance,
        solver=solver,
        solver_options=solver_options,
        need_currents=write_current_map,
        max_memory_gb=max_memory_gb,
    )
    voltage = template_like(
        resistance,
        np.where(nodata, np.nan, out["voltage"]),
        name="voltage",
        attrs=map_attrs("voltage (advanced mode)", "V"),
    )
    current = None
    if out["current"] is not None:
        current = template_like(
            resistance,
            np.where(nodata, np.nan, out["current"]),
            name="current",
            attrs=map_attrs("current (advanced mode)", "A"),
        )
    return AdvancedResult(voltage=voltage, current=current, solver=solver, n_solves=out["n_solves"])
