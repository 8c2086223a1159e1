"""matplotlib figures shared by views and reports: a colour-blind-safe palette, PNG rendering, alt text.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend switch), so they
work the same in JupyterLab, Voila, nbclient and reports. Views show them with :func:`figure_html`, an ``<img>``
with alt text, inside an ``ipywidgets.HTML``. matplotlib is imported only when a figure is first drawn.

>>> from ttt_widgets.plots import new_figure, figure_html
>>> fig, ax = new_figure()
>>> _ = ax.bar(["a", "b"], [1, 2], color=PALETTE[:2])
>>> figure_html(fig, "Two bars").startswith("<img")
True
"""

from __future__ import annotations

import base64
import html
import io

__all__ = ["PALETTE", "NAMED", "HATCHES", "new_figure", "fixed_margins", "figure_png", "figure_html", "save_figure"]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NAMED = dict(zip(["blue", "orange", "green", "purple", "sky", "vermillion", "yellow", "black"], PALETTE))
#: hatches to pair with colours, so colour is never the only signal
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]


def new_figure(width: float = 6.4, height: float = 3.6, nrows: int = 1, ncols: int = 1):
    """A new figure and its axes, not attached to pyplot (no global state, no memory kept after use)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def fixed_margins(fig, left: float, bottom: float, right: float = 0.97, top: float = 0.95, hspace: float = 0.0) -> None:
    """Place the axes (stacked vertically) at fixed margins instead of running constrained layout at each redraw.

    Views that redraw on every slider move use it: the layout engine is the slowest part of a small figure.
    """
    fig.set_layout_engine("none")
    axes = fig.axes
    n = len(axes)
    gap = hspace * (top - bottom) / max(n, 1)
    h = (top - bottom - gap * (n - 1)) / n
    for i, ax in enumerate(axes):
        ax.set_position([left, top - (i + 1) * h - i * gap, right - left, h])


def figure_png(fig, dpi: int = 96) -> bytes:
    """Render a figure to PNG bytes (with the Agg canvas; no backend is switched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def figure_html(fig, alt: str, dpi: int = 96) -> str:
    """An ``<img>`` tag with the figure inline and escaped alt text, for an ``ipywidgets.HTML``.

    The image carries its width at 96 dpi as ``--ttt-fig-w``, so a dashboard's large type (``?large``) can scale
    figures up with the text instead of leaving their labels small on a projector.
    """
    data = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    alt_text = html.escape(alt, quote=True)
    width = round(fig.get_figwidth() * 96)
    return (f'<img class="ttt-figure" src="data:image/png;base64,{data}" alt="{alt_text}" title="{alt_text}" '
            f'style="--ttt-fig-w:{width}px;width:var(--ttt-fig-w);max-width:100%;height:auto">')


def save_figure(fig, path, dpi: int = 120) -> None:
    """Save a figure to a file (reports)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=dpi)
