"""The ParticipationTracker widget driven from Python."""

import ipywidgets as widgets

from ttt_widgets import ParticipationTracker


def test_names_make_one_button_each_and_clicks_count():
    t = ParticipationTracker("Ana, Ben\nChloé", seed=1)
    buttons = t._buttons.children
    assert [b.description for b in buttons] == ["Ana (0)", "Ben (0)", "Chloé (0)"]
    buttons[0].click()
    t._kind.value = "question"
    buttons[0].click()
    assert t.model.counts() == {"Ana": 2, "Ben": 0, "Chloé": 0}
    assert t.model.counts("question")["Ana"] == 1
    assert t._buttons.children[0].description == "Ana (2)"
    assert "2</b> contributions" in t._metrics.value
    # the chart is HTML bars (text that grows with ?large), stacked by kind: Ana's question and comment
    assert "<img" not in t._plot.value and t._plot.value.count("ttt-bar-row") == 3
    assert "Ana: 1/0/1" in t._plot.value and "Ben: 0/0/0" in t._plot.value


def test_the_empty_chart_says_what_to_do():
    t = ParticipationTracker("Ana, Ben")
    assert "Nobody has been heard yet: click a name" in t._plot.value and "ttt-bar-row" not in t._plot.value
    t._buttons.children[1].click()
    assert "Nobody has been heard yet" not in t._plot.value and "Ben: 0/0/1" in t._plot.value


def test_typing_names_and_pressing_set():
    t = ParticipationTracker()
    assert t.model is None and t._buttons.children == ()
    t.record("Ana")
    assert "set the participants first" in t._status.value
    t._names.value = "Ana; Ben"
    t._set_btn.click()
    assert t.model.names == ["Ana", "Ben"] and len(t._buttons.children) == 2


def test_nudge_when_equity_drops_names_the_silent():
    t = ParticipationTracker(["Ana", "Ben", "Chloé", "Dev"], threshold=0.6)
    for _ in range(4):
        t.record("Ana")
    assert "Nudge" in t._nudge.value and "Ben, Chloé, Dev" in t._nudge.value
    for name in ("Ben", "Chloé", "Dev", "Ben", "Chloé", "Dev", "Ben", "Chloé", "Dev"):
        t.record(name)
    assert t._nudge.value == ""


def test_bad_names_keep_the_previous_log():
    t = ParticipationTracker("Ana, Ben")
    t.record("Ana")
    for bad, message in [("", "empty"), ("Ana, ana", "twice"), ("Ana, 🙂", "emoji"), ("<script>x</script>", "&lt; or &gt;")]:
        t.set_names(bad)
        assert message in t._status.value
        assert t.model.names == ["Ana", "Ben"] and t.model.counts()["Ana"] == 1
        assert "<script>" not in t._status.value


def test_pick_shows_a_name_and_undo_removes_a_click():
    t = ParticipationTracker("Ana, Ben, Chloé", seed=4)
    picked = {t.pick() for _ in range(3)}
    assert picked == {"Ana", "Ben", "Chloé"} and t._picked.value in picked
    t._pick_btn.click()
    assert t._picked.value in picked
    t.record("Ben", talk_seconds=30)
    t._undo_btn.click()
    assert t.model.counts()["Ben"] == 0


def test_bad_talk_time_is_refused():
    t = ParticipationTracker("Ana")
    t.record("Ana", talk_seconds=-5)
    assert "talk time" in t._status.value and t.model.counts()["Ana"] == 0
    assert isinstance(t._talk, widgets.BoundedFloatText)


def test_no_gini_of_talk_time_when_no_talk_time_was_entered():
    """Issue: "Gini of talk time 0.00" was shown when no talk time was entered (0.00 reads as perfect equality)."""
    from ttt_widgets import ParticipationTracker

    t = ParticipationTracker(["Ana", "Ben", "Cy"])
    t.record("Ana")
    t.record("Ben")
    assert "talk time not recorded" in t._metrics.value and "Gini of talk time" not in t._metrics.value
    t.record("Cy", talk_seconds=40)
    assert "Gini of talk time 0.67" in t._metrics.value


def test_buttons_fit_their_labels():
    from ttt_widgets import ParticipationTracker

    t = ParticipationTracker()
    for button in (t._set_btn, t._undo_btn, t._pick_btn):
        assert button.layout.width == "auto", button.description
