"""A Leitner-box scheduler for retrieval practice: which items are due on which day.

Source: Leitner, S. (1972). *So lernt man lernen*. Freiburg: Herder. Cards start in box 1; a card answered correctly
moves up one box, a card answered wrongly goes back to box 1; box ``k`` is reviewed every ``interval[k]`` days.
The default intervals 1, 2, 4, 8, 16 days are the doubling variant most often used in software (e.g. described by
Settles & Meeder 2016, "A trainable spaced repetition model for language learning", ACL, section 2).

>>> s = LeitnerScheduler(["a", "b"])
>>> s.due(0)
['a', 'b']
>>> _ = s.record("a", correct=True, day=0); s.due(1), s.due(2)
(['b'], ['a', 'b'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["LeitnerScheduler", "DEFAULT_INTERVALS", "Card"]

#: review interval in days of each box (box 1 first), the doubling variant of Leitner's (1972) boxes
DEFAULT_INTERVALS: tuple[int, ...] = (1, 2, 4, 8, 16)


@dataclass
class Card:
    item: str
    box: int = 1
    due_day: int = 0
    reviews: int = 0
    lapses: int = 0


class LeitnerScheduler:
    """Items in numbered boxes; a correct answer moves an item up one box, a wrong one back to box 1.

    Parameters
    ----------
    items : iterable of str
        Item ids (e.g. quiz question ids); all are due on ``start_day``.
    intervals : sequence of int
        Days between reviews for box 1, 2, ...; the number of boxes is ``len(intervals)``.

    Examples
    --------
    >>> s = LeitnerScheduler(["q1"], intervals=(1, 3))
    >>> _ = s.record("q1", True, day=0); s.box_of("q1"), s.next_due("q1")
    (2, 3)
    """

    def __init__(self, items: Iterable[str] = (), intervals: Sequence[int] = DEFAULT_INTERVALS, start_day: int = 0) -> None:
        intervals = tuple(intervals)
        if not intervals:
            raise ValueError("at least one box is needed")
        for i in intervals:
            if isinstance(i, bool) or not isinstance(i, int) or i < 1:
                raise ValueError(f"box intervals must be whole numbers of days of at least 1, got {i!r}")
        if list(intervals) != sorted(intervals):
            raise ValueError("box intervals must not shrink from one box to the next")
        self.intervals = intervals
        self.cards: dict[str, Card] = {}
        self.add(items, day=start_day)

    @property
    def boxes(self) -> int:
        return len(self.intervals)

    def add(self, items: Iterable[str], day: int = 0) -> None:
        """Add new items in box 1, due on ``day``; an item already there is refused."""
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise ValueError(f"an item must be a non-empty text, got {item!r}")
            if item in self.cards:
                raise ValueError(f"item {item!r} is already scheduled")
            self.cards[item] = Card(item, 1, day)

    def _card(self, item: str) -> Card:
        try:
            return self.cards[item]
        except KeyError:
            raise ValueError(f"unknown item {item!r}") from None

    def record(self, item: str, correct: bool, day: int) -> int:
        """Record an answer given on ``day``; returns the day the item is next due."""
        if isinstance(day, bool) or not isinstance(day, int) or day < 0:
            raise ValueError(f"day must be a whole number from 0, got {day!r}")
        card = self._card(item)
        card.reviews += 1
        if correct:
            card.box = min(card.box + 1, self.boxes)
        else:
            card.box = 1
            card.lapses += 1
        card.due_day = day + self.intervals[card.box - 1]
        return card.due_day

    def box_of(self, item: str) -> int:
        return self._card(item).box

    def next_due(self, item: str) -> int:
        return self._card(item).due_day

    def due(self, day: int) -> list[str]:
        """Items due on ``day`` (or overdue), in the order they were added."""
        return [c.item for c in self.cards.values() if c.due_day <= day]

    def next_day_with_work(self, after: int) -> int | None:
        """The first day after ``after`` on which something is due (None if nothing is scheduled)."""
        later = [c.due_day for c in self.cards.values() if c.due_day > after]
        return min(later) if later else None

    def counts(self) -> list[int]:
        """How many items are in each box (box 1 first)."""
        out = [0] * self.boxes
        for c in self.cards.values():
            out[c.box - 1] += 1
        return out

    # -- saving and loading ------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready copy of the boxes: ``{"intervals": [...], "cards": {item: {box, due_day, reviews, lapses}}}``."""
        return {
            "intervals": list(self.intervals),
            "cards": {c.item: {"box": c.box, "due_day": c.due_day, "reviews": c.reviews, "lapses": c.lapses}
                      for c in self.cards.values()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LeitnerScheduler":
        """Rebuild a scheduler saved with :meth:`to_dict`; ValueError naming the item at fault if it is damaged.

        >>> s = LeitnerScheduler(["a"]); _ = s.record("a", True, 3)
        >>> LeitnerScheduler.from_dict(s.to_dict()).next_due("a")
        5
        """
        s, problems = cls.salvage(data)
        if problems:
            raise ValueError(problems[0])
        return s

    @classmethod
    def salvage(cls, data: object, day_range: tuple[int, int] | None = None) -> tuple["LeitnerScheduler", list[str]]:
        """Rebuild what can be rebuilt from saved boxes: ``(scheduler of the sound cards, [problem, ...])``.

        A card with a missing or out-of-range box or day is left out and named in the problems; damaged intervals
        give the default ones (their cards are kept, the boxes they are in still exist). ``day_range`` (first, last)
        bounds the due days, e.g. to the days a calendar can show.

        >>> s, problems = LeitnerScheduler.salvage({"cards": {"a": {"box": 2, "due_day": 4}, "b": {"box": 9}}})
        >>> list(s.cards), problems
        (['a'], ["saved card 'b' lacks its box or due day"])
        """
        problems: list[str] = []
        if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
            return cls(), ["saved boxes must be a mapping with 'intervals' and 'cards'"]
        try:
            s = cls(intervals=data.get("intervals", DEFAULT_INTERVALS))
        except (TypeError, ValueError) as exc:
            problems.append(f"saved box intervals are damaged ({exc}); the default ones are used")
            s = cls()
        low, high = day_range if day_range is not None else (0, None)
        for item, card in data["cards"].items():
            if not isinstance(item, str) or not item.strip():
                problems.append(f"a saved card has no name: {item!r}")
                continue
            try:
                box, due = card["box"], card["due_day"]
                reviews, lapses = card.get("reviews", 0), card.get("lapses", 0)
            except (TypeError, KeyError, AttributeError):
                problems.append(f"saved card {item!r} lacks its box or due day")
                continue
            values = (box, due, reviews, lapses)
            if (any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values) or not 1 <= box <= s.boxes
                    or due < low or (high is not None and due > high)):
                problems.append(f"saved card {item!r} has a box or day out of range: {card!r}")
                continue
            s.add([item], day=due)
            c = s.cards[item]
            c.box, c.reviews, c.lapses = box, reviews, lapses
        return s, problems

    def plan(self, first_day: int, last_day: int) -> dict[int, list[str]]:
        """Which items fall due on each day in a range if every answer from now on is correct (a forecast)."""
        if last_day < first_day:
            raise ValueError("last_day must not be before first_day")
        sim = {c.item: (c.box, c.due_day) for c in self.cards.values()}
        out: dict[int, list[str]] = {}
        for day in range(first_day, last_day + 1):
            today = [i for i, (_, due) in sim.items() if due <= day]
            if today:
                out[day] = today
            for i in today:
                box = min(sim[i][0] + 1, self.boxes)
                sim[i] = (box, day + self.intervals[box - 1])
        return out
