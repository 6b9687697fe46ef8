"""Conductance graphs with Circuitscape's connection schemes (raster and network).

A raster becomes a graph whose nodes are the cells with a positive conductance. Cells
of one short-circuit region (polygon) share a single node. Neighbouring cells are joined
by an edge whose conductance follows Circuitscape:

* average resistance (``connect_using_avg_resistances``): ``1 / ((1/g1 + 1/g2) / 2)``,
  diagonals ``1 / (sqrt(2) * (1/g1 + 1/g2) / 2)``;
* average conductance: ``(g1 + g2) / 2``, diagonals ``(g1 + g2) / (2 * sqrt(2))``.

Edges inside one polygon disappear (their ends are the same node) and parallel edges add
up. :class:`Graph` holds the edge list and connected components; :class:`Component`
builds (reduced) Laplacians of one component for the solvers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = [
    "Component",
    "Graph",
    "RasterGraph",
    "available_memory_bytes",
    "build_raster_graph",
    "burn_regions",
    "check_memory",
    "conductance_from_values",
    "estimate_memory",
]

SQRT2 = np.sqrt(2.0)


def conductance_from_values(values: np.ndarray, *, is_conductance: bool, name: str = "resistance") -> np.ndarray:
    """Turn a resistance or conductance array (NaN = nodata) into conductances (0 = no node).

    Zero or negative resistances and negative or infinite conductances raise ``ValueError``;
    a zero conductance (or an infinite resistance) means "no connection" and is allowed.

    Examples
    --------
    >>> conductance_from_values(np.array([[1.0, 4.0, np.nan]]), is_conductance=False).tolist()
    [[1.0, 0.25, 0.0]]
    """
    values = np.asarray(values, dtype=np.float64)
    finite_or_inf = ~np.isnan(values)
    data = values[finite_or_inf]
    if is_conductance:
        bad = (data < 0) | np.isinf(data)
        if bad.any():
            raise ValueError(
                f"{name} holds {int(bad.sum())} negative or infinite conductance(s) (e.g. {data[bad][0]!r}); "
                "conductances must be finite and >= 0 (0 = no connection, NaN = nodata)"
            )
        out = np.where(finite_or_inf, values, 0.0)
    else:
        bad = data <= 0
        if bad.any():
            raise ValueError(
                f"{name} holds {int(bad.sum())} zero or negative resistance(s) (e.g. {data[bad][0]!r}); "
                "resistances must be > 0 (use NaN for nodata, a conductance of 0 or a short-circuit "
                "region for zero resistance)"
            )
        with np.errstate(divide="ignore"):
            out = np.where(finite_or_inf, 1.0 / np.where(finite_or_inf, values, 1.0), 0.0)
    return out


# --------------------------------------------------------------------------------------
# memory estimate
# --------------------------------------------------------------------------------------
def _solver_factor(solver: str, n_nodes: int) -> float:
    """Solver storage as a multiple of the CSR matrix (calibrated on grid Laplacians).

    CHOLMOD's fill on 2-D grids is about ``0.55 log2(n)`` times the matrix nonzeros; SuperLU
    (MMD ordering, L and U) about four times that; an SA-AMG hierarchy about three matrices.
    """
    log_n = np.log2(max(n_nodes, 2))
    if solver == "cholmod":
        return 0.5 * log_n
    if solver in ("splu", "direct"):
        return 2.0 * log_n
    return 3.0


def estimate_memory(n_nodes: int, n_edges: int, *, n_vectors: int = 2, solver: str = "amg") -> int:
    """Rough peak bytes to build the Laplacian of ``n_nodes``/``n_edges`` and solve for ``n_vectors``.

    Counts the edge list, the COO build of the Laplacian, the CSR matrix, the solver's own
    storage (a multiple of the matrix that depends on ``solver``) and the solution vectors.

    Examples
    --------
    >>> estimate_memory(1_000_000, 2_000_000) > 100e6
    True
    """
    nnz = n_nodes + 2 * n_edges
    edges = n_edges * 16
    coo_build = nnz * 16 * 2
    csr = nnz * 12 + (n_nodes + 1) * 8
    solver_bytes = csr * _solver_factor(solver, n_nodes)
    vectors = (n_vectors + 4) * n_nodes * 8
    return int(edges + max(coo_build, solver_bytes + csr) + vectors + n_nodes * 24)


def available_memory_bytes() -> int:
    """Memory available to this process (psutil, else /proc/meminfo, else 4 GiB)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:
        pass
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 1024**3


