"""Barrier Mapper: where would restoring a circular window most reduce least-cost distance?

Semantics (McRae et al. 2012, *PLoS ONE* 7: e52604; Linkage Mapper's Barrier Mapper):
for a corridor between sources *a* and *b* with least-cost distance ``LCD`` and a
circular window of radius ``R`` metres centred on a cell, restoring the window to
resistance ``r0`` (``restored_resistance``, 1 by default) lets a path enter the window
at its cell closest (in CWD) to *a*, cross it in at most one diameter and leave at
its cell closest to *b*. The least-cost distance after restoration is estimated as

    LCD' = min_window(CWD_a) + min_window(CWD_b) + 2 R r0

and the **improvement score** of the window centre is ``ΔLCD = LCD - LCD'``
(cost-weighted m; values <= 0 mean no improvement and are set to 0). Two derived
scores are reported, as in Barrier Mapper:

- **per unit distance restored**: ``ΔLCD / (2 R)`` (comparable across radii);
- **percent**: ``100 ΔLCD / LCD``.

The window is every cell whose centre lies within ``R`` of the centre cell's centre
(minima over the disc; Barrier Mapper examines only the perimeter, which gives the
same minima when no source lies wholly inside the window). Scores are combined over
corridors by maximum (default) or sum, then over radii by maximum (default) or sum.
Barrier polygons (:func:`barrier_polygons`) are connected cells whose score passes a
documented threshold rule, restricted to the corridors.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from tqdm.auto import tqdm

from .._checks import check_choice, check_positive
from ..costdistance import CWD_UNITS, CostDistances
from ..grid import template_like
from ._raster import RULES, disc_filter, polygonize, select_cells
from .pathways import LinkagePathways

__all__ = ["SCORES", "BarrierResult", "barrier_polygons", "barriers", "radii_from_range"]

SCORES = ("absolute", "per_unit", "percent")
COMBINE = ("max", "sum")


def radii_from_range(
    min_radius_m: float, max_radius_m: float | None = None, step_m: float | None = None
) -> list[float]:
    """Radii ``min, min + step, ..., max`` in metres (Barrier Mapper's start/end/step).

    Raises ``ValueError`` when the radii would not be increasing (max < min or
    step <= 0 with max > min).

    Examples
    --------
    >>> radii_from_range(60, 180, 60)
    [60.0, 120.0, 180.0]
    """
    lo = check_positive("min_radius_m", min_radius_m)
    if max_radius_m is None:
        return [lo]
    hi = check_positive("max_radius_m", max_radius_m)
    if hi < lo:
        raise ValueError(f"radii are not increasing: max_radius_m={hi!r} < min_radius_m={lo!r}")
    if hi == lo:
        return [lo]
    if step_m is None:
        raise ValueError("step_m is needed when max_radius_m > min_radius_m")
    step = float(step_m)
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step_m={step_m!r} is not allowed; radii must increase, so it must be > 0")
    n = int(np.floor((hi - lo) / step + 1e-9))
    return [lo + k * step for k in range(n + 1)]


def _check_radii(radii: Sequence[float], dx: float, dy: float) -> list[float]:
    out = []
    for r in radii:
        out.append(check_positive("radii", r))
    if not out:
        raise ValueError("radii is empty; give at least one radius in metres")
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise ValueError(f"radii={out!r} are not strictly increasing")
    if out[0] < min(dx, dy):
        raise ValueError(f"the smallest radius {out[0]!r} m is below the cell size ({min(dx, dy)!r} m)")
    return out


@dataclass
class BarrierResult:
    """Result of :func:`barriers`.

    Attributes
    ----------
    absolute, per_unit, percent : xarray.DataArray
        Improvement scores combined over corridors and radii (0 = no improvement,
        NaN = nodata).
    best_radius_m : xarray.DataArray
        Radius with the largest per-unit score at each cell (NaN where no improvement).
    by_radius : xarray.Dataset
        The three scores per radius (dims ``radius_m, y, x``), combined over corridors.
    corridor_scores : pandas.DataFrame
        Per corridor: ``max_improvement`` (ΔLCD), ``max_per_unit``, ``max_percent``,
        ``best_radius_m``.
    radii_m : list of float
    restored_resistance : float
    pair_combine, radius_combine : str
    """

    absolute: xr.DataArray
    per_unit: xr.DataArray
    percent: xr.DataArray
    best_radius_m: xr.DataArray
    by_radius: xr.Dataset
    corridor_scores: pd.DataFrame
    radii_m: list
    restored_resistance: float
    pair_combine: str
    radius_combine: str

    def score(self, kind: str = "per_unit") -> xr.DataArray:
        """One of the combined scores: ``"absolute"``, ``"per_unit"`` or ``"percent"``."""
        check_choice("kind", kind, SCORES)
        return getattr(self, kind)


def _unpack(costs, corridors):
    if isinstance(costs, LinkagePathways):
        return costs.costs, (costs.corridors if corridors is None else corridors)
    if not isinstance(costs, CostDistances):
        raise TypeError(f"costs must be a CostDistances or LinkagePathways, got {type(costs).__name__}")
    if corridors is None:
        raise ValueError("corridors are needed with a CostDistances (the corridor table of linkage_pathways)")
    return costs, corridors


def barriers(
    costs: CostDistances | LinkagePathways,
    corridors: pd.DataFrame | None = None,
    *,
    radii: Sequence[float] | None = None,
    min_radius_m: float | None = None,
    max_radius_m: float | None = None,
    step_m: float | None = None,
    restored_resistance: float = 1.0,
    pair_combine: str = "max",
    radius_combine: str = "max",
    cwd_threshold: float | None = None,
    progress: bool = True,
) -> BarrierResult:
    """Barrier Mapper improvement scores for moving circular windows of several radii.

    Parameters
    ----------
    costs
        :class:`~ecnet_lab.costdistance.CostDistances` (then ``corridors`` is needed) or
        a :class:`~ecnet_lab.linkage.pathways.LinkagePathways` result.
    corridors
        Corridor table with ``corridor_id``, ``from_id``, ``to_id``, ``lcd``.
    radii
        Window radii in metres, strictly increasing; or give ``min_radius_m``,
        ``max_radius_m`` and ``step_m``.
    restored_resistance
        Resistance of a restored window (> 0; Barrier Mapper uses 1).
    pair_combine
        Combine corridors by ``"max"`` (default) or ``"sum"`` (of positive scores).
    radius_combine
        Combine radii by ``"max"`` (default) or ``"sum"``.
    cwd_threshold
        Ignore cells whose CWD from a source exceeds this (Barrier Mapper's CWD
        threshold), in cost-weighted m.
    progress
        Show a progress bar over radii x corridors.

    Returns
    -------
    BarrierResult

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = np.ones((5, 9)); r[:, 4] = 100.0
    >>> res = xr.DataArray(r, dims=("y", "x"),
    ...     coords={"y": np.arange(5)[::-1] * 10 + 5.0, "x": np.arange(9) * 10 + 5.0})
    >>> lab = xr.zeros_like(res, dtype="int32"); lab[:, 0] = 1; lab[:, 8] = 2
    >>> lp = linkage_pathways(res, lab, progress=False)
    >>> float(barriers(lp, radii=[20.0], progress=False).absolute[2, 4])
    990.0
    """
    costs, corridors = _unpack(costs, corridors)
    dx, dy = costs.cellsize
    if radii is None:
        if min_radius_m is None:
            raise ValueError("give radii=[...] or min_radius_m (with max_radius_m and step_m)")
        radii = radii_from_range(min_radius_m, max_radius_m, step_m)
    radii = _check_radii(radii, dx, dy)
    r0 = check_positive("restored_resistance", restored_resistance)
    check_choice("pair_combine", pair_combine, COMBINE)
    check_choice("radius_combine", radius_combine, COMBINE)
    if cwd_threshold is not None:
        cwd_threshold = check_positive("cwd_threshold", cwd_threshold)
    missing = [c for c in ("corridor_id", "from_id", "to_id", "lcd") if c not in corridors.columns]
    if missing:
        raise ValueError(f"corridors lacks columns {missing!r}")

    shape = costs.shape
    nodata = ~np.isfinite(np.asarray(costs.resistance.values, dtype=float))
    links = list(
        zip(
            corridors["corridor_id"].astype(int),
            corridors["from_id"].astype(int),
            corridors["to_id"].astype(int),
            corridors["lcd"].astype(float),
            strict=True,
        )
    )
    by = {k: np.zeros((len(radii), *shape)) for k in SCORES}
    cor_best = {cid: [0.0, 0.0, 0.0, np.nan] for cid, *_ in links}
    bar = tqdm(total=len(radii) * len(links), desc="barriers", disable=not progress)
    for ri, radius in enumerate(radii):
        window_min: dict[int, np.ndarray] = {}

        def wmin(sid: int, radius=radius, window_min=window_min) -> np.ndarray:
            if sid not in window_min:
                cwd = costs.cwd_array(sid)
                if cwd_threshold is not None:
                    cwd = np.where(cwd < cwd_threshold, cwd, np.inf)
                window_min[sid] = disc_filter(cwd, radius, dx, dy, how="min")
            return window_min[sid]

        restored_cost = 2.0 * radius * r0
        for cid, a, b, lcd in links:
            with np.errstate(invalid="ignore"):
                delta = lcd - wmin(a) - wmin(b) - restored_cost
            delta = np.where(np.isfinite(delta) & (delta > 0), delta, 0.0)
            scores = {"absolute": delta, "per_unit": delta / (2.0 * radius), "percent": 100.0 * delta / lcd}
            for k, v in scores.items():
                if pair_combine == "max":
                    np.maximum(by[k][ri], v, out=by[k][ri])
                else:
                    by[k][ri] += v
            best = cor_best[cid]
            pu = float(scores["per_unit"].max())
            if pu > best[1]:
                best[:] = [float(delta.max()), pu, float(scores["percent"].max()), radius]
            bar.update(1)
        del window_min
    bar.close()

    def combine(stack: np.ndarray) -> np.ndarray:
        out = stack.max(axis=0) if radius_combine == "max" else stack.sum(axis=0)
        return np.where(nodata, np.nan, out)

    units = {"absolute": CWD_UNITS, "per_unit": f"{CWD_UNITS} per m restored", "percent": "%"}
    long = {
        "absolute": "barrier improvement score (LCD reduction)",
        "per_unit": "barrier improvement score per unit distance restored",
        "percent": "barrier improvement score (percent of LCD)",
    }
    common = {
        "radii_m": list(radii),
        "restored_resistance": r0,
        "pair_combine": pair_combine,
        "radius_combine": radius_combine,
    }
    combined = {
        k: template_like(
            costs.resistance,
            combine(by[k]),
            name=f"barrier_{k}",
            attrs={"units": units[k], "long_name": long[k], **{kk: str(vv) for kk, vv in common.items()}},
        )
        for k in SCORES
    }
    pu = by["per_unit"]
    best_idx = pu.argmax(axis=0)
    best_r = np.asarray(radii)[best_idx]
    best_r = np.where((pu.max(axis=0) > 0) & ~nodata, best_r, np.nan)
    best_da = template_like(
        costs.resistance,
        best_r,
        name="best_radius_m",
        attrs={"units": "m", "long_name": "radius with the largest score"},
    )
    ydim, xdim = costs.resistance.dims
    coords = {d: costs.resistance[d] for d in (ydim, xdim) if d in costs.resistance.coords}
    coords["radius_m"] = np.asarray(radii, dtype=float)
    by_radius = xr.Dataset(
        {
            k: xr.DataArray(
                np.where(nodata[None], np.nan, by[k]),
                dims=("radius_m", ydim, xdim),
                coords=coords,
                attrs={"units": units[k], "long_name": long[k]},
            )
            for k in SCORES
        }
    )
    table = pd.DataFrame(
        [(cid, *vals) for cid, vals in cor_best.items()],
        columns=["corridor_id", "max_improvement", "max_per_unit", "max_percent", "best_radius_m"],
    )
    return BarrierResult(
        absolute=combined["absolute"],
        per_unit=combined["per_unit"],
        percent=combined["percent"],
        best_radius_m=best_da,
        by_radius=by_radius,
        corridor_scores=table,
        radii_m=list(radii),
        restored_resistance=r0,
        pair_combine=pair_combine,
        radius_combine=radius_combine,
    )


def barrier_polygons(
    result: BarrierResult,
    corridor_id: xr.DataArray | None = None,
    *,
    score: str = "per_unit",
    rule: str = "quantile",
    q: float = 0.9,
    threshold: float | None = None,
    min_cells: int = 1,
):
    """Barrier polygons: connected cells with a high improvement score inside the corridors.

    Rule (documented, deterministic): take the combined ``score`` raster; keep cells
    inside the corridors (``corridor_id > 0``) with a positive score and
    ``score >= t``, where ``t`` is the ``q`` quantile of the positive scores inside the
    corridors (``rule="quantile"``, default top 10 %) or the given ``threshold``
    (``rule="threshold"``); 8-connected groups of at least ``min_cells`` cells become
    polygons. These are Barrier Mapper's *barrier centres* (window centres with a high
    score).

    Returns
    -------
    geopandas.GeoDataFrame
        ``barrier_id``, ``area_km2``, ``n_cells``, ``max_improvement`` (max of the chosen
        score), ``mean_improvement``, ``corridor_id`` (corridor holding most cells),
        polygon geometry. ``attrs["threshold"]`` holds ``t``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = np.ones((5, 9)); r[:, 4] = 100.0
    >>> res = xr.DataArray(r, dims=("y", "x"),
    ...     coords={"y": np.arange(5)[::-1] * 10 + 5.0, "x": np.arange(9) * 10 + 5.0})
    >>> lab = xr.zeros_like(res, dtype="int32"); lab[:, 0] = 1; lab[:, 8] = 2
    >>> lp = linkage_pathways(res, lab, width=2000.0, progress=False)
    >>> b = barriers(lp, radii=[20.0], progress=False)
    >>> len(barrier_polygons(b, lp.corridor_id, score="absolute", rule="threshold", threshold=500.0))
    1
    """
    check_choice("score", score, SCORES)
    check_choice("rule", rule, RULES)
    values = np.asarray(result.score(score).values, dtype=float)
    within = None if corridor_id is None else np.asarray(corridor_id.values) > 0
    mask, thr = select_cells(values, rule=rule, q=q, threshold=threshold, within=within)
    gdf = polygonize(
        mask,
        values,
        result.absolute,
        corridor_id=None if corridor_id is None else np.asarray(corridor_id.values),
        value_name="improvement",
        min_cells=min_cells,
    )
    gdf = gdf.rename(columns={"region_id": "barrier_id", "improvement": "max_improvement"})
    gdf.attrs.update({"threshold": thr, "rule": rule, "score": score, "q": q})
    return gdf
