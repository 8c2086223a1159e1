"""The train-the-trainer cascade: reach, time, fidelity and cost of a plan, and a solver for the smallest plan.

The model
---------
- Generation 0 are the ``master_trainers``. Each trainer of generation ``k-1`` trains ``trainers_per_trainer``
  trainers of generation ``k``, for ``k = 1 .. levels``: ``trainers[k] = master_trainers * trainers_per_trainer**k``.
- Every trainer of generations 1 .. levels then teaches ``learners_per_trainer`` learners:
  ``learners[k] = trainers[k] * learners_per_trainer``. Master trainers only train trainers.
- Each generation takes ``months_per_level`` months to be trained (generation ``k`` is ready at month
  ``k * months_per_level``) and its learners are taught in the following ``months_per_level`` months, so the last
  learners are reached at month ``(levels + 1) * months_per_level``.
- Fidelity: each hand-over keeps a fraction of the intended practice, ``fidelity_per_level`` without coaching or
  ``fidelity_with_coaching`` with coaching and refreshers, so generation ``k`` delivers
  ``fidelity**k`` of what the master trainers deliver. This "dilution" down a cascade is described by Hayes, D.
  (2000), "Cascade training and teachers' professional development", *ELT Journal* 54(2), 135-145, and
  Wedell, M. (2005), "Cascading training down into the classroom", *International Journal of Educational
  Development* 25(6), 637-651; coaching after training is what makes transfer to practice likely (Joyce, B. &
  Showers, B. (2002), *Student Achievement through Staff Development*, 3rd ed., ASCD). The default retention
  values (0.80 without, 0.95 with coaching) are illustrative assumptions to be replaced by a programme's own
  observations, not figures from those sources.
- Measured fidelity: :meth:`Cascade.with_measured` takes a programme's own estimate
  (:func:`~ttt_widgets.models.fidelity.estimate_retention`, from fidelity checklists and quiz results tagged by
  generation): hand-over ``k`` then keeps the measured retention of generation ``k`` (the per-level estimate for
  generations not yet observed), and the result carries an interval for each level. That interval multiplies the
  hand-overs' interval ends, so it is wider than a joint interval would be: on the cautious side for a warning.
  :meth:`Cascade.fidelity_warning` says before a plan is run whether a level falls, or may fall, below the
  lowest fidelity the lead accepts.
- Cost: every trainer of generations 1 .. levels costs ``training_days`` trainer days (plus ``coaching_days``
  with coaching) at ``cost_per_trainer_day``; ``cost_per_learner = total_cost / total_learners``.

Every output is an exact, deterministic number (integers for people and months), for autograding.

>>> plan = Cascade(master_trainers=4, levels=2, trainers_per_trainer=5, learners_per_trainer=20)
>>> r = plan.result()
>>> r.trainers_per_level, r.learners_per_level, r.total_learners
((4, 20, 100), (0, 400, 2000), 2400)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

__all__ = ["Cascade", "CascadeResult", "CascadeSolution", "solve_cascade", "MAX_LEVELS"]

#: the solver looks at plans of at most this many levels
MAX_LEVELS = 10


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{name.replace('_', ' ')} must be a whole number, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name.replace('_', ' ')} must be between {low} and {high}, got {value}")
    return value


def _measured(values: Any) -> tuple:
    """Measured retention as a tuple of (estimate, low, high), each above 0 and at most 2, low <= estimate <= high."""
    if values is None:
        return ()
    try:
        triples = tuple(tuple(float(x) for x in v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"measured retention must be (estimate, low, high) per hand-over, got {values!r}") from None
    if len(triples) > MAX_LEVELS or any(len(t) != 3 for t in triples):
        raise ValueError(f"measured retention must be at most {MAX_LEVELS} (estimate, low, high) triples")
    for k, (est, low, high) in enumerate(triples, 1):
        if not all(math.isfinite(x) and 0 < x <= 2 for x in (est, low, high)) or not low <= est <= high:
            raise ValueError(f"measured retention of hand-over {k} must satisfy 0 < low <= estimate <= high <= 2, "
                             f"got {(est, low, high)}")
    return triples


def _number(name: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name.replace('_', ' ')} must be a number, got {value!r}")
    if value < low or value > high or (low_open and value == low):
        raise ValueError(f"{name.replace('_', ' ')} must be {'above' if low_open else 'at least'} {low:g} and at most {high:g}, got {value:g}")
    return float(value)


@dataclass(frozen=True)
class CascadeResult:
    """The outputs of one cascade plan (all deterministic).

    Attributes
    ----------
    trainers_per_level : tuple of int
        Trainers in generation 0 (masters), 1, ..., levels.
    learners_per_level : tuple of int
        Learners taught by each generation (0 for the masters).
    fidelity_per_level : tuple of float
        Share of the intended practice each generation delivers (1.0 for the masters).
    months_per_level_reached : tuple of int
        Month by which each generation's learners are reached (0 for the masters).
    total_trainers, total_learners : int
        Trainers trained (masters excluded) and learners reached in all.
    time_to_reach_months : int
        Months until the last learners are reached.
    final_fidelity : float
        Fidelity at the last level.
    total_cost, cost_per_learner : float
        Training (and coaching) cost, in the currency of ``cost_per_trainer_day``.
    """

    trainers_per_level: tuple[int, ...]
    learners_per_level: tuple[int, ...]
    fidelity_per_level: tuple[float, ...]
    months_per_level_reached: tuple[int, ...]
    total_trainers: int
    total_learners: int
    time_to_reach_months: int
    final_fidelity: float
    total_cost: float
    cost_per_learner: float
    #: with measured retention: the interval of each level's fidelity (empty tuples when fidelity is assumed)
    fidelity_low: tuple[float, ...] = ()
    fidelity_high: tuple[float, ...] = ()

    @property
    def measured(self) -> bool:
        return bool(self.fidelity_low)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Cascade:
    """A train-the-trainer cascade plan (see the module docstring for the model and its sources).

    Parameters
    ----------
    master_trainers : int
        Trainers at the top (1 to 100,000).
    levels : int
        Generations of trainers below the masters (1 to 10).
    trainers_per_trainer : int
        New trainers each trainer trains (1 to 1,000).
    learners_per_trainer : int
        Learners each trainer of generations 1..levels teaches (0 to 100,000).
    months_per_level : int
        Months to train one generation (1 to 60).
    fidelity_per_level, fidelity_with_coaching : float
        Share of practice kept at each hand-over without / with coaching (above 0, at most 1).
    coaching : bool
        Whether trainers get coaching and refreshers.
    training_days, coaching_days : float
        Trainer days per trainer trained, and extra days of coaching per trainer.
    cost_per_trainer_day : float
        Cost of one trainer day (trainer time, venue, travel), any currency.
    measured_retention : tuple of (estimate, low, high)
        Measured retention of hand-overs 1, 2, ... (see :meth:`with_measured`); empty: the assumed values above
        are used. A plan deeper than the tuple repeats its last entry.

    Examples
    --------
    >>> Cascade(master_trainers=2, levels=1, trainers_per_trainer=10, learners_per_trainer=25).result().total_learners
    500
    """

    master_trainers: int = 4
    levels: int = 2
    trainers_per_trainer: int = 5
    learners_per_trainer: int = 20
    months_per_level: int = 2
    fidelity_per_level: float = 0.80
    fidelity_with_coaching: float = 0.95
    coaching: bool = False
    training_days: float = 3.0
    coaching_days: float = 2.0
    cost_per_trainer_day: float = 300.0
    measured_retention: tuple = ()

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 - frozen dataclass
        set_("master_trainers", _whole("master_trainers", self.master_trainers, 1, 100_000))
        set_("levels", _whole("levels", self.levels, 1, MAX_LEVELS))
        set_("trainers_per_trainer", _whole("trainers_per_trainer", self.trainers_per_trainer, 1, 1_000))
        set_("learners_per_trainer", _whole("learners_per_trainer", self.learners_per_trainer, 0, 100_000))
        set_("months_per_level", _whole("months_per_level", self.months_per_level, 1, 60))
        set_("fidelity_per_level", _number("fidelity_per_level", self.fidelity_per_level, 0, 1, low_open=True))
        set_("fidelity_with_coaching", _number("fidelity_with_coaching", self.fidelity_with_coaching, 0, 1, low_open=True))
        if not isinstance(self.coaching, bool):
            raise ValueError(f"coaching must be True or False, got {self.coaching!r}")
        set_("training_days", _number("training_days", self.training_days, 0, 365))
        set_("coaching_days", _number("coaching_days", self.coaching_days, 0, 365))
        set_("cost_per_trainer_day", _number("cost_per_trainer_day", self.cost_per_trainer_day, 0, 1e7))
        set_("measured_retention", _measured(self.measured_retention))

    @classmethod
    def from_dict(cls, data: dict) -> "Cascade":
        """A plan from a dict (e.g. a preset); unknown keys are refused with their names."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown cascade setting(s): {', '.join(unknown)}")
        return cls(**data)

    def replace(self, **changes: Any) -> "Cascade":
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def retention(self) -> float:
        """Fidelity kept per hand-over under this plan (with or without coaching): the assumed value."""
        return self.fidelity_with_coaching if self.coaching else self.fidelity_per_level

    @property
    def measured(self) -> bool:
        """Whether the plan's fidelity comes from a programme's measurements."""
        return bool(self.measured_retention)

    def with_measured(self, estimate: Any) -> "Cascade":
        """This plan with measured retention: a :class:`~ttt_widgets.models.fidelity.RetentionEstimate`, or a
        tuple of ``(estimate, low, high)`` per hand-over; ``None`` goes back to the assumed values."""
        if estimate is None:
            return self.replace(measured_retention=())
        values = estimate.for_cascade(MAX_LEVELS) if hasattr(estimate, "for_cascade") else estimate
        return self.replace(measured_retention=values)

    def _hand_over(self, k: int) -> tuple[float, float, float]:
        m = self.measured_retention
        return m[min(k, len(m)) - 1]

    def fidelity_at(self, level: int) -> float:
        """Share of the masters' delivery that generation ``level`` delivers (measured when the plan is)."""
        if not self.measured:
            return self.retention**level
        return math.prod(self._hand_over(k)[0] for k in range(1, level + 1))

    def fidelity_interval(self, level: int) -> tuple[float, float] | None:
        """``(low, high)`` of :meth:`fidelity_at` with measured retention (None when assumed)."""
        if not self.measured:
            return None
        return (math.prod(self._hand_over(k)[1] for k in range(1, level + 1)),
                math.prod(self._hand_over(k)[2] for k in range(1, level + 1)))

    def fidelity_warning(self, min_fidelity: float) -> str:
        """A warning when a level of this plan falls (or, by its interval, may fall) below ``min_fidelity``;
        empty when every level keeps it."""
        floor = _number("min_fidelity", min_fidelity, 0, 1, low_open=True)
        source = "measured" if self.measured else "assumed"
        for level in range(1, self.levels + 1):
            f = self.fidelity_at(level)
            if f < floor - 1e-12:
                interval = self.fidelity_interval(level)
                extra = f" (interval {interval[0]:.0%} to {interval[1]:.0%})" if interval else ""
                return (f"Below your floor: with {source} retention, level {level} delivers {f:.0%} of the masters' "
                        f"practice{extra}, under the {floor:.0%} you accept. Plan at most {level - 1} level(s)"
                        + (", or coach trainers and measure again." if not self.coaching else ", or measure again."))
        for level in range(1, self.levels + 1):
            interval = self.fidelity_interval(level)
            if interval and interval[0] < floor - 1e-12:
                return (f"May fall below your floor: level {level} delivers {self.fidelity_at(level):.0%} by the "
                        f"measured retention, but its interval reaches down to {interval[0]:.0%}, under the "
                        f"{floor:.0%} you accept. Observe more trainers to narrow it, or plan fewer levels.")
        return ""

    def result(self) -> CascadeResult:
        """Reach, time, fidelity and cost of this plan."""
        r = self.trainers_per_trainer
        trainers = tuple(self.master_trainers * r**k for k in range(self.levels + 1))
        learners = (0,) + tuple(t * self.learners_per_trainer for t in trainers[1:])
        fidelity = tuple(round(self.fidelity_at(k), 12) for k in range(self.levels + 1))
        months = (0,) + tuple((k + 1) * self.months_per_level for k in range(1, self.levels + 1))
        total_trainers = sum(trainers[1:])
        total_learners = sum(learners)
        days = self.training_days + (self.coaching_days if self.coaching else 0.0)
        cost = total_trainers * days * self.cost_per_trainer_day
        return CascadeResult(
            trainers_per_level=trainers,
            learners_per_level=learners,
            fidelity_per_level=fidelity,
            months_per_level_reached=months,
            total_trainers=total_trainers,
            total_learners=total_learners,
            time_to_reach_months=months[-1],
            final_fidelity=fidelity[-1],
            total_cost=cost,
            cost_per_learner=cost / total_learners if total_learners else math.inf,
            fidelity_low=tuple(round(self.fidelity_interval(k)[0], 12) for k in range(self.levels + 1)) if self.measured else (),
            fidelity_high=tuple(round(self.fidelity_interval(k)[1], 12) for k in range(self.levels + 1)) if self.measured else (),
        )

    # the names the other parts of the kit use
    def solve(self, target_learners: int, deadline_months: int, min_fidelity: float, vary: str = "master_trainers",
              max_master_trainers: int = 100_000) -> "CascadeSolution":
        """See :func:`solve_cascade`; this plan gives the settings that are not varied."""
        return solve_cascade(target_learners, deadline_months, min_fidelity, base=self, vary=vary,
                             max_master_trainers=max_master_trainers)


