"""Circuitscape ``.ini`` configuration files: strict parsing and path resolution.

Every option of Circuitscape 4 (and the extra ones of Circuitscape.jl) is known here. An
unknown option, an unparsable value or an option whose value this engine cannot honour
raises ``ValueError``. Options that only tune performance or logging of Circuitscape
(``parallelize``, ``low_memory_mode``, ``print_timings``, ...) are accepted: they do not
change results. File options that are switched off may name files that do not exist.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

__all__ = ["is_unset", "read_ini", "resolve_path"]

_BOOL = "bool"
_PATH = "path"
_TEXT = "text"
_INT = "int"

#: option -> (kind, default) ; defaults follow Circuitscape 4
OPTIONS: dict[str, tuple[str, object]] = {
    # mode
    "scenario": (_TEXT, "not entered"),
    "data_type": (_TEXT, "raster"),
    # habitat
    "habitat_file": (_PATH, None),
    "habitat_map_is_resistances": (_BOOL, True),
    "connect_four_neighbors_only": (_BOOL, False),
    "connect_using_avg_resistances": (_BOOL, False),
    "use_polygons": (_BOOL, False),
    "polygon_file": (_PATH, None),
    "use_mask": (_BOOL, False),
    "mask_file": (_PATH, None),
    "use_reclass_table": (_BOOL, False),
    "reclass_file": (_PATH, None),
    # focal nodes
    "point_file": (_PATH, None),
    "use_included_pairs": (_BOOL, False),
    "included_pairs_file": (_PATH, None),
    "point_file_contains_polygons": (_BOOL, False),
    "use_variable_source_strengths": (_BOOL, False),
    "variable_source_file": (_PATH, None),
    # advanced
    "source_file": (_PATH, None),
    "ground_file": (_PATH, None),
    "ground_file_is_resistances": (_BOOL, True),
    "use_unit_currents": (_BOOL, False),
    "use_direct_grounds": (_BOOL, False),
    "remove_src_or_gnd": (_TEXT, "keepall"),
    # output
    "output_file": (_PATH, None),
    "write_cur_maps": (_BOOL, False),
    "write_volt_maps": (_BOOL, False),
    "write_cum_cur_map_only": (_BOOL, False),
    "write_max_cur_maps": (_BOOL, False),
    "log_transform_maps": (_BOOL, False),
    "compress_grids": (_BOOL, False),
    "set_null_currents_to_nodata": (_BOOL, False),
    "set_null_voltages_to_nodata": (_BOOL, False),
    "set_focal_node_currents_to_zero": (_BOOL, False),
    "write_as_tif": (_BOOL, False),
    # calculation
    "solver": (_TEXT, "cg+amg"),
    "precision": (_TEXT, "double"),
    # performance / logging only (accepted; results do not depend on them)
    "low_memory_mode": (_BOOL, False),
    "preemptive_memory_release": (_BOOL, False),
    "parallelize": (_BOOL, False),
    "max_parallel": (_INT, 0),
    "print_timings": (_BOOL, False),
    "print_rusages": (_BOOL, False),
    "cholmod_batch_size": (_INT, 1000),
    "use_64bit_indexing": (_BOOL, True),
    "suppress_messages": (_BOOL, False),
    "profiler_log_file": (_TEXT, None),
    "log_file": (_TEXT, None),
    "log_level": (_TEXT, "INFO"),
    "screenprint_log": (_BOOL, False),
    "version": (_TEXT, "unknown"),
}

SCENARIOS = ("pairwise", "one-to-all", "all-to-one", "advanced")
DATA_TYPES = ("raster", "network")
#: Circuitscape solver names -> engine solver names
SOLVER_ALIASES = {
    "cg+amg": "amg",
    "amg": "amg",
    "cholmod": "cholmod",
    "splu": "splu",
    "direct": "direct",
}
REMOVE_VALUES = ("keepall", "rmvsrc", "rmvgnd", "rmvall", "not entered")

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def is_unset(value) -> bool:
    """True for empty path values and Circuitscape's GUI placeholders (``(Browse for ...)``, ``None``)."""
    if value is None:
        return True
    text = str(value).strip()
    return text == "" or text.lower() == "none" or (text.startswith("(") and text.endswith(")"))


