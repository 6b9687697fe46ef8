"""StudyConfig: dict round trip (= papermill parameters), strict validation, string parsing."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ecnet_lab.pipeline import StudyConfig, describe_parameters, parse_value
from ecnet_lab.pipeline.config import PARAMETER_GROUPS


def test_defaults_round_trip_through_json():
    cfg = StudyConfig()
    d = cfg.to_dict()
    assert list(d) == StudyConfig.field_names()
    assert json.loads(json.dumps(d)) == d  # JSON-ready: papermill parameters
    assert StudyConfig.from_dict(json.loads(json.dumps(d))) == cfg
    assert isinstance(d["importance_breaks"], list) and isinstance(cfg.importance_breaks, tuple)


def test_paper_thresholds_are_the_defaults_where_stated():
    cfg = StudyConfig()
    assert (cfg.mspa_connectivity, cfg.mspa_edge_width) == (8, 1)
    assert cfg.aggregation_distance_m == 1000.0
    assert cfg.dpc_threshold == 0.1
    assert cfg.importance_breaks == (0.1, 0.5, 1.0)
    assert cfg.resistance_preset == "shenzhen"
    assert cfg.corridor_width == 1000.0
    assert cfg.added_sources == 12 and cfg.stepping_stones == 18
    assert cfg.interactive is False  # reports render static figures


def test_changed_and_replace():
    cfg = StudyConfig().replace(dpc_threshold=0.5, size=300)
    assert cfg.changed() == {"size": 300, "dpc_threshold": 0.5}
    assert cfg.replace(size=800).changed() == {"dpc_threshold": 0.5}


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"dpc_treshold": 0.2}, "unknown parameter 'dpc_treshold' (did you mean 'dpc_threshold'?)"),
        ({"size": 20}, "size=20 is out of range; allowed: 64 <= size <= 4000 (cells)"),
        ({"dispersal_probability": 1.0}, "0 < dispersal_probability < 1"),
        ({"min_core_area_km2": -1}, "min_core_area_km2=-1 is out of range"),
        ({"mspa_connectivity": 6}, "mspa_connectivity=6 is not allowed; choose one of [4, 8]"),
        ({"pinch_mode": "all"}, "choose one of ['adjacent', 'all_to_one', 'pairwise']"),
        ({"importance_breaks": [0.1, 0.5]}, "exactly 3 values"),
        ({"importance_breaks": [1.0, 0.5, 0.1]}, "must increase strictly"),
        ({"barrier_radii_m": [10.0, 60.0]}, "at least one cell (resolution_m=30)"),
        ({"optimize": "yes"}, "optimize='yes' is not allowed; it must be True or False"),
        ({"size": 100.5}, "must be an integer"),
        ({"data": "no-such-data"}, "data='no-such-data' is not in the data catalog"),
        ({"data": "hk-habitat-6class"}, "not a single land-cover raster"),
        ({"data": "hk-distance-from-coast"}, "foreground_classes=None is not allowed"),
        ({"swap_terrain": True, "resistance_preset": "jinan"}, "applies only to 'shenzhen'"),
        ({"foreground_classes": [2, 300]}, "foreground_classes item=300 is out of range"),
        ({"corridor_width": 0}, "0 < corridor_width"),
    ],
)
def test_bad_values_name_the_parameter_and_the_allowed_range(params, needle):
    with pytest.raises(ValueError) as info:
        StudyConfig.from_dict(params)
    assert needle in str(info.value)


def test_from_dict_rejects_non_mapping():
    with pytest.raises(TypeError, match="mapping"):
        StudyConfig.from_dict([("size", 100)])


def test_from_strings_parses_by_type():
    cfg = StudyConfig.from_strings(
        [
            ("size", "200"),
            ("optimize", "false"),
            ("foreground_classes", "[1, 2]"),
            ("importance_breaks", "0.2,0.6,2"),
            ("dpc_threshold", "0.25"),
            ("data", "hk-habitat-6class-2018-2022"),
        ]
    )
    assert cfg.size == 200 and cfg.optimize is False
    assert cfg.foreground_classes == (1, 2)
    assert cfg.importance_breaks == (0.2, 0.6, 2.0)
    assert cfg.dpc_threshold == 0.25
    assert StudyConfig.from_strings({"foreground_classes": "None"}).foreground_classes is None
    with pytest.raises(ValueError, match="optimize='maybe' is not allowed"):
        parse_value("optimize", "maybe")
    with pytest.raises(ValueError, match="size='big' is not allowed"):
        StudyConfig.from_strings({"size": "big"})
    with pytest.raises(ValueError, match="unknown parameter 'colour'"):
        StudyConfig.from_strings({"colour": "red"})


def test_from_namespace_needs_every_parameter():
    ns = StudyConfig(size=128).to_dict()
    assert StudyConfig.from_namespace({**ns, "other": 1}).size == 128
    del ns["seed"]
    with pytest.raises(ValueError, match="lacks parameter"):
        StudyConfig.from_namespace(ns)


def test_every_field_is_described():
    table = describe_parameters()
    assert table["name"].tolist() == StudyConfig.field_names()
    assert set(table["group"]) <= set(PARAMETER_GROUPS)
    for f in dataclasses.fields(StudyConfig):
        assert f.metadata["help"], f.name
    row = table.set_index("name").loc["min_core_area_km2"]
    assert row["units"] == "km2" and "10000" in row["allowed"]
