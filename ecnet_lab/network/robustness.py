"""Robustness of an ecological network under random and targeted attacks.

Wuhan paper, section 2.2.4 ("Evaluation of Optimization Effectiveness").

Definition (Wuhan paper)::

    R = C / (N - N_r)

with ``C`` the number of nodes in the largest connected component after the attack, ``N`` the total number
of nodes and ``N_r`` the number of removed nodes: R is the share of the *remaining* nodes that still form
one connected network. "Random attack deletes nodes arbitrarily and targeted attack removes nodes in
descending order of degree"; the degradation is summarised by the slope (and R^2) of a least-squares line
fitted to the curve (e.g. -1.11, R^2 = 0.96 for random and -0.90, R^2 = 0.81 for targeted attacks on the
original Wuhan network; -0.68 targeted after PFO, i.e. (0.90 - 0.68)/0.90 = 24 % slower degradation).

Curves (what this module returns)
    x = ``fraction_removed`` = k / N for k = 0, 1, ..., N - 1 removed nodes (every state with at least one
    node left; at k = N, R is 0/0). Two quantities per step: ``R`` = C / (N - k) and ``lcc_fraction`` =
    C / N (the classic largest-component fraction). Note that R rises back towards 1 when only a few
    isolated nodes remain (C = 1 over N - k = 1 at the last step), while C / N falls to 1/N; the paper's
    near-linear fits with slopes below -1 are closer to the behaviour of C / N, so both are fitted and
    ``fit_range`` restricts the x-range of the fit.

Fit
    Ordinary least squares of the quantity on ``fraction_removed`` over the points with x in ``fit_range``
    (inclusive); ``r2`` is the coefficient of determination (NaN when the quantity is constant). For random
    attacks the line is fitted to the mean curve (as a figure of the mean curve would be), and the mean and
    standard deviation of the per-run slopes are reported too. ``auc`` is the trapezoidal area under the
    curve over the whole x-range.

Strategies (``target="nodes"``)
    ``random`` (Monte-Carlo: ``n_runs`` uniformly random removal orders from ``numpy.random.default_rng(seed)``;
    the same seed gives identical results), ``degree`` (descending degree; ``recalculate=False``: the order of
    the intact network, ``True``: the highest *remaining* degree after each removal, O(N^2)), ``betweenness``
    (descending ``nx.betweenness_centrality``, static or recalculated; recalculated costs N betweenness
    computations), ``attribute`` (a node attribute, e.g. ``"area_km2"`` or ``"dPC"``, descending unless
    ``ascending=True``). Ties are broken by graph node order.

Edge attacks (``target="edges"``)
    ``random``, ``betweenness`` (``nx.edge_betweenness_centrality``) and ``attribute`` (e.g. ``"current"``).
    x = k / M for k = 0..M removed edges; no node is removed, so R = C / N = ``lcc_fraction``.

Random-attack uncertainty (columns of the curve): ``<q>_std`` (sample standard deviation over runs),
``<q>_se`` = std / sqrt(n_runs) (standard error of the mean curve, shrinking as 1/sqrt(n_runs)),
``<q>_q025``/``<q>_q975`` (2.5th/97.5th percentiles of the runs: the band where a single random attack
falls) and ``<q>_ci_low``/``<q>_ci_high`` = mean -/+ 1.96 SE (95 % confidence band of the mean curve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._checks import check_choice, check_int
from ._graph import as_graph, csr_arrays
from ._kernels import lcc_after_edge_removals, lcc_after_node_removals, recalculated_degree_order

TARGETS = ("nodes", "edges")
NODE_STRATEGIES = ("random", "degree", "betweenness", "attribute")
EDGE_STRATEGIES = ("random", "betweenness", "attribute")
QUANTITIES = ("R", "lcc_fraction")

#: Named attacks used by :func:`robustness` and :func:`~ecnet_lab.network.compare_networks`.
ATTACKS: dict[str, dict[str, Any]] = {
    "random": {"target": "nodes", "strategy": "random", "recalculate": False},
    "degree": {"target": "nodes", "strategy": "degree", "recalculate": False},
    "degree_recalculated": {"target": "nodes", "strategy": "degree", "recalculate": True},
    "betweenness": {"target": "nodes", "strategy": "betweenness", "recalculate": False},
    "betweenness_recalculated": {"target": "nodes", "strategy": "betweenness", "recalculate": True},
    "edge_random": {"target": "edges", "strategy": "random", "recalculate": False},
    "edge_betweenness": {"target": "edges", "strategy": "betweenness", "recalculate": False},
    "edge_betweenness_recalculated": {"target": "edges", "strategy": "betweenness", "recalculate": True},
}

__all__ = [
    "ATTACKS",
    "EDGE_STRATEGIES",
    "NODE_STRATEGIES",
    "AttackResult",
    "attack",
    "random_attack",
    "robustness",
    "robustness_curves",
    "targeted_attack",
]


@dataclass(frozen=True)
class AttackResult:
    """Curves and fits of one attack simulation.

    Attributes
    ----------
    target, strategy, recalculate :
        What was removed and how.
    n_nodes : int
        N, nodes of the intact network.
    n_items : int
        Items that could be removed (N nodes or M edges).
    n_runs : int
        Monte-Carlo runs (1 for deterministic attacks).
    seed : int or None
        Seed of random attacks.
    curve : DataFrame
        One row per step: ``removed``, ``fraction_removed``, ``lcc_size``, ``lcc_fraction``, ``R`` (means
        for random attacks, plus the uncertainty columns described in the module documentation);
        deterministic attacks also have ``last_removed`` (the node or edge removed to reach the row).
    fit : DataFrame
        Index ``quantity`` (``R``, ``lcc_fraction``); columns ``slope``, ``intercept``, ``r2``, ``n_points``,
        ``auc`` (+ ``slope_run_mean``, ``slope_run_std`` for random attacks).
    lcc_runs : ndarray or None
        Random attacks: largest-component sizes per run and step, shape (n_runs, steps).
    order : list
        Deterministic attacks: the removal order (node labels or (u, v) edges).
    """

    target: str
    strategy: str
    recalculate: bool
    n_nodes: int
    n_items: int
    n_runs: int
    seed: int | None
    curve: pd.DataFrame
    fit: pd.DataFrame
    lcc_runs: np.ndarray | None = field(default=None, repr=False)
    order: list[Any] | None = field(default=None, repr=False)

    @property
    def slope(self) -> float:
        """Slope of the R curve (the paper's degradation slope)."""
        return float(self.fit.loc["R", "slope"])

    @property
    def standard_error(self) -> float:
        """Largest standard error of the mean R curve over the steps (random attacks; 0 otherwise)."""
        if "R_se" not in self.curve.columns:
            return 0.0
        return float(np.nanmax(self.curve["R_se"].to_numpy())) if len(self.curve) else float("nan")

    def summary(self) -> dict[str, Any]:
        """Flat dict: options, slopes, R^2 and areas of both quantities, standard error."""
        out: dict[str, Any] = {
            "target": self.target,
            "strategy": self.strategy,
            "recalculate": self.recalculate,
            "n_nodes": self.n_nodes,
            "n_items": self.n_items,
            "n_runs": self.n_runs,
            "seed": self.seed,
        }
        for q in QUANTITIES:
            for col in self.fit.columns:
                out[f"{col}_{q}"] = self.fit.loc[q, col]
        out["standard_error_max"] = self.standard_error
        return out


def attack(
    network: Any,
    strategy: str = "random",
    *,
    target: str = "nodes",
    recalculate: bool = False,
    n_runs: int = 100,
    seed: int | None = 0,
    weight: str | None = None,
    attribute: str | None = None,
    ascending: bool = False,
    fit_range: tuple[float, float] = (0.0, 1.0),
    progress: bool = False,
) -> AttackResult:
    """Simulate an attack on nodes or edges and return the R and largest-component curves with their fits.

    Parameters
    ----------
    network : EcologicalNetwork or networkx.Graph
        The intact network (not empty).
    strategy : str
        Nodes: ``"random"``, ``"degree"``, ``"betweenness"``, ``"attribute"``; edges: ``"random"``,
        ``"betweenness"``, ``"attribute"``.
    target : {"nodes", "edges"}
        What is removed.
    recalculate : bool
        Degree/betweenness only: recompute the ranking on the remaining network after every removal.
    n_runs : int
        Monte-Carlo runs of a random attack (ignored otherwise).
    seed : int or None
        Seed of the random attack (``None``: not reproducible).
    weight : str, optional
        Edge attribute used as distance in betweenness (``None``: hops).
    attribute : str, optional
        Node or edge attribute ranking the removals when ``strategy="attribute"``.
    ascending : bool
        ``strategy="attribute"``: remove the lowest values first instead of the highest.
    fit_range : (float, float)
        Inclusive range of ``fraction_removed`` used for the regression lines.
    progress : bool
        Show a progress bar over random runs or recalculation steps.

    Returns
    -------
    AttackResult

    Examples
    --------
    >>> import networkx as nx
    >>> res = attack(nx.star_graph(4), "degree")
    >>> res.curve["R"].round(3).tolist()
    [1.0, 0.25, 0.333, 0.5, 1.0]
    """
    check_choice("target", target, TARGETS)
    check_choice("strategy", strategy, NODE_STRATEGIES if target == "nodes" else EDGE_STRATEGIES)
    if recalculate and strategy not in ("degree", "betweenness"):
        raise ValueError(f"recalculate=True is only defined for degree/betweenness attacks, not strategy={strategy!r}")
    if strategy == "attribute" and not attribute:
        raise ValueError("strategy='attribute' needs attribute=<name of a numeric node/edge attribute>")
    if strategy != "attribute" and attribute is not None:
        raise ValueError(f"attribute={attribute!r} is only used with strategy='attribute' (got {strategy!r})")
    fit_range = _check_fit_range(fit_range)
    graph = as_graph(network)
    nodes, indptr, indices, edges = csr_arrays(graph)
    n = len(nodes)

    if strategy == "random":
        n_runs = check_int("n_runs", n_runs, minimum=1)
        if seed is not None:
            seed = check_int("seed", seed, minimum=0)
        rng = np.random.default_rng(seed)
        size = n if target == "nodes" else len(edges)
        lcc = np.empty((n_runs, size + 1), dtype=np.int64)
        for r in tqdm(range(n_runs), desc=f"random {target} attack", disable=not progress):
            order = rng.permutation(size).astype(np.int64)[None, :]
            if target == "nodes":
                lcc[r] = lcc_after_node_removals(indptr, indices, order)[0]
            else:
                lcc[r] = lcc_after_edge_removals(n, edges, order)[0]
        return _random_result(target, n, size, n_runs, seed, lcc, fit_range)

    if target == "nodes":
        order = _node_order(
            graph, nodes, indptr, indices, strategy, recalculate, weight, attribute, ascending, progress
        )
        lcc = lcc_after_node_removals(indptr, indices, order[None, :])[0]
        labels = [nodes[i] for i in order]
        size = n
    else:
        order = _edge_order(graph, nodes, edges, strategy, recalculate, weight, attribute, ascending, progress)
        lcc = lcc_after_edge_removals(n, edges, order[None, :])[0]
        labels = [(nodes[edges[e, 0]], nodes[edges[e, 1]]) for e in order]
        size = len(edges)
    curve = _base_curve(target, n, size, lcc.astype(float))
    curve["last_removed"] = pd.Series([None, *labels[: len(curve) - 1]], dtype=object)
    fit = _fit_table(curve, fit_range)
    return AttackResult(target, strategy, recalculate, n, size, 1, None, curve, fit, None, labels)


def random_attack(
    network: Any,
    *,
    target: str = "nodes",
    n_runs: int = 100,
    seed: int | None = 0,
    fit_range: tuple[float, float] = (0.0, 1.0),
    progress: bool = False,
) -> AttackResult:
    """Monte-Carlo random attack: ``n_runs`` random removal orders, mean curve with SE and 95 % bands.

    See :func:`attack` for the parameters and the module documentation for the columns.

    Examples
    --------
    >>> import networkx as nx
    >>> a = random_attack(nx.cycle_graph(8), n_runs=50, seed=1)
    >>> b = random_attack(nx.cycle_graph(8), n_runs=50, seed=1)
    >>> bool((a.curve["R"] == b.curve["R"]).all())
    True
    """
    return attack(network, "random", target=target, n_runs=n_runs, seed=seed, fit_range=fit_range, progress=progress)


def targeted_attack(
    network: Any,
    by: str = "degree",
    *,
    target: str = "nodes",
    recalculate: bool = False,
    weight: str | None = None,
    attribute: str | None = None,
    ascending: bool = False,
    fit_range: tuple[float, float] = (0.0, 1.0),
    progress: bool = False,
) -> AttackResult:
    """Targeted attack removing nodes (or edges) in descending ``by`` order (degree by default).

    See :func:`attack` for the parameters.

    Examples
    --------
    >>> import networkx as nx
    >>> targeted_attack(nx.path_graph(5), recalculate=True).curve["R"].round(3).tolist()
    [1.0, 0.75, 0.333, 0.5, 1.0]
    """
    if by == "random":
        raise ValueError("by='random' is not a targeted attack; use random_attack()")
    return attack(
        network,
        by,
        target=target,
        recalculate=recalculate,
        weight=weight,
        attribute=attribute,
        ascending=ascending,
        fit_range=fit_range,
        progress=progress,
    )


def robustness(
    network: Any,
    attacks: Sequence[str] = ("random", "degree", "degree_recalculated", "betweenness"),
    *,
    n_runs: int = 100,
    seed: int | None = 0,
    weight: str | None = None,
    fit_range: tuple[float, float] = (0.0, 1.0),
    progress: bool = False,
) -> dict[str, AttackResult]:
    """Run several named attacks (see :data:`ATTACKS`) on one network.

    Examples
    --------
    >>> import networkx as nx
    >>> res = robustness(nx.complete_graph(5), ["random", "degree"], n_runs=10)
    >>> res["degree"].slope
    0.0
    """
    if isinstance(attacks, str):
        attacks = [attacks]
    for name in attacks:
        check_choice("attacks", name, ATTACKS)
    return {
        name: attack(
            network,
            ATTACKS[name]["strategy"],
            target=ATTACKS[name]["target"],
            recalculate=ATTACKS[name]["recalculate"],
            n_runs=n_runs,
            seed=seed,
            weight=weight,
            fit_range=fit_range,
            progress=progress,
        )
        for name in attacks
    }


def robustness_curves(results: Mapping[str, AttackResult]) -> pd.DataFrame:
    """Long, plot-ready frame of several attack curves: one row per (attack, step).

    Columns: ``attack``, ``target``, ``fraction_removed``, ``R``, ``lcc_fraction`` and, where available
    (random attacks), the ``*_ci_low``, ``*_ci_high``, ``*_q025``, ``*_q975`` and ``*_se`` band columns.

    Examples
    --------
    >>> import networkx as nx
    >>> frame = robustness_curves(robustness(nx.path_graph(4), ["degree"]))
    >>> list(frame.columns[:5])
    ['attack', 'target', 'fraction_removed', 'R', 'lcc_fraction']
    """
    frames = []
    for name, res in results.items():
        keep = ["fraction_removed", *QUANTITIES]
        keep += [c for c in res.curve.columns if c.startswith(QUANTITIES) and c not in keep]
        frame = res.curve[keep].copy()
        frame.insert(0, "target", res.target)
        frame.insert(0, "attack", name)
        frames.append(frame)
    if not frames:
        raise ValueError("results is empty; give at least one AttackResult")
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------------------------- helpers


def _check_fit_range(fit_range: tuple[float, float]) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in fit_range)
    except (TypeError, ValueError):
        raise ValueError(f"fit_range={fit_range!r} must be two numbers (low, high) within [0, 1]") from None
    if not (0.0 <= lo < hi <= 1.0):
        raise ValueError(f"fit_range={fit_range!r} is not allowed; it must satisfy 0 <= low < high <= 1")
    return lo, hi