def check_memory(estimate: int, max_memory_gb: float | None = None, *, what: str = "the circuit problem") -> None:
    """Raise ``MemoryError`` naming the estimate and the limit when ``estimate`` would not fit.

    The limit is ``max_memory_gb`` when given, else 90 % of the available memory.

    Examples
    --------
    >>> check_memory(1000, max_memory_gb=1.0)
    """
    if max_memory_gb is not None:
        limit = float(max_memory_gb) * 1024**3
        source = f"max_memory_gb={max_memory_gb}"
    else:
        limit = 0.9 * available_memory_bytes()
        source = "90% of the available memory"
    if estimate > limit:
        raise MemoryError(
            f"{what} needs an estimated {estimate / 1024**3:.2f} GiB, more than the limit of "
            f"{limit / 1024**3:.2f} GiB ({source}); use a coarser grid, fewer focal nodes, "
            "the 'amg' solver or a larger max_memory_gb"
        )


# --------------------------------------------------------------------------------------
# graphs
# --------------------------------------------------------------------------------------
def _index_dtype(n: int) -> type:
    return np.int32 if n < 2**31 - 1 else np.int64


@dataclass
class Component:
    """One connected component: its global node ids and its edges in local numbering."""

    nodes: np.ndarray
    a: np.ndarray
    b: np.ndarray
    g: np.ndarray

    @property
    def n(self) -> int:
        return int(self.nodes.size)

    def degree(self) -> np.ndarray:
        """Sum of the conductances at each node."""
        return np.bincount(self.a, self.g, minlength=self.n) + np.bincount(self.b, self.g, minlength=self.n)

    def conductance_ratio(self, extra: np.ndarray | None = None) -> float:
        """Ratio of the largest to the smallest positive conductance (edges and ``extra``)."""
        vals = self.g
        if extra is not None:
            e = extra[np.isfinite(extra) & (extra > 0)]
            vals = np.concatenate([vals, e]) if e.size else vals
        if vals.size == 0:
            return 1.0
        return float(vals.max() / vals.min())

    def laplacian(self, removed: np.ndarray | None = None, extra_diag: np.ndarray | None = None):
        """Laplacian (+ ``extra_diag``) with the rows/columns of ``removed`` (bool mask) deleted.

        Returns ``(matrix, keep)`` where ``keep`` are the local node indices of the rows.
        Deleting a node is grounding it (voltage 0), so the reduced matrix is nonsingular
        as soon as one node of the component is removed or ``extra_diag`` is positive.
        """
        n = self.n
        diag = self.degree()
        if extra_diag is not None:
            diag = diag + extra_diag
        if removed is None:
            keep = np.arange(n)
            new = keep
            a, b, g = self.a, self.b, self.g
        else:
            keep = np.flatnonzero(~removed)
            new = np.full(n, -1, dtype=np.int64)
            new[keep] = np.arange(keep.size)
            both = ~(removed[self.a] | removed[self.b])
            a, b, g = new[self.a[both]], new[self.b[both]], self.g[both]
            diag = diag[keep]
        m = keep.size
        idx = _index_dtype(m + 1)
        rows = np.concatenate([np.asarray(a, idx), np.asarray(b, idx), np.arange(m, dtype=idx)])
        cols = np.concatenate([np.asarray(b, idx), np.asarray(a, idx), np.arange(m, dtype=idx)])
        data = np.concatenate([-g, -g, diag])
        mat = sp.csr_matrix((data, (rows, cols)), shape=(m, m))
        mat.sum_duplicates()
        return mat, keep

    def block(self, rows_mask: np.ndarray, cols_mask: np.ndarray) -> sp.csr_matrix:
        """Off-diagonal Laplacian block ``L[rows, cols]`` for disjoint node masks."""
        rnew = np.full(self.n, -1, dtype=np.int64)
        rnew[rows_mask] = np.arange(int(rows_mask.sum()))
        cnew = np.full(self.n, -1, dtype=np.int64)
        cnew[cols_mask] = np.arange(int(cols_mask.sum()))
        sel1 = rows_mask[self.a] & cols_mask[self.b]
        sel2 = rows_mask[self.b] & cols_mask[self.a]
        r = np.concatenate([rnew[self.a[sel1]], rnew[self.b[sel2]]])
        c = np.concatenate([cnew[self.b[sel1]], cnew[self.a[sel2]]])
        d = -np.concatenate([self.g[sel1], self.g[sel2]])
        return sp.csr_matrix((d, (r, c)), shape=(int(rows_mask.sum()), int(cols_mask.sum())))


