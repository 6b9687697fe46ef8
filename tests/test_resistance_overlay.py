"""Weighted overlay: hand computations on small grids, nodata, grids, derived inputs, weights, contributions."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401 - registers .rio
import xarray as xr
from shapely.geometry import LineString

from ecnet_lab.resistance import (
    build_resistance,
    contributions,
    factor_contributions,
    grade_factors,
    resolve_weights,
)

RES = 30.0


def raster(values, *, crs="EPSG:32650", dtype=None, x0=500_000.0, y0=4_000_000.0, res=RES, name=None):
    v = np.asarray(values, dtype=dtype)
    ny, nx = v.shape
    da = xr.DataArray(
        v,
        dims=("y", "x"),
        coords={"y": y0 - res * (np.arange(ny) + 0.5), "x": x0 + res * (np.arange(nx) + 0.5)},
        name=name,
    )
    return da.rio.write_crs(crs)


LULC = raster([[2, 2, 6], [4, 1, 6]], dtype="uint8")
DEM = raster([[450.0, 120.0, 30.0], [80.0, np.nan, 5.0]])
SPEC = {
    "name": "hand",
    "factors": [
        {
            "name": "lulc",
            "layer": "lulc",
            "weight": 0.5,
            "grading": {
                "type": "categorical",
                "table": [
                    {"values": [1], "score": 10},
                    {"values": [2], "score": 15},
                    {"values": [4], "score": 60},
                    {"values": [6], "score": 100},
                ],
            },
        },
        {
            "name": "dem",
            "layer": "dem",
            "weight": 0.5,
            "grading": {"type": "breaks", "breaks": [99, 225], "scores": [20, 40, 60]},
        },
    ],
}


def test_overlay_equals_hand_computation():
    before = (LULC.copy(deep=True), DEM.copy(deep=True))
    r = build_resistance(SPEC, {"lulc": LULC, "dem": DEM})
    lulc_s = np.array([[15, 15, 100], [60, 10, 100]])
    dem_s = np.array([[60, 40, 20], [20, np.nan, 20]])
    np.testing.assert_allclose(r.values, 0.5 * lulc_s + 0.5 * dem_s, equal_nan=True)
    assert np.isnan(r.values[1, 1])  # nodata propagates
    assert np.nanmin(r.values) > 0
    assert r.name == "resistance" and r.attrs["units"] == "1" and "long_name" in r.attrs
    assert json.loads(r.attrs["spec"])["name"] == "hand"
    assert json.loads(r.attrs["weights"]) == {"lulc": 0.5, "dem": 0.5}
    assert r.attrs["actual_range"] == [27.5, 60.0]
    assert r.rio.crs == LULC.rio.crs and r.dims == ("y", "x")
    np.testing.assert_array_equal(r.x, LULC.x)
    xr.testing.assert_identical(LULC, before[0])
    xr.testing.assert_identical(DEM, before[1])


def test_dataset_input_and_declared_nodata():
    lulc = LULC.copy()
    lulc.values[0, 0] = 255
    lulc = lulc.rio.write_nodata(255)
    r = build_resistance(SPEC, xr.Dataset({"lulc": lulc, "dem": DEM}))
    assert np.isnan(r.values[0, 0]) and np.isfinite(r.values[0, 1])


def test_missing_class_names_factor():
    lulc = LULC.copy()
    lulc.values[0, 0] = 3
    with pytest.raises(ValueError, match=r"factor 'lulc': class code\(s\) 3 \(1 cells\)"):
        build_resistance(SPEC, {"lulc": lulc, "dem": DEM})


def test_missing_layer_names_factor():
    with pytest.raises(ValueError, match=r"factor 'dem': layer 'dem' is not among the input layers \['lulc'\]"):
        build_resistance(SPEC, {"lulc": LULC})


def test_different_grids_raise_or_align():
    shifted = raster(DEM.values, x0=500_000.0 + RES)
    with pytest.raises(ValueError, match=r"factor 'dem': layer 'dem' is not on the template grid.*align"):
        build_resistance(SPEC, {"lulc": LULC, "dem": shifted})
    fine = raster(np.repeat(np.repeat(np.nan_to_num(DEM.values, nan=100.0), 2, 0), 2, 1), res=RES / 2)
    r = build_resistance(SPEC, {"lulc": LULC, "dem": fine}, align=True)
    assert r.shape == LULC.shape and np.all(np.isfinite(r.values))


def test_bad_weights_in_spec_name_factors():
    bad = json.loads(json.dumps(SPEC))
    bad["factors"][1]["weight"] = 0.6
    with pytest.raises(ValueError, match=r"sum to 1.*lulc=0.5, dem=0.6"):
        build_resistance(bad, {"lulc": LULC, "dem": DEM})


def test_ndvi_and_distance_derivations():
    nir = raster([[0.5, 0.3, 0.0], [0.4, 0.2, 0.25]])
    red = raster([[0.1, 0.3, 0.0], [0.1, 0.1, 0.05]])
    rail = raster([[0, 0, 0], [0, 0, 1]], dtype="uint8")
    spec = {
        "name": "derived",
        "factors": [
            {
                "name": "ndvi",
                "derive": {"kind": "normalized_difference", "a": "nir", "b": "red"},
                "weight": 0.5,
                "grading": {"type": "breaks", "breaks": [0.5], "scores": [10, 50], "direction": "decreasing"},
            },
            {
                "name": "rail",
                "derive": {"kind": "distance", "features": "rail"},
                "weight": 0.5,
                "grading": {"type": "breaks", "breaks": [45], "scores": [1, 2], "direction": "decreasing"},
            },
        ],
    }
    ds = grade_factors(spec, {"nir": nir, "red": red, "rail": rail})
    ndvi = np.array([[0.4 / 0.6, 0.0, np.nan], [0.3 / 0.5, 0.1 / 0.3, 0.2 / 0.3]])
    expected_ndvi = np.where(np.isnan(ndvi), np.nan, np.where(ndvi > 0.5, 10.0, 50.0))
    np.testing.assert_array_equal(ds["ndvi"].values, expected_ndvi)
    dist = np.hypot(*np.meshgrid(np.arange(3) - 2, np.arange(2) - 1)[::-1]) * RES  # (dy, dx) in metres
    np.testing.assert_array_equal(ds["rail"].values, np.where(dist <= 45, 2.0, 1.0))
    # the same railway as a vector line gives the same distances
    x, y = float(rail.x[2]), float(rail.y[1])
    line = gpd.GeoDataFrame(geometry=[LineString([(x - 1, y), (x + 1, y)])], crs="EPSG:32650")
    ds2 = grade_factors(spec, {"nir": nir, "red": red, "rail": line})
    np.testing.assert_array_equal(ds2["rail"].values, ds["rail"].values)
    # no feature cells: everything is 'far', with a warning naming the factor
    with pytest.warns(UserWarning, match="factor 'rail'.*no feature cells"):
        ds3 = grade_factors(spec, {"nir": nir, "red": red, "rail": rail * 0})
    assert np.all(ds3["rail"].values == 1.0)


def _two_factor_scores():
    rng = np.random.default_rng(1)
    a = raster(rng.random((20, 30)) * 100)
    b = raster(rng.random((20, 30)) ** 3 * 100)
    layers = {"a": a, "b": b}
    grading = {"type": "natural_breaks", "scores": [1, 2, 3, 4, 5]}
    factors = [{"name": "a", "layer": "a", "grading": grading}, {"name": "b", "layer": "b", "grading": grading}]
    return layers, factors


def test_ahp_entropy_and_combined_weighting_in_specs():
    from ecnet_lab.resistance import ahp_weights, combined_weights, entropy_weights

    layers, factors = _two_factor_scores()
    m = [[1, 3], [1 / 3, 1]]
    r_ahp = build_resistance({"name": "x", "factors": factors, "weighting": {"method": "ahp", "matrix": m}}, layers)
    w_ahp = ahp_weights(m).weights.to_numpy()
    scores = grade_factors({"name": "x", "factors": factors, "weighting": {"method": "ahp", "matrix": m}}, layers)
    np.testing.assert_allclose(r_ahp.values, w_ahp[0] * scores["a"].values + w_ahp[1] * scores["b"].values)
    info = json.loads(r_ahp.attrs["weighting"])
    assert info["ahp"]["cr"] == 0.0 and info["weights"]["a"] == pytest.approx(0.75)

    spec_e = {"name": "x", "factors": factors, "weighting": {"method": "entropy"}}
    w_e, info_e = resolve_weights(spec_e, scores)
    table = np.stack([scores["a"].values.ravel(), scores["b"].values.ravel()], axis=1)
    np.testing.assert_allclose(list(w_e.values()), entropy_weights(table).to_numpy())
    assert info_e["entropy_observations"] == 600

    spec_c = {"name": "x", "factors": factors, "weighting": {"method": "combined", "matrix": m}}
    w_c, _ = resolve_weights(spec_c, scores)
    np.testing.assert_allclose(list(w_c.values()), combined_weights(w_ahp, entropy_weights(table)).to_numpy())
    r_c = build_resistance(spec_c, layers)
    np.testing.assert_allclose(r_c.values, w_c["a"] * scores["a"].values + w_c["b"] * scores["b"].values)


def test_contributions_sum_to_resistance_and_name_the_dominant_factor():
    r = build_resistance(SPEC, {"lulc": LULC, "dem": DEM})
    c = factor_contributions(SPEC, {"lulc": LULC, "dem": DEM})
    np.testing.assert_allclose(c["lulc"] + c["dem"], r.values, equal_nan=True)
    np.testing.assert_allclose(c["resistance"], r.values, equal_nan=True)
    # cell (0, 0): lulc 7.5 vs dem 30 -> dem; (0, 2): 50 vs 10 -> lulc; (1, 1): nodata -> -1
    assert c["dominant_factor"].values.tolist() == [[1, 1, 0], [0, -1, 0]]
    assert c["dominant_factor"].attrs["flag_meanings"] == "lulc dem"
    scores = grade_factors(SPEC, {"lulc": LULC, "dem": DEM})
    c2 = contributions(scores, {"lulc": 0.5, "dem": 0.5})
    xr.testing.assert_allclose(c2["lulc"], c["lulc"])
    with pytest.raises(ValueError, match="not in the scores"):
        contributions(scores, {"lulc": 0.5, "slope": 0.5})
