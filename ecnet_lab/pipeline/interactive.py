"""UI-free helpers for exploring a :class:`~ecnet_lab.pipeline.Study` with sliders.

The notebook's interactive cell binds :class:`ecnet_lab.widgets.ThresholdSweep` sliders to these:
:func:`slider_specs` gives the slider ranges (starting at the study's values) and
:func:`source_response` re-runs the study up to the sources for one slider setting. Only
``candidates``/``sources`` are recomputed (everything upstream comes from the study's cache), so a
slider responds in well under a second on a 1000 x 1000 city (``benchmarks/bench_pipeline.py``).
This module never imports the widgets (the engine stays UI-free).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .study import Study

__all__ = ["DEFAULT_SLIDERS", "slider_specs", "source_response"]

#: Default sliders: (min, max, step, value, label, units); ``value`` is replaced by the study's.
DEFAULT_SLIDERS: dict[str, tuple] = {
    "dpc_threshold": (0.0, 60.0, 0.1, 0.1, "dPC threshold", "%"),
    "min_core_area_km2": (0.1, 20.0, 0.1, 1.0, "minimum core area", "km2"),
    "aggregation_distance_m": (0.0, 3000.0, 100.0, 1000.0, "aggregation distance", "m"),
}


def slider_specs(study: Study, sliders: Mapping[str, tuple] | None = None) -> dict[str, tuple]:
    """Slider specs ``(min, max, step, value, label, units)`` starting at the study's current values.

    Examples
    --------
    >>> from ecnet_lab.pipeline import Study
    >>> slider_specs(Study(dpc_threshold=0.5))["dpc_threshold"][3]
    0.5
    """
    out = {}
    for name, spec in (sliders or DEFAULT_SLIDERS).items():
        spec = list(spec)
        value = getattr(study.config, name)
        spec[3] = min(max(value, spec[0]), spec[1])
        out[name] = tuple(spec)
    return out


def source_response(study: Study, params: Mapping[str, Any]) -> tuple[dict[str, float], Any]:
    """Run ``study`` with ``params`` up to the sources; the responses and the SourceSelection.

    Responses: ``n_sources``, ``source_area_km2`` and ``ECA_km2`` (equivalent connected area of the
    candidates). When no core patch passes the area filter the responses are 0 and the selection None.

    Examples
    --------
    >>> from ecnet_lab.pipeline import Study
    >>> study = Study(size=120, min_core_area_km2=0.1, aggregation_distance_m=300)
    >>> source_response(study, {"min_core_area_km2": 9000.0})
    ({'n_sources': 0.0, 'source_area_km2': 0.0, 'ECA_km2': 0.0}, None)
    """
    s = study.with_params(**dict(params))
    try:
        sel = s.run(until="sources").results["sources"]
    except ValueError as exc:
        if "no patch is left" not in str(exc):
            raise
        return {"n_sources": 0.0, "source_area_km2": 0.0, "ECA_km2": 0.0}, None
    return {
        "n_sources": float(len(sel.sources)),
        "source_area_km2": float(sel.sources["area_km2"].sum()) if len(sel.sources) else 0.0,
        "ECA_km2": float(sel.indices.get("ECA_km2", float("nan"))),
    }, sel
