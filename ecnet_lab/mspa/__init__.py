"""Morphological Spatial Pattern Analysis (MSPA) with GuidosToolbox semantics and byte codes.

``mspa(foreground)`` segments a binary map into core, islet, perforation, edge, loop,
bridge and branch (GTB codes), ``mspa_stats(classes)`` tabulates their areas,
``foreground_from_classes`` builds the binary input from a land-cover map and
``edge_width_from_metres`` converts an edge width in metres to pixels.

Agreement with the JRC engine (GuidosToolbox/pyguidos 2.6.3), checked by the test suite on
the Corsica example, the ten Hong Kong habitat maps, a synthetic city and generated patterns:
pixel-identical at edge widths 1 to 5, connectivity 8 and 4, transition and intext on and off
(and at widths 6, 7, 8 and 10 on the maps tried).
The steps are described in :mod:`ecnet_lab.mspa._segment`.
"""

from ._api import edge_width_from_metres, foreground_from_classes, mspa, mspa_stats
from ._codes import AGGREGATED, FLAG_MEANINGS
from ._segment import segment

__all__ = [
    "AGGREGATED",
    "FLAG_MEANINGS",
    "edge_width_from_metres",
    "foreground_from_classes",
    "mspa",
    "mspa_stats",
    "segment",
]
