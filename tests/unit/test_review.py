"""Spaced retrieval across real days: the trainee's deck, saved per trainee, due on calendar days."""

import json
from datetime import date

import pytest

from ttt_widgets.loader import list_content, load_content
from ttt_widgets.models.leitner import LeitnerScheduler
from ttt_widgets.models.review import FixedClock, ReviewDeck, SystemClock, deck_path, review_items


def test_right_answers_come_back_later_and_wrong_ones_tomorrow(tmp_path):
    clock = FixedClock("2025-03-03")
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    assert deck.record("a/1", True) == date(2025, 3, 5)    # box 2: two days
    assert deck.record("a/2", False) == date(2025, 3, 4)   # box 1: next day
    assert deck.due() == []
    clock.advance(1)
    assert deck.due() == ["a/2"]
    clock.advance(1)
    assert deck.due() == ["a/1", "a/2"]  # the missed review stays due
    assert deck.record("a/1", True) == date(2025, 3, 9)    # box 3: four days


def test_the_deck_survives_a_kernel_restart_in_one_file_per_trainee(tmp_path):
    clock = FixedClock("2025-03-03")
    ReviewDeck("anon-1", folder=tmp_path, clock=clock).record("a/1", True)
    ReviewDeck("anon-2", folder=tmp_path, clock=clock).record("a/1", False)
    again = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    assert again.box_of("a/1") == 2 and again.next_due("a/1") == date(2025, 3, 5)
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == ["anon-1.json", "anon-2.json"]
    data = json.loads((tmp_path / "review" / "anon-1.json").read_text())
    assert data["version"] == 1 and data["participant"] == "anon-1"


def test_two_notebooks_of_one_trainee_add_to_the_same_deck(tmp_path):
    clock = FixedClock("2025-03-03")
    first = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    second = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    first.record("a/1", True)
    second.record("b/1", True)  # re-reads before writing: a/1 is kept
    assert set(ReviewDeck("anon-1", folder=tmp_path, clock=clock).items) == {"a/1", "b/1"}


def test_writes_are_atomic_no_temporary_files_left(tmp_path, monkeypatch):
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=FixedClock("2025-03-03"))
    deck.record("a/1", True)
    before = (tmp_path / "review" / "anon-1.json").read_text()

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("ttt_widgets.models.review.json.dump", broken_dump)
    with pytest.raises(OSError):
        deck.record("a/2", True)
    assert (tmp_path / "review" / "anon-1.json").read_text() == before  # the old deck is intact
    assert [p.name for p in (tmp_path / "review").iterdir()] == ["anon-1.json"]


def test_a_damaged_file_is_set_aside_not_fatal(tmp_path):
    path = deck_path("anon-1", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=FixedClock("2025-03-03"))
    assert deck.items == []
    assert path.with_suffix(".damaged").exists()
    deck.record("a/1", True)
    assert ReviewDeck("anon-1", folder=tmp_path).items == ["a/1"]


def test_ids_are_made_safe_for_a_file_name(tmp_path):
    assert deck_path("../../etc/passwd", tmp_path).parent == tmp_path / "review"
    with pytest.raises(ValueError):
        deck_path("  ", tmp_path)


def test_the_system_clock_can_be_set_by_environment(monkeypatch):
    monkeypatch.setenv("TTT_TODAY", "2031-12-24")
    assert SystemClock().today() == date(2031, 12, 24)
    monkeypatch.delenv("TTT_TODAY")
    assert SystemClock().today() == date.today()
    with pytest.raises(ValueError, match="not a date"):
        FixedClock("tomorrow")


def test_saved_boxes_round_trip_and_damage_is_named():
    s = LeitnerScheduler(["x", "y"])
    s.record("x", True, 10)
    back = LeitnerScheduler.from_dict(s.to_dict())
    assert back.to_dict() == s.to_dict()
    bad = s.to_dict()
    bad["cards"]["y"]["box"] = 9
    with pytest.raises(ValueError, match="'y'"):
        LeitnerScheduler.from_dict(bad)


QUIZZES = [load_content("quizzes", n) for n in list_content("quizzes")]


def test_review_brings_back_only_earlier_modules_due_today():
    clock = FixedClock("2025-03-03")
    deck = ReviewDeck("t", folder=None, clock=clock)
    deck.record("trainer-pool/reach", False)          # module 01, due tomorrow
    deck.record("how-people-learn/spacing", False)    # module 02, due tomorrow
    deck.record("capstone/scope", False)              # module 10: never before module 03
    clock.advance(1)
    items = review_items(deck, QUIZZES, "03", new_limit=0)
    assert {(quiz, q["id"]) for quiz, q in items} == {("how-people-learn", "spacing"), ("trainer-pool", "reach")}
    assert review_items(deck, QUIZZES, "02", new_limit=0)[0][1]["id"] == "reach"


def test_review_adds_a_few_never_answered_questions_from_several_modules():
    deck = ReviewDeck("t", folder=None, clock=FixedClock("2025-03-03"))
    items = review_items(deck, QUIZZES, "04", new_limit=3)
    assert len(items) == 3
    assert len({quiz for quiz, _ in items}) == 3  # one from each of three earlier quizzes
    assert all(load_content("quizzes", quiz)["module"] < "04" for quiz, _ in items)
    assert review_items(deck, QUIZZES, "00") == []
    with pytest.raises(ValueError):
        review_items(deck, QUIZZES, "04", new_limit=-1)
