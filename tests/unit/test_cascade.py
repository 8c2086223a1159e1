"""The cascade model and its solver, against plans worked out by hand."""

import math

import pytest

from ttt_widgets import Cascade, solve_cascade
from ttt_widgets.loader import list_content, load_content


def test_reach_time_fidelity_and_cost_by_hand():
    plan = Cascade(master_trainers=3, levels=2, trainers_per_trainer=4, learners_per_trainer=10, months_per_level=2,
                   fidelity_per_level=0.8, training_days=2, cost_per_trainer_day=100)
    r = plan.result()
    # 3 masters -> 12 trainers -> 48 trainers; each of the 60 trainers teaches 10 learners
    assert r.trainers_per_level == (3, 12, 48)
    assert r.learners_per_level == (0, 120, 480)
    assert (r.total_trainers, r.total_learners) == (60, 600)
    # generation 1 is trained by month 2 and reaches its learners by month 4; generation 2 by month 6
    assert r.months_per_level_reached == (0, 4, 6) and r.time_to_reach_months == 6
    assert r.fidelity_per_level == (1.0, 0.8, 0.64) and r.final_fidelity == 0.64
    # 60 trainers x 2 days x 100
    assert r.total_cost == 12000 and r.cost_per_learner == 20


def test_coaching_keeps_fidelity_and_costs_days():
    base = Cascade(master_trainers=1, levels=3, trainers_per_trainer=2, learners_per_trainer=5,
                   fidelity_per_level=0.7, fidelity_with_coaching=0.9, training_days=3, coaching_days=2,
                   cost_per_trainer_day=10)
    plain, coached = base.result(), base.replace(coaching=True).result()
    assert plain.final_fidelity == pytest.approx(0.7**3)
    assert coached.final_fidelity == pytest.approx(0.9**3)
    assert plain.total_trainers == coached.total_trainers == 2 + 4 + 8
    assert plain.total_cost == 14 * 3 * 10 and coached.total_cost == 14 * 5 * 10


def test_results_are_deterministic_plain_numbers():
    a = Cascade().result().as_dict()
    b = Cascade().result().as_dict()
    assert a == b
    assert all(isinstance(v, int) for v in a["trainers_per_level"] + a["learners_per_level"])
    assert isinstance(a["total_learners"], int) and isinstance(a["time_to_reach_months"], int)


def test_no_learners_means_infinite_cost_per_learner():
    assert math.isinf(Cascade(learners_per_trainer=0).result().cost_per_learner)


@pytest.mark.parametrize("change, message", [
    ({"master_trainers": 0}, "master trainers must be between 1"),
    ({"master_trainers": -3}, "master trainers"),
    ({"master_trainers": 2.5}, "whole number"),
    ({"master_trainers": "4"}, "whole number"),
    ({"levels": 11}, "levels must be between 1 and 10"),
    ({"levels": True}, "whole number"),
    ({"trainers_per_trainer": 0}, "trainers per trainer"),
    ({"learners_per_trainer": -1}, "learners per trainer"),
    ({"months_per_level": 0}, "months per level"),
    ({"fidelity_per_level": 0}, "above 0"),
    ({"fidelity_per_level": 1.2}, "at most 1"),
    ({"fidelity_with_coaching": float("nan")}, "must be a number"),
    ({"cost_per_trainer_day": -5}, "cost per trainer day"),
    ({"coaching": "yes"}, "True or False"),
])
def test_bad_settings_are_refused_with_a_message(change, message):
    with pytest.raises(ValueError, match=message):
        Cascade(**change)


def test_from_dict_refuses_unknown_settings():
    with pytest.raises(ValueError, match="unknown cascade setting.*colour"):
        Cascade.from_dict({"levels": 2, "colour": "red"})


@pytest.mark.parametrize("name", list_content("cascade-presets"))
def test_presets_build(name):
    data = load_content("cascade-presets", name)
    assert Cascade.from_dict(data["plan"]).result().total_learners > 0


