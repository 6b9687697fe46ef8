"""MSPA against the JRC reference implementation (pyguidos, GPL-3, used here only as a test oracle).

pyguidos's compiled engine takes 0 = missing, 1 = background, 2 = foreground and returns GTB
codes (we map its stray value 2 to background, as pyguidos's own wrapper does). Its
``transition`` flag has no effect in pyguidos 2.6.3 (the output always keeps the transition
codes), so for ``transition=False`` the reference is recoded with GTB's documented rule
(67/35 -> edge, 69/37 -> perforation), the rule our ``mspa`` applies.

Where we are pixel-identical (the hand-made cases, patterns away from the map border and from
missing data at edge width 1) the tests demand equality. On the real maps the engines still
disagree on a small share of pixels (see ``AGREEMENT`` and the strict ``xfail`` tests, which
start failing - i.e. must be promoted - the day we become identical); every failure prints
the first differing pixels with their neighbourhoods.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import require_shared

pyguidos = pytest.importorskip("pyguidos", reason="pyguidos (the JRC MSPA reference) is not installed")
_engine = pytest.importorskip("pyguidos._mspa._mspa", reason="pyguidos has no compiled MSPA engine here")

from test_mspa import HAND_CASES, pattern  # noqa: E402

from ecnet_lab.mspa import mspa, mspa_stats  # noqa: E402

TRANSITION_FALLBACK = {67: 3, 35: 3, 69: 5, 37: 5, 167: 103, 135: 103, 169: 105, 137: 105}
HK_CLASSES = (1, 2)  # woodland + shrubland


def reference(fg, missing=None, *, connectivity=8, edge_width=1, transition=True, intext=True) -> np.ndarray:
    """GTB codes of the JRC engine for a foreground / missing pair of boolean arrays."""
    fg = np.asarray(fg, bool)
    raw = np.where(fg, 2, 1).astype(np.uint8)
    if missing is not None:
        raw[np.asarray(missing, bool)] = 0
    out, _ = _engine.mspa(np.ascontiguousarray(raw), float(edge_width), int(connectivity), int(transition), int(intext))
    out = np.where(out == 2, 0, out).astype(np.uint8)
    if not transition:
        for code, fallback in TRANSITION_FALLBACK.items():
            out[out == code] = fallback
    return out


def ours(fg, missing=None, **kwargs) -> np.ndarray:
    values = np.asarray(fg, bool).astype(np.float32)
    if missing is not None:
        values[np.asarray(missing, bool)] = np.nan
    return mspa(xr.DataArray(values, dims=("y", "x")), **kwargs).values


def describe_diff(mine: np.ndarray, ref: np.ndarray, *, limit: int = 3, radius: int = 3) -> str:
    """Human-readable report of the first differing pixels and their neighbourhoods."""
    ys, xs = np.nonzero(mine != ref)
    if ys.size == 0:
        return "identical"
    pairs, counts = np.unique(np.stack([ref[ys, xs], mine[ys, xs]], 1), axis=0, return_counts=True)
    top = sorted(zip(counts.tolist(), map(tuple, pairs.tolist()), strict=True), reverse=True)[:6]
    lines = [f"{ys.size} of {mine.size} pixels differ; most frequent (reference, ours): {top}"]
    for y, x in list(zip(ys.tolist(), xs.tolist(), strict=True))[:limit]:
        sl = (slice(max(y - radius, 0), y + radius + 1), slice(max(x - radius, 0), x + radius + 1))
        lines.append(f"pixel ({y}, {x}): reference {ref[y, x]}, ours {mine[y, x]}")
        for a, b in zip(ref[sl], mine[sl], strict=True):
            lines.append(" ".join(f"{v:3d}" for v in a) + "   |   " + " ".join(f"{v:3d}" for v in b))
    return "\n".join(lines)


def assert_identical(mine, ref):
    assert np.array_equal(mine, ref), describe_diff(mine, ref)


# ------------------------------------------------------------------ exact cases
@pytest.mark.parametrize("case", sorted(HAND_CASES))
@pytest.mark.parametrize(("transition", "intext"), [(True, True), (True, False), (False, True), (False, False)])
def test_hand_made_cases_match_reference(case, transition, intext):
    a = pattern(HAND_CASES[case])
    fg, missing = a == 1, np.isnan(a)
    assert_identical(
        ours(fg, missing, transition=transition, intext=intext),
        reference(fg, missing, transition=transition, intext=intext),
    )


def random_pattern(shape, seed, *, sigma=2.0, threshold=0.5):
    from scipy import ndimage as ndi

    rng = np.random.default_rng(seed)
    fg = ndi.gaussian_filter(rng.random(shape), sigma) > threshold
    fg[0, :] = fg[-1, :] = fg[:, 0] = fg[:, -1] = False
    return fg


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("transition", "intext"), [(True, True), (False, False)])
def test_random_patterns_identical_at_edge_width_1(seed, transition, intext):
    fg = random_pattern((150, 150), seed)
    assert_identical(
        ours(fg, transition=transition, intext=intext), reference(fg, transition=transition, intext=intext)
    )


def test_diff_report_shows_neighbourhoods():
    a = np.zeros((5, 5), np.uint8)
    b = a.copy()
    b[2, 2] = 17
    report = describe_diff(b, a)
    assert "1 of 25 pixels differ" in report and "reference 0, ours 17" in report


# ------------------------------------------------------------------ real maps
def _corsica() -> tuple[np.ndarray, np.ndarray]:
    import rasterio

    path = Path(pyguidos.__file__).parent / "data" / "CLC2018_corsica_FNF.tif"
    with rasterio.open(path) as src:
        codes = src.read(1)
    return codes == 2, codes == 0


def _hk(period: str) -> tuple[np.ndarray, np.ndarray]:
    import rasterio

    folder = require_shared("hk-habitat", "habitat_6class")
    with rasterio.open(folder / f"HabitatMapHK_6class_{period}.tif") as src:
        codes = src.read(1)
    return np.isin(codes, HK_CLASSES), codes == 0


def _synth_city() -> tuple[np.ndarray, np.ndarray]:
    from ecnet_lab.synth import city

    lulc = city("shenzhen", shape=(400, 400), seed=0)["lulc"].values
    return np.isin(lulc, (2, 3)), np.zeros(lulc.shape, bool)  # woodland + water, as in the Shenzhen paper


HK_PERIODS = [f"{y}-{y + 4}" for y in range(1973, 2023, 5)]

# measured share of identical pixels on the crops (floor, rounded down) per (connectivity, edge width)
AGREEMENT = {
    (8, 1): 0.9986,
    (8, 2): 0.9944,
    (8, 5): 0.9904,
    (4, 1): 0.9758,
    (4, 2): 0.9646,
    (4, 5): 0.9438,
}


def _agreement(fg, missing, **kwargs) -> tuple[float, str]:
    mine, ref = ours(fg, missing, **kwargs), reference(fg, missing, **kwargs)
    return float((mine == ref).mean()), describe_diff(mine, ref)


@cache
def _default_pair(source: str) -> tuple[np.ndarray, np.ndarray]:
    """(ours, reference) at the default 8/1/on/on for a whole map, computed once per session and worker."""
    fg, missing = _corsica() if source == "corsica" else _hk(source)
    return ours(fg, missing), reference(fg, missing)


def test_corsica_documented_example():
    """pyguidos's documented example: CLC2018 Corsica, 8/1/1/1, aggregated pixel counts."""
    fg, missing = _corsica()
    documented = {"Core": 200934, "Edge": 61706, "Perforation": 9331, "Islet": 978, "Branch": 22054,
                  "Loop": 1896, "Bridge": 3838}  # fmt: skip
    out = mspa(xr.DataArray(np.where(missing, np.nan, fg.astype(np.float32)), dims=("y", "x")))
    counts = mspa_stats(out)["pixels"]
    for name, value in documented.items():
        assert abs(int(counts[name]) - value) <= 20, (name, int(counts[name]), value)
    assert int(counts[list(documented)].sum()) == sum(documented.values())  # same foreground
    mine, ref = _default_pair("corsica")
    assert int((mine != ref).sum()) <= 31, describe_diff(mine, ref)


