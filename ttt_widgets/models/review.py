"""Spaced retrieval across real days: one Leitner deck per trainee, kept in the kit's data directory.

Every quiz answer a trainee gives is recorded as a card (``"<quiz id>/<question id>"``) in a
:class:`~ttt_widgets.models.leitner.LeitnerScheduler` whose days are calendar days (``date.toordinal()``). A right
answer moves the card up one box (reviewed 1, 2, 4, 8 or 16 days later), a wrong one back to box 1, due the next
day. The :class:`~ttt_widgets.views.review.Review` widget at the top of each module brings back the cards of earlier
modules that are due today. Spacing retrieval over days rather than within one sitting is what produces the
long-term benefit (Cepeda, N. J., Pashler, H., Vul, E., Wixted, J. T. & Rohrer, D. (2006), Distributed practice in
verbal recall tasks, *Psychological Bulletin* 132(3), 354-380; Roediger, H. L. & Karpicke, J. D. (2006),
Test-enhanced learning, *Psychological Science* 17(3), 249-255).

The deck is one JSON file per trainee (``<data dir>/review/<participant>.json``), rewritten atomically (a temporary
file in the same folder, then ``os.replace``), and re-read before every change so that two open notebooks of the
same trainee add to the same deck rather than overwrite each other's cards. A damaged or hand-edited file loses
nothing: it is copied aside, its sound cards are kept, and :attr:`ReviewDeck.problem` says what happened.

"Today" comes from a clock: :class:`SystemClock` (the computer's date, or ``TTT_TODAY=YYYY-MM-DD``) or a
:class:`FixedClock` that tests and demonstrations move by hand.

>>> clock = FixedClock("2025-03-03")
>>> deck = ReviewDeck("anon-1234", folder=None, clock=clock)   # folder=None: kept in memory only
>>> deck.record("trainer-role/reach", correct=True)
datetime.date(2025, 3, 5)
>>> deck.due(), clock.advance(2), deck.due()
([], datetime.date(2025, 3, 5), ['trainer-role/reach'])
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable

from .leitner import DEFAULT_INTERVALS, LeitnerScheduler

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: writes stay atomic, two kernels answering in the same instant may not both count
    fcntl = None

__all__ = ["Clock", "SystemClock", "FixedClock", "ReviewDeck", "deck_path", "review_items", "FORMAT_VERSION"]

log = logging.getLogger("ttt_widgets")

#: version of the saved deck's layout
FORMAT_VERSION = 1
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Clock:
    """Tells the date of "today"; subclass and override :meth:`today`."""

    def today(self) -> date:  # pragma: no cover - abstract
        raise NotImplementedError


class SystemClock(Clock):
    """The computer's date, or the date in ``TTT_TODAY`` (``YYYY-MM-DD``) when it is set."""

    def today(self) -> date:
        from ..config import env

        fixed = env("TODAY")
        return _as_date(fixed) if fixed else date.today()


class FixedClock(Clock):
    """A clock that stays on one date until moved: for tests, demonstrations and facilitators' previews.

    >>> c = FixedClock("2025-01-31"); c.advance(1)
    datetime.date(2025, 2, 1)
    """

    def __init__(self, day: date | str) -> None:
        self._day = _as_date(day)

    def today(self) -> date:
        return self._day

    def set(self, day: date | str) -> date:
        self._day = _as_date(day)
        return self._day

    def advance(self, days: int = 1) -> date:
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"advance the clock by a whole number of days, not {days!r}")
        self._day += timedelta(days=days)
        return self._day


def deck_path(participant: str, folder: str | Path | None = None) -> Path:
    """Where a trainee's deck is kept: ``<folder or data dir>/review/<participant>.json``."""
    if not isinstance(participant, str) or not participant.strip():
        raise ValueError("a review deck needs the trainee's id")
    if folder is None:
        from ..config import data_dir

        folder = data_dir()
    name = _SAFE.sub("_", participant.strip())[:80] or "trainee"
    return Path(folder) / "review" / f"{name}.json"


