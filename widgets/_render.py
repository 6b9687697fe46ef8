"""Matplotlib figures rendered off-screen (Agg) to PNG bytes for ``ipywidgets.Image``.

Figures are built with :class:`matplotlib.figure.Figure` directly (not pyplot), so they can be
drawn from a worker thread and are never shown twice by the notebook's inline backend.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


class ReportFigure(Figure):
    """A Figure that shows itself as a PNG in Jupyter/papermill even when pyplot was never imported."""

    def _repr_png_(self) -> bytes:
        return figure_to_png(self)


def new_figure(figsize: tuple[float, float], **kwargs) -> ReportFigure:
    """A pyplot-free Figure attached to an Agg canvas."""
    fig = ReportFigure(figsize=figsize, **kwargs)
    FigureCanvasAgg(fig)
    return fig


def figure_to_png(fig: Figure, *, dpi: int = 96) -> bytes:
    """PNG bytes of a figure (its layout engine places the labels; no second draw for a tight box)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def message_png(text: str, *, figsize: tuple[float, float] = (5.0, 1.0)) -> bytes:
    """A small PNG showing a message (empty selections, errors)."""
    fig = new_figure(figsize)
    fig.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return figure_to_png(fig)
