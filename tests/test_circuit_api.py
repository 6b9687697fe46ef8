"""Python API of ecnet_lab.circuit: outputs, options, solver selection and bad input."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401 - registers the .rio accessor
import xarray as xr
from shapely.geometry import Point, box

import ecnet_lab.circuit as circuit
from ecnet_lab.circuit import (
    SolverError,
    advanced,
    all_to_one,
    available_solvers,
    make_solver,
    network_advanced,
    network_pairwise,
    one_to_all,
    pairwise,
)
from ecnet_lab.circuit.graph import build_raster_graph, check_memory, estimate_memory
from ecnet_lab.circuit.solvers import IllConditionedWarning


def grid(values, res=30.0, crs="EPSG:32650"):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000 + res * (np.arange(ny)[::-1] + 0.5), "x": 500 + res * (np.arange(nx) + 0.5)},
        name="resistance",
        attrs={"units": "1"},
    )
    return da.rio.write_crs(crs) if crs else da


@pytest.fixture
def landscape():
    rng = np.random.default_rng(3)
    r = np.exp(rng.normal(0, 1, size=(12, 15)))
    r[5, 3:9] = np.nan
    f = np.zeros_like(r)
    f[0, 0] = 1
    f[11, 14] = 2
    f[0, 14] = 3
    f[6:8, 6:8] = 4  # a focal region
    return grid(r), grid(f)


# ----------------------------------------------------------------------------------------
# outputs
# ----------------------------------------------------------------------------------------
def test_pairwise_result_structure(landscape):
    r, f = landscape
    before = r.values.copy()
    out = pairwise(r, f, solver="splu", write_current_maps=True, write_voltage_maps=True, max_map=True, progress=False)
    assert list(out.resistances.index) == [1, 2, 3, 4] == list(out.resistances.columns)
    assert np.all(np.diag(out.resistances.to_numpy()) == 0)
    assert set(out.current_maps) == {(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)}
    cum = out.cumulative_current
    assert cum.attrs["units"] == "A" and "long_name" in cum.attrs
    assert cum.rio.crs == r.rio.crs and cum.dims == ("y", "x")
    np.testing.assert_array_equal(cum.x, r.x)
    assert np.all(np.isnan(cum.values[5, 3:9])) and np.all(np.isfinite(cum.values[np.isfinite(before)]))
    assert out.voltage_maps[(1, 2)].attrs["units"] == "V"
    assert out.n_solves == 3  # n - 1 solves for 4 focal nodes in one component
    np.testing.assert_array_equal(r.values, before)  # input untouched
    three = out.resistances_3columns()
    assert list(three.columns) == ["from", "to", "resistance"] and len(three) == 6


def test_superposition_uses_n_minus_one_solves():
    r = grid(np.ones((20, 20)))
    f = np.zeros((20, 20))
    for k, (i, j) in enumerate([(0, 0), (19, 19), (0, 19), (19, 0), (10, 10), (5, 15)], start=1):
        f[i, j] = k
    out = pairwise(r, grid(f), solver="splu", progress=False)
    assert out.n_solves == 5  # not 15 pair solves


def test_disconnected_pairs_are_minus_one():
    r = np.ones((5, 7))
    r[:, 3] = np.nan
    f = np.zeros((5, 7))
    f[0, 0], f[4, 2], f[2, 6] = 1, 2, 3
    out = pairwise(grid(r), grid(f), solver="splu", progress=False)
    res = out.resistances
    assert res.loc[1, 3] == -1 and res.loc[2, 3] == -1 and res.loc[1, 2] > 0


def test_included_and_excluded_pairs(landscape):
    r, f = landscape
    full = pairwise(r, f, solver="splu", progress=False).resistances
    inc = pairwise(r, f, solver="splu", included_pairs=[(1, 2), (3, 4)], progress=False).resistances
    assert inc.loc[1, 2] == pytest.approx(full.loc[1, 2]) and inc.loc[3, 4] == pytest.approx(full.loc[3, 4])
    assert np.isnan(inc.loc[1, 3]) and np.isnan(inc.loc[3, 1])
    exc = pairwise(r, f, solver="splu", excluded_pairs=[(1, 2)], progress=False).resistances
    assert np.isnan(exc.loc[1, 2]) and exc.loc[1, 3] == pytest.approx(full.loc[1, 3])
    with pytest.raises(ValueError, match="not among the focal ids"):
        pairwise(r, f, solver="splu", included_pairs=[(1, 9)], progress=False)


def test_conductance_input_and_mask(landscape):
    r, f = landscape
    a = pairwise(r, f, solver="splu", progress=False).resistances
    b = pairwise(1.0 / r, f, is_conductance=True, solver="splu", progress=False).resistances
    pd.testing.assert_frame_equal(a, b)
    mask = xr.ones_like(r)
    mask.values[:10, 10] = 0
    c = pairwise(r, f, mask=mask, solver="splu", progress=False)
    assert np.all(np.isnan(c.cumulative_current.values[:10, 10]))
    assert c.resistances.loc[1, 2] > a.loc[1, 2]


def test_short_circuit_polygons_lower_resistance():
    r = grid(np.ones((6, 10)))
    f = np.zeros((6, 10))
    f[3, 0], f[3, 9] = 1, 2
    poly = np.zeros((6, 10))
    poly[1:5, 2:8] = 1
    base = pairwise(r, grid(f), solver="splu", progress=False).resistances.loc[1, 2]
    short = pairwise(r, grid(f), polygons=grid(poly), solver="splu", progress=False).resistances.loc[1, 2]
    assert short < base


def test_focal_inputs_xy_and_geodataframe(landscape):
    r, _ = landscape
    xs, ys = r.x.values, r.y.values
    pts = [(xs[0], ys[0]), (xs[14], ys[11])]
    a = pairwise(r, pts, solver="splu", progress=False).resistances
    gdf = gpd.GeoDataFrame({"id": [7, 9]}, geometry=[Point(*pts[0]), Point(*pts[1])], crs=r.rio.crs)
    b = pairwise(r, gdf, solver="splu", progress=False).resistances
    assert a.iloc[0, 1] == pytest.approx(b.loc[7, 9])
    polys = gpd.GeoDataFrame(
        {"id": [1, 2]},
        geometry=[
            box(xs[0] - 15, ys[1] - 15, xs[1] + 15, ys[0] + 15),
            box(xs[13] - 15, ys[11] - 15, xs[14] + 15, ys[10] + 15),
        ],
        crs=r.rio.crs,
    )
    c = pairwise(r, polys, solver="splu", progress=False).resistances
    assert 0 < c.loc[1, 2] < a.iloc[0, 1]  # 2x2 regions are short-circuited


def test_one_to_all_and_all_to_one(landscape):
    r, f = landscape
    o = one_to_all(r, f, solver="splu", write_current_maps=True, max_map=True, progress=False)
    assert o.mode == "one-to-all" and list(o.resistances.index) == [1, 2, 3, 4]
    assert np.all(o.resistances > 0)
    np.testing.assert_allclose(
        o.cumulative_current.values, np.sum([m.values for m in o.current_maps.values()], axis=0), equal_nan=True
    )
    s = one_to_all(r, f, solver="splu", source_strengths={1: 2.0}, progress=False)
    assert s.resistances[1] == pytest.approx(o.resistances[1])  # resistance is v / strength
    a = all_to_one(r, f, solver="splu", write_current_maps=True, progress=False)
    assert a.mode == "all-to-one" and np.all(a.resistances == 0)
    assert a.cumulative_current.attrs["units"] == "A"


def test_advanced_policies():
    c = {"y": [1.5, 0.5], "x": [0.5, 1.5, 2.5]}
    r = xr.DataArray(np.ones((2, 3)), dims=("y", "x"), coords=c)
    src = xr.DataArray([[1.0, 0, 0], [0, 0, 1.0]], dims=("y", "x"), coords=c)
    gnd = xr.DataArray([[np.nan, np.nan, 1.0], [np.nan, np.nan, 1.0]], dims=("y", "x"), coords=c)
    keep = advanced(r, src, gnd, solver="splu")
    rm = advanced(r, src, gnd, solver="splu", remove_src_or_gnd="rmvsrc")
    assert keep.voltage.values[0, 0] > rm.voltage.values[0, 0]
    assert keep.current.attrs["units"] == "A"
    with pytest.raises(ValueError, match="remove_src_or_gnd"):
        advanced(r, src, gnd, remove_src_or_gnd="drop")
    direct = advanced(r, src, gnd, solver="splu", direct_grounding=True)
    assert direct.voltage.values[0, 2] == 0.0


def test_network_modes():
    g = nx.Graph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("b", "c", weight=1.0)
    g.add_edge("a", "c", weight=2.0)
    g.add_node("z")
    out = network_pairwise(
        g, ["a", "c"], solver="splu", write_voltage_maps=True, write_current_maps=True, progress=False
    )
    assert out.resistances.loc["a", "c"] == pytest.approx(1.0)
    br = out.branch_currents.set_index(["node1", "node2"])["current_A"]
    assert br[("a", "c")] == pytest.approx(0.5) and br[("a", "b")] == pytest.approx(0.5)
    assert out.voltages[("a", "c")]["a"] == pytest.approx(0.0)
    adv = network_advanced(g, {"a": 1.0}, {"c": 0.0}, solver="splu")
    assert adv.voltages["a"] == pytest.approx(1.0) and adv.voltages["z"] == 0.0
    with pytest.raises(ValueError, match="not nodes of the graph"):
        network_pairwise(g, ["a", "q"], progress=False)
    with pytest.raises(ValueError, match="zero resistances"):
        network_pairwise(np.array([[0, 1, 0.0], [1, 2, 1.0]]), [0, 2], progress=False)


# ----------------------------------------------------------------------------------------
# solvers
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", [*available_solvers(), "direct"])
def test_every_solver_agrees(landscape, solver):
    r, f = landscape
    ref = pairwise(r, f, solver="splu", progress=False)
    out = pairwise(r, f, solver=solver, progress=False)
    np.testing.assert_allclose(out.resistances.to_numpy(), ref.resistances.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(out.cumulative_current.values, ref.cumulative_current.values, rtol=1e-6, atol=1e-9)


def test_unknown_solver_is_an_error(landscape):
    r, f = landscape
    with pytest.raises(ValueError, match="solver='magic' is not allowed"):
        pairwise(r, f, solver="magic")
    with pytest.raises(ValueError, match="not allowed"):
        make_solver("gmres")


def test_cholmod_missing_names_the_extra(monkeypatch):
    monkeypatch.setattr(circuit.solvers, "cholmod_available", lambda: False)
    with pytest.raises(ImportError, match=r"ecnet-lab\[cholmod\]"):
        make_solver("cholmod")
    assert "cholmod" not in circuit.solvers.available_solvers()


def test_solver_interface_prepare_once_solve_many():
    rg = build_raster_graph(np.ones((4, 4)), four_neighbors=True)
    comp = rg.graph.component(0)
    removed = np.zeros(comp.n, dtype=bool)
    removed[0] = True
    mat, _ = comp.laplacian(removed)
    for name in available_solvers():
        s = make_solver(name).prepare(mat)
        b = np.eye(mat.shape[0])[:, :3]
        x = s.solve(b)
        np.testing.assert_allclose(mat @ x, b, atol=1e-9)
        np.testing.assert_allclose(s.solve(b[:, 0]), x[:, 0])


def test_ill_conditioned_problem_warns_or_fails_clearly():
    rng = np.random.default_rng(0)
    r = 10.0 ** rng.integers(0, 16, size=(11, 11)).astype(float)
    r[5, :] = 1e15
    r[:, 5] = 1e15
    f = np.zeros((11, 11))
    f[1, 1], f[9, 9], f[1, 9] = 1, 2, 3
    with pytest.warns(IllConditionedWarning, match="ratio"):
        try:
            pairwise(grid(r), grid(f), solver="splu", progress=False)
        except SolverError as exc:
            assert "ratio" in str(exc) and "ill-conditioned" in str(exc)


# ----------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------
def test_zero_or_negative_resistance_is_rejected(landscape):
    r, f = landscape
    for bad in (0.0, -2.0):
        rr = r.copy()
        rr.values[2, 2] = bad
        with pytest.raises(ValueError, match="resistance"):
            pairwise(rr, f, progress=False)
    cond = 1.0 / r
    cond.values[2, 2] = 0.0  # zero conductance = no connection: allowed
    out = pairwise(cond, f, is_conductance=True, solver="splu", progress=False)
    assert np.isfinite(out.resistances.to_numpy()).all()
    cond.values[2, 2] = -1.0
    with pytest.raises(ValueError, match="negative"):
        pairwise(cond, f, is_conductance=True, progress=False)


def test_focal_outside_grid_or_on_nodata(landscape):
    r, f = landscape
    with pytest.raises(ValueError, match="outside the grid"):
        pairwise(r, [(0.0, 0.0), (float(r.x[3]), float(r.y[3]))], progress=False)
    ff = f.copy()
    ff.values[5, 4] = 9  # a nodata cell
    with pytest.raises(ValueError, match=r"focal ids \[9\] lie only on nodata"):
        pairwise(r, ff, progress=False)


def test_fewer_than_two_focal_nodes(landscape):
    r, f = landscape
    one = f.where(f == 1, 0.0)
    with pytest.raises(ValueError, match="at least 2 focal ids"):
        pairwise(r, one, progress=False)
    with pytest.raises(ValueError, match="at least 2 focal ids"):
        one_to_all(r, one, progress=False)


def test_mismatched_grids(landscape):
    r, f = landscape
    with pytest.raises(ValueError, match="not on the grid"):
        pairwise(r, f.isel(x=slice(1, None)), progress=False)
    with pytest.raises(ValueError, match="not on the grid"):
        pairwise(r, f, mask=f.isel(y=slice(1, None)), progress=False)


def test_bad_options(landscape):
    r, f = landscape
    with pytest.raises(ValueError, match="focal_regions"):
        pairwise(r, f, focal_regions="some", progress=False)
    with pytest.raises(TypeError):
        pairwise(r.values, f, progress=False)
    with pytest.raises(ValueError, match="non-integer"):
        pairwise(r, f * 0.5, progress=False)


def test_memory_estimate_refuses_clearly(landscape):
    r, f = landscape
    with pytest.raises(MemoryError, match=r"GiB.*limit"):
        pairwise(r, f, max_memory_gb=1e-6, progress=False)
    est = estimate_memory(10_000_000, 40_000_000, n_vectors=20, solver="cholmod")
    with pytest.raises(MemoryError, match="max_memory_gb=1"):
        check_memory(est, 1)
    assert estimate_memory(1000, 4000) < estimate_memory(10_000, 40_000)
