"""The BlendedDesigner widget driven from Python."""

from ttt_widgets import BlendedDesigner


def test_two_designs_side_by_side():
    d = BlendedDesigner()
    assert d._pick["A"].value == "classroom-heavy" and d._pick["B"].value == "practice-first"
    assert "492.50" in d._table.value and "390.00" in d._table.value
    assert "46%" in d._table.value  # practice share of B: (9 + 3) / 26 hours
    assert d._plot.value.startswith("<img")


def test_form_adds_and_removes_components():
    d = BlendedDesigner()
    d._side.value = "A"
    d._kind.value = "mentoring"
    d._hours.value, d._per.value = 4, 50
    d._add_btn.click()
    a = d.designs["A"]
    assert a.components[-1].kind == "mentoring" and a.cost_per_learner == (11820 + 24 * 50) / 24
    assert d._pick["A"].value == "(edited)"
    d._undo_btn.click()
    assert a.components[-1].kind == "live online"


def test_learners_and_loading_designs():
    d = BlendedDesigner()
    d._learners["B"].value = 48
    assert d.designs["B"].learners == 48
    d._pick["B"].value = "classroom-heavy"
    assert d.designs["B"].name == "Three days in the classroom" and d._learners["B"].value == 24


def test_bad_input_gives_messages_and_keeps_designs():
    d = BlendedDesigner()
    n = len(d.designs["A"].components)
    d.add_component("A", "podcast", 2)
    assert "kind must be one of" in d._status.value
    d.add_component("A", "classroom", -2)
    assert "hours must be between" in d._status.value
    d.add_component("C", "classroom", 2)
    assert "side must be" in d._status.value
    d.load("A", "nothing")
    assert "no design named" in d._status.value
    d.set_learners("A", 0)
    assert "learners must be" in d._status.value
    assert len(d.designs["A"].components) == n and d.designs["A"].learners == 24
