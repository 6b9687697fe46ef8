"""ESRI ASCII grids (plain or gzipped) and GeoTIFF inputs for Circuitscape compatibility.

``read_grid`` returns the values (nodata as NaN) and a :class:`GridHeader`; ``write_grid``
writes an ESRI ASCII grid atomically (temporary file + ``os.replace``) in Circuitscape's
layout. ``grid_to_dataarray`` wraps values as an xarray DataArray with cell-centre coords.
"""

from __future__ import annotations

import gzip
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

__all__ = ["GridHeader", "atomic_write_text", "grid_to_dataarray", "read_grid", "write_grid"]

_TIF = (".tif", ".tiff")


@dataclass(frozen=True)
class GridHeader:
    """Geometry of a grid: size, lower-left corner, square cell size and nodata value."""

    ncols: int
    nrows: int
    xllcorner: float
    yllcorner: float
    cellsize: float
    nodata: float | None = -9999.0

    def same_grid(self, other: GridHeader) -> bool:
        """True when both headers describe the same cells (corners within a third of a cell)."""
        tol = self.cellsize / 3.0
        return (
            self.ncols == other.ncols
            and self.nrows == other.nrows
            and abs(self.xllcorner - other.xllcorner) <= tol
            and abs(self.yllcorner - other.yllcorner) <= tol
            and np.isclose(self.cellsize, other.cellsize, rtol=1e-9)
        )


def _open_bytes(path: Path) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"\x1f\x8b":
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def _parse_ascii(raw: bytes, path: Path) -> tuple[np.ndarray, GridHeader]:
    text = raw.decode("ascii", errors="replace")
    buf = io.StringIO(text)
    header: dict[str, str] = {}
    offset = 0
    while True:
        line = buf.readline()
        if not line:
            break
        parts = line.split()
        if len(parts) == 2 and parts[0][0].isalpha():
            header[parts[0].lower()] = parts[1]
            offset += len(line)
            continue
        break
    try:
        ncols = int(header["ncols"])
        nrows = int(header["nrows"])
        cellsize = float(header["cellsize"])
        if "xllcorner" in header:
            xll = float(header["xllcorner"])
        else:
            xll = float(header["xllcenter"]) - cellsize / 2
        if "yllcorner" in header:
            yll = float(header["yllcorner"])
        else:
            yll = float(header["yllcenter"]) - cellsize / 2
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{path}: not a valid ESRI ASCII grid header ({exc})") from exc
    nodata = float(header["nodata_value"]) if "nodata_value" in header else None
    body = text[offset:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            values = np.fromstring(body, sep=" ") if body.strip() else np.zeros(0)
    except (ValueError, DeprecationWarning) as exc:
        raise ValueError(f"{path}: the grid values are not all numbers ({exc})") from exc
    if values.size != nrows * ncols:
        raise ValueError(f"{path}: expected {nrows} x {ncols} = {nrows * ncols} values, read {values.size}")
    values = values.reshape(nrows, ncols)
    if nodata is not None:
        values[values == nodata] = np.nan
    return values, GridHeader(ncols, nrows, xll, yll, cellsize, -9999.0 if nodata is None else nodata)


def _read_tif(path: Path) -> tuple[np.ndarray, GridHeader]:
    import rasterio

    with rasterio.open(path) as src:
        values = src.read(1).astype(np.float64)
        t = src.transform
        if t.b != 0 or t.d != 0 or t.e >= 0:
            raise ValueError(f"{path}: only north-up GeoTIFFs without rotation are supported")
        if not np.isclose(abs(t.a), abs(t.e), rtol=1e-9):
            raise ValueError(f"{path}: cells must be square (dx={t.a}, dy={-t.e})")
        nodata = src.nodata
    if nodata is not None:
        values[values == nodata] = np.nan
    nrows, ncols = values.shape
    header = GridHeader(ncols, nrows, t.c, t.f + t.e * nrows, t.a, -9999.0 if nodata is None else float(nodata))
    return values, header


def read_grid(path: str | os.PathLike) -> tuple[np.ndarray, GridHeader]:
    """Read an ESRI ASCII grid (``.asc``, optionally gzipped) or a GeoTIFF; nodata becomes NaN.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.asc"
    >>> _ = p.write_text("ncols 2\\nnrows 1\\nxllcorner 0\\nyllcorner 0\\ncellsize 1\\nNODATA_value -9999\\n1 -9999\\n")
    >>> read_grid(p)[0].tolist()
    [[1.0, nan]]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"grid file {path} does not exist")
    if path.suffix.lower() in _TIF:
        return _read_tif(path)
    return _parse_ascii(_open_bytes(path), path)


def grid_to_dataarray(values: np.ndarray, header: GridHeader, name: str = "values") -> xr.DataArray:
    """Wrap grid values as a DataArray with cell-centre ``x``/``y`` coordinates.

    Examples
    --------
    >>> da = grid_to_dataarray(np.ones((2, 3)), GridHeader(3, 2, 0.0, 0.0, 10.0))
    >>> da.y.values.tolist(), da.x.values.tolist()
    ([15.0, 5.0], [5.0, 15.0, 25.0])
    """
    cs = header.cellsize
    x = header.xllcorner + cs * (np.arange(header.ncols) + 0.5)
    y = header.yllcorner + cs * (header.nrows - np.arange(header.nrows) - 0.5)
    return xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name=name)


def _fmt_number(v) -> str:
    return repr(float(v)) if not float(v).is_integer() else str(int(v)) if abs(v) < 1e15 else repr(float(v))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Atomic text write (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("ascii", errors="replace"))


def write_grid(path: str | os.PathLike, values: np.ndarray, header: GridHeader, *, compress: bool = False) -> Path:
    """Write ``values`` as an ESRI ASCII grid (NaN -> nodata) with ``%.10g`` numbers; returns the path.

    With ``compress=True`` the file is gzipped and ``.gz`` is appended to its name.
    """
    path = Path(path)
    nodata = -9999.0 if header.nodata is None else header.nodata
    vals = np.where(np.isnan(values), nodata, values)
    out = io.StringIO()
    out.write(f"ncols         {header.ncols}\n")
    out.write(f"nrows         {header.nrows}\n")
    out.write(f"xllcorner     {_fmt_number(header.xllcorner)}\n")
    out.write(f"yllcorner     {_fmt_number(header.yllcorner)}\n")
    out.write(f"cellsize      {_fmt_number(header.cellsize)}\n")
    out.write(f"NODATA_value  {_fmt_number(nodata)}\n")
    np.savetxt(out, vals, fmt="%.10g", delimiter=" ")
    data = out.getvalue().encode("ascii")
    if compress:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, compresslevel=6)
    atomic_write_bytes(path, data)
    return path
