"""The activity timer model, driven by a fake clock and explicit ticks."""

import pytest

from ttt_widgets import ActivityTimerModel
from ttt_widgets.models.timer import THINK_PAIR_SHARE, format_seconds, parse_phases


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


def test_default_phases_are_think_pair_share():
    t = ActivityTimerModel()
    assert [n for n, _ in t.phases] == ["Think", "Pair", "Share"]
    assert [tuple(p) for p in t.phases] == list(THINK_PAIR_SHARE)
    assert t.total_remaining == 600


def test_counts_down_from_the_clock(clock):
    t = ActivityTimerModel([("Think", 120), ("Pair", 180)], clock=clock)
    assert not t.running and t.remaining == 120 and t.display == "02:00"
    t.start()
    clock.now += 30.4
    assert t.tick() is False
    assert t.remaining == pytest.approx(89.6) and t.display == "01:30"  # rounded up: never 0:00 too early


def test_one_late_tick_crosses_phases_without_drift(clock):
    t = ActivityTimerModel([("A", 10), ("B", 10), ("C", 10)], clock=clock)
    t.start()
    clock.now += 25  # the kernel was busy: one tick 25 s later
    assert t.tick() is True
    assert t.phase_name == "C" and t.remaining == pytest.approx(5)
    clock.now += 5
    t.tick()
    assert t.finished and not t.running and t.phase_name == "" and t.remaining == 0 and t.total_remaining == 0


def test_pause_freezes_and_resume_continues(clock):
    t = ActivityTimerModel("Think 1", clock=clock)
    t.start()
    clock.now += 20
    t.pause()
    assert not t.running and t.remaining == pytest.approx(40)
    clock.now += 500  # paused: time does not count
    t.tick()
    assert t.remaining == pytest.approx(40)
    t.resume()
    clock.now += 10
    t.tick()
    assert t.remaining == pytest.approx(30)


def test_skip_and_reset(clock):
    t = ActivityTimerModel([("A", 60), ("B", 30)], clock=clock)
    t.start()
    clock.now += 10
    t.skip()
    assert t.phase_name == "B" and t.remaining == 30 and t.running
    clock.now += 5
    t.tick()
    assert t.remaining == pytest.approx(25)
    t.skip()
    assert t.finished and not t.running
    t.start()  # nothing to start once finished
    assert not t.running
    t.reset()
    assert (t.index, t.phase_name, t.remaining, t.running, t.finished) == (0, "A", 60, False, False)


def test_skip_while_paused_waits_for_start(clock):
    t = ActivityTimerModel([("A", 60), ("B", 30)], clock=clock)
    t.skip()
    clock.now += 100
    t.tick()
    assert t.phase_name == "B" and t.remaining == 30 and not t.running


def test_parse_phases_from_text_and_pairs():
    assert parse_phases("Think 2, Pair 3; Share 0.5") == [("Think", 120.0), ("Pair", 180.0), ("Share", 30.0)]
    assert parse_phases([("Read quietly", 90)]) == [("Read quietly", 90.0)]


@pytest.mark.parametrize("bad, message", [
    ("", "at least one phase"),
    ("Think two", "name then minutes"),
    ("Think -2", "above 0"),
    ("Think 0", "above 0"),
    ("<b>x</b> 2", "plain text"),
    ([("A", "ten")], "must be a number"),
    ([("A",)], "pair"),
    ("x 1," * 700, "longer than 2000"),
    ("Think 2000", "24 hours"),
])
def test_bad_phases_are_refused_and_old_ones_kept(bad, message, clock):
    t = ActivityTimerModel("Think 2", clock=clock)
    with pytest.raises(ValueError, match=message):
        t.set_phases(bad)
    assert t.phases == [("Think", 120.0)]


def test_format_seconds():
    assert format_seconds(0) == "00:00"
    assert format_seconds(59.01) == "01:00"
    assert format_seconds(3725) == "1:02:05"
    assert format_seconds(-3) == "00:00"
