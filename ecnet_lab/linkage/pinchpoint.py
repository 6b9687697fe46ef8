"""Pinchpoint Mapper: circuit current inside the corridors, pinch points, corridor classes.

Semantics (Linkage Mapper's Pinchpoint Mapper, McRae 2012):

- **Adjacent-pair mode** (``mode="adjacent"``): for every corridor a-b, the resistance
  raster is clipped to the corridor, i.e. the cells with ``NLCC_ab <= width``
  (cost-weighted truncation, Linkage Mapper's "CWD cutoff distance") or, with
  ``semantics="euclidean"``, the cells within ``width / 2`` metres of the least-cost
  path. The cells of a and b inside the clip are two short-circuited focal regions;
  1 A flows from a to b (Circuitscape pairwise). The corridor maps are mosaicked by
  their **maximum**. The effective resistance is reported in map units
  (Circuitscape's value x cell size, as Linkage Mapper does) with the ratio
  ``lcd / eff_resistance``.
- **Network modes** (``"all_to_one"``, ``"pairwise"``): one circuit over the union of
  the truncated corridors and all source cells, every source a focal region; the
  cumulative current map is returned.
- Optionally resistances are squared before solving (``squared=True``).
- Source cells are set to NaN in the current map (Linkage Mapper sets cores to
  NoData); cells outside the corridors are NaN.

Pinch points (:func:`pinch_polygons`) are the connected groups of the
highest-current corridor cells by a documented rule; corridor importance classes
(:func:`classify_corridors`) split corridors into *general*, *important* and *key* by
quantiles of a current column (the Shenzhen paper's classification).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage
from tqdm.auto import tqdm

from .._checks import check_choice, check_int, check_positive
from ..grid import template_like
from ._raster import RULES, polygonize, select_cells
from .pathways import LinkagePathways

__all__ = [
    "CORRIDOR_CLASSES",
    "MODES",
    "SEMANTICS",
    "PinchpointResult",
    "classify_corridors",
    "corridor_masks",
    "pinch_polygons",
    "pinchpoints",
]

MODES = ("adjacent", "all_to_one", "pairwise")
SEMANTICS = ("cost_weighted", "euclidean")
CORRIDOR_CLASSES = ("general", "important", "key")
SOLVERS = ("auto", "amg", "cholmod", "splu", "direct")


def _circuit():
    try:
        from .. import circuit
    except ImportError as exc:  # pragma: no cover - depends on the parallel module
        raise ImportError("ecnet_lab.circuit is needed for pinch points and centrality") from exc
    return circuit


def corridor_masks(
    pathways: LinkagePathways,
    *,
    width: float,
    semantics: str = "cost_weighted",
) -> dict[int, np.ndarray]:
    """Boolean mask of every corridor at ``width`` (see the module docstring for the two semantics).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"),
    ...     coords={"y": [25.0, 15.0, 5.0], "x": np.arange(5) * 10 + 5.0})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[1, 0] = 1; lab[1, 4] = 2
    >>> int(corridor_masks(linkage_pathways(r, lab, progress=False), width=0.5)[1].sum())
    5
    """
    width = check_positive("width", width)
    check_choice("semantics", semantics, SEMANTICS)
    costs = pathways.costs
    nodata = ~np.isfinite(np.asarray(costs.resistance.values, dtype=float))
    dx, dy = costs.cellsize
    out = {}
    for cid, a, b in zip(
        pathways.corridors["corridor_id"], pathways.corridors["from_id"], pathways.corridors["to_id"], strict=True
    ):
        if semantics == "cost_weighted":
            with np.errstate(invalid="ignore"):
                m = costs.nlcc_array(int(a), int(b)) <= width
        else:
            path = costs.path_cells(int(a), int(b))
            line = np.ones(costs.shape, dtype=bool)
            line[path[:, 0], path[:, 1]] = False
            m = ndimage.distance_transform_edt(line, sampling=(dy, dx)) <= width / 2.0
        out[int(cid)] = m & ~nodata
    return out


@dataclass
class PinchpointResult:
    """Result of :func:`pinchpoints`.

    Attributes
    ----------
    current : xarray.DataArray
        Current map (A): maximum over corridors (adjacent mode) or cumulative
        (network modes); NaN outside corridors and on source cells.
    corridors : geopandas.GeoDataFrame
        The corridor table plus ``max_current`` and ``mean_current`` over the corridor's
        non-source cells (adjacent mode: of its own current map; network modes: of the
        cumulative map) and, in adjacent mode, ``eff_resistance`` (map units) and
        ``cwd_to_eff_resist_ratio``.
    mode, semantics : str
    width : float
    squared : bool
    """

    current: xr.DataArray
    corridors: object
    mode: str
    semantics: str
    width: float
    squared: bool


def _bbox(mask: np.ndarray, pad: int = 1) -> tuple[slice, slice]:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1 = max(rows[0] - pad, 0), min(rows[-1] + pad + 1, mask.shape[0])
    c0, c1 = max(cols[0] - pad, 0), min(cols[-1] + pad + 1, mask.shape[1])
    return slice(r0, r1), slice(c0, c1)


def _resistance_values(pathways: LinkagePathways, squared: bool) -> np.ndarray:
    res = np.asarray(pathways.costs.resistance.values, dtype="float64")
    return res * res if squared else res.copy()


#: "auto" uses SciPy's SuperLU up to this many circuit nodes and AMG above
AUTO_DIRECT_MAX_NODES = 300_000


def _run(circuit, fn, r_da, f_da, solver, **kw):
    """Run a circuit mode; ``solver="auto"``: SuperLU for small problems, else AMG falling back to SuperLU."""
    if solver != "auto":
        return fn(r_da, f_da, solver=solver, **kw)
    n_nodes = int(np.isfinite(np.asarray(r_da.values, dtype=float)).sum())
    if n_nodes <= AUTO_DIRECT_MAX_NODES:
        return fn(r_da, f_da, solver="splu", **kw)
    try:
        return fn(r_da, f_da, solver="amg", **kw)
    except circuit.SolverError as exc:
        warnings.warn(f"AMG failed ({exc}); solving again with SuperLU", RuntimeWarning, stacklevel=3)
        return fn(r_da, f_da, solver="splu", **kw)


def _solve_pair(circuit, template, res, focal, ys, xs, a, b, solver):
    r_da = template.isel({template.dims[0]: ys, template.dims[1]: xs}).copy(data=res[ys, xs])
    f_da = r_da.copy(data=focal[ys, xs].astype("int32"))
    result = _run(
        circuit,
        circuit.pairwise,
        r_da,
        f_da,
        solver,
        cumulative=True,
        set_focal_node_currents_to_zero=True,
        progress=False,
    )
    cur = np.asarray(result.cumulative_current.values, dtype=float)
    eff = float(result.resistances.loc[a, b])
    return cur, eff


def pinchpoints(
    pathways: LinkagePathways,
    *,
    width: float | None = None,
    semantics: str = "cost_weighted",
    mode: str = "adjacent",
    squared: bool = False,
    solver: str = "auto",
    progress: bool = True,
) -> PinchpointResult:
    """Pinchpoint Mapper: circuit current within the truncated corridors.

    Parameters
    ----------
    pathways
        Result of :func:`~ecnet_lab.linkage.linkage_pathways`.
    width
        Corridor width (> 0): cost-weighted cutoff (``semantics="cost_weighted"``,
        Linkage Mapper's CWD cutoff) or full width in metres around the least-cost
        path (``"euclidean"``). Default: the width of ``pathways``.
    semantics
        ``"cost_weighted"`` (default) or ``"euclidean"``.
    mode
        ``"adjacent"`` (each corridor between its two sources), ``"all_to_one"`` or
        ``"pairwise"`` (whole corridor network).
    squared
        Square the resistances before solving.
    solver
        ``"auto"`` (default: SciPy SuperLU up to 300,000 circuit nodes, AMG above, and
        SuperLU again with a warning if AMG fails) or a solver name of
        :mod:`ecnet_lab.circuit` (``"amg"``, ``"cholmod"``, ``"splu"``), used as given.
    progress
        Show a progress bar over corridors.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = xr.DataArray(np.ones((5, 7)), dims=("y", "x"),
    ...     coords={"y": np.arange(5)[::-1] * 10 + 5.0, "x": np.arange(7) * 10 + 5.0})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 6] = 2
    >>> pp = pinchpoints(linkage_pathways(r, lab, progress=False), width=100.0, progress=False)
    >>> bool(np.nanmax(pp.current.values) > 0)
    True
    """
    check_choice("mode", mode, MODES)
    check_choice("semantics", semantics, SEMANTICS)
    check_choice("solver", solver, SOLVERS)
    if width is None:
        width = pathways.width
        if width is None:
            raise ValueError("width is needed (the pathways were not truncated); give width=<cost-weighted cutoff>")
        if semantics != "cost_weighted":
            raise ValueError("with semantics='euclidean' give width in metres explicitly")
    width = check_positive("width", width)
    circuit = _circuit()
    costs = pathways.costs
    template = costs.resistance
    res = _resistance_values(pathways, squared)
    labels = np.asarray(costs.labels.values)
    selected = np.isin(labels, costs.source_ids)
    masks = corridor_masks(pathways, width=width, semantics=semantics)
    table = pathways.corridors.copy()
    current = np.full(costs.shape, np.nan)
    union = np.zeros(costs.shape, dtype=bool)
    for m in masks.values():
        union |= m
    cellsize = costs.cellsize[0]
    stats: dict[int, tuple[float, float]] = {}
    if mode == "adjacent":
        eff = {}
        for cid, a, b in tqdm(
            list(zip(table["corridor_id"], table["from_id"], table["to_id"], strict=True)),
            desc="pinch points",
            disable=not progress,
        ):
            a, b, cid = int(a), int(b), int(cid)
            m = masks[cid]
            focal = np.where(m & ((labels == a) | (labels == b)), labels, 0)
            if not ((focal == a).any() and (focal == b).any()):
                eff[cid] = np.nan
                stats[cid] = (np.nan, np.nan)
                continue
            ys, xs = _bbox(m)
            r_crop = np.where(m, res, np.nan)
            cur, r_eff = _solve_pair(circuit, template, r_crop, focal, ys, xs, a, b, solver)
            cur = np.where(m[ys, xs] & ~selected[ys, xs], cur, np.nan)
            own = cur[np.isfinite(cur)]
            stats[cid] = (float(own.max()), float(own.mean())) if own.size else (np.nan, np.nan)
            sub = current[ys, xs]
            current[ys, xs] = np.fmax(sub, cur)
            eff[cid] = r_eff * cellsize if r_eff >= 0 else np.inf
        table["eff_resistance"] = [eff[int(c)] for c in table["corridor_id"]]
        with np.errstate(divide="ignore", invalid="ignore"):
            table["cwd_to_eff_resist_ratio"] = table["lcd"].to_numpy(float) / table["eff_resistance"].to_numpy(float)
    else:
        region = union | selected
        focal = np.where(region & selected, labels, 0)
        ys, xs = _bbox(region)
        r_da = template.isel({template.dims[0]: ys, template.dims[1]: xs}).copy(
            data=np.where(region, res, np.nan)[ys, xs]
        )
        f_da = r_da.copy(data=focal[ys, xs].astype("int32"))
        if mode == "all_to_one":
            result = _run(circuit, circuit.all_to_one, r_da, f_da, solver, progress=progress)
        else:
            result = _run(
                circuit,
                circuit.pairwise,
                r_da,
                f_da,
                solver,
                focal_regions="pair",
                cumulative=True,
                set_focal_node_currents_to_zero=True,
                progress=progress,
            )
        cur = np.asarray(result.cumulative_current.values, dtype=float)
        current[ys, xs] = np.where(region[ys, xs], cur, np.nan)
        current[~union] = np.nan
    current[selected] = np.nan
    if mode != "adjacent":
        for cid in table["corridor_id"]:
            vals = current[masks[int(cid)]]
            vals = vals[np.isfinite(vals)]
            stats[int(cid)] = (float(vals.max()), float(vals.mean())) if vals.size else (np.nan, np.nan)
    table["max_current"] = [stats[int(c)][0] for c in table["corridor_id"]]
    table["mean_current"] = [stats[int(c)][1] for c in table["corridor_id"]]
    name = {"adjacent": "adjacent-pair", "all_to_one": "all-to-one", "pairwise": "all-pairs"}[mode]
    sq_text = ", squared resistances" if squared else ""
    unit = "cost-weighted m" if semantics == "cost_weighted" else "m"
    da = template_like(
        template,
        current,
        name="current",
        attrs={
            "units": "A",
            "long_name": f"pinch-point current ({name}, width {width:g} {unit}{sq_text})",
            "mode": mode,
            "semantics": semantics,
            "width": width,
        },
    )
    return PinchpointResult(current=da, corridors=table, mode=mode, semantics=semantics, width=width, squared=squared)


def pinch_polygons(
    result: PinchpointResult,
    corridor_id: xr.DataArray | None = None,
    *,
    rule: str = "quantile",
    q: float = 0.9,
    threshold: float | None = None,
    per_corridor: bool = False,
    min_cells: int = 1,
):
    """Pinch points: connected groups of the highest-current corridor cells.

    Rule (documented, deterministic): among the finite, positive current cells
    (corridor cells that are not sources), select ``current >= t`` where ``t`` is the
    ``q`` quantile of those currents (``rule="quantile"``, default the top 10 %;
    computed within each corridor when ``per_corridor``) or a given absolute current
    (``rule="threshold"``). 8-connected groups of at least ``min_cells`` cells become
    polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        ``pinch_id``, ``area_km2``, ``n_cells``, ``max_current``, ``mean_current``,
        ``corridor_id`` (corridor with most of the cells; needs ``corridor_id``),
        polygon geometry; ``attrs["threshold"]``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = xr.DataArray(np.ones((5, 7)), dims=("y", "x"),
    ...     coords={"y": np.arange(5)[::-1] * 10 + 5.0, "x": np.arange(7) * 10 + 5.0})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 6] = 2
    >>> lp = linkage_pathways(r, lab, width=100.0, progress=False)
    >>> len(pinch_polygons(pinchpoints(lp, progress=False), lp.corridor_id, q=0.5)) >= 1
    True
    """
    check_choice("rule", rule, RULES)
    check_int("min_cells", min_cells, minimum=1)
    values = np.asarray(result.current.values, dtype=float)
    ids = None if corridor_id is None else np.asarray(corridor_id.values)
    if per_corridor:
        if ids is None:
            raise ValueError("per_corridor=True needs the corridor_id raster")
        mask = np.zeros(values.shape, dtype=bool)
        thr = {}
        for cid in np.unique(ids[ids > 0]):
            m, t = select_cells(values, rule=rule, q=q, threshold=threshold, within=ids == cid)
            mask |= m
            thr[int(cid)] = t
    else:
        within = None if ids is None else ids > 0
        mask, thr = select_cells(values, rule=rule, q=q, threshold=threshold, within=within)
    gdf = polygonize(mask, values, result.current, corridor_id=ids, value_name="current", min_cells=min_cells)
    gdf = gdf.rename(columns={"region_id": "pinch_id", "current": "max_current"})
    gdf.attrs.update({"threshold": thr, "rule": rule, "q": q, "per_corridor": per_corridor})
    return gdf


def classify_corridors(
    corridors: pd.DataFrame,
    column: str = "current",
    *,
    method: str = "quantile",
    labels: tuple[str, ...] = CORRIDOR_CLASSES,
):
    """Corridor importance classes by a current column (Shenzhen paper: general / important / key).

    ``method="quantile"``: class boundaries at the ``k/len(labels)`` quantiles of the
    column (lowest class first, so with the default labels the top third is "key");
    ``"natural_breaks"``: Fisher-Jenks breaks (mapclassify). Returns a copy with a
    ``corridor_class`` column (NaN values get no class).

    Examples
    --------
    >>> import pandas as pd
    >>> classify_corridors(pd.DataFrame({"current": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}))["corridor_class"].tolist()
    ['general', 'general', 'important', 'important', 'key', 'key']
    """
    check_choice("method", method, ("quantile", "natural_breaks"))
    if column not in corridors.columns:
        raise ValueError(f"corridors has no column {column!r}; columns are {list(corridors.columns)!r}")
    if len(labels) < 2:
        raise ValueError(f"labels={labels!r} must name at least two classes")
    vals = corridors[column].to_numpy(dtype=float)
    ok = np.isfinite(vals)
    out = corridors.copy()
    classes = np.full(len(vals), None, dtype=object)
    k = len(labels)
    if ok.sum() > 0:
        if method == "quantile":
            breaks = np.quantile(vals[ok], [i / k for i in range(1, k)])
            idx = np.searchsorted(breaks, vals[ok], side="left")
        else:
            import mapclassify

            nk = min(k, len(np.unique(vals[ok])))
            fj = mapclassify.FisherJenks(vals[ok], k=nk)
            idx = np.asarray(fj.yb) + (k - nk)
        classes[ok] = [labels[int(i)] for i in np.clip(idx, 0, k - 1)]
    out["corridor_class"] = pd.Categorical(classes, categories=list(labels), ordered=True)
    return out
