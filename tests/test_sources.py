"""Tests of ecnet_lab.sources.select: each step, the data contract, and the Hong Kong case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import require_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from ecnet_lab import connectivity as C
from ecnet_lab import patches as P
from ecnet_lab.sources import core_mask, select, study_area_km2

CELL = 30.0
SOURCE_COLUMNS = ["source_id", "area_km2", "perimeter_m", "centroid_x", "centroid_y", "dPC", "dPCintra", "dPCflux",
                  "dPCconnector", "dIIC", "importance", "rank"]  # fmt: skip


def grid(values: np.ndarray, crs: str | None = "EPSG:32650") -> xr.DataArray:
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 3.0e6 - CELL * (np.arange(ny) + 0.5), "x": 5.0e5 + CELL * (np.arange(nx) + 0.5)},
    )
    return da.rio.write_crs(crs) if crs else da


def blocks() -> np.ndarray:
    """A (40x40 = 1.44 km²) and B (30x30 = 0.81 km²) 60 m apart; C (20x20) far; D tiny (3x3)."""
    m = np.zeros((120, 150), bool)
    m[5:45, 5:45] = True  # A
    m[5:35, 47:77] = True  # B: 2 empty columns from A
    m[90:110, 120:140] = True  # C
    m[100:103, 10:13] = True  # D
    return m


def test_select_steps_and_values_on_blocks():
    da = grid(blocks())
    before = da.values.copy()
    sel = select(da, min_core_area_km2=0.1, aggregation_distance_m=100.0, distance_m=1000.0, probability=0.5)
    np.testing.assert_array_equal(da.values, before)
    assert sel.steps["n_patches"].tolist() == [4, 3, 2, 2]
    assert len(sel.patches) == 4 and len(sel.filtered) == 3 and len(sel.aggregated) == 2
    # independent two-patch PC: AB (2.25 km²) and C (0.36 km²) at an edge-to-edge distance known by construction
    d = CELL * np.hypot(120 - 76 - 1, 90 - 34 - 1)  # empty columns/rows between B's corner and C
    a1, a2 = 1.44 + 0.81, 0.36
    p = 0.5 ** (d / 1000.0)
    num = a1**2 + a2**2 + 2 * a1 * a2 * p
    expected = [100 * (num - a2**2) / num, 100 * (num - a1**2) / num]
    assert sel.distances.to_numpy()[0, 1] == pytest.approx(d)
    np.testing.assert_allclose(sel.connectivity["dPC"], expected, rtol=1e-12)
    np.testing.assert_allclose(sel.sources["area_km2"], [a1, a2], rtol=1e-12)
    a_l = 120 * 150 * CELL**2 / 1e6
    assert sel.indices["PC"] == pytest.approx(num / a_l**2)
    assert sel.params["landscape_area_km2"] == pytest.approx(a_l)
    # data contract
    for col in SOURCE_COLUMNS:
        assert col in sel.sources.columns, col
    assert sel.sources["source_id"].tolist() == [1, 2]
    assert sel.labels.dtype == np.int32 and sel.labels.name == "source_id"
    assert sel.labels.attrs["units"] == "1" and "long_name" in sel.labels.attrs
    assert sel.labels.rio.crs.to_epsg() == 32650 and sel.sources.crs.to_epsg() == 32650
    counts = np.bincount(sel.labels.values.ravel())[1:]
    np.testing.assert_allclose(sel.sources["area_km2"], counts * CELL**2 / 1e6)
    np.testing.assert_allclose(sel.sources.geometry.area / 1e6, sel.sources["area_km2"])
    assert sel.sources["importance"].tolist() == ["key", "key"]
    assert sel.sources["rank"].tolist() == [1, 2]


def test_dpc_threshold_and_breaks():
    da = grid(blocks())
    kw = dict(min_core_area_km2=0.1, aggregation_distance_m=100.0, distance_m=1000.0)
    full = select(da, **kw)
    small_dpc = float(full.connectivity["dPC"].min())
    sel = select(da, dpc_threshold=small_dpc + 1e-6, **kw)
    assert len(sel.sources) == 1 and int(sel.labels.max()) == 1
    assert sel.connectivity["selected"].tolist() == [True, False]
    assert sel.sources["candidate_id"].tolist() == [1]
    big_dpc = float(full.connectivity["dPC"].max())
    custom = select(da, importance_breaks=(1.0, small_dpc + 1.0, big_dpc - 0.5), **kw)
    assert custom.connectivity["importance"].tolist() == ["key", "general"]


def test_mspa_classes_and_missing_cells():
    core = blocks()
    classes = np.where(core, 17, 3).astype(np.uint8)
    classes[:, :2] = 129  # missing data
    classes[100:103, 10:13] = 117  # internal core counts as core
    da = grid(classes)
    assert core_mask(da).values.sum() == core[:, 2:].sum()
    assert study_area_km2(da) == pytest.approx(120 * 148 * CELL**2 / 1e6)
    sel = select(da, min_core_area_km2=0.0, aggregation_distance_m=0.0, distance_m=500.0)
    assert sel.params["landscape_area_km2"] == pytest.approx(120 * 148 * CELL**2 / 1e6)
    assert len(sel.aggregated) == 4


def test_aggregate_first_lets_near_small_patches_add_up():
    m = np.zeros((30, 40), bool)
    m[5:12, 5:12] = True  # 49 cells = 0.0441 km²
    m[5:12, 14:21] = True  # 60 m away
    m[25:28, 30:33] = True
    da = grid(m)
    kw = dict(min_core_area_km2=0.05, aggregation_distance_m=100.0, distance_m=500.0, dpc_threshold=0.0)
    with pytest.raises(ValueError, match="empty patch set"):
        select(da, **kw)
    sel = select(da, aggregate_first=True, **kw)
    assert len(sel.sources) == 1 and sel.sources["area_km2"].item() == pytest.approx(0.0882)


def test_cost_distance_option_and_closing():
    da = grid(blocks())
    res = grid(np.full(da.shape, 2.0))
    sel = select(da, min_core_area_km2=0.1, aggregation_distance_m=100.0, distance_m=1000.0, resistance=res)
    np.testing.assert_allclose(sel.distances.to_numpy(), P.cost_distances(sel.candidate_labels, res).to_numpy())
    assert sel.params["cost_distance"] is True
    closed = select(da, min_core_area_km2=0.1, aggregation_distance_m=100.0, aggregation_method="closing")
    assert closed.sources["area_km2"].iloc[0] > sel.sources["area_km2"].iloc[0]  # the 60 m gap is filled


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"probability": 1.0}, "probability"),
        ({"probability": 0.0}, "probability"),
        ({"distance_m": 0.0}, "distance_m"),
        ({"distance_m": -10.0}, "distance_m"),
        ({"min_core_area_km2": 100.0}, "empty patch set"),
        ({"landscape_area_km2": 0.5}, "landscape_area_km2"),
        ({"connectivity": 6}, "connectivity"),
        ({"aggregation_method": "dissolve"}, "aggregation_method"),
        ({"aggregation_distance_m": -1.0}, "aggregation_distance_m"),
        ({"importance_breaks": (0.5, 0.1, 1.0)}, "importance_breaks"),
        ({"distance_measure": "hausdorff"}, "distance_measure"),
    ],
)
def test_bad_input(kwargs, match):
    params = dict(min_core_area_km2=0.1, aggregation_distance_m=100.0, distance_m=1000.0)
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        select(grid(blocks()), **params)


# ---------------------------------------------------------------------------------------------
# Hong Kong 2018-2022: woodland + shrubland core
# ---------------------------------------------------------------------------------------------
def _hk_mspa() -> xr.DataArray:
    """Woodland+shrubland MSPA classes of Hong Kong 2018-2022 (8-connectivity, edge width 1)."""
    import rioxarray

    from ecnet_lab.mspa import foreground_from_classes, mspa

    path = require_shared("hk-habitat", "habitat_6class", "HabitatMapHK_6class_2018-2022.tif")
    hab = rioxarray.open_rasterio(path, masked=True).squeeze("band", drop=True)
    return mspa(foreground_from_classes(hab, [1, 2]), connectivity=8, edge_width=1)


@pytest.fixture(scope="module")
def hk_selection():
    mspa = _hk_mspa()
    # Wuhan thresholds on the Hong Kong core: patches > 0.5 km² (50 ha), PC at 5000 m with p = 0.5
    return select(mspa, min_core_area_km2=0.5, aggregation_distance_m=1000.0, distance_m=5000.0, probability=0.5)


@pytest.mark.reference
def test_hong_kong_source_table(hk_selection):
    sel = hk_selection
    assert 5 <= len(sel.sources) <= len(sel.connectivity)
    for col in SOURCE_COLUMNS:
        assert col in sel.sources.columns, col
    assert sel.sources["source_id"].tolist() == list(range(1, len(sel.sources) + 1))
    assert sorted(np.unique(sel.labels.values[sel.labels.values > 0]).tolist()) == sel.sources["source_id"].tolist()
    assert "Hong Kong 1980" in sel.labels.rio.crs.to_wkt() and sel.sources.crs == sel.labels.rio.crs
    # Hong Kong's territory on this map is about 1115 km²; the sources are part of it
    assert 1000 < sel.indices["A_L_km2"] < 1200
    assert 0 < sel.indices["PC"] <= 1 and 0 < sel.indices["IIC"] <= 1
    t = sel.connectivity
    np.testing.assert_allclose(t["dPCintra"] + t["dPCflux"] + t["dPCconnector"], t["dPC"], rtol=1e-12)
    assert (sel.sources["dPC"] > 0.1).all()
    assert set(sel.sources["importance"]) <= {"key", "important", "general"}
    # the biggest source (the country-park belt) ranks first
    assert sel.sources.loc[sel.sources["area_km2"].idxmax(), "rank"] == 1


@pytest.mark.reference
def test_hong_kong_shenzhen_defaults():
    sel = select(_hk_mspa())  # core > 10 km², 1000 m aggregation, dPC > 0.1
    assert len(sel.sources) >= 2
    assert (sel.sources["area_km2"] > 10).all()
    assert sel.sources["importance"].iloc[sel.sources["dPC"].argmax()] == "key"


@pytest.mark.reference
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(1e-9, 1e-6))
def test_hong_kong_ranking_stable_to_tiny_distance_perturbations(hk_selection, seed, scale):
    sel = hk_selection
    t = sel.connectivity
    dpc = np.sort(t["dPC"].to_numpy())
    assert np.min(np.diff(dpc) / dpc[1:]) > 1e-4  # no near-ties: the property is meaningful
    rng = np.random.default_rng(seed)
    d = sel.distances.to_numpy()
    noise = rng.uniform(-scale, scale, d.shape)
    noisy = d * (1 + (noise + noise.T) / 2)
    areas = pd.Series(t["area_km2"].to_numpy(), index=t["candidate_id"])
    again = C.node_importance(
        areas,
        pd.DataFrame(noisy, index=sel.distances.index, columns=sel.distances.columns),
        distance_m=5000.0 * (1 + rng.uniform(-scale, scale)),
        probability=0.5,
        landscape_area_km2=sel.indices["A_L_km2"],
        id_name="candidate_id",
    )
    assert again["rank"].tolist() == t["rank"].tolist()
    assert again["importance"].tolist() == t["importance"].tolist()
    np.testing.assert_allclose(again["dPC"], t["dPC"], rtol=1e-4)


def test_reselect_equals_fresh_selection():
    da = grid(blocks())
    base = dict(min_core_area_km2=0.005, aggregation_distance_m=100.0)
    sel = select(da, distance_m=1000.0, **base)
    for kw in ({"dpc_threshold": 5.0}, {"distance_m": 300.0, "probability": 0.2}, {"importance_breaks": (1, 2, 50)}):
        fresh = select(da, **base, **{"distance_m": 1000.0, **kw})
        again = sel.reselect(**kw)
        pd.testing.assert_frame_equal(again.connectivity, fresh.connectivity)
        pd.testing.assert_frame_equal(pd.DataFrame(again.sources), pd.DataFrame(fresh.sources))
        np.testing.assert_array_equal(again.labels.values, fresh.labels.values)
        assert again.params == fresh.params
        pd.testing.assert_frame_equal(again.steps, fresh.steps)
    assert len(sel.sources) == 3  # the reselections did not change the original
    with pytest.raises(ValueError, match="probability"):
        sel.reselect(probability=2.0)
