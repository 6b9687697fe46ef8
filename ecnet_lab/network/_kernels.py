"""Numba kernels for attack simulations: largest-component sizes by reverse union-find.

Removing items one by one and recomputing components costs O(n (n + m)). Played backwards, a removal
sequence is a sequence of insertions, and a union-find structure gives the largest component after
every insertion in near-linear total time: the largest component after removing the first k items is
the one after inserting items k..end in reverse order.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@njit(cache=True)
def lcc_after_node_removals(indptr: np.ndarray, indices: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``out[r, k]`` = largest-component size after removing ``orders[r, :k]`` (k = 0..n)."""
    runs, n = orders.shape
    out = np.zeros((runs, n + 1), dtype=np.int64)
    parent = np.empty(n, dtype=np.int64)
    size = np.empty(n, dtype=np.int64)
    active = np.empty(n, dtype=np.bool_)
    for r in range(runs):
        for i in range(n):
            parent[i] = i
            size[i] = 1
            active[i] = False
        best = 0
        for k in range(n - 1, -1, -1):
            v = orders[r, k]
            active[v] = True
            if best < 1:
                best = 1
            for j in range(indptr[v], indptr[v + 1]):
                w = indices[j]
                if active[w]:
                    a = _find(parent, v)
                    b = _find(parent, w)
                    if a != b:
                        if size[a] < size[b]:
                            a, b = b, a
                        parent[b] = a
                        size[a] += size[b]
                        if size[a] > best:
                            best = size[a]
            out[r, k] = best
    return out


@njit(cache=True)
def lcc_after_edge_removals(n: int, edges: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``out[r, k]`` = largest-component size (nodes) after removing edges ``orders[r, :k]`` (k = 0..m)."""
    runs, m = orders.shape
    out = np.zeros((runs, m + 1), dtype=np.int64)
    parent = np.empty(n, dtype=np.int64)
    size = np.empty(n, dtype=np.int64)
    for r in range(runs):
        for i in range(n):
            parent[i] = i
            size[i] = 1
        best = 1 if n > 0 else 0
        out[r, m] = best
        for k in range(m - 1, -1, -1):
            e = orders[r, k]
            a = _find(parent, edges[e, 0])
            b = _find(parent, edges[e, 1])
            if a != b:
                if size[a] < size[b]:
                    a, b = b, a
                parent[b] = a
                size[a] += size[b]
                if size[a] > best:
                    best = size[a]
            out[r, k] = best
    return out


@njit(cache=True)
def recalculated_degree_order(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Removal order taking, at every step, the remaining node of highest remaining degree (lowest index on ties)."""
    n = indptr.shape[0] - 1
    degree = np.empty(n, dtype=np.int64)
    for i in range(n):
        degree[i] = indptr[i + 1] - indptr[i]
    removed = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    for k in range(n):
        best = -1
        arg = -1
        for i in range(n):
            if not removed[i] and degree[i] > best:
                best = degree[i]
                arg = i
        order[k] = arg
        removed[arg] = True
        for j in range(indptr[arg], indptr[arg + 1]):
            w = indices[j]
            if not removed[w]:
                degree[w] -= 1
    return order
