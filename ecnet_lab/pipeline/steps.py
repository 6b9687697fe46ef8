"""The steps of the Shenzhen workflow as pure functions, and the DAG that wires them.

Each :class:`Step` names the config fields it reads and the upstream steps it needs; its function is
``fn(params, inputs, progress)`` where ``params`` holds only those fields and ``inputs`` only those
upstream results. Nothing is written to disk and no input is modified, so a result depends on exactly
what the step declares, which is what :class:`~ecnet_lab.pipeline.Study` hashes for its cache.

The DAG (Li et al. 2025, section 2.3)::

    layers -> foreground -> mspa -> candidates -> sources ---------------.
       |                     |                        |                   |
       `---------------------`-> resistance -> pathways -> corridors -> network
                                     |            |-> current -> pinch_points
                                     |            `-> barrier_scores -> barriers
                                     `-> optimization (<- layers, sources): before/after

``candidates`` (core patches, area filter, aggregation, distances) is separate from ``sources``
(dPC ranking and threshold, :meth:`ecnet_lab.sources.SourceSelection.reselect`), so a change of the
dPC threshold, the importance breaks or the dispersal parameters re-runs only ``sources`` and what
follows it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from scipy import ndimage

from .profiles import profile_for

__all__ = ["STEPS", "STEP_NAMES", "Step", "ancestors", "optimize_available"]


@dataclass(frozen=True)
class Step:
    """One node of the pipeline DAG.

    Attributes
    ----------
    name : str
    func : callable
        ``func(params: dict, inputs: dict, progress: bool) -> result``.
    fields : tuple of str
        Config fields the step reads (part of its cache key).
    deps : tuple of str
        Upstream steps whose results it takes (their keys are part of its cache key).
    description : str
    """

    name: str
    func: Callable[[Mapping[str, Any], Mapping[str, Any], bool], Any]
    fields: tuple[str, ...]
    deps: tuple[str, ...]
    description: str


# ---------------------------------------------------------------------------------------------- data


def _sea_mask(lulc: np.ndarray, dem: np.ndarray) -> np.ndarray:
    """Water at or below 0 m that is connected (8-neighbours) to the map edge."""
    low_water = (lulc == 3) & (dem <= 0)
    lab, n = ndimage.label(low_water, structure=np.ones((3, 3), bool))
    if n == 0:
        return np.zeros(lulc.shape, bool)
    edge = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    return np.isin(lab, edge[edge > 0])


def _period_end_year(data: str) -> int | None:
    tail = data.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() and len(tail) == 4 else None


def load_layers(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool) -> xr.Dataset:
    """The input layers on one grid: ``landcover`` (NaN outside the study area), ``study_area`` and, for
    synthetic cities, every layer of :func:`ecnet_lab.synth.city` (``lulc`` is ``landcover``).

    For the Hong Kong habitat maps ``roads`` holds the main roads of ``hk-roads`` that appeared by the
    end of the period (rasterized, all touched cells).
    """
    from .. import catalog
    from ..grid import rasterize

    data = p["data"]
    profile = profile_for(data)
    if profile.kind == "synthetic":
        ds = catalog.open(data, shape=(p["size"], p["size"]), resolution=p["resolution_m"], seed=p["seed"])
        lulc = np.asarray(ds["lulc"].values)
        outside = _sea_mask(lulc, np.asarray(ds["dem"].values)) if p["mask_sea"] else np.zeros(lulc.shape, bool)
        layers = ds.copy()
        landcover = ds["lulc"].astype("float32").where(~outside)
    else:
        da = catalog.open(data)
        if not isinstance(da, xr.DataArray) or da.ndim != 2:
            raise ValueError(f"data={data!r} did not open as a single 2-D raster; pick a single-period entry")
        landcover = da.astype("float32")
        outside = ~np.isfinite(np.asarray(landcover.values))
        layers = xr.Dataset(coords=landcover.coords)
        if profile.roads_entry is not None:
            roads = catalog.open(profile.roads_entry)
            end = _period_end_year(data)
            if end is not None and "AppearYear" in roads.columns:
                roads = roads[roads["AppearYear"] <= end]
            if "Class" in roads.columns:
                roads = roads[roads["Class"] == "Main"]
            layers["roads"] = rasterize(roads.geometry.force_2d(), landcover, name="roads")
            layers["roads"].attrs.update(units="1", long_name=f"main roads of {profile.roads_entry} (by {end})")
    landcover.attrs.update(
        units="class code",
        long_name=f"land cover of {data} (NaN outside the study area)",
        legend="; ".join(f"{k}: {v}" for k, v in profile.labels.items()),
    )
    layers["landcover"] = landcover
    layers["lulc"] = landcover
    layers["study_area"] = xr.DataArray(~outside, dims=landcover.dims, coords=landcover.coords)
    layers["study_area"].attrs.update(units="1", long_name="study area")
    if landcover.rio.crs is not None:
        layers = layers.rio.write_crs(landcover.rio.crs)
    layers.attrs.update(data=data, profile=profile.kind)
    return layers


def make_foreground(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool) -> xr.DataArray:
    """Binary MSPA input: 1 for the foreground classes, 0 otherwise, NaN outside the study area."""
    from ..mspa import foreground_from_classes

    classes = p["foreground_classes"]
    layers = inputs["layers"]
    if classes is None:
        classes = profile_for(layers.attrs["data"]).foreground_classes
    return foreground_from_classes(layers["landcover"], list(classes))


def run_mspa(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool) -> xr.DataArray:
    """MSPA classes (GuidosToolbox codes) of the foreground."""
    from ..mspa import mspa

    return mspa(inputs["foreground"], connectivity=p["mspa_connectivity"], edge_width=p["mspa_edge_width"])


# ---------------------------------------------------------------------------------------------- sources


def select_candidates(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Core patches > ``min_core_area_km2``, aggregated within ``aggregation_distance_m`` (all ranked, dPC > 0)."""
    from .. import sources

    return sources.select(
        inputs["mspa"],
        connectivity=p["mspa_connectivity"],
        min_core_area_km2=p["min_core_area_km2"],
        aggregation_distance_m=p["aggregation_distance_m"],
        dpc_threshold=0.0,
        progress=progress,
    )