@dataclass(frozen=True)
class CascadeSolution:
    """The solver's answer: a plan (or None), its result, and the answer in words.

    Attributes
    ----------
    feasible : bool
    plan : Cascade or None
    result : CascadeResult or None
    message : str
        The answer in plain words, or why no plan can reach the target.
    binding : str
        Which requirement rules the answer or blocks it: "reach", "deadline", "fidelity" or "master_trainers".
    """

    feasible: bool
    plan: Cascade | None
    result: CascadeResult | None
    message: str
    binding: str = ""
    checked: tuple = field(default=(), repr=False)


def _levels_allowed(base: Cascade, deadline: int, min_fid: float) -> tuple[int, str]:
    """Largest number of levels that meets the deadline and the fidelity floor, and what limits it."""
    by_deadline = deadline // base.months_per_level - 1
    if base.measured:
        by_fidelity = 0
        while by_fidelity < MAX_LEVELS and base.fidelity_at(by_fidelity + 1) >= min_fid - 1e-9:
            by_fidelity += 1
    elif base.retention >= 1.0:
        by_fidelity = MAX_LEVELS
    else:
        # largest L with retention**L >= min_fid, with a tolerance against rounding
        by_fidelity = int(math.floor(math.log(min_fid) / math.log(base.retention) + 1e-9))
    allowed = min(by_deadline, by_fidelity, MAX_LEVELS)
    why = "deadline" if by_deadline <= by_fidelity else "fidelity"
    return allowed, why


