"""The quiz model: questions with diagnostic feedback, scoring and retrieval practice of missed items.

Pure logic (no widgets). The :class:`~ttt_widgets.views.quiz.Quiz` widget owns one of these.

Practice mode (:meth:`QuizModel.start_practice`) schedules questions with a Leitner-box scheduler
(:class:`~ttt_widgets.models.leitner.LeitnerScheduler`, after Leitner 1972): each practice day shows only the
questions due that day; a right answer moves a question to a box reviewed less often, a wrong one back to box 1.
Across real days, a trainee's answers are kept in a :class:`~ttt_widgets.models.review.ReviewDeck`, and
:meth:`QuizModel.start_round` runs the questions it says are due.

Answer order: with ``shuffle_seed`` (the trainee's id), the answers of each question are put in an order of their
own for that trainee, the same at every rerun, so the position of the right answer carries no cue
(Haladyna, Downing & Rodriguez 2002, guideline 20: vary the location of the right answer).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from traitlets import Bool, Dict, HasTraits, Int, List, TraitError, Unicode, validate

from ..loader import load_content, load_file, validate_content
from .leitner import DEFAULT_INTERVALS, LeitnerScheduler

__all__ = ["QuizModel", "AnswerResult", "QuizError", "shuffled_answers"]


def shuffled_answers(answers: Sequence[dict], seed: str, quiz_id: str, question_id: str) -> list[dict]:
    """The answers in one trainee's order: a permutation fixed by (seed, quiz, question), the same at every call.

    >>> a = [{"text": t} for t in "ABCD"]
    >>> shuffled_answers(a, "anon-1", "q", "x") == shuffled_answers(a, "anon-1", "q", "x")
    True
    """
    digest = hashlib.sha256(f"{seed}\x1f{quiz_id}\x1f{question_id}".encode("utf-8")).digest()
    out = list(answers)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(out)
    return out


class QuizError(ValueError):
    """A quiz action that cannot be done (no answer chosen, unknown choice, finished quiz...)."""


@dataclass(frozen=True)
class AnswerResult:
    """What one submitted answer earned, and why."""

    question_id: str
    correct: bool
    chosen: tuple[int, ...]
    #: feedback of each chosen answer, in order
    feedback: tuple[str, ...]
    #: the misconception behind each wrong choice (empty when correct)
    diagnoses: tuple[str, ...] = ()
    #: correct options that were not chosen (multiple choice)
    missed: tuple[str, ...] = ()
    explanation: str = ""
    correct_answers: tuple[str, ...] = field(default=())


class QuizModel(HasTraits):
    """A quiz shown one question at a time.

    Parameters
    ----------
    quiz : dict or str
        Quiz content (a dict matching ``content/schemas/quizzes.schema.json``) or the name of a packaged quiz.
    shuffle_seed : str, optional
        Put each question's answers in an order fixed by this text (the trainee's id); None keeps the content order.

    Examples
    --------
    >>> m = QuizModel("trainer-role")
    >>> result = m.submit(list(m.key()))  # the right answer(s), wherever they are
    >>> result.correct, m.score
    (True, 1)
    """

    title = Unicode(help="The quiz title.")
    questions = List(help="The questions, as validated content dicts.")
    order = List(Int(), help="Indices into `questions` for the current round (all, or the missed ones).")
    position = Int(0, help="Position in `order` of the question shown.")
    results = Dict(help="question id -> AnswerResult of the latest attempt.")
    score = Int(0, help="Questions answered correctly at their latest attempt.")
    attempts = Int(0, help="Answers submitted in total.")
    round = Int(1, help="1 for the first pass; +1 each time missed items are retried.")
    practising = Bool(False, help="True in practice mode (questions scheduled by Leitner boxes).")
    day = Int(0, help="The practice day (0 = the first day of practice).")

    def __init__(self, quiz: dict | str, shuffle_seed: str | None = None, **kwargs: Any) -> None:
        if isinstance(quiz, str) and (quiz.endswith((".yaml", ".yml", ".json")) or "/" in quiz or "\\" in quiz):
            data = load_file(quiz, "quizzes")  # a file of the trainee's own, e.g. one saved by MCQWorkshop
        elif isinstance(quiz, str):
            data = load_content("quizzes", quiz)
        else:
            data = validate_content(quiz, "quizzes", label=f"quiz {quiz.get('id', '?')!r}" if isinstance(quiz, dict) else "quiz")
        questions = data["questions"]
        if shuffle_seed is not None:
            questions = [{**q, "answers": shuffled_answers(q["answers"], str(shuffle_seed), data["id"], q["id"])}
                         for q in questions]
        super().__init__(title=data["title"], questions=questions, **kwargs)
        self.quiz_id = data["id"]
        self.module = data.get("module")
        self.order = list(range(len(self.questions)))
        self.scheduler: LeitnerScheduler | None = None

    @validate("position")
    def _check_position(self, proposal):
        value = proposal["value"]
        if not 0 <= value <= len(self.order):
            raise TraitError(f"position must be between 0 and {len(self.order)}, got {value}")
        return value

    # -- reading -----------------------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once every question of the current round has been passed."""
        return self.position >= len(self.order)

    @property
    def current(self) -> dict | None:
        """The question shown, or None when the round is finished."""
        return None if self.finished else self.questions[self.order[self.position]]

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def missed(self) -> list[str]:
        """Ids of questions whose latest attempt was wrong."""
        return [q["id"] for q in self.questions if q["id"] in self.results and not self.results[q["id"]].correct]

    def options(self) -> list[str]:
        """The answer texts of the current question."""
        q = self.current
        return [] if q is None else [a["text"] for a in q["answers"]]

    def key(self) -> tuple[int, ...]:
        """Indices (in the order shown) of the right answers of the current question; () when finished."""
        q = self.current
        return () if q is None else tuple(i for i, a in enumerate(q["answers"]) if a["correct"])

    def wrong(self) -> int:
        """Index of the first wrong answer of the current question (for demonstrations and tests)."""
        q = self.current
        if q is None:
            raise QuizError("the quiz is finished")
        return next(i for i, a in enumerate(q["answers"]) if not a["correct"])

    # -- acting ------------------------------------------------------------------------------------------------
    def _indices(self, choice: int | str | Iterable[int | str]) -> tuple[int, ...]:
        q = self.current
        if q is None:
            raise QuizError("the quiz is finished: retry the missed questions or reset it")
        texts = [a["text"] for a in q["answers"]]
        if isinstance(choice, (int, str)):
            choice = [choice]
        out = []
        for c in choice:
            if isinstance(c, bool):
                raise QuizError(f"not an answer: {c!r}")
            if isinstance(c, int):
                if not 0 <= c < len(texts):
                    raise QuizError(f"answer number {c} does not exist (0 to {len(texts) - 1})")
                out.append(c)
            elif isinstance(c, str):
                if c not in texts:
                    raise QuizError(f"{c!r} is not one of the answers")
                out.append(texts.index(c))
            else:
                raise QuizError(f"not an answer: {c!r}")
        if not out:
            raise QuizError("choose an answer first")
        if q["type"] == "single" and len(set(out)) > 1:
            raise QuizError("this question takes one answer only")
        return tuple(sorted(set(out)))

    def submit(self, choice: int | str | Sequence[int | str]) -> AnswerResult:
        """Answer the current question with answer indices or texts; returns the feedback earned."""
        chosen = self._indices(choice)
        q = self.current
        answers = q["answers"]
        right = {i for i, a in enumerate(answers) if a["correct"]}
        correct = set(chosen) == right
        result = AnswerResult(
            question_id=q["id"],
            correct=correct,
            chosen=chosen,
            feedback=tuple(answers[i]["feedback"] for i in chosen),
            diagnoses=tuple(answers[i]["diagnosis"] for i in chosen if not answers[i]["correct"]),
            missed=tuple(answers[i]["text"] for i in sorted(right - set(chosen))),
            explanation=q.get("explanation", ""),
            correct_answers=tuple(answers[i]["text"] for i in sorted(right)),
        )
        results = dict(self.results)
        results[q["id"]] = result
        self.results = results
        if self.practising and self.scheduler is not None:
            self.scheduler.record(q["id"], correct, self.day)
        self.attempts += 1
        self.score = sum(1 for r in results.values() if r.correct)
        return result

    def next(self) -> dict | None:
        """Move to the next question; returns it (None when the round is finished)."""
        if not self.finished:
            self.position += 1
        return self.current

    def retry_missed(self) -> int:
        """Start a new round with only the questions missed so far (retrieval practice). Returns how many."""
        missed = set(self.missed)
        if not missed:
            return 0
        self.order = [i for i, q in enumerate(self.questions) if q["id"] in missed]
        self.position = 0
        self.round += 1
        return len(self.order)

    # -- practice mode (Leitner boxes) -----------------------------------------------------------------------------
    def start_practice(self, day: int | None = None, intervals=DEFAULT_INTERVALS) -> int:
        """Start (or continue) practice on ``day``: a round of the questions due that day. Returns how many.

        The first call creates the scheduler with every question due on day 0.
        """
        if self.scheduler is None:
            self.scheduler = LeitnerScheduler([q["id"] for q in self.questions], intervals=intervals)
        if day is not None:
            if isinstance(day, bool) or not isinstance(day, int) or day < 0:
                raise QuizError(f"the practice day must be a whole number from 0, got {day!r}")
            self.day = day
        due = set(self.scheduler.due(self.day))
        self.practising = True
        self.order = [i for i, q in enumerate(self.questions) if q["id"] in due]
        self.position = 0
        return len(self.order)

    def start_round(self, question_ids: Iterable[str]) -> int:
        """Start a practice round of the given questions (e.g. those a review deck says are due). Returns how many."""
        wanted = set(question_ids)
        unknown = wanted - {q["id"] for q in self.questions}
        if unknown:
            raise QuizError(f"no such question(s) in this quiz: {', '.join(sorted(unknown))}")
        self.practising = True
        self.order = [i for i, q in enumerate(self.questions) if q["id"] in wanted]
        self.position = 0
        return len(self.order)

    def next_practice_day(self) -> int:
        """Jump to the next day on which questions are due and start its round; returns that day."""
        if self.scheduler is None:
            self.start_practice(0)
            return 0
        nxt = self.scheduler.next_day_with_work(self.day)
        if nxt is None:
            raise QuizError("nothing is scheduled any more")
        self.start_practice(nxt)
        return nxt

    def stop_practice(self) -> None:
        """Leave practice mode and go back to the whole quiz (answers and scheduler are kept)."""
        self.practising = False
        self.order = list(range(len(self.questions)))
        self.position = 0

    def reset(self) -> None:
        """Forget every answer and start again from the first question."""
        self.scheduler = None
        self.practising = False
        self.day = 0
        self.results = {}
        self.score = 0
        self.attempts = 0
        self.round = 1
        self.order = list(range(len(self.questions)))
        self.position = 0


