"""Trainers' questions: open or closed, the Bloom level they ask for, and an open rewrite of a closed question.

A closed question has one acceptable answer, often yes or no, one of the options it offers, or a single fact; an
open question admits many answers and asks for reasons, explanations, examples or ideas (Brown & Wragg, 1993).
"Did everyone understand?" checks nothing: learners nod (Walsh & Sattes, 2005). The level estimate uses cue words
for the six levels of the revised taxonomy (Anderson & Krathwohl, 2001). Every rule, word list and rewrite pattern
is content data (``content/question-rules/default.yaml``); the result is deterministic.

>>> q = classify_question("Did everyone understand?")
>>> q.kind, q.bloom_level
('closed', 'remember')
>>> q.suggestion
'What is one point from this part you could explain to a colleague, and what is still unclear?'
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from traitlets import Dict, HasTraits, Int, List, Unicode

from ..loader import load_content, validate_content
from .objectives import BLOOM_LEVELS, _restore_case, clean_text

__all__ = ["QuestionAnalysis", "classify_question", "QuestionPractice", "SortResult"]

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")


@dataclass(frozen=True)
class QuestionAnalysis:
    """What :func:`classify_question` found.

    Attributes
    ----------
    kind : str
        ``"open"`` or ``"closed"``.
    bloom_level : str
        The best estimate of the level the question asks for (``"remember"`` when no cue is found).
    suggestion : str or None
        For a closed question, an open rewrite that invites explanation; None for an open question.
    reason : str
        Why it was classified so, in plain language.
    """

    text: str
    kind: str
    bloom_level: str
    suggestion: str | None
    reason: str
    problems: tuple[str, ...] = ()


def _phrase_regex(phrases) -> re.Pattern:
    parts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![a-z'])(?:" + "|".join(re.escape(p) for p in parts) + r")(?![a-z'])")


@dataclass(frozen=True)
class _Rules:
    lead_in: re.Pattern
    open_cue: re.Pattern
    yes_no: re.Pattern
    fact: re.Pattern
    fact_patterns: tuple
    generic: tuple
    generic_suggestion: str
    tag: re.Pattern
    tag_patterns: tuple
    levels: tuple  # (level, compiled regex), highest first
    rewrites: tuple  # (compiled regex, template)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_content("question-rules", "default")
    leads = sorted(data["lead_ins"], key=len, reverse=True)
    levels = sorted(data["levels"], key=lambda lv: BLOOM_LEVELS.index(lv["id"]), reverse=True)
    return _Rules(
        lead_in=re.compile(r"^(?:(?:" + "|".join(re.escape(x) for x in leads) + r")\s*[,:;.!-]\s*)+"),
        open_cue=_phrase_regex(data["open_cues"]),
        yes_no=re.compile(r"^(?:" + "|".join(re.escape(x) for x in sorted(data["yes_no_starters"], key=len, reverse=True)) + r")(?![a-z'])"),
        fact=re.compile(r"^(?:" + "|".join(re.escape(x) for x in sorted(data["fact_starters"], key=len, reverse=True)) + r")(?![a-z'])"),
        fact_patterns=tuple(re.compile(x) for x in data.get("fact_patterns", [])),
        generic=tuple(re.compile(x) for x in data.get("generic_checks", [])),
        generic_suggestion=data.get("generic_suggestion", ""),
        tag=re.compile(r"[,;-]\s*(?:" + "|".join(re.escape(x) for x in sorted(data["tag_endings"], key=len, reverse=True)) + r")\s*$"),
        tag_patterns=tuple(re.compile(x) for x in data.get("tag_patterns", [])),
        levels=tuple((lv["id"], _phrase_regex(lv["cues"]), tuple(re.compile(x) for x in lv.get("patterns", [])))
                     for lv in levels),
        rewrites=tuple((re.compile(r["pattern"]), r["open"]) for r in data["rewrites"]),
    )


_CONTRACTIONS = (
    (re.compile(r"\b(what|that|it|there|who|where|how|here)'s\b"), r"\1 is"),
    (re.compile(r"\b(i|you|we|they|he|she|who)'d\b"), r"\1 would"),
    (re.compile(r"\b(you|we|they|who)'re\b"), r"\1 are"),
    (re.compile(r"\b(i|you|we|they|who)'ve\b"), r"\1 have"),
    (re.compile(r"\b(i|you|we|they|he|she|it|who)'ll\b"), r"\1 will"),
)


def _normalise(text: str) -> str:
    """Lower case, markup removed, typographic quotes straightened, common contractions expanded."""
    plain = _TAG.sub(" ", text).replace("\u2019", "'").replace("\u2018", "'")
    plain = re.sub(r"\s+", " ", plain.lower()).strip()
    for pattern, repl in _CONTRACTIONS:
        plain = pattern.sub(repl, plain)
    return plain


def _first_question(plain: str) -> str:
    """The question sentence: the last sentence ending in '?', else the whole text; without the final '?'."""
    parts = [p.strip() for p in re.split(r"(?<=[?])\s+", plain) if p.strip()]
    asked = [p for p in parts if p.endswith("?")]
    sentence = asked[0] if asked else plain
    return sentence.rstrip(" ?.!").strip()


def _rewrite(core: str, rules: _Rules) -> str:
    for pattern, template in rules.rewrites:
        m = pattern.match(core)
        if m is None:
            continue
        groups = {k: (v or "") for k, v in m.groupdict().items()}
        topic = groups.get("topic", "")
        groups["topic_suffix"] = f" about {topic}" if topic else ""
        groups["topic_of"] = f" of {topic}" if topic else " of this"
        out = template.format(**groups).strip()
        out = re.sub(r"\s+", " ", out).rstrip(" ?.")
        return out[:1].upper() + out[1:] + "?"
    return "What makes you say that?"  # pragma: no cover - the content ends with a catch-all pattern


def classify_question(text: str) -> QuestionAnalysis:
    """Classify a trainer's question as open or closed, estimate its Bloom level, and rewrite it if closed.

    Parameters
    ----------
    text : str
        One question, in any letter case, at most 2,000 characters.

    Raises
    ------
    ValueError
        If ``text`` is not a string, is empty or is too long.

    Examples
    --------
    >>> q = classify_question("Why do you think the pilot group dropped out?")
    >>> q.kind, q.bloom_level, q.suggestion
    ('open', 'analyze', None)
    """
    raw = clean_text(text, "question")
    rules = _rules()
    problems = []
    if _TAG.search(raw):
        problems.append("The question contains HTML or other markup (<...>): write it as plain text.")
    plain = _normalise(raw)
    if not any(ch.isalpha() for ch in plain):
        raise ValueError("The question has no words: type a question in plain English.")
    core = _first_question(plain)
    core = rules.lead_in.sub("", core).strip()

    open_cue = rules.open_cue.search(core)
    tagged = rules.tag.search(core) or any(p.search(core) for p in rules.tag_patterns)
    if tagged and not core.startswith(("why", "how")):
        kind, reason = "closed", "It ends with a tag ('..., right?') that asks only for agreement."
    elif rules.yes_no.match(core):
        if open_cue:
            kind, reason = "open", f"It starts like a yes/no question but asks for more ('{open_cue.group(0)}')."
        else:
            kind, reason = "closed", f"It can be answered with yes or no (it starts with '{core.split(' ')[0]}')."
    elif rules.fact.match(core) or any(p.match(core) for p in rules.fact_patterns):
        start = rules.fact.match(core)
        opening = start.group(0) if start else " ".join(core.split(" ")[:4])
        if open_cue:
            kind, reason = "open", f"It asks for a fact and for more ('{open_cue.group(0)}')."
        else:
            kind, reason = "closed", f"One fact answers it (it starts with '{opening}')."
    else:
        kind, reason = "open", "It invites an explanation, a reason, an example or an idea, not one fixed answer."
    level = "remember"
    for level_id, cues, patterns in rules.levels:
        if cues.search(core) or any(p.search(core) for p in patterns):
            level = level_id
            break
    suggestion = _restore_case(_rewrite(core, rules), raw, names=True) if kind == "closed" else None
    if kind == "open" and any(p.match(core) for p in rules.generic):
        level = "remember"
        reason = "It is open in form, but it asks nothing about the content: most people stay silent."
        problems.append("A generic check: ask about the content itself, so that answers show what people understood.")
        suggestion = rules.generic_suggestion
    return QuestionAnalysis(text=raw, kind=kind, bloom_level=level, suggestion=suggestion, reason=reason,
                            problems=tuple(problems))


# -- practice mode -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortResult:
    """The feedback on one sorted question in practice mode."""

    question_id: str
    kind_correct: bool
    level_correct: bool
    expected_kind: str
    expected_level: str
    why: str

    @property
    def correct(self) -> bool:
        return self.kind_correct and self.level_correct


class QuestionPractice(HasTraits):
    """Practice mode: sort the questions of a bank by kind (open/closed) and Bloom level, with feedback.

    Parameters
    ----------
    bank : str or dict
        The name of a packaged question bank, or a bank as a dict (``content/schemas/question-bank.schema.json``).
    seed : int or None
        Shuffle the questions with this seed (None keeps the bank's order).

    Examples
    --------
    >>> p = QuestionPractice("practice")
    >>> r = p.sort("closed", "remember")
    >>> r.correct, p.score
    (True, 1)
    """

    questions = List(help="The bank's questions, in practice order.")
    position = Int(0, help="Index of the question shown.")
    results = Dict(help="question id -> SortResult of the latest attempt.")
    score = Int(0, help="Questions sorted fully right (kind and level) at their latest attempt.")
    title = Unicode()

    def __init__(self, bank: str | dict = "practice", seed: int | None = None, **kwargs: Any) -> None:
        data = load_content("question-bank", bank) if isinstance(bank, str) else validate_content(bank, "question-bank", "question bank")
        questions = list(data["questions"])
        if seed is not None:
            random.Random(seed).shuffle(questions)
        super().__init__(questions=questions, title=data["title"], **kwargs)

    @property
    def current(self) -> dict | None:
        return self.questions[self.position] if self.position < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.questions)

    def sort(self, kind: str, level: str) -> SortResult:
        """Sort the current question; ValueError for an unknown kind or level or when the bank is finished."""
        q = self.current
        if q is None:
            raise ValueError("You have sorted every question: press 'Start again' to practise once more.")
        if kind not in ("open", "closed"):
            raise ValueError(f"Choose 'open' or 'closed' (not {kind!r}).")
        if level not in BLOOM_LEVELS:
            raise ValueError(f"Choose a Bloom level: {', '.join(BLOOM_LEVELS)} (not {level!r}).")
        result = SortResult(q["id"], kind == q["kind"], level == q["level"], q["kind"], q["level"], q["why"])
        results = dict(self.results)
        results[q["id"]] = result
        self.results = results
        self.score = sum(1 for r in results.values() if r.correct)
        return result

    def next(self) -> dict | None:
        if not self.finished:
            self.position += 1
        return self.current

    def reset(self) -> None:
        self.results = {}
        self.score = 0
        self.position = 0
