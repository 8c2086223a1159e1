"""The warm-up assignment through nbgrader: validate, release, submit, autograde, read scores from the gradebook."""

import pytest

import helpers
from grading_helpers import WARMUP_SOLUTION as SOLUTION
from grading_helpers import WARMUP_WRONG as WRONG

ASSIGNMENT = "00-warmup"
NOTEBOOK = "warmup.ipynb"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = helpers.Course(tmp_path_factory.mktemp("course") / "course")
    course.release(ASSIGNMENT)
    blank = course.released_notebook(ASSIGNMENT, NOTEBOOK)
    course.submit("correct", ASSIGNMENT, {NOTEBOOK: helpers.replace_in_cell(blank, "learner_share", SOLUTION)})
    course.submit("blank", ASSIGNMENT, {NOTEBOOK: blank})
    course.submit("wrong", ASSIGNMENT, {NOTEBOOK: helpers.replace_in_cell(blank, "learner_share", WRONG)})
    course.nbgrader("autograde", ASSIGNMENT, "--force")
    return course


def test_source_passes_validation(tmp_path):
    course = helpers.Course(tmp_path / "course")
    out = course.nbgrader("validate", f"source/{ASSIGNMENT}/{NOTEBOOK}").stdout
    assert "Success! Your notebook passes all the tests." in out


def test_release_fails_its_tests(graded):
    out = graded.nbgrader("validate", "--invert", f"release/{ASSIGNMENT}/{NOTEBOOK}").stdout
    assert "Success! The notebook does not pass any tests." in out
    released = (graded.root / "release" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "BEGIN SOLUTION" not in released and "100 * active / total" not in released
    assert "BEGIN HIDDEN TESTS" not in released and "do not divide by zero" not in released


def test_scores(graded):
    scores = graded.scores(ASSIGNMENT)
    assert scores == {"correct": 2.0, "blank": 0.0, "wrong": 0.0}


def test_wrong_answer_gets_the_teaching_message(graded):
    autograded = (graded.root / "autograded" / "wrong" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "Count minutes, not segments" in autograded


def test_manual_cell_waits_for_a_grader(graded):
    cells = graded.cell_scores(ASSIGNMENT, "warmup", "correct")
    assert cells["test_learner_share"] == 2.0
    assert cells["reflection"] == 0.0  # not graded by hand yet
