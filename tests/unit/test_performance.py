"""Is training the answer? The walk through Mager & Pipe's questions: its content is a proper walk, and one walk's state."""

import copy

import pytest

from ttt_widgets import PerformanceAnalysis
from ttt_widgets.loader import list_content, load_content
from ttt_widgets.models.performance import _check, performance_analysis


def test_the_packaged_walk_reaches_every_outcome_and_only_one_says_train():
    data = performance_analysis()
    assert data["start"] == "worth-it"
    trains = [o["id"] for o in data["outcomes"].values() if o["training"]]
    assert trains == ["train"]
    assert len(data["outcomes"]) >= 8
    assert "Mager, R. F., & Pipe, P. (1997)" in data["sources"][0]


def test_could_they_do_it_if_their_life_depended_on_it_leads_away_from_training():
    w = PerformanceAnalysis()
    w.follow([True, True, True, True])
    assert "life depended on it" in w.question["text"]
    w.answer("yes")
    assert w.outcome["id"] == "look-again" and w.training_needed is False


def test_only_a_real_gap_that_no_simpler_task_closes_means_training():
    w = PerformanceAnalysis()
    assert w.follow([True, True, True, True, False, False, False]) == "train"
    assert w.training_needed is True and w.finished
    assert w.follow([True, True, True, True, False, False, True]) == "simplify"
    assert w.training_needed is False
    # a skill once had: used often -> feedback, rarely -> practice or a job aid
    assert w.follow([True, True, True, True, False, True, True]) == "feedback"
    assert w.follow([True, True, True, True, False, True, False]) == "practice-or-aid"


@pytest.mark.parametrize("answers, outcome", [
    ([False], "leave-it"), ([True, False], "clarify"), ([True, True, False], "remove-obstacles"),
    ([True, True, True, False], "fix-consequences"),
])
def test_the_fast_fixes_come_before_the_skill_question(answers, outcome):
    w = PerformanceAnalysis()
    assert w.follow(answers) == outcome
    assert [a for _, a in w.steps] == answers


def test_back_and_restart():
    w = PerformanceAnalysis()
    w.back()  # nothing to undo
    assert w.node == "worth-it" and w.answers == []
    w.follow([True, False])
    w.back()
    assert w.node == "expectations" and w.outcome is None and w.training_needed is None
    w.restart("forms")
    assert w.case_id == "forms" and w.answers == [] and w.node == "worth-it"


def test_every_example_case_reaches_its_outcome_and_says_so():
    w = PerformanceAnalysis()
    assert {c["id"] for c in w.cases} >= {"forms", "new-software", "annual-check"}
    for c in w.cases:
        w.restart(c["id"])
        assert w.case_verdict is None
        w.follow(c["answers"])
        assert w.outcome["id"] == c["outcome"]
        assert w.case_verdict.startswith("This is where the case leads.")
    w.restart("forms")
    w.follow([False])
    assert w.case_verdict.startswith("This case leads elsewhere: Make expectations and feedback clear.")


def test_wrong_answers_and_moves_get_clear_errors():
    w = PerformanceAnalysis()
    with pytest.raises(ValueError, match="answer yes or no"):
        w.answer("maybe")
    w.answer(False)
    with pytest.raises(ValueError, match="reached its outcome"):
        w.answer(True)
    assert w.outcome["id"] == "leave-it"  # kept
    with pytest.raises(ValueError, match="no example case 'nope'"):
        w.restart("nope")
    assert w.case_id == ""


def _walk():
    return load_content("performance-analysis", "mager-pipe")


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["questions"][0].update(yes="nowhere"), "leads on 'yes' to 'nowhere'"),
    (lambda d: d["questions"][-1].update(no="worth-it"), "the questions loop"),
    (lambda d: d["outcomes"].append({"id": "orphan", "title": "T", "advice": "A", "training": False}),
     "no answers lead to orphan"),
    (lambda d: [o.update(training=False) for o in d["outcomes"]], "no outcome says that training"),
    (lambda d: d["cases"][0].update(outcome="train"), "case 'forms' claims 'train'"),
    (lambda d: d.update(start="train"), "the start 'train' is not a question"),
    (lambda d: d["outcomes"].append(copy.deepcopy(d["outcomes"][0])), "unique"),
])
def test_a_broken_walk_is_refused_with_the_fault_named(edit, message):
    data = _walk()
    edit(data)
    with pytest.raises(ValueError, match=message):
        _check(data)


def test_every_packaged_walk_checks():
    for name in list_content("performance-analysis"):
        assert _check(load_content("performance-analysis", name))["outcomes"]
