"""The group maker: balanced sizes, no repeated pairs while that is possible, reproducible with a seed."""

from itertools import combinations

import pytest

from ttt_widgets import GroupMakerModel
from ttt_widgets.models.groups import group_sizes


@pytest.mark.parametrize("n, size, expected", [
    (10, 4, [4, 3, 3]), (12, 4, [4, 4, 4]), (5, 2, [2, 2, 1]), (7, 3, [3, 2, 2]), (3, 5, [3]), (1, 1, [1]),
])
def test_balanced_sizes(n, size, expected):
    sizes = group_sizes(n, size)
    assert sizes == expected
    assert sum(sizes) == n and max(sizes) - min(sizes) <= 1 and max(sizes) <= size


def test_every_person_is_in_exactly_one_group_each_round():
    names = [f"P{i:02d}" for i in range(23)]
    g = GroupMakerModel(names, size=4, seed=5)
    for _ in range(4):
        groups = g.make_round()
        flat = [p for grp in groups for p in grp]
        assert sorted(flat) == names
        assert sorted(len(x) for x in groups) == sorted(group_sizes(23, 4))


def test_four_people_in_pairs_three_rounds_without_repeats_then_two_repeats():
    """4 people have 6 pairs; each round of 2 pairs uses 2, so 3 rounds cover all and the 4th must repeat 2."""
    g = GroupMakerModel("A, B, C, D", size=2, seed=0)
    for _ in range(4):
        g.make_round()
    assert g.repeats_per_round == [0, 0, 0, 2]
    assert g.pairs_left() == 0


def test_nine_people_in_threes_four_rounds_without_repeats():
    """The affine plane of order 3 gives 4 rounds of 3 triples covering the 36 pairs once each."""
    g = GroupMakerModel([str(i) for i in range(9)], size=3, seed=2)
    for _ in range(4):
        g.make_round()
    assert g.repeats_per_round == [0, 0, 0, 0]
    assert g.pairs_left() == 0
    met = [p for rnd in g.rounds for grp in rnd for p in combinations(sorted(grp), 2)]
    assert len(met) == len(set(met)) == 36


def test_repeats_are_counted_honestly():
    g = GroupMakerModel([str(i) for i in range(6)], size=3, seed=1)
    for _ in range(5):
        groups = g.make_round()
    # recount the last round from the history
    history = {p for rnd in g.rounds[:-1] for grp in rnd for p in combinations(sorted(grp), 2)}
    last = sum(p in history for grp in groups for p in combinations(sorted(grp), 2))
    assert g.repeats == last


def test_same_seed_same_groups():
    a = GroupMakerModel("Ana, Ben, Cy, Di, Ed, Flo, Gus", size=3, seed=42)
    b = GroupMakerModel("Ana, Ben, Cy, Di, Ed, Flo, Gus", size=3, seed=42)
    assert [a.make_round() for _ in range(3)] == [b.make_round() for _ in range(3)]


@pytest.mark.parametrize("names, size, message", [
    ("", 3, "empty"), ("Ana, Ana", 2, "twice"), ("Ana, Ben", 0, "at least 1"), ("Ana, Ben", -2, "at least 1"),
    ("Ana, Ben", "3", "whole number"), ("Ana, Ben", 2.5, "whole number"),
])
def test_bad_input_is_refused(names, size, message):
    with pytest.raises(ValueError, match=message):
        GroupMakerModel(names, size=size)
