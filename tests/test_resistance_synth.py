"""Plausibility on the synthetic cities: urban cores resist more than forested hills under each paper's preset."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from ecnet_lab import synth
from ecnet_lab.resistance import SYNTH_CLASS_MAPS, factor_contributions, from_preset, preset

SHAPE = (192, 192)


def _mspa_layer(ds: xr.Dataset) -> xr.DataArray:
    """MSPA classes of the woodland + water foreground (the Shenzhen paper's MSPA input), 8/1."""
    from ecnet_lab.mspa import foreground_from_classes, mspa

    return mspa(foreground_from_classes(ds["lulc"], [2, 3]), connectivity=8, edge_width=1)


def _core_and_hills(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.meshgrid(ds.y.values, ds.x.values, indexing="ij")
    core = np.hypot(xx - ds.attrs["core_x"], yy - ds.attrs["core_y"]) <= ds.attrs["core_radius_m"]
    dem = ds["dem"].values
    woodland = ds["lulc"].values == 2
    hills = woodland & (dem >= np.quantile(dem[woodland], 0.5))
    assert core.sum() > 50 and hills.sum() > 50
    return core, hills


@pytest.mark.parametrize("name", ["jinan", "shenzhen", "wuhan"])
def test_urban_core_resists_more_than_forested_hills(name, record_property):
    ds = synth.city(name, shape=SHAPE, seed=0)
    layers = ds.assign(mspa=_mspa_layer(ds)) if name == "shenzhen" else ds
    r = from_preset(name, layers)  # SYNTH_CLASS_MAPS applied automatically to a synth Dataset
    core, hills = _core_and_hills(ds)
    v = r.values
    assert np.all(np.isfinite(v)) and np.all(v > 0)
    lo, hi = r.attrs["actual_range"]
    scores = [s for f in preset(name)["factors"] for s in _scores(f)]
    assert min(scores) <= lo < hi <= max(scores)
    core_mean, hill_mean = float(v[core].mean()), float(v[hills].mean())
    record_property("resistance_range", [lo, hi])
    record_property("core_vs_hills", [core_mean, hill_mean])
    print(f"{name}: resistance range {lo:.2f}-{hi:.2f}; urban core {core_mean:.2f} vs forested hills {hill_mean:.2f}")
    assert core_mean > 1.15 * hill_mean
    spec = json.loads(r.attrs["spec"])
    assert spec["name"] == name
    if SYNTH_CLASS_MAPS[name]:
        assert spec != preset(name)  # the synthetic soil codes were mapped onto the table


def test_multi_year_layers_need_one_slice():
    ds = synth.city("wuhan", shape=(64, 64), years=[2000, 2020])
    with pytest.raises(ValueError, match=r"factor 'land_use': layer 'lulc' has extra dimensions \{'year': 2\}"):
        from_preset("wuhan", ds)
    r = from_preset("wuhan", ds.sel(year=2020))
    assert r.dims == ("y", "x")


def _scores(f):
    g = f["grading"]
    return [row["score"] for row in g["table"]] if g["type"] == "categorical" else g["scores"]


def test_jinan_natural_breaks_variant_and_contributions():
    ds = synth.city("jinan", shape=SHAPE, seed=1)
    r = from_preset("jinan", ds, breaks="natural")
    breaks = json.loads(r.attrs["breaks"])
    assert set(breaks) == {"population", "slope", "dem", "ndvi"} and all(len(b) == 4 for b in breaks.values())
    c = factor_contributions(preset("jinan"), ds)
    core, _ = _core_and_hills(ds)
    dom = c["dominant_factor"].values
    names = c["dominant_factor"].attrs["flag_meanings"].split()
    # land use (weight 0.31, construction 100) drives resistance in the core
    assert names[np.bincount(dom[core]).argmax()] == "lulc"
    np.testing.assert_allclose(sum(c[n].values for n in names), c["resistance"].values)
