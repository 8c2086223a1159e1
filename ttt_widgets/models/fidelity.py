"""Cascade fidelity measured: how much of the masters' delivery survives each hand-over, from a programme's own data.

Two measures are tagged with the cascade generation of the trainer who delivered (0 = master trainers):

- fidelity checklists (:class:`~ttt_widgets.models.observation.ObservationChecklist`): the share of a module's
  core components delivered as designed, per observed delivery;
- quiz results of the learners each trainer taught (the share of points each learner scored).

For each generation ``g`` the estimator takes each trainer's mean on each measure (a trainer counts once, however
many learners they taught), averages the trainers, and divides by generation 0's average: the *fidelity index*
``F_g`` (1.0 for the masters). Where both measures exist the index is their mean. The *retention* of hand-over
``g`` (from generation ``g - 1`` to ``g``) is ``F_g / F_(g-1)``; the *per-level retention* is ``exp(b)`` where
``b`` is the least-squares slope of ``log F_g`` on ``g``, the constant-retention model the cascade planner uses
(Hayes 2000; Wedell 2005).

Intervals come from a cluster bootstrap (Efron & Tibshirani 1993, ch. 13; Field & Welsh 2007, "Bootstrapping
clustered data", *JRSS B* 69(3), 369-390): trainers are resampled with replacement within each generation, with
all their observations and learners, 2,000 times; the interval is the 2.5th to 97.5th percentile. Resampling
trainers, not learners, keeps the fact that learners of one trainer share that trainer's delivery. With few
trainers a bootstrap is too narrow (its spread is ``sqrt((n-1)/n)`` of the right one, and the spread itself is
uncertain), so each resample's deviation from its generation's mean is widened by ``sqrt(n/(n-1)) * t(n-1) / z``
(Hesterberg, T. C. (2015), "What teachers should know about the bootstrap", *The American Statistician* 69(4),
371-386: the "expanded" percentile interval). With 4 master trainers that is a factor of 1.9: a programme with
few masters gets a wide interval, which is the honest answer.

Both measures are taken as proportional to the fidelity of delivery: a quiz's chance level is not subtracted, so
the estimate is of the share of *measured* result kept, which is what a lead can check.

>>> prog = synthetic_programme(retention=0.8, seed=1)
>>> est = estimate_retention(prog.checklists, prog.quiz_results)
>>> est.per_level.low <= 0.8 <= est.per_level.high
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

__all__ = ["QuizResult", "Interval", "GenerationFidelity", "RetentionEstimate", "estimate_retention",
           "SyntheticProgramme", "synthetic_programme"]


@dataclass(frozen=True)
class QuizResult:
    """One learner's result on one quiz, tagged with the trainer who taught them and that trainer's generation."""

    trainer: str
    generation: int
    learner: str
    quiz: str
    score: float
    max_score: float = 1.0
    taken_on: date | None = None

    def __post_init__(self) -> None:
        for name in ("score", "max_score"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"a quiz {name.replace('_', ' ')} must be a number of at least 0, got {v!r}")
        if self.max_score == 0 or self.score > self.max_score:
            raise ValueError(f"a quiz score must be from 0 to the maximum ({self.max_score:g}), got {self.score!r}")
        if isinstance(self.generation, bool) or not isinstance(self.generation, int) or not 0 <= self.generation <= 10:
            raise ValueError(f"the generation must be a whole number from 0 to 10, got {self.generation!r}")

    @property
    def share(self) -> float:
        return self.score / self.max_score


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval (``low`` .. ``high`` at ``confidence``)."""

    estimate: float
    low: float
    high: float
    confidence: float = 0.95

    def __str__(self) -> str:
        return f"{self.estimate:.0%} ({self.confidence:.0%} interval {self.low:.0%} to {self.high:.0%})"

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.estimate, self.low, self.high)


@dataclass(frozen=True)
class GenerationFidelity:
    """What was measured for one generation, its fidelity index and the retention of the hand-over into it."""

    generation: int
    trainers: int
    observations: int
    learners: int
    checklist_mean: float | None
    quiz_mean: float | None
    index: Interval
    retention: Interval | None  # None for generation 0


