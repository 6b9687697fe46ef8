"""Conefor-compatible landscape connectivity: IIC, PC, ECA and node importance (dIIC, dPC and fractions).

Definitions follow Conefor 2.6 and its papers (Pascual-Hortal & Saura 2006; Saura & Pascual-Hortal
2007; Saura & Rubio 2010). With ``n`` patches of attribute ``a_i`` (area, km²) in a landscape of
area ``A_L`` (km²):

* IIC = Σ_i Σ_j a_i a_j / (1 + nl_ij) / A_L², where two patches are linked when their distance is at
  most the threshold and ``nl_ij`` is the number of links of the shortest topological path
  (``nl_ii = 0``; unconnected pairs contribute 0).
* PC = Σ_i Σ_j a_i a_j p*_ij / A_L², where ``p_ij = exp(-k d_ij)`` with ``k = -ln(p) / d`` from
  "probability ``p`` at distance ``d``" and ``p*_ij`` is the maximum product probability over all
  paths (``p*_ii = 1``); found as shortest paths on ``-ln p_ij``.
* ECA = sqrt(Σ_i Σ_j a_i a_j p*_ij) (km²): the equivalent connected area (EC(IIC) likewise).
* Node importance dI_k = 100 (I - I_remove,k) / I (%), ``A_L`` fixed. It splits exactly into
  dI_intra (the i = j = k term, a_k²), dI_flux (the terms where k is the start or the end of a
  pair, i ≠ j) and dI_connector (the loss in p*_ij, or 1/(1 + nl_ij), among the other pairs when
  k is removed because k was a stepping stone on their best path).

The connector fraction is computed exactly without recomputing all-pairs paths for every removal:
for each source ``i`` only the descendants of ``k`` in the shortest-path tree of ``i`` can change
when ``k`` is removed, so their replacement distances are found by a small Dijkstra seeded from the
rest of the tree (a numba kernel, parallel over sources).
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np
import pandas as pd

from ._checks import check_positive, check_probability

__all__ = [
    "BELOW_THRESHOLD",
    "IMPORTANCE_LABELS",
    "decay_constant",
    "equivalent_connected_area",
    "importance_classes",
    "integral_index_of_connectivity",
    "landscape_indices",
    "link_probabilities",
    "max_product_probabilities",
    "node_importance",
    "probability_of_connectivity",
    "topological_distances",
]

#: Class names from low to high importance (Shenzhen paper: general, important, key sources).
IMPORTANCE_LABELS: tuple[str, str, str] = ("general", "important", "key")
#: Class of patches whose dPC does not exceed the lowest break.
BELOW_THRESHOLD = "below threshold"

_PC, _IIC = 0, 1


# ----------------------------------------------------------------------------------------------
# input handling
# ----------------------------------------------------------------------------------------------
def _as_inputs(areas, distances) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Validate areas (km²) and a square distance matrix (m); return arrays and the id index."""
    if isinstance(areas, pd.Series):
        ids = pd.Index(areas.index)
        a = areas.to_numpy(dtype=float)
    else:
        a = np.asarray(areas, dtype=float).ravel()
        ids = pd.RangeIndex(1, a.size + 1, name="patch_id")
    if a.size == 0:
        raise ValueError("areas is empty: the patch set must contain at least one patch")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError("areas must be finite and >= 0 (km²)")
    if isinstance(distances, pd.DataFrame):
        if isinstance(areas, pd.Series):
            if not (distances.index.equals(ids) and distances.columns.equals(ids)):
                try:
                    distances = distances.loc[ids, ids]
                except KeyError as exc:
                    raise ValueError("distances must be indexed and columned by the ids of areas") from exc
        d = distances.to_numpy(dtype=float)
    else:
        d = np.asarray(distances, dtype=float)
    if d.shape != (a.size, a.size):
        raise ValueError(f"distances has shape {d.shape}; expected ({a.size}, {a.size}) for {a.size} patches")
    if np.any(np.isnan(d)) or np.any(d < 0):
        raise ValueError("distances must be >= 0 metres (np.inf for 'no link'); NaN is not allowed")
    d = np.minimum(d, d.T)  # symmetric by definition; guards against rounding asymmetry
    np.fill_diagonal(d, 0.0)
    return a, d, ids


