"""Optimization scenarios: add sources, stepping stones and restored breakpoints, then re-evaluate.

The order follows the Shenzhen paper (section 3.5): new sources are added first and their corridors
planned ("20 new ecological corridors ... connect the newly added ecological sources with the existing
ones"); stepping stones are placed on that planned network's corridors and ecological breakpoints where
its corridors cross roads; both are applied to the resistance surface; the whole chain (corridors, pinch
points, current, barriers, network, PC/ECA) is recomputed with the baseline's parameters and compared
with the baseline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr
from tqdm.auto import tqdm

from .._checks import check_choice, check_int, check_positive
from ..linkage import LinkagePathways, linkage_pathways, pinchpoints
from ..sources import SourceSelection
from .breakpoints import apply_breakpoints, ecological_breakpoints
from .evaluate import NetworkState, compare, evaluate
from .sources import ADD_RULES, SourceAddition, add_sources
from .stones import apply_stepping_stones, stepping_stones

__all__ = ["OptimizationResult", "Scenario", "optimize_network"]


@dataclass(frozen=True)
class Scenario:
    """The edits of one optimization scenario (a typed config with a dict round trip).

    Defaults follow the Shenzhen paper where it gives a number (12 new sources) and the documented
    rules of :mod:`ecnet_lab.optimize` elsewhere.

    Attributes
    ----------
    name : str
        Label of the optimized state.
    n_new_sources : int
        Sources to add (:func:`~ecnet_lab.optimize.add_sources`); 0 adds none. Paper: 12.
    source_rule : {"dpc", "area"}
        Ranking of the candidate core patches.
    min_source_area_km2 : float
        Area threshold of candidate core patches (km²).
    min_source_distance_m : float or None
        Candidates this close to a baseline source are not eligible (default: aggregation distance).
    stones_at_intersections : bool
        Stepping stones at corridor intersections.
    stone_spacing_m : float or None
        Longest corridor stretch without a stepping stone (m); None: no spacing rule.
    stone_radius_m : float
        Stepping-stone radius (m).
    max_stones : int or None
        Keep at most this many stepping stones (ranked by current).
    breakpoints : bool
        Restore ecological breakpoints (needs roads).
    breakpoint_radius_m : float
        Radius (m) of a restored crossing.
    breakpoint_merge_m : float
        Crossings of one corridor and one road closer than this are one breakpoint (m).
    road_class_column : str or None
        Road-class column of road lines.
    restored_resistance : float or None
        Resistance of stones and crossings (default: the lowest resistance of the raster).

    Examples
    --------
    >>> s = Scenario(n_new_sources=3, stone_spacing_m=4000.0)
    >>> Scenario.from_dict(s.to_dict()) == s
    True
    """

    name: str = "optimized"
    n_new_sources: int = 12
    source_rule: str = "dpc"
    min_source_area_km2: float = 1.0
    min_source_distance_m: float | None = None
    stones_at_intersections: bool = True
    stone_spacing_m: float | None = 5000.0
    stone_radius_m: float = 150.0
    max_stones: int | None = None
    breakpoints: bool = True
    breakpoint_radius_m: float = 100.0
    breakpoint_merge_m: float = 100.0
    road_class_column: str | None = None
    restored_resistance: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name={self.name!r} is not allowed; it must be a non-empty string")
        check_int("n_new_sources", self.n_new_sources, minimum=0)
        check_choice("source_rule", self.source_rule, ADD_RULES)
        check_positive("min_source_area_km2", self.min_source_area_km2, allow_zero=True)
        if self.min_source_distance_m is not None:
            check_positive("min_source_distance_m", self.min_source_distance_m, allow_zero=True)
        for flag in ("stones_at_intersections", "breakpoints"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be a bool, got {getattr(self, flag)!r}")
        if self.stone_spacing_m is not None:
            check_positive("stone_spacing_m", self.stone_spacing_m)
        check_positive("stone_radius_m", self.stone_radius_m)
        if self.max_stones is not None:
            check_int("max_stones", self.max_stones, minimum=0)
        check_positive("breakpoint_radius_m", self.breakpoint_radius_m)
        check_positive("breakpoint_merge_m", self.breakpoint_merge_m, allow_zero=True)
        if self.restored_resistance is not None:
            check_positive("restored_resistance", self.restored_resistance)

    @property
    def places_stones(self) -> bool:
        """Whether any stepping-stone rule is on."""
        return self.stones_at_intersections or self.stone_spacing_m is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (papermill parameters, YAML, JSON)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Scenario from a dict; unknown keys are an error listing the allowed ones."""
        if not isinstance(data, Mapping):
            raise TypeError(f"scenario must be a Scenario or a mapping, got {type(data).__name__}")
        allowed = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ValueError(f"unknown scenario key(s) {unknown!r}; allowed keys: {allowed!r}")
        return cls(**dict(data))


