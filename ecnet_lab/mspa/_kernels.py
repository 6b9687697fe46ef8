"""Numba kernels of the MSPA engine: simple points, thinning, distance thresholds, reconstructions.

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
#: The neighbour indices in raster order (row by row, left to right).
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
#: Codes whose foreground neighbours form one run around the pixel (clockwise, corners
#: included): a diagonal link through a background corner splits the run.
ONE_RUN = np.array([sum(not c >> k & 1 and c >> (k + 1) % 8 & 1 for k in range(8)) == 1 for c in range(256)])


@nb.njit(cache=True)
def _code(x, p, off):
    """Neighbourhood code of flat index ``p`` in the flattened array ``x`` (``off``: flat neighbour offsets)."""
    code = 0
    for k in range(8):
        if x[p + off[k]]:
            code |= 1 << k
    return code


def oi_thin(
    x: np.ndarray, anchor: np.ndarray, table: np.ndarray, loose_diagonals: bool = False, firm_corners: bool = False
) -> np.ndarray:
    """Order-independent homotopic thinning of ``x`` (in place) that never deletes ``anchor`` pixels.

    The thinning goes by passes. At the first pass every simple pixel is examined; at each
    later pass only the simple pixels 8-adjacent to a pixel deleted at the previous pass are
    (the JRC engine works so: a pixel freed only by a change two pixels away waits until one
    of its own neighbours is deleted). An examined pixel is deleted unless deleting it together
    with one of its simple neighbours (examined or not) would change the topology (then it
    stays). With ``loose_diagonals`` (the JRC engine's rule at connectivity 4) a diagonal
    simple neighbour does not hold a pixel when the two pixels 4-adjacent to both of them are
    simple too. With ``firm_corners`` (the JRC engine's rule at connectivity 8) an edge
    simple neighbour also holds a pixel when, once that neighbour is gone, the pixel's other
    neighbours form more than one run around it counting as links only the background corners
    between two foreground pixels that are not simple (pixels that may go at the same pass do
    not link through a corner): the middle pixel of a three-pixel bar ending a branch across
    its last pixel thus waits a pass. ``x`` must be C-contiguous with its border rows/columns
    0. Returns ``x``.

    Simplicity only changes next to deleted pixels, so each pass updates and examines only
    the pixels around the previous pass's deletions.
    """
    if not x.flags.c_contiguous:
        raise ValueError("oi_thin thins x in place: x must be C-contiguous")
    return _oi_thin(x, np.ascontiguousarray(anchor), table, loose_diagonals, firm_corners, SIMPLE8 & ONE_RUN)


@nb.njit(cache=True)
def _firm_corner_code(simple, p, off, code):
    """``code`` with every background corner between two foreground non-simple edge neighbours set."""
    for j in range(0, 8, 2):
        a = (j + 7) % 8
        b = j + 1
        if code >> a & 1 and code >> b & 1 and not simple[p + off[a]] and not simple[p + off[b]]:
            code |= 1 << j
    return code


@nb.njit(cache=True)
def _oi_thin(x, anchor, table, loose_diagonals, firm_corners, one_run):
    h, w = x.shape
    xf = x.ravel()
    af = anchor.ravel()
    off = DY * w + DX
    n_free = 0
    for p in range(w, h * w - w):
        if xf[p] and not af[p]:
            n_free += 1
    simple = np.zeros(h * w, np.uint8)
    mark = np.zeros(h * w, np.uint8)
    todo = np.empty(n_free + 1, np.int64)
    deleted = np.empty(n_free + 1, np.int64)
    n_todo = 0
    for r in range(1, h - 1):
        for p in range(r * w + 1, r * w + w - 1):
            if xf[p] and not af[p]:
                code = _code(xf, p, off)
                if code != 255 and table[code]:
                    simple[p] = 1
                    todo[n_todo] = p
                    n_todo += 1
    while n_todo > 0:
        # the examined simple pixels: delete those in no blocking pair
        n_del = 0
        for i in range(n_todo):
            p = todo[i]
            code = _code(xf, p, off)
            ok = True
            for k in range(8):
                if not simple[p + off[k]]:
                    continue
                if not table[code & ~(1 << k)]:
                    if loose_diagonals and k % 2 == 0 and simple[p + DX[k]] and simple[p + DY[k] * w]:
                        continue
                    ok = False
                    break
                if firm_corners and k % 2 == 1 and not one_run[_firm_corner_code(simple, p, off, code & ~(1 << k))]:
                    ok = False
                    break
            if ok:
                deleted[n_del] = p
                n_del += 1
        if n_del == 0:
            break
        for i in range(n_del):
            p = deleted[i]
            xf[p] = 0
            simple[p] = 0
        # next pass: simplicity changes only next to deleted pixels, and only the simple
        # pixels next to a deleted pixel are examined again
        n_todo = 0
        for i in range(n_del):
            p = deleted[i]
            for k in range(8):
                q = p + off[k]
                if xf[q] and not af[q] and not mark[q]:
                    mark[q] = 1
                    simple[q] = 1 if table[_code(xf, q, off)] else 0
                    if simple[q]:
                        todo[n_todo] = q
                        n_todo += 1
        for i in range(n_del):
            p = deleted[i]
            for k in range(8):
                mark[p + off[k]] = 0
    return x


def _radius(r2: float) -> int:
    """Smallest integer ``rad`` with ``rad ** 2 >= r2`` (no offset of that length is within reach)."""
    rad = max(int(np.sqrt(r2)) - 1, 0)
    while rad * rad < r2:
        rad += 1
    return rad


def disk_reach(seed: np.ndarray, cand: np.ndarray, r2: float) -> np.ndarray:
    """Mark (``uint8``) the ``cand`` pixels that lie within squared distance ``< r2`` of a ``seed`` pixel.

    Exact and separable: the distance along each row to the nearest seed pixel (capped at the
    disk radius) is computed first, then each candidate looks at the rows within reach.
    """
    rad = _radius(r2)
    along = np.empty(seed.shape, np.uint8 if rad < 255 else np.int64)
    return _disk_reach(seed, cand, float(r2), rad, along)


@nb.njit(cache=True)
def _row_distance(seed, rad, along):
    """``along[y, x]``: distance from ``x`` to the nearest seed pixel of row ``y``, capped at ``rad``."""
    h, w = seed.shape
    for y in range(h):
        last = -rad
        for x in range(w):
            if seed[y, x]:
                last = x
            along[y, x] = min(x - last, rad)
        last = w + rad
        for x in range(w - 1, -1, -1):
            if seed[y, x]:
                last = x
            if last - x < along[y, x]:
                along[y, x] = last - x


@nb.njit(cache=True)
def _disk_reach(seed, cand, r2, rad, along):
    h, w = seed.shape
    _row_distance(seed, rad, along)
    out = np.zeros((h, w), np.uint8)
    for y in range(h):
        for x in range(w):
            if not cand[y, x]:
                continue
            for dy in range(rad):
                limit = r2 - dy * dy
                a = np.int64(along[y + dy, x]) if y + dy < h else rad
                b = np.int64(along[y - dy, x]) if y - dy >= 0 else rad
                if a * a < limit or b * b < limit:
                    out[y, x] = 1
                    break
    return out


def growth_limits(edge_width: int) -> np.ndarray:
    """Squared-distance limits of the steps of :func:`growing_disks` for the loop/bridge disks
    of an edge width ``s``, all pixels closer than ``s - 1/2`` to their seed.

    There is one step per unit of the largest city-block length of a disk offset; step 1
    admits the 4-neighbours of the seeds, a later step ``k`` pixels closer than ``k - 1/2``
    to their seed, the last step those closer than ``s - 1/2`` and the steps before it none
    at ``s - 1`` or farther.
    """
    s = edge_width
    r2 = (s - 0.5) ** 2
    steps = max(dy + dx for dy in range(s) for dx in range(s) if dy * dy + dx * dx < r2)
    limits = [2.0] + [min((k - 0.5) ** 2, (s - 1.0) ** 2) for k in range(2, steps)] + [r2]
    return np.array(limits[:steps], np.float64)


def growing_disks(
    seed: np.ndarray,
    mask: np.ndarray,
    limits: np.ndarray,
    diagonal: bool,
    sight_steps: int = 0,
    orientation_step: int = 0,
    shadows: bool = False,
    diagonal_deadline: bool = False,
    stale_step: int = 0,
    core: np.ndarray | None = None,
) -> np.ndarray:
    """Grow ``seed`` pixels inside ``mask`` step by step, each pixel carrying its source seed.

    At step ``k`` every ``mask`` pixel not reached yet takes, among its 4-neighbours reached at
    earlier steps (in the order north, west, south, east; ties to the first), the source nearest
    to it (squared Euclidean distance), and joins when that distance is below ``limits[k - 1]``.
    With ``diagonal``, its diagonal neighbours reached at earlier steps are offered too (after
    the 4-neighbours, in the order north-west, north-east, south-west, south-east) when both
    pixels beside the diagonal step are in ``mask`` or seeds and the step moves away from the
    neighbour's source on both axes. A pixel does not join when its only reached 4-neighbour
    offers the nearest source, lies on a diagonal of that source (offset ``(a, a)``) and joined
    after step ``2 a`` (late). Pixels that do not join may join at a later step. After the
    ``len(limits)`` steps, ``sight_steps`` more steps with the last limit admit a pixel only when
    its source sees it: every pixel of the digital segment between them (both roundings of the
    half-way points) was reached at an earlier step.

    At step ``orientation_step`` (``0``: none) the offers closer than the limit are ranked by
    orientation: an offer from the north or west neighbour beats one from the east or south
    neighbour, and one from the east beats one from the south, when their sources are at
    different distances that agree once rounded up to half pixels (see :func:`_half_pixels`);
    otherwise, and between offers of the same rank, the nearest wins. With
    ``shadows``, at the last step a pixel takes the nearest offer of a source that sees it: an
    offer is dropped when the pixel lies in the shadow of an obstacle (a pixel neither in
    ``mask`` nor a seed) seen from its source (see :func:`_in_shadow`), and a pixel whose
    offers are all dropped does not join; a pixel with several reached 4-neighbours does not
    join either when the segment to the source it takes squeezes between two diagonally
    adjacent obstacles (see :func:`_through_pinch`); when its reached 4-neighbours offer two
    or more different sources, a ``core`` pixel diagonally next to the offered source on the
    segment also hides the pixel (see :func:`_in_shadow`); a pixel with a single reached
    4-neighbour does not join at the tip of a fan row up and left of its source (see
    :func:`_upper_left_tip`). With ``diagonal_deadline``, a pixel on a diagonal of
    the source it is offered (offset ``(a, a)``) whose only reached 4-neighbour is the one
    offering it does not join after step ``2 a + 1``. From step ``stale_step`` on (``0``:
    never), a pixel whose chosen source already lay within the previous step's limit of it (a
    stale offer: the growth from that source reached it late) takes instead the best offer of
    another source (stale or not), when there is one within the limit. Returns the reached
    pixels (seeds included).
    """
    index = np.int32 if mask.size < 2**31 else np.int64
    n = int(np.count_nonzero(mask)) + int(np.count_nonzero(seed)) + 1  # bounds every pixel list
    src = np.full(mask.shape, -1, index)
    step = np.full(mask.shape, -1, np.int16 if len(limits) + sight_steps < 2**15 else np.int64)
    lists = np.empty((3, n), index)
    all_limits = np.concatenate([limits, np.full(sight_steps, limits[-1])]) if sight_steps else limits
    gated = len(limits) + 1 if sight_steps else len(all_limits) + 1
    shadow_step = len(limits) if shadows else len(all_limits) + 1
    stale_from = stale_step if stale_step > 1 else len(all_limits) + 1
    rules = (gated, orientation_step, shadow_step, diagonal_deadline, stale_from)
    if core is None:
        core = np.zeros(mask.shape, np.bool_)
    return _growing_disks(seed, mask, core, all_limits, rules, diagonal, src, step, lists)


@nb.njit(cache=True)
def _in_sight(step, k, w, source, y, x):
    """Whether every pixel of the digital segment from ``source`` to ``(y, x)`` (points ``t / n``
    of the way for ``t = 1 .. n - 1``, ``n`` the chessboard length, rounded half up and half
    down) was reached before step ``k``."""
    sy = source // w
    sx = source % w
    dy = y - sy
    dx = x - sx
    n = max(abs(dy), abs(dx))
    for t in range(1, n):
        for up in (True, False):
            py = sy + _round_div(dy * t, n, up)
            px = sx + _round_div(dx * t, n, up)
            if not (0 <= step[py, px] < k):
                return False
    return True


@nb.njit(cache=True)
def _round_div(a, n, up):
    """``a / n`` rounded to the nearest integer, halves up (``up``) or down."""
    q2 = 2 * a + (n if up else -n)
    q = q2 // (2 * n)
    if not up and q2 % (2 * n) != 0:
        q += 1
    return q


@nb.njit(cache=True)
def _body(mask, seed, y, x):
    """Whether ``(y, x)`` lies inside the image and in ``mask`` or ``seed``."""
    h, w = mask.shape
    return 0 <= y < h and 0 <= x < w and (mask[y, x] or seed[y, x])


@nb.njit(cache=True)
def _in_shadow(step, mask, seed, core, mixed, k, w, source, y, x, qy, qx):
    """Whether ``(y, x)``, offered ``source`` by its 4-neighbour ``(qy, qx)``, lies in the shadow of
    an obstacle seen from ``source`` at step ``k``.

    An obstacle is a pixel neither in ``mask`` nor a seed. The pixel is in the shadow when a
    point of the digital segment from ``source`` to it (points ``t / n`` of the way for
    ``t = 1 .. n - 1``, ``n`` the chessboard length) is, whichever way it is rounded (half up or
    half down), an obstacle or a ``mask`` pixel not reached before step ``k`` (a pixel hidden
    itself casts a shadow), leaving out points 8-adjacent to the source or 4-adjacent to the
    pixel, except at offset ``(1, 2)``: its midpoint (both pixels next to the source towards
    the pixel, e.g. ``(1, 0)`` and ``(1, 1)`` for ``(2, 1)``) is always tested. The segment is
    not tested when its first step is blocked: along a row or column, when the pixel next to
    the source is an obstacle; along a diagonal, when the source's 4-neighbour towards the
    pixel across the last step (the step from ``(qy, qx)``) is one. A pixel at offset
    ``(1, 3)`` (or a symmetric one) offered the source by ``(0, 3)``, with ``(1, 2)`` not
    reached, is also in the shadow when ``(0, 1)`` is free and ``(0, 2)`` an obstacle (the same
    source offered by another neighbour is not). With ``mixed`` (the pixel's
    reached 4-neighbours offer different sources), a ``core`` point diagonally next to the
    source (``(1, 1)`` for ``(2, 2)``, ``(2, 3)`` and ``(3, 3)``) is tested too when the offering
    neighbour lies ahead of the pixel along the major axis of the segment (either one on a
    diagonal), and a diagonal whose first step is blocked by ``core`` is tested all the same.
    """
    sy = source // w
    sx = source % w
    dy = y - sy
    dx = x - sx
    n = max(abs(dy), abs(dx))
    uy = (dy > 0) - (dy < 0)
    ux = (dx > 0) - (dx < 0)
    tested = True
    if dy == 0 or dx == 0:
        tested = _body(mask, seed, sy + uy, sx + ux)
    elif abs(dy) == abs(dx):
        first = (sy, sx + ux) if qx == x else (sy + uy, sx)
        tested = _body(mask, seed, first[0], first[1]) or (mixed and core[first[0], first[1]])
    knight = n == 2 and abs(dy) != abs(dx)  # offset (1, 2): the midpoint is tested, next to both ends
    ahead = (abs(dy) >= abs(dx) and qy != y) or (abs(dx) >= abs(dy) and qx != x)
    if tested:
        for t in range(1, n):
            hidden = True
            for up in (True, False):
                py = sy + _round_div(dy * t, n, up)
                px = sx + _round_div(dx * t, n, up)
                near = max(abs(py - sy), abs(px - sx)) <= 1 or abs(py - y) + abs(px - x) <= 1
                if near and mixed and ahead and abs(py - sy) == 1 and abs(px - sx) == 1 and core[py, px]:
                    near = False  # a core corner next to the source hides a pixel offered several sources
                if (near and not knight) or 0 <= step[py, px] < k:
                    hidden = False
            if hidden:
                return True
    if min(abs(dy), abs(dx)) == 1 and n == 3:
        # unit step along the major axis
        if abs(dy) == 3:
            ux = 0
        else:
            uy = 0
        # offered by (0, 3) itself, and (1, 2) not reached
        along = (qy, qx) == (sy + 3 * uy, sx + 3 * ux) and not (0 <= step[y - uy, x - ux] < k)
        if along and _body(mask, seed, sy + uy, sx + ux) and not _body(mask, seed, sy + 2 * uy, sx + 2 * ux):
            return True
    return False


@nb.njit(cache=True)
def _through_pinch(mask, seed, w, source, y, x):
    """Whether the segment from ``source`` to ``(y, x)`` passes exactly through a corner shared by
    two diagonally adjacent obstacles (pixels neither in ``mask`` nor seeds) lying on either side
    of it, e.g. the corner between ``(0, 1)`` and ``(1, 0)`` for ``(1, 1)``, or between ``(0, 2)``
    and ``(1, 1)`` for ``(1, 3)``, coming from a free pixel: the pixel round that corner on the
    source's side (the one the segment runs through before it, ``(0, 0)`` for ``(1, 1)``, ``(0, 1)``
    for ``(1, 3)``) is in ``mask`` or a seed. A segment that only grazes the corner of a wider
    obstacle (that pixel an obstacle too) is not pinched."""
    sy = source // w
    sx = source % w
    dy = y - sy
    dx = x - sx
    n = max(abs(dy), abs(dx))
    for t in range(n):
        # the point (2 t + 1) / (2 n) of the way, in units of 1 / (2 n)
        ny = dy * (2 * t + 1)
        nx = dx * (2 * t + 1)
        if ny % (2 * n) == n and nx % (2 * n) == n:
            a = sy + (ny - n) // (2 * n)  # the corner lies between rows a, a + 1 and columns b, b + 1
            b = sx + (nx - n) // (2 * n)
            if (dy > 0) == (dx > 0):
                pinch = not _body(mask, seed, a, b + 1) and not _body(mask, seed, a + 1, b)
                before = (a, b) if dy > 0 else (a + 1, b + 1)
            else:
                pinch = not _body(mask, seed, a, b) and not _body(mask, seed, a + 1, b + 1)
                before = (a, b + 1) if dy > 0 else (a + 1, b)
            if pinch and _body(mask, seed, before[0], before[1]):
                return True
    return False


@nb.njit(cache=True)
def _upper_left_tip(step, mask, seed, k, w, source, y, x):
    """Whether ``(y, x)`` is the tip of a row of a fan of rows grown from a link staircase that
    rises to the right, seen from its ``source`` at step ``k``: it lies at offset ``(-2, -4)`` from
    ``source`` (two rows up, four columns left: this orientation only), ``(y + 1, x + 1)`` is an
    obstacle (a pixel neither in ``mask`` nor a seed), ``(-3, 1)`` from ``source`` is a seed, and
    ``(y + 2, x + 2)``, ``(y + 2, x + 3)`` (the row of the source), ``(y - 1, x + 2)`` and
    ``(y - 3, x + 3)`` (the rows above) were reached before step ``k``."""
    sy = source // w
    sx = source % w
    h = mask.shape[0]
    if y - sy != -2 or x - sx != -4 or y < 3 or sx + 1 >= w or y + 1 >= h:
        return False
    if not seed[sy - 3, sx + 1] or _body(mask, seed, y + 1, x + 1):
        return False
    for a, b in ((2, 2), (2, 3), (-1, 2), (-3, 3)):
        if not 0 <= step[y + a, x + b] < k:
            return False
    return True


@nb.njit(cache=True)
def _half_pixels(d2):
    """The distance ``sqrt(d2)`` in half pixels, rounded up (``d2`` a non-negative integer value)."""
    m = int(np.sqrt(4.0 * d2))
    while m * m < 4.0 * d2:
        m += 1
    return m


_ORDER = np.array([1, 7, 5, 3, 0, 2, 6, 4], np.int64)  # N W S E NW NE SW SE in DY/DX
_RANK = np.array([0, 0, 2, 1], np.int64)  # orientation priority of N W S E (lower first)


@nb.njit(cache=True)
def _best_offer(seed, mask, src, step, k, limit, oriented, y, x, n_dir, exclude):
    """The offer a candidate ``(y, x)`` takes at step ``k`` of :func:`_growing_disks`, leaving out
    the source ``exclude``: ``(squared distance, source, reached 4-neighbours, late diagonal,
    offering neighbour)``. The flag tells that the offering neighbour lies on a diagonal of its
    source and joined late; the neighbour is an index into ``_ORDER``; source and neighbour are
    ``-1`` when there is no offer."""
    h, w = mask.shape
    best = np.inf
    best_rank = 3
    bs = -1
    n_reached = 0  # reached 4-neighbours
    late_diagonal = False
    bj = -1
    for j in range(n_dir):
        yy = y + DY[_ORDER[j]]
        xx = x + DX[_ORDER[j]]
        if not (0 <= yy < h and 0 <= xx < w and 0 <= step[yy, xx] < k):
            continue
        s = src[yy, xx]
        sy = s // w
        sx = s % w
        if j < 4:
            n_reached += 1
        else:
            if not (_body(mask, seed, yy, x) and _body(mask, seed, y, xx)):
                continue
            if abs(y - sy) < abs(yy - sy) or abs(x - sx) < abs(xx - sx):
                continue
        if s == exclude:
            continue
        d2 = float((y - sy) ** 2 + (x - sx) ** 2)
        if j < 4 and d2 >= limit:
            continue
        r = _RANK[j] if oriented and j < 4 else 0
        if best == np.inf:
            take = True
        elif r == best_rank or d2 == best or _half_pixels(d2) != _half_pixels(best):
            take = d2 < best
        else:
            take = r < best_rank
        if take:
            best = d2
            best_rank = r
            bs = s
            bj = j
            a = abs(yy - sy)
            late_diagonal = j < 4 and a == abs(xx - sx) and step[yy, xx] > 2 * a
    return best, bs, n_reached, late_diagonal, bj


@nb.njit(cache=True)
def _seen_offer(seed, mask, core, mixed, src, step, k, limit, y, x):
    """The nearest source offered to ``(y, x)`` at step ``k`` by a reached 4-neighbour (closer than
    ``limit``; ties to the first neighbour in the order north, west, south, east) that does not
    have it in the shadow of an obstacle (see :func:`_in_shadow`), or ``-1``."""
    h, w = mask.shape
    best = limit
    bs = -1
    for j in range(4):
        yy = y + DY[_ORDER[j]]
        xx = x + DX[_ORDER[j]]
        if not (0 <= yy < h and 0 <= xx < w and 0 <= step[yy, xx] < k):
            continue
        s = src[yy, xx]
        d2 = float((y - s // w) ** 2 + (x - s % w) ** 2)
        if d2 < best and not _in_shadow(step, mask, seed, core, mixed, k, w, s, y, x, yy, xx):
            best = d2
            bs = s
    return bs


@nb.njit(cache=True)
def _offers_mixed(src, step, k, y, x):
    """Whether the 4-neighbours of ``(y, x)`` reached before step ``k`` carry different sources."""
    h, w = step.shape
    first = -1
    for j in range(4):
        yy = y + DY[_ORDER[j]]
        xx = x + DX[_ORDER[j]]
        if 0 <= yy < h and 0 <= xx < w and 0 <= step[yy, xx] < k:
            if first < 0:
                first = src[yy, xx]
            elif src[yy, xx] != first:
                return True
    return False


@nb.njit(cache=True)
def _growing_disks(seed, mask, core, limits, rules, diagonal, src, step, lists):
    gated, orientation_step, shadow_step, diagonal_deadline, stale_step = rules  # steps from which each rule acts
    front, cand, best_src = lists[0], lists[1], lists[2]
    h, w = mask.shape
    n_dir = 8 if diagonal else 4
    n_front = 0
    for y in range(h):
        for x in range(w):
            if seed[y, x]:
                src[y, x] = y * w + x
                step[y, x] = 0
                front[n_front] = y * w + x
                n_front += 1
    queued = np.zeros((h, w), np.uint8)
    for k in range(1, len(limits) + 1):
        # candidates: unreached mask pixels next to reached ones (reached pixels stay in the front
        # while they have unreached mask neighbours)
        n_cand = 0
        keep = 0
        for i in range(n_front):
            p = front[i]
            y = p // w
            x = p % w
            waiting = False
            for j in range(n_dir):
                yy = y + DY[_ORDER[j]]
                xx = x + DX[_ORDER[j]]
                if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and step[yy, xx] < 0:
                    waiting = True
                    if not queued[yy, xx]:
                        queued[yy, xx] = 1
                        cand[n_cand] = yy * w + xx
                        n_cand += 1
            if waiting:
                front[keep] = p
                keep += 1
        n_front = keep
        limit = limits[k - 1]
        oriented = k == orientation_step
        for i in range(n_cand):
            p = cand[i]
            y = p // w
            x = p % w
            best, bs, n_reached, late_diagonal, bj = _best_offer(
                seed, mask, src, step, k, limit, oriented, y, x, n_dir, -1
            )
            if bs >= 0 and k >= stale_step and best < limits[k - 2]:
                # a stale offer gives way to another source's offer, if any
                offer = _best_offer(seed, mask, src, step, k, limit, oriented, y, x, n_dir, bs)
                if offer[1] >= 0 and offer[0] < limit:
                    best, bs, late_diagonal, bj = offer[0], offer[1], offer[3], offer[4]
            if n_reached == 1 and late_diagonal:
                bs = -1
            if bs >= 0 and diagonal_deadline and n_reached == 1:
                a = abs(y - bs // w)
                if a == abs(x - bs % w) and k > 2 * a + 1:
                    bs = -1
            if bs >= 0 and k >= gated and not _in_sight(step, k, w, bs, y, x):
                bs = -1
            if bs >= 0 and best < limit and k == shadow_step:
                qy = y + DY[_ORDER[bj]]
                qx = x + DX[_ORDER[bj]]
                mixed = _offers_mixed(src, step, k, y, x)
                if bj >= 4 or _in_shadow(step, mask, seed, core, mixed, k, w, bs, y, x, qy, qx):
                    bs = _seen_offer(seed, mask, core, mixed, src, step, k, limit, y, x)
                if bs >= 0 and n_reached >= 2 and _through_pinch(mask, seed, w, bs, y, x):
                    bs = -1
                if bs >= 0 and n_reached == 1 and _upper_left_tip(step, mask, seed, k, w, bs, y, x):
                    bs = -1
            best_src[i] = bs if best < limit else -1
        for i in range(n_cand):
            p = cand[i]
            y = p // w
            x = p % w
            queued[y, x] = 0
            if best_src[i] >= 0:
                src[y, x] = best_src[i]
                step[y, x] = k
                front[n_front] = p
                n_front += 1
    return step >= 0


def influence_zones(core_lab: np.ndarray, domain: np.ndarray, conn8: bool) -> np.ndarray:
    """Label every ``domain`` pixel with its geodesically nearest core label.

    Distances grow by 1 across an edge and by sqrt(2) across a corner (the chamfer
    approximation of the Euclidean distance inside the domain). A pixel takes the label of
    its first neighbour in raster order on a shortest path: next to core, the nearest core
    neighbour that comes first in raster order; further inside, the first neighbour in raster
    order whose distance plus the step is the pixel's distance. Returns the labels (``int32``;
    0 outside ``domain`` and where no core is reachable).

    Dijkstra's propagation with a bucket queue: pixels are settled by unit distance bands
    ``[k, k + 1)``; steps are at least 1 long, so a pixel cannot improve another one of its
    own band, every band is final once the previous ones are settled and the neighbours on a
    shortest path to a pixel are settled before it.
    """
    index = np.int32 if domain.size < 2**31 else np.int64
    return _influence_zones(core_lab, domain, conn8, np.empty(domain.shape, index))


@nb.njit(cache=True)
def _neighbour_step(k, conn8, y, x, h, w):
    """Length of the step from ``(y, x)`` to its neighbour ``k`` (``DY``/``DX``): 1 across an edge,
    sqrt(2) across a corner (connectivity 8 only); 0 when that neighbour is not used or lies
    outside the ``h`` x ``w`` image."""
    if k % 2 == 0 and not conn8:
        return 0.0
    yy = y + DY[k]
    xx = x + DX[k]
    if yy < 0 or yy >= h or xx < 0 or xx >= w:
        return 0.0
    return np.sqrt(2.0) if k % 2 == 0 else 1.0


@nb.njit(cache=True)
def _influence_zones(core_lab, domain, conn8, out):
    h, w = domain.shape
    n = 0
    for y in range(h):
        for x in range(w):
            if domain[y, x]:
                n += 1
    # compact numbering of the domain pixels (``out`` holds the number, -1 elsewhere)
    ys = np.empty(n, out.dtype)
    xs = np.empty(n, out.dtype)
    n = 0
    for y in range(h):
        for x in range(w):
            if domain[y, x]:
                out[y, x] = n
                ys[n] = y
                xs[n] = x
                n += 1
            else:
                out[y, x] = -1
    dist = np.full(n, np.inf)
    lab = np.zeros(n, out.dtype)
    band = np.full(n, -1, out.dtype)
    done = np.zeros(n, np.uint8)
    queue = np.empty((3, n + 1), out.dtype)
    size = np.zeros(3, np.int64)
    for i in range(n):
        y = ys[i]
        x = xs[i]
        for k in _RASTER:
            d = _neighbour_step(k, conn8, y, x, h, w)
            if d > 0.0 and core_lab[y + DY[k], x + DX[k]] > 0:
                dist[i] = min(dist[i], d)
        if dist[i] < np.inf:
            band[i] = 1
            queue[1, size[1]] = i
            size[1] += 1
    current = 1
    while size[0] + size[1] + size[2] > 0:
        slot = current % 3
        for j in range(size[slot]):
            i = queue[slot, j]
            if done[i]:
                continue
            done[i] = 1
            y = ys[i]
            x = xs[i]
            # the label of the first neighbour in raster order on a shortest path (settled)
            for k in _RASTER:
                d = _neighbour_step(k, conn8, y, x, h, w)
                if d == 0.0:
                    continue
                yy = y + DY[k]
                xx = x + DX[k]
                if core_lab[yy, xx] > 0:
                    if abs(d - dist[i]) <= 1e-9:
                        lab[i] = core_lab[yy, xx]
                        break
                    continue
                q = out[yy, xx]
                if q >= 0 and done[q] and abs(dist[q] + d - dist[i]) <= 1e-9:
                    lab[i] = lab[q]
                    break
            for k in range(8):
                d = _neighbour_step(k, conn8, y, x, h, w)
                if d == 0.0:
                    continue
                q = out[y + DY[k], x + DX[k]]
                if q < 0 or done[q]:
                    continue
                nd = dist[i] + d
                if nd < dist[q] - 1e-9:
                    dist[q] = nd
                    b = int(nd)
                    if band[q] != b:
                        band[q] = b
                        queue[b % 3, size[b % 3]] = q
                        size[b % 3] += 1
        size[slot] = 0
        current += 1
    for y in range(h):
        for x in range(w):
            out[y, x] = lab[out[y, x]] if out[y, x] >= 0 else 0
    return out


@nb.njit(cache=True)
def adjacent_label_pairs(a, b):
    """``(a_label, b_label)`` pairs of 8-adjacent pixels (both labels > 0), with repeats of
    consecutive pairs dropped (the list is not fully unique)."""
    h, w = a.shape
    cap = 1024
    pairs = np.empty((cap, 2), np.int64)
    n = 0
    last_a = -1
    last_b = -1
    for y in range(h):
        for x in range(w):
            lb = b[y, x]
            if lb == 0:
                continue
            for k in range(8):
                yy = y + DY[k]
                xx = x + DX[k]
                if yy < 0 or yy >= h or xx < 0 or xx >= w:
                    continue
                la = a[yy, xx]
                if la == 0 or (la == last_a and lb == last_b):
                    continue
                if n == cap:
                    cap *= 2
                    grown = np.empty((cap, 2), np.int64)
                    grown[:n] = pairs[:n]
                    pairs = grown
                pairs[n, 0] = la
                pairs[n, 1] = lb
                n += 1
                last_a = la
                last_b = lb
    return pairs[:n]


@nb.njit(cache=True)
def near_label(cand, hole_lab, encloser_of_hole, core_lab, r2, touching, base):
    """Mark ``cand`` pixels within squared distance ``< r2`` of a pixel of the core component
    that encloses the hole they lie in and of no other core component touching that hole.

    ``touching`` holds the sorted keys ``hole * base + core`` of the (hole, core component)
    pairs that are adjacent; a core component not touching the pixel's hole (beyond the wall
    of the enclosing one) does not count.
    """
    h, w = cand.shape
    out = np.zeros((h, w), np.uint8)
    rad = int(np.sqrt(r2)) + 1
    for y in range(h):
        for x in range(w):
            if not cand[y, x]:
                continue
            hole = hole_lab[y, x]
            target = encloser_of_hole[hole]
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
                        c = core_lab[yy, xx]
                        if c == target:
                            found = True
                        else:
                            key = hole * base + c
                            i = np.searchsorted(touching, key)
                            if i < touching.size and touching[i] == key:
                                other = True
                if other:
                    break
            if found and not other:
                out[y, x] = 1
    return out


@nb.njit(cache=True)
def labels_next_to(lab, n, regions, target):
    """Which of the labels ``0..n`` of ``lab`` have a pixel 8-adjacent to a ``target`` pixel of ``regions``."""
    h, w = lab.shape
    hit = np.zeros(n + 1, np.bool_)
    for y in range(h):
        for x in range(w):
            lb = lab[y, x]
            if lb == 0 or hit[lb]:
                continue
            for k in range(8):
                yy = y + DY[k]
                xx = x + DX[k]
                if 0 <= yy < h and 0 <= xx < w and regions[yy, xx] == target:
                    hit[lb] = True
                    break
    return hit


@nb.njit(cache=True)
def square_reach(seed, r):
    """Mark (``uint8``) the pixels within chessboard distance ``r`` of a ``seed`` pixel (a dilation
    by the ``(2r + 1) x (2r + 1)`` square; outside the array there is no seed)."""
    h, w = seed.shape
    row = np.zeros((h, w), np.uint8)
    for y in range(h):
        last = -r - 1
        for x in range(w):
            if seed[y, x]:
                last = x
            if x - last <= r:
                row[y, x] = 1
        last = w + r + 1
        for x in range(w - 1, -1, -1):
            if seed[y, x]:
                last = x
            if last - x <= r:
                row[y, x] = 1
    out = np.zeros((h, w), np.uint8)
    seen = np.full(w, -r - 1, np.int64)
    for y in range(h):
        for x in range(w):
            if row[y, x]:
                seen[x] = y
            if y - seen[x] <= r:
                out[y, x] = 1
    seen[:] = h + r + 1
    for y in range(h - 1, -1, -1):
        for x in range(w):
            if row[y, x]:
                seen[x] = y
            if seen[x] - y <= r:
                out[y, x] = 1
    return out
