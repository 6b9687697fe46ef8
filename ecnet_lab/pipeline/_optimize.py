"""Adapter from the pipeline's config and results to :mod:`ecnet_lab.optimize`.

The baseline is evaluated by :func:`ecnet_lab.optimize.evaluate` with the study's parameters (the
same corridors, pinch points and barriers as the pipeline's steps, plus the whole-network current of
``current_mode``), so before and after are measured identically. Breakpoints use the ``roads`` and
``railways`` rasters of the layers (the paper's "transportation networks"); without them breakpoints
are skipped and ``attrs["notes"]`` says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np


def _transport(layers) -> dict:
    out = {}
    for name in ("roads", "railways"):
        if name in layers and bool(np.any(np.asarray(layers[name].values) > 0)):
            out[name] = layers[name]
    return out


def run(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Evaluate the baseline, apply the scenario and re-evaluate; returns an ``OptimizationResult``."""
    from ..optimize import Scenario, evaluate, optimize_network

    sel = inputs["sources"]
    resistance = inputs["resistance"]
    roads = _transport(inputs["layers"])
    notes = []
    use_breakpoints = bool(p["breakpoints"])
    if use_breakpoints and not roads:
        notes.append("no road or railway layer: ecological breakpoints were not placed")
        use_breakpoints = False
    n_stones = int(p["stepping_stones"])
    scenario = Scenario(
        n_new_sources=int(p["added_sources"]),
        source_rule=p["added_source_rule"],
        min_source_area_km2=float(p["added_source_min_area_km2"]),
        stones_at_intersections=n_stones > 0,
        stone_spacing_m=float(p["stone_spacing_m"]) if n_stones > 0 else None,
        max_stones=n_stones,
        breakpoints=use_breakpoints,
    )
    before = evaluate(
        resistance,
        sel.sources,
        sel.labels,
        name="before",
        width=p["corridor_width"],
        adjacency_method=p["adjacency"],
        pinch_mode=p["pinch_mode"],
        pinch_q=p["pinch_quantile"],
        current_mode=p["current_mode"],
        barrier_radii_m=tuple(p["barrier_radii_m"]),
        barrier_q=p["barrier_quantile"],
        distance_m=sel.params["distance_m"],
        probability=sel.params["probability"],
        progress=progress,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = optimize_network(
            before,
            scenario,
            selection=sel,
            roads=(roads or None) if use_breakpoints else None,
            progress=progress,
        )
    notes.extend(str(w.message) for w in caught if issubclass(w.category, UserWarning))
    result.comparison.attrs["notes"] = notes
    return result
