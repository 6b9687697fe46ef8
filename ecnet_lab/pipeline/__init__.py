"""The Shenzhen MSPA + circuit-theory workflow as a cached, parameterized pipeline.

* :class:`StudyConfig` - typed, validated parameters; ``to_dict()`` is exactly the papermill
  parameters of ``notebooks/shenzhen_mspa.ipynb``.
* :class:`Study` - runs the steps (:data:`STEP_NAMES`) with results cached by the hash of their
  inputs: ``study.run(until="sources")``, ``study.results``, ``study.update(...)``,
  ``study.with_params(...)``, ``study.export(dir)``.
* :mod:`~ecnet_lab.pipeline.tables` - the paper's Tables 3-5 and summaries;
  :mod:`~ecnet_lab.pipeline.figures` - static maps for reports.

Examples
--------
>>> from ecnet_lab.pipeline import Study
>>> study = Study(size=120, min_core_area_km2=0.1, aggregation_distance_m=300)
>>> list(study.run(until="mspa").results)
['layers', 'foreground', 'mspa']
"""

from .config import PARAMETER_GROUPS, StudyConfig, describe_parameters, parse_value
from .steps import STEP_NAMES, STEPS, Step, ancestors, descendants, optimize_available
from .study import StepCache, Study, stable_hash

__all__ = [
    "PARAMETER_GROUPS",
    "STEPS",
    "STEP_NAMES",
    "Step",
    "StepCache",
    "Study",
    "StudyConfig",
    "ancestors",
    "descendants",
    "describe_parameters",
    "optimize_available",
    "parse_value",
    "stable_hash",
]
