"""matplotlib figures shared by views and reports: a colour-blind-safe palette, PNG rendering, alt text.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend switch), so they
work the same in JupyterLab, Voila, nbclient and reports. Views show them with :func:`figure_html`, an ``<img>``
with alt text, inside an ``ipywidgets.HTML``. matplotlib is imported only when a figure is first drawn.

Charts shown to a room are HTML instead, so their labels, numbers and axes are text that grows with the page's type
(``?large``) and reads from the back row: :func:`bars_html` for counts of answers (one bar per answer), and
:func:`rows_chart_html` for rows measured on one or more axes (bars of counts or shares, points with their interval).
Axes of counts tick at whole numbers (:func:`nice_ticks`); every name is escaped and left alone by MathJax; each
chart carries a summary for screen readers, and says what to do when it has nothing to show.

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
import math
from dataclasses import dataclass
from typing import Sequence

__all__ = ["PALETTE", "NAMED", "HATCHES", "new_figure", "fixed_margins", "figure_png", "figure_html", "save_figure",
           "bars_html", "nice_ticks", "ChartColumn", "rows_chart_html"]

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


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _swatch(colour: str) -> str:
    """A small square of a colour, for a legend or a column's title."""
    return (f"<span style='display:inline-block;width:0.9em;height:0.9em;background:{colour};vertical-align:-0.1em;"
            "margin-right:0.3em;flex:none'></span>")


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

    esc = _esc
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
            f"<span style='display:inline-block;margin-right:1em'>{_swatch(PALETTE[k % len(PALETTE)])}"
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


# -- rows measured on axes, as HTML ---------------------------------------------------------------------------------
#: an element only screen readers read (the table behind a chart)
_SR_ONLY = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);"
            "white-space:nowrap;border:0")
_INK = "#1a1a1a"
_TRACK = "#e9edf1"
_MINUS = "\u2212"
_KINDS = ("count", "share", "interval")