def _ranking_order(scores: np.ndarray, ascending: bool = False) -> np.ndarray:
    """Indices by descending (or ascending) score, ties by index; scores rounded to absorb float noise."""
    scores = np.round(np.asarray(scores, dtype=float), 12)
    key = scores if ascending else -scores
    return np.lexsort((np.arange(len(scores)), key)).astype(np.int64)


def _attribute_scores(items: list[tuple[Any, dict]], attribute: str, kind: str) -> np.ndarray:
    values, bad = [], []
    for item, data in items:
        v = data.get(attribute)
        ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v)
        values.append(float(v) if ok else np.nan)
        if not ok:
            bad.append(item)
    if bad:
        raise ValueError(f"attribute={attribute!r}: {len(bad)} {kind}(s) lack a finite numeric value, e.g. {bad[:5]}")
    return np.asarray(values)


def _node_order(graph, nodes, indptr, indices, strategy, recalculate, weight, attribute, ascending, progress):
    if strategy == "degree":
        if recalculate:
            return recalculated_degree_order(indptr, indices)
        return _ranking_order(np.diff(indptr))
    if strategy == "attribute":
        return _ranking_order(_attribute_scores(list(graph.nodes(data=True)), attribute, "node"), ascending)
    # betweenness
    if not recalculate:
        bc = nx.betweenness_centrality(graph, weight=weight)
        return _ranking_order(np.array([bc[v] for v in nodes]))
    index = {v: i for i, v in enumerate(nodes)}
    work = graph.copy()
    order = []
    for _ in tqdm(range(len(nodes)), desc="recalculated betweenness attack", disable=not progress):
        bc = nx.betweenness_centrality(work, weight=weight)
        remaining = [v for v in nodes if v in bc]
        best = remaining[int(_ranking_order(np.array([bc[v] for v in remaining]))[0])]
        order.append(index[best])
        work.remove_node(best)
    return np.asarray(order, dtype=np.int64)


