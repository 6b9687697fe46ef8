"""Packaging: both `pip install .` and `pip install -e .` give `import ecnet_lab.widgets`.

Each install goes into a throwaway virtual environment without dependencies (the check is
about the package layout: `widgets/` must become `ecnet_lab.widgets`, and the catalog YAML
must be shipped), and the import runs from a folder outside the source tree.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHECK = (
    "import ecnet_lab, ecnet_lab.widgets, pathlib;"
    "print(pathlib.Path(ecnet_lab.widgets.__file__).resolve());"
    "print((pathlib.Path(ecnet_lab.__file__).parent / 'data_catalog.yaml').read_text()[:40])"
)


# the throwaway environment must see only what it installed, not a caller's PYTHONPATH
CLEAN_ENV = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"


@pytest.mark.parametrize("editable", [False, True], ids=["regular", "editable"])
def test_install_gives_widgets_subpackage(tmp_path, editable):
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = _python(env_dir)
    cmd = [str(py), "-m", "pip", "install", "--quiet", "--no-deps"]
    cmd += ["-e", str(REPO)] if editable else [str(REPO)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=600, env=CLEAN_ENV)
    assert proc.returncode == 0, proc.stderr[-2000:]
    check = [str(py), "-c", CHECK]
    out = subprocess.run(check, capture_output=True, text=True, cwd=tmp_path, timeout=120, env=CLEAN_ENV)
    assert out.returncode == 0, out.stderr[-2000:]
    widgets_file, catalog_head = out.stdout.splitlines()[:2]
    if editable:
        assert Path(widgets_file) == (REPO / "widgets" / "__init__.py").resolve()
    else:
        assert "site-packages" in widgets_file and Path(widgets_file).parent.name == "widgets"
    assert "data catalog" in catalog_head


def test_engine_never_imports_widgets():
    pattern = re.compile(r"^\s*(from|import)\s+(ecnet_lab\.widgets|\.+widgets)\b|import_module\(.*widgets", re.M)
    offenders = [
        str(p.relative_to(REPO)) for p in (REPO / "ecnet_lab").rglob("*.py") if pattern.search(p.read_text("utf-8"))
    ]
    assert offenders == []
