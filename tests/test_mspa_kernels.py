"""MSPA numba kernels against plain (slow) definitions on small random arrays.

The kernels are written for speed (separable distance thresholds, incremental thinning
passes, FIFO queues); these tests pin them to the straightforward definitions.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from ecnet_lab.mspa import _kernels as K


def _blobs(rng, shape, sigma, threshold):
    return ndi.gaussian_filter(rng.random(shape), sigma) > threshold


@pytest.mark.parametrize("r2", [0.5, 1.0, 2.0, 4.0, 12.25, 20.25, 36.0])
def test_disk_reach_is_a_disk_threshold(r2):
    rng = np.random.default_rng(int(r2 * 4))
    seed = (rng.random((23, 31)) < 0.03).astype(np.uint8)
    cand = (rng.random((23, 31)) < 0.7).astype(np.uint8)
    sy, sx = np.nonzero(seed)
    yy, xx = np.mgrid[:23, :31]
    d2 = ((yy[..., None] - sy) ** 2 + (xx[..., None] - sx) ** 2).min(-1)
    np.testing.assert_array_equal(K.disk_reach(seed, cand, r2), (cand > 0) & (d2 < r2))


@pytest.mark.parametrize("r", [0, 1, 2, 5])
def test_square_reach_is_a_square_dilation(r):
    seed = np.random.default_rng(r).random((19, 27)) < 0.04
    np.testing.assert_array_equal(K.square_reach(seed, r), ndi.maximum_filter(seed, size=2 * r + 1, mode="constant"))


def _thin_by_passes(x, anchor, table, loose_diagonals=False, firm_corners=False):
    """The thinning pass by pass: every pixel's simplicity is recomputed at every pass; the
    examined pixels are all simple pixels at the first pass, then the simple pixels next to
    a pixel deleted at the previous pass."""
    x = x.copy()
    h, w = x.shape
    examined = np.ones_like(x)

    def code(y, c):
        return sum(1 << k for k in range(8) if x[y + K.DY[k], c + K.DX[k]])

    def runs_without(y, c, k, simple):
        """Runs of foreground around (y, c) without neighbour ``k``, a background corner linking
        its two edge neighbours only when neither is simple."""
        ring = [bool(x[y + K.DY[j], c + K.DX[j]]) and j != k for j in range(8)]
        for j in range(0, 8, 2):
            a, b = (j + 7) % 8, j + 1
            if ring[a] and ring[b] and not simple[y + K.DY[a], c + K.DX[a]] and not simple[y + K.DY[b], c + K.DX[b]]:
                ring[j] = True
        return sum(not ring[j] and ring[(j + 1) % 8] for j in range(8))

    def holds(y, c, k, simple):
        """Whether simple neighbour ``k`` of examined pixel (y, c) keeps it."""
        if not simple[y + K.DY[k], c + K.DX[k]]:
            return False
        if table[code(y, c) & ~(1 << k)]:
            return firm_corners and k % 2 == 1 and runs_without(y, c, k, simple) != 1
        return not (loose_diagonals and k % 2 == 0 and simple[y, c + K.DX[k]] and simple[y + K.DY[k], c])

    while True:
        simple = np.zeros_like(x)
        for y in range(1, h - 1):
            for c in range(1, w - 1):
                simple[y, c] = x[y, c] and not anchor[y, c] and table[code(y, c)]
        gone = [
            (y, c)
            for y, c in zip(*np.nonzero(simple & examined), strict=True)
            if not any(holds(y, c, k, simple) for k in range(8))
        ]
        if not gone:
            return x
        examined[:] = 0
        for y, c in gone:
            x[y, c] = 0
            examined[y - 1 : y + 2, c - 1 : c + 2] = 1


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("connectivity", "loose_diagonals", "firm_corners"),
    [(8, False, False), (8, False, True), (4, False, False), (4, True, False)],
)
def test_oi_thin_matches_plain_passes(seed, connectivity, loose_diagonals, firm_corners):
    rng = np.random.default_rng(seed)
    fg = _blobs(rng, (30, 36), 1.5, 0.47)
    fg[0] = fg[-1] = fg[:, 0] = fg[:, -1] = False
    anchor = (fg & (rng.random(fg.shape) < 0.03)).astype(np.uint8)
    table = K.SIMPLE8 if connectivity == 8 else K.SIMPLE4
    expected = _thin_by_passes(fg.astype(np.uint8), anchor, table, loose_diagonals, firm_corners)
    got = K.oi_thin(fg.astype(np.uint8), anchor, table, loose_diagonals, firm_corners)
    np.testing.assert_array_equal(got, expected)


def _flood_by_layers(core_lab, domain, conn8):
    """Independent check of the breadth-first flooding: labels by layers of equal step count.

    A domain pixel at step count ``d`` from core (city-block or chessboard steps inside the
    domain) takes the label of the first pixel at step count ``d - 1`` that reaches it, in the
    order that pixel was itself labelled; recomputed here with plain Python sets and lists.
    """
    h, w = domain.shape
    four = [(-1, 0), (0, -1), (1, 0), (0, 1)]
    diag = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    order = four + (diag if conn8 else [])
    out = core_lab.astype(np.int64).copy()
    layer = []
    for steps in [four, diag] if conn8 else [four]:
        for y, x in zip(*np.nonzero(core_lab > 0), strict=True):  # raster order
            for dy, dx in steps:
                yy, xx = y + dy, x + dx
                if 0 <= yy < h and 0 <= xx < w and domain[yy, xx] and out[yy, xx] == 0:
                    out[yy, xx] = core_lab[y, x]
                    layer.append((yy, xx))
    while layer:
        following = []
        for y, x in layer:
            for dy, dx in order:
                yy, xx = y + dy, x + dx
                if 0 <= yy < h and 0 <= xx < w and domain[yy, xx] and out[yy, xx] == 0:
                    out[yy, xx] = out[y, x]
                    following.append((yy, xx))
        layer = following
    return out


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("conn8", [True, False])
def test_flood_core_labels_matches_a_layer_by_layer_flooding(seed, conn8):
    rng = np.random.default_rng(seed)
    core = _blobs(rng, (40, 45), 1.5, 0.57)
    core_lab, n = ndi.label(core, np.ones((3, 3), bool))
    domain = _blobs(rng, (40, 45), 1.0, 0.4) & ~core
    got = K.flood_core_labels(core_lab, domain, conn8)
    np.testing.assert_array_equal(got, _flood_by_layers(core_lab, domain, conn8))
    assert n > 3 and len(np.unique(got[domain])) > 3  # several zones meet


def test_flood_core_labels_prefers_a_core_sharing_an_edge():
    core_lab = np.zeros((3, 3), np.int32)
    core_lab[0, 0] = 1  # diagonal to the centre, first in raster order
    core_lab[2, 1] = 2  # below the centre
    domain = np.zeros((3, 3), bool)
    domain[1, 1] = True
    assert K.flood_core_labels(core_lab, domain, True)[1, 1] == 2
    assert K.flood_core_labels(core_lab, domain, False)[1, 1] == 2


def test_adjacent_label_pairs_and_labels_next_to():
    rng = np.random.default_rng(3)
    a, _ = ndi.label(_blobs(rng, (25, 30), 1.2, 0.52))
    b, nb = ndi.label(_blobs(rng, (25, 30), 1.2, 0.52))
    expected = set()
    hit = np.zeros(nb + 1, bool)
    for y, x in zip(*np.nonzero(b), strict=True):
        for k in range(8):
            yy, xx = y + K.DY[k], x + K.DX[k]
            if 0 <= yy < 25 and 0 <= xx < 30 and a[yy, xx]:
                expected.add((int(a[yy, xx]), int(b[y, x])))
                hit[b[y, x]] |= a[yy, xx] == 1
    assert set(map(tuple, K.adjacent_label_pairs(a, b).tolist())) == expected
    np.testing.assert_array_equal(K.labels_next_to(b, nb, a, 1), hit)


@pytest.mark.parametrize("firm_corners", [False, True])
def test_oi_thin_firm_corners_delay_the_middle_of_a_bar(firm_corners):
    """A single anchor pixel in a 5 x 5 block, a link down to a second anchor and a branch
    through the block ending on the left at a three-pixel bar: with firm corners the bar's
    middle pixel waits a pass, so only the pixel under the anchor on the bar's side stays."""
    fg = np.zeros((16, 16), np.uint8)
    fg[1:6, 3:8] = 1
    fg[4, 1:9] = 1
    fg[3:6, 1] = 1
    fg[6, 4:7] = 1
    fg[7:15, 6] = 1
    anchor = np.zeros_like(fg)
    anchor[3, 5] = anchor[14, 6] = 1
    thin = K.oi_thin(fg.copy(), anchor, K.SIMPLE8, False, firm_corners)
    np.testing.assert_array_equal(thin, _thin_by_passes(fg, anchor, K.SIMPLE8, False, firm_corners))
    assert (thin[4, 4], thin[4, 5]) == (1, 0 if firm_corners else 1)
