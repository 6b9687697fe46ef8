"""LayerMap: an ipyleaflet map of study rasters and vectors that updates in place.

Rasters (MSPA classes with the GuidosToolbox palette, resistance, current, zones) become
georeferenced PNG :class:`ipyleaflet.ImageOverlay` layers (reprojected to Web Mercator by
:func:`ecnet_lab.webmap.raster_to_png`); vectors (sources, corridors, pinch points, barriers)
become :class:`ipyleaflet.GeoJSON` layers coloured by a class column. Updates change the
existing layer's ``url``/``bounds`` or ``data`` so the map keeps its view and layer order.
Clicking the map shows every raster's value at that point. :meth:`LayerMap.static_figure`
draws the same layers with matplotlib for static reports (offline HTML cannot show ipyleaflet).
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipyleaflet
import ipywidgets as ipw
import numpy as np
import xarray as xr

from ecnet_lab import webmap, webstyle

from ._render import new_figure

__all__ = ["LayerMap"]

RASTER_KINDS = ("mspa", "continuous", "categorical")


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"colour {color!r} must be '#rrggbb'")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _decimate(da: xr.DataArray, max_size: int | None) -> xr.DataArray:
    """The middle cell of every k x k block so that no side exceeds ``max_size`` (keeps the CRS and extent)."""
    if max_size is None or max(da.shape) <= max_size:
        return da
    k = int(np.ceil(max(da.shape) / max_size))
    out = da.isel({da.dims[0]: slice(k // 2, None, k), da.dims[1]: slice(k // 2, None, k)})
    return out.rio.write_transform(out.rio.transform(recalc=True))


def _flag_names(da: xr.DataArray) -> dict[int, str]:
    values = da.attrs.get("flag_values")
    meanings = str(da.attrs.get("flag_meanings", "")).split()
    if values is None or len(meanings) != len(np.atleast_1d(values)):
        return {}
    return {int(v): m.replace("_", " ") for v, m in zip(np.atleast_1d(values), meanings, strict=True)}


def _present_codes(da: xr.DataArray) -> list[int]:
    vals = np.asarray(da.values, dtype=float)
    return [int(v) for v in np.unique(vals[np.isfinite(vals)])]


def _palette_and_legend(da: xr.DataArray, style: dict) -> tuple[dict, list]:
    """Code -> RGB palette and (label, colour) legend of a class raster."""
    codes = _present_codes(da)
    names = _flag_names(da)
    given = style["palette"]
    if style["kind"] == "mspa":
        source = webmap.GTB_PALETTE if given is None else given
        palette = {
            int(k): (_hex_to_rgb(v) if isinstance(v, str) else tuple(int(c) for c in v)) for k, v in source.items()
        }
        palette = {k: v for k, v in palette.items() if k not in {int(c) for c in style["hide"]}}
        legend = webmap.legend_entries(da, palette) if names else []
        if not legend:  # no (matching) flag attributes: GuidosToolbox class names
            legend = webstyle.mspa_legend(codes, palette)
        return palette, legend
    explicit = {int(k): (v if isinstance(v, str) else webstyle.to_hex(v)) for k, v in (given or {}).items()}
    hidden = {int(c) for c in style["hide"]}
    hexes = webstyle.category_colors([c for c in codes if c not in hidden], explicit, cmap="tab20")
    palette = {int(k): _hex_to_rgb(v) for k, v in hexes.items() if k is not None and int(k) not in hidden}
    legend = [(names.get(c, str(c)), hexes[c]) for c in codes if c in palette]
    return palette, legend


@dataclass
class _Layer:
    name: str
    type: str  # "raster" | "vector"
    layer: Any
    data: Any
    style: dict
    bounds: tuple
    legend: list = field(default_factory=list)  # [(label, colour)] or [] for continuous
    colorbar: tuple | None = None  # (cmap, vmin, vmax, units)
    visible_box: Any = None
    opacity_slider: Any = None
    row: Any = None
    wgs84: Any = None  # vector data in EPSG:4326 (click lookup)


class LayerMap(ipw.VBox):
    """An ipyleaflet map of rasters and vectors with layer control, opacity, legend and click values.

    Parameters
    ----------
    basemap : bool
        Show the OpenStreetMap base layer (needs internet in the browser).
    height_px, width_px : int
        Map size used for the initial view (the zoom that fits the layers).
    max_size : int or None
        Rasters larger than this many cells a side are decimated (every k-th cell) for display.

    Attributes
    ----------
    map : ipyleaflet.Map
    info : ipywidgets.HTML
        Values at the last clicked point.
    legend : ipywidgets.HTML
        Legend of the visible layers (also shown on the map).
    last_inspect : dict
        Values found at the last clicked point.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.arange(16.0).reshape(4, 4), dims=("y", "x"), name="r",
    ...                   coords={"y": 2.5e6 - 15 - 30 * np.arange(4), "x": 6e5 + 15 + 30 * np.arange(4)}
    ...                   ).rio.write_crs("EPSG:32650")
    >>> m = LayerMap(basemap=False)
    >>> m.add_raster("resistance", da)
    >>> m.layer_state()["resistance"]["type"]
    'raster'
    """

    def __init__(self, *, basemap: bool = True, height_px: int = 500, width_px: int = 800, max_size: int | None = 2048):
        self.height_px, self.width_px, self.max_size = int(height_px), int(width_px), max_size
        self.map = ipyleaflet.Map(scroll_wheel_zoom=True, layout=ipw.Layout(height=f"{self.height_px}px"))
        if not basemap:
            for layer in list(self.map.layers):
                self.map.remove(layer)
        self.map.add(ipyleaflet.LayersControl(position="topright"))
        self.legend = ipw.HTML()
        self._legend_control = ipyleaflet.WidgetControl(widget=self.legend, position="bottomright")
        self.map.add(self._legend_control)
        self.info = ipw.HTML("<i>Click the map to read the layer values.</i>")
        self.controls = ipw.VBox()
        self.last_inspect: dict = {}
        self._layers: dict[str, _Layer] = {}
        self.map.on_interaction(self._on_interaction)
        super().__init__([self.map, ipw.HBox([self.controls, self.info])])

    # ------------------------------------------------------------------ public API
    @property
    def names(self) -> list[str]:
        """Layer names in drawing order."""
        return list(self._layers)

    def layer(self, name: str):
        """The ipyleaflet layer object of ``name``."""
        return self._get(name).layer

    def add_raster(
        self,
        name: str,
        da: xr.DataArray,
        *,
        kind: str = "continuous",
        palette: Mapping[int, tuple[int, int, int] | str] | None = None,
        cmap: str = "viridis",
        vmin: float | None = None,
        vmax: float | None = None,
        opacity: float = 0.8,
        hide: Iterable[int] = (),
        fit: bool = True,
    ) -> None:
        """Add a raster as an image overlay.

        Parameters
        ----------
        name : str
            Layer name (unique; shown in the layer control).
        da : DataArray
            2-D raster with a CRS.
        kind : {"mspa", "continuous", "categorical"}
            ``"mspa"``: GuidosToolbox palette (default) and class names; ``"categorical"``: one colour
            per code (``palette`` or tab20); ``"continuous"``: ``cmap`` between ``vmin`` and ``vmax``
            (default 2nd/98th percentiles, kept fixed on updates only when given).
        opacity : float
            Layer opacity in [0, 1] (also adjustable with the layer's slider).
        hide : iterable of int
            Class codes drawn transparent (e.g. 0 = "no source"); ignored for continuous rasters.
        fit : bool
            Re-centre and zoom the map to all layers.
        """
        kind = self._check_new(name, kind)
        if not isinstance(da, xr.DataArray):
            raise TypeError(f"da must be an xarray.DataArray, not {type(da).__name__}")
        style = {"kind": kind, "palette": palette, "cmap": cmap, "vmin": vmin, "vmax": vmax, "hide": set(hide)}
        img, legend, colorbar = self._render(da, style)
        overlay = ipyleaflet.ImageOverlay(url=img.url, bounds=[list(b) for b in img.bounds], name=name)
        overlay.opacity = float(self._check_opacity(opacity))
        entry = _Layer(name, "raster", overlay, da, style, img.bounds, legend, colorbar)
        self._attach(entry, fit)

    def update_raster(self, name: str, da: xr.DataArray) -> None:
        """Replace the data of a raster layer in place (same overlay object, new ``url``/``bounds``)."""
        entry = self._get(name, "raster")
        if not isinstance(da, xr.DataArray):
            raise TypeError(f"da must be an xarray.DataArray, not {type(da).__name__}")
        img, legend, colorbar = self._render(da, entry.style)
        entry.layer.url = img.url
        entry.layer.bounds = [list(b) for b in img.bounds]
        entry.data, entry.bounds, entry.legend, entry.colorbar = da, img.bounds, legend, colorbar
        self._refresh_legend()

    def add_vector(
        self,
        name: str,
        gdf,
        *,
        style_by: str | None = None,
        colors: Mapping[Any, str] | None = None,
        color: str = "#3388ff",
        weight: float = 2.0,
        opacity: float = 0.9,
        fill_opacity: float = 0.4,
        point_radius: float = 5.0,
        properties: list[str] | None = None,
        fit: bool = True,
    ) -> None:
        """Add a GeoDataFrame as a GeoJSON layer, coloured by the classes of ``style_by``.

        Parameters
        ----------
        style_by : str, optional
            Class column (e.g. ``importance`` of sources, ``corridor_class`` of corridors).
        colors : dict, optional
            Colour per class value; other values take tab10 colours. Defaults to
            :data:`ecnet_lab.webstyle.IMPORTANCE_COLORS` (key / important / general).
        color : str
            Colour of all features when ``style_by`` is not given.
        properties : list of str, optional
            Columns kept in the GeoJSON (shown on click); default all.
        """
        self._check_new(name, None)
        style = {
            "style_by": style_by,
            "colors": dict(webstyle.IMPORTANCE_COLORS if colors is None else colors),
            "color": color,
            "weight": float(weight),
            "fill_ratio": float(fill_opacity) / max(float(opacity), 1e-9),
            "properties": properties,
        }
        self._check_opacity(opacity)
        self._check_opacity(fill_opacity)
        data, legend, wgs, bounds = self._vector_data(gdf, style, opacity)
        layer = ipyleaflet.GeoJSON(
            data=data,
            name=name,
            point_style={"radius": float(point_radius), "weight": 1},
            hover_style={"weight": float(weight) + 2},
        )
        layer.on_click(lambda **kw: self._show_feature(name, kw))
        entry = _Layer(name, "vector", layer, gdf, style, bounds, legend, None, wgs84=wgs)
        entry.style["opacity"] = float(opacity)
        self._attach(entry, fit)

    def update_vector(self, name: str, gdf) -> None:
        """Replace the features of a vector layer in place (same GeoJSON object, new ``data``)."""
        entry = self._get(name, "vector")
        data, legend, wgs, bounds = self._vector_data(gdf, entry.style, entry.style["opacity"])
        entry.layer.data = data
        entry.data, entry.legend, entry.wgs84, entry.bounds = gdf, legend, wgs, bounds
        self._refresh_legend()

    def show(self, name: str, data, **style) -> None:
        """Add ``data`` as layer ``name`` or, if it exists, update it in place (style arguments apply when adding).

        A DataArray becomes a raster layer, a GeoDataFrame a vector layer. This is the one call a
        study observer makes after each run.
        """
        if name in self._layers:
            if self._layers[name].type == "raster":
                self.update_raster(name, data)
            else:
                self.update_vector(name, data)
        elif isinstance(data, xr.DataArray):
            self.add_raster(name, data, **style)
        else:
            self.add_vector(name, data, **style)

    def remove(self, name: str) -> None:
        """Remove a layer, its controls and its legend entries."""
        entry = self._get(name)
        self.map.remove(entry.layer)
        self.controls.children = tuple(c for c in self.controls.children if c is not entry.row)
        del self._layers[name]
        self._refresh_legend()

    def set_opacity(self, name: str, opacity: float) -> None:
        """Set a layer's opacity (what its slider does)."""
        self._get(name).opacity_slider.value = float(self._check_opacity(opacity))

    def set_visible(self, name: str, visible: bool) -> None:
        """Show or hide a layer (what its checkbox does)."""
        self._get(name).visible_box.value = bool(visible)

    def fit(self) -> None:
        """Centre and zoom the map on all layers."""
        boxes = [e.bounds for e in self._layers.values() if e.bounds is not None]
        if boxes:
            centre, zoom = webstyle.map_view(
                webstyle.union_bounds(boxes),
                width_px=self.width_px,
                height_px=self.height_px,
            )
            self.map.center = list(centre)
            self.map.zoom = zoom

    def inspect(self, lat: float, lon: float) -> dict[str, Any]:
        """Values of every raster layer at a WGS84 point (``None`` outside), and polygon attributes.

        Categorical rasters give ``"code (class name)"`` when a class name is known; vector layers give
        the properties of the first polygon containing the point.
        """
        from shapely.geometry import Point

        out: dict[str, Any] = {}
        for name, entry in self._layers.items():
            if entry.type == "raster":
                value = webstyle.value_at(entry.data, lat, lon)
                if value is not None and entry.style["kind"] != "continuous":
                    names = _flag_names(entry.data) or (
                        webstyle.MSPA_CLASS_NAMES if entry.style["kind"] == "mspa" else {}
                    )
                    label = names.get(int(value))
                    value = f"{int(value)} ({label})" if label else int(value)
                out[name] = value
            elif entry.wgs84 is not None and len(entry.wgs84):
                pt = Point(float(lon), float(lat))
                polys = entry.wgs84[entry.wgs84.geom_type.isin(["Polygon", "MultiPolygon"])]
                hit = polys[polys.contains(pt)]
                if len(hit):
                    row = hit.iloc[0]
                    out[name] = {k: row[k] for k in hit.columns if k != hit.geometry.name}
        return out

    def layer_state(self) -> dict[str, dict]:
        """Layer name -> ``type``, ``kind``, ``bounds``, ``opacity``, ``visible``, ``n_features`` (for tests)."""
        state = {}
        for name, e in self._layers.items():
            row = {
                "type": e.type,
                "bounds": e.bounds,
                "opacity": float(e.opacity_slider.value),
                "visible": bool(e.layer.visible),
                "on_map": e.layer in self.map.layers,
            }
            if e.type == "raster":
                row["kind"] = e.style["kind"]
                row["url_length"] = len(e.layer.url)
            else:
                row["n_features"] = len(e.layer.data.get("features", []))
            state[name] = row
        return state

    def close(self) -> None:
        """Close the map, its layers and controls."""
        for entry in getattr(self, "_layers", {}).values():
            for widget in (entry.layer, entry.visible_box, entry.opacity_slider, entry.row):
                if widget is not None:
                    widget.close()
        for widget in ("map", "legend", "info", "controls"):
            if getattr(self, widget, None) is not None:
                getattr(self, widget).close()
        super().close()

    # ------------------------------------------------------------------ rendering
    def _render(self, da: xr.DataArray, style: dict):
        """PNG overlay, legend entries, colour bar and palette of a raster (palette fixed on the full data)."""
        shown = _decimate(da, self.max_size)
        if style["kind"] == "continuous":
            img = webmap.raster_to_png(shown, cmap=style["cmap"], vmin=style["vmin"], vmax=style["vmax"])
            colorbar = (style["cmap"], img.vmin, img.vmax, str(da.attrs.get("units", "")))
            style["_palette"] = None
            return img, [], colorbar
        palette, legend = _palette_and_legend(da, style)
        style["_palette"] = palette
        return webmap.raster_to_png(shown, palette=palette), legend, None

    def _vector_data(self, gdf, style: dict, opacity: float):
        import geopandas as gpd

        if not isinstance(gdf, gpd.GeoDataFrame):
            raise TypeError(f"gdf must be a geopandas GeoDataFrame, not {type(gdf).__name__}")
        by = style["style_by"]
        if by is not None and by not in gdf.columns:
            raise ValueError(f"style_by={by!r} is not a column; available: {list(gdf.columns)!r}")
        props = style["properties"]
        if props is not None and by is not None and by not in props:
            props = [*props, by]
        fc = webmap.geojson(gdf, properties=props)
        base = {"weight": style["weight"], "opacity": opacity, "fillOpacity": min(1.0, opacity * style["fill_ratio"])}
        if by is None:
            colors, legend = {}, []
            data = webstyle.styled_features(fc, base=base, default_color=style["color"])
        else:
            values = [f["properties"].get(by) for f in fc["features"]]
            colors = webstyle.category_colors(values, style["colors"])
            legend = [(str(k), v) for k, v in colors.items() if k is not None]
            data = webstyle.styled_features(fc, column=by, colors=colors, base=base, default_color=style["color"])
        wgs = gdf.to_crs("EPSG:4326") if len(gdf) else gdf
        bounds = None  # an empty layer has no extent
        if len(gdf) and not gdf.geometry.is_empty.all():
            w, s, e, n = (float(v) for v in wgs.total_bounds)
            bounds = ((s, w), (n, e))
        return data, legend, wgs, bounds

    # ------------------------------------------------------------------ internals
    def _check_new(self, name: str, kind: str | None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name={name!r} must be a non-empty string")
        if name in self._layers:
            raise ValueError(f"a layer named {name!r} exists; use update_raster/update_vector or remove it first")
        if kind is not None and kind not in RASTER_KINDS:
            raise ValueError(f"kind={kind!r} is not allowed; allowed: {list(RASTER_KINDS)!r}")
        return kind

    @staticmethod
    def _check_opacity(opacity: float) -> float:
        if not 0.0 <= float(opacity) <= 1.0:
            raise ValueError(f"opacity={opacity!r} must lie in [0, 1]")
        return float(opacity)

    def _get(self, name: str, type_: str | None = None) -> _Layer:
        if name not in self._layers:
            raise KeyError(f"no layer named {name!r}; layers: {list(self._layers)!r}")
        entry = self._layers[name]
        if type_ is not None and entry.type != type_:
            raise ValueError(f"layer {name!r} is a {entry.type} layer, not a {type_} layer")
        return entry

    def _attach(self, entry: _Layer, fit: bool) -> None:
        opacity = entry.layer.opacity if entry.type == "raster" else entry.style["opacity"]
        entry.visible_box = ipw.Checkbox(value=True, description=entry.name, indent=False)
        entry.opacity_slider = ipw.FloatSlider(
            value=opacity, min=0.0, max=1.0, step=0.05, description="opacity", readout_format=".2f"
        )
        entry.visible_box.observe(lambda ch, e=entry: self._on_visible(e, ch["new"]), names="value")
        entry.opacity_slider.observe(lambda ch, e=entry: self._on_opacity(e, ch["new"]), names="value")
        entry.row = ipw.HBox([entry.visible_box, entry.opacity_slider])
        self.map.add(entry.layer)
        self._layers[entry.name] = entry
        self.controls.children = (*self.controls.children, entry.row)
        self._refresh_legend()
        if fit:
            self.fit()

    def _on_visible(self, entry: _Layer, visible: bool) -> None:
        entry.layer.visible = bool(visible)
        self._refresh_legend()

    def _on_opacity(self, entry: _Layer, opacity: float) -> None:
        if entry.type == "raster":
            entry.layer.opacity = float(opacity)
        else:
            entry.style["opacity"] = float(opacity)
            entry.layer.style = {
                "opacity": float(opacity),
                "fillOpacity": min(1.0, float(opacity) * entry.style["fill_ratio"]),
            }

    def _refresh_legend(self) -> None:
        parts = []
        for e in self._layers.values():
            if not e.layer.visible:
                continue
            parts.append(f"<div style='margin-top:4px'><b>{html.escape(e.name)}</b></div>")
            if e.colorbar is not None:
                cmap, lo, hi, units = e.colorbar
                stops = webstyle.continuous_stops(cmap, lo, hi, n=7)
                grad = ", ".join(c for _, c in stops)
                parts.append(
                    f"<div style='width:140px;height:10px;background:linear-gradient(to right, {grad})'></div>"
                    f"<div style='display:flex;justify-content:space-between;width:140px;font-size:10px'>"
                    f"<span>{lo:.3g}</span><span>{html.escape(units)}</span><span>{hi:.3g}</span></div>"
                )
            for label, colour in e.legend:
                parts.append(
                    f"<div style='font-size:11px'><span style='display:inline-block;width:12px;height:12px;"
                    f"background:{colour};margin-right:4px;vertical-align:middle'></span>{html.escape(label)}</div>"
                )
        self.legend.value = (
            "<div style='background:rgba(255,255,255,0.85);padding:4px'>" + "".join(parts) + "</div>" if parts else ""
        )

    def _on_interaction(self, **kwargs) -> None:
        if kwargs.get("type") != "click":
            return
        lat, lon = kwargs["coordinates"]
        self.last_inspect = self.inspect(lat, lon)
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(self._fmt(v))}</td></tr>"
            for k, v in self.last_inspect.items()
        )
        self.info.value = f"<b>{lat:.5f}, {lon:.5f}</b><table>{rows}</table>"

    @staticmethod
    def _fmt(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in list(value.items())[:6])
        return str(value)

    def _show_feature(self, name: str, kwargs: dict) -> None:
        props = {k: v for k, v in (kwargs.get("properties") or {}).items() if k != "style"}
        self.last_inspect = {name: props}
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in props.items()
        )
        self.info.value = f"<b>{html.escape(name)}</b><table>{rows}</table>"

    # ------------------------------------------------------------------ static rendering
    def static_figure(self, *, figsize: tuple[float, float] = (7.0, 7.0), max_size: int = 800):
        """The visible layers drawn with matplotlib in the first layer's CRS (for static reports).

        Rasters are decimated to at most ``max_size`` cells a side; vectors keep their class colours.
        """
        from matplotlib.colors import Normalize
        from matplotlib.patches import Patch
        from PIL import Image

        fig = new_figure(figsize, layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
        visible = [e for e in self._layers.values() if e.layer.visible]
        crs = None
        for e in visible:
            crs = e.data.rio.crs if e.type == "raster" else e.data.crs
            if crs is not None:
                break
        handles = []
        for e in visible:
            alpha = float(e.opacity_slider.value)
            if e.type == "raster":
                da = _decimate(e.data, max_size)
                if crs is not None and da.rio.crs != crs:
                    da = da.rio.reproject(crs)
                style = dict(e.style)
                if style["kind"] == "continuous" and e.colorbar is not None:
                    style["vmin"], style["vmax"] = e.colorbar[1], e.colorbar[2]
                img = self._render_native(da, style)
                rgba = np.asarray(Image.open(io.BytesIO(img.png)))
                left, bottom, right, top = da.rio.bounds()
                ax.imshow(rgba, extent=(left, right, bottom, top), alpha=alpha, interpolation="nearest")
                if e.colorbar is not None:
                    import matplotlib

                    cmap, lo, hi, units = e.colorbar
                    sm = matplotlib.cm.ScalarMappable(norm=Normalize(lo, hi), cmap=cmap)
                    fig.colorbar(
                        sm,
                        ax=ax,
                        orientation="horizontal",
                        location="bottom",
                        shrink=0.6,
                        pad=0.08,
                        label=f"{e.name} ({units})" if units else e.name,
                    )
            else:
                gdf = e.data.to_crs(crs) if crs is not None and e.data.crs is not None else e.data
                if len(gdf):
                    colours = [f["properties"]["style"]["color"] for f in e.layer.data.get("features", [])] or e.style[
                        "color"
                    ]
                    kinds = set(gdf.geom_type)
                    if kinds <= {"Point", "MultiPoint"}:
                        gdf.plot(ax=ax, color=colours, markersize=25, alpha=alpha, edgecolor="k", linewidth=0.5)
                    elif kinds <= {"LineString", "MultiLineString"}:
                        gdf.plot(ax=ax, color=colours, linewidth=e.style["weight"], alpha=alpha)
                    else:
                        gdf.plot(
                            ax=ax,
                            facecolor=colours,
                            edgecolor=colours,
                            alpha=min(1.0, alpha * e.style["fill_ratio"]),
                            linewidth=0.6,
                        )
            for label, colour in e.legend:
                handles.append(Patch(facecolor=colour, edgecolor="none", label=f"{e.name}: {label}"))
        if handles:
            fig.legend(handles=handles, fontsize=7, loc="outside right upper", frameon=False)
        ax.set_aspect("equal")
        ax.ticklabel_format(style="plain", useOffset=False)
        ax.tick_params(labelsize=7)
        crs_text = f" ({crs.to_string()})" if crs is not None else ""
        ax.set_xlabel(f"x{crs_text}", fontsize=8)
        ax.set_ylabel(f"y{crs_text}", fontsize=8)
        return fig

    @staticmethod
    def _render_native(da: xr.DataArray, style: dict):
        if style["kind"] == "continuous":
            return webmap.raster_to_png(da, cmap=style["cmap"], vmin=style["vmin"], vmax=style["vmax"], reproject=False)
        return webmap.raster_to_png(da, palette=style["_palette"], reproject=False)
