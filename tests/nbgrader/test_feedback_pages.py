"""Feedback that teaches and leaks nothing: hidden tests' messages without their code, hints after a NameError."""

from __future__ import annotations

import copy

import pytest

import helpers
from grading_helpers import make_course, ttt

A = "01-objectives"
NB = "objectives.ipynb"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
ONE_LEVEL = ('objectives = ["Participants will be able to list the four parts of an objective with no more than one '
             'error.", "Participants will be able to name three verbs with no more than one error.", "Participants '
             'will be able to list two Bloom levels with no error."]')


def _answer(blank, grade_id: str, text: str):
    released = next(c.source for c in blank.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return helpers.replace_in_cell(blank, grade_id, released.replace(STUB, text))


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("feedback") / "course")
    course.release(A)
    blank = course.released_notebook(A, NB)
    typo = _answer(blank, "objectives", ONE_LEVEL.replace("objectives =", "objectivs =", 1))
    moved = copy.deepcopy(_answer(blank, "objectives", ONE_LEVEL))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in moved.cells]
    answer = moved.cells.pop(ids.index("objectives"))
    moved.cells.insert(ids.index("test_objectives"), answer)  # now just below its test
    for student, nb in {"onelevel": _answer(blank, "objectives", ONE_LEVEL), "typo": typo, "moved": moved}.items():
        course.submit(student, A, {NB: nb})
    flags = () if helpers.sandbox_available() else ("--no-sandbox",)
    run = ttt(course, "grade", A, "--jobs", "2", *flags)
    course.nbgrader("generate_feedback", A, "--force")
    html = {s: (course.root / "feedback" / s / A / "objectives.html").read_text() for s in ("onelevel", "typo", "moved")}
    return {"run": run, "html": html}


def test_hidden_test_code_never_reaches_the_feedback_but_its_message_does(feedback):
    page = feedback["html"]["onelevel"]
    assert "BEGIN HIDDEN TESTS" not in page and "levels = sorted(" not in page and "higher = {" not in page
    assert "write them at two or more levels" in " ".join(page.split())  # what the hidden check said (wrapped)
    assert "hidden tests ran here" in page


def test_a_name_error_gets_a_plain_language_hint(feedback):
    assert "Hint: `objectives` was never defined when this test ran" in feedback["html"]["typo"]


def test_a_moved_cell_gets_a_hint_to_move_it_back(feedback):
    assert "Hint: `objectives` is defined in a cell below this test" in feedback["html"]["moved"]
