"""``ecnet-lab demo``: generate the three synthetic preset cities and write them to disk.

For each preset (jinan, shenzhen, wuhan) the demo writes one GeoTIFF per layer and the
road/railway/river lines (GeoPackage) to ``<out>/<preset>/``, a PNG overview to
``<out>/<preset>_overview.png`` and the land-cover areas of all presets to
``<out>/summary_area_km2.csv``. Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from tqdm.auto import tqdm

from . import synth
from .grid import pixel_area_km2
from .io import atomic_path, write_raster, write_table, write_vector

__all__ = ["add_parser", "class_areas", "format_summary", "overview_figure", "run_demo"]

DEFAULT_OUT = "ecnet_demo"
DEFAULT_SIZE = 400


def class_areas(ds: xr.Dataset, preset: str | None = None) -> pd.DataFrame:
    """Area of each LULC class of ``ds["lulc"]`` (2-D) in km2 and percent of the map.

    Examples
    --------
    >>> from ecnet_lab.synth import city
    >>> table = class_areas(city("jinan", shape=(40, 40)), "jinan")
    >>> list(table.columns)
    ['preset', 'code', 'lulc_class', 'area_km2', 'share_pct']
    >>> round(float(table["area_km2"].sum()), 4)  # 40 x 40 cells of 30 m
    1.44
    """
    lulc = ds["lulc"]
    if lulc.ndim != 2:
        raise ValueError(f"ds['lulc'] must be 2-D (y, x), got dims {lulc.dims!r}; select one year first")
    counts = np.bincount(np.asarray(lulc.values, dtype=np.int64).ravel(), minlength=7)
    cell_km2 = pixel_area_km2(lulc)
    codes = list(synth.LULC_CLASSES)
    area = counts[codes] * cell_km2
    return pd.DataFrame(
        {
            "preset": preset or str(ds.attrs.get("preset", "")),
            "code": codes,
            "lulc_class": [synth.LULC_CLASSES[c] for c in codes],
            "area_km2": area,
            "share_pct": 100.0 * counts[codes] / max(int(counts.sum()), 1),
        }
    )


def format_summary(summary: pd.DataFrame) -> str:
    """The class areas as a text table: one row per class, one column per preset, plus totals.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"preset": ["a", "a"], "code": [1, 2], "lulc_class": ["grassland", "woodland"],
    ...                   "area_km2": [1.0, 2.0], "share_pct": [33.3, 66.7]})
    >>> "total" in format_summary(t)
    True
    """
    table = summary.pivot_table(index=["code", "lulc_class"], columns="preset", values="area_km2", sort=False)
    table = table.droplevel("code")
    table.loc["total"] = table.sum()
    table.index.name = "area_km2"
    table.columns.name = None
    return table.to_string(float_format=lambda v: f"{v:,.2f}")


def overview_figure(ds: xr.Dataset, vectors: dict | None = None):
    """A matplotlib Figure (Agg, no pyplot state) with LULC (legend), DEM, NDVI, MNDWI, population, night lights.

    Examples
    --------
    >>> from ecnet_lab.synth import city
    >>> fig = overview_figure(city("wuhan", shape=(40, 40)))
    >>> len(fig.axes) >= 6
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    x0, x1 = float(ds.x[0]), float(ds.x[-1])
    y0, y1 = float(ds.y[-1]), float(ds.y[0])
    half = float(abs(ds.x[1] - ds.x[0])) / 2
    extent = [(x0 - half) / 1e3, (x1 + half) / 1e3, (y0 - half) / 1e3, (y1 + half) / 1e3]
    fig = Figure(figsize=(15, 9.5))
    fig.subplots_adjust(left=0.05, right=0.96, bottom=0.06, top=0.92, wspace=0.32, hspace=0.28)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 3)
    codes = list(synth.LULC_CLASSES)
    cmap = ListedColormap([synth.LULC_COLORS[c] for c in codes])
    norm = BoundaryNorm(np.arange(min(codes) - 0.5, max(codes) + 1.0), cmap.N)
    nir, red = ds["nir"].values, ds["red"].values
    green, swir = ds["green"].values, ds["swir1"].values
    ndvi = (nir - red) / np.maximum(nir + red, 1e-6)
    mndwi = (green - swir) / np.maximum(green + swir, 1e-6)
    population = np.maximum(ds["population"].values, 1.0)
    panels = [
        ("Land use / land cover", ds["lulc"].values, {"cmap": cmap, "norm": norm}, None),
        ("Elevation (m)", ds["dem"].values, {"cmap": "terrain"}, "m"),
        ("NDVI", ndvi, {"cmap": "RdYlGn", "vmin": -0.5, "vmax": 0.9}, "NDVI"),
        ("MNDWI", mndwi, {"cmap": "BrBG", "vmin": -0.8, "vmax": 0.8}, "MNDWI"),
        ("Population density", population, {"cmap": "magma", "norm": LogNorm(1, population.max())}, "people/km²"),
        ("Night-time lights", ds["nightlight"].values, {"cmap": "cividis"}, "nW cm⁻² sr⁻¹"),
    ]
    for k, (ax, (title, data, style, label)) in enumerate(zip(axes.ravel(), panels, strict=True)):
        image = ax.imshow(data, extent=extent, interpolation="nearest", **style)
        ax.set_title(title)
        ax.set_xlabel("easting (km)")
        if k % 3 == 0:
            ax.set_ylabel("northing (km)")
        if label is not None:
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label=label)
    legend = [Patch(color=synth.LULC_COLORS[c], label=synth.LULC_CLASSES[c]) for c in codes]
    axes[0, 0].legend(handles=legend, loc="lower left", fontsize=7, framealpha=0.85)
    if vectors:
        styles = {"rivers": ("#1f4e99", 0.8), "roads": ("#222222", 0.7), "railways": ("#8e24aa", 1.0)}
        for name, (colour, width) in styles.items():
            gdf = vectors.get(name)
            if gdf is None:
                continue
            segments = [np.asarray(geom.coords)[:, :2] / 1e3 for geom in gdf.geometry]
            axes[0, 1].add_collection(LineCollection(segments, colors=colour, linewidths=width, label=name))
        axes[0, 1].set_xlim(extent[:2])
        axes[0, 1].set_ylim(extent[2:])
    fig.suptitle(f"{ds.attrs.get('title', 'synthetic city')} ({ds.sizes['y']} x {ds.sizes['x']} cells)")
    return fig


