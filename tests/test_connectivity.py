"""Tests of ecnet_lab.connectivity against hand-checked values and independent computations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

from ecnet_lab import connectivity as C

RNG_SEEDS = range(12)


# ---------------------------------------------------------------------------------------------
# independent reference implementations (no code shared with the module)
# ---------------------------------------------------------------------------------------------
def brute_pstar(p: np.ndarray) -> np.ndarray:
    """Maximum product probability by enumerating every simple path."""
    n = len(p)
    out = np.eye(n)
    for i, j in itertools.permutations(range(n), 2):
        others = [k for k in range(n) if k not in (i, j)]
        best = 0.0
        for r in range(len(others) + 1):
            for mid in itertools.permutations(others, r):
                path = (i, *mid, j)
                best = max(best, float(np.prod([p[path[t], path[t + 1]] for t in range(len(path) - 1)])))
        out[i, j] = best
    return out


def pc_scipy(a: np.ndarray, d: np.ndarray, k: float, al: float) -> float:
    """PC with p* from scipy's Floyd–Warshall on -ln p (distances scaled by k)."""
    if a.size == 0:
        return 0.0
    w = k * d
    np.fill_diagonal(w, np.inf)
    graph = csgraph_from_dense(w, null_value=np.inf)  # zero-length links (touching patches) stay edges
    pstar = np.exp(-shortest_path(graph, method="FW", directed=False))
    return float(a @ pstar @ a) / al**2


def iic_networkx(a: np.ndarray, d: np.ndarray, thr: float, al: float) -> float:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(a.size))
    g.add_edges_from((i, j) for i, j in itertools.combinations(range(a.size), 2) if d[i, j] <= thr)
    total = 0.0
    lengths = dict(nx.all_pairs_shortest_path_length(g))
    for i in range(a.size):
        for j, nl in lengths[i].items():
            total += a[i] * a[j] / (1 + nl)
    return total / al**2


