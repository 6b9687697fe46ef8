"""Tests of ecnet_lab.costdistance: CWD, LCD, paths and NLCC against scikit-image and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from skimage.graph import MCP_Geometric

from ecnet_lab.costdistance import CWD_UNITS, CostDistances, cost_distance, cost_distances, source_labels


def grid(values, cell=30.0, crs="EPSG:32650"):
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": (np.arange(rows)[::-1] + 0.5) * cell, "x": (np.arange(cols) + 0.5) * cell},
        name="resistance",
    )
    return da.rio.write_crs(crs) if crs else da


def labels_like(r, cells):
    lab = np.zeros(r.shape, dtype="int32")
    for sid, (rs, cs) in cells.items():
        lab[rs, cs] = sid
    return r.copy(data=lab)


@pytest.fixture(scope="module")
def random_case():
    rng = np.random.default_rng(42)
    res = rng.uniform(1, 50, (40, 50))
    res[10:30, 24:26] = 500.0  # a wall with gaps
    res[18:20, 24:26] = 2.0
    res[0:3, 40:45] = np.nan  # nodata
    r = grid(res, cell=25.0)
    lab = labels_like(
        r, {1: (slice(5, 9), slice(2, 6)), 2: (slice(30, 36), slice(40, 47)), 3: (slice(2, 5), slice(30, 33))}
    )
    return r, lab


def test_cwd_equals_skimage(random_case):
    r, lab = random_case
    cd = cost_distances(r, lab, progress=False)
    costs = np.where(np.isfinite(r.values), r.values, np.inf)
    for sid in (1, 2, 3):
        mcp = MCP_Geometric(costs, sampling=(25.0, 25.0))
        ref, _ = mcp.find_costs(np.argwhere(lab.values == sid))
        got = cd.cwd(sid).values
        ok = np.isfinite(r.values)
        np.testing.assert_allclose(got[ok], ref[ok], rtol=0, atol=1e-9)
        assert np.isnan(got[~ok]).all()
        assert cd.cwd(sid).attrs["units"] == CWD_UNITS


def test_lcd_and_path_equal_skimage(random_case):
    r, lab = random_case
    cd = cost_distances(r, lab, progress=False)
    costs = np.where(np.isfinite(r.values), r.values, np.inf)
    for a, b in [(1, 2), (1, 3), (2, 3)]:
        mcp = MCP_Geometric(costs, sampling=(25.0, 25.0))
        cum, _ = mcp.find_costs(np.argwhere(lab.values == a))
        cells_b = np.argwhere(lab.values == b)
        vals = cum[cells_b[:, 0], cells_b[:, 1]]
        assert cd.lcd(a, b) == pytest.approx(vals.min(), abs=1e-9)
        assert cd.lcd(b, a) == cd.lcd(a, b)
        end = tuple(cells_b[np.argmin(vals)])
        ref_path = np.asarray(mcp.traceback(end))
        np.testing.assert_array_equal(cd.path_cells(a, b), ref_path)
        np.testing.assert_array_equal(cd.path_cells(b, a), ref_path[::-1])
        # path cost recomputed by hand from the MCP_Geometric edge rule equals the LCD
        steps = np.diff(ref_path, axis=0)
        length = np.hypot(steps[:, 0] * 25.0, steps[:, 1] * 25.0)
        rv = r.values[ref_path[:, 0], ref_path[:, 1]]
        assert (length * (rv[:-1] + rv[1:]) / 2).sum() == pytest.approx(cd.lcd(a, b), rel=1e-12)
        assert cd.path_length_m(a, b) == pytest.approx(length.sum())


def test_nlcc_minimum_is_zero_along_the_least_cost_path(random_case):
    r, lab = random_case
    cd = cost_distances(r, lab, progress=False)
    for a, b in [(1, 2), (1, 3)]:
        nl = cd.nlcc(a, b).values
        assert np.nanmin(nl) == pytest.approx(0.0, abs=1e-8)
        path = cd.path_cells(a, b)
        np.testing.assert_allclose(nl[path[:, 0], path[:, 1]], 0.0, atol=1e-8)
        # NLCC + LCD = CWD_a + CWD_b everywhere
        total = cd.cwd(a).values + cd.cwd(b).values
        np.testing.assert_allclose(nl + cd.lcd(a, b), total, rtol=1e-12, equal_nan=True)


def test_cwd_by_hand_with_diagonal_lengths():
    # uniform resistance 2, 10 m cells: CWD = 2 * (straight + sqrt(2) * diagonal steps) * 10
    r = grid(np.full((5, 5), 2.0), cell=10.0)
    lab = labels_like(r, {1: (0, 0)})
    cwd = cost_distance(r, lab).values
    assert cwd[0, 4] == pytest.approx(80.0)
    assert cwd[4, 4] == pytest.approx(4 * np.sqrt(2) * 20.0)
    assert cwd[2, 4] == pytest.approx(2 * np.sqrt(2) * 20.0 + 2 * 20.0)


def test_rectangular_cells_use_per_axis_spacing():
    da = xr.DataArray(np.ones((3, 3)), dims=("y", "x"), coords={"y": [50.0, 30.0, 10.0], "x": [5.0, 15.0, 25.0]})
    lab = da.copy(data=np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]], dtype="int32"))
    cwd = cost_distance(da, lab).values
    assert cwd[0, 1] == pytest.approx(10.0)
    assert cwd[1, 0] == pytest.approx(20.0)
    assert cwd[1, 1] == pytest.approx(np.hypot(10, 20))


def test_distances_matrices_and_allocation():
    r = grid(np.ones((10, 20)), cell=10.0)
    lab = labels_like(
        r, {1: (slice(2, 5), slice(0, 3)), 2: (slice(2, 5), slice(10, 13)), 3: (slice(2, 5), slice(17, 20))}
    )
    cd = cost_distances(r, lab, progress=False)
    euc = cd.euclidean_matrix()
    assert euc.loc[1, 2] == pytest.approx(80.0)  # centre of col 2 to centre of col 10
    assert euc.loc[2, 3] == pytest.approx(50.0)
    assert cd.euclidean_distance_m(1, 3) == pytest.approx(150.0)
    cen = cd.centroid_matrix()
    assert cen.loc[1, 2] == pytest.approx(100.0)
    lcd = cd.lcd_matrix()
    assert lcd.loc[1, 2] == pytest.approx(80.0)
    assert lcd.loc[1, 3] == pytest.approx(150.0)
    alloc = cd.cost_allocation().values
    assert alloc[3, 5] == 1 and alloc[3, 8] == 2 and alloc[3, 15] == 3
    ealloc = cd.euclidean_allocation().values
    assert ealloc[9, 19] == 3 and ealloc[0, 0] == 1
    table = cd.centroids()
    assert table.loc[1, "area_km2"] == pytest.approx(9 * 100 / 1e6)


def test_disconnected_sources_have_infinite_lcd():
    res = np.ones((5, 9))
    res[:, 4] = np.nan
    r = grid(res, cell=10.0)
    lab = labels_like(r, {1: (2, 0), 2: (2, 8)})
    cd = cost_distances(r, lab, progress=False)
    assert np.isinf(cd.lcd(1, 2))
    with pytest.raises(ValueError, match="not connected"):
        cd.path_cells(1, 2)


def test_does_not_modify_inputs(random_case):
    r, lab = random_case
    r0, l0 = r.copy(deep=True), lab.copy(deep=True)
    cd = cost_distances(r, lab, progress=False)
    cd.cwd(1).values[:] = -1
    assert np.nanmax(cd.cwd(1).values) > 0
    xr.testing.assert_identical(r, r0)
    xr.testing.assert_identical(lab, l0)


def test_sources_from_geodataframe():
    import geopandas as gpd
    from shapely.geometry import box

    r = grid(np.ones((10, 10)), cell=10.0)
    gdf = gpd.GeoDataFrame({"source_id": [4, 9]}, geometry=[box(0, 70, 30, 100), box(70, 0, 100, 30)], crs=r.rio.crs)
    lab = source_labels(gdf, r).values
    assert (lab == 4).sum() == 9 and (lab == 9).sum() == 9
    cd = CostDistances(r, gdf, progress=False)
    assert cd.source_ids.tolist() == [4, 9]


# -- bad input -------------------------------------------------------------------------------
def test_source_not_on_the_grid_raises():
    import geopandas as gpd
    from shapely.geometry import box

    r = grid(np.ones((10, 10)), cell=10.0)
    gdf = gpd.GeoDataFrame({"source_id": [1, 2]}, geometry=[box(0, 0, 30, 30), box(500, 500, 600, 600)], crs=r.rio.crs)
    with pytest.raises(ValueError, match=r"\[2\].*resistance grid"):
        cost_distances(r, gdf, progress=False)
    other = grid(np.zeros((10, 12), dtype=int), cell=10.0)
    with pytest.raises(ValueError, match="not on the resistance grid"):
        cost_distances(r, other, progress=False)


def test_source_on_nodata_raises():
    res = np.ones((6, 6))
    res[0, 0] = np.nan
    r = grid(res, cell=10.0)
    lab = labels_like(r, {1: (slice(0, 2), slice(0, 2)), 2: (5, 5)})
    with pytest.raises(ValueError, match=r"sources \[1\] have cells on resistance nodata"):
        cost_distances(r, lab, progress=False)


def test_bad_resistance_and_labels_raise():
    r = grid(np.ones((4, 4)), cell=10.0)
    lab = labels_like(r, {1: (0, 0)})
    with pytest.raises(ValueError, match="must be > 0"):
        cost_distance(r.copy(data=np.zeros((4, 4))), lab)
    with pytest.raises(ValueError, match="no source cell"):
        cost_distance(r, r.copy(data=np.zeros((4, 4), dtype=int)))
    with pytest.raises(ValueError, match="integer ids"):
        cost_distance(r, r.copy(data=np.full((4, 4), 0.5)))
    with pytest.raises(TypeError):
        cost_distance(np.ones((4, 4)), lab)
    cd = cost_distances(r, labels_like(r, {1: (0, 0), 2: (3, 3)}), progress=False)
    with pytest.raises(ValueError, match="not one of"):
        cd.cwd(7)
    with pytest.raises(ValueError, match="two different sources"):
        cd.lcd(1, 1)
