import html

import ipywidgets as widgets

from ttt_widgets import Quiz


def _texts(w):
    """All text a widget tree shows (labels, HTML values, descriptions, options)."""
    out = []
    stack = [w]
    while stack:
        x = stack.pop()
        for attr in ("value", "description", "options"):
            v = getattr(x, attr, None)
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, tuple) and all(isinstance(i, str) for i in v):
                out.extend(v)
        stack.extend(getattr(x, "children", ()))
    return "\n".join(out)


def test_shows_one_question_and_its_options():
    q = Quiz("trainer-role")
    text = _texts(q)
    assert "Question 1 of 3" in text
    assert "senior engineer" in text
    assert "cascade" not in text  # the second question is not shown yet
    assert "She skips steps that have become automatic for her." in q._radio.options


def test_wrong_answer_shows_its_feedback_and_diagnosis():
    q = Quiz("trainer-role")
    q.select("The trainees lack motivation.")
    result = q.submit()
    assert result is not None and not result.correct
    assert "Not quite." in q._status.value
    assert "Why this is tempting" in q._status.value
    assert "attribution to the learner" in q._status.value
    assert q._score.value.startswith("Score: 0 of 3")
    assert q._submit_btn.disabled and not q._next_btn.disabled


def test_clicking_buttons_drives_the_quiz():
    q = Quiz("trainer-role")
    q._radio.index = q.model.key()[0]
    q._submit_btn.click()
    assert q.model.score == 1
    q._next_btn.click()
    assert q._progress.value == "Question 2 of 3"


def test_submit_without_choice_says_so_and_counts_nothing():
    q = Quiz("trainer-role")
    assert q.submit() is None
    assert "Choose an answer first" in q._status.value
    assert q.model.attempts == 0


def test_multiple_choice_uses_labelled_checkboxes():
    q = Quiz("trainer-role")
    q.model.position = 2
    q._show_question()
    boxes = [c for c in q._choices_box.children if isinstance(c, widgets.Checkbox)]
    assert len(boxes) == 4 and all(b.description for b in boxes)
    q.select(*q.model.key())
    assert q.value == q.model.key() and len(q.value) == 2
    assert q.submit().correct


def test_retry_missed_round():
    q = Quiz("trainer-role")
    for right in (False, True, True):
        q.select(*(q.model.key() if right else (q.model.wrong(),)))
        q.submit()
        q.next()
    assert "1 of 3" not in q._status.value and "2 of 3" in q._status.value
    assert not q._retry_btn.disabled
    q._retry_btn.click()
    assert q._progress.value.startswith("Question 1 of 1")
    q.select(*q.model.key())
    q.submit()
    assert q.model.score == 3


def test_html_in_content_is_escaped():
    data = {
        "id": "x", "title": "<b>T</b>",
        "questions": [{"id": "q", "type": "single", "prompt": "<img src=x onerror=alert(1)>",
                       "answers": [{"text": "a", "correct": True, "feedback": "<script>1</script>"},
                                   {"text": "b", "correct": False, "feedback": "f", "diagnosis": "d"}]}],
    }
    q = Quiz(data, shuffle=False, remember=False)
    assert "<img" not in q._prompt.value and "&lt;img" in q._prompt.value
    q.select(0)
    q.submit()
    assert "<script>" not in q._status.value and "&lt;script&gt;" in q._status.value


def test_widget_state_is_serialisable():
    q = Quiz("trainer-role")
    state = q.get_state()
    assert "children" in state


def test_feedback_gives_the_verdict_once():
    """The box title says "Correct."; feedback that also opens with "Right." is trimmed (issue: "Correct. Right.")."""
    data = {"id": "v", "title": "V", "questions": [{"id": "q", "type": "single", "prompt": "P", "answers": [
        {"text": "a", "correct": True, "feedback": "Right. Automatic steps are invisible."},
        {"text": "b", "correct": False, "feedback": "No: it is a.", "diagnosis": "d"}]}]}
    q = Quiz(data, shuffle=False, remember=False)
    q.select("a")
    q.submit()
    assert "Correct.</strong> Automatic steps" in q._status.value
    assert "Right." not in q._status.value
    q.reset()
    q.select("b")
    q.submit()
    assert "Not quite.</strong> It is a." in q._status.value


def test_each_trainee_has_an_order_of_their_own(data_dir, monkeypatch):
    orders = set()
    for user in ("ana", "ben", "chloe", "dev", "emil", "fay"):
        monkeypatch.setenv("JUPYTERHUB_USER", user)
        first = Quiz("how-people-learn", remember=False)._radio.options
        again = Quiz("how-people-learn", remember=False)._radio.options
        assert first == again  # stable across reruns
        orders.add(first)
    assert len(orders) > 1


def test_answers_are_remembered_in_the_trainee_deck(data_dir):
    q = Quiz("trainer-role")
    q.select(*q.model.key())
    q.submit()
    saved = list((data_dir / "review").glob("*.json"))
    assert len(saved) == 1 and "trainer-role/expert-blind-spot" in saved[0].read_text()


HOSTILE_TEX = r"$$\href{javascript:alert(1)}{click me}$$"


def test_checkbox_answers_that_could_hold_tex_are_shielded_from_mathjax():
    """Checkbox labels are typeset by the page's MathJax ("$5 or $10" became a formula); radio labels are not."""
    data = {"id": "tex", "title": "T", "questions": [{"id": "m", "type": "multiple", "prompt": "Which?", "answers": [
        {"text": HOSTILE_TEX, "correct": True, "feedback": "f"},
        {"text": "It costs $5 or $10 <b>each</b>", "correct": False, "feedback": "f", "diagnosis": "d"},
        {"text": "A plain answer", "correct": True, "feedback": "f"}]}]}
    q = Quiz(data, shuffle=False, remember=False)
    tex, price, plain = q._checks
    for box, text in ((tex, HOSTILE_TEX), (price, "It costs $5 or $10 <b>each</b>")):
        # no '$' or '\\' left in one run of text for MathJax to pair; the page shows the same characters
        assert box.description_allow_html and "$" not in box.description and "\\" not in box.description
        assert "<b>" not in box.description and html.unescape(box.description.replace("<span></span>", "")) == text
    assert plain.description == "A plain answer" and not plain.description_allow_html
    q.select(HOSTILE_TEX, "A plain answer")
    assert q.submit().correct


def test_buttons_fit_their_labels():
    """Large type cut the fixed-width buttons to "Check a...", "Next que..."."""
    q = Quiz("trainer-role", shuffle=False, remember=False, practice=True)
    for b in (q._submit_btn, q._next_btn, q._retry_btn, q._practice_btn):
        assert b.layout.width == "auto", b.description
