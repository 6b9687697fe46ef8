"""Raw terrain of each preset: regional relief, designed river channels, lakes and sea.

Elevations are built in "shape metres" (relief at the 15 km reference extent), scaled by
``Frame.relief_scale`` and offset by the preset base elevation. Main rivers are meandering
channels with a flat floor whose bed falls linearly downstream; the valley sides rise away
from them, so the regional drainage converges on them. Lakes are star-shaped basins cut
below the lowest cell of their rim, so after depression filling each is one flat surface.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ._frame import Frame
from ._noise import fractal, fractal_1d, ridged, smoothstep
from ._presets import Preset, RiverSpec

__all__ = ["Channel", "Terrain", "build_terrain", "horn_slope"]


@dataclass
class Channel:
    """A designed main river channel."""

    spec: RiverSpec
    d: np.ndarray  # distance of each cell to the centreline (fraction of L)
    bed: np.ndarray  # bed elevation at the nearest centreline position (shape metres)
    halfwidth: float  # fraction of L
    start_cell: tuple[int, int]
    line_x: np.ndarray  # centreline samples (normalised)
    line_y: np.ndarray
    line_bed: np.ndarray

    def point_at_u(self, xn: float) -> tuple[float, float, float]:
        k = int(np.argmin(np.abs(self.line_x - xn)))
        return float(self.line_x[k]), float(self.line_y[k]), float(self.line_bed[k])


@dataclass
class Terrain:
    """Raw DEM (m) plus the water features it was built around."""

    dem: np.ndarray  # float64, before depression filling
    sea: np.ndarray  # bool
    lakes: np.ndarray  # bool
    lake_count: int
    channels: list[Channel]
    coast_distance: np.ndarray  # fraction of L (inf where there is no sea)
    river_distance: np.ndarray  # distance to the nearest main channel bank (fraction of L)


def horn_slope(dem: np.ndarray, resolution: float) -> np.ndarray:
    """Slope in degrees with Horn's (1981) 3x3 finite differences; edges replicate the border cells.

    Examples
    --------
    >>> import numpy as np
    >>> plane = np.tile(np.arange(5.0) * 10.0, (5, 1))  # rises 10 m per 10 m cell eastward
    >>> round(float(horn_slope(plane, 10.0)[2, 2]), 6)
    45.0
    """
    z = np.pad(np.asarray(dem, dtype=np.float64), 1, mode="edge")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * resolution)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8.0 * resolution)
    return np.degrees(np.arctan(np.hypot(dzdx, dzdy))).astype(np.float32)


def _channel(frame: Frame, spec: RiverSpec, rng: np.random.Generator, join: Channel | None = None) -> Channel:
    p0 = np.array(frame.to_norm(*spec.start))
    bed0, bed1 = spec.bed
    if spec.end is None:
        if join is None:
            raise ValueError(f"river {spec.name!r} joins another river but none was given")
        jx, jy, jbed = join.point_at_u(spec.join_u * frame.wn)
        p1 = np.array([jx, jy])
        bed1 = max(bed1, jbed + 1.0)
    else:
        p1 = np.array(frame.to_norm(*spec.end))
    axis = p1 - p0
    length = float(np.hypot(*axis))
    ax, ay = axis / length
    nx, ny = -ay, ax
    s = np.linspace(0.0, length, 1024)
    waves = rng.uniform(2.0, 3.5)
    phase = rng.uniform(0, 2 * np.pi, 2)
    wiggle = (
        np.sin(2 * np.pi * waves * s / length + phase[0])
        + 0.45 * np.sin(2 * np.pi * 2.3 * waves * s / length + phase[1])
        + 0.35 * fractal_1d(s.size, rng, exponent=2.6)
    )
    taper = smoothstep(0.0, 0.08, s / length) * smoothstep(1.0, 0.92, s / length)
    offset = spec.meander_frac * wiggle / 1.4 * taper
    slope = np.gradient(offset, s)

    xn, yn = frame.xn.astype(np.float64), frame.yn.astype(np.float64)
    along = (xn - p0[0]) * ax + (yn - p0[1]) * ay
    across = (xn - p0[0]) * nx + (yn - p0[1]) * ny
    clipped = np.clip(along, 0.0, length)
    perp = np.abs(across - np.interp(clipped, s, offset)) / np.sqrt(1.0 + np.interp(clipped, s, slope) ** 2)
    dist = np.sqrt(perp**2 + (along - clipped) ** 2).astype(np.float32)
    bed = (bed0 + (bed1 - bed0) * clipped / length).astype(np.float32)

    halfwidth = max(spec.halfwidth_frac, 0.75 * frame.resolution / frame.scale)
    scale_cells = frame.scale / frame.resolution
    row = int(np.clip(np.floor(p0[1] * scale_cells), 0, frame.rows - 1))
    col = int(np.clip(np.floor(p0[0] * scale_cells), 0, frame.cols - 1))
    return Channel(
        spec=spec,
        d=dist,
        bed=bed,
        halfwidth=float(halfwidth),
        start_cell=(row, col),
        line_x=p0[0] + s * ax + offset * nx,
        line_y=p0[1] + s * ay + offset * ny,
        line_bed=bed0 + (bed1 - bed0) * s / length,
    )


def _valley(ch: Channel, bank: float, gradient: float, width: float | None = None) -> np.ndarray:
    """Channel floor at the bed, a bank of ``bank`` shape metres, then a side slope rising away.

    With ``width`` (fraction of L) the sides steepen sharply beyond it, so ``min(terrain,
    valley)`` cuts a valley of that half-width through higher ground and leaves the rest.
    """
    hw = np.float32(ch.halfwidth)
    rise = bank * smoothstep(float(hw), float(hw) + 0.03, ch.d) + np.float32(gradient) * np.maximum(ch.d - hw, 0)
    if width is not None:
        rise += np.float32(4000.0) * np.maximum(ch.d - np.float32(width), 0)
    return ch.bed + rise


def _bump(
    field: np.ndarray,
    frame: Frame,
    centre: tuple[float, float],
    half_length: float,
    half_width: float,
    angle: float,
    height: float,
) -> None:
    """Add an elongated hill (in place) within its bounding window."""
    cx, cy = frame.to_norm(*centre)
    reach = 2.5 * max(half_length, half_width)
    cells = frame.scale / frame.resolution
    r0, r1 = max(0, int((cy - reach) * cells)), min(frame.rows, int((cy + reach) * cells) + 1)
    c0, c1 = max(0, int((cx - reach) * cells)), min(frame.cols, int((cx + reach) * cells) + 1)
    if r0 >= r1 or c0 >= c1:
        return
    dx = frame.xn[:, c0:c1] - np.float32(cx)
    dy = frame.yn[r0:r1, :] - np.float32(cy)
    ca, sa = np.float32(np.cos(angle)), np.float32(np.sin(angle))
    along = (dx * ca + dy * sa) / np.float32(half_length)
    across = (-dx * sa + dy * ca) / np.float32(half_width)
    field[r0:r1, c0:c1] += np.float32(height) * np.exp(-(along**4) - across**2)


def _massif(noise: np.ndarray) -> np.ndarray:
    """Mountain texture in [0, 1]: sharp ridged crests blended with rounded fractal relief."""
    return 0.55 * ridged(noise) + 0.45 * np.clip(0.5 + 0.3 * noise, 0.0, 1.0)


def _jinan(frame: Frame, preset: Preset, rng: np.random.Generator):
    ch = _channel(frame, preset.rivers[0], rng)
    n_plain = fractal(frame.shape, rng, exponent=3.0)
    n_mount = fractal(frame.shape, rng, exponent=3.3)
    n_front = fractal(frame.shape, rng, exponent=4.0, max_size=256)
    fade = smoothstep(ch.halfwidth, ch.halfwidth + 0.12, ch.d)
    shape = _valley(ch, bank=3.0, gradient=45.0) + 3.5 * n_plain * fade
    mountains = smoothstep(0.5, 0.9, frame.v + 0.07 * n_front)
    shape += preset.relief * mountains * (0.2 + 0.8 * _massif(n_mount))
    hills = np.zeros(frame.shape, dtype=np.float32)
    for _ in range(3):  # isolated hills of the northern plain (Huashan, Queshan, ...)
        centre = (rng.uniform(0.15, 0.85), rng.uniform(0.27, 0.36))
        length, width = rng.uniform(0.02, 0.035), rng.uniform(0.015, 0.025)
        _bump(hills, frame, centre, length, width, rng.uniform(0, np.pi), rng.uniform(0.07, 0.13) * preset.relief)
    shape += hills * (0.5 + 0.5 * _massif(n_mount)) * fade
    return shape, [ch], np.zeros(frame.shape, dtype=bool), np.full(frame.shape, np.inf, dtype=np.float32)


def _shenzhen(frame: Frame, preset: Preset, rng: np.random.Generator):
    u, v = frame.u, frame.v
    south = 0.86 + 0.025 * fractal_1d(frame.cols, rng, exponent=2.5)[None, :].astype(np.float32)
    south -= 0.1 * np.exp(-(((u - 0.8) / 0.07) ** 2)) + 0.08 * np.exp(-(((u - 0.22) / 0.08) ** 2))
    west_on = smoothstep(0.2, 0.32, v)
    west = (0.05 + 0.06 * smoothstep(0.3, 0.95, v)) + 0.012 * fractal_1d(frame.rows, rng, exponent=2.5)[:, None]
    west = west * west_on - 0.05 * (1 - west_on)
    sea = (v > south) | (u < west)
    coast = np.maximum(np.minimum((south - v) * frame.hn, (u - west) * frame.wn), 0).astype(np.float32)
    ch = _channel(frame, preset.rivers[0], rng)
    n_plain = fractal(frame.shape, rng, exponent=3.0)
    n_mount = fractal(frame.shape, rng, exponent=3.2)
    n_front = fractal(frame.shape, rng, exponent=4.0, max_size=256)
    hills_mask = smoothstep(0.35, 0.9, u + 0.35 * (v - 0.45) + 0.08 * n_front)
    near_coast = smoothstep(0.0, 0.1, coast)
    hills = preset.relief * (0.16 + 0.84 * hills_mask) * (0.1 + 0.9 * _massif(n_mount)) * near_coast
    shape = 1.5 + 35.0 * coast + 2.5 * n_plain * near_coast + hills
    shape = np.minimum(shape, _valley(ch, bank=3.0, gradient=60.0, width=0.05))
    shape = np.maximum(shape, 1.0)
    shape[sea] = 0.0
    return shape, [ch], sea, np.where(sea, 0.0, coast).astype(np.float32)


def _wuhan(frame: Frame, preset: Preset, rng: np.random.Generator):
    yangtze = _channel(frame, preset.rivers[0], rng)
    han = _channel(frame, preset.rivers[1], rng, join=yangtze)
    regional = np.minimum(_valley(yangtze, 2.5, 25.0), _valley(han, 2.0, 25.0))
    bank = np.minimum(yangtze.d - yangtze.halfwidth, han.d - han.halfwidth)
    fade = smoothstep(0.0, 0.1, bank)
    n_plain = fractal(frame.shape, rng, exponent=3.0)
    n_mount = fractal(frame.shape, rng, exponent=3.3)
    n_front = fractal(frame.shape, rng, exponent=4.0, max_size=256)
    hills = preset.relief * smoothstep(0.3, 0.02, frame.v + 0.06 * n_front) * (0.2 + 0.8 * _massif(n_mount))
    ridges = np.zeros(frame.shape, dtype=np.float32)
    for _ in range(6):  # low east-west ridges (Hongshan, Sheshan, Guishan, Moshan, ...)
        centre = (rng.uniform(0.1, 0.9), rng.uniform(0.3, 0.92))
        length, width = rng.uniform(0.06, 0.14), rng.uniform(0.01, 0.02)
        angle = np.deg2rad(rng.uniform(-20, 20))
        _bump(ridges, frame, centre, length, width, angle, rng.uniform(0.2, 0.4) * preset.relief)
    ridges *= 0.25 + 0.75 * _massif(n_mount) + 0.2 * n_plain
    shape = regional + (2.0 * n_plain + hills + ridges) * fade
    return shape, [yangtze, han], np.zeros(frame.shape, dtype=bool), np.full(frame.shape, np.inf, dtype=np.float32)


_SHAPERS = {"jinan": _jinan, "shenzhen": _shenzhen, "wuhan": _wuhan}


def _lake_mask(frame: Frame, centre: tuple[float, float], radius: float, rng: np.random.Generator) -> tuple:
    """Star-shaped lake outline in its window: returns (row slice, col slice, local mask)."""
    cx, cy = centre
    cells = frame.scale / frame.resolution
    reach = 1.6 * radius + 3.0 / cells
    r0, r1 = max(0, int((cy - reach) * cells)), min(frame.rows, int((cy + reach) * cells) + 2)
    c0, c1 = max(0, int((cx - reach) * cells)), min(frame.cols, int((cx + reach) * cells) + 2)
    dx = frame.xn[:, c0:c1] - np.float32(cx)
    dy = frame.yn[r0:r1, :] - np.float32(cy)
    theta = np.arctan2(dy, dx)
    edge = np.ones_like(theta)
    for k in range(2, 6):
        edge += rng.uniform(0.0, 0.22 / k * 2) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    mask = np.hypot(dx, dy) <= radius * edge
    return slice(r0, r1), slice(c0, c1), mask


def _add_lakes(frame: Frame, preset: Preset, dem: np.ndarray, clearance: np.ndarray, rng: np.random.Generator):
    count, rmin, rmax = preset.lakes
    u0, u1, v0, v1 = preset.lake_zone
    min_radius = 2.6 * frame.resolution / frame.scale
    lakes = np.zeros(frame.shape, dtype=bool)
    placed: list[tuple[float, float, float]] = []
    for _ in range(60 * count):
        if len(placed) >= count:
            break
        radius = max(rng.uniform(rmin, rmax), min_radius)
        cx, cy = frame.to_norm(rng.uniform(u0, u1), rng.uniform(v0, v1))
        margin = 1.4 * radius + 2 * frame.resolution / frame.scale
        if not (margin < cx < frame.wn - margin and margin < cy < frame.hn - margin):
            continue
        row, col = int(cy * frame.scale / frame.resolution), int(cx * frame.scale / frame.resolution)
        if clearance[row, col] < 1.4 * radius + 0.015:
            continue
        if any(np.hypot(cx - x, cy - y) < 1.4 * (radius + r) + 0.02 for x, y, r in placed):
            continue
        rs, cs, mask = _lake_mask(frame, (cx, cy), radius, rng)
        if mask.sum() < 12:
            continue
        ring = ndimage.binary_dilation(mask, iterations=2) & ~mask
        window = dem[rs, cs]
        level = float(window[ring].min())
        if float(window[ring].max()) - level > max(3.0, 0.04 * 2 * radius * frame.scale):
            continue  # lakes sit in gentle terrain (valley floors, plains), not on hillsides
        window[mask] = level - 1.0
        lakes[rs, cs] |= mask
        placed.append((cx, cy, radius))
    return lakes, len(placed)


def build_terrain(frame: Frame, preset: Preset, rng: np.random.Generator) -> Terrain:
    """Raw DEM in metres with its channels, lakes and sea for ``preset`` on ``frame``."""
    shape, channels, sea, coast = _SHAPERS[preset.name](frame, preset, rng)
    dem = (preset.base_elevation + frame.relief_scale * shape).astype(np.float64)
    dem[sea] = 0.0
    river = np.full(frame.shape, np.inf, dtype=np.float32)
    for ch in channels:
        np.minimum(river, np.maximum(ch.d - np.float32(ch.halfwidth), 0), out=river)
    clearance = np.minimum(river, coast)
    lakes, count = _add_lakes(frame, preset, dem, clearance, rng)
    return Terrain(dem, sea, lakes & ~sea, count, channels, coast, river)
