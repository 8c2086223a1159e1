"""Multiple-choice items with diagnostic distractors: a trainee's draft, checks with reasons, and export to a quiz.

Each wrong option (distractor) names the misconception that leads a learner to choose it, so a wrong answer tells the
trainer what to re-teach. The checks follow the item-writing guidelines reviewed by Haladyna, Downing & Rodriguez
(2002): plausible distractors, no "all/none of the above", options of similar length, no duplicates; three options
are usually enough (Rodriguez, 2005). Thresholds and banned phrases are content data (``content/mcq-rules/``).

The finished item becomes a quiz in the format of ``content/schemas/quizzes.schema.json``, so it plays in the
:class:`~ttt_widgets.views.quiz.Quiz` widget and can be saved as YAML for a trainee's own sessions.

>>> item = MCQItem(stem="What does a learner's wrong answer on a diagnostic item tell the trainer?",
...                answer="Which misconception to address")
>>> _ = item.add_distractor("That the learner did not study", "Attributing errors to effort, not to a misconception")
>>> _ = item.add_distractor("Nothing useful: only the score matters", "Seeing assessment only as grading")
>>> [c.code for c in item.checks() if not c.ok]
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from traitlets import HasTraits, List, Unicode

from ..loader import load_content, validate_content
from .objectives import clean_text

__all__ = ["Distractor", "ItemCheck", "MCQItem", "mcq_rules"]


@lru_cache(maxsize=1)
def mcq_rules() -> dict:
    return load_content("mcq-rules", "haladyna")


@dataclass(frozen=True)
class Distractor:
    """A wrong option and the misconception it diagnoses."""

    text: str
    diagnosis: str
    feedback: str = ""


@dataclass(frozen=True)
class ItemCheck:
    """The outcome of one item-writing check, with its reason."""

    code: str
    ok: bool
    message: str


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or "item"


class MCQItem(HasTraits):
    """A multiple-choice item being written: a stem, the right answer and distractors with diagnoses.

    Examples
    --------
    >>> item = MCQItem(stem="2 + 2 = ?", answer="4")
    >>> _ = item.add_distractor("22", "Joins the digits instead of adding")
    >>> item.problems[0]
    'Write at least 2 distractors (wrong options); there is 1.'
    """

    stem = Unicode("", help="The question stem.")
    answer = Unicode("", help="The right answer.")
    explanation = Unicode("", help="Shown after answering, whatever the answer (optional).")
    distractors = List(help="The wrong options, as Distractor objects.")

    def __init__(self, stem: str = "", answer: str = "", distractors: Any = (), explanation: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        if stem:
            self.set_stem(stem)
        if answer:
            self.set_answer(answer)
        self.explanation = clean_text(explanation, "explanation", required=False)
        for d in distractors:
            if isinstance(d, Distractor):
                self.add_distractor(d.text, d.diagnosis, d.feedback)
            elif isinstance(d, dict):
                self.add_distractor(d.get("text"), d.get("diagnosis"), d.get("feedback", ""))
            else:
                self.add_distractor(*d)

    # -- editing ---------------------------------------------------------------------------------------------
    def set_stem(self, text: Any) -> None:
        self.stem = clean_text(text, "question stem")

    def set_answer(self, text: Any) -> None:
        self.answer = clean_text(text, "right answer", limit=500)

    def add_distractor(self, text: Any, diagnosis: Any = "", feedback: Any = "") -> Distractor:
        """Add a wrong option; ``diagnosis`` names the misconception behind it (the checks flag a missing one)."""
        d = Distractor(clean_text(text, "distractor", limit=500), clean_text(diagnosis, "diagnosis", required=False),
                       clean_text(feedback, "feedback", required=False))
        if len(self.distractors) >= mcq_rules()["max_distractors"]:
            raise ValueError(f"An item needs at most {mcq_rules()['max_distractors']} distractors; three options "
                             "in all are usually enough.")
        self.distractors = [*self.distractors, d]
        return d

    def update_distractor(self, index: int, text: Any = None, diagnosis: Any = None, feedback: Any = None) -> Distractor:
        old = self.distractors[self._index(index)]
        new = Distractor(
            clean_text(old.text if text is None else text, "distractor", limit=500),
            clean_text(old.diagnosis if diagnosis is None else diagnosis, "diagnosis", required=False),
            clean_text(old.feedback if feedback is None else feedback, "feedback", required=False),
        )
        ds = list(self.distractors)
        ds[self._index(index)] = new
        self.distractors = ds
        return new

    def remove_distractor(self, index: int) -> Distractor:
        i = self._index(index)
        ds = list(self.distractors)
        removed = ds.pop(i)
        self.distractors = ds
        return removed

    def _index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.distractors):
            raise ValueError(f"There is no distractor number {index!r} ({len(self.distractors)} written).")
        return index

    # -- checks ----------------------------------------------------------------------------------------------
    def options(self) -> list[str]:
        return [t for t in [self.answer, *(d.text for d in self.distractors)] if t]

    def checks(self) -> tuple[ItemCheck, ...]:
        """Every item-writing check, in a fixed order, each with its reason."""
        rules = mcq_rules()
        out: list[ItemCheck] = []
        out.append(ItemCheck("stem", bool(self.stem), "The stem asks a question." if self.stem else
                             "Write the question stem."))
        out.append(ItemCheck("answer", bool(self.answer), "The right answer is written." if self.answer else
                             "Write the right answer."))
        n, least = len(self.distractors), rules["min_distractors"]
        out.append(ItemCheck("distractors", n >= least, f"There are {n} distractors." if n >= least else
                             f"Write at least {least} distractors (wrong options); there {'is' if n == 1 else 'are'} {n}."))
        undiagnosed = [i for i, d in enumerate(self.distractors, 1) if not d.diagnosis]
        out.append(ItemCheck("diagnosis", not undiagnosed, "Every distractor names the misconception it diagnoses."
                             if not undiagnosed else "Distractor " + ", ".join(map(str, undiagnosed)) +
                             " has no diagnosis: name the misconception that would lead a learner to choose it."))
        banned = [o for o in self.options() if any(_norm(b) == _norm(o) or _norm(o).startswith(_norm(b) + " ")
                                                   for b in rules["banned_options"])]
        out.append(ItemCheck("banned", not banned, "No 'all of the above' or 'none of the above'." if not banned else
                             f"Avoid '{banned[0]}': it can be answered by spotting two true (or one false) options "
                             "without knowing the answer, and it diagnoses nothing."))
        options = self.options()
        dupes = sorted({o for o in options if [_norm(x) for x in options].count(_norm(o)) > 1})
        out.append(ItemCheck("duplicates", not dupes, "All options differ." if not dupes else
                             f"'{dupes[0]}' appears more than once: every option must be different."))
        if len(options) >= 2:
            lengths = [len(o) for o in options]
            ratio = max(lengths) / max(1, min(lengths))
            others = [len(d.text) for d in self.distractors] or [1]
            answer_ratio = len(self.answer) / (sum(others) / len(others)) if self.answer else 0
            if (answer_ratio > rules["max_answer_vs_mean"] and max(lengths) == len(self.answer)
                    and len(self.answer) - min(others) > rules["min_length_gap"]):
                out.append(ItemCheck("length", False, f"The right answer is the longest option ({len(self.answer)} "
                                     f"characters, {answer_ratio:.1f} times the distractors' average): test-wise "
                                     "learners pick the longest option, so make the options similar in length."))
            elif ratio > rules["max_length_ratio"] and max(lengths) - min(lengths) > rules["min_length_gap"]:
                out.append(ItemCheck("length", False, f"The options differ a lot in length ({min(lengths)} to "
                                     f"{max(lengths)} characters): make them similar so length gives nothing away."))
            else:
                out.append(ItemCheck("length", True, "The options are of similar length."))
        stem_words = set(_norm(self.stem).split())
        negative = [w for w in rules["banned_stem_words"] if w in stem_words and re.search(r"\b" + w.upper() + r"\b", self.stem) is None]
        if negative:
            out.append(ItemCheck("negative", False, f"The stem uses '{negative[0]}': negative stems are easy to misread; "
                                 "ask positively, or write the word in capitals (NOT) if you must keep it."))
        return tuple(out)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(c.message for c in self.checks() if not c.ok)

    @property
    def ready(self) -> bool:
        return not self.problems

    # -- export ----------------------------------------------------------------------------------------------
    def to_quiz(self, quiz_id: str | None = None, title: str = "My question", force: bool = False) -> dict:
        """The item as a one-question quiz (quizzes schema), validated. Refuses an item with problems unless ``force``."""
        if not force and self.problems:
            raise ValueError("The item is not ready: " + self.problems[0])
        if not self.stem or not self.answer or not self.distractors:
            raise ValueError("The item needs a stem, a right answer and at least one distractor.")
        qid = _slug(self.stem)
        answers = [{"text": self.answer, "correct": True, "feedback": "Right." + (f" {self.explanation}" if self.explanation else "")}]
        for d in self.distractors:
            answers.append({"text": d.text, "correct": False,
                            "feedback": d.feedback or "Not quite: think again about what the question asks.",
                            "diagnosis": d.diagnosis or "(no diagnosis written)"})
        # a fixed, stem-dependent position for the right answer, so it is not always first
        shift = sum(map(ord, self.stem)) % len(answers)
        answers = answers[-shift:] + answers[:-shift] if shift else answers
        question = {"id": qid, "type": "single", "prompt": self.stem, "answers": answers}
        if self.explanation:
            question["explanation"] = self.explanation
        data = {"id": quiz_id or qid, "title": clean_text(title, "quiz title", limit=200), "questions": [question]}
        return validate_content(data, "quizzes", "your question")

    def to_yaml(self, **kwargs: Any) -> str:
        import yaml

        return yaml.safe_dump(self.to_quiz(**kwargs), sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: str | Path, **kwargs: Any) -> Path:
        """Save as a quiz YAML file; with an existing quiz file there, the question is appended to it."""
        import yaml

        from ..loader import load_file

        path = Path(path)
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise ValueError(f"Save as a .yaml file (got '{path.name}').")
        data = self.to_quiz(**kwargs)
        if path.exists():
            existing = load_file(path, "quizzes")
            ids = {q["id"] for q in existing["questions"]}
            question = data["questions"][0]
            base, n = question["id"], 2
            while question["id"] in ids:
                question["id"] = f"{base}-{n}"
                n += 1
            if any(q["prompt"] == question["prompt"] for q in existing["questions"]):
                raise ValueError(f"{path.name} already has a question with this stem.")
            existing["questions"].append(question)
            data = validate_content(existing, "quizzes", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
        return path
