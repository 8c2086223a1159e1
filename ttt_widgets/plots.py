"""matplotlib figures shared by views and reports: a colour-blind-safe palette, PNG rendering, alt text.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend switch), so they
work the same in JupyterLab, Voila, nbclient and reports. Views show them with :func:`figure_html`, an ``<img>``
with alt text, inside an ``ipywidgets.HTML``. matplotlib is imported only when a figure is first drawn.

Counts shown to a room are drawn as HTML bars instead (:func:`bars_html`): their labels and numbers are text, so
they grow with the page's type (``?large``) and read from the back row, and counts are whole numbers by design.

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

__all__ = ["PALETTE", "NAMED", "HATCHES", "new_figure", "fixed_margins", "figure_png", "figure_html", "save_figure",
           "bars_html"]

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


def bars_html(title: str, names: list[str], values: list, note: str | None = None, *,
              legend: list[str] | None = None, per_row: bool = False, empty: str | None = None,
              one_colour: bool = False) -> str:
    """Horizontal bars as HTML: labels and counts are text (they grow with the page's type, ?large included), each
    bar a coloured box whose width is its share of the largest count; a summary line for screen readers.

    A value may be a list (stacked segments, coloured in palette order and named by ``legend``); with ``per_row``
    each bar fills the row (shares of that row's total, e.g. ratings of one question) and the count reads "n = ...".
    ``note`` is shown above the bars, which are left out when everything is zero; ``empty`` is the sentence shown
    when every count is zero (what to do to fill the chart). ``one_colour`` draws every bar alike (the bands of one
    measure, as in a histogram) instead of one colour per answer.

    >>> bars_html("Ready?", ["yes", "no"], [3, 1]).count("ttt-bar-row")
    2
    """
    from .live._safe import text_html

    def esc(text) -> str:
        return html.escape(str(text), quote=True)

    stacks = [list(v) if isinstance(v, (list, tuple)) else [v] for v in values]
    totals = [sum(stack) for stack in stacks]
    top = max([*totals, 0])
    rows = []
    for i, (name, stack, total) in enumerate(zip(names, stacks, totals)):
        scale = (total if per_row else top) or 1
        parts = []
        for k, value in enumerate(stack):
            if value <= 0 and len(stack) > 1:
                continue
            width = 0.0 if value <= 0 else max(0.5, 100 * value / scale)
            colour = PALETTE[(k if len(stack) > 1 else 0 if one_colour else i) % len(PALETTE)]
            what = f" title='{esc(legend[k])}: {value:g}'" if legend and len(stack) > 1 else ""
            parts.append(f"<span class='ttt-bar'{what} style='display:block;height:100%;width:{width:.1f}%;"
                         f"background:{colour};flex:none'></span>")
        count = f"n = {total:g}" if per_row else f"{total:g}"
        rows.append(
            "<div class='ttt-bar-row' style='display:grid;grid-template-columns:minmax(6em,30%) 1fr 4.5em;gap:0.5em;"
            "align-items:center;margin:0.2em 0'>"
            f"{text_html(name, 'span', 'text-align:right')}"
            "<span style='background:#eef0f2;border-radius:3px;height:1.4em;display:flex;overflow:hidden'>"
            f"{''.join(parts)}</span>"
            f"<span class='ttt-bar-count' style='font-weight:700'>{count}</span></div>")
    key = ""
    if legend and any(len(stack) > 1 for stack in stacks):
        key = ("<div class='ttt-bar-legend' style='margin:0.3em 0 0 calc(min(30%, 100%) + 0.5em)'>" + "".join(
            f"<span style='display:inline-block;margin-right:1em'><span style='display:inline-block;width:0.9em;"
            f"height:0.9em;background:{PALETTE[k % len(PALETTE)]};vertical-align:-0.1em;margin-right:0.3em'></span>"
            f"{esc(label)}</span>" for k, label in enumerate(legend)) + "</div>")
    parts_text = [f"{n}: " + ("/".join(f"{v:g}" for v in stack) if len(stack) > 1 else f"{stack[0]:g}")
                  for n, stack in zip(names, stacks)]
    summary = f"{title}: " + ", ".join(parts_text)
    nothing = not any(totals)
    body = "" if nothing and (note or empty) else "".join(rows) + key
    said = note or (empty if nothing else None)
    lead = f"<div style='font-style:italic;margin:0.3em 0'>{esc(said)}</div>" if said else ""
    return (f"<div class='ttt-bars' role='figure' aria-label='{esc(summary)}' data-summary='{esc(summary)}'>"
            f"{lead}{body}</div>")
