"""Evaluation widgets: the EvaluationPlanner (Kirkpatrick's four levels) and the EvaluationReport (results from CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import ipywidgets as widgets

from ..models.evaluation import CSV_COLUMNS, LEVEL_NAMES, LEVELS, EvaluationPlan, EvaluationResults
from ..plots import PALETTE, ChartColumn, bars_html, rows_chart_html
from ._common import esc, guarded, message_html, status

__all__ = ["EvaluationPlanner", "EvaluationReport"]

_MAX_UPLOAD = 5_000_000


class EvaluationPlanner(widgets.VBox):
    """Plan what to measure at each of Kirkpatrick's four levels, and see the gaps.

    Parameters
    ----------
    plan : EvaluationPlan, str or None
        A plan, the name of a packaged plan (``content/evaluation-plans/``), or None for an empty plan.

    Examples
    --------
    >>> p = EvaluationPlanner()
    >>> p.add_objective("Give feedback on a micro-teach")
    >>> p.add_measure("learning", "observed feedback", "checklist", "day 3", ["Give feedback on a micro-teach"])
    >>> len(p.model.check())
    4
    """

    def __init__(self, plan: EvaluationPlan | str | None = None, **kwargs: Any) -> None:
        if isinstance(plan, str):
            plan = EvaluationPlan.from_content(plan)
        self.model = plan or EvaluationPlan()
        self._build()
        super().__init__(children=[self._title, self._obj_row, self._form, self._table, self._check, self._status], **kwargs)
        self.add_class("ttt-evaluation-planner")
        self._wire()
        self._show()

    def _build(self) -> None:
        lay = widgets.Layout(width="420px")
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Evaluation plan (Kirkpatrick's four levels)</h3>")
        self._objective = widgets.Text(description="Objective", placeholder="e.g. Use retrieval practice in every session", layout=lay)
        self._obj_btn = widgets.Button(description="Add objective")
        self._obj_row = widgets.HBox([self._objective, self._obj_btn])
        self._level = widgets.Dropdown(options=[(f"{n}. {lv}", lv) for n, lv in LEVEL_NAMES.items()], value="learning", description="Level")
        self._measure = widgets.Text(description="Measure", layout=lay)
        self._instrument = widgets.Text(description="Instrument", layout=lay)
        self._when = widgets.Text(description="When", layout=lay)
        self._objs = widgets.SelectMultiple(options=[], description="Objectives", layout=widgets.Layout(width="420px", height="80px"))
        self._add_btn = widgets.Button(description="Add measure", button_style="primary")
        self._remove = widgets.Dropdown(options=[], description="Remove")
        self._remove_btn = widgets.Button(description="Remove measure")
        self._form = widgets.VBox([self._level, self._measure, self._instrument, self._when, self._objs,
                                   widgets.HBox([self._add_btn]), widgets.HBox([self._remove, self._remove_btn])])
        self._table = widgets.HTML()
        self._check = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._obj_btn.on_click(lambda _: self.add_objective(self._objective.value))
        self._add_btn.on_click(lambda _: self.add_measure(self._level.value, self._measure.value, self._instrument.value,
                                                          self._when.value, list(self._objs.value)))
        self._remove_btn.on_click(lambda _: self.remove_measure(self._remove.value))

    def _show(self) -> None:
        m = self.model
        self._objs.options = list(m.objectives)
        self._remove.options = [(f"{i + 1}. {x.measure}"[:60], i) for i, x in enumerate(m.measures)]
        rows = []
        for n, lv in LEVEL_NAMES.items():
            ms = [x for x in m.measures if x.level == lv]
            if not ms:
                rows.append(f"<tr><td><b>{n}. {lv}</b></td><td colspan='4'><i>nothing planned</i></td></tr>")
            for x in ms:
                rows.append(f"<tr><td><b>{n}. {lv}</b></td><td>{esc(x.measure)}</td><td>{esc(x.instrument)}</td>"
                            f"<td>{esc(x.when)}</td><td>{esc('; '.join(x.objectives))}</td></tr>")
        head = "<tr><th>Level</th><th>Measure</th><th>Instrument</th><th>When</th><th>Objectives</th></tr>"
        cov = m.coverage()
        grid = "".join(
            f"<tr><td>{esc(o)}</td>" + "".join(f"<td style='text-align:center'>{'yes' if c[lv] else '&mdash;'}</td>" for lv in LEVELS) + "</tr>"
            for o, c in cov.items())
        self._table.value = (
            "<table style='border-collapse:collapse' border='1' cellpadding='4'>" + head + "".join(rows) + "</table>"
            + ("<p><b>Objectives measured at each level</b></p><table border='1' cellpadding='4' style='border-collapse:collapse'>"
               "<tr><th>Objective</th>" + "".join(f"<th>{lv}</th>" for lv in LEVELS) + "</tr>" + grid + "</table>" if cov else "")
        )
        problems = m.check()
        self._check.value = (message_html("Every objective is measured at levels 2 and 3, and every level has a measure.", "ok", "Complete.")
                             if not problems else "".join(message_html(p, "warn") for p in problems))

    @guarded()
    def add_objective(self, objective: str) -> None:
        self.model.add_objective(objective)
        self._objective.value = ""
        self._status.value = ""
        self._show()

    @guarded()
    def add_measure(self, level: str, measure: str, instrument: str, when: str, objectives: Iterable[str] = ()) -> None:
        self.model.add(level, measure, instrument, when, objectives)
        self._measure.value = self._instrument.value = self._when.value = ""
        self._status.value = ""
        self._show()

    @guarded()
    def remove_measure(self, index: int | None) -> None:
        if index is None:
            raise ValueError("there is no measure to remove")
        self.model.remove(index)
        self._show()


class EvaluationReport(widgets.VBox):
    """Results at the four levels from a CSV file: Likert distributions, pre/post gains with confidence intervals.

    The CSV format is documented in :mod:`ttt_widgets.models.evaluation` (columns
    ``participant,level,measure,phase,value``). A bad file gets a message naming its row and column, and the
    results already shown stay.

    Parameters
    ----------
    source : str, Path, EvaluationResults or None
        A CSV path, parsed results, or None for the packaged sample data set.
    confidence : float
        0.90, 0.95 or 0.99.
    path_box : bool
        Show a box to load a CSV by its path on the kernel's machine (default). A dashboard served to a room
        passes False, so that only an uploaded file can be read.

    Examples
    --------
    >>> r = EvaluationReport()
    >>> r.model.gain("knowledge test (0-100)").n
    24
    """

    def __init__(self, source: str | Path | EvaluationResults | None = None, confidence: float = 0.95,
                 path_box: bool = True, **kwargs: Any) -> None:
        self.model = source if isinstance(source, EvaluationResults) else (
            EvaluationResults.sample() if source is None else EvaluationResults.from_csv(source))
        self._build(confidence, path_box)
        super().__init__(children=[self._title, self._load_row, self._format, self._source, self._plot, self._summary,
                                   self._status], **kwargs)
        self.add_class("ttt-evaluation-report")
        self._wire()
        self.redraw()

    def _build(self, confidence: float, path_box: bool = True) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Evaluation results</h3>")
        self._path = widgets.Text(placeholder="path/to/results.csv", description="CSV file", layout=widgets.Layout(width="360px"))
        self._load_btn = widgets.Button(description="Load")
        self._upload = widgets.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
        self._confidence = widgets.Dropdown(options=[("90%", 0.90), ("95%", 0.95), ("99%", 0.99)], value=confidence,
                                            description="Confidence")
        by_path = [self._path, self._load_btn] if path_box else []
        self._load_row = widgets.HBox([*by_path, self._upload, self._confidence],
                                      layout=widgets.Layout(flex_flow="row wrap"))
        self._format = widgets.HTML(f"<small>Columns: <code>{','.join(CSV_COLUMNS)}</code>; level is reaction, learning, "
                                    "behaviour or results (or 1-4); phase is pre, post or empty; reaction values are "
                                    "ratings 1-5.</small>")
        self._source = widgets.Label()
        self._plot = widgets.HTML()
        self._summary = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._load_btn.on_click(lambda _: self.load(self._path.value))
        self._upload.observe(self._on_upload, names="value")
        self._confidence.observe(lambda _: self.redraw(), names="value")

    def _on_upload(self, change) -> None:
        files = change["new"]
        if files:
            f = files[0]
            self.load_text(bytes(f["content"]), source=f.get("name", "upload.csv"))

    @guarded()
    def load(self, path: str | Path) -> None:
        """Read results from a CSV file; a bad file gets a message and the current results stay."""
        if not str(path).strip():
            raise ValueError("type the path of a CSV file first")
        self.model = self._checked(EvaluationResults.from_csv(str(path).strip()))
        status(self._status, f"Read {len(self.model.rows)} rows from {self.model.source}.", "ok")
        self.redraw()

    @guarded()
    def load_text(self, text: str | bytes, source: str = "upload.csv") -> None:
        """Read results from CSV text or bytes (e.g. an upload)."""
        if len(text) > _MAX_UPLOAD:
            raise ValueError("the file is larger than 5 MB")
        self.model = self._checked(EvaluationResults.from_text(text, source=source))
        status(self._status, f"Read {len(self.model.rows)} rows from {self.model.source}.", "ok")
        self.redraw()

    def _checked(self, results: EvaluationResults) -> EvaluationResults:
        """The results, once their gains can be worked out (else the error, and the results shown stay)."""
        results.gains(self._confidence.value)
        return results

    def redraw(self) -> None:
        m = self.model
        conf = self._confidence.value
        self._source.value = f"Data: {m.source} ({len(m.rows)} rows; levels: {', '.join(m.levels_present())})"
        reactions = m.measures("reaction")
        # text that grows with a projected page's large type: the reaction ratings as bars, the gains as rows
        chart = ("<div style='font-weight:700;margin:0.4em 0'>Level 1: reaction (share of answers per rating, "
                 "1 = strongly disagree, 5 = strongly agree)</div>"
                 + bars_html("Level 1: reaction", reactions, [[m.likert(r)[k] for k in range(1, 6)] for r in reactions],
                             legend=["1", "2", "3", "4", "5"], per_row=True,
                             empty="No ratings yet: add a 1 to 5 rating scale to the live session (Run the room), "
                                   "or upload a results file with reaction rows."))
        chart += "<div style='height:1.2em'></div>" + gains_chart_html(m.gains(conf), conf)
        self._plot.value = chart
        summary = m.summary(conf)
        html = []
        for n, lv in LEVEL_NAMES.items():
            lines = summary[lv]
            html.append(f"<p><b>Level {n}: {lv}</b></p><ul>" + (
                "".join(f"<li>{esc(x)}</li>" for x in lines) if lines else "<li><i>no data</i></li>") + "</ul>")
        self._summary.value = "".join(html)


def gains_chart_html(gains: list, confidence: float) -> str:
    """Pre/post gains as HTML rows: each measure's mean gain (post - pre) with its confidence interval, each row on
    its own axis (the measures have different units) with zero gain marked; pre and post means under the name.

    >>> from ttt_widgets.models.evaluation import EvaluationResults
    >>> "mean gain" in gains_chart_html(EvaluationResults.sample().gains(), 0.95)
    True
    """
    def num(x: float, wide: bool) -> str:
        return (f"{x:+.1f}" if wide else f"{x:+.2f}").replace("-", "\u2212")

    texts = []
    for g in gains:
        wide = max(abs(g.low), abs(g.high)) >= 10
        texts.append(f"{num(g.mean, wide)} [{num(g.low, wide)}, {num(g.high, wide)}]")
    column = ChartColumn(f"Mean gain (post \u2212 pre) and its {confidence:.0%} confidence interval",
                         [(g.mean, g.low, g.high) for g in gains], kind="interval", colour=PALETTE[0], texts=texts,
                         reference=0.0, reference_label="no gain (0)",
                         interval_label=f"{confidence:.0%} confidence interval", own_scale=True)
    return rows_chart_html(
        "Levels 2 and 3: mean gain from pre to post, each measure on its own scale",
        [g.measure if len(g.measure) <= 80 else g.measure[:79] + "\u2026" for g in gains], [column],
        notes=[f"pre {g.pre_mean:.3g} \u2192 post {g.post_mean:.3g}, n = {g.n}" for g in gains],
        empty="No pre/post gains yet: a learning or behaviour measure needs a pre and a post score from the same "
              "participants (at least two). Upload a results file with both phases.")
