import pytest
from traitlets import TraitError

from ttt_widgets.loader import load_content
from ttt_widgets.models.quiz import QuizError, QuizModel


def test_single_choice_correct_and_wrong_with_diagnosis():
    m = QuizModel("trainer-role")
    wrong = m.submit([1])
    assert not wrong.correct
    assert wrong.diagnoses and "learner" in wrong.diagnoses[0]
    assert wrong.missed == ("She skips steps that have become automatic for her.",)
    assert m.score == 0 and m.attempts == 1
    again = m.submit("She skips steps that have become automatic for her.")
    assert again.correct and again.diagnoses == ()
    assert m.score == 1 and m.attempts == 2


def test_multiple_choice_needs_exactly_the_correct_set():
    m = QuizModel("trainer-role")
    m.position = 2
    partial = m.submit([0])
    assert not partial.correct
    assert partial.missed == ("A one-minute paper (\"the muddiest point so far\").",)
    assert partial.diagnoses == ()  # nothing wrong was chosen, one right one was missed
    assert m.submit([0, 1]).correct
    with_wrong = m.submit([0, 1, 2])
    assert not with_wrong.correct and len(with_wrong.diagnoses) == 1


@pytest.mark.parametrize("bad, message", [
    ([], "choose an answer"),
    ([7], "does not exist"),
    (["no such answer"], "not one of the answers"),
    ([0, 1], "one answer only"),
    ([None], "not an answer"),
    ([True], "not an answer"),
])
def test_bad_answers_are_refused_with_a_message(bad, message):
    m = QuizModel("trainer-role")
    with pytest.raises(QuizError, match=message):
        m.submit(bad)
    assert m.attempts == 0


def test_rounds_and_retry_missed():
    m = QuizModel("trainer-role")
    m.submit([1]); m.next()
    m.submit([0]); m.next()
    m.submit([0, 1]); m.next()
    assert m.finished and m.current is None
    assert m.missed == ["expert-blind-spot"]
    assert m.retry_missed() == 1
    assert m.round == 2 and m.current["id"] == "expert-blind-spot"
    m.submit([0])
    assert m.missed == [] and m.score == 3
    m.next()
    assert m.retry_missed() == 0
    with pytest.raises(QuizError, match="finished"):
        m.submit([0])


def test_reset_forgets_everything():
    m = QuizModel("trainer-role")
    m.submit([1]); m.next()
    m.reset()
    assert (m.score, m.attempts, m.position, m.results, m.round) == (0, 0, 0, {}, 1)


def test_position_is_validated():
    m = QuizModel("trainer-role")
    with pytest.raises(TraitError, match="position"):
        m.position = 99


def test_model_accepts_a_dict_and_validates_it():
    data = load_content("quizzes", "trainer-role")
    data["questions"] = data["questions"][:1]
    assert QuizModel(data).total == 1
    del data["questions"][0]["answers"][1]["diagnosis"]
    with pytest.raises(ValueError, match="diagnosis"):
        QuizModel(data)
