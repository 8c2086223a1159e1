"""The Quiz's practice controls: the questions due today by the calendar, from the trainee's saved deck."""

from ttt_widgets import FixedClock, Quiz, ReviewDeck


def _deck(path, day="2025-03-03"):
    return ReviewDeck("anon-test", folder=path, clock=FixedClock(day))


def _answer_all(q, rights):
    for right in rights:
        q.select(*(q.model.key() if right else (q.model.wrong(),)))
        q.submit()
        q.next()


def test_practice_controls_only_when_asked():
    assert not hasattr(Quiz("trainer-role"), "_practice_row")
    q = Quiz("trainer-role", practice=True)
    assert q._practice_row in q.children
    assert not hasattr(q, "_next_day_btn")  # days are calendar days, not a button


def test_practice_round_follows_calendar_days_and_survives_a_restart(tmp_path):
    deck = _deck(tmp_path)
    q = Quiz("trainer-role", practice=True, deck=deck)
    q._practice_btn.click()
    assert "(practice)" in q._progress.value and "never answered: 3" in q._boxes.value
    _answer_all(q, (True, False, True))
    assert "box 1: 1, box 2: 2" in q._boxes.value and "Next review: 2025-03-04" in q._boxes.value
    # a new kernel the next day: a fresh deck object reads the saved file
    later = _deck(tmp_path, "2025-03-04")
    q2 = Quiz("trainer-role", practice=True, deck=later)
    assert q2.practise() == 1 and q2._progress.value == "Question 1 of 1 (practice)"
    assert q2.model.current["id"] == "cascade-fidelity"
    later.clock.advance(1)
    assert q2.practise() == 3  # the two answered right on day 1, and the one still overdue


def test_nothing_due_is_said_plainly(tmp_path):
    q = Quiz("trainer-role", practice=True, deck=_deck(tmp_path))
    q.practise()
    _answer_all(q, (True, True, True))
    assert q.practise() == 0
    assert "Nothing from this quiz is due today. The next one is due on 2025-03-05" in q._status.value


def test_the_box_counts_wrap_instead_of_running_off_the_edge(tmp_path):
    """The counts line is over 100 characters: in a Label (which never wraps) it ran past a narrow notebook."""
    import ipywidgets as widgets

    q = Quiz("trainer-role", practice=True, deck=_deck(tmp_path))
    assert isinstance(q._boxes, widgets.HTML) and q._boxes.layout.flex == "1 1 20em"
    assert q._practice_row.layout.flex_flow == "row wrap" and len(q._boxes.value) > 100
