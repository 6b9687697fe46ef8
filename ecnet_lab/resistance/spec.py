"""The resistance specification: a plain, JSON/YAML-compatible dict, strictly validated.

A specification lists the factors, how each one is read or derived from the input layers,
how it is graded into resistance scores, and how the factors are weighted::

    name: my-city                       # required
    description: free text              # optional (default "")
    source: where the numbers come from # optional (default "")
    status: custom                      # published | provisional | custom (default custom)
    weight_tolerance: 1.0e-06           # |sum(weights) - 1| allowed (default 1e-6, at most 0.01)
    weighting: {method: given}          # given | ahp | entropy | combined (default given)
    factors:
      - name: lulc                      # identifier, unique
        label: LULC                     # optional display name
        layer: lulc                     # input layer name ...
        # derive: {kind: normalized_difference, a: nir, b: red}   # ... or a derived input
        # derive: {kind: distance, features: railways}            # (distance in metres)
        weight: 0.31                    # with method "given" only
        grading:
          type: categorical             # categorical | breaks | natural_breaks | equal_interval | quantiles
          table:
            - {values: [1], score: 10, label: grassland}
          nodata_values: []
      - name: dem
        layer: dem
        weight: 0.69
        grading: {type: breaks, breaks: [99, 225], scores: [20, 40, 60], closed: right, direction: increasing}

Continuous gradings (``breaks``, ``natural_breaks``, ``equal_interval``, ``quantiles``) take
``scores`` (one per class, > 0), ``direction`` (``increasing``: the class of the lowest values
gets ``scores[0]``; ``decreasing``: the class of the highest values gets ``scores[0]``),
``closed`` (``right``: ``(b_{i-1}, b_i]``; ``left``: ``[b_{i-1}, b_i)``; outer classes are
open-ended) and optional ``labels`` (one per score, in the order of ``scores``).
``natural_breaks`` also takes ``sample_size`` (default 10 000) and ``seed`` (default 0).

Weighting methods:

* ``given``: every factor carries ``weight``; the weights must sum to 1.
* ``ahp``: ``matrix`` (n x n pairwise comparisons in factor order), ``allow_inconsistent`` (default false).
* ``entropy``: ``data`` = ``"factors"`` (the graded factor scores, sampled with ``sample_size`` and
  ``seed``) or an explicit m x n table (e.g. expert scores), ``standardize`` (minmax | none).
* ``combined``: AHP (``matrix``) or given subjective weights (``subjective``) combined with entropy
  weights (``data`` as above) by ``combination`` (geometric = the Shenzhen formula | product | linear
  with ``alpha``).

:func:`validate_spec` returns a normalised deep copy with every default filled in, so
``spec_from_dict(spec_to_dict(s)) == spec_to_dict(s)`` and the YAML round trip is exact.
Unknown keys are errors.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import jsonschema
import numpy as np

__all__ = [
    "GRADING_TYPES",
    "WEIGHTING_METHODS",
    "factor_names",
    "spec_from_dict",
    "spec_from_yaml",
    "spec_to_dict",
    "spec_to_json",
    "spec_to_yaml",
    "validate_spec",
]

GRADING_TYPES = ("categorical", "breaks", "natural_breaks", "equal_interval", "quantiles")
WEIGHTING_METHODS = ("given", "ahp", "entropy", "combined")
DERIVE_KINDS = ("normalized_difference", "distance")

_NUM = {"type": "number"}
_NUMS = {"type": "array", "items": _NUM}
_STR = {"type": "string"}

_TOP_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "factors"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": _STR,
        "source": _STR,
        "status": {"enum": ["published", "provisional", "custom"]},
        "weight_tolerance": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.01},
        "weighting": {"type": "object"},
        "factors": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}

_FACTOR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "grading"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
        "label": _STR,
        "units": _STR,
        "layer": {"type": "string", "minLength": 1},
        "derive": {"type": "object"},
        "weight": _NUM,
        "grading": {"type": "object"},
    },
}

_DERIVE_SCHEMAS = {
    "normalized_difference": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "a", "b"],
        "properties": {"kind": {"const": "normalized_difference"}, "a": _STR, "b": _STR},
    },
    "distance": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "features"],
        "properties": {"kind": {"const": "distance"}, "features": _STR},
    },
}

_CONTINUOUS_COMMON = {
    "scores": {"type": "array", "items": _NUM, "minItems": 2},
    "direction": {"enum": ["increasing", "decreasing"]},
    "closed": {"enum": ["right", "left"]},
    "labels": {"type": "array", "items": _STR},
}

_GRADING_SCHEMAS = {
    "categorical": {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "table"],
        "properties": {
            "type": {"const": "categorical"},
            "table": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["values", "score"],
                    "properties": {"values": {**_NUMS, "minItems": 1}, "score": _NUM, "label": _STR},
                },
            },
            "nodata_values": _NUMS,
        },
    },
    "breaks": {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "breaks", "scores"],
        "properties": {"type": {"const": "breaks"}, "breaks": {**_NUMS, "minItems": 1}, **_CONTINUOUS_COMMON},
    },
    "natural_breaks": {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "scores"],
        "properties": {
            "type": {"const": "natural_breaks"},
            "sample_size": {"type": "integer", "minimum": 2},
            "seed": {"type": "integer", "minimum": 0},
            **_CONTINUOUS_COMMON,
        },
    },
    "equal_interval": {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "scores"],
        "properties": {"type": {"const": "equal_interval"}, **_CONTINUOUS_COMMON},
    },
    "quantiles": {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "scores"],
        "properties": {"type": {"const": "quantiles"}, **_CONTINUOUS_COMMON},
    },
}

_ENTROPY_DATA = {"oneOf": [{"const": "factors"}, {"type": "array", "minItems": 2, "items": _NUMS}]}
_WEIGHTING_SCHEMAS = {
    "given": {
        "type": "object",
        "additionalProperties": False,
        "required": ["method"],
        "properties": {"method": {"const": "given"}},
    },
    "ahp": {
        "type": "object",
        "additionalProperties": False,
        "required": ["method", "matrix"],
        "properties": {
            "method": {"const": "ahp"},
            "matrix": {"type": "array", "items": _NUMS},
            "allow_inconsistent": {"type": "boolean"},
        },
    },
    "entropy": {
        "type": "object",
        "additionalProperties": False,
        "required": ["method"],
        "properties": {
            "method": {"const": "entropy"},
            "data": _ENTROPY_DATA,
            "standardize": {"enum": ["minmax", "none"]},
            "sample_size": {"type": "integer", "minimum": 2},
            "seed": {"type": "integer", "minimum": 0},
        },
    },
    "combined": {
        "type": "object",
        "additionalProperties": False,
        "required": ["method"],
        "properties": {
            "method": {"const": "combined"},
            "matrix": {"type": "array", "items": _NUMS},
            "allow_inconsistent": {"type": "boolean"},
            "subjective": _NUMS,
            "data": _ENTROPY_DATA,
            "standardize": {"enum": ["minmax", "none"]},
            "sample_size": {"type": "integer", "minimum": 2},
            "seed": {"type": "integer", "minimum": 0},
            "combination": {"enum": ["geometric", "product", "linear"]},
            "alpha": {"type": "number", "minimum": 0, "maximum": 1},
        },
    },
}

_DEFAULTS_CONTINUOUS = {"direction": "increasing", "closed": "right"}


def _to_builtin(obj: Any) -> Any:
    """Convert numpy scalars/arrays and tuples to plain JSON types (recursively)."""
    if isinstance(obj, Mapping):
        return {str(k) if not isinstance(k, str) else k: _to_builtin(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_to_builtin(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _to_builtin(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def _check(instance: Any, schema: dict, where: str) -> None:
    try:
        jsonschema.validate(instance, schema)
    except jsonschema.ValidationError as exc:
        path = "".join(f"[{p!r}]" for p in exc.absolute_path)
        raise ValueError(f"resistance spec: {where}{path}: {exc.message}") from None


def _positive_scores(where: str, scores: list[float]) -> None:
    for s in scores:
        if not np.isfinite(s) or s <= 0:
            raise ValueError(
                f"resistance spec: {where}: score {s!r} is not allowed; resistance scores must be finite and > 0"
            )


def _validate_factor(f: dict, i: int) -> dict:
    _check(f, _FACTOR_SCHEMA, f"factors[{i}]")
    name = f["name"]
    where = f"factor {name!r}"
    if ("layer" in f) == ("derive" in f):
        raise ValueError(f"resistance spec: {where}: give exactly one of 'layer' or 'derive'")
    if "derive" in f:
        kind = f["derive"].get("kind")
        if kind not in DERIVE_KINDS:
            raise ValueError(
                f"resistance spec: {where}: derive kind={kind!r} is not allowed; choose one of {list(DERIVE_KINDS)!r}"
            )
        _check(f["derive"], _DERIVE_SCHEMAS[kind], f"{where} derive")
    if "weight" in f and (not np.isfinite(f["weight"]) or f["weight"] < 0):
        raise ValueError(f"resistance spec: {where}: weight {f['weight']!r} must be finite and >= 0")
    g = f["grading"]
    gtype = g.get("type")
    if gtype not in GRADING_TYPES:
        raise ValueError(
            f"resistance spec: {where}: grading type={gtype!r} is not allowed; choose one of {list(GRADING_TYPES)!r}"
        )
    _check(g, _GRADING_SCHEMAS[gtype], f"{where} grading")
    if gtype == "categorical":
        seen: dict[float, int] = {}
        for r, row in enumerate(g["table"]):
            _positive_scores(f"{where} table row {r} ({row.get('label', row['values'])})", [row["score"]])
            for c in row["values"]:
                if c in seen:
                    raise ValueError(
                        f"resistance spec: {where}: class code {c!r} appears in table rows {seen[c]} and {r}"
                    )
                seen[c] = r
        g.setdefault("nodata_values", [])
    else:
        _positive_scores(where, g["scores"])
        for key, val in _DEFAULTS_CONTINUOUS.items():
            g.setdefault(key, val)
        if "labels" in g and len(g["labels"]) != len(g["scores"]):
            raise ValueError(f"resistance spec: {where}: {len(g['labels'])} labels for {len(g['scores'])} scores")
        if gtype == "breaks":
            b = np.asarray(g["breaks"], dtype=float)
            if np.any(~np.isfinite(b)) or np.any(np.diff(b) <= 0):
                raise ValueError(
                    f"resistance spec: {where}: breaks {g['breaks']!r} must be finite and strictly increasing"
                )
            if len(g["scores"]) != len(g["breaks"]) + 1:
                raise ValueError(
                    f"resistance spec: {where}: {len(g['breaks'])} breaks define {len(g['breaks']) + 1} classes "
                    f"but {len(g['scores'])} scores were given"
                )
        if gtype == "natural_breaks":
            from .grading import DEFAULT_SAMPLE_SIZE

            g.setdefault("sample_size", DEFAULT_SAMPLE_SIZE)
            g.setdefault("seed", 0)
    return f


def _validate_weighting(spec: dict) -> None:
    from .weights import ahp_weights, check_weights

    w = spec.setdefault("weighting", {"method": "given"})
    method = w.get("method")
    if method not in WEIGHTING_METHODS:
        raise ValueError(
            f"resistance spec: weighting method={method!r} is not allowed; choose one of {list(WEIGHTING_METHODS)!r}"
        )
    _check(w, _WEIGHTING_SCHEMAS[method], "weighting")
    factors = spec["factors"]
    names = [f["name"] for f in factors]
    n = len(names)
    has_weight = [f["name"] for f in factors if "weight" in f]
    if method == "given":
        missing = [nm for nm in names if nm not in has_weight]
        if missing:
            raise ValueError(f"resistance spec: weighting 'given' but factors {missing!r} have no 'weight'")
        check_weights(
            [f["weight"] for f in factors], names, tol=spec["weight_tolerance"], what="resistance spec: weights"
        )
        return
    if has_weight:
        raise ValueError(
            f"resistance spec: weighting method {method!r} computes the weights, but factors {has_weight!r} also give "
            "a 'weight'; remove them or use method 'given'"
        )
    if method in ("ahp", "combined") and "matrix" in w:
        m = np.asarray(w["matrix"], dtype=float)
        if m.shape != (n, n):
            raise ValueError(
                f"resistance spec: weighting matrix has shape {m.shape} but there are {n} factors {names!r}"
            )
        ahp_weights(m, names=names, allow_inconsistent=w.setdefault("allow_inconsistent", False))
    if method == "combined":
        if ("matrix" in w) == ("subjective" in w):
            raise ValueError(
                "resistance spec: weighting 'combined' needs exactly one of 'matrix' (AHP) or 'subjective'"
            )
        if "subjective" in w:
            if len(w["subjective"]) != n:
                raise ValueError(f"resistance spec: {len(w['subjective'])} subjective weights for {n} factors")
            check_weights(
                w["subjective"], names, tol=spec["weight_tolerance"], what="resistance spec: subjective weights"
            )
        w.setdefault("combination", "geometric")
        if w["combination"] == "linear":
            w.setdefault("alpha", 0.5)
        elif "alpha" in w:
            raise ValueError("resistance spec: 'alpha' is only used with combination 'linear'")
    if method in ("entropy", "combined"):
        w.setdefault("data", "factors")
        w.setdefault("standardize", "minmax")
        if w["data"] == "factors":
            from .grading import DEFAULT_SAMPLE_SIZE

            w.setdefault("sample_size", DEFAULT_SAMPLE_SIZE)
            w.setdefault("seed", 0)
        else:
            if any(len(row) != n for row in w["data"]):
                raise ValueError(
                    f"resistance spec: every row of the entropy data must have {n} values (one per factor)"
                )
            if "sample_size" in w or "seed" in w:
                raise ValueError("resistance spec: 'sample_size'/'seed' apply only to data: factors")


def validate_spec(spec: Mapping[str, Any]) -> dict:
    """Validate a resistance specification and return a normalised deep copy (defaults filled in).

    Raises ``ValueError`` naming the factor and key for any problem: unknown keys, a grading or
    weighting method that does not exist, scores <= 0, breaks not increasing, weights not summing
    to 1, an AHP matrix that is not reciprocal or inconsistent (CR >= 0.1), duplicated names.

    Examples
    --------
    >>> s = validate_spec({"name": "demo", "factors": [
    ...     {"name": "dem", "layer": "dem", "weight": 1.0,
    ...      "grading": {"type": "breaks", "breaks": [100], "scores": [1, 2]}}]})
    >>> s["factors"][0]["grading"]["direction"], s["weighting"]
    ('increasing', {'method': 'given'})
    """
    if not isinstance(spec, Mapping):
        raise TypeError(f"a resistance spec must be a mapping (dict), got {type(spec).__name__}")
    s = copy.deepcopy(_to_builtin(dict(spec)))
    _check(s, _TOP_SCHEMA, "spec")
    s.setdefault("description", "")
    s.setdefault("source", "")
    s.setdefault("status", "custom")
    s.setdefault("weight_tolerance", 1e-6)
    s["factors"] = [_validate_factor(f, i) for i, f in enumerate(s["factors"])]
    names = [f["name"] for f in s["factors"]]
    dup = sorted({nm for nm in names if names.count(nm) > 1})
    if dup:
        raise ValueError(f"resistance spec: factor names must be unique; duplicated: {dup!r}")
    _validate_weighting(s)
    return s


def factor_names(spec: Mapping[str, Any]) -> list[str]:
    """Names of the factors of ``spec`` in order.

    Examples
    --------
    >>> factor_names({"factors": [{"name": "a"}, {"name": "b"}]})
    ['a', 'b']
    """
    return [f["name"] for f in spec["factors"]]


def spec_to_dict(spec: Mapping[str, Any]) -> dict:
    """Validated, normalised, JSON-compatible dict of ``spec`` (alias of :func:`validate_spec`)."""
    return validate_spec(spec)


def spec_from_dict(data: Mapping[str, Any]) -> dict:
    """Build (validate and normalise) a spec from a plain dict, e.g. one read from YAML or JSON."""
    return validate_spec(data)


def spec_to_json(spec: Mapping[str, Any]) -> str:
    """Compact JSON string of the normalised spec (as stored in ``resistance.attrs['spec']``)."""
    return json.dumps(validate_spec(spec), sort_keys=False, separators=(",", ":"))


def spec_to_yaml(spec: Mapping[str, Any]) -> str:
    """YAML text of the normalised spec; :func:`spec_from_yaml` reads it back exactly.

    Examples
    --------
    >>> from ecnet_lab.resistance.presets import preset
    >>> s = preset("jinan")
    >>> spec_from_yaml(spec_to_yaml(s)) == spec_to_dict(s)
    True
    """
    import yaml

    return yaml.safe_dump(validate_spec(spec), sort_keys=False, allow_unicode=True)


def spec_from_yaml(text: str) -> dict:
    """Parse YAML text into a validated spec."""
    import yaml

    data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise ValueError(f"the YAML text does not hold a mapping (got {type(data).__name__})")
    return validate_spec(data)