def _parse(name: str, kind: str, raw: str):
    text = raw.strip()
    if kind == _BOOL:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"option {name} = {raw!r} is not a boolean (True/False)")
    if kind == _INT:
        try:
            return int(text)
        except ValueError as exc:
            raise ValueError(f"option {name} = {raw!r} is not an integer") from exc
    if kind == _PATH:
        return None if is_unset(text) else text
    return text


def read_ini(path: str | os.PathLike) -> dict:
    """Parse a Circuitscape ``.ini`` into a dict of typed options (defaults filled in).

    Raises ``ValueError`` for unknown options and invalid values.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.ini"
    >>> text = "[Circuitscape mode]\\nscenario = pairwise\\n[Files]\\nhabitat_file = h.asc\\npoint_file = p.txt\\n"
    >>> _ = p.write_text(text + "output_file = out/run.out\\n")
    >>> read_ini(p)["scenario"]
    'pairwise'
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"configuration file {path} does not exist")
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    with open(path, encoding="utf-8-sig", newline=None) as fh:
        parser.read_file(fh, source=str(path))
    opts = {name: default for name, (_kind, default) in OPTIONS.items()}
    unknown = []
    for section in parser.sections():
        for name, raw in parser.items(section):
            if name not in OPTIONS:
                unknown.append(f"[{section}] {name}")
                continue
            opts[name] = _parse(name, OPTIONS[name][0], raw)
    if unknown:
        raise ValueError(f"{path}: unknown Circuitscape option(s): {', '.join(unknown)}")
    _validate(opts, path)
    return opts


def _validate(opts: dict, path: Path) -> None:
    if opts["scenario"] not in SCENARIOS:
        raise ValueError(f"{path}: scenario = {opts['scenario']!r} is not allowed; choose one of {list(SCENARIOS)}")
    if opts["data_type"] not in DATA_TYPES:
        raise ValueError(f"{path}: data_type = {opts['data_type']!r} is not allowed; choose one of {list(DATA_TYPES)}")
    if opts["solver"] not in SOLVER_ALIASES:
        raise ValueError(f"{path}: solver = {opts['solver']!r} is not allowed; choose one of {list(SOLVER_ALIASES)}")
    if opts["precision"] not in ("double",):
        raise ValueError(f"{path}: precision = {opts['precision']!r} is not supported; only 'double'")
    if opts["write_as_tif"]:
        raise ValueError(f"{path}: write_as_tif = True is not supported; outputs are ESRI ASCII grids")
    if opts["remove_src_or_gnd"] not in REMOVE_VALUES:
        raise ValueError(
            f"{path}: remove_src_or_gnd = {opts['remove_src_or_gnd']!r} is not allowed; choose one of "
            f"{list(REMOVE_VALUES[:4])}"
        )
    if opts["data_type"] == "network" and opts["scenario"] not in ("pairwise", "advanced"):
        raise ValueError(f"{path}: network input supports scenario pairwise or advanced, not {opts['scenario']!r}")
    needed = ["habitat_file", "output_file"]
    if opts["scenario"] == "advanced":
        needed += ["source_file", "ground_file"]
    else:
        needed.append("point_file")
    for flag, key in (
        ("use_polygons", "polygon_file"),
        ("use_mask", "mask_file"),
        ("use_reclass_table", "reclass_file"),
        ("use_included_pairs", "included_pairs_file"),
        ("use_variable_source_strengths", "variable_source_file"),
    ):
        if opts[flag]:
            needed.append(key)
    missing = [k for k in needed if opts[k] is None]
    if missing:
        raise ValueError(f"{path}: the option(s) {missing} need a file name for this configuration")


def resolve_path(value: str, *, ini_dir: Path, root: Path | None, prefix: str = "circuitscape/verify/") -> Path:
    """Locate a file named in an .ini.

    ``circuitscape/verify/...`` (Circuitscape's test-suite prefix) maps to ``root``; other
    relative paths are looked up under ``root`` and then next to the .ini file. A missing
    plain file is also looked up with ``.gz`` appended.
    """
    text = value.replace("\\", "/").strip()
    candidates: list[Path] = []
    if text.startswith(prefix) and root is not None:
        candidates.append(root / text[len(prefix) :])
    p = Path(text)
    if p.is_absolute():
        candidates.append(p)
    else:
        if root is not None:
            candidates.append(root / p)
        candidates.append(ini_dir / p)
    for cand in candidates:
        for c in (cand, cand.with_name(cand.name + ".gz")):
            if c.exists():
                return c
    return candidates[0]
