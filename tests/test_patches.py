"""Tests of ecnet_lab.patches: labelling, attributes, filters, aggregation and distances."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import xarray as xr

from ecnet_lab import patches as P


def grid(values: np.ndarray, dx: float = 30.0, dy: float = 30.0, crs: str | None = None) -> xr.DataArray:
    ny, nx_ = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 5000.0 - dy * (np.arange(ny) + 0.5), "x": 1000.0 + dx * (np.arange(nx_) + 0.5)},
    )
    if crs is not None:
        da = da.rio.write_crs(crs)
    return da


def brute_distances(lab: np.ndarray, dx: float, dy: float, edges: bool) -> np.ndarray:
    """Minimum over ALL cell pairs (not only boundaries) of the cell-square or cell-centre distance."""
    ids = np.unique(lab[lab > 0])
    out = np.zeros((ids.size, ids.size))
    cells = [np.nonzero(lab == i) for i in ids]
    for a, b in itertools.combinations(range(ids.size), 2):
        dr = np.abs(cells[a][0][:, None] - cells[b][0][None, :])
        dc = np.abs(cells[a][1][:, None] - cells[b][1][None, :])
        if edges:
            dr, dc = np.maximum(dr - 1, 0), np.maximum(dc - 1, 0)
        out[a, b] = out[b, a] = np.sqrt(((dr * dy) ** 2 + (dc * dx) ** 2).min())
    return out


def random_map(seed: int):
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(6, 45, 2))
    m = rng.random(shape) < rng.uniform(0.05, 0.45)
    dx, dy = float(rng.choice([30.0, 10.0, 25.0])), float(rng.choice([30.0, 10.0]))
    return m, dx, dy, int(rng.choice([4, 8]))


# ---------------------------------------------------------------------------------------------
# edge-to-edge distances
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("measure", ["edges", "centres"])
def test_edge_to_edge_equals_brute_force(seed, measure):
    m, dx, dy, conn = random_map(seed)
    lab = P.patch_labels(grid(m, dx, dy), connectivity=conn)
    if lab.max() < 2:
        pytest.skip("fewer than two patches")
    ref = brute_distances(lab.values, dx, dy, measure == "edges")
    got = P.edge_to_edge_distances(lab, measure=measure)
    np.testing.assert_allclose(got.to_numpy(), ref, rtol=1e-12, atol=1e-9)
    assert got.index.tolist() == list(range(1, int(lab.max()) + 1))
    cut = float(np.median(ref[np.triu_indices_from(ref, 1)]))
    capped = P.edge_to_edge_distances(lab, measure=measure, max_distance_m=cut).to_numpy()
    np.testing.assert_allclose(capped, np.where(ref <= cut, ref, np.inf), rtol=1e-12, atol=1e-9)


def test_edge_measure_hand_values():
    lab = np.zeros((6, 8), np.int32)
    lab[0, 0] = 1  # corner-touching neighbour of 2 under the edges measure
    lab[1, 1] = 2
    lab[5, 7] = 3
    d = P.edge_to_edge_distances(grid(lab, 30.0, 20.0)).to_numpy()
    assert d[0, 1] == 0.0
    # 2 -> 3: 5 empty columns (150 m) and 3 empty rows (60 m)
    assert d[1, 2] == pytest.approx(np.hypot(150.0, 60.0))
    c = P.edge_to_edge_distances(grid(lab, 30.0, 20.0), measure="centres").to_numpy()
    assert c[0, 1] == pytest.approx(np.hypot(30.0, 20.0))


def test_distances_of_1000_blobs_are_symmetric_and_sparse_cap_consistent():
    rng = np.random.default_rng(3)
    from scipy import ndimage

    sm = ndimage.gaussian_filter(rng.random((400, 400)), 2.0)
    lab = P.patch_labels(grid(sm > np.quantile(sm, 0.8)))
    d = P.edge_to_edge_distances(lab)
    assert d.shape[0] > 300
    np.testing.assert_array_equal(d.to_numpy(), d.to_numpy().T)
    capped = P.edge_to_edge_distances(lab, max_distance_m=300.0).to_numpy()
    full = d.to_numpy()
    np.testing.assert_array_equal(capped[full <= 300.0], full[full <= 300.0])
    assert np.all(np.isinf(capped[full > 300.0 * (1 + 1e-9)]))


# ---------------------------------------------------------------------------------------------
# labelling and attributes
# ---------------------------------------------------------------------------------------------
def test_labels_connectivity_classes_and_nan():
    v = np.array([[17, 0, 3, np.nan], [0, 17, 17, 0], [9, 0, 0, 17]], dtype=float)
    da = grid(v)
    l8 = P.patch_labels(da, classes=[17], connectivity=8)
    l4 = P.patch_labels(da, classes=[17], connectivity=4)
    assert l8.values.tolist() == [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]]
    assert l4.values.tolist() == [[1, 0, 0, 0], [0, 2, 2, 0], [0, 0, 0, 3]]
    assert l8.dtype == np.int32 and l8.attrs["units"] == "1" and "long_name" in l8.attrs
    both = P.patch_labels(da, classes=[17, 9])  # the 9 touches a 17 diagonally
    assert int(both.max()) == 1 and both.values[2, 0] == 1
    nonzero = P.patch_labels(da)  # non-zero, non-NaN cells
    assert int((nonzero > 0).sum()) == 6
    np.testing.assert_array_equal(da.values[0, :3], [17, 0, 3])  # input untouched
    with pytest.raises(ValueError, match="connectivity"):
        P.patch_labels(da, classes=[17], connectivity=6)
    with pytest.raises(TypeError):
        P.patch_labels(v)


@pytest.mark.parametrize("seed", range(6))
def test_patch_table_against_polygons(seed):
    m, dx, dy, conn = random_map(seed)
    lab = P.patch_labels(grid(m, dx, dy, crs="EPSG:32650"), connectivity=conn)
    gdf = P.describe_patches(lab)
    assert gdf.crs.to_epsg() == 32650
    assert gdf["patch_id"].tolist() == list(range(1, int(lab.max()) + 1))
    np.testing.assert_allclose(gdf["area_km2"], gdf.geometry.area / 1e6, rtol=1e-12)
    np.testing.assert_allclose(gdf["perimeter_m"], gdf.geometry.length, rtol=1e-12)
    np.testing.assert_allclose(gdf[["min_x", "min_y", "max_x", "max_y"]].to_numpy(), gdf.geometry.bounds.to_numpy())
    ys, xs = np.meshgrid(lab.y.values, lab.x.values, indexing="ij")
    for pid in (1, int(lab.max())):
        sel = lab.values == pid
        assert gdf.loc[gdf.patch_id == pid, "centroid_x"].item() == pytest.approx(xs[sel].mean())
        assert gdf.loc[gdf.patch_id == pid, "centroid_y"].item() == pytest.approx(ys[sel].mean())
        assert gdf.loc[gdf.patch_id == pid, "n_cells"].item() == sel.sum()


def test_perimeter_with_hole_and_map_border():
    m = np.zeros((5, 5), bool)
    m[:3, :3] = True
    m[1, 1] = False  # a hole: 4 inner edges
    t = P.patch_table(P.patch_labels(grid(m)))
    assert t["perimeter_m"].item() == pytest.approx((12 + 4) * 30.0)
    assert t["area_km2"].item() == pytest.approx(8 * 900 / 1e6)


def test_filter_by_area_strict_and_sequential():
    lab = np.zeros((6, 10), np.int32)
    lab[0, 0:3] = 5  # 3 cells
    lab[2, 0:2] = 7  # 2 cells
    lab[4, 4:8] = 9  # 4 cells
    out = P.filter_by_area(grid(lab), 2 * 900 / 1e6)  # keep area > 2 cells
    assert out.values[0, 0] == 1 and out.values[4, 4] == 2 and out.values[2, 0] == 0
    assert int(out.max()) == 2
    with pytest.raises(ValueError, match="min_area_km2"):
        P.filter_by_area(grid(lab), -1.0)


# ---------------------------------------------------------------------------------------------
# aggregation
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(10))
def test_aggregation_groups_equal_union_find_on_brute_distances(seed):
    m, dx, dy, conn = random_map(seed)
    lab = P.patch_labels(grid(m, dx, dy), connectivity=conn)
    if lab.max() < 2:
        pytest.skip("fewer than two patches")
    ref = brute_distances(lab.values, dx, dy, True)
    thr = float(np.quantile(ref[np.triu_indices_from(ref, 1)], 0.2))
    g = nx.Graph()
    g.add_nodes_from(range(ref.shape[0]))
    g.add_edges_from((i, j) for i, j in itertools.combinations(range(ref.shape[0]), 2) if ref[i, j] <= thr)
    ref_groups = sorted(sorted(c) for c in nx.connected_components(g))
    groups = P.aggregation_groups(lab, thr)
    got = sorted(sorted((groups.index[groups == k] - 1).tolist()) for k in groups.unique())
    assert got == ref_groups
    # numbering follows the smallest patch id
    firsts = [groups.index[groups == k].min() for k in range(1, groups.max() + 1)]
    assert firsts == sorted(firsts)


def test_aggregation_is_transitive_and_keeps_cells():
    lab = np.zeros((3, 20), np.int32)
    lab[:, 0:2] = 1
    lab[:, 4:6] = 2  # 2 empty columns (60 m) from patch 1
    lab[:, 8:10] = 3  # 60 m from patch 2, 180 m from patch 1
    lab[:, 15:17] = 4  # 150 m from patch 3
    da = grid(lab)
    agg = P.aggregate_patches(da, 60.0)
    assert np.unique(agg.values[:, :10][lab[:, :10] > 0]).tolist() == [1]
    assert np.unique(agg.values[:, 15:17]).tolist() == [2]
    assert ((agg.values > 0) == (lab > 0)).all()  # union keeps only habitat cells
    assert agg.dtype == np.int32 and agg.name == "source_id"
    assert int(P.aggregate_patches(da, 59.0).max()) == 4
    assert int(P.aggregate_patches(da, 0.0).max()) == 4
    closed = P.aggregate_patches(da, 60.0, method="closing")
    assert (closed.values[:, 0:10] == 1).all()  # gaps inside the group filled
    assert (closed.values[:, 11:14] == 0).all()  # gap between different groups not filled
    assert (closed.values[lab > 0] > 0).all()
    with pytest.raises(ValueError, match="method"):
        P.aggregate_patches(da, 60.0, method="buffer")
    with pytest.raises(ValueError, match="distance_m"):
        P.aggregate_patches(da, -1.0)


# ---------------------------------------------------------------------------------------------
# least-cost distances
# ---------------------------------------------------------------------------------------------
def _grid_graph_costs(cost: np.ndarray, lab: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Independent least-cost distances: networkx Dijkstra on the 8-neighbour cell graph."""
    g = nx.Graph()
    ny, nx_ = cost.shape
    for r, c in itertools.product(range(ny), range(nx_)):
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            r2, c2 = r + dr, c + dc
            if 0 <= r2 < ny and 0 <= c2 < nx_ and np.isfinite(cost[r, c]) and np.isfinite(cost[r2, c2]):
                length = np.hypot(dr * dy, dc * dx)
                g.add_edge((r, c), (r2, c2), weight=length * (cost[r, c] + cost[r2, c2]) / 2)
    ids = np.unique(lab[lab > 0])
    out = np.zeros((ids.size, ids.size))
    for a, ia in enumerate(ids):
        src = [tuple(x) for x in np.argwhere(lab == ia) if tuple(x) in g]
        dist = nx.multi_source_dijkstra_path_length(g, src)
        for b, ib in enumerate(ids):
            if a != b:
                out[a, b] = min((dist.get(tuple(x), np.inf) for x in np.argwhere(lab == ib)), default=np.inf)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_cost_distances_equal_networkx_dijkstra(seed):
    rng = np.random.default_rng(seed)
    m = rng.random((14, 17)) < 0.12
    lab = P.patch_labels(grid(m, 30.0, 20.0))
    cost = rng.uniform(1, 10, m.shape)
    cost[(rng.random(m.shape) < 0.1) & ~m] = np.nan
    res = grid(cost, 30.0, 20.0)
    got = P.cost_distances(lab, res).to_numpy()
    ref = _grid_graph_costs(np.where(np.isnan(cost), np.inf, cost), lab.values, 30.0, 20.0)
    np.testing.assert_allclose(got, np.minimum(ref, ref.T), rtol=1e-9)
    assert np.isnan(res.values).sum() == (np.isnan(cost)).sum()  # input untouched


def test_cost_distances_bad_input():
    lab = P.patch_labels(grid(np.eye(4, dtype=bool)))
    with pytest.raises(ValueError, match="resistance"):
        P.cost_distances(lab, grid(-np.ones((4, 4))))
    with pytest.raises(ValueError, match="grid"):
        P.cost_distances(lab, grid(np.ones((5, 4))))


def test_bad_measure_and_labels():
    lab = P.patch_labels(grid(np.eye(4, dtype=bool)), connectivity=4)
    with pytest.raises(ValueError, match="measure"):
        P.edge_to_edge_distances(lab, measure="hausdorff")
    with pytest.raises(TypeError, match="integer"):
        P.edge_to_edge_distances(lab.astype(float))
    with pytest.raises(ValueError, match="max_distance_m"):
        P.edge_to_edge_distances(lab, max_distance_m=-3)
    empty = P.patch_labels(grid(np.zeros((4, 4), bool)))
    assert P.edge_to_edge_distances(empty).shape == (0, 0)
    assert len(P.describe_patches(empty)) == 0
