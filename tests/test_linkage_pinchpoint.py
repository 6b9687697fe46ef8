"""Tests of Pinchpoint Mapper, width sweep and Centrality Mapper semantics (use ecnet_lab.circuit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from ecnet_lab.linkage import (
    centrality,
    classify_corridors,
    linkage_pathways,
    optimal_width,
    pinch_polygons,
    pinchpoints,
    width_sweep,
)


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
def hourglass():
    """A channel of resistance 1 whose half-height narrows from 10 cells to 2 at column 20."""
    rows, cols = 25, 41
    res = np.full((rows, cols), np.nan)
    centre = rows // 2
    for c in range(cols):
        half = round(2 + 8 * abs(c - 20) / 20)
        res[centre - half : centre + half + 1, c] = 1.0
    r = grid(res)
    lab = np.zeros(r.shape, dtype="int32")
    lab[:, 0:2] = 1
    lab[:, 39:41] = 2
    lab = np.where(np.isfinite(res), lab, 0)
    lp = linkage_pathways(r, r.copy(data=lab), width=1e6, progress=False)
    return r, lp


def test_pinch_point_lands_at_the_waist(hourglass):
    _r, lp = hourglass
    pp = pinchpoints(lp, progress=False)
    cur = pp.current.values
    assert np.isnan(cur[:, 0:2]).all()  # sources are NoData in the current map
    col_max = np.where(np.isfinite(cur), cur, -np.inf).max(axis=0)
    assert 18 <= int(np.nanargmax(col_max)) <= 22
    gdf = pinch_polygons(pp, lp.corridor_id, rule="quantile", q=0.95)
    assert len(gdf) >= 1
    top = gdf.sort_values("max_current").iloc[-1]
    assert 175.0 <= top.geometry.centroid.x <= 235.0  # column 20 is x = 205 m
    assert (gdf.corridor_id == 1).all()
    assert top.max_current == pytest.approx(np.nanmax(cur))
    assert top.area_km2 == pytest.approx(top.n_cells * 1e-4)
    # current is conserved: 1 A crosses every column between the sources
    assert pp.corridors.max_current.iloc[0] == pytest.approx(np.nanmax(cur))


def test_adjacent_mode_effective_resistance_and_squared():
    # a straight uniform strip 5 cells high, resistance 2: R_eff between the end columns
    res = np.full((5, 12), 2.0)
    r = grid(res)
    lab = np.zeros(r.shape, dtype="int32")
    lab[:, 0] = 1
    lab[:, 11] = 2
    lp = linkage_pathways(r, r.copy(data=lab), progress=False)
    pp = pinchpoints(lp, width=1e6, progress=False)
    # 11 layers between the columns; by symmetry the voltage is constant in a column, so a layer is
    # 5 straight edges of resistance 2 (mean of the two cells) and 8 diagonals of 2 * sqrt(2) in
    # parallel; Linkage Mapper reports the result times the cell size (10 m)
    layer = 1.0 / (5 / 2.0 + 8 / (2.0 * np.sqrt(2.0)))
    row = pp.corridors.iloc[0]
    assert row.eff_resistance == pytest.approx(11 * layer * 10, rel=1e-6)
    assert row.cwd_to_eff_resist_ratio == pytest.approx(row.lcd / row.eff_resistance)
    # node current = half the incident branch currents: every column between the sources passes 1 A
    np.testing.assert_allclose(np.nansum(pp.current.values[:, 1:11], axis=0), 1.0, rtol=1e-6)
    sq = pinchpoints(lp, width=1e6, squared=True, progress=False)
    assert sq.corridors.eff_resistance.iloc[0] == pytest.approx(2 * row.eff_resistance, rel=1e-6)


def test_cost_weighted_and_euclidean_widths():
    r = grid(np.ones((21, 30)))
    lab = np.zeros(r.shape, dtype="int32")
    lab[10, 0] = 1
    lab[10, 29] = 2
    lp = linkage_pathways(r, r.copy(data=lab), progress=False)
    narrow = pinchpoints(lp, width=20.0, progress=False)
    wide = pinchpoints(lp, width=200.0, progress=False)
    assert np.isfinite(wide.current.values).sum() > np.isfinite(narrow.current.values).sum()
    assert np.nanmax(wide.current.values) <= np.nanmax(narrow.current.values) + 1e-9
    eu = pinchpoints(lp, width=60.0, semantics="euclidean", progress=False)
    rows = np.flatnonzero(np.isfinite(eu.current.values[:, 15]))
    assert rows.min() == 7 and rows.max() == 13  # within 30 m of the straight path on row 10
    with pytest.raises(ValueError, match="width"):
        pinchpoints(lp, width=0.0, progress=False)
    with pytest.raises(ValueError, match="width is needed"):
        pinchpoints(lp, progress=False)
    with pytest.raises(ValueError, match="mode"):
        pinchpoints(lp, width=10.0, mode="one_to_one", progress=False)


@pytest.fixture(scope="module")
def three_sources():
    r = grid(np.ones((15, 40)))
    lab = np.zeros(r.shape, dtype="int32")
    lab[6:9, 0:2] = 1
    lab[6:9, 19:21] = 2
    lab[6:9, 38:40] = 3
    return r, linkage_pathways(r, r.copy(data=lab), width=40.0, progress=False)


def test_network_modes(three_sources):
    _r, lp = three_sources
    adj = pinchpoints(lp, mode="adjacent", progress=False)
    a2o = pinchpoints(lp, mode="all_to_one", progress=False)
    pw = pinchpoints(lp, mode="pairwise", progress=False)
    corridor = lp.corridor_id.values > 0
    for res in (adj, a2o, pw):
        finite = np.isfinite(res.current.values)
        assert not (finite & ~corridor).any()
        assert res.current.attrs["units"] == "A"
    # pairwise: 3 pairs; the pair 1-3 passes through source 2, so the corridor 1-2 carries the
    # current of pairs (1,2) and (1,3): 2 A cross each column (node currents add a little
    # where current also flows along the column inside the lens-shaped corridor)
    assert np.nansum(pw.current.values[:, 10]) == pytest.approx(2.0, rel=5e-3)
    assert np.nansum(adj.current.values[:, 10]) == pytest.approx(1.0, rel=5e-3)
    # all-to-one: each source in turn is the ground of 1 A from each other source: the
    # corridor 1-2 carries 1 A (1 -> 2) + 1 A (1 -> 3 grounded) + 2 A (2 and 3 -> 1 grounded)
    assert np.nansum(a2o.current.values[:, 10]) == pytest.approx(4.0, rel=5e-3)


def test_width_sweep_and_optimal_width(three_sources):
    _, lp = three_sources
    table = width_sweep(lp, [10.0, 20.0, 40.0, 80.0], progress=False)
    assert list(table.width) == [10.0, 20.0, 40.0, 80.0]
    assert table.current.is_monotonic_decreasing
    assert np.isnan(table.rate.iloc[-1])
    np.testing.assert_allclose(table.rate.iloc[:-1], np.abs(np.diff(table.current)) / np.diff(table.width))
    assert table.attrs["optimal_width"] == optimal_width(table)
    assert optimal_width(widths=[1, 2, 3, 4], values=[10, 5, 4.9, 2]) == 2.0
    assert optimal_width(widths=[1, 2, 3, 4], values=[10, 5, 4.9, 4.85], epsilon=0.2) == 2.0
    with pytest.raises(ValueError, match="strictly increasing"):
        width_sweep(lp, [20.0, 10.0], progress=False)
    with pytest.raises(ValueError, match="widths"):
        width_sweep(lp, [0.0, 10.0], progress=False)


def _reference_network_currents(edges, nodes):
    idx = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    lap = np.zeros((n, n))
    for a, b, rr in edges:
        g = 1.0 / rr
        i, j = idx[a], idx[b]
        lap[i, i] += g
        lap[j, j] += g
        lap[i, j] -= g
        lap[j, i] -= g
    pinv = np.linalg.pinv(lap)
    branch = np.zeros(len(edges))
    for s in range(n):
        for t in range(s + 1, n):
            rhs = np.zeros(n)
            rhs[s], rhs[t] = 1.0, -1.0
            v = pinv @ rhs
            for k, (a, b, rr) in enumerate(edges):
                branch[k] += abs(v[idx[a]] - v[idx[b]]) / rr
    return branch


def test_centrality_against_a_dense_reference():
    cor = pd.DataFrame(
        {
            "corridor_id": [1, 2, 3, 4, 5],
            "from_id": [1, 1, 2, 3, 4],
            "to_id": [2, 3, 3, 4, 5],
            "lcd": [100.0, 250.0, 120.0, 80.0, 300.0],
        }
    )
    res = centrality(cor, source_ids=[1, 2, 3, 4, 5, 6], progress=False)
    ref = _reference_network_currents(list(zip(cor.from_id, cor.to_id, cor.lcd, strict=True)), [1, 2, 3, 4, 5])
    np.testing.assert_allclose(res.corridors["current"].to_numpy(), ref, rtol=1e-6)
    assert res.nodes.loc[6, "cf_centrality"] == 0.0  # isolated source
    assert res.nodes.loc[6, "component"] != res.nodes.loc[1, "component"]


def test_centrality_path_graph_by_hand():
    cor = pd.DataFrame({"corridor_id": [1, 2], "from_id": [1, 2], "to_id": [2, 3], "lcd": [10.0, 30.0]})
    res = centrality(cor, progress=False)
    # pairs (1,2), (1,3), (2,3): each edge carries 1 A in two of them
    assert res.corridors["current"].tolist() == pytest.approx([2.0, 2.0])
    # the middle source passes the current of all three pairs
    nodes = res.nodes["cf_centrality"]
    assert nodes.loc[2] > nodes.loc[1] and nodes.loc[1] == pytest.approx(nodes.loc[3])


def test_classify_corridors():
    cor = pd.DataFrame({"current": [2.35, 8.29, 5.0, 4.0, 6.1, 3.3, np.nan]})
    out = classify_corridors(cor)
    assert out.corridor_class.iloc[1] == "key" and out.corridor_class.iloc[0] == "general"
    assert pd.isna(out.corridor_class.iloc[-1])
    counts = out.corridor_class.value_counts()
    assert counts["key"] == counts["general"] == 2
    nb = classify_corridors(cor, method="natural_breaks")
    assert nb.corridor_class.iloc[1] == "key"
    with pytest.raises(ValueError, match="column"):
        classify_corridors(cor, "flow")
