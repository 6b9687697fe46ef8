"""Small validators shared by the engine: every bad input gets a clear error.

Each helper raises ``ValueError``/``TypeError`` naming the parameter, the bad value
and what is allowed, so public functions stay short and their messages uniform.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``.

    Examples
    --------
    >>> check_choice("connectivity", 8, (4, 8))
    8
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of {list(allowed)!r}")
    return value


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float if it is a finite real > 0 (>= 0 with ``allow_zero``).

    Examples
    --------
    >>> check_positive("resolution", 30)
    30.0
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    ok = np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}={value!r} is not allowed; it must be finite and {bound}")
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    """Return ``value`` if it is an integer (not bool) >= ``minimum``.

    Examples
    --------
    >>> check_int("edge_width", 2, minimum=1)
    2
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}={value!r} is not allowed; it must be an integer >= {minimum}")
    return int(value)


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` if it lies in the open interval (0, 1).

    Examples
    --------
    >>> check_probability("probability", 0.5)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name}={value!r} is not allowed; it must lie in the open interval (0, 1)")
    return value
