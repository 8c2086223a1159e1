"""The CascadePlanner widget: a train-the-trainer cascade on sliders, its reach and fidelity, and the solver."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..loader import list_content, load_content
from ..models.cascade import MAX_LEVELS, Cascade, CascadeSolution, solve_cascade
from ..plots import PALETTE, ChartColumn, rows_chart_html
from ._common import esc, guarded, message_html, status

__all__ = ["CascadePlanner"]

_CUSTOM = "(your own plan)"


class CascadePlanner(widgets.VBox):
    """Plan a cascade: master trainers, levels, trainers and learners per trainer, fidelity, cost.

    The chart shows, level by level, the learners reached and the fidelity delivered (:func:`cascade_chart_html`,
    text that grows with a projected page's large type); the solver
    finds the fewest master trainers (or levels) that reach a target by a deadline with enough fidelity, and says
    plainly when no plan can. The model is :class:`~ttt_widgets.models.cascade.Cascade`.

    Parameters
    ----------
    plan : Cascade, dict or str, optional
        A plan, its settings, or the name of a packaged preset (``content/cascade-presets/``).

    Examples
    --------
    >>> w = CascadePlanner("district-teachers")
    >>> w.model.result().total_learners
    10080
    >>> w.solve(20000, 8, 0.6).plan.master_trainers
    16

    With a programme's measured retention (:func:`~ttt_widgets.models.fidelity.estimate_retention`),
    ``use_measured(estimate)`` plots measured dilution with its interval and warns when a level falls, or may fall,
    below the lowest fidelity accepted; ``use_measured(None)`` goes back to the assumed values.
    """

    def __init__(self, plan: Cascade | dict | str | None = None, **kwargs: Any) -> None:
        self.presets = {name: load_content("cascade-presets", name) for name in list_content("cascade-presets")}
        self.model = Cascade()
        self.solution: CascadeSolution | None = None
        self._hold = False
        self._build()
        super().__init__(children=[self._title, self._preset_row, self._controls, self._plot, self._table,
                                   self._target_box, self._answer, self._status], **kwargs)
        self.add_class("ttt-cascade-planner")
        self._wire()
        if isinstance(plan, str):
            self.load_preset(plan)
        else:
            if plan is not None:
                self.model = plan if isinstance(plan, Cascade) else Cascade.from_dict(plan)
            self._sync_widgets()
            self.redraw()

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        st = {"description_width": "14em"}  # em: the column grows with the page's type (?large)
        lay = widgets.Layout(width="30em")
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Train-the-trainer cascade planner</h3>")
        self._preset = widgets.Dropdown(options=[_CUSTOM, *self.presets], value=_CUSTOM, description="Example",
                                        layout=widgets.Layout(width="30em"))
        self._preset_note = widgets.HTML()
        self._preset_row = widgets.VBox([self._preset, self._preset_note])
        W = {
            "master_trainers": widgets.BoundedIntText(min=1, max=100_000, description="Master trainers", style=st, layout=lay),
            "levels": widgets.IntSlider(min=1, max=MAX_LEVELS, description="Levels below the masters", style=st, layout=lay, continuous_update=False),
            "trainers_per_trainer": widgets.IntSlider(min=1, max=30, description="Trainers per trainer", style=st, layout=lay, continuous_update=False),
            "learners_per_trainer": widgets.IntSlider(min=0, max=200, description="Learners per trainer", style=st, layout=lay, continuous_update=False),
            "months_per_level": widgets.IntSlider(min=1, max=24, description="Months per level", style=st, layout=lay, continuous_update=False),
            "fidelity_per_level": widgets.FloatSlider(min=0.3, max=1.0, step=0.01, description="Fidelity kept per level", style=st, layout=lay, continuous_update=False),
            "fidelity_with_coaching": widgets.FloatSlider(min=0.3, max=1.0, step=0.01, description="... with coaching", style=st, layout=lay, continuous_update=False),
            "coaching": widgets.Checkbox(description="Coaching and refreshers for every trainer", indent=False),
            "training_days": widgets.BoundedFloatText(min=0, max=365, step=0.5, description="Training days per trainer", style=st, layout=lay),
            "coaching_days": widgets.BoundedFloatText(min=0, max=365, step=0.5, description="Coaching days per trainer", style=st, layout=lay),
            "cost_per_trainer_day": widgets.BoundedFloatText(min=0, max=1e7, step=10, description="Cost per trainer day", style=st, layout=lay),
        }
        self._w = W
        left = widgets.VBox([W[k] for k in ("master_trainers", "levels", "trainers_per_trainer", "learners_per_trainer", "months_per_level")])
        right = widgets.VBox([W[k] for k in ("fidelity_per_level", "fidelity_with_coaching", "coaching", "training_days", "coaching_days", "cost_per_trainer_day")])
        self._controls = widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap"))
        self._plot = widgets.HTML()
        self._table = widgets.HTML()
        self._target = widgets.BoundedIntText(value=10_000, min=1, max=10**9, description="Learners to reach", style=st, layout=lay)
        self._deadline = widgets.BoundedIntText(value=12, min=1, max=1200, description="Deadline (months)", style=st, layout=lay)
        self._min_fid = widgets.FloatSlider(value=0.6, min=0.05, max=1.0, step=0.01, description="Lowest fidelity accepted", style=st, layout=lay, continuous_update=False)
        self._vary = widgets.ToggleButtons(options=[("fewest master trainers", "master_trainers"), ("fewest levels", "levels")],
                                           value="master_trainers", description="Find the", style={"description_width": "initial"})
        self._solve_btn = widgets.Button(description="Find a plan", button_style="primary", tooltip="Run the solver")
        self._apply_btn = widgets.Button(description="Use this plan", disabled=True, tooltip="Put the solver's plan on the sliders")
        self._target_box = widgets.VBox([widgets.HTML("<b>Target</b>"), self._target, self._deadline, self._min_fid,
                                         self._vary, widgets.HBox([self._solve_btn, self._apply_btn])])
        self._answer = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        for w in self._w.values():
            w.observe(self._on_control, names="value")
        self._preset.observe(self._on_preset, names="value")
        self._min_fid.observe(lambda _: None if self._hold else self.redraw(), names="value")  # moves the warning too
        self._solve_btn.on_click(lambda _: self.solve())
        self._apply_btn.on_click(lambda _: self.apply_solution())

    def _sync_widgets(self) -> None:
        self._hold = True
        try:
            for k, w in self._w.items():
                v = getattr(self.model, k)
                if isinstance(w, widgets.IntSlider) and v > w.max:
                    w.max = v
                w.value = v
        finally:
            self._hold = False

    def _on_control(self, change) -> None:
        if self._hold:
            return
        self._hold = True
        self._preset.value = _CUSTOM
        self._preset_note.value = ""
        self._hold = False
        self.set(**{k: w.value for k, w in self._w.items()})

    def _on_preset(self, change) -> None:
        if not self._hold and change["new"] != _CUSTOM:
            self.load_preset(change["new"])

    # -- actions -------------------------------------------------------------------------------------------------
    def set(self, **settings: Any) -> Cascade | None:
        """Change settings of the plan (e.g. ``levels=3``); bad values get a message and the last good plan stays."""
        try:
            plan = self.model.replace(**settings)
        except (ValueError, TypeError) as exc:
            status(self._status, str(exc), "error", "Please check:")
            self._sync_widgets()
            return None
        self.model = plan
        self._sync_widgets()
        self.redraw()
        return plan

    @guarded()
    def load_preset(self, name: str) -> Cascade:
        """Load a packaged example plan (and its target)."""
        if name not in self.presets:
            raise ValueError(f"no example named {name!r} (available: {', '.join(self.presets)})")
        data = self.presets[name]
        self.model = Cascade.from_dict(data["plan"])
        self._hold = True
        self._preset.value = name
        if "target" in data:
            t = data["target"]
            self._target.value, self._deadline.value, self._min_fid.value = t["learners"], t["deadline_months"], t["min_fidelity"]
        self._hold = False
        self._preset_note.value = f"<small>{esc(data['description'])}</small>"
        self._sync_widgets()
        self.redraw()
        return self.model

    @guarded()
    def solve(self, target_learners: int | None = None, deadline_months: int | None = None,
              min_fidelity: float | None = None, vary: str | None = None) -> CascadeSolution:
        """Run the solver with the given target (default: the target fields); shows and returns its answer."""
        if target_learners is not None:
            self._target.value = target_learners
        if deadline_months is not None:
            self._deadline.value = deadline_months
        if min_fidelity is not None:
            self._min_fid.value = min_fidelity
        if vary is not None:
            self._vary.value = vary
        sol = solve_cascade(target_learners if target_learners is not None else self._target.value,
                            deadline_months if deadline_months is not None else self._deadline.value,
                            min_fidelity if min_fidelity is not None else self._min_fid.value,
                            base=self.model, vary=self._vary.value)
        self.solution = sol
        self._answer.value = message_html(sol.message, "ok" if sol.feasible else "warn",
                                          "A plan that works:" if sol.feasible else "No plan can:")
        self._apply_btn.disabled = not sol.feasible
        self._status.value = ""
        return sol

    @guarded()
    def apply_solution(self) -> Cascade | None:
        """Put the solver's plan on the sliders."""
        if self.solution is None or not self.solution.feasible:
            raise ValueError("there is no plan to use: run the solver first")
        self.model = self.solution.plan
        self._sync_widgets()
        self.redraw()
        return self.model

    @guarded()
    def use_measured(self, estimate) -> Cascade:
        """Use a programme's measured retention (a RetentionEstimate or (estimate, low, high) per hand-over), or
        ``None`` for the assumed values on the sliders."""
        self.model = self.model.with_measured(estimate)
        self._measured_note = estimate.describe() if hasattr(estimate, "describe") else ""
        self.redraw()
        return self.model

    def fidelity_warning(self) -> str:
        """The warning shown under the table (empty when every level keeps the lowest fidelity accepted)."""
        return self.model.fidelity_warning(self._min_fid.value)

    def redraw(self) -> None:
        r = self.model.result()
        measured = r.measured
        self._plot.value = cascade_chart_html(r, self._min_fid.value)
        cost = "n/a" if r.total_learners == 0 else f"{r.cost_per_learner:,.2f}"
        self._table.value = (
            "<table style='border-collapse:collapse'>"
            f"<tr><td>Trainers trained</td><td style='text-align:right;padding-left:1em'>{r.total_trainers:,}</td></tr>"
            f"<tr><td>Learners reached</td><td style='text-align:right;padding-left:1em'><b>{r.total_learners:,}</b></td></tr>"
            f"<tr><td>Months to reach them</td><td style='text-align:right;padding-left:1em'>{r.time_to_reach_months}</td></tr>"
            f"<tr><td>Fidelity at the last level{' (measured)' if measured else ''}</td><td style='text-align:right;padding-left:1em'>{r.final_fidelity:.0%}"
            + (f" ({r.fidelity_low[-1]:.0%} to {r.fidelity_high[-1]:.0%})" if measured else "") + "</td></tr>"
            f"<tr><td>Total cost</td><td style='text-align:right;padding-left:1em'>{r.total_cost:,.0f}</td></tr>"
            f"<tr><td>Cost per learner</td><td style='text-align:right;padding-left:1em'>{cost}</td></tr></table>"
        )
        if measured and getattr(self, "_measured_note", ""):
            self._table.value += f"<small>{esc(self._measured_note)}</small>"
        warning = self.fidelity_warning()
        if warning:
            self._table.value += message_html(warning, "warn")
        self._status.value = ""


def cascade_chart_html(result, min_fidelity: float) -> str:
    """A cascade's levels as HTML rows: learners reached (a count) beside the fidelity delivered (a share of the
    masters' practice, with its interval when measured, against the lowest fidelity accepted).

    >>> from ttt_widgets import Cascade
    >>> "Level 2: Learners reached 2,000, Fidelity delivered 64%" in cascade_chart_html(Cascade(levels=2).result(), 0.6)
    True
    """
    r = result
    levels = len(r.learners_per_level) - 1
    labels = ["Masters", *(f"Level {k}" for k in range(1, levels + 1))]
    notes = [f"{r.trainers_per_level[0]:,} trainer{'s' if r.trainers_per_level[0] != 1 else ''}"]
    notes += [f"{r.trainers_per_level[k]:,} trainers, month {r.months_per_level_reached[k]}"
              for k in range(1, levels + 1)]
    learners = ChartColumn("Learners reached", [None, *r.learners_per_level[1:]], kind="count", colour=PALETTE[0],
                           empty="No learners are reached: set Learners per trainer above 0.")
    if r.measured:
        fidelity = [(f, lo, hi) for f, lo, hi in zip(r.fidelity_per_level, r.fidelity_low, r.fidelity_high)]
        texts = [f"{f:.0%} ({lo * 100:.0f}\u2013{hi:.0%})" if lo != hi else f"{f:.0%}" for f, lo, hi in fidelity]
    else:
        fidelity, texts = list(r.fidelity_per_level), [f"{f:.0%}" for f in r.fidelity_per_level]
    kept = ChartColumn("Fidelity delivered" + (" (measured)" if r.measured else ""), fidelity, kind="share",
                       colour=PALETTE[5], texts=texts, reference=min_fidelity,
                       reference_label=f"lowest fidelity accepted ({min_fidelity:.0%})",
                       interval_label="measured interval")
    return rows_chart_html("Learners reached and fidelity delivered (% of the masters' practice), level by level",
                           labels, [learners, kept], notes=notes)
