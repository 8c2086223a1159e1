"""An activity timer: phases (think 2 min, pair 3 min, share 5 min...), start, pause, resume, skip.

Pure logic with an injectable clock: the timer never sleeps and never schedules anything itself. Time is computed
from the clock at every :meth:`ActivityTimerModel.tick`, so a late tick (a busy kernel) never makes the timer drift:
it simply catches up. The :class:`~ttt_widgets.views.timer.ActivityTimer` widget calls ``tick()`` from the kernel's
asyncio event loop or from a thread.

The default phases follow the think-pair-share structure of Lyman, F. (1981), "The responsive classroom discussion:
the inclusion of all students", in A. Anderson (ed.), *Mainstreaming Digest*, University of Maryland, 109-113.

>>> now = [0.0]
>>> t = ActivityTimerModel([("Think", 60), ("Pair", 120)], clock=lambda: now[0])
>>> t.start(); now[0] = 75; _ = t.tick()
>>> t.phase_name, t.remaining
('Pair', 105.0)
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterable, Sequence

from traitlets import Bool, Float, HasTraits, Int, List, Unicode

__all__ = ["ActivityTimerModel", "THINK_PAIR_SHARE", "parse_phases", "format_seconds"]

#: think 2 min, pair 3 min, share 5 min (Lyman 1981's think-pair-share; the minutes are a common choice)
THINK_PAIR_SHARE: tuple[tuple[str, float], ...] = (("Think", 120.0), ("Pair", 180.0), ("Share", 300.0))


def format_seconds(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``), rounding up so that 0:00 shows only when time is really up."""
    s = max(0, int(math.ceil(seconds - 1e-9)))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def parse_phases(phases: str | Iterable) -> list[tuple[str, float]]:
    """Phases from pairs ``(name, seconds)`` or from text such as ``"Think 2, Pair 3, Share 5"`` (minutes).

    >>> parse_phases("Think 2, Pair 1.5")
    [('Think', 120.0), ('Pair', 90.0)]
    """
    out: list[tuple[str, float]] = []
    if isinstance(phases, str):
        if len(phases) > 2000:
            raise ValueError("the list of phases is longer than 2000 characters")
        items = [p.strip() for p in phases.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
        for item in items:
            name, _, minutes = item.rpartition(" ")
            try:
                secs = float(minutes) * 60
            except ValueError:
                raise ValueError(f"phase {item!r}: write a name then minutes, e.g. 'Think 2'") from None
            out.append((name.strip(), secs))
    else:
        for p in phases:
            try:
                name, secs = p
            except (TypeError, ValueError):
                raise ValueError(f"a phase is a (name, seconds) pair, got {p!r}") from None
            if isinstance(secs, bool) or not isinstance(secs, (int, float)):
                raise ValueError(f"phase {name!r}: seconds must be a number, got {secs!r}")
            out.append((str(name).strip(), float(secs)))
    if not out:
        raise ValueError("give at least one phase, e.g. 'Think 2, Pair 3, Share 5'")
    if len(out) > 50:
        raise ValueError("at most 50 phases")
    for name, secs in out:
        if not name or len(name) > 80 or "<" in name or ">" in name:
            raise ValueError(f"phase name {name!r} must be 1 to 80 characters of plain text")
        if not math.isfinite(secs) or secs <= 0 or secs > 24 * 3600:
            raise ValueError(f"phase {name!r}: duration must be above 0 and at most 24 hours")
    return out


class ActivityTimerModel(HasTraits):
    """Phases counted down one after the other, driven by an injectable clock.

    Parameters
    ----------
    phases : str or sequence of (name, seconds)
        E.g. ``[("Think", 120), ("Pair", 180)]`` or ``"Think 2, Pair 3"`` (minutes).
    clock : callable, optional
        Returns seconds (monotonic). Defaults to :func:`time.monotonic`.

    Examples
    --------
    >>> now = [0.0]
    >>> t = ActivityTimerModel("Think 1", clock=lambda: now[0])
    >>> t.start(); now[0] = 61; _ = t.tick(); t.finished
    True
    """

    phases = List(help="(name, seconds) pairs.")
    index = Int(0, help="Index of the current phase (len(phases) once finished).")
    remaining = Float(0.0, help="Seconds left in the current phase.")
    running = Bool(False, help="True while counting down.")
    finished = Bool(False, help="True once every phase has run out or been skipped.")
    phase_name = Unicode(help="Name of the current phase ('' once finished).")

    def __init__(self, phases: str | Sequence = THINK_PAIR_SHARE, clock: Callable[[], float] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock or time.monotonic
        self.set_phases(phases)

    def set_phases(self, phases) -> None:
        """Replace the phases (stops and resets the timer)."""
        self.phases = parse_phases(phases)
        self.reset()

    # -- state ---------------------------------------------------------------------------------------------------
    def _show(self) -> None:
        if self.index < len(self.phases):
            self.phase_name = self.phases[self.index][0]
        else:
            self.phase_name = ""

    def _elapsed_in_phase(self) -> float:
        extra = (self.clock() - self._since) if self.running else 0.0
        return self._banked + extra

    @property
    def total_remaining(self) -> float:
        later = sum(s for _, s in self.phases[self.index + 1:])
        return (self.remaining if not self.finished else 0.0) + later

    @property
    def display(self) -> str:
        return format_seconds(self.remaining)

    # -- actions ---------------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or resume) the countdown."""
        if self.finished or self.running:
            return
        self._since = self.clock()
        self.running = True

    resume = start

    def pause(self) -> None:
        if not self.running:
            return
        self.tick()
        if self.running:
            self._banked = self._elapsed_in_phase()
            self.running = False

    def skip(self) -> None:
        """End the current phase now and go to the next one."""
        self._advance(self.clock())

    def _advance(self, at: float) -> None:
        self.index += 1
        self._banked = 0.0
        self._since = at
        if self.index >= len(self.phases):
            self.index = len(self.phases)
            self.remaining = 0.0
            self.running = False
            self.finished = True
        else:
            self.remaining = self.phases[self.index][1]
        self._show()

    def reset(self) -> None:
        self.running = False
        self.finished = False
        self.index = 0
        self._banked = 0.0
        self._since = self.clock()
        self.remaining = self.phases[0][1]
        self._show()

    def tick(self) -> bool:
        """Bring the countdown up to date with the clock; returns True if a phase ended during this tick."""
        if not self.running:
            return False
        now = self.clock()
        changed = False
        while self.running:
            duration = self.phases[self.index][1]
            elapsed = self._banked + (now - self._since)
            if elapsed < duration:
                self.remaining = duration - elapsed
                break
            # the phase ended at this moment; the next one started then
            end_at = now - (elapsed - duration)
            changed = True
            self._advance(end_at)
            if not self.finished:
                self.running = True
        return changed
