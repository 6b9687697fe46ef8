"""Network structure indices alpha, beta, gamma (graph-theory "circuitry, connectivity, complexity").

Jinan paper, section 2.3.5, formulas (1)-(3), with ``l`` the number of corridors (edges) and ``v`` the
number of nodes::

    alpha = (l - v + 1) / (2v - 5)       circuitry: observed / maximum number of independent loops
    beta  = l / v                        edges per node
    gamma = l / (3(v - 2))               observed / maximum number of edges

These are the *planar* forms (maximum 2v - 5 loops and 3(v - 2) edges in a planar graph) with one
connected component (the "+1"). Options:

* ``formula="nonplanar"`` uses the general maxima: alpha = (l - v + p) / (v(v - 1)/2 - (v - 1)),
  gamma = l / (v(v - 1)/2).
* ``components=True`` replaces the 1 in alpha's numerator by ``p``, the number of connected components
  (Kansky's cyclomatic number l - v + p), so a disconnected network does not get a negative alpha.
* ``nodes`` chooses what ``v`` counts: the network's own nodes, or the corridor intersections
  (derived from the edge geometries of a network built on sources).
* ``edges="graph"`` counts ``l`` as graph edges (parallel segments counted by their ``multiplicity``);
  ``edges="corridors"`` counts distinct corridors (the Jinan wording "number of ecological corridors").

Validity: the planar alpha and gamma are undefined for v < 3 (the denominators 2v - 5 and 3(v - 2) are
<= 0 or 0), the non-planar alpha for v < 3 and gamma for v < 2, and beta for v = 0. Undefined indices are
returned as NaN with a ``UserWarning``; they never raise.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import networkx as nx
import pandas as pd

from .._checks import check_choice, check_positive
from ._graph import as_graph, node_mode

FORMULAS = ("planar", "nonplanar")
EDGE_COUNTS = ("graph", "corridors")

__all__ = ["EDGE_COUNTS", "FORMULAS", "alpha_beta_gamma", "structure_indices"]


def alpha_beta_gamma(l: int, v: int, *, p: int = 1, formula: str = "planar") -> dict[str, float]:  # noqa: E741
    """Alpha, beta and gamma from the counts of edges ``l``, nodes ``v`` and components ``p``.

    Parameters
    ----------
    l : int
        Number of edges (corridors), >= 0.
    v : int
        Number of nodes, >= 0.
    p : int
        Number of connected components used in alpha's numerator (1 in the Jinan paper).
    formula : {"planar", "nonplanar"}
        Maximum numbers of loops and edges of a planar graph (paper) or of any simple graph.

    Returns
    -------
    dict
        ``{"alpha": ..., "beta": ..., "gamma": ...}``; undefined values are NaN (with a warning).

    Examples
    --------
    >>> alpha_beta_gamma(6, 6)  # a ring of six nodes
    {'alpha': 0.14285714285714285, 'beta': 1.0, 'gamma': 0.5}
    """
    check_choice("formula", formula, FORMULAS)
    for label, value in (("l", l), ("v", v), ("p", p)):
        if isinstance(value, bool) or int(value) != value or value < 0:
            raise ValueError(f"{label}={value!r} is not allowed; it must be a non-negative integer")
    if formula == "planar":
        max_loops, max_edges, min_v_gamma = 2 * v - 5, 3 * (v - 2), 3
    else:
        max_loops, max_edges, min_v_gamma = v * (v - 1) / 2 - (v - 1), v * (v - 1) / 2, 2
    undefined = []
    alpha = (l - v + p) / max_loops if v >= 3 else math.nan
    gamma = l / max_edges if v >= min_v_gamma else math.nan
    beta = l / v if v >= 1 else math.nan
    if v < 3:
        undefined.append("alpha")
    if v < min_v_gamma:
        undefined.append("gamma")
    if v < 1:
        undefined.append("beta")
    if undefined:
        warnings.warn(
            f"{', '.join(undefined)} undefined for v={v} node(s) ({formula} formula needs v >= 3 for alpha, "
            f"v >= {min_v_gamma} for gamma, v >= 1 for beta); returned NaN",
            UserWarning,
            stacklevel=2,
        )
    return {"alpha": float(alpha), "beta": float(beta), "gamma": float(gamma)}


def structure_indices(
    network: Any,
    *,
    nodes: str | None = None,
    edges: str = "graph",
    formula: str = "planar",
    components: bool = False,
    snap_tolerance: float = 0.0,
    connect_sources: bool = False,
) -> dict[str, Any]:
    """Alpha, beta and gamma of a network, with the counts they were computed from.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        The network (not empty).
    nodes : {None, "sources", "intersections"}
        What ``v`` counts. ``None`` (default): the network's own nodes. ``"sources"``: only valid for a
        network built on sources. ``"intersections"``: the corridor-intersection graph (Jinan paper); for
        a network built on sources it is derived from the edge geometries (which must all exist).
    edges : {"graph", "corridors"}
        What ``l`` counts: graph edges (with their ``multiplicity``), or distinct corridors.
    formula : {"planar", "nonplanar"}
        See the module documentation.
    components : bool
        Use the number of connected components ``p`` instead of 1 in alpha's numerator.
    snap_tolerance : float
        Snapping grid (map units) when intersections are derived here.
    connect_sources : bool
        When intersections are derived here: extend every corridor to its two source nodes first, so
        the corridors of a source meet there (see :func:`~ecnet_lab.network.build_network`).

    Returns
    -------
    dict
        ``alpha``, ``beta``, ``gamma``, the counts ``l``, ``v``, ``p`` used, and the options ``nodes``,
        ``edges``, ``formula``.

    Examples
    --------
    >>> import networkx as nx
    >>> out = structure_indices(nx.path_graph(5))
    >>> out["alpha"], out["beta"], round(out["gamma"], 4), out["l"], out["v"]
    (0.0, 0.8, 0.4444, 4, 5)
    """
    check_choice("nodes", nodes, (None, "sources", "intersections"))
    check_choice("edges", edges, EDGE_COUNTS)
    check_choice("formula", formula, FORMULAS)
    snap_tolerance = check_positive("snap_tolerance", snap_tolerance, allow_zero=True)
    graph = as_graph(network)
    mode = node_mode(network)
    if nodes == "sources" and mode != "sources":
        raise ValueError(f"nodes='sources' needs a network built with nodes='sources'; this one has nodes={mode!r}")
    corridor_count = None
    derive = nodes == "intersections" and mode != "intersections"
    if connect_sources and not derive:
        raise ValueError(
            "connect_sources=True only applies when nodes='intersections' are derived from a network built on sources"
        )
    if derive:
        from .build import _extend_to_sources, intersection_graph
        from .export import edges_to_geodataframe

        lines = edges_to_geodataframe(graph, require_geometry=True)
        lines = lines.assign(corridor_id=range(len(lines)))[["corridor_id", "u", "v", "geometry"]]
        corridor_count = len(lines)
        if connect_sources:
            ends = pd.DataFrame(
                [(n, d.get("x"), d.get("y")) for n, d in graph.nodes(data=True)],
                columns=["source_id", "centroid_x", "centroid_y"],
            )
            lines = _extend_to_sources(ends, lines.rename(columns={"u": "from_id", "v": "to_id"}))
        graph = intersection_graph(lines[["corridor_id", "geometry"]], snap_tolerance=snap_tolerance)
    v = graph.number_of_nodes()
    if edges == "graph":
        l = sum(int(d.get("multiplicity", 1)) for _, _, d in graph.edges(data=True))  # noqa: E741
    elif corridor_count is not None:
        l = corridor_count  # noqa: E741
    else:
        l = _corridor_count(graph)  # noqa: E741
    p = nx.number_connected_components(graph) if components else 1
    out: dict[str, Any] = alpha_beta_gamma(l, v, p=p, formula=formula)
    out.update(l=l, v=v, p=p, nodes=nodes or ("intersections" if mode == "intersections" else mode), edges=edges)
    out["formula"] = formula
    return out


def _corridor_count(graph: nx.Graph) -> int:
    ids: set[Any] = set()
    plain = 0
    for _, _, d in graph.edges(data=True):
        if "corridor_ids" in d:
            ids.update(d["corridor_ids"])
        elif "corridor_id" in d:
            ids.add(d["corridor_id"])
        else:
            plain += 1
    return len(ids) + plain
