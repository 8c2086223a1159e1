"""The quiz widget: one question at a time, diagnostic feedback, score, and retry of missed items."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Sequence

import ipywidgets as widgets

from ..models.quiz import AnswerResult, QuizError, QuizModel
from ..models.review import ReviewDeck
from ..live._safe import plain_description
from ._common import esc, guarded, message_html, status

__all__ = ["Quiz", "trainee_deck", "trainee_id"]

log = logging.getLogger("ttt_widgets")

#: a verdict at the start of an answer's feedback, which the box title already gives ("Correct.", "Not quite.")
_VERDICT = re.compile(r"^\s*(?:right|correct|yes|exactly|well done|that's right|not quite|no)\s*[.:!,;-]+\s*", re.I)


def trainee_id() -> str:
    """The trainee's stable id: ``JUPYTERHUB_USER``, else the pseudonym kept in the data directory."""
    from ..live.identity import participant_id

    return participant_id()


def trainee_deck(clock=None) -> ReviewDeck:
    """This trainee's review deck in the kit's data directory."""
    return ReviewDeck(trainee_id(), clock=clock)


def _option_checkbox(text: str) -> widgets.Checkbox:
    """A checkbox labelled with an answer's text, shown as written.

    The page's LaTeX typesetter runs over Checkbox labels (radio button labels are left alone): "$5 or $10" would
    be set as a formula, and ``$$\\href{javascript:...}{...}$$`` in a quiz file as a link. The label is therefore the
    shielded text of :func:`~ttt_widgets.live._safe.plain_description`, as in multiple-choice polls.
    """
    return widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"), **plain_description(text))


def _strip_verdict(text: str) -> str:
    rest = _VERDICT.sub("", text, count=1)
    return (rest[:1].upper() + rest[1:]) if rest else text