class ReviewDeck:
    """A trainee's quiz questions in Leitner boxes, due on calendar days, saved after every answer.

    Parameters
    ----------
    participant : str
        The trainee's stable id (e.g. :func:`ttt_widgets.live.participant_id`).
    folder : path, None or "default"
        The data directory to save in; ``"default"`` is the kit's data directory, None keeps the deck in memory.
    clock : Clock, optional
        Where "today" comes from (default :class:`SystemClock`).
    intervals : sequence of int
        Days between reviews for box 1, 2, ...

    Examples
    --------
    >>> deck = ReviewDeck("t1", folder=None, clock=FixedClock("2025-05-01"))
    >>> deck.record("kolb-cycle/debrief", correct=False)
    datetime.date(2025, 5, 2)
    >>> deck.box_of("kolb-cycle/debrief")
    1
    """

    def __init__(self, participant: str, folder: str | Path | None = "default", clock: Clock | None = None,
                 intervals=DEFAULT_INTERVALS) -> None:
        self.participant = participant
        self.clock = clock or SystemClock()
        self.path = deck_path(participant, None if folder == "default" else folder) if folder is not None else None
        self.scheduler = LeitnerScheduler(intervals=intervals)
        self._intervals = tuple(intervals)
        #: the last trouble with the saved file, in words for the trainee (None when there was none)
        self.problem: str | None = None
        self._pending = False
        self._unreadable = False
        self._unsaved: set[str] = set()
        self.reload()

    # -- reading -----------------------------------------------------------------------------------------------
    def today(self) -> date:
        return self.clock.today()

    def reload(self) -> None:
        """Read the saved deck again.

        A damaged or hand-edited file never loses anything: its sound cards are kept (with those of this sitting),
        the file as it was is copied aside as ``<name>.damaged-<time>.json``, the repaired deck is saved, and
        :attr:`problem` says so in words a trainee can act on. A file that cannot be read at all (permissions) is
        never written over: answers of this sitting count but are not saved until it can be read again.
        """
        if self.path is None:
            return
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._unreadable = False
            return
        except OSError as exc:
            self._unreadable = True
            self._report(f"Your review deck ({self.path.name}) cannot be read: {exc.strerror or exc}. Answers given "
                         "now count, but they are not saved over it; once the file can be read again, they will be.")
            return
        self._unreadable = False
        scheduler, problems = self._parse(raw)
        # answers given while the file could not be read are newer than the file's
        for item in self._unsaved:
            card = self.scheduler.cards.get(item)
            if card is not None and card.box <= scheduler.boxes:
                scheduler.cards[item] = card
        if not problems:
            self.scheduler = scheduler
            return
        # keep what this sitting already knew (read before the damage, or answered since) beside the sound cards
        for item, card in self.scheduler.cards.items():
            if item not in scheduler.cards and card.box <= scheduler.boxes:
                scheduler.cards[item] = card
        self.scheduler = scheduler
        aside = self._set_aside(raw)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        kept = f"{len(scheduler.cards)} question(s) kept in your deck"
        where = (f"the file as it was is saved beside it as {aside.name}, so nothing is lost" if aside is not None
                 else "the damaged file could not be copied aside and is left as it is")
        self._report(f"Your review deck ({self.path.name}) could not be read in full: {problems[0]}{more}. {kept}; "
                     f"{where}.")
        if aside is not None:
            try:
                self.save()
            except OSError as exc:
                log.warning("could not save the repaired review deck %s: %s", self.path, exc)

    def _parse(self, raw: bytes) -> tuple[LeitnerScheduler, list[str]]:
        fresh = LeitnerScheduler(intervals=self._intervals)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            return fresh, [f"it is not valid JSON ({exc})"]
        if not isinstance(data, dict):
            return fresh, ["it holds no deck"]
        if data.get("version") != FORMAT_VERSION:
            return fresh, [f"unknown deck format {data.get('version')!r} (expected {FORMAT_VERSION})"]
        # due days are calendar days: a day no calendar can show is damage, not a far-off review
        return LeitnerScheduler.salvage(data.get("boxes"), day_range=(1, date.max.toordinal()))

    def _set_aside(self, raw: bytes) -> Path | None:
        """Copy the damaged file beside the deck under a name used once; None when it cannot be written."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{f'-{n}' if n else ''}.json")
            try:
                with open(aside, "xb") as fh:
                    fh.write(raw)
                return aside
            except FileExistsError:
                continue
            except OSError as exc:
                log.warning("could not set the damaged review deck %s aside: %s", self.path, exc)
                return None
        return None

    def _report(self, message: str) -> None:
        log.warning("%s", message)
        self.problem = message
        self._pending = True

    def take_problem(self) -> str | None:
        """The trouble with the saved file not yet shown to the trainee (once), or None."""
        if not self._pending:
            return None
        self._pending = False
        return self.problem

    def __contains__(self, item: str) -> bool:
        return item in self.scheduler.cards

    @property
    def items(self) -> list[str]:
        return list(self.scheduler.cards)

    def due(self, on: date | str | None = None, items: Iterable[str] | None = None) -> list[str]:
        """Cards due on ``on`` (default today) or earlier, optionally only among ``items``."""
        day = (self.today() if on is None else _as_date(on)).toordinal()
        due = self.scheduler.due(day)
        if items is not None:
            wanted = set(items)
            due = [i for i in due if i in wanted]
        return due

    def next_due(self, item: str) -> date:
        return date.fromordinal(self.scheduler.next_due(item))

    def box_of(self, item: str) -> int:
        return self.scheduler.box_of(item)

    def counts(self) -> list[int]:
        return self.scheduler.counts()

    def next_review(self) -> date | None:
        """The first day after today on which a card falls due (None when the deck is empty)."""
        nxt = self.scheduler.next_day_with_work(self.today().toordinal())
        return None if nxt is None else date.fromordinal(nxt)

    # -- acting ------------------------------------------------------------------------------------------------
    def record(self, item: str, correct: bool) -> date:
        """Record today's answer to ``item`` (a new card starts in box 1) and save; returns the day it is next due."""
        with self._locked():  # read, change and write as one step: two notebooks answering at once both count
            self.reload()  # another notebook of the same trainee may have saved since
            today = self.today().toordinal()
            if item not in self.scheduler.cards:
                self.scheduler.add([item], day=today)
            nxt = self.scheduler.record(item, bool(correct), today)
            self._unsaved.add(item)
            self.save()
        return date.fromordinal(nxt)

    @contextmanager
    def _locked(self):
        """Hold an exclusive lock on the deck's folder (POSIX ``flock``; elsewhere, no lock)."""
        if self.path is None or fcntl is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def save(self) -> None:
        """Write the deck atomically (nothing is written for an in-memory deck)."""
        if self.path is None:
            return
        if self._unreadable:
            raise OSError(f"the review deck {self.path} cannot be read, so it is not written over")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": FORMAT_VERSION, "participant": self.participant, "boxes": self.scheduler.to_dict()}
        fd, tmp = tempfile.mkstemp(prefix=".deck-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            self._unsaved.clear()
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def review_items(deck: ReviewDeck, quizzes: Iterable[dict], before_module: str, new_limit: int = 3,
                 limit: int = 8) -> list[tuple[str, dict]]:
    """The questions to bring back at the start of a module: ``[(quiz id, question), ...]``.

    Cards from quizzes of earlier modules that are due today come first (most overdue first); then, up to
    ``new_limit``, questions of earlier modules the trainee has never answered (latest module first), so that a
    module always opens with some retrieval. At most ``limit`` in all.

    >>> quiz = {"id": "q", "module": "01", "questions": [{"id": "a"}, {"id": "b"}]}
    >>> deck = ReviewDeck("t", folder=None, clock=FixedClock("2025-01-01"))
    >>> [q["id"] for _, q in review_items(deck, [quiz], "02", new_limit=1)]
    ['a']
    """
    if isinstance(new_limit, bool) or not isinstance(new_limit, int) or new_limit < 0:
        raise ValueError(f"new_limit must be a whole number from 0, got {new_limit!r}")
    earlier = sorted((q for q in quizzes if str(q.get("module", "99")) < str(before_module)),
                     key=lambda q: str(q.get("module")), reverse=True)
    by_key = {f"{quiz['id']}/{question['id']}": (quiz["id"], question) for quiz in earlier for question in quiz["questions"]}
    due = deck.due(items=by_key)
    due.sort(key=lambda k: deck.scheduler.next_due(k))
    chosen = [by_key[k] for k in due]
    fresh = [pair for key, pair in by_key.items() if key not in deck]
    # one new question per earlier quiz in turn, so no single module crowds out the others
    per_quiz: dict[str, list] = {}
    for quiz_id, question in fresh:
        per_quiz.setdefault(quiz_id, []).append((quiz_id, question))
    picked = []
    while len(picked) < new_limit and any(per_quiz.values()):
        for quiz_id in list(per_quiz):
            if per_quiz[quiz_id] and len(picked) < new_limit:
                picked.append(per_quiz[quiz_id].pop(0))
    return (chosen + picked)[:limit]