def _edge_order(graph, nodes, edges, strategy, recalculate, weight, attribute, ascending, progress):
    pairs = [(nodes[a], nodes[b]) for a, b in edges]
    if strategy == "attribute":
        items = [((u, v), graph.edges[u, v]) for u, v in pairs]
        return _ranking_order(_attribute_scores(items, attribute, "edge"), ascending)
    if not recalculate:
        eb = nx.edge_betweenness_centrality(graph, weight=weight)
        return _ranking_order(np.array([eb.get((u, v), eb.get((v, u))) for u, v in pairs]))
    work = graph.copy()
    work.remove_edges_from(nx.selfloop_edges(graph))
    remaining = list(range(len(pairs)))
    order = []
    for _ in tqdm(range(len(pairs)), desc="recalculated edge betweenness attack", disable=not progress):
        eb = nx.edge_betweenness_centrality(work, weight=weight)
        scores = np.array([eb.get(pairs[e], eb.get(pairs[e][::-1])) for e in remaining])
        pick = remaining.pop(int(_ranking_order(scores)[0]))
        order.append(pick)
        work.remove_edge(*pairs[pick])
    return np.asarray(order, dtype=np.int64)


def _steps(target: str, n: int, size: int) -> int:
    """Number of curve rows: k = 0..N-1 for node attacks, k = 0..M for edge attacks."""
    return n if target == "nodes" else size + 1


