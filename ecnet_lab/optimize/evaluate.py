"""Evaluate an ecological network state and compare states (the Shenzhen paper's Table 5, extended).

:func:`evaluate` runs the engine chain on one resistance surface and one set of sources:
Linkage Pathways (corridors) -> Pinchpoint Mapper (pinch points) -> network-mode current (the
"current density" of the whole network) -> Barrier Mapper (barriers) -> network graph (alpha, beta,
gamma) -> PC / IIC / ECA of the sources. Every step reuses :mod:`ecnet_lab.linkage`,
:mod:`ecnet_lab.network` and :mod:`ecnet_lab.connectivity`; nothing is recomputed here.

:func:`compare` puts the metrics of two or more states in one tidy table (``scenario``, ``group``,
``metric``, ``value``, ``change``, ``relative_change``). The Shenzhen paper compares sources (count,
area), corridors (count, total length), pinch points (count, area), barriers (count, area) and the
maximum current (10.60 -> 20.50 A); here also the mean least-cost distance, network indices and
PC/ECA.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from .. import patches as pt
from .._checks import check_choice, check_positive, check_probability
from ..connectivity import decay_constant, landscape_indices
from ..costdistance import source_labels
from ..grid import assert_same_grid, pixel_area_km2
from ..linkage import (
    BarrierResult,
    LinkagePathways,
    PinchpointResult,
    barrier_polygons,
    barriers,
    linkage_pathways,
    pinch_polygons,
    pinchpoints,
)
from ..linkage.pinchpoint import MODES as CURRENT_MODES
from ..network import EcologicalNetwork, build_network, structure_indices
from ..network.topology import graph_summary
from ._raster import check_raster

__all__ = ["CURRENT_MODES", "METRICS", "NetworkState", "compare", "evaluate"]


@dataclass
class NetworkState:
    """One evaluated ecological network (before or after an optimization).

    Attributes
    ----------
    name : str
        Label (``"baseline"``, ``"optimized"``, ...).
    resistance : DataArray
        Resistance surface used.
    sources : GeoDataFrame
        Sources (``source_id``, ``area_km2``, ``centroid_x``, ``centroid_y``, polygons).
    labels : DataArray
        Source label raster.
    pathways : LinkagePathways
        Corridors (Linkage Pathways).
    corridors : GeoDataFrame
        Corridor table with ``max_current`` and ``mean_current`` of the pinch-point run.
    pinch : PinchpointResult or None
        Pinchpoint Mapper result (None without corridors).
    pinch_points : GeoDataFrame
        Pinch-point polygons.
    current : PinchpointResult or None
        Network-mode current (``params["current_mode"]``); the same object as ``pinch`` when the
        modes agree.
    barrier : BarrierResult or None
        Barrier Mapper result (None without corridors or when barriers are off).
    barriers : GeoDataFrame
        Barrier polygons.
    network : EcologicalNetwork
        Graph: sources as nodes, corridors as edges.
    structure : dict
        :func:`ecnet_lab.network.structure_indices` of the graph.
    connectivity : dict
        :func:`ecnet_lab.connectivity.landscape_indices` of the sources (PC, IIC, ECA_km2, ...).
    params : dict
        Evaluation parameters (reused to evaluate an optimized state the same way).
    edits : dict
        Counts of the edits that produced this state (``n_added_sources``, ``n_stepping_stones``,
        ``n_breakpoints``).
    """

    name: str
    resistance: xr.DataArray
    sources: gpd.GeoDataFrame
    labels: xr.DataArray
    pathways: LinkagePathways
    corridors: gpd.GeoDataFrame
    pinch: PinchpointResult | None
    pinch_points: gpd.GeoDataFrame
    current: PinchpointResult | None
    barrier: BarrierResult | None
    barriers: gpd.GeoDataFrame
    network: EcologicalNetwork
    structure: dict
    connectivity: dict
    params: dict
    edits: dict = field(default_factory=dict)

    def metrics(self) -> pd.DataFrame:
        """This state's metrics: ``group``, ``metric`` (units in the name), ``value``."""
        rows = [{"group": g, "metric": m, "value": float(fn(self))} for g, m, fn in METRICS]
        return pd.DataFrame(rows)


def _current_values(state: NetworkState) -> np.ndarray:
    if state.current is None:
        return np.empty(0)
    v = np.asarray(state.current.current.values, dtype=float)
    return v[np.isfinite(v)]


def _max(values: np.ndarray) -> float:
    return float(values.max()) if values.size else float("nan")


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _col(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=float) if len(frame) else np.empty(0)


