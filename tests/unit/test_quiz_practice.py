"""The Quiz's practice mode: questions come back on the Leitner schedule."""

import pytest

from ttt_widgets.models.quiz import QuizError, QuizModel


def answer(m, right: bool):
    m.submit(list(m.key()) if right else [m.wrong()])


def test_practice_days_follow_the_leitner_boxes():
    m = QuizModel("trainer-role")
    ids = [q["id"] for q in m.questions]
    assert m.start_practice() == 3 and m.practising and m.day == 0
    answer(m, True); m.next()          # right: box 2, due day 2
    answer(m, False); m.next()         # wrong: stays in box 1, due day 1
    answer(m, True); m.next()          # right: box 2, due day 2
    assert m.finished
    assert m.scheduler.counts() == [1, 2, 0, 0, 0]
    assert m.next_practice_day() == 1
    assert [m.questions[i]["id"] for i in m.order] == [ids[1]]
    answer(m, True)                    # right on day 1: box 2, due day 3
    assert m.next_practice_day() == 2
    assert [m.questions[i]["id"] for i in m.order] == [ids[0], ids[2]]
    assert m.scheduler.next_due(ids[1]) == 3


def test_an_unanswered_question_stays_due():
    m = QuizModel("trainer-role")
    m.start_practice(0)
    ids = [q["id"] for q in m.questions]
    answer(m, True)
    assert m.scheduler.due(0) == ids[1:]  # never answered: still due
    assert m.scheduler.due(5) == ids      # and they stay due (overdue) until answered


def test_wrong_answers_send_a_question_back_to_box_one():
    m = QuizModel("trainer-role")
    m.start_practice(0)
    answer(m, True)
    assert m.scheduler.box_of(m.questions[0]["id"]) == 2
    answer(m, False)
    assert m.scheduler.box_of(m.questions[0]["id"]) == 1


def test_nothing_due_gives_an_empty_round_and_stop_returns_to_the_quiz():
    m = QuizModel("trainer-role")
    m.start_practice(0)
    for right in (True, False, True):
        answer(m, right); m.next()
    assert m.start_practice(0) == 0 and m.finished
    m.stop_practice()
    assert not m.practising and len(m.order) == 3 and m.position == 0


def test_bad_day_and_reset():
    m = QuizModel("trainer-role")
    with pytest.raises(QuizError, match="practice day"):
        m.start_practice(-1)
    m.start_practice(0)
    m.reset()
    assert m.scheduler is None and not m.practising and m.day == 0


def test_outside_practice_the_scheduler_is_untouched():
    m = QuizModel("trainer-role")
    answer(m, True)
    assert m.scheduler is None


def test_start_round_runs_the_given_questions_only():
    m = QuizModel("trainer-role")
    assert m.start_round(["cascade-fidelity"]) == 1 and m.current["id"] == "cascade-fidelity"
    with pytest.raises(QuizError, match="no such question"):
        m.start_round(["nope"])
