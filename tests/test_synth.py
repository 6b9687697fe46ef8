"""Tests of ecnet_lab.synth: structure, determinism, plausibility of the geography, years, bad input."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import ndimage, stats

from ecnet_lab import grid
from ecnet_lab.synth import LULC_CLASSES, MIN_SIZE, PRESET_NAMES, SOIL_CLASSES, city, city_vectors
from ecnet_lab.synth._build import landscape
from ecnet_lab.synth._hydro import d8_receivers, priority_flood

GRASS, WOOD, WATER, CROP, BARE, BUILT = 1, 2, 3, 4, 5, 6
SHAPE = (128, 128)
YEARS = [2000, 2005, 2010, 2015, 2020]
TIMED = {"lulc", "population", "nightlight", "green", "red", "nir", "swir1", "npp"}
STATIC = {"dem", "slope", "precipitation", "pet", "soil", "roads", "railways", "rivers"}


def _core_distance(ds: xr.Dataset) -> np.ndarray:
    """Distance of every cell from the urban core, in units of the core radius."""
    xx, yy = np.meshgrid(ds.x.values, ds.y.values)
    return np.hypot(xx - ds.attrs["core_x"], yy - ds.attrs["core_y"]) / ds.attrs["core_radius_m"]


def _line_cells(ds: xr.Dataset, line) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every vertex of a river line (vertices are cell centres)."""
    xy = np.asarray(line.coords)
    res = float(ds.attrs["resolution_m"])
    cols = np.rint((xy[:, 0] - float(ds.x[0])) / res).astype(int)
    rows = np.rint((float(ds.y[0]) - xy[:, 1]) / res).astype(int)
    return rows, cols


def test_lulc_legend_is_the_jinan_scheme():
    assert LULC_CLASSES == {
        1: "grassland",
        2: "woodland",
        3: "water",
        4: "cropland",
        5: "unutilized",
        6: "construction",
    }
    lulc = city("jinan", shape=(64, 64))["lulc"]
    assert lulc.dtype == np.uint8
    assert lulc.attrs["flag_values"] == [1, 2, 3, 4, 5, 6]
    assert lulc.attrs["flag_meanings"].split() == list(LULC_CLASSES.values())


def test_same_arguments_give_identical_arrays_and_other_seeds_differ():
    a = city("wuhan", shape=(80, 96), seed=7)
    landscape.cache_clear()  # force a fresh generation, not the cached one
    b = city("wuhan", shape=(80, 96), seed=7)
    xr.testing.assert_identical(a, b)
    c = city("wuhan", shape=(80, 96), seed=8)
    assert not np.array_equal(a["dem"].values, c["dem"].values)
    assert not np.array_equal(a["lulc"].values, c["lulc"].values)
    va = city_vectors("wuhan", shape=(80, 96), seed=7)["rivers"]
    landscape.cache_clear()
    vb = city_vectors("wuhan", shape=(80, 96), seed=7)["rivers"]
    assert va.geometry.geom_equals_exact(vb.geometry, tolerance=0).all()


def test_results_are_copies_not_the_cache():
    ds = city("jinan", shape=(64, 64))
    ds["dem"].values[:] = -1.0
    ds["lulc"].values[:] = 0
    vec = city_vectors("jinan", shape=(64, 64))
    vec["roads"]["kind"] = "changed"
    again = city("jinan", shape=(64, 64))
    assert float(again["dem"].min()) > 0
    assert set(np.unique(again["lulc"].values)) <= set(LULC_CLASSES)
    assert set(city_vectors("jinan", shape=(64, 64))["roads"]["kind"]) == {"radial", "ring"}


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_grid_crs_and_attributes(preset):
    ds = city(preset, shape=(96, 112), resolution=30.0)
    assert ds.rio.crs.to_epsg() == 32650
    assert ds.sizes["y"] == 96 and ds.sizes["x"] == 112
    assert set(ds.data_vars) == TIMED | STATIC
    np.testing.assert_allclose(np.diff(ds.x.values), 30.0)
    np.testing.assert_allclose(np.diff(ds.y.values), -30.0)
    transform = ds.rio.transform()
    assert transform.a == 30.0 and transform.e == -30.0
    # cell centres: the first x is half a cell east of the west edge
    assert ds.x.values[0] == pytest.approx(transform.c + 15.0)
    assert ds.y.values[0] == pytest.approx(transform.f - 15.0)
    # a plausible UTM 50N location
    assert 100_000 < ds.x.values.mean() < 900_000 and 2_000_000 < ds.y.values.mean() < 4_500_000
    for name, da in ds.data_vars.items():
        assert da.dims == ("y", "x"), name
        assert da.rio.crs.to_epsg() == 32650, name
        assert da.rio.transform() == transform, name
        assert grid.same_grid(da, ds["lulc"]), name
        assert da.attrs.get("units") and da.attrs.get("long_name"), name
        assert np.isfinite(da.values).all(), name
    assert set(np.unique(ds["lulc"].values)) <= set(LULC_CLASSES)
    for band in ("green", "red", "nir", "swir1"):
        assert 0.0 < float(ds[band].min()) and float(ds[band].max()) <= 1.0
    for name in ("roads", "railways", "rivers"):
        assert set(np.unique(ds[name].values)) <= {0, 1} and ds[name].values.any(), name
    assert set(np.unique(ds["soil"].values)) <= set(SOIL_CLASSES)
    assert (ds["soil"].values[ds["lulc"].values == WATER] == 0).all()
    assert ds["slope"].attrs["units"] == "degree" and ds["dem"].attrs["units"] == "m"
    # attributes stay serialisable (no objects hidden in attrs)
    json.dumps(ds.attrs)
    for da in ds.data_vars.values():
        json.dumps(da.attrs)


