"""The reflection widget driven from Python, as a trainee would drive it with the mouse."""

import ipywidgets as widgets

from ttt_widgets import Reflection, load_reflections
from ttt_widgets.models.reflection import MAX_CHARS


def test_is_labelled_and_escapes_the_prompt(data_dir):
    r = Reflection("w1", "Is <b>this</b> safe?", module="05")
    assert isinstance(r, widgets.VBox)
    assert "&lt;b&gt;this&lt;/b&gt;" in r._prompt.value
    assert r._box.description == "Your answer"
    assert r._save_btn.description == "Save"


def test_clicking_save_keeps_the_answer(data_dir):
    r = Reflection("w2", "What will you try?", module="05")
    r._box.value = "Wait five seconds after each question."
    r._save_btn.click()
    assert "Saved." in r._status.value
    assert load_reflections()[0].text == "Wait five seconds after each question."
    again = Reflection("w2", "What will you try?", module="05")
    assert again.value == "Wait five seconds after each question."
    assert "is loaded" in again._status.value


def test_bad_input_gives_a_message_and_keeps_the_text(data_dir):
    r = Reflection("w3", "P?")
    assert r.save() is None
    assert "Please check:" in r._status.value and "empty" in r._status.value
    long = "z" * (MAX_CHARS + 5)
    r.value = long
    assert "over the limit" in r._count.value
    assert r.save() is None
    assert "limit" in r._status.value
    assert r.value == long  # nothing typed is lost
    assert load_reflections() == []


def test_trainee_html_is_never_rendered(data_dir):
    r = Reflection("w4", "P?")
    r.value = "<img src=x onerror=alert(1)>"
    r.save()
    assert "<img" not in r._status.value
    assert r._box.value == "<img src=x onerror=alert(1)>"  # shown in a text box, as text


def test_export_button_writes_markdown(data_dir):
    r = Reflection("w5", "Which objective?", module="04")
    r.value = "Trainees will write three measurable objectives."
    r.save()
    r._export_btn.click()
    assert r.last_export == data_dir / "my-reflections.md"
    assert "Trainees will write three measurable objectives." in r.last_export.read_text(encoding="utf-8")
    assert "Exported." in r._status.value


def test_export_warns_about_unsaved_text(data_dir, tmp_path):
    r = Reflection("w6", "P?")
    r.value = "not saved yet"
    path = r.export(tmp_path / "mine.md")
    assert path == tmp_path / "mine.md"
    assert "not saved yet" in r._status.value or "press Save" in r._status.value
    assert "not saved yet" not in path.read_text(encoding="utf-8")


def test_the_export_button_shows_its_whole_label(data_dir):
    """Issue: the default button width cut the label to "Export all (Mar..."."""
    from ttt_widgets import Reflection

    r = Reflection("99-label-check", "Prompt")
    assert r._export_btn.description == "Export all (Markdown)"
    assert r._export_btn.layout.width == "auto"
