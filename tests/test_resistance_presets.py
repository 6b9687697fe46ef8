"""Presets reproduce the papers' tables numerically; customisation to other layers and codes."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from ecnet_lab.resistance import (
    HK_HABITAT_6CLASS_TO_LULC,
    LULC_CODES,
    build_resistance,
    customize,
    from_preset,
    preset,
)

G, W, WATER, C, U, B = (
    LULC_CODES[k] for k in ("grassland", "woodland", "water", "cropland", "unutilized", "construction")
)


def _factor(spec, name):
    (f,) = [f for f in spec["factors"] if f["name"] == name]
    return f


def _lulc_scores(f):
    return {c: row["score"] for row in f["grading"]["table"] for c in row["values"]}


# --- Jinan, Feng et al. 2025 (Land 14:668), Table 2, transcribed --------------------------------
JINAN_WEIGHTS = {"lulc": 0.31, "population": 0.26, "slope": 0.14, "dem": 0.11, "ndvi": 0.18}
JINAN_LULC = {G: 10, W: 15, WATER: 40, C: 60, U: 80, B: 100}
JINAN_BREAKS = {
    "population": [908, 3290, 7300, 15940],
    "slope": [1.071, 3.013, 5.289, 8.235],
    "dem": [99, 225, 350, 500],
    "ndvi": [0.437, 0.590, 0.682, 0.757],
}


def test_jinan_reproduces_table_2():
    s = preset("jinan")
    assert s["status"] == "published"
    assert {f["name"]: f["weight"] for f in s["factors"]} == JINAN_WEIGHTS
    assert sum(JINAN_WEIGHTS.values()) == pytest.approx(1.0)
    assert _lulc_scores(_factor(s, "lulc")) == JINAN_LULC
    for name, b in JINAN_BREAKS.items():
        g = _factor(s, name)["grading"]
        assert g["type"] == "breaks" and g["breaks"] == b
        assert g["scores"] == [20, 40, 60, 80, 100] and g["direction"] == "increasing" and g["closed"] == "left"
    assert _factor(s, "ndvi")["derive"] == {"kind": "normalized_difference", "a": "nir", "b": "red"}
    assert "as printed" in s["description"] and "NDVI" in s["description"]
    n = preset("jinan", breaks="natural")
    for name in JINAN_BREAKS:
        assert _factor(n, name)["grading"]["type"] == "natural_breaks"
        assert _factor(n, name)["grading"]["scores"] == [20, 40, 60, 80, 100]


def test_jinan_scores_every_printed_class():
    # one cell per printed class (plus a value on each '>=' boundary), graded with the preset
    values = {
        "population": [0, 908, 3290, 7300, 15940, 50000],
        "slope": [0.0, 1.071, 3.013, 5.289, 8.235, 30.0],
        "dem": [10, 99, 225, 350, 500, 1500],
    }
    c = {"y": [0.0], "x": np.arange(6) * 30.0}
    layers = {k: xr.DataArray(np.array([v], dtype=float), dims=("y", "x"), coords=c) for k, v in values.items()}
    layers["lulc"] = xr.DataArray(np.array([[1, 2, 3, 4, 5, 6]], dtype="uint8"), dims=("y", "x"), coords=c)
    layers["ndvi"] = xr.DataArray(np.array([[0.2, 0.437, 0.590, 0.682, 0.757, 0.9]]), dims=("y", "x"), coords=c)
    from ecnet_lab.resistance import grade_factors

    ds = grade_factors(customize(preset("jinan"), layer_map={"ndvi": "ndvi"}), layers)
    for name in ("population", "slope", "dem", "ndvi"):
        np.testing.assert_allclose(ds[name].values[0], [20, 40, 60, 80, 100, 100], err_msg=name)
    np.testing.assert_array_equal(ds["lulc"].values[0], [10, 15, 40, 60, 80, 100])


# --- Shenzhen, Li et al. 2025 (Sustainability 17:9779), Table 2, transcribed ---------------------
SHENZHEN_WEIGHTS = {
    "elevation": 0.0652,
    "slope": 0.0358,
    "ndvi": 0.1221,
    "distance_river": 0.0407,
    "soil": 0.0612,
    "land_use": 0.1828,
    "distance_railway": 0.1104,
    "distance_highway": 0.0798,
    "distance_major_road": 0.0644,
    "mspa": 0.2376,
}
# factor -> (class limits printed, score of the class containing each probe value)
SHENZHEN_CONTINUOUS = {
    "elevation": ([0, 5, 6, 20, 21, 35, 36, 50, 51], [10, 10, 20, 20, 30, 30, 40, 40, 50]),
    "slope": ([0, 200, 201, 400, 401, 600, 601, 800, 801], [10, 10, 20, 20, 30, 30, 40, 40, 50]),
    "ndvi": ([1.0, 0.76, 0.75, 0.51, 0.5, 0.26, 0.25, 0.01, 0.0, -0.2], [10, 10, 20, 20, 30, 30, 40, 40, 50, 50]),
    "distance_river": ([0, 350, 351, 700, 701, 1050, 1051, 1400, 1401], [10, 10, 20, 20, 30, 30, 40, 40, 50]),
    "distance_railway": (
        [3000, 2001, 2000, 1501, 1500, 1001, 1000, 501, 500, 0],
        [10, 10, 20, 20, 30, 30, 40, 40, 50, 50],
    ),
    "distance_highway": (
        [3000, 2001, 2000, 1501, 1500, 1001, 1000, 501, 500, 0],
        [10, 10, 20, 20, 30, 30, 40, 40, 50, 50],
    ),
    "distance_major_road": ([0, 350, 351, 700, 701, 1050, 1051, 1400, 1401], [10, 10, 20, 20, 30, 30, 40, 40, 50]),
}
SHENZHEN_LULC = {W: 10, G: 20, C: 30, U: 40, WATER: 40, B: 50}
SHENZHEN_MSPA = {17: 10, 33: 20, 35: 20, 37: 20, 1: 30, 65: 30, 67: 30, 69: 30, 3: 40, 9: 40, 5: 50, 0: 50}


def test_shenzhen_reproduces_table_2():
    from ecnet_lab.resistance import grade_factor

    s = preset("shenzhen")
    weights = {f["name"]: f["weight"] for f in s["factors"]}
    assert weights == SHENZHEN_WEIGHTS
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    for name, (probe, expected) in SHENZHEN_CONTINUOUS.items():
        f = _factor(s, name)
        got, _ = grade_factor(np.array(probe, dtype=float), f)
        np.testing.assert_array_equal(got, expected, err_msg=name)
    assert _lulc_scores(_factor(s, "land_use")) == SHENZHEN_LULC
    mspa = _lulc_scores(_factor(s, "mspa"))
    for code, score in SHENZHEN_MSPA.items():
        assert mspa[code] == score
        if code:
            assert mspa[code + 100] == score  # internal variants
    assert _factor(s, "mspa")["grading"]["nodata_values"] == [129]
    soil = {row["label"]: row["score"] for row in _factor(s, "soil")["grading"]["table"]}
    assert soil == {
        "red soil": 10,
        "rice soil": 20,
        "tidal soil": 30,
        "red soil, yellow-red soil": 40,
        "coastal saline soil": 50,
    }
    for word in ("swapped", "(0, -0.2]", "Red soil", "16.18"):
        assert word in s["description"]
    swapped = preset("shenzhen", swap_terrain=True)
    assert _factor(swapped, "elevation")["grading"]["breaks"] == [200, 400, 600, 800]
    assert _factor(swapped, "slope")["grading"]["breaks"] == [5, 20, 35, 50]


def test_wuhan_is_flagged_provisional():
    s = preset("wuhan")
    assert s["status"] == "provisional" and "Table S5" in s["description"]
    assert [f["name"] for f in s["factors"]] == [
        "land_use",
        "elevation",
        "slope",
        "vegetation_cover",
        "distance_primary_road",
    ]
    assert sum(f["weight"] for f in s["factors"]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Table S5"):
        preset("wuhan", breaks="printed")


def test_unknown_preset_and_options():
    with pytest.raises(
        ValueError, match=r"name='beijing' is not allowed; choose one of \['jinan', 'shenzhen', 'wuhan'\]"
    ):
        preset("beijing")
    with pytest.raises(ValueError, match="breaks"):
        preset("jinan", breaks="jenks")
    with pytest.raises(ValueError, match="shenzhen"):
        preset("jinan", swap_terrain=True)


def test_customize_maps_real_land_cover_codes_and_layers():
    s = customize(
        preset("shenzhen"),
        lulc_map=HK_HABITAT_6CLASS_TO_LULC,
        layer_map={"land_use": "habitat", "ndvi": "ndvi_layer", "distance_highway": "roads"},
    )
    f = _factor(s, "land_use")
    # HK: 1 woodland, 2 shrubland, 3 grassland, 4 barren, 5 built-up, 6 water
    assert _lulc_scores(f) == {1: 10, 2: 20, 3: 20, 4: 40, 6: 40, 5: 50} and f["layer"] == "habitat"
    assert _factor(s, "ndvi")["layer"] == "ndvi_layer" and "derive" not in _factor(s, "ndvi")
    assert _factor(s, "distance_highway")["derive"] == {"kind": "distance", "features": "roads"}
    with pytest.raises(ValueError, match="maps to 9, which is not a class"):
        customize(preset("jinan"), lulc_map={1: 9})
    with pytest.raises(ValueError, match="unknown factor 'nope'"):
        customize(preset("jinan"), layer_map={"nope": "x"})
    # None marks a code as nodata
    s2 = customize(preset("jinan"), lulc_map={**HK_HABITAT_6CLASS_TO_LULC, 0: None})
    assert _factor(s2, "lulc")["grading"]["nodata_values"] == [0]


def test_from_preset_on_real_style_codes():
    c = {"y": [0.0], "x": np.arange(3) * 30.0}
    hk = xr.DataArray(np.array([[1, 5, 0]], dtype="uint8"), dims=("y", "x"), coords=c)
    ones = xr.DataArray(np.ones((1, 3)), dims=("y", "x"), coords=c)
    layers = {"habitat": hk, "population": ones * 100, "slope": ones, "dem": ones * 50, "ndvi": ones * 0.5}
    r = from_preset(
        "jinan",
        layers,
        layer_map={"lulc": "habitat", "ndvi": "ndvi"},
        lulc_map={**HK_HABITAT_6CLASS_TO_LULC, 0: None},
    )
    rest = 0.26 * 20 + 0.14 * 20 + 0.11 * 20 + 0.18 * 40
    np.testing.assert_allclose(r.values, [[0.31 * 15 + rest, 0.31 * 100 + rest, np.nan]])
    with pytest.raises(
        ValueError,
        match=r"factor 'lulc': class code\(s\) 0 \(1 cells\), 5 \(1 cells\) are not in the reclass table "
        r"\(table codes: \[1\]\)",
    ):
        build_resistance(
            customize(preset("jinan"), layer_map={"lulc": "habitat", "ndvi": "ndvi"}, lulc_map={1: 2}), layers
        )


def test_select_factors_renormalises():
    from ecnet_lab.resistance import select_factors

    s = select_factors(preset("shenzhen"), ["land_use", "mspa"])
    assert [f["name"] for f in s["factors"]] == ["land_use", "mspa"]
    total = 0.1828 + 0.2376
    assert [f["weight"] for f in s["factors"]] == pytest.approx([0.1828 / total, 0.2376 / total])
    ahp = {
        "name": "x",
        "weighting": {"method": "ahp", "matrix": [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]},
        "factors": [
            {"name": n, "layer": n, "grading": {"type": "breaks", "breaks": [1], "scores": [1, 2]}} for n in "abc"
        ],
    }
    assert select_factors(ahp, ["c", "a"])["weighting"]["matrix"] == [[1, 1 / 4], [4, 1]]
    with pytest.raises(ValueError, match="unknown or no factors"):
        select_factors(ahp, ["d"])


@pytest.mark.reference
def test_real_layers_hong_kong_habitat_and_roads():
    """A Shenzhen-table subset on real Hong Kong layers (land cover + main/secondary road vectors)."""
    import geopandas as gpd
    import rioxarray
    from conftest import require_shared

    from ecnet_lab.resistance import select_factors

    root = require_shared("hk-habitat")
    hk = rioxarray.open_rasterio(root / "habitat_6class" / "HabitatMapHK_6class_2018-2022.tif").squeeze(
        "band", drop=True
    )
    roads = gpd.read_file(root / "vectors" / "Roads_10periods_shp.zip")
    roads = roads[roads["AppearYear"] <= 2020]
    layers = {"habitat": hk, "main": roads[roads["Class"] == "Main"], "secondary": roads[roads["Class"] == "Secondary"]}
    spec = customize(
        select_factors(preset("shenzhen"), ["land_use", "distance_highway", "distance_major_road"]),
        layer_map={"land_use": "habitat", "distance_highway": "main", "distance_major_road": "secondary"},
        lulc_map={**HK_HABITAT_6CLASS_TO_LULC, 0: None},  # 0 = outside Hong Kong / no data
    )
    r = build_resistance(spec, layers)
    v, codes = r.values, hk.values
    assert np.all(np.isnan(v[codes == 0])) and np.all(v[codes != 0] > 0)
    lo, hi = r.attrs["actual_range"]
    assert 10 <= lo < hi <= 50
    mean = {c: float(np.nanmean(v[codes == c])) for c in (1, 5)}
    assert mean[5] > mean[1] + 10  # built-up areas resist far more than woodland
