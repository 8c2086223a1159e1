"""The peer-feedback widget driven from Python: several reviewers, both formats, aggregate, Markdown."""

import ipywidgets as widgets

from ttt_widgets import FeedbackRubric, PeerFeedback


def test_form_shows_criteria_descriptors_and_format_prompts():
    w = PeerFeedback(round_title="Round 1: <i>Sam</i>")
    assert isinstance(w, widgets.VBox)
    assert "&lt;i&gt;Sam&lt;/i&gt;" in w._title.value
    assert [dd.description for dd in w._score_widgets.values()][0] == "Clear objective"
    w.score("objective", 4)
    assert w._descriptors["objective"].value.startswith("4: A measurable objective")
    assert set(w._comment_widgets) == {"up", "down"}
    w.comment("up", "typed before switching")
    w._format.value = "2x2"
    assert set(w._comment_widgets) == {"content_positive", "content_improve", "delivery_positive", "delivery_improve"}
    w._format.value = "one-up-one-down"
    assert w._comment_widgets["up"].value == "typed before switching"


def test_several_reviewers_aggregate_and_export():
    w = PeerFeedback(FeedbackRubric(round_title="Round 2"))
    w.set_reviewer("Ana"); w.score("objective", 4); w.score("engagement", 3)
    w.comment("up", "Clear aim"); w.comment("down", "More wait time")
    w._submit_btn.click()
    assert "Thank you, Ana" in w._status.value and w._reviewer.value == ""
    w.set_reviewer("Ben"); w.set_format("2x2"); w.score("Clear objective", 3)
    for key in ("content_positive", "content_improve", "delivery_positive", "delivery_improve"):
        w.comment(key, f"{key} note")
    assert w.submit().reviewer == "Ben"
    assert "Aggregate of 2 review(s)" in w._summary.value and "3.50" in w._summary.value
    assert list(w._remove_pick.options) == ["Ana", "Ben"]
    w._export_btn.click()
    assert "| Clear objective | 3.50 | 2 | 3-4 |" in w._markdown.value
    w._remove_pick.value = "Ana"
    w._remove_btn.click()
    assert [r.reviewer for r in w.value] == ["Ben"] and "4.00" not in w._summary.value


def test_bad_input_gives_messages_and_keeps_the_form():
    w = PeerFeedback()
    w.set_reviewer("Ana"); w.comment("up", "Clear aim")
    assert w.submit() is None and "empty" in w._status.value  # no 'down' comment
    assert w._comment_widgets["up"].value == "Clear aim" and w._reviewer.value == "Ana"
    w.comment("down", "x" * 2001)
    assert w.submit() is None and "2,001 characters" in w._status.value
    assert w.score("objective", 7) is None and "from 1 to 4" in w._status.value
    assert w.score("charisma", 2) is None and "not a criterion" in w._status.value
    assert w.comment("sideways", "x") is None and "not a comment" in w._status.value
    assert w.set_format("3x3") is None and "not a feedback format" in w._status.value
    w.comment("down", "Slow down")
    w.submit()
    w.set_reviewer("ANA"); w.comment("up", "a"); w.comment("down", "b")
    assert w.submit() is None and "already reviewed" in w._status.value
    assert w.remove(None) is None and "Choose the reviewer" in w._status.value


def test_trainee_comments_are_escaped_in_the_summary():
    w = PeerFeedback()
    w.set_reviewer("<b>Eve</b>"); w.comment("up", "<script>alert(1)</script>"); w.comment("down", "ok")
    w.submit()
    assert "<script>" not in w._summary.value and "&lt;script&gt;" in w._summary.value
    assert "<b>Eve</b>" not in w._summary.value + w._status.value