#: Registry of the compared metrics: (group, metric, function of a NetworkState).
METRICS: list[tuple[str, str, Callable[[NetworkState], float]]] = [
    ("sources", "n_sources", lambda s: len(s.sources)),
    ("sources", "area_km2", lambda s: float(_col(s.sources, "area_km2").sum())),
    ("corridors", "n_corridors", lambda s: len(s.corridors)),
    ("corridors", "total_length_km", lambda s: float(_col(s.corridors, "length_m").sum()) / 1000.0),
    ("corridors", "mean_length_km", lambda s: _mean(_col(s.corridors, "length_m")) / 1000.0),
    ("corridors", "mean_lcd", lambda s: _mean(_col(s.corridors, "lcd"))),
    ("corridors", "total_lcd", lambda s: float(_col(s.corridors, "lcd").sum())),
    ("pinch_points", "n_pinch_points", lambda s: len(s.pinch_points)),
    ("pinch_points", "area_km2", lambda s: float(_col(s.pinch_points, "area_km2").sum())),
    ("barriers", "n_barriers", lambda s: len(s.barriers)),
    ("barriers", "area_km2", lambda s: float(_col(s.barriers, "area_km2").sum())),
    ("current", "max_current_A", lambda s: _max(_current_values(s))),
    ("current", "mean_current_A", lambda s: _mean(_current_values(s))),
    ("network", "alpha", lambda s: s.structure["alpha"]),
    ("network", "beta", lambda s: s.structure["beta"]),
    ("network", "gamma", lambda s: s.structure["gamma"]),
    ("network", "n_components", lambda s: graph_summary(s.network)["n_components"]),
    ("connectivity", "PC", lambda s: s.connectivity["PC"]),
    ("connectivity", "IIC", lambda s: s.connectivity["IIC"]),
    ("connectivity", "ECA_km2", lambda s: s.connectivity["ECA_km2"]),
    ("edits", "n_added_sources", lambda s: s.edits.get("n_added_sources", 0)),
    ("edits", "n_stepping_stones", lambda s: s.edits.get("n_stepping_stones", 0)),
    ("edits", "n_breakpoints", lambda s: s.edits.get("n_breakpoints", 0)),
]


def _empty_polygons(template: xr.DataArray, id_name: str) -> gpd.GeoDataFrame:
    try:
        crs = template.rio.crs
    except Exception:
        crs = None
    cols = [id_name, "area_km2", "n_cells", "corridor_id"]
    return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=crs)


def _source_frames(resistance, sources, labels) -> tuple[gpd.GeoDataFrame, xr.DataArray]:
    if isinstance(sources, xr.DataArray):
        labels = source_labels(sources, resistance) if labels is None else labels
        frame = pt.describe_patches(labels.astype(np.int32), id_name="source_id")
    elif isinstance(sources, gpd.GeoDataFrame):
        if "source_id" not in sources.columns:
            raise ValueError("sources lacks the column 'source_id'")
        frame = sources.copy()
        labels = source_labels(sources, resistance) if labels is None else labels
    else:
        raise TypeError(f"sources must be a GeoDataFrame or a label DataArray, got {type(sources).__name__}")
    check_raster("labels", labels)
    assert_same_grid(resistance, ("labels", labels), reference_name="resistance")
    present = set(np.unique(np.asarray(labels.values)[np.asarray(labels.values) > 0]).astype(int).tolist())
    ids = set(frame["source_id"].astype(int).tolist())
    if present != ids:
        raise ValueError(
            f"the source ids of the label raster {sorted(present)[:10]!r} and of the sources table "
            f"{sorted(ids)[:10]!r} differ"
        )
    if "area_km2" not in frame.columns:
        areas = np.bincount(np.asarray(labels.values, dtype=np.int64).ravel()) * pixel_area_km2(labels)
        frame["area_km2"] = areas[frame["source_id"].to_numpy(dtype=np.int64)]
    if "centroid_x" not in frame.columns or "centroid_y" not in frame.columns:
        cen = frame.geometry.centroid
        frame["centroid_x"], frame["centroid_y"] = cen.x.to_numpy(), cen.y.to_numpy()
    frame["source_id"] = frame["source_id"].astype(np.int64)
    return frame.reset_index(drop=True), labels.astype(np.int32).rename("source_id")


