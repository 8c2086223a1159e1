"""The reflection model: what is kept, where, and how bad input is refused without losing anything."""

import json
import threading

import pytest
from traitlets import TraitError

from ttt_widgets import ReflectionError, ReflectionModel, export_reflections, load_reflections
from ttt_widgets.models.reflection import MAX_CHARS


def test_save_keeps_the_answer_in_the_data_directory(data_dir):
    m = ReflectionModel("02-one-change", "What will you change?", module="02")
    assert not m.saved
    record = m.save("  Open with two recall questions.  ")
    assert record.text == "Open with two recall questions."
    path = data_dir / "reflections" / "02-one-change.json"
    assert path.exists()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["text"] == "Open with two recall questions."
    assert stored["module"] == "02" and stored["prompt"] == "What will you change?"
    assert m.saved and m.saved_at.endswith("Z")


def test_a_new_model_loads_the_earlier_answer(data_dir):
    ReflectionModel("k1", "Prompt?", module="01").save("first answer")
    again = ReflectionModel("k1", "Prompt?", module="01")
    assert again.text == "first answer"
    again.save("second answer")
    assert [r.text for r in load_reflections()] == ["second answer"]


@pytest.mark.parametrize("bad, fragment", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("x" * (MAX_CHARS + 1), "limit"),
    (42, "text"),
    (None, "text"),
])
def test_bad_answers_are_refused_and_the_earlier_answer_is_kept(data_dir, bad, fragment):
    m = ReflectionModel("k2", "Prompt?")
    m.save("kept")
    with pytest.raises(ReflectionError, match=fragment):
        m.save(bad)
    assert m.text == "kept"
    assert ReflectionModel("k2", "Prompt?").text == "kept"


def test_exactly_the_limit_is_accepted(data_dir):
    assert len(ReflectionModel("k3", "P?").save("y" * MAX_CHARS).text) == MAX_CHARS


def test_html_emoji_and_control_characters_are_stored_as_plain_text(data_dir):
    m = ReflectionModel("k4", "P?")
    text = "<b>bold</b> & <script>alert(1)</script> \U0001F600 caf\u0065\u0301\x00\x07"
    saved = m.save(text)
    assert saved.text == "<b>bold</b> & <script>alert(1)</script> \U0001F600 caf\u00e9"
    assert load_reflections()[0].text == saved.text


@pytest.mark.parametrize("key", ["", "Has Caps", "a/b", "../x", "x" * 81, "-lead"])
def test_bad_keys_are_refused(data_dir, key):
    with pytest.raises(TraitError, match="key"):
        ReflectionModel(key, "P?")


def test_empty_prompt_is_refused(data_dir):
    with pytest.raises(TraitError, match="prompt"):
        ReflectionModel("k5", "   ")


def test_export_groups_by_module_and_quotes_text(data_dir, tmp_path):
    ReflectionModel("03-b", "Second prompt?", module="03").save("line one\n\nline three")
    ReflectionModel("01-a", "First prompt?", module="01").save("# not a heading")
    out = export_reflections(tmp_path / "out.md")
    text = out.read_text(encoding="utf-8")
    assert text.index("## Module 01") < text.index("## Module 03")
    assert "### First prompt?" in text
    assert "> # not a heading" in text  # trainee text is quoted, never turned into structure
    assert "> line one\n>\n> line three" in text
    only = export_reflections(tmp_path / "only.md", module="03").read_text(encoding="utf-8")
    assert "Module 03" in only and "Module 01" not in only


def test_export_default_path_and_empty_export(data_dir):
    out = export_reflections()
    assert out == data_dir / "my-reflections.md"
    assert "No reflection saved yet." in out.read_text(encoding="utf-8")


def test_damaged_files_are_skipped(data_dir):
    ReflectionModel("good", "P?").save("fine")
    (data_dir / "reflections" / "broken.json").write_text("{not json", encoding="utf-8")
    (data_dir / "reflections" / "partial.json").write_text('{"key": "partial"}', encoding="utf-8")
    assert [r.key for r in load_reflections()] == ["good"]


def test_concurrent_saves_of_different_reflections_all_survive(data_dir):
    errors = []

    def work(i):
        try:
            for j in range(20):
                ReflectionModel(f"c{i}", "P?").save(f"answer {i}.{j}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {r.key: r.text for r in load_reflections()} == {f"c{i}": f"answer {i}.19" for i in range(4)}
    assert not list((data_dir / "reflections").glob("*.tmp"))
