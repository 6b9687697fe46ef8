"""Seeded fractal noise: spectral synthesis of fractional-Brownian-like fields (FFT), plus small helpers.

A field is white Gaussian noise filtered in the Fourier domain by a power law
``P(f) ∝ f**-exponent`` (``exponent = 2 H + 2`` for a surface with Hurst exponent H);
the grid is padded before the inverse transform and cropped so the result is not periodic.
"""

from __future__ import annotations

import numpy as np
from scipy import fft, ndimage

__all__ = ["fractal", "fractal_1d", "ridged", "smoothstep", "upsample"]


def _filtered(shape: tuple[int, ...], rng: np.random.Generator, exponent: float) -> np.ndarray:
    padded = tuple(fft.next_fast_len(int(n * 1.25) + 4, real=True) for n in shape)
    white = rng.standard_normal(padded, dtype=np.float32)
    spectrum = fft.rfftn(white, workers=-1)
    freqs = [fft.fftfreq(n).astype(np.float32) for n in padded[:-1]] + [fft.rfftfreq(padded[-1]).astype(np.float32)]
    grids = np.meshgrid(*freqs, indexing="ij", sparse=True)
    f2 = sum(g * g for g in grids)
    f2.flat[0] = np.inf  # drop the mean
    spectrum *= f2 ** np.float32(-exponent / 4.0)  # amplitude = sqrt(power) = f**(-exponent/2)
    field = fft.irfftn(spectrum, s=padded, workers=-1)
    field = field[tuple(slice(0, n) for n in shape)]
    field -= field.mean()
    std = float(field.std())
    return (field / std if std > 0 else field).astype(np.float32, copy=False)


def upsample(field: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a 2-D field to ``shape`` (cell-centre aligned)."""
    if field.shape == tuple(shape):
        return field
    zoom = (shape[0] / field.shape[0], shape[1] / field.shape[1])
    out = ndimage.zoom(field, zoom, order=1, mode="nearest", grid_mode=True)
    if out.shape != tuple(shape):  # guard against rounding of the output size
        out = np.pad(out, [(0, max(0, s - o)) for s, o in zip(shape, out.shape, strict=True)], mode="edge")
        out = out[: shape[0], : shape[1]]
    return out.astype(np.float32, copy=False)


def fractal(
    shape: tuple[int, int], rng: np.random.Generator, *, exponent: float = 3.0, max_size: int | None = None
) -> np.ndarray:
    """Zero-mean, unit-variance fractal noise of ``shape`` (float32).

    ``exponent`` is the power-spectrum slope (larger = smoother). With ``max_size`` the
    field is synthesised on a grid of at most ``max_size`` cells a side and resized,
    which is cheaper and fine for smooth fields.

    Examples
    --------
    >>> import numpy as np
    >>> n = fractal((64, 48), np.random.default_rng(0))
    >>> n.shape, round(float(n.std()), 3)
    ((64, 48), 1.0)
    """
    rows, cols = shape
    if max_size is not None and max(rows, cols) > max_size:
        k = max_size / max(rows, cols)
        small = _filtered((max(8, round(rows * k)), max(8, round(cols * k))), rng, exponent)
        out = upsample(small, shape)
        return (out - out.mean()) / max(float(out.std()), 1e-12)
    return _filtered((rows, cols), rng, exponent)


def fractal_1d(n: int, rng: np.random.Generator, *, exponent: float = 3.0) -> np.ndarray:
    """Zero-mean, unit-variance 1-D fractal noise of length ``n`` (float64).

    Examples
    --------
    >>> import numpy as np
    >>> fractal_1d(100, np.random.default_rng(0)).shape
    (100,)
    """
    return _filtered((max(int(n), 4),), rng, exponent)[:n].astype(np.float64)


def ridged(noise: np.ndarray) -> np.ndarray:
    """Ridged transform of unit noise: sharp crests and rounded valleys, range about [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> float(ridged(np.zeros(1))[0])
    1.0
    """
    r = 1.0 - np.minimum(np.abs(noise) / 2.5, 1.0)
    return (r * r).astype(np.float32, copy=False)


def smoothstep(edge0: float, edge1: float, x: np.ndarray | float) -> np.ndarray:
    """Hermite step from 0 at ``edge0`` to 1 at ``edge1`` (either order).

    Examples
    --------
    >>> float(smoothstep(0.0, 1.0, 0.5))
    0.5
    """
    t = np.clip((np.asarray(x, dtype=np.float32) - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)
