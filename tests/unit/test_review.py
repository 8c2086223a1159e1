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
    copies = list(path.parent.glob("anon-1.damaged-*.json"))
    assert [c.read_text() for c in copies] == ["{not json"]
    assert "not valid JSON" in deck.take_problem() and deck.take_problem() is None  # told once
    deck.record("a/1", True)
    assert ReviewDeck("anon-1", folder=tmp_path).items == ["a/1"]


def _saved(tmp_path, cards):
    path = deck_path("anon-1", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "participant": "anon-1",
                                "boxes": {"intervals": [1, 2, 4, 8, 16], "cards": cards}}))
    return path


def test_a_hand_edited_card_loses_only_itself_and_the_file_as_it_was_is_kept(tmp_path):
    good = {"box": 3, "due_day": date(2025, 3, 7).toordinal(), "reviews": 2, "lapses": 0}
    path = _saved(tmp_path, {"a/1": good, "a/2": {"box": "three", "due_day": 1}, "a/3": dict(good, box=2)})
    before = path.read_text()
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=FixedClock("2025-03-03"))
    assert sorted(deck.items) == ["a/1", "a/3"] and deck.box_of("a/1") == 3
    problem = deck.take_problem()
    assert "'a/2'" in problem and "2 question(s) kept" in problem and "nothing is lost" in problem
    (copy,) = path.parent.glob("anon-1.damaged-*.json")
    assert copy.read_text() == before and copy.name in problem
    again = ReviewDeck("anon-1", folder=tmp_path)  # the deck was repaired: no message the next time
    assert sorted(again.items) == ["a/1", "a/3"] and again.problem is None


@pytest.mark.parametrize("due_day", [0, 10**9, -5])
def test_a_due_day_no_calendar_has_is_damage_not_a_crash(tmp_path, due_day):
    _saved(tmp_path, {"a/1": {"box": 1, "due_day": due_day}, "a/2": {"box": 1, "due_day": date(2025, 3, 4).toordinal()}})
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=FixedClock("2025-03-03"))
    assert deck.items == ["a/2"] and "'a/1'" in deck.take_problem()
    assert deck.next_review() == date(2025, 3, 4) and deck.next_due("a/2") == date(2025, 3, 4)


def test_damage_during_a_sitting_keeps_the_answers_already_given(tmp_path):
    clock = FixedClock("2025-03-03")
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    deck.record("a/1", True)
    deck.record("a/2", False)
    deck.path.write_text('{"version": 1, "boxes": ')          # hand-edited and left half-written
    deck.record("a/3", True)
    assert sorted(ReviewDeck("anon-1", folder=tmp_path).items) == ["a/1", "a/2", "a/3"]
    assert "could not be read in full" in deck.take_problem()


def test_every_damage_keeps_its_own_copy(tmp_path):
    path = deck_path("anon-1", tmp_path)
    path.parent.mkdir(parents=True)
    for text in ("first damage", "second damage"):
        path.write_text(text)
        ReviewDeck("anon-1", folder=tmp_path)
    assert sorted(c.read_text() for c in path.parent.glob("anon-1.damaged-*.json")) == ["first damage", "second damage"]


def test_an_unreadable_deck_is_never_written_over(tmp_path, monkeypatch):
    clock = FixedClock("2025-03-03")
    ReviewDeck("anon-1", folder=tmp_path, clock=clock).record("a/1", True)
    path = deck_path("anon-1", tmp_path)
    before = path.read_bytes()
    real = type(path).read_bytes

    def denied(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(type(path), "read_bytes", denied)
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    assert "cannot be read: Permission denied" in deck.take_problem()
    with pytest.raises(OSError, match="not written over"):
        deck.record("a/2", False)
    with open(path, "rb") as fh:
        assert "a/2" in deck and fh.read() == before  # counts in this sitting, the file is untouched
    monkeypatch.undo()
    deck.record("a/3", True)  # readable again: the file's cards and every answer of this sitting are saved
    again = ReviewDeck("anon-1", folder=tmp_path, clock=clock)
    assert sorted(again.items) == ["a/1", "a/2", "a/3"] and again.box_of("a/2") == 1


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
    sound, problems = LeitnerScheduler.salvage(bad)
    assert list(sound.cards) == ["x"] and len(problems) == 1 and "'y'" in problems[0]
    sound, problems = LeitnerScheduler.salvage(dict(bad, intervals=["daily"]))
    assert "intervals" in problems[0] and sound.intervals == (1, 2, 4, 8, 16)


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


WRITER = """
import sys
from ttt_widgets.models.review import FixedClock, ReviewDeck
deck = ReviewDeck("anon-1", folder=sys.argv[1], clock=FixedClock("2025-03-03"))
for i in range(40):
    deck.record(f"{sys.argv[2]}/{i}", i % 2 == 0)
"""


def test_two_kernels_answering_at_once_both_count(tmp_path):
    """Two notebooks of one trainee in separate processes, answering at the same time: no answer is lost."""
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name]) for name in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    deck = ReviewDeck("anon-1", folder=tmp_path, clock=FixedClock("2025-03-03"))
    assert len(deck.items) == 80 and deck.problem is None
