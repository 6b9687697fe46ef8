"""Parameters of the three city presets (Jinan, Shenzhen, Wuhan).

Positions are normalised map coordinates: ``u`` from west (0) to east (1), ``v`` from north
(0) to south (1). Lengths ending in ``_frac`` are fractions of the extent scale
``L = sqrt(width_m * height_m)``, so a small grid still shows every feature. Elevations in
"shape metres" are the relief at the reference extent (15 km) and shrink for smaller extents.
Class shares are fractions of land (non-water) cells.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRESETS", "Preset", "RiverSpec"]


@dataclass(frozen=True)
class RiverSpec:
    """A designed main river: a meandering channel from ``start`` to ``end`` with a falling bed."""

    name: str
    start: tuple[float, float]
    end: tuple[float, float] | None  # None: ends on the first river's centreline at ``join_u``
    halfwidth_frac: float
    bed: tuple[float, float]  # bed elevation (shape metres) at start and end
    meander_frac: float = 0.02
    inflow_area: float = 4.0  # external catchment entering at ``start``, in domain areas
    join_u: float = 0.5


@dataclass(frozen=True)
class Preset:
    """Everything that makes one preset city look like itself."""

    name: str
    anchor_utm: tuple[float, float]  # EPSG:32650 easting/northing of the urban core
    core: tuple[float, float]
    core_radius_frac: float
    satellites: tuple[tuple[float, float, float, float], ...]  # (u, v, weight, radius_frac)
    base_elevation: float
    relief: float  # peak relief of the hills/mountains (shape metres)
    rivers: tuple[RiverSpec, ...]
    lakes: tuple[int, float, float]  # count, min and max radius (fractions of L)
    lake_zone: tuple[float, float, float, float]  # u0, u1, v0, v1 where lake centres may fall
    has_sea: bool
    woodland_share: float
    unutilized_share: float
    cropland_share: float
    builtup_share_2020: float
    growth_rate: float  # yearly relative growth of the built-up area before 2020
    village_share: float
    population_core: float  # people/km2 at the core
    nightlight_core: float  # nW cm-2 sr-1 at the core
    precipitation: float  # mean annual precipitation, mm/yr
    precipitation_gradient: tuple[float, float]  # mm/yr change from west to east, north to south
    pet: float  # mean annual reference evapotranspiration, mm/yr
    radial_roads: int
    ring_fracs: tuple[float, ...]  # ring-road radii as fractions of the core radius
    railways: tuple[tuple[float, float], ...]  # (bearing in degrees, offset from the core as fraction of L)
    soil_lowland: int
    soil_upland: int
    soil_mountain: int
    core_elongation: float = 1.0  # east-west stretch of the urban core (area preserving)
    notes: str = ""


PRESETS: dict[str, Preset] = {
    "jinan": Preset(
        name="jinan",
        anchor_utm=(500000.0, 4057150.0),
        core=(0.5, 0.45),
        core_radius_frac=0.16,
        satellites=((0.88, 0.5, 0.55, 0.06), (0.15, 0.62, 0.45, 0.05)),
        base_elevation=18.0,
        relief=620.0,
        rivers=(
            RiverSpec(
                "Yellow River", (0.0, 0.2), (1.0, 0.08), halfwidth_frac=0.011, bed=(9.0, 2.0), meander_frac=0.025
            ),
        ),
        lakes=(3, 0.014, 0.024),
        lake_zone=(0.15, 0.85, 0.3, 0.85),
        has_sea=False,
        woodland_share=0.2,
        unutilized_share=0.012,
        cropland_share=0.68,
        builtup_share_2020=0.24,
        growth_rate=0.035,
        village_share=0.03,
        population_core=21000.0,
        nightlight_core=70.0,
        precipitation=680.0,
        precipitation_gradient=(20.0, 90.0),
        pet=1050.0,
        radial_roads=7,
        ring_fracs=(0.75,),
        railways=((95.0, -0.05), (12.0, -0.09)),
        soil_lowland=3,
        soil_upland=6,
        soil_mountain=7,
        core_elongation=1.5,
        notes="Yellow River in the north, Taishan foothills in the south, large urban core between them.",
    ),
    "shenzhen": Preset(
        name="shenzhen",
        anchor_utm=(197620.0, 2496680.0),
        core=(0.34, 0.55),
        core_radius_frac=0.2,
        satellites=((0.16, 0.38, 0.85, 0.09), (0.45, 0.3, 0.7, 0.08), (0.72, 0.33, 0.5, 0.07)),
        base_elevation=0.0,
        relief=640.0,
        rivers=(
            RiverSpec(
                "Maozhou River",
                (0.44, 0.0),
                (0.0, 0.5),
                halfwidth_frac=0.005,
                bed=(14.0, 0.0),
                meander_frac=0.02,
                inflow_area=0.15,
            ),
        ),
        lakes=(4, 0.012, 0.022),
        lake_zone=(0.2, 0.92, 0.08, 0.75),
        has_sea=True,
        woodland_share=0.42,
        unutilized_share=0.02,
        cropland_share=0.12,
        builtup_share_2020=0.48,
        growth_rate=0.03,
        village_share=0.0,
        population_core=32000.0,
        nightlight_core=85.0,
        precipitation=1900.0,
        precipitation_gradient=(180.0, 60.0),
        pet=1150.0,
        radial_roads=7,
        ring_fracs=(0.7, 1.5),
        railways=((55.0, 0.02), (170.0, 0.06)),
        soil_lowland=2,
        soil_upland=4,
        soil_mountain=1,
        notes="Coastline and bays in the south and west, forested hills in the east/south-east, dense west.",
    ),
    "wuhan": Preset(
        name="wuhan",
        anchor_utm=(241100.0, 3387270.0),
        core=(0.5, 0.52),
        core_radius_frac=0.15,
        satellites=((0.82, 0.25, 0.45, 0.05), (0.25, 0.78, 0.45, 0.05)),
        base_elevation=17.0,
        relief=260.0,
        rivers=(
            RiverSpec("Yangtze River", (0.0, 0.86), (1.0, 0.18), halfwidth_frac=0.018, bed=(8.0, 2.0)),
            RiverSpec(
                "Han River",
                (0.0, 0.3),
                None,
                halfwidth_frac=0.007,
                bed=(14.0, 5.0),
                meander_frac=0.03,
                inflow_area=1.5,
                join_u=0.46,
            ),
        ),
        lakes=(14, 0.025, 0.07),
        lake_zone=(0.05, 0.95, 0.05, 0.95),
        has_sea=False,
        woodland_share=0.1,
        unutilized_share=0.006,
        cropland_share=0.78,
        builtup_share_2020=0.26,
        growth_rate=0.04,
        village_share=0.02,
        population_core=24000.0,
        nightlight_core=75.0,
        precipitation=1270.0,
        precipitation_gradient=(60.0, 80.0),
        pet=1000.0,
        radial_roads=8,
        ring_fracs=(0.7, 1.35),
        railways=((20.0, 0.03), (100.0, -0.06)),
        soil_lowland=2,
        soil_upland=1,
        soil_mountain=1,
        notes="The Yangtze through the centre joined by the Han, many lakes and wetlands, low hills.",
    ),
}
