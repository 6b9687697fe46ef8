"""Flow routing on a DEM: Priority-Flood+ε depression filling, D8 steepest descent, flow accumulation,
and decomposition of the stream network into downhill polylines.

Priority-Flood+ε (Barnes, Lehman & Mulla 2014) floods the DEM inwards from the outlets
(map edges and the sea), raising every cell of a depression to its spill level plus a tiny
ε gradient, so every non-outlet cell has a strictly lower D8 neighbour. The D8 receiver is
the neighbour with the steepest descent (drop / distance) on the filled surface, so every
traced flow path is strictly descending on the filled DEM.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "carve_streams",
    "d8_receivers",
    "descending_order",
    "flow_accumulation",
    "priority_flood",
    "stream_paths",
]

_DR = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
_DC = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)


@numba.njit(cache=True)
def _heap_push(hv, hc, hi, size, value, count, index):
    pos = size
    hv[pos] = value
    hc[pos] = count
    hi[pos] = index
    while pos > 0:
        parent = (pos - 1) >> 1
        if hv[parent] < hv[pos] or (hv[parent] == hv[pos] and hc[parent] < hc[pos]):
            break
        hv[parent], hv[pos] = hv[pos], hv[parent]
        hc[parent], hc[pos] = hc[pos], hc[parent]
        hi[parent], hi[pos] = hi[pos], hi[parent]
        pos = parent
    return size + 1


@numba.njit(cache=True)
def _heap_pop(hv, hc, hi, size):
    top = hi[0]
    size -= 1
    hv[0] = hv[size]
    hc[0] = hc[size]
    hi[0] = hi[size]
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        child = left
        right = left + 1
        if right < size and (hv[right] < hv[left] or (hv[right] == hv[left] and hc[right] < hc[left])):
            child = right
        if hv[pos] < hv[child] or (hv[pos] == hv[child] and hc[pos] < hc[child]):
            break
        hv[child], hv[pos] = hv[pos], hv[child]
        hc[child], hc[pos] = hc[pos], hc[child]
        hi[child], hi[pos] = hi[pos], hi[child]
        pos = child
    return top, size


@numba.njit(cache=True)
def _flood(z, outlet, eps, dr, dc):
    rows, cols = z.shape
    n = rows * cols
    filled = z.ravel().copy()
    out = outlet.ravel()
    closed = np.zeros(n, dtype=np.bool_)
    hv = np.empty(n, dtype=np.float64)
    hc = np.empty(n, dtype=np.int64)
    hi = np.empty(n, dtype=np.int64)
    pit = np.empty(n, dtype=np.int64)
    size = 0
    count = 0
    for c in range(n):
        if out[c]:
            closed[c] = True
            size = _heap_push(hv, hc, hi, size, filled[c], count, c)
            count += 1
    head = 0
    tail = 0
    while size > 0 or head < tail:
        if head < tail:
            c = pit[head]
            head += 1
        else:
            c, size = _heap_pop(hv, hc, hi, size)
        r0 = c // cols
        c0 = c - r0 * cols
        for k in range(8):
            r1 = r0 + dr[k]
            c1 = c0 + dc[k]
            if r1 < 0 or r1 >= rows or c1 < 0 or c1 >= cols:
                continue
            nb = r1 * cols + c1
            if closed[nb]:
                continue
            closed[nb] = True
            if filled[nb] <= filled[c] + eps:
                filled[nb] = filled[c] + eps
                pit[tail] = nb
                tail += 1
            else:
                size = _heap_push(hv, hc, hi, size, filled[nb], count, nb)
                count += 1
    return filled.reshape(rows, cols)


def priority_flood(z: np.ndarray, outlet: np.ndarray, *, eps: float = 1e-4) -> np.ndarray:
    """Fill depressions of ``z`` draining to the ``outlet`` cells, with an ε gradient on flats.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.full((3, 3), 5.0); z[1, 1] = 1.0  # a pit in a plateau
    >>> out = np.zeros_like(z, dtype=bool); out[0, 0] = True
    >>> float(priority_flood(z, out)[1, 1]) > 5  # filled to the spill level plus epsilon
    True
    """
    outlet = np.asarray(outlet, dtype=np.bool_)
    if not outlet.any():
        raise ValueError("outlet has no True cell; flow routing needs at least one outlet")
    return _flood(np.ascontiguousarray(z, dtype=np.float64), np.ascontiguousarray(outlet), float(eps), _DR, _DC)


@numba.njit(cache=True)
def _receivers(filled, outlet, dr, dc):
    rows, cols = filled.shape
    rec = np.full(rows * cols, -1, dtype=np.int64)
    inv_diag = 1.0 / np.sqrt(2.0)
    for r0 in range(rows):
        for c0 in range(cols):
            if outlet[r0, c0]:
                continue
            z0 = filled[r0, c0]
            best = 0.0
            target = -1
            for k in range(8):
                r1 = r0 + dr[k]
                c1 = c0 + dc[k]
                if r1 < 0 or r1 >= rows or c1 < 0 or c1 >= cols:
                    continue
                drop = z0 - filled[r1, c1]
                if dr[k] != 0 and dc[k] != 0:
                    drop *= inv_diag
                if drop > best:
                    best = drop
                    target = r1 * cols + c1
            rec[r0 * cols + c0] = target
    return rec


def d8_receivers(filled: np.ndarray, outlet: np.ndarray) -> np.ndarray:
    """Flat index of each cell's steepest-descent D8 neighbour (-1 for outlets and sinks).

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[3.0, 2.0, 1.0]]); out = np.array([[False, False, True]])
    >>> d8_receivers(z, out).tolist()
    [1, 2, -1]
    """
    return _receivers(np.ascontiguousarray(filled, dtype=np.float64), np.ascontiguousarray(outlet, bool), _DR, _DC)


@numba.njit(cache=True)
def _accumulate(order, rec, weight):
    acc = weight.copy()
    for c in order:
        r = rec[c]
        if r >= 0:
            acc[r] += acc[c]
    return acc


def descending_order(filled: np.ndarray) -> np.ndarray:
    """Flat cell indices from the highest to the lowest filled elevation (a topological order of D8 flow)."""
    return np.argsort(-filled.ravel(), kind="stable")


def flow_accumulation(
    filled: np.ndarray, rec: np.ndarray, weight: np.ndarray, order: np.ndarray | None = None
) -> np.ndarray:
    """Upstream sum of ``weight`` (cells, or cells plus external inflow) along the receivers.

    Cells are processed from the highest filled elevation down; receivers are strictly lower,
    so the order is topological.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[3.0, 2.0, 1.0]]); rec = np.array([1, 2, -1])
    >>> flow_accumulation(z, rec, np.ones(3)).tolist()
    [[1.0, 2.0, 3.0]]
    """
    if order is None:
        order = descending_order(filled)
    return _accumulate(order, rec, np.asarray(weight, dtype=np.float64).ravel()).reshape(filled.shape)


@numba.njit(cache=True)
def _monotone(order, rec, dem, stream):
    for c in order:  # ascending filled elevation: receivers first
        r = rec[c]
        if stream[c] and r >= 0 and dem[c] < dem[r]:
            dem[c] = dem[r]
    return dem


def carve_streams(
    filled: np.ndarray,
    rec: np.ndarray,
    stream: np.ndarray,
    incision: np.ndarray,
    keep: np.ndarray,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Lower stream cells by ``incision`` (not ``keep`` cells), then make every stream non-increasing downstream.

    Examples
    --------
    >>> import numpy as np
    >>> f = np.array([[3.0, 2.0, 1.0]]); rec = np.array([1, 2, -1]); s = np.ones((1, 3), bool)
    >>> carve_streams(f, rec, s, np.array([[0.5, 0.5, 0.5]]), np.zeros((1, 3), bool)).tolist()
    [[2.5, 1.5, 0.5]]
    """
    dem = filled.astype(np.float64, copy=True)
    cut = stream & ~keep
    dem[cut] -= incision[cut]
    if order is None:
        order = descending_order(filled)
    return _monotone(order[::-1], rec, dem.ravel(), stream.ravel()).reshape(filled.shape)


