"""The ParticipationTracker widget: one button per participant, a running bar chart, equity nudges, a fair picker."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import ipywidgets as widgets

from ..models.participation import KINDS, ParticipationLog
from ..plots import bars_html
from ._common import esc, guarded, message_html, status

__all__ = ["ParticipationTracker"]


class ParticipationTracker(widgets.VBox):
    """For a facilitator: click a name each time someone contributes; see who is heard and who is not.

    Equity is ``1 - Gini`` of contributions (see :class:`~ttt_widgets.models.participation.ParticipationLog`);
    when it drops below the threshold (after at least as many contributions as participants) the widget nudges,
    naming who has not spoken yet. "Pick someone" calls on people at random, nobody twice before everyone once,
    favouring the quiet.

    Parameters
    ----------
    names : str or list of str, optional
        Participants, typed or pasted (one per line, or separated by commas).
    threshold : float
        Equity below which the widget nudges (0 to 1).
    seed : int, optional
        Seed of the picker.
    clock : callable, optional
        Seconds clock for timestamps (for tests).

    Examples
    --------
    >>> t = ParticipationTracker("Ana, Ben, Chloé", seed=0)
    >>> t.record("Ana"); t.record("Ana", kind="question")
    >>> t.model.counts()["Ana"], round(t.model.gini_contributions(), 4)
    (2, 0.6667)
    """

    def __init__(self, names: str | Iterable[str] | None = None, threshold: float = 0.6, seed: int | None = None,
                 clock: Callable[[], float] | None = None, **kwargs: Any) -> None:
        self.model: ParticipationLog | None = None
        self._seed = seed
        self._clock = clock
        self._build(threshold)
        super().__init__(children=[self._title, self._names_box, self._kind_row, self._buttons, self._pick_row,
                                   self._nudge, self._metrics, self._plot, self._status], **kwargs)
        self.add_class("ttt-participation")
        self._wire()
        if names is not None:
            self._names.value = names if isinstance(names, str) else "\n".join(names)
            self.set_names(names)  # shows the log
        else:
            self._show()

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self, threshold: float) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Who has been heard?</h3>")
        self._names = widgets.Textarea(placeholder="Type or paste names, one per line or separated by commas",
                                       layout=widgets.Layout(width="420px", height="90px"))
        self._set_btn = widgets.Button(description="Set participants", tooltip="Start a new log with these names",
                                       layout=widgets.Layout(width="auto"))
        self._names_box = widgets.HBox([self._names, self._set_btn])
        self._kind = widgets.ToggleButtons(options=list(KINDS), value="comment", description="Kind")
        self._talk = widgets.BoundedFloatText(value=0, min=0, max=3600, step=5, description="Talk (s)",
                                              layout=widgets.Layout(width="160px"))
        self._undo_btn = widgets.Button(description="Undo last", tooltip="Remove the last contribution",
                                        layout=widgets.Layout(width="auto"))
        self._kind_row = widgets.HBox([self._kind, self._talk, self._undo_btn], layout=widgets.Layout(flex_flow="row wrap"))
        self._buttons = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self._pick_btn = widgets.Button(description="Pick someone", button_style="info", tooltip="Call on someone at random",
                                        layout=widgets.Layout(width="auto"))
        self._quiet = widgets.Checkbox(value=True, description="favour the quiet", indent=False)
        self._picked = widgets.Label(layout=widgets.Layout(min_width="200px"))
        self._picked.style.font_size = "1.6em"
        self._threshold = widgets.FloatSlider(value=threshold, min=0, max=1, step=0.05, description="Nudge below",
                                              continuous_update=False)
        self._pick_row = widgets.HBox([self._pick_btn, self._quiet, self._picked, self._threshold],
                                      layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self._nudge = widgets.HTML()
        self._metrics = widgets.HTML()
        self._plot = widgets.HTML()
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._set_btn.on_click(lambda _: self.set_names(self._names.value))
        self._undo_btn.on_click(lambda _: self.undo())
        self._pick_btn.on_click(lambda _: self.pick())
        self._threshold.observe(lambda _: self._show(), names="value")

    def _make_buttons(self) -> None:
        btns = []
        for name in self.model.names:
            b = widgets.Button(description=name, tooltip=f"{name} contributed", layout=widgets.Layout(width="auto"))
            b.on_click(lambda _, name=name: self.record(name))
            btns.append(b)
        self._buttons.children = btns

    def _show(self) -> None:
        m = self.model
        if m is None:
            self._metrics.value = ""
            self._plot.value = ""
            self._nudge.value = ""
            return
        counts = m.counts()
        total = sum(counts.values())
        for name, b in zip(m.names, self._buttons.children):
            b.description = f"{name} ({counts[name]})"
        silences = m.longest_silence()
        quietest = max(m.names, key=lambda n: silences[n])
        mins, secs = divmod(int(silences[quietest]), 60)
        self._metrics.value = (
            f"<b>{total}</b> contributions &middot; equity (1 - Gini) <b>{m.equity():.2f}</b> &middot; "
            + (f"Gini of talk time {m.gini_talk_time():.2f} &middot; " if any(m.talk_time().values())
               else "talk time not recorded &middot; ")
            + f"silent so far {m.silent_share():.0%} &middot; "
            + f"longest silence: {esc(quietest)} ({mins}:{secs:02d})"
        )
        silent = m.silent()
        if total >= len(m.names) and m.equity() < self._threshold.value:
            who = (" Not heard yet: " + ", ".join(silent) + ".") if silent else ""
            self._nudge.value = message_html(
                f"Participation is uneven (equity {m.equity():.2f}, below {self._threshold.value:.2f}).{who} "
                "Try a think-pair-share or call on someone with 'Pick someone'.", "warn", "Nudge:")
        else:
            self._nudge.value = ""
        self.redraw()

    def redraw(self) -> None:
        m = self.model
        if m is None:
            return
        counts = {kind: m.counts(kind) for kind in KINDS}
        stacks = [[counts[kind][n] for kind in KINDS] for n in m.names]
        # HTML bars: names and counts are text, so they grow with a projected page's large type
        self._plot.value = bars_html("Contributions per participant", list(m.names), stacks, legend=list(KINDS),
                                     empty="Nobody has been heard yet: click a name each time that person "
                                           "contributes.")

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def set_names(self, names: str | Iterable[str]) -> None:
        """Start a new log with these participants (the previous log stays if the names are refused)."""
        self.model = ParticipationLog(names, clock=self._clock, seed=self._seed)
        self._make_buttons()
        self._picked.value = ""
        status(self._status, f"{len(self.model.names)} participants.", "ok")
        self._show()

    @guarded()
    def record(self, name: str, kind: str | None = None, talk_seconds: float | None = None) -> None:
        """Record a contribution by ``name`` (kind and talk time default to the controls)."""
        if self.model is None:
            raise ValueError("set the participants first")
        self.model.record(name, kind or self._kind.value, self._talk.value if talk_seconds is None else talk_seconds)
        self._status.value = ""
        self._show()

    def undo(self) -> None:
        if self.model is not None and self.model.undo() is not None:
            self._show()

    @guarded()
    def pick(self) -> str | None:
        """Call on someone (shown in large type); returns the name."""
        if self.model is None:
            raise ValueError("set the participants first")
        name = self.model.pick(weighted=self._quiet.value)
        self._picked.value = name
        return name
