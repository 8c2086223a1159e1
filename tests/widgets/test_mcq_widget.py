"""The MCQ workshop driven from Python: writing, checks, preview in the quiz, saving as YAML."""

import ipywidgets as widgets

from ttt_widgets import MCQWorkshop, Quiz
from ttt_widgets.loader import load_file


def _filled():
    w = MCQWorkshop()
    w.set(stem="Which question invites explanation?", answer="Why might this plan fail?")
    w.set_distractor(0, "Is this plan clear?", "Thinks a yes/no check shows understanding")
    w.set_distractor(1, "Any questions so far?", "Thinks silence means understanding")
    return w


def test_starts_with_three_rows_and_checks_with_reasons():
    w = MCQWorkshop()
    assert isinstance(w, widgets.VBox) and len(w._rows) == 3
    w._check_btn.click()
    assert "Write the question stem." in w._checks.value and "Write at least 2 distractors" in w._checks.value
    w = _filled()
    w._check_btn.click()
    assert "To fix:" not in w._checks.value and "The item is ready" in w._status.value


def test_problems_are_listed_and_the_preview_refused():
    w = _filled()
    w.set_distractor(1, "All of the above", "")
    w._preview_btn.click()
    assert "Avoid &#x27;All of the above&#x27;" in w._checks.value
    assert "Distractor 2 has no diagnosis" in w._checks.value
    assert "not ready" in w._status.value and w.quiz is None


def test_preview_plays_in_the_quiz():
    w = _filled()
    quiz = w.preview()
    assert isinstance(quiz, Quiz) and w._preview_box.children[1] is quiz
    quiz.select("Any questions so far?")
    result = quiz.submit()
    assert not result.correct and "Thinks silence means understanding" in quiz._status.value


def test_rows_can_be_added_and_removed():
    w = _filled()
    w._add_row_btn.click()
    assert len(w._rows) == 4
    w._rows_box.children[0].children[2].click()  # remove the first distractor row
    assert [t.value for t, _ in w._rows][:1] == ["Any questions so far?"]
    w.check()
    assert "Write at least 2 distractors" in w._checks.value


def test_save_writes_a_quiz_file(tmp_path):
    w = _filled()
    path = tmp_path / "mine.yaml"
    w._path.value = str(path)
    w._save_btn.click()
    assert "Saved to" in w._status.value
    data = load_file(path, "quizzes")
    assert data["questions"][0]["prompt"] == "Which question invites explanation?"
    Quiz(data)  # a trainee's own file plays in the quiz
    assert w.save(tmp_path / "mine.txt") is None and ".yaml" in w._status.value


def test_bad_input_keeps_every_field():
    w = _filled()
    long = "x" * 2001
    w.set(stem=long)
    assert w.check() is None and "2,001 characters" in w._status.value
    assert w._stem.value == long and w._answer.value == "Why might this plan fail?"
    w.set(stem="<b>Which</b> is right?")
    w.set_distractor(2, "", "a diagnosis with no option")
    assert w.check() is None and "has a diagnosis but no text" in w._status.value
    assert w.set_distractor(9, "x") is None and "0 to 4" in w._status.value
    w.set_distractor(2, "", "")
    w.check()
    assert "<b>Which</b>" not in w._checks.value + w._status.value
