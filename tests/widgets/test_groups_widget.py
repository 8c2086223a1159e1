"""The GroupMaker widget driven from Python."""

from ttt_widgets import GroupMaker


def test_rounds_of_groups_without_repeats():
    g = GroupMaker("A, B, C, D", size=2, seed=0)
    assert "4 people in 2 groups of 2" in g._status.value
    for n in range(1, 4):
        g._round_btn.click()
        assert g._report.value.startswith(f"Round {n}: nobody")
        assert g._groups.value.count("<b>Group") == 2
    g.make_round()
    assert "2 pair(s) have already worked together" in g._report.value


def test_typed_names_size_and_seed():
    g = GroupMaker()
    assert g.make_round() is None and "names first" in g._status.value
    g._names.value = "Ana\nBen\nCy\nDi\nEd"
    g._size.value = 2
    g._seed.value = "7"
    g._set_btn.click()
    assert g.model.sizes == [2, 2, 1] and g.model.seed == 7
    first = g.make_round()
    again = GroupMaker("Ana, Ben, Cy, Di, Ed", size=2, seed=7).make_round()
    assert first == again


def test_names_are_escaped_in_the_cards():
    g = GroupMaker(["Zoë & Co", "Ana"], size=2, seed=1, large=True)
    g.make_round()
    assert "Zoë &amp; Co" in g._groups.value and "font-size:1.8em" in g._groups.value


def test_bad_input_keeps_the_previous_groups():
    g = GroupMaker("Ana, Ben, Cy", size=2, seed=1)
    g.make_round()
    shown = g._groups.value
    for names, size, message in [("", 2, "empty"), ("Ana, Ana", 2, "twice"), ("Ana, Ben", 0, "at least 1")]:
        g.set_names(names, size=size)
        assert message in g._status.value
        assert g.model.names == ["Ana", "Ben", "Cy"] and g._groups.value == shown
    g._seed.value = "abc"
    g._set_btn.click()
    assert "seed must be a whole number" in g._status.value and g.model.names == ["Ana", "Ben", "Cy"]
