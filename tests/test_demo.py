"""Tests of the ``ecnet-lab demo`` job: files written, readable, atomic, and the area summary."""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray

from ecnet_lab import demo
from ecnet_lab.synth import LULC_CLASSES, PRESET_NAMES, city

SHAPE = (40, 48)
CELL_KM2 = 30.0 * 30.0 / 1e6
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_run_demo_writes_rasters_lines_overviews_and_summary(tmp_path):
    """One demo run (the slow part) checked for every output it promises."""
    out = tmp_path / "ecnet_demo"
    summary = demo.run_demo(out, shape=SHAPE, seed=0, progress=False)
    study_area = SHAPE[0] * SHAPE[1] * CELL_KM2
    for preset in PRESET_NAMES:
        ds = city(preset, shape=SHAPE, seed=0)
        # one GeoTIFF per layer, readable with rioxarray, on the right grid and CRS, same values
        for name in ds.data_vars:
            path = out / preset / f"{name}.tif"
            assert path.is_file(), path
            with rioxarray.open_rasterio(path) as da:
                assert da.rio.crs.to_epsg() == 32650
                assert da.shape == (1, *SHAPE)
                assert da.rio.transform() == ds.rio.transform()
                np.testing.assert_array_equal(da.values[0], ds[name].values)
        # the lines and a PNG overview
        for layer in ("roads", "railways", "rivers"):
            lines = gpd.read_file(out / preset / "lines.gpkg", layer=layer)
            assert len(lines) > 0 and lines.crs.to_epsg() == 32650
        png = out / f"{preset}_overview.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert png.stat().st_size > 10_000
        # class areas that add up to the study area
        table = summary[summary["preset"] == preset]
        assert table["lulc_class"].tolist() == list(LULC_CLASSES.values())
        assert table["area_km2"].sum() == pytest.approx(study_area), preset
        assert table["share_pct"].sum() == pytest.approx(100.0), preset
        lulc = ds["lulc"].values
        for code, name in LULC_CLASSES.items():
            area = float(table.loc[table["lulc_class"] == name, "area_km2"].iloc[0])
            assert area == pytest.approx((lulc == code).sum() * CELL_KM2), name
    assert list(summary.columns) == ["preset", "code", "lulc_class", "area_km2", "share_pct"]
    assert sorted(summary["preset"].unique()) == sorted(PRESET_NAMES)
    saved = pd.read_csv(out / "summary_area_km2.csv")
    pd.testing.assert_frame_equal(saved, summary, check_dtype=False)
    assert [p for p in out.rglob("*") if ".tmp" in p.name] == []  # atomic writes left nothing behind


def test_cli_subcommand_prints_the_summary(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="ecnet-lab")
    demo.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["demo", "--out", str(tmp_path / "o"), "--size", "36x40", "--seed", "2", "--no-progress"])
    assert args.size == (36, 40)
    assert args.handler(args) == 0
    text = capsys.readouterr().out
    for word in ("jinan", "shenzhen", "wuhan", "construction", "total"):
        assert word in text
    assert f"{36 * 40 * CELL_KM2:.2f}" in text
    assert (tmp_path / "o" / "wuhan" / "lulc.tif").is_file()


def test_cli_rejects_bad_sizes(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="ecnet-lab")
    demo.add_parser(parser.add_subparsers(dest="command", required=True))
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--size", "big"])
    args = parser.parse_args(["demo", "--out", str(tmp_path / "o"), "--size", "8", "--no-progress"])
    assert args.handler(args) == 2
    assert "shape" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_run_demo_bad_shape_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        demo.run_demo(tmp_path / "x", shape=(16, 16), progress=False)
    assert not (tmp_path / "x").exists()


def test_class_areas_needs_a_single_year():
    ds = city("wuhan", shape=(40, 40), years=[2000, 2020])
    with pytest.raises(ValueError, match="lulc"):
        demo.class_areas(ds)
    table = demo.class_areas(ds.isel(year=0), "wuhan")
    assert table["area_km2"].sum() == pytest.approx(40 * 40 * CELL_KM2)
