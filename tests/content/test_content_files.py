"""Every packaged content file validates against its schema; malformed files get messages that point at the fault."""

import json
from importlib import resources

import pytest

from ttt_widgets.loader import ContentError, list_content, load_content, load_file, schema_for

CONTENT = resources.files("ttt_widgets") / "content"
KINDS = sorted(p.name.removesuffix(".schema.json") for p in (CONTENT / "schemas").iterdir() if p.name.endswith(".schema.json"))
FILES = [(kind, name) for kind in KINDS for name in list_content(kind)]


def test_there_is_content_for_every_schema():
    assert "quizzes" in KINDS
    for kind in KINDS:
        assert list_content(kind), f"schema {kind} has no content files"


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_json_schema(kind):
    import jsonschema

    schema = schema_for(kind)
    jsonschema.validators.validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("kind, name", FILES, ids=[f"{k}/{n}" for k, n in FILES])
def test_content_file_validates(kind, name):
    data = load_content(kind, name)
    assert data


@pytest.mark.parametrize("name", list_content("quizzes"))
def test_quiz_questions_are_well_formed(name):
    quiz = load_content("quizzes", name)
    ids = [q["id"] for q in quiz["questions"]]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    for q in quiz["questions"]:
        right = [a for a in q["answers"] if a["correct"]]
        assert right, f"{q['id']}: no correct answer"
        if q["type"] == "single":
            assert len(right) == 1, f"{q['id']}: single choice with {len(right)} correct answers"
        texts = [a["text"] for a in q["answers"]]
        assert len(texts) == len(set(texts)), f"{q['id']}: duplicate answers"


def _write(tmp_path, text):
    p = tmp_path / "quiz.yaml"
    p.write_text(text)
    return p


GOOD = """
id: t
title: T
questions:
  - id: q1
    type: single
    prompt: P?
    answers:
      - {text: a, correct: true, feedback: right}
      - {text: b, correct: false, feedback: wrong, diagnosis: d}
"""


def test_a_good_file_loads(tmp_path):
    assert load_file(_write(tmp_path, GOOD), "quizzes")["id"] == "t"


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace(", diagnosis: d", ""), ["quiz.yaml", "'q1'", "answers[1]", "diagnosis"]),
    (lambda t: t.replace("type: single", "type: essay"), ["quiz.yaml", "'q1'", "type"]),
    (lambda t: t.replace("prompt: P?", "prompt: ''"), ["'q1'", "prompt"]),
    (lambda t: t.replace("feedback: right", "feedbak: right"), ["'q1'", "answers[0]"]),
    (lambda t: t.replace("title: T\n", ""), ["quiz.yaml", "title"]),
])
def test_malformed_file_names_file_question_and_field(tmp_path, edit, expected):
    with pytest.raises(ContentError) as info:
        load_file(_write(tmp_path, edit(GOOD)), "quizzes")
    for part in expected:
        assert part in str(info.value)


def test_broken_yaml_and_missing_file_are_clear(tmp_path):
    with pytest.raises(ContentError, match="not valid YAML"):
        load_file(_write(tmp_path, "id: [unclosed"), "quizzes")
    with pytest.raises(ContentError, match="file not found"):
        load_file(tmp_path / "nope.yaml", "quizzes")
    with pytest.raises(ContentError, match="available"):
        load_content("quizzes", "no-such-quiz")


def test_load_content_returns_a_copy():
    a = load_content("quizzes", "trainer-role")
    a["title"] = "changed"
    assert load_content("quizzes", "trainer-role")["title"] != "changed"


def test_content_is_json_serialisable():
    for kind, name in FILES:
        json.dumps(load_content(kind, name))
