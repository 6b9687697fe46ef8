"""Linkage Mapper semantics without ArcGIS: corridors, pinch points, barriers, centrality.

Modules (one job each):

- :mod:`~ecnet_lab.linkage.pathways`: core adjacency, candidate links, pruning,
  normalized least-cost corridors, corridor mosaic and corridor table/lines.
- :mod:`~ecnet_lab.linkage.pinchpoint`: Pinchpoint Mapper (circuit current in
  corridors), pinch-point polygons, corridor importance classes.
- :mod:`~ecnet_lab.linkage.widthsweep`: cumulative current over corridor widths and
  the width with the smallest rate of change.
- :mod:`~ecnet_lab.linkage.barrier`: Barrier Mapper (moving-window restoration
  improvement scores) and barrier polygons.
- :mod:`~ecnet_lab.linkage.centrality`: Centrality Mapper (current-flow centrality on
  the core network).
- :mod:`~ecnet_lab.linkage.gravity`: gravity model of Kong et al. (2010).
"""

from .barrier import BarrierResult, barrier_polygons, barriers
from .centrality import centrality
from .gravity import gravity, gravity_matrix
from .pathways import (
    ADJACENCY_METHODS,
    LinkagePathways,
    adjacency,
    candidate_links,
    corridor_mosaic,
    corridor_table,
    linkage_pathways,
    prune_links,
)
from .pinchpoint import PinchpointResult, classify_corridors, pinch_polygons, pinchpoints
from .widthsweep import optimal_width, width_sweep

__all__ = [
    "ADJACENCY_METHODS",
    "BarrierResult",
    "LinkagePathways",
    "PinchpointResult",
    "adjacency",
    "barrier_polygons",
    "barriers",
    "candidate_links",
    "centrality",
    "classify_corridors",
    "corridor_mosaic",
    "corridor_table",
    "gravity",
    "gravity_matrix",
    "linkage_pathways",
    "optimal_width",
    "pinch_polygons",
    "pinchpoints",
    "prune_links",
    "width_sweep",
]