@dataclass
class Graph:
    """Undirected conductance graph: ``n_nodes`` nodes and edges ``(a[k], b[k], g[k])``."""

    n_nodes: int
    a: np.ndarray
    b: np.ndarray
    g: np.ndarray
    labels: np.ndarray = field(init=False)
    n_components: int = field(init=False)

    def __post_init__(self) -> None:
        keep = (self.a != self.b) & (self.g > 0)
        if not keep.all():
            self.a, self.b, self.g = self.a[keep], self.b[keep], self.g[keep]
        if self.n_nodes == 0:
            self.labels = np.zeros(0, dtype=np.int64)
            self.n_components = 0
            return
        adj = sp.coo_matrix((np.ones(self.a.size, dtype=np.float32), (self.a, self.b)), shape=(self.n_nodes,) * 2)
        self.n_components, labels = connected_components(adj, directed=False)
        self.labels = labels.astype(np.int64)

    @property
    def n_edges(self) -> int:
        return int(self.a.size)

    def component(self, label: int) -> Component:
        """The component with ``label`` (local numbering follows the global order)."""
        nodes = np.flatnonzero(self.labels == label)
        local = np.full(self.n_nodes, -1, dtype=np.int64)
        local[nodes] = np.arange(nodes.size)
        sel = self.labels[self.a] == label
        idx = _index_dtype(nodes.size + 1)
        return Component(
            nodes=nodes,
            a=local[self.a[sel]].astype(idx),
            b=local[self.b[sel]].astype(idx),
            g=self.g[sel],
        )


