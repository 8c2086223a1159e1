"""Content files from anywhere (a trainee's own quiz) are read with limits: size, aliases, depth, plain booleans."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from ttt_widgets.loader import MAX_BYTES, ContentError, load_file

QUIZ = """id: mine
title: My quiz
questions:
  - id: q1
    type: single
    prompt: Which?
    answers:
      - text: "A"
        correct: true
        feedback: {feedback}
      - text: "B"
        correct: false
        feedback: Not this one.
        diagnosis: Guessing.
"""

LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def test_a_billion_laughs_file_is_refused_at_once(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS)
    assert len(LAUGHS) < 1500
    tracemalloc.start()
    start = time.monotonic()
    with pytest.raises(ContentError, match="anchors .* not allowed"):
        load_file(path, "quizzes")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - start < 1 and peak < 20_000_000


def test_deep_nesting_and_huge_files_get_a_content_error(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ContentError, match="nested more than"):
        load_file(deep, "quizzes")
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * (MAX_BYTES + 10))
    with pytest.raises(ContentError, match="too large"):
        load_file(big, "quizzes")


def test_yes_and_no_stay_text(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(QUIZ.format(feedback="no"))
    data = load_file(path, "quizzes")
    assert data["questions"][0]["answers"][0]["feedback"] == "no"
    assert data["questions"][0]["answers"][0]["correct"] is True


def test_a_quiz_reads_a_saved_file(tmp_path):
    from ttt_widgets import Quiz

    path = tmp_path / "quiz.yaml"
    path.write_text(QUIZ.format(feedback='"Yes, A."'))
    quiz = Quiz(str(path), remember=False)
    assert quiz.model.quiz_id == "mine" and quiz.model.questions[0]["prompt"] == "Which?"
    with pytest.raises(ContentError, match="file not found"):
        Quiz(str(tmp_path / "missing.yaml"), remember=False)


def test_bidirectional_overrides_are_removed_from_quiz_text(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(QUIZ.format(feedback='"\u202eA si thgir"').replace("Which?", "Which\u202e one?"), encoding="utf-8")
    data = load_file(path, "quizzes")
    assert data["questions"][0]["prompt"] == "Which one?"
    assert "\u202e" not in repr(data)
