"""Tests of ecnet_lab.stats: Spearman matrices against scipy and hand values, stars, rates of change."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ecnet_lab import stats


@pytest.fixture
def table():
    rng = np.random.default_rng(7)
    n = 60
    a = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "year": np.repeat([2000, 2010, 2020], n // 3),
            "WC": a,
            "HQ": np.round(rng.normal(size=n), 1),  # ties
            "degree": np.round(a * 2 + rng.normal(size=n), 0),  # ties, correlated with WC
            "closeness": rng.uniform(size=n),
        }
    )
    return df


def test_matrix_equals_scipy_pairwise(table):
    r, p, n = stats.spearman_matrix(table, ["WC", "HQ"], ["degree", "closeness"])
    assert list(r.index) == ["WC", "HQ"] and list(r.columns) == ["degree", "closeness"]
    for x in ["WC", "HQ"]:
        for y in ["degree", "closeness"]:
            ref = sps.spearmanr(table[x], table[y])
            assert r.loc[x, y] == pytest.approx(ref.statistic, abs=1e-12)
            assert p.loc[x, y] == pytest.approx(ref.pvalue, rel=1e-9)
            assert n.loc[x, y] == len(table)
    assert r.loc["WC", "degree"] > 0.5  # built correlated


def test_hand_computed_example_with_ties():
    # ranks a = 1..5, ranks b = 1, 2, 3.5, 5, 3.5 -> r = 8 / sqrt(10 * 9.5)
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 6, 7, 8, 7]})
    r, p, n = stats.spearman_matrix(df, "a", "b")
    expected = 8 / math.sqrt(95)
    assert r.iat[0, 0] == pytest.approx(expected, abs=1e-12)
    # two-sided p from the t approximation with n - 2 degrees of freedom
    t = expected * math.sqrt(3 / (1 - expected**2))
    assert p.iat[0, 0] == pytest.approx(2 * sps.t.sf(t, 3), rel=1e-9)
    assert n.iat[0, 0] == 5


def test_square_default_has_unit_diagonal(table):
    r, _, _ = stats.spearman_matrix(table, ["WC", "HQ", "degree"])
    np.testing.assert_allclose(np.diag(r.to_numpy()), 1.0)
    np.testing.assert_allclose(r.to_numpy(), r.to_numpy().T)


def test_nan_rows_are_dropped_pairwise():
    df = pd.DataFrame(
        {
            "x": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "y": [2.0, 1.0, 3.0, np.nan, 6.0, 5.0],
            "z": [1.0, 3.0, 2.0, 5.0, 4.0, 7.0],
        }
    )
    r, p, n = stats.spearman_matrix(df, ["x"], ["y", "z"])
    assert n.loc["x", "y"] == 4 and n.loc["x", "z"] == 5
    ok = df[["x", "y"]].dropna()
    ref = sps.spearmanr(ok["x"], ok["y"])
    assert r.loc["x", "y"] == pytest.approx(ref.statistic) and p.loc["x", "y"] == pytest.approx(ref.pvalue)
    ok = df[["x", "z"]].dropna()
    assert r.loc["x", "z"] == pytest.approx(sps.spearmanr(ok["x"], ok["z"]).statistic)


def test_too_few_or_constant_give_nan_without_warnings():
    df = pd.DataFrame({"x": [1.0, 2.0, np.nan, np.nan], "y": [1.0, 3.0, 2.0, 4.0], "c": [5.0, 5.0, 5.0, 5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r, p, n = stats.spearman_matrix(df, ["x", "y"], ["y", "c"])
    assert n.loc["x", "y"] == 2 and np.isnan(r.loc["x", "y"]) and np.isnan(p.loc["x", "y"])
    assert n.loc["y", "c"] == 4 and np.isnan(r.loc["y", "c"])
    assert r.loc["y", "y"] == pytest.approx(1.0)


def test_bad_input_is_named(table):
    with pytest.raises(ValueError, match=r"unknown columns \['nope'\]"):
        stats.spearman_matrix(table, ["WC", "nope"], ["degree"])
    with pytest.raises(ValueError, match="y_vars"):
        stats.spearman_matrix(table, ["WC"], ["zzz"])
    df = table.assign(name=["a"] * len(table))
    with pytest.raises(TypeError, match=r"'name'.*non-numeric"):
        stats.spearman_matrix(df, ["name"], ["WC"])
    with pytest.raises(TypeError, match="DataFrame"):
        stats.spearman_matrix(table.to_numpy(), ["WC"])
    with pytest.raises(ValueError, match="empty"):
        stats.spearman_matrix(table, [], ["WC"])


def test_significance_stars_levels_are_strict():
    assert stats.significance_stars(0.0009) == "***"
    assert stats.significance_stars(0.001) == "**"
    assert stats.significance_stars(0.0099) == "**"
    assert stats.significance_stars(0.01) == "*"
    assert stats.significance_stars(0.049) == "*"
    assert stats.significance_stars(0.05) == ""
    assert stats.significance_stars(float("nan")) == ""
    frame = pd.DataFrame({"a": [0.0001, 0.2]}, index=["r1", "r2"])
    out = stats.significance_stars(frame)
    assert out.loc["r1", "a"] == "***" and out.loc["r2", "a"] == "" and list(out.index) == ["r1", "r2"]
    assert stats.significance_stars(np.array([[0.02, 0.002]])).tolist() == [["*", "**"]]
    with pytest.raises(TypeError):
        stats.significance_stars("abc")


def test_correlation_table_per_group(table):
    tidy = stats.correlation_table(table, ["WC", "HQ"], ["degree", "closeness"], by="year")
    assert list(tidy.columns) == ["year", "x", "y", "r", "p", "n", "stars"]
    assert len(tidy) == 3 * 2 * 2
    assert tidy["year"].tolist()[:4] == [2000] * 4
    sub = table[table["year"] == 2010]
    row = tidy[(tidy["year"] == 2010) & (tidy["x"] == "HQ") & (tidy["y"] == "closeness")].iloc[0]
    ref = sps.spearmanr(sub["HQ"], sub["closeness"])
    assert row["r"] == pytest.approx(ref.statistic) and row["p"] == pytest.approx(ref.pvalue)
    assert row["n"] == 20 and row["stars"] == stats.significance_stars(ref.pvalue)
    whole = stats.correlation_table(table, ["WC"], ["degree"], by=None)
    assert list(whole.columns) == ["x", "y", "r", "p", "n", "stars"]
    assert whole["r"].iat[0] == pytest.approx(sps.spearmanr(table["WC"], table["degree"]).statistic)
    with pytest.raises(ValueError, match="by='month'"):
        stats.correlation_table(table, ["WC"], ["degree"], by="month")


def test_smallest_rate_of_change_jinan_style():
    widths = [1000, 2000, 3000, 4000, 5000, 6000]
    current = [20.0, 14.0, 11.0, 10.5, 9.0, 6.0]
    res = stats.smallest_rate_of_change(widths, current)
    assert res.x == 3000 and res.interval == (3000, 4000) and res.index == 2
    assert res.rate == pytest.approx(0.5 / 1000)
    np.testing.assert_allclose(res.rates, np.abs(np.diff(current)) / 1000)
    # order of the input does not matter
    perm = [3, 0, 5, 1, 4, 2]
    res2 = stats.smallest_rate_of_change(np.array(widths)[perm], np.array(current)[perm])
    assert res2.x == 3000 and res2.interval == (3000, 4000)


def test_smallest_rate_uses_slopes_not_differences():
    # uneven spacing: the largest difference can be the flattest slope
    res = stats.smallest_rate_of_change([0, 1, 11], [0.0, 1.0, 3.0])
    assert res.x == 1 and res.rate == pytest.approx(0.2)


def test_smallest_rate_ties_and_nan():
    res = stats.smallest_rate_of_change([1, 2, 3, 4], [5.0, 4.0, 3.0, 2.0])
    assert res.x == 1  # all equal: smallest x
    res = stats.smallest_rate_of_change([1, 2, 3, 4], [5.0, np.nan, 4.9, 1.0])
    assert res.x == 3 and res.interval == (3, 4)  # segments touching the NaN are skipped
    with pytest.raises(ValueError, match="at least 2"):
        stats.smallest_rate_of_change([1], [1.0])
    with pytest.raises(ValueError, match="repeated"):
        stats.smallest_rate_of_change([1, 1, 2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same length"):
        stats.smallest_rate_of_change([1, 2], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        stats.smallest_rate_of_change([1, 2], [np.nan, 1.0])


def test_regression_slope_matches_polyfit():
    x = np.array([2000, 2005, 2010, 2015, 2020, np.nan])
    y = np.array([1.0, 1.8, 3.1, 3.9, 5.2, 9.0])
    res = stats.regression_slope(x, y)
    slope, intercept = np.polyfit(x[:5], y[:5], 1)
    assert res["slope"] == pytest.approx(slope) and res["intercept"] == pytest.approx(intercept)
    assert res["r2"] == pytest.approx(np.corrcoef(x[:5], y[:5])[0, 1] ** 2)
    assert res["n"] == 5 and 0 <= res["p"] < 0.01
    with pytest.raises(ValueError, match="at least 3"):
        stats.regression_slope([1, 2], [1, 2])
    with pytest.raises(ValueError, match="constant"):
        stats.regression_slope([1, 1, 1], [1, 2, 3])
