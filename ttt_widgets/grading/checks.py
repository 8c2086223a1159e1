"""Partial credit with feedback that teaches, for the test cells of the kit's nbgrader assignments.

nbgrader gives a test cell full marks when it runs without error, 0 when it raises, and a partial score when the
cell's last expression is a number (nbgrader documentation, "Autograded answers: partial credit",
https://nbgrader.readthedocs.io/en/stable/user_guide/creating_and_grading_assignments.html). A
:class:`Checklist` collects checks worth points each, prints what to fix and why for every check that failed, and
its :meth:`Checklist.score` is that number. It never writes to stderr (nbgrader scores a cell with any stderr
output 0) and never lets a student's wrong type or exception escape: a check that raises counts as failed and
its error is shown with the advice.

>>> check = Checklist("Objectives")
>>> check.that(True, 1, "Use an observable verb.")
True
>>> check.that(lambda: 1 / 0, 1, "Say who learns.", why="An objective names its audience.")
False
>>> check.score()  # doctest: +NORMALIZE_WHITESPACE
Objectives: 1 of 2 points.
- [ ] Say who learns. Why: An objective names its audience. (ZeroDivisionError: division by zero)
1.0
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Checklist", "CheckItem"]

#: feedback lines wrap at this many characters
WIDTH = 88


@dataclass(frozen=True)
class CheckItem:
    """One check: its points, whether it passed, the advice shown when it failed, and why it matters."""

    points: float
    passed: bool
    fix: str
    why: str = ""
    error: str = ""


class Checklist:
    """Checks worth points; ``score()`` prints the feedback and returns the points earned.

    Parameters
    ----------
    title : str
        Shown first in the feedback (e.g. the task's name).
    """

    def __init__(self, title: str = "Checks"):
        self.title = title
        self.items: list[CheckItem] = []

    def that(self, condition: bool | Callable[[], Any], points: float, fix: str, why: str = "") -> bool:
        """Record a check worth ``points``: ``condition`` is a bool or a function called now (its errors count as a
        failed check). ``fix`` says what to change; ``why`` says why it matters (the lesson behind the check)."""
        if points < 0:
            raise ValueError("points must be 0 or more")
        error = ""
        try:
            passed = bool(condition() if callable(condition) else condition)
        except Exception as exc:  # noqa: BLE001 - a student's answer may raise anything; it is feedback, not a crash
            passed, error = False, f"{type(exc).__name__}: {exc}"[:300]
        self.items.append(CheckItem(float(points), passed, fix, why, error))
        return passed

    @property
    def earned(self) -> float:
        return float(sum(i.points for i in self.items if i.passed))

    @property
    def possible(self) -> float:
        return float(sum(i.points for i in self.items))

    def feedback(self) -> str:
        lines = [f"{self.title}: {self.earned:g} of {self.possible:g} points."]
        for item in self.items:
            if not item.passed:
                text = f"- [ ] {item.fix}"
                if item.why:
                    text += f" Why: {item.why}"
                if item.error:
                    text += f" ({item.error})"
                # wrapped, so the feedback page and a narrow notebook show it without a horizontal scroll
                lines.append(textwrap.fill(text, WIDTH, subsequent_indent="      ", break_long_words=False,
                                           break_on_hyphens=False))
        if len(lines) == 1:
            lines.append("Every check passed.")
        return "\n".join(lines)

    def score(self) -> float:
        """Print the feedback; return the points earned (the cell's partial score for nbgrader)."""
        print(self.feedback())
        return self.earned
