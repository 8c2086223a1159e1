"""Multiple-choice items: item-writing checks with reasons, export in the quiz format, saving and appending."""

import pytest

from ttt_widgets import MCQItem, QuizModel
from ttt_widgets.loader import load_file, validate_content


def _good():
    item = MCQItem(stem="What should a trainer do first when a group goes quiet after a question?",
                   answer="Wait a few seconds before rephrasing",
                   explanation="Wait time lets more learners think of an answer.")
    item.add_distractor("Answer the question to keep the pace", "Believes silence means nobody knows")
    item.add_distractor("Ask the most confident learner to reply", "Equates a quick answer with group learning")
    return item


def _failed(item):
    return {c.code: c.message for c in item.checks() if not c.ok}


def test_a_good_item_passes_every_check():
    item = _good()
    assert _failed(item) == {} and item.ready
    assert [c.code for c in item.checks()] == ["stem", "answer", "distractors", "diagnosis", "banned", "duplicates", "length"]


def test_too_few_distractors_and_missing_diagnosis():
    item = MCQItem(stem="Which event comes first?", answer="Gain attention")
    assert _failed(item)["distractors"] == "Write at least 2 distractors (wrong options); there are 0."
    item.add_distractor("Assess performance", "")
    item.add_distractor("Provide feedback", "Thinks feedback opens a lesson")
    assert _failed(item)["diagnosis"] == ("Distractor 1 has no diagnosis: name the misconception that would lead a "
                                         "learner to choose it.")


@pytest.mark.parametrize("option", ["All of the above", "none of the above.", "None of these", "Both A and B"])
def test_all_or_none_of_the_above_are_flagged(option):
    item = _good()
    item.update_distractor(1, text=option)
    assert "Avoid" in _failed(item)["banned"] and option in _failed(item)["banned"]


def test_duplicate_answers_are_flagged_ignoring_case_and_punctuation():
    item = _good()
    item.update_distractor(0, text="wait a few seconds before rephrasing.")
    assert "appears more than once" in _failed(item)["duplicates"]


def test_a_conspicuously_long_right_answer_is_flagged():
    item = MCQItem(stem="Why use diagnostic distractors?", answer="Because each wrong answer then tells the trainer "
                   "which misconception the learner holds, so re-teaching can target it")
    item.add_distractor("To make it harder", "Sees items as traps")
    item.add_distractor("To save time", "Confuses purpose with cost")
    assert _failed(item)["length"].startswith("The right answer is the longest option")


def test_options_of_very_different_length_are_flagged_but_short_ones_are_not():
    item = MCQItem(stem="2 + 2 = ?", answer="4")
    item.add_distractor("22", "Joins the digits")
    item.add_distractor("5", "Counts on by one too many")
    assert "length" not in _failed(item)
    item.update_distractor(0, text="Twenty-two, written out in full as words")
    assert "differ a lot in length" in _failed(item)["length"]


def test_negative_stem_is_flagged_unless_capitalised():
    item = _good()
    item.set_stem("Which of these is not a good first move when a group goes quiet?")
    assert "negative" in _failed(item)
    item.set_stem("Which of these is NOT a good first move when a group goes quiet?")
    assert "negative" not in _failed(item)


def test_export_is_a_valid_quiz_that_plays_and_diagnoses():
    data = _good().to_quiz(quiz_id="my-items", title="My items")
    validate_content(data, "quizzes")
    q = data["questions"][0]
    assert q["answers"][0]["correct"] is False  # the right answer is not always first
    model = QuizModel(data)
    right = next(i for i, a in enumerate(q["answers"]) if a["correct"])
    wrong = next(i for i, a in enumerate(q["answers"]) if not a["correct"])
    result = model.submit([wrong])
    assert not result.correct and result.diagnoses[0] in {"Believes silence means nobody knows",
                                                          "Equates a quick answer with group learning"}
    assert model.submit([right]).correct
    assert data == _good().to_quiz(quiz_id="my-items", title="My items")  # deterministic


def test_an_item_with_problems_is_not_exported():
    item = MCQItem(stem="Which?", answer="This")
    with pytest.raises(ValueError, match="not ready: Write at least 2 distractors"):
        item.to_quiz()


def test_save_writes_yaml_that_loads_and_appends(tmp_path):
    path = tmp_path / "mine.yaml"
    _good().save(path, quiz_id="mine", title="Mine")
    other = MCQItem(stem="Which question invites explanation?", answer="Why might this fail?")
    other.add_distractor("Is this clear?", "Thinks a yes/no check shows understanding")
    other.add_distractor("Any questions?", "Thinks silence means understanding")
    other.save(path)
    data = load_file(path, "quizzes")
    assert data["id"] == "mine" and len(data["questions"]) == 2
    with pytest.raises(ValueError, match="already has a question with this stem"):
        other.save(path)
    assert len(load_file(path, "quizzes")["questions"]) == 2
    with pytest.raises(ValueError, match=".yaml"):
        other.save(tmp_path / "mine.txt")


@pytest.mark.parametrize("call, message", [
    (lambda i: i.set_stem(""), "empty"),
    (lambda i: i.set_stem("x" * 2001), "2,001 characters"),
    (lambda i: i.set_answer(None), "empty"),
    (lambda i: i.add_distractor("", "d"), "empty"),
    (lambda i: i.add_distractor(["a"], "d"), "must be text"),
    (lambda i: i.remove_distractor(9), "no distractor number 9"),
])
def test_bad_input_is_refused_and_nothing_is_lost(call, message):
    item = _good()
    before = (item.stem, item.answer, list(item.distractors))
    with pytest.raises(ValueError, match=message):
        call(item)
    assert (item.stem, item.answer, list(item.distractors)) == before


def test_at_most_five_distractors():
    item = _good()
    for n in range(3):
        item.add_distractor(f"Option {n}", "d")
    with pytest.raises(ValueError, match="at most 5"):
        item.add_distractor("One too many", "d")
