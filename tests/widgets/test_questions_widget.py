"""The question coach driven from Python: checking questions and the sorting practice."""

import html

import ipywidgets as widgets

from ttt_widgets import QuestionCoach
from ttt_widgets.loader import load_content


def test_check_shows_kind_level_and_a_rewrite_as_text():
    c = QuestionCoach()
    assert isinstance(c, widgets.VBox) and c._tabs.get_title(1) == "Practice"
    c._input.value = "Did everyone understand?"
    c._check_btn.click()
    assert c.last.kind == "closed"
    assert "Closed question, Bloom level: remember." in c._result.value
    assert html.unescape(c._suggestion.value).endswith(f">{c.last.suggestion}</div>")
    assert "mathjax_ignore" in c._suggestion.value
    c.check("Why might a learner pick this distractor?")
    assert "Open question, Bloom level: analyze." in c._result.value and c._suggestion.value == ""


def test_bad_questions_give_a_message_and_keep_the_text():
    c = QuestionCoach()
    assert c.check("") is None and "empty" in c._status.value
    long = "Why " * 600
    assert c.check(long) is None and "characters long" in c._status.value
    assert c._input.value == long
    assert c.check("\U0001F914\U0001F914") is None and "no words" in c._status.value
    c.check("<script>alert(1)</script> Is it clear?")
    assert "<script>" not in c._result.value and "markup" in c._result.value


def test_practice_round_with_feedback_and_score():
    bank = load_content("question-bank", "practice")["questions"]
    c = QuestionCoach()
    assert "Question 1 of" in c._prompt.value
    assert c.sort() is None and "Choose a kind" in c._practice_status.value
    c._kind.value, c._level.value = bank[0]["kind"], bank[0]["level"]
    c._sort_btn.click()
    assert c.last_sort.correct and "Right on both." in c._practice_status.value
    assert c._score.value == f"Sorted right: 1 of {len(bank)}"
    c._next_btn.click()
    wrong = "open" if bank[1]["kind"] == "closed" else "closed"
    r = c.sort(wrong, bank[1]["level"])
    assert not r.correct and f"Kind: it is {bank[1]['kind']}" in c._practice_status.value
    for _ in range(len(bank)):
        c.next()
    assert "Done: 1 of" in c._practice_status.value and c._sort_btn.disabled
    c._restart_btn.click()
    assert c.practice.position == 0 and c._score.value == f"Sorted right: 0 of {len(bank)}"


def test_the_rewrite_is_escaped_and_left_alone_by_mathjax():
    """The rewrite repeats the trainee's words: it was a Label, which MathJax typesets and which never wraps."""
    c = QuestionCoach()
    c.check("Is a $5 voucher <i>better</i> than a $10 discount for this customer?")
    assert "<i>" not in c._suggestion.value and "mathjax_ignore" in c._suggestion.value
    assert "$5 voucher" in html.unescape(c._suggestion.value) and "pre-wrap" in c._suggestion.value
    for button in (c._check_btn, c._sort_btn, c._next_btn, c._restart_btn):
        assert button.layout.width == "auto", button.description
