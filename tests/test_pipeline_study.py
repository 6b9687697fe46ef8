"""Study: the DAG, the cache keys, re-running only what changed, cached == fresh, export."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ecnet_lab.pipeline import STEP_NAMES, STEPS, Study, StudyConfig, ancestors, descendants, stable_hash
from ecnet_lab.pipeline.study import StepCache

# A small synthetic city with 4 sources (200 x 200 cells of 30 m).
SMALL = {"size": 200, "min_core_area_km2": 0.2, "aggregation_distance_m": 300.0}


@pytest.fixture(scope="module")
def baseline():
    """A study run to the network (no optimization) and its counters afterwards."""
    study = Study(StudyConfig(**SMALL, optimize=False))
    study.run(until="network")
    return study


def test_dag_is_topological_and_declares_only_known_fields():
    fields = set(StudyConfig.field_names())
    seen = set()
    for s in STEPS:
        assert set(s.deps) <= seen, f"{s.name} depends on a later step"
        assert set(s.fields) <= fields, s.name
        seen.add(s.name)
    assert ancestors("sources") == ["layers", "foreground", "mspa", "candidates", "sources"]
    assert "resistance" not in descendants("sources")
    assert descendants("sources")[:3] == ["sources", "pathways", "corridors"]


def test_steps_reading_each_threshold():
    readers = {f: [s.name for s in STEPS if f in s.fields] for f in ("dpc_threshold", "min_core_area_km2")}
    assert readers == {"dpc_threshold": ["sources"], "min_core_area_km2": ["candidates"]}


def test_stable_hash_is_order_and_type_stable():
    assert stable_hash({"a": (1, 2.0), "b": None}) == stable_hash({"b": None, "a": [1, 2.0]})
    assert stable_hash({"a": 0.1}) != stable_hash({"a": 0.1 + 1e-12})
    assert stable_hash({"a": 1}) != stable_hash({"a": True})
    with pytest.raises(TypeError, match="cannot hash"):
        stable_hash({"a": object()})


def test_keys_change_exactly_downstream_of_a_parameter():
    a = Study(StudyConfig(**SMALL))
    b = a.with_params(dpc_threshold=0.5)
    changed = [s for s in STEP_NAMES if a.key(s) != b.key(s)]
    assert changed == descendants("sources")
    c = a.with_params(resistance_preset="jinan")
    assert [s for s in STEP_NAMES if a.key(s) != c.key(s)] == descendants("resistance")


def test_dpc_change_reruns_only_sources_and_downstream(baseline):
    study = Study(baseline.config, cache=StepCache())
    study.run(until="network")
    before = dict(study.counters)
    assert all(before[s] == 1 for s in ancestors("network"))
    study.update(dpc_threshold=0.5).run(until="network")
    delta = {s: study.counters[s] - before.get(s, 0) for s in STEP_NAMES}
    rerun = {s for s, d in delta.items() if d}
    assert rerun == set(ancestors("network")) & set(descendants("sources"))
    assert delta["sources"] == 1 and delta["mspa"] == 0 and delta["candidates"] == 0 and delta["resistance"] == 0
    # back to the first threshold: everything is cached
    study.update(dpc_threshold=baseline.config.dpc_threshold).run(until="network")
    assert sum(study.counters.values()) == sum(before.values()) + sum(delta.values())


def test_cached_result_equals_a_fresh_run(baseline):
    shared = Study(baseline.config, cache=StepCache())
    shared.run(until="network")
    shared.update(dpc_threshold=40.0).run(until=["network", "current"])  # different sources, upstream cached
    fresh = Study(baseline.config.replace(dpc_threshold=40.0))
    fresh.run(until=["network", "current"])
    assert fresh.counters["mspa"] == 1 and shared.counters["mspa"] == 1
    a, b = shared.results, fresh.results
    np.testing.assert_array_equal(a["mspa"].values, b["mspa"].values)
    np.testing.assert_array_equal(a["sources"].labels.values, b["sources"].labels.values)
    pd.testing.assert_frame_equal(
        pd.DataFrame(a["sources"].sources.drop(columns="geometry")),
        pd.DataFrame(b["sources"].sources.drop(columns="geometry")),
    )
    assert a["sources"].sources.geometry.geom_equals(b["sources"].sources.geometry).all()
    np.testing.assert_allclose(a["resistance"].values, b["resistance"].values, equal_nan=True)
    pd.testing.assert_frame_equal(
        pd.DataFrame(a["corridors"].drop(columns="geometry")), pd.DataFrame(b["corridors"].drop(columns="geometry"))
    )
    np.testing.assert_allclose(a["current"].current.values, b["current"].current.values, equal_nan=True)
    assert len(a["sources"].sources) < len(baseline.results["sources"].sources)


def test_results_view_and_errors(baseline):
    study = Study(baseline.config, cache=baseline.cache)
    assert list(study.results) == list(ancestors("network"))
    with pytest.raises(KeyError, match="run\\(until='barriers'\\)"):
        study.results["barriers"]
    with pytest.raises(ValueError, match="step='nope' is not allowed"):
        study.run(until="nope")
    assert study.pending("network") == []
    assert study.pending("barriers") == ["barrier_scores", "barriers"]
    with pytest.raises(ValueError, match="unknown parameter"):
        study.update(dpc=1)


def test_study_results_are_plausible(baseline):
    r = baseline.results
    sel = r["sources"]
    assert len(sel.sources) == 4
    assert set(np.unique(sel.labels.values)) == {0, 1, 2, 3, 4}
    res = r["resistance"]
    inside = r["layers"]["study_area"].values
    assert np.isnan(res.values[~inside]).all() and (res.values[inside] > 0).all()
    assert r["resistance"].attrs["dropped_factors"] == ""  # the synthetic city has every Table 2 layer
    cor = r["corridors"]
    assert len(cor) >= 3 and set(cor["corridor_class"].astype(str)) <= {"key", "important", "general"}
    assert (cor["length_km"] > 0).all()
    net = r["network"]
    assert net.n_nodes == len(sel.sources) and net.n_edges == len(cor)


def test_too_few_sources_fail_with_a_clear_message(baseline):
    study = Study(baseline.config, cache=baseline.cache).update(dpc_threshold=90.0)
    assert len(study.run(until="sources").results["sources"].sources) < 2
    with pytest.raises(ValueError, match="corridors need at least 2 ecological sources; the source step selected"):
        study.run(until="pathways")


def test_no_core_patch_left_names_the_threshold(baseline):
    study = Study(baseline.config, cache=baseline.cache).update(min_core_area_km2=5000.0)
    with pytest.raises(ValueError, match="min_core_area_km2"):
        study.run(until="sources")


def test_study_accepts_mapping_and_rejects_other_configs():
    assert Study({"size": 128}).config.size == 128
    assert Study(size=128, seed=3).config.seed == 3
    with pytest.raises(TypeError, match="StudyConfig or a mapping"):
        Study(42)
    with pytest.raises(ValueError, match="max_entries_per_step"):
        StepCache(0)


def test_cache_evicts_least_recently_used():
    cache = StepCache(max_entries_per_step=2)
    for i in range(3):
        cache.put("sources", f"k{i}", i, 0.0)
    assert cache.get("sources", "k0") == (False, None)
    assert cache.get("sources", "k2") == (True, 2)
    assert cache.counters["sources"] == 3


def test_optimization_step_measures_before_like_the_pipeline(baseline):
    study = Study(baseline.config, cache=baseline.cache).update(optimize=True).run()
    r = study.results
    result = r["optimization"]
    assert result.before.name == "before"
    table = result.comparison.set_index(["scenario", "metric"])["value"]
    # the baseline of the optimization is the pipeline's own network, measured the same way
    assert table[("before", "n_sources")] == len(r["sources"].sources)
    assert table[("before", "n_corridors")] == len(r["corridors"])
    assert table[("before", "n_pinch_points")] == len(r["pinch_points"])
    assert table[("before", "n_barriers")] == len(r["barriers"])
    assert table[("optimized", "n_breakpoints")] == len(result.breakpoints) > 0  # the city has roads
    from ecnet_lab.pipeline import tables

    t5 = tables.optimization_table(result)
    assert t5.loc[("Ecological sources", "Before optimization"), "quantity"] == len(r["sources"].sources)


def test_export_writes_rasters_gpkg_tables_and_config(tmp_path):
    import pyogrio

    from ecnet_lab.io import read_raster

    study = Study(StudyConfig(size=160, min_core_area_km2=0.2, aggregation_distance_m=300.0))
    files = study.export(tmp_path / "out")
    names = {p.name for p in files.values()}
    for expected in (
        "mspa.tif",
        "resistance.tif",
        "pinch_current.tif",
        "network_current_before.tif",
        "ecological_network.gpkg",
        "table3_mspa.csv",
        "table4_sources.csv",
        "table5_comparison.csv",
        "config.json",
    ):
        assert expected in names
    layers = {name for name, _ in pyogrio.list_layers(files["geopackage"])}
    assert {"sources", "corridors", "pinch_points", "barriers"} <= layers
    mspa = read_raster(files["mspa"])
    assert mspa.rio.crs.to_epsg() == 32650
    np.testing.assert_array_equal(mspa.values, study.results["mspa"].values)
    meta = json.loads(files["config"].read_text())
    assert meta["config"] == study.config.to_dict()
    assert {"numpy", "xarray", "scipy", "networkx", "ecnet-lab"} <= set(meta["versions"])
    assert meta["steps"]["sources"] == study.key("sources")
    t4 = pd.read_csv(files["table4_sources"])
    assert t4["quantity"].sum() == len(study.results["sources"].sources)
    assert not list((tmp_path / "out").glob(".*tmp*"))  # atomic writes leave no temporary files
