"""Write a study's results to a folder: GeoTIFFs, one GeoPackage, CSV tables and ``config.json``.

Every file is written atomically (:mod:`ecnet_lab.io`): a temporary file in the folder renamed into
place when complete, so an interrupted export never leaves a half-written file.

Files
-----
``mspa.tif``, ``resistance.tif``, ``pinch_current.tif`` (Pinchpoint Mapper current), ``corridors.tif``
(normalized least-cost corridor mosaic), ``barrier_score.tif``; with optimization also
``network_current_before.tif`` and ``network_current_after.tif`` (the whole-network current of
``current_mode``) and ``resistance_optimized.tif``.
``ecological_network.gpkg`` with layers ``sources``, ``corridors``, ``pinch_points``, ``barriers`` and,
with optimization, ``added_sources``, ``stepping_stones``, ``breakpoints``, ``optimized_corridors``
(empty layers are left out and listed in ``config.json``).
CSV: ``table3_mspa.csv``, ``table4_sources.csv``, ``table5_comparison.csv`` (with optimization),
``source_selection_steps.csv``, ``source_ranking.csv``, ``corridors.csv``, ``resistance_factors.csv``,
``network_structure.csv``, ``network_topology.csv``.
``config.json``: the parameters, the software versions, the step cache keys and the files written.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import io
from . import tables

if TYPE_CHECKING:  # pragma: no cover
    from .study import Study

__all__ = ["export_study", "software_versions"]

_PACKAGES = (
    "ecnet-lab",
    "numpy",
    "scipy",
    "pandas",
    "xarray",
    "rioxarray",
    "rasterio",
    "geopandas",
    "shapely",
    "pyproj",
    "networkx",
    "scikit-image",
    "pyamg",
    "numba",
    "matplotlib",
)


def software_versions() -> dict[str, str]:
    """Versions of Python and the packages the results depend on ("not installed" when absent).

    Examples
    --------
    >>> "numpy" in software_versions()
    True
    """
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _vector_ready(gdf) -> gpd.GeoDataFrame:
    """A copy GPKG can store: categoricals/objects as text, lists as comma-separated text."""
    out = gpd.GeoDataFrame(gdf).copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(str).where(s.notna(), None)
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple | set) else v)
            out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.astype("int64")
    return out


def _table(df) -> pd.DataFrame:
    frame = pd.DataFrame(df).copy()
    if "geometry" in frame.columns:
        frame = frame.drop(columns="geometry")
    return frame


def export_study(study: Study, directory: str | Path) -> dict[str, Path]:
    """Run every step of ``study`` and write its results to ``directory`` (created if needed).

    Returns
    -------
    dict
        File label -> path of every file written.

    Examples
    --------
    >>> import tempfile
    >>> from ecnet_lab.pipeline import Study
    >>> study = Study(size=160, min_core_area_km2=0.2, aggregation_distance_m=300, optimize=False)
    >>> files = export_study(study, tempfile.mkdtemp())
    >>> sorted(files)[:3]
    ['barrier_score', 'config', 'corridors']
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    study.run()
    r = study.results
    sel = r["sources"]
    files: dict[str, Path] = {}

    def raster(label: str, da) -> None:
        path = out / f"{label}.tif"
        io.write_raster(da, path)
        files[label] = path

    def csv(label: str, df, index: bool = True) -> None:
        path = out / f"{label}.csv"
        io.write_table(_table(df), path, index=index)
        files[label] = path

    raster("mspa", r["mspa"])
    raster("resistance", r["resistance"].astype("float32"))
    raster("pinch_current", r["current"].current.astype("float32"))
    raster("corridors", r["pathways"].mosaic.astype("float32"))
    raster("barrier_score", r["barrier_scores"].score(study.config.barrier_score).astype("float32"))
    opt = r["optimization"]
    if opt is not None:
        for label, state in (("network_current_before", opt.before), ("network_current_after", opt.after)):
            if state.current is not None:
                raster(label, state.current.current.astype("float32"))
        raster("resistance_optimized", opt.resistance.astype("float32"))

    layers: dict[str, Any] = {
        "sources": sel.sources,
        "corridors": r["corridors"],
        "pinch_points": r["pinch_points"],
        "barriers": r["barriers"],
    }
    if opt is not None:
        if opt.addition is not None:
            layers["added_sources"] = opt.addition.added
        layers["stepping_stones"] = opt.stepping_stones
        layers["breakpoints"] = opt.breakpoints
        layers["optimized_corridors"] = opt.after.corridors
    gpkg = out / "ecological_network.gpkg"
    empty = [name for name, gdf in layers.items() if len(gdf) == 0]
    with io.atomic_path(gpkg) as tmp:
        for name, gdf in layers.items():
            if len(gdf):
                _vector_ready(gdf).to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    files["geopackage"] = gpkg

    csv("table3_mspa", tables.mspa_table(r["mspa"]))
    csv("table4_sources", tables.source_table(sel.sources, study.config.importance_breaks))
    if opt is not None:
        csv("table5_comparison", tables.optimization_table(opt))
        csv("optimization_metrics", opt.comparison, index=False)
    csv("source_selection_steps", sel.steps, index=False)
    csv("source_ranking", sel.connectivity, index=False)
    csv("corridors", r["corridors"], index=False)
    csv("resistance_factors", tables.resistance_factor_table(r["resistance"]))
    csv("network_structure", tables.structure_table(r["network"]), index=False)
    from ..network import topology_table

    csv("network_topology", topology_table(r["network"]))

    meta = {
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config": study.config.to_dict(),
        "versions": software_versions(),
        "steps": {s: study.key(s) for s in study.steps},
        "empty_layers": empty,
        "notes": list(opt.comparison.attrs.get("notes", [])) if opt is not None else [],
        "files": {k: p.name for k, p in files.items()},
    }
    path = out / "config.json"
    io.write_text(json.dumps(meta, indent=2, default=str), path)
    files["config"] = path
    return files
