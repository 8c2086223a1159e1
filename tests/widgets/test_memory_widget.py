"""The ForgettingCurve widget driven from Python."""

import pytest

from ttt_widgets import ForgettingCurve


def test_builds_with_a_plot_and_a_summary():
    w = ForgettingCurve()
    assert w.model.reviews == [1.0, 3.0, 7.0, 21.0]
    assert [s.value for s in w._review] == [1, 3, 7, 21]
    assert w._plot.value.startswith("<img") and "alt=" in w._plot.value
    assert "On day 30" in w._summary.value
    assert "ttt-forgetting-curve" in w._dom_classes
    assert "power curve R = 48.0%" in w._source.value and "Ebbinghaus" in w._plot.value


def test_review_slider_labels_are_shown_in_full():
    """Issue: the labels were cut to "Review 1 (d..." by a fixed 90px label width."""
    w = ForgettingCurve()
    for s in w._review + [w._stability, w._gain, w._horizon]:
        assert s.style.description_width in ("initial", "") or int(s.style.description_width.rstrip("px")) >= 7 * len(s.description)


def test_next_day_only_agrees_with_ebbinghaus_at_a_month():
    w = ForgettingCurve(preset="Next day only")
    assert w.retention(30)["massed"] > 0.19 and w.retention(30)["spaced"] > w.retention(30)["massed"]


def test_moving_a_slider_updates_the_model_and_the_plot():
    w = ForgettingCurve()
    before = w._plot.value
    w._review[3].value = 0  # drop the last review
    assert w.model.reviews == [1.0, 3.0, 7.0]
    assert w._preset.value.startswith("Custom")
    assert w._plot.value != before
    ret = w.retention()
    assert f"{ret['spaced']:.0%}" in w._summary.value


def test_presets_set_the_sliders():
    w = ForgettingCurve()
    name = "7-14-21-28 days (equal)"
    w._preset.value = name
    assert w.model.reviews == [7.0, 14.0, 21.0, 28.0]
    assert [s.value for s in w._review] == [7, 14, 21, 28]
    w2 = ForgettingCurve(preset="Next day only")
    assert w2.model.reviews == [1.0] and [s.value for s in w2._review] == [1, 0, 0, 0]


def test_parameter_sliders_change_the_curve():
    w = ForgettingCurve(reviews=[2, 5])
    low = w.retention()["spaced"]
    w._stability.value = 4.0
    assert w.model.stability == 4.0 and w.retention()["spaced"] > low
    w._horizon.value = 60
    assert "On day 60" in w._summary.value


@pytest.mark.parametrize("call, message", [
    (lambda w: w.set(stability=-1), "stability"),
    (lambda w: w.set(gain=99), "gain"),
    (lambda w: w.set(colour=1), "unknown setting"),
    (lambda w: w.set_reviews([1, 2, 3, 4, 5]), "at most 4"),
    (lambda w: w.set_reviews([-3]), "above 0"),
    (lambda w: w.use_preset("no such"), "no schedule"),
])
def test_bad_input_gives_a_message_and_keeps_the_state(call, message):
    w = ForgettingCurve(reviews=[1, 3])
    state = (list(w.model.reviews), w.model.stability, w.model.gain)
    assert call(w) is None  # no exception escapes
    assert message in w._status.value and "Please check" in w._status.value
    assert (list(w.model.reviews), w.model.stability, w.model.gain) == state
    assert w._stability.value == state[1]


def test_the_chart_names_its_model_and_shows_ebbinghaus_points(monkeypatch):
    """Issue: the chart used an exponential model without saying so; now the power model is named on it."""
    import ttt_widgets.views.memory as view

    seen = []
    real = view.figure_html
    monkeypatch.setattr(view, "figure_html", lambda fig, alt: seen.append(fig) or real(fig, alt))
    ForgettingCurve(preset="Next day only")
    ax = seen[-1].axes[0]
    assert ax.get_title(loc="left") == "Power model R = 48.0% × t^-0.130 (t in hours), fitted to Ebbinghaus"
    labels = ax.get_legend_handles_labels()[1]
    assert "Ebbinghaus 1885 (no review)" in labels
    points = next(c for c in ax.collections if c.get_offsets().shape[0] == 7).get_offsets()
    assert points[-1][1] == 21.1  # his 31-day savings, plotted beside the model