def solve_cascade(target_learners: int, deadline_months: int, min_fidelity: float, base: Cascade | None = None,
                  vary: str = "master_trainers", max_master_trainers: int = 100_000) -> CascadeSolution:
    """The smallest plan that reaches ``target_learners`` by ``deadline_months`` with final fidelity >= ``min_fidelity``.

    Parameters
    ----------
    target_learners : int
        Learners to reach (at least 1).
    deadline_months : int
        Months available.
    min_fidelity : float
        Lowest acceptable fidelity at the last level (above 0, at most 1).
    base : Cascade
        The other settings (default ``Cascade()``).
    vary : {"master_trainers", "levels"}
        ``"master_trainers"``: keep ``base.levels`` and find the fewest master trainers.
        ``"levels"``: keep ``base.master_trainers`` and find the fewest levels.
    max_master_trainers : int
        The most master trainers the programme could have.

    Returns
    -------
    CascadeSolution
        With ``feasible=False`` and a plain explanation when no plan can.

    Examples
    --------
    >>> s = solve_cascade(1000, 12, 0.6, Cascade(levels=2, trainers_per_trainer=5, learners_per_trainer=20))
    >>> s.feasible, s.plan.master_trainers, s.result.total_learners
    (True, 2, 1200)
    """
    base = base or Cascade()
    target = _whole("target_learners", target_learners, 1, 10**12)
    deadline = _whole("deadline_months", deadline_months, 1, 1200)
    min_fid = _number("min_fidelity", min_fidelity, 0, 1, low_open=True)
    max_m = _whole("max_master_trainers", max_master_trainers, 1, 10**9)
    if vary not in ("master_trainers", "levels"):
        raise ValueError(f"vary must be 'master_trainers' or 'levels', got {vary!r}")
    if base.learners_per_trainer == 0:
        return CascadeSolution(False, None, None, "No plan can reach any learner: trainers teach 0 learners each.", "reach")
    allowed, why = _levels_allowed(base, deadline, min_fid)
    coach = "with coaching" if base.coaching else "without coaching"
    m = base.months_per_level

    if vary == "master_trainers":
        L = base.levels
        if L > allowed:
            if why == "deadline":
                msg = (f"No plan can: {L} level(s) take {(L + 1) * m} months to reach the last learners, more than the "
                       f"{deadline} months available. Use fewer levels or shorter levels.")
            else:
                msg = (f"No plan can: with {L} level(s) {coach}, fidelity at the last level is "
                       f"{base.fidelity_at(L):.0%}, below the {min_fid:.0%} required. Use fewer levels"
                       + (" or add coaching." if not base.coaching else "."))
            return CascadeSolution(False, None, None, msg, why)
        per_master = sum(base.trainers_per_trainer**k for k in range(1, L + 1)) * base.learners_per_trainer
        need = -(-target // per_master)  # ceiling division, exact for integers
        if need > max_m:
            msg = (f"No plan can: reaching {target:,} learners with {L} level(s) needs {need:,} master trainers, "
                   f"more than the {max_m:,} available.")
            return CascadeSolution(False, None, None, msg, "master_trainers")
        plan = base.replace(master_trainers=need)
        res = plan.result()
        msg = (f"{need:,} master trainer(s) are enough: {L} level(s) reach {res.total_learners:,} learners by month "
               f"{res.time_to_reach_months} with {res.final_fidelity:.0%} fidelity at the last level, "
               f"at {res.cost_per_learner:,.2f} per learner.")
        return CascadeSolution(True, plan, res, msg, "reach")

    # vary == "levels"
    checked = []
    for L in range(1, MAX_LEVELS + 1):
        if L > allowed:
            break
        plan = base.replace(levels=L)
        res = plan.result()
        checked.append((L, res.total_learners))
        if res.total_learners >= target:
            msg = (f"{L} level(s) are enough: {base.master_trainers:,} master trainer(s) reach {res.total_learners:,} "
                   f"learners by month {res.time_to_reach_months} with {res.final_fidelity:.0%} fidelity at the last level, "
                   f"at {res.cost_per_learner:,.2f} per learner.")
            return CascadeSolution(True, plan, res, msg, "reach", tuple(checked))
    if allowed < 1:
        if why == "deadline":
            msg = (f"No plan can: even one level takes {2 * m} months, more than the {deadline} months available.")
        else:
            msg = (f"No plan can: even one level {coach} keeps only {base.fidelity_at(1):.0%} fidelity, below the "
                   f"{min_fid:.0%} required.")
        return CascadeSolution(False, None, None, msg, why, tuple(checked))
    best = checked[-1][1]
    limit = "the deadline" if why == "deadline" else "the fidelity floor"
    if allowed == MAX_LEVELS and why != "deadline":
        limit = f"the {MAX_LEVELS}-level limit"
    msg = (f"No plan can: {limit} allows at most {allowed} level(s), which reach {best:,} learners, fewer than the "
           f"{target:,} required. Add master trainers, or train more trainers or learners per trainer.")
    return CascadeSolution(False, None, None, msg, why if limit != f"the {MAX_LEVELS}-level limit" else "reach", tuple(checked))
