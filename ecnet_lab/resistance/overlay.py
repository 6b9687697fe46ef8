"""Grade every factor on one grid, resolve the weights and overlay: R = sum_i w_i * score_i.

The result is a DataArray named ``resistance`` (units ``"1"``, a dimensionless score) whose
attrs record the full specification (``spec``, JSON), the weights used (``weights``), how they
were obtained (``weighting``: AHP lambda_max/CI/CR, entropy weights, ...), the class breaks used
for every continuous factor (``breaks``) and the value range (``actual_range``). A cell is NaN
where any factor is nodata; elsewhere the resistance is > 0 because every score is > 0 and the
weights are >= 0 and sum to 1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import grid
from .grading import equal_interval_breaks, grade_breaks, natural_breaks, quantile_breaks, reclassify
from .inputs import Layers, choose_template, factor_values
from .spec import validate_spec
from .weights import ahp_weights, check_weights, combined_weights, entropy_weights

__all__ = ["build_resistance", "grade_factor", "grade_factors", "resolve_weights", "weighted_overlay"]


def grade_factor(
    values: np.ndarray, factor: Mapping[str, Any], *, nodata_mask: np.ndarray | None = None
) -> tuple[np.ndarray, list[float] | None]:
    """Grade one factor's raw values into scores (NaN = nodata); return ``(scores, breaks_used)``.

    ``breaks_used`` is None for categorical factors.

    Examples
    --------
    >>> import numpy as np
    >>> f = {"name": "dem", "grading": {"type": "breaks", "breaks": [100.0], "scores": [1, 2],
    ...      "closed": "right", "direction": "increasing"}}
    >>> grade_factor(np.array([50.0, 150.0]), f)[0].tolist()
    [1.0, 2.0]
    """
    name = factor["name"]
    g = factor["grading"]
    gtype = g["type"]
    if gtype == "categorical":
        table = [(row["values"], row["score"]) for row in g["table"]]
        scores = reclassify(values, table, nodata_values=g.get("nodata_values", []), mask=nodata_mask, factor=name)
        return scores, None
    k = len(g["scores"])
    if gtype == "breaks":
        breaks = np.asarray(g["breaks"], dtype=float)
    elif gtype == "natural_breaks":
        breaks = natural_breaks(values, k, sample_size=g.get("sample_size", 10_000), seed=g.get("seed", 0), factor=name)
    elif gtype == "equal_interval":
        breaks = equal_interval_breaks(values, k, factor=name)
    elif gtype == "quantiles":
        breaks = quantile_breaks(values, k, factor=name)
    else:  # pragma: no cover - validate_spec rejects other types
        raise ValueError(f"factor {name!r}: unknown grading type {gtype!r}")
    scores = grade_breaks(
        values, breaks, g["scores"], closed=g.get("closed", "right"), direction=g.get("direction", "increasing")
    )
    return scores, [float(b) for b in breaks]


def grade_factors(
    spec: Mapping[str, Any],
    layers: Layers,
    *,
    template: xr.DataArray | xr.Dataset | None = None,
    align: bool = False,
    progress: bool = False,
) -> xr.Dataset:
    """Graded resistance score of every factor of ``spec``, as one Dataset on the template grid.

    Parameters
    ----------
    spec : mapping
        A resistance specification (see :mod:`ecnet_lab.resistance.spec`).
    layers : xarray.Dataset or mapping of name -> DataArray (or GeoDataFrame for distance features)
        The input layers referenced by the factors.
    template : DataArray or Dataset, optional
        The analysis grid; default: the first raster input of the spec.
    align : bool
        Resample layers that are not on the template grid (nearest for categorical and feature
        layers, bilinear for continuous ones) instead of raising ``ValueError``.
    progress : bool
        Show a progress bar over the factors.

    Returns
    -------
    xarray.Dataset
        One float64 variable per factor (NaN = nodata), attrs ``grading`` (JSON) and ``breaks``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> dem = xr.DataArray(np.array([[10.0, 300.0]]), dims=("y", "x"), coords={"y": [0.0], "x": [0.0, 30.0]})
    >>> spec = {"name": "demo", "factors": [{"name": "dem", "layer": "dem", "weight": 1.0,
    ...         "grading": {"type": "breaks", "breaks": [100], "scores": [1, 5]}}]}
    >>> grade_factors(spec, {"dem": dem})["dem"].values.tolist()
    [[1.0, 5.0]]
    """
    spec = validate_spec(spec)
    tmpl = choose_template(spec, layers, template)
    out: dict[str, xr.DataArray] = {}
    for f in tqdm(spec["factors"], desc="grading factors", disable=not progress):
        values, notes = factor_values(f, layers, tmpl, align=align)
        scores, breaks = grade_factor(values, f, nodata_mask=notes.get("nodata_mask"))
        attrs = {
            "long_name": f"resistance score of {f.get('label', f['name'])}",
            "units": "1",
            "grading": json.dumps(f["grading"], separators=(",", ":")),
        }
        if breaks is not None:
            attrs["breaks"] = breaks
        if "warning" in notes:
            attrs["warning"] = notes["warning"]
        out[f["name"]] = grid.template_like(tmpl, scores, name=f["name"], attrs=attrs)
    ds = xr.Dataset(out)
    ds.attrs["spec"] = json.dumps(spec, separators=(",", ":"))
    return ds


def _factor_table(scores: xr.Dataset, names: list[str], sample_size: int, seed: int) -> np.ndarray:
    table = np.stack([np.asarray(scores[n].values, dtype=float).ravel() for n in names], axis=1)
    table = table[np.all(np.isfinite(table), axis=1)]
    if table.shape[0] > sample_size:
        idx = np.random.default_rng(seed).choice(table.shape[0], size=sample_size, replace=False)
        table = table[np.sort(idx)]
    return table


def resolve_weights(
    spec: Mapping[str, Any], scores: xr.Dataset | None = None
) -> tuple[dict[str, float], dict[str, Any]]:
    """The factor weights of ``spec`` and a JSON-compatible record of how they were obtained.

    ``scores`` (from :func:`grade_factors`) is needed only for entropy weights on ``data: factors``
    (the graded scores of the valid cells, sampled with the spec's ``sample_size`` and ``seed``).

    Examples
    --------
    >>> spec = {"name": "demo", "weighting": {"method": "ahp", "matrix": [[1, 3], [1/3, 1]]},
    ...         "factors": [{"name": n, "layer": n, "grading": {"type": "breaks", "breaks": [1], "scores": [1, 2]}}
    ...                     for n in ("a", "b")]}
    >>> w, info = resolve_weights(spec)
    >>> {k: round(v, 3) for k, v in w.items()}, info["method"]
    ({'a': 0.75, 'b': 0.25}, 'ahp')
    """
    spec = validate_spec(spec)
    names = [f["name"] for f in spec["factors"]]
    w = spec["weighting"]
    method = w["method"]
    info: dict[str, Any] = {"method": method}
    if method == "given":
        weights = np.array([f["weight"] for f in spec["factors"]], dtype=float)
    else:
        subjective = None
        if "matrix" in w:
            res = ahp_weights(w["matrix"], names=names, allow_inconsistent=w.get("allow_inconsistent", False))
            info["ahp"] = res.to_dict()
            subjective = res.weights
        elif "subjective" in w:
            subjective = np.asarray(w["subjective"], dtype=float)
            info["subjective"] = dict(zip(names, subjective.tolist(), strict=True))
        objective = None
        if method in ("entropy", "combined"):
            if w["data"] == "factors":
                if scores is None:
                    raise ValueError("entropy weights on data: factors need the graded factor scores (scores=...)")
                table = _factor_table(scores, names, w["sample_size"], w["seed"])
                info["entropy_observations"] = int(table.shape[0])
            else:
                table = np.asarray(w["data"], dtype=float)
            objective = entropy_weights(table, names=names, standardize=w["standardize"])
            info["entropy"] = {k: float(v) for k, v in objective.items()}
        if method == "ahp":
            weights = np.asarray(subjective, dtype=float)
        elif method == "entropy":
            weights = objective.to_numpy()
        else:
            comb = combined_weights(
                subjective if isinstance(subjective, dict) else np.asarray(subjective, dtype=float),
                objective.to_numpy(),
                method=w["combination"],
                alpha=w.get("alpha", 0.5),
            )
            info["combination"] = w["combination"]
            weights = comb.to_numpy()
    weights = check_weights(weights, names, tol=max(spec["weight_tolerance"], 1e-9), what="weights")
    out = {n: float(x) for n, x in zip(names, weights, strict=True)}
    info["weights"] = out
    return out, info


def weighted_overlay(
    scores: xr.Dataset,
    weights: Mapping[str, float],
    *,
    tol: float = 1e-6,
    name: str = "resistance",
    attrs: Mapping[str, Any] | None = None,
) -> xr.DataArray:
    """Weighted sum ``sum_i w_i * scores[i]`` over the factors named in ``weights``.

    NaN in any factor gives NaN. Raises ``ValueError`` if a weighted factor is missing from
    ``scores`` or the weights do not sum to 1 (within ``tol``).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"a": (("y", "x"), [[10.0, 20.0]]), "b": (("y", "x"), [[30.0, np.nan]])})
    >>> weighted_overlay(ds, {"a": 0.25, "b": 0.75}).values.tolist()
    [[25.0, nan]]
    """
    names = list(weights)
    missing = [n for n in names if n not in scores.data_vars]
    if missing:
        raise ValueError(
            f"weights name factors {missing!r} that are not in the scores {sorted(map(str, scores.data_vars))!r}"
        )
    w = check_weights([weights[n] for n in names], names, tol=tol)
    first = scores[names[0]]
    total = np.zeros(first.shape, dtype=float)
    for n, wi in zip(names, w, strict=True):
        s = np.asarray(scores[n].values, dtype=float)
        if s.shape != total.shape:
            raise ValueError(f"factor {n!r} has shape {s.shape}, expected {total.shape}")
        total += wi * s
    base = {"long_name": "ecological resistance (weighted overlay of graded factors)", "units": "1"}
    base.update(dict(attrs or {}))
    return grid.template_like(first, total, name=name, attrs=base)


def build_resistance(
    spec: Mapping[str, Any],
    layers: Layers,
    *,
    template: xr.DataArray | xr.Dataset | None = None,
    align: bool = False,
    progress: bool = False,
) -> xr.DataArray:
    """Resistance surface from a specification and input layers (grade, weight, overlay).

    Parameters are those of :func:`grade_factors`.

    Returns
    -------
    xarray.DataArray
        ``resistance`` (float64, units ``"1"``), > 0 where every factor is valid and NaN elsewhere;
        attrs ``spec`` (JSON of the normalised spec), ``weights`` and ``weighting`` (JSON),
        ``breaks`` (JSON: the class breaks used per continuous factor) and ``actual_range``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> c = {"y": [0.0], "x": [0.0, 30.0]}
    >>> lulc = xr.DataArray(np.array([[2, 6]], dtype="uint8"), dims=("y", "x"), coords=c)
    >>> dem = xr.DataArray(np.array([[400.0, 20.0]]), dims=("y", "x"), coords=c)
    >>> spec = {"name": "demo", "factors": [
    ...     {"name": "lulc", "layer": "lulc", "weight": 0.6,
    ...      "grading": {"type": "categorical",
    ...                  "table": [{"values": [2], "score": 10}, {"values": [6], "score": 100}]}},
    ...     {"name": "dem", "layer": "dem", "weight": 0.4,
    ...      "grading": {"type": "breaks", "breaks": [100], "scores": [20, 60]}}]}
    >>> build_resistance(spec, {"lulc": lulc, "dem": dem}).values.tolist()
    [[30.0, 68.0]]
    """
    spec = validate_spec(spec)
    scores = grade_factors(spec, layers, template=template, align=align, progress=progress)
    weights, info = resolve_weights(spec, scores)
    breaks = {n: scores[n].attrs["breaks"] for n in weights if "breaks" in scores[n].attrs}
    attrs = {
        "spec": json.dumps(spec, separators=(",", ":")),
        "weights": json.dumps(weights),
        "weighting": json.dumps(info),
        "breaks": json.dumps(breaks),
    }
    res = weighted_overlay(scores, weights, tol=max(spec["weight_tolerance"], 1e-9), attrs=attrs)
    vals = res.values
    valid = np.isfinite(vals)
    if valid.any():
        lo, hi = float(vals[valid].min()), float(vals[valid].max())
        if lo <= 0:  # pragma: no cover - guaranteed by validation (scores > 0, weights sum to 1)
            raise AssertionError(f"resistance must be > 0, got minimum {lo}")
        res.attrs["actual_range"] = [lo, hi]
    else:
        res.attrs["actual_range"] = [float("nan"), float("nan")]
        res.attrs["warning"] = "every cell is nodata in at least one factor"
    return res
