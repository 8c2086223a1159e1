"""The lesson planner: timed segments, live checks, a timeline coloured (and hatched) by activity, a run sheet."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import ipywidgets as widgets

from ..loader import list_content
from ..models.lesson import ACTIVITIES, LessonPlan, Segment, gagne_events, parse_clock
from ..plots import HATCHES, PALETTE, figure_html, new_figure
from ._common import guarded, log, message_html, status

__all__ = ["LessonPlanner", "timeline_figure", "timeline_alt"]

#: one colour and one hatch per activity type (Okabe & Ito palette; hatches so colour is not the only signal)
STYLE = {a: (PALETTE[i % len(PALETTE)], HATCHES[i % len(HATCHES)]) for i, a in enumerate(ACTIVITIES)}
STYLE["break"] = ("#BBBBBB", "")


def timeline_alt(plan: LessonPlan, start: Any = None) -> str:
    """A text description of the timeline, for screen readers and the image's alt text."""
    timed = plan.schedule(start)
    if not timed:
        return f"Timeline of {plan.title}: no segments yet."
    by_type: dict[str, int] = {}
    for t in timed:
        by_type[t.activity] = by_type.get(t.activity, 0) + t.minutes
    mix = ", ".join(f"{a} {m} min" for a, m in by_type.items())
    talk, _ = plan.longest_trainer_talk()
    shown = "; ".join(f"{t.start_text} {t.title} ({t.activity}, {t.minutes} min)" for t in timed[:15])
    more = f"; and {len(timed) - 15} more" if len(timed) > 15 else ""
    return (f"Timeline of {plan.title}: {len(timed)} segments from {timed[0].start_text} to {timed[-1].end_text} "
            f"({plan.total_minutes} of {plan.slot_minutes} min). Time by activity: {mix}. Longest trainer talk: "
            f"{talk} min. Learners active {plan.learner_share:.0%} of teaching time. Segments: {shown}{more}.")


@lru_cache(maxsize=1)
def _charmap() -> frozenset:
    """The characters the default matplotlib font can draw."""
    from matplotlib import font_manager, ft2font

    return frozenset(ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


def _plain(text: str, limit: int = 38) -> str:
    """Segment titles are trainee text: shorten them, replace characters the font cannot draw (emoji) with '?',
    and keep matplotlib from reading '$' as mathematics."""
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    chars = _charmap()
    text = "".join(ch if ord(ch) in chars or ch.isspace() else "?" for ch in text)
    return text.replace("$", r"\$")


def timeline_figure(plan: LessonPlan, start: Any = None):
    """A Gantt-style timeline: one bar per segment at its clock time, coloured and hatched by activity, with a legend."""
    timed = plan.schedule(start)
    n = max(1, len(timed))
    fig, ax = new_figure(7.5, 1.4 + 0.32 * n)
    for t in timed:
        colour, hatch = STYLE[t.activity]
        ax.barh(n - 1 - t.index, t.minutes, left=t.start_minute, color=colour, hatch=hatch, edgecolor="#333333",
                linewidth=0.6)
    ax.set_yticks([n - 1 - t.index for t in timed], [_plain(t.title) for t in timed], fontsize=8)
    total = max(plan.total_minutes, plan.slot_minutes, 1)
    step = 15 if total <= 180 else 30
    ticks = list(range(0, total + 1, step))
    t0 = parse_clock(plan.start if start is None else start)
    labels = []
    for m in ticks:
        minutes = t0.hour * 60 + t0.minute + m
        labels.append(f"{minutes // 60 % 24:02d}:{minutes % 60:02d}")
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.set_xlim(0, total)
    ax.axvline(plan.slot_minutes, color="#000000", linestyle="--", linewidth=1)
    ax.text(plan.slot_minutes, n - 0.4, " end of slot", fontsize=7, va="bottom")
    ax.set_title(_plain(plan.title, 70), fontsize=10)
    used = [a for a in ACTIVITIES if any(t.activity == a for t in timed)]
    if used:
        from matplotlib.patches import Patch

        handles = [Patch(facecolor=STYLE[a][0], hatch=STYLE[a][1], edgecolor="#333333", label=a) for a in used]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12 if n > 3 else -0.4), ncol=4,
                  fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


