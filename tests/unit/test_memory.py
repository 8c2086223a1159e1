"""Forgetting-curve fits and the spacing model, checked against values worked out by hand and Ebbinghaus (1885)."""

import math

import numpy as np
import pytest
from traitlets import TraitError

from ttt_widgets import fit_forgetting_curve
from ttt_widgets.loader import load_content
from ttt_widgets.models.memory import SpacingModel, ebbinghaus_data, ebbinghaus_power_fit, fit_forgetting_curve

HOURS = [0.5, 1, 2, 4, 8, 16, 48]


def test_power_fit_recovers_the_parameters_of_exact_data():
    a, b = 60.0, 0.35
    data = [a * t ** -b for t in HOURS]
    c = fit_forgetting_curve(HOURS, data, model="power")
    assert c.parameters["a"] == pytest.approx(a, rel=1e-6)
    assert c.parameters["b"] == pytest.approx(b, rel=1e-6)
    assert c.r_squared == pytest.approx(1.0, abs=1e-9)
    assert c.predict(100) == pytest.approx(a * 100 ** -b, rel=1e-6)


def test_exponential_fit_recovers_the_parameters_of_exact_data():
    a, s = 95.0, 12.0
    data = [a * math.exp(-t / s) for t in HOURS]
    c = fit_forgetting_curve(HOURS, data, model="exponential")
    assert c.parameters["a"] == pytest.approx(a, rel=1e-6)
    assert c.parameters["s"] == pytest.approx(s, rel=1e-6)
    assert c.rmse == pytest.approx(0, abs=1e-6)


def test_r_squared_is_one_minus_residual_over_total_sum_of_squares():
    hours, data = [1, 2, 3, 5, 8], [70, 52, 47, 40, 30]
    c = fit_forgetting_curve(hours, data, model="exponential")
    pred = c.predict(hours)
    y = np.array(data, dtype=float)
    expected = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
    assert c.r_squared == pytest.approx(expected)
    assert isinstance(c.predict(2.0), float) and c.predict([1, 2]).shape == (2,)


def test_least_squares_is_a_minimum():
    """Nudging any fitted parameter makes the squared error larger."""
    hours, data = [1, 2, 3, 5, 8], [70, 52, 47, 40, 30]
    for model in ("power", "exponential"):
        c = fit_forgetting_curve(hours, data, model=model)
        base = np.sum((np.array(data) - c.predict(hours)) ** 2)
        for k in c.parameters:
            for f in (0.99, 1.01):
                p = dict(c.parameters, **{k: c.parameters[k] * f})
                other = type(c)(model, p, 0, 0)
                assert np.sum((np.array(data) - other.predict(hours)) ** 2) > base


def test_ebbinghaus_data_is_shipped_with_its_citation():
    data = load_content("retention-data", "ebbinghaus-1885")
    assert "Ebbinghaus" in data["citation"] and "1885" in data["citation"]
    pts = {p["delay"]: p["retention_percent"] for p in data["points"]}
    # Ebbinghaus (1885), chapter 7, section 29: savings after 20 minutes and after 31 days
    assert pts["20 minutes"] == 58.2 and pts["31 days"] == 21.1
    assert len(pts) == 7


def test_power_fits_ebbinghaus_better_than_exponential():
    """Wixted & Ebbesen (1991): forgetting follows a power function rather than an exponential."""
    d = ebbinghaus_data()
    power = fit_forgetting_curve(d["hours"], d["savings_percent"], "power")
    expo = fit_forgetting_curve(d["hours"], d["savings_percent"], "exponential")
    assert power.r_squared > 0.95
    assert power.r_squared > expo.r_squared + 0.3
    assert 0 < power.parameters["b"] < 0.3  # a shallow power law
    assert "R²" in power.describe()


