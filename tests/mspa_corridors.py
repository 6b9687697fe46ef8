"""Generated MSPA test patterns: cores joined by thick staircases and corridors.

Random patterns rarely give a skeleton link between two cores, so they miss the loop/bridge,
perforation and growth cases that decide the JRC engine's classes; the Hong Kong maps hold only
a few of them. These two generators (written for this project while probing the engine at
connectivity 4) build 40-80 px patterns of two to four cores (disks and rectangles wide enough
to keep core at edge width 5) joined by 4-connected staircases 2-11 px thick, with parallel
twins, holes, bumps and notches. A pattern depends only on its seed (``numpy`` PCG64).
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
