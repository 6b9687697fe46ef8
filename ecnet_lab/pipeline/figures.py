"""Static maps of pipeline results (matplotlib Figures, no pyplot state) for notebooks and HTML reports.

Every function returns a new :class:`matplotlib.figure.Figure`; a notebook shows it by ending a
cell with it (or ``display(fig)``). Axes are in kilometres of the map CRS. Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

__all__ = [
    "CLASS_COLORS",
    "ReportFigure",
    "corridor_map",
    "current_comparison",
    "landcover_map",
    "mspa_map",
    "optimization_map",
    "pinch_barrier_map",
    "resistance_map",
    "sources_map",
    "to_png",
]

#: Colours of the importance / corridor classes.
CLASS_COLORS = {"key": "#d7301f", "important": "#fc8d59", "general": "#2b8cbe"}
_LANDCOVER_COLORS = {
    "grassland": "#b8e186",
    "woodland": "#1b7837",
    "water": "#4393c3",
    "cropland": "#fee08b",
    "unutilized": "#d9d9d9",
    "construction": "#b2182b",
    "shrubland": "#7fbc41",
    "barren land": "#d9d9d9",
    "built-up area": "#b2182b",
    "wetland": "#80cdc1",
    "plantation": "#35978f",
}
_MSPA_CLASSES = (
    ("Core", (17, 117), (0, 200, 0)),
    ("Islet", (9, 109), (160, 60, 0)),
    ("Perforation", (5, 105), (0, 0, 255)),
    ("Edge", (3, 103), (0, 0, 0)),
    ("Loop", (65, 67, 69, 165, 167, 169), (255, 255, 0)),
    ("Bridge", (33, 35, 37, 133, 135, 137), (255, 0, 0)),
    ("Branch", (1, 101), (255, 140, 0)),
    ("Background", (0, 100, 220), (235, 235, 235)),
)


class ReportFigure(Figure):
    """A Figure that shows itself as one PNG in Jupyter/papermill, with or without pyplot."""

    def _repr_png_(self) -> bytes:
        return to_png(self)


def to_png(fig: Figure, *, dpi: int = 90) -> bytes:
    """PNG bytes of a figure.

    Examples
    --------
    >>> fig = ReportFigure(figsize=(1, 1))
    >>> to_png(fig)[:4] == b"\\x89PNG"
    True
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fig.canvas is None or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _extent_km(da: xr.DataArray) -> tuple[float, float, float, float]:
    ydim, xdim = da.dims[-2], da.dims[-1]
    x = np.asarray(da[xdim].values, dtype=float)
    y = np.asarray(da[ydim].values, dtype=float)
    dx = abs(x[1] - x[0]) if x.size > 1 else 1.0
    dy = abs(y[1] - y[0]) if y.size > 1 else 1.0
    left, right = (x.min() - dx / 2) / 1000, (x.max() + dx / 2) / 1000
    bottom, top = (y.min() - dy / 2) / 1000, (y.max() + dy / 2) / 1000
    return left, right, bottom, top


