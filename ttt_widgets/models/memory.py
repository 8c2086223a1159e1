"""Memory and spacing: fitting forgetting curves to data, and a teaching model of massed against spaced study.

Pure logic with numpy only (no scipy, no widgets). The :class:`~ttt_widgets.views.memory.ForgettingCurve` widget
owns a :class:`SpacingModel`.

Sources
-------
- Ebbinghaus, H. (1885). *Über das Gedächtnis*. Leipzig: Duncker & Humblot. English: *Memory: A Contribution to
  Experimental Psychology*, trans. Ruger & Bussenius (1913), chapter 7. The savings data shipped as
  ``content/retention-data/ebbinghaus-1885.yaml``.
- Wixted, J. T. & Ebbesen, E. B. (1991). On the form of forgetting. *Psychological Science* 2(6), 409-415: a power
  function fits retention data better than an exponential.
- Murre, J. M. J. & Dros, J. (2015). Replication and analysis of Ebbinghaus' forgetting curve. *PLoS ONE* 10(7),
  e0120644.
- Wozniak, P. A. & Gorzelanczyk, E. J. (1994). Optimization of repetition spacing in the practice of learning.
  *Acta Neurobiologiae Experimentalis* 54, 59-62: memory described by retrievability ``R = exp(-t/S)`` and a
  stability ``S`` that grows at each review, more when the review comes later (lower ``R``).
- Cepeda, N. J., Pashler, H., Vul, E., Wixted, J. T. & Rohrer, D. (2006). Distributed practice in verbal recall
  tasks: a review and quantitative synthesis. *Psychological Bulletin* 132(3), 354-380 (the spacing effect).

>>> curve = fit_forgetting_curve([1, 10, 100], [50, 25, 12.5], model="power")
>>> round(curve.parameters["b"], 3), round(curve.r_squared, 6)
(0.301, 1.0)
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Sequence

from traitlets import Float, HasTraits, Int, List, TraitError, validate

__all__ = ["FittedCurve", "fit_forgetting_curve", "SpacingModel", "SpacingError", "MODELS", "ebbinghaus_data",
           "ebbinghaus_power_fit"]


class SpacingError(TraitError, ValueError):
    """A setting of the spacing model out of range (a TraitError that views show as a message)."""

#: the retention models that can be fitted: name -> formula (t in hours, retention in percent)
MODELS = {
    "power": "R(t) = a * t^(-b)",
    "exponential": "R(t) = a * exp(-t / s)",
}


def _formula(model: str, p: dict, t):
    import numpy as np

    t = np.asarray(t, dtype=float)
    if model == "power":
        return p["a"] * np.power(t, -p["b"])
    return p["a"] * np.exp(-t / p["s"])


@dataclass(frozen=True)
class FittedCurve:
    """A retention curve fitted to data by least squares (in percent, on the original scale).

    Attributes
    ----------
    model : str
        ``"power"`` (``R = a t^-b``) or ``"exponential"`` (``R = a exp(-t/s)``), t in hours.
    parameters : dict
        ``{"a", "b"}`` or ``{"a", "s"}``.
    r_squared : float
        1 - SS_residual / SS_total, computed on the percentages.
    rmse : float
        Root mean squared error, in percentage points.
    """

    model: str
    parameters: dict
    r_squared: float
    rmse: float
    hours: tuple = field(default=(), repr=False)
    retention: tuple = field(default=(), repr=False)

    @property
    def formula(self) -> str:
        return MODELS[self.model]

    def predict(self, hours: float | Sequence[float]):
        """Predicted retention (percent) at the given delays in hours; a float for a float, an array otherwise."""
        import numpy as np

        arr = np.asarray(hours, dtype=float)
        if np.any(arr <= 0) and self.model == "power":
            raise ValueError("the power model is defined for delays above 0 hours only")
        out = _formula(self.model, self.parameters, arr)
        return float(out) if out.ndim == 0 else out

    def describe(self) -> str:
        p = ", ".join(f"{k} = {v:.4g}" for k, v in self.parameters.items())
        return f"{self.model}: {self.formula} with {p}; R² = {self.r_squared:.3f}, RMSE = {self.rmse:.2f} points"


def _check_data(hours, retention):
    import numpy as np

    try:
        t = np.asarray(hours, dtype=float)
        r = np.asarray(retention, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("hours and retention must be numbers") from None
    if t.ndim != 1 or r.ndim != 1 or t.shape != r.shape:
        raise ValueError(f"hours and retention must be two lists of the same length (got {t.size} and {r.size})")
    if t.size < 3:
        raise ValueError("at least 3 points are needed to fit a curve with 2 parameters")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(r))):
        raise ValueError("hours and retention must be finite numbers")
    if np.any(t <= 0):
        raise ValueError("every delay must be above 0 hours")
    if np.any(r <= 0) or np.any(r > 100):
        raise ValueError("retention must be a percentage above 0 and at most 100")
    return t, r


def _gauss_newton(model, t, r, p0: dict, iterations: int = 200):
    """Levenberg-Marquardt least squares on the original scale (Marquardt 1963), started from a log-linear fit."""
    import numpy as np

    names = list(p0)
    theta = np.array([p0[n] for n in names], dtype=float)

    def resid(th):
        return r - _formula(model, dict(zip(names, th)), t)

    def jac(th):
        a, k = th
        if model == "power":
            f = np.power(t, -k)
            return np.column_stack([f, -a * f * np.log(t)])
        f = np.exp(-t / k)
        return np.column_stack([f, a * f * t / k**2])

    lam = 1e-3
    cost = float(resid(theta) @ resid(theta))
    for _ in range(iterations):
        J = jac(theta)
        res = resid(theta)
        A = J.T @ J
        g = J.T @ res
        step = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-12), g)
        trial = theta + step
        if model == "exponential" and trial[1] <= 0:
            lam *= 10
            continue
        new_cost = float(resid(trial) @ resid(trial))
        if new_cost < cost:
            done = abs(cost - new_cost) <= 1e-14 * max(cost, 1e-300) or np.all(np.abs(step) <= 1e-12 * (np.abs(theta) + 1e-12))
            theta, cost, lam = trial, new_cost, max(lam / 10, 1e-12)
            if done:
                break
        else:
            lam *= 10
            if lam > 1e12:
                break
    return dict(zip(names, (float(x) for x in theta)))


def fit_forgetting_curve(hours: Sequence[float], retention_percent: Sequence[float], model: str = "power") -> FittedCurve:
    """Fit a retention curve to data and report how well it fits.

    The parameters start from a straight-line fit on log scales (log R against log t for the power model, log R
    against t for the exponential) and are then refined by Levenberg-Marquardt least squares on the percentages
    themselves, so ``r_squared`` measures the fit on the scale the data were reported in.

    Parameters
    ----------
    hours : sequence of float
        Delays since learning, in hours (all above 0).
    retention_percent : sequence of float
        Retention (or Ebbinghaus's savings) at each delay, in percent (0 < R <= 100).
    model : {"power", "exponential"}
        ``R = a t^-b`` (Wixted & Ebbesen 1991) or ``R = a exp(-t/s)``.

    Examples
    --------
    >>> c = fit_forgetting_curve([1, 2, 4, 8], [80, 40, 20, 10], model="power")
    >>> round(c.parameters["a"], 2), round(c.parameters["b"], 2), round(c.predict(16), 2)
    (80.0, 1.0, 5.0)
    """
    import numpy as np

    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}")
    t, r = _check_data(hours, retention_percent)
    logr = np.log(r)
    if model == "power":
        slope, icpt = np.polyfit(np.log(t), logr, 1)
        p0 = {"a": float(np.exp(icpt)), "b": float(-slope)}
    else:
        slope, icpt = np.polyfit(t, logr, 1)
        p0 = {"a": float(np.exp(icpt)), "s": float(-1 / slope) if slope < 0 else float(t.max() * 10)}
    params = _gauss_newton(model, t, r, p0)
    pred = _formula(model, params, t)
    ss_res = float(np.sum((r - pred) ** 2))
    ss_tot = float(np.sum((r - r.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)
    return FittedCurve(model, params, r2, math.sqrt(ss_res / t.size), tuple(t.tolist()), tuple(r.tolist()))


def ebbinghaus_data() -> dict[str, Any]:
    """Ebbinghaus's (1885) savings data as packaged content: ``{"hours": [...], "savings_percent": [...], ...}``."""
    from ..loader import load_content

    data = load_content("retention-data", "ebbinghaus-1885")
    data["hours"] = [p["hours"] for p in data["points"]]
    data["savings_percent"] = [p["retention_percent"] for p in data["points"]]
    return data


@lru_cache(maxsize=1)
def ebbinghaus_power_fit() -> FittedCurve:
    """The power curve ``R = a t^-b`` (t in hours) fitted to Ebbinghaus's (1885) savings: a = 48.0, b = 0.130, R² 0.971."""
    data = ebbinghaus_data()
    return fit_forgetting_curve(data["hours"], data["savings_percent"], model="power")


class SpacingModel(HasTraits):
    """Retention over days for one study session followed by reviews, massed or spaced, on a power curve.

    Forgetting follows the power function fitted to Ebbinghaus's (1885) savings (:func:`ebbinghaus_power_fit`:
    ``R(t) = 48.0 * t^-0.130``, t in hours, R² = 0.971, where the exponential fits badly, R² = 0.397; Wixted &
    Ebbesen 1991). With no review the model gives Ebbinghaus's curve itself: 33% after a day, 20% after 31 days
    (his table: 33.7% and 21.1%). Each memory episode ``k`` (the first study, then each review) starts its own
    curve, ``R(t) = min(100%, a * (t_k / S_k)^-b)`` with ``t_k`` the hours since that episode; a review multiplies
    the time scale ``S`` by ``1 + min_boost + gain * (1 - R)``, where ``R`` is the retention just before it. A review
    while memory is fresh (massed, ``R`` near 100%) adds little (``min_boost``; over-learning helps briefly: Rohrer,
    D., Taylor, K., Pashler, H., Wixted, J. T. & Cepeda, N. J. (2005), "The effect of overlearning on long-term
    retention", *Applied Cognitive Psychology* 19(3)); a review after some forgetting adds more: the spacing
    effect (Cepeda et al. 2006). The forgetting curve is fitted; the review effect is illustrative, not fitted.

    Parameters
    ----------
    reviews : list of float
        Days of the spaced reviews after the first study (day 0).
    stability : float
        Time scale of the first memory, relative to Ebbinghaus's own (1 = his curve; 2 = forgets half as fast).
    gain : float
        How much a review at low retention stretches the time scale.

    Examples
    --------
    >>> m = SpacingModel(reviews=[1, 3, 7, 21])
    >>> round(m.retention_at(31, spaced=True), 2) > round(SpacingModel(reviews=[]).retention_at(31), 2)
    True
    >>> round(SpacingModel(reviews=[]).retention_at(31) * 100)
    20
    """

    reviews = List(Float(), help="Days of the spaced reviews after day 0, ascending.")
    stability = Float(1.0, help="Time scale of the first memory, relative to Ebbinghaus's curve (1 = his).")
    gain = Float(4.0, help="Time-scale multiplier per review: S *= 1 + min_boost + gain * (1 - R).")
    min_boost = Float(0.25, help="Time-scale gained by any review, even one made while memory is fresh.")
    horizon = Int(30, help="Days shown on the plot.")

    @validate("reviews")
    def _check_reviews(self, proposal):
        days = [float(d) for d in proposal["value"]]
        if any(d <= 0 or not math.isfinite(d) for d in days):
            raise SpacingError("review days must be numbers above 0")
        if len(days) > 20:
            raise SpacingError("at most 20 reviews")
        return sorted(days)

    @validate("stability")
    def _check_stability(self, proposal):
        v = proposal["value"]
        if not (0 < v <= 365):
            raise SpacingError(f"stability (the first memory's time scale) must be above 0 and at most 365, got {v}")
        return v

    @validate("gain")
    def _check_gain(self, proposal):
        v = proposal["value"]
        if not (0 <= v <= 50):
            raise SpacingError(f"gain must be between 0 and 50, got {v}")
        return v

    @validate("min_boost")
    def _check_min_boost(self, proposal):
        v = proposal["value"]
        if not (0 <= v <= 5):
            raise SpacingError(f"minimum boost must be between 0 and 5, got {v}")
        return v

    @validate("horizon")
    def _check_horizon(self, proposal):
        v = proposal["value"]
        if not (1 <= v <= 3650):
            raise SpacingError(f"horizon must be between 1 and 3650 days, got {v}")
        return v

    @property
    def curve_parameters(self) -> dict:
        """``{"a": ..., "b": ...}`` of the fitted power curve (a in percent, t in hours)."""
        return dict(ebbinghaus_power_fit().parameters)

    @property
    def formula(self) -> str:
        p = self.curve_parameters
        return f"R = {p['a']:.1f}% × t^-{p['b']:.3f} (t in hours)"

    def _r(self, hours: float, scale: float) -> float:
        """Retention (0-1) ``hours`` after an episode with time scale ``scale``."""
        if hours <= 0:
            return 1.0
        p = self.curve_parameters
        return min(1.0, p["a"] / 100 * (hours / scale) ** (-p["b"]))

    def review_days(self, spaced: bool = True) -> list[float]:
        """The review days: as chosen (spaced), or the same number crowded into day 0 (massed)."""
        return list(self.reviews) if spaced else [0.0] * len(self.reviews)

    def _states(self, spaced: bool):
        """(start day, time scale) of each memory episode."""
        s = self.stability
        segs = [(0.0, s)]
        last = 0.0
        for d in self.review_days(spaced):
            r = self._r((d - last) * 24, s)
            s = s * (1 + self.min_boost + self.gain * (1 - r))
            segs.append((d, s))
            last = d
        return segs

    def retention_at(self, day: float, spaced: bool = True) -> float:
        """Retention (0 to 1, Ebbinghaus's savings) on ``day``."""
        segs = self._states(spaced)
        start, s = segs[0]
        for st, stab in segs:
            if st <= day:
                start, s = st, stab
        return self._r((day - start) * 24, s)

    def curve(self, spaced: bool = True, points: int = 300):
        """Days and retention (0-1) arrays for plotting."""
        import numpy as np

        days = np.linspace(0, self.horizon, points)
        days = np.unique(np.concatenate([days, [d for d in self.reviews if d <= self.horizon]]))
        return days, np.array([self.retention_at(float(d), spaced) for d in days])

    def final_stability(self, spaced: bool = True) -> float:
        return self._states(spaced)[-1][1]
