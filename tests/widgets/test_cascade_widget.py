"""The CascadePlanner widget driven from Python."""

import re

from ttt_widgets import Cascade, CascadePlanner


def test_builds_from_a_preset_with_its_target():
    w = CascadePlanner("district-teachers")
    assert w.model.master_trainers == 8 and w._w["levels"].value == 2
    assert w._target.value == 10000 and w._deadline.value == 8
    assert "10,080" in w._table.value
    chart = w._plot.value  # HTML rows, not a picture: text that grows with the page's type
    assert "<img" not in chart and chart.count("class='ttt-chart-label'") == 3
    assert "Level 2: Learners reached 8,640, Fidelity delivered 64%" in chart
    assert "lowest fidelity accepted (60%)" in chart and "288 trainers, month 6" in chart


def test_chart_follows_the_floor_and_says_what_to_do_without_learners():
    w = CascadePlanner("district-teachers")
    w._min_fid.value = 0.7
    assert "lowest fidelity accepted (70%)" in w._plot.value and "left:70.00%" in w._plot.value
    w._w["learners_per_trainer"].value = 0
    assert "No learners are reached: set Learners per trainer above 0." in w._plot.value
    assert "ttt-chart-bar" in w._plot.value  # the fidelity bars stay
    w.set(levels=10, learners_per_trainer=30, trainers_per_trainer=30)
    chart = w._plot.value
    assert chart.count("class='ttt-chart-label'") == 11 and "Level 10: Learners reached" in chart
    ticks = re.findall(r"class='ttt-chart-tick[^']*'[^>]*>([^<]*)<", chart)
    assert ticks[0] == "0" and all(re.fullmatch(r"[\d,.]+[kM]?", t) for t in ticks[:4]), ticks


def test_sliders_change_the_plan_and_the_plot():
    w = CascadePlanner(Cascade(master_trainers=2, levels=1, trainers_per_trainer=5, learners_per_trainer=10))
    plot = w._plot.value
    w._w["levels"].value = 3
    assert w.model.levels == 3
    assert w._preset.value == "(your own plan)"
    r = w.model.result()
    assert f"{r.total_learners:,}" in w._table.value and w._plot.value != plot
    w._w["coaching"].value = True
    assert w.model.coaching and f"{w.model.result().final_fidelity:.0%}" in w._table.value


def test_solver_answer_in_words_and_use_the_plan():
    w = CascadePlanner("district-teachers")
    s = w.solve(20000, 8, 0.6)
    assert s.feasible and s.plan.master_trainers == 16
    assert "16 master trainer(s) are enough" in w._answer.value and not w._apply_btn.disabled
    w._apply_btn.click()
    assert w.model.master_trainers == 16 and w._w["master_trainers"].value == 16


def test_solver_says_plainly_when_no_plan_can():
    w = CascadePlanner("district-teachers")
    w._target.value, w._deadline.value = 10000, 4  # two levels need 6 months
    w._solve_btn.click()
    assert w.solution is not None and not w.solution.feasible
    assert "No plan can" in w._answer.value and "6 months" in w._answer.value
    assert w._apply_btn.disabled


def test_bad_values_give_a_message_and_keep_the_plan():
    w = CascadePlanner()
    before = w.model
    assert w.set(master_trainers=0) is None
    assert "master trainers must be between 1" in w._status.value
    assert w.model == before and w._w["master_trainers"].value == before.master_trainers
    assert w.set(levels="many") is None and w.model == before
    assert w.solve(0, 12, 0.5) is None and "target learners" in w._status.value
    assert w.load_preset("nowhere") is None and "no example" in w._status.value
    assert w.apply_solution() is None and "run the solver first" in w._status.value


def test_state_serialises():
    assert "children" in CascadePlanner().get_state()


def test_measured_retention_shows_its_interval_and_warns_below_the_floor():
    from ttt_widgets.models.fidelity import estimate_retention, synthetic_programme

    prog = synthetic_programme(retention=0.7, seed=5)
    est = estimate_retention(prog.checklists, prog.quiz_results, resamples=500)
    w = CascadePlanner()
    w.set(levels=3)
    w._min_fid.value = 0.3
    assumed_plot = w._plot.value
    assert "measured" not in w._table.value and w.fidelity_warning() == ""
    w.use_measured(est)
    r = w.model.result()
    assert r.measured and "(measured)" in w._table.value
    assert f"{r.fidelity_low[-1]:.0%} to {r.fidelity_high[-1]:.0%}" in w._table.value
    assert w._plot.value != assumed_plot and "Fidelity delivered (measured)" in w._plot.value
    assert "measured interval" in w._plot.value and w._plot.value.count("ttt-chart-interval") == 3
    assert f"{r.fidelity_per_level[-1]:.0%} ({r.fidelity_low[-1] * 100:.0f}\u2013{r.fidelity_high[-1]:.0%})" in w._plot.value
    assert "Measured retention per level" in w._table.value
    w._min_fid.value = 0.6  # the lead raises the floor: the planned cascade falls below it
    first_below = next(k for k in range(1, 4) if r.fidelity_per_level[k] < 0.6)
    assert "Below your floor" in w._table.value and f"level {first_below} delivers" in w.fidelity_warning()
    w.set(levels=1)  # a slider change keeps the measured values
    assert w.model.measured
    w.use_measured(None)
    assert not w.model.measured and "measured" not in w._table.value