def evaluate(
    resistance: xr.DataArray,
    sources: gpd.GeoDataFrame | xr.DataArray,
    labels: xr.DataArray | None = None,
    *,
    name: str = "baseline",
    width: float = 1000.0,
    max_cwd: float | None = None,
    adjacency_method: str = "both",
    drop_through_cores: bool = True,
    pinch_mode: str = "adjacent",
    pinch_q: float = 0.9,
    current_mode: str = "all_to_one",
    barrier_radii_m: Sequence[float] | None = (90.0, 180.0, 270.0),
    barrier_q: float = 0.9,
    distance_m: float = 5000.0,
    probability: float = 0.5,
    landscape_area_km2: float | None = None,
    solver: str = "auto",
    edits: dict | None = None,
    progress: bool = False,
) -> NetworkState:
    """Build and evaluate the ecological network of one resistance surface and one set of sources.

    Parameters
    ----------
    resistance : DataArray
        Resistance surface (> 0, NaN = nodata).
    sources : GeoDataFrame or DataArray
        Sources with ``source_id`` (polygons; ``area_km2``/centroids are derived when absent) or a
        label raster.
    labels : DataArray, optional
        Source label raster matching ``sources`` (default: burned from the polygons).
    name : str
        Label of the state.
    width : float
        Cost-weighted corridor width (Linkage Mapper CWD cutoff); default 1000 as in the Shenzhen
        paper (section 3.3). It truncates the corridor mosaic and clips the pinch-point circuits.
    max_cwd, adjacency_method, drop_through_cores
        Linkage Pathways options (:func:`ecnet_lab.linkage.linkage_pathways`).
    pinch_mode : {"adjacent", "all_to_one", "pairwise"}
        Pinchpoint Mapper mode for the pinch points (Linkage Mapper default: adjacent pairs).
    pinch_q : float
        Pinch points are the cells at or above this quantile of the corridor current (0..1).
    current_mode : {"adjacent", "all_to_one", "pairwise"}
        Circuit mode of the whole-network current map whose maximum is the paper's "current
        density" (default all-to-one: every source in turn is the ground and the others inject 1 A;
        ``"pairwise"`` is Circuitscape's all pairs, much slower).
    barrier_radii_m : sequence of float or None
        Barrier Mapper window radii (m); ``None`` skips barriers.
    barrier_q : float
        Barriers are the cells at or above this quantile of the improvement score (0..1).
    distance_m, probability : float
        PC dispersal (``p = probability`` at ``distance_m``) for PC and ECA.
    landscape_area_km2 : float, optional
        A_L of PC/IIC; default the area of the finite resistance cells.
    solver : str
        Circuit solver (see :func:`ecnet_lab.linkage.pinchpoints`).
    edits : dict, optional
        Edit counts recorded in the state.
    progress : bool
        Progress bars.

    Returns
    -------
    NetworkState

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((20, 30)), dims=("y", "x"),
    ...                  coords={"y": 600.0 - 30 * np.arange(20), "x": 30.0 * np.arange(30)})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[5:15, 0:4] = 1; lab[5:15, 26:30] = 2
    >>> state = evaluate(r, lab, width=100.0, barrier_radii_m=(60.0,), distance_m=1000)
    >>> len(state.corridors), round(float(state.corridors.length_m.iloc[0]), 1)
    (1, 690.0)
    """
    check_raster("resistance", resistance)
    width = check_positive("width", width)
    check_choice("pinch_mode", pinch_mode, CURRENT_MODES)
    check_choice("current_mode", current_mode, CURRENT_MODES)
    pinch_q = check_probability("pinch_q", pinch_q)
    barrier_q = check_probability("barrier_q", barrier_q)
    decay_constant(distance_m, probability)
    if barrier_radii_m is not None:
        barrier_radii_m = tuple(check_positive("barrier_radii_m", r) for r in barrier_radii_m)
    if landscape_area_km2 is not None:
        landscape_area_km2 = check_positive("landscape_area_km2", landscape_area_km2)
    frame, labels = _source_frames(resistance, sources, labels)
    params = {
        "width": width,
        "max_cwd": max_cwd,
        "adjacency_method": adjacency_method,
        "drop_through_cores": drop_through_cores,
        "pinch_mode": pinch_mode,
        "pinch_q": pinch_q,
        "current_mode": current_mode,
        "barrier_radii_m": barrier_radii_m,
        "barrier_q": barrier_q,
        "distance_m": float(distance_m),
        "probability": float(probability),
        "landscape_area_km2": landscape_area_km2,
        "solver": solver,
    }

    lp = linkage_pathways(
        resistance,
        labels,
        adjacency_method=adjacency_method,
        max_cwd=max_cwd,
        drop_through_cores=drop_through_cores,
        width=width,
        progress=progress,
    )
    corridors = lp.corridors.copy()
    pinch = current = bar = None
    pins = _empty_polygons(resistance, "pinch_id")
    bars = _empty_polygons(resistance, "barrier_id")
    if len(corridors):
        pinch = pinchpoints(lp, mode=pinch_mode, solver=solver, progress=progress)
        corridors["max_current"] = pinch.corridors["max_current"].to_numpy()
        corridors["mean_current"] = pinch.corridors["mean_current"].to_numpy()
        pins = pinch_polygons(pinch, lp.corridor_id, q=pinch_q)
        current = pinch
        if current_mode != pinch_mode:
            current = pinchpoints(lp, mode=current_mode, solver=solver, progress=progress)
        if barrier_radii_m is not None:
            bar = barriers(lp, radii=list(barrier_radii_m), progress=progress)
            bars = barrier_polygons(bar, lp.corridor_id, q=barrier_q)

    net = build_network(frame, corridors, name=name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # alpha/gamma are NaN below 3 nodes; kept as NaN
        struct = structure_indices(net)
    dist = pt.edge_to_edge_distances(labels, id_name="source_id")
    areas = frame.set_index("source_id")["area_km2"].reindex(dist.index)
    a_l = landscape_area_km2
    if a_l is None:
        a_l = int(np.isfinite(np.asarray(resistance.values, dtype=float)).sum()) * pixel_area_km2(resistance)
    indices = landscape_indices(areas, dist, distance_m=distance_m, probability=probability, landscape_area_km2=a_l)
    return NetworkState(
        name=str(name),
        resistance=resistance,
        sources=frame,
        labels=labels,
        pathways=lp,
        corridors=corridors,
        pinch=pinch,
        pinch_points=pins,
        current=current,
        barrier=bar,
        barriers=bars,
        network=net,
        structure=struct,
        connectivity=indices,
        params=params,
        edits=dict(edits or {}),
    )


def compare(*states: NetworkState, baseline: str | None = None) -> pd.DataFrame:
    """Tidy before/after table of two or more evaluated states.

    Parameters
    ----------
    *states : NetworkState
        States with distinct names (e.g. ``compare(before, after)``).
    baseline : str, optional
        Name of the reference state for ``change`` (default: the first).

    Returns
    -------
    DataFrame
        ``scenario``, ``group``, ``metric`` (units in the name: ``area_km2``, ``total_length_km``,
        ``max_current_A``, ``mean_lcd`` in cost-weighted m), ``value``, ``change`` (value - baseline
        value) and ``relative_change`` (change / |baseline value|, NaN when the baseline is 0).
        ``table.pivot(index=["group", "metric"], columns="scenario", values="value")`` gives the
        paper's Table 5 layout.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((20, 30)), dims=("y", "x"),
    ...                  coords={"y": 600.0 - 30 * np.arange(20), "x": 30.0 * np.arange(30)})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[5:15, 0:4] = 1; lab[5:15, 26:30] = 2
    >>> a = evaluate(r, lab, name="a", width=100.0, barrier_radii_m=None)
    >>> b = evaluate(r * 2, lab, name="b", width=100.0, barrier_radii_m=None)
    >>> t = compare(a, b).set_index(["scenario", "metric"])
    >>> float(t.loc[("b", "mean_lcd"), "relative_change"])
    1.0
    """
    if not states:
        raise ValueError("compare needs at least one NetworkState")
    for s in states:
        if not isinstance(s, NetworkState):
            raise TypeError(f"compare takes NetworkState objects (from evaluate), got {type(s).__name__}")
    names = [s.name for s in states]
    if len(set(names)) != len(names):
        raise ValueError(f"state names must be distinct, got {names!r}")
    baseline = names[0] if baseline is None else check_choice("baseline", baseline, names)
    frames = []
    for s in states:
        m = s.metrics()
        m.insert(0, "scenario", s.name)
        frames.append(m)
    table = pd.concat(frames, ignore_index=True)
    base = table[table["scenario"] == baseline].set_index(["group", "metric"])["value"]
    ref = table.set_index(["group", "metric"]).index.map(base).to_numpy(dtype=float)
    value = table["value"].to_numpy(dtype=float)
    table["change"] = value - ref
    with np.errstate(divide="ignore", invalid="ignore"):
        table["relative_change"] = np.where(ref != 0, (value - ref) / np.abs(ref), np.nan)
    table.attrs["baseline"] = baseline
    return table