@dataclass(frozen=True)
class RetentionEstimate:
    """The measured fidelity of a cascade (see the module docstring)."""

    generations: tuple[GenerationFidelity, ...]
    per_level: Interval
    measures: tuple[str, ...]
    resamples: int
    notes: tuple[str, ...] = ()

    def retention(self, generation: int) -> Interval | None:
        """The measured retention of the hand-over into ``generation`` (None if not measured)."""
        return next((g.retention for g in self.generations if g.generation == generation), None)

    def for_cascade(self, levels: int = 10) -> tuple[tuple[float, float, float], ...]:
        """One ``(estimate, low, high)`` per hand-over 1..levels, for :class:`~ttt_widgets.models.cascade.Cascade`:
        the measured retention where that generation was observed, else the per-level retention."""
        return tuple((self.retention(k) or self.per_level).as_tuple() for k in range(1, levels + 1))

    def describe(self) -> str:
        parts = [f"generation {g.generation}: {g.retention}" for g in self.generations if g.retention]
        return (f"Measured retention per level {self.per_level}, from {' and '.join(self.measures)} "
                f"({'; '.join(parts)}).")


def _per_trainer(checklists: Iterable, quiz_results: Iterable[QuizResult]) -> dict[int, dict[str, list]]:
    """generation -> {"trainers": [...], "check": [mean or nan], "quiz": [mean or nan], "obs": n, "learners": n}."""
    by: dict[str, dict] = {}
    for c in checklists:
        score = c.score() if hasattr(c, "score") else c["score"]
        if score is None:
            continue
        trainer = c.trainer if hasattr(c, "trainer") else c["trainer"]
        gen = c.generation if hasattr(c, "generation") else c["generation"]
        t = by.setdefault(trainer, {"gen": gen, "check": [], "quiz": [], "learners": set()})
        if t["gen"] != gen:
            raise ValueError(f"trainer {trainer!r} is tagged with generations {t['gen']} and {gen}: one trainer has "
                             "one generation")
        t["check"].append(float(score))
    for q in quiz_results:
        t = by.setdefault(q.trainer, {"gen": q.generation, "check": [], "quiz": [], "learners": set()})
        if t["gen"] != q.generation:
            raise ValueError(f"trainer {q.trainer!r} is tagged with generations {t['gen']} and {q.generation}: one "
                             "trainer has one generation")
        t["quiz"].append(q.share)
        t["learners"].add(q.learner)
    gens: dict[int, dict[str, list]] = {}
    nan = float("nan")
    for name, t in sorted(by.items()):
        g = gens.setdefault(t["gen"], {"trainers": [], "check": [], "quiz": [], "obs": 0, "learners": 0})
        g["trainers"].append(name)
        g["check"].append(sum(t["check"]) / len(t["check"]) if t["check"] else nan)
        g["quiz"].append(sum(t["quiz"]) / len(t["quiz"]) if t["quiz"] else nan)
        g["obs"] += len(t["check"])
        g["learners"] += len(t["learners"])
    return dict(sorted(gens.items()))


