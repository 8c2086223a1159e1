"""Is training the answer? A yes/no walk through the causes of a performance problem.

Mager & Pipe (1997), *Analyzing Performance Problems* (3rd ed.), ask a fixed series of questions before anyone
designs a course: is the problem worth solving, are expectations clear, are the tools there, does doing it right pay
off, could they do it if their life depended on it, and so on. Most answers lead away from training. The questions,
their order and the advice at each end are content (``content/performance-analysis/mager-pipe.yaml``); this module
checks that the content forms a proper walk (every question reaches an outcome, no loops, no dead ends, every
example case reaches the outcome it claims) and keeps the state of one walk.

>>> walk = PerformanceAnalysis()
>>> walk.answer(True); walk.answer(False)
>>> walk.outcome["id"], walk.training_needed
('clarify', False)
>>> walk.back(); walk.question["id"]
'expectations'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from traitlets import HasTraits, Instance, List, Unicode

__all__ = ["PerformanceAnalysis", "performance_analysis", "ANALYSES"]

#: the packaged walk
ANALYSES = "mager-pipe"

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _check(data: dict) -> dict:
    """Check the links of a walk and return it indexed: questions and outcomes by id."""
    name = data.get("id", "?")
    questions = {q["id"]: q for q in data["questions"]}
    outcomes = {o["id"]: o for o in data["outcomes"]}
    if len(questions) != len(data["questions"]) or len(outcomes) != len(data["outcomes"]):
        raise ValueError(f"performance analysis {name!r}: question and outcome ids must each be unique")
    both = set(questions) & set(outcomes)
    if both:
        raise ValueError(f"performance analysis {name!r}: {', '.join(sorted(both))} is both a question and an outcome")
    if data["start"] not in questions:
        raise ValueError(f"performance analysis {name!r}: the start {data['start']!r} is not a question")
    for q in questions.values():
        for side in ("yes", "no"):
            if q[side] not in questions and q[side] not in outcomes:
                raise ValueError(f"performance analysis {name!r}: question {q['id']!r} leads on {side!r} to "
                                 f"{q[side]!r}, which is neither a question nor an outcome")
    # depth-first from the start: no loops, every question and outcome is reached
    seen: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        if node in trail:
            raise ValueError(f"performance analysis {name!r}: the questions loop ({' -> '.join(trail + (node,))})")
        seen.add(node)
        if node in questions:
            for side in ("yes", "no"):
                visit(questions[node][side], trail + (node,))

    visit(data["start"], ())
    unreached = sorted((set(questions) | set(outcomes)) - seen)
    if unreached:
        raise ValueError(f"performance analysis {name!r}: no answers lead to {', '.join(unreached)}")
    if not any(o["training"] for o in outcomes.values()):
        raise ValueError(f"performance analysis {name!r}: no outcome says that training is the answer")
    indexed = {**data, "questions": questions, "outcomes": outcomes,
               "cases": {c["id"]: c for c in data.get("cases", [])}}
    for case in indexed["cases"].values():
        end = _follow(indexed, case["answers"])
        if end != case["outcome"]:
            raise ValueError(f"performance analysis {name!r}: case {case['id']!r} claims {case['outcome']!r}, but its "
                             f"answers lead to {end!r}")
    return indexed


def _follow(indexed: dict, answers: list[bool]) -> str | None:
    """Where a list of answers from the start leads: an outcome id, or None when the answers stop short or run over."""
    node = indexed["start"]
    for a in answers:
        if node not in indexed["questions"]:
            return None
        node = indexed["questions"][node]["yes" if a else "no"]
    return node if node in indexed["outcomes"] else None


@lru_cache(maxsize=8)
def _load(name: str) -> dict:
    from ..loader import load_content

    return _check(load_content("performance-analysis", name))


def performance_analysis(name: str = ANALYSES) -> dict:
    """The walk ``name``, checked: ``{"questions": {id: ...}, "outcomes": {id: ...}, "cases": {id: ...}, ...}``."""
    data = _load(name)
    return {**data, "questions": dict(data["questions"]), "outcomes": dict(data["outcomes"]),
            "cases": dict(data["cases"])}


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"answer yes or no, got {value!r}")


class PerformanceAnalysis(HasTraits):
    """One walk through the questions: answer yes or no until an outcome says what to do.

    Parameters
    ----------
    name : str
        The content file (default the packaged ``mager-pipe``).

    Examples
    --------
    >>> w = PerformanceAnalysis()
    >>> w.follow(w.case("new-software")["answers"])
    'train'
    """

    name = Unicode(ANALYSES, help="The content file of the walk.")
    node = Unicode(help="The id of the current question, or of the outcome once one is reached.")
    answers = List(help="The answers given so far, True for yes, in order.")
    case_id = Unicode("", help="The example case being worked through, or '' for the trainee's own problem.")
    outcome = Instance(dict, allow_none=True, help="The outcome reached, or None while questions remain.")

    def __init__(self, name: str = ANALYSES, **kwargs: Any) -> None:
        data = _load(name)
        super().__init__(name=name, node=data["start"], **kwargs)
        self._data = data

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self._data["title"]

    @property
    def sources(self) -> list[str]:
        return list(self._data["sources"])

    @property
    def question(self) -> dict | None:
        """The current question (``id``, ``text``, ``hint``...), or None once an outcome is reached."""
        q = self._data["questions"].get(self.node)
        return dict(q) if q else None

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def training_needed(self) -> bool | None:
        """True when the outcome says training is the answer; None while questions remain."""
        return None if self.outcome is None else bool(self.outcome["training"])

    @property
    def steps(self) -> list[tuple[str, bool]]:
        """(question text, answer) for every answer given so far."""
        out, node = [], self._data["start"]
        for a in self.answers:
            q = self._data["questions"][node]
            out.append((q["text"], a))
            node = q["yes" if a else "no"]
        return out

    @property
    def cases(self) -> list[dict]:
        """The example cases of the walk (id, title, text, answers, outcome, why)."""
        return [dict(c) for c in self._data["cases"].values()]

    def case(self, case_id: str) -> dict:
        try:
            return dict(self._data["cases"][case_id])
        except KeyError:
            raise ValueError(f"no example case {case_id!r} (there are: {', '.join(self._data['cases'])})") from None

    @property
    def case_verdict(self) -> str | None:
        """Once an example case is finished: whether the walk reached that case's outcome, and why it is right."""
        if not self.case_id or self.outcome is None:
            return None
        c = self._data["cases"][self.case_id]
        if self.outcome["id"] == c["outcome"]:
            return f"This is where the case leads. {c['why']}"
        expected = self._data["outcomes"][c["outcome"]]["title"]
        return f"This case leads elsewhere: {expected}. {c['why']} Go back and look at your answers again."

    # -- actions ---------------------------------------------------------------------------------------------
    def answer(self, value: Any) -> None:
        """Answer the current question with yes (True) or no (False)."""
        yes = _as_bool(value)
        q = self._data["questions"].get(self.node)
        if q is None:
            raise ValueError("the walk has reached its outcome: go back or start again to change an answer")
        self._go(q["yes" if yes else "no"], self.answers + [yes])

    def back(self) -> None:
        """Undo the last answer (nothing happens at the first question)."""
        if self.answers:
            self.follow(self.answers[:-1])

    def restart(self, case_id: str = "") -> None:
        """Start again at the first question, on an example case or (with ``''``) on the trainee's own problem."""
        if case_id:
            self.case(case_id)
        self.case_id = case_id
        self.follow([])

    def follow(self, answers: list[Any]) -> str:
        """Answer a list of questions from the start; returns the id of the node reached."""
        self._go(self._data["start"], [])
        for a in answers:
            self.answer(a)
        return self.node

    def _go(self, node: str, answers: list[bool]) -> None:
        self.answers = answers
        self.node = node
        out = self._data["outcomes"].get(node)
        self.outcome = dict(out) if out else None