def _write_preset(ds: xr.Dataset, vectors: dict, folder: Path, png: Path, bar) -> None:
    for name, da in ds.data_vars.items():
        bar.set_postfix_str(f"{ds.attrs['preset']}: {name}.tif", refresh=False)
        write_raster(da, folder / f"{name}.tif")
        bar.update(1)
    for name, gdf in vectors.items():
        write_vector(gdf, folder / "lines.gpkg", layer=name)
    bar.set_postfix_str(f"{ds.attrs['preset']}: overview", refresh=False)
    fig = overview_figure(ds, vectors)
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=90)
    bar.update(1)


def run_demo(
    out_dir: str | Path = DEFAULT_OUT,
    shape: tuple[int, int] = (DEFAULT_SIZE, DEFAULT_SIZE),
    seed: int = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Generate the three preset cities, write GeoTIFFs, lines and PNG overviews, return the class areas.

    Parameters
    ----------
    out_dir : path
        Output folder (created); each preset gets ``<out_dir>/<preset>/<layer>.tif``,
        ``<out_dir>/<preset>/lines.gpkg`` and ``<out_dir>/<preset>_overview.png``.
    shape : (int, int)
        Rows and columns of every city (each >= 32), 30 m cells.
    seed : int
        Random seed of the landscapes.
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        Columns ``preset``, ``code``, ``lulc_class``, ``area_km2``, ``share_pct``; also
        written to ``<out_dir>/summary_area_km2.csv``.

    Examples
    --------
    >>> import tempfile
    >>> table = run_demo(tempfile.mkdtemp(), shape=(32, 32), progress=False)
    >>> sorted(table["preset"].unique())
    ['jinan', 'shenzhen', 'wuhan']
    """
    out = Path(out_dir)
    presets = synth.PRESET_NAMES
    tables = []
    with tqdm(total=len(presets), desc="ecnet-lab demo", unit="step", disable=not progress) as bar:
        for preset in presets:
            bar.set_postfix_str(f"{preset}: generating", refresh=True)
            ds = synth.city(preset, shape=shape, seed=seed)
            vectors = synth.city_vectors(preset, shape=shape, seed=seed)
            bar.total = len(presets) * (len(ds.data_vars) + 2)  # generate + one step per layer + overview
            bar.update(1)
            _write_preset(ds, vectors, out / preset, out / f"{preset}_overview.png", bar)
            tables.append(class_areas(ds, preset))
    summary = pd.concat(tables, ignore_index=True)
    write_table(summary, out / "summary_area_km2.csv")
    return summary


def _size(text: str) -> tuple[int, int]:
    try:
        parts = [int(p) for p in text.lower().split("x")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"--size {text!r} is not allowed; give N or ROWSxCOLS (integers >= 32)")
    return parts[0], parts[1]


def _cli(args: argparse.Namespace) -> int:
    try:
        summary = run_demo(args.out, shape=args.size, seed=args.seed, progress=not args.no_progress)
    except ValueError as exc:
        print(f"ecnet-lab demo: error: {exc}", file=sys.stderr)
        return 2
    print(f"Class areas (km2) of the synthetic cities, {args.size[0]} x {args.size[1]} cells of 30 m:")
    print(format_summary(summary))
    print(f"GeoTIFFs, lines and overviews written to {Path(args.out).resolve()}")
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``demo`` subcommand on an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "demo",
        help="generate the three synthetic preset cities (GeoTIFFs, lines, PNG overviews)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: ./{DEFAULT_OUT})")
    p.add_argument(
        "--size",
        type=_size,
        default=(DEFAULT_SIZE, DEFAULT_SIZE),
        metavar="N|ROWSxCOLS",
        help=f"cells per side, at least 32 (default: {DEFAULT_SIZE})",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of the landscapes (default: 0)")
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    p.set_defaults(handler=_cli)
    return p
