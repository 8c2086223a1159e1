"""Peer feedback on a micro-teaching round: score the rubric, comment in a set format, aggregate, export Markdown."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models.feedback import FeedbackRubric, Review
from ._common import esc, guarded, status

__all__ = ["PeerFeedback"]


class PeerFeedback(widgets.VBox):
    """Collect several reviewers' feedback on one teaching round and show the aggregate.

    Actions callable from Python: :meth:`set_reviewer`, :meth:`set_format`, :meth:`score`, :meth:`comment`,
    :meth:`submit`, :meth:`remove`, :meth:`export_markdown`.

    Parameters
    ----------
    rubric : FeedbackRubric, str or dict
        A model, the name of a packaged rubric or a rubric dict.
    round_title : str
        What is being reviewed (used when ``rubric`` is not a model).

    Examples
    --------
    >>> w = PeerFeedback(round_title="Round 1: Sam")
    >>> w.set_reviewer("Ana"); w.score("objective", 4)
    >>> w.comment("up", "Clear aim"); w.comment("down", "Slow down")
    >>> w.submit().reviewer
    'Ana'
    """

    def __init__(self, rubric: FeedbackRubric | str | dict = "micro-teaching", round_title: str = "Micro-teaching round",
                 **kwargs: Any) -> None:
        self.model = rubric if isinstance(rubric, FeedbackRubric) else FeedbackRubric(rubric, round_title)
        self._build()
        super().__init__(children=[self._title, self._reviewer, self._format, self._scores_box, self._comments_box,
                                   self._buttons, self._status, self._summary, self._markdown], **kwargs)
        self.add_class("ttt-peer-feedback")
        self._wire()
        self._show_comments()
        self._show_summary()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        m = self.model
        low, high = m.scale
        self._title = widgets.HTML(f"<h3 style='margin:4px 0'>Peer feedback: {esc(m.round_title)}</h3>"
                                   f"<p>{esc(m.rubric['title'])}. Score each criterion from {low} to {high}; "
                                   "leave blank if you did not see it.</p>")
        self._reviewer = widgets.Text(description="Your name", placeholder="Reviewer")
        self._format = widgets.ToggleButtons(options=[(f["name"], key) for key, f in m.formats.items()],
                                             value=next(iter(m.formats)), description="Format")
        self._score_widgets: dict[str, widgets.Dropdown] = {}
        self._descriptors: dict[str, widgets.Label] = {}
        rows = []
        for c in m.criteria:
            dd = widgets.Dropdown(options=[("-", None)] + [(str(v), v) for v in range(low, high + 1)], value=None,
                                  description=c["name"], style={"description_width": "150px"},
                                  layout=widgets.Layout(width="240px"), tooltip=c["description"])
            label = widgets.Label(c["description"], layout=widgets.Layout(width="auto"))
            self._score_widgets[c["id"]], self._descriptors[c["id"]] = dd, label
            rows.append(widgets.HBox([dd, label]))
        self._scores_box = widgets.VBox(rows)
        self._comment_widgets: dict[str, widgets.Textarea] = {}
        self._typed: dict[str, str] = {}
        self._comments_box = widgets.VBox()
        self._submit_btn = widgets.Button(description="Add my feedback", button_style="primary")
        self._remove_pick = widgets.Dropdown(options=[], description="Reviewer")
        self._remove_btn = widgets.Button(description="Remove review")
        self._export_btn = widgets.Button(description="Export as Markdown")
        self._buttons = widgets.HBox([self._submit_btn, self._remove_pick, self._remove_btn, self._export_btn])
        self._status = widgets.HTML()
        self._summary = widgets.HTML()
        self._markdown = widgets.Textarea(layout=widgets.Layout(width="100%", height="200px", display="none"))

    def _wire(self) -> None:
        self._format.observe(lambda _: self._show_comments(), names="value")
        for cid, dd in self._score_widgets.items():
            dd.observe(lambda change, cid=cid: self._show_descriptor(cid, change["new"]), names="value")
        self._submit_btn.on_click(lambda _: self.submit())
        self._remove_btn.on_click(lambda _: self.remove(self._remove_pick.value))
        self._export_btn.on_click(lambda _: self.export_markdown())

    def _show_descriptor(self, cid: str, value: int | None) -> None:
        c = next(c for c in self.model.criteria if c["id"] == cid)
        text = c["descriptors"].get(str(value)) if value is not None else None
        self._descriptors[cid].value = f"{value}: {text}" if text else c["description"]

    def _show_comments(self) -> None:
        prompts = self.model.formats[self._format.value]["prompts"]
        # keep what was typed when switching formats (and back)
        self._typed.update({k: w.value for k, w in self._comment_widgets.items()})
        self._comment_widgets = {
            key: widgets.Textarea(value=self._typed.get(key, ""), placeholder=prompt, description=key.replace("_", " "),
                                  layout=widgets.Layout(width="95%", height="50px"))
            for key, prompt in prompts.items()
        }
        self._comments_box.children = [widgets.VBox([widgets.Label(prompt), self._comment_widgets[key]])
                                       for key, prompt in prompts.items()]

    def _show_summary(self) -> None:
        m = self.model
        low, high = m.scale
        rows = []
        for s in m.summary():
            mean = f"{s.mean:.2f}" if s.mean is not None else "-"
            bar = "&#9632;" * int(round(s.mean)) if s.mean is not None else ""
            rows.append(f"<tr><td>{esc(s.name)}</td><td style='text-align:right'>{mean}</td><td>{bar}</td>"
                        f"<td style='text-align:right'>{s.n}</td><td>{esc(s.descriptor or '')}</td></tr>")
        comments = []
        prompts = {k: p for f in m.formats.values() for k, p in f["prompts"].items()}
        for key, items in m.comments().items():
            lis = "".join(f"<li>{esc(text)} <i>({esc(who)})</i></li>" for who, text in items)
            comments.append(f"<p><b>{esc(prompts[key])}</b></p><ul>{lis}</ul>")
        self._summary.value = (
            f"<h4>Aggregate of {len(m.reviews)} review(s)</h4>"
            f"<table><tr><th>Criterion</th><th>Mean ({low}-{high})</th><th></th><th>Reviewers</th>"
            f"<th>What the mean looks like</th></tr>{''.join(rows)}</table>{''.join(comments)}"
        )
        self._remove_pick.options = [r.reviewer for r in m.reviews]

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> tuple[Review, ...]:
        return tuple(self.model.reviews)

    def set_reviewer(self, name: str) -> None:
        self._reviewer.value = name

    @guarded()
    def set_format(self, key: str) -> None:
        if key not in self.model.formats:
            raise ValueError(f"'{key}' is not a feedback format: choose {' or '.join(self.model.formats)}.")
        self._format.value = key

    @guarded()
    def score(self, criterion: str, value: int | None) -> None:
        """Choose a score for one criterion (by id or name), as a reviewer would in its menu."""
        crit = self.model._criterion(criterion)
        low, high = self.model.scale
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise ValueError(f"The score for '{crit['name']}' must be a whole number from {low} to {high}.")
        self._score_widgets[crit["id"]].value = value

    @guarded()
    def comment(self, key: str, text: str) -> None:
        """Type a comment for one prompt of the current format (e.g. ``up``, ``down``, ``content_positive``)."""
        if key not in self._comment_widgets:
            raise ValueError(f"'{key}' is not a comment of this format ({', '.join(self._comment_widgets)}).")
        self._comment_widgets[key].value = text

    @guarded()
    def submit(self) -> Review | None:
        """Add the reviewer's feedback; on success the form is cleared for the next reviewer."""
        scores = {cid: dd.value for cid, dd in self._score_widgets.items() if dd.value is not None}
        comments = {k: w.value for k, w in self._comment_widgets.items()}
        review = self.model.add_review(self._reviewer.value, scores, comments, format=self._format.value)
        self._reviewer.value = ""
        for dd in self._score_widgets.values():
            dd.value = None
        for w in self._comment_widgets.values():
            w.value = ""
        self._typed = {}
        self._show_summary()
        status(self._status, f"Thank you, {review.reviewer}: {len(self.model.reviews)} review(s) so far.", "ok")
        return review

    @guarded()
    def remove(self, reviewer: str | None) -> Review | None:
        if not reviewer:
            raise ValueError("Choose the reviewer whose feedback you want to remove.")
        removed = self.model.remove_review(reviewer)
        self._show_summary()
        status(self._status, f"Removed the review by {removed.reviewer}.", "info")
        return removed

    def export_markdown(self) -> str:
        """The aggregate as Markdown (also shown in a text box)."""
        text = self.model.to_markdown()
        self._markdown.value = text
        self._markdown.layout.display = None
        return text
