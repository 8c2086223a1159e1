"""Quizzes give no cue by position or length: what module 07 teaches about writing distractors, the kit does itself.

Haladyna, Downing & Rodriguez (2002, Applied Measurement in Education 15(3), 309-334): vary the location of the
right answer (their guideline 20) and keep the options about the same length. The trainee also
sees the answers in an order of their own (see tests/unit/test_quiz_model.py); these tests check the content itself,
which is what a reader of the files, a printout or a facilitator sees.
"""

from __future__ import annotations

import math
import re

import pytest

from ttt_widgets.loader import list_content, load_content

QUIZZES = list_content("quizzes")
#: chance of a split this uneven or worse, below which a quiz fails (after a Bonferroni correction over positions)
ALPHA = 0.05
VERDICT = re.compile(r"(?:right|correct|yes|exactly|wrong|no)\s*[.:!,]", re.I)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def position_p_value(positions: list[tuple[int, int]]) -> float:
    """How likely the most crowded position is this crowded or more if every position were equally likely.

    ``positions``: (position of the right answer, number of options) of each single-answer question. Questions
    with the same number of options are pooled; the smallest corrected p-value is returned.
    """
    worst = 1.0
    for n_opts in {n for _, n in positions}:
        here = [pos for pos, n in positions if n == n_opts]
        top = max(here.count(i) for i in range(n_opts))
        worst = min(worst, min(1.0, n_opts * binomial_tail(top, len(here), 1 / n_opts)))
    return worst


def correct_is_longest(question: dict) -> bool:
    """True when the longest option (strictly: no tie) is a right one."""
    lengths = [len(a["text"]) for a in question["answers"]]
    top = max(lengths)
    if lengths.count(top) > 1:
        return False
    return question["answers"][lengths.index(top)]["correct"]


def one_place_for_all(positions: list[tuple[int, int]]) -> bool:
    """True when a quiz of three or more single-answer questions puts every right answer in the same place."""
    return len(positions) >= 3 and len({pos for pos, _ in positions}) == 1


def test_the_helpers_can_fail():
    assert one_place_for_all([(0, 3)] * 3) and not one_place_for_all([(0, 3), (0, 3), (1, 3)])
    assert position_p_value([(0, 3)] * 4) < ALPHA          # four of four in first place: a cue
    assert position_p_value([(0, 3), (1, 3), (2, 3), (0, 3)]) > ALPHA
    assert correct_is_longest({"answers": [{"text": "long right answer", "correct": True},
                                           {"text": "short", "correct": False}]})
    assert not correct_is_longest({"answers": [{"text": "same", "correct": True}, {"text": "tied", "correct": False}]})


@pytest.mark.parametrize("name", QUIZZES)
def test_right_answers_are_not_in_one_position_more_than_chance_allows(name):
    questions = load_content("quizzes", name)["questions"]
    positions = [(next(i for i, a in enumerate(q["answers"]) if a["correct"]), len(q["answers"]))
                 for q in questions if q["type"] == "single"]
    assert position_p_value(positions) >= ALPHA, positions


@pytest.mark.parametrize("name", QUIZZES)
def test_a_short_quiz_does_not_put_every_right_answer_in_one_place(name):
    """Chance allows three of three in one place (p = 0.11 with three options), but a trainee notices it at once."""
    questions = load_content("quizzes", name)["questions"]
    positions = [(next(i for i, a in enumerate(q["answers"]) if a["correct"]), len(q["answers"]))
                 for q in questions if q["type"] == "single"]
    assert not one_place_for_all(positions), positions


@pytest.mark.parametrize("name", QUIZZES)
def test_the_right_answer_is_the_longest_at_most_half_the_time(name):
    questions = load_content("quizzes", name)["questions"]
    longest = [q["id"] for q in questions if correct_is_longest(q)]
    assert len(longest) <= len(questions) / 2, longest


def test_across_the_kit_position_and_length_give_no_cue():
    questions = [q for name in QUIZZES for q in load_content("quizzes", name)["questions"]]
    single = [q for q in questions if q["type"] == "single"]
    positions = [(next(i for i, a in enumerate(q["answers"]) if a["correct"]), len(q["answers"])) for q in single]
    assert position_p_value(positions) >= ALPHA
    assert sum(correct_is_longest(q) for q in questions) / len(questions) <= 0.5


@pytest.mark.parametrize("name", QUIZZES)
def test_feedback_does_not_repeat_the_verdict(name):
    """The widget titles each box "Correct." or "Not quite."; feedback that opens with "Right." says it twice."""
    for q in load_content("quizzes", name)["questions"]:
        for a in q["answers"]:
            assert not VERDICT.match(a["feedback"]), (q["id"], a["feedback"])