@dataclass
class RasterGraph:
    """A :class:`Graph` built from a raster and the cell -> node map (``-1`` = no node)."""

    graph: Graph
    node_map: np.ndarray
    conductance: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.node_map.shape

    def to_cells(self, node_values: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """Spread per-node values to the cells (cells of one polygon share the value)."""
        out = np.full(self.node_map.shape, fill, dtype=np.float64)
        has = self.node_map >= 0
        out[has] = node_values[self.node_map[has]]
        return out

    def component_to_cells(self, comp: Component, values: np.ndarray) -> np.ndarray:
        """Spread values of one component's nodes to the cells (0 elsewhere)."""
        full = np.zeros(self.graph.n_nodes)
        full[comp.nodes] = values
        return self.to_cells(full)


def _node_map(gmap: np.ndarray, polymap: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Cell -> node numbering with Circuitscape's polygon rule (``-1`` = no node).

    Valid cells (conductance > 0) are numbered in row-major order. Every cell of a polygon
    with at least one valid cell (valid or not) takes the node of its first valid cell.
    """
    valid = gmap > 0
    n_valid = int(valid.sum())
    idx = _index_dtype(max(n_valid, 1))
    node_map = np.full(gmap.shape, -1, dtype=idx)
    node_map[valid] = np.arange(n_valid, dtype=idx)
    if polymap is None or not np.any(polymap):
        return node_map, n_valid
    in_poly = polymap != 0
    vp = valid & in_poly
    if not vp.any():
        return node_map, n_valid
    ids_valid = polymap[vp]
    nodes_valid = node_map[vp]
    uniq, inv = np.unique(ids_valid, return_inverse=True)
    first = np.full(uniq.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, inv, nodes_valid.astype(np.int64))
    cell_ids = polymap[in_poly]
    pos = np.searchsorted(uniq, cell_ids)
    pos_clip = np.minimum(pos, uniq.size - 1)
    hit = uniq[pos_clip] == cell_ids
    target = node_map[in_poly].astype(np.int64)
    target[hit] = first[pos_clip[hit]]
    node_map[in_poly] = target.astype(idx)
    # relabel consecutively, keeping the order of the old labels
    has = node_map >= 0
    used, new = np.unique(node_map[has], return_inverse=True)
    node_map[has] = new.astype(idx)
    return node_map, int(used.size)


def _pairs(shape: tuple[int, int], dr: int, dc: int) -> tuple[tuple[slice, slice], tuple[slice, slice]]:
    rows, cols = shape
    r0, r1 = (0, rows - dr)
    s_rows = slice(r0, r1)
    t_rows = slice(r0 + dr, r1 + dr)
    if dc >= 0:
        s_cols, t_cols = slice(0, cols - dc), slice(dc, cols)
    else:
        s_cols, t_cols = slice(-dc, cols), slice(0, cols + dc)
    return (s_rows, s_cols), (t_rows, t_cols)


def build_raster_graph(
    gmap: np.ndarray,
    polymap: np.ndarray | None = None,
    *,
    four_neighbors: bool = False,
    avg_resistance: bool = True,
) -> RasterGraph:
    """Graph of a conductance raster (``gmap``, 0 = no node) with optional short-circuit polygons.

    Examples
    --------
    >>> rg = build_raster_graph(np.ones((2, 2)), four_neighbors=True)
    >>> rg.graph.n_nodes, rg.graph.n_edges
    (4, 4)
    """
    gmap = np.asarray(gmap, dtype=np.float64)
    node_map, n_nodes = _node_map(gmap, polymap)
    valid = gmap > 0
    directions = [(0, 1), (1, 0)] if four_neighbors else [(0, 1), (1, 0), (1, 1), (1, -1)]
    parts_a, parts_b, parts_g = [], [], []
    for dr, dc in directions:
        s, t = _pairs(gmap.shape, dr, dc)
        both = valid[s] & valid[t]
        if not both.any():
            continue
        g1 = gmap[s][both]
        g2 = gmap[t][both]
        diagonal = dr != 0 and dc != 0
        if avg_resistance:
            cond = 1.0 / ((1.0 / g1 + 1.0 / g2) / 2.0)
            if diagonal:
                cond = 1.0 / (SQRT2 * (1.0 / g1 + 1.0 / g2) / 2.0)
        else:
            cond = (g1 + g2) / 2.0
            if diagonal:
                cond = (g1 + g2) / (2.0 * SQRT2)
        parts_a.append(node_map[s][both])
        parts_b.append(node_map[t][both])
        parts_g.append(cond)
        del both, g1, g2
    if parts_a:
        a = np.concatenate(parts_a)
        b = np.concatenate(parts_b)
        g = np.concatenate(parts_g)
    else:
        a = np.zeros(0, dtype=node_map.dtype)
        b = np.zeros(0, dtype=node_map.dtype)
        g = np.zeros(0)
    graph = Graph(n_nodes, a, b, g)
    return RasterGraph(graph=graph, node_map=node_map, conductance=gmap)


def burn_regions(
    polymap: np.ndarray | None,
    focal_cells: dict[int, tuple[np.ndarray, np.ndarray]],
    ids,
    shape: tuple[int, int],
) -> np.ndarray:
    """Burn focal regions into a polygon map, merging polygons they overlap (Circuitscape rule).

    Each focal id in ``ids`` (in order) becomes a new polygon number; existing polygons
    touching its cells are relabelled to that number, so overlapping regions merge.

    Examples
    --------
    >>> cells = {1: (np.array([0, 0]), np.array([0, 1]))}
    >>> burn_regions(None, cells, [1], (1, 3)).tolist()
    [[1, 1, 0]]
    """
    poly = np.zeros(shape, dtype=np.int64) if polymap is None else np.asarray(polymap, dtype=np.int64).copy()
    next_num = int(max(poly.max(initial=0), 0)) + 1
    for fid in ids:
        rows, cols = focal_cells[fid]
        touched = np.unique(poly[rows, cols])
        touched = touched[touched > 0]
        if touched.size:
            poly[np.isin(poly, touched)] = next_num
        poly[rows, cols] = next_num
        next_num += 1
    return poly
