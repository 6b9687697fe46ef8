"""The resistance spec: validation, clear errors naming the factor, exact round trips."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from ecnet_lab.resistance import (
    available_presets,
    preset,
    spec_from_dict,
    spec_from_yaml,
    spec_to_dict,
    spec_to_json,
    spec_to_yaml,
    validate_spec,
)


def _grading():
    return {"type": "breaks", "breaks": [1.0], "scores": [1, 2]}


def _spec(**weighting):
    s = {
        "name": "custom",
        "factors": [
            {
                "name": "a",
                "layer": "a",
                "grading": {"type": "natural_breaks", "scores": [1, 3, 5], "direction": "decreasing"},
            },
            {"name": "b", "derive": {"kind": "distance", "features": "roads"}, "grading": _grading()},
            {
                "name": "c",
                "layer": "c",
                "grading": {
                    "type": "categorical",
                    "table": [{"values": [1, 2], "score": 5, "label": "x"}],
                    "nodata_values": [0],
                },
            },
        ],
    }
    if weighting:
        s["weighting"] = weighting
    else:
        for f, w in zip(s["factors"], [0.5, 0.3, 0.2], strict=True):
            f["weight"] = w
    return s


SPECS = {
    "given": _spec(),
    "ahp": _spec(method="ahp", matrix=[[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]]),
    "entropy": _spec(method="entropy"),
    "combined": _spec(
        method="combined", matrix=[[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]], data=[[1, 2, 3], [2, 2, 1], [4, 1, 1]]
    ),
    "linear": _spec(method="combined", subjective=[0.2, 0.3, 0.5], combination="linear", alpha=0.25),
}


@pytest.mark.parametrize("key", list(SPECS))
def test_round_trips(key):
    s = SPECS[key]
    d = spec_to_dict(s)
    assert spec_from_dict(d) == d
    assert spec_from_dict(json.loads(json.dumps(d))) == d
    assert spec_from_yaml(spec_to_yaml(s)) == d
    assert json.loads(spec_to_json(s)) == d
    assert s == SPECS[key]  # the input is not modified


@pytest.mark.parametrize("name", available_presets())
def test_presets_round_trip(name):
    s = preset(name)
    assert spec_from_yaml(spec_to_yaml(s)) == s
    assert spec_from_dict(json.loads(spec_to_json(s))) == s


def test_defaults_filled_and_numpy_accepted():
    s = _spec()
    s["factors"][0]["grading"]["scores"] = np.array([1, 3, 5])
    s["factors"][0]["weight"] = np.float64(0.5)
    d = validate_spec(s)
    g = d["factors"][0]["grading"]
    assert g["scores"] == [1, 3, 5] and g["sample_size"] == 10_000 and g["seed"] == 0 and g["closed"] == "right"
    assert d["weighting"] == {"method": "given"} and d["status"] == "custom" and d["weight_tolerance"] == 1e-6
    e = validate_spec(SPECS["entropy"])["weighting"]
    assert e == {"method": "entropy", "data": "factors", "standardize": "minmax", "sample_size": 10_000, "seed": 0}


def _broken(path, value, base=None):
    s = copy.deepcopy(base or _spec())
    obj = s
    for p in path[:-1]:
        obj = obj[p]
    if value is KeyError:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return s


@pytest.mark.parametrize(
    "spec, match",
    [
        (_broken(["colour"], "red"), r"Additional properties .*'colour'"),
        (_broken(["factors", 0, "weights"], 0.5), r"factors\[0\].*'weights'"),
        (_broken(["factors", 0, "grading", "bins"], 5), r"factor 'a' grading.*'bins'"),
        (_broken(["factors", 0, "grading", "type"], "jenks"), r"factor 'a': grading type='jenks' is not allowed"),
        (_broken(["factors", 1, "grading", "scores"], [1, 0]), r"factor 'b': score 0 is not allowed.*> 0"),
        (_broken(["factors", 0, "grading", "scores"], [1, -3, 5]), r"factor 'a': score -3"),
        (_broken(["factors", 2, "grading", "table", 0, "score"], 0), r"factor 'c' table row 0 \(x\): score 0"),
        (_broken(["factors", 0, "weight"], 0.6), r"sum to 1 .* sum to 1.1.*a=0.6"),
        (_broken(["factors", 0, "weight"], KeyError), r"factors \['a'\] have no 'weight'"),
        (_broken(["factors", 1, "grading", "breaks"], [2.0, 1.0]), r"factor 'b': .*breaks"),
        (
            _broken(["factors", 1, "grading", "breaks"], [1.0, 2.0]),
            r"factor 'b': 2 breaks define 3 classes but 2 scores",
        ),
        (_broken(["factors", 1, "name"], "a"), r"duplicated: \['a'\]"),
        (_broken(["factors", 1, "layer"], "b"), r"factor 'b': give exactly one of 'layer' or 'derive'"),
        (_broken(["factors", 1, "derive", "kind"], "buffer"), r"factor 'b': derive kind='buffer'"),
        (_broken(["factors", 0, "name"], "has space"), r"does not match"),
        (_broken(["weighting"], {"method": "delphi"}), r"weighting method='delphi' is not allowed"),
        (_broken(["weighting", "matrix"], [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], SPECS["ahp"]), r"CR ="),
        (_broken(["weighting", "matrix"], [[1, 2], [0.5, 1]], SPECS["ahp"]), r"shape \(2, 2\) but there are 3 factors"),
        (_broken(["factors", 0, "weight"], 0.5, SPECS["ahp"]), r"also give a 'weight'"),
        (_broken(["weighting", "alpha"], 0.5, SPECS["combined"]), r"'alpha' is only used"),
        (_broken(["name"], KeyError), r"'name' is a required property"),
    ],
)
def test_bad_specs_raise_clear_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        validate_spec(spec)


def test_inconsistent_ahp_allowed_explicitly():
    s = _broken(["weighting", "matrix"], [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], SPECS["ahp"])
    s["weighting"]["allow_inconsistent"] = True
    with pytest.warns(UserWarning, match="inconsistent"):
        assert validate_spec(s)["weighting"]["allow_inconsistent"] is True


def test_not_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        validate_spec([1, 2])
    with pytest.raises(ValueError, match="mapping"):
        spec_from_yaml("- 1\n- 2\n")
