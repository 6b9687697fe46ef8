"""Run a Circuitscape ``.ini`` file with this engine and write Circuitscape's output files.

Inputs are ESRI ASCII grids (optionally gzipped), GeoTIFFs or Circuitscape text lists;
outputs keep Circuitscape's names next to ``output_file``: ``<name>_resistances.out``,
``_resistances_3columns.out``, ``_curmap_<i>_<j>.asc``, ``_voltmap_<i>_<j>.asc``,
``_cum_curmap.asc``, ``_curmap_max.asc`` (pairwise); ``_curmap_<id>.asc``,
``_voltmap_<id>.asc`` (one-to-all, all-to-one); ``_curmap.asc``, ``_voltmap.asc``
(advanced); ``_voltages*.txt``, ``_node_currents*.txt``, ``_branch_currents*.txt`` (network).
Every file is written atomically.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import _common
from .advanced import advanced_raster
from .asciigrid import GridHeader, atomic_write_text, read_grid, write_grid
from .graph import conductance_from_values
from .ini import SOLVER_ALIASES, read_ini, resolve_path
from .network import build_network, network_advanced_core, network_pairwise_core
from .onetoall import one_to_all_raster
from .pairwise import pairwise_raster

__all__ = ["run_ini"]


# --------------------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------------------
def _is_grid_file(path: Path) -> bool:
    if path.suffix.lower() in (".tif", ".tiff"):
        return True
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"\x1f\x8b":
        import gzip

        with gzip.open(path, "rb") as fh:
            head = fh.read(16)
    else:
        with open(path, "rb") as fh:
            head = fh.read(16)
    return head.lstrip().lower().startswith(b"ncols")


def _load_table(path: Path) -> np.ndarray:
    try:
        arr = np.loadtxt(path, comments="#", ndmin=2)
    except ValueError:
        try:
            arr = np.loadtxt(path, comments="#", delimiter=",", ndmin=2)
        except ValueError as exc:
            raise ValueError(f"{path}: cannot read a numeric table ({exc})") from exc
    return arr


def _grid_like(path: Path, header: GridHeader, what: str) -> np.ndarray:
    values, h = read_grid(path)
    if not header.same_grid(h):
        raise ValueError(
            f"{what} {path} is not on the habitat grid (ncols/nrows/corner/cellsize differ: {h} vs {header}); "
            "resample it to the habitat grid first"
        )
    return values


def _txt_cells(table: np.ndarray, header: GridHeader, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if table.shape[1] < 3:
        raise ValueError(f"{what}: a text list needs three columns (value x y); got {table.shape[1]}")
    vals, x, y = table[:, 0], table[:, 1], table[:, 2]
    rows = np.ceil(header.nrows - (y - header.yllcorner) / header.cellsize).astype(np.int64) - 1
    cols = np.ceil((x - header.xllcorner) / header.cellsize).astype(np.int64) - 1
    out = (rows < 0) | (rows >= header.nrows) | (cols < 0) | (cols >= header.ncols)
    if out.any():
        k = int(np.flatnonzero(out)[0])
        raise ValueError(f"{what}: location ({x[k]}, {y[k]}) falls outside of the habitat map")
    return vals, rows, cols


def _read_focal(path: Path, header: GridHeader) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    if _is_grid_file(path):
        values = _grid_like(path, header, "focal node file")
        ok = np.isfinite(values) & (values > 0)
        rows, cols = np.nonzero(ok)
        ids = values[rows, cols].astype(np.int64)
    else:
        ids_f, rows, cols = _txt_cells(_load_table(path), header, f"focal node file {path}")
        ids = ids_f.astype(np.int64)
        keep = ids > 0
        ids, rows, cols = ids[keep], rows[keep], cols[keep]
    order = np.argsort(ids, kind="stable")
    ids, rows, cols = ids[order], rows[order], cols[order]
    cells: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for fid in np.unique(ids):
        sel = ids == fid
        cells[int(fid)] = (rows[sel], cols[sel])
    if len(cells) < 2:
        raise ValueError(f"{path}: fewer than two valid focal nodes (ids > 0) found")
    return cells


def _read_included(path: Path) -> tuple[bool, set, set]:
    """Circuitscape include/exclude file -> (is_include, point_ids, listed pairs)."""
    with open(path) as fh:
        first = fh.readline().split()
        second = fh.readline().split()
    if not first:
        raise ValueError(f"{path}: empty include/exclude pairs file")
    key = first[0].lower()
    if key == "min":
        try:
            lo, hi = float(first[1]), float(second[1])
        except (IndexError, ValueError) as exc:
            raise ValueError(f"{path}: expected 'min <value>' and 'max <value>' lines") from exc
        mat = np.loadtxt(path, skiprows=2, ndmin=2)
        ids = mat[1:, 0].astype(np.int64)
        vals = mat[1:, 1:]
        vals = np.where(vals > hi, 0, vals)
        r, c = np.nonzero(vals >= lo)
        pairs = {(int(ids[i]), int(ids[j])) for i, j in zip(r, c, strict=True)}
        return True, {int(i) for i in ids}, pairs
    if key == "mode":
        if len(first) < 2 or first[1].lower() not in ("include", "exclude"):
            raise ValueError(f"{path}: the first line must be 'mode include' or 'mode exclude'")
        arr = np.loadtxt(path, skiprows=1, ndmin=2).astype(np.int64)
        pairs = {(int(a), int(b)) for a, b in arr[:, :2]}
        return first[1].lower() == "include", {int(v) for v in np.unique(arr[:, :2])}, pairs
    raise ValueError(f"{path}: not an include/exclude pairs file (first line must start with 'mode' or 'min')")


def _included_matrix(ids: list, is_include: bool, pairs: set) -> np.ndarray:
    n = len(ids)
    req = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            listed = (ids[i], ids[j]) in pairs or (ids[j], ids[i]) in pairs
            req[i, j] = listed == is_include
    return req


# --------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------
def _table_text(arr: np.ndarray) -> str:
    buf = io.StringIO()
    np.savetxt(buf, np.atleast_2d(arr), fmt="%.10g")
    return buf.getvalue()


class _Writer:
    def __init__(self, base: Path, ext: str, header: GridHeader | None, opts: dict, gmap: np.ndarray | None):
        self.base = base
        self.ext = ext
        self.header = header
        self.opts = opts
        self.gmap = gmap
        self.files: list[Path] = []

    def text(self, suffix: str, arr: np.ndarray) -> None:
        path = Path(f"{self.base}{suffix}")
        atomic_write_text(path, _table_text(arr))
        self.files.append(path)

    def grid(self, kind: str, suffix: str, values: np.ndarray) -> None:
        vals = np.array(values, dtype=float)
        nodata = -9999.0 if self.header.nodata is None else self.header.nodata
        if kind == "current":
            if self.opts["log_transform_maps"]:
                with np.errstate(divide="ignore", invalid="ignore"):
                    vals = np.where(vals > 0, np.log10(np.where(vals > 0, vals, 1.0)), nodata)
            if self.opts["set_null_currents_to_nodata"]:
                vals = np.where(self.gmap == 0, nodata, vals)
        elif self.opts["set_null_voltages_to_nodata"]:
            vals = np.where(self.gmap == 0, nodata, vals)
        path = write_grid(Path(f"{self.base}{suffix}.asc"), vals, self.header, compress=self.opts["compress_grids"])
        self.files.append(path)

    def table(self, suffix: str, df: pd.DataFrame) -> None:
        self.text(suffix, df.to_numpy(dtype=float))


def _resistance_matrix_text(ids: list, res: np.ndarray) -> np.ndarray:
    out = np.zeros((len(ids) + 1, len(ids) + 1))
    out[0, 1:] = ids
    out[1:, 0] = ids
    out[1:, 1:] = res
    return out


def _three_columns(ids: list, res: np.ndarray) -> np.ndarray:
    rows = [(ids[i], ids[j], res[i, j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    return np.asarray(rows, dtype=float).reshape(-1, 3)


# --------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------
def run_ini(
    path: str | os.PathLike,
    root: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    solver: str | None = None,
    *,
    progress: bool = False,
    max_memory_gb: float | None = None,
) -> dict:
    """Run the Circuitscape configuration ``path`` and write its outputs.

    Parameters
    ----------
    path : path
        Circuitscape ``.ini`` file.
    root : path, optional
        Folder that replaces the ``circuitscape/verify/`` prefix of the paths in the file
        and is searched first for other relative paths (then the .ini's folder).
    out : path, optional
        Output folder; the files keep the base name of ``output_file``. Default: the
        folder of ``output_file`` resolved like the inputs.
    solver : str, optional
        Overrides the file's solver (``amg``, ``cholmod``, ``splu``, ``direct``).

    Returns
    -------
    dict
        ``scenario``, ``data_type``, ``solver``, ``files`` (written paths), ``resistances``
        (DataFrame, Series or None) and ``n_solves``.
    """
    ini_path = Path(path)
    opts = read_ini(ini_path)
    ini_dir = ini_path.resolve().parent
    root_p = None if root is None else Path(root)
    engine_solver = solver if solver is not None else SOLVER_ALIASES[opts["solver"]]
    engine_solver = SOLVER_ALIASES.get(engine_solver, engine_solver)
    _common.check_solver_name(engine_solver)

    def locate(key: str) -> Path:
        p = resolve_path(opts[key], ini_dir=ini_dir, root=root_p)
        if not p.exists():
            raise FileNotFoundError(f"{ini_path}: {key} = {opts[key]!r} not found (looked for {p})")
        return p

    out_name = Path(opts["output_file"].replace("\\", "/")).name
    if out is not None:
        out_path = Path(out) / out_name
    else:
        out_path = resolve_path(opts["output_file"], ini_dir=ini_dir, root=root_p)
    stem, ext = os.path.splitext(str(out_path))
    base = Path(stem)
    ext = ext or ".out"
    base.parent.mkdir(parents=True, exist_ok=True)
    common = {
        "opts": opts,
        "solver": engine_solver,
        "base": base,
        "ext": ext,
        "locate": locate,
        "progress": progress,
        "max_memory_gb": max_memory_gb,
    }
    if opts["data_type"] == "network":
        result = _run_network(**common)
    else:
        result = _run_raster(**common)
    result.update({"scenario": opts["scenario"], "data_type": opts["data_type"], "solver": engine_solver})
    return result


def _habitat(opts: dict, locate) -> tuple[np.ndarray, GridHeader]:
    values, header = read_grid(locate("habitat_file"))
    if opts["use_reclass_table"]:
        table = _load_table(locate("reclass_file"))
        src = values.copy()
        for old, new in table[:, :2]:
            values[src == old] = new
    gmap = conductance_from_values(
        values, is_conductance=not opts["habitat_map_is_resistances"], name=f"habitat_file {opts['habitat_file']}"
    )
    if opts["use_mask"]:
        mask = _grid_like(locate("mask_file"), header, "mask file")
        gmap = np.where(np.isfinite(mask) & (mask > 0), gmap, 0.0)
        if not np.any(gmap > 0):
            raise ValueError("all cells of the habitat map were removed by the mask; there is nothing to solve")
    return gmap, header


def _run_raster(*, opts, solver, base, ext, locate, progress, max_memory_gb) -> dict:
    gmap, header = _habitat(opts, locate)
    polymap = None
    if opts["use_polygons"]:
        poly = _grid_like(locate("polygon_file"), header, "short-circuit region file")
        polymap = np.where(np.isfinite(poly), poly, 0).astype(np.int64)
    writer = _Writer(base, ext, header, opts, gmap)
    scenario = opts["scenario"]
    write_cur = opts["write_cur_maps"]
    per_map_cur = write_cur and not opts["write_cum_cur_map_only"]
    write_volt = opts["write_volt_maps"]
    max_map = write_cur and opts["write_max_cur_maps"] and scenario != "advanced"

    if scenario == "advanced":
        return _run_raster_advanced(opts, solver, gmap, header, polymap, writer, locate, max_memory_gb)

    cells = _read_focal(locate("point_file"), header)
    ids = sorted(cells)
    requested = None
    if opts["use_included_pairs"]:
        is_include, present, pairs = _read_included(locate("included_pairs_file"))
        ids = [i for i in ids if i in present]
        if len(ids) < 2:
            raise ValueError("fewer than two focal nodes remain after applying the included pairs file")
        requested = _included_matrix(ids, is_include, pairs)
    cells = {i: cells[i] for i in ids}

    def on_map(kind, key, arr):
        name = "_".join(str(k) for k in key) if isinstance(key, tuple) else str(key)
        if kind == "voltage":
            writer.grid("voltage", f"_voltmap_{name}", arr)
        else:
            writer.grid("current", f"_curmap_{name}", arr)

    if scenario == "pairwise":
        out = pairwise_raster(
            gmap,
            cells,
            ids,
            polymap=polymap,
            requested=requested,
            four_neighbors=opts["connect_four_neighbors_only"],
            avg_resistance=opts["connect_using_avg_resistances"],
            focal_regions="pair",
            solver=solver,
            voltage_maps=write_volt,
            current_maps=per_map_cur,
            cumulative=write_cur,
            max_map=max_map,
            zero_focal_currents=opts["set_focal_node_currents_to_zero"],
            on_map=on_map,
            progress=progress,
            max_memory_gb=max_memory_gb,
        )
        res = out["resistances"]
        writer.text(f"_resistances{ext}", _resistance_matrix_text(ids, res))
        writer.text(f"_resistances_3columns{ext}", _three_columns(ids, res))
        resistances = pd.DataFrame(res, index=ids, columns=ids)
    else:
        strengths = None
        if opts["use_variable_source_strengths"]:
            table = _load_table(locate("variable_source_file"))
            strengths = {int(k): float(v) for k, v in table[:, :2]}
        out = one_to_all_raster(
            gmap,
            cells,
            ids,
            mode=scenario,
            polymap=polymap,
            strengths=strengths,
            included=requested,
            four_neighbors=opts["connect_four_neighbors_only"],
            avg_resistance=opts["connect_using_avg_resistances"],
            solver=solver,
            voltage_maps=write_volt,
            current_maps=per_map_cur,
            cumulative=write_cur,
            max_map=max_map,
            on_map=on_map,
            progress=progress,
            max_memory_gb=max_memory_gb,
        )
        vals = out["values"]
        writer.text(f"_resistances{ext}", np.column_stack([ids, vals]))
        resistances = pd.Series(vals, index=ids, name="resistance")
    if write_cur and out["cumulative"] is not None:
        writer.grid("current", "_cum_curmap", out["cumulative"])
    if max_map and out["max"] is not None:
        writer.grid("current", "_curmap_max", out["max"])
    return {"files": writer.files, "resistances": resistances, "n_solves": out["n_solves"]}


def _read_sources_grounds(opts, locate, header):
    src_path = locate("source_file")
    if _is_grid_file(src_path):
        src = _grid_like(src_path, header, "current source file")
        src = np.where(np.isfinite(src), src, 0.0)
    else:
        vals, rows, cols = _txt_cells(_load_table(src_path), header, f"current source file {src_path}")
        src = np.zeros((header.nrows, header.ncols))
        src[rows, cols] = np.trunc(vals)
    if opts["use_unit_currents"]:
        src = np.where(src != 0, 1.0, 0.0)
    gnd_path = locate("ground_file")
    if _is_grid_file(gnd_path):
        graw = _grid_like(gnd_path, header, "ground file")
    else:
        vals, rows, cols = _txt_cells(_load_table(gnd_path), header, f"ground file {gnd_path}")
        graw = np.full((header.nrows, header.ncols), np.nan)
        graw[rows, cols] = np.trunc(vals)
    given = np.isfinite(graw)
    if np.any(graw[given] < 0):
        raise ValueError(f"{gnd_path}: ground values must be >= 0")
    if opts["ground_file_is_resistances"]:
        with np.errstate(divide="ignore"):
            gnd = np.where(given, 1.0 / np.where(given, graw, 1.0), 0.0)
        gnd[given & (graw == 0)] = np.inf
    else:
        gnd = np.where(given, graw, 0.0)
    if opts["use_direct_grounds"]:
        gnd = np.where(gnd != 0, np.inf, 0.0)
    return src, gnd


def _policy(opts) -> str:
    value = opts["remove_src_or_gnd"]
    return "keepall" if value == "not entered" else value


def _run_raster_advanced(opts, solver, gmap, header, polymap, writer, locate, max_memory_gb) -> dict:
    src, gnd = _read_sources_grounds(opts, locate, header)
    out = advanced_raster(
        gmap,
        src,
        gnd,
        polymap=polymap,
        policy=_policy(opts),
        four_neighbors=opts["connect_four_neighbors_only"],
        avg_resistance=opts["connect_using_avg_resistances"],
        solver=solver,
        need_currents=opts["write_cur_maps"],
        max_memory_gb=max_memory_gb,
    )
    if opts["write_volt_maps"]:
        writer.grid("voltage", "_voltmap", out["voltage"])
    if opts["write_cur_maps"]:
        writer.grid("current", "_curmap", out["current"])
    return {"files": writer.files, "resistances": None, "n_solves": out["n_solves"], "voltage": out["voltage"]}


def _run_network(*, opts, solver, base, ext, locate, progress, max_memory_gb) -> dict:
    habitat = locate("habitat_file")
    table = _load_table(habitat)
    if table.shape[1] < 3:
        raise ValueError(f"{habitat}: a network file needs three columns (node1 node2 value)")
    net, names = build_network(table[:, :3], is_conductance=not opts["habitat_map_is_resistances"])
    writer = _Writer(base, ext, None, opts, None)
    if opts["scenario"] == "advanced":
        src_t = _load_table(locate("source_file"))
        gnd_t = _load_table(locate("ground_file"))
        lookup = {k: i for i, k in enumerate(names.tolist())}
        src = np.zeros(names.size)
        graw = np.zeros(names.size)
        given = np.zeros(names.size, dtype=bool)
        for k, v in src_t[:, :2]:
            if int(k) in lookup:
                src[lookup[int(k)]] = v
        for k, v in gnd_t[:, :2]:
            if int(k) in lookup:
                graw[lookup[int(k)]] = v
                given[lookup[int(k)]] = True
        out = network_advanced_core(
            net,
            names,
            src,
            graw,
            given,
            grounds_are_resistances=opts["ground_file_is_resistances"],
            direct_grounding=opts["use_direct_grounds"],
            unit_currents=opts["use_unit_currents"],
            policy=_policy(opts),
            solver=solver,
            solver_options=None,
        )
        if opts["write_volt_maps"]:
            v = out["voltages"]
            writer.text("_voltages.txt", np.column_stack([v.index.to_numpy(float), v.to_numpy()]))
        if opts["write_cur_maps"]:
            br = out["branch_currents"]
            writer.table("_branch_currents.txt", br[br["current_A"] > 0])
            writer.table("_node_currents.txt", out["node_currents"])
        return {"files": writer.files, "resistances": None, "n_solves": out["n_solves"], "voltages": out["voltages"]}

    point_path = locate("point_file")
    ft = _load_table(point_path)
    if point_path.resolve() == habitat.resolve():
        focal_vals = ft[:, :2].ravel()
    else:
        focal_vals = ft[:, 0] if ft.shape[1] > 1 else ft.ravel()
    focal = sorted({int(v) for v in focal_vals})
    requested = None
    if opts["use_included_pairs"]:
        is_include, present, pairs = _read_included(locate("included_pairs_file"))
        focal = [f for f in focal if f in present]
        requested = _included_matrix(focal, is_include, pairs)
    if len(focal) < 2:
        raise ValueError(f"{point_path}: fewer than two focal nodes")
    write_cur = opts["write_cur_maps"]
    per_pair_cur = write_cur and not opts["write_cum_cur_map_only"]

    def on_pair(key, comp, volt, cur):
        name = f"{key[0]}_{key[1]}"
        if opts["write_volt_maps"]:
            writer.text(f"_voltages_{name}.txt", np.column_stack([names[comp.nodes].astype(float), volt]))
        if per_pair_cur:
            from ._kernels import branch_currents

            br = branch_currents(comp.a, comp.b, comp.g, volt)
            ga, gb = comp.nodes[comp.a], comp.nodes[comp.b]
            lo, hi = np.minimum(ga, gb), np.maximum(ga, gb)
            order = np.lexsort((hi, lo))
            rows = np.column_stack([names[lo[order]], names[hi[order]], br[order]]).astype(float)
            writer.text(f"_branch_currents_{name}.txt", rows[rows[:, 2] > 0])
            writer.text(f"_node_currents_{name}.txt", np.column_stack([names[comp.nodes].astype(float), cur]))

    out = network_pairwise_core(
        net,
        names,
        focal,
        requested=requested,
        solver=solver,
        cumulative=write_cur,
        on_pair=on_pair,
        progress=progress,
    )
    res = out["resistances"]
    writer.text(f"_resistances{ext}", _resistance_matrix_text(focal, res))
    writer.text(f"_resistances_3columns{ext}", _three_columns(focal, res))
    if write_cur:
        br = out["branch_currents_cum"]
        writer.table("_branch_currents_cum.txt", br[br["current_A"] > 0])
        writer.table("_node_currents_cum.txt", out["node_currents_cum"])
    return {
        "files": writer.files,
        "resistances": pd.DataFrame(res, index=focal, columns=focal),
        "n_solves": out["n_solves"],
    }