def random_case(seed: int, n: int | None = None):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9)) if n is None else n
    xy = rng.uniform(0, 6000, (n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    d = d * rng.uniform(0.2, 1.0, (n, n))  # edge-to-edge distances are not a metric
    d = np.minimum(d, d.T)
    d[rng.random((n, n)) < 0.15] = 0.0  # some touching patches
    d = np.minimum(d, d.T)
    np.fill_diagonal(d, 0)
    a = rng.uniform(0.05, 5.0, n)
    return a, d


# ---------------------------------------------------------------------------------------------
# hand-checked 3-patch example
# ---------------------------------------------------------------------------------------------
# Patches 1-2-3 in a row, areas 1, 2, 1 km², d12 = d23 = 1000 m, d13 = 3000 m, p = 0.5 at 1000 m,
# A_L = 10 km².  p12 = p23 = 0.5, p13 = 0.125, p*13 = 0.5 * 0.5 = 0.25.
# PCnum = (1 + 4 + 1) + 2 (2*0.5 + 2*0.5 + 1*0.25) = 10.5;  PC = 0.105;  ECA = sqrt(10.5).
# Remove 2: PCnum = 1 + 1 + 2 * 0.125 = 2.25 -> dPC2 = 100 * 8.25 / 10.5 = 78.5714...
#   intra = 100 * 4 / 10.5 = 38.095, flux = 100 * 2 (1 + 1) / 10.5 = 38.095,
#   connector = 100 * 2 * 1 * 1 * (0.25 - 0.125) / 10.5 = 2.381.
# Remove 1: PCnum = 4 + 1 + 2 = 7 -> dPC1 = 33.333 (intra 9.524, flux 23.810, connector 0).
# IIC at 1500 m: nl12 = nl23 = 1, nl13 = 2: IICnum = 6 + 2 (1 + 1 + 1/3) = 10.6667; IIC = 0.106667.
# Remove 2: IICnum = 2 -> dIIC2 = 81.25 (intra 37.5, flux 37.5, connector 6.25); remove 1: 34.375.
A3 = np.array([1.0, 2.0, 1.0])
D3 = np.array([[0.0, 1000.0, 3000.0], [1000.0, 0.0, 1000.0], [3000.0, 1000.0, 0.0]])


def test_three_patch_hand_checked_values():
    t = C.node_importance(A3, D3, distance_m=1000, probability=0.5, iic_threshold_m=1500, landscape_area_km2=10)
    assert t["dPC"].to_numpy() == pytest.approx([100 * 3.5 / 10.5, 100 * 8.25 / 10.5, 100 * 3.5 / 10.5], abs=1e-10)
    assert t["dPCintra"].to_numpy() == pytest.approx([100 / 10.5, 400 / 10.5, 100 / 10.5], abs=1e-10)
    assert t["dPCflux"].to_numpy() == pytest.approx([250 / 10.5, 400 / 10.5, 250 / 10.5], abs=1e-10)
    assert t["dPCconnector"].to_numpy() == pytest.approx([0.0, 25 / 10.5, 0.0], abs=1e-10)
    assert t["dIIC"].to_numpy() == pytest.approx([34.375, 81.25, 34.375], abs=1e-10)
    assert t["dIICconnector"].to_numpy() == pytest.approx([0.0, 6.25, 0.0], abs=1e-10)
    assert t["rank"].tolist() == [2, 1, 2]
    assert t["importance"].tolist() == ["key", "key", "key"]
    assert t.attrs["PC"] == pytest.approx(0.105, abs=1e-12)
    assert t.attrs["IIC"] == pytest.approx(10.666666666666666 / 100, abs=1e-12)
    assert t.attrs["ECA_km2"] == pytest.approx(np.sqrt(10.5), abs=1e-12)
    assert C.probability_of_connectivity(A3, D3, distance_m=1000, probability=0.5, landscape_area_km2=10) == (
        pytest.approx(0.105, abs=1e-12)
    )
    assert C.integral_index_of_connectivity(A3, D3, threshold_m=1500, landscape_area_km2=10) == pytest.approx(
        0.10666666666666667, abs=1e-12
    )
    assert C.equivalent_connected_area(A3, D3, distance_m=1000, probability=0.5) == pytest.approx(np.sqrt(10.5))
    p = C.link_probabilities(D3, distance_m=1000, probability=0.5)
    assert p[0, 2] == pytest.approx(0.125)
    assert C.max_product_probabilities(p)[0, 2] == pytest.approx(0.25)
    assert C.topological_distances(D3, threshold_m=1500)[0].tolist() == [0.0, 1.0, 2.0]


# ---------------------------------------------------------------------------------------------
# independent computations on random graphs
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_pstar_equals_brute_force_simple_paths(seed):
    _, d = random_case(seed)
    rng = np.random.default_rng(seed + 100)
    d = d.copy()
    cut = rng.random(d.shape) < 0.2  # some pairs without a direct link
    d[cut | cut.T] = np.inf
    np.fill_diagonal(d, 0)
    p = C.link_probabilities(d, distance_m=800, probability=float(rng.uniform(0.05, 0.95)))
    np.testing.assert_allclose(C.max_product_probabilities(p), brute_pstar(p), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_dpc_equals_literal_removal(seed):
    a, d = random_case(seed, n=int(np.random.default_rng(seed).integers(3, 13)))
    k = C.decay_constant(1200, 0.3)
    al = 5 * a.sum()
    t = C.node_importance(a, d, distance_m=1200, probability=0.3, iic_threshold_m=1500, landscape_area_km2=al)
    pc = pc_scipy(a, d.copy(), k, al)
    iic = iic_networkx(a, d, 1500, al)
    assert t.attrs["PC"] == pytest.approx(pc, rel=1e-12)
    assert t.attrs["IIC"] == pytest.approx(iic, rel=1e-12)
    for r in range(a.size):
        keep = np.arange(a.size) != r
        pc_r = pc_scipy(a[keep], d[np.ix_(keep, keep)].copy(), k, al)
        iic_r = iic_networkx(a[keep], d[np.ix_(keep, keep)], 1500, al)
        assert t["dPC"][r] == pytest.approx(100 * (pc - pc_r) / pc, rel=1e-9, abs=1e-9)
        assert t["dIIC"][r] == pytest.approx(100 * (iic - iic_r) / iic, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_fractions_sum_and_are_nonnegative(seed):
    a, d = random_case(seed, n=40)
    t = C.node_importance(a, d, distance_m=2000, probability=0.5)
    for idx in ("dPC", "dIIC"):
        parts = t[f"{idx}intra"] + t[f"{idx}flux"] + t[f"{idx}connector"]
        np.testing.assert_allclose(parts, t[idx], rtol=1e-12, atol=1e-12)
        assert (t[[f"{idx}intra", f"{idx}flux", f"{idx}connector"]] >= 0).all().all()
    # intra and flux from their definitions
    pstar = C.max_product_probabilities(C.link_probabilities(d, distance_m=2000, probability=0.5))
    num = a @ pstar @ a
    np.testing.assert_allclose(t["dPCintra"], 100 * a**2 / num, rtol=1e-12)
    off = pstar - np.eye(a.size)
    np.testing.assert_allclose(t["dPCflux"], 100 * 2 * a * (off @ a) / num, rtol=1e-10)


def disc_patches(seed: int, n: int):
    """Edge-to-edge distances between random discs (a chain-like, stepping-stone-rich landscape)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 30000, (n, 2))
    r = rng.uniform(100, 1500, n)
    d = np.maximum(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) - r[:, None] - r[None, :], 0)
    np.fill_diagonal(d, 0)
    return np.pi * r**2 / 1e6, d


def test_connector_on_larger_graph_matches_literal_removal():
    a, d = disc_patches(7, n=60)
    k = C.decay_constant(1000, 0.5)
    t = C.node_importance(a, d, distance_m=1000, probability=0.5)
    pc = pc_scipy(a, d.copy(), k, 1.0)
    lit = []
    for r in range(a.size):
        keep = np.arange(a.size) != r
        lit.append(100 * (pc - pc_scipy(a[keep], d[np.ix_(keep, keep)].copy(), k, 1.0)) / pc)
    np.testing.assert_allclose(t["dPC"], lit, rtol=1e-9, atol=1e-10)
    assert t["dPCconnector"].max() > 0.1  # the case really exercises stepping stones


@pytest.mark.parametrize("seed", range(6))
def test_indices_in_unit_interval_with_landscape_area(seed):
    a, d = random_case(seed, n=15)
    for al in (a.sum(), 3 * a.sum()):
        out = C.landscape_indices(a, d, distance_m=1500, probability=0.4, landscape_area_km2=al)
        assert 0 < out["PC"] <= 1 + 1e-12
        assert 0 < out["IIC"] <= 1 + 1e-12
        assert out["ECA_km2"] == pytest.approx(al * np.sqrt(out["PC"]))
        assert a.max() <= out["ECA_km2"] <= a.sum() + 1e-12
    one = C.landscape_indices([4.0], [[0.0]], distance_m=100, probability=0.5, landscape_area_km2=4.0)
    assert one["PC"] == pytest.approx(1.0) and one["IIC"] == pytest.approx(1.0)


def test_ids_from_series_and_dataframe_alignment():
    a, d = random_case(3, n=6)
    ids = [10, 20, 30, 40, 50, 60]
    areas = pd.Series(a, index=pd.Index(ids, name="source_id"))
    dist = pd.DataFrame(d, index=ids, columns=ids)
    shuffled = dist.loc[ids[::-1], ids[::-1]]
    t1 = C.node_importance(areas, dist, distance_m=2000, probability=0.5, id_name="source_id")
    t2 = C.node_importance(areas, shuffled, distance_m=2000, probability=0.5, id_name="source_id")
    assert t1["source_id"].tolist() == ids
    pd.testing.assert_frame_equal(t1, t2)


def test_permutation_equivariance():
    a, d = random_case(5, n=20)
    perm = np.random.default_rng(0).permutation(a.size)
    t = C.node_importance(a, d, distance_m=2000, probability=0.5)
    tp = C.node_importance(a[perm], d[np.ix_(perm, perm)], distance_m=2000, probability=0.5)
    np.testing.assert_allclose(tp["dPC"].to_numpy(), t["dPC"].to_numpy()[perm], rtol=1e-12)
    np.testing.assert_allclose(tp["dIICconnector"].to_numpy(), t["dIICconnector"].to_numpy()[perm], atol=1e-12)


def test_max_distance_drops_links_and_inputs_untouched():
    a, d = A3.copy(), D3.copy()
    t = C.node_importance(a, d, distance_m=1000, probability=0.5, max_distance_m=1500)
    # the direct 1-3 link is dropped; p*13 = 0.25 via patch 2 stays, but without 2 it becomes 0:
    # dPC2 = 100 (10.5 - 2) / 10.5, the others unchanged
    np.testing.assert_allclose(t["dPC"], [100 * 3.5 / 10.5, 100 * 8.5 / 10.5, 100 * 3.5 / 10.5])
    t2 = C.node_importance(a, d, distance_m=1000, probability=0.5, max_distance_m=500)
    np.testing.assert_allclose(t2["dPC"], 100 * a**2 / np.sum(a**2))
    np.testing.assert_array_equal(d, D3)
    np.testing.assert_array_equal(a, A3)


def test_importance_classes_boundaries():
    got = C.importance_classes([5.0, 1.0, 0.75, 0.5, 0.2, 0.1, 0.0])
    assert got.tolist() == ["key", "important", "important", "general", "general", "below threshold", "below threshold"]
    got = C.importance_classes([3, 2, 1], breaks=(1, 2.5, 2.9))
    assert got.tolist() == ["key", "general", "below threshold"]


@pytest.mark.parametrize("probability", [0.0, 1.0, 1.5, -0.2])
def test_bad_probability(probability):
    with pytest.raises(ValueError, match="probability"):
        C.node_importance(A3, D3, distance_m=1000, probability=probability)


@pytest.mark.parametrize("distance", [0.0, -5.0])
def test_bad_distance(distance):
    with pytest.raises(ValueError, match="distance_m"):
        C.node_importance(A3, D3, distance_m=distance, probability=0.5)
    with pytest.raises(ValueError, match="threshold_m"):
        C.integral_index_of_connectivity(A3, D3, threshold_m=distance)


def test_bad_inputs():
    with pytest.raises(ValueError, match="empty"):
        C.node_importance([], np.zeros((0, 0)), distance_m=1000, probability=0.5)
    with pytest.raises(ValueError, match="landscape_area_km2"):
        C.node_importance(A3, D3, distance_m=1000, probability=0.5, landscape_area_km2=3.9)
    with pytest.raises(ValueError, match="landscape_area_km2"):
        C.probability_of_connectivity(A3, D3, distance_m=1000, probability=0.5, landscape_area_km2=1.0)
    with pytest.raises(ValueError, match="shape"):
        C.node_importance(A3, D3[:2, :2], distance_m=1000, probability=0.5)
    bad = D3.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        C.node_importance(A3, bad, distance_m=1000, probability=0.5)
    with pytest.raises(ValueError, match="areas"):
        C.node_importance([1.0, -1.0, 1.0], D3, distance_m=1000, probability=0.5)
    with pytest.raises(ValueError, match="importance_breaks"):
        C.node_importance(A3, D3, distance_m=1000, probability=0.5, importance_breaks=(1.0, 0.5, 0.1))
    with pytest.raises(ValueError, match="probabilities"):
        C.max_product_probabilities([[1.0, 1.2], [1.2, 1.0]])