class LessonPlanner(widgets.VBox):
    """Plan a session: add, remove and reorder timed segments; see checks, a timeline and a run sheet.

    Actions callable from Python: :meth:`load_template`, :meth:`add`, :meth:`remove`, :meth:`move_up`,
    :meth:`move_down`, :meth:`add_objective`, :meth:`set_assesses`, :meth:`set_slot`, :meth:`set_start`,
    :meth:`export_run_sheet`.

    Parameters
    ----------
    plan : LessonPlan or str, optional
        A plan, or the name of a template (``gagne``, ``5e``, ``merrill``, ``workshop-90``: the files of
        ``content/lesson-templates``); default an empty 60-minute plan.

    Examples
    --------
    >>> p = LessonPlanner("workshop-90")
    >>> _ = p.add("Quiz", 5, "assessment"); p.model.total_minutes
    95
    >>> p.model.checks()[0].ok
    False
    """

    def __init__(self, plan: LessonPlan | str | None = None, **kwargs: Any) -> None:
        if isinstance(plan, str):
            plan = LessonPlan.from_template(plan)
        self.model = plan if plan is not None else LessonPlan()
        self._build()
        super().__init__(children=[self._title, self._header, self._objectives_box, self._adder, self._list_box,
                                   self._status, self._checks, self._timeline, self._sheet_box], **kwargs)
        self.add_class("ttt-lesson-planner")
        self._wire()
        self._refresh()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        m = self.model
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Lesson planner</h3>")
        self._plan_title = widgets.Text(value=m.title, description="Session")
        self._slot = widgets.Text(value=str(m.slot_minutes), description="Slot (min)", layout=widgets.Layout(width="180px"))
        self._start = widgets.Text(value=m.start, description="Starts at", layout=widgets.Layout(width="180px"))
        self._template = widgets.Dropdown(options=list_content("lesson-templates"), description="Template")
        self._load_btn = widgets.Button(description="Load template", tooltip="Replace the plan with a template")
        self._header = widgets.VBox([widgets.HBox([self._plan_title, self._slot, self._start]),
                                     widgets.HBox([self._template, self._load_btn])])
        self._objective_in = widgets.Text(description="Objective", placeholder="e.g. Participants will list ...",
                                          layout=widgets.Layout(width="70%"))
        self._objective_btn = widgets.Button(description="Add objective")
        self._objective_list = widgets.SelectMultiple(options=[], description="Assesses", rows=3,
                                                      layout=widgets.Layout(width="70%"))
        self._objectives_box = widgets.VBox([widgets.HBox([self._objective_in, self._objective_btn]), self._objective_list])
        events = gagne_events()
        self._seg_title = widgets.Text(description="Segment", placeholder="e.g. Practise in pairs")
        self._seg_minutes = widgets.Text(description="Minutes", value="10", layout=widgets.Layout(width="150px"))
        self._seg_activity = widgets.Dropdown(options=list(ACTIVITIES), value="presentation", description="Activity")
        self._seg_event = widgets.Dropdown(options=[("(none)", None)] + [(f"{k}. {v}", k) for k, v in events.items()],
                                           value=None, description="Gagné")
        self._add_btn = widgets.Button(description="Add segment", button_style="primary")
        self._adder = widgets.VBox([widgets.HBox([self._seg_title, self._seg_minutes]),
                                    widgets.HBox([self._seg_activity, self._seg_event, self._add_btn])])
        self._list = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="70%"), description="Plan")
        self._up_btn = widgets.Button(description="Move up", icon="arrow-up")
        self._down_btn = widgets.Button(description="Move down", icon="arrow-down")
        self._remove_btn = widgets.Button(description="Remove", icon="trash")
        self._assess_btn = widgets.Button(description="Set 'assesses'", tooltip="The selected segment assesses the objectives selected above")
        self._list_box = widgets.HBox([self._list, widgets.VBox([self._up_btn, self._down_btn, self._remove_btn, self._assess_btn])])
        self._status = widgets.HTML()
        self._checks = widgets.HTML()
        self._timeline = widgets.HTML()
        self._sheet_btn = widgets.Button(description="Run sheet (Markdown)")
        self._sheet = widgets.Textarea(layout=widgets.Layout(width="100%", height="200px", display="none"))
        self._sheet_box = widgets.VBox([self._sheet_btn, self._sheet])

    def _wire(self) -> None:
        self._load_btn.on_click(lambda _: self.load_template(self._template.value))
        self._objective_btn.on_click(lambda _: self.add_objective())
        self._add_btn.on_click(lambda _: self.add())
        self._up_btn.on_click(lambda _: self.move_up())
        self._down_btn.on_click(lambda _: self.move_down())
        self._remove_btn.on_click(lambda _: self.remove())
        self._assess_btn.on_click(lambda _: self.set_assesses())
        self._sheet_btn.on_click(lambda _: self.export_run_sheet())
        self._slot.observe(lambda c: self.set_slot(c["new"]), names="value")
        self._start.observe(lambda c: self.set_start(c["new"]), names="value")
        self._plan_title.observe(lambda c: self.set_title(c["new"]), names="value")
        self.model.observe(lambda _: self._refresh(), names=["segments", "objectives", "slot_minutes", "start", "title"])

    def _refresh(self) -> None:
        m = self.model
        selected = self._list.index
        timed = m.schedule()
        with self._list.hold_sync():  # one update: the page never shows the first segment selected in passing
            self._list.options = [(f"{t.start_text}-{t.end_text} | {t.minutes:>3} min | {t.activity} | {t.title}",
                                   t.index) for t in timed]
            if timed:
                self._list.index = min(selected, len(timed) - 1) if selected is not None else None
        self._objective_list.options = [(f"{i}. {o[:70]}", o) for i, o in enumerate(m.objectives, 1)]
        parts = []
        for c in m.checks():
            tone = {"ok": "ok", "warning": "warn", "problem": "error"}[c.severity]
            parts.append(message_html(c.message, tone, {"ok": "OK:", "warning": "Warning:", "problem": "Problem:"}[c.severity]))
        self._checks.value = "".join(parts)
        self._draw()

    def _draw(self) -> None:
        if not self.model.segments:
            self._timeline.value = "<p><i>The timeline appears when the plan has a segment.</i></p>"
            return
        try:
            fig = timeline_figure(self.model)
            self._timeline.value = figure_html(fig, timeline_alt(self.model))
        except Exception:  # noqa: BLE001 - a drawing problem must not undo or hide the edit that was made
            log.exception("the lesson timeline could not be drawn")
            self._timeline.value = message_html("The timeline could not be drawn; the plan itself is saved. "
                                                + timeline_alt(self.model), "warn")

    def _selected(self, index: int | None) -> int:
        if index is None:
            index = self._list.value
        if index is None:
            raise ValueError("Select a segment in the plan first.")
        return index

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> tuple:
        """The segments of the plan."""
        return tuple(self.model.segments)

    @guarded()
    def load_template(self, name: str) -> None:
        """Replace the plan's segments with a template's (objectives are kept)."""
        template = LessonPlan.from_template(name, objectives=self.model.objectives, start=self.model.start)
        self.model.slot_minutes = template.slot_minutes
        self.model.segments = template.segments
        self._slot.value = str(template.slot_minutes)
        status(self._status, f"Loaded the template '{template.title}'.", "ok")

    @guarded()
    def add(self, title: str | None = None, minutes: Any = None, activity: str | None = None,
            gagne_event: Any = None) -> Segment | None:
        """Add a segment from the arguments or from the fields; the fields keep their text if it is refused."""
        if title is not None:
            self._seg_title.value = title
        if minutes is not None:
            self._seg_minutes.value = str(minutes)
        if activity is not None:
            if activity not in ACTIVITIES:
                raise ValueError(f"'{activity}' is not an activity type: choose one of {', '.join(ACTIVITIES)}.")
            self._seg_activity.value = activity
        if gagne_event is not None:
            self._seg_event.value = gagne_event
        seg = self.model.add(self._seg_title.value, self._seg_minutes.value, self._seg_activity.value,
                             self._seg_event.value)
        self._seg_title.value = ""
        status(self._status, f"Added '{seg.title}' ({seg.minutes} min).", "ok")
        return seg

    @guarded()
    def remove(self, index: int | None = None) -> Segment | None:
        seg = self.model.remove(self._selected(index))
        status(self._status, f"Removed '{seg.title}'.", "info")
        return seg

    @guarded()
    def move_up(self, index: int | None = None) -> None:
        i = self._selected(index)
        self.model.move_up(i)
        self._list.value = max(0, i - 1)

    @guarded()
    def move_down(self, index: int | None = None) -> None:
        i = self._selected(index)
        self.model.move_down(i)
        self._list.value = min(len(self.model.segments) - 1, i + 1)

    @guarded()
    def add_objective(self, text: str | None = None) -> None:
        if text is not None:
            self._objective_in.value = text
        added = self.model.add_objective(self._objective_in.value)
        self._objective_in.value = ""
        status(self._status, f"Added objective {len(self.model.objectives)}: {added[:60]}", "ok")

    @guarded()
    def set_assesses(self, index: int | None = None, objectives: Any = None) -> None:
        """Mark a segment as assessing the given objectives (or those selected in the list)."""
        i = self._selected(index)
        chosen = tuple(self._objective_list.value if objectives is None else objectives)
        self.model.update(i, assesses=chosen)
        status(self._status, f"'{self.model.segments[i].title}' now assesses {len(chosen)} objective(s).", "ok")

    @guarded()
    def set_slot(self, minutes: Any) -> None:
        if self._slot.value != str(minutes):
            self._slot.value = str(minutes)
        self.model.slot_minutes = _slot(minutes)
        self._status.value = ""

    @guarded()
    def set_start(self, start: Any) -> None:
        if self._start.value != str(start):
            self._start.value = str(start)
        self.model.start = parse_clock(start).strftime("%H:%M")
        self._status.value = ""

    @guarded()
    def set_title(self, title: str) -> None:
        from ..models.objectives import clean_text

        if self._plan_title.value != title:
            self._plan_title.value = title
        self.model.title = clean_text(title, "session title", limit=200)
        self._status.value = ""

    def export_run_sheet(self, start: Any = None) -> str | None:
        """The run sheet as Markdown (also shown in a text box); None with a message if the start time is wrong."""
        try:
            text = self.model.run_sheet(start)
        except ValueError as exc:
            status(self._status, str(exc), "error", "Please check:")
            return None
        self._sheet.value = text
        self._sheet.layout.display = None
        return text


def _slot(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"The slot must be a whole number of minutes, e.g. 90 (got '{text[:40]}').")
    return int(text)
