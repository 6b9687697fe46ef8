"""Optimize an ecological network: new sources, stepping stones, restored breakpoints, before/after.

The rules follow the optimization of the Shenzhen paper (Li et al. 2025, *Sustainability* 17:9779,
section 3.5 and Table 5), made operable and documented in each module:

* :func:`add_sources` (:mod:`~ecnet_lab.optimize.sources`): the strongest MSPA core patches not yet
  selected (area > 1 km², aggregated within the baseline's distance, away from baseline sources),
  ranked by dPC in the combined landscape or by area; the paper adds 12.
* :func:`stepping_stones` (:mod:`~ecnet_lab.optimize.stones`): stones at corridor intersections and
  along long corridors (no stretch longer than 5 km without a stone), 150 m radius, merged when closer
  than two radii, never touching a source; :func:`apply_stepping_stones` lowers the resistance there.
* :func:`ecological_breakpoints` (:mod:`~ecnet_lab.optimize.breakpoints`): corridor x road crossings
  (lines or raster), merged within 100 m along a corridor; :func:`apply_breakpoints` models wildlife
  crossings (resistance lowered within 100 m).
* :func:`evaluate` / :func:`compare` (:mod:`~ecnet_lab.optimize.evaluate`): corridors, pinch points,
  network current, barriers, alpha/beta/gamma and PC/ECA of a state; a tidy before/after table.
* :class:`Scenario` / :func:`optimize_network` (:mod:`~ecnet_lab.optimize.scenario`): apply the edits
  in the paper's order and recompute everything.

Examples
--------
>>> import numpy as np, xarray as xr
>>> from ecnet_lab.optimize import Scenario, evaluate, optimize_network
>>> r = xr.DataArray(np.full((20, 60), 10.0), dims=("y", "x"),
...                  coords={"y": 600.0 - 30 * np.arange(20), "x": 30.0 * np.arange(60)})
>>> lab = xr.zeros_like(r, dtype="int32"); lab[5:15, 0:4] = 1; lab[5:15, 56:60] = 2
>>> before = evaluate(r, lab, width=3000.0, barrier_radii_m=None)
>>> res = optimize_network(before, Scenario(n_new_sources=0, stones_at_intersections=False,
...                        stone_spacing_m=500.0, stone_radius_m=60.0, breakpoints=False))
>>> res.table().loc[("edits", "n_stepping_stones"), "optimized"]
np.float64(3.0)
"""

from .breakpoints import apply_breakpoints, ecological_breakpoints
from .evaluate import CURRENT_MODES, METRICS, NetworkState, compare, evaluate
from .scenario import OptimizationResult, Scenario, optimize_network
from .sources import ADD_RULES, SourceAddition, add_sources
from .stones import STONE_RULES, apply_stepping_stones, stepping_stones

__all__ = [
    "ADD_RULES",
    "CURRENT_MODES",
    "METRICS",
    "STONE_RULES",
    "NetworkState",
    "OptimizationResult",
    "Scenario",
    "SourceAddition",
    "add_sources",
    "apply_breakpoints",
    "apply_stepping_stones",
    "compare",
    "ecological_breakpoints",
    "evaluate",
    "optimize_network",
    "stepping_stones",
]
