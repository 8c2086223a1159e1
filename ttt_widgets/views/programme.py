"""Views of a train-the-trainer programme: the trainer-pool board for the programme lead, and the demo scorer an
observer uses on a tablet during a teaching demo.

Both read and write the programme store (:class:`~ttt_widgets.programme.store.ProgrammeStore`); every name and
note a person typed is escaped before it reaches an HTML widget.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from datetime import date
from typing import Any

import ipywidgets as widgets

from ..models.cascade import Cascade
from ..models.demo import FEEDBACK_CELLS, TeachingDemo, TimedNote
from ..models.fidelity import RetentionEstimate
from ..models.observation import checklist_modules
from ..models.pathway import PathwayRules
from ..models.pool import ROSTER_COLUMNS
from ..plots import PALETTE, ChartColumn, rows_chart_html
from ._common import esc, guarded, message_html, status
from .timer import ActivityTimer

__all__ = ["TrainerPoolBoard", "DemoScorer", "ObservationScorer"]

_TH = "padding:4px 10px;text-align:left;border-bottom:2px solid #999"
_TD = "padding:3px 10px;border-bottom:1px solid #ddd"
_STATE_COLOUR = {"certified": "#1a6b1a", "due for re-observation": "#8a5a00", "overdue": "#a63d00",
                 "in progress": "#1f4e99", "not started": "#555"}
#: the sections of the trainer-pool board, in order
SECTIONS = ("Pool", "Pathway", "Due for observation", "Fidelity by generation", "Who to draw on")
#: the largest roster upload read (bytes)
_MAX_UPLOAD = 2_000_000


def _store(store: Any):
    from ..programme.store import ProgrammeStore

    return store if isinstance(store, ProgrammeStore) else ProgrammeStore(store)


def _table(head: list[str], rows: list[list[str]], caption: str = "", wrap: tuple[int, ...] = ()) -> str:
    """An HTML table; cells are already escaped by the caller. Only the columns in ``wrap`` (free text) wrap, so
    ids and dates stay on one line in large type."""
    cap = f"<caption style='text-align:left;font-weight:600;padding:4px 0'>{esc(caption)}</caption>" if caption else ""
    th = "".join(f"<th style='{_TH}'>{esc(h)}</th>" for h in head)
    nowrap = ";white-space:nowrap"
    body = "".join("<tr>" + "".join(f"<td style='{_TD}{'' if i in wrap else nowrap}'>{c}</td>" for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f"<table style='border-collapse:collapse;font-size:inherit'>{cap}<tr>{th}</tr>{body}</table>"


def _empty(text: str) -> str:
    """What a section says in place of its table when there is nothing to list (and what to do about it)."""
    return f"<p class='ttt-empty' style='font-size:1.1em;margin:0.3em 0;max-width:50em'>{esc(text)}</p>"


def when_opened(action) -> None:
    """In a preheated Voila kernel (which ran the page before anyone asked for it), run ``action`` again once a lead
    opens the page, so it shows the store as it is then; elsewhere do nothing."""
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    from voila.utils import wait_for_request

    loop = asyncio.get_event_loop()
    threading.Thread(target=lambda: (wait_for_request(), loop.call_soon_threadsafe(action)), daemon=True).start()


def _d(value: date | None) -> str:
    return value.isoformat() if value else "never"


#: what marks the chosen button of a row of marks
CHOSEN = "\u2713 "


def _mark_row(name: str, hint: str, marks: list[tuple[str, str, str]], on_tap) -> tuple[widgets.HBox, dict]:
    """One row of a scoring sheet: the item's name and hint, then one large button per mark ``(id, label, style)``;
    a tap calls ``on_tap(mark_id)``. Returns the row and its buttons by mark id.

    Each button has room for its label with the tick, so choosing a mark moves nothing; the buttons stay together
    (on a narrow page they go under the text as a group), and as every row has the same buttons, the text column
    is as wide in every row and the marks line up."""
    buttons = {}
    for mark, label, style in marks:
        b = widgets.Button(description=label, tooltip=hint,
                           layout=widgets.Layout(width="auto", min_width=f"calc({len(CHOSEN + label)}ch + 2em)",
                                                 height="3em", margin="2px"))
        b.add_class("ttt-mark")
        b.on_click(lambda _, m=mark: on_tap(m))
        b._ttt_style = style
        b._ttt_label = label
        buttons[mark] = b
    text = widgets.HTML(f"<div style='font-size:1.1em;line-height:1.3'><b>{esc(name)}</b><br>"
                        f"<span style='font-size:0.85em'>{esc(hint)}</span></div>",
                        layout=widgets.Layout(flex="1 1 18em", min_width="14em", max_width="30em", margin="0 12px 0 0"))
    row = widgets.HBox([text, widgets.HBox(list(buttons.values()), layout=widgets.Layout(flex="0 0 auto"))],
                       layout=widgets.Layout(flex_flow="row wrap", align_items="center", margin="3px 0"))
    return row, buttons


def _show_choice(buttons: dict, chosen: str | None) -> None:
    """The chosen mark's button in its colour with a tick, the others plain. The tick is a character of the button's
    words, not an icon, so that screen readers say it too; colour alone does not tell every observer which mark is
    chosen."""
    for m, b in buttons.items():
        b.button_style = b._ttt_style if m == chosen else ""
        b.description = (CHOSEN if m == chosen else "") + b._ttt_label


class TrainerPoolBoard(widgets.VBox):
    """The programme lead's board: the pool, pathway status, who is due for re-observation, fidelity by
    generation (measured, with the cascade warning) and whom to draw on for a date.

    Parameters
    ----------
    store : ProgrammeStore or str, optional
        The store or its URL (default: the kit's store).
    today : date or str, optional
        The day the board is for (default today).
    rules : PathwayRules, optional
    floor : float
        Lowest fidelity the lead accepts at the last level of a planned cascade.
    levels : int
        Levels of the planned cascade.

    Examples
    --------
    >>> board = TrainerPoolBoard("sqlite://")  # doctest: +SKIP
    >>> board.find("05-facilitation-questions", "2025-06-10")  # doctest: +SKIP
    """

    def __init__(self, store: Any = None, today: date | str | None = None, rules: PathwayRules | None = None,
                 floor: float = 0.6, levels: int = 3, **kwargs: Any) -> None:
        from ..models.demo import as_date

        self.store = _store(store)
        self.today = as_date(today, "today") or date.today()
        self.rules = rules or PathwayRules()
        self.estimate: RetentionEstimate | None = None
        self._fid_problem = ""  # why the stored data gives no estimate (empty: nothing stored yet)
        self.pool = None
        self.statuses: dict = {}
        self._build(floor, levels)
        super().__init__(children=[self._summary, self._tabs, self._roster_row, self._status], **kwargs)
        self.add_class("ttt-trainer-pool")
        self._wire()
        self.refresh()
        when_opened(self.refresh)

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self, floor: float, levels: int) -> None:
        self._summary = widgets.HTML()
        self._pool_html = widgets.HTML()
        self._pathway_html = widgets.HTML()
        self._due_html = widgets.HTML()
        st = {"description_width": "16em"}
        self._floor = widgets.FloatSlider(value=floor, min=0.05, max=1.0, step=0.01, readout_format=".0%",
                                          description="Lowest fidelity accepted", style=st, continuous_update=False,
                                          layout=widgets.Layout(width="36em"))
        self._levels = widgets.IntSlider(value=levels, min=1, max=6, description="Levels of the planned cascade",
                                         style=st, continuous_update=False, layout=widgets.Layout(width="36em"))
        self._fid_plot = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._fid_notes = widgets.HTML()
        self._warning = widgets.HTML()
        self._plan = widgets.VBox([self._floor, self._levels, self._warning])
        fidelity = widgets.VBox([self._fid_plot, self._fid_notes, self._plan])
        self._module = widgets.Dropdown(options=checklist_modules(), description="Module", style={"description_width": "5em"},
                                        layout=widgets.Layout(width="24em"))
        self._date = widgets.DatePicker(description="Date", value=self.today, style={"description_width": "5em"})
        self._find_btn = widgets.Button(description="Find trainers", button_style="primary", icon="search",
                                        layout=widgets.Layout(width="auto"))
        self._found = widgets.HTML()
        draw = widgets.VBox([widgets.HBox([self._module, self._date, self._find_btn],
                                          layout=widgets.Layout(flex_flow="row wrap")), self._found])
        # sections: large toggle buttons over a stack (tab headers cut long names short on a projector)
        self._section = widgets.ToggleButtons(
            options=[(name, i) for i, name in enumerate(SECTIONS)], value=0,
            style={"button_width": "auto"}, layout=widgets.Layout(margin="6px 0"))
        self._section.add_class("ttt-sections")
        self._stack = widgets.Stack([widgets.VBox([self._pool_html]), widgets.VBox([self._pathway_html]),
                                     widgets.VBox([self._due_html]), fidelity, draw], selected_index=0,
                                    layout=widgets.Layout(border="1px solid #ccc", padding="6px"))
        self._tabs = widgets.VBox([self._section, self._stack])
        self._upload = widgets.FileUpload(accept=".csv", multiple=False, description="Import roster (CSV)",
                                          layout=widgets.Layout(width="auto"))
        self._refresh_btn = widgets.Button(description="Read the store again", icon="refresh",
                                           layout=widgets.Layout(width="auto"))
        self._download = widgets.HTML()
        self._roster_row = widgets.HBox([self._upload, self._download, self._refresh_btn],
                                        layout=widgets.Layout(flex_flow="row wrap", align_items="center",
                                                              margin="8px 0"))
        self._status = widgets.HTML()

    def _wire(self) -> None:
        widgets.link((self._section, "value"), (self._stack, "selected_index"))
        self._floor.observe(lambda _: self._show_fidelity(), names="value")  # the chart marks the floor
        self._levels.observe(lambda _: self._show_warning(), names="value")
        self._find_btn.on_click(lambda _: self.find(self._module.value, self._date.value))
        self._refresh_btn.on_click(lambda _: self.refresh())
        self._upload.observe(self._on_upload, names="value")

    def _on_upload(self, change) -> None:
        files = change["new"]
        if files:
            f = files[0]
            self.import_roster(bytes(f["content"]), source=f.get("name", "roster.csv"))

    # -- actions -------------------------------------------------------------------------------------------------
    @guarded()
    def refresh(self) -> None:
        """Read the store again and redraw every panel."""
        self.pool = self.store.pool(self.rules.reobserve_every_days)
        self.statuses = self.store.statuses(self.rules, self.today)
        try:
            self.estimate = self.store.retention()
            self._fid_problem = ""
        except ValueError as exc:
            nothing = not self.store.observations() and not self.store.quiz_results()
            self.estimate, self._fid_problem = None, "" if nothing else str(exc)
        self._show()

    @guarded()
    def import_roster(self, text: str | bytes, source: str = "roster.csv") -> int:
        """Import a roster CSV (all or nothing); a bad cell is reported with its row and column."""
        if len(text) > _MAX_UPLOAD:
            raise ValueError("the file is larger than 2 MB")
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValueError(f"{source}: not UTF-8 text; save the roster as CSV UTF-8") from None
        n = self.store.import_roster(source, text=text)
        self.refresh()
        status(self._status, f"Imported {n} trainer(s) from {source}.", "ok")
        return n

    def roster_csv(self) -> str:
        """The roster as CSV (what the download link gives)."""
        return self.pool.to_csv(today=self.today)

    @guarded()
    def find(self, module: str, on: date | str | None) -> list:
        """Whom to draw on to deliver ``module`` on ``on`` (shown and returned, best first)."""
        if on is None:
            raise ValueError("choose a date first")
        found = self.pool.available(module, on, today=self.today)
        if not found:
            self._found.value = message_html(f"Nobody certified for {module} is free on that day.", "warn")
            return found
        rows = [[str(i + 1), esc(c.trainer.name), esc(c.trainer.id), str(c.trainer.generation), _d(c.last_taught),
                 "-" if c.observation_score is None else f"{c.observation_score:.0%}", esc(c.note)]
                for i, c in enumerate(found)]
        self._found.value = _table(["", "Trainer", "Id", "Generation", "Last taught", "Observed score", "Note"], rows,
                                   f"{len(found)} trainer(s) for {module} on {on}", wrap=(1, 6))
        return found

    def show_section(self, name: str) -> None:
        """Show one section: "Pool", "Pathway", "Due for observation", "Fidelity by generation" or "Who to draw on"."""
        if name not in SECTIONS:
            raise ValueError(f"no section {name!r} (sections: {', '.join(SECTIONS)})")
        self._section.value = SECTIONS.index(name)

    def set_floor(self, floor: float) -> None:
        self._floor.value = floor

    def set_levels(self, levels: int) -> None:
        self._levels.value = levels

    @property
    def warning(self) -> str:
        """The cascade warning shown on the fidelity panel (empty when the planned cascade keeps the floor)."""
        if self.estimate is None:
            return ""
        return Cascade(levels=self._levels.value).with_measured(self.estimate).fidelity_warning(self._floor.value)

    # -- drawing -------------------------------------------------------------------------------------------------
    def _show(self) -> None:
        pool, statuses = self.pool, self.statuses
        counts: dict[str, int] = {}
        for s in statuses.values():
            counts[s.state] = counts.get(s.state, 0) + 1
        due = pool.due_for_reobservation(self.today)
        gens = pool.generations()
        if not pool.trainers:
            self._summary.value = ("<p style='font-size:1.2em'>No trainers yet: import a roster (a CSV with the "
                                   "columns " + esc(", ".join(ROSTER_COLUMNS)) + ").</p>")
        else:
            parts = [f"<b>{len(pool)}</b> trainers in <b>{len(gens)}</b> generation(s)"]
            parts += [f"<span style='color:{_STATE_COLOUR[k]}'><b>{v}</b> {esc(k)}</span>"
                      for k, v in sorted(counts.items(), key=lambda kv: list(_STATE_COLOUR).index(kv[0]))]
            parts.append(f"<b>{len(due)}</b> due for observation")
            self._summary.value = f"<p style='font-size:1.15em;margin:2px 0'>{' &middot; '.join(parts)}</p>"
        rows = []
        for t in sorted(pool.trainers.values(), key=lambda t: (t.generation, t.id)):
            score = pool.observation_score(t.id)
            s = statuses.get(t.id)
            state = s.state if s else ""
            rows.append([esc(t.id), esc(t.name), str(t.generation), esc(t.trained_by or "-"),
                         esc(", ".join(m.split("-", 1)[0] for m in sorted(t.modules)) or "-"),
                         _d(pool.last_taught(t.id, self.today)), _d(pool.last_observed(t.id)),
                         "-" if score is None else f"{score:.0%}",
                         f"<span style='color:{_STATE_COLOUR.get(state, '#000')}'>{esc(state)}</span>"])
        self._pool_html.value = _table(["Id", "Name", "Gen.", "Trained by", "Modules", "Last taught", "Last observed",
                                        "Score", "Pathway"], rows, wrap=(1, 4)) if rows else _empty(
            "Each trainer gets a row here once a roster is imported: press Import roster (CSV) below. Download roster "
            "(CSV) gives the file's header row to fill in.")
        prow = []
        for tid, s in sorted(statuses.items(), key=lambda kv: (list(_STATE_COLOUR).index(kv[1].state), kv[0])):
            nxt = s.step(s.next_step) if s.next_step else None
            what = (f"{esc(nxt.name)}: {esc(nxt.detail)}" + (f" (due {nxt.due.isoformat()})" if nxt.due and not nxt.overdue else "")
                    if nxt else f"re-observe by {_d(s.reobserve_by)}")
            done = sum(x.done for x in s.steps)
            prow.append([esc(tid), f"<span style='color:{_STATE_COLOUR[s.state]}'>{esc(s.state)}</span>",
                         f"{done} of {len(s.steps)}", what])
        self._pathway_html.value = _table(["Trainer", "Status", "Steps done", "Next"], prow, wrap=(3,)) if prow else _empty(
            "Each trainer's steps to certification show here once a roster is imported: press Import roster (CSV) "
            "below.")
        drow = [[esc(t.name), esc(t.id), str(t.generation), _d(seen),
                 esc(", ".join(sorted(t.modules)))] for t, seen in due]
        self._due_html.value = (_table(["Trainer", "Id", "Generation", "Last observed", "Certified for"], drow,
                                       f"Not observed in the last {pool.reobserve_every_days} days", wrap=(0, 4))
                                if drow else _empty("Everyone certified was observed within the interval.") if pool.trainers
                                else _empty(f"Trainers not observed in the last {pool.reobserve_every_days} days "
                                            "show here once a roster is imported and their observations recorded."))
        self._show_fidelity()
        csv_text = pool.to_csv(today=self.today)
        href = "data:text/csv;base64," + base64.b64encode(csv_text.encode("utf-8")).decode("ascii")
        self._download.value = (f"<a class='ttt-export' href='{href}' download='trainer-roster.csv' "
                                "style='display:inline-block;padding:6px 14px;margin:0 8px;border:1px solid #888;"
                                "border-radius:3px;color:#000;text-decoration:none;background:#f3f3f3'>"
                                "Download roster (CSV)</a>")

    def _show_fidelity(self) -> None:
        est = self.estimate
        self._fid_plot.value = fidelity_chart_html(est, self._floor.value, self._fid_problem)
        self._plan.layout.display = None if est else "none"  # no plan to weigh without a measured retention
        if est is None:
            self._fid_notes.value = ""
            self._warning.value = ""
            return
        seen = (f" In all: {sum(g.observations for g in est.generations):,} sessions observed and "
                f"{sum(g.learners for g in est.generations):,} learners tested.")
        self._fid_notes.value = (f"<p style='max-width:45em'>{esc(est.describe() + seen)}</p>"
                                 + "".join(f"<p><small>{esc(n)}</small></p>" for n in est.notes))
        self._show_warning()

    def _show_warning(self) -> None:
        text = self.warning
        if self.estimate is None:
            self._warning.value = ""
        elif text:
            self._warning.value = message_html(text, "warn")
        else:
            plan = Cascade(levels=self._levels.value).with_measured(self.estimate)
            self._warning.value = message_html(
                f"A {self._levels.value}-level cascade keeps {plan.fidelity_at(self._levels.value):.0%} at its last "
                f"level by the measured retention, within the {self._floor.value:.0%} you accept.", "ok")


def _generation(g: int) -> str:
    return "Masters" if g == 0 else f"Generation {g}"


def fidelity_chart_html(estimate: RetentionEstimate | None, floor: float | None = None, problem: str = "") -> str:
    """Fidelity by generation as HTML rows: each generation's share of the masters' delivery with its interval,
    against the lowest fidelity accepted (``floor``, marked when given); the generation's number of trainers under
    its name. Without an estimate, the chart says what to do: record observations, or (``problem``) why the data
    stored cannot give an estimate yet.

    >>> from ttt_widgets.models.fidelity import synthetic_programme, estimate_retention
    >>> prog = synthetic_programme(retention=0.8, seed=7)
    >>> html = fidelity_chart_html(estimate_retention(prog.checklists, prog.quiz_results), 0.6)
    >>> html.count("class='ttt-chart-label'"), "lowest fidelity accepted (60%)" in html
    (3, True)
    """
    title = "How much of the masters' delivery each generation keeps, measured from observations and quiz results"
    if estimate is None:
        empty = (f"Fidelity cannot be measured yet: {problem}." if problem else
                 "No observations yet: score the sessions of at least two master trainers and two trainers of "
                 "generation 1 with the fidelity checklist (ObservationScorer), or record their learners' quiz "
                 "results; then press Read the store again.")
        return rows_chart_html(title, [], [], empty=empty)
    gens = estimate.generations

    def text(i) -> str:
        return f"{i.estimate:.0%} ({i.low * 100:.0f}\u2013{i.high:.0%})" if i.low != i.high else f"{i.estimate:.0%}"

    share = ChartColumn("Share of the masters' delivery", [g.index.as_tuple() for g in gens], kind="share",
                        colour=PALETTE[5], texts=[text(g.index) for g in gens], reference=floor,
                        reference_label=f"lowest fidelity accepted ({floor:.0%})" if floor is not None else "",
                        interval_label=f"{gens[0].index.confidence:.0%} interval")
    notes = [f"{g.trainers} trainer{'s' if g.trainers != 1 else ''}" for g in gens]
    return rows_chart_html(title, [_generation(g.generation) for g in gens], [share], notes=notes)


class DemoScorer(widgets.VBox):
    """An observer scores a live teaching demo on a tablet: a large timer, one row of large mark buttons per rubric
    item, timed notes, the 2x2 feedback, the outcome as it stands, and *Save*.

    Parameters
    ----------
    store : ProgrammeStore or str, optional
        Where *Save* writes (default: the kit's store); ``False`` keeps the demo in memory only.
    rubric : str
        ``"carpentries-checkout"`` or ``"ttt-presentation"`` (or another packaged rubric).
    trainee, observer : str, optional
    clock : callable, optional
        Seconds clock for the timer and the notes (tests pass their own).
    """

    def __init__(self, store: Any = None, rubric: str = "carpentries-checkout", trainee: str = "", observer: str = "",
                 clock=None, driver: str = "auto", **kwargs: Any) -> None:
        from ..loader import list_content

        self.store = None if store is False else _store(store)
        self._clock = clock
        self._held_on = date.today()
        self._note_list = []
        self._driver = driver
        self.rubrics = list_content("demo-rubrics")
        self.demo: TeachingDemo | None = None
        self.saved_id: int | None = None
        self._build(rubric, trainee, observer, [])
        super().__init__(children=[self._who, self._timer, self._items_box, self._notes_box,
                                   self._feedback_box, self._outcome, self._save_row, self._trainee_view, self._status],
                         **kwargs)
        self.add_class("ttt-demo-scorer")
        self._wire()
        self.new_demo()
        self.reload_trainees()
        when_opened(self.reload_trainees)

    def reload_trainees(self) -> list[str]:
        """Offer the store's trainers as the trainee's choices."""
        if self.store is None:
            return []
        try:
            self._trainee.options = sorted(self.store.pool().trainers)
        except Exception as exc:  # noqa: BLE001 - an unreachable store must not stop scoring; Save says why again
            status(self._status, f"The trainer list cannot be read: {exc}", "warn")
        return list(self._trainee.options)

    # -- build, wire, show ---------------------------------------------------------------------------------------
    def _build(self, rubric: str, trainee: str, observer: str, trainees: list[str]) -> None:
        big = widgets.Layout(width="auto", min_width="18em", height="2.6em")
        st = {"description_width": "6em"}
        self._trainee = widgets.Combobox(value=trainee, options=trainees, description="Trainee", placeholder="trainer id",
                                         ensure_option=False, style=st, layout=big)
        self._observer = widgets.Text(value=observer, description="Observer", placeholder="your name", style=st,
                                      layout=big)
        from ..models.demo import DemoRubric

        self._rubric = widgets.Dropdown(options=[(DemoRubric.load(n).title, n) for n in self.rubrics], value=rubric,
                                        description="Rubric", style=st, layout=big)
        self._who = widgets.HBox([self._trainee, self._observer, self._rubric], layout=widgets.Layout(flex_flow="row wrap"))
        self._timer = ActivityTimer([("Demo", 300.0)], large=False, clock=self._clock, driver=self._driver)
        self._timer._phases_row.layout.display = "none"
        self._timer._skip_btn.layout.display = "none"
        for b in (self._timer._start_btn, self._timer._pause_btn, self._timer._reset_btn):
            b.layout = widgets.Layout(width="9em", height="3em")
        self._items_box = widgets.VBox()
        self._note = widgets.Textarea(placeholder="What did you see or hear? (stamped with the demo's time)",
                                      layout=widgets.Layout(width="96%", height="4.5em"))
        self._note_btn = widgets.Button(description="Add timed note", icon="clock-o",
                                        layout=widgets.Layout(width="14em", height="3em"))
        self._notes = widgets.HTML()
        self._notes_box = widgets.VBox([widgets.HTML("<h3 style='margin:8px 0 2px'>Notes</h3>"), self._note,
                                        self._note_btn, self._notes])
        self._cells = {c: widgets.Textarea(layout=widgets.Layout(width="96%", height="5em")) for c in FEEDBACK_CELLS}
        self._cell_labels = {c: widgets.HTML() for c in FEEDBACK_CELLS}
        grid = widgets.GridspecLayout(2, 2, layout=widgets.Layout(grid_gap="8px"))
        for i, c in enumerate(FEEDBACK_CELLS):
            grid[i // 2, i % 2] = widgets.VBox([self._cell_labels[c], self._cells[c]])
        self._feedback_box = widgets.VBox([widgets.HTML("<h3 style='margin:8px 0 2px'>Feedback (2x2)</h3>"), grid])
        self._outcome = widgets.HTML()
        self._save_btn = widgets.Button(description="Save", button_style="primary", icon="save",
                                        layout=widgets.Layout(width="10em", height="3em"))
        self._new_btn = widgets.Button(description="Next demo", icon="plus", layout=widgets.Layout(width="10em", height="3em"))
        self._show_btn = widgets.Button(description="Show the trainee's view", icon="eye",
                                        layout=widgets.Layout(width="auto", min_width="16em", height="3em"))
        self._save_row = widgets.HBox([self._save_btn, self._new_btn, self._show_btn],
                                      layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        if self.store is None:  # a practice scorer: say so once instead of a Save that can only refuse
            self._save_btn.layout.display = "none"
            self._save_row.children = [*self._save_row.children, widgets.HTML(
                "<span style='margin-left:8px'>Practice: this demo stays on this page and is not saved.</span>")]
        self._trainee_view = widgets.HTML()
        self._trainee_shown = False  # once shown, the trainee's view follows every change
        self._status = widgets.HTML()
        self._marks: dict[str, str] = {}  # item -> mark chosen on this device

    def _wire(self) -> None:
        self._rubric.observe(lambda ch: self.new_demo(), names="value")
        self._note_btn.on_click(lambda _: self.note(self._note.value))
        self._save_btn.on_click(lambda _: self.save())
        self._new_btn.on_click(lambda _: self.new_demo())
        self._show_btn.on_click(lambda _: self.show_trainee_view())
        for w in (self._observer, self._trainee, *self._cells.values()):
            w.observe(lambda ch: self._refresh(), names="value")

    def _build_items(self) -> None:
        """One row per rubric item: its name, what to look for, and one large button per mark (a tap selects the
        mark, a second tap clears it: the item did not come up)."""
        r = self.demo.rubric
        style = {"positive": "success", "mixed": "warning", "growth": "danger"}
        rows = []
        self._marks = {}
        self._buttons: dict[str, dict[str, widgets.Button]] = {}
        for sec in r.sections:
            rows.append(widgets.HTML(f"<h3 style='margin:12px 0 2px'>{esc(sec['name'])}</h3>"))
            for item in sec["items"]:
                info = r.items[item]
                row, self._buttons[item] = _mark_row(
                    info["name"], info["look_for"], [(m, r.mark_labels[m], style[r.tones[m]]) for m in r.marks],
                    lambda m, item=item: self.mark(item, "" if self._marks.get(item) == m else m))
                rows.append(row)
        self._items_box.children = rows
        for c in FEEDBACK_CELLS:
            self._cell_labels[c].value = f"<b>{esc(r.prompts[c])}</b>"

    # -- actions -------------------------------------------------------------------------------------------------
    # The widgets hold the observer's sheet; the TeachingDemo is rebuilt from them on every change, so a name typed
    # late (or changed) still owns every mark, note and feedback text, and nothing typed is lost on an error.
    def _sync(self) -> TeachingDemo:
        demo = TeachingDemo(self._trainee.value.strip() or "(trainee)", self._rubric.value, held_on=self._held_on)
        name = self._observer.value.strip()
        if name:
            demo.sheet(name)
            for item, m in self._marks.items():
                demo.mark(name, item, m)
            for at, text in self._note_list:
                demo.note(name, text, at=at)
            for cell, w in self._cells.items():
                demo.write_feedback(name, cell, w.value)
        self.demo = demo
        return demo

    def _refresh(self) -> None:
        try:
            self._sync()
        except ValueError as exc:
            status(self._status, str(exc), "error", "Please check:")
            return
        self._show()
        if self._trainee_shown:
            self.show_trainee_view()

    @guarded()
    def new_demo(self) -> TeachingDemo:
        """Start a fresh demo sheet (the rubric chosen, the timer reset)."""
        from ..models.demo import DemoRubric

        rubric = DemoRubric.load(self._rubric.value)
        self._held_on = date.today()
        self._note_list: list[tuple[float, str]] = []
        self.saved_id = None
        self._timer.set_phases([("Demo", rubric.demo_minutes * 60.0)])
        self._timer._status.value = ""
        self.demo = TeachingDemo("(trainee)", rubric)
        self._build_items()
        self._trainee_shown = False
        for w in self._cells.values():
            w.value = ""
        self._note.value = ""
        self._trainee_view.value = ""
        self._status.value = ""
        self._refresh()
        return self.demo

    def _elapsed(self) -> float | None:
        """Seconds into the demo by its timer (``None`` before it has been started)."""
        self._timer.tick()
        m = self._timer.model
        elapsed = sum(sec for _, sec in m.phases) - m.total_remaining
        return None if elapsed == 0 and not m.running else elapsed

    def start(self) -> None:
        """Start (or resume) the demo's timer."""
        self._timer.start()

    def pause(self) -> None:
        self._timer.pause()

    @guarded()
    def mark(self, item: str, mark: str | None) -> None:
        """Mark a rubric item (``None`` or ``""`` clears it), as a tap on its button does."""
        self.demo.rubric.check_mark(item, mark or None)
        if mark:
            self._marks[item] = mark
        else:
            self._marks.pop(item, None)
        _show_choice(self._buttons[item], mark or None)
        self._refresh()

    @guarded()
    def note(self, text: str) -> None:
        """A note stamped with the demo's time (the text box keeps it if it cannot be added)."""
        from ..models.demo import MAX_NOTES, clean_text

        text = clean_text(text, "note")
        if len(self._note_list) >= MAX_NOTES:
            raise ValueError(f"this demo already has {MAX_NOTES} notes")
        at = self._elapsed()
        self._note_list.append((None if at is None else round(at, 1), text))
        self._note.value = ""
        self._refresh()

    @guarded()
    def write_feedback(self, cell: str, text: str) -> None:
        """Fill in one cell of the 2x2 feedback, as typing in its box does."""
        if cell not in self._cells:
            raise ValueError(f"{cell!r} is not a feedback cell (cells: {', '.join(FEEDBACK_CELLS)})")
        self._cells[cell].value = text

    @guarded()
    def save(self) -> int | None:
        """Save this observer's sheet to the store; other observers' sheets of the same demo are kept, so the
        demo's outcome is that of every observer together. Saving again replaces this observer's sheet."""
        if not self._observer.value.strip():
            raise ValueError("type your name as observer first")
        if not self._trainee.value.strip():
            raise ValueError("choose the trainee first")
        if self.store is None:
            raise ValueError("this scorer keeps demos in memory only (no store)")
        demo = self._sync()
        self.saved_id = self.store.save_demo(demo)
        merged = dict(self.store.demos(demo.trainee))[self.saved_id]
        out = merged.outcome()
        who = "observer" if len(merged.sheets) == 1 else "observers"
        agree = " The observers do not agree: talk it through before telling the trainee." if out.disagree else ""
        status(self._status, f"Saved. {demo.trainee}'s demo with {len(merged.sheets)} {who}: {out.result}.{agree}",
               "warn" if out.disagree else "ok")
        return self.saved_id

    def show_trainee_view(self) -> str:
        """Render what the trainee sees (escaped), and return it; from then on it follows every change."""
        self._trainee_shown = True
        v = self.demo.for_trainee()
        parts = [f"<h3 style='margin:8px 0'>{esc(v.rubric_title)}: feedback for {esc(self._trainee.value)}</h3>",
                 f"<p style='font-size:1.15em'><b>{esc(v.message)}</b></p>"]
        for cell in FEEDBACK_CELLS:
            if v.feedback[cell]:
                parts.append(f"<p><b>{esc(v.prompts[cell])}</b></p><ul>"
                             + "".join(f"<li>{esc(t)}</li>" for t in v.feedback[cell]) + "</ul>")
        if v.noticed:
            parts.append("<p><b>Noticed</b></p><ul>" + "".join(
                f"<li>{esc(n['name'])}: {esc(', '.join(f'{k} x{c}' for k, c in n['counts'].items()))}</li>"
                for n in v.noticed) + "</ul>")
        if v.notes:
            parts.append("<p><b>Notes</b></p><ul>" + "".join(
                f"<li>{esc(n.when())}: {esc(n.text)}</li>" for n in v.notes) + "</ul>")
        self._trainee_view.value = "<div style='border:1px solid #999;padding:6px 12px'>" + "".join(parts) + "</div>"
        return self._trainee_view.value

    def _show(self) -> None:
        out = self.demo.outcome()
        tone = {"pass": "ok", "redo": "warn"}.get(out.result, "info")
        self._outcome.value = message_html(out.message, tone, {"pass": "Pass so far.", "redo": "Redo so far.",
                                                               "not scored": "Not scored yet."}[out.result])
        if out.result == "not scored" and not self._observer.value.strip():
            self._outcome.value = message_html("Type your name as observer: your marks count from then on.", "info")
        self._notes.value = ("<ul>" + "".join(f"<li><b>{esc(TimedNote(at, text).when())}</b> {esc(text)}</li>"
                                              for at, text in self._note_list) + "</ul>") if self._note_list else ""


class ObservationScorer(widgets.VBox):
    """Fill in a module's fidelity checklist while observing a trainer deliver it: one row of large buttons per core
    component (as designed / adapted / left out), a comment, the score as it stands, and *Save*.

    Parameters
    ----------
    store : ProgrammeStore or str, optional
        Where *Save* writes (default: the kit's store).
    module, trainer, observer : str, optional
    """

    def __init__(self, store: Any = None, module: str | None = None, trainer: str = "", observer: str = "",
                 **kwargs: Any) -> None:
        self.store = _store(store)
        st = {"description_width": "6em"}
        big = widgets.Layout(width="auto", min_width="18em", height="2.6em")
        self._module = widgets.Dropdown(options=checklist_modules(), description="Module", style=st, layout=big)
        if module:
            self._module.value = module
        self._trainer = widgets.Text(value=trainer, description="Trainer", placeholder="trainer id", style=st, layout=big)
        self._observer = widgets.Text(value=observer, description="Observer", placeholder="your name", style=st,
                                      layout=big)
        self._rows = widgets.VBox()
        self._comment = widgets.Textarea(placeholder="What would you coach on? (optional)",
                                         layout=widgets.Layout(width="96%", height="4em"))
        self._score = widgets.HTML()
        self._save_btn = widgets.Button(description="Save", button_style="primary", icon="save",
                                        layout=widgets.Layout(width="10em", height="3em"))
        self._status = widgets.HTML()
        self.marks: dict[str, str] = {}
        self.saved_id: int | None = None
        super().__init__(children=[widgets.HBox([self._module, self._trainer, self._observer],
                                                layout=widgets.Layout(flex_flow="row wrap")),
                                   self._rows, self._comment, self._score, self._save_btn, self._status], **kwargs)
        self.add_class("ttt-observation-scorer")
        self._module.observe(lambda _: self._build_rows(), names="value")
        self._save_btn.on_click(lambda _: self.save())
        self._build_rows()

    def _build_rows(self) -> None:
        from ..models.observation import ObservationChecklist, core_components

        self.marks = {}
        self.saved_id = None
        options = ObservationChecklist(self._module.value, "x", "x").mark_options
        style = {1: "success", 0.5: "warning", 0: "danger"}
        self._buttons: dict[str, dict[str, widgets.Button]] = {}
        rows = []
        for comp in core_components(self._module.value):
            row, self._buttons[comp["id"]] = _mark_row(
                comp["name"], comp["evidence"],
                [(m, info["label"], style.get(info["credit"], "info")) for m, info in options.items()],
                lambda m, c=comp["id"]: self.mark(c, None if self.marks.get(c) == m else m))
            rows.append(row)
        self._rows.children = rows
        self._show()

    def checklist(self):
        """The checklist as filled in on this page (raises ValueError naming what is missing)."""
        from ..models.observation import ObservationChecklist

        c = ObservationChecklist(self._module.value, self._trainer.value.strip(), self._observer.value.strip(),
                                 generation=0, comment=self._comment.value)
        for comp, m in self.marks.items():
            c.mark(comp, m)
        return c

    @guarded()
    def mark(self, component: str, mark: str | None) -> None:
        """Mark a core component (``None`` clears it), as a tap on its button does."""
        if component not in self._buttons:
            raise ValueError(f"{component!r} is not a core component of {self._module.value}")
        if mark is not None and mark not in self._buttons[component]:
            raise ValueError(f"{mark!r} is not a mark (marks: {', '.join(self._buttons[component])})")
        if mark is None:
            self.marks.pop(component, None)
        else:
            self.marks[component] = mark
        _show_choice(self._buttons[component], mark)
        self._show()

    def _show(self) -> None:
        from ..models.observation import ObservationChecklist

        c = ObservationChecklist(self._module.value, "x", "x")
        for comp, m in self.marks.items():
            c.mark(comp, m)
        score = c.score()
        left = c.missing()
        self._score.value = ("<p style='font-size:1.15em'>Not marked yet.</p>" if score is None else
                             f"<p style='font-size:1.15em'>Score so far: <b>{score:.0%}</b>"
                             + (f" ({len(left)} component(s) not marked)" if left else "") + "</p>")

    @guarded()
    def save(self) -> int:
        """Save the checklist, tagged with the trainer's generation from the roster."""
        trainer = self._trainer.value.strip()
        if not trainer or not self._observer.value.strip():
            raise ValueError("type the trainer's id and your name first")
        pool = self.store.pool()
        if trainer not in pool.trainers:
            raise ValueError(f"no trainer {trainer!r} in the programme: add them to the roster first")
        c = self.checklist()
        if not c.complete:
            raise ValueError(f"mark every core component first ({', '.join(c.missing())} not marked)")
        c.generation = pool.trainers[trainer].generation
        self.saved_id = self.store.save_observation(c)
        status(self._status, f"Saved: {trainer} delivering {c.module}, {c.score():.0%} of the core components.", "ok")
        return self.saved_id
