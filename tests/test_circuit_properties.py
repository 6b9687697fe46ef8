"""Property tests on random small grids against independent dense computations.

The reference here is written independently of the engine: a dense Laplacian assembled
cell by cell with Circuitscape's connection formulas, its Moore-Penrose pseudo-inverse for
effective resistances, and dense solves for one-to-all and advanced mode.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecnet_lab.circuit import advanced, all_to_one, available_solvers, network_pairwise, one_to_all, pairwise

SOLVERS = available_solvers()
SQ2 = np.sqrt(2.0)
PROP = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


# ----------------------------------------------------------------------------------------
# independent reference
# ----------------------------------------------------------------------------------------
def grid(values) -> xr.DataArray:
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    return xr.DataArray(
        values, dims=("y", "x"), coords={"y": np.arange(ny)[::-1] + 0.5, "x": np.arange(nx) + 0.5}, name="r"
    )


def dense_laplacian(res, four, avg_res, merge=()):
    """Dense Laplacian over valid cells; cells in each set of ``merge`` share one node."""
    ny, nx = res.shape
    valid = np.isfinite(res)
    cells = [(r, c) for r in range(ny) for c in range(nx) if valid[r, c]]
    node = {}
    k = 0
    merged = {}
    for group in merge:
        group = [g for g in group if valid[g]]
        if not group:
            continue
        for g in group:
            merged[g] = k
        k += 1
    for cell in cells:
        if cell in merged:
            node[cell] = merged[cell]
        else:
            node[cell] = k
            k += 1
    lap = np.zeros((k, k))
    steps = [(0, 1), (1, 0)] + ([] if four else [(1, 1), (1, -1)])
    for r, c in cells:
        for dr, dc in steps:
            r2, c2 = r + dr, c + dc
            if 0 <= r2 < ny and 0 <= c2 < nx and valid[r2, c2]:
                g1, g2 = 1 / res[r, c], 1 / res[r2, c2]
                w = 2 / (1 / g1 + 1 / g2) if avg_res else (g1 + g2) / 2
                if dr and dc:
                    w /= SQ2
                i, j = node[(r, c)], node[(r2, c2)]
                if i != j:
                    lap[i, j] -= w
                    lap[j, i] -= w
                    lap[i, i] += w
                    lap[j, j] += w
    return lap, node


def components(lap):
    n = lap.shape[0]
    label = -np.ones(n, dtype=int)
    cur = 0
    for s in range(n):
        if label[s] >= 0:
            continue
        stack = [s]
        label[s] = cur
        while stack:
            i = stack.pop()
            for j in np.flatnonzero(lap[i] != 0):
                if label[j] < 0:
                    label[j] = cur
                    stack.append(j)
        cur += 1
    return label


def dense_resistances(lap, nodes):
    label = components(lap)
    n = len(nodes)
    out = -np.ones((n, n))
    for comp in np.unique(label):
        idx = np.flatnonzero(label == comp)
        pinv = np.linalg.pinv(lap[np.ix_(idx, idx)])
        where = {int(v): k for k, v in enumerate(idx)}
        for a, b in itertools.product(range(n), repeat=2):
            if nodes[a] in where and nodes[b] in where:
                i, j = where[nodes[a]], where[nodes[b]]
                out[a, b] = pinv[i, i] + pinv[j, j] - 2 * pinv[i, j]
    np.fill_diagonal(out, 0)
    return out


def random_case(seed, max_side=8, nodata=0.15, n_focal=4):
    rng = np.random.default_rng(seed)
    ny, nx = rng.integers(3, max_side + 1, size=2)
    res = np.exp(rng.normal(0, 1.5, size=(ny, nx)))
    res[rng.random((ny, nx)) < nodata] = np.nan
    valid = np.argwhere(np.isfinite(res))
    if len(valid) < n_focal:
        res[:] = 1.0
        valid = np.argwhere(np.isfinite(res))
    pick = valid[rng.choice(len(valid), size=n_focal, replace=False)]
    return res, [tuple(int(v) for v in p) for p in pick], bool(rng.integers(2)), bool(rng.integers(2))


def focal_array(shape, cells):
    f = np.zeros(shape)
    for k, cell in enumerate(cells, start=1):
        f[cell] = k
    return f


# ----------------------------------------------------------------------------------------
# pairwise
# ----------------------------------------------------------------------------------------
@PROP
@given(seed=st.integers(0, 10_000), solver=st.sampled_from(SOLVERS))
def test_pairwise_equals_dense_pseudo_inverse(seed, solver):
    res, focal, four, avg_res = random_case(seed)
    out = pairwise(
        grid(res),
        grid(focal_array(res.shape, focal)),
        connect_four_neighbors=four,
        avg_conductance=not avg_res,
        solver=solver,
        progress=False,
    )
    r = out.resistances.to_numpy()
    lap, node = dense_laplacian(res, four, avg_res)
    expected = dense_resistances(lap, [node[c] for c in focal])
    np.testing.assert_allclose(r, expected, rtol=1e-7, atol=1e-9)
    # symmetric, zero diagonal
    np.testing.assert_array_equal(r, r.T)
    assert np.all(np.diag(r) == 0)
    # triangle inequality among connected triples
    for i, j, k in itertools.permutations(range(len(focal)), 3):
        if min(r[i, j], r[j, k], r[i, k]) >= 0:
            assert r[i, k] <= r[i, j] + r[j, k] + 1e-9 * (1 + r[i, k])


@PROP
@given(seed=st.integers(0, 10_000))
def test_kirchhoff_current_law_holds(seed):
    res, focal, four, avg_res = random_case(seed, nodata=0.0, n_focal=3)
    out = pairwise(
        grid(res),
        grid(focal_array(res.shape, focal)),
        connect_four_neighbors=four,
        avg_conductance=not avg_res,
        solver="splu",
        write_voltage_maps=True,
        write_current_maps=True,
        progress=False,
    )
    lap, node = dense_laplacian(res, four, avg_res)
    for (i, j), vmap in out.voltage_maps.items():
        v = np.zeros(lap.shape[0])
        for cell, k in node.items():
            v[k] = vmap.values[cell]
        inj = lap @ v
        src, dst = node[focal[j - 1]], node[focal[i - 1]]
        expected = np.zeros_like(inj)
        expected[src], expected[dst] = 1.0, -1.0
        np.testing.assert_allclose(inj, expected, atol=1e-9)
        assert vmap.values[focal[i - 1]] == pytest.approx(0.0, abs=1e-12)
        # node current: larger of total inflow and outflow (independent loops)
        cur = out.current_maps[(i, j)].values
        for cell, k in node.items():
            flows = -lap[k] * (v[k] - v)  # current from k to each neighbour
            flows[k] = 0
            outflow, inflow = flows[flows > 0].sum(), -flows[flows < 0].sum()
            assert cur[cell] == pytest.approx(max(inflow, outflow), abs=1e-9)


def test_cumulative_and_max_maps_combine_pair_maps():
    res, focal, four, _ = random_case(7, n_focal=4)
    out = pairwise(
        grid(res),
        grid(focal_array(res.shape, focal)),
        connect_four_neighbors=four,
        write_current_maps=True,
        max_map=True,
        solver="splu",
        progress=False,
    )
    stack = np.stack([np.nan_to_num(m.values) for m in out.current_maps.values()])
    nodata = np.where(np.isnan(res), np.nan, 1.0)
    np.testing.assert_allclose(out.cumulative_current.values, stack.sum(axis=0) * nodata)
    np.testing.assert_allclose(out.max_current.values, stack.max(axis=0) * nodata)


@pytest.mark.parametrize("seed", range(6))
def test_focal_regions_all_and_pair_semantics(seed):
    rng = np.random.default_rng(seed)
    res = np.exp(rng.normal(0, 1, size=(7, 8)))
    regions = [[(0, 0), (0, 1), (1, 0)], [(6, 7), (5, 7)], [(3, 3), (3, 4), (4, 4)]]
    f = np.zeros(res.shape)
    for k, cells in enumerate(regions, start=1):
        for c in cells:
            f[c] = k
    r_all = pairwise(grid(res), grid(f), solver="splu", focal_regions="all", progress=False).resistances.to_numpy()
    r_pair = pairwise(grid(res), grid(f), solver="splu", focal_regions="pair", progress=False).resistances.to_numpy()
    lap, node = dense_laplacian(res, False, True, merge=regions)
    exp_all = dense_resistances(lap, [node[cells[0]] for cells in regions])
    np.testing.assert_allclose(r_all, exp_all, rtol=1e-9)
    for a, b in itertools.combinations(range(3), 2):
        lap2, node2 = dense_laplacian(res, False, True, merge=[regions[a], regions[b]])
        exp = dense_resistances(lap2, [node2[regions[a][0]], node2[regions[b][0]]])[0, 1]
        assert r_pair[a, b] == pytest.approx(exp, rel=1e-9)
    # a third region shorted is a shortcut: "all" can only lower resistances
    assert np.all(r_all <= r_pair + 1e-12)


# ----------------------------------------------------------------------------------------
# one-to-all, all-to-one, advanced
# ----------------------------------------------------------------------------------------
@PROP
@given(seed=st.integers(0, 10_000), solver=st.sampled_from(SOLVERS))
def test_one_to_all_equals_dense_grounded_solve(seed, solver):
    res, focal, four, avg_res = random_case(seed, nodata=0.05, n_focal=4)
    out = one_to_all(
        grid(res),
        grid(focal_array(res.shape, focal)),
        connect_four_neighbors=four,
        avg_conductance=not avg_res,
        solver=solver,
        write_voltage_maps=True,
        progress=False,
    )
    lap, node = dense_laplacian(res, four, avg_res)
    label = components(lap)
    nodes = [node[c] for c in focal]
    for s, fid in enumerate(out.resistances.index):
        others = [nodes[k] for k in range(len(nodes)) if k != s and label[nodes[k]] == label[nodes[s]]]
        if not others:
            assert out.resistances[fid] == -1
            continue
        comp = np.flatnonzero(label == label[nodes[s]])
        free = [k for k in comp if k not in others]
        b = np.zeros(len(free))
        b[free.index(nodes[s])] = 1.0
        v = np.linalg.solve(lap[np.ix_(free, free)], b)
        assert out.resistances[fid] == pytest.approx(v[free.index(nodes[s])], rel=1e-8)
        vmap = out.voltage_maps[fid].values
        for cell, k in node.items():
            if k in free:
                assert vmap[cell] == pytest.approx(v[free.index(k)], rel=1e-7, abs=1e-10)


def test_all_to_one_currents_sum_at_ground():
    res, focal, _, _ = random_case(11, nodata=0.0, n_focal=4)
    out = all_to_one(
        grid(res), grid(focal_array(res.shape, focal)), solver="splu", write_current_maps=True, progress=False
    )
    # every solve: 3 sources of 1 A drain into the grounded focal node
    for fid, cmap in out.current_maps.items():
        assert cmap.values[focal[fid - 1]] == pytest.approx(3.0, rel=1e-9)


@PROP
@given(seed=st.integers(0, 10_000), solver=st.sampled_from(SOLVERS))
def test_advanced_equals_dense_solve(seed, solver):
    rng = np.random.default_rng(seed)
    res, _, four, avg_res = random_case(seed, nodata=0.0)
    src = np.zeros(res.shape)
    gnd = np.full(res.shape, np.nan)
    cells = [tuple(c) for c in np.argwhere(np.isfinite(res))]
    pick = rng.choice(len(cells), size=4, replace=False)
    src[cells[pick[0]]] = rng.uniform(0.5, 2)
    src[cells[pick[1]]] = -rng.uniform(0.1, 0.4)
    gnd[cells[pick[2]]] = rng.uniform(0.5, 5)  # resistance to ground
    gnd[cells[pick[3]]] = 0.0  # direct ground
    out = advanced(
        grid(res), grid(src), grid(gnd), connect_four_neighbors=four, avg_conductance=not avg_res, solver=solver
    )
    lap, node = dense_laplacian(res, four, avg_res)
    a = lap.copy()
    a[node[cells[pick[2]]], node[cells[pick[2]]]] += 1 / gnd[cells[pick[2]]]
    keep = [k for k in range(lap.shape[0]) if k != node[cells[pick[3]]]]
    b = np.zeros(lap.shape[0])
    b[node[cells[pick[0]]]] += src[cells[pick[0]]]
    b[node[cells[pick[1]]]] += src[cells[pick[1]]]
    v = np.zeros(lap.shape[0])
    v[keep] = np.linalg.solve(a[np.ix_(keep, keep)], b[keep])
    got = np.array([out.voltage.values[c] for c in node])
    np.testing.assert_allclose(got, v[[node[c] for c in node]], rtol=1e-8, atol=1e-10)


# ----------------------------------------------------------------------------------------
# network
# ----------------------------------------------------------------------------------------
@PROP
@given(seed=st.integers(0, 10_000), solver=st.sampled_from(SOLVERS))
def test_network_pairwise_equals_dense(seed, solver):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 12))
    edges = [(i, j, float(rng.uniform(0.2, 5))) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.35]
    if len(edges) < 2:
        edges += [(0, 1, 1.0), (1, 2, 2.0)]
    nodes_in = sorted({e[0] for e in edges} | {e[1] for e in edges})
    focal = [nodes_in[k] for k in rng.choice(len(nodes_in), size=min(4, len(nodes_in)), replace=False)]
    out = network_pairwise(np.array(edges), focal, solver=solver, progress=False)
    idx = {v: k for k, v in enumerate(nodes_in)}
    lap = np.zeros((len(nodes_in), len(nodes_in)))
    for a, b, r in edges:
        i, j = idx[a], idx[b]
        lap[i, j] -= 1 / r
        lap[j, i] -= 1 / r
        lap[i, i] += 1 / r
        lap[j, j] += 1 / r
    expected = dense_resistances(lap, [idx[f] for f in focal])
    np.testing.assert_allclose(out.resistances.to_numpy(), expected, rtol=1e-8, atol=1e-10)
