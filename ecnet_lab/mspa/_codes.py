"""GuidosToolbox (GTB) MSPA byte codes, their names and how they aggregate into the seven classes.

The codes are GTB's: a feature keeps its base code when it lies outside any core-opening
and gets ``+100`` when it lies inside one (only with ``intext``); loops and bridges
crossing an edge or a perforation get the transition codes (67/69, 35/37).
"""

from __future__ import annotations

CORE, ISLET, PERFORATION, EDGE, LOOP, BRIDGE, BRANCH = 17, 9, 5, 3, 65, 33, 1
LOOP_IN_EDGE, LOOP_IN_PERFORATION = 67, 69
BRIDGE_IN_EDGE, BRIDGE_IN_PERFORATION = 35, 37
BACKGROUND, MISSING = 0, 129
CORE_OPENING, BORDER_OPENING = 100, 220
INTERNAL = 100

BASE_CODES: dict[int, str] = {
    CORE: "core",
    ISLET: "islet",
    PERFORATION: "perforation",
    EDGE: "edge",
    LOOP: "loop",
    LOOP_IN_EDGE: "loop_in_edge",
    LOOP_IN_PERFORATION: "loop_in_perforation",
    BRIDGE: "bridge",
    BRIDGE_IN_EDGE: "bridge_in_edge",
    BRIDGE_IN_PERFORATION: "bridge_in_perforation",
    BRANCH: "branch",
}

#: Every byte code the engine can write, with a CF-style flag meaning.
FLAG_MEANINGS: dict[int, str] = {
    BACKGROUND: "background",
    **BASE_CODES,
    **{code + INTERNAL: f"internal_{name}" for code, name in BASE_CODES.items()},
    CORE_OPENING: "core_opening",
    BORDER_OPENING: "border_opening",
    MISSING: "missing",
}

#: The seven aggregated classes as GTB counts them: transition pixels count in Edge/Perforation.
AGGREGATED: dict[str, tuple[int, ...]] = {
    "Core": (CORE,),
    "Islet": (ISLET,),
    "Perforation": (PERFORATION, LOOP_IN_PERFORATION, BRIDGE_IN_PERFORATION),
    "Edge": (EDGE, LOOP_IN_EDGE, BRIDGE_IN_EDGE),
    "Loop": (LOOP,),
    "Bridge": (BRIDGE,),
    "Branch": (BRANCH,),
}

#: Transition codes and the edge/perforation code they become when ``transition=False``.
TRANSITION_FALLBACK: dict[int, int] = {
    LOOP_IN_EDGE: EDGE,
    BRIDGE_IN_EDGE: EDGE,
    LOOP_IN_PERFORATION: PERFORATION,
    BRIDGE_IN_PERFORATION: PERFORATION,
}
