"""The Review widget at the top of modules 02-10: earlier modules' questions due today."""

import html

from ttt_widgets import FixedClock, Quiz, Review, ReviewDeck


def _deck(path, day="2025-03-03"):
    return ReviewDeck("anon-test", folder=path, clock=FixedClock(day))


def test_a_first_visit_offers_questions_never_answered(tmp_path):
    r = Review("02", deck=_deck(tmp_path))
    assert r.count == 3
    assert "3 you have not answered yet" in r._intro.value
    assert all(q["id"].split("--")[0] in {"welcome", "trainer-role", "trainer-pool"} for q in r.quiz.model.questions)


def test_a_question_missed_in_module_01_comes_back_the_next_day_at_the_top_of_module_02(tmp_path):
    quiz = Quiz("trainer-role", deck=_deck(tmp_path))
    quiz.select(quiz.model.wrong())
    quiz.submit()
    same_day = Review("02", deck=_deck(tmp_path), new_limit=0)
    assert same_day.count == 0 and "Nothing from earlier modules is due today" in same_day._intro.value
    assert "2025-03-04" in same_day._intro.value
    next_day = Review("02", deck=_deck(tmp_path, "2025-03-04"), new_limit=0)
    assert next_day.count == 1 and "senior engineer" in next_day.quiz._prompt.value
    # answering it right moves the card to box 2, due two days later, in the same saved deck
    next_day.quiz.select(*next_day.quiz.model.key())
    next_day.quiz.submit()
    deck = _deck(tmp_path, "2025-03-04")
    assert deck.box_of("trainer-role/expert-blind-spot") == 2
    assert str(deck.next_due("trainer-role/expert-blind-spot")) == "2025-03-06"
    assert Review("02", deck=deck, new_limit=0).count == 0


def test_check_again_picks_up_a_new_day(tmp_path):
    deck = _deck(tmp_path)
    deck.record("welcome/run-cell", False)
    r = Review("03", deck=deck, new_limit=0)
    assert r.count == 0
    deck.clock.advance(1)
    r._refresh_btn.click()
    assert r.count == 1 and "1 due today" in r._intro.value
    assert "1 question(s) in your deck" in r.describe()


def test_a_damaged_deck_is_explained_in_the_review_and_nothing_is_lost(tmp_path):
    deck = _deck(tmp_path)
    deck.record("welcome/run-cell", False)
    deck.path.write_text(deck.path.read_text().replace('"box": 1', '"box": 0'))  # a hand edit gone wrong
    r = Review("03", deck=_deck(tmp_path, "2025-03-04"), new_limit=0)
    assert "Your review deck:" in r._status.value and "'welcome/run-cell'" in html.unescape(r._status.value)
    assert "nothing is lost" in r._status.value and "damaged-" in r._status.value
    assert len(list(deck.path.parent.glob("*.damaged-*.json"))) == 1


def test_a_deck_damaged_while_the_quiz_is_open_is_explained_after_the_next_answer(tmp_path):
    quiz = Quiz("trainer-role", deck=_deck(tmp_path))
    quiz.select(*quiz.model.key())
    quiz.submit()
    assert quiz._notice.value == ""
    quiz.deck.path.write_text("<<<< merge conflict")
    quiz.next()
    quiz.select(*quiz.model.key())
    quiz.submit()
    assert "could not be read in full" in quiz._notice.value and "nothing is lost" in quiz._notice.value
    assert len(_deck(tmp_path).items) == 2  # both answers kept in the repaired deck
