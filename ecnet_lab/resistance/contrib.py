"""Per-factor contribution breakdown: which factor drives resistance where.

The contribution of factor i is ``w_i * score_i``; the contributions of a cell sum to its
resistance. ``dominant_factor`` is the index (into the factor order) of the largest
contribution (the first factor wins ties), -1 where the resistance is nodata; its attrs
``flag_values``/``flag_meanings`` name the factors (CF conventions), for a map legend.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from .inputs import Layers
from .overlay import grade_factors, resolve_weights, weighted_overlay
from .spec import validate_spec

__all__ = ["contributions", "factor_contributions"]


def contributions(scores: xr.Dataset, weights: Mapping[str, float], *, tol: float = 1e-6) -> xr.Dataset:
    """Breakdown of a weighted overlay: one variable per factor (``w * score``), ``resistance`` and ``dominant_factor``.

    Parameters
    ----------
    scores : xarray.Dataset
        Graded factor scores (from :func:`~ecnet_lab.resistance.grade_factors`).
    weights : mapping of factor name -> weight
        Must sum to 1 (within ``tol``).

    Returns
    -------
    xarray.Dataset
        Variables ``<factor>`` (float64, units ``"1"``), ``resistance`` (their sum) and
        ``dominant_factor`` (int16, -1 = nodata). ``attrs['factors']`` lists the factor order.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"a": (("y", "x"), [[10.0, 90.0]]), "b": (("y", "x"), [[50.0, 10.0]])})
    >>> c = contributions(ds, {"a": 0.5, "b": 0.5})
    >>> c["dominant_factor"].values.tolist(), c["resistance"].values.tolist()
    ([[1, 0]], [[30.0, 50.0]])
    """
    names = list(weights)
    total = weighted_overlay(scores, weights, tol=tol)
    out: dict[str, xr.DataArray] = {}
    best = np.full(total.shape, -np.inf)
    dom = np.zeros(total.shape, dtype=np.int16)
    for i, n in enumerate(names):
        c = scores[n] * float(weights[n])
        c.attrs = {
            "long_name": f"weighted contribution of {n} to resistance",
            "units": "1",
            "weight": float(weights[n]),
        }
        c.name = n
        out[n] = c
        cv = np.asarray(c.values)
        larger = cv > best  # strict: the first factor wins ties; NaN never wins
        dom[larger] = i
        np.maximum(best, cv, out=best, where=larger)
    dom[~np.isfinite(np.asarray(total.values))] = -1
    dominant = total.copy(data=dom)
    dominant.name = "dominant_factor"
    dominant.attrs = {
        "long_name": "factor with the largest weighted contribution to resistance",
        "units": "1",
        "flag_values": list(range(len(names))),
        "flag_meanings": " ".join(names),
        "nodata": -1,
    }
    out["resistance"] = total
    out["dominant_factor"] = dominant
    ds = xr.Dataset(out)
    ds.attrs["factors"] = json.dumps(names)
    return ds


def factor_contributions(
    spec: Mapping[str, Any],
    layers: Layers,
    *,
    template: xr.DataArray | xr.Dataset | None = None,
    align: bool = False,
    progress: bool = False,
) -> xr.Dataset:
    """Grade the factors of ``spec`` and return their :func:`contributions` (attrs include the spec).

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
    >>> factor_contributions(spec, {"lulc": lulc, "dem": dem})["dominant_factor"].values.tolist()
    [[1, 0]]
    """
    spec = validate_spec(spec)
    scores = grade_factors(spec, layers, template=template, align=align, progress=progress)
    weights, info = resolve_weights(spec, scores)
    ds = contributions(scores, weights, tol=max(spec["weight_tolerance"], 1e-9))
    ds.attrs["spec"] = json.dumps(spec, separators=(",", ":"))
    ds.attrs["weighting"] = json.dumps(info)
    return ds
