"""Circuitscape file compatibility: ASCII grids, .ini parsing, runner options and the CLI."""

from __future__ import annotations

import argparse
import gzip

import numpy as np
import pytest
from conftest import require_shared

from ecnet_lab.circuit import run_ini
from ecnet_lab.circuit.asciigrid import GridHeader, grid_to_dataarray, read_grid, write_grid
from ecnet_lab.circuit.cli import add_parser
from ecnet_lab.circuit.ini import read_ini, resolve_path


# ----------------------------------------------------------------------------------------
# ASCII grids
# ----------------------------------------------------------------------------------------
def test_ascii_grid_roundtrip_plain_and_gzip(tmp_path):
    values = np.array([[1.5, np.nan, 3.0], [1e-12, 2.0, 123456.789]])
    header = GridHeader(3, 2, 100.0, 200.0, 10.0, -9999.0)
    p = write_grid(tmp_path / "a.asc", values, header)
    got, h = read_grid(p)
    np.testing.assert_allclose(got, values, rtol=1e-9, equal_nan=True)
    assert h == header
    pz = write_grid(tmp_path / "b.asc", values, header, compress=True)
    assert pz.name == "b.asc.gz" and pz.read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_allclose(read_grid(pz)[0], values, rtol=1e-9, equal_nan=True)
    assert not list(tmp_path.glob(".*tmp"))  # atomic writes leave no temporary files
    da = grid_to_dataarray(got, h)
    assert float(da.x[0]) == 105.0 and float(da.y[0]) == 215.0


def test_ascii_grid_header_variants_and_errors(tmp_path):
    p = tmp_path / "c.asc"
    p.write_text("NCOLS 2\r\nNROWS 2\r\nXLLCENTER 0.5\r\nYLLCENTER 0.5\r\nCELLSIZE 1\r\n1\t2\r\n3 4\t\r\n")
    values, h = read_grid(p)
    assert h.xllcorner == 0.0 and h.nodata == -9999.0 and values.tolist() == [[1, 2], [3, 4]]
    p.write_text("ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n")
    with pytest.raises(ValueError, match="expected 2 x 2"):
        read_grid(p)
    p.write_text("ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 x\n")
    with pytest.raises(ValueError, match="not all numbers"):
        read_grid(p)
    with pytest.raises(FileNotFoundError):
        read_grid(tmp_path / "missing.asc")


def test_geotiff_input(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    data = np.array([[1.0, 2.0], [-9999.0, 4.0]], dtype="float32")
    path = tmp_path / "r.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=2,
        width=2,
        count=1,
        dtype="float32",
        transform=from_origin(10, 50, 5, 5),
        nodata=-9999.0,
    ) as dst:
        dst.write(data, 1)
    values, h = read_grid(path)
    assert np.isnan(values[1, 0]) and values[1, 1] == 4.0
    assert (h.xllcorner, h.yllcorner, h.cellsize) == (10.0, 40.0, 5.0)


# ----------------------------------------------------------------------------------------
# .ini files
# ----------------------------------------------------------------------------------------
MINIMAL = """[Circuitscape mode]\r
data_type = raster\r
scenario = pairwise\r
[Habitat raster or graph]\r
habitat_file = h.asc\r
habitat_map_is_resistances = True\r
[Options for pairwise and one-to-all and all-to-one modes]\r
point_file = p.txt\r
[Output options]\r
output_file = out/run.out\r
[Mask file]\r
use_mask = False\r
mask_file = does/not/exist.asc\r
"""


def test_read_ini_defaults_and_disabled_files(tmp_path):
    p = tmp_path / "c.ini"
    p.write_text(MINIMAL)
    opts = read_ini(p)
    assert opts["scenario"] == "pairwise" and opts["habitat_map_is_resistances"] is True
    assert opts["use_mask"] is False and opts["connect_four_neighbors_only"] is False


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("frobnicate = 3", "unknown Circuitscape option"),
        ("connect_four_neighbors_only = maybe", "not a boolean"),
        ("write_as_tif = True", "write_as_tif"),
        ("precision = single", "precision"),
        ("solver = gmres", "solver"),
        ("remove_src_or_gnd = everything", "remove_src_or_gnd"),
        ("use_polygons = True", "polygon_file"),
    ],
)
def test_read_ini_rejects_unknown_or_unsupported(tmp_path, line, message):
    p = tmp_path / "c.ini"
    p.write_text(MINIMAL + "[Extra]\n" + line + "\n")
    with pytest.raises(ValueError, match=message):
        read_ini(p)


