"""Tests of ecnet_lab.linkage.gravity (Kong et al. 2010) by hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from ecnet_lab.costdistance import cost_distances
from ecnet_lab.linkage import gravity, gravity_matrix, linkage_pathways
from ecnet_lab.linkage.gravity import source_mass


@pytest.fixture(scope="module")
def three():
    res = np.ones((6, 30))
    res[:, 0:3] = 2.0  # source 1 sits on resistance 2
    res[:, 10:20] = 5.0
    r = xr.DataArray(
        res, dims=("y", "x"), coords={"y": (np.arange(6)[::-1] + 0.5) * 10, "x": (np.arange(30) + 0.5) * 10}
    )
    lab = np.zeros(r.shape, dtype="int32")
    lab[1:5, 0:3] = 1  # 12 cells = 1200 m2
    lab[2:4, 8:10] = 2  # 4 cells = 400 m2
    lab[0:6, 27:30] = 3  # 18 cells = 1800 m2
    return r, r.copy(data=lab)


def test_source_mass_by_hand(three):
    r, lab = three
    cd = cost_distances(r, lab, progress=False)
    m = source_mass(cd)
    assert m.loc[1, "mass"] == pytest.approx(np.log(1200.0) / 2.0)
    assert m.loc[2, "mass"] == pytest.approx(np.log(400.0) / 1.0)
    assert m.loc[3, "mass"] == pytest.approx(np.log(1800.0) / 1.0)
    km = source_mass(cd, area_unit="ha")
    assert km.loc[3, "mass"] == pytest.approx(np.log(0.18))
    given = pd.DataFrame({"source_id": [1, 2, 3], "area_km2": [1.0, 2.0, 3.0]})
    assert source_mass(cd, areas=given, area_unit="km2").loc[2, "mass"] == pytest.approx(np.log(2.0))
    with pytest.raises(ValueError, match="area_unit"):
        source_mass(cd, area_unit="acre")
    with pytest.raises(ValueError, match="no row"):
        source_mass(cd, areas=given.iloc[:2])


def test_gravity_by_hand(three):
    r, lab = three
    lp = linkage_pathways(r, lab, progress=False)
    out = gravity(lp)
    n = source_mass(lp)["mass"]
    lmax = lp.corridors.lcd.max()
    for _, row in out.iterrows():
        expected = n[row.from_id] * n[row.to_id] / (row.lcd / lmax) ** 2
        assert row.gravity == pytest.approx(expected)
    assert out.attrs["gravity_lmax"] == lmax
    assert "gravity" not in lp.corridors.columns  # the input is not modified


def test_gravity_matrix(three):
    r, lab = three
    cd = cost_distances(r, lab, progress=False)
    g = gravity_matrix(cd)
    lcd = cd.lcd_matrix()
    n = source_mass(cd)["mass"]
    lmax = lcd.to_numpy().max()
    assert g.loc[1, 3] == pytest.approx(n[1] * n[3] / (lcd.loc[1, 3] / lmax) ** 2)
    assert g.loc[1, 3] == pytest.approx(g.loc[3, 1])
    assert np.isnan(np.diag(g.to_numpy())).all()
