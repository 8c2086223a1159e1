"""The TransferPlanner widget driven from Python: typing into boxes, checking, escaping, bad input."""

from ttt_widgets import TransferPlanner


def test_typing_into_boxes_updates_the_plan_and_the_checks():
    p = TransferPlanner()
    assert len(p._boxes) == 9
    assert p._boxes[("manager", "before")].placeholder.startswith("Tell the trainee why")
    p._boxes[("manager", "before")].value = "Brief the trainee on why"
    assert p.model.get("manager", "before") == "Brief the trainee on why"
    p._check_btn.click()
    assert "Done:" in p._checks.value and "Missing:" in p._checks.value
    assert "1 of 9 boxes filled" in p._status.value
    assert p._table.layout.display is None and "| Manager | Brief the trainee on why |" in p._table.value


def test_a_full_plan_passes_every_check():
    p = TransferPlanner()
    for (role, stage), box in p._boxes.items():
        p.set(role, stage, p.model.example(role, stage))
        assert box.value == p.model.example(role, stage)
    results = p.check()
    assert all(c.ok for c in results) and "every check passes" in p._status.value
    assert "Missing:" not in p._checks.value


def test_too_long_text_shows_an_error_and_keeps_what_was_typed():
    p = TransferPlanner()
    p._boxes[("trainee", "during")].value = "Action plan"
    p._boxes[("trainee", "during")].value = "y" * 400
    assert "limit is 300" in p._status.value
    assert p._boxes[("trainee", "during")].value == "y" * 400  # nothing the trainee typed is lost
    assert p.model.get("trainee", "during") == "Action plan"
    p.set("boss", "before", "x")
    assert "no box for role &#x27;boss&#x27;" in p._status.value


def test_typed_text_never_reaches_an_html_widget():
    p = TransferPlanner()
    p._boxes[("trainer", "after")].value = "<script>alert(1)</script>"
    p.check()
    html_values = [p._checks.value, p._status.value, p._title.value]
    assert all("<script>" not in v for v in html_values)
    assert "<script>alert(1)</script>" in p._table.value  # a text widget shows it as typed
