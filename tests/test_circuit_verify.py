"""Circuitscape's verification suite (26 cases) through the .ini runner, for every solver.

Each case runs ``run_ini`` on the shipped configuration and compares every baseline file
(resistances, voltage and current maps, network voltage/current tables) with the outputs:
absolute tolerance 1e-6, relative 1e-6 for values above 1 (Circuitscape's own criterion).
A failure lists the first differing cells.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import require_shared

from ecnet_lab.circuit import available_solvers, run_ini
from ecnet_lab.circuit.compare import compare_case

pytestmark = pytest.mark.reference

CASES = [
    *(f"allToOneVerify{i}" for i in range(1, 7)),
    "mgNetworkVerify1",
    "mgNetworkVerify2",
    "mgVerify1",
    "mgVerify2",
    "mgVerify3",
    *(f"oneToAllVerify{i}" for i in range(1, 7)),
    "sgNetworkVerify1",
    "sgNetworkVerify2",
    *(f"sgVerify{i}" for i in range(1, 8)),
]
SOLVERS = ["amg", "cholmod", "splu"]


def _solver_param(name):
    if name == "cholmod" and "cholmod" not in available_solvers():
        return pytest.param(name, marks=pytest.mark.skip(reason="scikit-sparse (CHOLMOD) is not installed"))
    return name


@pytest.fixture(scope="module")
def verify_dir() -> Path:
    return require_shared("circuitscape-verify")


def test_there_are_26_cases(verify_dir):
    found = sorted(p.stem for p in (verify_dir / "config_files").glob("*.ini"))
    assert found == sorted(CASES)
    assert len(found) == 26


@pytest.mark.parametrize("solver", [_solver_param(s) for s in SOLVERS])
@pytest.mark.parametrize("case", CASES)
def test_verify_case(verify_dir, case, solver, tmp_path):
    result = run_ini(verify_dir / "config_files" / f"{case}.ini", root=verify_dir, out=tmp_path, solver=solver)
    assert result["solver"] == solver
    msgs, n_files = compare_case(verify_dir / "baseline_results", case, tmp_path, rtol=1e-6, atol=1e-6)
    assert n_files >= 2, f"{case}: only {n_files} baseline files found"
    assert not msgs, f"{case} ({solver}):\n" + "\n".join(msgs)


def test_comparison_detects_a_wrong_engine_setting(verify_dir, tmp_path):
    """Negative control: switching the connection scheme must make the comparison fail."""
    ini = (verify_dir / "config_files" / "sgVerify1.ini").read_text()
    assert "connect_four_neighbors_only = True" in ini
    (tmp_path / "cfg").mkdir()
    bad = tmp_path / "cfg" / "sgVerify1.ini"
    bad.write_text(ini.replace("connect_four_neighbors_only = True", "connect_four_neighbors_only = False"))
    run_ini(bad, root=verify_dir, out=tmp_path / "out", solver="splu")
    msgs, _ = compare_case(verify_dir / "baseline_results", "sgVerify1", tmp_path / "out")
    assert msgs and "first:" in msgs[0]


def test_outputs_use_circuitscape_names(verify_dir, tmp_path):
    files = run_ini(verify_dir / "config_files" / "sgVerify1.ini", root=verify_dir, out=tmp_path, solver="splu")[
        "files"
    ]
    names = {Path(f).name for f in files}
    assert {"sgVerify1_resistances.out", "sgVerify1_resistances_3columns.out", "sgVerify1_cum_curmap.asc"} <= names
    assert "sgVerify1_curmap_1_2.asc" in names and "sgVerify1_voltmap_1_2.asc" in names
    # disconnected pairs get -1, the diagonal 0
    mat = np.loadtxt(tmp_path / "sgVerify1_resistances.out")
    assert mat[0, 0] == 0 and np.all(np.diag(mat[1:, 1:]) == 0)
    assert np.any(mat[1:, 1:] == -1)


def test_runner_copes_with_a_copied_suite(verify_dir, tmp_path):
    """Paths relative to the .ini folder work too (no --root)."""
    work = tmp_path / "suite"
    shutil.copytree(verify_dir / "4", work / "circuitscape" / "verify" / "4")
    ini = (verify_dir / "config_files" / "sgVerify5.ini").read_text()
    (work / "sgVerify5.ini").write_text(ini)
    result = run_ini(work / "sgVerify5.ini", out=tmp_path / "out", solver="splu")
    msgs, _ = compare_case(verify_dir / "baseline_results", "sgVerify5", tmp_path / "out")
    assert not msgs, "\n".join(msgs)
    assert result["resistances"].shape == (5, 5)
