"""Generated MSPA test patterns: cores joined by thick staircases and corridors.

Random patterns rarely give a skeleton link between two cores, so they miss the loop/bridge,
perforation and growth cases that decide the JRC engine's classes; the Hong Kong maps hold only
a few of them. The first two generators (written for this project while probing the engine at
connectivity 4) build 40-80 px patterns of two to four cores (disks and rectangles wide enough
to keep core at edge width 5) joined by 4-connected staircases 2-11 px thick, with parallel
twins, holes, bumps and notches; the third (probing at connectivity 8) joins small disks by
two-pixel staircases, three-pixel bars and thin Euclidean corridors at random slopes, some with
a close parallel twin. A pattern depends only on its seed (``numpy`` PCG64).
"""

from __future__ import annotations

import numpy as np


def _disk(fg: np.ndarray, cy: int, cx: int, r: int) -> None:
    h, w = fg.shape
    yy, xx = np.ogrid[:h, :w]
    fg |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r


def _rect(fg: np.ndarray, y0: int, x0: int, hh: int, ww: int) -> None:
    fg[max(0, y0) : y0 + hh, max(0, x0) : x0 + ww] = True


def _staircase(fg: np.ndarray, rng: np.random.Generator, p, q, thick: int) -> None:
    """Draw a random 4-connected staircase from ``p`` to ``q``, ``thick`` pixels wide on both axes."""
    y, x = p
    pts = [(y, x)]
    while (y, x) != tuple(q):
        dy, dx = np.sign(q[0] - y), np.sign(q[1] - x)
        ry, rx = abs(q[0] - y), abs(q[1] - x)
        if dy and (not dx or rng.random() < ry / (ry + rx)):
            y += dy
        else:
            x += dx
        pts.append((y, x))
    h, w = fg.shape
    for y, x in pts:
        for a in range(thick):
            for b in range(thick):
                if 0 <= y + a < h and 0 <= x + b < w:
                    fg[y + a, x + b] = True


def staircases(seed: int) -> np.ndarray:
    """Cores joined by 2-10 px thick staircases, some with a parallel twin, with bumps, notches and holes."""
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(40, 81)), int(rng.integers(40, 81))
    fg = np.zeros((h, w), bool)
    centres = []
    for _ in range(int(rng.integers(2, 5))):
        cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
        if rng.random() < 0.5:
            _disk(fg, cy, cx, int(rng.integers(7, 11)))
        else:
            hh, ww = int(rng.integers(13, 21)), int(rng.integers(13, 21))
            _rect(fg, cy - hh // 2, cx - ww // 2, hh, ww)
        centres.append((cy, cx))
    for _ in range(int(rng.integers(1, 5))):
        i, j = rng.choice(len(centres), 2, replace=False)
        p, q = centres[i], centres[j]
        if rng.random() < 0.5:
            m = (int(rng.integers(0, h)), int(rng.integers(0, w)))
            segments = [(p, m), (m, q)]
        else:
            segments = [(p, q)]
        thick = int(rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 10]))
        twin = rng.random() < 0.35
        gap = int(rng.integers(2, 6))
        for a, b in segments:
            _staircase(fg, rng, a, b, thick)
            if twin:
                off = (gap + thick, 0) if rng.random() < 0.5 else (0, gap + thick)
                twin_thick = int(rng.choice([2, 3, 4, 5, 6]))
                _staircase(fg, rng, (a[0] + off[0], a[1] + off[1]), (b[0] + off[0], b[1] + off[1]), twin_thick)
    for _ in range(int(rng.integers(0, 25))):  # bumps and notches where the window is partly foreground
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        window = fg[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3]
        if 3 <= window.sum() <= 18:
            size = int(rng.integers(1, 3))
            fg[y : y + size, x : x + size] = rng.random() < 0.6
    pts = np.argwhere(fg)
    for _ in range(int(rng.integers(0, 8))):  # small holes
        y, x = pts[int(rng.integers(0, len(pts)))]
        fg[y : y + int(rng.integers(1, 4)), x : x + int(rng.integers(1, 4))] = False
    return fg


