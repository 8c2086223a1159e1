"""The GroupMaker widget: random groups of balanced size, new partners at every round."""

from __future__ import annotations

from typing import Any, Iterable

import ipywidgets as widgets

from ..models.groups import GroupMakerModel
from ._common import esc, guarded, status

__all__ = ["GroupMaker"]


class GroupMaker(widgets.VBox):
    """Paste names, choose a group size, make round after round of groups that avoid repeated pairs.

    The model is :class:`~ttt_widgets.models.groups.GroupMakerModel`; a seed makes the groups reproducible.

    Parameters
    ----------
    names : str or list of str, optional
    size : int
        Target group size (no group is larger).
    seed : int, optional
    large : bool
        Large type for a projector.

    Examples
    --------
    >>> g = GroupMaker("Ana, Ben, Cy, Di", size=2, seed=1)
    >>> len(g.make_round()), g.model.repeats
    (2, 0)
    """

    def __init__(self, names: str | Iterable[str] | None = None, size: int = 3, seed: int | None = None,
                 large: bool = False, **kwargs: Any) -> None:
        self.model: GroupMakerModel | None = None
        self.large = large
        self._build(size, seed)
        super().__init__(children=[self._title, self._inputs, self._buttons, self._groups, self._report, self._status],
                         **kwargs)
        self.add_class("ttt-group-maker")
        self._wire()
        if names is not None:
            self._names.value = names if isinstance(names, str) else "\n".join(names)
            self.set_names(names, size=size, seed=seed)

    def _build(self, size: int, seed: int | None) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Group maker</h3>")
        self._names = widgets.Textarea(placeholder="Names, one per line or separated by commas",
                                       layout=widgets.Layout(width="360px", height="120px"))
        self._size = widgets.BoundedIntText(value=max(1, min(int(size) if isinstance(size, int) else 3, 100)), min=1,
                                            max=100, description="Group size", layout=widgets.Layout(width="14em"))
        self._seed = widgets.Text(value="" if seed is None else str(seed), description="Seed",
                                  placeholder="optional", layout=widgets.Layout(width="14em"))
        self._inputs = widgets.HBox([self._names, widgets.VBox([self._size, self._seed])])
        self._set_btn = widgets.Button(description="Use these names", tooltip="Start again with these names and size")
        self._round_btn = widgets.Button(description="Make groups", button_style="primary",
                                         tooltip="Make the next round of groups")
        self._buttons = widgets.HBox([self._set_btn, self._round_btn])
        self._groups = widgets.HTML()
        self._report = widgets.Label()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._set_btn.on_click(lambda _: self._use_inputs())
        self._round_btn.on_click(lambda _: self.make_round())

    def _seed_value(self):
        text = self._seed.value.strip()
        if not text:
            return None
        if not text.lstrip("-").isdigit():
            raise ValueError(f"the seed must be a whole number, got {text!r}")
        return int(text)

    @guarded()
    def _use_inputs(self) -> None:
        self.set_names(self._names.value, size=self._size.value, seed=self._seed_value())

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def set_names(self, names: str | Iterable[str], size: int | None = None, seed: int | None = None) -> None:
        """Start again with these names (the previous groups stay if they are refused)."""
        size = self._size.value if size is None else size
        self.model = GroupMakerModel(names, size=size, seed=seed)
        self._size.value = size
        self._groups.value = ""
        self._report.value = ""
        sizes = self.model.sizes
        status(self._status, f"{len(self.model.names)} people in {len(sizes)} groups of "
                             f"{' or '.join(str(s) for s in sorted(set(sizes), reverse=True))}.", "ok")

    @guarded()
    def make_round(self) -> list[list[str]] | None:
        """Make the next round of groups; shows and returns them."""
        if self.model is None:
            raise ValueError("type or paste the names first, then press 'Use these names'")
        groups = self.model.make_round()
        n = len(self.model.rounds)
        font = "1.8em" if self.large else "1em"
        cards = "".join(
            f"<div style='border:2px solid #0072B2;border-radius:6px;padding:6px 10px;margin:4px;min-width:140px'>"
            f"<b>Group {i + 1}</b><br>{'<br>'.join(esc(p) for p in grp)}</div>"
            for i, grp in enumerate(groups))
        self._groups.value = (f"<div style='display:flex;flex-wrap:wrap;font-size:{font}'>{cards}</div>")
        rep = self.model.repeats
        self._report.value = (f"Round {n}: " + ("nobody is with someone they have already worked with."
                              if rep == 0 else f"{rep} pair(s) have already worked together (unavoidable or not found)."))
        self._status.value = ""
        return groups
