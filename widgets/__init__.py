"""Interactive components of ecnet_lab (imported as ``ecnet_lab.widgets``).

UI only: every widget calls the engine in :mod:`ecnet_lab` (``webmap``, ``webstyle``,
``stats``); the engine never imports this package. The widgets are designed against small
protocols (a ``compute(params)`` callable, DataArrays, GeoDataFrames, DataFrames) so every
case study can reuse them:

* :class:`ThresholdSweep` - sliders bound to study parameters, a live response curve, full
  sweeps with the smallest-rate-of-change point (Jinan Figures 4 and 11);
* :class:`LayerMap` - an ipyleaflet map of rasters and vectors that updates in place, with
  layer control, opacity, legend and click-to-inspect values;
* :class:`CorrelationHeatmap` - Spearman r with significance stars per year (Wuhan Figures 10-11).

Each has ``static_figure()`` returning a matplotlib Figure for papermill/HTML reports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .heatmap import CorrelationHeatmap
    from .layermap import LayerMap
    from .sweep import SliderSpec, ThresholdSweep

__all__ = ["CorrelationHeatmap", "LayerMap", "SliderSpec", "ThresholdSweep"]

# Loaded on first use (PEP 562): importing the package stays cheap and does not need the UI stack.
_WHERE = {
    "CorrelationHeatmap": ".heatmap",
    "LayerMap": ".layermap",
    "SliderSpec": ".sweep",
    "ThresholdSweep": ".sweep",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