def test_read_ini_rejects_missing_scenario(tmp_path):
    p = tmp_path / "c.ini"
    p.write_text(MINIMAL.replace("scenario = pairwise", "scenario = not entered"))
    with pytest.raises(ValueError, match="scenario"):
        read_ini(p)


def test_resolve_path(tmp_path):
    (tmp_path / "root" / "1").mkdir(parents=True)
    (tmp_path / "root" / "1" / "a.asc").write_text("x")
    (tmp_path / "ini").mkdir()
    (tmp_path / "ini" / "b.txt.gz").write_text("x")
    root, ini = tmp_path / "root", tmp_path / "ini"
    assert resolve_path("circuitscape/verify/1/a.asc", ini_dir=ini, root=root) == root / "1" / "a.asc"
    assert resolve_path("1\\a.asc", ini_dir=ini, root=root) == root / "1" / "a.asc"
    assert resolve_path("./b.txt", ini_dir=ini, root=root) == ini / "b.txt.gz"


# ----------------------------------------------------------------------------------------
# runner options on the verification data
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def verify_dir():
    return require_shared("circuitscape-verify")


def _variant(verify_dir, tmp_path, case, **changes):
    text = (verify_dir / "config_files" / f"{case}.ini").read_text()
    lines = []
    for line in text.splitlines():
        key = line.split("=")[0].strip()
        if key in changes:
            line = f"{key} = {changes.pop(key)}"
        lines.append(line)
    if changes:
        lines.append("[Added]")
        lines += [f"{k} = {v}" for k, v in changes.items()]
    p = tmp_path / f"{case}.ini"
    p.write_text("\n".join(lines) + "\n")
    return p


def _baseline_matrix(verify_dir, case):
    m = np.loadtxt(verify_dir / "baseline_results" / f"{case}_resistances.txt")
    ids = [int(v) for v in m[0, 1:]]
    return ids, m[1:, 1:]


@pytest.mark.parametrize(
    "pairs_file", ["circuitscape/verify/1/include_pairs.txt", "circuitscape/verify/1/include_matrix.txt"]
)
def test_included_pairs(verify_dir, tmp_path, pairs_file):
    ini = _variant(verify_dir, tmp_path, "sgVerify1", use_included_pairs="True", included_pairs_file=pairs_file)
    out = run_ini(ini, root=verify_dir, out=tmp_path / "out", solver="splu")
    res = out["resistances"]
    ids, full = _baseline_matrix(verify_dir, "sgVerify1")
    assert 11 not in res.index and 51 not in res.index  # ids absent from the file are dropped
    # both files describe the same pairs (the matrix keeps values within [min, max] = [2, 50])
    included = {(1, 2), (1, 3), (1, 5), (1, 6), (1, 8), (3, 5), (3, 6), (3, 8), (5, 6), (5, 8), (5, 9), (6, 8)}
    included |= {(6, 9), (8, 9)}
    assert list(res.index) == [1, 2, 3, 4, 5, 6, 8, 9]
    for a in res.index:
        for b in res.index:
            if a >= b:
                continue
            expected = full[ids.index(a), ids.index(b)] if (a, b) in included else -1.0
            assert res.loc[a, b] == pytest.approx(expected, abs=1e-6), (a, b)


def test_exclude_pairs_file(verify_dir, tmp_path):
    ini = _variant(
        verify_dir,
        tmp_path,
        "sgVerify1",
        use_included_pairs="True",
        included_pairs_file="circuitscape/verify/1/exclude_pairs.txt",
    )
    res = run_ini(ini, root=verify_dir, out=tmp_path / "out", solver="splu")["resistances"]
    ids, full = _baseline_matrix(verify_dir, "sgVerify1")
    assert res.loc[1, 4] == -1 and res.loc[2, 3] == -1  # listed pairs are excluded
    assert res.loc[1, 2] == pytest.approx(full[ids.index(1), ids.index(2)], abs=1e-6)