def _figure(ncols: int = 1, width: float = 6.4) -> tuple[Figure, list]:
    fig = ReportFigure(figsize=(width * ncols, width * 0.9), dpi=90, layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    for ax in axes:
        ax.set_xlabel("x (km)")
        ax.set_ylabel("y (km)")
        ax.set_aspect("equal")
    return fig, axes


def _show(ax, da: xr.DataArray, **kw):
    values = np.asarray(da.values, dtype=float)
    if da.dims[-2] in da.coords and da[da.dims[-2]].size > 1 and float(da[da.dims[-2]][1] - da[da.dims[-2]][0]) > 0:
        values = values[::-1]  # y increasing: flip to image order
    return ax.imshow(values, extent=_extent_km(da), interpolation="nearest", **kw)


def _plot_km(ax, gdf, **kw) -> None:
    if gdf is None or len(gdf) == 0:
        return
    from shapely import affinity

    geoms = [affinity.scale(g, 0.001, 0.001, origin=(0, 0)) for g in gdf.geometry]
    gpd.GeoSeries(geoms).plot(ax=ax, **kw)


def _label_sources(ax, sources: pd.DataFrame, column: str = "source_id") -> None:
    if sources is None or len(sources) == 0 or column not in sources:
        return
    for sid, x, y in zip(sources[column], sources["centroid_x"], sources["centroid_y"], strict=True):
        ax.annotate(str(sid), (x / 1000, y / 1000), fontsize=8, ha="center", va="center", weight="bold")


def landcover_map(landcover: xr.DataArray, labels: Mapping[int, str], *, title: str = "Land cover") -> Figure:
    """Categorical land-cover map with a legend (NaN = outside the study area, white)."""
    codes = sorted(int(c) for c in labels)
    colors = [_LANDCOVER_COLORS.get(labels[c], "#999999") for c in codes]
    cmap = ListedColormap(colors)
    bounds = [c - 0.5 for c in codes] + [codes[-1] + 0.5]
    fig, (ax,) = _figure()
    _show(ax, landcover, cmap=cmap, norm=BoundaryNorm(bounds, cmap.N))
    ax.legend(
        handles=[Patch(color=col, label=f"{c} {labels[c]}") for c, col in zip(codes, colors, strict=True)],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
    )
    ax.set_title(title)
    return fig


def _mspa_rgb(classes: xr.DataArray) -> np.ndarray:
    v = np.asarray(classes.values)
    rgb = np.full((*v.shape, 3), 255, dtype=np.uint8)
    for _, codes, color in _MSPA_CLASSES:
        rgb[np.isin(v, codes)] = color
    return rgb


def mspa_map(classes: xr.DataArray, *, title: str = "MSPA landscape types") -> Figure:
    """MSPA classes in GuidosToolbox colours (missing = white).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from ecnet_lab.mspa import mspa
    >>> a = np.zeros((20, 20)); a[3:15, 3:15] = 1
    >>> fig = mspa_map(mspa(xr.DataArray(a, dims=("y", "x"), coords={"y": np.arange(20.0)[::-1] * 30,
    ...                                                              "x": np.arange(20.0) * 30})))
    >>> to_png(fig)[:4] == b"\\x89PNG"
    True
    """
    fig, (ax,) = _figure()
    ax.imshow(_mspa_rgb(classes), extent=_extent_km(classes), interpolation="nearest")
    handles = [Patch(color=np.array(c) / 255, label=name) for name, _, c in _MSPA_CLASSES]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title(title)
    return fig


def sources_map(classes: xr.DataArray, sources, *, title: str = "Ecological sources by importance") -> Figure:
    """Sources coloured by importance (key / important / general) over the MSPA core (light green)."""
    fig, (ax,) = _figure()
    core = np.isin(np.asarray(classes.values), (17, 117))
    base = np.where(core, 0.35, 0.0)
    _show(ax, classes.copy(data=base), cmap="Greens", vmin=0, vmax=1)
    for key, color in CLASS_COLORS.items():
        if len(sources):
            _plot_km(ax, sources[sources["importance"].astype(str) == key], color=color, edgecolor="black", lw=0.3)
    _label_sources(ax, sources)
    ax.legend(
        handles=[Patch(color=CLASS_COLORS[k], label=f"{k} source") for k in CLASS_COLORS]
        + [Patch(color=(0.6, 0.8, 0.6), label="other MSPA core")],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
    )
    ax.set_title(title)
    return fig


def resistance_map(resistance: xr.DataArray, sources=None, *, title: str = "Ecological resistance") -> Figure:
    """Resistance surface (viridis) with source outlines."""
    fig, (ax,) = _figure()
    im = _show(ax, resistance, cmap="viridis")
    fig.colorbar(im, ax=ax, shrink=0.8, label="resistance")
    if sources is not None:
        _plot_km(ax, sources, facecolor="none", edgecolor="white", lw=0.8)
    ax.set_title(title)
    return fig


def corridor_map(resistance: xr.DataArray, sources, corridors, *, title: str = "Ecological corridors") -> Figure:
    """Corridors (least-cost paths) coloured by class over a grey resistance background, sources in green."""
    fig, (ax,) = _figure()
    _show(ax, resistance, cmap="Greys", alpha=0.6)
    _plot_km(ax, sources, color="#1b7837", edgecolor="black", lw=0.3)
    handles = [Patch(color="#1b7837", label="ecological source")]
    for key, color in CLASS_COLORS.items():
        sub = corridors[corridors["corridor_class"].astype(str) == key] if "corridor_class" in corridors else corridors
        _plot_km(ax, sub, color=color, lw=2.2)
        handles.append(Line2D([0], [0], color=color, lw=2.2, label=f"{key} corridor"))
    _label_sources(ax, sources)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title(title)
    return fig


def pinch_barrier_map(
    current: xr.DataArray, sources, pinch_points, barriers, *, title: str = "Pinch points and barriers"
) -> Figure:
    """Corridor current (magma) with pinch points (cyan outlines) and barriers (red), sources in green."""
    fig, (ax,) = _figure()
    im = _show(ax, current, cmap="magma")
    fig.colorbar(im, ax=ax, shrink=0.8, label="current (A)")
    _plot_km(ax, sources, color="#1b7837", alpha=0.6)
    _plot_km(ax, pinch_points, facecolor="none", edgecolor="cyan", lw=1.2)
    _plot_km(ax, barriers, color="red", alpha=0.7)
    ax.legend(
        handles=[
            Patch(color="#1b7837", label="ecological source"),
            Patch(facecolor="none", edgecolor="cyan", label="pinch point"),
            Patch(color="red", label="barrier"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
    )
    ax.set_title(title)
    return fig


def optimization_map(result, *, title: str = "Optimized ecological network") -> Figure:
    """The optimized network: baseline and added sources, corridors, stepping stones, breakpoints."""
    fig, (ax,) = _figure()
    after = result.after
    _show(ax, result.resistance, cmap="Greys", alpha=0.6)
    src = after.sources
    origin = src["origin"].astype(str) if "origin" in src else pd.Series("baseline", index=src.index)
    _plot_km(ax, src[origin != "added"], color="#1b7837", edgecolor="black", lw=0.3)
    _plot_km(ax, src[origin == "added"], color="#66c2a4", edgecolor="black", lw=0.6)
    _plot_km(ax, after.corridors, color="#d7301f", lw=1.8)
    _plot_km(ax, result.stepping_stones, color="#6a3d9a", markersize=40, marker="o")
    _plot_km(ax, result.breakpoints, color="black", markersize=40, marker="x")
    _label_sources(ax, src)
    ax.legend(
        handles=[
            Patch(color="#1b7837", label="baseline source"),
            Patch(color="#66c2a4", label="added source"),
            Line2D([0], [0], color="#d7301f", lw=1.8, label="corridor"),
            Line2D([0], [0], color="#6a3d9a", marker="o", lw=0, label="stepping stone"),
            Line2D([0], [0], color="black", marker="x", lw=0, label="breakpoint"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
    )
    ax.set_title(title)
    return fig


def current_comparison(
    before: xr.DataArray,
    after: xr.DataArray,
    *,
    titles: tuple[str, str] = ("Before optimization", "After optimization"),
) -> Figure:
    """Network current before and after, on one colour scale (the paper's Figures 9 and 10)."""
    fig, axes = _figure(ncols=2, width=5.6)
    vals = [np.asarray(d.values, dtype=float) for d in (before, after)]
    finite = np.concatenate([v[np.isfinite(v)] for v in vals])
    vmax = float(np.percentile(finite, 99.5)) if finite.size else 1.0
    for ax, da, t, v in zip(axes, (before, after), titles, vals, strict=True):
        im = _show(ax, da, cmap="magma", vmin=0, vmax=vmax)
        mx = float(np.nanmax(v)) if np.isfinite(v).any() else float("nan")
        ax.set_title(f"{t}: max {mx:.2f} A")
    fig.colorbar(im, ax=axes, shrink=0.8, label="current (A)")
    return fig
