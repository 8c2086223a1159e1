"""Participation in discussions: who spoke, when and how long; equity metrics; a fair picker.

Sources
-------
- Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini. The Gini coefficient as half the relative mean
  absolute difference: ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``; 0 when everyone contributes equally,
  ``(n - 1) / n`` when one person of ``n`` makes every contribution.
- Using it for classroom talk: e.g. Tanner, K. D. (2013). Structure matters: twenty-one teaching strategies to
  promote student engagement and cultivate classroom equity. *CBE-Life Sciences Education* 12(3), 322-331
  (equity of participation, calling on students at random from a list so that everyone is heard).

>>> log = ParticipationLog(["Ana", "Ben", "Chloé"])
>>> _ = log.record("Ana", "question", talk_seconds=30, at=10); _ = log.record("Ana", "comment", talk_seconds=30, at=20)
>>> round(log.gini_contributions(), 4), log.silent_share()
(0.6667, 0.6667)
"""

from __future__ import annotations

import random
import time
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

__all__ = ["ParticipationLog", "Contribution", "gini", "parse_names", "KINDS", "MAX_NAME", "MAX_TEXT"]

KINDS = ("question", "answer", "comment")
#: longest name accepted, and longest pasted list
MAX_NAME = 80
MAX_TEXT = 2000


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative values (Gini 1912): 0 = perfectly equal, (n-1)/n = one holds everything.

    Computed exactly with the sorted form ``G = (2 sum_i i x_(i)) / (n sum x) - (n + 1) / n`` (i = 1..n), which equals
    the mean-absolute-difference definition. All zeros give 0.

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 5])
    (0.0, 0.75)
    """
    xs = [float(v) for v in values]
    if any(v < 0 for v in xs):
        raise ValueError("the Gini coefficient needs values of 0 or more")
    n = len(xs)
    total = sum(xs)
    if n == 0 or total == 0:
        return 0.0
    xs.sort()
    weighted = sum((i + 1) * v for i, v in enumerate(xs))
    return max(0.0, 2 * weighted / (n * total) - (n + 1) / n)


def _name_problem(name: str) -> str | None:
    if len(name) > MAX_NAME:
        return f"name {name[:20]!r}... is longer than {MAX_NAME} characters"
    if "<" in name or ">" in name:
        return f"name {name!r} contains < or >: type a plain name"
    for ch in name:
        cat = unicodedata.category(ch)
        if cat in ("So", "Cs", "Co", "Cn") or cat.startswith("C"):
            return f"name {name!r} contains a symbol or emoji ({ch!r}): type letters only"
    return None


def parse_names(names: str | Iterable[str]) -> list[str]:
    """Clean a typed or pasted list of names (one per line, or separated by commas or semicolons).

    Refuses, with a message naming the culprit: an empty list, a text over 2,000 characters, names over 80
    characters, names with emoji, symbols or HTML, and duplicates (ignoring case and spaces).

    >>> parse_names("Ana, Ben\\nChloé")
    ['Ana', 'Ben', 'Chloé']
    """
    if isinstance(names, str):
        if len(names) > MAX_TEXT:
            raise ValueError(f"the list of names is longer than {MAX_TEXT} characters")
        raw = names.replace(";", "\n").replace(",", "\n").splitlines()
    else:
        raw = []
        for n in names:
            if not isinstance(n, str):
                raise ValueError(f"a name must be text, got {n!r}")
            raw.append(n)
    out: list[str] = []
    seen: dict[str, str] = {}
    for item in raw:
        name = " ".join(item.split())
        if not name:
            continue
        problem = _name_problem(name)
        if problem:
            raise ValueError(problem)
        key = name.casefold()
        if key in seen:
            raise ValueError(f"{name!r} appears twice: give each person a distinct name (e.g. add an initial)")
        seen[key] = name
        out.append(name)
    if not out:
        raise ValueError("the list of names is empty: type or paste at least one name")
    return out


@dataclass(frozen=True)
class Contribution:
    name: str
    kind: str
    at: float  #: seconds since the log started
    talk_seconds: float = 0.0


class ParticipationLog:
    """Contributions of each participant in a discussion, with equity metrics and a fair picker.

    Parameters
    ----------
    names : str or list of str
        Participants (see :func:`parse_names`).
    clock : callable, optional
        Returns seconds (monotonic); injectable for tests. Defaults to :func:`time.monotonic`.
    seed : int, optional
        Seed of the picker, for reproducible picks.

    Examples
    --------
    >>> log = ParticipationLog(["Ana", "Ben"], seed=1)
    >>> sorted([log.pick(), log.pick()])
    ['Ana', 'Ben']
    """

    def __init__(self, names: str | Iterable[str], clock: Callable[[], float] | None = None, seed: int | None = None) -> None:
        self.names = parse_names(names)
        self.clock = clock or time.monotonic
        self.started = float(self.clock())
        self.contributions: list[Contribution] = []
        self._rng = random.Random(seed)
        self._picked_round: set[str] = set()
        self.picks: list[str] = []

    # -- recording ---------------------------------------------------------------------------------------------
    def _check_name(self, name: str) -> str:
        if name not in self.names:
            raise ValueError(f"{name!r} is not in the list of participants")
        return name

    def add(self, name: str) -> None:
        """Add a participant who joins late."""
        self.names = parse_names([*self.names, name])

    def record(self, name: str, kind: str = "comment", talk_seconds: float = 0.0, at: float | None = None) -> Contribution:
        """Record one contribution; ``at`` is seconds since the start (default: now on the clock)."""
        self._check_name(name)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if isinstance(talk_seconds, bool) or not isinstance(talk_seconds, (int, float)) or not (0 <= talk_seconds <= 3600):
            raise ValueError(f"talk time must be between 0 and 3600 seconds, got {talk_seconds!r}")
        when = float(self.clock()) - self.started if at is None else float(at)
        if when < 0:
            raise ValueError("a contribution cannot happen before the discussion started")
        c = Contribution(name, kind, when, float(talk_seconds))
        self.contributions.append(c)
        return c

    def undo(self) -> Contribution | None:
        """Remove the last contribution recorded (a mis-click)."""
        return self.contributions.pop() if self.contributions else None

    # -- metrics -----------------------------------------------------------------------------------------------
    def counts(self, kind: str | None = None) -> dict[str, int]:
        out = {n: 0 for n in self.names}
        for c in self.contributions:
            if kind is None or c.kind == kind:
                out[c.name] += 1
        return out

    def talk_time(self) -> dict[str, float]:
        out = {n: 0.0 for n in self.names}
        for c in self.contributions:
            out[c.name] += c.talk_seconds
        return out

    def gini_contributions(self) -> float:
        """Gini coefficient of the number of contributions per participant."""
        return gini(list(self.counts().values()))

    def gini_talk_time(self) -> float:
        """Gini coefficient of talk seconds per participant."""
        return gini(list(self.talk_time().values()))

    def equity(self) -> float:
        """1 - Gini of contributions: 1 when everyone contributed equally."""
        return 1.0 - self.gini_contributions()

    def silent(self) -> list[str]:
        counts = self.counts()
        return [n for n in self.names if counts[n] == 0]

    def silent_share(self) -> float:
        """Share of participants who have not contributed yet."""
        return round(len(self.silent()) / len(self.names), 4)

    def longest_silence(self, now: float | None = None) -> dict[str, float]:
        """Longest stretch (seconds) each participant went without contributing, up to ``now`` (default: the clock)."""
        now = float(self.clock()) - self.started if now is None else float(now)
        times: dict[str, list[float]] = {n: [] for n in self.names}
        for c in self.contributions:
            times[c.name].append(c.at)
        out = {}
        for n, ts in times.items():
            marks = [0.0, *sorted(ts), max(now, *(ts or [0.0]))]
            out[n] = max(b - a for a, b in zip(marks, marks[1:]))
        return out

    def summary(self) -> dict:
        return {
            "contributions": self.counts(),
            "talk_seconds": self.talk_time(),
            "gini_contributions": self.gini_contributions(),
            "gini_talk_time": self.gini_talk_time(),
            "silent_share": self.silent_share(),
        }

    # -- fair picker -------------------------------------------------------------------------------------------
    def pick(self, weighted: bool = True) -> str:
        """Call on someone at random, with no repeat until everyone has been picked once.

        With ``weighted=True`` the not-yet-picked are drawn with weight ``1 / (1 + contributions)``, so the quiet
        are more likely to be asked first.
        """
        pool = [n for n in self.names if n not in self._picked_round]
        if not pool:
            self._picked_round.clear()
            pool = list(self.names)
        if weighted:
            counts = self.counts()
            weights = [1.0 / (1 + counts[n]) for n in pool]
            name = self._rng.choices(pool, weights=weights, k=1)[0]
        else:
            name = self._rng.choice(pool)
        self._picked_round.add(name)
        self.picks.append(name)
        return name