@pytest.mark.parametrize("preset", PRESET_NAMES)
@pytest.mark.parametrize("seed", [0, 1])
def test_builtup_share_falls_with_distance_from_the_core(preset, seed):
    ds = city(preset, shape=SHAPE, seed=seed)
    lulc = ds["lulc"].values
    land = lulc != WATER
    dist = _core_distance(ds)
    edges = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
    shares = []
    for lo, hi in itertools.pairwise(edges):
        ring = land & (dist >= lo) & (dist < hi)
        assert ring.sum() > 50
        shares.append((lulc[ring] == BUILT).mean())
    assert shares[0] > 0.9
    assert shares[0] - shares[-1] > 0.5
    assert stats.spearmanr(np.arange(len(shares)), shares)[0] <= -0.85
    # the same gradient in population and night lights
    inner, outer = dist < 0.5, dist > 2.0
    for name in ("population", "nightlight"):
        values = ds[name].values
        assert values[inner].mean() > 4 * values[outer].mean(), name
    pop = ds["population"].values
    assert pop[lulc == BUILT].mean() > 10 * pop[lulc == CROP].mean()
    assert (pop[lulc == WATER] == 0).all()


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_woodland_sits_on_high_steep_terrain(preset):
    ds = city(preset, shape=SHAPE, seed=2)
    lulc, dem, slope = ds["lulc"].values, ds["dem"].values, ds["slope"].values
    wood, other = lulc == WOOD, (lulc != WOOD) & (lulc != WATER)
    assert wood.sum() > 100
    assert dem[wood].mean() > 1.2 * dem[other].mean()
    assert slope[wood].mean() > 1.5 * slope[other].mean()


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_spectral_indices_match_land_cover(preset):
    ds = city(preset, shape=SHAPE, seed=0)
    lulc = ds["lulc"].values
    ndvi = ((ds["nir"] - ds["red"]) / (ds["nir"] + ds["red"])).values
    mndwi = ((ds["green"] - ds["swir1"]) / (ds["green"] + ds["swir1"])).values
    assert (mndwi[lulc == WATER] > 0).all()
    assert (mndwi[lulc != WATER] < 0).mean() > 0.99
    assert ndvi[lulc == WOOD].mean() > 0.6
    for code in (GRASS, CROP, BARE, BUILT, WATER):
        if (lulc == code).any():
            assert ndvi[lulc == WOOD].mean() > ndvi[lulc == code].mean(), LULC_CLASSES[code]
    assert ndvi[lulc == WATER].max() < 0
    npp = ds["npp"].values
    assert npp[lulc == WOOD].mean() > npp[lulc == BUILT].mean() > 0
    assert (npp[lulc == WATER] == 0).all()


