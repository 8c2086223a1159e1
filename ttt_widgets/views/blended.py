"""The BlendedDesigner widget: two blended programme designs side by side."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..loader import list_content
from ..models.blended import COMPONENT_KINDS, BlendedProgramme, compare
from ..plots import HATCHES, PALETTE, figure_html, fixed_margins, new_figure
from ._common import esc, guarded, status

__all__ = ["BlendedDesigner"]


class BlendedDesigner(widgets.VBox):
    """Compare two programme designs: hours per kind of component, cost per learner, share of practice.

    Designs A and B start from packaged examples (``content/blended-designs/``); components can be added to either
    from the form or from Python with :meth:`add_component`. The model is a pair of
    :class:`~ttt_widgets.models.blended.BlendedProgramme`.

    Examples
    --------
    >>> d = BlendedDesigner("classroom-heavy", "practice-first")
    >>> d.designs["A"].cost_per_learner, d.designs["B"].cost_per_learner
    (492.5, 390.0)
    """

    def __init__(self, a: str | BlendedProgramme = "classroom-heavy", b: str | BlendedProgramme = "practice-first",
                 **kwargs: Any) -> None:
        self.names = list_content("blended-designs")
        self.designs = {"A": self._programme(a), "B": self._programme(b)}
        self._hold = False
        self._build()
        super().__init__(children=[self._title, self._pickers, self._form, self._table, self._plot, self._status], **kwargs)
        self.add_class("ttt-blended-designer")
        self._wire()
        self._hold = True
        for side, given in (("A", a), ("B", b)):
            if isinstance(given, str):
                self._pick[side].value = given
        self._hold = False
        self._sync()
        self.redraw()

    @property
    def model(self) -> dict[str, BlendedProgramme]:
        return self.designs

    @staticmethod
    def _programme(p: str | BlendedProgramme) -> BlendedProgramme:
        return BlendedProgramme.from_content(p) if isinstance(p, str) else p

    def _build(self) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Blended programme: two designs side by side</h3>")
        self._pick = {s: widgets.Dropdown(options=["(edited)", *self.names], description=f"Design {s}") for s in "AB"}
        self._learners = {s: widgets.BoundedIntText(min=1, max=1_000_000, description="Learners",
                                                    layout=widgets.Layout(width="180px")) for s in "AB"}
        self._pickers = widgets.HBox([widgets.VBox([self._pick[s], self._learners[s]]) for s in "AB"])
        self._side = widgets.ToggleButtons(options=["A", "B"], description="Add to")
        self._kind = widgets.Dropdown(options=list(COMPONENT_KINDS), description="Kind")
        self._label = widgets.Text(description="Label", placeholder="optional")
        self._hours = widgets.BoundedFloatText(value=1, min=0, max=10_000, description="Hours each")
        self._fixed = widgets.BoundedFloatText(value=0, min=0, max=1e9, description="Fixed cost")
        self._per = widgets.BoundedFloatText(value=0, min=0, max=1e7, description="Cost/learner")
        self._add_btn = widgets.Button(description="Add component", button_style="primary")
        self._undo_btn = widgets.Button(description="Remove last")
        self._form = widgets.VBox([self._side, widgets.HBox([self._kind, self._label]),
                                   widgets.HBox([self._hours, self._fixed, self._per]),
                                   widgets.HBox([self._add_btn, self._undo_btn])])
        self._table = widgets.HTML()
        self._plot = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        for s in "AB":
            self._pick[s].observe(lambda c, s=s: None if self._hold or c["new"] == "(edited)" else self.load(s, c["new"]),
                                  names="value")
            self._learners[s].observe(lambda c, s=s: None if self._hold else self.set_learners(s, c["new"]), names="value")
        self._add_btn.on_click(lambda _: self.add_component(self._side.value, self._kind.value, self._hours.value,
                                                            self._fixed.value, self._per.value, label=self._label.value))
        self._undo_btn.on_click(lambda _: self.remove_last(self._side.value))

    def _sync(self) -> None:
        self._hold = True
        try:
            for s, p in self.designs.items():
                self._learners[s].value = p.learners
                if self._pick[s].value not in self.names:
                    self._pick[s].value = "(edited)"
        finally:
            self._hold = False

    def _edited(self, side: str) -> None:
        self._hold = True
        self._pick[side].value = "(edited)"
        self._hold = False

    # -- actions -------------------------------------------------------------------------------------------------
    def _side_of(self, side: str) -> str:
        if side not in self.designs:
            raise ValueError(f"side must be 'A' or 'B', got {side!r}")
        return side

    @guarded()
    def load(self, side: str, name: str) -> None:
        """Load a packaged design into side A or B."""
        side = self._side_of(side)
        if name not in self.names:
            raise ValueError(f"no design named {name!r} (available: {', '.join(self.names)})")
        self.designs[side] = BlendedProgramme.from_content(name)
        self._hold = True
        self._pick[side].value = name
        self._hold = False
        self._sync()
        self.redraw()

    @guarded()
    def set_learners(self, side: str, learners: int) -> None:
        side = self._side_of(side)
        p = self.designs[side]
        self.designs[side] = BlendedProgramme(p.name, learners, list(p.components))
        self._edited(side)
        self.redraw()

    @guarded()
    def add_component(self, side: str, kind: str, hours: float, fixed_cost: float = 0.0, cost_per_learner: float = 0.0,
                      learners: int | None = None, label: str = "") -> None:
        """Add a component to design A or B; a bad value gets a message and the design is unchanged."""
        side = self._side_of(side)
        self.designs[side].add({"kind": kind, "hours": hours, "fixed_cost": fixed_cost,
                                "cost_per_learner": cost_per_learner, "learners": learners, "label": label})
        self._edited(side)
        status(self._status, f"Added {kind} to design {side}.", "ok")
        self.redraw()

    @guarded()
    def remove_last(self, side: str) -> None:
        side = self._side_of(side)
        p = self.designs[side]
        if not p.components:
            raise ValueError(f"design {side} has no components")
        p.remove(len(p.components) - 1)
        self._edited(side)
        self.redraw()

    def redraw(self) -> None:
        a, b = self.designs["A"], self.designs["B"]
        rows = compare(a, b)

        def fmt(k, v):
            if k == "practice share":
                return f"{v:.0%}"
            if k.startswith("hours"):
                return f"{v:.1f}"
            if "cost" in k:
                return f"{v:,.2f}"
            return f"{v:,.0f}"

        body = "".join(f"<tr><td>{esc(k)}</td><td style='text-align:right'>{fmt(k, va)}</td>"
                       f"<td style='text-align:right'>{fmt(k, vb)}</td></tr>" for k, va, vb in rows)
        self._table.value = (f"<table border='1' cellpadding='4' style='border-collapse:collapse'><tr><th></th>"
                             f"<th>A: {esc(a.name)}</th><th>B: {esc(b.name)}</th></tr>{body}</table>")
        fig, ax = new_figure(6.4, 3.0)
        fixed_margins(fig, left=0.26, bottom=0.16)
        kinds = list(COMPONENT_KINDS)
        ys = range(len(kinds))
        ha, hb = a.hours_by_kind(), b.hours_by_kind()
        ax.barh([y - 0.2 for y in ys], [ha[k] for k in kinds], height=0.4, color=PALETTE[0], label=f"A: {a.name}")
        ax.barh([y + 0.2 for y in ys], [hb[k] for k in kinds], height=0.4, color=PALETTE[1], hatch=HATCHES[1],
                edgecolor="white", label=f"B: {b.name}")
        ax.set_yticks(list(ys), kinds)
        ax.invert_yaxis()
        ax.set_xlabel("hours per learner")
        ax.legend(fontsize=8, loc="lower right")
        alt = (f"Hours per learner by kind. A ({a.name}): {a.hours_per_learner:.1f} h, {a.practice_share:.0%} practice, "
               f"{a.cost_per_learner:,.2f} per learner. B ({b.name}): {b.hours_per_learner:.1f} h, "
               f"{b.practice_share:.0%} practice, {b.cost_per_learner:,.2f} per learner.")
        self._plot.value = figure_html(fig, alt)
