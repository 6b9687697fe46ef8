"""Tests of ecnet_lab.linkage.barrier: hand-computed improvement scores, combination rules, polygons."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from ecnet_lab.costdistance import cost_distance
from ecnet_lab.linkage import barrier_polygons, barriers, linkage_pathways
from ecnet_lab.linkage._raster import disc_filter
from ecnet_lab.linkage.barrier import radii_from_range


def grid(values, cell=10.0):
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": (np.arange(rows)[::-1] + 0.5) * cell, "x": (np.arange(cols) + 0.5) * cell},
    )
    return da.rio.write_crs("EPSG:32650")


@pytest.fixture(scope="module")
def wall():
    """Two full-height cores (cols 0-1 and 19-20) and a one-cell wall of resistance 100 at col 10."""
    res = np.ones((7, 21))
    res[:, 10] = 100.0
    r = grid(res)
    lab = np.zeros(r.shape, dtype="int32")
    lab[:, 0:2] = 1
    lab[:, 19:21] = 2
    lab = r.copy(data=lab)
    lp = linkage_pathways(r, lab, width=2000.0, progress=False)
    return r, lab, lp


def test_lcd_by_hand(wall):
    _, _, lp = wall
    # 8 steps of 10 to col 9, 2 x 10 * (1 + 100) / 2 across the wall, 8 steps of 10 to col 19
    assert lp.corridors.lcd.iloc[0] == pytest.approx(80 + 1010 + 80)


def test_improvement_score_by_hand(wall):
    _, _, lp = wall
    res = barriers(lp, radii=[20.0, 30.0], progress=False)
    lcd = 1170.0
    # radius 20 m centred on the wall at (3, 10): min CWD_a at (3, 8) = 70, min CWD_b at (3, 12) = 70
    # LCD' = 70 + 70 + 2 * 20 * 1 = 180 ; ΔLCD = 990
    a20 = res.by_radius["absolute"].sel(radius_m=20.0).values
    assert a20[3, 10] == pytest.approx(990.0)
    assert res.by_radius["per_unit"].sel(radius_m=20.0).values[3, 10] == pytest.approx(990.0 / 40.0)
    assert res.by_radius["percent"].sel(radius_m=20.0).values[3, 10] == pytest.approx(100 * 990.0 / lcd)
    # radius 30 m: 60 + 60 + 60 = 180 ; ΔLCD = 990 ; per unit 990 / 60
    assert res.by_radius["absolute"].sel(radius_m=30.0).values[3, 10] == pytest.approx(990.0)
    assert res.by_radius["per_unit"].sel(radius_m=30.0).values[3, 10] == pytest.approx(16.5)
    # combined by maximum over radii; the best radius by per-unit score is 20 m
    assert res.per_unit.values[3, 10] == pytest.approx(24.75)
    assert res.absolute.values[3, 10] == pytest.approx(990.0)
    assert res.best_radius_m.values[3, 10] == 20.0
    # radius 20 centred at (3, 8): window reaches the wall only at (3, 10):
    # min CWD_a at (3, 6) = 50, min CWD_b at (3, 10) = 80 + 505 = 585 -> ΔLCD = 1170 - 675 = 495
    assert a20[3, 8] == pytest.approx(495.0)
    # far from the wall no improvement
    assert a20[3, 4] == 0.0 and a20[3, 16] == 0.0
    table = res.corridor_scores.iloc[0]
    assert table.max_improvement == pytest.approx(990.0) and table.best_radius_m == 20.0


def test_score_matches_brute_force_restoration(wall):
    r, lab, lp = wall
    res = barriers(lp, radii=[20.0], progress=False)
    yy, xx = np.mgrid[0 : r.shape[0], 0 : r.shape[1]]
    for row, col, exact in [(3, 10, True), (1, 9, True), (5, 11, True), (3, 8, False), (3, 12, False)]:
        restored = r.values.copy()
        restored[(yy - row) ** 2 + (xx - col) ** 2 <= 4] = 1.0
        cwd = cost_distance(r.copy(data=restored), lab.where(lab == 1, 0)).values
        true_gain = 1170.0 - cwd[lab.values == 2].min()
        assert true_gain == pytest.approx(990.0)  # any window touching the wall opens it here
        if exact:
            # the window spans the wall: entering and leaving cells lie on the straight path
            assert res.absolute.values[row, col] == pytest.approx(true_gain)
        else:
            # the estimate uses the CWDs before restoration: a window that only clips the wall
            # is scored conservatively (Barrier Mapper's approximation)
            assert 0 < res.absolute.values[row, col] < true_gain


def test_sum_and_max_over_corridors():
    # source 2 in the middle, walls on both sides: corridors 1-2 and 2-3 do not share windows,
    # a third source below makes two corridors pass the same wall
    res = np.ones((15, 21))
    res[:, 10] = 100.0
    r = grid(res)
    lab = np.zeros(r.shape, dtype="int32")
    lab[2:5, 0:2] = 1
    lab[10:13, 0:2] = 3
    lab[5:10, 19:21] = 2
    lab = r.copy(data=lab)
    lp = linkage_pathways(r, lab, adjacency_method="all", drop_through_cores=False, progress=False)
    pairs = set(zip(lp.corridors.from_id, lp.corridors.to_id, strict=False))
    assert {(1, 2), (2, 3)} <= pairs
    mx = barriers(lp, radii=[20.0], pair_combine="max", progress=False)
    sm = barriers(lp, radii=[20.0], pair_combine="sum", progress=False)
    per_link = []
    for a, b, lcd in zip(lp.corridors.from_id, lp.corridors.to_id, lp.corridors.lcd, strict=True):
        dA = disc_filter(lp.costs.cwd_array(a), 20.0, 10.0, 10.0)
        dB = disc_filter(lp.costs.cwd_array(b), 20.0, 10.0, 10.0)
        per_link.append(np.clip(lcd - dA - dB - 40.0, 0, None))
    np.testing.assert_allclose(mx.absolute.values, np.max(per_link, axis=0))
    np.testing.assert_allclose(sm.absolute.values, np.sum(per_link, axis=0))
    rs = barriers(lp, radii=[20.0, 30.0], radius_combine="sum", progress=False)
    np.testing.assert_allclose(rs.per_unit.values, rs.by_radius["per_unit"].sum("radius_m").values)


def test_restored_resistance_and_threshold(wall):
    _, _, lp = wall
    res = barriers(lp, radii=[20.0], restored_resistance=2.0, progress=False)
    assert res.absolute.values[3, 10] == pytest.approx(1170 - (70 + 70 + 80))
    thr = barriers(lp, radii=[20.0], cwd_threshold=65.0, progress=False)
    # only CWD < 65 counts: the window at (3, 10) has no such cell from either core -> no score
    assert thr.absolute.values[3, 10] == 0.0


def test_disc_filter_matches_brute_force():
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 100, (23, 31))
    for radius, dx, dy in [(25.0, 10.0, 10.0), (31.0, 10.0, 10.0), (40.0, 10.0, 20.0)]:
        got = disc_filter(a, radius, dx, dy)
        ref = np.empty_like(a)
        yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                m = ((yy - i) * dy) ** 2 + ((xx - j) * dx) ** 2 <= radius**2
                ref[i, j] = a[m].min()
        np.testing.assert_allclose(got, ref)
        np.testing.assert_allclose(disc_filter(-a, radius, dx, dy, how="max"), -ref)


def test_barrier_polygons_lie_in_corridors(wall):
    _, _, lp = wall
    res = barriers(lp, radii=[20.0, 30.0], progress=False)
    gdf = barrier_polygons(res, lp.corridor_id, score="absolute", rule="threshold", threshold=900.0)
    assert len(gdf) == 1
    row = gdf.iloc[0]
    assert row.max_improvement == pytest.approx(990.0)
    assert row.corridor_id == 1
    assert row.area_km2 == pytest.approx(row.n_cells * 100 / 1e6)
    assert gdf.geometry.iloc[0].area == pytest.approx(row.area_km2 * 1e6)
    # the wall column is inside the polygon
    assert gdf.geometry.iloc[0].contains(__import__("shapely").geometry.Point(105.0, 35.0))
    q = barrier_polygons(res, lp.corridor_id, rule="quantile", q=0.9)
    assert len(q) >= 1 and q.attrs["threshold"] > 0
    corridor_cells = lp.corridor_id.values > 0
    union = q.union_all()
    xs, ys = np.meshgrid(lp.corridor_id.x.values, lp.corridor_id.y.values)
    import shapely

    inside = shapely.contains_xy(union, xs, ys)
    assert not (inside & ~corridor_cells).any()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"radii": [30.0, 20.0]}, "not strictly increasing"),
        ({"radii": [20.0, 20.0]}, "not strictly increasing"),
        ({"min_radius_m": 60.0, "max_radius_m": 30.0, "step_m": 10.0}, "not increasing"),
        ({"min_radius_m": 30.0, "max_radius_m": 60.0, "step_m": 0.0}, "step_m"),
        ({"radii": [5.0]}, "below the cell size"),
        ({"radii": [-20.0]}, "radii"),
        ({"radii": [20.0], "pair_combine": "mean"}, "pair_combine"),
        ({"radii": [20.0], "restored_resistance": 0.0}, "restored_resistance"),
        ({}, "radii"),
    ],
)
def test_bad_input(wall, kwargs, match):
    _, _, lp = wall
    with pytest.raises(ValueError, match=match):
        barriers(lp, progress=False, **kwargs)


def test_radii_from_range():
    assert radii_from_range(30, 90, 30) == [30.0, 60.0, 90.0]
    assert radii_from_range(30) == [30.0]
    assert radii_from_range(30, 100, 30) == [30.0, 60.0, 90.0]
