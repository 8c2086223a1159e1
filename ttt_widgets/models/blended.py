"""A blended programme: components (self-paced online, live online, classroom, on-the-job practice, mentoring)
with hours, cost and learners; totals, cost per learner, share of practice; two designs side by side.

The "share of practice" is the share of learner-hours spent practising at work (on-the-job practice) and learning
from others (mentoring). It is often compared with the 70:20:10 heuristic of Lombardo, M. M. & Eichinger, R. W.
(1996), *The Career Architect Development Planner*, Lominger: 70% from experience, 20% from others, 10% from formal
courses; Clardy, A. (2018), "70-20-10 and the dominance of informal learning: a fact in search of evidence",
*Human Resource Development Review* 17(2), 153-178, shows how weak the evidence for those exact numbers is, so the
kit shows the shares without grading a design against them.

>>> p = BlendedProgramme("Pilot", learners=20, components=[
...     {"kind": "classroom", "hours": 12, "fixed_cost": 3000},
...     {"kind": "on-the-job practice", "hours": 8, "cost_per_learner": 50}])
>>> p.total_cost, p.cost_per_learner, p.hours_per_learner, round(p.practice_share, 2)
(4000.0, 200.0, 20.0, 0.4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = ["BlendedProgramme", "Component", "COMPONENT_KINDS", "PRACTICE_KINDS", "compare"]

COMPONENT_KINDS = ("self-paced online", "live online", "classroom", "on-the-job practice", "mentoring")
#: kinds counted as practice (experience and learning from others, the "70" and "20" of Lombardo & Eichinger 1996)
PRACTICE_KINDS = ("on-the-job practice", "mentoring")


def _num(name: str, value: Any, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if value < 0 or value > high:
        raise ValueError(f"{name} must be between 0 and {high:g}, got {value:g}")
    return float(value)


@dataclass
class Component:
    """One part of a programme.

    ``hours`` are per learner; the cost is ``fixed_cost + cost_per_learner * learners``; ``learners`` defaults to
    everyone in the programme (e.g. mentoring may reach only some).
    """

    kind: str
    hours: float
    fixed_cost: float = 0.0
    cost_per_learner: float = 0.0
    learners: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in COMPONENT_KINDS:
            raise ValueError(f"component kind must be one of {', '.join(COMPONENT_KINDS)}, got {self.kind!r}")
        self.hours = _num(f"{self.kind}: hours", self.hours, 10_000)
        self.fixed_cost = _num(f"{self.kind}: fixed cost", self.fixed_cost, 1e9)
        self.cost_per_learner = _num(f"{self.kind}: cost per learner", self.cost_per_learner, 1e7)
        if self.learners is not None:
            if isinstance(self.learners, bool) or not isinstance(self.learners, int) or self.learners < 0:
                raise ValueError(f"{self.kind}: learners must be a whole number of 0 or more, got {self.learners!r}")
        if not isinstance(self.label, str) or len(self.label) > 120:
            raise ValueError(f"{self.kind}: label must be text of at most 120 characters")


@dataclass
class BlendedProgramme:
    """A programme as a list of components, with totals.

    Parameters
    ----------
    name : str
    learners : int
        Learners in the programme (at least 1).
    components : list of Component or dict

    Examples
    --------
    >>> BlendedProgramme("A", 10, [{"kind": "mentoring", "hours": 5, "cost_per_learner": 100}]).cost_per_learner
    100.0
    """

    name: str
    learners: int
    components: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 120:
            raise ValueError("a programme needs a name of 1 to 120 characters")
        if isinstance(self.learners, bool) or not isinstance(self.learners, int) or not 1 <= self.learners <= 1_000_000:
            raise ValueError(f"learners must be a whole number from 1 to 1,000,000, got {self.learners!r}")
        given, self.components = self.components, []
        for c in given:
            self.add(c)

    @classmethod
    def from_content(cls, name: str) -> "BlendedProgramme":
        from ..loader import load_content

        data = load_content("blended-designs", name)
        return cls(data["name"], data["learners"], data["components"])

    def add(self, component: Component | dict) -> Component:
        c = component if isinstance(component, Component) else Component(**component)
        if c.learners is not None and c.learners > self.learners:
            raise ValueError(f"{c.kind}: {c.learners} learners is more than the {self.learners} in the programme")
        self.components.append(c)
        return c

    def remove(self, index: int) -> Component:
        if not 0 <= index < len(self.components):
            raise ValueError(f"there is no component number {index + 1}")
        return self.components.pop(index)

    def _n(self, c: Component) -> int:
        return self.learners if c.learners is None else c.learners

    def cost_of(self, c: Component) -> float:
        return c.fixed_cost + c.cost_per_learner * self._n(c)

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost_of(c) for c in self.components))

    @property
    def cost_per_learner(self) -> float:
        return self.total_cost / self.learners

    @property
    def learner_hours(self) -> float:
        return float(sum(c.hours * self._n(c) for c in self.components))

    @property
    def hours_per_learner(self) -> float:
        """Average hours per learner (learner-hours / learners)."""
        return self.learner_hours / self.learners

    def hours_by_kind(self) -> dict[str, float]:
        """Average hours per learner in each kind of component."""
        out = {k: 0.0 for k in COMPONENT_KINDS}
        for c in self.components:
            out[c.kind] += c.hours * self._n(c) / self.learners
        return out

    @property
    def practice_share(self) -> float:
        """Share of learner-hours in on-the-job practice and mentoring (0 when there are no hours)."""
        total = self.learner_hours
        if total == 0:
            return 0.0
        return sum(c.hours * self._n(c) for c in self.components if c.kind in PRACTICE_KINDS) / total

    def totals(self) -> dict[str, float]:
        return {
            "learners": self.learners,
            "hours_per_learner": self.hours_per_learner,
            "total_cost": self.total_cost,
            "cost_per_learner": self.cost_per_learner,
            "practice_share": self.practice_share,
        }


def compare(a: BlendedProgramme, b: BlendedProgramme) -> list[tuple[str, float, float]]:
    """Rows ``(measure, value of a, value of b)`` for a side-by-side table."""
    ta, tb = a.totals(), b.totals()
    rows = [(k.replace("_", " "), ta[k], tb[k]) for k in ta]
    ha, hb = a.hours_by_kind(), b.hours_by_kind()
    rows += [(f"hours: {k}", ha[k], hb[k]) for k in COMPONENT_KINDS]
    return rows
