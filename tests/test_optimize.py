"""Tests of ecnet_lab.optimize: each rule on constructed maps, then the Shenzhen chain end to end.

Expected values are written from the construction (coordinates of crossings, spacing positions,
hand-computed dPC); the end-to-end test runs MSPA -> sources -> Shenzhen resistance -> corridors ->
optimization on a small synthetic ``shenzhen`` city and checks the direction of the changes.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from shapely.geometry import LineString, Point, box

from ecnet_lab.optimize import (
    METRICS,
    Scenario,
    add_sources,
    apply_breakpoints,
    apply_stepping_stones,
    compare,
    ecological_breakpoints,
    evaluate,
    optimize_network,
    stepping_stones,
)
from ecnet_lab.sources import select

CELL = 30.0
CRS = "EPSG:32650"


def grid(values: np.ndarray, crs: str | None = CRS) -> xr.DataArray:
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 3.0e6 - CELL * (np.arange(ny) + 0.5), "x": 5.0e5 + CELL * (np.arange(nx) + 0.5)},
    )
    return da.rio.write_crs(crs) if crs else da


def lines(*coords, ids=None, crs=None) -> gpd.GeoDataFrame:
    ids = list(range(1, len(coords) + 1)) if ids is None else ids
    return gpd.GeoDataFrame({"corridor_id": ids}, geometry=[LineString(c) for c in coords], crs=crs)


# ----------------------------------------------------------------------------------------------
# add_sources
# ----------------------------------------------------------------------------------------------
def core_map() -> np.ndarray:
    """A (30x30 cells, the baseline source), B small and near A, C largest candidate but far, D far."""
    m = np.zeros((100, 100), bool)
    m[10:40, 5:35] = True  # A: 0.81 km2
    m[20:26, 40:46] = True  # B: 0.0324 km2, 5 empty columns (150 m) from A
    m[80:90, 80:90] = True  # C: 0.09 km2
    m[80:88, 5:13] = True  # D: 0.0576 km2, 40 empty rows (1200 m) below A
    return m


def rect_gap(r1, r2) -> float:
    """Edge-to-edge distance (m) between two cell rectangles (row0, row1, col0, col1), ends exclusive."""
    dr = max(r2[0] - r1[1], r1[0] - r2[1], 0)
    dc = max(r2[2] - r1[3], r1[2] - r2[3], 0)
    return CELL * float(np.hypot(dr, dc))


def pc_numerator(areas: np.ndarray, dist: np.ndarray, k: float) -> float:
    """sum_ij a_i a_j p*_ij with p*_ij the maximum-product path probability (Floyd-Warshall on -log p)."""
    w = k * dist.copy()
    n = len(areas)
    for m in range(n):
        w = np.minimum(w, w[:, [m]] + w[[m], :])
    return float(areas @ np.exp(-w) @ areas)


@pytest.fixture
def baseline_selection():
    da = grid(core_map())
    return select(da, min_core_area_km2=0.5, aggregation_distance_m=0.0, distance_m=300.0, probability=0.5)


def test_add_sources_ranks_by_hand_computed_dpc(baseline_selection):
    sel = baseline_selection
    assert len(sel.sources) == 1
    out = add_sources(sel, 2, rule="dpc", min_area_km2=0.01)
    rects = {"A": (10, 40, 5, 35), "B": (20, 26, 40, 46), "C": (80, 90, 80, 90), "D": (80, 88, 5, 13)}
    areas = {"A": 0.81, "B": 0.0324, "C": 0.09, "D": 0.0576}
    names = list(rects)
    dist = np.array([[rect_gap(rects[a], rects[b]) for b in names] for a in names])
    a = np.array([areas[n] for n in names])
    k = np.log(2) / 300.0
    total = pc_numerator(a, dist, k)
    expected = {}
    for i, n in enumerate(names[1:], start=1):
        keep = [j for j in range(4) if j != i]
        expected[n] = 100 * (total - pc_numerator(a[keep], dist[np.ix_(keep, keep)], k)) / total
    cand = out.candidates.set_index(out.candidates["area_km2"].round(4))
    for n in ("B", "C", "D"):
        assert cand.loc[round(areas[n], 4), "dPC"] == pytest.approx(expected[n], rel=1e-9)
    # B is small but next to A: highest dPC; then the larger of C and D by dPC
    order = sorted(("B", "C", "D"), key=lambda n: -expected[n])
    assert order[0] == "B"
    np.testing.assert_allclose(out.added["area_km2"], [areas[order[0]], areas[order[1]]], rtol=1e-9)
    assert out.added["source_id"].tolist() == [2, 3]
    assert out.sources["origin"].tolist() == ["baseline", "added", "added"]
    # the label raster: A keeps id 1, B becomes 2
    lab = out.labels.values
    assert (lab[10:40, 5:35] == 1).all() and (lab[20:26, 40:46] == 2).all()
    assert set(np.unique(lab)) == {0, 1, 2, 3}


def test_add_sources_area_rule_and_distance_rule(baseline_selection):
    out = add_sources(baseline_selection, 1, rule="area", min_area_km2=0.01)
    assert out.added["area_km2"].tolist() == [pytest.approx(0.09)]  # C, the largest
    near = add_sources(baseline_selection, 2, rule="dpc", min_area_km2=0.01, min_distance_m=200.0)
    cand = near.candidates.set_index(near.candidates["area_km2"].round(4))
    assert not cand.loc[0.0324, "eligible"]  # B is 150 m from A
    assert cand.loc[0.0324, "nearest_source_m"] == pytest.approx(150.0)
    assert sorted(near.added["area_km2"].round(4)) == [0.0576, 0.09]  # C and D only
    small = add_sources(baseline_selection, 2, min_area_km2=0.05)
    assert sorted(small.added["area_km2"].round(4)) == [0.0576, 0.09]  # B (0.0324 km2) filtered out


def test_add_sources_aggregates_nearby_candidates():
    m = core_map()
    m[80:88, 15:20] = True  # E: 1 empty column (30 m) right of D
    sel = select(grid(m), min_core_area_km2=0.5, aggregation_distance_m=0.0, distance_m=300.0)
    out = add_sources(sel, 3, min_area_km2=0.01, aggregation_distance_m=60.0, min_distance_m=0.0)
    assert len(out.candidates) == 3  # B, C, D+E
    assert sorted(out.candidates["area_km2"].round(4)) == [0.0324, 0.09, round(0.0576 + 40 * 900 / 1e6, 4)]


def test_add_sources_keeps_inputs_and_is_deterministic(baseline_selection):
    sel = baseline_selection
    labels = sel.labels.values.copy()
    sources = sel.sources.copy()
    a = add_sources(sel, 2, min_area_km2=0.01)
    b = add_sources(sel, 2, min_area_km2=0.01)
    np.testing.assert_array_equal(sel.labels.values, labels)
    pd.testing.assert_frame_equal(sel.sources, sources)
    np.testing.assert_array_equal(a.labels.values, b.labels.values)
    pd.testing.assert_frame_equal(a.added, b.added)
    assert a.labels.rio.crs == sel.labels.rio.crs
    none = add_sources(sel, 0, min_area_km2=0.01)
    assert len(none.added) == 0 and len(none.sources) == 1
    np.testing.assert_array_equal(none.labels.values, labels)


def test_add_sources_warns_when_short(baseline_selection):
    with pytest.warns(UserWarning, match="only 3"):
        out = add_sources(baseline_selection, 10, min_area_km2=0.01)
    assert len(out.added) == 3


def test_add_sources_bad_input(baseline_selection):
    sel = baseline_selection
    with pytest.raises(ValueError, match="n=-1"):
        add_sources(sel, -1)
    with pytest.raises(ValueError, match="rule='best'"):
        add_sources(sel, 1, rule="best")
    with pytest.raises(ValueError, match="min_area_km2"):
        add_sources(sel, 1, min_area_km2=-1.0)
    with pytest.raises(ValueError, match="min_distance_m"):
        add_sources(sel, 1, min_distance_m=-5.0)
    with pytest.raises(TypeError, match="SourceSelection"):
        add_sources(sel.sources, 1)
    res = grid(np.ones(core_map().shape))
    cost_sel = select(grid(core_map()), min_core_area_km2=0.5, aggregation_distance_m=0.0, resistance=res)
    with pytest.raises(ValueError, match="resistance is needed"):
        add_sources(cost_sel, 1)
    out = add_sources(cost_sel, 1, min_area_km2=0.01, resistance=res)
    assert len(out.added) == 1


# ----------------------------------------------------------------------------------------------
# stepping stones
# ----------------------------------------------------------------------------------------------
def test_spacing_on_a_long_straight_corridor():
    st = stepping_stones(lines([(0, 0), (12000, 0)]), max_spacing_m=5000.0)
    assert st["rule"].tolist() == ["spacing", "spacing"]  # ceil(12000 / 5000) - 1 = 2 stones
    assert st["x"].tolist() == [4000.0, 8000.0] and st["y"].tolist() == [0.0, 0.0]
    assert st["distance_along_m"].tolist() == [4000.0, 8000.0]
    assert st["corridor_id"].tolist() == [1, 1] and st["corridor_ids"].tolist() == ["1", "1"]
    assert st.attrs["radius_m"] == 150.0
    exact = stepping_stones(lines([(0, 0), (10000, 0)]), max_spacing_m=5000.0)
    assert exact["x"].tolist() == [5000.0]
    assert len(stepping_stones(lines([(0, 0), (5000, 0)]), max_spacing_m=5000.0)) == 0
    bent = stepping_stones(lines([(0, 0), (3000, 0), (3000, 3000)]), max_spacing_m=2000.0)
    # length 6000 -> 2 stones at 2000 and 4000 along the line
    assert bent[["x", "y"]].values.tolist() == [[2000.0, 0.0], [3000.0, 1000.0]]


def test_crossing_corridors_give_one_stone_at_the_crossing():
    two = lines([(0, 0), (4000, 0)], [(1500, -2000), (1500, 2000)])
    st = stepping_stones(two, max_spacing_m=None)
    assert len(st) == 1
    row = st.iloc[0]
    assert (row["rule"], row["x"], row["y"]) == ("intersection", 1500.0, 0.0)
    assert row["corridor_ids"] == "1,2" and row["n_corridors"] == 2 and row["corridor_id"] == 1
    assert np.isnan(row["distance_along_m"])
    t_junction = stepping_stones(lines([(0, 0), (4000, 0)], [(2500, 0), (2500, 3000)]), max_spacing_m=None)
    assert t_junction[["x", "y"]].values.tolist() == [[2500.0, 0.0]]
    assert len(stepping_stones(two, at_intersections=False, max_spacing_m=None)) == 0


def test_spacing_counts_the_intersection_stones():
    st = stepping_stones(lines([(0, 0), (12000, 0)], [(3000, -2000), (3000, 2000)]), max_spacing_m=5000.0)
    # stretches 0-3000 (ok) and 3000-12000 (9000 > 5000: one stone in its middle); the 4 km crossing corridor needs none
    assert st[["rule", "x", "y"]].values.tolist() == [["intersection", 3000.0, 0.0], ["spacing", 7500.0, 0.0]]


def test_close_intersections_merge_and_sources_exclude():
    three = lines([(0, 0), (10000, 0)], [(5000, -2000), (5000, 2000)], [(5100, -2000), (5100, 2000)])
    st = stepping_stones(three, max_spacing_m=None, radius_m=150.0)  # merge distance 300 m
    assert st[["x", "y"]].values.tolist() == [[5000.0, 0.0]]
    assert st["corridor_ids"].iloc[0] == "1,2,3"
    apart = stepping_stones(three, max_spacing_m=None, radius_m=40.0)  # merge distance 80 m
    assert apart["x"].tolist() == [5000.0, 5100.0]
    far_source = gpd.GeoDataFrame({"source_id": [1]}, geometry=[box(5150, 100, 6000, 1000)])
    kept = stepping_stones(three, max_spacing_m=None, radius_m=40.0, sources=far_source)
    assert kept["x"].tolist() == [5000.0, 5100.0]  # 111.8 m and 103.1 m from the source: kept
    touching = gpd.GeoDataFrame({"source_id": [1]}, geometry=[box(5120, 20, 6000, 1000)])
    st2 = stepping_stones(three, max_spacing_m=None, radius_m=40.0, sources=touching)
    assert st2["x"].tolist() == [5000.0]  # (5100, 0) is 28.3 m from the source: its disc touches it


def test_max_stones_keeps_the_highest_current():
    corridor = lines([(0.0, 15.0), (6000.0, 15.0)])
    values = np.zeros((2, 201))
    values[:, 133] = 5.0  # high current at x = 4005 m, inside the disc of the stone at 4000 m
    cur = xr.DataArray(values, dims=("y", "x"), coords={"y": [45.0, 15.0], "x": 15.0 + 30.0 * np.arange(201)})
    all_ = stepping_stones(corridor, max_spacing_m=1000.0, radius_m=60.0, current=cur)
    assert len(all_) == 5 and all_["current"].max() == 5.0
    best = stepping_stones(corridor, max_spacing_m=1000.0, radius_m=60.0, current=cur, max_stones=1)
    assert best["x"].tolist() == [4000.0] and best["current"].tolist() == [5.0]
    assert best["stone_id"].tolist() == [1]
    by_count = stepping_stones(corridor, max_spacing_m=1000.0, radius_m=60.0, max_stones=2)
    assert by_count["x"].tolist() == [1000.0, 2000.0]  # equal scores: placement order


def test_stepping_stones_bad_input():
    one = lines([(0, 0), (1000, 0)])
    with pytest.raises(ValueError, match="max_spacing_m"):
        stepping_stones(one, max_spacing_m=0.0)
    with pytest.raises(ValueError, match="radius_m"):
        stepping_stones(one, radius_m=-1.0)
    with pytest.raises(ValueError, match="max_stones"):
        stepping_stones(one, max_stones=-1)
    with pytest.raises(ValueError, match="merge_distance_m"):
        stepping_stones(one, merge_distance_m=0.0)
    with pytest.raises(ValueError, match="corridor_id"):
        stepping_stones(one.rename(columns={"corridor_id": "cid"}))
    with pytest.raises(TypeError, match="GeoDataFrame"):
        stepping_stones(pd.DataFrame({"corridor_id": [1]}))
    with pytest.raises(TypeError, match="at_intersections"):
        stepping_stones(one, at_intersections="yes")


def test_apply_stepping_stones_restores_discs_without_touching_the_input():
    values = np.full((9, 9), 50.0)
    values[0, 0] = np.nan
    values[4, 6] = 5.0
    res = grid(values).rename("resistance").assign_attrs(units="1", long_name="resistance")
    before = res.values.copy()
    x, y = float(res.x[4]), float(res.y[4])
    stone = gpd.GeoDataFrame(geometry=[Point(x, y)], crs=CRS)
    out = apply_stepping_stones(res, stone, radius_m=30.0)  # centre + 4 neighbours
    np.testing.assert_array_equal(res.values, before, strict=True)
    changed = (out.values != res.values) & np.isfinite(res.values)
    assert changed.sum() == 5 and (out.values[changed] == 5.0).all()  # default: lowest resistance (5)
    assert np.isnan(out.values[0, 0]) and out.rio.crs == res.rio.crs and out.attrs["units"] == "1"
    assert "stepping stones" in out.attrs["history"]
    big = apply_stepping_stones(res, stone, radius_m=60.0, restored_resistance=1.0)
    assert int((big.values == 1.0).sum()) == 13  # cells within 2 cells (Euclidean) of the centre
    tiny = apply_stepping_stones(res, stone, radius_m=1.0, restored_resistance=80.0)  # higher: no change
    np.testing.assert_array_equal(tiny.values, before)
    with pytest.raises(ValueError, match="restored_resistance"):
        apply_stepping_stones(res, stone, radius_m=30.0, restored_resistance=0.0)
    with pytest.raises(ValueError, match="Point"):
        apply_stepping_stones(res, lines([(0, 0), (1, 1)]), radius_m=30.0)


# ----------------------------------------------------------------------------------------------
# ecological breakpoints
# ----------------------------------------------------------------------------------------------
def roads_frame(*coords, kinds=None, crs=None) -> gpd.GeoDataFrame:
    kinds = kinds or ["ring"] * len(coords)
    return gpd.GeoDataFrame({"kind": kinds}, geometry=[LineString(c) for c in coords], crs=crs)


def test_corridor_crossing_a_road_twice():
    corridor = lines([(0, 0), (1000, 0), (1000, 1000), (0, 1000)], ids=[4])
    road = roads_frame([(500, -500), (500, 1500)], kinds=["radial"])
    bp = ecological_breakpoints(corridor, road, class_column="kind")
    assert bp[["x", "y"]].values.tolist() == [[500.0, 0.0], [500.0, 1000.0]]
    assert bp["distance_along_m"].tolist() == [500.0, 2500.0]
    assert bp["corridor_id"].tolist() == [4, 4] and bp["road_class"].tolist() == ["radial", "radial"]
    assert bp["breakpoint_id"].tolist() == [1, 2] and bp["n_crossings"].tolist() == [1, 1]
    assert bp["road_layer"].isna().all() and (bp["overlap_m"] == 0).all()


def test_close_crossings_merge_and_overlaps():
    corridor = lines([(0, 0), (1000, 0)])
    wiggle = roads_frame([(90, -5), (110, 5), (130, -5), (150, 5), (150, 200), (600, 200), (600, -200)])
    bp = ecological_breakpoints(corridor, wiggle)
    assert bp[["x", "y"]].values.tolist() == [[120.0, 0.0], [600.0, 0.0]]
    assert bp["n_crossings"].tolist() == [3, 1]
    unmerged = ecological_breakpoints(corridor, wiggle, merge_distance_m=0.0)
    assert unmerged["x"].tolist() == [100.0, 120.0, 140.0, 600.0]
    along = ecological_breakpoints(corridor, roads_frame([(200, 0), (400, 0), (400, 300)]))
    assert along[["x", "y", "overlap_m"]].values.tolist() == [[300.0, 0.0, 200.0]]
    none = ecological_breakpoints(corridor, roads_frame([(0, 50), (1000, 50)]))
    assert len(none) == 0 and "road_class" in none.columns


def test_breakpoints_on_a_road_raster_and_several_layers():
    values = np.zeros((10, 20), dtype=np.uint8)
    values[:, 10] = 2  # a road of class 2 along column 10
    roads = grid(values)
    y5 = float(roads.y[5])
    corridor = lines([(float(roads.x[0]), y5), (float(roads.x[19]), y5)], crs=CRS)
    bp = ecological_breakpoints(corridor, roads)
    assert bp[["x", "y"]].values.tolist() == [[float(roads.x[10]), y5]]
    assert bp["road_class"].tolist() == [2]
    rail = roads_frame([(float(roads.x[3]), y5 - 100), (float(roads.x[3]), y5 + 100)], kinds=["rail"], crs=CRS)
    both = ecological_breakpoints(corridor, {"roads": roads, "railways": rail}, class_column="kind")
    assert both["road_layer"].tolist() == ["railways", "roads"]
    assert both["x"].tolist() == [float(roads.x[3]), float(roads.x[10])]


def test_breakpoints_bad_input():
    corridor = lines([(0, 0), (1000, 0)])
    road = roads_frame([(500, -5), (500, 5)])
    with pytest.raises(ValueError, match="class_column"):
        ecological_breakpoints(corridor, road, class_column="highway")
    with pytest.raises(ValueError, match="merge_distance_m"):
        ecological_breakpoints(corridor, road, merge_distance_m=-1.0)
    with pytest.raises(TypeError, match="roads"):
        ecological_breakpoints(corridor, [LineString([(0, 0), (1, 1)])])
    with pytest.raises(ValueError, match="empty mapping"):
        ecological_breakpoints(corridor, {})
    with pytest.raises(ValueError, match="CRS"):
        ecological_breakpoints(lines([(0, 0), (1000, 0)], crs=CRS), road.set_crs("EPSG:4326"))


def test_apply_breakpoints():
    values = np.full((3, 5), 10.0)
    values[:, 2] = 500.0
    res = grid(values)
    bp = gpd.GeoDataFrame(geometry=[Point(float(res.x[2]), float(res.y[1]))], crs=CRS)
    out = apply_breakpoints(res, bp, radius_m=10.0)
    assert out.values[:, 2].tolist() == [500.0, 10.0, 500.0]
    assert res.values[1, 2] == 500.0
    wide = apply_breakpoints(res, bp, radius_m=30.0, restored_resistance=20.0)
    assert wide.values[:, 2].tolist() == [20.0, 20.0, 20.0]
    with pytest.raises(ValueError, match="radius_m"):
        apply_breakpoints(res, bp, radius_m=0.0)


# ----------------------------------------------------------------------------------------------
# evaluate, compare, scenarios
# ----------------------------------------------------------------------------------------------
def band_landscape():
    """Resistance 10 with a 3-cell band of 200 across the middle; sources on the left and right edges."""
    values = np.full((21, 61), 10.0)
    values[:, 29:32] = 200.0
    res = grid(values).rename("resistance").assign_attrs(units="1", long_name="resistance")
    lab = xr.zeros_like(res, dtype=np.int32)
    lab[:, 0] = 1
    lab[:, 60] = 2
    return res, lab


def test_evaluate_metrics_on_a_band():
    res, lab = band_landscape()
    state = evaluate(res, lab, width=20000.0, barrier_radii_m=(30.0, 60.0), distance_m=1000.0)
    m = state.metrics().set_index("metric")["value"]
    assert m["n_sources"] == 2 and m["n_corridors"] == 1
    assert m["total_length_km"] == pytest.approx(1.8)  # straight, 60 steps of 30 m
    # MCP step cost = mean resistance of the two cells x 30 m: 56 steps of 10, 2 into/out of the band, 2 inside
    assert m["mean_lcd"] == pytest.approx(56 * 300 + 2 * 105 * 30 + 2 * 200 * 30)
    assert m["max_current_A"] > 0 and m["n_pinch_points"] >= 1 and m["n_barriers"] >= 1
    # PC of two equal patches (21 cells) 59 cells apart, by hand
    a = 21 * CELL**2 / 1e6
    p = 0.5 ** (59 * CELL / 1000.0)
    a_l = 21 * 61 * CELL**2 / 1e6
    assert m["PC"] == pytest.approx((2 * a * a + 2 * a * a * p) / a_l**2, rel=1e-9)
    assert m["ECA_km2"] == pytest.approx(np.sqrt(2 * a * a + 2 * a * a * p), rel=1e-9)
    assert m["beta"] == 0.5 and np.isnan(m["alpha"])
    assert list(state.metrics()["metric"]) == [name for _, name, _ in METRICS]


def test_compare_changes_and_errors():
    res, lab = band_landscape()
    a = evaluate(res, lab, name="a", width=20000.0, barrier_radii_m=None)
    b = evaluate(res * 2, lab, name="b", width=20000.0, barrier_radii_m=None)
    t = compare(a, b).set_index(["scenario", "metric"])
    assert t.loc[("b", "mean_lcd"), "relative_change"] == pytest.approx(1.0)
    assert t.loc[("b", "n_corridors"), "change"] == 0.0
    assert t.loc[("a", "mean_lcd"), "change"] == 0.0
    assert compare(a, b, baseline="b").attrs["baseline"] == "b"
    with pytest.raises(ValueError, match="distinct"):
        compare(a, a)
    with pytest.raises(ValueError, match="baseline='c'"):
        compare(a, b, baseline="c")
    with pytest.raises(TypeError, match="NetworkState"):
        compare(a, "b")


def test_spacing_stone_opens_the_band():
    res, lab = band_landscape()
    before = evaluate(res, lab, width=20000.0, barrier_radii_m=None)
    scen = Scenario(
        n_new_sources=0,
        stones_at_intersections=False,
        stone_spacing_m=1000.0,
        stone_radius_m=60.0,
        breakpoints=False,
    )
    out = optimize_network(before, scen)
    assert out.stepping_stones[["x"]].values.tolist() == [[float(res.x[30])]]  # half of 1800 m, in the band
    assert out.after.corridors["lcd"].iloc[0] == pytest.approx(60 * 300.0)  # the band is crossed at resistance 10
    assert before.corridors["lcd"].iloc[0] > out.after.corridors["lcd"].iloc[0]
    np.testing.assert_array_equal(before.resistance.values, res.values)
    table = out.table()
    assert table.loc[("edits", "n_stepping_stones"), "change"] == 1
    assert table.loc[("corridors", "mean_lcd"), "change"] < 0


def test_identity_scenario_changes_nothing():
    res, lab = band_landscape()
    before = evaluate(res, lab, width=20000.0, barrier_radii_m=(30.0,))
    scen = {"n_new_sources": 0, "stones_at_intersections": False, "stone_spacing_m": None, "breakpoints": False}
    out = optimize_network(before, scen)
    changes = out.comparison.loc[out.comparison["scenario"] == "optimized", "change"].to_numpy()
    assert np.all((changes == 0) | np.isnan(changes))


def test_scenario_validation():
    s = Scenario(n_new_sources=3, stone_spacing_m=4000.0, max_stones=5)
    assert Scenario.from_dict(s.to_dict()) == s
    with pytest.raises(ValueError, match="n_new_sources"):
        Scenario(n_new_sources=-1)
    with pytest.raises(ValueError, match="source_rule"):
        Scenario(source_rule="random")
    with pytest.raises(ValueError, match="stone_spacing_m"):
        Scenario(stone_spacing_m=0.0)
    with pytest.raises(ValueError, match="unknown scenario key"):
        Scenario.from_dict({"n_sources": 3})
    with pytest.raises(TypeError, match="breakpoints"):
        Scenario(breakpoints=1)
    res, lab = band_landscape()
    before = evaluate(res, lab, width=20000.0, barrier_radii_m=None)
    with pytest.raises(ValueError, match="selection is needed"):
        optimize_network(before, Scenario(n_new_sources=2, breakpoints=False))
    with pytest.raises(ValueError, match="roads is needed"):
        optimize_network(before, Scenario(n_new_sources=0))
    with pytest.raises(ValueError, match="name"):
        optimize_network(before, Scenario(name="baseline", n_new_sources=0, breakpoints=False))
    with pytest.raises(TypeError, match="NetworkState"):
        optimize_network(res, Scenario())


# ----------------------------------------------------------------------------------------------
# end to end: the Shenzhen chain on a synthetic city
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shenzhen_case():
    from ecnet_lab import mspa, resistance, synth

    size = 300
    ds = synth.city("shenzhen", shape=(size, size), seed=0)
    foreground = mspa.foreground_from_classes(ds["lulc"], [2, 3])  # woodland and water, as in the paper
    classes = mspa.mspa(foreground, edge_width=1, intext=False)
    sel = select(classes, min_core_area_km2=1.0, aggregation_distance_m=0.0, distance_m=2000.0)
    res = resistance.from_preset("shenzhen", ds.assign(mspa=classes))
    roads = synth.city_vectors("shenzhen", shape=(size, size), seed=0)["roads"]
    before = evaluate(res, sel.sources, sel.labels, width=3000.0, barrier_radii_m=(60.0, 120.0), distance_m=2000.0)
    return sel, res, roads, before


FULL = Scenario(
    n_new_sources=4,
    min_source_area_km2=0.03,
    min_source_distance_m=300.0,
    stone_spacing_m=2000.0,
    stone_radius_m=90.0,
    road_class_column="kind",
)


def test_shenzhen_before_after(shenzhen_case):
    sel, res, roads, before = shenzhen_case
    res_values = res.values.copy()
    sources = sel.sources.copy()
    out = optimize_network(before, FULL, selection=sel, roads=roads)
    np.testing.assert_array_equal(res.values, res_values)
    pd.testing.assert_frame_equal(sel.sources, sources)
    table = out.table()
    assert list(table.columns) == ["baseline", "optimized", "change"]
    assert len(table) == len(out.comparison[["group", "metric"]].drop_duplicates())  # one row per metric
    key = ["n_sources", "n_corridors", "total_length_km", "mean_lcd", "n_pinch_points", "max_current_A", "PC"]
    values = table.reset_index().set_index("metric")
    assert values.loc[key, ["baseline", "optimized"]].notna().all().all()
    assert values.loc["n_sources", "change"] == 4 == len(out.addition.added)
    assert values.loc["n_corridors", "optimized"] > values.loc["n_corridors", "baseline"]
    assert values.loc["total_length_km", "change"] > 0
    assert values.loc["max_current_A", "change"] > 0  # the paper: 10.60 -> 20.50 A
    assert values.loc["gamma", "optimized"] >= values.loc["gamma", "baseline"]
    assert values.loc["ECA_km2", "change"] > 0
    assert len(out.stepping_stones) >= 1 and len(out.breakpoints) >= 1
    assert set(out.breakpoints["road_class"]) <= {"radial", "ring"}
    assert set(out.breakpoints["corridor_id"]) <= set(out.planned.corridors["corridor_id"])
    # every stone lies on (within its radius of) a planned corridor and outside the sources
    src_cells = out.after.labels.values > 0
    from ecnet_lab.optimize._raster import cell_index

    rows, cols, inside = cell_index(res, out.stepping_stones["x"], out.stepping_stones["y"])
    assert inside.all() and not src_cells[rows, cols].any()
    # the restored resistance is lower (never higher) than the baseline's
    assert (out.resistance.values <= res.values).all() and (out.resistance.values < res.values).any()


def test_shenzhen_stones_and_crossings_lower_the_corridor_costs(shenzhen_case):
    _sel, _res, roads, before = shenzhen_case
    scen = Scenario(n_new_sources=0, stone_spacing_m=100.0, stone_radius_m=60.0, road_class_column="kind")
    out = optimize_network(before, scen, roads=roads)
    pairs = ["from_id", "to_id"]
    merged = before.corridors.merge(out.after.corridors, on=pairs, suffixes=("_before", "_after"))
    assert len(merged) == len(before.corridors)
    assert (merged["lcd_after"] <= merged["lcd_before"] + 1e-6).all()
    assert (merged["lcd_after"] < merged["lcd_before"]).any()
    assert out.table().loc[("corridors", "mean_lcd"), "change"] < 0


def test_shenzhen_is_deterministic(shenzhen_case):
    sel, _res, roads, before = shenzhen_case
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # e.g. "only k candidates are eligible"
        a = optimize_network(before, FULL, selection=sel, roads=roads)
        b = optimize_network(before, FULL, selection=sel, roads=roads)
    pd.testing.assert_frame_equal(a.comparison, b.comparison)
    pd.testing.assert_frame_equal(a.stepping_stones, b.stepping_stones)
    pd.testing.assert_frame_equal(a.breakpoints, b.breakpoints)


def test_empty_inputs_give_empty_tables():
    empty = gpd.GeoDataFrame({"corridor_id": []}, geometry=[], crs=CRS)
    road = roads_frame([(0, 0), (1, 1)], crs=CRS)
    assert len(stepping_stones(empty)) == 0 and "rule" in stepping_stones(empty).columns
    assert len(ecological_breakpoints(empty, road)) == 0
    res, lab = band_landscape()
    lab = lab.where(lab == 1, 0)  # one source: no corridor
    state = evaluate(res, lab, width=1000.0)
    m = state.metrics().set_index("metric")["value"]
    assert m["n_corridors"] == 0 and m["n_pinch_points"] == 0 and np.isnan(m["max_current_A"])
    out = optimize_network(state, Scenario(n_new_sources=0), roads=road)
    assert len(out.stepping_stones) == 0 and len(out.breakpoints) == 0
