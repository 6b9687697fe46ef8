"""Ecological source selection: MSPA core -> patches -> area filter -> aggregation -> dPC filter -> classes.

This chains :mod:`ecnet_lab.patches` and :mod:`ecnet_lab.connectivity` the way the reference
papers pick sources (Shenzhen: core patches > 10 km², aggregated within 1000 m, dPC > 0.1, classes
key dPC > 1, important 0.5-1, general 0.1-0.5; Wuhan: PC/dPC at 5000 m with probability 0.5).
Every step's result is kept in the returned :class:`SourceSelection` so a widget can show it and
a slider can change one threshold at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from . import connectivity as conn
from . import patches as pt
from ._checks import check_choice, check_positive
from .grid import assert_same_grid, pixel_area_km2, template_like

__all__ = ["MSPA_CORE_CODES", "MSPA_MISSING", "SourceSelection", "core_mask", "select", "study_area_km2"]

#: GuidosToolbox MSPA codes of Core (17) and internal Core (117, with the intext option).
MSPA_CORE_CODES: tuple[int, ...] = (17, 117)
#: GuidosToolbox MSPA code of missing data.
MSPA_MISSING = 129


@dataclass
class SourceSelection:
    """Every step of :func:`select`, inspectable.

    Attributes
    ----------
    core : DataArray (bool)
        Core habitat mask.
    patch_labels, patches : DataArray (int32), GeoDataFrame
        All labelled core patches (``patch_id``) and their attributes/polygons.
    filtered_labels, filtered : DataArray, GeoDataFrame
        After the area filter (``patch_id`` renumbered 1..m).
    aggregated_labels, aggregated : DataArray, GeoDataFrame
        After aggregation within the distance (``candidate_id`` 1..c). When
        ``aggregate_first`` is set, ``aggregated`` comes before ``filtered`` and ``filtered`` holds
        the candidates.
    candidate_labels : DataArray
        Label raster of the candidates ranked by connectivity (``candidate_id``).
    distances : DataFrame
        Distances (m, or cost units) between candidates, indexed/columned by ``candidate_id``.
    connectivity : DataFrame
        Full ranking table of the candidates: attributes, dPC and fractions, dIIC, rank, importance.
    sources : GeoDataFrame
        Final sources (dPC > threshold): ``source_id`` 1..n (= label value), ``candidate_id``,
        ``area_km2``, ``perimeter_m``, ``centroid_x``, ``centroid_y``, dPC columns, ``dIIC``,
        ``importance``, ``rank``, geometry.
    labels : DataArray (int32)
        Source label raster on the input grid (0 = no source).
    candidates : GeoDataFrame
        The candidates ranked by connectivity (``candidate_id``; the aggregated patches, or the
        filtered ones with ``aggregate_first``).
    indices : dict
        Global PC, IIC, ECA_km2, EC_IIC_km2, A_L_km2 of the candidate set.
    steps : DataFrame
        Number of patches and area (km²) after each step.
    params : dict
        The parameters used (names carry units).
    """

    core: xr.DataArray
    patch_labels: xr.DataArray
    patches: gpd.GeoDataFrame
    filtered_labels: xr.DataArray
    filtered: gpd.GeoDataFrame
    aggregated_labels: xr.DataArray
    aggregated: gpd.GeoDataFrame
    candidate_labels: xr.DataArray
    distances: pd.DataFrame
    connectivity: pd.DataFrame
    sources: gpd.GeoDataFrame
    labels: xr.DataArray
    candidates: gpd.GeoDataFrame
    indices: dict = field(default_factory=dict)
    steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict = field(default_factory=dict)

    def reselect(
        self,
        *,
        dpc_threshold: float | None = None,
        importance_breaks: Sequence[float] | None = None,
        distance_m: float | None = None,
        probability: float | None = None,
        iic_threshold_m: float | None = None,
    ) -> SourceSelection:
        """A new selection with other dPC/dispersal parameters, reusing the raster steps and distances.

        Only the connectivity ranking (if a dispersal parameter changed) and the final filter are
        recomputed, so a slider on these thresholds responds at once.

        Examples
        --------
        >>> import numpy as np, xarray as xr
        >>> m = np.zeros((40, 40), bool); m[2:12, 2:12] = True; m[30:38, 30:38] = True
        >>> da = xr.DataArray(m, dims=("y", "x"), coords={"y": 1200 - 30 * np.arange(40.0), "x": 30 * np.arange(40.0)})
        >>> sel = select(da, min_core_area_km2=0.01, aggregation_distance_m=0, distance_m=300)
        >>> len(sel.sources), len(sel.reselect(dpc_threshold=50).sources)
        (2, 1)
        """
        params = dict(self.params)
        new = {
            "dpc_threshold": dpc_threshold,
            "importance_breaks": importance_breaks,
            "distance_m": distance_m,
            "probability": probability,
            "iic_threshold_m": iic_threshold_m,
        }
        for key, value in new.items():
            if value is not None:
                params[key] = tuple(float(b) for b in value) if key == "importance_breaks" else value
        params["dpc_threshold"] = check_positive("dpc_threshold", params["dpc_threshold"], allow_zero=True)
        conn.decay_constant(params["distance_m"], params["probability"])
        table = _rank(
            self.candidates,
            self.distances,
            params["distance_m"],
            params["probability"],
            params["iic_threshold_m"],
            params["landscape_area_km2"],
            params["importance_breaks"],
        )
        sources, labels = _final_sources(self.candidate_labels, self.candidates, table, params["dpc_threshold"])
        steps = [*self.steps.iloc[:-1].to_dict("records"), _step(f"dPC > {params['dpc_threshold']:g}", sources)]
        return replace(
            self,
            connectivity=table,
            sources=sources,
            labels=labels,
            indices=dict(table.attrs),
            steps=pd.DataFrame(steps),
            params=params,
        )


def core_mask(data: xr.DataArray, *, core_codes: Sequence[int] = MSPA_CORE_CODES) -> xr.DataArray:
    """Boolean core mask from an MSPA class map (codes ``core_codes``) or a boolean mask (as is).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> mspa = xr.DataArray(np.array([[17, 3], [117, 0]], np.uint8), dims=("y", "x"),
    ...                     coords={"y": [45.0, 15.0], "x": [15.0, 45.0]})
    >>> core_mask(mspa).values.tolist()
    [[True, False], [True, False]]
    """
    if not isinstance(data, xr.DataArray):
        raise TypeError(f"data must be an xarray.DataArray (MSPA classes or a boolean mask), got {type(data).__name__}")
    values = np.asarray(data.values)
    if values.dtype == bool:
        mask = values.copy()
    else:
        codes = np.atleast_1d(np.asarray(core_codes, dtype=float))
        if codes.size == 0:
            raise ValueError("core_codes is empty; MSPA Core is 17 (117 internal)")
        mask = np.isin(values.astype(float), codes)
    return template_like(data, mask, name="core", attrs={"units": "1", "long_name": "core habitat mask"})


def study_area_km2(data: xr.DataArray) -> float:
    """Area (km²) of the valid cells of ``data``: not NaN and not MSPA Missing (129); all cells of a mask.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.array([[17.0, np.nan], [129, 0]]), dims=("y", "x"),
    ...                   coords={"y": [45.0, 15.0], "x": [15.0, 45.0]})
    >>> round(study_area_km2(da), 6)
    0.0018
    """
    values = np.asarray(data.values)
    if values.dtype == bool:
        valid = values.size
    else:
        v = values.astype(float)
        valid = int(np.count_nonzero(~np.isnan(v) & (v != MSPA_MISSING)))
    return valid * pixel_area_km2(data)


def _describe(labels: xr.DataArray, id_name: str) -> gpd.GeoDataFrame:
    return pt.describe_patches(labels, id_name=id_name)


def _step(name: str, gdf: gpd.GeoDataFrame) -> dict:
    return {"step": name, "n_patches": len(gdf), "area_km2": float(gdf["area_km2"].sum()) if len(gdf) else 0.0}


_CANDIDATE_ATTRS = [
    "candidate_id",
    "n_cells",
    "perimeter_m",
    "centroid_x",
    "centroid_y",
    "min_x",
    "min_y",
    "max_x",
    "max_y",
]


def _rank(
    candidates: gpd.GeoDataFrame,
    distances: pd.DataFrame,
    distance_m: float,
    probability: float,
    iic_threshold_m: float | None,
    a_l: float,
    importance_breaks: Sequence[float],
) -> pd.DataFrame:
    """Connectivity ranking table of the candidates (node importance + patch attributes)."""
    ids = pd.Index(candidates["candidate_id"], name="candidate_id")
    ranking = conn.node_importance(
        pd.Series(candidates["area_km2"].to_numpy(), index=ids),
        distances,
        distance_m=distance_m,
        probability=probability,
        iic_threshold_m=iic_threshold_m,
        landscape_area_km2=a_l,
        importance_breaks=importance_breaks,
        id_name="candidate_id",
    )
    table = ranking.merge(pd.DataFrame(candidates[_CANDIDATE_ATTRS]), on="candidate_id", how="left")
    table.attrs = dict(ranking.attrs)
    return table


def _final_sources(
    cand_lab: xr.DataArray, candidates: gpd.GeoDataFrame, table: pd.DataFrame, dpc_threshold: float
) -> tuple[gpd.GeoDataFrame, xr.DataArray]:
    """Keep candidates with dPC > threshold, renumbered 1..n in candidate order; sources + label raster."""
    table["selected"] = table["dPC"] > dpc_threshold
    keep = table.loc[table["selected"], "candidate_id"].to_numpy()
    labels = pt.relabel_sequential(cand_lab, keep=keep).rename("source_id")
    labels.attrs = {"units": "1", "long_name": "ecological sources (0 = none)", "description": "0 = no source"}
    chosen = table[table["selected"]].sort_values("candidate_id").reset_index(drop=True)
    chosen.insert(0, "source_id", np.arange(1, len(chosen) + 1, dtype=np.int64))
    geoms = candidates.set_index("candidate_id").geometry.loc[chosen["candidate_id"]].to_numpy()
    front = ["source_id", "candidate_id", "area_km2", "perimeter_m", "centroid_x", "centroid_y"]
    rest = [c for c in chosen.columns if c not in front and c != "selected"]
    sources = gpd.GeoDataFrame(chosen[front + rest], geometry=list(geoms), crs=candidates.crs)
    return sources, labels


def select(
    data: xr.DataArray,
    *,
    core_codes: Sequence[int] = MSPA_CORE_CODES,
    connectivity: int = 8,
    min_core_area_km2: float = 10.0,
    aggregation_distance_m: float = 1000.0,
    aggregation_method: str = "union",
    aggregate_first: bool = False,
    distance_m: float = 5000.0,
    probability: float = 0.5,
    iic_threshold_m: float | None = None,
    landscape_area_km2: float | None = None,
    dpc_threshold: float = 0.1,
    importance_breaks: Sequence[float] = (0.1, 0.5, 1.0),
    distance_measure: str = "edges",
    resistance: xr.DataArray | None = None,
    progress: bool = False,
) -> SourceSelection:
    """Select ecological sources from MSPA core patches by area and connectivity importance (dPC).

    Steps: core mask -> patches (``connectivity``) -> keep area > ``min_core_area_km2`` ->
    merge patches whose edge-to-edge distance is <= ``aggregation_distance_m`` (transitively, one
    source per group) -> dPC/dIIC of every candidate -> keep dPC > ``dpc_threshold`` -> classes.
    Set ``aggregate_first=True`` to aggregate all core patches before the area filter (small patches
    near each other then add up).

    Parameters
    ----------
    data : DataArray
        MSPA class map (GuidosToolbox codes; Core = 17, internal Core 117) or a boolean core mask.
    core_codes : sequence of int
        Class codes taken as core when ``data`` is a class map.
    connectivity : {4, 8}
        Pixel neighbourhood of a patch.
    min_core_area_km2 : float
        Area threshold (km², strictly greater is kept); Shenzhen 10, Wuhan 0.5, Jinan 5.
    aggregation_distance_m : float
        Aggregation distance (m); 0 disables merging. Shenzhen 1000.
    aggregation_method : {"union", "closing"}
        See :func:`ecnet_lab.patches.aggregate_patches`.
    aggregate_first : bool
        Aggregate before the area filter instead of after it.
    distance_m, probability : float
        PC dispersal: ``p_ij = probability`` at ``distance_m``. Default 5000 m and 0.5 (Wuhan; the
        Shenzhen paper does not state its values).
    iic_threshold_m : float, optional
        IIC link threshold (default ``distance_m``).
    landscape_area_km2 : float, optional
        A_L; default the study area (valid cells of ``data``). It scales PC/IIC, not dPC.
    dpc_threshold : float
        Sources keep dPC > this (%); Shenzhen 0.1.
    importance_breaks : 3 increasing floats
        dPC breaks of general / important / key (Shenzhen: 0.1, 0.5, 1).
    distance_measure : {"edges", "centres"}
        Euclidean edge-to-edge measure (see :func:`ecnet_lab.patches.edge_to_edge_distances`).
    resistance : DataArray, optional
        If given, distances between candidates are least-cost distances over this resistance
        raster (:func:`ecnet_lab.patches.cost_distances`) and ``distance_m`` is in the same cost units.
    progress : bool
        Show a progress bar for least-cost distances.

    Returns
    -------
    SourceSelection

    Raises
    ------
    ValueError
        Bad parameters, or no patch left after the area filter (the message gives the counts).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> m = np.zeros((40, 40), bool); m[2:12, 2:12] = True; m[2:12, 14:24] = True; m[30:38, 30:38] = True
    >>> da = xr.DataArray(m, dims=("y", "x"), coords={"y": 1200 - 30 * np.arange(40.0), "x": 30 * np.arange(40.0)})
    >>> sel = select(da, min_core_area_km2=0.05, aggregation_distance_m=100, distance_m=300, dpc_threshold=0.1)
    >>> sel.sources[["source_id", "area_km2", "importance"]].values.tolist()
    [[1, 0.18, 'key'], [2, 0.0576, 'key']]
    """
    connectivity = check_choice("connectivity", connectivity, (4, 8))
    min_core_area_km2 = check_positive("min_core_area_km2", min_core_area_km2, allow_zero=True)
    aggregation_distance_m = check_positive("aggregation_distance_m", aggregation_distance_m, allow_zero=True)
    aggregation_method = check_choice("aggregation_method", aggregation_method, ("union", "closing"))
    distance_measure = check_choice("distance_measure", distance_measure, ("edges", "centres"))
    conn.decay_constant(distance_m, probability)  # validates distance_m and probability
    if iic_threshold_m is not None:
        check_positive("iic_threshold_m", iic_threshold_m)
    dpc_threshold = check_positive("dpc_threshold", dpc_threshold, allow_zero=True)
    conn.importance_classes([], importance_breaks)  # validates the breaks
    if not isinstance(aggregate_first, bool):
        raise TypeError(f"aggregate_first must be a bool, got {aggregate_first!r}")
    if resistance is not None:
        assert_same_grid(data, ("resistance", resistance), reference_name="data")

    a_l = (
        study_area_km2(data) if landscape_area_km2 is None else check_positive("landscape_area_km2", landscape_area_km2)
    )
    params = {
        "core_codes": tuple(int(c) for c in np.atleast_1d(core_codes)),
        "connectivity": connectivity,
        "min_core_area_km2": min_core_area_km2,
        "aggregation_distance_m": aggregation_distance_m,
        "aggregation_method": aggregation_method,
        "aggregate_first": aggregate_first,
        "distance_m": float(distance_m),
        "probability": float(probability),
        "iic_threshold_m": None if iic_threshold_m is None else float(iic_threshold_m),  # None: = distance_m
        "landscape_area_km2": a_l,
        "dpc_threshold": dpc_threshold,
        "importance_breaks": tuple(float(b) for b in importance_breaks),
        "distance_measure": distance_measure,
        "cost_distance": resistance is not None,
    }

    core = core_mask(data, core_codes=core_codes)
    patch_lab = pt.patch_labels(core, connectivity=connectivity, name="patch_id")
    patches = _describe(patch_lab, "patch_id")
    steps = [_step("core patches", patches)]

    def _filter(lab: xr.DataArray, id_name: str) -> tuple[xr.DataArray, gpd.GeoDataFrame]:
        out = pt.filter_by_area(lab, min_core_area_km2).rename(id_name)
        return out, _describe(out, id_name)

    def _aggregate(lab: xr.DataArray) -> tuple[xr.DataArray, gpd.GeoDataFrame]:
        out = pt.aggregate_patches(
            lab, aggregation_distance_m, method=aggregation_method, measure=distance_measure, name="candidate_id"
        )
        return out, _describe(out, "candidate_id")

    if aggregate_first:
        agg_lab, aggregated = _aggregate(patch_lab)
        steps.append(_step(f"aggregated within {aggregation_distance_m:g} m", aggregated))
        filt_lab, filtered = _filter(agg_lab, "candidate_id")
        steps.append(_step(f"area > {min_core_area_km2:g} km2", filtered))
        cand_lab, candidates = filt_lab, filtered
    else:
        filt_lab, filtered = _filter(patch_lab, "patch_id")
        steps.append(_step(f"area > {min_core_area_km2:g} km2", filtered))
        agg_lab, aggregated = _aggregate(filt_lab)
        steps.append(_step(f"aggregated within {aggregation_distance_m:g} m", aggregated))
        cand_lab, candidates = agg_lab, aggregated
    if len(candidates) == 0:
        counts = ", ".join(f"{s['step']}: {s['n_patches']}" for s in steps)
        raise ValueError(
            f"no patch is left to rank (empty patch set; {counts}); lower min_core_area_km2={min_core_area_km2!r} "
            "or check core_codes"
        )
    if a_l < candidates["area_km2"].sum() * (1 - 1e-9):
        raise ValueError(
            f"landscape_area_km2={a_l!r} is smaller than the total candidate area "
            f"{candidates['area_km2'].sum():.6g} km²; A_L must cover the study landscape"
        )

    if resistance is None:
        distances = pt.edge_to_edge_distances(cand_lab, measure=distance_measure, id_name="candidate_id")
    else:
        distances = pt.cost_distances(cand_lab, resistance, id_name="candidate_id", progress=progress)
    table = _rank(candidates, distances, distance_m, probability, iic_threshold_m, a_l, importance_breaks)
    sources, labels = _final_sources(cand_lab, candidates, table, dpc_threshold)
    steps.append(_step(f"dPC > {dpc_threshold:g}", sources))
    return SourceSelection(
        core=core,
        patch_labels=patch_lab,
        patches=patches,
        filtered_labels=filt_lab,
        filtered=filtered,
        aggregated_labels=agg_lab,
        aggregated=aggregated,
        candidate_labels=cand_lab,
        distances=distances,
        connectivity=table,
        sources=sources,
        labels=labels,
        candidates=candidates,
        indices=dict(table.attrs),
        steps=pd.DataFrame(steps),
        params=params,
    )
