"""The ForgettingCurve widget: retention over days for massed study against spaced reviews."""

from __future__ import annotations

from typing import Any, Sequence

import ipywidgets as widgets

from ..loader import load_content
from ..models.memory import SpacingModel, ebbinghaus_data
from ..plots import PALETTE, figure_html, fixed_margins, new_figure
from ._common import guarded

__all__ = ["ForgettingCurve"]

_CUSTOM = "Custom (use the sliders)"
_MAX_REVIEWS = 4


class ForgettingCurve(widgets.VBox):
    """Retention after one study session and a few reviews: spaced on chosen days, or massed on day 0.

    Move the review sliders (0 = no review) or choose a preset such as 1-3-7-21 days; the plot and the retention
    on the last day update at once. The model is :class:`~ttt_widgets.models.memory.SpacingModel`.

    Parameters
    ----------
    reviews : sequence of float, optional
        Initial review days (at most 4).
    preset : str, optional
        Name of a packaged schedule (``content/spacing-schedules/presets.yaml``).

    Examples
    --------
    >>> w = ForgettingCurve(reviews=[1, 3, 7, 21])
    >>> w.set_reviews([2, 9]); w.model.reviews
    [2.0, 9.0]
    """

    def __init__(self, reviews: Sequence[float] | None = None, preset: str | None = None, **kwargs: Any) -> None:
        self.schedules = {s["name"]: s for s in load_content("spacing-schedules", "presets")["schedules"]}
        first = next(iter(self.schedules.values()))
        self.model = SpacingModel(reviews=list(reviews) if reviews is not None else first["days"])
        self._hold = False
        self._build()
        super().__init__(children=[self._title, self._preset, self._sliders, self._params, self._plot, self._summary,
                                   self._source, self._status], **kwargs)
        self.add_class("ttt-forgetting-curve")
        self._wire()
        if preset is not None:
            self.use_preset(preset)
        else:
            self._sync_widgets()
            self.redraw()

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Forgetting: massed study against spaced reviews</h3>")
        self._preset = widgets.Dropdown(options=[_CUSTOM, *self.schedules], value=_CUSTOM, description="Schedule",
                                        layout=widgets.Layout(width="420px"))
        style = {"description_width": "initial"}  # labels in full ("Review 1 (day)", not "Review 1 (d...")
        self._review = [widgets.IntSlider(value=0, min=0, max=60, description=f"Review {i + 1} (day)", style=style,
                                          continuous_update=False, layout=widgets.Layout(width="420px"))
                        for i in range(_MAX_REVIEWS)]
        self._sliders = widgets.VBox(self._review)
        self._stability = widgets.FloatSlider(value=self.model.stability, min=0.5, max=10, step=0.5,
                                              description="First memory (x Ebbinghaus)", style=style,
                                              continuous_update=False)
        self._gain = widgets.FloatSlider(value=self.model.gain, min=0, max=10, step=0.5, description="Spacing gain",
                                         style=style, continuous_update=False)
        self._horizon = widgets.IntSlider(value=self.model.horizon, min=7, max=180, description="Days shown",
                                          style=style, continuous_update=False)
        self._params = widgets.HBox([self._stability, self._gain, self._horizon], layout=widgets.Layout(flex_flow="row wrap"))
        self._plot = widgets.HTML()
        self._summary = widgets.HTML()
        self._source = widgets.HTML(
            f"<small>Model: the power curve {self.model.formula} fitted to Ebbinghaus's (1885) savings "
            "(R² 0.971; an exponential fits them badly, R² 0.397). Each review starts a new curve whose time scale "
            "grows more when the review comes after some forgetting (the spacing effect, Cepeda et al. 2006). The "
            "forgetting curve is fitted; the size of the review effect is illustrative.</small>")
        self._status = widgets.HTML()

    def _wire(self) -> None:
        for s in self._review:
            s.observe(self._on_review, names="value")
        self._preset.observe(self._on_preset, names="value")
        for w, name in ((self._stability, "stability"), (self._gain, "gain"), (self._horizon, "horizon")):
            w.observe(lambda change, name=name: self._on_param(name, change["new"]), names="value")

    def _sync_widgets(self) -> None:
        self._hold = True
        try:
            days = list(self.model.reviews) + [0] * (_MAX_REVIEWS - len(self.model.reviews))
            for s, d in zip(self._review, days):
                s.value = int(round(d))
            self._stability.value = self.model.stability
            self._gain.value = self.model.gain
            self._horizon.value = self.model.horizon
        finally:
            self._hold = False

    def _on_review(self, change) -> None:
        if self._hold:
            return
        self._hold = True
        self._preset.value = _CUSTOM
        self._hold = False
        self.set_reviews([s.value for s in self._review if s.value > 0])

    def _on_preset(self, change) -> None:
        if not self._hold and change["new"] != _CUSTOM:
            self.use_preset(change["new"])

    def _on_param(self, name: str, value) -> None:
        if not self._hold:
            self.set(**{name: value})

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def set_reviews(self, days: Sequence[float]) -> None:
        """Review on these days (at most 4; 0 or none = study once only)."""
        days = [d for d in days]
        if len(days) > _MAX_REVIEWS:
            raise ValueError(f"at most {_MAX_REVIEWS} reviews can be shown")
        self.model.reviews = [float(d) for d in days]
        self._sync_widgets()
        self.redraw()

    @guarded()
    def use_preset(self, name: str) -> None:
        """Use one of the packaged schedules by name."""
        if name not in self.schedules:
            raise ValueError(f"no schedule named {name!r} (available: {', '.join(self.schedules)})")
        self.model.reviews = list(self.schedules[name]["days"])
        self._sync_widgets()
        self._hold = True
        self._preset.value = name
        self._hold = False
        self.redraw()

    @guarded()
    def set(self, **params: float) -> None:
        """Change ``stability``, ``gain`` or ``horizon``; a bad value is refused and the last good one kept."""
        for k in params:
            if k not in ("stability", "gain", "horizon", "min_boost"):
                raise ValueError(f"unknown setting {k!r}")
        old = {k: getattr(self.model, k) for k in params}
        try:
            for k, v in params.items():
                setattr(self.model, k, v)
        except ValueError:
            for k, v in old.items():
                setattr(self.model, k, v)
            self._sync_widgets()
            raise
        self._sync_widgets()
        self.redraw()

    def retention(self, day: float | None = None) -> dict[str, float]:
        """Retention (0-1) on ``day`` (default: the last day shown), spaced and massed."""
        day = self.model.horizon if day is None else day
        return {"spaced": self.model.retention_at(day, True), "massed": self.model.retention_at(day, False)}

    def redraw(self) -> None:
        m = self.model
        fig, ax = new_figure(6.4, 3.4)
        fixed_margins(fig, left=0.1, bottom=0.14, top=0.9)
        d1, r1 = m.curve(spaced=True)
        d0, r0 = m.curve(spaced=False)
        ax.plot(d0, r0 * 100, color=PALETTE[5], linestyle="--", linewidth=2,
                label=f"massed: {len(m.reviews)} review(s) on day 0")
        ax.plot(d1, r1 * 100, color=PALETTE[0], linewidth=2,
                label="spaced: reviews on day " + ", ".join(f"{d:g}" for d in m.reviews) if m.reviews else "study once")
        for d in m.reviews:
            if d <= m.horizon:
                ax.axvline(d, color=PALETTE[0], alpha=0.25, linewidth=1)
        ax.set_xlim(0, m.horizon)
        ax.set_ylim(0, 105)
        data = ebbinghaus_data()
        ax.scatter([h / 24 for h in data["hours"]], data["savings_percent"], color="black", marker="o", s=18,
                   zorder=3, label="Ebbinghaus 1885 (no review)")
        ax.set_title(f"Power model {m.formula}, fitted to Ebbinghaus", fontsize=9, loc="left")
        ax.set_xlabel("days after the first study")
        ax.set_ylabel("retention (savings, %)")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
        ax.grid(alpha=0.3)
        ret = self.retention()
        alt = (f"Retention over {m.horizon} days on a power model fitted to Ebbinghaus's data: spaced reviews end "
               f"at {ret['spaced']:.0%}, massed study at {ret['massed']:.0%}.")
        self._plot.value = figure_html(fig, alt)
        self._summary.value = (f"<b>On day {m.horizon}:</b> spaced {ret['spaced']:.0%}, massed {ret['massed']:.0%} "
                               "retention (Ebbinghaus's savings measure).")
        self._status.value = ""
