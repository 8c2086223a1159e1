import pytest
from traitlets import TraitError

from ttt_widgets.loader import load_content
from ttt_widgets.models.quiz import QuizError, QuizModel, shuffled_answers

BLIND_SPOT = "She skips steps that have become automatic for her."


def test_single_choice_correct_and_wrong_with_diagnosis():
    m = QuizModel("trainer-role")
    motivation = m.options().index("The trainees lack motivation.")
    wrong = m.submit([motivation])
    assert not wrong.correct
    assert wrong.diagnoses and "learner" in wrong.diagnoses[0]
    assert wrong.missed == (BLIND_SPOT,)
    assert m.score == 0 and m.attempts == 1
    again = m.submit(BLIND_SPOT)
    assert again.correct and again.diagnoses == ()
    assert m.score == 1 and m.attempts == 2


def test_multiple_choice_needs_exactly_the_correct_set():
    m = QuizModel("trainer-role")
    m.position = 2
    paper = m.options().index("A one-minute paper (\"the muddiest point so far\").")
    other = next(i for i in m.key() if i != paper)
    partial = m.submit([other])
    assert not partial.correct
    assert partial.missed == ("A one-minute paper (\"the muddiest point so far\").",)
    assert partial.diagnoses == ()  # nothing wrong was chosen, one right one was missed
    assert m.submit(list(m.key())).correct
    with_wrong = m.submit([*m.key(), m.wrong()])
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
    m.submit([m.wrong()]); m.next()
    m.submit(list(m.key())); m.next()
    m.submit(list(m.key())); m.next()
    assert m.finished and m.current is None and m.key() == ()
    assert m.missed == ["expert-blind-spot"]
    assert m.retry_missed() == 1
    assert m.round == 2 and m.current["id"] == "expert-blind-spot"
    m.submit(list(m.key()))
    assert m.missed == [] and m.score == 3
    m.next()
    assert m.retry_missed() == 0
    with pytest.raises(QuizError, match="finished"):
        m.submit([0])


def test_reset_forgets_everything():
    m = QuizModel("trainer-role")
    m.submit([m.wrong()]); m.next()
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
    wrong = next(a for a in data["questions"][0]["answers"] if not a["correct"])
    del wrong["diagnosis"]
    with pytest.raises(ValueError, match="diagnosis"):
        QuizModel(data)


# -- each trainee's own answer order ---------------------------------------------------------------------------

def _orders(seed):
    m = QuizModel("how-people-learn", shuffle_seed=seed)
    return [tuple(a["text"] for a in q["answers"]) for q in m.questions]


def test_the_order_is_the_same_at_every_rerun_for_one_trainee():
    assert _orders("anon-1a2b3c4d") == _orders("anon-1a2b3c4d")


def test_the_order_is_the_same_in_a_new_process_whatever_its_hash_seed():
    """Reruns are new kernels: the order must not depend on Python's per-process string hashing."""
    import os
    import subprocess
    import sys

    code = ("from ttt_widgets.models.quiz import QuizModel\n"
            "m = QuizModel('how-people-learn', shuffle_seed='anon-1a2b3c4d')\n"
            "print([[a['text'] for a in q['answers']] for q in m.questions])")
    outs = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                           text=True, check=True).stdout.strip() for seed in ("1", "2")}
    assert outs == {str([list(o) for o in _orders("anon-1a2b3c4d")])}


def test_trainees_see_different_orders_and_the_same_answers():
    content = [tuple(a["text"] for a in q["answers"]) for q in load_content("quizzes", "how-people-learn")["questions"]]
    seeds = [f"anon-{i:08x}" for i in range(12)]
    orders = {tuple(_orders(s)) for s in seeds}
    assert len(orders) > 6  # 4 questions of 3 options: 1,296 orders; 12 trainees share few
    for s in seeds:
        assert [sorted(o) for o in _orders(s)] == [sorted(o) for o in content]


def test_no_seed_keeps_the_content_order():
    content = [tuple(a["text"] for a in q["answers"]) for q in load_content("quizzes", "how-people-learn")["questions"]]
    assert _orders(None) == content


def test_right_answers_spread_over_positions_across_trainees():
    """Over many trainees, the right answer of a 3-option question sits in each place about a third of the time."""
    data = load_content("quizzes", "questioning")
    q = data["questions"][0]
    counts = [0, 0, 0]
    for i in range(600):
        order = shuffled_answers(q["answers"], f"anon-{i:08x}", data["id"], q["id"])
        counts[next(j for j, a in enumerate(order) if a["correct"])] += 1
    assert all(150 <= c <= 250 for c in counts), counts


def test_scoring_follows_the_shuffled_order():
    m = QuizModel("trainer-role", shuffle_seed="anon-00000007")
    assert m.options()[m.key()[0]] == BLIND_SPOT
    assert m.submit(list(m.key())).correct
