"""Tables of the Shenzhen paper (Li et al. 2025) from pipeline results: Tables 3, 4, 5 and summaries.

Pure functions of the step results (DataFrames in, DataFrames out); column names carry units.

* :func:`mspa_table` - Table 3, "Landscape Types and Proportions": area and shares of the seven MSPA
  classes (paper order: Core, Islet, Loop, Bridge, Edge, Perforation, Branch).
* :func:`source_table` - Table 4, "Classification of the importance of ecological sources": count,
  share, area and share of area of key / important / general sources with their dPC range.
* :func:`corridor_class_table` - corridors by class: count, total length, current range (section 3.2.2).
* :func:`comparison_table` - Table 5, "Comparison ... Before and After Optimization": quantity, area,
  length and maximum current of sources, corridors, pinch points, barriers and the network current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = [
    "MSPA_ORDER",
    "comparison_table",
    "corridor_class_table",
    "edits_table",
    "element_summary",
    "mspa_table",
    "optimization_table",
    "resistance_factor_table",
    "source_table",
    "structure_table",
    "styled",
]

#: Row order of the paper's Table 3.
MSPA_ORDER = ("Core", "Islet", "Loop", "Bridge", "Edge", "Perforation", "Branch")
_IMPORTANCE = (("key", "Key source"), ("important", "Important source"), ("general", "General source"))


def mspa_table(classes: xr.DataArray) -> pd.DataFrame:
    """Table 3: area (km²) and proportion of the foreground and of the study area (%) per MSPA class.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.mspa import mspa
    >>> a = np.zeros((14, 14)); a[2:12, 2:12] = 1
    >>> c = {"y": np.arange(14.0)[::-1] * 30, "x": np.arange(14.0) * 30}
    >>> t = mspa_table(mspa(xr.DataArray(a, dims=("y", "x"), coords=c)))
    >>> t.index.tolist()[:2], round(float(t["proportion_of_foreground_pct"].sum()), 6)
    (['Core', 'Islet'], 100.0)
    """
    from ..mspa import mspa_stats

    stats = mspa_stats(classes)
    out = pd.DataFrame(
        {
            "area_km2": stats.loc[list(MSPA_ORDER), "area_km2"].astype(float),
            "proportion_of_foreground_pct": stats.loc[list(MSPA_ORDER), "share_of_foreground_pct"].astype(float),
            "proportion_of_study_area_pct": stats.loc[list(MSPA_ORDER), "share_of_study_area_pct"].astype(float),
        }
    )
    out.index.name = "landscape_type"
    out.attrs["porosity_pct"] = stats.attrs.get("porosity_pct")
    return out


def _dpc_range(label: str, breaks: Sequence[float]) -> str:
    b1, b2, b3 = breaks
    return {"key": f"dPC > {b3:g}", "important": f"{b2:g} < dPC <= {b3:g}", "general": f"{b1:g} < dPC <= {b2:g}"}[label]


def source_table(sources: pd.DataFrame, importance_breaks: Sequence[float] = (0.1, 0.5, 1.0)) -> pd.DataFrame:
    """Table 4: sources by importance class (key, important, general) with counts, areas and dPC range.

    Examples
    --------
    >>> src = pd.DataFrame({"importance": ["key", "key", "general"], "area_km2": [6.0, 3.0, 1.0]})
    >>> t = source_table(src)
    >>> int(t.loc["Key source", "quantity"]), float(t.loc["Key source", "proportion_of_source_area_pct"])
    (2, 90.0)
    """
    n_total = len(sources)
    area_total = float(sources["area_km2"].sum()) if n_total else 0.0
    rows = []
    for key, label in _IMPORTANCE:
        sub = sources[sources["importance"].astype(str) == key] if n_total else sources
        n = len(sub)
        area = float(sub["area_km2"].sum()) if n else 0.0
        rows.append(
            {
                "importance": label,
                "quantity": n,
                "percentage_of_sources_pct": 100.0 * n / n_total if n_total else np.nan,
                "area_km2": area,
                "proportion_of_source_area_pct": 100.0 * area / area_total if area_total else np.nan,
                "dPC": _dpc_range(key, importance_breaks),
            }
        )
    return pd.DataFrame(rows).set_index("importance")


def corridor_class_table(corridors: pd.DataFrame) -> pd.DataFrame:
    """Corridors by class (key, important, general): count, total and longest length (km), current range (A).

    Examples
    --------
    >>> cor = pd.DataFrame({"corridor_class": ["key", "general"], "length_km": [1.0, 3.0], "current": [4.0, 1.0]})
    >>> corridor_class_table(cor).loc["key", "quantity"]
    np.int64(1)
    """
    cls = corridors["corridor_class"].astype(str)
    rows = []
    for key in ("key", "important", "general"):
        sub = corridors[cls == key]
        rows.append(
            {
                "corridor_class": key,
                "quantity": len(sub),
                "total_length_km": float(sub["length_km"].sum()),
                "longest_km": float(sub["length_km"].max()) if len(sub) else np.nan,
                "min_current_A": float(sub["current"].min()) if len(sub) else np.nan,
                "max_current_A": float(sub["current"].max()) if len(sub) else np.nan,
            }
        )
    out = pd.DataFrame(rows).set_index("corridor_class")
    out["quantity"] = out["quantity"].astype(np.int64)
    out.loc["all"] = [
        len(corridors),
        float(corridors["length_km"].sum()),
        float(corridors["length_km"].max()) if len(corridors) else np.nan,
        float(corridors["current"].min()) if len(corridors) else np.nan,
        float(corridors["current"].max()) if len(corridors) else np.nan,
    ]
    out["quantity"] = out["quantity"].astype(np.int64)
    return out


def resistance_factor_table(resistance: xr.DataArray) -> pd.DataFrame:
    """Factors and weights of a resistance surface (from its ``spec``/``weights`` attrs), with the dropped ones.

    Examples
    --------
    >>> import json
    >>> r = xr.DataArray([[1.0]], dims=("y", "x"), attrs={"weights": json.dumps({"lulc": 0.6, "dem": 0.4})})
    >>> resistance_factor_table(r)["weight"].tolist()
    [0.6, 0.4]
    """
    import json

    weights = json.loads(resistance.attrs.get("weights", "{}"))
    labels = {}
    if "spec" in resistance.attrs:
        spec = json.loads(resistance.attrs["spec"])
        labels = {f["name"]: f.get("label", f["name"]) for f in spec.get("factors", [])}
    rows = [{"factor": k, "label": labels.get(k, k), "weight": float(w), "used": True} for k, w in weights.items()]
    dropped = [d.strip() for d in str(resistance.attrs.get("dropped_factors", "")).split(",") if d.strip()]
    rows += [{"factor": d, "label": d, "weight": 0.0, "used": False} for d in dropped]
    return pd.DataFrame(rows).set_index("factor")


def structure_table(network: Any) -> pd.DataFrame:
    """Network structure: nodes, edges, alpha, beta, gamma (one row).

    Examples
    --------
    >>> import networkx as nx
    >>> structure_table(nx.cycle_graph(4))[["v", "l", "beta"]].iloc[0].tolist()
    [4.0, 4.0, 1.0]
    """
    import warnings

    from ..network import structure_indices

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # alpha/gamma are NaN below 3 nodes
        s = structure_indices(network)
    return pd.DataFrame([{k: s[k] for k in ("v", "l", "alpha", "beta", "gamma")}])


def element_summary(
    sources: pd.DataFrame,
    corridors: pd.DataFrame,
    pinch_points: pd.DataFrame,
    barriers: pd.DataFrame,
    current: xr.DataArray | None,
) -> dict[str, dict[str, float]]:
    """Quantity, area (km²), length (km) and max current (A) of one network state, Table 5 style.

    Examples
    --------
    >>> e = pd.DataFrame({"area_km2": []})
    >>> s = element_summary(pd.DataFrame({"area_km2": [2.0]}), pd.DataFrame({"length_m": [1500.0]}), e, e, None)
    >>> s["Ecological sources"]["quantity"], s["Ecological corridors"]["length_km"]
    (1, 1.5)
    """

    def area(df: pd.DataFrame) -> float:
        return float(df["area_km2"].sum()) if len(df) else 0.0

    cur = np.nan
    if current is not None:
        v = np.asarray(current.values, dtype=float)
        v = v[np.isfinite(v)]
        cur = float(v.max()) if v.size else np.nan
    nan = float("nan")
    return {
        "Ecological sources": {"quantity": len(sources), "area_km2": area(sources), "length_km": nan, "current_A": nan},
        "Ecological corridors": {
            "quantity": len(corridors),
            "area_km2": nan,
            "length_km": float(corridors["length_m"].sum()) / 1000.0 if len(corridors) else 0.0,
            "current_A": nan,
        },
        "Ecological pinch points": {
            "quantity": len(pinch_points),
            "area_km2": area(pinch_points),
            "length_km": nan,
            "current_A": nan,
        },
        "Ecological barriers": {
            "quantity": len(barriers),
            "area_km2": area(barriers),
            "length_km": nan,
            "current_A": nan,
        },
        "Network current density (max)": {"quantity": nan, "area_km2": nan, "length_km": nan, "current_A": cur},
    }


def comparison_table(states: Mapping[str, Mapping[str, Mapping[str, float]]]) -> pd.DataFrame:
    """Table 5: rows (category, state), columns quantity, area_km2, length_km, current_A.

    ``states`` maps a state label (e.g. "Before optimization") to :func:`element_summary` output.

    Examples
    --------
    >>> e = pd.DataFrame({"area_km2": []})
    >>> a = element_summary(pd.DataFrame({"area_km2": [2.0]}), pd.DataFrame({"length_m": [1000.0]}), e, e, None)
    >>> comparison_table({"Before": a, "After": a}).index[:2].tolist()
    [('Ecological sources', 'Before'), ('Ecological sources', 'After')]
    """
    rows = []
    categories = list(next(iter(states.values())).keys()) if states else []
    for cat in categories:
        for label, summary in states.items():
            rows.append({"category": cat, "state": label, **summary[cat]})
    out = pd.DataFrame(rows).set_index(["category", "state"])
    if len(out):
        out["quantity"] = out["quantity"].astype("Int64")
    return out


def _state_summary(state: Any) -> dict[str, dict[str, float]]:
    current = None if state.current is None else state.current.current
    return element_summary(state.sources, state.corridors, state.pinch_points, state.barriers, current)


def optimization_table(result: Any) -> pd.DataFrame:
    """Table 5 of an :class:`ecnet_lab.optimize.OptimizationResult` (before and after optimization).

    The current is the maximum of the whole-network current map of each state (the mode is the
    result's ``before.params["current_mode"]``).
    """
    return comparison_table(
        {"Before optimization": _state_summary(result.before), "After optimization": _state_summary(result.after)}
    )


def edits_table(result: Any) -> pd.DataFrame:
    """What the optimization added: new sources (and their area), stepping stones, breakpoints."""
    added = result.addition.added if result.addition is not None else pd.DataFrame({"area_km2": []})
    rows = [
        {"edit": "added ecological sources", "quantity": len(added), "area_km2": float(added["area_km2"].sum())},
        {"edit": "stepping stones", "quantity": len(result.stepping_stones), "area_km2": np.nan},
        {
            "edit": "ecological breakpoints (corridor x road/railway)",
            "quantity": len(result.breakpoints),
            "area_km2": np.nan,
        },
    ]
    return pd.DataFrame(rows).set_index("edit")


def styled(df: pd.DataFrame, caption: str, *, precision: int = 2):
    """A pandas Styler with a caption (HTML ``<caption>``), numbers at ``precision`` decimals, NaN as "-".

    Examples
    --------
    >>> "<caption>Table 3" in styled(pd.DataFrame({"a": [1.0]}), "Table 3. MSPA").to_html()
    True
    """
    return df.style.set_caption(caption).format(precision=precision, na_rep="-")
