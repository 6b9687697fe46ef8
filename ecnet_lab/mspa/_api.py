"""Public MSPA functions on xarray: validation, grid handling, statistics and small helpers."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage as ndi

from .._checks import check_choice, check_int
from ..grid import metres_to_pixels, pixel_area_km2, spatial_dims, template_like
from . import _codes as C
from ._segment import segment

__all__ = ["edge_width_from_metres", "foreground_from_classes", "mspa", "mspa_stats"]

MIN_SIZE = 10


def _as_2d(name: str, da) -> tuple[xr.DataArray, np.ndarray]:
    if not isinstance(da, xr.DataArray):
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(da).__name__}")
    ydim, xdim = spatial_dims(da)
    extra = [d for d in da.dims if d not in (ydim, xdim)]
    if extra:
        raise ValueError(f"{name} must be 2-D with dims ({ydim!r}, {xdim!r}); extra dims {extra!r}")
    return da, np.asarray(da.transpose(ydim, xdim).values)


def _binary_pattern(foreground: xr.DataArray, missing) -> tuple[np.ndarray, np.ndarray]:
    """Foreground and missing masks from a 1/0/NaN (or boolean) raster and an optional mask."""
    _, values = _as_2d("foreground", foreground)
    if values.dtype == bool:
        fg = values.copy()
        miss = np.zeros(values.shape, bool)
    elif np.issubdtype(values.dtype, np.number):
        miss = np.isnan(values) if np.issubdtype(values.dtype, np.floating) else np.zeros(values.shape, bool)
        fg = values == 1
        other = ~fg & ~miss
        other &= values != 0
        if other.any():
            bad = np.unique(values[other])
            shown = ", ".join(str(v) for v in bad[:5].tolist())
            raise ValueError(
                f"foreground must be binary: 1/True = foreground, 0/False = background, NaN = missing; "
                f"found value(s) {shown}"
            )
    else:
        raise TypeError(f"foreground must hold numbers or booleans, got dtype {values.dtype}")
    if missing is not None:
        if isinstance(missing, xr.DataArray):
            if missing.shape != foreground.shape:
                raise ValueError(f"missing has shape {missing.shape}; foreground has shape {foreground.shape}")
            _, mvals = _as_2d("missing", missing)
        else:
            mvals = np.asarray(missing)
            if mvals.shape != values.shape:
                raise ValueError(f"missing has shape {mvals.shape}; foreground has shape {values.shape}")
        if mvals.dtype != bool:
            if np.issubdtype(mvals.dtype, np.floating) and np.isnan(mvals).any():
                raise ValueError("missing must be a boolean mask (True = missing data), not contain NaN")
            if not np.isin(np.unique(mvals), (0, 1)).all():
                raise ValueError("missing must be a boolean mask (True = missing data)")
        miss = miss | mvals.astype(bool)
        fg &= ~miss
    return fg, miss


def mspa(
    foreground: xr.DataArray,
    *,
    connectivity: int = 8,
    edge_width: int = 1,
    transition: bool = True,
    intext: bool = True,
    missing: xr.DataArray | np.ndarray | None = None,
    name: str = "mspa",
) -> xr.DataArray:
    """Morphological Spatial Pattern Analysis of a binary map with GuidosToolbox byte codes.

    Parameters
    ----------
    foreground : xarray.DataArray
        Binary pattern on dims ``("y", "x")``: 1/True foreground, 0/False background,
        NaN missing data. Use :func:`foreground_from_classes` to build it from land cover.
    connectivity : {8, 4}
        Foreground connectivity; the background uses the dual one (4 or 8).
    edge_width : int
        Edge width in pixels (>= 1). Core pixels lie at a Euclidean distance of at least
        ``edge_width + 1`` from background. See :func:`edge_width_from_metres`.
    transition : bool
        Keep the transition codes of loops and bridges crossing an edge (67, 35) or a
        perforation (69, 37). When False those pixels take the edge/perforation code
        (GTB's "transition off"); the aggregated class areas do not change.
    intext : bool
        Add 100 to features inside core-openings (internal) and mark background inside
        core-openings (100) and inside other enclosed openings (220).
    missing : DataArray or ndarray of bool, optional
        Extra missing-data mask (True = missing) combined with NaN in ``foreground``.
    name : str
        Name of the returned DataArray.

    Returns
    -------
    xarray.DataArray
        ``uint8`` MSPA codes on the input grid: core 17, islet 9, perforation 5, edge 3,
        loop 65 (67/69 transitions), bridge 33 (35/37), branch 1, background 0, missing 129;
        +100 internal, 100 core-opening, 220 border-opening. Coordinates, CRS and attrs of
        ``foreground`` are kept; ``flag_values``/``flag_meanings`` and the parameters are added.

    Raises
    ------
    ValueError
        Non-binary values, no background or no foreground pixel, a map smaller than 10 x 10,
        ``edge_width`` not an integer >= 1, ``connectivity`` not 4 or 8.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = np.zeros((12, 12)); a[2:10, 2:10] = 1
    >>> fg = xr.DataArray(a, dims=("y", "x"))
    >>> out = mspa(fg)
    >>> int(out[5, 5]), int(out[2, 5]), int(out[0, 0])
    (17, 3, 0)
    """
    check_choice("connectivity", connectivity, (8, 4))
    if isinstance(edge_width, float) and float(edge_width).is_integer():
        raise ValueError(f"edge_width must be an integer number of pixels, got float {edge_width!r}")
    edge_width = check_int("edge_width", edge_width, minimum=1)
    for flag, value in (("transition", transition), ("intext", intext)):
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"{flag} must be True or False, got {value!r}")
    fg, miss = _binary_pattern(foreground, missing)
    if min(fg.shape) < MIN_SIZE:
        raise ValueError(
            f"the map is {fg.shape[0]} x {fg.shape[1]} pixels; MSPA needs at least {MIN_SIZE} x {MIN_SIZE}"
        )
    if not fg.any():
        raise ValueError("foreground has no foreground pixel (all background or missing); MSPA is undefined")
    if not (~fg & ~miss).any():
        raise ValueError("foreground has no background pixel (all foreground or missing); MSPA is undefined")
    codes = segment(
        fg,
        miss,
        edge_width=edge_width,
        connectivity=int(connectivity),
        transition=bool(transition),
        intext=bool(intext),
    )
    present = sorted(C.FLAG_MEANINGS)
    attrs = dict(foreground.attrs)
    attrs.update(
        {
            "units": "1",
            "long_name": "MSPA class (GuidosToolbox byte codes)",
            "flag_values": np.array(present, np.uint8),
            "flag_meanings": " ".join(C.FLAG_MEANINGS[v] for v in present),
            "mspa_connectivity": int(connectivity),
            "mspa_edge_width": int(edge_width),
            "mspa_transition": int(bool(transition)),
            "mspa_intext": int(bool(intext)),
        }
    )
    for key in ("_FillValue", "missing_value", "scale_factor", "add_offset"):
        attrs.pop(key, None)
    return template_like(foreground, codes, name=name, attrs=attrs)


def mspa_stats(classes: xr.DataArray) -> pd.DataFrame:
    """Area of the seven MSPA classes as in GuidosToolbox's statistics (Table 3 layout).

    Transition pixels count in Edge/Perforation (as GTB counts them) and internal (+100)
    features in their class. ``share_of_foreground_pct`` is relative to all MSPA
    foreground pixels, ``share_of_study_area_pct`` to all non-missing pixels. Background
    (codes 0, 100, 220) and Missing rows are added. ``df.attrs`` holds ``porosity_pct``,
    GTB's porosity: core-openings / (core + edge + perforation + core-openings) x 100, with
    core-openings counted as the background enclosed by core (recomputed when the map was
    made without ``intext``), and ``pixel_area_km2``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> a = np.zeros((14, 14)); a[2:12, 2:12] = 1; a[6:8, 6:8] = 0
    >>> df = mspa_stats(mspa(xr.DataArray(a, dims=("y", "x"), coords={"y": np.arange(14.0)[::-1] * 30,
    ...                                                             "x": np.arange(14.0) * 30})))
    >>> int(df.loc["Perforation", "pixels"]), round(df.attrs["porosity_pct"], 2)
    (12, 4.0)
    """
    da, values = _as_2d("classes", classes)
    values = values.astype(np.int64)
    unknown = np.setdiff1d(np.unique(values), list(C.FLAG_MEANINGS))
    if unknown.size:
        raise ValueError(f"classes holds value(s) {unknown[:5].tolist()} that are not MSPA codes")
    counts = np.bincount(values.ravel(), minlength=256)
    base = np.where(values >= C.INTERNAL, values - C.INTERNAL, values)
    base[(values == C.CORE_OPENING) | (values == C.BORDER_OPENING) | (values == C.MISSING)] = -1
    rows = {}
    for label, codes in C.AGGREGATED.items():
        rows[label] = int(sum(counts[c] + counts[c + C.INTERNAL] for c in codes))
    foreground = sum(rows.values())
    rows["Background"] = int(counts[C.BACKGROUND] + counts[C.CORE_OPENING] + counts[C.BORDER_OPENING])
    rows["Missing"] = int(counts[C.MISSING])
    study = foreground + rows["Background"]
    try:
        km2 = pixel_area_km2(da)
    except ValueError:
        km2 = float("nan")
    df = pd.DataFrame({"pixels": pd.Series(rows, dtype="int64")})
    df["area_km2"] = df["pixels"] * km2
    df["share_of_foreground_pct"] = 100.0 * df["pixels"] / foreground if foreground else np.nan
    df.loc[["Background", "Missing"], "share_of_foreground_pct"] = np.nan
    df["share_of_study_area_pct"] = 100.0 * df["pixels"] / study if study else np.nan
    df.loc["Missing", "share_of_study_area_pct"] = np.nan
    df.index.name = "mspa_class"
    if counts[C.CORE_OPENING]:
        openings = int(counts[C.CORE_OPENING])
    else:
        core = (values == C.CORE) | (values == C.CORE + C.INTERNAL)
        bg = values == C.BACKGROUND
        openings = int((bg & _inside_core(core)).sum())
    contiguous = rows["Core"] + rows["Edge"] + rows["Perforation"]
    total = contiguous + openings
    df.attrs["porosity_pct"] = 100.0 * openings / total if total else 0.0
    df.attrs["pixel_area_km2"] = km2
    return df


def _inside_core(core: np.ndarray) -> np.ndarray:
    """Pixels that cannot reach the map border without crossing core (4-connected paths)."""
    lab, _ = ndi.label(~core, ndi.generate_binary_structure(2, 1))
    border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    return ~core & ~np.isin(lab, border[border > 0])


def foreground_from_classes(
    lulc: xr.DataArray,
    classes: Iterable[int],
    *,
    missing: Iterable[float] | None = None,
) -> xr.DataArray:
    """Binary MSPA input from a land-cover map: 1 for the given class codes, 0 otherwise, NaN missing.

    Missing data are NaN cells of ``lulc``, its ``_FillValue``/``nodata`` (attrs or rioxarray),
    and any code listed in ``missing``. The result is ``float32`` (1/0/NaN) on the grid of
    ``lulc`` (coords and CRS kept), ready for :func:`mspa`.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lulc = xr.DataArray(np.array([[1, 2, 6], [0, 1, 3]]), dims=("y", "x"))
    >>> foreground_from_classes(lulc, [1, 2], missing=[0]).values.tolist()
    [[1.0, 1.0, 0.0], [nan, 1.0, 0.0]]
    """
    da, values = _as_2d("lulc", lulc)
    codes = list(classes) if not isinstance(classes, Integral) else [classes]
    if not codes:
        raise ValueError("classes must list at least one land-cover code for the foreground")
    miss = np.isnan(values) if np.issubdtype(values.dtype, np.floating) else np.zeros(values.shape, bool)
    nodata = [lulc.attrs.get("_FillValue"), lulc.attrs.get("nodata")]
    try:
        nodata.append(lulc.rio.nodata)
    except Exception:
        pass
    for v in [*nodata, *(missing or [])]:
        if v is not None and not (isinstance(v, float) and np.isnan(v)):
            miss |= values == v
    out = np.isin(values, codes).astype(np.float32)
    out[miss] = np.nan
    attrs = {"units": "1", "long_name": f"MSPA foreground: classes {codes}", "foreground_classes": str(codes)}
    return template_like(da, out, name="foreground", attrs=attrs)


def edge_width_from_metres(width_m: float, da: xr.DataArray | xr.Dataset) -> int:
    """Edge width in pixels for a width in metres on the grid of ``da``.

    Rounded to the nearest whole pixel (halves round up) and at least 1: GTB takes whole
    pixels, so 45 m on a 30 m grid gives 2 and 10 m gives 1.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), coords={"y": [15.0, -15.0], "x": [15.0, 45.0]})
    >>> edge_width_from_metres(90, da), edge_width_from_metres(45, da), edge_width_from_metres(10, da)
    (3, 2, 1)
    """
    pixels = metres_to_pixels(width_m, da, name="width_m")
    return max(1, int(np.floor(pixels + 0.5)))
