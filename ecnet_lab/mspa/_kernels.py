"""Numba kernels of the MSPA engine: simple points, order-independent thinning, reconstructions.

All kernels work on plain 2-D numpy arrays (``uint8`` masks, ``int32``/``int64`` labels).
The 8-neighbourhood of a pixel is indexed clockwise from the north-west neighbour; bit ``k``
of a neighbourhood code is set when neighbour ``k`` belongs to the set.
"""

from __future__ import annotations

import numba as nb
import numpy as np

#: Row/column offsets of the 8 neighbours, clockwise from north-west.
DY = np.array([-1, -1, -1, 0, 1, 1, 1, 0], np.int64)
DX = np.array([-1, 0, 1, 1, 1, 0, -1, -1], np.int64)
_IS_EDGE_NEIGHBOUR = np.array([False, True, False, True, False, True, False, True])
#: The neighbour indices in raster order (NW, N, NE, W, E, SW, S, SE).
_RASTER = np.array([0, 1, 2, 7, 3, 6, 5, 4], np.int64)


def _adjacent8(a: int, b: int) -> bool:
    return max(abs(int(DY[a] - DY[b])), abs(int(DX[a] - DX[b]))) == 1


def _adjacent4(a: int, b: int) -> bool:
    return abs(int(DY[a] - DY[b])) + abs(int(DX[a] - DX[b])) == 1


def simple_point_table(connectivity: int) -> np.ndarray:
    """Lookup table (256 entries) telling whether a pixel is simple for its 8-neighbourhood code.

    A pixel is simple when deleting it changes neither the foreground nor the background
    topology around it: exactly one foreground component and one background component
    touch it. The foreground uses ``connectivity`` and the background the dual one (8/4, 4/8).
    """
    table = np.zeros(256, np.bool_)
    for code in range(256):
        fg = [k for k in range(8) if code >> k & 1]
        bg = [k for k in range(8) if not code >> k & 1]
        if connectivity == 8:
            table[code] = _touching(fg, _adjacent8, edge_only=False) == 1 and _touching(bg, _adjacent4) == 1
        else:
            table[code] = _touching(fg, _adjacent4) == 1 and _touching(bg, _adjacent8, edge_only=False) == 1
    return table


def _touching(members: list[int], adjacent, *, edge_only: bool = True) -> int:
    """Components of ``members`` (under ``adjacent``) touching the pixel; with ``edge_only`` a
    component touches it only through an edge (4-)neighbour."""
    seen: set[int] = set()
    count = 0
    for start in members:
        if start in seen:
            continue
        stack = [start]
        seen.add(start)
        touches = False
        while stack:
            a = stack.pop()
            touches = touches or not edge_only or bool(_IS_EDGE_NEIGHBOUR[a])
            for b in members:
                if b not in seen and adjacent(a, b):
                    seen.add(b)
                    stack.append(b)
        count += touches
    return count


SIMPLE8 = simple_point_table(8)
SIMPLE4 = simple_point_table(4)


@nb.njit(cache=True)
def _code(x, r, c):
    code = 0
    for k in range(8):
        if x[r + DY[k], c + DX[k]]:
            code |= 1 << k
    return code