def estimate_retention(checklists: Iterable = (), quiz_results: Iterable[QuizResult] = (), resamples: int = 2000,
                       confidence: float = 0.95, seed: int = 0) -> RetentionEstimate:
    """Estimate retention per generation, and per level, with cluster-bootstrap intervals (module docstring).

    Parameters
    ----------
    checklists : iterable of ObservationChecklist (or dicts with trainer, generation, score)
    quiz_results : iterable of QuizResult
    resamples : int
        Bootstrap resamples (200 to 100,000).
    confidence : float
        Of the intervals (0.5 to 0.999).
    seed : int
        The resampling is reproducible: the same data and seed give the same intervals.

    Raises
    ------
    ValueError
        In plain words, when the data cannot support an estimate (no generation 0, a single generation, a
        generation with fewer than 2 trainers).
    """
    import numpy as np

    if not 200 <= resamples <= 100_000:
        raise ValueError(f"resamples must be from 200 to 100,000, got {resamples!r}")
    if not 0.5 <= confidence <= 0.999:
        raise ValueError(f"confidence must be from 0.5 to 0.999, got {confidence!r}")
    gens = _per_trainer(checklists, list(quiz_results))
    if 0 not in gens:
        raise ValueError("no data from generation 0 (the master trainers): retention is measured against their "
                         "delivery, so observe or test at least two master trainers' sessions first")
    if len(gens) < 2:
        raise ValueError("data from one generation only: retention needs generation 0 and at least one generation "
                         "below it")
    levels = sorted(gens)
    if levels != list(range(len(levels))):
        raise ValueError(f"generations {levels} have a gap: every generation between 0 and {levels[-1]} needs data")
    small = [g for g in levels if len(gens[g]["trainers"]) < 2]
    if small:
        raise ValueError(f"generation(s) {', '.join(map(str, small))} have data from fewer than 2 trainers: "
                         "an interval needs at least 2 trainers per generation")
    measures = [m for m in ("check", "quiz") if not np.all(np.isnan(gens[0][m]))]
    if not measures:
        raise ValueError("generation 0 has neither checklist scores nor quiz results")
    notes = []
    for m in measures:
        lacking = [g for g in levels if np.all(np.isnan(gens[g][m]))]
        if lacking:
            notes.append(f"{'checklists' if m == 'check' else 'quiz results'} missing for generation(s) "
                         f"{', '.join(map(str, lacking))}: the index there rests on the other measure")

    from statistics import NormalDist

    from .evaluation import t_quantile

    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    rng = np.random.default_rng(seed)
    arrays = {g: {m: np.asarray(gens[g][m], dtype=float) for m in measures} for g in levels}

    def index_of(means: dict[int, dict[str, np.ndarray]]) -> np.ndarray:
        """means[g][m]: array (B,) of generation means -> index (len(levels), B)."""
        rows = []
        for g in levels:
            parts = [means[g][m] / means[0][m] for m in measures]
            stacked = np.vstack(parts)
            rows.append(np.nanmean(stacked, axis=0) if stacked.shape[0] > 1 else stacked[0])
        return np.vstack(rows)

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample may draw only trainers without one measure
        point = {g: {m: np.array([np.nanmean(arrays[g][m])]) for m in measures} for g in levels}
        boot = {}
        for g in levels:
            n = len(gens[g]["trainers"])
            idx = rng.integers(0, n, size=(resamples, n))
            # a bootstrap of n trainers spreads too little by sqrt((n-1)/n), and with few trainers their spread is
            # itself uncertain (Student's t, not the normal): widen each resample's deviation from the generation's
            # mean by sqrt(n/(n-1)) * t(n-1) / z (Hesterberg 2015's "expanded" percentile interval)
            widen = math.sqrt(n / (n - 1)) * t_quantile(n - 1, confidence) / z
            boot[g] = {m: point[g][m] + widen * (np.nanmean(arrays[g][m][idx], axis=1) - point[g][m])
                       for m in measures}
        F = index_of(point)[:, 0]
        FB = index_of(boot)
    x = np.array(levels, dtype=float)

    def slope(y: np.ndarray) -> np.ndarray:
        """Least-squares slope of log(y) on the generation, column by column."""
        ly = np.log(np.clip(y, 1e-9, None))
        xc = x - x.mean()
        return (xc[:, None] * (ly - ly.mean(axis=0))).sum(axis=0) / (xc**2).sum()

    a = (1 - confidence) / 2 * 100

    def interval(est: float, samples: np.ndarray) -> Interval:
        samples = samples[np.isfinite(samples)]
        lo, hi = np.percentile(samples, [a, 100 - a])
        return Interval(float(est), float(lo), float(hi), confidence)

    out = []
    for i, g in enumerate(levels):
        ret = None if i == 0 else interval(F[i] / F[i - 1], FB[i] / FB[i - 1])
        cm, qm = (float(np.nanmean(arrays[g][m])) if m in measures and not np.all(np.isnan(arrays[g][m])) else None
                  for m in ("check", "quiz"))
        out.append(GenerationFidelity(g, len(gens[g]["trainers"]), gens[g]["obs"], gens[g]["learners"], cm, qm,
                                      interval(F[i], FB[i]), ret))
    per_level = interval(float(np.exp(slope(F[:, None])[0])), np.exp(slope(FB)))
    names = tuple("fidelity checklists" if m == "check" else "learners' quiz results" for m in measures)
    return RetentionEstimate(tuple(out), per_level, names, resamples, tuple(notes))


# -- a synthetic programme ---------------------------------------------------------------------------------------
@dataclass
class SyntheticProgramme:
    """A made-up programme with a known retention, for demonstrations and for checking the estimator."""

    retention: float
    pool: "object"
    checklists: list = field(default_factory=list)
    quiz_results: list = field(default_factory=list)
    demos: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    today: date = date(2025, 6, 1)


