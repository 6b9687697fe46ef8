"""Factor grading: natural breaks vs mapclassify, explicit breaks, reclass tables."""

from __future__ import annotations

import mapclassify
import numpy as np
import pytest

from ecnet_lab.resistance import (
    classify,
    equal_interval_breaks,
    grade_breaks,
    natural_breaks,
    quantile_breaks,
    reclassify,
    sample_values,
)


@pytest.fixture(scope="module")
def skewed():
    rng = np.random.default_rng(42)
    v = rng.gamma(2.0, 50.0, size=(300, 400))
    v[:5, :5] = np.nan
    return v


def test_natural_breaks_equal_mapclassify_on_the_same_sample(skewed):
    sample = sample_values(skewed, 5_000, seed=7)
    assert sample.size == 5_000 and np.all(np.isfinite(sample))
    expected = mapclassify.FisherJenks(sample, k=5).bins[:-1]
    np.testing.assert_array_equal(natural_breaks(skewed, 5, sample_size=5_000, seed=7), expected)


def test_natural_breaks_small_input_uses_all_values():
    v = np.array([1.0, 1.5, 2.0, 10.0, 11.0, 12.0, 40.0, 41.0, np.nan])
    np.testing.assert_array_equal(natural_breaks(v, 3), mapclassify.FisherJenks(v[:-1], k=3).bins[:-1])
    assert natural_breaks(v, 3).tolist() == [2.0, 12.0]


def test_sampling_is_seeded(skewed):
    a = sample_values(skewed, 1000, seed=3)
    np.testing.assert_array_equal(a, sample_values(skewed, 1000, seed=3))
    assert not np.array_equal(a, sample_values(skewed, 1000, seed=4))


def test_natural_breaks_needs_enough_distinct_values():
    with pytest.raises(ValueError, match=r"factor 'pop'.*2 distinct"):
        natural_breaks(np.array([0.0, 0.0, 5.0, 5.0]), 5, factor="pop")


def test_equal_interval_and_quantiles():
    v = np.array([[0.0, 2.5], [7.5, 10.0]])
    np.testing.assert_allclose(equal_interval_breaks(v, 4), [2.5, 5.0, 7.5])
    np.testing.assert_allclose(
        quantile_breaks(np.arange(1.0, 101.0), 4), np.quantile(np.arange(1.0, 101.0), [0.25, 0.5, 0.75])
    )
    with pytest.raises(ValueError, match="constant"):
        equal_interval_breaks(np.ones(4), 3)
    with pytest.raises(ValueError, match="strictly increasing"):
        quantile_breaks(np.array([0, 0, 0, 0, 0, 1.0]), 4)


def test_class_boundaries_right_and_left_closed():
    v = np.array([-5.0, 0.0, 0.25, 0.3, 0.75, 0.8, np.nan])
    b = [0.0, 0.25, 0.5, 0.75]
    # right-closed (Shenzhen "(0.25, 0.5]"): a value on a break belongs to the lower class
    assert classify(v, b).tolist() == [0, 0, 1, 2, 3, 4, -1]
    # left-closed (Jinan ">= 0.757"): a value on a break belongs to the upper class
    assert classify(v, b, closed="left").tolist() == [0, 1, 2, 2, 4, 4, -1]
    with pytest.raises(ValueError, match="strictly increasing"):
        classify(v, [0.5, 0.25])
    with pytest.raises(ValueError, match="closed"):
        classify(v, b, closed="both")


def test_grade_breaks_direction():
    v = np.array([100.0, 600.0, 1200.0, 1700.0, 2500.0, np.nan])
    b = [500, 1000, 1500, 2000]
    s = [10, 20, 30, 40, 50]
    # Shenzhen distance from the railway: [0, 500] -> 50 ... > 2000 -> 10
    np.testing.assert_array_equal(grade_breaks(v, b, s, direction="decreasing"), [50, 40, 30, 20, 10, np.nan])
    np.testing.assert_array_equal(grade_breaks(v, b, s), [10, 20, 30, 40, 50, np.nan])
    with pytest.raises(ValueError, match="4 breaks define 5 classes but 4 scores"):
        grade_breaks(v, b, s[:4])


def test_reclassify_integer_and_float_paths_agree():
    rng = np.random.default_rng(0)
    codes = rng.integers(1, 7, size=(50, 60)).astype(np.uint8)
    table = [([1], 10), ([2], 15), ([3], 40), ([4], 60), ([5], 80), ([6], 100)]
    a = reclassify(codes, table)
    b = reclassify(codes.astype(float), table)
    lut = np.array([np.nan, 10, 15, 40, 60, 80, 100])
    np.testing.assert_array_equal(a, lut[codes])
    np.testing.assert_array_equal(a, b)


def test_reclassify_missing_class_names_factor_and_code():
    codes = np.array([[1, 2], [7, 7]], dtype=np.int32)
    with pytest.raises(ValueError, match=r"factor 'lulc': class code\(s\) 7 \(2 cells\)"):
        reclassify(codes, [([1], 10), ([2], 15)], factor="lulc")
    # declared nodata and masked cells are NaN, not errors
    out = reclassify(codes, [([1], 10), ([2], 15)], nodata_values=[7])
    assert np.isnan(out[1]).all() and out[0].tolist() == [10, 15]
    out = reclassify(codes.astype(float), [([1], 10), ([2], 15)], mask=codes == 7)
    assert np.isnan(out[1]).all()
    with pytest.raises(ValueError, match="appears twice"):
        reclassify(codes, [([1], 10), ([1], 15)])
