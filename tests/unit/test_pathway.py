"""Pathway: the five certification steps, their deadlines and a trainer's status."""

from datetime import date

import pytest

from ttt_widgets.models.pathway import STEPS, Pathway, PathwayRules, TrainerProgress

RULES = PathwayRules(modules=("01-trainer-role", "02-how-people-learn"), assignments=("01-objectives",))


def status(today="2025-03-01", **kw):
    kw.setdefault("trained_on", "2025-01-01")
    return Pathway(RULES).status(TrainerProgress("ali", **kw), today=today)


def test_a_new_trainee_has_not_started_and_each_step_has_its_deadline():
    s = status(trained_on="2025-01-01", today="2025-01-02")
    assert s.state == "not started" and s.next_step == "modules"
    assert [x.step for x in s.steps] == list(STEPS)
    assert s.step("demo").due == date(2025, 4, 1)  # 90 days after training, as in the checkout
    assert not any(x.overdue for x in s.steps)


def test_steps_in_order_and_the_failed_assignment_says_what_is_needed():
    s = status(today="2025-03-05", modules_done={"01-trainer-role", "02-how-people-learn"},
               assignment_scores={"01-objectives": 0.6})
    assert s.step("modules").done and not s.step("assignments").done
    assert "60%, 70% needed" in s.step("assignments").detail
    assert s.state == "overdue"  # assignments were due 60 days after training
    assert "(was due 2025-03-02)" in s.step("assignments").detail
    assert status(today="2025-03-02", modules_done={"01-trainer-role", "02-how-people-learn"},
                  assignment_scores={"01-objectives": 0.6}).state == "in progress"


def test_demo_deadline_passes_into_overdue():
    done = dict(modules_done={"01-trainer-role", "02-how-people-learn"}, assignment_scores={"01-objectives": 0.9})
    assert status(today="2025-03-31", **done).state == "in progress"
    late = status(today="2025-04-02", demo_redos=1, **done)
    assert late.state == "overdue" and late.step("demo").overdue and "1 redo(s)" in late.step("demo").detail


def test_certified_needs_a_good_enough_observation_then_falls_due_for_reobservation():
    done = dict(modules_done={"01-trainer-role", "02-how-people-learn"}, assignment_scores={"01-objectives": 0.9},
                demo_passed_on="2025-02-01", co_facilitated_on="2025-03-01", observed_on="2025-04-01")
    low = status(today="2025-05-01", observation_score=0.6, **done)
    assert low.state == "in progress" and low.next_step == "observed" and "75% needed" in low.step("observed").detail
    ok = status(today="2025-05-01", observation_score=0.8, **done)
    assert ok.state == "certified" and ok.certified_on == date(2025, 4, 1) and ok.reobserve_by == date(2026, 4, 1)
    assert status(today="2026-04-02", observation_score=0.8, **done).state == "due for re-observation"


def test_bad_rules_and_progress_are_refused():
    with pytest.raises(ValueError, match="unknown pathway step"):
        PathwayRules(deadlines={"demo": 90, "party": 3})
    with pytest.raises(ValueError, match="pass share"):
        PathwayRules(pass_share=70)
    with pytest.raises(ValueError, match="share of the points"):
        TrainerProgress("ali", assignment_scores={"a": 7})
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        TrainerProgress("ali", trained_on="01/02/2025")


def test_a_trainer_certified_on_record_is_certified_without_the_steps_and_falls_due_for_observation():
    s = status(today="2025-06-01", certified_on="2024-09-01")
    assert s.state == "certified" and s.next_step is None and not any(x.overdue for x in s.steps)
    assert s.reobserve_by == date(2025, 9, 1)
    assert status(today="2025-06-01", certified_on="2024-01-01").state == "due for re-observation"
    assert status(today="2025-06-01", certified_on="2024-01-01", observed_on="2025-02-01").state == "certified"


def test_a_long_list_of_modules_to_do_is_cut_short():
    s = Pathway().status(TrainerProgress("x", trained_on="2025-01-01"), today="2025-01-02")
    assert s.step("modules").detail == "12 to do: 00-welcome, 01-trainer-role, 02-how-people-learn and 9 more"
