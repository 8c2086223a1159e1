"""A chooser whose list is read again (the dashboards' session and assignment lists, the live room's questions)
keeps the lead's pick, reaches the page in one update, and its observers hear only real picks."""

import ipywidgets as widgets

from ttt_widgets import on_pick, replace_options


def _sent(choice):
    """The state updates the widget sends to the page, recorded."""
    sent = []
    choice.send_state = lambda key=None: sent.append(key)
    return sent


def test_the_pick_stays_when_the_list_grows_and_observers_hear_nothing_in_passing():
    choice = widgets.Dropdown(options=[("Morning", "A"), ("Afternoon", "B")], value="B")
    heard = []
    on_pick(choice, heard.append)
    sent = _sent(choice)
    replace_options(choice, [("Evening", "C"), ("Morning", "A"), ("Afternoon", "B")])
    assert choice.value == "B" and heard == []  # a new list alone would have picked "C"
    assert len(sent) == 1  # one update of the page, with the list and the kept pick together
    choice.value = "C"
    assert heard == ["C"]  # a real pick is heard


def test_a_pick_no_longer_offered_falls_back_to_the_first_or_the_last():
    choice = widgets.Dropdown(options=["00-warmup", "01-objectives"], value="00-warmup")
    replace_options(choice, ["01-objectives", "02-questions"], fallback="last")
    assert choice.value == "02-questions"
    replace_options(choice, ["03-lesson", "04-needs"])
    assert choice.value == "03-lesson"
    replace_options(choice, [])
    assert choice.value is None and choice.options == ()
