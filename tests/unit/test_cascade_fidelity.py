"""Cascade fidelity measured: the estimator recovers the retention a synthetic programme was made with, its intervals
cover it about as often as they claim, bad data gets a plain refusal, and Cascade uses the measured values."""

import pytest

from ttt_widgets.models.cascade import Cascade, solve_cascade
from ttt_widgets.models.fidelity import QuizResult, estimate_retention, synthetic_programme


@pytest.fixture(scope="module")
def programme():
    return synthetic_programme(retention=0.8, seed=7)


def test_the_synthetic_programme_has_the_shape_asked_for(programme):
    pool = programme.pool
    assert len(pool) == 40 and pool.generations() == {0: 4, 1: 12, 2: 24}
    assert len(programme.checklists) == 80 and len(programme.quiz_results) == 40 * 12
    assert len(programme.demos) == 36 and {d.outcome().result for d in programme.demos} == {"pass", "redo"}
    assert all(pool.trainers[t.trained_by].generation == t.generation - 1 for t in pool.trainers.values() if t.trained_by)


def test_estimate_recovers_the_retention_it_was_made_with(programme):
    est = estimate_retention(programme.checklists, programme.quiz_results)
    assert est.per_level.low <= 0.8 <= est.per_level.high
    assert est.per_level.high - est.per_level.low < 0.2
    for g in (1, 2):
        r = est.retention(g)
        assert r.low <= 0.8 <= r.high and r.low < r.estimate < r.high
    assert [g.generation for g in est.generations] == [0, 1, 2] and est.generations[0].index.estimate == 1.0
    assert est.generations[2].trainers == 24 and est.generations[2].learners == 24 * 12
    assert est.measures == ("fidelity checklists", "learners' quiz results")
    # the same data and seed give the same interval; another retention gives another answer
    assert estimate_retention(programme.checklists, programme.quiz_results).per_level == est.per_level
    other = synthetic_programme(retention=0.5, seed=7)
    assert estimate_retention(other.checklists, other.quiz_results).per_level.high < est.per_level.low


@pytest.mark.parametrize("retention", [0.7, 0.9])
def test_intervals_cover_the_truth_about_as_often_as_claimed(retention):
    """Over 30 programmes, a 95% interval should miss the truth about 1.5 times; 6 or more misses means the
    intervals are too narrow (binomial probability below 0.2% if the real coverage were 95%)."""
    misses = 0
    for seed in range(30):
        p = synthetic_programme(retention=retention, seed=100 + seed)
        est = estimate_retention(p.checklists, p.quiz_results, resamples=500, seed=seed)
        misses += not est.per_level.low <= retention <= est.per_level.high
    assert misses <= 5


def test_one_measure_alone_also_works(programme):
    est = estimate_retention(programme.checklists, [])
    assert est.measures == ("fidelity checklists",) and est.per_level.low <= 0.8 <= est.per_level.high
    est = estimate_retention([], programme.quiz_results)
    assert est.measures == ("learners' quiz results",) and est.per_level.low <= 0.8 <= est.per_level.high


def test_data_that_cannot_support_an_estimate_is_refused_plainly(programme):
    no_masters = [c for c in programme.checklists if c.generation > 0]
    with pytest.raises(ValueError, match="generation 0"):
        estimate_retention(no_masters)
    only_masters = [c for c in programme.checklists if c.generation == 0]
    with pytest.raises(ValueError, match="one generation only"):
        estimate_retention(only_masters)
    gap = [c for c in programme.checklists if c.generation != 1]
    with pytest.raises(ValueError, match="gap"):
        estimate_retention(gap)
    thin = [c for c in programme.checklists if c.generation != 1 or c.trainer == "g1-01"]
    with pytest.raises(ValueError, match="fewer than 2 trainers"):
        estimate_retention(thin)
    mixed = programme.quiz_results[:1] + [QuizResult("g0-01", 1, "l", "q", 1, 2)]
    with pytest.raises(ValueError, match="one trainer has one generation"):
        estimate_retention([], mixed)
    with pytest.raises(ValueError, match="maximum"):
        QuizResult("t", 0, "l", "q", 3, 2)


def test_cascade_shows_measured_dilution_and_warns_below_the_floor(programme):
    est = estimate_retention(programme.checklists, programme.quiz_results)
    plan = Cascade(levels=3).with_measured(est)
    r = plan.result()
    assert r.measured and plan.measured
    r1, r2 = est.retention(1), est.retention(2)
    assert r.fidelity_per_level[2] == pytest.approx(r1.estimate * r2.estimate)
    assert r.fidelity_per_level[3] == pytest.approx(r1.estimate * r2.estimate * est.per_level.estimate)
    assert r.fidelity_low[2] == pytest.approx(r1.low * r2.low) and r.fidelity_high[1] == pytest.approx(r1.high)
    assert plan.fidelity_warning(0.2) == ""
    warn = plan.fidelity_warning(r.fidelity_per_level[3] + 0.01)
    assert warn.startswith("Below your floor") and "level 3" in warn and "Plan at most 2" in warn
    maybe = plan.fidelity_warning((r.fidelity_per_level[3] + r.fidelity_low[3]) / 2)
    assert maybe.startswith("May fall below") and "level 3" in maybe
    # the solver respects the measured fidelity, and going back to assumed values restores the old answers
    sol = solve_cascade(1000, 24, r.fidelity_per_level[2] - 0.005, plan, vary="levels")
    assert sol.feasible and sol.plan.levels <= 2
    assert plan.with_measured(None) == Cascade(levels=3)
    assert Cascade.from_dict(plan.as_dict()) == plan


def test_measured_values_are_checked():
    with pytest.raises(ValueError, match="low <= estimate <= high"):
        Cascade(measured_retention=((0.8, 0.9, 0.95),))
    with pytest.raises(ValueError, match="triples"):
        Cascade(measured_retention=((0.8, 0.9),))
    assert Cascade(measured_retention=[[0.8, 0.7, 0.9]]).fidelity_at(3) == pytest.approx(0.8**3)
