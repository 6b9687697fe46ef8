"""Tests of ecnet_lab.linkage.pathways: adjacency, pruning rules, corridors, mosaic."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from ecnet_lab.costdistance import cost_distances
from ecnet_lab.linkage import (
    adjacency,
    candidate_links,
    corridor_mosaic,
    corridor_table,
    linkage_pathways,
    prune_links,
)


def grid(values, cell=10.0):
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": (np.arange(rows)[::-1] + 0.5) * cell, "x": (np.arange(cols) + 0.5) * cell},
    )
    return da.rio.write_crs("EPSG:32650")


def labels_like(r, cells):
    lab = np.zeros(r.shape, dtype="int32")
    for sid, (rs, cs) in cells.items():
        lab[rs, cs] = sid
    return r.copy(data=lab)


@pytest.fixture(scope="module")
def row_of_three():
    r = grid(np.ones((9, 31)))
    lab = labels_like(
        r, {1: (slice(3, 6), slice(0, 3)), 2: (slice(3, 6), slice(14, 17)), 3: (slice(3, 6), slice(28, 31))}
    )
    return r, lab, cost_distances(r, lab, progress=False)


@pytest.fixture(scope="module")
def triangle():
    r = grid(np.ones((24, 16)))
    lab = labels_like(r, {1: (2, 2), 2: (2, 12), 3: (20, 2)})
    return r, lab, cost_distances(r, lab, progress=False)


def test_adjacency_in_a_row(row_of_three):
    _, _, cd = row_of_three
    assert adjacency(cd, "cost") == {(1, 2), (2, 3)}
    assert adjacency(cd, "euclidean") == {(1, 2), (2, 3)}
    assert adjacency(cd, "both") == {(1, 2), (2, 3)}
    assert adjacency(cd, "all") == {(1, 2), (1, 3), (2, 3)}
    with pytest.raises(ValueError, match="adjacency='near'"):
        adjacency(cd, "near")


def test_cost_adjacency_follows_a_cheap_road():
    # 1 and 3 are Euclidean-separated by 2, but a cheap road joins 1 and 3 around 2
    res = np.full((21, 31), 50.0)
    res[0, :] = 1.0  # road along the top row
    res[0:10, 0] = 1.0
    res[0:10, 30] = 1.0
    r = grid(res)
    lab = labels_like(
        r, {1: (slice(9, 12), slice(0, 2)), 2: (slice(9, 12), slice(14, 17)), 3: (slice(9, 12), slice(29, 31))}
    )
    cd = cost_distances(r, lab, progress=False)
    assert (1, 3) in adjacency(cd, "cost")
    assert (1, 3) not in adjacency(cd, "euclidean")
    links = candidate_links(cd, adjacency_method="both")
    row = links[(links.from_id == 1) & (links.to_id == 3)].iloc[0]
    assert bool(row.cost_adjacent) and not bool(row.euclid_adjacent)
    only_euc = candidate_links(cd, adjacency_method="euclidean")
    assert set(zip(only_euc.from_id, only_euc.to_id, strict=False)) == {(1, 2), (2, 3)}


def test_candidate_link_distances(row_of_three):
    _, _, cd = row_of_three
    links = candidate_links(cd, adjacency_method="all").set_index(["from_id", "to_id"])
    assert links.loc[(1, 2), "lcd"] == pytest.approx(120.0)  # col 2 -> col 14, resistance 1, 10 m
    assert links.loc[(1, 2), "euclid_m"] == pytest.approx(120.0)
    assert links.loc[(1, 3), "centroid_dist_m"] == pytest.approx(280.0)


def test_prune_max_cwd_and_max_euclid(row_of_three):
    _, _, cd = row_of_three
    links = candidate_links(cd, adjacency_method="all")
    out = prune_links(cd, links, max_cwd=200.0, drop_through_cores=False)
    status = dict(zip(zip(out.from_id, out.to_id, strict=False), out.status, strict=True))
    assert status == {(1, 2): "kept", (2, 3): "kept", (1, 3): "max_cwd"}  # LCD(1,3) = 260
    out = prune_links(cd, links, max_euclid_m=119.0, drop_through_cores=False)
    assert set(out.status) == {"max_euclid"}
    out = prune_links(cd, links, max_euclid_m=120.0, drop_through_cores=False)
    assert dict(zip(zip(out.from_id, out.to_id, strict=False), out.status, strict=True))[(1, 3)] == "max_euclid"
    assert (out.status == "kept").sum() == 2


def test_prune_links_through_cores(row_of_three):
    _, _, cd = row_of_three
    links = candidate_links(cd, adjacency_method="all")
    out = prune_links(cd, links)
    row = out[(out.from_id == 1) & (out.to_id == 3)].iloc[0]
    assert row.status == "through_core" and row.through_ids == "2"
    assert (out.status == "kept").sum() == 2


def test_prune_nearest_neighbours(triangle):
    _, _, cd = triangle
    links = candidate_links(cd, adjacency_method="all")
    lcd = links.set_index(["from_id", "to_id"]).lcd
    assert lcd[(1, 2)] < lcd[(1, 3)] < lcd[(2, 3)]
    out = prune_links(cd, links, nearest_neighbours=1)
    status = dict(zip(zip(out.from_id, out.to_id, strict=False), out.status, strict=True))
    # nearest of 1 is 2, of 2 is 1, of 3 is 1: the 2-3 link is nobody's nearest
    assert status == {(1, 2): "kept", (1, 3): "kept", (2, 3): "nearest"}
    out2 = prune_links(cd, links, nearest_neighbours=2)
    assert set(out2.status) == {"kept"}
    # by Euclidean distance the same answer here
    out3 = prune_links(cd, links, nearest_neighbours=1, nn_measure="euclidean")
    assert list(out3.status) == list(out.status)


def test_prune_disconnected_and_bad_options():
    res = np.ones((5, 11))
    res[:, 5] = np.nan
    r = grid(res)
    lab = labels_like(r, {1: (2, 0), 2: (2, 10)})
    cd = cost_distances(r, lab, progress=False)
    out = prune_links(cd, candidate_links(cd, adjacency_method="all"))
    assert list(out.status) == ["disconnected"]
    with pytest.raises(ValueError, match="nearest_neighbours"):
        prune_links(cd, candidate_links(cd), nearest_neighbours=0)
    with pytest.raises(ValueError, match="max_cwd"):
        prune_links(cd, candidate_links(cd), max_cwd=-5.0)
    with pytest.raises(ValueError, match="nn_measure"):
        prune_links(cd, candidate_links(cd), nn_measure="manhattan")


def test_corridor_table_contract(row_of_three):
    _, lab, cd = row_of_three
    links = prune_links(cd, candidate_links(cd, adjacency_method="all"))
    cor = corridor_table(cd, links)
    for col in ("corridor_id", "from_id", "to_id", "lcd", "length_m", "euclid_m", "cwd_to_path_ratio", "geometry"):
        assert col in cor.columns
    assert cor.corridor_id.tolist() == [1, 2]
    assert cor.crs.to_epsg() == 32650
    assert cor.length_m.tolist() == pytest.approx([120.0, 120.0])
    assert cor.cwd_to_path_ratio.tolist() == pytest.approx([1.0, 1.0])
    assert cor.geometry.length.tolist() == pytest.approx(cor.length_m.tolist())
    # each line starts in its from-source and ends in its to-source
    first = cor.iloc[0]
    x0, y0 = first.geometry.coords[0]
    col, row = int(x0 // 10), int((90 - y0) // 10)
    assert lab.values[row, col] == first.from_id


def test_corridor_mosaic_truncation(row_of_three):
    _r, _, cd = row_of_three
    cor = corridor_table(cd, prune_links(cd, candidate_links(cd)))
    mos, ids = corridor_mosaic(cd, cor, width=25.0)
    expected = np.fmin(cd.nlcc_array(1, 2), cd.nlcc_array(2, 3))
    inside = expected <= 25.0
    np.testing.assert_array_equal(np.isfinite(mos.values), inside)
    np.testing.assert_allclose(mos.values[inside], expected[inside])
    assert set(np.unique(ids.values)) == {0, 1, 2}
    assert ids.values[4, 8] == 1 and ids.values[4, 22] == 2
    assert mos.attrs["units"] == "cost-weighted m"
    full, _ = corridor_mosaic(cd, cor)
    assert np.isfinite(full.values).all()
    for bad in (0.0, -10.0):
        with pytest.raises(ValueError, match="width"):
            corridor_mosaic(cd, cor, width=bad)


def test_linkage_pathways_end_to_end(triangle):
    r, lab, _ = triangle
    lp = linkage_pathways(r, lab, adjacency_method="all", nearest_neighbours=1, width=50.0, progress=False)
    assert len(lp.corridors) == (lp.links.status == "kept").sum() == 2
    assert set(np.unique(lp.corridor_id.values)) == {0, 1, 2}
    assert np.nanmin(lp.mosaic.values) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="width"):
        linkage_pathways(r, lab, width=0, progress=False)
