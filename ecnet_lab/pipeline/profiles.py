"""What the pipeline needs to know about a data source: its land-cover codes and default foreground.

* **synthetic cities** (``synthetic-*``): the ``lulc`` layer with the preset codes (1 grassland,
  2 woodland, 3 water, 4 cropland, 5 unutilized, 6 construction); the foreground is woodland + water
  ``[2, 3]`` as in the Shenzhen paper; every resistance factor has its layer.
* **Hong Kong habitat maps** (``hk-habitat-6class-<period>``, ``hk-habitat-8class-<period>``): the habitat
  codes are mapped to the preset codes with :data:`ecnet_lab.resistance.HK_HABITAT_6CLASS_TO_LULC`
  (8-class: ``HK_HABITAT_8CLASS_TO_LULC``); the default foreground is woodland + shrubland ``[1, 2]``
  (8-class: plus plantation, ``[1, 2, 8]``). The main roads of ``hk-roads`` that exist by the end of the
  period are rasterized as the ``roads`` layer. Factors without data (DEM, slope, NDVI, soil, rivers,
  railways) are dropped and the remaining weights rescaled.
* **any other single-band raster**: read as land cover in the preset codes; ``foreground_classes`` must
  be given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DataProfile", "profile_for"]

_SYNTH_LABELS = {1: "grassland", 2: "woodland", 3: "water", 4: "cropland", 5: "unutilized", 6: "construction"}
_HK6_LABELS = {1: "woodland", 2: "shrubland", 3: "grassland", 4: "barren land", 5: "built-up area", 6: "water"}
_HK8_LABELS = {**_HK6_LABELS, 7: "wetland", 8: "plantation"}


@dataclass(frozen=True)
class DataProfile:
    """How to read one kind of data source.

    Attributes
    ----------
    kind : {"synthetic", "hk-habitat-6class", "hk-habitat-8class", "raster"}
    foreground_classes : tuple of int or None
        Default MSPA foreground codes (None: the user must give them).
    labels : dict
        Land-cover code -> name.
    lulc_map : dict or None
        Land-cover code -> preset land-use code (None: already preset codes).
    roads_entry : str or None
        Catalog entry of a road vector layer to rasterize as ``roads``.
    """

    kind: str
    foreground_classes: tuple[int, ...] | None
    labels: dict = field(default_factory=dict)
    lulc_map: dict | None = None
    roads_entry: str | None = None


def profile_for(data: str) -> DataProfile:
    """The profile of a catalog entry name.

    Examples
    --------
    >>> profile_for("synthetic-shenzhen").foreground_classes
    (2, 3)
    >>> profile_for("hk-habitat-6class-2018-2022").foreground_classes
    (1, 2)
    """
    from ..resistance import HK_HABITAT_6CLASS_TO_LULC, HK_HABITAT_8CLASS_TO_LULC

    if data.startswith("synthetic-"):
        return DataProfile("synthetic", (2, 3), dict(_SYNTH_LABELS))
    if data.startswith("hk-habitat-6class"):
        return DataProfile("hk-habitat-6class", (1, 2), dict(_HK6_LABELS), dict(HK_HABITAT_6CLASS_TO_LULC), "hk-roads")
    if data.startswith("hk-habitat-8class"):
        return DataProfile(
            "hk-habitat-8class", (1, 2, 8), dict(_HK8_LABELS), dict(HK_HABITAT_8CLASS_TO_LULC), "hk-roads"
        )
    return DataProfile("raster", None, dict(_SYNTH_LABELS))
