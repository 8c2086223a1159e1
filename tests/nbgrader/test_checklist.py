"""The Checklist that assignment test cells use: partial credit, advice that says what to fix and why."""

import pytest

from ttt_widgets import Checklist


def test_partial_score_and_feedback(capsys):
    check = Checklist("Task")
    assert check.that(True, 2, "never shown") is True
    assert check.that(False, 1, "Say who learns.", why="an objective names its audience.") is False
    assert check.score() == 2.0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["Task: 2 of 3 points.", "- [ ] Say who learns. Why: an objective names its audience."]
    assert out.err == ""  # nbgrader scores a test cell with anything on stderr 0


def test_a_check_that_raises_counts_as_failed_and_shows_the_error(capsys):
    check = Checklist("Task")
    assert check.that(lambda: len(None), 1, "Give a list.") is False
    score = check.score()
    assert score == 0.0 and isinstance(score, float)  # nbgrader reads the cell's "0.0" as the partial score
    assert "- [ ] Give a list. (TypeError: object of type 'NoneType' has no len())" in capsys.readouterr().out


def test_all_passed(capsys):
    check = Checklist("Task")
    check.that(lambda: True, 1.5, "x")
    assert check.score() == 1.5 and check.possible == 1.5
    assert "Every check passed." in capsys.readouterr().out


def test_negative_points_are_refused():
    with pytest.raises(ValueError, match="points must be 0 or more"):
        Checklist().that(True, -1, "x")


def test_long_messages_wrap(capsys):
    check = Checklist("Task")
    check.that(False, 1, "Rewrite the objective " * 12, why="a reader on a narrow screen should not scroll sideways.")
    check.score()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 3 and all(len(line) <= 88 for line in lines)
    assert lines[1].startswith("- [ ] Rewrite") and lines[2].startswith("      ")
