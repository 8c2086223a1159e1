"""The Review widget: a module opens with the questions of earlier modules that are due today."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..loader import list_content, load_content
from ..models.review import Clock, ReviewDeck, review_items
from ._common import esc, guarded, message_html
from .quiz import Quiz, trainee_deck

__all__ = ["Review"]


class Review(widgets.VBox):
    """Retrieval practice at the start of a module: earlier modules' quiz questions that are due today.

    A question answered in any module's quiz (or here) is a card in the trainee's review deck, saved in the data
    directory; a right answer brings it back after 2, 4, 8 or 16 days, a wrong one the next day. Questions of
    earlier modules never answered are offered too (at most ``new_limit``), so every module starts by recalling
    something. Answers here are recorded in the same deck.

    Parameters
    ----------
    module : str
        This module's number, e.g. ``"03"``: questions come from quizzes of modules before it.
    new_limit : int
        How many never-answered questions to add to the due ones.
    limit : int
        At most this many questions in all (a review is a warm-up, not a test).
    deck : ReviewDeck, optional
        The deck to use (default: the trainee's own); pass one with a :class:`~ttt_widgets.models.review.FixedClock`
        to preview another day.

    Examples
    --------
    >>> from ttt_widgets.models.review import FixedClock, ReviewDeck
    >>> r = Review("02", deck=ReviewDeck("demo", folder=None, clock=FixedClock("2025-03-03")))
    >>> r.count > 0
    True
    """

    def __init__(self, module: str, new_limit: int = 3, limit: int = 8, deck: ReviewDeck | None = None,
                 clock: Clock | None = None, shuffle: bool = True, **kwargs: Any) -> None:
        self.module = str(module)
        self.new_limit = new_limit
        self.limit = limit
        self.deck = deck if deck is not None else trainee_deck(clock=clock)
        self._shuffle = shuffle
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Review: what is due today from earlier modules</h3>")
        self._intro = widgets.HTML()
        self._body = widgets.VBox()
        self._refresh_btn = widgets.Button(description="Check again", tooltip="Look again for questions due today",
                                           layout=widgets.Layout(width="auto"))
        self._status = widgets.HTML()
        super().__init__(children=[self._title, self._intro, self._body, self._refresh_btn, self._status], **kwargs)
        self.add_class("ttt-review")
        self._refresh_btn.on_click(lambda _: self.refresh())
        self.quiz: Quiz | None = None
        self.refresh()

    @property
    def count(self) -> int:
        """How many questions this review brings back."""
        return 0 if self.quiz is None else self.quiz.model.total

    @guarded()
    def refresh(self) -> int:
        """Look again for what is due today (e.g. after the date changed); returns how many questions."""
        self.deck.reload()
        quizzes = [load_content("quizzes", name) for name in list_content("quizzes")]
        items = review_items(self.deck, quizzes, self.module, new_limit=self.new_limit, limit=self.limit)
        problem = self.deck.take_problem()
        self._status.value = message_html(problem, "warn", "Your review deck:") if problem else ""
        if not items:
            nxt = self.deck.next_review()
            when = f" The next question falls due on {nxt.isoformat()}." if nxt else ""
            self._intro.value = ("<p>Nothing from earlier modules is due today." + esc(when)
                                 + " Recalling on the day a question is due, not before, is what makes it last.</p>")
            self._body.children = []
            self.quiz = None
            return 0
        keys = {}
        questions = []
        for quiz_id, question in items:
            qid = f"{quiz_id}--{question['id']}"
            keys[qid] = f"{quiz_id}/{question['id']}"
            questions.append({**question, "id": qid})
        data = {"id": f"review-{self.module}", "title": f"Review before module {self.module}", "questions": questions}
        due = sum(1 for key in keys.values() if key in self.deck)
        self.quiz = Quiz(data, shuffle=self._shuffle, deck=self.deck, item_key=keys.__getitem__)
        self.quiz._title.value = ""
        self._intro.value = (f"<p>{len(items)} question(s) from earlier modules: {due} due today for another try, "
                             f"{len(items) - due} you have not answered yet. Answer from memory before looking "
                             "anything up; each answer sets when the question comes back.</p>")
        self._body.children = [self.quiz]
        return len(items)

    def describe(self) -> str:
        """One line on the deck: cards per box and the next review date."""
        nxt = self.deck.next_review()
        counts = ", ".join(f"box {i + 1}: {n}" for i, n in enumerate(self.deck.counts()))
        return f"{len(self.deck.items)} question(s) in your deck ({counts}); next review {nxt or 'not scheduled'}."
