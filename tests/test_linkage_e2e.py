"""End to end: sources -> links -> corridors -> pinch points -> barriers -> centrality.

The synthetic ``shenzhen`` city (default run, small grid) and the real Hong Kong 2018-2022
habitat map (slow, reference data). Resistance is a land-cover reclassification done here
(so this test does not depend on the resistance presets); sources are the largest patches of
ecological land (woodland + grassland) after removing a 2-4 cell edge (a morphological core,
like MSPA Core with that edge width), labelled here by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import shapely
import xarray as xr
from scipy import ndimage

from ecnet_lab import synth
from ecnet_lab.linkage import (
    barrier_polygons,
    barriers,
    centrality,
    classify_corridors,
    gravity,
    linkage_pathways,
    pinch_polygons,
    pinchpoints,
)

#: synth LULC codes -> resistance (1 grassland, 2 woodland, 3 water, 4 cropland, 5 unutilized, 6 construction)
SYNTH_RESISTANCE = {1: 10.0, 2: 1.0, 3: 100.0, 4: 30.0, 5: 50.0, 6: 500.0}
#: Hong Kong 6-class habitat codes -> resistance (1 woodland, 2 shrubland, 3 grassland, 4 barren, 5 built-up, 6 water)
HK_RESISTANCE = {1: 1.0, 2: 5.0, 3: 10.0, 4: 100.0, 5: 500.0, 6: 200.0}


def reclassify(lulc: xr.DataArray, table: dict) -> xr.DataArray:
    out = np.full(lulc.shape, np.nan)
    for code, value in table.items():
        out[lulc.values == code] = value
    return lulc.copy(data=out).rename("resistance").assign_attrs(units="1", long_name="resistance")


def core_sources(lulc: xr.DataArray, classes, *, edge_cells: int, n: int) -> xr.DataArray:
    eco = np.isin(lulc.values, classes)
    core = ndimage.binary_erosion(eco, structure=np.ones((3, 3), bool), iterations=edge_cells)
    lab, _ = ndimage.label(core, structure=np.ones((3, 3), bool))
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    keep = np.argsort(-sizes, kind="stable")[:n]
    keep = keep[sizes[keep] > 0]
    out = np.zeros(lab.shape, dtype="int32")
    for i, k in enumerate(keep, start=1):
        out[lab == k] = i
    return lulc.copy(data=out).rename("sources")


def cells_inside(gdf, template):
    xs, ys = np.meshgrid(template.x.values, template.y.values)
    if len(gdf) == 0:
        return np.zeros(template.shape, bool)
    return shapely.contains_xy(gdf.union_all(), xs, ys)


def run_chain(resistance, sources, *, width, radii, q=0.9):
    lp = linkage_pathways(resistance, sources, max_cwd=None, width=width, progress=False)
    pp = pinchpoints(lp, mode="adjacent", progress=False)
    pins = pinch_polygons(pp, lp.corridor_id, rule="quantile", q=q)
    bar = barriers(lp, radii=radii, progress=False)
    bars = barrier_polygons(bar, lp.corridor_id, score="per_unit", rule="quantile", q=q)
    cen = centrality(lp, progress=False)
    return lp, pp, pins, bar, bars, cen


def check_consistency(lp, pp, pins, bars, cen):
    kept = lp.links[lp.links.status == "kept"]
    assert len(lp.corridors) == len(kept)
    assert set(np.unique(lp.corridor_id.values)) - {0} == set(lp.corridors.corridor_id)
    corridor = lp.corridor_id.values > 0
    for polys in (pins, bars):
        inside = cells_inside(polys, lp.corridor_id)
        assert not (inside & ~corridor).any()  # every pinch point and barrier lies in a corridor
        assert (polys.corridor_id > 0).all()
        assert set(polys.corridor_id) <= set(lp.corridors.corridor_id)
        assert (polys.area_km2 > 0).all()
    assert (cen.corridors["current"] > 0).all()
    assert np.isfinite(pp.current.values[corridor & (lp.costs.labels.values == 0)]).any()


@pytest.fixture(scope="module")
def shenzhen_small():
    ds = synth.city("shenzhen", shape=(240, 240))
    resistance = reclassify(ds["lulc"], SYNTH_RESISTANCE)
    sources = core_sources(ds["lulc"], (1, 2), edge_cells=2, n=6)
    return resistance, sources


def test_shenzhen_chain_is_consistent(shenzhen_small):
    resistance, sources = shenzhen_small
    lp, pp, pins, _bar, bars, cen = run_chain(resistance, sources, width=3000.0, radii=[60.0, 90.0, 120.0])
    assert len(lp.corridors) >= 3
    assert len(pins) >= 1 and len(bars) >= 1
    check_consistency(lp, pp, pins, bars, cen)
    classes = classify_corridors(cen.corridors, "current")
    assert classes.corridor_class.notna().all()
    g = gravity(lp)
    assert (g.gravity > 0).all()


@pytest.mark.slow
@pytest.mark.reference
def test_hong_kong_2018_2022():
    from conftest import require_shared

    from ecnet_lab.io import read_raster

    path = require_shared("hk-habitat", "habitat_6class", "HabitatMapHK_6class_2018-2022.tif")
    lulc = read_raster(path)
    lulc = lulc.where(np.isfinite(lulc), 0).astype("int32")
    resistance = reclassify(lulc, HK_RESISTANCE)
    sources = core_sources(lulc, (1,), edge_cells=4, n=20)
    lp, pp, pins, _bar, bars, cen = run_chain(resistance, sources, width=2000.0, radii=[90.0, 150.0, 210.0])
    check_consistency(lp, pp, pins, bars, cen)
    summary = {
        "sources": len(lp.costs.source_ids),
        "corridors": len(lp.corridors),
        "corridor_length_km": float(lp.corridors.length_m.sum() / 1000),
        "pinch_points": len(pins),
        "pinch_area_km2": float(pins.area_km2.sum()),
        "barriers": len(bars),
        "barrier_area_km2": float(bars.area_km2.sum()),
    }
    print("HK 2018-2022 linkage summary:", summary)
    assert summary["sources"] == 20
    assert summary["corridors"] >= summary["sources"] - 1


def test_outputs_export_through_io(shenzhen_small, tmp_path):
    from ecnet_lab.io import read_raster, write_raster, write_vector

    resistance, sources = shenzhen_small
    lp, pp, pins, bar, bars, cen = run_chain(resistance, sources, width=3000.0, radii=[60.0])
    gpkg = tmp_path / "network.gpkg"
    write_vector(cen.corridors, gpkg, layer="corridors")
    write_vector(pins, gpkg, layer="pinch_points")
    write_vector(bars, gpkg, layer="barriers")
    for da in (lp.mosaic, lp.corridor_id, pp.current, bar.per_unit):
        write_raster(da, tmp_path / f"{da.name}.tif")
    back = read_raster(tmp_path / "current.tif")
    np.testing.assert_allclose(back.values, pp.current.values, equal_nan=True, rtol=1e-6)
    import geopandas as gpd

    cor = gpd.read_file(gpkg, layer="corridors")
    assert len(cor) == len(lp.corridors)
    assert {"corridor_id", "from_id", "to_id", "lcd", "length_m", "euclid_m", "current"} <= set(cor.columns)
