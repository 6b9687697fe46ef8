"""Statistics on tables: Spearman correlation matrices with p-values, rates of change, regression slopes.

The Wuhan study correlates ecosystem-service and ecological-process indicators (per patch)
with network topology metrics (degree, betweenness, closeness, clustering) with Spearman's
rank correlation, year by year, and marks significance with stars (``*** p < 0.001``).
:func:`spearman_matrix` computes that matrix for one table with pairwise-complete
observations (a pair of columns uses the rows where both are present);
:func:`correlation_table` does it per group (year) into one tidy table.

The Jinan study picks thresholds (corridor width, proportion of ecological land) where a
response curve changes least: :func:`smallest_rate_of_change` returns that point from a sweep.

All functions are pure: they take pandas/numpy data and return new objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as _sps

__all__ = [
    "STAR_LEVELS",
    "CorrelationMatrix",
    "RateOfChange",
    "correlation_table",
    "regression_slope",
    "significance_stars",
    "smallest_rate_of_change",
    "spearman_matrix",
]

#: Significance levels and their marks, strictest first (p < level gets the mark).
STAR_LEVELS: tuple[tuple[float, str], ...] = ((0.001, "***"), (0.01, "**"), (0.05, "*"))

#: Fewest pairwise-complete observations for which a correlation is computed.
MIN_OBSERVATIONS = 3


class CorrelationMatrix(NamedTuple):
    """Spearman r, two-sided p-values and pairwise observation counts (rows = x, columns = y)."""

    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame


def _as_list(name: str, value) -> list[str]:
    if isinstance(value, str):
        return [value]
    try:
        out = list(value)
    except TypeError:
        raise TypeError(f"{name}={value!r} must be a column name or a sequence of column names") from None
    if not out:
        raise ValueError(f"{name} is empty; give at least one column name")
    return out


def _check_columns(df: pd.DataFrame, name: str, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} has unknown columns {missing!r}; available: {list(df.columns)!r}")
    for c in columns:
        dtype = df[c].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(f"column {c!r} in {name} has non-numeric dtype {dtype}; only numeric columns are allowed")


def _spearman_pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    ok = np.isfinite(a) & np.isfinite(b)
    n = int(ok.sum())
    if n < MIN_OBSERVATIONS:
        return np.nan, np.nan, n
    a, b = a[ok], b[ok]
    if np.all(a == a[0]) or np.all(b == b[0]):  # a constant column has no ranks to correlate
        return np.nan, np.nan, n
    res = _sps.spearmanr(a, b)
    return float(res.statistic), float(res.pvalue), n


def spearman_matrix(
    df: pd.DataFrame, x_vars: Sequence[str] | str, y_vars: Sequence[str] | str | None = None
) -> CorrelationMatrix:
    """Spearman rank correlation of every ``x_vars`` column with every ``y_vars`` column.

    Each pair uses its pairwise-complete rows (both values finite). Pairs with fewer than
    3 such rows, or where one column is constant on them, get r = p = NaN (their ``n`` is
    still reported). p-values are scipy's two-sided values (t approximation).

    Parameters
    ----------
    df : DataFrame
        One row per observation (e.g. per patch or node).
    x_vars : str or sequence of str
        Row variables (e.g. ecosystem-service indicators).
    y_vars : str or sequence of str, optional
        Column variables (e.g. topology metrics); default ``x_vars`` (a square matrix).

    Returns
    -------
    CorrelationMatrix
        ``(r, p, n)`` DataFrames indexed by ``x_vars`` with columns ``y_vars``.

    Raises
    ------
    ValueError
        Unknown column names or an empty selection.
    TypeError
        ``df`` is not a DataFrame, or a selected column is not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 4, 5, 9], "c": [4, 3, 2, 1]})
    >>> r, p, n = spearman_matrix(d, ["a"], ["b", "c"])
    >>> r.round(3).values.tolist(), n.values.tolist()
    ([[1.0, -1.0]], [[4, 4]])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, not {type(df).__name__}")
    xs = _as_list("x_vars", x_vars)
    ys = xs if y_vars is None else _as_list("y_vars", y_vars)
    _check_columns(df, "x_vars", xs)
    _check_columns(df, "y_vars", ys)
    r = np.full((len(xs), len(ys)), np.nan)
    p = np.full_like(r, np.nan)
    n = np.zeros(r.shape, dtype=np.int64)
    cols = {c: df[c].to_numpy(dtype=float, na_value=np.nan) for c in dict.fromkeys([*xs, *ys])}
    for i, xc in enumerate(xs):
        for j, yc in enumerate(ys):
            r[i, j], p[i, j], n[i, j] = _spearman_pair(cols[xc], cols[yc])

    def frame(values):
        return pd.DataFrame(values, index=pd.Index(xs, name="x"), columns=pd.Index(ys, name="y"))

    return CorrelationMatrix(frame(r), frame(p), frame(n))