def test_output_options(verify_dir, tmp_path):
    ini = _variant(
        verify_dir,
        tmp_path,
        "sgVerify1",
        write_max_cur_maps="True",
        log_transform_maps="True",
        set_null_currents_to_nodata="True",
        set_null_voltages_to_nodata="True",
        compress_grids="True",
        write_cum_cur_map_only="True",
    )
    out = run_ini(ini, root=verify_dir, out=tmp_path / "out", solver="splu")
    names = {f.name for f in out["files"]}
    assert "sgVerify1_cum_curmap.asc.gz" in names and "sgVerify1_curmap_max.asc.gz" in names
    assert not any(n.startswith("sgVerify1_curmap_1_2") for n in names)  # cumulative only
    cum, _ = read_grid(tmp_path / "out" / "sgVerify1_cum_curmap.asc.gz")
    base, _ = read_grid(verify_dir / "baseline_results" / "sgVerify1_cum_curmap.asc")
    habitat, _ = read_grid(verify_dir / "1" / "cellmap.asc")
    pos = np.isfinite(habitat) & (base > 0)
    np.testing.assert_allclose(cum[pos], np.log10(base[pos]), atol=1e-5)
    assert np.all(np.isnan(cum[np.isnan(habitat)]))
    volt, _ = read_grid(tmp_path / "out" / "sgVerify1_voltmap_1_2.asc.gz")
    assert np.all(np.isnan(volt[np.isnan(habitat)]))
    with gzip.open(tmp_path / "out" / "sgVerify1_curmap_max.asc.gz", "rt") as fh:
        assert fh.readline().startswith("ncols")


def test_variable_source_strengths_and_mask(verify_dir, tmp_path):
    ini = _variant(
        verify_dir,
        tmp_path,
        "oneToAllVerify1",
        use_variable_source_strengths="True",
        variable_source_file="circuitscape/verify/1/variable_source_list.txt",
    )
    res = run_ini(ini, root=verify_dir, out=tmp_path / "o1", solver="splu")["resistances"]
    base = np.loadtxt(verify_dir / "baseline_results" / "oneToAllVerify1_resistances.txt")
    ref = dict(zip(base[:, 0].astype(int), base[:, 1], strict=True))
    assert res[1] == pytest.approx(ref[1], abs=1e-6)  # resistance = voltage / strength
    assert res[3] == -1  # strength 0: nothing to solve
    masked = _variant(verify_dir, tmp_path, "sgVerify1", use_mask="True", mask_file="circuitscape/verify/1/mask.asc")
    out = run_ini(masked, root=verify_dir, out=tmp_path / "o2", solver="splu")["resistances"]
    assert out.shape == (10, 10)
    assert out.loc[1, 2] != pytest.approx(res.get(2, 0))


def test_runner_errors(verify_dir, tmp_path):
    bad_points = tmp_path / "pts.txt"
    bad_points.write_text("1 0.5 0.5\n2 500 500\n")
    ini = _variant(verify_dir, tmp_path, "sgVerify6", point_file=str(bad_points))
    with pytest.raises(ValueError, match="outside of the habitat map"):
        run_ini(ini, root=verify_dir, out=tmp_path / "out")
    one = tmp_path / "one.txt"
    one.write_text("1 105 145\n")
    ini = _variant(verify_dir, tmp_path, "sgVerify6", point_file=str(one))
    with pytest.raises(ValueError, match="fewer than two"):
        run_ini(ini, root=verify_dir, out=tmp_path / "out")
    ini = _variant(verify_dir, tmp_path, "sgVerify1", use_mask="True", mask_file="circuitscape/verify/2/cellmap.asc")
    with pytest.raises(ValueError, match="not on the habitat grid"):
        run_ini(ini, root=verify_dir, out=tmp_path / "out")
    ini = _variant(verify_dir, tmp_path, "sgVerify1", habitat_file="circuitscape/verify/1/nothing.asc")
    with pytest.raises(FileNotFoundError, match="habitat_file"):
        run_ini(ini, root=verify_dir, out=tmp_path / "out")
    with pytest.raises(ValueError, match="solver"):
        run_ini(verify_dir / "config_files" / "sgVerify1.ini", root=verify_dir, out=tmp_path, solver="fast")


# ----------------------------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------------------------
def _parser():
    parser = argparse.ArgumentParser(prog="ecnet-lab")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_cli_runs_a_configuration(verify_dir, tmp_path, capsys):
    args = _parser().parse_args(
        [
            "circuitscape",
            str(verify_dir / "config_files" / "sgVerify2.ini"),
            "--root",
            str(verify_dir),
            "--out",
            str(tmp_path),
            "--solver",
            "splu",
        ]
    )
    assert args.handler(args) == 0
    assert (tmp_path / "sgVerify2_resistances.out").exists()
    assert "pairwise (raster, solver splu)" in capsys.readouterr().out


def test_cli_reports_errors(tmp_path, capsys):
    bad = tmp_path / "bad.ini"
    bad.write_text("[x]\nscenario = sideways\n")
    args = _parser().parse_args(["circuitscape", str(bad), "--out", str(tmp_path)])
    assert args.handler(args) == 2
    assert "scenario" in capsys.readouterr().err