def nice_ticks(low: float, high: float, *, integer: bool = False, most: int = 5) -> list:
    """Round axis ticks that cover ``low`` to ``high``: steps of 1, 2, 2.5 or 5 times a power of ten, the smallest
    step that needs at most ``most`` ticks. With ``integer`` (an axis of counts) every tick is a whole number.

    >>> nice_ticks(0, 10080, integer=True)
    [0, 5000, 10000, 15000]
    >>> nice_ticks(0, 3, integer=True)
    [0, 1, 2, 3]
    >>> nice_ticks(0, 0, integer=True)
    [0, 1]
    >>> nice_ticks(-1.2, 4.1)
    [-2.0, 0.0, 2.0, 4.0, 6.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"an axis needs finite ends, got {low!r} and {high!r}")
    low, high = min(low, high), max(low, high)
    if high - low < 1e-12:
        high = low + 1
    most = max(2, int(most))
    power = 10.0 ** math.floor(math.log10((high - low) / (most - 1)))
    while True:
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * power
            if integer and (step < 1 or step != int(step)):
                continue
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            if last - first + 1 <= most:
                ticks = [round(k * step, 12) for k in range(first, last + 1)]
                return [int(t) for t in ticks] if integer else [float(t) for t in ticks]
        power *= 10


def _decimals(step: float) -> int:
    """Decimals a tick label needs at this step (0.25 -> 2, 2.5 -> 1, 50 -> 0)."""
    exponent = math.floor(math.log10(step) + 1e-9)
    half = abs(step / 10.0**exponent - 2.5) < 1e-9
    return max(0, -exponent + half)


def _tick_text(value: float, step: float, kind: str, top: float) -> str:
    if kind == "share":
        text = f"{value:,.{_decimals(step)}f}%"
    elif kind == "count" and top >= 1_000:  # short labels leave room between ticks: 2.5k, 10k, 1.5M
        unit, div = ("M", 1e6) if top >= 2_000_000 else ("k", 1e3)
        text = f"{value / div:,.{_decimals(step / div)}f}"
        text = (text.rstrip("0").rstrip(".") if "." in text else text) + unit if value else "0"
    else:
        text = f"{value:,.{_decimals(step)}f}"
    return text.replace("-", _MINUS)


@dataclass(frozen=True)
class ChartColumn:
    """One measure of a :func:`rows_chart_html` chart: a title, one value per row, and how to draw them.

    Parameters
    ----------
    title : str
        What the column measures, shown above it (e.g. "Learners reached").
    values : sequence
        One per row: a number, a triple ``(value, low, high)`` (drawn with its interval), or None (nothing drawn).
    kind : {"count", "share", "interval"}
        ``count``: bars from zero on an axis of whole numbers; ``share``: bars of fractions (0.64) on an axis in
        percent, 0 to 100% or more; ``interval``: a point with its interval on an axis that includes zero.
    colour : str
        Colour of the bars or points (the kit's palette).
    texts : sequence of str, optional
        The value written at the end of each row (default: the value formatted for its kind).
    reference, reference_label : float, str
        A value marked by a dashed line on every row (a floor, zero gain), and its name in the legend.
    interval_label : str
        The interval's name in the legend (e.g. "95% confidence interval").
    own_scale : bool
        Every row on its own axis, with its own ticks (measures in different units).
    empty : str
        Said in place of the column when no row has a value above zero (what to do to fill it).
    """

    title: str
    values: Sequence
    kind: str = "count"
    colour: str = PALETTE[0]
    texts: Sequence[str] | None = None
    reference: float | None = None
    reference_label: str = ""
    interval_label: str = "interval"
    own_scale: bool = False
    empty: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"a chart column's kind is one of {', '.join(_KINDS)}, got {self.kind!r}")
        if self.texts is not None and len(self.texts) != len(self.values):
            raise ValueError(f"column {self.title!r}: {len(self.texts)} texts for {len(self.values)} values")

    def points(self) -> list:
        """Each row's ``(value, low, high)`` in axis units (percent for shares), or None."""
        out = []
        for v in self.values:
            if v is None:
                out.append(None)
                continue
            v, lo, hi = (tuple(v) if isinstance(v, (tuple, list)) else (v, v, v))
            k = 100.0 if self.kind == "share" else 1.0
            out.append((float(v) * k, float(lo) * k, float(hi) * k))
        return out

    def text(self, i: int) -> str:
        if self.texts is not None:
            return str(self.texts[i])
        v = self.values[i]
        if v is None:
            return "\u2014"
        v, lo, hi = (tuple(v) if isinstance(v, (tuple, list)) else (v, None, None))
        fmt = {"count": "{:,.0f}", "share": "{:.0%}", "interval": "{:+,.3g}"}[self.kind]
        extra = "" if lo is None or lo == hi else f" ({fmt.format(lo)} to {fmt.format(hi)})"
        return (fmt.format(v) + extra).replace("-", _MINUS)

    def is_empty(self) -> bool:
        return all(p is None or max(abs(x) for x in p) == 0 for p in self.points())

    def ticks(self, points: list) -> list:
        """The axis of these points (all rows, or one row on its own scale)."""
        found = [x for p in points if p is not None for x in p]
        if self.reference is not None:
            found.append(self.reference * (100.0 if self.kind == "share" else 1.0))
        if self.kind == "interval":
            return nice_ticks(min([0.0, *found]), max([0.0, *found]))
        top = max([0.0, *found])
        if self.kind == "share":  # 0 to 100% in quarters (halves when the axis is narrow), further if needed
            return nice_ticks(0, max(top, 100.0), most=5 if top <= 100 else 6)
        return nice_ticks(0, top, integer=True)


def _pos(x: float, ticks: list) -> float:
    return 100.0 * (x - ticks[0]) / (ticks[-1] - ticks[0])


def _whisker(width: str = "100%") -> str:
    """An interval's line with its end caps (a legend symbol, or placed on a track)."""
    return (f"<span style='display:inline-block;position:relative;width:{width};height:0.9em;box-sizing:border-box;"
            f"border:solid {_INK};border-width:0 0.15em'><span style='position:absolute;left:0;right:0;top:50%;"
            f"border-top:0.15em solid {_INK};transform:translateY(-50%)'></span></span>")


def _dashed() -> str:
    return (f"<span style='display:inline-block;width:0;height:1.1em;border-left:0.2em dashed {_INK};"
            "margin:0 0.45em;vertical-align:-0.2em'></span>")


def _track(col: ChartColumn, point, ticks: list, with_axis: bool) -> str:
    """One row's drawing of one column: gridlines at the ticks, the bar or point, its interval, the reference."""
    parts = [f"<span style='position:absolute;left:{_pos(t, ticks):.2f}%;top:0;bottom:0;border-left:2px solid #fff'>"
             "</span>" for t in ticks[1:-1]]
    if point is not None:
        v, lo, hi = point
        if col.kind != "interval" and v > 0:
            zero = _pos(0.0, ticks)
            parts.append(f"<span class='ttt-chart-bar' style='position:absolute;left:{zero:.2f}%;top:0.2em;"
                         f"bottom:0.2em;width:{max(0.5, _pos(v, ticks) - zero):.2f}%;background:{col.colour}'></span>")
        if lo != hi:
            a, b = _pos(lo, ticks), _pos(hi, ticks)
            parts.append(f"<span class='ttt-chart-interval' style='position:absolute;left:{a:.2f}%;width:{b - a:.2f}%;"
                         f"top:50%;height:0.9em;transform:translateY(-50%);display:flex'>{_whisker()}</span>")
        if col.kind == "interval":
            parts.append(f"<span class='ttt-chart-point' style='position:absolute;left:{_pos(v, ticks):.2f}%;top:50%;"
                         f"width:0.9em;height:0.9em;border-radius:50%;background:{col.colour};border:0.15em solid #fff;"
                         "transform:translate(-50%,-50%)'></span>")
    if col.reference is not None:
        ref = col.reference * (100.0 if col.kind == "share" else 1.0)
        parts.append(f"<span class='ttt-chart-ref' style='position:absolute;left:{_pos(ref, ticks):.2f}%;top:-0.2em;"
                     f"bottom:-0.2em;border-left:0.2em dashed {_INK};transform:translateX(-50%)'></span>")
    track = (f"<div style='position:relative;height:1.7em;background:{_TRACK};border-radius:0.2em'>{''.join(parts)}"
             "</div>")
    return track + (_axis(col, ticks) if with_axis else "")


#: a narrow axis (large type on a small screen) labels every other tick: the rule is the browser's, since only it
#: knows the width (a container query on the axis)
_NARROW_AXIS = ("<style>.ttt-chart .ttt-chart-axis{container-type:inline-size}"
                "@container (max-width: 19em){.ttt-chart .ttt-chart-tick.ttt-minor{display:none}}</style>")


def _axis(col: ChartColumn, ticks: list) -> str:
    """Tick labels under a track; the end labels align inward so no label leaves its column. With more than four
    ticks every other one (counted from zero) is minor: its label goes when the axis is narrow."""
    step = ticks[1] - ticks[0]
    top = max(abs(ticks[0]), abs(ticks[-1]))
    zero = min(range(len(ticks)), key=lambda i: abs(ticks[i]))
    labels = []
    for i, t in enumerate(ticks):
        shift = "0" if i == 0 else "-100%" if i == len(ticks) - 1 else "-50%"
        minor = " ttt-minor" if len(ticks) > 4 and (i - zero) % 2 else ""
        labels.append(f"<span class='ttt-chart-tick{minor}' style='position:absolute;left:{_pos(t, ticks):.2f}%;"
                      f"transform:translateX({shift});white-space:nowrap'>{_esc(_tick_text(t, step, col.kind, top))}"
                      "</span>")
    return (f"<div class='ttt-chart-axis' style='position:relative;height:1.45em;font-size:0.9em;color:#333;"
            f"margin-top:0.15em'>{''.join(labels)}</div>")


def rows_chart_html(title: str, labels: Sequence[str], columns: Sequence[ChartColumn], *,
                    notes: Sequence[str] | None = None, empty: str | None = None) -> str:
    """Rows measured on one or more axes, as HTML: a row per thing (a level, a measure), a column per measure with
    its own axis, each value drawn (a bar of a count or share, a point with its interval) and written out.

    Every word is text in em units, so the chart grows with the page's type (``?large``); axes of counts tick at whole
    numbers, shares read in percent from 0; names are escaped and kept from MathJax. Screen readers get the title and a
    table of the values; ``data-summary`` holds the same in one line. With no rows the chart is its title and
    ``empty``, the sentence that says what to do.

    >>> col = ChartColumn("Learners reached", [80, 800])
    >>> out = rows_chart_html("Reach", ["Level 1", "Level 2"], [col])
    >>> out.count("ttt-chart-label"), "Level 2: Learners reached 800" in out
    (2, True)
    """
    labels = [str(x) for x in labels]
    notes = [str(x) for x in notes] if notes is not None else [""] * len(labels)
    if len(notes) != len(labels):
        raise ValueError(f"{len(notes)} notes for {len(labels)} rows")
    for col in columns:
        if len(col.values) != len(labels):
            raise ValueError(f"column {col.title!r}: {len(col.values)} values for {len(labels)} rows")
    head = (f"<div class='ttt-chart-title' style='font-weight:700;margin:0.2em 0 0.5em'>{_esc(title)}</div>")
    if not labels or not columns:
        said = empty or "Nothing to show yet."
        return (f"<div class='ttt-chart tex2jax_ignore mathjax_ignore' role='figure' aria-label='{_esc(title)}' "
                f"data-summary='{_esc(f'{title}: {said}')}' style='line-height:1.3'>{head}<div class='ttt-chart-empty' "
                f"style='font-style:italic;margin:0.3em 0'>{_esc(said)}</div></div>")
    n = len(labels)
    cells = []
    template = ["fit-content(40%)"]
    shared_axis = False
    for j, col in enumerate(columns):
        track_col, value_col = 2 + 2 * j, 3 + 2 * j
        template += ["minmax(10em, 1fr)", "max-content"]
        cells.append(f"<div class='ttt-chart-head' style='grid-row:1;grid-column:{track_col} / span 2;font-weight:600;"
                     f"display:flex;align-items:baseline'>{_swatch(col.colour)}<span>{_esc(col.title)}</span></div>")
        if col.empty and col.is_empty():
            cells.append(f"<div class='ttt-chart-empty' style='grid-row:2 / span {n};grid-column:{track_col} / span 2;"
                         f"font-style:italic;align-self:center'>{_esc(col.empty)}</div>")
            continue
        points = col.points()
        ticks = None if col.own_scale else col.ticks(points)
        for i, point in enumerate(points):
            row_ticks = col.ticks([point]) if col.own_scale else ticks
            cells.append(f"<div class='ttt-chart-track' style='grid-row:{i + 2};grid-column:{track_col}'>"
                         f"{_track(col, point, row_ticks, col.own_scale)}</div>")
            cells.append(f"<div class='ttt-chart-value' style='grid-row:{i + 2};grid-column:{value_col};font-weight:700;"
                         f"white-space:nowrap{';align-self:start;margin-top:0.2em' if col.own_scale else ''}'>"
                         f"{_esc(col.text(i))}</div>")
        if not col.own_scale:
            shared_axis = True
            cells.append(f"<div style='grid-row:{n + 2};grid-column:{track_col}'>{_axis(col, ticks)}</div>")
    for i, (label, note) in enumerate(zip(labels, notes)):
        sub = f"<div class='ttt-chart-note' style='font-size:0.9em;color:#444'>{_esc(note)}</div>" if note else ""
        cells.append(f"<div class='ttt-chart-label' style='grid-row:{i + 2};grid-column:1;text-align:right;"
                     f"overflow-wrap:anywhere'>{_esc(label)}{sub}</div>")
    grid = (f"<div aria-hidden='true' style='display:grid;grid-template-columns:{' '.join(template)};column-gap:0.6em;"
            f"row-gap:{'0.7em' if any(c.own_scale for c in columns) else '0.35em'};align-items:center"
            f"{';padding-bottom:0.2em' if shared_axis else ''}'>{''.join(cells)}</div>")
    keys = []
    for col in columns:
        if col.reference is not None and col.reference_label:
            keys.append(f"{_dashed()}{_esc(col.reference_label)}")
        if any(p is not None and p[1] != p[2] for p in col.points()):
            keys.append(f"<span style='display:inline-block;width:1.6em;margin-right:0.35em;vertical-align:-0.1em'>"
                        f"{_whisker()}</span>{_esc(col.interval_label)}")
    legend = ("<div class='ttt-chart-legend' style='margin:0.5em 0 0;display:flex;flex-wrap:wrap;gap:0.3em 1.5em'>"
              + "".join(f"<span style='white-space:nowrap'>{k}</span>" for k in keys) + "</div>") if keys else ""
    table_rows = "".join(
        f"<tr><th scope='row'>{_esc(label)}{f' ({_esc(note)})' if note else ''}</th>"
        + "".join(f"<td>{_esc(col.text(i))}</td>" for col in columns) + "</tr>"
        for i, (label, note) in enumerate(zip(labels, notes)))
    table = (f"<div style='{_SR_ONLY}'><table><caption>{_esc(title)}</caption><tr><td></td>"  # a box that clips it
             + "".join(f"<th scope='col'>{_esc(col.title)}</th>" for col in columns)
             + f"</tr>{table_rows}</table></div>")
    summary = f"{title}: " + "; ".join(
        f"{label}: " + ", ".join(f"{col.title} {col.text(i)}" for col in columns) for i, label in enumerate(labels))
    return (f"<div class='ttt-chart tex2jax_ignore mathjax_ignore' role='figure' aria-label='{_esc(title)}' "
            f"data-summary='{_esc(summary)}' style='position:relative;line-height:1.3'>{_NARROW_AXIS}{head}{grid}{legend}{table}</div>")
