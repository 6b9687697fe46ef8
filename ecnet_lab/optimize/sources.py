"""New ecological sources from the strongest core patches not yet selected (Shenzhen optimization, rule 1).

The Shenzhen paper (Li et al. 2025, section 3.5.1) adds 12 new sources "according to the spatial
distribution of core area patches" in the regions the baseline network misses. The operable rule here:

1. **Remaining core patches.** The MSPA core patches of the baseline selection
   (``selection.patch_labels``) that share no cell with a baseline source.
2. **Area filter.** Keep patches with area strictly greater than ``min_area_km2`` (default 1 km²:
   the paper's added sources, 63.48 km² for 12, average 5.3 km², are forest parks, reservoirs and
   wetland parks far below the 10 km² baseline threshold).
3. **Aggregation.** Merge remaining patches within ``aggregation_distance_m`` of each other (default:
   the baseline's aggregation distance, 1000 m in Shenzhen) with
   :func:`ecnet_lab.patches.aggregate_patches`, the method and distance measure of the baseline.
4. **Away from the baseline.** Drop candidates whose edge-to-edge distance to the nearest baseline
   source is at most ``min_distance_m`` (default: the aggregation distance; such a patch would have
   been merged into that source, so it adds no new region).
5. **Ranking.** ``rule="dpc"``: dPC (Conefor, :func:`ecnet_lab.connectivity.node_importance`) of each
   candidate in the landscape of the baseline sources plus all eligible candidates, with the
   baseline's dispersal distance, probability and landscape area; ``rule="area"``: candidate area.
   Ties: larger area (or dPC), then smaller candidate id. The ``n`` best become sources
   ``max(source_id) + 1, ...`` in rank order.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from .. import connectivity as conn
from .. import patches as pt
from .._checks import check_choice, check_int, check_positive
from ..grid import assert_same_grid, template_like
from ..sources import SourceSelection

__all__ = ["ADD_RULES", "SourceAddition", "add_sources"]

#: Ranking rules of :func:`add_sources`.
ADD_RULES = ("dpc", "area")


class SourceAddition(NamedTuple):
    """Result of :func:`add_sources` (unpacks as ``sources, labels, added, candidates``).

    Attributes
    ----------
    sources : GeoDataFrame
        Baseline sources (``origin="baseline"``) followed by the added ones (``origin="added"``).
    labels : DataArray (int32)
        Source label raster with the added sources (0 = none).
    added : GeoDataFrame
        The added sources: ``source_id``, ``candidate_id``, ``area_km2``, ``perimeter_m``,
        ``centroid_x``, ``centroid_y``, ``dPC`` (and fractions, in the combined landscape),
        ``importance``, ``added_rank``, ``nearest_source_m``, ``origin``, polygon geometry.
    candidates : GeoDataFrame
        Every candidate: area, ``nearest_source_m``, ``eligible``, dPC columns (NaN if not eligible),
        ``rule_rank`` (1 = best eligible, 0 = not eligible), ``added``, ``source_id`` (0 if not added).
    """

    sources: gpd.GeoDataFrame
    labels: xr.DataArray
    added: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame


_DPC_COLUMNS = ["dPC", "dPCintra", "dPCflux", "dPCconnector", "dIIC", "importance"]


def _remaining_patches(selection: SourceSelection, min_area_km2: float) -> xr.DataArray:
    patch = np.asarray(selection.patch_labels.values).astype(np.int64)
    src = np.asarray(selection.labels.values).astype(np.int64)
    used = np.unique(patch[(src > 0) & (patch > 0)])
    remaining = np.where(np.isin(patch, used) | (src > 0), 0, patch).astype(np.int32)
    lab = template_like(selection.patch_labels, remaining, name="patch_id", attrs={"units": "1"})
    return pt.filter_by_area(lab, min_area_km2)


def add_sources(
    selection: SourceSelection,
    n: int,
    *,
    rule: str = "dpc",
    min_area_km2: float = 1.0,
    aggregation_distance_m: float | None = None,
    min_distance_m: float | None = None,
    resistance: xr.DataArray | None = None,
    progress: bool = False,
) -> SourceAddition:
    """Add the ``n`` strongest remaining core patches as new ecological sources.

    See the module documentation for the five steps of the rule.

    Parameters
    ----------
    selection : SourceSelection
        Baseline selection (:func:`ecnet_lab.sources.select`); not modified.
    n : int
        Number of sources to add (>= 0). If fewer candidates are eligible, all are added and a
        ``UserWarning`` says how many.
    rule : {"dpc", "area"}
        Ranking of the candidates.
    min_area_km2 : float
        Candidate core patches need an area > this (km², >= 0); default 1.
    aggregation_distance_m : float, optional
        Merge candidate patches within this edge-to-edge distance (m, >= 0); default: the baseline's.
    min_distance_m : float, optional
        Candidates at most this far (edge to edge, m) from a baseline source are not eligible;
        default: the aggregation distance.
    resistance : DataArray, optional
        Needed (and used for the distances) when the baseline ranked by least-cost distances.
    progress : bool
        Progress bar of the least-cost distances.

    Returns
    -------
    SourceAddition

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.sources import select
    >>> m = np.zeros((60, 60), bool); m[2:22, 2:22] = True; m[40:48, 40:48] = True; m[40:44, 2:6] = True
    >>> da = xr.DataArray(m, dims=("y", "x"), coords={"y": 1800 - 30 * np.arange(60.0), "x": 30 * np.arange(60.0)})
    >>> sel = select(da, min_core_area_km2=0.1, aggregation_distance_m=0, distance_m=500)
    >>> out = add_sources(sel, 1, min_area_km2=0.005, min_distance_m=0)
    >>> len(sel.sources), len(out.sources), out.added["area_km2"].round(4).tolist()
    (1, 2, [0.0576])
    """
    if not isinstance(selection, SourceSelection):
        raise TypeError(
            f"selection must be a SourceSelection (ecnet_lab.sources.select), got {type(selection).__name__}"
        )
    n = check_int("n", n, minimum=0)
    rule = check_choice("rule", rule, ADD_RULES)
    min_area_km2 = check_positive("min_area_km2", min_area_km2, allow_zero=True)
    params = selection.params
    if aggregation_distance_m is None:
        aggregation_distance_m = float(params.get("aggregation_distance_m", 0.0))
    aggregation_distance_m = check_positive("aggregation_distance_m", aggregation_distance_m, allow_zero=True)
    if min_distance_m is None:
        min_distance_m = aggregation_distance_m
    min_distance_m = check_positive("min_distance_m", min_distance_m, allow_zero=True)
    cost = bool(params.get("cost_distance", False))
    if cost:
        if resistance is None:
            raise ValueError(
                "resistance is needed: the baseline selection ranked sources by least-cost distances "
                "(select(..., resistance=...))"
            )
        assert_same_grid(selection.labels, ("resistance", resistance), reference_name="selection.labels")
    measure = params.get("distance_measure", "edges")

    src = np.asarray(selection.labels.values).astype(np.int64)
    n_src = int(src.max(initial=0))
    filt = _remaining_patches(selection, min_area_km2)
    if aggregation_distance_m > 0 and int(filt.max()) > 0:
        cand = pt.aggregate_patches(
            filt, aggregation_distance_m, method=params.get("aggregation_method", "union"), measure=measure
        )
    else:
        cand = filt
    cand_values = np.where(src > 0, 0, np.asarray(cand.values).astype(np.int64))
    cand_lab = pt.relabel_sequential(template_like(cand, cand_values.astype(np.int32), name="candidate_id"))
    cand_lab = cand_lab.rename("candidate_id")
    candidates = pt.describe_patches(cand_lab, id_name="candidate_id")
    n_cand = len(candidates)

    table = pd.DataFrame(candidates.drop(columns="geometry"))
    for col in ["nearest_source_m", *_DPC_COLUMNS]:
        table[col] = np.nan
    table["importance"] = None
    table["eligible"] = False
    table["rule_rank"] = 0
    table["added"] = False
    table["source_id"] = 0

    chosen: list[int] = []
    if n_cand:
        combined = np.where(cand_values > 0, n_src + np.asarray(cand_lab.values, dtype=np.int64), src)
        comb_lab = template_like(selection.labels, combined.astype(np.int32), name="node_id")
        if cost:
            dist = pt.cost_distances(comb_lab, resistance, id_name="node_id", progress=progress)
        else:
            dist = pt.edge_to_edge_distances(comb_lab, measure=measure, id_name="node_id")
        src_ids = [i for i in dist.index if i <= n_src]
        cand_nodes = np.asarray(candidates["candidate_id"], dtype=np.int64) + n_src
        if src_ids:
            nearest = dist.loc[cand_nodes, src_ids].min(axis=1).to_numpy(dtype=float)
        else:
            nearest = np.full(n_cand, np.inf)
        table["nearest_source_m"] = nearest
        eligible = nearest > min_distance_m
        table["eligible"] = eligible
        if eligible.any():
            nodes = [*src_ids, *cand_nodes[eligible].tolist()]
            areas = pd.concat(
                [
                    selection.sources.set_index("source_id")["area_km2"].reindex(src_ids),
                    pd.Series(table.loc[eligible, "area_km2"].to_numpy(), index=cand_nodes[eligible]),
                ]
            )
            ranking = conn.node_importance(
                areas,
                dist.loc[nodes, nodes],
                distance_m=params.get("distance_m", 5000.0),
                probability=params.get("probability", 0.5),
                iic_threshold_m=params.get("iic_threshold_m"),
                landscape_area_km2=params.get("landscape_area_km2"),
                importance_breaks=params.get("importance_breaks", (0.1, 0.5, 1.0)),
                id_name="node_id",
            ).set_index("node_id")
            rows = np.flatnonzero(eligible)
            for col in _DPC_COLUMNS:
                table.loc[rows, col] = ranking.loc[cand_nodes[eligible], col].to_numpy()
            keys = table.loc[rows, ["dPC", "area_km2", "candidate_id"]].astype(float)
            if rule == "dpc":
                order = np.lexsort((keys["candidate_id"], -keys["area_km2"], -keys["dPC"]))
            else:
                order = np.lexsort((keys["candidate_id"], -keys["dPC"], -keys["area_km2"]))
            ranked = rows[order]
            table.loc[ranked, "rule_rank"] = np.arange(1, ranked.size + 1)
            chosen = ranked[:n].tolist()
    if len(chosen) < n:
        warnings.warn(
            f"n={n} sources were asked for but only {len(chosen)} candidate core patches are eligible "
            f"(area > {min_area_km2:g} km2, farther than {min_distance_m:g} m from a baseline source); "
            f"{len(chosen)} added",
            UserWarning,
            stacklevel=2,
        )

    new_ids = np.arange(n_src + 1, n_src + 1 + len(chosen), dtype=np.int64)
    table.loc[chosen, "added"] = True
    table.loc[chosen, "source_id"] = new_ids
    labels_out = src.copy()
    cand_arr = np.asarray(cand_lab.values)
    if chosen:
        lut = np.zeros(n_cand + 1, dtype=np.int64)
        lut[table.loc[chosen, "candidate_id"].to_numpy(dtype=np.int64)] = new_ids
        new_cells = lut[cand_arr]
        labels_out = np.where(new_cells > 0, new_cells, labels_out)
    attrs = dict(selection.labels.attrs)
    attrs.update(
        long_name="ecological sources with added sources (0 = none)",
        units=attrs.get("units", "1"),
        added_source_ids=[int(i) for i in new_ids],
    )
    labels = template_like(selection.labels, labels_out.astype(np.int32), name="source_id", attrs=attrs)

    added = table.loc[chosen].copy()
    added["added_rank"] = np.arange(1, len(chosen) + 1, dtype=np.int64)
    added["origin"] = "added"
    front = ["source_id", "candidate_id", "area_km2", "perimeter_m", "centroid_x", "centroid_y"]
    keep = [*front, *_DPC_COLUMNS, "added_rank", "nearest_source_m", "origin"]
    geoms = candidates.geometry.to_numpy()[chosen] if chosen else []
    added = gpd.GeoDataFrame(added[keep].reset_index(drop=True), geometry=list(geoms), crs=candidates.crs)
    added = added.astype({"source_id": np.int64, "candidate_id": np.int64})
    base = selection.sources.copy()
    base["origin"] = "baseline"
    if len(added):
        sources = pd.concat([base, added.drop(columns="candidate_id")], ignore_index=True)
        sources = gpd.GeoDataFrame(sources, geometry="geometry", crs=base.crs)
    else:
        sources = base.reset_index(drop=True)
    sources["source_id"] = sources["source_id"].astype(np.int64)
    cand_gdf = gpd.GeoDataFrame(table, geometry=candidates.geometry.to_numpy(), crs=candidates.crs)
    cand_gdf.attrs = {
        "rule": rule,
        "min_area_km2": min_area_km2,
        "aggregation_distance_m": aggregation_distance_m,
        "min_distance_m": min_distance_m,
    }
    return SourceAddition(sources=sources, labels=labels, added=added, candidates=cand_gdf)
