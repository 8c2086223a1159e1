"""Fidelity checklists: was a module delivered with its core components, when a trainer taught it to their own learners?

The core components of each module are content (``content/fidelity-checklists/kit-modules.yaml``): what must not
change when a trainer delivers the module. Timing, examples and wording may be adapted; leaving a component out
changes the module. An observer marks each component ``as-designed`` (full credit), ``adapted`` (half) or
``left-out`` (none); the checklist's score is the mean credit over the components marked. Fidelity in this sense
(adherence to the components of a programme) follows Carroll et al. (2007), *Implementation Science* 2:40, and
Dusenbury et al. (2003), *Health Education Research* 18(2), 237-256.

Each checklist carries the cascade generation of the trainer observed (0 = master trainers), so
:mod:`ttt_widgets.models.fidelity` can estimate how much of the delivery survives each hand-over.

>>> c = ObservationChecklist("05-facilitation-questions", trainer="ali", observer="kim", generation=1)
>>> c.mark("open-questions", "as-designed"); c.mark("wait-time", "adapted"); c.mark("everyone", "left-out")
>>> c.score()
0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .demo import as_date, clean_text

__all__ = ["ObservationChecklist", "core_components", "checklist_modules", "CHECKLISTS"]

#: the packaged checklists' content name
CHECKLISTS = "kit-modules"


@lru_cache(maxsize=4)
def _checklists(name: str = CHECKLISTS) -> dict:
    from ..loader import load_content

    data = load_content("fidelity-checklists", name)
    mods = {}
    for m in data["modules"]:
        ids = [c["id"] for c in m["components"]]
        if len(set(ids)) != len(ids):
            raise ValueError(f"fidelity checklist {m['id']!r}: component ids must differ")
        mods[m["id"]] = m
    return {"marks": {m["id"]: m for m in data["marks"]}, "modules": mods}


def checklist_modules() -> list[str]:
    """The modules that have a fidelity checklist."""
    return list(_checklists()["modules"])


def core_components(module: str) -> list[dict]:
    """The core components of ``module``: ``[{"id", "name", "evidence"}, ...]``."""
    mods = _checklists()["modules"]
    if module not in mods:
        raise ValueError(f"no fidelity checklist for module {module!r} (modules with one: {', '.join(mods)})")
    return [dict(c) for c in mods[module]["components"]]


@dataclass
class ObservationChecklist:
    """One observation of a trainer delivering one module: a mark per core component and an optional comment.

    Parameters
    ----------
    module : str
        A module with a checklist (:func:`checklist_modules`).
    trainer, observer : str
    generation : int
        The trainer's cascade generation (0 = master trainers).
    observed_on : date or str, optional
        Default today.
    """

    module: str
    trainer: str
    observer: str
    generation: int = 1
    observed_on: date | str | None = None
    comment: str = ""

    def __post_init__(self) -> None:
        self.components = {c["id"]: c for c in core_components(self.module)}
        self.trainer = clean_text(self.trainer, "trainer's id", limit=200)
        self.observer = clean_text(self.observer, "observer's name", limit=200)
        if isinstance(self.generation, bool) or not isinstance(self.generation, int) or not 0 <= self.generation <= 10:
            raise ValueError(f"the generation must be a whole number from 0 to 10, got {self.generation!r}")
        self.observed_on = as_date(self.observed_on, "observation date") or date.today()
        self.comment = clean_text(self.comment, "comment", required=False)
        self.marks: dict[str, str] = {}

    @property
    def mark_options(self) -> dict[str, dict]:
        """mark id -> {"label", "credit"}."""
        return {k: {"label": v["label"], "credit": v["credit"]} for k, v in _checklists()["marks"].items()}

    def mark(self, component: str, mark: str | None) -> None:
        """Mark one component (``None`` clears the mark)."""
        if component not in self.components:
            raise ValueError(f"{component!r} is not a core component of {self.module} "
                             f"(components: {', '.join(self.components)})")
        if mark is None:
            self.marks.pop(component, None)
            return
        if mark not in self.mark_options:
            raise ValueError(f"{mark!r} is not a mark (marks: {', '.join(self.mark_options)})")
        self.marks[component] = mark

    @property
    def complete(self) -> bool:
        """Every core component is marked."""
        return set(self.marks) == set(self.components)

    def missing(self) -> list[str]:
        """Components not marked yet."""
        return [c for c in self.components if c not in self.marks]

    def score(self) -> float | None:
        """Mean credit over the components marked (None if none is)."""
        if not self.marks:
            return None
        opts = self.mark_options
        return sum(opts[m]["credit"] for m in self.marks.values()) / len(self.marks)

    def left_out(self) -> list[str]:
        """Names of the components left out: what to coach on."""
        return [self.components[c]["name"] for c, m in self.marks.items() if self.mark_options[m]["credit"] == 0]

    def as_dict(self) -> dict:
        return {"module": self.module, "trainer": self.trainer, "observer": self.observer,
                "generation": self.generation, "observed_on": self.observed_on.isoformat(),
                "comment": self.comment, "marks": dict(self.marks)}

    @classmethod
    def from_dict(cls, data: dict) -> "ObservationChecklist":
        c = cls(data["module"], data["trainer"], data["observer"], int(data.get("generation", 1)),
                data.get("observed_on"), data.get("comment", ""))
        for comp, m in data.get("marks", {}).items():
            c.mark(comp, m)
        return c