def _base_curve(target: str, n: int, size: int, lcc: np.ndarray) -> pd.DataFrame:
    steps = _steps(target, n, size)
    k = np.arange(steps)
    lcc = lcc[..., :steps]
    remaining = (n - k) if target == "nodes" else np.full(steps, n)
    return pd.DataFrame(
        {
            "removed": k,
            "fraction_removed": k / size if size else np.zeros(steps),
            "lcc_size": lcc,
            "lcc_fraction": lcc / n,
            "R": lcc / remaining,
        }
    )


def _random_result(target, n, size, n_runs, seed, lcc, fit_range) -> AttackResult:
    steps = _steps(target, n, size)
    lcc = lcc[:, :steps].astype(float)
    k = np.arange(steps)
    remaining = (n - k) if target == "nodes" else np.full(steps, n)
    curve = _base_curve(target, n, size, lcc.mean(axis=0))
    runs = {"lcc_fraction": lcc / n, "R": lcc / remaining}
    for q, values in runs.items():
        std = values.std(axis=0, ddof=1) if n_runs > 1 else np.full(steps, np.nan)
        se = std / np.sqrt(n_runs)
        curve[f"{q}_std"] = std
        curve[f"{q}_se"] = se
        curve[f"{q}_q025"], curve[f"{q}_q975"] = np.quantile(values, [0.025, 0.975], axis=0)
        curve[f"{q}_ci_low"] = curve[q] - 1.96 * se
        curve[f"{q}_ci_high"] = curve[q] + 1.96 * se
    fit = _fit_table(curve, fit_range)
    x = curve["fraction_removed"].to_numpy()
    sel = (x >= fit_range[0]) & (x <= fit_range[1])
    for q, values in runs.items():
        slopes = _slopes(x[sel], values[:, sel])
        fit.loc[q, "slope_run_mean"] = float(np.mean(slopes))
        fit.loc[q, "slope_run_std"] = float(np.std(slopes, ddof=1)) if n_runs > 1 else np.nan
    return AttackResult(target, "random", False, n, size, n_runs, seed, curve, fit, lcc.astype(np.int64), None)


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slopes of each row of ``y`` on ``x`` (NaN when x has < 2 distinct values)."""
    dx = x - x.mean() if len(x) else x
    sxx = float(dx @ dx)
    if len(x) < 2 or sxx == 0:
        return np.full(y.shape[0], np.nan)
    return (y - y.mean(axis=1, keepdims=True)) @ dx / sxx


def _linear_fit(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    if len(x) < 2 or np.ptp(x) == 0:
        return {"slope": np.nan, "intercept": np.nan, "r2": np.nan, "n_points": float(len(x))}
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
    slope = sxy / sxx
    r2 = sxy * sxy / (sxx * syy) if syy > 0 else np.nan
    return {"slope": slope, "intercept": float(y.mean() - slope * x.mean()), "r2": r2, "n_points": float(len(x))}


def _fit_table(curve: pd.DataFrame, fit_range: tuple[float, float]) -> pd.DataFrame:
    x = curve["fraction_removed"].to_numpy(dtype=float)
    sel = (x >= fit_range[0] - 1e-12) & (x <= fit_range[1] + 1e-12)
    rows = {}
    for q in QUANTITIES:
        y = curve[q].to_numpy(dtype=float)
        row = _linear_fit(x[sel], y[sel])
        row["auc"] = float(np.trapezoid(y, x)) if len(x) > 1 else np.nan
        rows[q] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "quantity"
    return table
