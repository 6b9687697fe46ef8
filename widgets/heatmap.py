"""CorrelationHeatmap: Spearman r with significance stars between indicators and topology metrics.

The matrix comes from :func:`ecnet_lab.stats.spearman_matrix` (pairwise-complete rows, two-sided
p-values); cells show ``r`` and ``*`` p < 0.05, ``**`` p < 0.01, ``***`` p < 0.001 (Wuhan Figures
10 and 11). A dropdown picks the group (year) and two multi-selects pick the variables.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as ipw
import numpy as np
import pandas as pd

from ecnet_lab import stats

from ._render import figure_to_png, message_png, new_figure

__all__ = ["CorrelationHeatmap", "draw_heatmap"]

ALL_GROUPS = "all"


def draw_heatmap(ax, matrix: stats.CorrelationMatrix, *, cmap: str = "RdBu_r", title: str | None = None, fontsize=8):
    """Draw an r matrix on a matplotlib Axes with ``r`` and stars in each cell; returns the image."""
    r = matrix.r
    stars = stats.significance_stars(matrix.p)
    im = ax.imshow(r.to_numpy(float), cmap=cmap, vmin=-1.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(r.shape[1]), [str(c) for c in r.columns], rotation=40, ha="right", fontsize=fontsize)
    ax.set_yticks(range(r.shape[0]), [str(i) for i in r.index], fontsize=fontsize)
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            v = r.iat[i, j]
            text = "n/a" if not np.isfinite(v) else f"{v:.2f}{stars.iat[i, j]}"
            colour = "white" if np.isfinite(v) and abs(v) > 0.6 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize, color=colour)
    if title:
        ax.set_title(title, fontsize=fontsize + 1)
    return im


class CorrelationHeatmap(ipw.VBox):
    """Heatmap of Spearman r (with stars) between ``x_vars`` and ``y_vars``, per group, with selectors.

    Parameters
    ----------
    data : DataFrame
        One row per observation (e.g. a patch or node in one year), a group column and numeric columns.
    x_vars : sequence of str
        Row variables (e.g. ecosystem-service or process indicators).
    y_vars : sequence of str
        Column variables (e.g. degree, betweenness, closeness, clustering).
    by : str or None
        Group column (``year``); ``None`` correlates the whole table.
    group : optional
        Initial group (default the first); ``"all"`` pools every group.

    Attributes
    ----------
    matrix : ecnet_lab.stats.CorrelationMatrix or None
        ``(r, p, n)`` of the current selection (None when no variable is selected).
    image : ipywidgets.Image
        The heatmap PNG.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": [2000] * 4, "WC": [1, 2, 3, 4], "degree": [1, 3, 2, 5]})
    >>> h = CorrelationHeatmap(d, ["WC"], ["degree"])
    >>> round(float(h.matrix.r.iloc[0, 0]), 2)
    0.8
    """

    def __init__(
        self,
        data: pd.DataFrame,
        x_vars: Sequence[str],
        y_vars: Sequence[str],
        *,
        by: str | None = "year",
        group=None,
        cmap: str = "RdBu_r",
        title: str | None = None,
        figsize: tuple[float, float] | None = None,
    ):
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
        self.x_vars = [x_vars] if isinstance(x_vars, str) else list(x_vars)
        self.y_vars = [y_vars] if isinstance(y_vars, str) else list(y_vars)
        stats.spearman_matrix(data.iloc[:0], self.x_vars, self.y_vars)  # validates names and dtypes early
        if by is not None and by not in data.columns:
            raise ValueError(f"by={by!r} is not a column; available: {list(data.columns)!r}")
        self.data = data
        self.by = by
        self.cmap = cmap
        self.title = title
        self.figsize = figsize
        self.matrix: stats.CorrelationMatrix | None = None
        groups = [] if by is None else sorted(pd.unique(data[by].dropna()).tolist())
        options = [*groups, ALL_GROUPS] if groups else [ALL_GROUPS]
        if group is None:
            group = options[0]
        if group not in options:
            raise ValueError(f"group={group!r} is not a value of {by!r}; allowed: {options!r}")
        self.group_selector = ipw.Dropdown(options=options, value=group, description=by or "group")
        self.x_selector = ipw.SelectMultiple(options=self.x_vars, value=tuple(self.x_vars), description="rows", rows=6)
        self.y_selector = ipw.SelectMultiple(
            options=self.y_vars, value=tuple(self.y_vars), description="columns", rows=6
        )
        for w in (self.group_selector, self.x_selector, self.y_selector):
            w.observe(lambda _: self.refresh(), names="value")
        self.image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        self.caption = ipw.HTML()
        selectors = ipw.HBox([self.group_selector, self.x_selector, self.y_selector])
        super().__init__([selectors, self.image, self.caption])
        self.refresh()

    @property
    def group(self):
        """The selected group (``"all"`` pools every group)."""
        return self.group_selector.value

    def subset(self, group=None) -> pd.DataFrame:
        """Rows of one group (default the selected one)."""
        group = self.group if group is None else group
        if self.by is None or group == ALL_GROUPS:
            return self.data
        return self.data[self.data[self.by] == group]

    def refresh(self) -> None:
        """Recompute the matrix of the current selection and redraw."""
        xs, ys = list(self.x_selector.value), list(self.y_selector.value)
        if not xs or not ys:
            self.matrix = None
            self.image.value = message_png("Select at least one row and one column variable.")
            self.caption.value = ""
            return
        self.matrix = stats.spearman_matrix(self.subset(), xs, ys)
        self.image.value = figure_to_png(self.static_figure())
        n = self.matrix.n.to_numpy()
        self.caption.value = (
            f"Spearman r, {self.by or 'all'} = {self.group}; n = {n.min()}–{n.max()} pairwise complete; "
            "* p &lt; 0.05, ** p &lt; 0.01, *** p &lt; 0.001"
        )

    def table(self) -> pd.DataFrame:
        """Tidy table (group, x, y, r, p, n, stars) of the selected variables over every group."""
        return stats.correlation_table(self.data, list(self.x_selector.value), list(self.y_selector.value), by=self.by)

    def static_figure(self, *, all_groups: bool = False):
        """The heatmap as a matplotlib Figure; ``all_groups=True`` draws one panel per group side by side."""
        xs, ys = list(self.x_selector.value), list(self.y_selector.value)
        if not xs or not ys:
            raise ValueError("no variables selected; select at least one row and one column variable")
        if all_groups and self.by is not None:
            groups = [g for g in self.group_selector.options if g != ALL_GROUPS]
        else:
            groups = [self.group]
        w = max(3.0, 0.9 * len(ys) + 1.8)
        h = max(2.2, 0.45 * len(xs) + 1.4)
        fig = new_figure(self.figsize or (w * len(groups) + 0.8, h), layout="constrained")
        axes = fig.subplots(1, len(groups), squeeze=False)[0]
        im = None
        for ax, g in zip(axes, groups, strict=True):
            m = self.matrix if (g == self.group and self.matrix is not None) else None
            if m is None or list(m.r.index) != xs or list(m.r.columns) != ys:
                m = stats.spearman_matrix(self.subset(g), xs, ys)
            label = g if self.by is None or g == ALL_GROUPS else f"{self.by} {g}"
            im = draw_heatmap(ax, m, cmap=self.cmap, title=str(label))
        fig.colorbar(im, ax=list(axes), shrink=0.85, label="Spearman r")
        if self.title:
            fig.suptitle(self.title)
        return fig
