"""Tests of ecnet_lab.widgets.CorrelationHeatmap: r equals scipy for the selected year, selectors update."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ecnet_lab.widgets import CorrelationHeatmap
from matplotlib.figure import Figure
from scipy import stats as sps

from ecnet_lab import stats

ES = ["WC", "HQ", "CS", "SR"]
NTC = ["degree", "betweenness", "closeness", "clustering"]


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    frames = []
    for k, year in enumerate([2000, 2005, 2010]):
        n = 40 + 5 * k
        wc = rng.normal(size=n)
        frame = pd.DataFrame({"year": year, "WC": wc, "HQ": rng.normal(size=n), "CS": rng.normal(size=n)})
        frame["SR"] = -wc + rng.normal(scale=0.3, size=n)
        frame["degree"] = np.round(wc * (k + 1) + rng.normal(size=n))
        frame["betweenness"] = rng.exponential(size=n)
        frame["closeness"] = wc + rng.normal(scale=0.5, size=n)
        frame["clustering"] = rng.uniform(size=n)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.loc[3, "HQ"] = np.nan
    return out


def test_matrix_equals_scipy_for_selected_year(data):
    h = CorrelationHeatmap(data, ES, NTC)
    assert h.group == 2000 and list(h.group_selector.options) == [2000, 2005, 2010, "all"]
    sub = data[data["year"] == 2000]
    for x in ES:
        for y in NTC:
            ok = sub[[x, y]].dropna()
            ref = sps.spearmanr(ok[x], ok[y])
            assert h.matrix.r.loc[x, y] == pytest.approx(ref.statistic, abs=1e-12)
            assert h.matrix.p.loc[x, y] == pytest.approx(ref.pvalue, rel=1e-9)
    assert h.matrix.n.loc["HQ", "degree"] == 39
    assert h.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Spearman" in h.caption.value


def test_year_selector_recomputes(data):
    h = CorrelationHeatmap(data, ES, NTC)
    png = h.image.value
    h.group_selector.value = 2010
    sub = data[data["year"] == 2010]
    assert h.matrix.r.loc["WC", "closeness"] == pytest.approx(sps.spearmanr(sub["WC"], sub["closeness"]).statistic)
    assert h.matrix.n.loc["WC", "degree"] == 50
    assert h.image.value != png
    h.group_selector.value = "all"
    assert h.matrix.n.loc["WC", "degree"] == len(data)


def test_variable_selectors_change_the_matrix(data):
    h = CorrelationHeatmap(data, ES, NTC)
    h.x_selector.value = ("WC", "SR")
    h.y_selector.value = ("closeness",)
    assert h.matrix.r.shape == (2, 1) and list(h.matrix.r.index) == ["WC", "SR"]
    assert h.matrix.r.loc["SR", "closeness"] < -0.5
    h.y_selector.value = ()
    assert h.matrix is None
    with pytest.raises(ValueError, match="no variables selected"):
        h.static_figure()


def test_figure_shows_r_and_stars(data):
    h = CorrelationHeatmap(data, ["WC", "HQ"], ["closeness", "clustering"], title="ES vs NTC")
    fig = h.static_figure()
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts}
    r, p = h.matrix.r.loc["WC", "closeness"], h.matrix.p.loc["WC", "closeness"]
    assert p < 0.001 and f"{r:.2f}***" in texts
    panel = h.static_figure(all_groups=True)
    assert len([ax for ax in panel.axes if ax.images]) == 3
    assert [ax.get_title() for ax in panel.axes if ax.images] == ["year 2000", "year 2005", "year 2010"]


def test_table_and_errors(data):
    h = CorrelationHeatmap(data, ES, NTC, group=2005)
    pd.testing.assert_frame_equal(h.table(), stats.correlation_table(data, ES, NTC, by="year"))
    with pytest.raises(ValueError, match="group=1999"):
        CorrelationHeatmap(data, ES, NTC, group=1999)
    with pytest.raises(ValueError, match="unknown columns"):
        CorrelationHeatmap(data, ["WC", "nope"], NTC)
    with pytest.raises(ValueError, match="by='decade'"):
        CorrelationHeatmap(data, ES, NTC, by="decade")
    with pytest.raises(TypeError, match="non-numeric"):
        CorrelationHeatmap(data.assign(name="x"), ["name"], NTC)
    whole = CorrelationHeatmap(data, ES, NTC, by=None)
    assert whole.group == "all" and whole.matrix.n.loc["WC", "degree"] == len(data)
