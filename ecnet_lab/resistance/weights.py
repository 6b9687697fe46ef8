"""Factor weights: given directly, AHP (eigenvector + consistency ratio), entropy, combined AHP–entropy.

* AHP (Saaty): the weights are the principal right eigenvector of a positive reciprocal
  pairwise-comparison matrix, normalised to sum 1; ``CI = (lambda_max - n) / (n - 1)``,
  ``CR = CI / RI(n)`` with Saaty's random index. ``CR >= 0.1`` is an error unless
  ``allow_inconsistent=True``.
* Entropy weight method: min–max standardise each factor (column), ``p_ij = x_ij / sum_i x_ij``,
  ``e_j = -1/ln(m) * sum_i p_ij ln p_ij`` (``0 ln 0 = 0``), ``d_j = 1 - e_j``, ``w_j = d_j / sum d``.
* Combined weight of the Shenzhen paper (Li et al. 2025, Sustainability 17:9779, section 2.3.2):
  ``W_ij = (W_i W_j)^0.5 / sum (W_i W_j)^0.5`` (geometric mean of the AHP weight ``W_i`` and the
  entropy weight ``W_j``, renormalised). A product and a linear mix are offered as alternatives.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import check_choice

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "ahp_weights",
    "check_weights",
    "combined_weights",
    "entropy_weights",
    "random_index",
]

#: Saaty's average random consistency index RI for matrix orders n = 1..15.
RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)

#: Saaty's consistency threshold: a pairwise matrix with CR >= 0.1 is inconsistent.
CR_THRESHOLD = 0.1


def _names(names: Sequence[str] | None, n: int, prefix: str) -> list[str]:
    if names is None:
        return [f"{prefix}{i + 1}" for i in range(n)]
    names = [str(x) for x in names]
    if len(names) != n:
        raise ValueError(f"names has {len(names)} entries for {n} factors")
    if len(set(names)) != n:
        raise ValueError(f"names must be unique, got {names!r}")
    return names


def random_index(n: int) -> float:
    """Saaty's random consistency index RI for a pairwise matrix of order ``n`` (1..15).

    Examples
    --------
    >>> random_index(3)
    0.58
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= len(RANDOM_INDEX):
        raise ValueError(f"n={n!r} is not allowed; Saaty's random index is tabulated for n = 1..{len(RANDOM_INDEX)}")
    return RANDOM_INDEX[int(n) - 1]


