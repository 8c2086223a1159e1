"""The quiz widget: one question at a time, diagnostic feedback, score, and retry of missed items."""

from __future__ import annotations

from typing import Any, Sequence

import ipywidgets as widgets

from ..models.quiz import AnswerResult, QuizError, QuizModel
from ._common import esc, guarded, message_html, status

__all__ = ["Quiz"]


class Quiz(widgets.VBox):
    """A quiz with diagnostic feedback on every wrong answer.

    Every action a trainee can take with the mouse or keyboard can also be called from Python:
    :meth:`select`, :meth:`submit`, :meth:`next`, :meth:`retry_missed`, :meth:`reset`.

    Parameters
    ----------
    quiz : dict, str or QuizModel
        Quiz content, the name of a packaged quiz, or a model.
    practice : bool
        Show the practice controls: questions come back on a Leitner-box schedule (:meth:`practise`,
        :meth:`next_practice_day`).

    Examples
    --------
    >>> q = Quiz("trainer-role")
    >>> q.select(0); q.submit().correct
    True
    """

    def __init__(self, quiz: dict | str | QuizModel, practice: bool = False, **kwargs: Any) -> None:
        self.model = quiz if isinstance(quiz, QuizModel) else QuizModel(quiz)
        self.last_result: AnswerResult | None = None
        self._build()
        children = [self._title, self._progress, self._prompt, self._choices_box, self._buttons, self._status, self._score]
        if practice:
            self._build_practice()
            children.append(self._practice_row)
        super().__init__(children=children, **kwargs)
        self.add_class("ttt-quiz")
        self._wire()
        self._show_question()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = widgets.HTML(f"<h3 style='margin:4px 0'>{esc(self.model.title)}</h3>")
        self._progress = widgets.Label()
        self._prompt = widgets.HTML()
        self._radio = widgets.RadioButtons(options=[], value=None, layout=widgets.Layout(width="auto"))
        self._checks: list[widgets.Checkbox] = []
        self._choices_box = widgets.VBox()
        self._submit_btn = widgets.Button(description="Check answer", button_style="primary", tooltip="Check your answer")
        self._next_btn = widgets.Button(description="Next question", tooltip="Go to the next question")
        self._retry_btn = widgets.Button(description="Retry missed", tooltip="Practise the questions you missed")
        self._buttons = widgets.HBox([self._submit_btn, self._next_btn, self._retry_btn])
        self._status = widgets.HTML()
        self._score = widgets.Label()

    def _build_practice(self) -> None:
        self._practice_btn = widgets.Button(description="Practise due questions", tooltip="Start today's practice round")
        self._next_day_btn = widgets.Button(description="Next practice day", tooltip="Jump to the next day with questions due")
        self._boxes = widgets.Label()
        self._practice_row = widgets.HBox([self._practice_btn, self._next_day_btn, self._boxes])
        self._practice_btn.on_click(lambda _: self.practise())
        self._next_day_btn.on_click(lambda _: self.next_practice_day())

    def _show_boxes(self) -> None:
        s = self.model.scheduler
        if s is not None and hasattr(self, "_boxes"):
            self._boxes.value = f"Day {self.model.day}. Questions per box: " + ", ".join(
                f"box {i + 1}: {n}" for i, n in enumerate(s.counts()))

    def _wire(self) -> None:
        self._submit_btn.on_click(lambda _: self.submit())
        self._next_btn.on_click(lambda _: self.next())
        self._retry_btn.on_click(lambda _: self.retry_missed())

    def _show_question(self) -> None:
        m = self.model
        q = m.current
        self._status.value = ""
        self._update_score()
        if q is None:
            self._prompt.value = ""
            self._choices_box.children = []
            self._progress.value = "Round finished."
            self._submit_btn.disabled = True
            self._next_btn.disabled = True
            self._retry_btn.disabled = not m.missed
            tail = " Use 'Retry missed' to practise the ones you missed." if m.missed else " Well done."
            status(self._status, f"You answered {m.score} of {m.total} correctly.{tail}", "ok" if not m.missed else "info")
            return
        self._progress.value = f"Question {m.position + 1} of {len(m.order)}" + (f" (retry round {m.round - 1})" if m.round > 1 else "")
        if m.practising:
            self._progress.value += f" (practice day {m.day})"
        self._prompt.value = f"<p style='font-size:1.05em'>{esc(q['prompt'])}</p>"
        if q["type"] == "single":
            self._radio.options = m.options()
            self._radio.value = None
            self._radio.description = "Answer"
            self._choices_box.children = [self._radio]
        else:
            self._checks = [widgets.Checkbox(value=False, description=text, indent=False, layout=widgets.Layout(width="auto"))
                            for text in m.options()]
            self._choices_box.children = [widgets.Label("Choose all that apply:"), *self._checks]
        self._submit_btn.disabled = False
        self._next_btn.disabled = True
        self._retry_btn.disabled = True

    def _update_score(self) -> None:
        m = self.model
        self._score.value = f"Score: {m.score} of {m.total}" + (f" (attempts: {m.attempts})" if m.attempts else "")
        self._show_boxes()

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> tuple[int, ...]:
        """The answer indices currently selected."""
        q = self.model.current
        if q is None:
            return ()
        if q["type"] == "single":
            return () if self._radio.index is None else (self._radio.index,)
        return tuple(i for i, c in enumerate(self._checks) if c.value)

    def select(self, *choices: int | str) -> None:
        """Select answers by index or text, as a trainee would by clicking them."""
        q = self.model.current
        if q is None:
            raise QuizError("the quiz is finished")
        idx = self.model._indices(list(choices)) if choices else ()
        if q["type"] == "single":
            self._radio.index = idx[0] if idx else None
        else:
            for i, box in enumerate(self._checks):
                box.value = i in idx

    @guarded()
    def submit(self) -> AnswerResult | None:
        """Check the selected answer and show its feedback; returns the result (None with a message if nothing is chosen)."""
        if not self.value:
            status(self._status, "Choose an answer first.", "warn")
            return None
        result = self.model.submit(list(self.value))
        self.last_result = result
        self._status.value = self._feedback_html(result)
        self._update_score()
        self._submit_btn.disabled = True
        self._next_btn.disabled = False
        return result

    def next(self) -> None:
        """Go to the next question."""
        self.model.next()
        self._show_question()

    def retry_missed(self) -> int:
        """Start a round with only the missed questions; returns how many."""
        n = self.model.retry_missed()
        self._show_question()
        return n

    @guarded()
    def practise(self, day: int | None = None) -> int:
        """Start a practice round of the questions due on ``day`` (default: the current practice day)."""
        n = self.model.start_practice(day)
        self._show_question()
        self._show_boxes()
        if n == 0:
            status(self._status, f"Nothing is due on day {self.model.day}: use 'Next practice day'.", "info")
        return n

    @guarded()
    def next_practice_day(self) -> int:
        """Jump to the next day with questions due and start its round; returns the day."""
        day = self.model.next_practice_day()
        self._show_question()
        self._show_boxes()
        return day

    def reset(self) -> None:
        self.model.reset()
        self.last_result = None
        self._show_question()

    # -- feedback ----------------------------------------------------------------------------------------------
    @staticmethod
    def _feedback_html(r: AnswerResult) -> str:
        parts = [message_html(" ".join(r.feedback), "ok" if r.correct else "error", "Correct." if r.correct else "Not quite.")]
        for d in r.diagnoses:
            parts.append(message_html(d, "warn", "Why this is tempting:"))
        if r.missed:
            parts.append(message_html("; ".join(r.missed), "info", "Correct answer(s) you did not choose:"))
        if r.explanation:
            parts.append(message_html(r.explanation, "info", "Explanation:"))
        return "".join(parts)
