"""The ActivityTimer widget: a fake clock with explicit ticks, then real scheduling on an event loop and a thread."""

import asyncio
import threading

from ttt_widgets import ActivityTimer


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_buttons_drive_the_countdown():
    clock = FakeClock()
    t = ActivityTimer("Think 2, Pair 3, Share 5", clock=clock, driver="manual")
    assert "Think" in t._face.value and "02:00" in t._face.value and t._pause_btn.disabled
    t._start_btn.click()
    assert t.model.running and t._start_btn.disabled and t.active_driver == "manual"
    clock.now = 150
    t.tick()
    assert t.model.phase_name == "Pair" and t.display == "02:30" and "next: Share" in t._face.value
    assert 0 < t._progress.value < 1
    t._pause_btn.click()
    clock.now = 1000
    t.tick()
    assert t.display == "02:30" and "paused" in t._face.value
    t._skip_btn.click()
    assert t.model.phase_name == "Share"
    t._skip_btn.click()
    assert "Time is up" in t._face.value and t._progress.value == 1
    t._reset_btn.click()
    assert t.model.phase_name == "Think" and t.display == "02:00"


def test_large_type_for_the_back_of_the_room():
    small = ActivityTimer(driver="manual")
    big = ActivityTimer(driver="manual", large=True)
    assert "font-size:9em" in big._face.value and "font-size:9em" not in small._face.value
    small.large = True
    assert "font-size:9em" in small._face.value


def test_bad_phases_keep_the_old_ones():
    t = ActivityTimer("Think 2", driver="manual")
    t._phases.value = "Think two minutes"
    t._set_btn.click()
    assert "name then minutes" in t._status.value and t.model.phases == [("Think", 120.0)]
    t.set_phases("<img src=x> 2")
    assert "plain text" in t._status.value and "<img" not in t._status.value
    t.set_phases("Read 1, Discuss 4")
    assert t.model.phase_name == "Read" and "05:00 in all" in t._status.value


def test_phase_names_are_escaped():
    t = ActivityTimer([("Q&A", 60)], driver="manual")
    assert "Q&amp;A" in t._face.value


def test_ticks_run_on_the_running_event_loop():
    clock = FakeClock()

    async def scenario():
        t = ActivityTimer([("A", 60), ("B", 60)], clock=clock, interval=0.01)
        t.start()  # returns at once: the ticks are callbacks on this loop
        assert t.active_driver == "asyncio" and t._handle is not None
        clock.now = 90
        for _ in range(200):
            await asyncio.sleep(0.005)
            if t.model.phase_name == "B":
                break
        assert t.display == "00:30"
        t.pause()
        assert t._handle is None
        return t

    t = asyncio.run(scenario())
    assert not t.model.running


def test_ticks_run_on_a_thread_when_no_loop_runs():
    clock = FakeClock()
    t = ActivityTimer([("A", 10)], clock=clock, driver="auto", interval=0.01)
    done = threading.Event()
    t.model.observe(lambda change: done.set() if change["new"] else None, names="finished")
    t.start()
    assert t.active_driver == "thread"
    clock.now = 11
    assert done.wait(5), "the background thread did not tick"
    assert "Time is up" in t._face.value
    t._thread.join(5)
    assert not t._thread.is_alive()
    t.close()