@pytest.mark.parametrize("preset", PRESET_NAMES)
@pytest.mark.parametrize("seed", [0, 3])
def test_rivers_run_downhill_along_traced_lines(preset, seed):
    ds = city(preset, shape=SHAPE, seed=seed)
    rivers = city_vectors(preset, shape=SHAPE, seed=seed)["rivers"]
    assert len(rivers) >= 3
    dem, raster = ds["dem"].values, ds["rivers"].values
    on_lines = np.zeros_like(raster, dtype=bool)
    for line in rivers.geometry:
        rows, cols = _line_cells(ds, line)
        steps = np.hypot(np.diff(rows), np.diff(cols))
        assert steps.max() <= np.sqrt(2) + 1e-9  # D8: each step to a neighbouring cell
        assert np.diff(dem[rows, cols]).max() <= 1e-3  # never uphill
        on_lines[rows, cols] = True
    # the river raster is exactly the traced lines
    np.testing.assert_array_equal(on_lines, raster == 1)
    main = rivers[rivers["kind"] == "main"]
    assert len(main) == {"jinan": 1, "shenzhen": 1, "wuhan": 2}[preset]
    for line in main.geometry:  # main rivers fall from one end of the map to the other
        rows, cols = _line_cells(ds, line)
        assert dem[rows[0], cols[0]] - dem[rows[-1], cols[-1]] > 1.0
        assert (ds["lulc"].values[rows, cols] == WATER).mean() > 0.9


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_water_bodies_are_contiguous(preset):
    for seed in (0, 1):
        lulc = city(preset, shape=SHAPE, seed=seed)["lulc"].values
        labels, count = ndimage.label(lulc == WATER)  # 4-connectivity
        sizes = np.bincount(labels.ravel())[1:]
        assert count >= 1
        assert sizes.min() >= 9  # no specks: every water body is a real body


def test_flow_routing_kernels_drain_every_cell_downhill():
    rng = np.random.default_rng(0)
    z = rng.random((40, 50)) * 10  # pits everywhere
    outlet = np.zeros(z.shape, dtype=bool)
    outlet[0, :] = outlet[-1, :] = outlet[:, 0] = outlet[:, -1] = True
    filled = priority_flood(z, outlet)
    assert (filled >= z).all()
    np.testing.assert_array_equal(filled[outlet], z[outlet])
    rec = d8_receivers(filled, outlet)
    interior = ~outlet.ravel()
    assert (rec[interior] >= 0).all()
    assert (filled.ravel()[rec[interior]] < filled.ravel()[interior]).all()
    assert (rec[~interior] == -1).all()


