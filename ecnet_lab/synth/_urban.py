"""The urban system: core and satellite centres, roads (radials plus rings), railways, villages,
and the static urbanisation potential whose rising quantile gives nested built-up areas over time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio import features as rfeatures
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import LineString

from ._frame import Frame
from ._noise import fractal, fractal_1d, smoothstep, upsample
from ._presets import Preset

__all__ = ["Network", "build_network", "centrality", "distance_to_core", "potential", "rasterize_lines", "villages"]


@dataclass
class Network:
    """Road and railway lines (map coordinates, metres) with their attributes."""

    roads: list[tuple[LineString, str, str]]  # (geometry, name, kind)
    railways: list[tuple[LineString, str]]


def distance_to_core(frame: Frame, preset: Preset) -> np.ndarray:
    """Distance from the urban core in units of the core radius (stretched east-west by ``core_elongation``)."""
    cx, cy = frame.to_norm(*preset.core)
    stretch = np.float32(np.sqrt(preset.core_elongation))
    dx = (frame.xn - np.float32(cx)) / stretch
    dy = (frame.yn - np.float32(cy)) * stretch
    return np.sqrt(dx * dx + dy * dy) / np.float32(preset.core_radius_frac)


def _runs(xy: np.ndarray, frame: Frame, sea: np.ndarray) -> list[LineString]:
    """Split densely sampled points (metres) into the pieces inside the map and off the sea."""
    col = np.floor((xy[:, 0] - frame.x0) / frame.resolution).astype(np.int64)
    row = np.floor((frame.y0 - xy[:, 1]) / frame.resolution).astype(np.int64)
    inside = (col >= 0) & (col < frame.cols) & (row >= 0) & (row < frame.rows)
    ok = inside.copy()
    ok[inside] = ~sea[row[inside], col[inside]]
    pieces = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ok.astype(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= 3:
            line = LineString(xy[start:stop]).simplify(frame.resolution / 4)
            if line.length >= 2 * frame.resolution:
                pieces.append(line)
    return pieces


def _step(frame: Frame) -> float:
    return frame.resolution / 2.0


def build_network(frame: Frame, preset: Preset, sea: np.ndarray, rng: np.random.Generator) -> Network:
    """Radial roads from the core to the map edge, ring roads around it, and railways crossing the map."""
    L = frame.scale
    xc = frame.x0 + preset.core[0] * frame.cols * frame.resolution
    yc = frame.y0 - preset.core[1] * frame.rows * frame.resolution
    radius = preset.core_radius_frac * L
    reach = 1.5 * np.hypot(frame.cols, frame.rows) * frame.resolution
    r = np.arange(0.0, reach, _step(frame))
    roads: list[tuple[LineString, str, str]] = []
    rotation = rng.uniform(0, 2 * np.pi)
    k = preset.radial_roads
    for i in range(k):
        bearing = rotation + 2 * np.pi * i / k + rng.uniform(-0.25, 0.25) * 2 * np.pi / k
        wiggle = 0.025 * L * fractal_1d(r.size, rng, exponent=3.5) * smoothstep(0.0, 0.5 * radius, r)
        dx, dy = np.sin(bearing), np.cos(bearing)
        xy = np.column_stack((xc + r * dx + wiggle * dy, yc + r * dy - wiggle * dx))
        roads.extend((piece, f"radial {i + 1}", "radial") for piece in _runs(xy, frame, sea))
    for j, frac in enumerate(preset.ring_fracs):
        rho = frac * radius
        theta = np.linspace(0, 2 * np.pi, max(64, int(2 * np.pi * rho / _step(frame))))
        wobble = np.ones_like(theta)
        for h in (2, 3, 5):
            wobble += rng.uniform(0.0, 0.12 / h * 2) * np.cos(h * theta + rng.uniform(0, 2 * np.pi))
        xy = np.column_stack((xc + rho * wobble * np.sin(theta), yc + rho * wobble * np.cos(theta)))
        roads.extend((piece, f"ring {j + 1}", "ring") for piece in _runs(xy, frame, sea))
    railways: list[tuple[LineString, str]] = []
    t = np.arange(-reach, reach, _step(frame))
    for j, (bearing_deg, offset) in enumerate(preset.railways):
        bearing = np.deg2rad(bearing_deg + rng.uniform(-5, 5))
        dx, dy = np.sin(bearing), np.cos(bearing)
        bend = 0.02 * L * fractal_1d(t.size, rng, exponent=4.0) + offset * L
        xy = np.column_stack((xc + t * dx + bend * dy, yc + t * dy - bend * dx))
        railways.extend((piece, f"railway {j + 1}") for piece in _runs(xy, frame, sea))
    return Network(roads, railways)


def rasterize_lines(lines: list[LineString], frame: Frame) -> np.ndarray:
    """Burn lines into the grid (uint8 0/1; cells whose centre line passes through)."""
    if not lines:
        return np.zeros(frame.shape, dtype=np.uint8)
    transform = from_origin(frame.x0, frame.y0, frame.resolution, frame.resolution)
    return rfeatures.rasterize(
        [(g, 1) for g in lines], out_shape=frame.shape, transform=transform, fill=0, dtype="uint8"
    )


def _coarse_distance(mask: np.ndarray, frame: Frame) -> np.ndarray:
    """Approximate distance (fraction of L) to the nearest True cell, computed on a grid of <= 512 cells."""
    factor = max(1, int(np.ceil(max(frame.shape) / 512)))
    if not mask.any():
        return np.full(frame.shape, np.inf, dtype=np.float32)
    rows, cols = (-(-frame.rows // factor)) * factor, (-(-frame.cols // factor)) * factor
    padded = np.zeros((rows, cols), dtype=bool)
    padded[: frame.rows, : frame.cols] = mask
    coarse = padded.reshape(rows // factor, factor, cols // factor, factor).any(axis=(1, 3))
    dist = ndimage.distance_transform_edt(~coarse).astype(np.float32) * np.float32(factor)
    return upsample(dist, frame.shape) * np.float32(frame.resolution / frame.scale)


def centrality(frame: Frame, preset: Preset, core_distance: np.ndarray) -> np.ndarray:
    """Influence of the urban centres in [0, 1]: 1 at the core, decaying with distance; satellites weaker."""
    pot = np.exp(-(core_distance**1.6))
    for u, v, weight, rad in preset.satellites:
        d = frame.distance(*frame.to_norm(u, v)) / np.float32(rad)
        np.maximum(pot, np.float32(weight) * np.exp(-(d**1.6)), out=pot)
    return pot


def potential(
    frame: Frame,
    centres: np.ndarray,
    transport: np.ndarray,
    slope: np.ndarray,
    elevation_index: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Static urbanisation potential: centres, ribbons along roads, noise, minus steep and high ground."""
    pot = centres.copy()
    road_distance = _coarse_distance(transport.astype(bool), frame)
    pot += 0.15 * np.exp(-road_distance / np.float32(0.012)) * smoothstep(0.02, 0.25, pot)
    pot += 0.14 * fractal(frame.shape, rng, exponent=2.6, max_size=1024)
    pot -= 0.6 * smoothstep(4.0, 16.0, slope) + 0.35 * smoothstep(0.3, 0.7, elevation_index)
    return pot.astype(np.float32)


def villages(
    frame: Frame, preset: Preset, candidates: np.ndarray, core_distance: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Rural settlements: small compact clusters scattered over rural cropland (static over time)."""
    out = np.zeros(frame.shape, dtype=bool)
    land = int(candidates.sum())
    if preset.village_share <= 0 or land == 0:
        return out
    radius = max(1.0, frame.cells(0.006))
    reach = int(radius)
    disk = np.hypot(*np.mgrid[-reach : reach + 1, -reach : reach + 1]) <= radius
    count = int(preset.village_share * candidates.size / disk.sum())
    rural = np.flatnonzero((candidates & (core_distance > 1.1)).ravel())
    if rural.size == 0 or count == 0:
        return out
    seeds = rng.choice(rural, size=min(count, rural.size), replace=False)
    for row, col in zip(*np.divmod(seeds, frame.cols), strict=True):
        r0, c0 = row - reach, col - reach
        window = out[max(r0, 0) : row + reach + 1, max(c0, 0) : col + reach + 1]
        window |= disk[max(-r0, 0) : max(-r0, 0) + window.shape[0], max(-c0, 0) : max(-c0, 0) + window.shape[1]]
    return out & candidates