def test_solver_finds_the_fewest_master_trainers():
    base = Cascade(levels=2, trainers_per_trainer=4, learners_per_trainer=10, months_per_level=2)
    # one master reaches (4 + 16) * 10 = 200 learners; 1,001 learners need ceil(1001 / 200) = 6 masters
    s = solve_cascade(1001, deadline_months=6, min_fidelity=0.6, base=base)
    assert s.feasible and s.plan.master_trainers == 6 and s.result.total_learners == 1200
    assert base.replace(master_trainers=5).result().total_learners < 1001
    assert "6 master trainer(s)" in s.message
    assert base.solve(1001, 6, 0.6).plan == s.plan


def test_solver_finds_the_fewest_levels():
    base = Cascade(master_trainers=2, trainers_per_trainer=5, learners_per_trainer=10, months_per_level=1,
                   fidelity_per_level=0.9)
    # levels 1, 2, 3 reach 100, 600, 3100 learners
    s = solve_cascade(2000, 12, 0.7, base=base, vary="levels")
    assert s.feasible and s.plan.levels == 3 and s.result.total_learners == 3100
    assert [n for _, n in s.checked] == [100, 600, 3100]


def test_solver_says_when_the_deadline_rules_out_a_plan():
    base = Cascade(levels=3, months_per_level=3)
    s = solve_cascade(100, deadline_months=6, min_fidelity=0.1, base=base)
    assert not s.feasible and s.plan is None and s.binding == "deadline"
    assert s.message.startswith("No plan can") and "12 months" in s.message


def test_solver_says_when_fidelity_rules_out_a_plan():
    base = Cascade(levels=3, fidelity_per_level=0.8)
    s = solve_cascade(100, 48, 0.6, base=base)  # 0.8**3 = 51% < 60%
    assert not s.feasible and s.binding == "fidelity"
    assert "51%" in s.message and "coaching" in s.message
    assert solve_cascade(100, 48, 0.6, base=base.replace(coaching=True)).feasible


def test_solver_says_when_there_are_not_enough_master_trainers():
    s = solve_cascade(10**6, 48, 0.1, base=Cascade(levels=1, trainers_per_trainer=1, learners_per_trainer=10),
                      max_master_trainers=50)
    assert not s.feasible and s.binding == "master_trainers" and "100,000 master trainers" in s.message and "50 available" in s.message


def test_solver_levels_limited_by_fidelity_and_target_too_high():
    base = Cascade(master_trainers=1, trainers_per_trainer=2, learners_per_trainer=1, fidelity_per_level=0.5)
    s = solve_cascade(1000, 100, 0.25, base=base, vary="levels")  # at most 2 levels: 2 + 4 = 6 learners
    assert not s.feasible and "at most 2 level(s)" in s.message and "6 learners" in s.message
    s = solve_cascade(10, 100, 0.9, base=base, vary="levels")
    assert not s.feasible and "even one level" in s.message


@pytest.mark.parametrize("args, message", [
    ((0, 12, 0.5), "target learners"),
    ((100, 0, 0.5), "deadline months"),
    ((100, 12, 0), "above 0"),
    ((100, 12, 1.5), "at most 1"),
    ((100, "soon", 0.5), "whole number"),
])
def test_solver_refuses_bad_targets(args, message):
    with pytest.raises(ValueError, match=message):
        solve_cascade(*args)
    with pytest.raises(ValueError, match="vary"):
        solve_cascade(100, 12, 0.5, vary="budget")


def test_solver_with_ten_levels_is_exact():
    base = Cascade(master_trainers=1, trainers_per_trainer=2, learners_per_trainer=1, months_per_level=1,
                   fidelity_per_level=1.0)
    s = solve_cascade(2**11 - 2, 11, 0.5, base=base, vary="levels")  # 2 + 4 + ... + 1024 = 2046
    assert s.feasible and s.plan.levels == 10
