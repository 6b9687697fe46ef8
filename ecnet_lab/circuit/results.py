"""Result objects of the circuit modes (plain containers of DataArrays and DataFrames)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import xarray as xr

__all__ = [
    "AdvancedResult",
    "NetworkAdvancedResult",
    "NetworkPairwiseResult",
    "OneToAllResult",
    "PairwiseResult",
    "resistances_to_3columns",
]


def resistances_to_3columns(resistances: pd.DataFrame) -> pd.DataFrame:
    """Upper triangle of a resistance matrix as rows ``from``, ``to``, ``resistance``.

    Examples
    --------
    >>> m = pd.DataFrame([[0, 2.0], [2.0, 0]], index=[1, 2], columns=[1, 2])
    >>> resistances_to_3columns(m).values.tolist()
    [[1.0, 2.0, 2.0]]
    """
    ids = list(resistances.index)
    vals = resistances.to_numpy(dtype=float)
    rows = [(ids[i], ids[j], vals[i, j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    return pd.DataFrame(rows, columns=["from", "to", "resistance"])


@dataclass
class PairwiseResult:
    """Pairwise mode: effective resistances and current/voltage maps.

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistance (ohms) between focal ids; 0 on the diagonal, -1 where the two
        ids are not connected, NaN for pairs excluded by ``included_pairs``/``excluded_pairs``.
    cumulative_current : xarray.DataArray or None
        Sum over all solved pairs of the current map with 1 A injected per pair.
    max_current : xarray.DataArray or None
        Cell-wise maximum over the pairs' current maps.
    current_maps, voltage_maps : dict
        ``{(i, j): DataArray}`` per pair (``i < j``; ``i`` grounded, 1 A injected at ``j``).
    """

    resistances: pd.DataFrame
    cumulative_current: xr.DataArray | None = None
    max_current: xr.DataArray | None = None
    current_maps: dict = field(default_factory=dict)
    voltage_maps: dict = field(default_factory=dict)
    solver: str = "amg"
    focal_regions: str = "all"
    n_solves: int = 0

    def resistances_3columns(self) -> pd.DataFrame:
        """Resistances as ``from``, ``to``, ``resistance`` rows (Circuitscape's 3-column file)."""
        return resistances_to_3columns(self.resistances)


@dataclass
class OneToAllResult:
    """One-to-all or all-to-one mode.

    Attributes
    ----------
    mode : str
        ``"one-to-all"`` or ``"all-to-one"``.
    resistances : pandas.Series
        One-to-all: effective resistance between each focal id and all other focal ids
        grounded together (-1 when it has no other focal id in its component). All-to-one:
        0 where a solve happened, -1 otherwise (as Circuitscape writes it).
    cumulative_current, max_current : xarray.DataArray or None
        Sum and cell-wise maximum of the per-focal-id current maps.
    current_maps, voltage_maps : dict
        ``{id: DataArray}`` per focal id when requested.
    """

    mode: str
    resistances: pd.Series
    cumulative_current: xr.DataArray | None = None
    max_current: xr.DataArray | None = None
    current_maps: dict = field(default_factory=dict)
    voltage_maps: dict = field(default_factory=dict)
    solver: str = "amg"
    n_solves: int = 0


@dataclass
class AdvancedResult:
    """Advanced mode: voltages (V) and node currents (A) for given sources and grounds."""

    voltage: xr.DataArray
    current: xr.DataArray | None
    solver: str = "amg"
    n_solves: int = 0


@dataclass
class NetworkPairwiseResult:
    """Pairwise mode on a network (graph) input.

    Attributes
    ----------
    resistances : pandas.DataFrame
        Effective resistances between focal nodes (-1 = not connected, 0 on the diagonal).
    node_currents : pandas.DataFrame or None
        Cumulative node currents over all pairs: columns ``node``, ``current_A``.
    branch_currents : pandas.DataFrame or None
        Cumulative branch currents: columns ``node1``, ``node2``, ``current_A``.
    voltages, pair_node_currents, pair_branch_currents : dict
        Per pair ``(i, j)`` tables when requested (``i`` grounded, 1 A injected at ``j``).
    """

    resistances: pd.DataFrame
    node_currents: pd.DataFrame | None = None
    branch_currents: pd.DataFrame | None = None
    voltages: dict = field(default_factory=dict)
    pair_node_currents: dict = field(default_factory=dict)
    pair_branch_currents: dict = field(default_factory=dict)
    solver: str = "amg"
    n_solves: int = 0

    def resistances_3columns(self) -> pd.DataFrame:
        """Resistances as ``from``, ``to``, ``resistance`` rows."""
        return resistances_to_3columns(self.resistances)


@dataclass
class NetworkAdvancedResult:
    """Advanced mode on a network: node voltages, node currents and branch currents."""

    voltages: pd.Series
    node_currents: pd.DataFrame
    branch_currents: pd.DataFrame
    solver: str = "amg"
    n_solves: int = 0
