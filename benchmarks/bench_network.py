"""Benchmark of the ecological-network graph: build, topology, robustness (issue 8 target: <= 30 s).

A planar-like network of 500 sources and 1500 corridors (Delaunay neighbours of random points plus a
few longer links), as an ecological network from a large city would look. Measured: building from
GeoDataFrames (both node definitions), the topology table, 200 Monte-Carlo random attacks, targeted
attacks (degree static and recalculated, betweenness static), and all of the analysis together.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
from scipy.spatial import Delaunay
from shapely.geometry import LineString, Point

sys.path.insert(0, str(Path(__file__).parent))
from _harness import bench, emit, log, measure

from ecnet_lab.network import build_network, random_attack, targeted_attack, topology_table

N_NODES, N_EDGES, N_RUNS, LIMIT_S = 500, 1500, 200, 30.0


def synthetic_sources_corridors(n_nodes: int, n_edges: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 50_000, size=(n_nodes, 2))
    tri = Delaunay(xy)
    pairs = set()
    for simplex in tri.simplices:
        for a, b in ((0, 1), (1, 2), (0, 2)):
            i, j = sorted((int(simplex[a]), int(simplex[b])))
            pairs.add((i, j))
    pairs = sorted(pairs)
    rng.shuffle(pairs)
    pairs = pairs[:n_edges]
    while len(pairs) < n_edges:  # a few longer links to reach the target count
        i, j = sorted(int(v) for v in rng.choice(n_nodes, 2, replace=False))
        if (i, j) not in pairs:
            pairs.append((i, j))
    sources = gpd.GeoDataFrame(
        {"source_id": np.arange(n_nodes), "area_km2": rng.uniform(1, 50, n_nodes)},
        geometry=[Point(p).buffer(200) for p in xy],
        crs="EPSG:32650",
    )
    lines = [LineString([xy[i], xy[j]]) for i, j in pairs]
    corridors = gpd.GeoDataFrame(
        {
            "corridor_id": np.arange(len(pairs)),
            "from_id": [i for i, _ in pairs],
            "to_id": [j for _, j in pairs],
            "lcd": [ln.length * rng.uniform(1, 3) for ln in lines],
            "length_m": [ln.length for ln in lines],
            "current": rng.uniform(0, 1, len(pairs)),
        },
        geometry=lines,
        crs="EPSG:32650",
    )
    return sources, corridors


def main() -> None:
    size = f"{N_NODES}n/{N_EDGES}e"
    sources, corridors = synthetic_sources_corridors(N_NODES, N_EDGES)
    seconds, _, _ = measure(lambda: random_attack(nx.path_graph(5), n_runs=2) and targeted_attack(nx.path_graph(5)))
    emit("network_jit_warmup", "tiny", seconds, 0.0)

    net = build_network(sources, corridors)
    log(f"network: {net}")
    bench("network_build_sources", size, lambda: build_network(sources, corridors))
    inter = build_network(sources, corridors, nodes="intersections")
    bench(
        "network_build_intersections",
        size,
        lambda: build_network(sources, corridors, nodes="intersections"),
        v=inter.n_nodes,
        l=inter.n_edges,
    )
    bench("network_topology_table", size, lambda: topology_table(net))
    bench("network_random_attack", size, lambda: random_attack(net, n_runs=N_RUNS, seed=0), n_runs=N_RUNS)
    bench("network_targeted_degree_static", size, lambda: targeted_attack(net, "degree"))
    bench("network_targeted_degree_recalculated", size, lambda: targeted_attack(net, "degree", recalculate=True))
    bench("network_targeted_betweenness_static", size, lambda: targeted_attack(net, "betweenness"))
    bench("network_edge_random_attack", size, lambda: random_attack(net, target="edges", n_runs=N_RUNS), n_runs=N_RUNS)

    def full() -> None:
        topology_table(net)
        random_attack(net, n_runs=N_RUNS, seed=0)
        targeted_attack(net, "degree")
        targeted_attack(net, "degree", recalculate=True)
        targeted_attack(net, "betweenness")

    t0 = time.perf_counter()
    seconds, peak, _ = measure(full)
    log(f"full analysis in {time.perf_counter() - t0:.2f} s")
    emit("network_full_analysis", size, seconds, peak, n_runs=N_RUNS, limit_s=LIMIT_S, ok=seconds <= LIMIT_S)


if __name__ == "__main__":
    main()
