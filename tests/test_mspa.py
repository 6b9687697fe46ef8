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


def test_connector_threshold_admits_the_published_squared_lengths():
    from ecnet_lab.mspa import _kernels as K

    # (sigma - 1) sqrt 2 with sigma = (s + 0.98) / sqrt 2, in single precision
    assert K.connector_threshold(5) == np.float32(4.5657864)
    admitted = [max(q for q in range(100) if np.float32(np.sqrt(q)) <= K.connector_threshold(s)) for s in range(1, 8)]
    assert admitted == [0, 2, 6, 12, 20, 30, 43]


def test_connector_distance_in_an_open_body_is_the_euclidean_distance():
    from ecnet_lab.mspa import _kernels as K

    body = np.ones((13, 15), bool)
    seed = np.zeros_like(body)
    seed[4, 6] = True
    body_before = body.copy()
    d = K.connector_distance(seed, body)
    yy, xx = np.indices(body.shape)
    np.testing.assert_array_equal(d, np.hypot(yy - 4, xx - 6).astype(np.float32))
    np.testing.assert_array_equal(body, body_before)


def test_connector_distance_traces_the_line_of_sight_from_the_base_rounding_halves_away():
    from ecnet_lab.mspa import _kernels as K

    # the pixel at (1, 2) from a seed: its line from the seed runs through (1, 1) (the half-way
    # row rounded away from the seed), not (0, 1)
    def turned(a, k, flip):
        return np.rot90(a[:, ::-1] if flip else a, k).copy()

    for blocked, expected in (((1, 1), 3.0), ((0, 1), np.float32(np.sqrt(5)))):
        body = np.ones((7, 7), bool)
        body[3 + blocked[0], 3 + blocked[1]] = False
        seed = np.zeros_like(body)
        seed[3, 3] = True
        target = np.zeros_like(body)
        target[4, 5] = True
        for k in range(4):
            for flip in (False, True):
                d = K.connector_distance(turned(seed, k, flip), turned(body, k, flip))
                # hidden, the pixel takes its neighbour (0, 2) as base: 2 + 1
                assert d[turned(target, k, flip)][0] == expected


def test_connector_distance_turns_round_obstacles_at_new_bases():
    from ecnet_lab.mspa import _kernels as K

    body = np.ones((11, 11), bool)
    seed = np.zeros_like(body)
    seed[5, 1] = True
    body[5, 3] = False  # an obstacle two pixels straight ahead of the seed
    d = K.connector_distance(seed, body)
    assert d[5, 3] == np.inf
    # (5, 4) behind it is hidden from the seed: its neighbour (4, 4) (or (6, 4)) becomes its base
    assert d[5, 4] == np.float32(1 + np.sqrt(10))
    # (5, 5) inherits that base, which sees it: sqrt 10 + sqrt 2, nearer than over (4, 5) + 1
    assert d[5, 5] == np.float32(np.float32(np.sqrt(10)) + np.sqrt(2))
    # (4, 6) at (-1, 5): its line from the seed runs through (5, 3), so (4, 5) is its base
    assert d[4, 6] == np.float32(np.float32(np.sqrt(17)) + 1)
    # pixels seen from the seed keep their straight distance
    assert d[3, 5] == np.float32(np.sqrt(20))


def test_connector_distance_leaves_pixels_not_connected_to_a_seed_at_infinity():
    from ecnet_lab.mspa import _kernels as K

    body = np.ones((6, 9), bool)
    body[:, 4] = False
    seed = np.zeros_like(body)
    seed[2, 1] = True
    d = K.connector_distance(seed, body)
    assert np.isinf(d[:, 4:]).all() and np.isfinite(d[:, :4]).all()
    # the growth is 4-connected: a pixel touching the seed's side only by a corner is not reached
    body = np.zeros((5, 5), bool)
    body[1, 1] = body[2, 2] = True
    seed = np.zeros_like(body)
    seed[1, 1] = True
    assert np.isinf(K.connector_distance(seed, body)[2, 2])


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
