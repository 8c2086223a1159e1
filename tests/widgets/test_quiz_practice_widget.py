"""The Quiz widget's practice controls."""

from ttt_widgets import Quiz


def test_practice_controls_only_when_asked():
    assert not hasattr(Quiz("trainer-role"), "_practice_row")
    q = Quiz("trainer-role", practice=True)
    assert q._practice_row in q.children


def test_practice_round_and_next_day():
    q = Quiz("trainer-role", practice=True)
    q._practice_btn.click()
    assert "practice day 0" in q._progress.value and "box 1: 3" in q._boxes.value
    for choice in ([0], [1], [0, 1]):
        q.select(*choice)
        q.submit()
        q.next()
    assert "box 1: 1, box 2: 2" in q._boxes.value
    q._next_day_btn.click()
    assert q.model.day == 1 and q._progress.value == "Question 1 of 1 (practice day 1)"


def test_nothing_due_is_said_plainly():
    q = Quiz("trainer-role", practice=True)
    q.practise(0)
    for choice in ([0], [0], [0, 1]):
        q.select(*choice)
        q.submit()
        q.next()
    assert q.practise(1) == 0
    assert "Nothing is due on day 1" in q._status.value
    q.practise(-2)
    assert "practice day must be" in q._status.value
