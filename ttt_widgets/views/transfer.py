"""The TransferPlanner widget: a grid of who does what before, during and after a training, with its checks."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models.transfer import GRIDS, TransferCheck, TransferPlan
from ._common import esc, guarded, message_html, status

__all__ = ["TransferPlanner"]


class TransferPlanner(widgets.VBox):
    """Write one action per box (manager, trainer, trainee x before, during, after) and check the plan.

    The model is :class:`~ttt_widgets.models.transfer.TransferPlan`. Each box shows an example as grey placeholder
    text; what a trainee types stays in text widgets and is never rendered as HTML.

    Parameters
    ----------
    name : str
        The content file of the grid (default ``broad-newstrom``).

    Examples
    --------
    >>> p = TransferPlanner()
    >>> p.set("trainee", "during", "Write an action plan")
    >>> [c.ok for c in p.check()][2]
    True
    """

    def __init__(self, name: str = GRIDS, **kwargs: Any) -> None:
        self.model = TransferPlan(name)
        self._build()
        super().__init__(children=[self._title, self._grid, self._buttons, self._checks, self._table, self._status],
                         **kwargs)
        self.add_class("ttt-transfer-planner")
        self._wire()

    def _build(self) -> None:
        m = self.model
        self._title = widgets.HTML(f"<h3 style='margin:4px 0'>{esc(m.title)}</h3>")
        self._boxes: dict[tuple[str, str], widgets.Textarea] = {}
        cells: list[widgets.Widget] = [widgets.HTML("")]
        cells += [widgets.HTML(f"<b>{esc(s['name'])}</b>") for s in m.stages]
        for r in m.roles:
            cells.append(widgets.HTML(f"<b>{esc(r['name'])}</b>"))
            for s in m.stages:
                box = widgets.Textarea(placeholder=m.example(r["id"], s["id"]), continuous_update=False,
                                       layout=widgets.Layout(width="auto", height="5.5em"))
                self._boxes[(r["id"], s["id"])] = box
                cells.append(box)
        columns = "7em " + " ".join("minmax(12em, 1fr)" for _ in m.stages)
        self._grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns=columns, grid_gap="6px",
                                                                  width="100%"))
        self._check_btn = widgets.Button(description="Check the plan", button_style="primary",
                                         tooltip="Run the checks and show the plan as a table",
                                         layout=widgets.Layout(width="auto"))
        self._buttons = widgets.HBox([self._check_btn])
        self._checks = widgets.HTML()
        self._table = widgets.Textarea(description="", disabled=True, layout=widgets.Layout(width="98%", height="8em",
                                                                                            display="none"))
        self._status = widgets.HTML()

    def _wire(self) -> None:
        for (role, stage), box in self._boxes.items():
            box.observe(lambda change, r=role, s=stage: self._typed(r, s, change["new"]), names="value")
        self._check_btn.on_click(lambda _: self.check())

    @guarded()
    def _typed(self, role: str, stage: str, text: str) -> None:
        self.model.set(role, stage, text)
        self._status.value = ""

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def set(self, role: str, stage: str, text: str) -> None:
        """Write the action of one box, as if typed into it."""
        self.model.set(role, stage, text)
        box = self._boxes[(role, stage)]
        if box.value != self.model.get(role, stage):
            box.value = self.model.get(role, stage)
        self._status.value = ""

    @guarded()
    def check(self) -> list[TransferCheck]:
        """Run the checks, show them, and show the plan as a Markdown table to copy."""
        results = self.model.checks()
        self._checks.value = "".join(message_html(c.message, "ok" if c.ok else "warn", "Done:" if c.ok else "Missing:")
                                     for c in results)
        self._table.value = self.model.to_markdown()
        self._table.layout.display = None
        left = sum(not c.ok for c in results)
        status(self._status, f"{self.model.filled} of {len(self._boxes)} boxes filled; "
                             + ("every check passes." if not left else f"{left} check(s) to work on."),
               "ok" if not left else "info")
        return results