@pytest.mark.xfail(strict=True, reason="31 of 1.8 M Corsica pixels still differ from pyguidos at 8/1 (see report)")
def test_corsica_identical():
    assert_identical(*_default_pair("corsica"))


@pytest.mark.parametrize("source", ["synthetic city", "corsica crop", "hong kong crop"])
@pytest.mark.parametrize("connectivity", [8, 4])
@pytest.mark.parametrize("edge_width", [1, 2, 5])
def test_parameter_grid_agreement(source, connectivity, edge_width):
    if source == "synthetic city":
        fg, missing = _synth_city()
    elif source == "corsica crop":
        fg, missing = _corsica()
        fg, missing = fg[900:1500, 300:900], missing[900:1500, 300:900]
    else:
        fg, missing = _hk("2018-2022")
        fg, missing = fg[200:800, 900:1500], missing[200:800, 900:1500]
    floor = AGREEMENT[(connectivity, edge_width)]
    for transition, intext in [(True, True), (True, False), (False, True), (False, False)]:
        share, report = _agreement(fg, missing, connectivity=connectivity, edge_width=edge_width,
                                   transition=transition, intext=intext)  # fmt: skip
        assert share >= floor, f"{source} {connectivity}/{edge_width}/{transition}/{intext}: {share:.6f}\n{report}"


# whole Hong Kong maps at 8/1: 99.76-99.87% identical (the differences sit next to nodata)
HK_FULL_MAP_AGREEMENT = 0.9976


@pytest.mark.parametrize("period", HK_PERIODS)
def test_hong_kong_every_period_default_parameters(period):
    mine, ref = _default_pair(period)
    share = float((mine == ref).mean())
    assert share >= HK_FULL_MAP_AGREEMENT, f"{period}: {share:.6f}\n{describe_diff(mine, ref)}"


@pytest.mark.xfail(strict=True, reason="Hong Kong 2018-2022 at 8/1 still differs from pyguidos on ~0.2% of pixels")
def test_hong_kong_identical_default_parameters():
    assert_identical(*_default_pair("2018-2022"))


@pytest.mark.slow
@pytest.mark.parametrize("period", HK_PERIODS)
@pytest.mark.parametrize("connectivity", [8, 4])
@pytest.mark.parametrize("edge_width", [1, 2, 5])
def test_hong_kong_full_grid_agreement(period, connectivity, edge_width):
    fg, missing = _hk(period)
    for transition, intext in [(True, True), (True, False), (False, True), (False, False)]:
        share, report = _agreement(fg, missing, connectivity=connectivity, edge_width=edge_width,
                                   transition=transition, intext=intext)  # fmt: skip
        assert share >= AGREEMENT[(connectivity, edge_width)] - 0.015, report
