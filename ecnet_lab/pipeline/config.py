"""The typed, validated configuration of a Shenzhen-style study (= the notebook's papermill parameters).

:class:`StudyConfig` is a frozen dataclass. Its :meth:`~StudyConfig.to_dict` is exactly the set of
parameters of ``notebooks/shenzhen_mspa.ipynb`` (JSON values: lists, not tuples), and
:meth:`~StudyConfig.from_dict` rebuilds it strictly: an unknown name or a value outside its allowed
range raises ``ValueError`` naming the parameter and what is allowed. Validation is cheap (no data
are read), so the command line checks parameters before any heavy step.

Every field carries its group, units, allowed range or choices and a one-line help in
``dataclasses.fields(StudyConfig)[i].metadata``; :func:`describe_parameters` tabulates them.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["PARAMETER_GROUPS", "StudyConfig", "describe_parameters", "parse_value"]

PARAMETER_GROUPS = (
    "data",
    "mspa",
    "sources",
    "resistance",
    "corridors",
    "pinch points",
    "barriers",
    "optimization",
    "report",
)

_PRESETS = ("jinan", "shenzhen", "wuhan")
_ADJACENCY = ("cost", "euclidean", "both", "all")
_PINCH_MODES = ("adjacent", "all_to_one", "pairwise")
_BARRIER_SCORES = ("absolute", "per_unit", "percent")
_CLASS_METHODS = ("quantile", "natural_breaks")
_BREAKS = ("default", "printed", "natural")
_ADD_RULES = ("dpc", "area")


def _p(
    default: Any,
    kind: str,
    group: str,
    help: str,
    *,
    units: str = "",
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    choices: tuple | None = None,
    optional: bool = False,
    length: int | None = None,
) -> Any:
    meta = {
        "kind": kind,
        "group": group,
        "help": help,
        "units": units,
        "lo": lo,
        "hi": hi,
        "lo_open": lo_open,
        "hi_open": hi_open,
        "choices": choices,
        "optional": optional,
        "length": length,
    }
    if isinstance(default, list | tuple):
        value = tuple(default)
        return field(default=value, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class StudyConfig:
    """All parameters of the Shenzhen MSPA + circuit-theory workflow (Li et al. 2025, *Sustainability* 17:9779).

    Defaults are the paper's thresholds, except ``min_core_area_km2`` (1 km² instead of 10 km²): the
    default synthetic city covers 576 km² (800 x 800 cells of 30 m) with its woodland in a few large
    blocks, and 10 km² leaves only two sources there. Pass ``min_core_area_km2=10`` for the paper's
    value on real data of Shenzhen's size (1997 km²).

    Examples
    --------
    >>> cfg = StudyConfig(size=200, min_core_area_km2=0.2)
    >>> StudyConfig.from_dict(cfg.to_dict()) == cfg
    True
    >>> StudyConfig.from_dict({"dpc_treshold": 0.2})
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'dpc_treshold' (did you mean 'dpc_threshold'?); allowed parameters: ...
    """

    # --- data
    data: str = _p(
        "synthetic-shenzhen",
        "str",
        "data",
        "catalog entry: a synthetic city (synthetic-shenzhen, ...) or a single-period land-cover raster "
        "(e.g. hk-habitat-6class-2018-2022)",
    )
    size: int = _p(
        800, "int", "data", "synthetic cities only: number of rows and columns", units="cells", lo=64, hi=4000
    )
    resolution_m: float = _p(30.0, "float", "data", "synthetic cities only: cell size", units="m", lo=1.0, hi=1000.0)
    seed: int = _p(0, "int", "data", "synthetic cities only: random seed", lo=0, hi=2**31 - 1)
    mask_sea: bool = _p(
        True,
        "bool",
        "data",
        "synthetic cities only: sea (water at or below 0 m touching the map edge) is outside the study area",
    )
    foreground_classes: tuple = _p(
        None,
        "int_list",
        "mspa",
        "land-cover codes of the MSPA foreground; None: the data's default (synthetic: [2, 3] woodland + "
        "water, as the paper; Hong Kong habitat maps: [1, 2] woodland + shrubland)",
        lo=0,
        hi=255,
        optional=True,
    )
    # --- MSPA
    mspa_connectivity: int = _p(8, "int", "mspa", "MSPA foreground connectivity (paper: 8)", choices=(4, 8))
    mspa_edge_width: int = _p(1, "int", "mspa", "MSPA edge width (paper: 1)", units="cells", lo=1, hi=50)
    # --- sources
    min_core_area_km2: float = _p(
        1.0,
        "float",
        "sources",
        "keep core patches larger than this (paper: 10 on Shenzhen's 1997 km2)",
        units="km2",
        lo=0.0,
        hi=10000.0,
    )
    aggregation_distance_m: float = _p(
        1000.0, "float", "sources", "merge core patches closer than this (paper: 1000)", units="m", lo=0.0, hi=100000.0
    )
    dispersal_distance_m: float = _p(
        5000.0,
        "float",
        "sources",
        "PC/dPC dispersal distance at which the probability is dispersal_probability (not stated in the paper)",
        units="m",
        lo=0.0,
        hi=1e6,
        lo_open=True,
    )
    dispersal_probability: float = _p(
        0.5,
        "float",
        "sources",
        "PC/dPC dispersal probability at dispersal_distance_m",
        lo=0.0,
        hi=1.0,
        lo_open=True,
        hi_open=True,
    )
    dpc_threshold: float = _p(
        0.1, "float", "sources", "sources keep dPC above this (paper: 0.1)", units="%", lo=0.0, hi=100.0
    )
    importance_breaks: tuple = _p(
        [0.1, 0.5, 1.0],
        "float_list",
        "sources",
        "dPC breaks of general / important / key sources (paper: 0.1, 0.5, 1)",
        units="%",
        lo=0.0,
        hi=100.0,
        length=3,
    )
    # --- resistance
    resistance_preset: str = _p(
        "shenzhen",
        "str",
        "resistance",
        "resistance factor table (paper: shenzhen, Table 2); factors whose layers the data lack are dropped",
        choices=_PRESETS,
    )
    resistance_breaks: str = _p(
        "default",
        "str",
        "resistance",
        "class limits: printed in the paper's table, natural breaks, or the preset's default",
        choices=_BREAKS,
    )
    swap_terrain: bool = _p(
        False, "bool", "resistance", "shenzhen preset only: exchange the elevation and slope limits of Table 2"
    )
    # --- corridors
    corridor_width: float = _p(
        1000.0,
        "float",
        "corridors",
        "corridor width as a cost-weighted distance (paper: 'a weighted cost distance of 1000 m')",
        units="cost-weighted m",
        lo=0.0,
        hi=1e9,
        lo_open=True,
    )
    adjacency: str = _p(
        "both", "str", "corridors", "Linkage Mapper adjacency of sources that get a corridor", choices=_ADJACENCY
    )
    corridor_class_method: str = _p(
        "quantile",
        "str",
        "corridors",
        "classes general / important / key by current-flow centrality (paper: quantile)",
        choices=_CLASS_METHODS,
    )
    # --- pinch points
    pinch_mode: str = _p(
        "adjacent",
        "str",
        "pinch points",
        "Pinchpoint Mapper mode (Linkage Mapper default: adjacent)",
        choices=_PINCH_MODES,
    )
    pinch_quantile: float = _p(
        0.9,
        "float",
        "pinch points",
        "pinch points are the corridor cells with current above this quantile",
        lo=0.0,
        hi=1.0,
        lo_open=True,
        hi_open=True,
    )
    # --- barriers
    barrier_radii_m: tuple = _p(
        [90.0, 180.0, 270.0],
        "float_list",
        "barriers",
        "Barrier Mapper window radii, strictly increasing, at least one cell",
        units="m",
        lo=0.0,
        hi=100000.0,
        lo_open=True,
    )
    barrier_score: str = _p(
        "per_unit",
        "str",
        "barriers",
        "improvement score (paper: the unit reduction in least-cost distance, i.e. per_unit)",
        choices=_BARRIER_SCORES,
    )
    barrier_quantile: float = _p(
        0.9,
        "float",
        "barriers",
        "barriers are the corridor cells with a score above this quantile",
        lo=0.0,
        hi=1.0,
        lo_open=True,
        hi_open=True,
    )
    # --- optimization
    optimize: bool = _p(True, "bool", "optimization", "optimize the network and compare before/after (Table 5)")
    added_sources: int = _p(
        12,
        "int",
        "optimization",
        "at most this many new sources from remaining core patches (paper: 12)",
        lo=0,
        hi=1000,
    )
    added_source_min_area_km2: float = _p(
        0.25, "float", "optimization", "new sources must be larger than this", units="km2", lo=0.0, hi=10000.0
    )
    added_source_rule: str = _p(
        "dpc", "str", "optimization", "rank candidate new sources by dPC or by area", choices=_ADD_RULES
    )
    stepping_stones: int = _p(
        18,
        "int",
        "optimization",
        "at most this many stepping stones at corridor intersections and along long corridors (paper: 18)",
        lo=0,
        hi=1000,
    )
    stone_spacing_m: float = _p(
        5000.0,
        "float",
        "optimization",
        "longest corridor stretch without a stepping stone",
        units="m",
        lo=0.0,
        hi=1e6,
        lo_open=True,
    )
    breakpoints: bool = _p(
        True, "bool", "optimization", "restore ecological breakpoints where corridors cross roads (needs roads)"
    )
    current_mode: str = _p(
        "all_to_one",
        "str",
        "optimization",
        "circuit mode of the network current whose maximum is compared before/after (paper: 10.60 -> 20.50 A)",
        choices=_PINCH_MODES,
    )
    # --- report
    interactive: bool = _p(
        False, "bool", "report", "show widgets (JupyterLab); False renders static figures (papermill reports)"
    )
    export_dir: str = _p("", "str", "report", "if set, write GeoTIFFs, a GeoPackage, CSV tables and config.json here")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _check_field(f, getattr(self, f.name)))
        _check_combinations(self)

    # ------------------------------------------------------------------ dict round trip
    @classmethod
    def field_names(cls) -> list[str]:
        """Names of all parameters, in notebook order."""
        return [f.name for f in dataclasses.fields(cls)]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (lists for sequences): exactly the notebook's papermill parameters."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, params: Mapping[str, Any] | None = None, **overrides: Any) -> StudyConfig:
        """Build and validate a config from (a subset of) the parameters; missing ones take defaults.

        Raises
        ------
        ValueError
            An unknown parameter name (with the closest allowed name) or a value outside its range.
        TypeError
            ``params`` is not a mapping.
        """
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping of parameter name -> value, got {type(params).__name__}")
        merged = {**(params or {}), **overrides}
        _check_names(merged)
        return cls(**merged)

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> StudyConfig:
        """The config from a namespace holding every parameter (e.g. a notebook's ``globals()``)."""
        missing = [n for n in cls.field_names() if n not in namespace]
        if missing:
            raise ValueError(f"the namespace lacks parameter(s) {missing!r}")
        return cls(**{n: namespace[n] for n in cls.field_names()})

    @classmethod
    def from_strings(cls, pairs: Mapping[str, str] | list[tuple[str, str]]) -> StudyConfig:
        """A config from command-line strings (``-p name value``), each parsed by its parameter's type."""
        items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        _check_names(dict(items))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        return cls.from_dict({name: parse_value(fields[name], text) for name, text in items})

    def replace(self, **changes: Any) -> StudyConfig:
        """A validated copy with some parameters changed (unknown names raise ``ValueError``)."""
        _check_names(changes)
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        """The parameters as indented JSON."""
        return json.dumps(self.to_dict(), indent=2)

    def changed(self) -> dict[str, Any]:
        """The parameters that differ from the defaults."""
        default = StudyConfig().to_dict()
        return {k: v for k, v in self.to_dict().items() if default[k] != v}

    def is_synthetic(self) -> bool:
        """Whether ``data`` names a synthetic city of the catalog."""
        return "synthetic" in _catalog_entry(self.data)["source"]


# ---------------------------------------------------------------------------------------------- validation


def _check_names(params: Mapping[str, Any]) -> None:
    allowed = StudyConfig.field_names()
    for name in params:
        if name not in allowed:
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown parameter {name!r}{hint}; allowed parameters: {', '.join(allowed)}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _range_text(name: str, m: Mapping[str, Any]) -> str:
    if m["choices"] is not None:
        return f"one of {list(m['choices'])!r}"
    lo, hi = m["lo"], m["hi"]
    parts = []
    if lo is not None:
        parts.append(f"{_num(lo)} {'<' if m['lo_open'] else '<='} ")
    parts.append(name)
    if hi is not None:
        parts.append(f" {'<' if m['hi_open'] else '<='} {_num(hi)}")
    units = f" ({m['units']})" if m["units"] else ""
    return "".join(parts) + units


def _in_range(x: float, m: Mapping[str, Any]) -> bool:
    lo, hi = m["lo"], m["hi"]
    if lo is not None and (x < lo or (m["lo_open"] and x == lo)):
        return False
    return not (hi is not None and (x > hi or (m["hi_open"] and x == hi)))


def _scalar(name: str, value: Any, kind: str, m: Mapping[str, Any], what: str | None = None) -> Any:
    label = what or name
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{label}={value!r} is not allowed; it must be True or False")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ValueError(f"{label}={value!r} is not allowed; it must be a string")
        out: Any = value
    elif kind == "int":
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
            raise ValueError(f"{label}={value!r} is not allowed; it must be an integer, {_range_text(name, m)}")
        out = int(value)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{label}={value!r} is not allowed; it must be a finite number, {_range_text(name, m)}")
        out = float(value)
    if m["choices"] is not None and out not in m["choices"]:
        raise ValueError(f"{label}={value!r} is not allowed; choose one of {list(m['choices'])!r}")
    if kind in ("int", "float") and m["choices"] is None and not _in_range(out, m):
        raise ValueError(f"{label}={value!r} is out of range; allowed: {_range_text(name, m)}")
    return out


def _check_field(f: dataclasses.Field, value: Any) -> Any:
    m = f.metadata
    kind = m["kind"]
    if value is None:
        if m["optional"]:
            return None
        raise ValueError(f"{f.name}=None is not allowed; give a value ({_range_text(f.name, m)})")
    if kind in ("int_list", "float_list"):
        if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
            raise ValueError(f"{f.name}={value!r} is not allowed; it must be a list of numbers")
        items = list(value)
        if not items:
            raise ValueError(f"{f.name}=[] is not allowed; give at least one value")
        if m["length"] is not None and len(items) != m["length"]:
            raise ValueError(f"{f.name}={items!r} is not allowed; it must hold exactly {m['length']} values")
        base = "int" if kind == "int_list" else "float"
        return tuple(_scalar(f.name, v, base, m, what=f"{f.name} item") for v in items)
    return _scalar(f.name, value, kind, m)


def _catalog_entry(name: str) -> dict:
    from .. import catalog

    entries = catalog.entries()
    if name not in entries:
        usable = sorted(n for n, e in entries.items() if _usable(e))
        raise ValueError(f"data={name!r} is not in the data catalog; allowed: {usable!r}")
    return entries[name]


def _usable(entry: Mapping[str, Any]) -> bool:
    source = entry["source"]
    if entry["kind"] != "raster":
        return False
    return "synthetic" in source or "pattern" not in source.get("local", {})


def _check_combinations(cfg: StudyConfig) -> None:
    entry = _catalog_entry(cfg.data)
    if not _usable(entry):
        from .. import catalog

        usable = sorted(n for n, e in catalog.entries().items() if _usable(e))
        raise ValueError(
            f"data={cfg.data!r} is not a single land-cover raster (a multi-period entry or not a raster); "
            f"allowed: {usable!r}"
        )
    synthetic = "synthetic" in entry["source"]
    from .profiles import profile_for

    if cfg.foreground_classes is None and profile_for(cfg.data).foreground_classes is None:
        raise ValueError(
            f"foreground_classes=None is not allowed for data={cfg.data!r}: it has no default foreground; "
            "give the land-cover codes of the MSPA foreground, e.g. [1, 2]"
        )
    b = cfg.importance_breaks
    if not all(x < y for x, y in itertools.pairwise(b)):
        raise ValueError(f"importance_breaks={list(b)!r} is not allowed; the three breaks must increase strictly")
    r = cfg.barrier_radii_m
    if not all(x < y for x, y in itertools.pairwise(r)):
        raise ValueError(f"barrier_radii_m={list(r)!r} is not allowed; the radii must increase strictly")
    if synthetic and r[0] < cfg.resolution_m:
        raise ValueError(
            f"barrier_radii_m={list(r)!r} is not allowed; the smallest radius must be at least one cell "
            f"(resolution_m={cfg.resolution_m:g})"
        )
    if cfg.swap_terrain and cfg.resistance_preset != "shenzhen":
        raise ValueError(
            f"swap_terrain=True is not allowed with resistance_preset={cfg.resistance_preset!r}; "
            "it applies only to 'shenzhen'"
        )
    if cfg.resistance_breaks == "printed" and cfg.resistance_preset == "wuhan":
        raise ValueError(
            "resistance_breaks='printed' is not allowed with resistance_preset='wuhan' (its class limits are not "
            "printed in the paper); use 'natural' or 'default'"
        )


# ---------------------------------------------------------------------------------------------- strings


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_value(f: dataclasses.Field | str, text: str) -> Any:
    """Parse a command-line string for a parameter (``True``/``no``, ``12``, ``0.5``, ``[1, 2]`` or ``1,2``, ``None``).

    Examples
    --------
    >>> parse_value("foreground_classes", "1,2"), parse_value("optimize", "no"), parse_value("size", "200")
    ((1, 2), False, 200)
    """
    if isinstance(f, str):
        fields = {x.name: x for x in dataclasses.fields(StudyConfig)}
        _check_names({f: None})
        f = fields[f]
    m = f.metadata
    kind = m["kind"]
    s = str(text).strip()
    if m["optional"] and s.lower() in ("none", "null", ""):
        return None
    try:
        if kind == "bool":
            if s.lower() in _TRUE:
                return True
            if s.lower() in _FALSE:
                return False
            raise ValueError
        if kind == "str":
            return s
        if kind == "int":
            return int(float(s)) if float(s).is_integer() else float(s)
        if kind == "float":
            return float(s)
        body = s[1:-1] if s.startswith("[") and s.endswith("]") else s
        items = [x.strip() for x in body.split(",") if x.strip()]
        conv = float if kind == "float_list" else (lambda x: int(float(x)) if float(x).is_integer() else float(x))
        return tuple(conv(x) for x in items)
    except ValueError:
        raise ValueError(
            f"{f.name}={text!r} is not allowed; expected {kind.replace('_', ' of ')} ({_range_text(f.name, m)})"
        ) from None


def describe_parameters() -> pd.DataFrame:
    """One row per parameter: group, name, default, allowed range or choices, units and help.

    Examples
    --------
    >>> describe_parameters().set_index("name").loc["dpc_threshold", "default"]
    0.1
    """
    rows = []
    default = StudyConfig().to_dict()
    for f in dataclasses.fields(StudyConfig):
        m = f.metadata
        allowed = _range_text(f.name, m) if (m["choices"] or m["lo"] is not None or m["hi"] is not None) else ""
        if m["kind"] == "bool":
            allowed = "True or False"
        rows.append(
            {
                "group": m["group"],
                "name": f.name,
                "default": default[f.name],
                "allowed": allowed + (" or None" if m["optional"] else ""),
                "units": m["units"],
                "help": m["help"],
            }
        )
    return pd.DataFrame(rows)