@dataclass(frozen=True)
class AHPResult:
    """Outcome of :func:`ahp_weights`.

    Attributes
    ----------
    weights : pandas.Series
        Normalised principal eigenvector (sums to 1), indexed by factor name.
    lambda_max : float
        Principal eigenvalue of the pairwise matrix.
    ci, ri, cr : float
        Consistency index ``(lambda_max - n) / (n - 1)``, Saaty's random index and their ratio.
    consistent : bool
        ``cr < 0.1``.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool

    def to_dict(self) -> dict:
        """JSON-compatible summary (weights as a name -> weight mapping)."""
        return {
            "weights": {k: float(v) for k, v in self.weights.items()},
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "ri": self.ri,
            "cr": self.cr,
            "consistent": self.consistent,
        }


def ahp_weights(
    matrix,
    *,
    names: Sequence[str] | None = None,
    allow_inconsistent: bool = False,
    rtol: float = 1e-3,
) -> AHPResult:
    """AHP weights from a positive reciprocal pairwise-comparison matrix (principal eigenvector).

    Parameters
    ----------
    matrix : array-like (n, n)
        ``matrix[i][j]`` = importance of factor i relative to factor j (Saaty 1–9 scale);
        must be positive with ``matrix[j][i] = 1 / matrix[i][j]`` (relative tolerance ``rtol``,
        so entries printed to three decimals such as 0.333 are accepted) and ones on the diagonal.
    names : sequence of str, optional
        Factor names for the returned weights (default ``c1..cn``).
    allow_inconsistent : bool
        If False (default), a consistency ratio ``CR >= 0.1`` raises ``ValueError``; if True a
        warning is issued and the weights are returned with ``consistent=False``.
    rtol : float
        Relative tolerance of the reciprocity check.

    Returns
    -------
    AHPResult

    Examples
    --------
    >>> r = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]], names=["a", "b", "c"])
    >>> [round(w, 4) for w in r.weights]
    [0.5714, 0.2857, 0.1429]
    >>> round(r.cr, 6)
    0.0
    """
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"the AHP pairwise matrix must be square (n x n), got shape {a.shape}")
    n = a.shape[0]
    names = _names(names, n, "c")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("the AHP pairwise matrix must contain finite positive numbers only")
    if not np.allclose(np.diag(a), 1.0, rtol=rtol, atol=0):
        raise ValueError(f"the AHP pairwise matrix must have ones on the diagonal, got {np.diag(a).tolist()}")
    recip = a * a.T
    if not np.allclose(recip, 1.0, rtol=rtol, atol=0):
        i, j = np.unravel_index(np.argmax(np.abs(recip - 1.0)), a.shape)
        raise ValueError(
            f"the AHP pairwise matrix is not reciprocal: a[{i}][{j}]={a[i, j]!r} but a[{j}][{i}]={a[j, i]!r} "
            f"(expected {1 / a[i, j]!r}); for factors {names[i]!r} and {names[j]!r}"
        )
    ri = random_index(n)
    eigvals, eigvecs = np.linalg.eig(a)
    k = int(np.argmax(eigvals.real))
    lambda_max = float(eigvals[k].real)
    vec = np.abs(eigvecs[:, k].real)
    weights = vec / vec.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0) if abs(ci) < 1e-12 else ci
    cr = ci / ri if ri > 0 else 0.0
    consistent = cr < CR_THRESHOLD
    if not consistent:
        msg = (
            f"the AHP pairwise matrix is inconsistent: CR = {cr:.4f} >= {CR_THRESHOLD} "
            f"(lambda_max = {lambda_max:.4f}, CI = {ci:.4f}, RI = {ri}); revise the judgements"
        )
        if not allow_inconsistent:
            raise ValueError(msg + " or pass allow_inconsistent=True")
        warnings.warn(msg, UserWarning, stacklevel=2)
    return AHPResult(
        weights=pd.Series(weights, index=names, name="ahp_weight"),
        lambda_max=lambda_max,
        ci=float(ci),
        ri=float(ri),
        cr=float(cr),
        consistent=bool(consistent),
    )


def entropy_weights(
    data,
    *,
    names: Sequence[str] | None = None,
    standardize: str = "minmax",
    directions: Sequence[str] | Mapping[str, str] | None = None,
) -> pd.Series:
    """Objective weights by the entropy weight method.

    Parameters
    ----------
    data : array-like (m, n) or pandas.DataFrame
        ``m`` observations (cells, experts, ...) of ``n`` factors. Rows with NaN are dropped.
    names : sequence of str, optional
        Factor names (default: DataFrame columns, else ``f1..fn``).
    standardize : {"minmax", "none"}
        ``"minmax"`` rescales each factor to [0, 1] (``(x - min) / (max - min)``, or
        ``(max - x) / (max - min)`` for a ``"negative"`` factor); ``"none"`` uses the values as
        they are (they must be >= 0).
    directions : sequence or mapping of {"positive", "negative"}, optional
        Indicator direction per factor for min–max standardisation (default all positive).

    Returns
    -------
    pandas.Series
        Weights summing to 1. A constant factor carries no information (``e_j = 1``, weight 0).

    Examples
    --------
    >>> w = entropy_weights([[1, 1, 2], [2, 1, 4], [3, 2, 3]], names=["a", "b", "c"])
    >>> [round(x, 4) for x in w]
    [0.2284, 0.5431, 0.2284]
    """
    check_choice("standardize", standardize, ("minmax", "none"))
    if isinstance(data, pd.DataFrame):
        if names is None:
            names = [str(c) for c in data.columns]
        x = data.to_numpy(dtype=float)
    else:
        x = np.asarray(data, dtype=float)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"entropy data must be a 2-D table (observations x factors), got shape {x.shape}")
    n = x.shape[1]
    names = _names(names, n, "f")
    x = x[np.all(np.isfinite(x), axis=1)]
    m = x.shape[0]
    if m < 2:
        raise ValueError(f"the entropy weight method needs at least 2 complete observations, got {m}")
    if directions is None:
        dirs = ["positive"] * n
    elif isinstance(directions, Mapping):
        unknown = set(directions) - set(names)
        if unknown:
            raise ValueError(f"directions name unknown factors {sorted(unknown)!r}; factors are {names!r}")
        dirs = [directions.get(nm, "positive") for nm in names]
    else:
        dirs = list(directions)
        if len(dirs) != n:
            raise ValueError(f"directions has {len(dirs)} entries for {n} factors")
    for nm, d in zip(names, dirs, strict=True):
        check_choice(f"directions[{nm!r}]", d, ("positive", "negative"))
    if standardize == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = hi - lo
        safe = np.where(span > 0, span, 1.0)
        pos = (x - lo) / safe
        neg = (hi - x) / safe
        z = np.where(np.array([d == "negative" for d in dirs]), neg, pos)
        z[:, span == 0] = 0.0
    else:
        if np.any(x < 0):
            bad = [names[j] for j in range(n) if np.any(x[:, j] < 0)]
            raise ValueError(f"standardize='none' needs values >= 0; negative values in factors {bad!r}")
        z = x
    col = z.sum(axis=0)
    e = np.ones(n)
    for j in range(n):
        if col[j] <= 0:
            continue  # no variation / all zero: no information, e_j = 1
        p = z[:, j] / col[j]
        p = p[p > 0]
        e[j] = -np.sum(p * np.log(p)) / np.log(m)
    d = 1.0 - e
    d[np.abs(d) < 1e-15] = 0.0
    if d.sum() <= 0:
        raise ValueError("no factor varies across the observations; entropy weights are undefined")
    return pd.Series(d / d.sum(), index=names, name="entropy_weight")


def _as_weight_vector(name: str, w, n: int | None = None) -> tuple[np.ndarray, list[str] | None]:
    idx = list(w.index) if isinstance(w, pd.Series) else (list(w.keys()) if isinstance(w, Mapping) else None)
    vals = np.asarray(list(w.values()) if isinstance(w, Mapping) else w, dtype=float)
    if vals.ndim != 1 or vals.size == 0:
        raise ValueError(f"{name} must be a 1-D sequence of weights, got shape {vals.shape}")
    if n is not None and vals.size != n:
        raise ValueError(f"{name} has {vals.size} weights but {n} were expected")
    return vals, idx


def combined_weights(subjective, objective, *, method: str = "geometric", alpha: float = 0.5) -> pd.Series:
    """Combine subjective (AHP) and objective (entropy) weights.

    ``method="geometric"`` is the formula of the Shenzhen paper (section 2.3.2):
    ``W_ij = sqrt(W_i * W_j) / sum sqrt(W_i * W_j)``. ``"product"`` uses
    ``W_i W_j / sum W_i W_j`` and ``"linear"`` uses ``alpha W_i + (1 - alpha) W_j``.

    Parameters
    ----------
    subjective, objective : sequence, mapping or pandas.Series
        Two weight vectors over the same factors (each summing to 1). When both carry names
        they must match; the result uses the names of ``subjective`` if any.
    method : {"geometric", "product", "linear"}
    alpha : float
        Share of the subjective weight for ``method="linear"`` (0..1).

    Examples
    --------
    >>> w = combined_weights([0.5, 0.3, 0.2], [0.2, 0.3, 0.5])
    >>> [round(x, 4) for x in w]
    [0.3391, 0.3217, 0.3391]
    """
    check_choice("method", method, ("geometric", "product", "linear"))
    a, ia = _as_weight_vector("subjective", subjective)
    b, ib = _as_weight_vector("objective", objective, a.size)
    if ia is not None and ib is not None:
        if list(map(str, ia)) != list(map(str, ib)):
            if set(map(str, ia)) != set(map(str, ib)):
                raise ValueError(f"subjective and objective weights name different factors: {ia!r} vs {ib!r}")
            b = pd.Series(b, index=list(map(str, ib))).loc[list(map(str, ia))].to_numpy()
    names = [str(x) for x in (ia or ib or [f"f{i + 1}" for i in range(a.size)])]
    check_weights(a, names, what="subjective weights")
    check_weights(b, names, what="objective weights")
    if method == "geometric":
        c = np.sqrt(a * b)
    elif method == "product":
        c = a * b
    else:
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0.0 <= float(alpha) <= 1.0:
            raise ValueError(f"alpha={alpha!r} is not allowed; it must be a number in [0, 1]")
        c = float(alpha) * a + (1.0 - float(alpha)) * b
    if c.sum() <= 0:
        raise ValueError("the combined weights are all zero (no factor has both weights > 0)")
    return pd.Series(c / c.sum(), index=names, name="combined_weight")


def check_weights(weights, names: Sequence[str], *, tol: float = 1e-6, what: str = "weights") -> np.ndarray:
    """Check that ``weights`` are finite, >= 0 and sum to 1 (within ``tol``); return them as an array.

    Errors name the offending factor or list every factor with its weight.

    Examples
    --------
    >>> check_weights([0.31, 0.26, 0.14, 0.11, 0.18], ["lulc", "pop", "slope", "dem", "ndvi"]).sum()
    np.float64(1.0)
    """
    w = np.asarray(weights, dtype=float)
    names = list(names)
    if w.ndim != 1 or w.size != len(names):
        raise ValueError(f"{what}: got {w.size} weights for {len(names)} factors {names!r}")
    for nm, v in zip(names, w, strict=True):
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{what}: the weight of factor {nm!r} is {v!r}; weights must be finite and >= 0")
    total = float(w.sum())
    if abs(total - 1.0) > tol:
        listing = ", ".join(f"{nm}={v:g}" for nm, v in zip(names, w, strict=True))
        raise ValueError(f"{what} must sum to 1 (tolerance {tol:g}) but sum to {total:.6g}: {listing}")
    return w
