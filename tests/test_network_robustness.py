"""Robustness curves R = C / (N - N_r) and C / N under attacks, on textbook graphs with hand-derived values.

Row k of a node-attack curve is the state after removing k nodes (k = 0..N-1), x = k / N.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecnet_lab.network import (
    ATTACKS,
    EcologicalNetwork,
    attack,
    random_attack,
    robustness,
    robustness_curves,
    targeted_attack,
)

# (graph, recalculate) -> (largest-component sizes C_k, R_k = C_k / (N - k)), derived by hand
TARGETED = {
    # star: the hub goes first, then isolated leaves remain
    ("star4", False): (nx.star_graph(4), [5, 1, 1, 1, 1], [1, 1 / 4, 1 / 3, 1 / 2, 1]),
    ("star4", True): (nx.star_graph(4), [5, 1, 1, 1, 1], [1, 1 / 4, 1 / 3, 1 / 2, 1]),
    # P5 static order 1, 2, 3, 0, 4: {2,3,4} -> {3,4} -> single nodes
    ("path5", False): (nx.path_graph(5), [5, 3, 2, 1, 1], [1, 3 / 4, 2 / 3, 1 / 2, 1]),
    # P5 recalculated: 1 (deg 2), then 3 (deg 2 among {0},{2,3,4}), then 0, 2
    ("path5", True): (nx.path_graph(5), [5, 3, 1, 1, 1], [1, 3 / 4, 1 / 3, 1 / 2, 1]),
    # ring: static order 0..5 peels a path from one end, R stays 1
    ("ring6", False): (nx.cycle_graph(6), [6, 5, 4, 3, 2, 1], [1, 1, 1, 1, 1, 1]),
    # ring recalculated: 0, then 2 (first of the degree-2 nodes 2, 3, 4), then 4
    ("ring6", True): (nx.cycle_graph(6), [6, 5, 3, 1, 1, 1], [1, 1, 3 / 4, 1 / 3, 1 / 2, 1]),
    ("K5", False): (nx.complete_graph(5), [5, 4, 3, 2, 1], [1, 1, 1, 1, 1]),
    # two K4 joined by bridge 3-4: static order 3, 4, 0, 1, 2, 5, 6, 7
    ("two_K4_bridge", False): (
        nx.barbell_graph(4, 0),
        [8, 4, 3, 3, 3, 3, 2, 1],
        [1, 4 / 7, 3 / 6, 3 / 5, 3 / 4, 1, 1, 1],
    ),
    # recalculated order 3, 4, 0, 5, 1, 6, 2, 7
    ("two_K4_bridge", True): (
        nx.barbell_graph(4, 0),
        [8, 4, 3, 3, 2, 2, 1, 1],
        [1, 4 / 7, 3 / 6, 3 / 5, 2 / 4, 2 / 3, 1 / 2, 1],
    ),
}


@pytest.mark.parametrize("key", list(TARGETED), ids=[f"{k[0]}-{'recalc' if k[1] else 'static'}" for k in TARGETED])
def test_targeted_degree_curves(key):
    graph, lcc, r = TARGETED[key]
    res = targeted_attack(graph, "degree", recalculate=key[1])
    n = graph.number_of_nodes()
    curve = res.curve
    assert len(curve) == n
    np.testing.assert_array_equal(curve["removed"], np.arange(n))
    np.testing.assert_allclose(curve["fraction_removed"], np.arange(n) / n)
    np.testing.assert_array_equal(curve["lcc_size"], lcc)
    np.testing.assert_allclose(curve["R"], r, atol=1e-12)
    np.testing.assert_allclose(curve["lcc_fraction"], np.array(lcc) / n, atol=1e-12)
    assert res.n_runs == 1 and res.seed is None and res.recalculate is key[1]
    assert curve["last_removed"].iloc[0] is None
    assert curve["last_removed"].iloc[1:].tolist() == res.order[: n - 1]


def test_recalculated_orders():
    assert targeted_attack(nx.path_graph(5), recalculate=True).order == [1, 3, 0, 2, 4]
    assert targeted_attack(nx.barbell_graph(4, 0), recalculate=True).order == [3, 4, 0, 5, 1, 6, 2, 7]


def test_fits_by_hand():
    # star, lcc fraction y = [1, .2, .2, .2, .2] at x = 0, .2, .4, .6, .8: Sxx = .4, Sxy = -.32, Syy = .512
    star = targeted_attack(nx.star_graph(4))
    assert star.fit.loc["lcc_fraction", "slope"] == pytest.approx(-0.8)
    assert star.fit.loc["lcc_fraction", "intercept"] == pytest.approx(0.68)
    assert star.fit.loc["lcc_fraction", "r2"] == pytest.approx(0.32**2 / (0.4 * 0.512))
    assert star.fit.loc["lcc_fraction", "n_points"] == 5
    # R = [1, 1/4, 1/3, 1/2, 1]: rises again at the end -> slope +0.125
    assert star.slope == pytest.approx(0.125)
    # trapezoid area of lcc fraction: 0.2 * ((1 + .2)/2 + 3 * .2)
    assert star.fit.loc["lcc_fraction", "auc"] == pytest.approx(0.2 * (0.6 + 0.6))
    # P5 static R = [1, 3/4, 2/3, 1/2, 1]: Sxy = -0.05 -> slope -0.125
    path = targeted_attack(nx.path_graph(5))
    assert path.slope == pytest.approx(-0.125)
    # fit_range (0, 0.5) keeps x = 0, .2, .4: slope (-.2 * 1 + .2 * 2/3) / .08 = -5/6
    assert targeted_attack(nx.path_graph(5), fit_range=(0, 0.5)).slope == pytest.approx(-5 / 6)
    # constant R (complete graph): slope 0, r2 undefined
    k5 = targeted_attack(nx.complete_graph(5))
    assert k5.slope == 0.0 and np.isnan(k5.fit.loc["R", "r2"])
    assert k5.fit.loc["lcc_fraction", "slope"] == pytest.approx(-1.0)
    assert k5.fit.loc["lcc_fraction", "r2"] == pytest.approx(1.0)


def test_fit_matches_independent_regression():
    graph = nx.barbell_graph(5, 2)
    res = targeted_attack(graph)
    x, y = res.curve["fraction_removed"].to_numpy(), res.curve["R"].to_numpy()
    slope, intercept = np.polyfit(x, y, 1)
    r = np.corrcoef(x, y)[0, 1]
    assert res.slope == pytest.approx(slope, abs=1e-12)
    assert res.fit.loc["R", "intercept"] == pytest.approx(intercept, abs=1e-12)
    assert res.fit.loc["R", "r2"] == pytest.approx(r**2, abs=1e-12)


def test_betweenness_attacks():
    bridge = nx.barbell_graph(4, 0)
    static = targeted_attack(bridge, "betweenness")
    assert static.order == [3, 4, 0, 1, 2, 5, 6, 7]  # bridge ends, then ties by node order
    recalc = targeted_attack(bridge, "betweenness", recalculate=True)
    assert recalc.order[:2] == [3, 0]  # after removing 3 all betweenness is 0: lowest index next
    np.testing.assert_array_equal(recalc.curve["lcc_size"], [8, 4, 4, 4, 4, 3, 2, 1])


def test_betweenness_uses_weight():
    g = nx.Graph()
    g.add_edge(0, 1, lcd=1.0)
    g.add_edge(1, 2, lcd=1.0)
    g.add_edge(0, 2, lcd=5.0)
    g.add_edge(2, 3, lcd=1.0)
    # hops: only 2 is between others (pairs 0-3, 1-3); with lcd, 1 is too (0-2 and 0-3 go through 1): tie -> 1 first
    assert targeted_attack(g, "betweenness").order[:2] == [2, 0]
    assert targeted_attack(g, "betweenness", weight="lcd").order[:2] == [1, 2]


def test_edge_attacks():
    bridge = nx.barbell_graph(4, 0)
    res = targeted_attack(bridge, "betweenness", target="edges")
    m = bridge.number_of_edges()
    assert len(res.curve) == m + 1
    assert res.order[0] == (3, 4)
    assert res.curve["lcc_size"].iloc[1] == 4
    np.testing.assert_allclose(res.curve["R"], res.curve["lcc_fraction"])  # no node is removed
    np.testing.assert_allclose(res.curve["fraction_removed"], np.arange(m + 1) / m)
    assert res.curve["lcc_size"].iloc[-1] == 1
    recalc = targeted_attack(bridge, "betweenness", target="edges", recalculate=True)
    assert recalc.order[0] == (3, 4) and sorted(recalc.order) == sorted(res.order)


def test_random_edge_attack_on_star_is_deterministic():
    # removing any k edges of a star isolates k leaves: C = 5 - k whatever the order
    res = random_attack(nx.star_graph(4), target="edges", n_runs=30, seed=3)
    np.testing.assert_allclose(res.curve["lcc_size"], [5, 4, 3, 2, 1])
    np.testing.assert_allclose(res.curve["R_std"], 0, atol=1e-12)
    assert res.lcc_runs.shape == (30, 5)


def test_random_attack_matches_analytic_expectation():
    # star with hub 0: after k random removals the hub survives with probability 1 - k/5, then C = 5 - k,
    # else C = 1 -> E[C_k] = (1 - k/5)(5 - k) + k/5 and E[R_k] = E[C_k] / (5 - k)
    k = np.arange(5)
    expected_c = (1 - k / 5) * (5 - k) + k / 5
    expected_r = expected_c / (5 - k)
    res = random_attack(nx.star_graph(4), n_runs=2000, seed=11)
    se_c = res.lcc_runs.std(axis=0, ddof=1)[:5] / np.sqrt(2000)
    assert np.all(np.abs(res.curve["lcc_size"] - expected_c) <= 4 * se_c + 1e-12)
    assert np.all(np.abs(res.curve["R"] - expected_r) <= 4 * res.curve["R_se"] + 1e-12)


def test_random_attack_same_seed_identical_and_bands():
    graph = nx.barbell_graph(5, 3)
    a = random_attack(graph, n_runs=60, seed=7)
    b = random_attack(EcologicalNetwork(graph), n_runs=60, seed=7)
    c = random_attack(graph, n_runs=60, seed=8)
    pd.testing.assert_frame_equal(a.curve, b.curve)
    np.testing.assert_array_equal(a.lcc_runs, b.lcc_runs)
    assert not np.array_equal(a.lcc_runs, c.lcc_runs)
    curve = a.curve
    assert (curve["R_q025"] <= curve["R"] + 1e-12).all() and (curve["R"] <= curve["R_q975"] + 1e-12).all()
    np.testing.assert_allclose(curve["R_se"], curve["R_std"] / np.sqrt(60))
    np.testing.assert_allclose(curve["R_ci_low"], curve["R"] - 1.96 * curve["R_se"])
    np.testing.assert_allclose(curve["lcc_fraction_ci_high"], curve["lcc_fraction"] + 1.96 * curve["lcc_fraction_se"])
    # mean curve equals the mean over the stored runs
    n = graph.number_of_nodes()
    runs_r = a.lcc_runs / (n - np.arange(n))
    np.testing.assert_allclose(curve["R"], runs_r.mean(axis=0))
    np.testing.assert_allclose(a.fit.loc["R", "slope_run_mean"], a.slope, atol=1e-12)  # linear in y
    assert a.standard_error == pytest.approx(curve["R_se"].max())


def test_random_attack_converges():
    graph = nx.barbell_graph(6, 2)
    small = random_attack(graph, n_runs=100, seed=1)
    large = random_attack(graph, n_runs=1600, seed=2)
    inner = slice(2, graph.number_of_nodes() - 2)
    ratio = (large.curve["R_se"].iloc[inner] / small.curve["R_se"].iloc[inner]).median()
    assert ratio == pytest.approx(0.25, rel=0.2)  # SE ~ 1/sqrt(n_runs): sqrt(100/1600)
    # two independent estimates of the mean curve agree within their combined standard errors
    diff = (large.curve["R"] - small.curve["R"]).abs()
    tol = 4 * np.sqrt(large.curve["R_se"] ** 2 + small.curve["R_se"] ** 2) + 1e-12
    assert (diff <= tol).all()


def test_attribute_attacks():
    g = nx.path_graph(4)
    nx.set_node_attributes(g, {0: 9.0, 1: 1.0, 2: 5.0, 3: 2.0}, "area_km2")
    assert targeted_attack(g, "attribute", attribute="area_km2").order == [0, 2, 3, 1]
    assert targeted_attack(g, "attribute", attribute="area_km2", ascending=True).order == [1, 3, 2, 0]
    nx.set_edge_attributes(g, {(0, 1): 0.1, (1, 2): 3.0, (2, 3): 1.0}, "current")
    res = targeted_attack(g, "attribute", target="edges", attribute="current")
    assert res.order == [(1, 2), (2, 3), (0, 1)]
    np.testing.assert_array_equal(res.curve["lcc_size"], [4, 2, 2, 1])
    with pytest.raises(ValueError, match=r"attribute='dPC'.*lack a finite numeric value"):
        targeted_attack(g, "attribute", attribute="dPC")


def test_robustness_registry_and_curves_frame():
    res = robustness(nx.cycle_graph(6), list(ATTACKS), n_runs=20, seed=0)
    assert set(res) == set(ATTACKS)
    assert res["edge_random"].target == "edges" and res["degree_recalculated"].recalculate
    frame = robustness_curves(res)
    assert set(frame["attack"]) == set(ATTACKS)
    assert len(frame[frame["attack"] == "degree"]) == 6 and len(frame[frame["attack"] == "edge_random"]) == 7
    assert {"R_ci_low", "R_q975", "lcc_fraction_se"} <= set(frame.columns)
    assert frame.loc[frame["attack"] == "degree", "R_se"].isna().all()
    summary = res["random"].summary()
    assert summary["n_runs"] == 20 and "slope_R" in summary and "r2_lcc_fraction" in summary


def test_single_node_network():
    res = targeted_attack(nx.empty_graph(1))
    assert res.curve["R"].tolist() == [1.0]
    assert np.isnan(res.slope)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategy": "closeness"}, "strategy='closeness'"),
        ({"strategy": "degree", "target": "edges"}, "strategy='degree'"),
        ({"target": "links"}, "target='links'"),
        ({"strategy": "random", "recalculate": True}, "recalculate=True"),
        ({"strategy": "attribute"}, "needs attribute="),
        ({"strategy": "degree", "attribute": "x"}, "only used with strategy='attribute'"),
        ({"n_runs": 0}, "n_runs=0"),
        ({"seed": -1}, "seed=-1"),
        ({"fit_range": (0.5, 0.2)}, "fit_range"),
        ({"fit_range": "all"}, "fit_range"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        attack(nx.path_graph(4), **kwargs)


def test_bad_graphs():
    with pytest.raises(ValueError, match="empty"):
        random_attack(nx.Graph())
    with pytest.raises(TypeError, match="undirected simple"):
        targeted_attack(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="not a targeted attack"):
        targeted_attack(nx.path_graph(3), "random")
    with pytest.raises(ValueError, match="attacks='cascade'"):
        robustness(nx.path_graph(3), ["cascade"])
