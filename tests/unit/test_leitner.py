"""The Leitner scheduler (Leitner 1972): up one box when right, back to box 1 when wrong."""

import pytest

from ttt_widgets import LeitnerScheduler
from ttt_widgets.models.leitner import DEFAULT_INTERVALS


def test_everything_is_due_on_the_first_day_in_box_one():
    s = LeitnerScheduler(["a", "b", "c"])
    assert s.due(0) == ["a", "b", "c"]
    assert s.counts() == [3, 0, 0, 0, 0]
    assert DEFAULT_INTERVALS == (1, 2, 4, 8, 16)


def test_a_sequence_worked_by_hand():
    s = LeitnerScheduler(["a", "b"], intervals=(1, 2, 4))
    assert s.record("a", True, day=0) == 2       # box 2, every 2 days
    assert s.record("b", False, day=0) == 1      # stays in box 1, tomorrow
    assert s.due(1) == ["b"]
    assert s.record("b", True, day=1) == 3       # box 2: day 1 + 2
    assert s.due(2) == ["a"]
    assert s.record("a", True, day=2) == 6       # box 3: day 2 + 4
    assert s.record("a", True, day=6) == 10      # stays in the last box
    assert s.box_of("a") == 3
    assert s.record("a", False, day=10) == 11    # a lapse: back to box 1
    assert s.box_of("a") == 1 and s.cards["a"].lapses == 1 and s.cards["a"].reviews == 4


def test_next_day_with_work_and_plan():
    s = LeitnerScheduler(["a", "b"], intervals=(1, 2, 4))
    s.record("a", True, 0)
    s.record("b", True, 0)
    assert s.next_day_with_work(0) == 2
    plan = s.plan(0, 10)
    # both due on day 2 (box 2), then box 3 every 4 days: 6, 10
    assert plan == {2: ["a", "b"], 6: ["a", "b"], 10: ["a", "b"]}
    assert s.due(1) == []  # the forecast does not change the schedule


@pytest.mark.parametrize("kwargs, message", [
    ({"intervals": ()}, "at least one box"),
    ({"intervals": (1, 0)}, "at least 1"),
    ({"intervals": (1, 2.5)}, "whole numbers"),
    ({"intervals": (4, 2)}, "must not shrink"),
    ({"items": ["a", "a"]}, "already scheduled"),
    ({"items": [""]}, "non-empty"),
])
def test_bad_setup_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LeitnerScheduler(**{"items": ["x"], **kwargs})


def test_bad_records_are_refused():
    s = LeitnerScheduler(["a"])
    with pytest.raises(ValueError, match="unknown item"):
        s.record("zz", True, 0)
    with pytest.raises(ValueError, match="day"):
        s.record("a", True, -1)
    with pytest.raises(ValueError, match="last_day"):
        s.plan(5, 1)
    assert s.box_of("a") == 1
