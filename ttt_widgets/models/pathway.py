"""The certification pathway of a trainer: steps, deadlines and status.

A trainee becomes a certified trainer of the kit in five steps, in this order (after the Carpentries' instructor
checkout, which adds a teaching demo and a deadline to the training itself, and after Joyce & Showers (2002), for
whom practice with feedback and coaching in the workplace is what makes training reach practice):

1. ``modules``: the curriculum modules done;
2. ``assignments``: the graded assignments passed (scores from the nbgrader gradebook, a share of the points);
3. ``demo``: the teaching demo passed (:class:`~ttt_widgets.models.demo.TeachingDemo`);
4. ``co_facilitated``: one session taught alongside a certified trainer;
5. ``observed``: one delivery to their own learners observed with a fidelity checklist scoring at least
   ``min_observation_score``.

Each step has a deadline in days after the training ended (the demo's 90 days follow the Carpentries' checkout); a
step not done by its deadline is overdue. A certified trainer stays current while observed again at least every
``reobserve_every_days``. A trainer certified before the programme kept records (``certified_on`` in the roster,
e.g. the master trainers) counts as certified without the steps.

>>> rules = PathwayRules(modules=("01-trainer-role",), assignments=("01-objectives",))
>>> p = TrainerProgress("ali", trained_on="2025-01-10", modules_done={"01-trainer-role"},
...                     assignment_scores={"01-objectives": 0.9}, demo_passed_on="2025-02-01")
>>> s = Pathway(rules).status(p, today="2025-03-01")
>>> s.state, s.next_step
('in progress', 'co_facilitated')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .demo import as_date, clean_text

__all__ = ["STEPS", "STEP_NAMES", "PathwayRules", "TrainerProgress", "StepStatus", "PathwayStatus", "Pathway"]

STEPS = ("modules", "assignments", "demo", "co_facilitated", "observed")
STEP_NAMES = {
    "modules": "Modules done",
    "assignments": "Assignments passed",
    "demo": "Teaching demo passed",
    "co_facilitated": "Co-facilitated a session",
    "observed": "Observed delivery",
}
#: the kit's curriculum, in order
KIT_MODULES = ("00-welcome", "01-trainer-role", "02-how-people-learn", "03-adult-learners", "04-designing-learning",
               "05-facilitation-questions", "06-facilitation-participation", "07-formative-assessment",
               "08-blended-learning", "09-evaluating-training", "10-capstone-microteaching",
               "11-observing-coaching-certifying")


@dataclass(frozen=True)
class PathwayRules:
    """What a programme asks of its trainers; every number is the programme lead's to change.

    Parameters
    ----------
    modules, assignments : tuple of str
        Modules to complete and nbgrader assignments to pass.
    pass_share : float
        Share of an assignment's points needed to pass it.
    deadlines : dict
        step -> days after the end of training by which it must be done (90 for the demo, as in the Carpentries'
        checkout; the others are the kit's defaults).
    min_observation_score : float
        Lowest fidelity-checklist score (0..1) that counts as an observed delivery.
    reobserve_every_days : int
        A certified trainer is due for another observation after this many days.
    """

    modules: tuple[str, ...] = KIT_MODULES
    assignments: tuple[str, ...] = ()
    pass_share: float = 0.7
    deadlines: dict = field(default_factory=lambda: {"modules": 30, "assignments": 60, "demo": 90,
                                                     "co_facilitated": 180, "observed": 270})
    min_observation_score: float = 0.75
    reobserve_every_days: int = 365

    def __post_init__(self) -> None:
        unknown = sorted(set(self.deadlines) - set(STEPS))
        if unknown:
            raise ValueError(f"unknown pathway step(s) {', '.join(unknown)} (steps: {', '.join(STEPS)})")
        for step, days in self.deadlines.items():
            if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3650:
                raise ValueError(f"the deadline of {step!r} must be whole days from 0 to 3650, got {days!r}")
        for name in ("pass_share", "min_observation_score"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ValueError(f"{name.replace('_', ' ')} must be a share from 0 to 1, got {v!r}")
        if isinstance(self.reobserve_every_days, bool) or not isinstance(self.reobserve_every_days, int) \
                or not 1 <= self.reobserve_every_days <= 3650:
            raise ValueError(f"re-observation interval must be whole days from 1 to 3650, got {self.reobserve_every_days!r}")
        object.__setattr__(self, "modules", tuple(self.modules))
        object.__setattr__(self, "assignments", tuple(self.assignments))


@dataclass
class TrainerProgress:
    """Where one trainer is on the pathway (what the store knows of them)."""

    trainer: str
    trained_on: date | str | None = None
    modules_done: set = field(default_factory=set)
    assignment_scores: dict = field(default_factory=dict)  # assignment -> share of points (0..1)
    demo_passed_on: date | str | None = None
    demo_redos: int = 0
    co_facilitated_on: date | str | None = None
    observed_on: date | str | None = None
    observation_score: float | None = None
    module_done_on: dict = field(default_factory=dict)  # module -> date, when known
    assignment_done_on: dict = field(default_factory=dict)  # assignment -> date, when known
    #: certified before the kit kept their records (the roster's certified_on): certified without the steps
    certified_on: date | str | None = None

    def __post_init__(self) -> None:
        self.trainer = clean_text(self.trainer, "trainer's id", limit=200)
        self.trained_on = as_date(self.trained_on, "training date")
        self.demo_passed_on = as_date(self.demo_passed_on, "demo date")
        self.co_facilitated_on = as_date(self.co_facilitated_on, "co-facilitation date")
        self.observed_on = as_date(self.observed_on, "observation date")
        self.certified_on = as_date(self.certified_on, "certification date")
        self.modules_done = set(self.modules_done)
        for a, share in self.assignment_scores.items():
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
                raise ValueError(f"assignment {a!r}: the score must be a share of the points from 0 to 1, got {share!r}")


@dataclass(frozen=True)
class StepStatus:
    step: str
    name: str
    done: bool
    done_on: date | None
    due: date | None
    overdue: bool
    detail: str


@dataclass(frozen=True)
class PathwayStatus:
    """A trainer's status: ``state`` is "certified", "due for re-observation", "overdue", "in progress" or
    "not started"; ``steps`` has one :class:`StepStatus` per step, in order."""

    trainer: str
    state: str
    steps: tuple[StepStatus, ...]
    next_step: str | None
    certified_on: date | None
    reobserve_by: date | None

    def step(self, name: str) -> StepStatus:
        return next(s for s in self.steps if s.step == name)


class Pathway:
    """Applies :class:`PathwayRules` to a trainer's progress.

    >>> Pathway().status(TrainerProgress("new"), today="2025-01-01").state
    'not started'
    """

    def __init__(self, rules: PathwayRules | None = None) -> None:
        self.rules = rules or PathwayRules()

    def status(self, progress: TrainerProgress, today: date | str | None = None) -> PathwayStatus:
        r = self.rules
        today = as_date(today, "today") or date.today()
        base = progress.trained_on

        def due(step: str) -> date | None:
            days = r.deadlines.get(step)
            return None if base is None or days is None else base + timedelta(days=days)

        missing_modules = [m for m in r.modules if m not in progress.modules_done]
        listed = ", ".join(missing_modules[:3]) + (f" and {len(missing_modules) - 3} more" if len(missing_modules) > 3 else "")
        failed = {a: progress.assignment_scores.get(a) for a in r.assignments
                  if progress.assignment_scores.get(a) is None or progress.assignment_scores[a] < r.pass_share - 1e-9}
        obs_ok = (progress.observed_on is not None and progress.observation_score is not None
                  and progress.observation_score >= r.min_observation_score - 1e-9)

        def last(dates: dict, keys) -> date | None:
            found = [as_date(dates[k]) for k in keys if dates.get(k)]
            return max(found) if found and len(found) == len(tuple(keys)) else None

        done = {
            "modules": (not missing_modules, last(progress.module_done_on, r.modules),
                        "all done" if not missing_modules else f"{len(missing_modules)} to do: {listed}"),
            "assignments": (not failed, last(progress.assignment_done_on, r.assignments),
                            "all passed" if not failed else "; ".join(
                                f"{a}: " + ("not graded yet" if s is None else f"{s:.0%}, {r.pass_share:.0%} needed")
                                for a, s in failed.items())),
            "demo": (progress.demo_passed_on is not None, progress.demo_passed_on,
                     "passed" if progress.demo_passed_on else
                     (f"{progress.demo_redos} redo(s) so far" if progress.demo_redos else "not yet")),
            "co_facilitated": (progress.co_facilitated_on is not None, progress.co_facilitated_on,
                               "done" if progress.co_facilitated_on else "not yet"),
            "observed": (obs_ok, progress.observed_on if obs_ok else None,
                         "not yet" if progress.observed_on is None else
                         "observed, checklist not scored" if progress.observation_score is None else
                         f"checklist score {progress.observation_score:.0%}"
                         + ("" if obs_ok else f", {r.min_observation_score:.0%} needed")),
        }
        steps = []
        for step in STEPS:
            ok, when, detail = done[step]
            d = due(step)
            overdue = not ok and d is not None and today > d
            steps.append(StepStatus(step, STEP_NAMES[step], ok, when, d, overdue,
                                    detail + (f" (was due {d.isoformat()})" if overdue else "")))
        next_step = next((s.step for s in steps if not s.done), None)
        certified_on = None
        reobserve_by = None
        if next_step is not None and progress.certified_on is not None:
            # certified on record: the steps are shown, none is owed; observation still falls due
            seen = max(filter(None, (progress.observed_on, progress.certified_on)))
            reobserve_by = seen + timedelta(days=r.reobserve_every_days)
            state = "due for re-observation" if today > reobserve_by else "certified"
            steps = [replace(x, overdue=False, detail=x.detail.split(" (was due")[0]) for x in steps]
            return PathwayStatus(progress.trainer, state, tuple(steps), None, progress.certified_on, reobserve_by)
        if next_step is None:
            dates = [s.done_on for s in steps if s.done_on]
            certified_on = max(dates) if dates else progress.observed_on
            reobserve_by = progress.observed_on + timedelta(days=r.reobserve_every_days)
            state = "due for re-observation" if today > reobserve_by else "certified"
        elif any(s.overdue for s in steps):
            state = "overdue"
        elif (progress.modules_done or progress.assignment_scores or progress.demo_passed_on or progress.demo_redos
              or progress.co_facilitated_on or progress.observed_on):
            state = "in progress"
        else:
            state = "not started"
        return PathwayStatus(progress.trainer, state, tuple(steps), next_step, certified_on, reobserve_by)
