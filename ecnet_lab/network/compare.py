"""Compare two or more ecological networks (before/after, years, PFO/PPO/SO scenarios) in one table.

:func:`compare_networks` computes, for every network, the structure indices (alpha, beta, gamma), the
whole-graph figures, the means of the node topology metrics and the robustness fits of the chosen attacks,
and returns them as one tidy table (``scenario``, ``group``, ``metric``, ``value``), plus the attack
curves long (one row per scenario, attack and step) and wide (interpolated on a common
``fraction_removed`` grid, ready for ``frame.plot()``).

With ``baseline`` set, the table gains ``change`` = (value - baseline value) / |baseline value|: for a
degradation slope, -0.68 against a baseline of -0.90 gives +0.24, the Wuhan paper's "24 % slower
degradation". Every network is attacked with the same ``seed``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_int
from .robustness import ATTACKS, QUANTITIES, AttackResult, robustness, robustness_curves
from .structure import FORMULAS, structure_indices
from .topology import TOPOLOGY_METRICS, graph_summary, topology_table

__all__ = ["NetworkComparison", "compare_networks"]


@dataclass(frozen=True)
class NetworkComparison:
    """Result of :func:`compare_networks`.

    Attributes
    ----------
    table : DataFrame
        Tidy: ``scenario``, ``group`` (structure, graph, topology, robustness), ``metric``, ``value``
        (+ ``change`` relative to the baseline when one was given).
    curves_long : DataFrame
        ``scenario``, ``attack``, ``target``, ``fraction_removed``, ``R``, ``lcc_fraction`` and band columns.
    curves : DataFrame
        Wide: index ``fraction_removed`` (common grid), columns MultiIndex (``quantity``, ``scenario``,
        ``attack``), values linearly interpolated from each curve; ``curves["R"].plot()`` draws one line
        per scenario and attack.
    attacks : dict
        ``{scenario: {attack: AttackResult}}``.
    """

    table: pd.DataFrame
    curves_long: pd.DataFrame
    curves: pd.DataFrame
    attacks: dict[str, dict[str, AttackResult]] = field(repr=False)

    def wide_table(self) -> pd.DataFrame:
        """Metrics as rows, scenarios as columns (same order as given)."""
        wide = self.table.pivot_table(index=["group", "metric"], columns="scenario", values="value", sort=False)
        return wide[list(dict.fromkeys(self.table["scenario"]))]


def compare_networks(
    networks: Mapping[str, Any],
    *,
    attacks: Sequence[str] = ("random", "degree"),
    n_runs: int = 100,
    seed: int | None = 0,
    weight: str | None = None,
    structure_nodes: str | None = None,
    formula: str = "planar",
    baseline: str | None = None,
    grid_points: int = 101,
    fit_range: tuple[float, float] = (0.0, 1.0),
    progress: bool = False,
) -> NetworkComparison:
    """Compare networks on structure, topology and robustness.

    Parameters
    ----------
    networks : mapping of label -> EcologicalNetwork or networkx.Graph
        At least one network; labels become the ``scenario`` column (keep insertion order).
    attacks : sequence of str
        Names from :data:`~ecnet_lab.network.ATTACKS` (``"random"``, ``"degree"``, ...).
    n_runs, seed : int
        Monte-Carlo runs and seed of random attacks (same seed for every network).
    weight : str, optional
        Edge distance attribute for betweenness/closeness (``None``: hops).
    structure_nodes : {None, "sources", "intersections"}
        Node definition for alpha/beta/gamma (see :func:`~ecnet_lab.network.structure_indices`).
    formula : {"planar", "nonplanar"}
        Alpha/gamma formula.
    baseline : str, optional
        Label of the reference network for the ``change`` column.
    grid_points : int
        Points of the common ``fraction_removed`` grid of the wide curve frame (>= 2).
    fit_range : (float, float)
        x-range of the regression lines.
    progress : bool
        Progress bars for the attacks.

    Returns
    -------
    NetworkComparison

    Examples
    --------
    >>> import networkx as nx
    >>> comp = compare_networks({"ring": nx.cycle_graph(6), "ring+chord": nx.Graph([*nx.cycle_graph(6).edges, (0, 3)])},
    ...                         attacks=["degree"], baseline="ring")
    >>> comp.wide_table().loc[("structure", "gamma")].round(3).tolist()
    [0.5, 0.583]
    """
    if not isinstance(networks, Mapping) or len(networks) == 0:
        raise ValueError("networks must be a non-empty mapping {label: network}")
    if isinstance(attacks, str):
        attacks = [attacks]
    for name in attacks:
        check_choice("attacks", name, ATTACKS)
    check_choice("formula", formula, FORMULAS)
    if baseline is not None:
        check_choice("baseline", baseline, list(networks))
    grid_points = check_int("grid_points", grid_points, minimum=2)

    rows: list[dict[str, Any]] = []
    results: dict[str, dict[str, AttackResult]] = {}
    for label, net in networks.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # NaN for v < 3 is recorded in the table anyway
            struct = structure_indices(net, nodes=structure_nodes, formula=formula)
        for key in ("alpha", "beta", "gamma", "l", "v"):
            rows.append(_row(label, "structure", key, struct[key]))
        for key, value in graph_summary(net).items():
            rows.append(_row(label, "graph", key, value))
        topo = topology_table(net, weight=weight)
        for metric in TOPOLOGY_METRICS[1:]:  # mean degree is already in the graph group
            rows.append(_row(label, "topology", f"mean_{metric}", topo[metric].mean()))
        res = robustness(net, attacks, n_runs=n_runs, seed=seed, weight=weight, fit_range=fit_range, progress=progress)
        results[label] = res
        for name, result in res.items():
            for quantity in QUANTITIES:
                for stat in ("slope", "r2", "auc"):
                    rows.append(_row(label, "robustness", f"{name}_{stat}_{quantity}", result.fit.loc[quantity, stat]))
            if result.strategy == "random":
                rows.append(_row(label, "robustness", f"{name}_se_max_R", result.standard_error))

    table = pd.DataFrame(rows)
    if baseline is not None:
        base = table[table["scenario"] == baseline].set_index(["group", "metric"])["value"]
        ref = table.set_index(["group", "metric"]).index.map(base).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            table["change"] = np.where(ref != 0, (table["value"].to_numpy(dtype=float) - ref) / np.abs(ref), np.nan)

    frames = []
    for label, res in results.items():
        frame = robustness_curves(res)
        frame.insert(0, "scenario", label)
        frames.append(frame)
    curves_long = pd.concat(frames, ignore_index=True)
    return NetworkComparison(table, curves_long, _wide_curves(curves_long, grid_points), results)


def _row(scenario: str, group: str, metric: str, value: Any) -> dict[str, Any]:
    return {"scenario": scenario, "group": group, "metric": metric, "value": float(value)}


def _wide_curves(curves_long: pd.DataFrame, grid_points: int) -> pd.DataFrame:
    grid = np.linspace(0.0, 1.0, grid_points)
    columns = {}
    for (scenario, attack_name), part in curves_long.groupby(["scenario", "attack"], sort=False):
        x = part["fraction_removed"].to_numpy(dtype=float)
        for quantity in QUANTITIES:
            y = part[quantity].to_numpy(dtype=float)
            values = np.interp(grid, x, y) if len(x) > 1 else np.full(grid_points, y[0])
            values[grid > x.max() + 1e-12] = np.nan  # no extrapolation past the last state
            columns[(quantity, scenario, attack_name)] = values
    wide = pd.DataFrame(columns, index=pd.Index(grid, name="fraction_removed"))
    wide.columns = pd.MultiIndex.from_tuples(wide.columns, names=["quantity", "scenario", "attack"])
    return wide
