"""Drainage of a raw DEM: fill, route, accumulate, carve the streams and trace them as lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._frame import Frame
from ._hydro import carve_streams, d8_receivers, descending_order, flow_accumulation, priority_flood, stream_paths
from ._terrain import Terrain

__all__ = ["Drainage", "RiverPath", "route"]

STREAM_THRESHOLD_FRACTION = 0.006  # upstream area (fraction of the map) where a stream begins
WATER_THRESHOLD_FACTOR = 8.0  # streams this many times the threshold are mapped as water in the land cover


@dataclass
class RiverPath:
    """One traced river line: flat cell indices from upstream to downstream."""

    cells: np.ndarray
    name: str
    kind: str  # "main", "river" or "stream"
    upstream_cells: float


@dataclass
class Drainage:
    dem: np.ndarray  # float64, filled and carved
    accumulation: np.ndarray  # upstream cells (external inflow included)
    stream: np.ndarray  # bool
    water: np.ndarray  # bool: sea, lakes, main channels and large streams
    channel: np.ndarray  # bool: main channels
    paths: list[RiverPath]


def _four_connected(mask: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """Add one orthogonal cell at every diagonal D8 step so a traced line is 4-connected."""
    cols = mask.shape[1]
    out = mask.copy()
    cells = np.flatnonzero(mask)
    down = rec[cells]
    keep = down >= 0
    cells, down = cells[keep], down[keep]
    r0, c0 = np.divmod(cells, cols)
    r1, c1 = np.divmod(down, cols)
    diag = (r0 != r1) & (c0 != c1)
    out[r0[diag], c1[diag]] = True
    return out


def route(frame: Frame, terrain: Terrain) -> Drainage:
    """Fill the raw DEM, route flow (D8), carve the streams and trace them downhill."""
    cols = frame.cols
    n = frame.size
    outlet = terrain.sea.copy()
    outlet[0, :] = outlet[-1, :] = True
    outlet[:, 0] = outlet[:, -1] = True
    weight = np.ones(frame.shape, dtype=np.float64)
    inflow: dict[int, str] = {}
    for ch in terrain.channels:
        r, c = ch.start_cell
        outlet[r, c] = False
        weight[r, c] += ch.spec.inflow_area * n
        inflow[r * cols + c] = ch.spec.name
    filled = priority_flood(terrain.dem, outlet)
    rec = d8_receivers(filled, outlet)
    order = descending_order(filled)
    acc = flow_accumulation(filled, rec, weight, order)

    threshold = max(12.0, STREAM_THRESHOLD_FRACTION * n)
    stream = (acc >= threshold) & ~terrain.sea
    channel = np.zeros(frame.shape, dtype=bool)
    for ch in terrain.channels:
        channel |= ch.d <= np.float32(ch.halfwidth)
    channel &= ~terrain.sea
    surface = terrain.sea | terrain.lakes | channel
    incision = frame.relief_scale * np.clip(0.8 + 1.2 * np.log10(np.maximum(acc, 1.0) / threshold), 0.0, 4.0)
    dem = carve_streams(filled, rec, stream, incision, surface, order)

    big = stream & (acc >= WATER_THRESHOLD_FACTOR * threshold)
    water = surface | _four_connected(big, rec)

    flat_acc = acc.ravel()
    paths = []
    for cells, ends_on_junction in stream_paths(rec, stream, acc):
        if cells.size < 2:
            continue
        names = [inflow[c] for c in cells.tolist() if c in inflow]
        down = float(flat_acc[cells[-2] if ends_on_junction else cells[-1]])
        if names:
            kind, name = "main", names[0]
        else:
            kind = "river" if down >= WATER_THRESHOLD_FACTOR * threshold else "stream"
            name = ""
        paths.append(RiverPath(cells, name, kind, down))
    return Drainage(dem, acc, stream, water, channel, paths)