@dataclass
class OptimizationResult:
    """Result of :func:`optimize_network`.

    Attributes
    ----------
    before, after : NetworkState
        Baseline and optimized states.
    scenario : Scenario
    addition : SourceAddition or None
        Added sources (None when ``n_new_sources == 0``).
    planned : LinkagePathways
        Corridors of the baseline resistance with the added sources: where the stones and
        breakpoints were placed.
    stepping_stones, breakpoints : GeoDataFrame
        The placed stepping stones and breakpoints (empty when the rule is off).
    resistance : DataArray
        The restored resistance surface used by ``after``.
    comparison : DataFrame
        :func:`~ecnet_lab.optimize.compare` of ``before`` and ``after``.
    """

    before: NetworkState
    after: NetworkState
    scenario: Scenario
    addition: SourceAddition | None
    planned: LinkagePathways
    stepping_stones: gpd.GeoDataFrame
    breakpoints: gpd.GeoDataFrame
    resistance: xr.DataArray
    comparison: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """Wide view (Table 5 layout): rows ``group``/``metric``, columns before, after, change."""
        table = self.comparison
        rows = pd.MultiIndex.from_frame(table[["group", "metric"]].drop_duplicates())
        wide = table.set_index(["group", "metric", "scenario"])["value"].unstack("scenario").reindex(rows)
        wide = wide[[self.before.name, self.after.name]]
        wide["change"] = wide[self.after.name] - wide[self.before.name]
        wide.columns.name = None
        return wide


