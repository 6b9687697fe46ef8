"""ecnet_lab: build, evaluate and optimize urban ecological networks from land-cover rasters.

One open Python engine replacing the GuidosToolbox (MSPA) -> Conefor (PC/dPC) ->
Linkage Mapper + Circuitscape (corridors, pinch points, barriers) -> NetworkX chain.
Compute functions take and return xarray objects, GeoDataFrames or networkx graphs;
``ecnet_lab.widgets`` holds the interactive (UI-only) components.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecnet-lab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
