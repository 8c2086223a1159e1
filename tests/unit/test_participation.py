"""Participation equity: the Gini coefficient (Gini 1912), silences, and the fair picker."""

import itertools
import random

import pytest

from ttt_widgets import ParticipationLog, gini
from ttt_widgets.models.participation import parse_names


def gini_by_definition(xs):
    """Half the relative mean absolute difference, straight from the definition."""
    n = len(xs)
    mean = sum(xs) / n
    return sum(abs(a - b) for a, b in itertools.product(xs, xs)) / (2 * n * n * mean)


def test_gini_of_equal_contributions_is_zero():
    assert gini([3, 3, 3, 3]) == 0
    assert gini([0, 0, 0]) == 0


@pytest.mark.parametrize("n", range(2, 11))
def test_gini_of_one_speaker_among_n_is_n_minus_one_over_n(n):
    assert gini([5] + [0] * (n - 1)) == pytest.approx((n - 1) / n)


def test_gini_worked_by_hand_and_against_the_definition():
    # |differences| of 1,2,3,4 sum to 20 over ordered pairs; 20 / (2 * 16 * 2.5) = 0.25
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    rng = random.Random(7)
    for _ in range(20):
        xs = [rng.randint(0, 9) for _ in range(rng.randint(2, 12))]
        if sum(xs):
            assert gini(xs) == pytest.approx(gini_by_definition(xs))
    with pytest.raises(ValueError):
        gini([1, -1])


def test_log_metrics():
    log = ParticipationLog(["Ana", "Ben", "Chloé", "Dev"])
    log.record("Ana", "question", talk_seconds=60, at=10)
    log.record("Ana", "comment", talk_seconds=20, at=100)
    log.record("Ben", "answer", talk_seconds=20, at=200)
    assert log.counts() == {"Ana": 2, "Ben": 1, "Chloé": 0, "Dev": 0}
    assert log.counts("answer") == {"Ana": 0, "Ben": 1, "Chloé": 0, "Dev": 0}
    assert log.gini_contributions() == pytest.approx(gini_by_definition([2, 1, 0, 0]))
    assert log.gini_talk_time() == pytest.approx(gini_by_definition([80, 20, 0, 0]))
    assert log.silent() == ["Chloé", "Dev"] and log.silent_share() == 0.5
    assert log.equity() == pytest.approx(1 - log.gini_contributions())
    # Ana: 0-10, 10-100, 100-300 -> 200; Ben: 0-200 -> 200 then 200-300; silent ones: the whole 300 s
    assert log.longest_silence(now=300) == {"Ana": 200, "Ben": 200, "Chloé": 300, "Dev": 300}


def test_clock_is_used_for_timestamps():
    now = [1000.0]
    log = ParticipationLog("Ana, Ben", clock=lambda: now[0])
    now[0] = 1042.0
    c = log.record("Ben")
    assert c.at == 42.0
    assert log.longest_silence()["Ana"] == 42.0


def test_bad_records_are_refused_and_nothing_is_lost():
    log = ParticipationLog("Ana, Ben")
    log.record("Ana", at=1)
    for kwargs, msg in [({"name": "Zoe"}, "not in the list"), ({"name": "Ana", "kind": "rant"}, "kind"),
                        ({"name": "Ana", "talk_seconds": -1}, "talk time"),
                        ({"name": "Ana", "talk_seconds": "long"}, "talk time"),
                        ({"name": "Ana", "at": -5}, "before the discussion")]:
        with pytest.raises(ValueError, match=msg):
            log.record(**kwargs)
    assert log.counts() == {"Ana": 1, "Ben": 0}
    assert log.undo().name == "Ana" and log.undo() is None


def test_picker_never_repeats_before_everyone_is_picked():
    names = [f"P{i}" for i in range(7)]
    log = ParticipationLog(names, seed=3)
    for _ in range(3):
        round_ = [log.pick(weighted=False) for _ in names]
        assert sorted(round_) == sorted(names)


def test_picker_favours_the_quiet():
    firsts = {"Talker": 0, "Quiet": 0}
    for seed in range(400):
        log = ParticipationLog(["Talker", "Quiet"], seed=seed)
        for t in range(9):
            log.record("Talker", at=t)
        firsts[log.pick()] += 1
    # weights 1/10 against 1/1: the quiet one is picked first about 10 times out of 11
    assert firsts["Quiet"] > 0.8 * 400


def test_picker_is_reproducible_with_a_seed():
    a = ParticipationLog("A, B, C, D", seed=11)
    b = ParticipationLog("A, B, C, D", seed=11)
    assert [a.pick() for _ in range(8)] == [b.pick() for _ in range(8)]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    (" ,\n ; ", "empty"),
    ("Ana, ana", "appears twice"),
    ("Ana, Ben 😀", "emoji"),
    ("<b>Ana</b>", "< or >"),
    ("A" * 81, "longer than 80"),
    ("x," * 1001, "longer than 2000"),
])
def test_bad_name_lists_get_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_names(text)


def test_names_are_tidied():
    assert parse_names("  Ana   María ;Ben\n\nChloé,") == ["Ana María", "Ben", "Chloé"]
    with pytest.raises(ValueError, match="text"):
        parse_names(["Ana", 3])