def optimize_network(
    before: NetworkState,
    scenario: Scenario | Mapping[str, Any] | None = None,
    *,
    selection: SourceSelection | None = None,
    roads=None,
    selection_resistance: xr.DataArray | None = None,
    progress: bool = False,
) -> OptimizationResult:
    """Apply a scenario's edits to a baseline network and re-evaluate it.

    Steps: (1) add ``n_new_sources`` sources (:func:`~ecnet_lab.optimize.add_sources`);
    (2) plan corridors on the baseline resistance with all sources; (3) place stepping stones on the
    planned corridors (:func:`~ecnet_lab.optimize.stepping_stones`, ranked by the planned network's
    current when ``max_stones`` is set) and find breakpoints where they cross ``roads``
    (:func:`~ecnet_lab.optimize.ecological_breakpoints`); (4) lower the resistance at stones and
    breakpoints; (5) :func:`~ecnet_lab.optimize.evaluate` with the baseline's parameters;
    (6) :func:`~ecnet_lab.optimize.compare`. Nothing of ``before`` or ``selection`` is modified.

    Parameters
    ----------
    before : NetworkState
        Baseline (:func:`~ecnet_lab.optimize.evaluate`).
    scenario : Scenario or mapping, optional
        The edits (default ``Scenario()``).
    selection : SourceSelection, optional
        Baseline source selection; needed when ``n_new_sources > 0``.
    roads : GeoDataFrame, DataArray or mapping, optional
        Road lines/raster (or several layers); needed when ``breakpoints`` is on.
    selection_resistance : DataArray, optional
        Resistance for the candidates' least-cost distances when the selection used them.
    progress : bool
        Progress bars.

    Returns
    -------
    OptimizationResult

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.full((20, 60), 10.0), dims=("y", "x"),
    ...                  coords={"y": 600.0 - 30 * np.arange(20), "x": 30.0 * np.arange(60)})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[5:15, 0:4] = 1; lab[5:15, 56:60] = 2
    >>> before = evaluate(r, lab, width=3000.0, barrier_radii_m=None)
    >>> scen = Scenario(n_new_sources=0, stones_at_intersections=False, stone_spacing_m=500.0,
    ...                 stone_radius_m=60.0, breakpoints=False, restored_resistance=1.0)
    >>> res = optimize_network(before, scen)
    >>> len(res.stepping_stones), bool(res.after.corridors.lcd.iloc[0] < before.corridors.lcd.iloc[0])
    (3, True)
    """
    if not isinstance(before, NetworkState):
        raise TypeError(f"before must be a NetworkState (from evaluate), got {type(before).__name__}")
    if scenario is None:
        scenario = Scenario()
    elif not isinstance(scenario, Scenario):
        scenario = Scenario.from_dict(scenario)
    if scenario.n_new_sources > 0 and selection is None:
        raise ValueError(
            f"selection is needed to add n_new_sources={scenario.n_new_sources} sources; pass the baseline "
            "SourceSelection or set n_new_sources=0"
        )
    if scenario.breakpoints and roads is None:
        raise ValueError(
            "roads is needed to find ecological breakpoints; pass road lines/raster or set breakpoints=False"
        )
    if scenario.name == before.name:
        raise ValueError(f"scenario name {scenario.name!r} equals the baseline's; give the scenario another name")
    params = dict(before.params)
    steps = tqdm(total=4, desc="optimize", disable=not progress)

    addition = None
    sources, labels = before.sources, before.labels
    if scenario.n_new_sources > 0:
        addition = add_sources(
            selection,
            scenario.n_new_sources,
            rule=scenario.source_rule,
            min_area_km2=scenario.min_source_area_km2,
            min_distance_m=scenario.min_source_distance_m,
            resistance=selection_resistance,
            progress=progress,
        )
        sources, labels = addition.sources, addition.labels
    steps.update()

    if addition is None:
        planned = before.pathways
    else:
        planned = linkage_pathways(
            before.resistance,
            labels,
            adjacency_method=params["adjacency_method"],
            max_cwd=params["max_cwd"],
            drop_through_cores=params["drop_through_cores"],
            width=params["width"],
            progress=progress,
        )
    steps.update()

    resistance = before.resistance
    stones = _empty_points(before.resistance)
    if scenario.places_stones:
        current = None
        if scenario.max_stones is not None and len(planned.corridors):
            if addition is None and before.current is not None:
                current = before.current.current
            else:
                current = pinchpoints(
                    planned, mode=params["current_mode"], solver=params["solver"], progress=progress
                ).current
        stones = stepping_stones(
            planned,
            at_intersections=scenario.stones_at_intersections,
            max_spacing_m=scenario.stone_spacing_m,
            radius_m=scenario.stone_radius_m,
            current=current,
            max_stones=scenario.max_stones,
        )
        if len(stones):
            resistance = apply_stepping_stones(
                resistance, stones, radius_m=scenario.stone_radius_m, restored_resistance=scenario.restored_resistance
            )
    breaks = _empty_points(before.resistance)
    if scenario.breakpoints:
        breaks = ecological_breakpoints(
            planned, roads, class_column=scenario.road_class_column, merge_distance_m=scenario.breakpoint_merge_m
        )
        if len(breaks):
            resistance = apply_breakpoints(
                resistance,
                breaks,
                radius_m=scenario.breakpoint_radius_m,
                restored_resistance=scenario.restored_resistance,
            )
    steps.update()

    edits = {
        "n_added_sources": 0 if addition is None else len(addition.added),
        "n_stepping_stones": len(stones),
        "n_breakpoints": len(breaks),
    }
    after = evaluate(resistance, sources, labels, name=scenario.name, edits=edits, progress=progress, **params)
    steps.update()
    steps.close()
    return OptimizationResult(
        before=before,
        after=after,
        scenario=scenario,
        addition=addition,
        planned=planned,
        stepping_stones=stones,
        breakpoints=breaks,
        resistance=resistance,
        comparison=compare(before, after),
    )


def _empty_points(template: xr.DataArray) -> gpd.GeoDataFrame:
    try:
        crs = template.rio.crs
    except Exception:
        crs = None
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=crs), crs=crs)