def select_sources(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """dPC ranking of the candidates and the sources with dPC > ``dpc_threshold``, in importance classes."""
    return inputs["candidates"].reselect(
        dpc_threshold=p["dpc_threshold"],
        importance_breaks=p["importance_breaks"],
        distance_m=p["dispersal_distance_m"],
        probability=p["dispersal_probability"],
    )


# ---------------------------------------------------------------------------------------------- resistance


def _has_input(factor: Mapping[str, Any], layers: xr.Dataset) -> bool:
    if "layer" in factor:
        return factor["layer"] in layers
    derive = factor.get("derive", {})
    if derive.get("kind") == "distance":
        name = derive["features"]
        return name in layers and bool(np.any(np.asarray(layers[name].values) > 0))
    if derive.get("kind") == "normalized_difference":
        return derive["a"] in layers and derive["b"] in layers
    return False


def build_resistance(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool) -> xr.DataArray:
    """Weighted-overlay resistance of the preset on the available layers; NaN outside the study area.

    The ``mspa`` layer is the MSPA map as is (the preset scores openings 100 and 220 as background).
    Factors whose layers the data lack are dropped and the weights of the others rescaled
    (:func:`ecnet_lab.resistance.select_factors`); ``attrs["dropped_factors"]`` lists them.
    """
    from .. import resistance as rs

    layers: xr.Dataset = inputs["layers"]
    # the Shenzhen preset scores core-openings (100) and border-openings (220) as background itself
    work = layers.assign(mspa=inputs["mspa"])
    breaks = None if p["resistance_breaks"] == "default" else p["resistance_breaks"]
    spec = rs.preset(p["resistance_preset"], breaks=breaks, swap_terrain=p["swap_terrain"])
    names = [f["name"] for f in spec["factors"]]
    kept = [f["name"] for f in spec["factors"] if _has_input(f, work)]
    dropped = [n for n in names if n not in kept]
    if not kept:
        raise ValueError(f"none of the factors {names!r} of preset {p['resistance_preset']!r} has data")
    if dropped:
        spec = rs.select_factors(spec, kept)
    profile = profile_for(layers.attrs["data"])
    class_maps = {}
    if profile.kind == "synthetic":
        class_maps = {k: v for k, v in rs.SYNTH_CLASS_MAPS[p["resistance_preset"]].items() if k in kept}
    if profile.lulc_map is not None or class_maps:
        spec = rs.customize(spec, lulc_map=profile.lulc_map, class_maps=class_maps or None)
    res = rs.build_resistance(spec, work, progress=progress)
    inside = np.asarray(layers["study_area"].values, bool)
    out = res.where(inside)
    out.attrs = dict(res.attrs)
    out.attrs["dropped_factors"] = ", ".join(dropped)
    out.attrs["preset"] = p["resistance_preset"]
    return out


# ---------------------------------------------------------------------------------------------- corridors


def link_pathways(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Linkage Pathways: adjacency, links, pruning and corridors truncated at ``corridor_width``."""
    from ..linkage import linkage_pathways

    sel = inputs["sources"]
    n = len(sel.sources)
    if n < 2:
        raise ValueError(
            f"corridors need at least 2 ecological sources; the source step selected {n} "
            f"(min_core_area_km2={sel.params['min_core_area_km2']:g}, "
            f"aggregation_distance_m={sel.params['aggregation_distance_m']:g}, "
            f"dpc_threshold={sel.params['dpc_threshold']:g}); lower these thresholds or use a larger area"
        )
    lp = linkage_pathways(
        inputs["resistance"],
        sel.labels,
        adjacency_method=p["adjacency"],
        width=p["corridor_width"],
        progress=progress,
    )
    if len(lp.corridors) == 0:
        status = lp.links["status"].value_counts().to_dict() if len(lp.links) else {}
        raise ValueError(
            f"no corridor links the {n} sources (candidate links by status: {status}); the sources may be "
            "separated by nodata (sea) or all links were pruned"
        )
    return lp


def classify(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Corridors with current-flow centrality (``current``), ``corridor_class`` and ``length_km``."""
    from ..linkage import centrality, classify_corridors

    cent = centrality(inputs["pathways"], progress=progress)
    out = classify_corridors(cent.corridors, "current", method=p["corridor_class_method"])
    out["length_km"] = out["length_m"] / 1000.0
    return out


def pinch_current(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Pinchpoint Mapper current within the corridors (``corridor_width``)."""
    from ..linkage import pinchpoints

    return pinchpoints(inputs["pathways"], mode=p["pinch_mode"], progress=progress)


def pinch_points(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Pinch-point polygons: connected corridor cells with current above the ``pinch_quantile``."""
    from ..linkage import pinch_polygons

    return pinch_polygons(inputs["current"], inputs["pathways"].corridor_id, q=p["pinch_quantile"])


def barrier_scores(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Barrier Mapper improvement scores for windows of ``barrier_radii_m``."""
    from ..linkage import barriers

    return barriers(inputs["pathways"], radii=list(p["barrier_radii_m"]), progress=progress)


def barrier_areas(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """Barrier polygons: corridor cells with a ``barrier_score`` above the ``barrier_quantile``."""
    from ..linkage import barrier_polygons

    return barrier_polygons(
        inputs["barrier_scores"], inputs["pathways"].corridor_id, score=p["barrier_score"], q=p["barrier_quantile"]
    )


def make_network(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """The ecological network: sources as nodes at their centroids, corridors as edges."""
    from ..network import build_network

    return build_network(inputs["sources"].sources, inputs["corridors"], name="before optimization")


# ---------------------------------------------------------------------------------------------- optimization


def optimize_available() -> bool:
    """Whether :mod:`ecnet_lab.optimize` (new sources, stepping stones, breakpoints) is installed."""
    return importlib.util.find_spec("ecnet_lab.optimize") is not None


def optimize_network(p: Mapping[str, Any], inputs: Mapping[str, Any], progress: bool):
    """The optimized network and its comparison with the baseline (None when ``optimize`` is off).

    Returns an :class:`ecnet_lab.optimize.OptimizationResult` (``before``/``after`` network states,
    added sources, stepping stones, breakpoints, ``comparison``); see :mod:`ecnet_lab.pipeline._optimize`.
    """
    if not p["optimize"]:
        return None
    if not optimize_available():
        raise ImportError("optimize=True needs ecnet_lab.optimize, which is not installed; pass optimize=False")
    from . import _optimize

    return _optimize.run(p, inputs, progress)


_OPT_FIELDS = (
    "optimize",
    "added_sources",
    "added_source_min_area_km2",
    "added_source_rule",
    "stepping_stones",
    "stone_spacing_m",
    "breakpoints",
    "current_mode",
    "corridor_width",
    "adjacency",
    "pinch_mode",
    "pinch_quantile",
    "barrier_radii_m",
    "barrier_quantile",
)

#: The steps in topological order.
STEPS: tuple[Step, ...] = (
    Step(
        "layers",
        load_layers,
        ("data", "size", "resolution_m", "seed", "mask_sea"),
        (),
        "input layers and study area",
    ),
    Step("foreground", make_foreground, ("foreground_classes",), ("layers",), "MSPA foreground"),
    Step("mspa", run_mspa, ("mspa_connectivity", "mspa_edge_width"), ("foreground",), "MSPA classes"),
    Step(
        "candidates",
        select_candidates,
        ("mspa_connectivity", "min_core_area_km2", "aggregation_distance_m"),
        ("mspa",),
        "core patches, area filter, aggregation",
    ),
    Step(
        "sources",
        select_sources,
        ("dpc_threshold", "importance_breaks", "dispersal_distance_m", "dispersal_probability"),
        ("candidates",),
        "dPC ranking and ecological sources",
    ),
    Step(
        "resistance",
        build_resistance,
        ("resistance_preset", "resistance_breaks", "swap_terrain"),
        ("layers", "mspa"),
        "resistance surface",
    ),
    Step("pathways", link_pathways, ("corridor_width", "adjacency"), ("resistance", "sources"), "corridors"),
    Step("corridors", classify, ("corridor_class_method",), ("pathways",), "corridor centrality and classes"),
    Step("current", pinch_current, ("pinch_mode",), ("pathways",), "Pinchpoint Mapper current"),
    Step("pinch_points", pinch_points, ("pinch_quantile",), ("current", "pathways"), "pinch points"),
    Step("barrier_scores", barrier_scores, ("barrier_radii_m",), ("pathways",), "Barrier Mapper scores"),
    Step("barriers", barrier_areas, ("barrier_score", "barrier_quantile"), ("barrier_scores", "pathways"), "barriers"),
    Step("network", make_network, (), ("sources", "corridors"), "ecological network graph"),
    Step(
        "optimization",
        optimize_network,
        _OPT_FIELDS,
        ("layers", "sources", "resistance"),
        "added sources, stepping stones, breakpoints; before/after",
    ),
)

#: Step names in topological order.
STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)
_BY_NAME = {s.name: s for s in STEPS}


def get_step(name: str) -> Step:
    """The step called ``name`` (``ValueError`` naming the allowed steps otherwise)."""
    if name not in _BY_NAME:
        raise ValueError(f"step={name!r} is not allowed; choose one of {list(STEP_NAMES)!r}")
    return _BY_NAME[name]


def ancestors(name: str) -> list[str]:
    """``name`` and every step it depends on, in topological order.

    Examples
    --------
    >>> ancestors("sources")
    ['layers', 'foreground', 'mspa', 'candidates', 'sources']
    """
    need: set[str] = set()
    todo = [get_step(name).name]
    while todo:
        n = todo.pop()
        if n not in need:
            need.add(n)
            todo.extend(_BY_NAME[n].deps)
    return [s for s in STEP_NAMES if s in need]


def descendants(name: str) -> list[str]:
    """``name`` and every step downstream of it, in topological order.

    Examples
    --------
    >>> descendants("barrier_scores")
    ['barrier_scores', 'barriers']
    """
    get_step(name)
    out = [name]
    for s in STEPS:
        if s.name not in out and any(d in out for d in s.deps):
            out.append(s.name)
    return out
