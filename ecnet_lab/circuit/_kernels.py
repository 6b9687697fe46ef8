"""Numba kernels: node and branch currents from node voltages.

Circuitscape's node current is the larger of the total current flowing into and out of a
node, counting branch currents and currents to finite grounds (not the injected source
current). With ``A`` the sum of absolute branch currents at a node, ``D`` the net branch
outflow and ``G = g_ground * v`` the current to ground, the outflow is ``(A + D)/2 + max(G, 0)``
and the inflow ``(A - D)/2 + max(-G, 0)``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["branch_currents", "node_currents"]


@njit(cache=True)
def _node_currents(n, a, b, g, v, ground, has_ground):  # pragma: no cover - compiled
    absum = np.zeros(n)
    net = np.zeros(n)
    for e in range(a.size):
        i = a[e]
        j = b[e]
        c = g[e] * (v[i] - v[j])
        ac = abs(c)
        absum[i] += ac
        absum[j] += ac
        net[i] += c
        net[j] -= c
    out = np.empty(n)
    for k in range(n):
        gc = ground[k] * v[k] if has_ground else 0.0
        outflow = 0.5 * (absum[k] + net[k]) + (gc if gc > 0 else 0.0)
        inflow = 0.5 * (absum[k] - net[k]) + (-gc if gc < 0 else 0.0)
        out[k] = outflow if outflow > inflow else inflow
    return out


def node_currents(n: int, a: np.ndarray, b: np.ndarray, g: np.ndarray, v: np.ndarray, ground=None) -> np.ndarray:
    """Node currents (amperes) of ``n`` nodes joined by edges ``(a, b, g)`` at voltages ``v``.

    ``ground`` holds finite ground conductances per node (``None`` = no grounds; infinite
    grounds are nodes held at 0 V and need no entry).

    Examples
    --------
    >>> node_currents(2, np.array([0]), np.array([1]), np.array([2.0]), np.array([1.0, 0.0])).tolist()
    [2.0, 2.0]
    """
    v = np.ascontiguousarray(v, dtype=np.float64)
    if ground is None:
        gr = np.zeros(1)
        has = False
    else:
        gr = np.ascontiguousarray(np.where(np.isfinite(ground), ground, 0.0), dtype=np.float64)
        has = True
    return _node_currents(n, a, b, g, v, gr, has)


def branch_currents(a: np.ndarray, b: np.ndarray, g: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Absolute branch currents ``|g (v_a - v_b)|`` of the edges ``(a, b, g)``.

    Examples
    --------
    >>> branch_currents(np.array([0]), np.array([1]), np.array([2.0]), np.array([1.0, 0.0])).tolist()
    [2.0]
    """
    return np.abs(g * (v[a] - v[b]))
