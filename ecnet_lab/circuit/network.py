"""Network (graph) input: pairwise and advanced modes on an arbitrary conductance graph.

The graph is a list of edges ``(node1, node2, value)`` (a DataFrame, an array or a networkx
graph with the value in an edge attribute); values are resistances unless
``is_conductance=True``. As in Circuitscape, repeated edges in one direction add up (as
conductances) and an edge listed in both directions keeps the larger conductance.
Outputs are node voltages, node currents (the larger of the total inflow and outflow) and
branch currents ``|g (v1 - v2)|``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import _common
from ._kernels import branch_currents
from .advanced import advanced_on_graph
from .graph import Component, Graph, check_memory, estimate_memory
from .pairwise import _pairs_matrix, pairwise_on_graph
from .results import NetworkAdvancedResult, NetworkPairwiseResult

__all__ = ["build_network", "network_advanced", "network_pairwise", "network_pairwise_core"]


def _edge_table(graph, weight: str) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover - networkx is a dependency
        nx = None
    if nx is not None and isinstance(graph, nx.Graph):
        if graph.is_directed():
            raise ValueError("graph must be undirected (networkx.Graph); got a directed graph")
        n1, n2, vals = [], [], []
        for u, v, data in graph.edges(data=True):
            if weight not in data:
                raise ValueError(f"edge ({u!r}, {v!r}) has no {weight!r} attribute (the resistance/conductance)")
            n1.append(u)
            n2.append(v)
            vals.append(float(data[weight]))
        nodes = list(graph.nodes)
        return nodes, np.asarray(n1, dtype=object), np.asarray(n2, dtype=object), np.asarray(vals, dtype=float)
    if isinstance(graph, pd.DataFrame):
        if graph.shape[1] < 3:
            raise ValueError("an edge table needs three columns: node1, node2, value")
        cols = [c for c in ("node1", "node2") if c in graph.columns]
        if len(cols) == 2 and weight in graph.columns:
            n1, n2, vals = graph["node1"].to_numpy(), graph["node2"].to_numpy(), graph[weight].to_numpy(float)
        else:
            n1, n2, vals = (graph.iloc[:, 0].to_numpy(), graph.iloc[:, 1].to_numpy(), graph.iloc[:, 2].to_numpy(float))
        return [], n1, n2, np.asarray(vals, dtype=float)
    arr = np.asarray(graph)
    if arr.ndim != 2 or arr.shape[1] < 3:
        raise ValueError(
            f"graph must be a networkx.Graph, a DataFrame or an (n, 3) array of edges; got shape {arr.shape}"
        )
    return [], arr[:, 0], arr[:, 1], np.asarray(arr[:, 2], dtype=float)


def _sorted_names(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    try:
        return np.unique(arr)
    except TypeError:
        return np.asarray(sorted(set(arr.tolist()), key=repr), dtype=object)


def build_network(graph, *, weight: str = "weight", is_conductance: bool = False) -> tuple[Graph, np.ndarray]:
    """Conductance :class:`Graph` of an edge list and the sorted node names.

    Examples
    --------
    >>> g, names = build_network(np.array([[0, 1, 2.0], [1, 2, 4.0]]))
    >>> names.tolist(), g.g.tolist()
    ([0, 1, 2], [0.5, 0.25])
    """
    extra_nodes, n1, n2, vals = _edge_table(graph, weight)
    if np.any(~np.isfinite(vals)) or np.any(vals < 0):
        raise ValueError("network edge values must be finite and >= 0")
    if is_conductance:
        cond = vals
    else:
        if np.any(vals == 0):
            raise ValueError(
                "zero resistances are not allowed in a network (merge the two nodes instead); "
                f"{int(np.sum(vals == 0))} edge(s) have resistance 0"
            )
        cond = 1.0 / vals
    parts = [np.asarray(n1), np.asarray(n2)]
    if len(extra_nodes):
        parts.append(np.asarray(extra_nodes, dtype=object))
    names = _sorted_names(np.concatenate(parts))
    if names.dtype.kind == "i":
        n1 = np.asarray(n1).astype(np.int64)
        n2 = np.asarray(n2).astype(np.int64)
    if names.dtype == object:
        lookup = {k: i for i, k in enumerate(names.tolist())}
        a = np.array([lookup[k] for k in n1.tolist()], dtype=np.int64)
        b = np.array([lookup[k] for k in n2.tolist()], dtype=np.int64)
    else:
        a = np.searchsorted(names, np.asarray(n1).astype(names.dtype))
        b = np.searchsorted(names, np.asarray(n2).astype(names.dtype))
    n = names.size
    keep = a != b
    a, b, cond = a[keep], b[keep], cond[keep]
    # repeated edges in one direction add up; both directions -> the larger value
    key = a * n + b
    uniq, inv = np.unique(key, return_inverse=True)
    summed = np.bincount(inv, cond)
    ua, ub = uniq // n, uniq % n
    lo, hi = np.minimum(ua, ub), np.maximum(ua, ub)
    ukey = lo * n + hi
    order = np.lexsort((-summed, ukey))
    ukey_sorted = ukey[order]
    first = np.r_[True, ukey_sorted[1:] != ukey_sorted[:-1]]
    sel = order[first]
    return Graph(n, lo[sel], hi[sel], summed[sel]), names


def _branch_table(names, comp: Component, currents: np.ndarray) -> pd.DataFrame:
    ga, gb = comp.nodes[comp.a], comp.nodes[comp.b]
    lo, hi = np.minimum(ga, gb), np.maximum(ga, gb)
    order = np.lexsort((hi, lo))
    return pd.DataFrame({"node1": names[lo[order]], "node2": names[hi[order]], "current_A": currents[order]})


def network_pairwise_core(
    graph: Graph,
    names: np.ndarray,
    focal: list,
    *,
    requested: np.ndarray | None = None,
    solver: str = "amg",
    solver_options: dict | None = None,
    cumulative: bool = True,
    pair_voltages: bool = False,
    pair_currents: bool = False,
    on_pair: Callable | None = None,
    progress: bool = False,
    max_memory_gb: float | None = None,
) -> dict:
    """Pairwise mode on a network; focal names absent from the graph get -1 resistances."""
    est = estimate_memory(graph.n_nodes, graph.n_edges, n_vectors=len(focal) + 4, solver=solver)
    check_memory(est, max_memory_gb, what=f"network pairwise mode ({graph.n_nodes} nodes, solver {solver!r})")
    lookup = {k: i for i, k in enumerate(names.tolist())}
    nodes = np.array([lookup.get(_plain(f), -1) for f in focal], dtype=np.int64)
    n = len(focal)
    if requested is None:
        requested = np.ones((n, n), dtype=bool)
    cum = np.zeros(graph.n_nodes) if cumulative else None
    branch_cum = np.zeros(graph.n_edges) if cumulative else None
    volts: dict = {}
    ncur: dict = {}
    bcur: dict = {}
    edge_pos: dict = {}

    def sink(i, j, comp, volt, cur):
        key = (focal[i], focal[j])
        if cumulative or pair_currents:
            br = branch_currents(comp.a, comp.b, comp.g, volt)
            if cumulative:
                label = int(graph.labels[comp.nodes[0]])
                if label not in edge_pos:
                    edge_pos[label] = _component_edges(graph, comp)
                branch_cum[edge_pos[label]] += br
            if pair_currents:
                bcur[key] = _branch_table(names, comp, br)
                ncur[key] = pd.DataFrame({"node": names[comp.nodes], "current_A": cur})
        if pair_voltages:
            volts[key] = pd.Series(volt, index=pd.Index(names[comp.nodes], name="node"), name="voltage_V")
        if on_pair is not None:
            on_pair(key, comp, volt, cur)

    res, n_solves = pairwise_on_graph(
        graph,
        nodes,
        requested,
        solver=solver,
        solver_options=solver_options,
        need_voltages=True,
        need_currents=True,
        cum=cum,
        on_pair=sink,
        progress=progress,
    )
    out = {"resistances": res, "voltages": volts, "node_currents": ncur, "branch_currents": bcur, "n_solves": n_solves}
    if cumulative:
        lo, hi = np.minimum(graph.a, graph.b), np.maximum(graph.a, graph.b)
        order = np.lexsort((hi, lo))
        out["node_currents_cum"] = pd.DataFrame({"node": names, "current_A": cum})
        out["branch_currents_cum"] = pd.DataFrame(
            {"node1": names[lo[order]], "node2": names[hi[order]], "current_A": branch_cum[order]}
        )
    return out


def _component_edges(graph: Graph, comp: Component) -> np.ndarray:
    """Global edge indices of a component, in the order used by ``Graph.component``."""
    label = graph.labels[comp.nodes[0]]
    return np.flatnonzero(graph.labels[graph.a] == label)


def _plain(value):
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def network_pairwise(
    graph,
    focal_nodes,
    *,
    weight: str = "weight",
    is_conductance: bool = False,
    solver: str = "amg",
    included_pairs=None,
    excluded_pairs=None,
    cumulative: bool = True,
    write_voltage_maps: bool = False,
    write_current_maps: bool = False,
    solver_options: dict | None = None,
    progress: bool = True,
) -> NetworkPairwiseResult:
    """Pairwise effective resistances and currents on a network (Circuitscape network pairwise).

    Parameters
    ----------
    graph : networkx.Graph, DataFrame or (n, 3) array
        Edges with their resistance (or conductance with ``is_conductance=True``); for a
        networkx graph the value is the edge attribute ``weight``.
    focal_nodes : sequence
        Names of the focal nodes (at least two, all in the graph).
    included_pairs, excluded_pairs : sequence of (node, node), optional
        Solve only these pairs / all but these pairs (others get NaN).
    cumulative : bool
        Cumulative node and branch currents over all pairs.
    write_voltage_maps, write_current_maps : bool
        Keep per-pair node voltages / node and branch currents.

    Returns
    -------
    NetworkPairwiseResult

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([(0, 1, {"weight": 1.0}), (1, 2, {"weight": 1.0}), (0, 2, {"weight": 2.0})])
    >>> res = network_pairwise(g, [0, 2], solver="splu", progress=False)
    >>> float(res.resistances.loc[0, 2])
    1.0
    """
    _common.check_solver_name(solver)
    net, names = build_network(graph, weight=weight, is_conductance=is_conductance)
    focal = [_plain(f) for f in focal_nodes]
    if len(set(focal)) < 2:
        raise ValueError(f"focal_nodes must name at least two distinct nodes; got {list(focal_nodes)!r}")
    if len(set(focal)) != len(focal):
        raise ValueError(f"focal_nodes holds duplicates: {list(focal_nodes)!r}")
    known = set(names.tolist())
    missing = [f for f in focal if f not in known]
    if missing:
        raise ValueError(f"focal_nodes {missing!r} are not nodes of the graph")
    requested = _pairs_matrix(focal, included_pairs, excluded_pairs) if focal else None
    out = network_pairwise_core(
        net,
        names,
        focal,
        requested=requested,
        solver=solver,
        solver_options=solver_options,
        cumulative=cumulative,
        pair_voltages=write_voltage_maps,
        pair_currents=write_current_maps,
        progress=progress,
    )
    res = out["resistances"].copy()
    not_req = ~(requested | requested.T)
    np.fill_diagonal(not_req, False)
    res[not_req] = np.nan
    table = pd.DataFrame(res, index=pd.Index(focal, name="from"), columns=pd.Index(focal, name="to"))
    return NetworkPairwiseResult(
        resistances=table,
        node_currents=out.get("node_currents_cum"),
        branch_currents=out.get("branch_currents_cum"),
        voltages=out["voltages"],
        pair_node_currents=out["node_currents"],
        pair_branch_currents=out["branch_currents"],
        solver=solver,
        n_solves=out["n_solves"],
    )


def _node_values(names: np.ndarray, values, name: str, *, strict: bool) -> np.ndarray:
    if isinstance(values, pd.Series):
        items = list(values.items())
    elif isinstance(values, dict):
        items = list(values.items())
    else:
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 1 and arr.size == 2:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"{name} must map node -> value (dict, Series or (n, 2) array); got shape {arr.shape}")
        items = [(_plain(k), float(v)) for k, v in arr]
    lookup = {k: i for i, k in enumerate(names.tolist())}
    out = np.zeros(names.size)
    for k, v in items:
        idx = lookup.get(_plain(k))
        if idx is None:
            if strict:
                raise ValueError(f"{name}: node {k!r} is not a node of the graph")
            continue
        out[idx] = float(v)
    return out


def network_advanced_core(
    net: Graph,
    names: np.ndarray,
    sources: np.ndarray,
    grounds_raw: np.ndarray,
    ground_given: np.ndarray,
    *,
    grounds_are_resistances: bool,
    direct_grounding: bool,
    unit_currents: bool,
    policy: str,
    solver: str,
    solver_options: dict | None,
) -> dict:
    """Advanced mode on a network with node-level arrays (``ground_given`` marks listed grounds)."""
    src = np.where(sources != 0, 1.0, 0.0) if unit_currents else sources.astype(float)
    if np.any(grounds_raw[ground_given] < 0):
        raise ValueError("grounds must be >= 0")
    if grounds_are_resistances:
        with np.errstate(divide="ignore"):
            gnd = np.where(ground_given, 1.0 / np.where(ground_given, grounds_raw, 1.0), 0.0)
        gnd[ground_given & (grounds_raw == 0)] = np.inf
    else:
        gnd = np.where(ground_given, grounds_raw, 0.0)
    if direct_grounding:
        gnd = np.where(gnd != 0, np.inf, 0.0)
    if not np.any(src != 0):
        raise ValueError("no valid current sources in the network")
    if not np.any(gnd != 0):
        raise ValueError("no valid grounds in the network")
    volt, cur, n_solves = advanced_on_graph(
        net, src, gnd, policy=policy, solver=solver, solver_options=solver_options, need_currents=True
    )
    lo, hi = np.minimum(net.a, net.b), np.maximum(net.a, net.b)
    order = np.lexsort((hi, lo))
    br = branch_currents(net.a, net.b, net.g, volt)
    return {
        "voltages": pd.Series(volt, index=pd.Index(names, name="node"), name="voltage_V"),
        "node_currents": pd.DataFrame({"node": names, "current_A": cur}),
        "branch_currents": pd.DataFrame({"node1": names[lo[order]], "node2": names[hi[order]], "current_A": br[order]}),
        "n_solves": n_solves,
    }


def network_advanced(
    graph,
    sources,
    grounds,
    *,
    weight: str = "weight",
    is_conductance: bool = False,
    grounds_are_resistances: bool = True,
    direct_grounding: bool = False,
    unit_currents: bool = False,
    remove_src_or_gnd: str = "keepall",
    solver: str = "amg",
    solver_options: dict | None = None,
) -> NetworkAdvancedResult:
    """Voltages and currents on a network for given current sources and grounds.

    Parameters
    ----------
    graph : networkx.Graph, DataFrame or (n, 3) array
        Edges and their resistance (conductance with ``is_conductance=True``).
    sources : mapping node -> amperes (dict, Series or (n, 2) array)
    grounds : mapping node -> resistance to ground (conductance when
        ``grounds_are_resistances=False``); a resistance of 0 (or ``direct_grounding``) ties the
        node to 0 V.
    remove_src_or_gnd : {"keepall", "rmvsrc", "rmvgnd", "rmvall"}
        Conflict policy for a source and a ground on one node.

    Returns
    -------
    NetworkAdvancedResult

    Examples
    --------
    >>> res = network_advanced(np.array([[0, 1, 2.0]]), {0: 1.0}, {1: 0.0}, solver="splu")
    >>> res.voltages.tolist()
    [2.0, 0.0]
    """
    _common.check_solver_name(solver)
    from .._checks import check_choice

    check_choice("remove_src_or_gnd", remove_src_or_gnd, _common.REMOVE_POLICIES)
    net, names = build_network(graph, weight=weight, is_conductance=is_conductance)
    src = _node_values(names, sources, "sources", strict=True)
    graw = _node_values(names, grounds, "grounds", strict=True)
    given = np.zeros(names.size, dtype=bool)
    gitems = grounds.items() if hasattr(grounds, "items") else [(k, v) for k, v in np.asarray(grounds, dtype=float)]
    lookup = {k: i for i, k in enumerate(names.tolist())}
    for k, _v in gitems:
        given[lookup[_plain(k)]] = True
    out = network_advanced_core(
        net,
        names,
        src,
        graw,
        given,
        grounds_are_resistances=grounds_are_resistances,
        direct_grounding=direct_grounding,
        unit_currents=unit_currents,
        policy=remove_src_or_gnd,
        solver=solver,
        solver_options=solver_options,
    )
    return NetworkAdvancedResult(
        voltages=out["voltages"],
        node_currents=out["node_currents"],
        branch_currents=out["branch_currents"],
        solver=solver,
        n_solves=out["n_solves"],
    )
