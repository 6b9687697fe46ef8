"""Linkage Pathways: core adjacency, candidate links, pruning, least-cost corridors.

The steps follow Linkage Mapper (McRae & Kavanagh 2011):

1. **Adjacency.** Two sources are *cost-adjacent* when their cost allocation zones
   (every cell goes to the source with the smallest CWD) touch (8-neighbour
   contact), *Euclidean-adjacent* when their Euclidean allocation zones touch.
2. **Candidate links** join adjacent sources (``"cost"``, ``"euclidean"``, ``"both"``
   = union of the two, Linkage Mapper's default, or ``"all"`` pairs).
3. **Pruning**, in this order, each dropped link keeping the reason in ``status``:
   ``disconnected`` (infinite LCD), ``max_euclid`` (edge-to-edge distance above
   ``max_euclid_m``), ``max_cwd`` (LCD above ``max_cwd``, e.g. 20,000 in the Jinan
   paper's Table A2), ``through_core`` (the least-cost path enters a third source;
   Linkage Mapper's "drop corridors that intersect core areas"), ``nearest`` (the link
   is not among the ``nearest_neighbours`` closest links of either of its sources,
   by LCD or by Euclidean distance).
4. **Corridors.** For every kept link the normalized least-cost corridor
   ``NLCC = CWD_a + CWD_b - LCD`` is computed; the mosaic is the minimum NLCC over the
   links, truncated at a cost-weighted ``width`` (cells with NLCC > width are NaN).
   The corridor table holds LCD, path length, distances and ratios, with the
   least-cost path as LineString geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .._checks import check_choice, check_int, check_positive
from ..costdistance import CWD_UNITS, CostDistances, cost_distances
from ..grid import template_like

__all__ = [
    "ADJACENCY_METHODS",
    "LinkagePathways",
    "adjacency",
    "candidate_links",
    "corridor_mosaic",
    "corridor_table",
    "linkage_pathways",
    "prune_links",
]

ADJACENCY_METHODS = ("cost", "euclidean", "both", "all")
NN_MEASURES = ("cwd", "euclidean")
_LINK_COLUMNS = ["from_id", "to_id", "cost_adjacent", "euclid_adjacent", "lcd", "euclid_m", "centroid_dist_m"]


def _touching_pairs(alloc: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of different nonzero labels that touch (8-neighbour contact)."""
    pairs: set[tuple[int, int]] = set()
    base = int(alloc.max()) + 1
    views = [
        (alloc[:, :-1], alloc[:, 1:]),
        (alloc[:-1, :], alloc[1:, :]),
        (alloc[:-1, :-1], alloc[1:, 1:]),
        (alloc[:-1, 1:], alloc[1:, :-1]),
    ]
    for a, b in views:
        m = (a != b) & (a > 0) & (b > 0)
        if m.any():
            lo = np.minimum(a[m], b[m])
            hi = np.maximum(a[m], b[m])
            codes = np.unique(lo.astype("int64") * base + hi)
            pairs.update((int(c // base), int(c % base)) for c in codes)
    return pairs


def adjacency(costs: CostDistances, method: str = "both") -> set[tuple[int, int]]:
    """Adjacent source pairs ``(a, b)`` with ``a < b``.

    Parameters
    ----------
    costs
        Cost distances of the sources.
    method
        ``"cost"`` (cost allocation zones touch), ``"euclidean"`` (Euclidean
        allocation zones touch), ``"both"`` (union of the two) or ``"all"`` (every pair).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((3, 7)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(7) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 3] = 2; lab[:, 6] = 3
    >>> sorted(adjacency(cost_distances(r, lab, progress=False), "cost"))
    [(1, 2), (2, 3)]
    """
    check_choice("adjacency", method, ADJACENCY_METHODS)
    ids = [int(s) for s in costs.source_ids]
    if method == "all":
        return {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
    pairs: set[tuple[int, int]] = set()
    if method in ("cost", "both"):
        pairs |= _touching_pairs(costs.cost_allocation_array())
    if method in ("euclidean", "both"):
        pairs |= _touching_pairs(costs.euclidean_allocation_array())
    return pairs


def candidate_links(costs: CostDistances, *, adjacency_method: str = "both") -> pd.DataFrame:
    """Candidate links between adjacent sources with their distances.

    Returns
    -------
    pandas.DataFrame
        One row per link (``from_id < to_id``): ``cost_adjacent``, ``euclid_adjacent``
        (bool), ``lcd`` (cost-weighted m, ``inf`` if not connected), ``euclid_m``
        (edge-to-edge: distance between the centres of the nearest cells) and
        ``centroid_dist_m``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(5) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> candidate_links(cost_distances(r, lab, progress=False))[["from_id", "to_id", "lcd", "euclid_m"]].values.tolist()
    [[1.0, 2.0, 4.0, 4.0]]
    """
    check_choice("adjacency", adjacency_method, ADJACENCY_METHODS)
    cost_pairs = adjacency(costs, "cost") if adjacency_method in ("cost", "both") else set()
    euc_pairs = adjacency(costs, "euclidean") if adjacency_method in ("euclidean", "both") else set()
    if adjacency_method == "all":
        pairs = adjacency(costs, "all")
        cost_pairs, euc_pairs = adjacency(costs, "cost"), adjacency(costs, "euclidean")
    else:
        pairs = cost_pairs | euc_pairs
    cen = costs.centroids()
    rows = []
    for a, b in sorted(pairs):
        d_cen = float(
            np.hypot(
                cen.at[a, "centroid_x"] - cen.at[b, "centroid_x"], cen.at[a, "centroid_y"] - cen.at[b, "centroid_y"]
            )
        )
        rows.append(
            (a, b, (a, b) in cost_pairs, (a, b) in euc_pairs, costs.lcd(a, b), costs.euclidean_distance_m(a, b), d_cen)
        )
    df = pd.DataFrame(rows, columns=_LINK_COLUMNS)
    df = df.astype({"from_id": "int64", "to_id": "int64", "cost_adjacent": bool, "euclid_adjacent": bool})
    df.attrs["lcd_units"] = CWD_UNITS
    return df


def _through_cores(costs: CostDistances, a: int, b: int) -> list[int]:
    lab = costs.labels.values
    path = costs.path_cells(a, b)
    hit = np.unique(lab[path[:, 0], path[:, 1]])
    selected = set(int(s) for s in costs.source_ids)
    return [int(h) for h in hit if h > 0 and int(h) not in (a, b) and int(h) in selected]


def prune_links(
    costs: CostDistances,
    links: pd.DataFrame,
    *,
    max_cwd: float | None = None,
    max_euclid_m: float | None = None,
    nearest_neighbours: int | None = None,
    nn_measure: str = "cwd",
    drop_through_cores: bool = True,
) -> pd.DataFrame:
    """Apply Linkage Mapper's pruning rules; return the links with a ``status`` column.

    ``status`` is ``"kept"`` or the first rule that dropped the link:
    ``"disconnected"``, ``"max_euclid"``, ``"max_cwd"``, ``"through_core"`` (with the
    intersected source ids in ``through_ids``) or ``"nearest"``.

    Parameters
    ----------
    costs
        Cost distances of the sources.
    links
        Candidate links (:func:`candidate_links`).
    max_cwd
        Maximum least-cost distance (cost-weighted m), e.g. 20,000.
    max_euclid_m
        Maximum edge-to-edge Euclidean distance in metres.
    nearest_neighbours
        Keep a link only if it is among the N closest remaining links of at least one
        of its two sources (``nn_measure`` ``"cwd"`` = by LCD or ``"euclidean"``).
    drop_through_cores
        Drop links whose least-cost path passes through another source.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(5) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> cd = cost_distances(r, lab, progress=False)
    >>> prune_links(cd, candidate_links(cd), max_cwd=3.0)["status"].tolist()
    ['max_cwd']
    """
    if max_cwd is not None:
        max_cwd = check_positive("max_cwd", max_cwd)
    if max_euclid_m is not None:
        max_euclid_m = check_positive("max_euclid_m", max_euclid_m)
    if nearest_neighbours is not None:
        nearest_neighbours = check_int("nearest_neighbours", nearest_neighbours, minimum=1)
    check_choice("nn_measure", nn_measure, NN_MEASURES)
    missing = [c for c in ("from_id", "to_id", "lcd", "euclid_m") if c not in links.columns]
    if missing:
        raise ValueError(f"links lacks columns {missing!r}; build it with candidate_links()")
    out = links.copy()
    status = np.array(["kept"] * len(out), dtype=object)
    through = [""] * len(out)
    lcd = out["lcd"].to_numpy(dtype=float)
    euc = out["euclid_m"].to_numpy(dtype=float)
    status[~np.isfinite(lcd)] = "disconnected"
    if max_euclid_m is not None:
        status[(status == "kept") & (euc > max_euclid_m)] = "max_euclid"
    if max_cwd is not None:
        status[(status == "kept") & (lcd > max_cwd)] = "max_cwd"
    if drop_through_cores:
        for k, (a, b) in enumerate(zip(out["from_id"], out["to_id"], strict=True)):
            if status[k] != "kept":
                continue
            hit = _through_cores(costs, int(a), int(b))
            if hit:
                status[k] = "through_core"
                through[k] = ",".join(str(h) for h in hit)
    if nearest_neighbours is not None:
        measure = lcd if nn_measure == "cwd" else euc
        kept_idx = np.flatnonzero(status == "kept")
        keep_nn = np.zeros(len(out), dtype=bool)
        ends = {}
        for k in kept_idx:
            for s in (int(out["from_id"].iloc[k]), int(out["to_id"].iloc[k])):
                ends.setdefault(s, []).append(k)
        for ks in ends.values():
            ks = sorted(ks, key=lambda k: (measure[k], k))
            keep_nn[ks[:nearest_neighbours]] = True
        status[(status == "kept") & ~keep_nn] = "nearest"
    out["status"] = status
    out["through_ids"] = through
    out.attrs.update(links.attrs)
    return out


def corridor_table(costs: CostDistances, links: pd.DataFrame):
    """Corridors of the kept links as a GeoDataFrame (least-cost paths as LineStrings).

    Columns (the data contract read by :mod:`ecnet_lab.network`): ``corridor_id``
    (1..n), ``from_id``, ``to_id``, ``lcd`` (cost-weighted m), ``length_m`` (length of
    the least-cost path, cell centre to cell centre), ``euclid_m`` (edge-to-edge
    Euclidean distance: between the centres of the nearest cells of the two
    sources), ``centroid_dist_m``, ``cwd_to_path_ratio`` (LCD / path length),
    ``cwd_to_euclid_ratio`` (LCD / euclid_m); geometry = least-cost path.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(5) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> cd = cost_distances(r, lab, progress=False)
    >>> corridor_table(cd, prune_links(cd, candidate_links(cd)))[["corridor_id", "lcd", "length_m"]].values.tolist()
    [[1.0, 4.0, 4.0]]
    """
    import geopandas as gpd

    kept = links if "status" not in links.columns else links[links["status"] == "kept"]
    kept = kept.sort_values(["from_id", "to_id"]).reset_index(drop=True)
    geoms, lengths = [], []
    for a, b in zip(kept["from_id"], kept["to_id"], strict=True):
        geoms.append(costs.path_line(int(a), int(b)))
        lengths.append(costs.path_length_m(int(a), int(b)))
    lcd = kept["lcd"].to_numpy(dtype=float)
    length = np.asarray(lengths, dtype=float)
    euc = kept["euclid_m"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        path_ratio = np.where(length > 0, lcd / length, np.nan)
        euc_ratio = np.where(euc > 0, lcd / euc, np.nan)
    data = {
        "corridor_id": np.arange(1, len(kept) + 1, dtype="int64"),
        "from_id": kept["from_id"].to_numpy(dtype="int64"),
        "to_id": kept["to_id"].to_numpy(dtype="int64"),
        "lcd": lcd,
        "length_m": length,
        "euclid_m": euc,
        "centroid_dist_m": kept["centroid_dist_m"].to_numpy(dtype=float)
        if "centroid_dist_m" in kept
        else np.full(len(kept), np.nan),
        "cwd_to_path_ratio": path_ratio,
        "cwd_to_euclid_ratio": euc_ratio,
    }
    try:
        crs = costs.resistance.rio.crs
    except Exception:
        crs = None
    gdf = gpd.GeoDataFrame(data, geometry=geoms, crs=crs)
    gdf.attrs["lcd_units"] = CWD_UNITS
    return gdf


def _check_width(width: float | None) -> float | None:
    if width is None:
        return None
    return check_positive("width", width)


def corridor_mosaic(
    costs: CostDistances, corridors: pd.DataFrame, *, width: float | None = None
) -> tuple[xr.DataArray, xr.DataArray]:
    """Mosaic of the normalized least-cost corridors and the corridor each cell belongs to.

    Parameters
    ----------
    costs
        Cost distances.
    corridors
        Corridor table (:func:`corridor_table`) with ``corridor_id``, ``from_id``, ``to_id``.
    width
        Cost-weighted truncation width (cost-weighted m, > 0): cells whose minimum NLCC
        exceeds it are NaN in the mosaic and 0 in the id raster. ``None`` keeps all
        reachable cells.

    Returns
    -------
    (mosaic, corridor_id)
        ``mosaic`` = minimum NLCC over the corridors (cost-weighted m);
        ``corridor_id`` = id of the corridor with that minimum (int32, 0 = none).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(5) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> cd = cost_distances(r, lab, progress=False)
    >>> mos, ids = corridor_mosaic(cd, corridor_table(cd, candidate_links(cd)), width=0.5)
    >>> int((ids > 0).sum())  # every row is a least-cost path between the two full-height sources
    15
    """
    width = _check_width(width)
    best = np.full(costs.shape, np.inf)
    ids = np.zeros(costs.shape, dtype="int32")
    for cid, a, b in zip(corridors["corridor_id"], corridors["from_id"], corridors["to_id"], strict=True):
        nl = costs.nlcc_array(int(a), int(b))
        better = nl < best
        best = np.where(better, nl, best)
        ids[better] = int(cid)
    nodata = ~np.isfinite(np.asarray(costs.resistance.values, dtype=float))
    inside = np.isfinite(best) & ~nodata
    if width is not None:
        inside &= best <= width
    best = np.where(inside, best, np.nan)
    ids = np.where(inside, ids, 0).astype("int32")
    wtxt = "untruncated" if width is None else f"truncated at {width:g} {CWD_UNITS}"
    mosaic = template_like(
        costs.resistance,
        best,
        name="corridors",
        attrs={
            "units": CWD_UNITS,
            "long_name": f"normalized least-cost corridor mosaic ({wtxt})",
            "width": width or 0.0,
        },
    )
    idr = template_like(
        costs.resistance, ids, name="corridor_id", attrs={"units": "1", "long_name": "corridor with the lowest NLCC"}
    )
    return mosaic, idr


@dataclass
class LinkagePathways:
    """Result of :func:`linkage_pathways`.

    Attributes
    ----------
    costs : CostDistances
        CWD of each source (reused by pinch points, barriers and the width sweep).
    links : pandas.DataFrame
        All candidate links with ``status`` (``"kept"`` or why it was dropped).
    corridors : geopandas.GeoDataFrame
        Kept links as corridors (see :func:`corridor_table`).
    mosaic : xarray.DataArray
        Minimum NLCC over the corridors, truncated at ``width`` (NaN outside).
    corridor_id : xarray.DataArray
        Corridor of each cell (0 = none).
    width : float or None
        Cost-weighted truncation width.
    """

    costs: CostDistances
    links: pd.DataFrame
    corridors: object
    mosaic: xr.DataArray
    corridor_id: xr.DataArray
    width: float | None


def linkage_pathways(
    resistance: xr.DataArray,
    sources: xr.DataArray | object,
    *,
    adjacency_method: str = "both",
    max_cwd: float | None = None,
    max_euclid_m: float | None = None,
    nearest_neighbours: int | None = None,
    nn_measure: str = "cwd",
    drop_through_cores: bool = True,
    width: float | None = None,
    costs: CostDistances | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
) -> LinkagePathways:
    """Run Linkage Pathways: adjacency, candidate links, pruning, corridors and mosaic.

    Parameters
    ----------
    resistance
        Resistance raster (> 0, NaN = nodata).
    sources
        Label raster or GeoDataFrame with ``source_id`` and polygons.
    adjacency_method
        ``"cost"``, ``"euclidean"``, ``"both"`` (default, union) or ``"all"``.
    max_cwd, max_euclid_m, nearest_neighbours, nn_measure, drop_through_cores
        Pruning rules (see :func:`prune_links`).
    width
        Cost-weighted truncation width of the corridor mosaic (> 0), or None.
    costs
        Reuse an existing :class:`~ecnet_lab.costdistance.CostDistances` of these inputs.
    n_jobs
        Threads for the cost-distance searches (default: all cores).
    progress
        Show progress bars.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"), coords={"y": [2.5, 1.5, 0.5], "x": np.arange(5) + 0.5})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> res = linkage_pathways(r, lab, width=1.0, progress=False)
    >>> len(res.corridors), float(res.corridors.lcd.iloc[0])
    (1, 4.0)
    """
    check_choice("adjacency", adjacency_method, ADJACENCY_METHODS)
    width = _check_width(width)
    if costs is None:
        costs = cost_distances(resistance, sources, n_jobs=n_jobs, progress=progress)
    links = candidate_links(costs, adjacency_method=adjacency_method)
    links = prune_links(
        costs,
        links,
        max_cwd=max_cwd,
        max_euclid_m=max_euclid_m,
        nearest_neighbours=nearest_neighbours,
        nn_measure=nn_measure,
        drop_through_cores=drop_through_cores,
    )
    corridors = corridor_table(costs, links)
    mosaic, ids = corridor_mosaic(costs, corridors, width=width)
    return LinkagePathways(costs=costs, links=links, corridors=corridors, mosaic=mosaic, corridor_id=ids, width=width)