def synthetic_programme(retention: float = 0.8, trainers: tuple[int, ...] = (4, 12, 24), learners: int = 12,
                        questions: int = 10, observations: int = 2, seed: int = 0,
                        today: date | str = "2025-06-01") -> SyntheticProgramme:
    """A programme of ``sum(trainers)`` trainers in ``len(trainers)`` generations (default 3 generations, 40
    trainers) whose delivery keeps ``retention`` of the generation above it.

    Each trainer's fidelity is ``retention ** generation`` times a factor drawn uniformly from 0.9 to 1.1 (mean 1).
    Each trainer is observed ``observations`` times on a module's core components (a component is delivered as
    designed with probability ``0.72 * f``, adapted with ``0.16 * f``, else left out: expected credit ``0.8 * f``),
    and ``learners`` learners each answer a ``questions``-question quiz (each right with probability ``0.85 * f``).
    Every trainer below generation 0 gave a teaching demo (growth marks more likely at lower fidelity) and is at
    some step of the certification pathway.
    """
    import random

    from .demo import TeachingDemo
    from .observation import ObservationChecklist, checklist_modules, core_components
    from .pathway import KIT_MODULES, TrainerProgress
    from .pool import Trainer, TrainerPool

    if not 0 < retention <= 1:
        raise ValueError(f"retention must be above 0 and at most 1, got {retention!r}")
    rnd = random.Random(seed)
    today = date.fromisoformat(today) if isinstance(today, str) else today
    modules = checklist_modules()
    pool = TrainerPool()
    prog = SyntheticProgramme(retention, pool, today=today)
    ids: list[list[str]] = []
    growth_items = ["goal", "level", "check", "screen", "narrate", "time", "concrete", "voice"]
    for gen, n in enumerate(trainers):
        ids.append([])
        for i in range(n):
            tid = f"g{gen}-{i + 1:02d}"
            parent = ids[gen - 1][i % len(ids[gen - 1])] if gen else ""
            mods = {modules[(i + k) % len(modules)] for k in range(2 if gen else len(modules))}
            trained = today - timedelta(days=560 - 180 * gen + rnd.randint(0, 20))
            # master trainers were certified before the programme's records; the others follow the pathway
            pool.add(Trainer(tid, f"Trainer {gen}.{i + 1}", gen, parent, mods,
                             trained + timedelta(days=100) if gen == 0 else None, trained))
            ids[gen].append(tid)
            f = retention**gen * rnd.uniform(0.9, 1.1)
            for k in range(observations):
                module = sorted(mods)[k % len(mods)]
                seen = trained + timedelta(days=110 + 60 * k + rnd.randint(0, 30))
                c = ObservationChecklist(module, tid, f"observer-{rnd.randint(1, 3)}", gen, min(seen, today))
                for comp in core_components(module):
                    u = rnd.random()
                    c.mark(comp["id"], "as-designed" if u < 0.72 * f else "adapted" if u < 0.88 * f else "left-out")
                prog.checklists.append(c)
                pool.record_observation(tid, module, c.observed_on, c.score())
            taught = today - timedelta(days=rnd.randint(5, 200))
            pool.record_session(tid, sorted(mods)[0], taught)
            for j in range(learners):
                right = sum(rnd.random() < 0.85 * f for _ in range(questions))
                prog.quiz_results.append(QuizResult(tid, gen, f"{tid}-learner-{j + 1:02d}", "formative-assessment",
                                                    right, questions, taught))
            if gen:
                demo = TeachingDemo(tid, "carpentries-checkout", held_on=trained + timedelta(days=30))
                for obs in ("observer-1", "observer-2")[: 1 + i % 2]:
                    for item in growth_items:
                        if rnd.random() < (1 - f) * 0.9:
                            demo.mark(obs, item, "growth")
                        elif rnd.random() < 0.5:
                            demo.mark(obs, item, "positive")
                prog.demos.append(demo)
                passed = demo.outcome().result == "pass"
                stage = i % 4
                prog.progress.append(TrainerProgress(
                    tid, trained_on=trained, modules_done=set(KIT_MODULES if stage else KIT_MODULES[:6]),
                    demo_passed_on=demo.held_on if passed and stage else None,
                    demo_redos=0 if passed else 1,
                    co_facilitated_on=trained + timedelta(days=80) if stage >= 2 else None,
                    observed_on=pool.last_observed(tid) if stage >= 3 else None,
                    observation_score=pool.observation_score(tid) if stage >= 3 else None))
    return prog