def corridors(seed: int) -> np.ndarray:
    """Cores joined by 4-11 px wide corridors through a random waypoint, with holes, bumps and notches."""
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(40, 81)), int(rng.integers(40, 81))
    fg = np.zeros((h, w), bool)
    centres = []
    for _ in range(int(rng.integers(2, 4))):
        cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
        hh, ww = int(rng.integers(13, 19)), int(rng.integers(13, 19))
        if rng.random() < 0.5:
            _disk(fg, cy, cx, hh // 2 + 1)
        else:
            _rect(fg, cy - hh // 2, cx - ww // 2, hh, ww)
        centres.append((cy, cx))
    for _ in range(int(rng.integers(1, 4))):
        i, j = rng.choice(len(centres), 2, replace=False)
        p, q = centres[i], centres[j]
        m = (int(rng.integers(0, h)), int(rng.integers(0, w)))
        thick = int(rng.integers(4, 12))
        for a, b in ((p, m), (m, q)) if rng.random() < 0.6 else ((p, q),):
            _staircase(fg, rng, a, b, thick)
    pts = np.argwhere(fg)
    for _ in range(int(rng.integers(2, 12))):  # holes
        y, x = pts[int(rng.integers(0, len(pts)))]
        fg[y : y + int(rng.integers(1, 4)), x : x + int(rng.integers(1, 4))] = False
    for _ in range(int(rng.integers(0, 40))):  # bumps and notches on the boundary
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        window = fg[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2]
        if 2 <= window.sum() <= 7:
            fg[y, x] = not fg[y, x]
    return fg


def _line(y0: float, x0: float, y1: float, x1: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of a digital line between two real points (rounded samples, one per chessboard step)."""
    n = int(max(abs(y1 - y0), abs(x1 - x0))) + 1
    t = np.linspace(0, 1, n)
    return np.round(y0 + (y1 - y0) * t).astype(int), np.round(x0 + (x1 - x0) * t).astype(int)


def _thin_link(fg: np.ndarray, rng: np.random.Generator, p, q, kind: str) -> None:
    """Draw a link from ``p`` to ``q``: a 2-px staircase, a 2 x 2 or 3-px brush, or a Euclidean corridor."""
    h, w = fg.shape
    (y0, x0), (y1, x1) = p, q
    steep = abs(y1 - y0) > abs(x1 - x0)
    if kind == "stair2":
        brush = [(0, 0), (0, 1)] if steep else [(0, 0), (1, 0)]
        if rng.random() < 0.3:
            brush = [(0, 0), (1, 1)] if rng.random() < 0.5 else [(0, 0), (0, 1), (1, 0)]
    elif kind == "w3":
        brush = [(0, 0), (0, 1), (1, 0), (1, 1)]
    elif kind == "w3b":
        brush = [(0, 0), (0, 1), (0, -1)] if steep else [(0, 0), (1, 0), (-1, 0)]
    else:  # a corridor of Euclidean half-width 1-2.2 around the segment
        half = rng.uniform(1.0, 2.2)
        yy, xx = np.mgrid[:h, :w]
        dy, dx = y1 - y0, x1 - x0
        t = np.clip(((yy - y0) * dy + (xx - x0) * dx) / (dy * dy + dx * dx + 1e-9), 0, 1)
        fg |= (yy - y0 - t * dy) ** 2 + (xx - x0 - t * dx) ** 2 <= half * half
        return
    ys, xs = _line(y0, x0, y1, x1)
    for by, bx in brush:
        yy, xx = ys + by, xs + bx
        inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        fg[yy[inside], xx[inside]] = True


def thin_links(seed: int) -> np.ndarray:
    """Two to five small disks (radius 6-9.5) joined by thin links, some with a parallel twin, with
    single-pixel bumps and notches (36-60 px patterns)."""
    rng = np.random.default_rng(10_000_000 + seed)
    h, w = rng.integers(36, 61, 2)
    fg = np.zeros((h, w), bool)
    n_disks = rng.integers(2, 6)
    disks = []
    yy, xx = np.ogrid[:h, :w]
    for _ in range(n_disks):
        r = rng.uniform(6.0, 9.5)
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        fg |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        disks.append((cy, cx, r))
    kinds = ["stair2", "stair2", "stair2", "w3", "w3b", "euc"]
    for _ in range(rng.integers(2, 7)):
        i, j = rng.choice(n_disks, 2, replace=False)
        (ay, ax, ar), (by, bx, br) = disks[i], disks[j]
        p = (ay + rng.normal(0, ar / 3), ax + rng.normal(0, ar / 3))
        q = (by + rng.normal(0, br / 3), bx + rng.normal(0, br / 3))
        kind = kinds[rng.integers(len(kinds))]
        _thin_link(fg, rng, p, q, kind)
        if rng.random() < 0.4:
            off = rng.integers(2, 6) * (1 if rng.random() < 0.5 else -1)
            if rng.random() < 0.5:
                _thin_link(fg, rng, (p[0] + off, p[1]), (q[0] + off, q[1]), kind)
            else:
                _thin_link(fg, rng, (p[0], p[1] + off), (q[0], q[1] + off), kind)
    for _ in range(rng.integers(0, 15)):
        ys, xs = np.nonzero(fg)
        k = rng.integers(len(ys))
        dy, dx = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)][rng.integers(8)]
        y, x = ys[k] + dy, xs[k] + dx
        if 0 <= y < h and 0 <= x < w:
            if rng.random() < 0.6:
                fg[y, x] = True
            else:
                fg[ys[k], xs[k]] = False
    return fg
