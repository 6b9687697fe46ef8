"""Comparison of networks (before/after, scenarios): tidy table, change vs baseline, plot-ready curves."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecnet_lab.network import (
    EcologicalNetwork,
    compare_networks,
    random_attack,
    structure_indices,
    targeted_attack,
    topology_table,
)


@pytest.fixture(scope="module")
def networks():
    ring = nx.cycle_graph(6)
    chord = nx.Graph([*ring.edges, (0, 3)])  # "after": one added corridor
    return {"before": ring, "after": EcologicalNetwork(chord, name="PFO")}


@pytest.fixture(scope="module")
def comparison(networks):
    return compare_networks(networks, attacks=["random", "degree"], n_runs=40, seed=5, baseline="before")


def test_tidy_table(comparison, networks):
    table = comparison.table
    assert list(table.columns) == ["scenario", "group", "metric", "value", "change"]
    assert list(dict.fromkeys(table["scenario"])) == ["before", "after"]
    assert not table.duplicated(["scenario", "metric"]).any()
    value = table.set_index(["scenario", "metric"])["value"]
    # structure: ring l=6 v=6 -> alpha 1/7, gamma 1/2; with the chord l=7 -> alpha 2/7, gamma 7/12
    assert value[("before", "alpha")] == pytest.approx(1 / 7)
    assert value[("after", "alpha")] == pytest.approx(2 / 7)
    assert value[("after", "gamma")] == pytest.approx(7 / 12)
    assert value[("after", "l")] == 7
    assert value[("after", "mean_betweenness")] == pytest.approx(
        topology_table(networks["after"])["betweenness"].mean()
    )
    assert value[("before", "density")] == pytest.approx(6 / 15)
    # robustness entries equal the stand-alone functions with the same seed
    rnd = random_attack(networks["after"], n_runs=40, seed=5)
    assert value[("after", "random_slope_R")] == pytest.approx(rnd.slope)
    assert value[("after", "random_se_max_R")] == pytest.approx(rnd.standard_error)
    deg = targeted_attack(networks["before"])
    assert value[("before", "degree_slope_lcc_fraction")] == pytest.approx(deg.fit.loc["lcc_fraction", "slope"])
    assert value[("before", "degree_r2_lcc_fraction")] == pytest.approx(deg.fit.loc["lcc_fraction", "r2"])
    assert set(table["group"]) == {"structure", "graph", "topology", "robustness"}


def test_change_against_baseline(comparison):
    table = comparison.table.set_index(["scenario", "metric"])
    assert (table.loc["before", "change"].dropna() == 0).all()
    # gamma 0.5 -> 7/12: +1/6; a slope -0.90 -> -0.68 style change is (new - old) / |old|
    assert table.loc[("after", "gamma"), "change"] == pytest.approx((7 / 12 - 0.5) / 0.5)
    old = table.loc[("before", "degree_slope_lcc_fraction"), "value"]
    new = table.loc[("after", "degree_slope_lcc_fraction"), "value"]
    assert table.loc[("after", "degree_slope_lcc_fraction"), "change"] == pytest.approx((new - old) / abs(old))
    assert np.isnan(table.loc[("after", "mean_clustering"), "change"])  # baseline 0: undefined


def test_wide_table_and_curves(comparison):
    wide = comparison.wide_table()
    assert list(wide.columns) == ["before", "after"]
    assert wide.loc[("structure", "beta"), "after"] == pytest.approx(7 / 6)
    curves = comparison.curves
    assert curves.index.name == "fraction_removed" and len(curves) == 101
    assert curves.columns.names == ["quantity", "scenario", "attack"]
    assert set(curves.columns.get_level_values("attack")) == {"random", "degree"}
    # at grid points that are curve points, the wide frame reproduces the curve exactly
    deg = comparison.attacks["before"]["degree"].curve.set_index("fraction_removed")
    for x in (0.0, 0.5):
        assert curves.loc[curves.index[np.isclose(curves.index, x)][0], ("lcc_fraction", "before", "degree")] == (
            pytest.approx(deg.loc[deg.index[np.isclose(deg.index, x)][0], "lcc_fraction"])
        )
    # no extrapolation beyond the last state (5 of 6 nodes removed)
    assert curves[("R", "before", "degree")].loc[0.9:].isna().all()
    long = comparison.curves_long
    assert set(long["scenario"]) == {"before", "after"}
    assert {"R_ci_low", "R_ci_high"} <= set(long.columns)
    assert len(long[(long["scenario"] == "after") & (long["attack"] == "random")]) == 6


def test_structure_options_are_passed(networks):
    comp = compare_networks(networks, attacks=["degree"], formula="nonplanar")
    alpha = comp.table.set_index(["scenario", "metric"]).loc[("before", "alpha"), "value"]
    assert alpha == pytest.approx(structure_indices(networks["before"], formula="nonplanar")["alpha"])
    assert "change" not in comp.table.columns


def test_small_network_gives_nan_not_crash():
    comp = compare_networks({"pair": nx.path_graph(2), "trio": nx.path_graph(3)}, attacks=["degree"])
    value = comp.table.set_index(["scenario", "metric"])["value"]
    assert np.isnan(value[("pair", "alpha")]) and value[("pair", "beta")] == 0.5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"networks": {}}, ValueError, "non-empty mapping"),
        ({"networks": [nx.path_graph(3)]}, ValueError, "non-empty mapping"),
        ({"attacks": ["cascade"]}, ValueError, "attacks='cascade'"),
        ({"baseline": "2030"}, ValueError, "baseline='2030'"),
        ({"grid_points": 1}, ValueError, "grid_points=1"),
        ({"formula": "3d"}, ValueError, "formula='3d'"),
        ({"networks": {"a": nx.Graph()}}, ValueError, "empty"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"networks": {"a": nx.path_graph(4)}, "attacks": ["degree"], **kwargs}
    with pytest.raises(error, match=match):
        compare_networks(**args)


def test_wide_table_is_a_frame(comparison):
    assert isinstance(comparison.wide_table(), pd.DataFrame)
