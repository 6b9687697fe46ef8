"""``ecnet-lab run``: papermill execution of the Shenzhen notebook, its outputs, the HTML, failures."""

from __future__ import annotations

import re
import time

import nbformat
import pytest

from ecnet_lab import cli, reports
from ecnet_lab.pipeline import StudyConfig

# A small synthetic city (200 x 200 cells of 30 m) with 4 sources; the run takes ~15 s.
SMALL = [("size", "200"), ("min_core_area_km2", "0.2"), ("aggregation_distance_m", "300")]


def _outputs(nb, kind: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if kind in data:
                found.append(data[kind])
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    code = cli.main(["run", "shenzhen", *[x for p in SMALL for x in ("-p", *p)], "--out", str(out)])
    assert code == 0
    return out


def test_notebook_parameters_cell_is_the_config():
    nb = nbformat.read(str(reports.CASE_STUDIES["shenzhen"].notebook_path()), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    namespace: dict = {}
    exec(tagged[0].source, namespace)  # the cell only assigns literals
    params = {k: v for k, v in namespace.items() if not k.startswith("__")}
    assert params == StudyConfig().to_dict()


def test_report_writes_executed_notebook_and_html(report):
    nb_path, html_path = report / "shenzhen_mspa.ipynb", report / "shenzhen_mspa.html"
    assert nb_path.exists() and html_path.exists()
    assert not list(report.glob("*.failed.ipynb")) and not list(report.glob(".*"))
    nb = nbformat.read(str(nb_path), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "size = 200" in injected[0].source
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_executed_notebook_holds_the_papers_tables_and_figures(report):
    nb = nbformat.read(str(report / "shenzhen_mspa.ipynb"), as_version=4)
    html = "\n".join(_outputs(nb, "text/html"))
    captions = re.findall(r"<caption>([^<]*)</caption>", html)
    for table in ("Table 3. MSPA", "Table 4. Classification", "Table 5. Comparison", "Ecological corridors by class"):
        assert any(c.startswith(table) for c in captions), (table, captions)
    for row in ("Core", "Bridge", "Key source", "Important source", "Ecological pinch points", "After optimization"):
        assert f">{row}</th>" in html, row
    pngs = _outputs(nb, "image/png")
    assert len(pngs) >= 8  # land cover, MSPA, sources, resistance, corridors, pinch/barriers, optimized, current
    assert all(len(p) > 10_000 for p in pngs)
    assert not _outputs(nb, "application/vnd.jupyter.widget-view+json")  # static report: no widgets


def test_html_report_is_self_contained(report):
    html = (report / "shenzhen_mspa.html").read_text(encoding="utf-8")
    assert "<script" not in html  # no require.js / MathJax / widget manager from a CDN
    assert not re.search(r"""<link[^>]+href=["']https?://""", html)
    assert "Table 3. MSPA landscape types" in html and "Table 5. Comparison" in html
    assert html.count("data:image/png;base64,") >= 8
    assert "StudyConfig.from_namespace" not in html  # input code is hidden
    data = report / "data"
    assert (data / "ecological_network.gpkg").exists() and (data / "config.json").exists()


def test_bad_parameter_fails_fast_before_papermill(tmp_path, monkeypatch, capsys):
    import papermill

    def boom(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("papermill ran although a parameter was invalid")

    monkeypatch.setattr(papermill, "execute_notebook", boom)
    for args, needle in (
        (["-p", "sise", "200"], "unknown parameter 'sise' (did you mean 'size'?)"),
        (["-p", "size", "20"], "size=20 is out of range; allowed: 64 <= size <= 4000"),
        (["-p", "dispersal_probability", "1.5"], "0 < dispersal_probability < 1"),
        (["--data", "no-such-data"], "data='no-such-data' is not in the data catalog"),
        (["-p", "size", "200", "-p", "size", "300"], "given more than once"),
    ):
        t0 = time.perf_counter()
        code = cli.main(["run", "shenzhen", *args, "--out", str(tmp_path / "out")])
        assert code == 2
        assert time.perf_counter() - t0 < 5.0
        assert needle in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_run_needs_a_case_or_list(capsys):
    assert cli.main(["run"]) == 2
    assert "give a case study" in capsys.readouterr().err
    assert cli.main(["run", "jinan"]) == 2
    assert "case study 'jinan' is not known" in capsys.readouterr().err


def test_list_shows_case_studies_and_parameters(capsys):
    assert cli.main(["run", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("shenzhen:")
    for name in StudyConfig.field_names():
        assert f"    {name} = " in out
    assert "min_core_area_km2 = 1.0   (0 <= min_core_area_km2 <= 10000 (km2))" in out


def test_failing_cell_exits_nonzero_and_names_the_cell(tmp_path, capsys):
    # dPC > 95 keeps at most one source: the corridor step must stop with a clear message
    args = ["-p", "size", "120", "-p", "min_core_area_km2", "0.1", "-p", "dpc_threshold", "95", "--no-export"]
    code = cli.main(["run", "shenzhen", *args, "--out", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert re.search(
        r'failed at cell In \[\d+\] in section "4\. Ecological corridors" '
        r"\(first line: 'study\.run\(until=\"corridors\"\)'",
        err,
    ), err
    assert "ValueError: corridors need at least 2 ecological sources" in err
    assert (tmp_path / "shenzhen_mspa.failed.ipynb").exists()
    assert not (tmp_path / "shenzhen_mspa.html").exists()


def test_kernel_runs_this_python():
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    with reports._kernel_for_this_python() as name:
        spec = KernelSpecManager().get_kernel_spec(name)
        assert spec.argv[0] in ("python", "python3", sys.executable)


def test_private_kernelspec_when_python3_is_another_interpreter(monkeypatch):
    import os
    import sys

    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    other = KernelSpec(argv=["/opt/other/bin/python", "-m", "ipykernel_launcher"], display_name="x", language="python")
    real = KernelSpecManager.get_kernel_spec
    monkeypatch.setattr(
        KernelSpecManager, "get_kernel_spec", lambda self, n: other if n == "python3" else real(self, n)
    )
    before = os.environ.get("JUPYTER_PATH")
    with reports._kernel_for_this_python() as name:
        assert name == "ecnet-lab-python"
        assert real(KernelSpecManager(), name).argv[0] == sys.executable
    assert os.environ.get("JUPYTER_PATH") == before
