"""The objective builder driven from Python, as a trainee would drive it from the keyboard and mouse."""

import html
import re

import ipywidgets as widgets
import pytest

from ttt_widgets import ObjectiveBuilder


def test_live_feedback_on_each_part_and_the_ladder():
    b = ObjectiveBuilder()
    assert isinstance(b, widgets.VBox)
    assert "none yet" in b._ladder.value and b._keep_btn.disabled
    b._fields["behaviour"].value = "design a warm-up activity"  # typing in the field
    assert b.analysis.bloom_level == "create"
    assert "Verb &#x27;design&#x27;: create." in b._hints["behaviour"].value
    assert "Missing: who will do it?" in b._hints["audience"].value
    assert "6. Create &#9664; this objective" in b._ladder.value
    assert 'aria-label="Bloom level: create"' in b._ladder.value
    b.set(audience="New trainers", condition="given the template", degree="that meets all items of the checklist")
    assert b._sentence.value == ("Given the template, new trainers will be able to design a warm-up activity that "
                                 "meets all items of the checklist.")
    assert "Good:" in b._problems.value and not b._keep_btn.disabled
    assert "Criterion found" in b._hints["degree"].value


def test_vague_verb_is_explained_and_cannot_be_kept():
    b = ObjectiveBuilder()
    b.set(audience="Participants", behaviour="understand feedback")
    assert "cannot be observed" in b._hints["behaviour"].value
    assert b._keep_btn.disabled
    assert b.keep() is None
    assert "not measurable" in b._status.value and b.model.kept == []


def test_keep_remove_and_export():
    b = ObjectiveBuilder()
    b.set(audience="Trainees", behaviour="list three barriers to transfer", degree="without notes")
    b._keep_btn.click()
    assert b.model.kept == ["Trainees will be able to list three barriers to transfer without notes."]
    assert "Kept (remember)" in b._status.value
    labels = [html.unescape(re.sub("<[^>]+>", "", w.children[0].value)) for w in b._kept_box.children[1:]]
    assert labels == ["1. Trainees will be able to list three barriers to transfer without notes."]
    assert b.keep() is None and "already in your list" in b._status.value
    b._export_btn.click()
    assert b._markdown.value.startswith("# My learning objectives") and b._markdown.layout.display is None
    b._kept_box.children[1].children[1].click()  # the Remove button of objective 1
    assert b.model.kept == []


@pytest.mark.parametrize("text, message", [
    ("x" * 2100, "2,100 characters"),
    ("\U0001F600\U0001F600", "no words"),
])
def test_bad_input_gives_a_message_and_keeps_what_was_typed(text, message):
    b = ObjectiveBuilder()
    b.set(audience="Participants", degree="correctly")
    b.set(behaviour=text)
    assert message in b._problems.value
    assert b._fields["behaviour"].value == text and b._fields["audience"].value == "Participants"
    assert b.keep() is None and b.model.kept == []


def test_html_typed_by_a_trainee_is_never_rendered():
    b = ObjectiveBuilder()
    b.set(audience="<img src=x onerror=alert(1)>", behaviour="list <b>three</b> steps")
    assert "<img src=x" not in b._problems.value + b._hints["audience"].value + b._ladder.value
    assert isinstance(b._sentence, widgets.Textarea)  # the assembled sentence is shown as plain text
    assert "markup" in b._problems.value


def test_a_long_objective_wraps_inside_the_builder():
    """Issue: the assembled sentence was a Label, which never wraps, and ran off the right edge."""
    b = ObjectiveBuilder()
    b.set(audience="Newly appointed ward-based healthcare assistants on the night shift",
          behaviour="take a manual blood pressure reading and record it on the early-warning chart",
          condition="given a patient in the simulation suite", degree="within 5 mmHg of the assessor's reading")
    assert isinstance(b._sentence, widgets.Textarea) and b._sentence.disabled
    assert b._sentence.layout.width == "100%" and b._sentence.rows >= 3
    assert b._sentence.value == b.model.text


def test_kept_objectives_wrap_stay_text_and_are_left_alone_by_mathjax():
    """A kept objective was a Label: it never wrapped, and the page's MathJax typeset "$" in it."""
    b = ObjectiveBuilder()
    b.set(audience="Sales staff", behaviour="quote a $500 discount <b>correctly</b> for each of the ten practice customers "
          "on the new price list", degree="with no errors")
    assert b.keep() is not None
    sentence = b._kept_box.children[1].children[0]
    assert isinstance(sentence, widgets.HTML) and "<b>" not in sentence.value and "mathjax_ignore" in sentence.value
    assert "pre-wrap" in sentence.value and sentence.layout.flex == "1 1 auto"
    assert "$500" in html.unescape(sentence.value)
    for button in (b._keep_btn, b._export_btn, b._kept_box.children[1].children[1]):
        assert button.layout.width == "auto", button.description
