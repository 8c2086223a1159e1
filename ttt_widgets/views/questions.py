"""The question coach: classify a question (open/closed, Bloom level) with an open rewrite, and a sorting practice."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models.objectives import BLOOM_LEVELS
from ..models.questions import QuestionAnalysis, QuestionPractice, SortResult, classify_question
from ..live._safe import text_html
from ._common import esc, guarded, message_html, status

__all__ = ["QuestionCoach"]


class QuestionCoach(widgets.VBox):
    """Type a question and see its kind, level and, if closed, an open rewrite; or practise sorting a bank.

    Actions callable from Python: :meth:`check` (coach), :meth:`sort`, :meth:`next`, :meth:`restart` (practice).

    Parameters
    ----------
    bank : str or dict
        The question bank for practice mode (default: the packaged ``practice`` bank).

    Examples
    --------
    >>> c = QuestionCoach()
    >>> c.check("Any questions?").kind
    'closed'
    >>> c.sort("closed", "remember").correct
    True
    """

    def __init__(self, bank: str | dict = "practice", **kwargs: Any) -> None:
        self.practice = QuestionPractice(bank)
        self.last: QuestionAnalysis | None = None
        self.last_sort: SortResult | None = None
        self._build()
        super().__init__(children=[self._title, self._tabs], **kwargs)
        self.add_class("ttt-question-coach")
        self._wire()
        self._show_practice()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Question coach</h3>")
        self._input = widgets.Textarea(placeholder="Type a question you would ask your group, e.g. Did everyone understand?",
                                       layout=widgets.Layout(width="100%", height="60px"))
        self._check_btn = widgets.Button(description="Check question", button_style="primary", layout=widgets.Layout(width="auto"))
        self._result = widgets.HTML()
        # the rewrite is built from the trainee's words: escaped, wrapped, and left alone by MathJax (a Label is not)
        self._suggestion = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._status = widgets.HTML()
        coach = widgets.VBox([self._input, self._check_btn, self._status, self._result, self._suggestion])

        self._prompt = widgets.HTML()
        self._kind = widgets.ToggleButtons(options=[("Open", "open"), ("Closed", "closed")], value=None,
                                           description="Kind", tooltips=["Many possible answers", "One right answer, yes/no, or a fact"])
        self._level = widgets.Dropdown(options=[("(choose)", None)] + [(lv.capitalize(), lv) for lv in BLOOM_LEVELS],
                                       value=None, description="Level")
        self._sort_btn = widgets.Button(description="Check my sorting", button_style="primary", layout=widgets.Layout(width="auto"))
        self._next_btn = widgets.Button(description="Next question", layout=widgets.Layout(width="auto"))
        self._restart_btn = widgets.Button(description="Start again", layout=widgets.Layout(width="auto"))
        self._practice_status = widgets.HTML()
        self._score = widgets.Label()
        practice = widgets.VBox([self._prompt, self._kind, self._level,
                                 widgets.HBox([self._sort_btn, self._next_btn, self._restart_btn]),
                                 self._practice_status, self._score])
        self._tabs = widgets.Tab(children=[coach, practice])
        self._tabs.set_title(0, "Check a question")
        self._tabs.set_title(1, "Practice")

    def _wire(self) -> None:
        self._check_btn.on_click(lambda _: self.check())
        self._sort_btn.on_click(lambda _: self.sort())
        self._next_btn.on_click(lambda _: self.next())
        self._restart_btn.on_click(lambda _: self.restart())

    def _show_practice(self) -> None:
        p = self.practice
        q = p.current
        self._practice_status.value = ""
        self._score.value = f"Sorted right: {p.score} of {len(p.questions)}"
        if q is None:
            self._prompt.value = ""
            self._sort_btn.disabled = self._next_btn.disabled = True
            status(self._practice_status, f"Done: {p.score} of {len(p.questions)} sorted right (kind and level). "
                   "Press 'Start again' to practise once more.", "ok")
            return
        self._prompt.value = (f"<p>Question {p.position + 1} of {len(p.questions)}:</p>"
                              f"<blockquote style='font-size:1.1em'>{esc(q['text'])}</blockquote>")
        self._kind.value = None
        self._level.value = None
        self._sort_btn.disabled = False
        self._next_btn.disabled = True

    # -- coach -------------------------------------------------------------------------------------------------
    @guarded()
    def check(self, text: str | None = None) -> QuestionAnalysis | None:
        """Classify the question typed (or ``text``, which is typed in first); shows kind, level and a rewrite."""
        if text is not None:
            self._input.value = text
        self._status.value = ""
        self._result.value = ""
        self._suggestion.value = ""
        result = classify_question(self._input.value)
        self.last = result
        tone = "ok" if result.kind == "open" else "warn"
        parts = [message_html(f"{result.kind.capitalize()} question, Bloom level: {result.bloom_level}. {result.reason}",
                              tone, "Open:" if result.kind == "open" else "Closed:")]
        parts += [message_html(p, "warn", "Note:") for p in result.problems]
        if result.suggestion:
            parts.append(message_html("Try asking it openly (below):", "info", "Suggestion:"))
            self._suggestion.value = text_html(result.suggestion, "div", "font-size:1.1em;margin:2px 0 6px 0")
        self._result.value = "".join(parts)
        return result

    # -- practice ----------------------------------------------------------------------------------------------
    @guarded("_practice_status")
    def sort(self, kind: str | None = None, level: str | None = None) -> SortResult | None:
        """Sort the question shown (kind and level, or what is selected); shows feedback."""
        if kind is not None:
            self._kind.value = kind
        if level is not None:
            self._level.value = level
        if self._kind.value is None or self._level.value is None:
            status(self._practice_status, "Choose a kind (open or closed) and a level first.", "warn")
            return None
        result = self.practice.sort(self._kind.value, self._level.value)
        self.last_sort = result
        verdict = "Right on both." if result.correct else (
            ("Kind right" if result.kind_correct else f"Kind: it is {result.expected_kind}") + "; "
            + ("level right." if result.level_correct else f"level: {result.expected_level}."))
        self._practice_status.value = message_html(f"{verdict} {result.why}", "ok" if result.correct else "warn",
                                                   "Well sorted:" if result.correct else "Not quite:")
        self._score.value = f"Sorted right: {self.practice.score} of {len(self.practice.questions)}"
        self._sort_btn.disabled = True
        self._next_btn.disabled = False
        return result

    def next(self) -> None:
        self.practice.next()
        self._show_practice()

    def restart(self) -> None:
        self.practice.reset()
        self._show_practice()
