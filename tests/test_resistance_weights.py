"""AHP, entropy and combined weights against textbook / hand-computed answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecnet_lab.resistance import (
    RANDOM_INDEX,
    ahp_weights,
    check_weights,
    combined_weights,
    entropy_weights,
    random_index,
)

# Saaty (1977, J. Math. Psychol. 15:234; also "The Analytic Hierarchy Process", 1980): relative wealth of
# seven nations. Published eigenvector (3 decimals) and lambda_max = 7.61.
SAATY_WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]
SAATY_WEALTH_WEIGHTS = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]


def test_random_index_is_saatys_table():
    assert RANDOM_INDEX == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
    assert random_index(5) == 1.12
    with pytest.raises(ValueError, match=r"1\.\.15"):
        random_index(16)


def test_ahp_saaty_wealth_of_nations():
    r = ahp_weights(SAATY_WEALTH)
    np.testing.assert_allclose(r.weights.to_numpy(), SAATY_WEALTH_WEIGHTS, atol=5e-4)
    assert r.lambda_max == pytest.approx(7.61, abs=5e-3)
    assert r.ci == pytest.approx((r.lambda_max - 7) / 6)
    assert r.ri == 1.32
    assert r.cr == pytest.approx(r.ci / 1.32)
    assert r.cr == pytest.approx(0.0767, abs=5e-4)
    assert r.consistent


@pytest.mark.parametrize(
    "w",
    [
        [0.5, 0.3, 0.2],
        [0.31, 0.26, 0.14, 0.11, 0.18],
        [0.0652, 0.0358, 0.1221, 0.0407, 0.0612, 0.1828, 0.1104, 0.0798, 0.0644, 0.2376],
    ],
)
def test_ahp_perfectly_consistent_matrix_recovers_weights(w):
    w = np.asarray(w)
    a = w[:, None] / w[None, :]
    r = ahp_weights(a)
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=1e-10)
    assert r.lambda_max == pytest.approx(len(w), abs=1e-9)
    assert r.cr == pytest.approx(0.0, abs=1e-9)


def test_ahp_3x3_closed_form_and_textbook():
    # For n = 3 the principal eigenvector equals the normalised row geometric means and
    # lambda_max = 1 + d^(1/3) + d^(-1/3), d = a12 * a23 / a13 (closed form).
    # The matrix is the job-choice example of Winston, Operations Research (weights 0.157, 0.594, 0.249).
    m = np.array([[1, 1 / 3, 1 / 2], [3, 1, 3], [2, 1 / 3, 1]])
    r = ahp_weights(m, names=["a", "b", "c"])
    gm = np.prod(m, axis=1) ** (1 / 3)
    np.testing.assert_allclose(r.weights.to_numpy(), gm / gm.sum(), rtol=1e-10)
    d = m[0, 1] * m[1, 2] / m[0, 2]
    assert r.lambda_max == pytest.approx(1 + d ** (1 / 3) + d ** (-1 / 3), rel=1e-12)
    np.testing.assert_allclose(r.weights.to_numpy(), [0.157, 0.594, 0.249], atol=1e-3)
    assert r.cr == pytest.approx((r.lambda_max - 3) / 2 / 0.58)
    assert list(r.weights.index) == ["a", "b", "c"]


def test_ahp_inconsistent_is_error_unless_allowed():
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a cycle: a > b > c > a
    with pytest.raises(ValueError, match=r"CR = .* >= 0.1"):
        ahp_weights(bad)
    with pytest.warns(UserWarning, match="inconsistent"):
        r = ahp_weights(bad, allow_inconsistent=True)
    assert not r.consistent and r.cr >= 0.1


@pytest.mark.parametrize(
    "matrix, match",
    [
        ([[1, 2], [2, 1]], "not reciprocal"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[2, 2], [0.5, 1]], "diagonal"),
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
    ],
)
def test_ahp_rejects_invalid_matrices(matrix, match):
    with pytest.raises(ValueError, match=match):
        ahp_weights(matrix)


def test_entropy_worked_example():
    # Hand computation (min-max standardised, 0 ln 0 = 0):
    # a = [1, 2, 3] -> [0, .5, 1] -> p = [0, 1/3, 2/3] -> e = (1/3 ln 3 + 2/3 ln 1.5) / ln 3
    # b = [1, 1, 2] -> [0, 0, 1] -> e = 0 ;  c = [2, 4, 3] -> [0, 1, .5] -> e = e_a
    data = pd.DataFrame({"a": [1, 2, 3], "b": [1, 1, 2], "c": [2, 4, 3]})
    e_a = (np.log(3) / 3 + 2 / 3 * np.log(1.5)) / np.log(3)
    d = np.array([1 - e_a, 1.0, 1 - e_a])
    w = entropy_weights(data)
    np.testing.assert_allclose(w.to_numpy(), d / d.sum(), rtol=1e-12)
    np.testing.assert_allclose(w.to_numpy(), [0.2284, 0.5431, 0.2284], atol=1e-4)
    assert list(w.index) == ["a", "b", "c"]


def test_entropy_direction_constant_and_raw():
    x = np.array([[1.0, 5.0, 7.0], [2.0, 5.0, 3.0], [4.0, 5.0, 1.0], [8.0, 5.0, 2.0]])
    w = entropy_weights(x, names=["p", "const", "q"])
    assert w["const"] == 0.0
    assert w.sum() == pytest.approx(1.0)
    # a negative indicator is standardised as (max - x) / (max - min)
    wn = entropy_weights(x[:, [0]].repeat(2, axis=1) * [1, 1], names=["u", "v"], directions={"v": "negative"})
    z = (x[:, 0] - 1) / 7
    zn = (8 - x[:, 0]) / 7

    def ent(z):
        p = z / z.sum()
        p = p[p > 0]
        return 1 + np.sum(p * np.log(p)) / np.log(len(z))

    d = np.array([ent(z), ent(zn)])
    np.testing.assert_allclose(wn.to_numpy(), d / d.sum(), rtol=1e-12)
    # raw (already normalised) data such as expert scores
    raw = entropy_weights([[3, 1], [3, 2], [3, 3]], standardize="none")
    assert raw.iloc[0] == pytest.approx(0.0, abs=1e-12) and raw.iloc[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least 2"):
        entropy_weights([[1, 2]])
    with pytest.raises(ValueError, match="no factor varies"):
        entropy_weights([[1, 2], [1, 2]])
    with pytest.raises(ValueError, match="standardize"):
        entropy_weights([[1, 2], [2, 3]], standardize="zscore")


def test_combined_weights_shenzhen_formula():
    a = np.array([0.4, 0.35, 0.25])
    b = np.array([0.1, 0.3, 0.6])
    w = combined_weights(a, b)
    expected = np.sqrt(a * b) / np.sqrt(a * b).sum()  # Li et al. 2025, section 2.3.2
    np.testing.assert_allclose(w.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(combined_weights(a, b, method="product").to_numpy(), a * b / (a * b).sum())
    np.testing.assert_allclose(combined_weights(a, b, method="linear", alpha=0.7).to_numpy(), 0.7 * a + 0.3 * b)
    # names are matched, not positions
    sa = pd.Series(a, index=["x", "y", "z"])
    sb = pd.Series(b[::-1], index=["z", "y", "x"])
    np.testing.assert_allclose(combined_weights(sa, sb).to_numpy(), expected)
    with pytest.raises(ValueError, match="sum to 1"):
        combined_weights([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match="method"):
        combined_weights(a, b, method="harmonic")


def test_check_weights_names_the_problem():
    with pytest.raises(ValueError, match=r"sum to 1 .* lulc=0.31"):
        check_weights([0.31, 0.26, 0.14], ["lulc", "pop", "slope"])
    with pytest.raises(ValueError, match="'pop'"):
        check_weights([1.2, -0.2], ["lulc", "pop"])
