"""Gravity model of interaction strength between sources (Kong et al. 2010).

Kong F., Yin H., Nakagoshi N., Zong Y. (2010) *Landscape and Urban Planning* 95: 16-27:

    G_ab = N_a N_b / D_ab**2,   N = (1 / P) ln(S),   D_ab = L_ab / L_max

with ``P`` the resistance of a source (here: the mean resistance of its cells), ``S``
its area (in ``area_unit``, m² by default so that ``ln(S) > 0`` for any real patch),
``L_ab`` the cumulative resistance of the corridor between a and b (its least-cost
distance, cost-weighted m) and ``L_max`` the largest ``L_ab`` among the corridors
considered (the kept corridors for :func:`gravity`, all connected pairs for
:func:`gravity_matrix`). ``G`` is dimensionless and only comparable within one study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import check_choice
from ..costdistance import CostDistances
from .pathways import LinkagePathways

__all__ = ["AREA_UNITS", "gravity", "gravity_matrix", "source_mass"]

AREA_UNITS = {"m2": 1e6, "ha": 100.0, "km2": 1.0}


def _unpack(costs, corridors):
    if isinstance(costs, LinkagePathways):
        return costs.costs, (costs.corridors if corridors is None else corridors)
    if not isinstance(costs, CostDistances):
        raise TypeError(f"costs must be a CostDistances or LinkagePathways, got {type(costs).__name__}")
    return costs, corridors


def source_mass(costs: CostDistances | LinkagePathways, *, areas=None, area_unit: str = "m2") -> pd.DataFrame:
    """``N = ln(S) / P`` of every source, with ``S`` its area and ``P`` its mean resistance.

    Parameters
    ----------
    costs
        Cost distances (labels and resistance) or a Linkage Pathways result.
    areas
        Optional table (DataFrame/GeoDataFrame) with ``source_id`` and ``area_km2``
        (e.g. the sources of :mod:`ecnet_lab.sources`); default: area of the source cells.
    area_unit
        Unit of ``S`` inside the logarithm: ``"m2"`` (default), ``"ha"`` or ``"km2"``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.full((2, 4), 2.0), dims=("y", "x"), coords={"y": [15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 3] = 2
    >>> round(float(source_mass(cost_distances(r, lab, progress=False)).loc[1, "mass"]), 4)  # ln(200 m2) / 2
    2.6492
    """
    costs, _ = _unpack(costs, None)
    check_choice("area_unit", area_unit, tuple(AREA_UNITS))
    table = costs.centroids()[["area_km2"]].copy()
    if areas is not None:
        if "source_id" not in areas.columns or "area_km2" not in areas.columns:
            raise ValueError("areas must have columns 'source_id' and 'area_km2'")
        given = pd.Series(np.asarray(areas["area_km2"], dtype=float), index=np.asarray(areas["source_id"], dtype=int))
        missing = sorted(set(costs.source_ids.tolist()) - set(given.index.tolist()))
        if missing:
            raise ValueError(f"areas has no row for sources {missing!r}")
        table["area_km2"] = given.reindex(table.index).to_numpy()
    res = np.asarray(costs.resistance.values, dtype=float).ravel()
    table["mean_resistance"] = [float(np.mean(res[costs.cells(s)])) for s in table.index]
    size = table["area_km2"].to_numpy() * AREA_UNITS[area_unit]
    if (size <= 0).any():
        raise ValueError("source areas must be > 0")
    table["mass"] = np.log(size) / table["mean_resistance"].to_numpy()
    return table


def _gravity_values(mass: pd.Series, a: np.ndarray, b: np.ndarray, lcd: np.ndarray, lmax: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        d = lcd / lmax
        g = mass.loc[a].to_numpy() * mass.loc[b].to_numpy() / d**2
    return np.where(np.isfinite(lcd) & (lcd > 0), g, np.nan)


def gravity(
    costs: CostDistances | LinkagePathways,
    corridors: pd.DataFrame | None = None,
    *,
    areas=None,
    area_unit: str = "m2",
):
    """Add the gravity ``G_ab`` of every corridor as a ``gravity`` column (copy of the table).

    ``L_max`` is the largest LCD among these corridors.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.linkage import linkage_pathways
    >>> r = xr.DataArray(np.ones((2, 5)), dims=("y", "x"), coords={"y": [15.0, 5.0], "x": np.arange(5) * 10 + 5.0})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> lp = linkage_pathways(r, lab, progress=False)
    >>> round(float(gravity(lp).gravity.iloc[0]), 3)  # (ln 200)^2 / (40/40)^2
    28.072
    """
    costs, corridors = _unpack(costs, corridors)
    if corridors is None:
        raise ValueError("corridors are needed with a CostDistances")
    for col in ("from_id", "to_id", "lcd"):
        if col not in corridors.columns:
            raise ValueError(f"corridors lacks column {col!r}")
    out = corridors.copy()
    mass = source_mass(costs, areas=areas, area_unit=area_unit)["mass"]
    lcd = out["lcd"].to_numpy(dtype=float)
    finite = lcd[np.isfinite(lcd)]
    lmax = float(finite.max()) if finite.size else np.nan
    out["gravity"] = _gravity_values(
        mass, out["from_id"].to_numpy(dtype=int), out["to_id"].to_numpy(dtype=int), lcd, lmax
    )
    out.attrs["gravity_lmax"] = lmax
    return out


def gravity_matrix(costs: CostDistances | LinkagePathways, *, areas=None, area_unit: str = "m2") -> pd.DataFrame:
    """Gravity between every pair of sources (``L_max`` = largest finite pairwise LCD; NaN diagonal).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.costdistance import cost_distances
    >>> r = xr.DataArray(np.ones((2, 5)), dims=("y", "x"), coords={"y": [15.0, 5.0], "x": np.arange(5) * 10 + 5.0})
    >>> lab = xr.zeros_like(r, dtype="int32"); lab[:, 0] = 1; lab[:, 4] = 2
    >>> gravity_matrix(cost_distances(r, lab, progress=False)).shape
    (2, 2)
    """
    costs, _ = _unpack(costs, None)
    mass = source_mass(costs, areas=areas, area_unit=area_unit)["mass"]
    lcd = costs.lcd_matrix()
    vals = lcd.to_numpy()
    off = ~np.eye(len(vals), dtype=bool)
    finite = vals[off & np.isfinite(vals)]
    lmax = float(finite.max()) if finite.size else np.nan
    ids = lcd.index.to_numpy()
    a, b = np.meshgrid(ids, ids, indexing="ij")
    g = _gravity_values(mass, a.ravel(), b.ravel(), vals.ravel(), lmax).reshape(vals.shape)
    g[~off] = np.nan
    out = pd.DataFrame(g, index=lcd.index, columns=lcd.columns)
    out.attrs["gravity_lmax"] = lmax
    return out
