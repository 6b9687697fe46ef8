"""Centrality Mapper: current-flow centrality of sources and corridors on the core network.

Semantics (Linkage Mapper's Centrality Mapper): the network has one node per source
and one edge per corridor whose resistance is the corridor's least-cost distance
(``weight="lcd"``, Linkage Mapper's ``CW_Dist``; any numeric column can be used).
Circuitscape runs in network mode with every source as a focal node, all pairs
(pairwise), one connected component at a time; the cumulative branch current of an
edge is the corridor's centrality (``current`` column) and the cumulative node
current is the source's centrality (``cf_centrality``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import check_positive
from .pathways import LinkagePathways

__all__ = ["CentralityResult", "centrality"]


@dataclass
class CentralityResult:
    """Result of :func:`centrality`.

    Attributes
    ----------
    nodes : pandas.DataFrame
        Indexed by ``source_id``: ``cf_centrality`` (cumulative node current, A) and
        ``component`` (connected component number).
    corridors : geopandas.GeoDataFrame or pandas.DataFrame
        The corridor table with a ``current`` column (cumulative branch current, A).
    weight : str
    """

    nodes: pd.DataFrame
    corridors: object
    weight: str


def _circuit():
    from .. import circuit

    return circuit


def centrality(
    pathways: LinkagePathways | pd.DataFrame,
    *,
    weight: str = "lcd",
    source_ids=None,
    solver: str = "splu",
    progress: bool = True,
) -> CentralityResult:
    """Current-flow centrality of the sources and corridors (Centrality Mapper).

    Parameters
    ----------
    pathways
        A Linkage Pathways result or a corridor table with ``from_id``, ``to_id`` and
        the ``weight`` column.
    weight
        Column used as edge resistance (> 0); default ``"lcd"``.
    source_ids
        All source ids (isolated sources get centrality 0); default: the sources of
        ``pathways`` or the ends of the corridors.
    solver
        Solver passed to :func:`ecnet_lab.circuit.network_pairwise`.
    progress
        Show progress.

    Examples
    --------
    >>> import pandas as pd
    >>> cor = pd.DataFrame({"corridor_id": [1, 2], "from_id": [1, 2], "to_id": [2, 3], "lcd": [1.0, 1.0]})
    >>> res = centrality(cor, progress=False)
    >>> res.corridors["current"].tolist()
    [2.0, 2.0]
    """
    import networkx as nx

    if isinstance(pathways, LinkagePathways):
        corridors = pathways.corridors
        if source_ids is None:
            source_ids = pathways.costs.source_ids
    else:
        corridors = pathways
    for col in ("from_id", "to_id", weight):
        if col not in corridors.columns:
            raise ValueError(f"corridors lacks column {col!r}")
    w = corridors[weight].to_numpy(dtype=float)
    for v in w:
        check_positive(weight, float(v))
    ends = np.unique(np.concatenate([corridors["from_id"].to_numpy(int), corridors["to_id"].to_numpy(int)]))
    nodes_all = ends if source_ids is None else np.unique(np.concatenate([np.asarray(source_ids, dtype=int), ends]))
    g = nx.Graph()
    g.add_nodes_from(int(n) for n in nodes_all)
    g.add_edges_from((int(a), int(b)) for a, b in zip(corridors["from_id"], corridors["to_id"], strict=True))
    node_cur = pd.Series(0.0, index=pd.Index([int(n) for n in nodes_all], name="source_id"))
    comp_of = pd.Series(0, index=node_cur.index)
    edge_cur: dict[tuple[int, int], float] = {}
    circuit = _circuit()
    edges = pd.DataFrame(
        {"from_id": corridors["from_id"].to_numpy(int), "to_id": corridors["to_id"].to_numpy(int), "resistance": w}
    )
    for k, comp in enumerate(sorted(nx.connected_components(g), key=min), start=1):
        comp = sorted(comp)
        comp_of.loc[comp] = k
        if len(comp) < 2:
            continue
        sub = edges[edges["from_id"].isin(comp) & edges["to_id"].isin(comp)]
        result = circuit.network_pairwise(
            sub[["from_id", "to_id", "resistance"]].to_numpy(), comp, solver=solver, progress=progress
        )
        nc = result.node_currents
        for n, v in zip(nc["node"], nc["current_A"], strict=True):
            node_cur.loc[int(n)] = float(v)
        bc = result.branch_currents
        for a, b, v in zip(bc["node1"], bc["node2"], bc["current_A"], strict=True):
            key = (min(int(a), int(b)), max(int(a), int(b)))
            edge_cur[key] = edge_cur.get(key, 0.0) + float(v)
    out = corridors.copy()
    out["current"] = [
        edge_cur.get((min(int(a), int(b)), max(int(a), int(b))), 0.0)
        for a, b in zip(out["from_id"], out["to_id"], strict=True)
    ]
    nodes = pd.DataFrame({"cf_centrality": node_cur, "component": comp_of})
    return CentralityResult(nodes=nodes, corridors=out, weight=weight)
