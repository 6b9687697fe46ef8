"""Cost-weighted distance, least-cost paths and normalized least-cost corridors.

Cost-weighted distance (CWD) is accumulated over a resistance raster with
scikit-image's ``MCP_Geometric`` semantics: the 8 neighbours of a cell are
reachable, a move between two cells costs ``length * (r1 + r2) / 2`` where
``length`` is the cell size (or ``sqrt(dx**2 + dy**2)`` on a diagonal) in metres,
and every cell of the source costs 0. CWD is therefore in *cost-weighted metres*
(resistance x metres), the unit Linkage Mapper reports. NaN (or infinite)
resistance is nodata and impassable; resistance must otherwise be > 0.

:class:`CostDistances` runs one ``MCP_Geometric`` search per source and keeps the
CWD and traceback rasters, so every link between two sources reuses them: the
least-cost distance ``LCD(a, b) = min(CWD_a over the cells of b)``, the least-cost
path (traced back from that cell), its length, the Euclidean edge-to-edge and
centroid distances, cost and Euclidean allocation, and the normalized least-cost
corridor ``NLCC_ab = CWD_a + CWD_b - LCD(a, b)`` (0 along the least-cost path).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401 - registers the .rio accessor
import xarray as xr
from scipy import ndimage
from scipy.spatial import cKDTree
from skimage.graph import MCP_Geometric
from tqdm.auto import tqdm

from ._checks import check_int
from .grid import assert_same_grid, cell_size, spatial_dims, template_like

__all__ = [
    "CWD_UNITS",
    "CostDistances",
    "cost_distance",
    "cost_distances",
    "normalized_corridor",
    "source_labels",
]

#: Unit of cost-weighted distances (resistance x metres).
CWD_UNITS = "cost-weighted m"

# 8-neighbour offsets (row, col) used by the path-length computation.
_SQRT2 = float(np.sqrt(2.0))


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _check_resistance(resistance: xr.DataArray, name: str = "resistance") -> np.ndarray:
    """Validate a resistance raster; return the MCP cost array (float64, nodata -> inf)."""
    if not isinstance(resistance, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(resistance).__name__}")
    if resistance.ndim != 2:
        raise ValueError(f"{name} must be 2-D (y, x), got dims {resistance.dims!r}")
    spatial_dims(resistance)
    values = np.asarray(resistance.values, dtype="float64")
    finite = np.isfinite(values)
    if not finite.any():
        raise ValueError(f"{name} has no valid (finite) cell; NaN is nodata")
    if (values[finite] <= 0).any():
        bad = float(values[finite][values[finite] <= 0].min())
        raise ValueError(f"{name} must be > 0 where it is not nodata (NaN); found {bad!r}")
    costs = values.copy()
    costs[~finite] = np.inf
    return costs


def source_labels(
    sources: xr.DataArray | object,
    resistance: xr.DataArray,
    *,
    id_column: str = "source_id",
) -> xr.DataArray:
    """Return the sources as an int32 label raster on the resistance grid (0 = no source).

    Parameters
    ----------
    sources
        A label DataArray on the grid of ``resistance`` (integer ids > 0, 0 or NaN =
        none) or a GeoDataFrame with an ``id_column`` and polygon geometries, burned
        with the cell-centre rule.
    resistance
        The resistance raster (NaN = nodata).
    id_column
        Column of the source ids when ``sources`` is a GeoDataFrame.

    Raises
    ------
    ValueError
        If the sources are not on the resistance grid, a source has no cell on it,
        ids are not positive integers, or a source cell lies on nodata.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((3, 4)), dims=("y", "x"),
    ...     coords={"y": [75.0, 45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[0, 0] = 1; lab[2, 3] = 2
    >>> np.unique(source_labels(lab, r).values).tolist()
    [0, 1, 2]
    """
    import geopandas as gpd

    _check_resistance(resistance)
    if isinstance(sources, gpd.GeoDataFrame):
        from .grid import rasterize

        if id_column not in sources.columns:
            raise ValueError(f"sources has no column {id_column!r}; columns are {list(sources.columns)!r}")
        ids = np.asarray(sources[id_column])
        if len(ids) == 0:
            raise ValueError("sources is empty; at least one source is needed")
        if not np.issubdtype(ids.dtype, np.integer) or (ids <= 0).any():
            raise ValueError(f"sources[{id_column!r}] must hold integer ids > 0, got {ids[:5].tolist()!r}")
        if len(np.unique(ids)) != len(ids):
            raise ValueError(f"sources[{id_column!r}] has duplicate ids")
        labels = rasterize(sources, resistance, values=id_column, all_touched=False, dtype="int32", name="sources")
        labels = labels.values
        missing = sorted(set(ids.tolist()) - set(np.unique(labels).tolist()))
        if missing:
            raise ValueError(
                f"sources {missing!r} have no cell on the resistance grid (outside its extent or smaller "
                "than a cell); sources must lie on the resistance grid"
            )
    elif isinstance(sources, xr.DataArray):
        try:
            assert_same_grid(resistance, ("sources", sources), reference_name="resistance")
        except ValueError as exc:
            raise ValueError(f"sources are not on the resistance grid: {exc}") from exc
        raw = np.asarray(sources.values, dtype="float64")
        raw = np.where(np.isnan(raw), 0.0, raw)
        if (raw < 0).any() or not np.allclose(raw, np.round(raw)):
            raise ValueError("sources must hold integer ids > 0 (0 or NaN = no source)")
        labels = raw.astype("int32")
    else:
        raise TypeError(f"sources must be a label DataArray or a GeoDataFrame, got {type(sources).__name__}")
    if not (labels > 0).any():
        raise ValueError("sources has no source cell (all 0)")
    nodata = ~np.isfinite(np.asarray(resistance.values, dtype="float64"))
    on_nodata = np.unique(labels[(labels > 0) & nodata])
    if on_nodata.size:
        raise ValueError(
            f"sources {on_nodata.tolist()!r} have cells on resistance nodata (NaN); "
            "remove those cells from the sources or give them a resistance"
        )
    return template_like(resistance, labels, name="sources", attrs={"long_name": "source id", "units": "1"})


def _check_jobs(n_jobs: int | None, n_tasks: int) -> int:
    import os

    if n_jobs is None:
        n_jobs = os.cpu_count() or 1
    else:
        n_jobs = check_int("n_jobs", n_jobs, minimum=1)
    return max(1, min(n_jobs, n_tasks))


def _mcp_sampling(resistance: xr.DataArray) -> tuple[float, float]:
    dx, dy = cell_size(resistance)
    return float(dy), float(dx)


def cost_distance(resistance: xr.DataArray, sources: xr.DataArray | object, *, name: str = "cwd") -> xr.DataArray:
    """Cost-weighted distance from all source cells (``MCP_Geometric`` semantics).

    Parameters
    ----------
    resistance
        Resistance raster (> 0, NaN = nodata, impassable).
    sources
        Label raster or GeoDataFrame (see :func:`source_labels`); all sources together
        are the start set.
    name
        Name of the output.

    Returns
    -------
    xarray.DataArray
        CWD in cost-weighted metres; ``inf`` where unreachable, NaN on nodata.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((2, 4)), dims=("y", "x"), coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0]})
    >>> src = xr.zeros_like(r, dtype="int32"); src[:, 0] = 1
    >>> cost_distance(r, src).values[0].tolist()
    [0.0, 30.0, 60.0, 90.0]
    """
    costs = _check_resistance(resistance)
    labels = source_labels(sources, resistance).values
    mcp = MCP_Geometric(costs, sampling=_mcp_sampling(resistance))
    cwd, _ = mcp.find_costs(np.argwhere(labels > 0))
    cwd = np.asarray(cwd, dtype="float64")
    cwd[~np.isfinite(costs)] = np.nan
    attrs = {"units": CWD_UNITS, "long_name": "cost-weighted distance from the sources"}
    return template_like(resistance, cwd, name=name, attrs=attrs)


def normalized_corridor(cwd_a: xr.DataArray, cwd_b: xr.DataArray, lcd: float, *, name: str = "nlcc") -> xr.DataArray:
    """Normalized least-cost corridor ``NLCC = CWD_a + CWD_b - LCD`` (0 on the least-cost path).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = xr.DataArray(np.array([[0.0, 1.0, 2.0]]), dims=("y", "x"))
    >>> normalized_corridor(a, a[:, ::-1].copy(data=a.values[:, ::-1]), 2.0).values.tolist()
    [[0.0, 0.0, 0.0]]
    """
    out = cwd_a + cwd_b - float(lcd)
    out.name = name
    out.attrs = {"units": CWD_UNITS, "long_name": "normalized least-cost corridor (CWD_a + CWD_b - LCD)"}
    return out


# ---------------------------------------------------------------------------------------------
# one CWD per source, reused by every link
# ---------------------------------------------------------------------------------------------
class CostDistances:
    """Cost-weighted distance from each source, computed once and reused by every link.

    Parameters
    ----------
    resistance
        Resistance raster (> 0, NaN = nodata).
    sources
        Label raster or GeoDataFrame with ``source_id`` (see :func:`source_labels`).
    source_ids
        Optional subset of the source ids to process (default: all).
    n_jobs
        Number of threads running the searches (default: all CPU cores; results do not
        depend on it).
    progress
        Show a progress bar over the sources.

    Attributes
    ----------
    resistance, labels : xarray.DataArray
        The inputs (labels as an int32 raster).
    source_ids : numpy.ndarray
        Source ids in increasing order.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((3, 5)), dims=("y", "x"),
    ...                  coords={"y": [75.0, 45.0, 15.0], "x": [15.0, 45.0, 75.0, 105.0, 135.0]})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> cd = CostDistances(r, lab, progress=False)
    >>> cd.lcd(1, 2), cd.path_length_m(1, 2)
    (120.0, 120.0)
    """

    def __init__(
        self,
        resistance: xr.DataArray,
        sources: xr.DataArray | object,
        *,
        source_ids: Iterable[int] | None = None,
        n_jobs: int | None = None,
        progress: bool = True,
    ) -> None:
        self._costs = _check_resistance(resistance)
        self.resistance = resistance
        self.labels = source_labels(sources, resistance)
        lab = self.labels.values
        present = np.unique(lab[lab > 0])
        if source_ids is None:
            ids = present
        else:
            ids = np.unique(np.asarray(list(source_ids), dtype="int64"))
            missing = sorted(set(ids.tolist()) - set(present.tolist()))
            if missing:
                raise ValueError(f"source_ids {missing!r} are not in the sources; present ids are {present.tolist()!r}")
        self.source_ids = ids.astype("int64")
        self._index = {int(s): i for i, s in enumerate(self.source_ids)}
        self._sampling = _mcp_sampling(resistance)
        ydim, xdim = spatial_dims(resistance)
        self._ydim, self._xdim = ydim, xdim
        self._xc = np.asarray(resistance[xdim].values, dtype="float64") if xdim in resistance.coords else None
        self._yc = np.asarray(resistance[ydim].values, dtype="float64") if ydim in resistance.coords else None
        # cell index lists of each source (flat indices)
        flat = lab.ravel()
        order = np.argsort(flat, kind="stable")
        sorted_ids = flat[order]
        self._cells: dict[int, np.ndarray] = {}
        for sid in self.source_ids:
            lo, hi = np.searchsorted(sorted_ids, [sid, sid + 1])
            self._cells[int(sid)] = order[lo:hi]
        self._offsets = None
        n_jobs = _check_jobs(n_jobs, len(self.source_ids))
        runs = [int(sid) for sid in self.source_ids]
        if n_jobs == 1:
            results = [self._search(sid) for sid in tqdm(runs, desc="cost distance", disable=not progress)]
        else:
            from concurrent.futures import ThreadPoolExecutor

            # MCP_Geometric releases the GIL: threads run the searches in parallel
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                results = list(
                    tqdm(pool.map(self._search, runs), total=len(runs), desc="cost distance", disable=not progress)
                )
        self._cwd: list[np.ndarray] = [r[0] for r in results]
        self._tb: list[np.ndarray] = [r[1] for r in results]
        self._offsets = results[0][2]
        self._bxy: dict[int, np.ndarray] | None = None
        self._lcd_cache: dict[tuple[int, int], tuple[float, int]] = {}
        self._path_cache: dict[tuple[int, int], np.ndarray] = {}

    def _search(self, sid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One MCP_Geometric search from source ``sid``; returns (cwd, traceback, offsets).

        Only the boundary cells of the source (cells with a non-source 8-neighbour) are
        passed as starts: every path leaving the source crosses one of them, so the CWD
        outside the source is identical to starting from all its cells, and the source's
        own cells are then set to 0 (as starts they would be).
        """
        shape = self._costs.shape
        cells = self._cells[sid]
        rr, cc = np.unravel_index(cells, shape)
        r0, r1 = max(rr.min() - 1, 0), min(rr.max() + 2, shape[0])
        c0, c1 = max(cc.min() - 1, 0), min(cc.max() + 2, shape[1])
        win = self.labels.values[r0:r1, c0:c1] == sid
        inner = ndimage.binary_erosion(win, structure=np.ones((3, 3), bool), border_value=1)
        # border_value=1: the raster edge does not make a cell a boundary cell (nothing lies beyond)
        br, bc = np.nonzero(win & ~inner)
        starts = np.column_stack([br + r0, bc + c0])
        mcp = MCP_Geometric(self._costs, sampling=self._sampling)
        cwd, tb = mcp.find_costs(starts)
        cwd = np.array(cwd, dtype="float64", order="C")
        tb = np.array(tb, dtype="int16", order="C")
        cwd[rr, cc] = 0.0
        tb[rr, cc] = -1
        return cwd, tb, np.asarray(mcp.offsets, dtype="int64")

    # -- basic accessors -----------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        """Raster shape (rows, cols)."""
        return self._costs.shape

    @property
    def cellsize(self) -> tuple[float, float]:
        """Cell size ``(dx, dy)`` in metres."""
        return self._sampling[1], self._sampling[0]

    def _i(self, sid: int) -> int:
        try:
            return self._index[int(sid)]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"source id {sid!r} is not one of {self.source_ids.tolist()!r}") from None

    def cells(self, sid: int) -> np.ndarray:
        """Flat cell indices of source ``sid``."""
        self._i(sid)
        return self._cells[int(sid)]

    def cwd_array(self, sid: int) -> np.ndarray:
        """CWD from source ``sid`` as a read-only numpy array (``inf`` unreachable or nodata)."""
        arr = self._cwd[self._i(sid)]
        view = arr.view()
        view.flags.writeable = False
        return view

    def cwd(self, sid: int) -> xr.DataArray:
        """CWD from source ``sid`` as a DataArray (cost-weighted metres, NaN on nodata)."""
        arr = self._cwd[self._i(sid)].copy()
        arr[~np.isfinite(self._costs)] = np.nan
        attrs = {
            "units": CWD_UNITS,
            "long_name": f"cost-weighted distance from source {int(sid)}",
            "source_id": int(sid),
        }
        return template_like(self.resistance, arr, name=f"cwd_{int(sid)}", attrs=attrs)

    # -- links ----------------------------------------------------------------------------
    def _lcd_end(self, a: int, b: int) -> tuple[float, int]:
        a, b = int(a), int(b)
        if a == b:
            raise ValueError(f"a link needs two different sources, got {a} twice")
        key = (a, b)
        if key not in self._lcd_cache:
            cwd_a = self._cwd[self._i(a)].ravel()
            cells_b = self._cells[b] if b in self._cells else self.cells(b)
            vals = cwd_a[cells_b]
            k = int(np.argmin(vals))
            self._lcd_cache[key] = (float(vals[k]), int(cells_b[k]))
        return self._lcd_cache[key]

    def lcd(self, a: int, b: int) -> float:
        """Least-cost distance between sources ``a`` and ``b`` (``inf`` if not connected).

        Computed from the CWD of the smaller id so that ``lcd(a, b) == lcd(b, a)``.
        """
        lo, hi = sorted((int(a), int(b)))
        return self._lcd_end(lo, hi)[0]

    def path_cells(self, a: int, b: int) -> np.ndarray:
        """Least-cost path from ``a`` to ``b`` as an ``(n, 2)`` array of (row, col) cells.

        The path is traced back from the cell of ``b`` with the smallest CWD from ``a``
        through the ``MCP_Geometric`` traceback of ``a`` (identical to
        ``MCP_Geometric.traceback``); it starts in ``a`` and ends in ``b``.
        """
        a, b = int(a), int(b)
        lo, hi = sorted((a, b))
        key = (lo, hi)
        if key not in self._path_cache:
            lcd, end = self._lcd_end(lo, hi)
            if not np.isfinite(lcd):
                raise ValueError(f"sources {lo} and {hi} are not connected (LCD is infinite); no path")
            tb = self._tb[self._i(lo)]
            offsets = self._offsets
            rows, cols = tb.shape
            r, c = divmod(end, cols)
            path = [(r, c)]
            limit = rows * cols
            while tb[r, c] >= 0:
                dr, dc = offsets[tb[r, c]]
                r, c = r - dr, c - dc
                path.append((r, c))
                if len(path) > limit:  # pragma: no cover - defensive
                    raise RuntimeError("traceback did not terminate")
            self._path_cache[key] = np.asarray(path[::-1], dtype="int64")
        path = self._path_cache[key]
        return path if a == lo else path[::-1]

    def path_length_m(self, a: int, b: int) -> float:
        """Length in metres of the least-cost path (cell centre to cell centre)."""
        path = self.path_cells(a, b)
        if len(path) < 2:
            return 0.0
        step = np.diff(path, axis=0).astype("float64")
        dy, dx = self._sampling
        return float(np.hypot(step[:, 0] * dy, step[:, 1] * dx).sum())

    def _xy(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._xc is not None and self._yc is not None:
            return self._xc[cols], self._yc[rows]
        transform = self.resistance.rio.transform()
        xs = transform.c + (cols + 0.5) * transform.a
        ys = transform.f + (rows + 0.5) * transform.e
        return xs, ys

    def path_line(self, a: int, b: int):
        """Least-cost path as a shapely ``LineString`` through the cell centres (map coordinates)."""
        from shapely.geometry import LineString, Point

        path = self.path_cells(a, b)
        xs, ys = self._xy(path[:, 0], path[:, 1])
        if len(path) == 1:
            return LineString([Point(xs[0], ys[0]), Point(xs[0], ys[0])])
        return LineString(np.column_stack([xs, ys]))

    def nlcc(self, a: int, b: int) -> xr.DataArray:
        """Normalized least-cost corridor ``CWD_a + CWD_b - LCD`` of the link a-b (NaN on nodata)."""
        arr = self.nlcc_array(a, b).copy()
        arr[~np.isfinite(self._costs)] = np.nan
        attrs = {
            "units": CWD_UNITS,
            "long_name": f"normalized least-cost corridor {int(a)}-{int(b)}",
            "lcd": self.lcd(a, b),
        }
        return template_like(self.resistance, arr, name=f"nlcc_{int(a)}_{int(b)}", attrs=attrs)

    def nlcc_array(self, a: int, b: int) -> np.ndarray:
        """NLCC of the link a-b as a numpy array (``inf`` where unreachable or nodata)."""
        lcd = self.lcd(a, b)
        with np.errstate(invalid="ignore"):
            return self._cwd[self._i(a)] + self._cwd[self._i(b)] - lcd

    # -- matrices -----------------------------------------------------------------------------
    def lcd_matrix(self) -> pd.DataFrame:
        """Least-cost distance between every pair of sources (cost-weighted m; 0 on the diagonal)."""
        n = len(self.source_ids)
        mat = np.zeros((n, n))
        for i, a in enumerate(self.source_ids):
            for j in range(i + 1, n):
                mat[i, j] = mat[j, i] = self.lcd(a, self.source_ids[j])
        idx = pd.Index(self.source_ids, name="source_id")
        return pd.DataFrame(mat, index=idx, columns=idx.rename("to_id"))

    def _boundary_xy(self) -> dict[int, np.ndarray]:
        if self._bxy is None:
            lab = self.labels.values
            out = {}
            for sid in self.source_ids:
                rr, cc = np.unravel_index(self._cells[int(sid)], lab.shape)
                r0, r1, c0, c1 = rr.min(), rr.max() + 1, cc.min(), cc.max() + 1
                win = np.pad(lab[r0:r1, c0:c1] == sid, 1)
                edge = win & ~ndimage.binary_erosion(win, structure=np.ones((3, 3), bool))
                er, ec = np.nonzero(edge[1:-1, 1:-1])
                xs, ys = self._xy(er + r0, ec + c0)
                out[int(sid)] = np.column_stack([xs, ys])
            self._bxy = out
        return self._bxy

    def euclidean_distance_m(self, a: int, b: int) -> float:
        """Edge-to-edge Euclidean distance in metres: between the centres of the nearest cells of a and b."""
        bxy = self._boundary_xy()
        self._i(a), self._i(b)
        pa, pb = bxy[int(a)], bxy[int(b)]
        if len(pa) < len(pb):
            pa, pb = pb, pa
        d, _ = cKDTree(pa).query(pb, k=1)
        return float(np.min(d))

    def euclidean_matrix(self) -> pd.DataFrame:
        """Edge-to-edge Euclidean distance (m) between every pair of sources."""
        bxy = self._boundary_xy()
        n = len(self.source_ids)
        trees = {int(s): cKDTree(bxy[int(s)]) for s in self.source_ids}
        mat = np.zeros((n, n))
        for i, a in enumerate(self.source_ids):
            for j in range(i + 1, n):
                b = int(self.source_ids[j])
                d, _ = trees[int(a)].query(bxy[b], k=1)
                mat[i, j] = mat[j, i] = float(np.min(d))
        idx = pd.Index(self.source_ids, name="source_id")
        return pd.DataFrame(mat, index=idx, columns=idx.rename("to_id"))

    def centroids(self) -> pd.DataFrame:
        """Centroid (mean cell centre) and area of each source: ``centroid_x``, ``centroid_y``, ``area_km2``."""
        rows = []
        dx, dy = self.cellsize
        for sid in self.source_ids:
            rr, cc = np.unravel_index(self._cells[int(sid)], self.shape)
            xs, ys = self._xy(rr, cc)
            rows.append((int(sid), float(xs.mean()), float(ys.mean()), len(rr) * dx * dy / 1e6))
        return pd.DataFrame(rows, columns=["source_id", "centroid_x", "centroid_y", "area_km2"]).set_index("source_id")

    def centroid_matrix(self) -> pd.DataFrame:
        """Euclidean distance (m) between the source centroids."""
        cen = self.centroids()
        xy = cen[["centroid_x", "centroid_y"]].to_numpy()
        mat = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        idx = pd.Index(self.source_ids, name="source_id")
        return pd.DataFrame(mat, index=idx, columns=idx.rename("to_id"))

    # -- allocation ----------------------------------------------------------------------------
    def cost_allocation_array(self) -> np.ndarray:
        """Id of the source with the smallest CWD at every cell (0 where unreachable or nodata)."""
        best = np.full(self.shape, np.inf)
        alloc = np.zeros(self.shape, dtype="int64")
        for sid, cwd in zip(self.source_ids, self._cwd, strict=True):
            better = cwd < best
            best = np.where(better, cwd, best)
            alloc[better] = sid
        alloc[~np.isfinite(self._costs)] = 0
        return alloc

    def cost_allocation(self) -> xr.DataArray:
        """Cost allocation: at every cell the source with the smallest CWD (0 = none)."""
        return template_like(
            self.resistance,
            self.cost_allocation_array().astype("int32"),
            name="cost_allocation",
            attrs={"units": "1", "long_name": "source with the smallest cost-weighted distance"},
        )

    def euclidean_allocation_array(self) -> np.ndarray:
        """Id of the Euclidean-nearest source at every cell (nodata cells included)."""
        lab = self.labels.values
        selected = np.isin(lab, self.source_ids)
        dx, dy = self.cellsize
        _, (ri, ci) = ndimage.distance_transform_edt(~selected, sampling=(dy, dx), return_indices=True)
        return np.where(selected[ri, ci], lab[ri, ci], 0).astype("int64")

    def euclidean_allocation(self) -> xr.DataArray:
        """Euclidean allocation: at every cell the nearest source (0 = none)."""
        return template_like(
            self.resistance,
            self.euclidean_allocation_array().astype("int32"),
            name="euclidean_allocation",
            attrs={"units": "1", "long_name": "Euclidean-nearest source"},
        )


def cost_distances(
    resistance: xr.DataArray,
    sources: xr.DataArray | object,
    *,
    source_ids: Iterable[int] | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
) -> CostDistances:
    """Compute the CWD from each source once (one ``MCP_Geometric`` run per source).

    See :class:`CostDistances` for what the result offers.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> r = xr.DataArray(np.ones((2, 3)), dims=("y", "x"), coords={"y": [45.0, 15.0], "x": [15.0, 45.0, 75.0]})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[0, 0] = 1; lab[0, 2] = 2
    >>> cost_distances(r, lab, progress=False).lcd(1, 2)
    60.0
    """
    return CostDistances(resistance, sources, source_ids=source_ids, n_jobs=n_jobs, progress=progress)
