"""The ActivityTimer widget: phases counted down, readable from the back of the room, never blocking the kernel."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Sequence

import ipywidgets as widgets

from ..models.timer import THINK_PAIR_SHARE, ActivityTimerModel, format_seconds
from ._common import esc, guarded, message_html

__all__ = ["ActivityTimer"]

_DRIVERS = ("auto", "asyncio", "thread", "manual")


class ActivityTimer(widgets.VBox):
    """A countdown through phases (e.g. think 2 min, pair 3 min, share 5 min) with start, pause, skip and reset.

    Time comes from a clock, not from counting ticks, so the display is always right even when ticks come late.
    Ticks are scheduled on the running asyncio event loop of the kernel (ipykernel and Voila run one), or on a
    background thread when no loop runs; nothing ever sleeps in the kernel's thread. With ``driver="manual"``
    nothing is scheduled and the caller calls :meth:`tick` (tests, with a fake ``clock``).

    Parameters
    ----------
    phases : str or sequence of (name, seconds)
        ``"Think 2, Pair 3, Share 5"`` (minutes) or ``[("Think", 120), ...]``.
    large : bool
        Very large type for a projector (readable from the back of a room).
    clock : callable, optional
        Seconds clock (default :func:`time.monotonic`).
    driver : {"auto", "asyncio", "thread", "manual"}
    interval : float
        Seconds between display updates.

    Examples
    --------
    >>> now = [0.0]
    >>> t = ActivityTimer("Think 1, Pair 2", clock=lambda: now[0], driver="manual")
    >>> t.start(); now[0] = 90; t.tick(); t.model.phase_name, t.display
    ('Pair', '01:30')
    """

    def __init__(self, phases: str | Sequence = THINK_PAIR_SHARE, large: bool = False,
                 clock: Callable[[], float] | None = None, driver: str = "auto", interval: float = 0.25,
                 **kwargs: Any) -> None:
        if driver not in _DRIVERS:
            raise ValueError(f"driver must be one of {', '.join(_DRIVERS)}, got {driver!r}")
        if not 0.01 <= interval <= 10:
            raise ValueError("interval must be between 0.01 and 10 seconds")
        self.model = ActivityTimerModel(phases, clock=clock)
        self.driver = driver
        self.interval = float(interval)
        self._handle: asyncio.TimerHandle | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.RLock()
        self.active_driver = ""
        self._build()
        super().__init__(children=[self._face, self._progress, self._buttons, self._phases_row, self._status], **kwargs)
        self.add_class("ttt-activity-timer")
        self._wire()
        self.large = large
        self._show()

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._face = widgets.HTML()
        self._progress = widgets.FloatProgress(value=0, min=0, max=1, layout=widgets.Layout(width="100%"))
        self._start_btn = widgets.Button(description="Start", button_style="success", icon="play")
        self._pause_btn = widgets.Button(description="Pause", icon="pause")
        self._skip_btn = widgets.Button(description="Next phase", icon="forward")
        self._reset_btn = widgets.Button(description="Reset", icon="undo")
        self._buttons = widgets.HBox([self._start_btn, self._pause_btn, self._skip_btn, self._reset_btn])
        text = ", ".join(f"{n} {s / 60:g}" for n, s in self.model.phases)
        self._phases = widgets.Text(value=text, description="Phases", placeholder="Think 2, Pair 3, Share 5 (minutes)",
                                    layout=widgets.Layout(width="420px"))
        self._set_btn = widgets.Button(description="Set phases")
        self._phases_row = widgets.HBox([self._phases, self._set_btn])
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._start_btn.on_click(lambda _: self.start())
        self._pause_btn.on_click(lambda _: self.pause())
        self._skip_btn.on_click(lambda _: self.skip())
        self._reset_btn.on_click(lambda _: self.reset())
        self._set_btn.on_click(lambda _: self.set_phases(self._phases.value))

    @property
    def display(self) -> str:
        """The countdown as shown (mm:ss)."""
        return self.model.display

    @property
    def large(self) -> bool:
        return self._large

    @large.setter
    def large(self, value: bool) -> None:
        self._large = bool(value)
        self._show()

    def _show(self) -> None:
        m = self.model
        big, small = ("9em", "3em") if getattr(self, "_large", False) else ("3.2em", "1.3em")
        if m.finished:
            name, clock, note = "Time is up", "00:00", "All phases done."
        else:
            name = m.phase_name
            clock = m.display
            nxt = m.phases[m.index + 1][0] if m.index + 1 < len(m.phases) else None
            state = "running" if m.running else "paused"
            note = f"Phase {m.index + 1} of {len(m.phases)} ({state})" + (f" &middot; next: {esc(nxt)}" if nxt else "")
        self._face.value = (
            f"<div role='timer' aria-live='off' style='text-align:center;font-family:sans-serif;line-height:1.1'>"
            f"<div style='font-size:{small};font-weight:600'>{esc(name)}</div>"
            f"<div style='font-size:{big};font-weight:700;font-variant-numeric:tabular-nums'>{clock}</div>"
            f"<div style='font-size:1em;color:#444'>{note}</div></div>"
        )
        if m.finished:
            self._progress.value = 1.0
        else:
            dur = m.phases[m.index][1]
            self._progress.value = max(0.0, min(1.0, 1 - m.remaining / dur))
        self._start_btn.disabled = m.running or m.finished
        self._pause_btn.disabled = not m.running
        self._skip_btn.disabled = m.finished

    # -- scheduling ----------------------------------------------------------------------------------------------
    def _schedule(self) -> None:
        if self.driver == "manual":
            self.active_driver = "manual"
            return
        if self.driver in ("auto", "asyncio"):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self.active_driver = "asyncio"
                self._cancel()
                self._handle = loop.call_later(self.interval, self._on_loop_tick)
                return
            if self.driver == "asyncio":
                raise ValueError("no asyncio event loop is running here: use driver='thread' or 'auto'")
        self.active_driver = "thread"
        self._stop.set()  # a previous thread, if any, ends at its next wake-up
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._thread_run, args=(self._stop,), name="ttt-activity-timer", daemon=True)
        self._thread.start()

    def _on_loop_tick(self) -> None:
        self._handle = None
        self.tick()
        if self.model.running:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # pragma: no cover - called by the loop itself
                return
            self._handle = loop.call_later(self.interval, self._on_loop_tick)

    def _thread_run(self, stop: threading.Event) -> None:
        # Event.wait in a worker thread: the kernel's thread never sleeps
        while not stop.wait(self.interval):
            self.tick()
            if not self.model.running:
                break

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._stop.set()

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def start(self) -> None:
        """Start or resume the countdown."""
        with self._lock:
            self.model.start()
            self._show()
        if self.model.running:
            self._schedule()

    def pause(self) -> None:
        with self._lock:
            self.model.pause()
            self._cancel()
            self._show()

    def skip(self) -> None:
        """Go to the next phase now."""
        with self._lock:
            self.model.skip()
            if not self.model.running:
                self._cancel()
            self._show()

    def reset(self) -> None:
        with self._lock:
            self._cancel()
            self.model.reset()
            self._status.value = ""
            self._show()

    def tick(self) -> None:
        """Bring the display up to date with the clock (called by the scheduler, or by hand)."""
        with self._lock:
            self.model.tick()
            self._show()

    @guarded()
    def set_phases(self, phases: str | Sequence) -> None:
        """Replace the phases (stops and resets); bad text gets a message and the old phases stay."""
        with self._lock:
            self.model.set_phases(phases)
            self._cancel()
            self._phases.value = ", ".join(f"{n} {s / 60:g}" for n, s in self.model.phases)
            self._status.value = message_html(f"{len(self.model.phases)} phase(s), "
                                              f"{format_seconds(self.model.total_remaining)} in all.", "ok")
            self._show()

    def close(self) -> None:
        self._cancel()
        super().close()
