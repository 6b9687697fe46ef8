"""Presets reproducing the resistance tables of the three case-study papers, and their customisation.

* ``jinan``: Feng et al. 2025, *Land* 14:668, Table 2 (LULC, population intensity, slope, DEM, NDVI).
* ``shenzhen``: Li et al. 2025, *Sustainability* 17:9779, Table 2 (ten factors, combined AHP–entropy weights).
* ``wuhan``: Remote Sens. 2025, 17:2548 (rs17152548), section "Ecological Resistance Surface": the five
  factors are named in the text but their grades and weights are in supplementary Table S5, which is
  not part of the paper text; the preset is therefore **provisional** (equal weights, five natural-break
  levels) and says so in its ``status`` and ``description``.

Every preset is an ordinary spec dict (see :mod:`ecnet_lab.resistance.spec`) reading the layers of
``ecnet_lab.synth.city``: ``lulc`` (1 grassland, 2 woodland, 3 water, 4 cropland, 5 unutilized,
6 construction), ``dem`` (m), ``slope`` (degrees), ``population``, bands ``nir``/``red`` (NDVI),
feature rasters ``rivers``, ``railways``, ``roads``, ``soil``, ``mspa``
(GuidosToolbox MSPA classes). :func:`customize` and :func:`from_preset` map factors to other layers
(``layer_map``) and other class codes (``lulc_map``/``class_maps``), e.g. the Hong Kong habitat maps
with :data:`HK_HABITAT_6CLASS_TO_LULC`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import xarray as xr

from .._checks import check_choice
from .inputs import Layers
from .overlay import build_resistance
from .spec import validate_spec

__all__ = [
    "HK_HABITAT_6CLASS_TO_LULC",
    "HK_HABITAT_8CLASS_TO_LULC",
    "LULC_CODES",
    "MSPA_CODES",
    "SHENZHEN_SOIL_CODES",
    "SYNTH_CLASS_MAPS",
    "available_presets",
    "customize",
    "from_preset",
    "preset",
    "select_factors",
]

#: Land-use codes of the presets (the ``ecnet_lab.synth`` convention).
LULC_CODES = {"grassland": 1, "woodland": 2, "water": 3, "cropland": 4, "unutilized": 5, "construction": 6}

#: GuidosToolbox MSPA class codes (external; the internal variants are +100).
MSPA_CODES = {
    "background": (0,),
    "core": (17,),
    "islet": (9,),
    "perforation": (5,),
    "edge": (3,),
    "loop": (65, 67, 69),
    "bridge": (33, 35, 37),
    "branch": (1,),
}
_MSPA_MISSING = 129
_MSPA_BORDER_OPENING = 220

#: Soil codes of the Shenzhen preset (Table 2 lists soils, not codes; map real soil maps with class_maps).
SHENZHEN_SOIL_CODES = {"red_soil": 1, "rice_soil": 2, "tidal_soil": 3, "yellow_red_soil": 4, "coastal_saline_soil": 5}

#: Hong Kong habitat map (6 classes: 1 woodland, 2 shrubland, 3 grassland, 4 barren land, 5 built-up, 6 water)
#: -> preset land-use codes (shrubland counts as grassland, as in Shenzhen's "Grassland, Shrubs" row).
HK_HABITAT_6CLASS_TO_LULC = {1: 2, 2: 1, 3: 1, 4: 5, 5: 6, 6: 3}
#: The 8-class map adds 7 wetland (-> water) and 8 plantation (-> woodland).
HK_HABITAT_8CLASS_TO_LULC = {**HK_HABITAT_6CLASS_TO_LULC, 7: 3, 8: 2}

#: Class maps for using the presets on ``ecnet_lab.synth`` cities, whose soil map has codes the Shenzhen
#: table does not list: 0 (no soil: water) -> tidal soil, and the upland soils 6 (cinnamon), 7 (brown),
#: 8 (lithosol) -> red soil (the hill soil of Shenzhen). An approximation for synthetic data only.
SYNTH_CLASS_MAPS: dict[str, dict[str, dict[int, int]]] = {
    "jinan": {},
    "shenzhen": {"soil": {0: 3, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 1, 7: 1, 8: 1}},
    "wuhan": {},
}

_NDVI = {"kind": "normalized_difference", "a": "nir", "b": "red"}
_L = LULC_CODES


def _lulc_table(scores: Mapping[str, float], labels: Mapping[str, str] | None = None) -> list[dict]:
    rows: dict[float, list[str]] = {}
    for cls, score in scores.items():
        rows.setdefault(score, []).append(cls)
    table = []
    for score, classes in rows.items():
        label = (labels or {}).get(classes[0]) or ", ".join(classes)
        table.append({"values": [_L[c] for c in classes], "score": score, "label": label})
    return table


def _jinan(breaks: str) -> dict:
    scores = [20, 40, 60, 80, 100]

    def cont(printed: list[float], labels: list[str]) -> dict:
        if breaks == "printed":
            return {"type": "breaks", "breaks": printed, "scores": scores, "closed": "left", "labels": labels}
        return {"type": "natural_breaks", "scores": scores, "labels": labels}

    return {
        "name": "jinan",
        "status": "published",
        "source": "Feng et al. 2025, Land 14(4):668, doi:10.3390/land14040668, Table 2 and section 2.3.3",
        "description": (
            "Jinan: weighted overlay of LULC (0.31), population intensity (0.26), slope (0.14), DEM (0.11) and "
            "NDVI (0.18). LULC scores as printed (grassland 10, woodland 15, waterbody 40, cropland 60, unutilized "
            "land 80, construction land 100). The four non-LULC factors were graded by natural breaks on Jinan's "
            "data; the 'printed' variant uses the class limits of Table 2 (left-closed, following the printed "
            "'>=' of the top class; the lowest and highest classes are open-ended, so values below the first "
            "printed lower bound, e.g. negative NDVI, fall in the lowest class), the 'natural' variant recomputes "
            "Jenks breaks on the given layers with the same scores. As printed, NDVI grades increase in "
            "resistance with NDVI (0-0.437 -> 20 ... >=0.757 -> 100) although the text says vegetation provides "
            "shelter; the table is followed as printed. Population intensity is in the units of the paper's "
            "LandScan layer (persons per cell/km2)."
        ),
        "weighting": {"method": "given"},
        "factors": [
            {
                "name": "lulc",
                "label": "LULC",
                "layer": "lulc",
                "weight": 0.31,
                "grading": {
                    "type": "categorical",
                    "table": _lulc_table(
                        {
                            "grassland": 10,
                            "woodland": 15,
                            "water": 40,
                            "cropland": 60,
                            "unutilized": 80,
                            "construction": 100,
                        },
                        {"water": "waterbody", "unutilized": "unutilized land", "construction": "construction land"},
                    ),
                },
            },
            {
                "name": "population",
                "label": "population intensity",
                "layer": "population",
                "weight": 0.26,
                "grading": cont([908, 3290, 7300, 15940], ["0-908", "908-3290", "3290-7300", "7300-15940", ">=15940"]),
            },
            {
                "name": "slope",
                "label": "slope",
                "units": "degree",
                "layer": "slope",
                "weight": 0.14,
                "grading": cont(
                    [1.071, 3.013, 5.289, 8.235],
                    ["0.000-1.071", "1.071-3.013", "3.013-5.289", "5.289-8.235", ">=8.235"],
                ),
            },
            {
                "name": "dem",
                "label": "DEM",
                "units": "m",
                "layer": "dem",
                "weight": 0.11,
                "grading": cont([99, 225, 350, 500], ["10-99", "99-225", "225-350", "350-500", ">=500"]),
            },
            {
                "name": "ndvi",
                "label": "NDVI",
                "derive": dict(_NDVI),
                "weight": 0.18,
                "grading": cont(
                    [0.437, 0.590, 0.682, 0.757], ["0-0.437", "0.437-0.590", "0.590-0.682", "0.682-0.757", ">=0.757"]
                ),
            },
        ],
    }


def _shenzhen(breaks: str, swap_terrain: bool) -> dict:
    scores = [10, 20, 30, 40, 50]

    def cont(printed: list[float], direction: str, labels: list[str]) -> dict:
        if breaks == "printed":
            return {
                "type": "breaks",
                "breaks": printed,
                "scores": scores,
                "direction": direction,
                "closed": "right",
                "labels": labels,
            }
        return {"type": "natural_breaks", "scores": scores, "direction": direction, "labels": labels}

    elev_breaks, slope_breaks = [5, 20, 35, 50], [200, 400, 600, 800]
    elev_labels = ["[0, 5]", "(5, 20]", "(20, 35]", "(35, 50]", ">50"]
    slope_labels = ["[0, 200]", "(200, 400]", "(400, 600]", "(600, 800]", ">800"]
    if swap_terrain:
        elev_breaks, slope_breaks = slope_breaks, elev_breaks
        elev_labels, slope_labels = slope_labels, elev_labels
    far_labels = [">2000", "(1500, 2000]", "(1000, 1500]", "(500, 1000]", "[0, 500]"]  # score order 10..50
    near_labels = ["[0, 350]", "(350, 700]", "(700, 1050]", "(1050, 1400]", ">1400"]
    mspa = MSPA_CODES

    def internal(codes: tuple[int, ...]) -> list[int]:
        return [*codes, *(c + 100 for c in codes)]

    return {
        "name": "shenzhen",
        "status": "published",
        "source": "Li et al. 2025, Sustainability 17(21):9779, doi:10.3390/su17219779, Table 2 and section 2.3.2",
        "description": (
            "Shenzhen: ten factors in five levels scored 10-50 (higher = more resistance), weighted by the "
            "combined AHP-entropy weights of Table 2 (W_ij = (W_i W_j)^0.5 / sum (W_i W_j)^0.5; the separate AHP and "
            "entropy weights are not printed, so the combined weights are given directly; they sum to 1.0000). "
            "Class limits are right-closed as printed ('(5, 20]'); outer classes are open-ended. Followed as printed "
            "although ambiguous: (1) the Elevation row has limits 0-5-20-35-50 and the Slope row 0-200-...-800, which "
            "look swapped (degrees vs metres); swap_terrain=True exchanges them; (2) NDVI's lowest class is printed "
            "'(0, -0.2]' and is taken as NDVI <= 0; (3) distance from major city roads scores 10 near roads and 50 "
            "beyond 1400 m, the opposite of the railway and highway rows (50 within 500 m); (4) 'Red soil' is listed "
            "under both 10 and 40 ('Red soil, Yellow-red soil'): code 1 (red soil) scores 10 and code 4 "
            "(yellow-red soil) scores 40, see SHENZHEN_SOIL_CODES; (5) water bodies score 40 with bare ground. "
            "MSPA classes use GuidosToolbox codes incl. the +100 internal variants; 129 (missing) is nodata. "
            "Highways and major city roads both read the layer 'roads' by default (the synthetic cities have one "
            "road network); give separate layers with layer_map={'distance_highway': ..., "
            "'distance_major_road': ...}. "
            "The paper reports a resistance range of 16.18-78.37, outside the 10-50 that these scores and weights "
            "can produce, so that range cannot be reproduced from the table."
        ),
        "weighting": {"method": "given"},
        "factors": [
            {
                "name": "elevation",
                "label": "elevation",
                "units": "m",
                "layer": "dem",
                "weight": 0.0652,
                "grading": cont(elev_breaks, "increasing", elev_labels),
            },
            {
                "name": "slope",
                "label": "slope",
                "units": "degree",
                "layer": "slope",
                "weight": 0.0358,
                "grading": cont(slope_breaks, "increasing", slope_labels),
            },
            {
                "name": "ndvi",
                "label": "normalized difference vegetation index",
                "derive": dict(_NDVI),
                "weight": 0.1221,
                "grading": cont(
                    [0, 0.25, 0.5, 0.75], "decreasing", ["(0.75, 1]", "(0.5, 0.75]", "(0.25, 0.5]", "(0, 0.25]", "<= 0"]
                ),
            },
            {
                "name": "distance_river",
                "label": "distance from the river",
                "units": "m",
                "derive": {"kind": "distance", "features": "rivers"},
                "weight": 0.0407,
                "grading": cont([350, 700, 1050, 1400], "increasing", near_labels),
            },
            {
                "name": "soil",
                "label": "soil",
                "layer": "soil",
                "weight": 0.0612,
                "grading": {
                    "type": "categorical",
                    "table": [
                        {"values": [SHENZHEN_SOIL_CODES["red_soil"]], "score": 10, "label": "red soil"},
                        {"values": [SHENZHEN_SOIL_CODES["rice_soil"]], "score": 20, "label": "rice soil"},
                        {"values": [SHENZHEN_SOIL_CODES["tidal_soil"]], "score": 30, "label": "tidal soil"},
                        {
                            "values": [SHENZHEN_SOIL_CODES["yellow_red_soil"]],
                            "score": 40,
                            "label": "red soil, yellow-red soil",
                        },
                        {
                            "values": [SHENZHEN_SOIL_CODES["coastal_saline_soil"]],
                            "score": 50,
                            "label": "coastal saline soil",
                        },
                    ],
                },
            },
            {
                "name": "land_use",
                "label": "land use",
                "layer": "lulc",
                "weight": 0.1828,
                "grading": {
                    "type": "categorical",
                    "table": [
                        {"values": [_L["woodland"]], "score": 10, "label": "forest"},
                        {"values": [_L["grassland"]], "score": 20, "label": "grassland, shrubs"},
                        {"values": [_L["cropland"]], "score": 30, "label": "farmland"},
                        {"values": [_L["unutilized"], _L["water"]], "score": 40, "label": "bare ground, water body"},
                        {"values": [_L["construction"]], "score": 50, "label": "impervious surface"},
                    ],
                },
            },
            {
                "name": "distance_railway",
                "label": "distance from the railway",
                "units": "m",
                "derive": {"kind": "distance", "features": "railways"},
                "weight": 0.1104,
                "grading": cont([500, 1000, 1500, 2000], "decreasing", far_labels),
            },
            {
                "name": "distance_highway",
                "label": "distance to highway",
                "units": "m",
                "derive": {"kind": "distance", "features": "roads"},
                "weight": 0.0798,
                "grading": cont([500, 1000, 1500, 2000], "decreasing", far_labels),
            },
            {
                "name": "distance_major_road",
                "label": "distance from major city roads",
                "units": "m",
                "derive": {"kind": "distance", "features": "roads"},
                "weight": 0.0644,
                "grading": cont([350, 700, 1050, 1400], "increasing", near_labels),
            },
            {
                "name": "mspa",
                "label": "MSPA landscape type",
                "layer": "mspa",
                "weight": 0.2376,
                "grading": {
                    "type": "categorical",
                    "nodata_values": [_MSPA_MISSING],
                    "table": [
                        {"values": internal(mspa["core"]), "score": 10, "label": "core"},
                        {"values": internal(mspa["bridge"]), "score": 20, "label": "bridge"},
                        {"values": internal(mspa["branch"] + mspa["loop"]), "score": 30, "label": "branch, loop"},
                        {"values": internal(mspa["edge"] + mspa["islet"]), "score": 40, "label": "edge, islet"},
                        {
                            # background incl. core-openings (100) and border-openings (220) from intext
                            "values": [*internal(mspa["perforation"] + mspa["background"]), _MSPA_BORDER_OPENING],
                            "score": 50,
                            "label": "perforation, background",
                        },
                    ],
                },
            },
        ],
    }


def _wuhan(breaks: str) -> dict:
    if breaks == "printed":
        raise ValueError(
            "breaks='printed' is not available for preset 'wuhan': its class limits are in supplementary Table S5, "
            "which is not in the paper text; use breaks='natural'"
        )
    levels = [1, 2, 3, 4, 5]
    return {
        "name": "wuhan",
        "status": "provisional",
        "source": "Remote Sens. 2025, 17(15):2548, doi:10.3390/rs17152548, section 'Ecological Resistance Surface' "
        "(factors); grades and weights are in supplementary Table S5 (not available here)",
        "description": (
            "Wuhan (PROVISIONAL): the paper names five factors - land use, elevation, slope, vegetation cover (NDVI, "
            "Figure 7) and distance from primary roads - but prints their grades and weights only in supplementary "
            "Table S5, which is not in the paper text. Until Table S5 is transcribed this preset uses equal weights "
            "(0.2 each), five levels scored 1-5, Jenks natural breaks on the given layers for the continuous "
            "factors (resistance increasing with elevation and slope, decreasing with NDVI and with distance from "
            "primary roads) and a land-use order woodland 1 < grassland 2 < water 3 = cropland 3 < unutilized 4 < "
            "construction 5. None of these numbers come from the paper. Primary roads read the layer 'roads' by "
            "default (map another with layer_map={'distance_primary_road': ...})."
        ),
        "weighting": {"method": "given"},
        "factors": [
            {
                "name": "land_use",
                "label": "land use",
                "layer": "lulc",
                "weight": 0.2,
                "grading": {
                    "type": "categorical",
                    "table": _lulc_table(
                        {"woodland": 1, "grassland": 2, "water": 3, "cropland": 3, "unutilized": 4, "construction": 5}
                    ),
                },
            },
            {
                "name": "elevation",
                "label": "elevation",
                "units": "m",
                "layer": "dem",
                "weight": 0.2,
                "grading": {"type": "natural_breaks", "scores": levels, "direction": "increasing"},
            },
            {
                "name": "slope",
                "label": "slope",
                "units": "degree",
                "layer": "slope",
                "weight": 0.2,
                "grading": {"type": "natural_breaks", "scores": levels, "direction": "increasing"},
            },
            {
                "name": "vegetation_cover",
                "label": "vegetation cover (NDVI)",
                "derive": dict(_NDVI),
                "weight": 0.2,
                "grading": {"type": "natural_breaks", "scores": levels, "direction": "decreasing"},
            },
            {
                "name": "distance_primary_road",
                "label": "distance from primary roads",
                "units": "m",
                "derive": {"kind": "distance", "features": "roads"},
                "weight": 0.2,
                "grading": {"type": "natural_breaks", "scores": levels, "direction": "decreasing"},
            },
        ],
    }


_DEFAULT_BREAKS = {"jinan": "printed", "shenzhen": "printed", "wuhan": "natural"}


def available_presets() -> list[str]:
    """Names of the built-in presets.

    Examples
    --------
    >>> available_presets()
    ['jinan', 'shenzhen', 'wuhan']
    """
    return list(_DEFAULT_BREAKS)


def preset(name: str, *, breaks: str | None = None, swap_terrain: bool = False) -> dict:
    """The resistance spec of a paper preset (a fresh, validated dict you may edit).

    Parameters
    ----------
    name : {"jinan", "shenzhen", "wuhan"}
    breaks : {"printed", "natural"}, optional
        ``"printed"``: the class limits printed in the paper's table (default for jinan and shenzhen);
        ``"natural"``: Jenks natural breaks recomputed on the given layers with the table's scores
        (default and only choice for wuhan, whose limits are not printed).
    swap_terrain : bool
        Shenzhen only: exchange the Elevation and Slope class limits (which look swapped in Table 2).

    Examples
    --------
    >>> s = preset("jinan")
    >>> [f["weight"] for f in s["factors"]]
    [0.31, 0.26, 0.14, 0.11, 0.18]
    """
    check_choice("name", name, available_presets())
    breaks = _DEFAULT_BREAKS[name] if breaks is None else breaks
    check_choice("breaks", breaks, ("printed", "natural"))
    if swap_terrain and name != "shenzhen":
        raise ValueError("swap_terrain=True applies only to preset 'shenzhen'")
    if name == "jinan":
        spec = _jinan(breaks)
    elif name == "shenzhen":
        spec = _shenzhen(breaks, bool(swap_terrain))
    else:
        spec = _wuhan(breaks)
    return validate_spec(spec)


def _code(x: Any, what: str) -> float | int:
    if isinstance(x, bool):
        raise ValueError(f"{what}: class code {x!r} must be a number")
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: class code {x!r} must be a number") from None
    return int(f) if f.is_integer() else f


def _remap_table(factor: dict, mapping: Mapping[Any, Any]) -> None:
    """Rewrite a categorical factor's table so it reads the caller's codes (``source -> preset code``)."""
    name = factor["name"]
    g = factor["grading"]
    if g["type"] != "categorical":
        raise ValueError(f"a class map was given for factor {name!r}, which is not categorical")
    preset_codes = {c for row in g["table"] for c in row["values"]}
    nodata = list(g.get("nodata_values", []))
    by_target: dict[float, list] = {}
    for src, dst in mapping.items():
        s = _code(src, f"class map of factor {name!r}")
        if dst is None:
            nodata.append(s)
            continue
        d = _code(dst, f"class map of factor {name!r}")
        if d not in preset_codes:
            raise ValueError(
                f"class map of factor {name!r}: source code {s!r} maps to {d!r}, which is not a class of the table "
                f"(classes: {sorted(preset_codes)!r})"
            )
        by_target.setdefault(d, []).append(s)
    table = []
    for row in g["table"]:
        src = sorted(c for d in row["values"] for c in by_target.get(d, []))
        if src:
            table.append({**row, "values": src})
    if not table:
        raise ValueError(f"class map of factor {name!r} maps no code onto the table")
    g["table"] = table
    g["nodata_values"] = nodata


def customize(
    spec: Mapping[str, Any],
    *,
    layer_map: Mapping[str, str | Mapping[str, str]] | None = None,
    lulc_map: Mapping[Any, Any] | None = None,
    class_maps: Mapping[str, Mapping[Any, Any]] | None = None,
) -> dict:
    """Adapt a spec (e.g. a preset) to other layers and class codes; returns a new validated spec.

    Parameters
    ----------
    spec : mapping
        A resistance spec.
    layer_map : mapping of factor name -> layer name (or a ``derive`` dict)
        For a distance factor, the named layer holds the features; for any other factor it holds
        the factor's values directly (replacing e.g. the NDVI derivation from bands).
    lulc_map : mapping of your land-cover code -> preset land-use code (None = nodata)
        Applied to every categorical factor reading the layer ``lulc``; e.g.
        :data:`HK_HABITAT_6CLASS_TO_LULC`.
    class_maps : mapping of factor name -> {your code: table code (None = nodata)}
        The same for any categorical factor.

    Examples
    --------
    >>> s = customize(preset("jinan"), lulc_map=HK_HABITAT_6CLASS_TO_LULC, layer_map={"lulc": "habitat"})
    >>> s["factors"][0]["layer"], s["factors"][0]["grading"]["table"][0]
    ('habitat', {'values': [2, 3], 'score': 10, 'label': 'grassland'})
    """
    s = copy.deepcopy(validate_spec(spec))
    by_name = {f["name"]: f for f in s["factors"]}
    maps: dict[str, Mapping[Any, Any]] = {}
    if lulc_map is not None:
        targets = [
            f["name"] for f in s["factors"] if f.get("layer") == "lulc" and f["grading"]["type"] == "categorical"
        ]
        if not targets:
            raise ValueError("lulc_map was given but no categorical factor reads the layer 'lulc'")
        for t in targets:
            maps[t] = lulc_map
    for fname, m in (class_maps or {}).items():
        if fname not in by_name:
            raise ValueError(f"class_maps names unknown factor {fname!r}; factors are {list(by_name)!r}")
        maps[fname] = m
    for fname, m in maps.items():
        _remap_table(by_name[fname], m)
    for fname, target in (layer_map or {}).items():
        if fname not in by_name:
            raise ValueError(f"layer_map names unknown factor {fname!r}; factors are {list(by_name)!r}")
        f = by_name[fname]
        if isinstance(target, Mapping):
            f.pop("layer", None)
            f["derive"] = dict(target)
        elif isinstance(target, str):
            if f.get("derive", {}).get("kind") == "distance":
                f["derive"] = {"kind": "distance", "features": target}
            else:
                f.pop("derive", None)
                f["layer"] = target
        else:
            raise TypeError(f"layer_map[{fname!r}] must be a layer name or a derive dict, got {type(target).__name__}")
    return validate_spec(s)


def select_factors(spec: Mapping[str, Any], names: list[str]) -> dict:
    """Keep only the factors ``names`` of ``spec`` (in that order), rescaling their weights to sum to 1.

    Useful when some of a paper's layers are unavailable. Given (and subjective) weights are
    renormalised; an AHP matrix and an entropy table are reduced to the kept factors.

    Examples
    --------
    >>> s = select_factors(preset("jinan"), ["lulc", "population"])
    >>> [round(f["weight"], 4) for f in s["factors"]]
    [0.5439, 0.4561]
    """
    s = copy.deepcopy(validate_spec(spec))
    by_name = {f["name"]: f for f in s["factors"]}
    unknown = [n for n in names if n not in by_name]
    if unknown or not names:
        raise ValueError(f"select_factors: unknown or no factors {unknown!r}; factors are {list(by_name)!r}")
    order = [f["name"] for f in s["factors"]]
    s["factors"] = [by_name[n] for n in names]
    w = s["weighting"]
    if w["method"] == "given":
        total = sum(f["weight"] for f in s["factors"])
        if total <= 0:
            raise ValueError("select_factors: the kept factors have zero total weight")
        for f in s["factors"]:
            f["weight"] = f["weight"] / total
    if "matrix" in w:
        idx = [order.index(n) for n in names]
        w["matrix"] = [[w["matrix"][i][j] for j in idx] for i in idx]
    if "subjective" in w:
        sub = [w["subjective"][order.index(n)] for n in names]
        w["subjective"] = [x / sum(sub) for x in sub]
    if isinstance(w.get("data"), list):
        idx = [order.index(n) for n in names]
        w["data"] = [[row[j] for j in idx] for row in w["data"]]
    return validate_spec(s)


def from_preset(
    name: str,
    layers: Layers,
    *,
    breaks: str | None = None,
    swap_terrain: bool = False,
    layer_map: Mapping[str, str | Mapping[str, str]] | None = None,
    lulc_map: Mapping[Any, Any] | None = None,
    class_maps: Mapping[str, Mapping[Any, Any]] | None = None,
    template: xr.DataArray | xr.Dataset | None = None,
    align: bool = False,
    progress: bool = False,
) -> xr.DataArray:
    """Resistance surface of a paper preset on your layers (synthetic city or real data).

    ``breaks``/``swap_terrain`` choose the preset variant (see :func:`preset`);
    ``layer_map``/``lulc_map``/``class_maps`` adapt it (see :func:`customize`);
    ``template``/``align``/``progress`` are those of :func:`~ecnet_lab.resistance.build_resistance`.
    When ``layers`` is a Dataset made by :func:`ecnet_lab.synth.city` (``attrs['source']`` starts
    with ``"ecnet_lab.synth"``) and ``class_maps`` is None, :data:`SYNTH_CLASS_MAPS` ``[name]`` is
    applied (recorded in the result's ``spec``). The Shenzhen preset also needs an ``mspa`` layer
    (GuidosToolbox classes, e.g. from ``ecnet_lab.mspa``).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> c = {"y": [0.0], "x": [0.0, 30.0]}
    >>> da = lambda v: xr.DataArray(np.array([v]), dims=("y", "x"), coords=c)
    >>> layers = {"lulc": da([2, 6]), "population": da([0.0, 20000.0]), "slope": da([12.0, 0.5]),
    ...           "dem": da([600.0, 30.0]), "nir": da([0.5, 0.2]), "red": da([0.05, 0.15])}
    >>> from_preset("jinan", layers).values.round(2).tolist()
    [[52.85, 65.6]]
    """
    spec = preset(name, breaks=breaks, swap_terrain=swap_terrain)
    if class_maps is None and isinstance(layers, xr.Dataset):
        if str(layers.attrs.get("source", "")).startswith("ecnet_lab.synth"):
            class_maps = SYNTH_CLASS_MAPS[name]
    if layer_map or lulc_map or class_maps:
        spec = customize(spec, layer_map=layer_map, lulc_map=lulc_map, class_maps=class_maps)
    return build_resistance(spec, layers, template=template, align=align, progress=progress)