def _stars_scalar(p) -> str:
    if p is None or not np.isfinite(p):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def significance_stars(p):
    """Significance marks for p-values: ``***`` p < 0.001, ``**`` p < 0.01, ``*`` p < 0.05, else ``""``.

    NaN gives ``""``. Accepts a scalar (returns str), a numpy array (object array), a Series or a
    DataFrame (same shape and labels).

    Examples
    --------
    >>> significance_stars(0.0004), significance_stars(0.004), significance_stars(0.04), significance_stars(0.5)
    ('***', '**', '*', '')
    >>> significance_stars([0.01, float("nan")]).tolist()
    ['*', '']
    """
    if isinstance(p, pd.DataFrame):
        return p.apply(lambda col: col.map(lambda v: _stars_scalar(float(v))))
    if isinstance(p, pd.Series):
        return p.map(lambda v: _stars_scalar(float(v)))
    if np.ndim(p) == 0:
        try:
            return _stars_scalar(float(p))
        except (TypeError, ValueError):
            raise TypeError(f"p={p!r} must be a number or an array of numbers") from None
    arr = np.asarray(p, dtype=float)
    return np.vectorize(_stars_scalar, otypes=[object])(arr)


def correlation_table(
    df: pd.DataFrame,
    x_vars: Sequence[str] | str,
    y_vars: Sequence[str] | str | None = None,
    *,
    by: str | None = "year",
) -> pd.DataFrame:
    """Tidy Spearman correlations per group: one row per (group, x, y).

    Parameters
    ----------
    df : DataFrame
        Observations with a grouping column ``by`` (e.g. ``year``).
    x_vars, y_vars : see :func:`spearman_matrix`.
    by : str or None
        Grouping column; ``None`` correlates the whole table (no group column in the result).

    Returns
    -------
    DataFrame
        Columns ``[by,] x, y, r, p, n, stars``; groups in sorted order, then ``x_vars`` and
        ``y_vars`` in the given order.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": [1, 1, 1, 2, 2, 2], "a": [1, 2, 3, 1, 2, 3], "b": [1, 2, 3, 3, 2, 1]})
    >>> correlation_table(d, "a", "b")[["year", "r"]].values.tolist()
    [[1.0, 1.0], [2.0, -1.0]]
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, not {type(df).__name__}")
    if by is None:
        groups = [(None, df)]
    else:
        if by not in df.columns:
            raise ValueError(f"by={by!r} is not a column; available: {list(df.columns)!r}")
        groups = list(df.groupby(by, sort=True, dropna=True))
    frames = []
    for key, sub in groups:
        r, p, n = spearman_matrix(sub, x_vars, y_vars)
        long = pd.DataFrame(
            {
                "x": np.repeat(r.index.to_numpy(), r.shape[1]),
                "y": np.tile(r.columns.to_numpy(), r.shape[0]),
                "r": r.to_numpy().ravel(),
                "p": p.to_numpy().ravel(),
                "n": n.to_numpy().ravel(),
            }
        )
        long["stars"] = significance_stars(long["p"])
        if by is not None:
            long.insert(0, by, key)
        frames.append(long)
    if not frames:
        cols = ([by] if by is not None else []) + ["x", "y", "r", "p", "n", "stars"]
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class RateOfChange:
    """The flattest segment of a response curve.

    Attributes
    ----------
    x : float
        Start (smaller x) of the flattest segment: the chosen threshold.
    interval : (float, float)
        The segment ``(x_i, x_i+1)`` (the grey zone of Jinan Figures 4 and 11).
    rate : float
        ``|y_i+1 - y_i| / (x_i+1 - x_i)`` on that segment.
    index : int
        Position of ``x`` in the sorted input.
    rates : numpy.ndarray
        The rate of every segment (NaN where a value is missing), in sorted x order.
    """

    x: float
    interval: tuple[float, float]
    rate: float
    index: int
    rates: np.ndarray


def smallest_rate_of_change(x: Sequence[float], y: Sequence[float]) -> RateOfChange:
    """Where a swept response changes least (Jinan paper, Figure 4 and Formulas 4-5).

    The points are sorted by ``x``; the rate of change on segment ``[x_i, x_i+1]`` is the
    finite difference ``|y_i+1 - y_i| / (x_i+1 - x_i)``. The result is the segment with the
    smallest rate and its start ``x_i`` (the smallest parameter value that reaches the
    flattest part of the curve, as the paper picks the "minimum proportion of ecological
    land" and the corridor width "with the lowest cost"). Ties go to the smallest ``x``.
    Segments touching a NaN ``y`` (a failed sweep point) are skipped.

    Raises
    ------
    ValueError
        Fewer than 2 points, lengths differ, repeated or non-finite ``x``, or no valid segment.

    Examples
    --------
    >>> res = smallest_rate_of_change([1000, 2000, 3000, 4000, 5000], [9.0, 6.0, 4.5, 4.4, 4.0])
    >>> res.x, res.interval, round(res.rate, 6)
    (3000.0, (3000.0, 4000.0), 0.0001)
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D of the same length; got shapes {xa.shape} and {ya.shape}")
    if xa.size < 2:
        raise ValueError(f"at least 2 points are needed for a rate of change; got {xa.size}")
    if not np.all(np.isfinite(xa)):
        raise ValueError(f"x={xa.tolist()!r} must be finite")
    order = np.argsort(xa, kind="stable")
    xa, ya = xa[order], ya[order]
    dx = np.diff(xa)
    if np.any(dx == 0):
        raise ValueError(f"x={xa.tolist()!r} has repeated values; each parameter value must appear once")
    rates = np.abs(np.diff(ya)) / dx
    if np.all(np.isnan(rates)):
        raise ValueError("every segment has a missing (NaN) response; no rate of change")
    i = int(np.nanargmin(rates))  # first occurrence: ties go to the smallest x
    return RateOfChange(
        x=float(xa[i]), interval=(float(xa[i]), float(xa[i + 1])), rate=float(rates[i]), index=i, rates=rates
    )


def regression_slope(x: Sequence[float], y: Sequence[float]) -> dict[str, float]:
    """Ordinary least-squares line of ``y`` on ``x`` over the pairs where both are finite.

    Returns
    -------
    dict
        ``slope``, ``intercept``, ``r2`` (coefficient of determination), ``p`` (two-sided
        p-value of a zero slope) and ``n``.

    Raises
    ------
    ValueError
        Lengths differ, fewer than 3 complete pairs, or ``x`` constant.

    Examples
    --------
    >>> res = regression_slope([2000, 2005, 2010, 2015], [1.0, 2.0, 3.0, 4.1])
    >>> round(res["slope"], 3), res["n"]
    (0.206, 4)
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D of the same length; got shapes {xa.shape} and {ya.shape}")
    ok = np.isfinite(xa) & np.isfinite(ya)
    n = int(ok.sum())
    if n < MIN_OBSERVATIONS:
        raise ValueError(f"a regression needs at least {MIN_OBSERVATIONS} complete (x, y) pairs; got {n}")
    if np.all(xa[ok] == xa[ok][0]):
        raise ValueError("x is constant; the slope is undefined")
    res = _sps.linregress(xa[ok], ya[ok])
    return {
        "slope": float(res.slope),
        "intercept": float(res.intercept),
        "r2": float(res.rvalue**2),
        "p": float(res.pvalue),
        "n": n,
    }
