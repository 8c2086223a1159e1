"""Random groups of balanced sizes that, across rounds, avoid putting the same people together again.

With ``n`` people and a target size ``k`` there are ``ceil(n / k)`` groups whose sizes differ by at most one (no
group is larger than ``k``). Across rounds the maker minimises the number of pairs who already met: it draws many
random partitions and improves the best by swapping people between groups (a local search; finding rounds with
no repeat at all is the "social golfer problem", Harvey, W. (2002), CSPLib problem 010, and is hard in general), then
reports how many repeated pairs remain. A seed makes everything reproducible.

>>> g = GroupMakerModel(["A", "B", "C", "D"], size=2, seed=1)
>>> rounds = [g.make_round() for _ in range(3)]
>>> g.repeats_per_round
[0, 0, 0]
"""

from __future__ import annotations

import math
import random
from itertools import combinations
from typing import Iterable

from .participation import parse_names

__all__ = ["GroupMakerModel", "group_sizes"]


def group_sizes(n: int, size: int) -> list[int]:
    """Balanced sizes: ``ceil(n / size)`` groups differing by at most one.

    >>> group_sizes(10, 4)
    [4, 3, 3]
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"group size must be a whole number of at least 1, got {size!r}")
    if n < 1:
        raise ValueError("there is nobody to put in groups")
    g = math.ceil(n / size)
    base, extra = divmod(n, g)
    return [base + 1] * extra + [base] * (g - extra)


def _pairs(groups):
    for grp in groups:
        for a, b in combinations(sorted(grp), 2):
            yield (a, b)


class GroupMakerModel:
    """Groups of a given size from a list of names, round after round, avoiding repeated pairs.

    Parameters
    ----------
    names : str or list of str
        The people (see :func:`~ttt_widgets.models.participation.parse_names`).
    size : int
        Target group size (the largest a group may be).
    seed : int, optional
        For reproducible groups.
    attempts : int
        Random starting partitions tried per round.

    Examples
    --------
    >>> GroupMakerModel("Ana, Ben, Cy, Di, Ed", size=2, seed=3).make_round()
    [['Ana', 'Cy'], ['Di', 'Ed'], ['Ben']]
    """

    def __init__(self, names: str | Iterable[str], size: int = 3, seed: int | None = None, attempts: int = 30) -> None:
        self.names = parse_names(names)
        self.sizes = group_sizes(len(self.names), size)
        self.size = size
        self.seed = seed
        self.attempts = attempts
        self._rng = random.Random(seed)
        self.rounds: list[list[list[str]]] = []
        self.repeats_per_round: list[int] = []
        self.met: dict[tuple[str, str], int] = {}

    @property
    def repeats(self) -> int:
        """Repeated pairs in the latest round (0 before any round)."""
        return self.repeats_per_round[-1] if self.repeats_per_round else 0

    def _cost(self, groups) -> int:
        return sum(1 for p in _pairs(groups) if p in self.met)

    def _improve(self, groups: list[list[str]]) -> int:
        """Swap people between groups while it lowers the number of repeated pairs; returns the final count."""
        met = self.met

        def member_cost(person, grp):
            return sum(1 for other in grp if other != person and (min(person, other), max(person, other)) in met)

        cost = self._cost(groups)
        improved = True
        while improved and cost > 0:
            improved = False
            for gi, gj in combinations(range(len(groups)), 2):
                A, B = groups[gi], groups[gj]
                for ai in range(len(A)):
                    for bj in range(len(B)):
                        a, b = A[ai], B[bj]
                        before = member_cost(a, A) + member_cost(b, B)
                        A[ai], B[bj] = b, a
                        after = member_cost(b, A) + member_cost(a, B)
                        if after < before:
                            cost -= before - after
                            improved = True
                        else:
                            A[ai], B[bj] = a, b
        return self._cost(groups)

    def make_round(self) -> list[list[str]]:
        """Make the next round of groups; returns the groups (lists of names, in list order within a group)."""
        best, best_cost = None, None
        order = {n: i for i, n in enumerate(self.names)}
        for _ in range(max(1, self.attempts)):
            people = list(self.names)
            self._rng.shuffle(people)
            groups, at = [], 0
            for s in self.sizes:
                groups.append(people[at:at + s])
                at += s
            cost = self._improve(groups)
            if best_cost is None or cost < best_cost:
                best, best_cost = [list(g) for g in groups], cost
            if best_cost == 0:
                break
        for grp in best:
            grp.sort(key=order.__getitem__)
        for p in _pairs(best):
            self.met[p] = self.met.get(p, 0) + 1
        self.rounds.append(best)
        self.repeats_per_round.append(best_cost)
        return [list(g) for g in best]

    def pairs_left(self) -> int:
        """Pairs of people who have not been in a group together yet."""
        n = len(self.names)
        return n * (n - 1) // 2 - len(self.met)
