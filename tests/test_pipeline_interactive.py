"""Interactive exploration: the notebook's widget cell bound to a Study (sliders, live curve, map)."""

from __future__ import annotations

import nbformat
import pytest

from ecnet_lab import reports
from ecnet_lab.pipeline import Study, StudyConfig
from ecnet_lab.pipeline.interactive import DEFAULT_SLIDERS, slider_specs, source_response


@pytest.fixture(scope="module")
def study():
    return Study(StudyConfig(size=200, min_core_area_km2=0.2, aggregation_distance_m=300.0, optimize=False))


def test_source_response_counts_sources_and_survives_empty_selections(study):
    responses, sel = source_response(study, {"dpc_threshold": 0.1})
    assert responses["n_sources"] == len(sel.sources) == 4
    assert responses["source_area_km2"] == pytest.approx(float(sel.sources["area_km2"].sum()))
    empty, none = source_response(study, {"min_core_area_km2": 5000.0})
    assert none is None and empty["n_sources"] == 0.0
    with pytest.raises(ValueError, match="unknown parameter"):
        source_response(study, {"dpc": 1.0})


def test_slider_specs_start_at_the_study_values(study):
    specs = slider_specs(study)
    assert set(specs) == set(DEFAULT_SLIDERS)
    assert specs["min_core_area_km2"][3] == 0.2 and specs["aggregation_distance_m"][3] == 300.0


def _interactive_cell() -> str:
    nb = nbformat.read(str(reports.CASE_STUDIES["shenzhen"].notebook_path()), as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "ThresholdSweep" in c.source]
    assert len(cells) == 1
    return cells[0]


def test_notebook_widget_cell_reruns_only_source_steps_and_updates_the_map(study):
    pytest.importorskip("ipyleaflet")
    study.run(until="sources")
    shown = []
    ns = {"interactive": True, "study": study, "selection": study.results["sources"], "display": shown.append}
    exec(_interactive_cell(), ns)  # the notebook's own code, as JupyterLab runs it
    sweep, layer_map = ns["sweep"], ns["layer_map"]
    try:
        assert len(shown) == 1
        assert sweep.wait(timeout=60)
        assert sweep.history[-1]["n_sources"] == 4
        assert layer_map.layer_state()["sources"]["n_features"] == 4
        mspa_runs, candidate_runs = study.counters["mspa"], study.counters["candidates"]
        sweep.set_params(dpc_threshold=40.0)
        assert sweep.wait(timeout=60)
        n = int(sweep.history[-1]["n_sources"])
        assert sweep.history[-1]["dpc_threshold"] == 40.0 and 0 < n < 4
        assert layer_map.layer_state()["sources"]["n_features"] == n  # the map layer is updated in place
        assert study.counters["mspa"] == mspa_runs and study.counters["candidates"] == candidate_runs
        sweep.set_params(min_core_area_km2=0.5)
        assert sweep.wait(timeout=60)
        assert study.counters["candidates"] == candidate_runs + 1 and study.counters["mspa"] == mspa_runs
    finally:
        sweep.close()
        layer_map.close()