@pytest.mark.parametrize("hours, ret, model, message", [
    ([1, 2], [50, 40], "power", "at least 3"),
    ([1, 2, 3], [50, 40], "power", "same length"),
    ([0, 1, 2], [60, 50, 40], "power", "above 0 hours"),
    ([-1, 1, 2], [60, 50, 40], "exponential", "above 0 hours"),
    ([1, 2, 3], [60, 150, 40], "power", "percentage"),
    ([1, 2, 3], [60, -5, 40], "power", "percentage"),
    ([1, "x", 3], [60, 50, 40], "power", "numbers"),
    ([1, 2, float("nan")], [60, 50, 40], "power", "finite"),
    ([1, 2, 3], [60, 50, 40], "hyperbolic", "unknown model"),
])
def test_bad_data_is_refused_with_a_message(hours, ret, model, message):
    with pytest.raises(ValueError, match=message):
        fit_forgetting_curve(hours, ret, model)


def test_power_model_refuses_zero_delay_in_predict():
    c = fit_forgetting_curve([1, 2, 4], [50, 40, 30])
    with pytest.raises(ValueError, match="above 0"):
        c.predict(0)


def test_spacing_model_by_hand():
    m = SpacingModel(reviews=[1], stability=1.0, gain=4.0, min_boost=0.25)
    a, b = m.curve_parameters["a"] / 100, m.curve_parameters["b"]
    r = a * 24 ** (-b)  # retention just before the review on day 1 (24 hours)
    s1 = 1.0 * (1 + 0.25 + 4 * (1 - r))
    assert m.retention_at(0.5) == pytest.approx(a * 12 ** (-b))
    assert m.retention_at(3) == pytest.approx(a * (48 / s1) ** (-b))
    assert m.final_stability() == pytest.approx(s1)
    # massed: the same review on day 0 only earns the minimum boost
    assert m.final_stability(spaced=False) == pytest.approx(1.25)
    assert m.retention_at(3, spaced=False) == pytest.approx(a * (72 / 1.25) ** (-b))
    assert m.retention_at(0) == 1.0


def test_the_model_is_the_power_curve_fitted_to_ebbinghaus():
    fit = ebbinghaus_power_fit()
    assert fit.model == "power" and fit.r_squared > 0.95
    exponential = fit_forgetting_curve(ebbinghaus_data()["hours"], ebbinghaus_data()["savings_percent"], "exponential")
    assert exponential.r_squared < 0.5  # why the kit does not use it
    once = SpacingModel(reviews=[])
    for point in ebbinghaus_data()["points"]:
        assert once.retention_at(point["hours"] / 24) * 100 == pytest.approx(point["retention_percent"], abs=4)
    assert "48.0" in once.formula and "0.130" in once.formula


def test_presets_agree_with_ebbinghaus_table():
    """Issue: 'next day only' showed 0% at day 30 while his data show 21.1% at 31 days."""
    from ttt_widgets.loader import load_content

    at_31_days = 21.1
    for preset in load_content("spacing-schedules", "presets")["schedules"]:
        m = SpacingModel(reviews=preset["days"])
        assert m.retention_at(31, spaced=True) * 100 >= at_31_days - 1.5, preset["name"]
        assert m.retention_at(31, spaced=False) * 100 >= at_31_days - 1.5, preset["name"]
    assert SpacingModel(reviews=[]).retention_at(31) * 100 == pytest.approx(at_31_days, abs=1.5)


def test_spaced_beats_massed_and_curve_matches_pointwise():
    m = SpacingModel(reviews=[1, 3, 7, 21], horizon=30)
    assert m.retention_at(30, True) > 0.4 > 0.3 > m.retention_at(30, False)
    days, ret = m.curve(True, points=50)
    for d, r in zip(days[::7], ret[::7]):
        assert r == pytest.approx(m.retention_at(d, True))
    assert days[0] == 0 and days[-1] == 30 and 21 in days


@pytest.mark.parametrize("trait, value", [("reviews", [-1]), ("reviews", [0]), ("stability", 0), ("gain", -1),
                                          ("horizon", 0), ("reviews", list(range(1, 30)))])
def test_spacing_model_validates(trait, value):
    m = SpacingModel(reviews=[1, 3])
    with pytest.raises(TraitError):
        setattr(m, trait, value)
    assert m.reviews == [1.0, 3.0]
