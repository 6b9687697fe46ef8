"""Factor grading: categorical reclass tables and continuous classes (explicit, Jenks, equal interval, quantiles).

Continuous grading uses ascending interior ``breaks`` ``b_1 < ... < b_{k-1}``: ``k`` classes whose
outer classes are open-ended (``(-inf, b_1]`` ... ``(b_{k-1}, inf)`` with ``closed="right"``,
the convention of mapclassify and ArcGIS; ``closed="left"`` gives ``[b_{i-1}, b_i)``).
``scores`` are the resistance scores of the classes in ascending order of the factor value when
``direction="increasing"`` (higher value -> the later scores); ``direction="decreasing"`` applies
them in reverse, so the highest-value class gets ``scores[0]``.

Natural breaks are Jenks/Fisher optimal breaks (``mapclassify.FisherJenks``) computed on a
seeded random sample of the valid values (default 10 000 values without replacement), so large
rasters are classified in well under a second and the same seed gives the same breaks.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from .._checks import check_choice, check_int

__all__ = [
    "DEFAULT_SAMPLE_SIZE",
    "classify",
    "equal_interval_breaks",
    "grade_breaks",
    "natural_breaks",
    "quantile_breaks",
    "reclassify",
    "sample_values",
]

#: Number of values sampled (without replacement, seeded) for Jenks natural breaks.
DEFAULT_SAMPLE_SIZE = 10_000


def _finite(values) -> np.ndarray:
    v = np.asarray(values)
    v = v.ravel()
    if v.dtype.kind == "f":
        v = v[np.isfinite(v)]
    return v


def sample_values(values, sample_size: int = DEFAULT_SAMPLE_SIZE, *, seed: int = 0) -> np.ndarray:
    """The values natural breaks are computed on: all finite values, or a seeded random sample of them.

    If there are more than ``sample_size`` finite values, ``sample_size`` of them are drawn without
    replacement with ``numpy.random.default_rng(seed)``; otherwise all finite values are returned
    (in raster order).

    Examples
    --------
    >>> import numpy as np
    >>> sample_values(np.arange(100.0), 10, seed=1).size
    10
    """
    sample_size = check_int("sample_size", sample_size, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    v = _finite(values)
    if v.size <= sample_size:
        return v.astype(float, copy=True)
    idx = np.random.default_rng(seed).choice(v.size, size=sample_size, replace=False)
    return v[idx].astype(float)


def natural_breaks(
    values, k: int, *, sample_size: int = DEFAULT_SAMPLE_SIZE, seed: int = 0, factor: str = "values"
) -> np.ndarray:
    """Interior Jenks natural breaks (``k - 1`` values) of ``values`` via ``mapclassify.FisherJenks``.

    The breaks are the upper bounds of the first ``k - 1`` Fisher–Jenks classes of
    :func:`sample_values` ``(values, sample_size, seed=seed)``.

    Examples
    --------
    >>> import numpy as np
    >>> natural_breaks(np.array([1, 2, 3, 10, 11, 12, 50, 51.0]), 3).tolist()
    [3.0, 12.0]
    """
    import mapclassify

    k = check_int("k", k, minimum=2)
    sample = sample_values(values, sample_size, seed=seed)
    n_unique = np.unique(sample).size
    if n_unique < k:
        raise ValueError(
            f"factor {factor!r}: {n_unique} distinct value(s) in the sample, too few for {k} natural-break classes; "
            "use explicit breaks or fewer scores"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bins = np.asarray(mapclassify.FisherJenks(sample, k=k).bins, dtype=float)
    return bins[:-1]


def equal_interval_breaks(values, k: int, *, factor: str = "values") -> np.ndarray:
    """Interior breaks splitting ``[min, max]`` of the finite values into ``k`` equal intervals.

    Examples
    --------
    >>> import numpy as np
    >>> equal_interval_breaks(np.array([0.0, 10.0]), 5).tolist()
    [2.0, 4.0, 6.0, 8.0]
    """
    k = check_int("k", k, minimum=2)
    v = _finite(values)
    if v.size == 0:
        raise ValueError(f"factor {factor!r}: no valid values to compute equal-interval breaks")
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        raise ValueError(f"factor {factor!r}: constant value {lo!r}; equal-interval breaks are undefined")
    return lo + (hi - lo) * np.arange(1, k) / k


def quantile_breaks(values, k: int, *, factor: str = "values") -> np.ndarray:
    """Interior breaks at the ``i/k`` quantiles (``i = 1..k-1``) of the finite values.

    Examples
    --------
    >>> import numpy as np
    >>> quantile_breaks(np.arange(1.0, 101.0), 4).tolist()
    [25.75, 50.5, 75.25]
    """
    k = check_int("k", k, minimum=2)
    v = _finite(values)
    if v.size == 0:
        raise ValueError(f"factor {factor!r}: no valid values to compute quantile breaks")
    b = np.quantile(v.astype(float), np.arange(1, k) / k)
    if np.any(np.diff(b) <= 0):
        raise ValueError(
            f"factor {factor!r}: quantile breaks {b.tolist()} are not strictly increasing (too many tied values); "
            "use natural breaks or explicit breaks"
        )
    return b


def classify(values, breaks: Sequence[float], *, closed: str = "right") -> np.ndarray:
    """Class index (0..k-1) of every value for ascending interior ``breaks``; -1 where the value is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> classify(np.array([0.0, 1.0, 1.5, 2.0, np.nan]), [1.0, 2.0]).tolist()
    [0, 0, 1, 1, -1]
    >>> classify(np.array([0.0, 1.0, 1.5, 2.0]), [1.0, 2.0], closed="left").tolist()
    [0, 1, 1, 2]
    """
    check_choice("closed", closed, ("right", "left"))
    b = np.asarray(breaks, dtype=float)
    if b.ndim != 1 or b.size == 0 or np.any(~np.isfinite(b)) or np.any(np.diff(b) <= 0):
        raise ValueError(f"breaks={np.asarray(breaks).tolist()!r} must be finite and strictly increasing")
    v = np.asarray(values)
    idx = np.searchsorted(b, v, side="left" if closed == "right" else "right").astype(np.int16)
    if v.dtype.kind == "f":
        idx[np.isnan(v)] = -1
    return idx


def grade_breaks(
    values,
    breaks: Sequence[float],
    scores: Sequence[float],
    *,
    closed: str = "right",
    direction: str = "increasing",
) -> np.ndarray:
    """Resistance score of every value for ascending ``breaks`` (``len(scores) == len(breaks) + 1``).

    NaN values give NaN scores. With ``direction="decreasing"`` the scores are applied from the
    highest-value class downwards.

    Examples
    --------
    >>> import numpy as np
    >>> grade_breaks(np.array([0.1, 0.6, 0.9]), [0.5, 0.8], [10, 20, 30]).tolist()
    [10.0, 20.0, 30.0]
    >>> grade_breaks(np.array([0.1, 0.6, 0.9]), [0.5, 0.8], [10, 20, 30], direction="decreasing").tolist()
    [30.0, 20.0, 10.0]
    """
    check_choice("direction", direction, ("increasing", "decreasing"))
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or s.size != len(breaks) + 1:
        raise ValueError(f"{len(breaks)} breaks define {len(breaks) + 1} classes but {s.size} scores were given")
    if direction == "decreasing":
        s = s[::-1]
    idx = classify(values, breaks, closed=closed)
    lut = np.append(s, np.nan)  # index -1 -> NaN
    return lut[idx]


def reclassify(
    values,
    table: Sequence[tuple[Sequence[float], float]],
    *,
    nodata_values: Sequence[float] = (),
    mask: np.ndarray | None = None,
    factor: str = "values",
) -> np.ndarray:
    """Score every cell from a categorical table of ``(codes, score)`` rows.

    NaN cells, cells equal to one of ``nodata_values`` and cells where ``mask`` is True give NaN.
    A code present in the raster but absent from the table raises ``ValueError`` naming the
    factor and the missing codes.

    Examples
    --------
    >>> import numpy as np
    >>> reclassify(np.array([[1, 2], [6, 0]]), [([1], 10), ([2], 15), ([6], 100)], nodata_values=[0]).tolist()
    [[10.0, 15.0], [100.0, nan]]
    """
    v = np.asarray(values)
    codes: list[float] = []
    scores: list[float] = []
    for row_codes, score in table:
        for c in row_codes:
            codes.append(float(c))
            scores.append(float(score))
    nod = np.asarray(list(nodata_values), dtype=float)
    codes_a = np.asarray(codes, dtype=float)
    if codes_a.size == 0:
        raise ValueError(f"factor {factor!r}: the reclass table is empty")
    if np.unique(codes_a).size != codes_a.size:
        raise ValueError(f"factor {factor!r}: a class code appears twice in the reclass table")
    out_lut_scores = np.asarray(scores, dtype=float)
    if v.dtype.kind in "iub" and v.size and int(v.min()) >= 0 and int(v.max()) < 2**20:
        # Fast path for small non-negative integer codes: a lookup table.
        vmax = int(v.max())
        lut = np.full(vmax + 1, np.inf)
        inside = (codes_a >= 0) & (codes_a <= vmax) & (codes_a == np.round(codes_a))
        lut[codes_a[inside].astype(np.int64)] = out_lut_scores[inside]
        for c in nod:
            if 0 <= c <= vmax and c == round(c):
                lut[int(c)] = np.nan
        out = lut[v]
    else:
        vf = v.astype(float, copy=False)
        order = np.argsort(codes_a)
        keys, vals = codes_a[order], out_lut_scores[order]
        pos = np.clip(np.searchsorted(keys, vf), 0, keys.size - 1)
        hit = keys[pos] == vf
        out = np.where(hit, vals[pos], np.inf)
        nan_mask = np.isnan(vf)
        if nod.size:
            nan_mask |= np.isin(vf, nod)
        out[nan_mask] = np.nan
    if mask is not None:
        out[np.asarray(mask, dtype=bool)] = np.nan
    missing_mask = np.isinf(out)
    if missing_mask.any():
        missing, counts = np.unique(np.asarray(v)[missing_mask], return_counts=True)
        listing = ", ".join(
            f"{m:g} ({c} cells)" for m, c in zip(missing[:10].tolist(), counts[:10].tolist(), strict=True)
        )
        more = f" and {missing.size - 10} more" if missing.size > 10 else ""
        table_codes = ", ".join(f"{c:g}" for c in sorted(set(codes)))
        raise ValueError(
            f"factor {factor!r}: class code(s) {listing}{more} are not in the reclass table "
            f"(table codes: [{table_codes}]); add them to the table, map them with a class map, "
            "or declare them as nodata_values"
        )
    return out
