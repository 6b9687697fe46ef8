"""MSPA engine: hand-made cases with the expected class of every pixel, API contract, validation, stats.

The expected grids below were written from the GuidosToolbox definitions (core = distance to
background >= edge width + 1, edges around core, perforations around holes of core, islets
without core, loops/bridges/branches from the anchored skeleton); each one is also checked
against the JRC reference in ``test_mspa_reference.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from ecnet_lab.mspa import (
    AGGREGATED,
    FLAG_MEANINGS,
    edge_width_from_metres,
    foreground_from_classes,
    mspa,
    mspa_stats,
)

# one character per code: . background, C core, E edge, P perforation, I islet, R branch,
# L loop, l loop in edge, B bridge, b bridge in edge, o core-opening, O border-opening,
# X missing; lower-case p/c/e are the internal (+100) perforation/core/edge.
CHAR = {
    ".": 0, "C": 17, "E": 3, "P": 5, "I": 9, "R": 1, "L": 65, "l": 67, "B": 33, "b": 35,
    "o": 100, "O": 220, "X": 129, "p": 105, "c": 117, "e": 103,
}  # fmt: skip


def grid(text: str) -> np.ndarray:
    rows = text.strip().split()
    return np.array([[CHAR[ch] for ch in row] for row in rows], np.uint8)


def pattern(text: str) -> np.ndarray:
    """Foreground (1), background (0) and missing (NaN) from an expected-class grid."""
    codes = grid(text)
    out = np.where((codes == 0) | (codes == 100) | (codes == 220), 0.0, 1.0)
    out[codes == 129] = np.nan
    return out


def as_da(values: np.ndarray, res: float = 30.0) -> xr.DataArray:
    ny, nx = values.shape
    return xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000.0 - res * (np.arange(ny) + 0.5), "x": 500.0 + res * (np.arange(nx) + 0.5)},
        name="forest",
        attrs={"source": "test"},
    )


# ---------------------------------------------------------------- hand-made cases (8/1)
HOLE = """
............
.EEEEEEEEEE.
.ECCCCCCCCE.
.ECCCCCCCCE.
.ECCppppCCE.
.ECCpoopCCE.
.ECCpoopCCE.
.ECCppppCCE.
.ECCCCCCCCE.
.ECCCCCCCCE.
.EEEEEEEEEE.
............
"""

BRIDGE = """
..................
.EEEEE......EEEEE.
.ECCCE......ECCCE.
.ECCCbBBBBBBbCCCE.
.ECCCE......ECCCE.
.EEEEE......EEEEE.
..................
..................
..................
..................
"""

LOOP = """
..............
.EEEEE........
.ECCCE........
.ECCClLLLLR...
.ECCCEOOOOL...
.ECCCEOOOOL...
.ECCCEOOOOL...
.ECCClLLLLR...
.ECCCE........
.EEEEE........
..............
"""

BRANCH = """
..............
.EEEEE........
.ECCCE........
.ECCCERRRRR...
.ECCCE........
.EEEEE........
..............
..............
..............
..............
"""

ISLET = """
..............
.EEEEE........
.ECCCE........
.ECCCE........
.ECCCE....II..
.EEEEE....II..
..............
..............
..............
..............
"""

HAND_CASES = {"hole": HOLE, "bridge": BRIDGE, "loop": LOOP, "branch": BRANCH, "islet": ISLET}


@pytest.mark.parametrize("case", sorted(HAND_CASES))
def test_hand_made_case_every_pixel(case):
    expected = grid(HAND_CASES[case])
    out = mspa(as_da(pattern(HAND_CASES[case])))
    np.testing.assert_array_equal(out.values, expected, err_msg=case)


# ---------------------------------------------------------------- hand-made cases at connectivity 4
# two-pixel-wide passages: a bridge keeps both rows, its bend loses the outer corner pixel and a
# dead end is eroded away (a branch)
WIDE_PASSAGES_4 = """
................
.EEEEE..........
.ECCCE..........
.ECCCE..........
.ECCCb..........
.EEEbb..........
..RR.BBBBBBR....
..RR.BBBBBBB....
..RR......BB....
..RR......BB....
.........EbbEE..
.........ECCCE..
.........ECCCE..
.........ECCCE..
.........EEEEE..
................
"""

# the connector pixel below the lone core pixel is as near to it as to the big core on its left:
# it joins the core met first in raster order (the one above), so the connector is a bridge
CORE_TIE_4 = """
...............
...............
...............
...............
...EEE.EEE.....
...ECEElCE.....
...ECCCCbE.....
...EECEbb......
....ECEOB......
....ECEbb......
"""

# edge width 2: the loop/bridge pixels grow from the skeleton by 4-neighbour steps (as at
# connectivity 8); the edge pixel on the right of the third row is within 1.5 of a skeleton
# pixel but is not reached that way
LATE_REACH_4 = """
...BBBB.......
...B..B.......
...B..B....bbE
bBBBB.BBBBBbbE
bOOOB.....BbbC
bOOOB.....Bbbb
bOOOB.....REEE
bBOBB.....R.R.
.BBB..........
..............
"""

# (expected classes, edge width) at connectivity 4
# cut from Hong Kong 2018-2022 (woodland + shrubland): a loop reaches a single core pixel through
# the corner of its edge ring, and two diagonal edge pixels link it to the core. After its first
# pass the thinning examines only the pixels next to a pixel deleted at the previous pass, so
# the top pixel of the branch on the left survives one pass longer than the pixel below it; the
# lower link pixel is then briefly not simple and the upper one, examined at that pass, goes
QUEUED_THINNING_4 = """
..............
.....LLLLLL...
.....L....L...
....LL....L...
...LL.....lEE.
...L.....RlCE.
.LLL.....REEE.
.LOL.....R....
.LLL..........
..............
"""

# edge width 3: the same growth as at connectivity 8 (4-neighbour steps, each pixel carrying the
# link it grew from); the edge pixel above the core pixel in the fifth row is within 2.5 of a
# link but is not reached in time (propagating the shortest offsets would take it)
GROWTH_STEPS_4 = """
................
......EEEEERRRR.
....REEEEEEERRR.
...RREbbEEEERRR.
.R..RbbbCbEERRR.
.R...bbbCbbERR..
.RR.EbbbbbbE....
.REEEbbbbbbE....
.EEEEbbCbbb.....
.EEEEECCbbE.....
.EEECCCCEEE.....
.EEECCCCEEE.....
.EEEEEEEEEER....
.EEEEEEEEEERR.I.
.REEEEEEEERR..I.
................
"""

HAND_CASES_4 = {
    "wide passages": (WIDE_PASSAGES_4, 1),
    "core tie": (CORE_TIE_4, 1),
    "late reach": (LATE_REACH_4, 2),
    "growth steps": (GROWTH_STEPS_4, 3),
    "queued thinning": (QUEUED_THINNING_4, 1),
}


@pytest.mark.parametrize("case", sorted(HAND_CASES_4))
def test_connectivity_four_hand_made_case_every_pixel(case):
    text, edge_width = HAND_CASES_4[case]
    out = mspa(as_da(pattern(text)), connectivity=4, edge_width=edge_width)
    np.testing.assert_array_equal(out.values, grid(text), err_msg=case)


def test_blob_with_hole_without_intext_is_plain_perforation():
    out = mspa(as_da(pattern(HOLE)), intext=False).values
    expected = grid(HOLE)
    expected[expected == 105] = 5
    expected[expected == 100] = 0
    np.testing.assert_array_equal(out, expected)


def test_transition_off_turns_transitions_into_edge():
    on = mspa(as_da(pattern(BRIDGE)), transition=True).values
    off = mspa(as_da(pattern(BRIDGE)), transition=False).values
    assert (on == 35).sum() == 2 and not (off == 35).any()
    np.testing.assert_array_equal(off[on == 35], 3)
    np.testing.assert_array_equal(off[on != 35], on[on != 35])


def test_edge_width_two_on_a_square():
    a = np.zeros((14, 14))
    a[2:12, 2:12] = 1
    out = mspa(as_da(a), edge_width=2).values
    # core: Euclidean distance to background >= 3, i.e. the central 6 x 6 block
    core = np.zeros((14, 14), bool)
    core[4:10, 4:10] = True
    np.testing.assert_array_equal(out == 17, core)
    assert set(np.unique(out[(a == 1) & ~core])) == {3}


def _growth_field(size, links, obstacles=()):
    """(seed, mask) for the growth kernel: ``size`` x ``size`` body, ``links`` as seeds, ``obstacles``
    (core or background) and the links left out of the mask."""
    seed = np.zeros((size, size), bool)
    seed[tuple(np.transpose(links))] = True
    mask = ~seed
    if len(obstacles):
        mask[tuple(np.transpose(obstacles))] = False
    return seed, mask


def test_loop_bridge_growth_gives_a_pixel_next_to_two_links_to_one_of_them():
    from ecnet_lab.mspa import _kernels as K

    # links a = (2, 3) and b = (3, 2) on a diagonal step between two core pixels (1, 3) and (4, 2)
    mask = np.ones((6, 6), bool)
    mask[1, 3] = mask[4, 2] = False
    seed = np.zeros((6, 6), bool)
    seed[2, 3] = seed[3, 2] = True
    limits = K.growth_limits(2)
    np.testing.assert_array_equal(limits, [2.0, 2.25])
    region = K.growing_disks(seed, mask, limits, True)
    # (2, 2) goes to b (its southern neighbour), (3, 3) to a (its northern one): the corner
    # pixels behind them are 2 pixels from their source and stay out, the other two join
    assert region[2, 2] and region[3, 3]
    assert not region[1, 2] and not region[4, 3]
    assert region[1, 4] and region[4, 1]


def test_loop_bridge_growth_lets_straight_pixels_join_one_step_late():
    from ecnet_lab.mspa import _kernels as K

    seed, mask = _growth_field(7, [(3, 3)], [(2, 3)])  # a core pixel right above the link
    limits = K.growth_limits(3)
    np.testing.assert_array_equal(limits, [2.0, 2.25, 6.25])
    region = K.growing_disks(seed, mask, limits, True)
    # (3, 1), two pixels straight ahead of the link, joins at step 3 instead of 2 ...
    assert region[3, 1] and region[3, 5] and region[5, 3]
    # ... the pixels at offset (1, 2) join through the diagonal pixels at step 3 ...
    assert region[1, 2] and region[1, 4] and region[2, 1] and region[4, 1]
    # ... and (1, 3), behind the core pixel, would need a fourth step
    assert not region[1, 3]


def test_loop_bridge_growth_takes_outward_diagonal_steps_between_body_pixels():
    from ecnet_lab.mspa import _kernels as K

    seed, mask = _growth_field(9, [(4, 4)], [(5, 5)])  # a core pixel diagonal to the link
    limits = K.growth_limits(4)
    np.testing.assert_array_equal(limits, [2.0, 2.25, 6.25, 12.25])
    straight = K.growing_disks(seed, mask, limits, False)
    diagonal = K.growing_disks(seed, mask, limits, True)
    # (5, 6) at offset (1, 2) is reached late (step 4, from (4, 6)), so (5, 7) at offset (1, 3)
    # would need a fifth 4-neighbour step; the diagonal step from (4, 6) (reached at step 3,
    # both pixels beside the step in the body) brings it in at step 4, and likewise (7, 5)
    assert not straight[5, 7] and not straight[7, 5]
    assert diagonal[5, 7] and diagonal[7, 5]
    changed = np.zeros((9, 9), bool)
    changed[5, 7] = changed[7, 5] = True
    np.testing.assert_array_equal(straight ^ diagonal, changed)


def test_loop_bridge_growth_sight_step_admits_pixels_seen_from_their_link():
    from ecnet_lab.mspa import _kernels as K

    # obstacles at offsets (1, 1) from the link, so (1, 2) is reached late (from (0, 2)), and
    # (0, 3), so (1, 3) has no other way in
    seed, mask = _growth_field(11, [(5, 5)], [(6, 6), (5, 8)])
    limits = K.growth_limits(4)
    without = K.growing_disks(seed, mask, limits, True)
    with_sight = K.growing_disks(seed, mask, limits, True, sight_steps=1)
    # (1, 3) would need a fifth step after (1, 2); the sight step admits it because the segment
    # from the link, through (0, 1) and (1, 2), lies in reached pixels; nothing else changes
    changed = np.zeros((11, 11), bool)
    changed[6, 8] = True
    np.testing.assert_array_equal(without ^ with_sight, changed)
    # without (1, 2) the segment to (1, 3) crosses a pixel outside the body: it stays out
    blocked = mask.copy()
    blocked[6, 7] = False
    assert not K.growing_disks(seed, blocked, limits, True, sight_steps=1)[6, 8]


def test_loop_bridge_growth_keeps_the_outer_ring_for_the_last_step():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    np.testing.assert_array_equal(limits, [2.0, 2.25, 6.25, 12.25, 16.0, 20.25])
    seed, mask = _growth_field(11, [(5, 1)], [(4, 4), (6, 4)])  # core at offsets (-1, 3), (1, 3)
    region = K.growing_disks(seed, mask, limits, False)
    # (5, 5) at offset (0, 4), 4 pixels away, waits for the last step (6) instead of joining at
    # step 5, so (4, 5) and (6, 5) at offsets (-1, 4) and (1, 4), reachable only through it, stay out
    assert region[5, 5]
    assert not region[4, 5] and not region[6, 5]


def test_loop_bridge_growth_ranks_offers_by_orientation_at_step_four():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    seed, mask = _growth_field(13, [(6, 8), (8, 7)], [(7, 4)])  # links a, b; an obstacle below (6, 4)
    plain = K.growing_disks(seed, mask, limits, False)
    oriented = K.growing_disks(seed, mask, limits, False, orientation_step=4)
    # at step 4, (6, 5) is offered a by its east neighbour (squared distance 9) and b by its south
    # one (8): 3 and 2.83 agree once rounded up to half pixels, so the east offer wins on
    # orientation and (6, 4) carries a at step 6
    # and (6, 3), 20 from b but 25 from a, stays out
    changed = np.zeros((13, 13), bool)
    changed[6, 3] = True
    np.testing.assert_array_equal(plain ^ oriented, changed)
    assert plain[6, 3]


def test_loop_bridge_growth_orientation_priority_needs_distances_equal_to_half_a_pixel():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    # links a = (5, 3), b = (9, 6); obstacles around the corridor (6, 7), (6, 8) east of (6, 6)
    seed, mask = _growth_field(13, [(5, 3), (9, 6)], [(5, 7), (7, 7), (5, 8), (7, 8)])
    plain = K.growing_disks(seed, mask, limits, False)
    oriented = K.growing_disks(seed, mask, limits, False, orientation_step=4)
    # at step 4, (6, 6) is offered a by its west neighbour (squared distance 10) and b by its
    # south one (9): 3.16 and 3 differ once rounded up to half pixels, so the nearest b wins
    # despite the orientation and passes on to (6, 8), 13 from b (26 from a)
    np.testing.assert_array_equal(plain, oriented)
    assert oriented[6, 8]


def test_loop_bridge_growth_keeps_pixels_in_the_shadow_of_an_obstacle_out():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    seed, mask = _growth_field(13, [(6, 7)], [(4, 8)])  # an obstacle at offset (-2, 1) from the link
    plain = K.growing_disks(seed, mask, limits, False)
    shaded = K.growing_disks(seed, mask, limits, False, shadows=True)
    # (2, 9) at offset (-4, 2) would join at the last step from (3, 9) alone, but the half-way
    # point (-2, 1) of the segment from the link is the obstacle: it stays out
    changed = np.zeros((13, 13), bool)
    changed[2, 9] = True
    np.testing.assert_array_equal(plain ^ shaded, changed)
    assert plain[2, 9]
    # without the obstacle the same pixel joins
    assert K.growing_disks(seed, mask | ~seed, limits, False, shadows=True)[2, 9]


def test_loop_bridge_growth_drops_hidden_offers_of_every_neighbour():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    seed, mask = _growth_field(11, [(5, 6)], [(3, 4)])  # an obstacle at offset (-2, -2) from the link
    plain = K.growing_disks(seed, mask, limits, False)
    shaded = K.growing_disks(seed, mask, limits, False, shadows=True)
    # (2, 3) at offset (-3, -3) is offered the link at the last step by two neighbours, (2, 4)
    # and (3, 3); the obstacle hides it from the link on both offers: it stays out
    changed = np.zeros((11, 11), bool)
    changed[2, 3] = True
    np.testing.assert_array_equal(plain ^ shaded, changed)
    assert plain[2, 3] and shaded[2, 4] and shaded[3, 3]


def test_loop_bridge_growth_does_not_test_a_diagonal_whose_first_step_is_blocked():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    seed, mask = _growth_field(11, [(2, 2)], [(4, 4)])  # an obstacle at offset (2, 2) from the link
    # (5, 5), at (3, 3), is offered the link by (4, 5) and (5, 4); the obstacle on the diagonal
    # hides it from both
    assert not K.growing_disks(seed, mask, limits, False, shadows=True)[5, 5]
    # with the link's east neighbour (2, 3) an obstacle too, the diagonal seen across the step
    # from (4, 5) (same column) starts with a blocked step: it is not tested and (5, 5) joins
    mask[2, 3] = False
    assert K.growing_disks(seed, mask, limits, False, shadows=True)[5, 5]


def test_loop_bridge_growth_keeps_late_diagonal_pixels_out():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    # obstacles around (6, 6), offset (1, 1) from the link
    seed, mask = _growth_field(11, [(5, 5)], [(5, 6), (6, 5), (6, 7)])
    plain = K.growing_disks(seed, mask, limits, False, orientation_step=4, shadows=True)
    timed = K.growing_disks(seed, mask, limits, False, orientation_step=4, shadows=True, diagonal_deadline=True)
    # the growth goes round the obstacles: (7, 6) joins at step 5, then (6, 6) and (7, 7), on
    # diagonals of the link (offsets (1, 1) and (2, 2)), are offered the link at step 6 by (7, 6)
    # alone, later than steps 3 and 5: they stay out
    changed = np.zeros((11, 11), bool)
    changed[6, 6] = changed[7, 7] = True
    np.testing.assert_array_equal(plain ^ timed, changed)
    assert plain[6, 6] and plain[7, 7]


def test_loop_bridge_growth_lets_a_stale_offer_give_way():
    from ecnet_lab.mspa import _kernels as K

    limits = K.growth_limits(5)
    seed, mask = _growth_field(11, [(4, 2), (5, 2)], [(5, 4)])  # links a, b; an obstacle at (0, 2) from b
    rules = {"orientation_step": 4, "shadows": True, "diagonal_deadline": True}
    plain = K.growing_disks(seed, mask, limits, False, **rules)
    yielding = K.growing_disks(seed, mask, limits, False, stale_step=5, **rules)
    # (5, 5), at (0, 3) from b (squared distance 9) behind the obstacle, is reached at step 5
    # instead of 4: b's offer is stale, so it takes a's (10, from (4, 5)); (5, 6) then joins at the
    # last step from a, which sees it, while b, at (0, 4), has the obstacle in the way
    changed = np.zeros((11, 11), bool)
    changed[5, 6] = True
    np.testing.assert_array_equal(plain ^ yielding, changed)
    assert yielding[5, 6]


def test_connectivity_four_separates_diagonal_patches():
    a = np.zeros((16, 16))
    a[1:7, 1:7] = 1
    a[7, 7] = 1  # touches the block only diagonally
    out8 = mspa(as_da(a), connectivity=8).values
    out4 = mspa(as_da(a), connectivity=4).values
    assert out4[7, 7] == 9  # a 4-connected islet of its own
    assert out8[7, 7] == 1  # an 8-connected dead end (branch)


def test_missing_pixels_stay_missing_and_do_not_erode_core():
    a = np.zeros((12, 16))
    a[2:10, 2:14] = 1
    a[2:10, 7:9] = np.nan  # a strip of missing data across the block
    out = mspa(as_da(a)).values
    assert (out[np.isnan(a)] == 129).all()
    # core runs right up to the missing strip (missing is not background)
    assert out[5, 6] == 17 and out[5, 9] == 17


def test_missing_mask_argument_is_combined_with_nan():
    a = pattern(BRANCH)
    mask = np.zeros(a.shape, bool)
    mask[0, :] = True
    out = mspa(as_da(a), missing=mask).values
    assert (out[0] == 129).all()


# ---------------------------------------------------------------- API contract
def test_output_keeps_grid_crs_attrs_and_documents_codes():
    da = as_da(pattern(LOOP)).rio.write_crs("EPSG:32650")
    before = da.copy(deep=True)
    out = mspa(da, edge_width=1)
    assert out.dtype == np.uint8 and out.name == "mspa"
    assert out.dims == da.dims and out.shape == da.shape
    np.testing.assert_array_equal(out.x, da.x)
    np.testing.assert_array_equal(out.y, da.y)
    assert out.rio.crs.to_epsg() == 32650
    assert out.attrs["source"] == "test" and out.attrs["units"] == "1" and "long_name" in out.attrs
    meanings = out.attrs["flag_meanings"].split()
    assert len(meanings) == len(out.attrs["flag_values"]) == len(FLAG_MEANINGS)
    assert dict(zip(out.attrs["flag_values"].tolist(), meanings, strict=True))[67] == "loop_in_edge"
    assert out.attrs["mspa_edge_width"] == 1 and out.attrs["mspa_connectivity"] == 8
    xr.testing.assert_identical(da, before)  # the caller's data are not modified


def test_boolean_and_integer_inputs_give_the_same_result():
    a = pattern(BRIDGE)
    ref = mspa(as_da(a)).values
    np.testing.assert_array_equal(mspa(as_da(a.astype(bool))).values, ref)
    np.testing.assert_array_equal(mspa(as_da(a.astype(np.uint8))).values, ref)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"edge_width": 0}, "edge_width"),
        ({"edge_width": -2}, "edge_width"),
        ({"edge_width": 1.5}, "edge_width"),
        ({"edge_width": 2.0}, "edge_width"),
        ({"edge_width": True}, "edge_width"),
        ({"connectivity": 6}, "connectivity"),
        ({"connectivity": "8"}, "connectivity"),
        ({"transition": "yes"}, "transition"),
    ],
)
def test_bad_parameters_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mspa(as_da(pattern(BRIDGE)), **kwargs)


def test_non_binary_values_raise():
    a = pattern(BRIDGE)
    a[3, 3] = 2
    with pytest.raises(ValueError, match="binary"):
        mspa(as_da(a))


def test_all_background_all_foreground_and_tiny_maps_raise():
    with pytest.raises(ValueError, match="no foreground"):
        mspa(as_da(np.zeros((12, 12))))
    with pytest.raises(ValueError, match="no background"):
        mspa(as_da(np.ones((12, 12))))
    only_fg_and_missing = np.ones((12, 12))
    only_fg_and_missing[0] = np.nan
    with pytest.raises(ValueError, match="no background"):
        mspa(as_da(only_fg_and_missing))
    small = np.zeros((9, 20))
    small[3:6, 3:6] = 1
    with pytest.raises(ValueError, match="10 x 10"):
        mspa(as_da(small))


def test_input_must_be_a_2d_dataarray():
    with pytest.raises(TypeError, match="DataArray"):
        mspa(pattern(BRIDGE))
    cube = xr.DataArray(np.zeros((2, 12, 12)), dims=("band", "y", "x"))
    with pytest.raises(ValueError, match="2-D"):
        mspa(cube)


# ---------------------------------------------------------------- statistics
def test_stats_table_layout_and_values():
    out = mspa(as_da(pattern(LOOP)))
    df = mspa_stats(out)
    assert list(df.index[:7]) == list(AGGREGATED)
    assert list(df.columns) == ["pixels", "area_km2", "share_of_foreground_pct", "share_of_study_area_pct"]
    codes = grid(LOOP)
    # transitions count as edge, as GTB counts them
    assert df.loc["Edge", "pixels"] == (codes == 3).sum() + (codes == 67).sum() == 24
    assert df.loc["Loop", "pixels"] == (codes == 65).sum() == 11
    assert df.loc["Core", "pixels"] == 21 and df.loc["Branch", "pixels"] == 2
    fg = int(df.loc[list(AGGREGATED), "pixels"].sum())
    assert fg == int((pattern(LOOP) == 1).sum())
    np.testing.assert_allclose(df.loc["Core", "area_km2"], 21 * 0.0009)
    np.testing.assert_allclose(df.loc[list(AGGREGATED), "share_of_foreground_pct"].sum(), 100.0)
    np.testing.assert_allclose(df.loc["Core", "share_of_study_area_pct"], 100.0 * 21 / codes.size)
    assert df.attrs["porosity_pct"] == 0.0  # the loop encloses background, not core


def test_porosity_with_and_without_intext():
    a = np.zeros((14, 14))
    a[2:12, 2:12] = 1
    a[6:8, 6:8] = 0
    for intext in (True, False):
        df = mspa_stats(mspa(as_da(a), intext=intext))
        # GTB: core-openings / (core + edge + perforation + core-openings)
        assert df.attrs["porosity_pct"] == pytest.approx(100.0 * 4 / 100)
        assert df.loc["Perforation", "pixels"] == 12


def test_stats_rejects_non_mspa_codes():
    with pytest.raises(ValueError, match="not MSPA codes"):
        mspa_stats(as_da(np.full((12, 12), 7, np.uint8)))


# ---------------------------------------------------------------- helpers
def test_foreground_from_classes_with_nodata():
    lulc = as_da(np.array([[1, 2, 3, 0], [6, 1, 5, 2]] * 6))
    lulc.attrs["_FillValue"] = 0
    fg = foreground_from_classes(lulc, [1, 6])
    assert fg.dtype == np.float32 and fg.shape == lulc.shape
    assert np.isnan(fg.values[0, 3])
    np.testing.assert_array_equal(fg.values[1], [1, 1, 0, 0])
    np.testing.assert_array_equal(fg.x, lulc.x)
    with pytest.raises(ValueError, match="at least one"):
        foreground_from_classes(lulc, [])


def test_foreground_from_classes_feeds_mspa():
    codes = np.full((12, 12), 5)
    codes[2:10, 2:10] = 1
    codes[0, :] = 255
    fg = foreground_from_classes(as_da(codes), [1, 2], missing=[255])
    out = mspa(fg)
    assert (out.values[0] == 129).all() and out.values[5, 5] == 17


@pytest.mark.parametrize(("metres", "pixels"), [(30, 1), (44, 1), (45, 2), (90, 3), (10, 1), (0, 1)])
def test_edge_width_from_metres(metres, pixels):
    assert edge_width_from_metres(metres, as_da(np.zeros((3, 3)))) == pixels


def test_edge_width_from_metres_uses_the_grid_resolution():
    assert edge_width_from_metres(100, as_da(np.zeros((3, 3)), res=10.0)) == 10
    with pytest.raises((ValueError, TypeError)):
        edge_width_from_metres(-5, as_da(np.zeros((3, 3))))


def test_stats_returns_dataframe_with_units_in_column_names():
    df = mspa_stats(mspa(as_da(pattern(BRIDGE))))
    assert isinstance(df, pd.DataFrame) and "area_km2" in df.columns
    assert df.loc["Bridge", "pixels"] == 6 and df.loc["Edge", "pixels"] == 32  # 30 edge + 2 transitions