def stream_paths(rec: np.ndarray, stream: np.ndarray, priority: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """Split a stream network into downhill paths (arrays of flat cell indices, upstream first).

    Each path is a trunk: from an outlet of the network, it goes upstream into the donor
    with the largest ``priority`` (upstream area), and every other donor starts a new path
    that ends on the junction cell of its parent. Paths are returned parents first, each
    with a flag telling whether it ends on a junction (``True``) or at an outlet.

    Examples
    --------
    >>> import numpy as np
    >>> rec = np.array([1, 2, -1, 2]); acc = np.array([1.0, 2.0, 4.0, 1.0])
    >>> [(p.tolist(), j) for p, j in stream_paths(rec, np.ones(4, bool), acc)]
    [([0, 1, 2], False), ([3, 2], True)]
    """
    rec = rec.ravel()
    stream = stream.ravel()
    priority = priority.ravel()
    cells = np.flatnonzero(stream)
    if cells.size == 0:
        return []
    down = rec[cells]
    inner = down >= 0
    inner[inner] = stream[down[inner]]
    # donors of each stream cell (CSR), sorted by decreasing priority
    donors, receivers = cells[inner], down[inner]
    order = np.lexsort((-priority[donors], receivers))
    donors, receivers = donors[order], receivers[order]
    starts = np.searchsorted(receivers, cells, side="left")
    ends = np.searchsorted(receivers, cells, side="right")
    pos = {int(c): k for k, c in enumerate(cells)}
    outlets = cells[~inner]
    outlets = outlets[np.argsort(-priority[outlets], kind="stable")]
    paths: list[tuple[np.ndarray, bool]] = []
    stack: list[tuple[int, int]] = [(int(c), -1) for c in outlets[::-1]]
    while stack:
        cell, junction = stack.pop()
        upward = [] if junction < 0 else [junction]
        branches: list[tuple[int, int]] = []
        while True:
            upward.append(cell)
            k = pos[cell]
            lo, hi = starts[k], ends[k]
            if lo == hi:
                break
            branches.extend((int(d), cell) for d in donors[lo + 1 : hi])
            cell = int(donors[lo])
        paths.append((np.array(upward[::-1], dtype=np.int64), junction >= 0))
        stack.extend(reversed(branches))
    return paths