def _landscape_area(a: np.ndarray, landscape_area_km2: float | None) -> float:
    total = float(a.sum())
    if landscape_area_km2 is None:
        return total
    al = check_positive("landscape_area_km2", landscape_area_km2)
    if al < total * (1 - 1e-9):
        raise ValueError(
            f"landscape_area_km2={al!r} is smaller than the total patch area {total:.6g} km²; "
            "A_L must be the area of the whole study landscape"
        )
    return al


def decay_constant(distance_m: float, probability: float) -> float:
    """Return ``k`` (1/m) of ``p_ij = exp(-k d_ij)`` such that ``p = probability`` at ``distance_m``.

    Parameters
    ----------
    distance_m : float
        Distance (m, > 0) at which the dispersal probability equals ``probability``.
    probability : float
        Probability in the open interval (0, 1).

    Examples
    --------
    >>> round(float(decay_constant(5000, 0.5) * 5000), 6)  # ln 2
    0.693147
    """
    distance_m = check_positive("distance_m", distance_m)
    probability = check_probability("probability", probability)
    return float(-np.log(probability) / distance_m)


def link_probabilities(
    distances, *, distance_m: float, probability: float, max_distance_m: float | None = None
) -> np.ndarray:
    """Direct dispersal probabilities ``p_ij = exp(-k d_ij)`` (1 on the diagonal).

    Parameters
    ----------
    distances : array-like or DataFrame
        Square matrix of distances in metres (``np.inf`` = no link).
    distance_m, probability : float
        The decay: ``p_ij = probability`` when ``d_ij = distance_m``.
    max_distance_m : float, optional
        Pairs farther apart than this get ``p_ij = 0`` (like a Conefor distance file listing only
        close pairs). Default: no limit.

    Examples
    --------
    >>> link_probabilities([[0, 1000], [1000, 0]], distance_m=1000, probability=0.5).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    k = decay_constant(distance_m, probability)
    d = np.asarray(distances.to_numpy() if isinstance(distances, pd.DataFrame) else distances, dtype=float)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {d.shape}")
    if np.any(np.isnan(d)) or np.any(d < 0):
        raise ValueError("distances must be >= 0 metres (np.inf for 'no link'); NaN is not allowed")
    p = np.exp(-k * d)
    if max_distance_m is not None:
        p[d > check_positive("max_distance_m", max_distance_m)] = 0.0
    np.fill_diagonal(p, 1.0)
    return p


# ----------------------------------------------------------------------------------------------
# numba kernels
# ----------------------------------------------------------------------------------------------
@numba.njit(cache=True, nogil=True)
def _value(dist: float, kind: int) -> float:
    if dist == np.inf:
        return 0.0
    if kind == _PC:
        return np.exp(-dist)
    return 1.0 / (1.0 + dist)


@numba.njit(cache=True, nogil=True)
def _dijkstra(w, src, dist, pred, done):
    """Dense O(n²) Dijkstra from ``src`` on weights ``w`` (inf = no edge); fills dist/pred."""
    n = w.shape[0]
    for v in range(n):
        dist[v] = np.inf
        pred[v] = -1
        done[v] = False
    dist[src] = 0.0
    for _ in range(n):
        u = -1
        best = np.inf
        for v in range(n):
            if not done[v] and dist[v] < best:
                best = dist[v]
                u = v
        if u < 0:
            break
        done[u] = True
        for v in range(n):
            if not done[v]:
                nd = best + w[u, v]
                if nd < dist[v]:
                    dist[v] = nd
                    pred[v] = u


@numba.njit(cache=True, parallel=True)
def _all_pairs(w):
    n = w.shape[0]
    dist = np.empty((n, n))
    pred = np.empty((n, n), dtype=np.int64)
    for i in numba.prange(n):
        done = np.empty(n, dtype=np.bool_)
        _dijkstra(w, i, dist[i], pred[i], done)
    return dist, pred


@numba.njit(cache=True, nogil=True)
def _connector_from_source(w, a, kind, i, dist, pred, out):
    """Add, for every k, a_i Σ_j a_j (v(d_ij) - v(d_ij without k)) over descendants j of k to out[k]."""
    n = w.shape[0]
    # children lists of the shortest-path tree rooted at i (CSR layout)
    nchild = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        if v != i and pred[v] >= 0:
            nchild[pred[v] + 1] += 1
    start = np.cumsum(nchild)
    child = np.empty(max(start[n], 1), dtype=np.int64)
    fill = start[:n].copy()
    for v in range(n):
        if v != i and pred[v] >= 0:
            child[fill[pred[v]]] = v
            fill[pred[v]] += 1
    # pre-order traversal: subtree of v is order[tin[v]:tout[v]]
    order = np.empty(n, dtype=np.int64)
    tin = np.full(n, -1, dtype=np.int64)
    tout = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    cursor = np.empty(n, dtype=np.int64)
    top = 0
    stack[0] = i
    cursor[i] = start[i]
    tin[i] = 0
    order[0] = i
    pos = 1
    while top >= 0:
        v = stack[top]
        if cursor[v] < start[v + 1]:
            c = child[cursor[v]]
            cursor[v] += 1
            tin[c] = pos
            order[pos] = c
            pos += 1
            top += 1
            stack[top] = c
            cursor[c] = start[c]
        else:
            tout[v] = pos
            top -= 1
    in_sub = np.zeros(n, dtype=np.bool_)
    newd = np.empty(n)
    done = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        if k == i or tin[k] < 0 or tout[k] - tin[k] <= 1:
            continue  # k is the source, unreachable, or a leaf: no pair's best path runs through it
        lo = tin[k] + 1
        hi = tout[k]
        for t in range(lo, hi):
            in_sub[order[t]] = True
        in_sub[k] = True
        # seed the descendants from every node whose tree path avoids k (w is symmetric: read row j)
        for t in range(lo, hi):
            j = order[t]
            best = np.inf
            wj = w[j]
            for u in range(n):
                if not in_sub[u]:
                    cand = dist[u] + wj[u]
                    if cand < best:
                        best = cand
            newd[j] = best
            done[j] = False
        # Dijkstra restricted to the descendants
        for _ in range(lo, hi):
            u = -1
            best = np.inf
            for t in range(lo, hi):
                j = order[t]
                if not done[j] and newd[j] < best:
                    best = newd[j]
                    u = j
            if u < 0:
                break
            done[u] = True
            for t in range(lo, hi):
                j = order[t]
                if not done[j]:
                    cand = best + w[u, j]
                    if cand < newd[j]:
                        newd[j] = cand
        loss = 0.0
        for t in range(lo, hi):
            j = order[t]
            loss += a[j] * (_value(dist[j], kind) - _value(newd[j], kind))
            in_sub[j] = False
        in_sub[k] = False
        out[k] += a[i] * loss


@numba.njit(cache=True, parallel=True)
def _importance_kernel(w, a, kind, dist, pred):
    n = w.shape[0]
    contrib = np.zeros((n, n))
    for i in numba.prange(n):
        _connector_from_source(w, a, kind, i, dist[i], pred[i], contrib[i])
    connector = np.zeros(n)
    for i in range(n):
        for k in range(n):
            connector[k] += contrib[i, k]
    return connector


# ----------------------------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------------------------
def _pc_weights(d: np.ndarray, distance_m: float, probability: float, max_distance_m: float | None) -> np.ndarray:
    k = decay_constant(distance_m, probability)
    w = k * d
    if max_distance_m is not None:
        w[d > check_positive("max_distance_m", max_distance_m)] = np.inf
    np.fill_diagonal(w, 0.0)
    return w


def _iic_weights(d: np.ndarray, threshold_m: float) -> np.ndarray:
    threshold_m = check_positive("threshold_m", threshold_m)
    w = np.where(d <= threshold_m, 1.0, np.inf)
    np.fill_diagonal(w, 0.0)
    return w


def max_product_probabilities(p) -> np.ndarray:
    """Maximum product probabilities ``p*_ij`` over all paths, from direct probabilities ``p_ij``.

    Computed as shortest paths on ``-ln p_ij`` (Dijkstra); ``p*_ii = 1``.

    Examples
    --------
    >>> p = [[1, 0.5, 0.01], [0.5, 1, 0.5], [0.01, 0.5, 1]]
    >>> float(max_product_probabilities(p)[0, 2])  # via the middle patch: 0.5 * 0.5
    0.25
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise ValueError(f"p must be a square matrix, got shape {p.shape}")
    if np.any(np.isnan(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("p must contain probabilities in [0, 1]")
    with np.errstate(divide="ignore"):
        w = -np.log(p)
    np.fill_diagonal(w, 0.0)
    dist, _ = _all_pairs(np.ascontiguousarray(w))
    return np.exp(-dist)


def topological_distances(distances, *, threshold_m: float) -> np.ndarray:
    """Number of links ``nl_ij`` of the shortest path when patches within ``threshold_m`` are linked.

    Unconnected pairs get ``np.inf``; ``nl_ii = 0``.

    Examples
    --------
    >>> topological_distances([[0, 100, 300], [100, 0, 150], [300, 150, 0]], threshold_m=200)[0].tolist()
    [0.0, 1.0, 2.0]
    """
    d = np.asarray(distances.to_numpy() if isinstance(distances, pd.DataFrame) else distances, dtype=float)
    dist, _ = _all_pairs(np.ascontiguousarray(_iic_weights(d, threshold_m)))
    return dist


def probability_of_connectivity(
    areas,
    distances,
    *,
    distance_m: float,
    probability: float,
    landscape_area_km2: float | None = None,
    max_distance_m: float | None = None,
) -> float:
    """PC = Σ_i Σ_j a_i a_j p*_ij / A_L² (Saura & Pascual-Hortal 2007).

    Parameters
    ----------
    areas : array-like or Series
        Patch attributes, normally areas in km².
    distances : array-like or DataFrame
        Square distance matrix in metres between the patches (``np.inf`` = no link).
    distance_m, probability : float
        Dispersal decay: ``p_ij = probability`` at ``d_ij = distance_m``.
    landscape_area_km2 : float, optional
        A_L; default the total patch area (then PC is the connected fraction of the habitat).
    max_distance_m : float, optional
        Direct links longer than this are dropped.

    Examples
    --------
    >>> round(probability_of_connectivity([1, 1], [[0, 1000], [1000, 0]], distance_m=1000,
    ...                                   probability=0.5, landscape_area_km2=4), 6)
    0.1875
    """
    a, d, _ = _as_inputs(areas, distances)
    al = _landscape_area(a, landscape_area_km2)
    dist, _ = _all_pairs(np.ascontiguousarray(_pc_weights(d, distance_m, probability, max_distance_m)))
    return float(a @ np.exp(-dist) @ a) / al**2


def integral_index_of_connectivity(
    areas, distances, *, threshold_m: float, landscape_area_km2: float | None = None
) -> float:
    """IIC = Σ_i Σ_j a_i a_j / (1 + nl_ij) / A_L² (Pascual-Hortal & Saura 2006).

    Patches are linked when their distance is <= ``threshold_m`` (metres).

    Examples
    --------
    >>> integral_index_of_connectivity([1, 1], [[0, 100], [100, 0]], threshold_m=200, landscape_area_km2=4)
    0.1875
    """
    a, d, _ = _as_inputs(areas, distances)
    al = _landscape_area(a, landscape_area_km2)
    nl = topological_distances(d, threshold_m=threshold_m)
    return float(a @ _values(nl, _IIC) @ a) / al**2


def equivalent_connected_area(
    areas, distances, *, distance_m: float, probability: float, max_distance_m: float | None = None
) -> float:
    """ECA (km²) = sqrt(Σ_i Σ_j a_i a_j p*_ij) (Saura et al. 2011), i.e. A_L sqrt(PC).

    Examples
    --------
    >>> round(equivalent_connected_area([1, 1], [[0, 1000], [1000, 0]], distance_m=1000, probability=0.5), 6)
    1.732051
    """
    a, d, _ = _as_inputs(areas, distances)
    dist, _ = _all_pairs(np.ascontiguousarray(_pc_weights(d, distance_m, probability, max_distance_m)))
    return float(np.sqrt(a @ np.exp(-dist) @ a))


def landscape_indices(
    areas,
    distances,
    *,
    distance_m: float = 5000.0,
    probability: float = 0.5,
    iic_threshold_m: float | None = None,
    landscape_area_km2: float | None = None,
    max_distance_m: float | None = None,
) -> dict[str, float]:
    """Global indices in one call: PC, IIC, ECA_km2, EC_IIC_km2, A_L_km2, n_patches, habitat_km2.

    Examples
    --------
    >>> out = landscape_indices([1, 1], [[0, 1000], [1000, 0]], distance_m=1000, landscape_area_km2=4)
    >>> round(out["PC"], 4), out["IIC"]
    (0.1875, 0.1875)
    """
    a, d, _ = _as_inputs(areas, distances)
    al = _landscape_area(a, landscape_area_km2)
    thr = distance_m if iic_threshold_m is None else iic_threshold_m
    dist, _ = _all_pairs(np.ascontiguousarray(_pc_weights(d, distance_m, probability, max_distance_m)))
    pcnum = float(a @ np.exp(-dist) @ a)
    iicnum = float(a @ _values(topological_distances(d, threshold_m=thr), _IIC) @ a)
    return {
        "PC": pcnum / al**2,
        "IIC": iicnum / al**2,
        "ECA_km2": float(np.sqrt(pcnum)),
        "EC_IIC_km2": float(np.sqrt(iicnum)),
        "A_L_km2": al,
        "n_patches": int(a.size),
        "habitat_km2": float(a.sum()),
    }


def _values(dist: np.ndarray, kind: int) -> np.ndarray:
    """Pair values from path lengths: p* = exp(-dist) for PC, 1/(1 + nl) for IIC (0 if unreachable)."""
    if kind == _PC:
        return np.exp(-dist)
    finite = np.isfinite(dist)
    return np.where(finite, 1.0 / (1.0 + np.where(finite, dist, 0.0)), 0.0)


def _fractions(w: np.ndarray, a: np.ndarray, kind: int) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Return (numerator Σ a_i a_j v_ij, intra, flux, connector) with the raw (un-normalised) terms."""
    w = np.ascontiguousarray(w)
    dist, pred = _all_pairs(w)
    val = _values(dist, kind)
    num = float(a @ val @ a)
    intra = a * a
    off = val.copy()
    np.fill_diagonal(off, 0.0)
    flux = a * (off @ a) + a * (off.T @ a)
    connector = _importance_kernel(w, np.ascontiguousarray(a), kind, dist, pred)
    return num, intra, flux, np.maximum(connector, 0.0)


def importance_classes(
    dpc,
    breaks: Sequence[float] = (0.1, 0.5, 1.0),
    labels: Sequence[str] = IMPORTANCE_LABELS,
    below: str = BELOW_THRESHOLD,
) -> np.ndarray:
    """Classify dPC values (%): ``dPC > breaks[-1]`` is ``labels[-1]`` (key) and so on down.

    With the Shenzhen defaults: key dPC > 1, important 0.5 < dPC <= 1, general 0.1 < dPC <= 0.5,
    otherwise ``below``.

    Examples
    --------
    >>> importance_classes([2.0, 0.7, 0.3, 0.05]).tolist()
    ['key', 'important', 'general', 'below threshold']
    """
    b = np.asarray(breaks, dtype=float)
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or np.any(np.diff(b) <= 0):
        raise ValueError(f"importance_breaks={tuple(breaks)!r} must be finite and strictly increasing")
    if len(labels) != b.size:
        raise ValueError(
            f"importance_breaks={tuple(breaks)!r} has {b.size} values for the {len(labels)} classes "
            f"{tuple(labels)!r}; give one break per class"
        )
    v = np.asarray(dpc, dtype=float)
    if np.any(np.isnan(v)):
        raise ValueError("dpc contains NaN; cannot classify")
    idx = np.searchsorted(b, v, side="left")  # number of breaks strictly below v
    names = np.array([below, *labels], dtype=object)
    return names[idx]


def node_importance(
    areas,
    distances,
    *,
    distance_m: float = 5000.0,
    probability: float = 0.5,
    iic_threshold_m: float | None = None,
    landscape_area_km2: float | None = None,
    max_distance_m: float | None = None,
    importance_breaks: Sequence[float] = (0.1, 0.5, 1.0),
    id_name: str = "patch_id",
) -> pd.DataFrame:
    """Node importance table: dPC (%) with dPCintra/dPCflux/dPCconnector, dIIC with fractions, rank, class.

    Parameters
    ----------
    areas : Series or array-like
        Patch attributes (areas in km²); a Series' index gives the patch ids.
    distances : DataFrame or array-like
        Square matrix of distances (m) between patches, e.g. from
        :func:`ecnet_lab.patches.edge_to_edge_distances`; ``np.inf`` = no link.
    distance_m, probability : float
        PC decay ``p_ij = exp(-k d_ij)`` with ``p_ij = probability`` at ``distance_m``. The
        defaults (5000 m, 0.5) are those of the Wuhan paper.
    iic_threshold_m : float, optional
        Link threshold for IIC (default ``distance_m``).
    landscape_area_km2 : float, optional
        A_L for PC and IIC (default: total patch area). dI values do not depend on A_L.
    max_distance_m : float, optional
        Drop PC links longer than this.
    importance_breaks : sequence of 3 floats
        dPC breaks of the classes general/important/key (Shenzhen: 0.1, 0.5, 1).
    id_name : str
        Name of the id column.

    Returns
    -------
    DataFrame
        One row per patch with ``id_name``, ``area_km2``, ``dPC``, ``dPCintra``, ``dPCflux``,
        ``dPCconnector``, ``dIIC``, ``dIICintra``, ``dIICflux``, ``dIICconnector``, ``rank``
        (1 = largest dPC) and ``importance``. ``attrs`` holds the global indices
        (see :func:`landscape_indices`) and the parameters.

    Examples
    --------
    >>> t = node_importance([1.0, 1.0, 1.0], [[0, 1000, 2000], [1000, 0, 1000], [2000, 1000, 0]],
    ...                     distance_m=1000, probability=0.5)
    >>> t["rank"].tolist(), bool((t.dPC - t.dPCintra - t.dPCflux - t.dPCconnector).abs().max() < 1e-9)
    ([2, 1, 2], True)
    """
    a, d, ids = _as_inputs(areas, distances)
    al = _landscape_area(a, landscape_area_km2)
    thr = distance_m if iic_threshold_m is None else iic_threshold_m
    pc_num, pc_intra, pc_flux, pc_conn = _fractions(_pc_weights(d, distance_m, probability, max_distance_m), a, _PC)
    iic_num, iic_intra, iic_flux, iic_conn = _fractions(_iic_weights(d, thr), a, _IIC)
    if pc_num <= 0:
        raise ValueError("the total patch attribute is 0; node importance is undefined")
    table = pd.DataFrame(
        {
            id_name: np.asarray(ids),
            "area_km2": a,
            "dPCintra": 100 * pc_intra / pc_num,
            "dPCflux": 100 * pc_flux / pc_num,
            "dPCconnector": 100 * pc_conn / pc_num,
            "dIICintra": 100 * iic_intra / iic_num,
            "dIICflux": 100 * iic_flux / iic_num,
            "dIICconnector": 100 * iic_conn / iic_num,
        }
    )
    table.insert(2, "dPC", table["dPCintra"] + table["dPCflux"] + table["dPCconnector"])
    table.insert(6, "dIIC", table["dIICintra"] + table["dIICflux"] + table["dIICconnector"])
    table["rank"] = table["dPC"].rank(ascending=False, method="min").astype(int)
    table["importance"] = importance_classes(table["dPC"].to_numpy(), importance_breaks)
    table.attrs.update(
        {
            "PC": pc_num / al**2,
            "IIC": iic_num / al**2,
            "ECA_km2": float(np.sqrt(pc_num)),
            "EC_IIC_km2": float(np.sqrt(iic_num)),
            "A_L_km2": al,
            "distance_m": float(distance_m),
            "probability": float(probability),
            "iic_threshold_m": float(thr),
            "importance_breaks": tuple(float(b) for b in importance_breaks),
        }
    )
    return table
