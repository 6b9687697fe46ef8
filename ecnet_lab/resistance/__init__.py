"""Resistance surfaces: graded factors, weights (given, AHP, entropy, combined) and weighted overlay.

Every corridor, pinch point and barrier depends on the resistance surface. It is built as a
weighted overlay of graded factors, ``R = sum_i w_i * score_i``, from a validated specification
(a plain dict / YAML, see :mod:`ecnet_lab.resistance.spec`) or from the presets reproducing the
papers' tables (``jinan``, ``shenzhen``, ``wuhan``).

Examples
--------
>>> from ecnet_lab import resistance
>>> resistance.available_presets()
['jinan', 'shenzhen', 'wuhan']
>>> round(resistance.ahp_weights([[1, 3], [1/3, 1]]).weights.iloc[0], 2)
np.float64(0.75)
"""

from .contrib import contributions, factor_contributions
from .grading import (
    DEFAULT_SAMPLE_SIZE,
    classify,
    equal_interval_breaks,
    grade_breaks,
    natural_breaks,
    quantile_breaks,
    reclassify,
    sample_values,
)
from .overlay import build_resistance, grade_factor, grade_factors, resolve_weights, weighted_overlay
from .presets import (
    HK_HABITAT_6CLASS_TO_LULC,
    HK_HABITAT_8CLASS_TO_LULC,
    LULC_CODES,
    MSPA_CODES,
    SHENZHEN_SOIL_CODES,
    SYNTH_CLASS_MAPS,
    available_presets,
    customize,
    from_preset,
    preset,
    select_factors,
)
from .spec import spec_from_dict, spec_from_yaml, spec_to_dict, spec_to_json, spec_to_yaml, validate_spec
from .weights import (
    RANDOM_INDEX,
    AHPResult,
    ahp_weights,
    check_weights,
    combined_weights,
    entropy_weights,
    random_index,
)

__all__ = [
    "DEFAULT_SAMPLE_SIZE",
    "HK_HABITAT_6CLASS_TO_LULC",
    "HK_HABITAT_8CLASS_TO_LULC",
    "LULC_CODES",
    "MSPA_CODES",
    "RANDOM_INDEX",
    "SHENZHEN_SOIL_CODES",
    "SYNTH_CLASS_MAPS",
    "AHPResult",
    "ahp_weights",
    "available_presets",
    "build_resistance",
    "check_weights",
    "classify",
    "combined_weights",
    "contributions",
    "customize",
    "entropy_weights",
    "equal_interval_breaks",
    "factor_contributions",
    "from_preset",
    "grade_breaks",
    "grade_factor",
    "grade_factors",
    "natural_breaks",
    "preset",
    "quantile_breaks",
    "random_index",
    "reclassify",
    "resolve_weights",
    "sample_values",
    "select_factors",
    "spec_from_dict",
    "spec_from_yaml",
    "spec_to_dict",
    "spec_to_json",
    "spec_to_yaml",
    "validate_spec",
    "weighted_overlay",
]
