"""The PerformanceCheck widget: is training the answer? Answer yes or no until the walk says what to do."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models.performance import ANALYSES, PerformanceAnalysis
from ._common import esc, guarded, message_html

__all__ = ["PerformanceCheck"]

_OWN = "My own problem"


class PerformanceCheck(widgets.VBox):
    """Walk a performance problem through Mager & Pipe's questions, on an example case or on one of your own.

    The model is :class:`~ttt_widgets.models.performance.PerformanceAnalysis`.

    Parameters
    ----------
    name : str
        The content file of the walk (default ``mager-pipe``).
    case : str, optional
        Start on this example case.

    Examples
    --------
    >>> w = PerformanceCheck(case="forms")
    >>> w.answer(True); w.answer(False)
    >>> w.model.outcome["id"]
    'clarify'
    """

    def __init__(self, name: str = ANALYSES, case: str = "", **kwargs: Any) -> None:
        self.model = PerformanceAnalysis(name)
        self._build()
        super().__init__(children=[self._title, self._case_row, self._case_text, self._question, self._hint,
                                   self._buttons, self._steps, self._result, self._status], **kwargs)
        self.add_class("ttt-performance-check")
        self._wire()
        if case:
            self.choose_case(case)
        self._render()

    def _build(self) -> None:
        self._title = widgets.HTML(f"<h3 style='margin:4px 0'>{esc(self.model.title)}</h3>")
        options = [(_OWN, "")] + [(c["title"], c["id"]) for c in self.model.cases]
        self._case = widgets.Dropdown(options=options, value="", description="Problem",
                                      layout=widgets.Layout(width="26em"))
        self._case_row = widgets.HBox([self._case])
        self._case_text = widgets.HTML()
        self._question = widgets.HTML()
        self._hint = widgets.HTML()
        self._yes = widgets.Button(description="Yes", button_style="primary", tooltip="Answer yes",
                                   layout=widgets.Layout(width="7em"))
        self._no = widgets.Button(description="No", button_style="primary", tooltip="Answer no",
                                  layout=widgets.Layout(width="7em"))
        self._back_btn = widgets.Button(description="Back", tooltip="Undo the last answer",
                                        layout=widgets.Layout(width="7em"))
        self._restart_btn = widgets.Button(description="Start again", tooltip="Back to the first question",
                                           layout=widgets.Layout(width="9em"))
        self._buttons = widgets.HBox([self._yes, self._no, self._back_btn, self._restart_btn])
        self._steps = widgets.HTML()
        self._result = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._yes.on_click(lambda _: self.answer(True))
        self._no.on_click(lambda _: self.answer(False))
        self._back_btn.on_click(lambda _: self.back())
        self._restart_btn.on_click(lambda _: self.restart())
        self._case.observe(lambda change: change["new"] != self.model.case_id and self.choose_case(change["new"]),
                           names="value")

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def answer(self, yes: bool) -> None:
        """Answer the current question (True for yes)."""
        self.model.answer(yes)
        self._status.value = ""
        self._render()

    @guarded()
    def back(self) -> None:
        """Undo the last answer."""
        self.model.back()
        self._status.value = ""
        self._render()

    @guarded()
    def restart(self) -> None:
        """Start the same problem again from the first question."""
        self.model.restart(self.model.case_id)
        self._status.value = ""
        self._render()

    @guarded()
    def choose_case(self, case_id: str) -> None:
        """Work through an example case, or (with ``''``) your own problem; starts from the first question."""
        self.model.restart(case_id)
        if self._case.value != case_id:
            self._case.value = case_id
        self._status.value = ""
        self._render()

    # -- display -------------------------------------------------------------------------------------------------
    def _render(self) -> None:
        m = self.model
        if m.case_id:
            self._case_text.value = (f"<div style='border-left:4px solid #0072B2;padding:4px 10px;margin:4px 0'>"
                                     f"{esc(m.case(m.case_id)['text'])}</div>")
        else:
            self._case_text.value = ("<div style='margin:4px 0'>Think of a problem someone asked you to fix with "
                                     "training, and answer for that.</div>")
        q = m.question
        if q is not None:
            self._question.value = (f"<p style='font-size:1.15em;margin:6px 0'><b>Question {len(m.answers) + 1}.</b> "
                                    f"{esc(q['text'])}</p>")
            self._hint.value = f"<p style='color:#444;margin:2px 0'>{esc(q['hint'])}</p>" if q.get("hint") else ""
        else:
            self._question.value = ""
            self._hint.value = ""
        self._yes.disabled = self._no.disabled = q is None
        self._back_btn.disabled = not m.answers
        rows = "".join(f"<li>{esc(text)} <b>{'Yes' if a else 'No'}</b></li>" for text, a in m.steps)
        self._steps.value = f"<ol style='margin:4px 0'>{rows}</ol>" if rows else ""
        if m.outcome is None:
            self._result.value = ""
            return
        tone = "ok" if m.outcome["training"] else "info"
        verdict = "" if m.outcome["training"] else "Training is not the answer here. "
        text = message_html(verdict + m.outcome["advice"], tone, m.outcome["title"] + ":")
        if m.case_verdict:
            matched = m.case_verdict.startswith("This is where")
            text += message_html(m.case_verdict, "ok" if matched else "warn", "The example case:")
        self._result.value = text