class Quiz(widgets.VBox):
    """A quiz with diagnostic feedback on every wrong answer.

    Every action a trainee can take with the mouse or keyboard can also be called from Python:
    :meth:`select`, :meth:`submit`, :meth:`next`, :meth:`retry_missed`, :meth:`reset`.

    Parameters
    ----------
    quiz : dict, str or QuizModel
        Quiz content, the name of a packaged quiz, or a model.
    practice : bool
        Show the practice controls: the questions of this quiz that the trainee's review deck says are due today
        (calendar days, Leitner boxes) come back in a round (:meth:`practise`).
    shuffle : bool
        Put the answers in this trainee's own order (seeded by the trainee's id, the same at every rerun).
    remember : bool
        Record every answer in the trainee's review deck (saved in the data directory), so the question comes back
        in the ``Review`` at the top of later modules on the day it is due.
    deck : ReviewDeck, optional
        The deck to record in (default: the trainee's own; tests pass one with a fixed clock).

    Examples
    --------
    >>> q = Quiz("trainer-role", shuffle=False, remember=False)
    >>> q.select("She skips steps that have become automatic for her."); q.submit().correct
    True
    """

    def __init__(self, quiz: dict | str | QuizModel, practice: bool = False, shuffle: bool = True,
                 remember: bool = True, deck: ReviewDeck | None = None,
                 item_key: Callable[[str], str] | None = None, **kwargs: Any) -> None:
        if isinstance(quiz, QuizModel):
            self.model = quiz
        else:
            self.model = QuizModel(quiz, shuffle_seed=trainee_id() if shuffle else None)
        self.last_result: AnswerResult | None = None
        if deck is None and (remember or practice):
            try:
                deck = trainee_deck() if remember else ReviewDeck("practice", folder=None)
            except OSError as exc:  # a read-only home folder: the quiz still works, without memory across days
                log.warning("review deck unavailable: %s", exc)
                deck = ReviewDeck("practice", folder=None)
        self.deck = deck if (remember or practice) else None
        self._item_key = item_key or (lambda qid: f"{self.model.quiz_id}/{qid}")
        self._build()
        children = [self._title, self._progress, self._prompt, self._choices_box, self._buttons, self._status, self._score]
        if practice:
            self._build_practice()
            children.append(self._practice_row)
        children.append(self._notice)
        super().__init__(children=children, **kwargs)
        self.add_class("ttt-quiz")
        self._wire()
        self._show_question()
        self._show_deck_problem()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = widgets.HTML(f"<h3 style='margin:4px 0'>{esc(self.model.title)}</h3>")
        self._progress = widgets.Label()
        self._prompt = widgets.HTML()
        self._radio = widgets.RadioButtons(options=[], value=None, layout=widgets.Layout(width="auto"))
        self._checks: list[widgets.Checkbox] = []
        self._choices_box = widgets.VBox()
        # the default fixed button width cuts the labels in large type ("Check a...")
        fit = dict(layout=widgets.Layout(width="auto"))
        self._submit_btn = widgets.Button(description="Check answer", button_style="primary", tooltip="Check your answer", **fit)
        self._next_btn = widgets.Button(description="Next question", tooltip="Go to the next question", **fit)
        self._retry_btn = widgets.Button(description="Retry missed", tooltip="Practise the questions you missed", **fit)
        self._buttons = widgets.HBox([self._submit_btn, self._next_btn, self._retry_btn],
                                     layout=widgets.Layout(flex_flow="row wrap"))
        self._status = widgets.HTML()
        self._score = widgets.Label()
        #: trouble with the saved review deck (damaged or unreadable file), told once
        self._notice = widgets.HTML()

    def _build_practice(self) -> None:
        self._practice_btn = widgets.Button(description="Practise what is due today", tooltip="Start today's practice round",
                                            layout=widgets.Layout(width="auto"))
        self._boxes = widgets.HTML(layout=widgets.Layout(flex="1 1 20em"))  # a Label would not wrap its long line
        self._practice_row = widgets.HBox([self._practice_btn, self._boxes], layout=widgets.Layout(flex_flow="row wrap"))
        self._practice_btn.on_click(lambda _: self.practise())

    def _keys(self) -> dict[str, str]:
        return {self._item_key(q["id"]): q["id"] for q in self.model.questions}

    def _show_boxes(self) -> None:
        if not hasattr(self, "_boxes") or self.deck is None:
            return
        keys = self._keys()
        counts = [0] * self.deck.scheduler.boxes
        for k in keys:
            if k in self.deck:
                counts[self.deck.box_of(k) - 1] += 1
        due = self._due_today()
        later = [self.deck.next_due(k) for k in keys if k in self.deck and k not in due]
        nxt = f" Next review: {min(later).isoformat()}." if later else ""
        self._boxes.value = esc(f"Today ({self.deck.today().isoformat()}): {len(due)} due. Questions per box: "
                                + ", ".join(f"box {i + 1}: {n}" for i, n in enumerate(counts))
                                + f"; never answered: {len(keys) - sum(counts)}.{nxt}")

    def _due_today(self) -> list[str]:
        """Keys of this quiz's questions due today: due cards and questions never answered."""
        keys = self._keys()
        due = set(self.deck.due(items=keys))
        return [k for k in keys if k in due or k not in self.deck]

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
            self._progress.value += " (practice)"
        self._prompt.value = f"<p style='font-size:1.05em'>{esc(q['prompt'])}</p>"
        if q["type"] == "single":
            with self._radio.hold_sync():  # one update: the page never shows the first option chosen in passing
                self._radio.options = m.options()
                self._radio.value = None
            self._radio.description = "Answer"
            self._choices_box.children = [self._radio]
        else:
            self._checks = [_option_checkbox(text) for text in m.options()]
            self._choices_box.children = [widgets.Label("Choose all that apply:"), *self._checks]
        self._submit_btn.disabled = False
        self._next_btn.disabled = True
        self._retry_btn.disabled = True

    def _show_deck_problem(self) -> None:
        problem = self.deck.take_problem() if self.deck is not None else None
        if problem:
            status(self._notice, problem, "warn", "Your review deck:")

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
        if self.deck is not None:
            try:
                self.deck.record(self._item_key(result.question_id), result.correct)
            except OSError as exc:  # the answer still counts in this sitting
                log.warning("could not save the review deck: %s", exc)
            self._show_deck_problem()
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
    def practise(self) -> int:
        """Start a round of this quiz's questions that are due today (or never answered); returns how many."""
        if self.deck is None:
            raise QuizError("practice needs a review deck: create the quiz with practice=True")
        self.deck.reload()
        self._show_deck_problem()
        keys = self._keys()
        n = self.model.start_round([keys[k] for k in self._due_today()])
        self._show_question()
        self._show_boxes()
        if n == 0:
            nxt = [self.deck.next_due(k) for k in keys if k in self.deck]
            when = f" The next one is due on {min(nxt).isoformat()}." if nxt else ""
            status(self._status, f"Nothing from this quiz is due today.{when} Come back then: spacing is the point.", "info")
        return n

    def reset(self) -> None:
        self.model.reset()
        self.last_result = None
        self._show_question()

    # -- feedback ----------------------------------------------------------------------------------------------
    @staticmethod
    def _feedback_html(r: AnswerResult) -> str:
        text = " ".join(_strip_verdict(f) for f in r.feedback)
        parts = [message_html(text, "ok" if r.correct else "error", "Correct." if r.correct else "Not quite.")]
        for d in r.diagnoses:
            parts.append(message_html(d, "warn", "Why this is tempting:"))
        if r.missed:
            parts.append(message_html("; ".join(r.missed), "info", "Correct answer(s) you did not choose:"))
        if r.explanation:
            parts.append(message_html(r.explanation, "info", "Explanation:"))
        return "".join(parts)