def test_jinan_geography():
    ds = city("jinan", shape=(150, 150), seed=0)
    rows = ds.sizes["y"]
    dem = ds["dem"].values
    assert dem[2 * rows // 3 :].mean() > 3 * dem[: rows // 3].mean()  # mountains in the south
    main = city_vectors("jinan", shape=(150, 150), seed=0)["rivers"]
    (yellow,) = main.loc[main["kind"] == "main", "geometry"]
    line_rows, _ = _line_cells(ds, yellow)
    assert (line_rows < rows / 3).mean() > 0.95  # the Yellow River in the northern third
    assert yellow.length > 0.9 * ds.sizes["x"] * 30.0  # crossing the map
    wood = ds["lulc"].values == WOOD
    assert wood[2 * rows // 3 :].sum() > 3 * wood[: rows // 2].sum()  # forests on the southern mountains


def test_shenzhen_geography():
    ds = city("shenzhen", shape=(150, 150), seed=0)
    lulc, dem = ds["lulc"].values, ds["dem"].values
    half = ds.sizes["x"] // 2
    # sea along the southern coast and part of the west coast, at sea level
    assert (lulc[-1, :] == WATER).mean() > 0.8
    assert (lulc[-30:, 0] == WATER).all()
    assert (dem[-1, :][lulc[-1, :] == WATER] == 0).all()
    land = lulc != WATER
    east, west = land.copy(), land.copy()
    east[:, :half] = False
    west[:, half:] = False
    assert dem[east].mean() > 2 * dem[west].mean()  # forested hills in the east
    south_east = land.copy()
    south_east[: ds.sizes["y"] // 2, :half] = False
    south_east[:, :half] = False
    assert dem[south_east].mean() > dem[land].mean()
    built = lulc == BUILT
    assert built[west].mean() > 2 * built[east].mean()  # dense built-up west


def test_wuhan_geography():
    ds = city("wuhan", shape=(150, 150), seed=0)
    lulc = ds["lulc"].values
    vec = city_vectors("wuhan", shape=(150, 150), seed=0)["rivers"]
    yangtze = vec.loc[vec["name"] == "Yangtze River", "geometry"].iloc[0]
    from shapely.geometry import Point

    centre = Point(float(ds.x.mean()), float(ds.y.mean()))
    extent = ds.sizes["x"] * 30.0
    assert yangtze.distance(centre) < 0.1 * extent  # a great river through the centre
    assert yangtze.length > extent
    han = vec.loc[vec["name"] == "Han River", "geometry"].iloc[0]
    assert Point(han.coords[-1]).distance(yangtze) < 1.0  # the Han joins the Yangtze
    # many lakes: water bodies away from the two rivers
    labels, count = ndimage.label(lulc == WATER)
    river_labels = set()
    for line in (yangtze, han):
        rows, cols = _line_cells(ds, line)
        river_labels |= set(labels[rows, cols].tolist())
    lakes = set(range(1, count + 1)) - river_labels
    assert len(lakes) >= 5
    assert (lulc == WATER).mean() > 0.08


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_years_give_monotonic_urban_growth_at_the_fringe(preset):
    ds = city(preset, shape=(112, 112), years=YEARS, seed=1)
    assert ds["year"].values.tolist() == YEARS
    for name in TIMED:
        assert ds[name].dims == ("year", "y", "x"), name
    for name in STATIC:
        assert ds[name].dims == ("y", "x"), name
    lulc = ds["lulc"].values
    built = lulc == BUILT
    ecological = np.isin(lulc, [GRASS, WOOD, WATER])
    for t in range(1, len(YEARS)):
        old, new = built[t - 1], built[t] & ~built[t - 1]
        assert not (old & ~built[t]).any()  # superset of the previous year
        assert new.sum() > 0
        assert ecological[t].sum() <= ecological[t - 1].sum()
        gap = ndimage.distance_transform_edt(~old)
        assert (gap[new] <= 1.5).mean() > 0.6  # most new cells touch old construction
        assert (gap[new] <= 5).mean() > 0.9  # and nearly all are close to it
    assert ecological[-1].sum() < ecological[0].sum()
    assert ds["population"].isel(year=-1).sum() > ds["population"].isel(year=0).sum()
    assert ds["nightlight"].isel(year=-1).sum() > ds["nightlight"].isel(year=0).sum()
    # the newly built cells lose their vegetation signal
    ndvi = ((ds["nir"] - ds["red"]) / (ds["nir"] + ds["red"])).values
    changed = built[-1] & ~built[0] & (lulc[0] == CROP)
    assert ndvi[-1][changed].mean() < ndvi[0][changed].mean() - 0.1
    # the snapshot without years is the reference year 2020
    snap = city(preset, shape=(112, 112), seed=1)
    np.testing.assert_array_equal(snap["lulc"].values, lulc[-1])
    assert snap.attrs["year"] == 2020


@pytest.mark.parametrize("resolution", [10.0, 100.0])
def test_other_resolutions_and_slope_uses_the_cell_size(resolution):
    ds = city("jinan", shape=(64, 80), resolution=resolution, seed=0)
    assert grid.cell_size(ds) == (resolution, resolution)
    assert grid.pixel_area_km2(ds) == pytest.approx(resolution**2 / 1e6)
    assert ds.attrs["resolution_m"] == resolution
    assert ds.attrs["core_radius_m"] == pytest.approx(0.16 * np.sqrt(64 * 80) * resolution)
    dem = ds["dem"].values.astype(np.float64)
    slope = ds["slope"].values
    # independent Horn (1981) slope on interior cells, with the true cell size
    for r, c in [(10, 10), (32, 40), (50, 70), (60, 20)]:
        w = dem[r - 1 : r + 2, c - 1 : c + 2]
        dzdx = ((w[0, 2] + 2 * w[1, 2] + w[2, 2]) - (w[0, 0] + 2 * w[1, 0] + w[2, 0])) / (8 * resolution)
        dzdy = ((w[2, 0] + 2 * w[2, 1] + w[2, 2]) - (w[0, 0] + 2 * w[0, 1] + w[0, 2])) / (8 * resolution)
        expected = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
        assert slope[r, c] == pytest.approx(expected, rel=1e-4, abs=1e-4)
    # the slope would be different with a wrong cell size
    gy, gx = np.gradient(dem, resolution * 3)
    assert not np.allclose(np.degrees(np.arctan(np.hypot(gx, gy))), slope, atol=0.5)
    assert float(slope.max()) < 70.0
    rivers = city_vectors("jinan", shape=(64, 80), resolution=resolution, seed=0)["rivers"]
    for line in rivers.geometry:
        rows, cols = _line_cells(ds, line)
        assert np.diff(ds["dem"].values[rows, cols]).max() <= 1e-3


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_vectors_match_the_rasters(preset):
    ds = city(preset, shape=(96, 96), seed=4)
    vec = city_vectors(preset, shape=(96, 96), seed=4)
    assert sorted(vec) == ["railways", "rivers", "roads"]
    for name, gdf in vec.items():
        assert gdf.crs.to_epsg() == 32650, name
        assert len(gdf) > 0 and gdf.geom_type.eq("LineString").all(), name
        assert (gdf["length_m"] > 0).all()
        np.testing.assert_allclose(gdf["length_m"], gdf.length)
        xmin, ymin, xmax, ymax = gdf.total_bounds
        left, bottom, right, top = ds.rio.bounds()
        assert left <= xmin and xmax <= right and bottom <= ymin and ymax <= top, name
    assert set(vec["roads"]["kind"]) == {"radial", "ring"}
    for name in ("roads", "railways"):
        burned = grid.rasterize(vec[name], ds, all_touched=False)
        np.testing.assert_array_equal(burned.values, ds[name].values)
    rivers = vec["rivers"]
    assert set(rivers["kind"]) <= {"main", "river", "stream"}
    assert (rivers["upstream_area_km2"] > 0).all()


def test_sea_never_has_roads_and_water_is_never_built():
    ds = city("shenzhen", shape=(128, 128), years=[2000, 2020], seed=0)
    lulc = ds["lulc"].values
    sea = ds["dem"].values == 0
    assert sea.sum() > 500
    assert not (ds["roads"].values.astype(bool) & sea).any()
    assert not (ds["railways"].values.astype(bool) & sea).any()
    assert (lulc[:, sea] == WATER).all()


@pytest.mark.parametrize(
    ("kwargs", "name", "hint"),
    [
        ({"preset": "beijing"}, "preset", "jinan"),
        ({"preset": "Jinan"}, "preset", "shenzhen"),
        ({"resolution": 0}, "resolution", "> 0"),
        ({"resolution": -30.0}, "resolution", "> 0"),
        ({"resolution": float("nan")}, "resolution", "finite"),
        ({"shape": (31, 64)}, "shape", str(MIN_SIZE)),
        ({"shape": (64, 8)}, "shape", str(MIN_SIZE)),
        ({"shape": (64,)}, "shape", str(MIN_SIZE)),
        ({"shape": (64.0, 64)}, "shape", "integers"),
        ({"shape": (100_000, 100_000)}, "shape", "too large"),
        ({"years": [2010, 2000]}, "years", "increasing"),
        ({"years": []}, "years", "increasing"),
        ({"years": "2000"}, "years", "increasing"),
        ({"years": [2000.5]}, "years", "integer"),
        ({"years": [1200]}, "years", "1950"),
        ({"seed": -1}, "seed", ">= 0"),
    ],
)
def test_bad_input_names_the_argument_and_the_allowed_values(kwargs, name, hint):
    args = {"preset": "jinan", "shape": (64, 64), **kwargs}
    with pytest.raises(ValueError, match=name) as err:
        city(**args)
    assert hint in str(err.value)
    if name != "years":
        with pytest.raises(ValueError, match=name):
            city_vectors(**{k: v for k, v in args.items()})


def test_bad_type_of_resolution():
    with pytest.raises(TypeError, match="resolution"):
        city("jinan", shape=(64, 64), resolution="30")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    preset=st.sampled_from(PRESET_NAMES),
    rows=st.integers(MIN_SIZE, 120),
    cols=st.integers(MIN_SIZE, 120),
    resolution=st.sampled_from([5.0, 30.0, 250.0]),
    seed=st.integers(0, 10_000),
)
def test_invariants_hold_for_any_size_and_seed(preset, rows, cols, resolution, seed):
    ds = city(preset, shape=(rows, cols), resolution=resolution, seed=seed)
    lulc = ds["lulc"].values
    assert lulc.shape == (rows, cols)
    labels, count = ndimage.label(lulc == WATER)
    if count:
        assert np.bincount(labels.ravel())[1:].min() >= 9
    for line in city_vectors(preset, shape=(rows, cols), resolution=resolution, seed=seed)["rivers"].geometry:
        r, c = _line_cells(ds, line)
        assert np.diff(ds["dem"].values[r, c]).max() <= 1e-3
