"""The grid of a synthetic city: shape, resolution, map origin and normalised coordinates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._presets import Preset

__all__ = ["REFERENCE_EXTENT_M", "Frame"]

REFERENCE_EXTENT_M = 15000.0  # extent at which the preset relief applies in full


@dataclass(frozen=True)
class Frame:
    """Geometry of one landscape.

    ``xn``/``yn`` are cell-centre coordinates divided by the extent scale ``L`` (east and
    south positive), so distances computed from them are isotropic fractions of ``L``.
    """

    rows: int
    cols: int
    resolution: float
    x0: float  # west edge (m, EPSG:32650)
    y0: float  # north edge (m)

    @classmethod
    def for_preset(cls, preset: Preset, shape: tuple[int, int], resolution: float) -> Frame:
        rows, cols = shape
        east, north = preset.anchor_utm
        u, v = preset.core
        x0 = round((east - u * cols * resolution) / resolution) * resolution
        y0 = round((north + v * rows * resolution) / resolution) * resolution
        return cls(rows, cols, float(resolution), float(x0), float(y0))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    @property
    def size(self) -> int:
        return self.rows * self.cols

    @property
    def scale(self) -> float:
        """Extent scale L in metres (geometric mean of width and height)."""
        return float(np.sqrt(self.rows * self.cols) * self.resolution)

    @property
    def relief_scale(self) -> float:
        """Factor applied to preset relief: 1 at the reference extent and above, less for small maps."""
        return float(np.clip(self.scale / REFERENCE_EXTENT_M, 0.06, 1.0))

    @property
    def wn(self) -> float:
        return self.cols * self.resolution / self.scale

    @property
    def hn(self) -> float:
        return self.rows * self.resolution / self.scale

    @property
    def xn(self) -> np.ndarray:
        return (((np.arange(self.cols) + 0.5) * self.resolution / self.scale).astype(np.float32))[None, :]

    @property
    def yn(self) -> np.ndarray:
        return (((np.arange(self.rows) + 0.5) * self.resolution / self.scale).astype(np.float32))[:, None]

    @property
    def u(self) -> np.ndarray:
        return self.xn / np.float32(self.wn)

    @property
    def v(self) -> np.ndarray:
        return self.yn / np.float32(self.hn)

    @property
    def x(self) -> np.ndarray:
        """Cell-centre eastings (m)."""
        return self.x0 + (np.arange(self.cols) + 0.5) * self.resolution

    @property
    def y(self) -> np.ndarray:
        """Cell-centre northings (m), decreasing."""
        return self.y0 - (np.arange(self.rows) + 0.5) * self.resolution

    def cells(self, frac: float) -> float:
        """Convert a fraction of L to a number of cells."""
        return frac * self.scale / self.resolution

    def to_norm(self, u: float, v: float) -> tuple[float, float]:
        """Normalised (u, v) position -> (xn, yn)."""
        return u * self.wn, v * self.hn

    def distance(self, xn: float, yn: float) -> np.ndarray:
        """Distance (fraction of L) of every cell from a point given in normalised coordinates."""
        return np.sqrt((self.xn - np.float32(xn)) ** 2 + (self.yn - np.float32(yn)) ** 2)