@nb.njit(cache=True)
def oi_thin(x, anchor, table, loose_diagonals=False):
    """Order-independent homotopic thinning of ``x`` (in place) that never deletes ``anchor`` pixels.

    At every pass all simple pixels are found; a simple pixel is deleted unless deleting it
    together with one of its simple neighbours would change the topology (then both stay).
    With ``loose_diagonals`` (the JRC engine's rule at connectivity 4) a diagonal simple
    neighbour does not hold a pixel when the two pixels 4-adjacent to both of them are simple
    too. The border row/column of ``x`` must be 0. Returns ``x``.
    """
    h, w = x.shape
    queued = np.zeros((h, w), np.uint8)
    simple = np.zeros((h, w), np.uint8)
    cand = np.empty(h * w, np.int64)
    n = 0
    for r in range(1, h - 1):
        for c in range(1, w - 1):
            if x[r, c] and not anchor[r, c]:
                for k in range(8):
                    if not x[r + DY[k], c + DX[k]]:
                        cand[n] = r * w + c
                        n += 1
                        queued[r, c] = 1
                        break
    simples = np.empty(h * w, np.int64)
    deleted = np.empty(h * w, np.int64)
    while n > 0:
        n_simple = 0
        for i in range(n):
            idx = cand[i]
            r = idx // w
            c = idx % w
            queued[r, c] = 0
            if x[r, c] and table[_code(x, r, c)]:
                simple[r, c] = 1
                simples[n_simple] = idx
                n_simple += 1
        n_del = 0
        for i in range(n_simple):
            idx = simples[i]
            r = idx // w
            c = idx % w
            code = _code(x, r, c)
            ok = True
            for k in range(8):
                rr = r + DY[k]
                cc = c + DX[k]
                if simple[rr, cc] and not table[code & ~(1 << k)]:
                    if loose_diagonals and k % 2 == 0 and simple[r, cc] and simple[rr, c]:
                        continue
                    ok = False
                    break
            if ok:
                deleted[n_del] = idx
                n_del += 1
        for i in range(n_simple):
            idx = simples[i]
            simple[idx // w, idx % w] = 0
        if n_del == 0:
            break
        for i in range(n_del):
            idx = deleted[i]
            x[idx // w, idx % w] = 0
        n = 0
        for i in range(n_simple):
            idx = simples[i]
            r = idx // w
            c = idx % w
            if x[r, c] and not queued[r, c]:
                queued[r, c] = 1
                cand[n] = idx
                n += 1
        for i in range(n_del):
            idx = deleted[i]
            r = idx // w
            c = idx % w
            for k in range(8):
                rr = r + DY[k]
                cc = c + DX[k]
                if x[rr, cc] and not anchor[rr, cc] and not queued[rr, cc]:
                    queued[rr, cc] = 1
                    cand[n] = rr * w + cc
                    n += 1
    return x


@nb.njit(cache=True)
def disk_reach(seed, cand, r2):
    """Mark ``cand`` pixels that lie within squared distance ``< r2`` of a ``seed`` pixel."""
    h, w = seed.shape
    out = np.zeros((h, w), np.uint8)
    rad = int(np.sqrt(r2)) + 1
    for y in range(h):
        for x in range(w):
            if not cand[y, x]:
                continue
            found = False
            for dy in range(-rad, rad + 1):
                yy = y + dy
                if yy < 0 or yy >= h:
                    continue
                for dx in range(-rad, rad + 1):
                    if dy * dy + dx * dx >= r2:
                        continue
                    xx = x + dx
                    if 0 <= xx < w and seed[yy, xx]:
                        found = True
                        break
                if found:
                    break
            if found:
                out[y, x] = 1
    return out


@nb.njit(cache=True)
def geodesic_disks(seed, mask, r2, conn8):
    """Union over seed pixels ``p`` of the pixels reachable from ``p`` inside ``mask`` without
    leaving the disk ``|q - p|^2 < r2`` (a geodesic disk of each seed)."""
    h, w = mask.shape
    out = np.zeros((h, w), np.uint8)
    stamp = np.zeros((h, w), np.int64)
    stack = np.empty(h * w, np.int64)
    sid = 0
    for py in range(h):
        for px in range(w):
            if not seed[py, px]:
                continue
            sid += 1
            top = 0
            stack[top] = py * w + px
            top += 1
            stamp[py, px] = sid
            while top > 0:
                top -= 1
                idx = stack[top]
                y = idx // w
                x = idx % w
                out[y, x] = 1
                for k in range(8):
                    if not conn8 and k % 2 == 0:
                        continue
                    yy = y + DY[k]
                    xx = x + DX[k]
                    if yy < 0 or yy >= h or xx < 0 or xx >= w:
                        continue
                    if stamp[yy, xx] == sid or not mask[yy, xx]:
                        continue
                    if (yy - py) * (yy - py) + (xx - px) * (xx - px) >= r2:
                        continue
                    stamp[yy, xx] = sid
                    stack[top] = yy * w + xx
                    top += 1
    return out


@nb.njit(cache=True)
def _offer(d2, vy, vx, y, x, yy, xx, r2):
    """Offer pixel ``(y, x)`` the offset of its neighbour ``(yy, xx)``; True when it is taken."""
    if d2[yy, xx] >= r2:
        return False
    oy = vy[yy, xx] + y - yy
    ox = vx[yy, xx] + x - xx
    c = oy * oy + ox * ox
    if c < d2[y, x] and c < r2:
        d2[y, x] = c
        vy[y, x] = oy
        vx[y, x] = ox
        return True
    return False


@nb.njit(cache=True)
def offset_reach(seed, mask, r2):
    """Pixels reached from ``seed`` pixels by propagating offsets through 4-neighbours in ``mask``.

    Every seed pixel carries the offset (0, 0). Forward and backward raster passes, repeated
    until nothing changes, offer each ``mask`` pixel the offsets of its 4-neighbours (plus the
    step); a pixel keeps the shortest one (Euclidean length; the first offered on ties), and
    only offsets shorter than ``sqrt(r2)`` are kept or passed on. Returns the reached pixels
    (seeds included) as ``uint8``.
    """
    h, w = mask.shape
    d2 = np.full((h, w), r2, np.float64)
    vy = np.zeros((h, w), np.int32)
    vx = np.zeros((h, w), np.int32)
    todo = np.empty(h * w, np.int64)  # the non-seed mask pixels, in raster order
    n = 0
    for y in range(h):
        for x in range(w):
            if seed[y, x]:
                d2[y, x] = 0.0
            elif mask[y, x]:
                todo[n] = y * w + x
                n += 1
    changed = True
    while changed:
        changed = False
        for i in range(n):
            y = todo[i] // w
            x = todo[i] % w
            if y > 0 and _offer(d2, vy, vx, y, x, y - 1, x, r2):
                changed = True
            if x > 0 and _offer(d2, vy, vx, y, x, y, x - 1, r2):
                changed = True
        for i in range(n - 1, -1, -1):
            y = todo[i] // w
            x = todo[i] % w
            if y < h - 1 and _offer(d2, vy, vx, y, x, y + 1, x, r2):
                changed = True
            if x < w - 1 and _offer(d2, vy, vx, y, x, y, x + 1, r2):
                changed = True
    return (d2 < r2).view(np.uint8)


@nb.njit(cache=True)
def _heap_push(keys, labs, idxs, size, key, lab, idx):
    i = size
    keys[i] = key
    labs[i] = lab
    idxs[i] = idx
    while i > 0:
        parent = (i - 1) // 2
        if keys[parent] < keys[i] or (keys[parent] == keys[i] and labs[parent] <= labs[i]):
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        labs[parent], labs[i] = labs[i], labs[parent]
        idxs[parent], idxs[i] = idxs[i], idxs[parent]
        i = parent
    return size + 1


@nb.njit(cache=True)
def _heap_pop(keys, labs, idxs, size):
    key, lab, idx = keys[0], labs[0], idxs[0]
    size -= 1
    keys[0] = keys[size]
    labs[0] = labs[size]
    idxs[0] = idxs[size]
    i = 0
    while True:
        left = 2 * i + 1
        right = left + 1
        best = i
        if left < size and (keys[left] < keys[best] or (keys[left] == keys[best] and labs[left] < labs[best])):
            best = left
        if right < size and (keys[right] < keys[best] or (keys[right] == keys[best] and labs[right] < labs[best])):
            best = right
        if best == i:
            break
        keys[best], keys[i] = keys[i], keys[best]
        labs[best], labs[i] = labs[i], labs[best]
        idxs[best], idxs[i] = idxs[i], idxs[best]
        i = best
    return key, lab, idx, size


@nb.njit(cache=True)
def _better(d, lab, d_old, lab_old):
    if d < d_old - 1e-9:
        return True
    return abs(d - d_old) <= 1e-9 and lab < lab_old


@nb.njit(cache=True)
def influence_zones(core_lab, region, conn8):
    """Label every ``region`` pixel with its geodesically nearest core label.

    Distances grow by 1 across an edge and by sqrt(2) across a corner (the chamfer
    approximation of the Euclidean distance inside the region). A pixel next to several core
    components takes the nearest core neighbour that comes first in raster order; ties met
    further inside the region go to the smaller label.
    """
    h, w = region.shape
    dist = np.full((h, w), np.inf)
    lab = np.zeros((h, w), np.int64)
    done = np.zeros((h, w), np.uint8)
    cap = 8 * (int(region.sum()) + 1) + 16
    keys = np.empty(cap, np.float64)
    labs = np.empty(cap, np.int64)
    idxs = np.empty(cap, np.int64)
    size = 0
    diag = np.sqrt(2.0)
    for y in range(h):
        for x in range(w):
            if not region[y, x]:
                continue
            for k in _RASTER:
                if not conn8 and k % 2 == 0:
                    continue
                yy = y + DY[k]
                xx = x + DX[k]
                if yy < 0 or yy >= h or xx < 0 or xx >= w or core_lab[yy, xx] == 0:
                    continue
                d = diag if k % 2 == 0 else 1.0
                if d < dist[y, x] - 1e-9:
                    dist[y, x] = d
                    lab[y, x] = core_lab[yy, xx]
            if lab[y, x] > 0:
                size = _heap_push(keys, labs, idxs, size, dist[y, x], lab[y, x], y * w + x)
    while size > 0:
        d, lb, idx, size = _heap_pop(keys, labs, idxs, size)
        y = idx // w
        x = idx % w
        if done[y, x] or d != dist[y, x] or lb != lab[y, x]:
            continue
        done[y, x] = 1
        for k in range(8):
            if not conn8 and k % 2 == 0:
                continue
            yy = y + DY[k]
            xx = x + DX[k]
            if yy < 0 or yy >= h or xx < 0 or xx >= w or not region[yy, xx] or done[yy, xx]:
                continue
            nd = d + (diag if k % 2 == 0 else 1.0)
            if lab[yy, xx] == 0 or _better(nd, lb, dist[yy, xx], lab[yy, xx]):
                dist[yy, xx] = nd
                lab[yy, xx] = lb
                if size >= cap:
                    continue
                size = _heap_push(keys, labs, idxs, size, nd, lb, yy * w + xx)
    return lab


@nb.njit(cache=True)
def near_label(cand, hole_lab, encloser_of_hole, core_lab, r2):
    """Mark ``cand`` pixels within squared distance ``< r2`` of a pixel of the core component
    that encloses the hole they lie in and of no other core component."""
    h, w = cand.shape
    out = np.zeros((h, w), np.uint8)
    rad = int(np.sqrt(r2)) + 1
    for y in range(h):
        for x in range(w):
            if not cand[y, x]:
                continue
            target = encloser_of_hole[hole_lab[y, x]]
            if target == 0:
                continue
            found = False
            other = False
            for dy in range(-rad, rad + 1):
                yy = y + dy
                if yy < 0 or yy >= h:
                    continue
                for dx in range(-rad, rad + 1):
                    if dy * dy + dx * dx >= r2:
                        continue
                    xx = x + dx
                    if 0 <= xx < w and core_lab[yy, xx] > 0:
                        if core_lab[yy, xx] == target:
                            found = True
                        else:
                            other = True
                if other:
                    break
            if found and not other:
                out[y, x] = 1
    return out
