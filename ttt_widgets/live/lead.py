"""Lead panels for Voila dashboards: the room's answers, refreshed on their own while the page is open.

Each panel polls the session's change counter (one indexed row) about every 0.5 s on the kernel's running asyncio
loop; database reads and chart rendering run in a worker thread, so the kernel never blocks. A panel stops polling
when it is closed (and Voila shuts the kernel down when the page is closed). Outside a running event loop (a plain
script, a test) call :meth:`refresh` yourself.

Trainee text is shown escaped and shielded from MathJax (see ``_safe.text_html``): ``<img src=x onerror=...>``
or ``$$\\href{javascript:...}$$`` appear as those characters, and nothing runs.

>>> from ttt_widgets.live import ResponseStore, LiveResults
>>> store = ResponseStore("sqlite://")
>>> code = store.open_session("Demo")
>>> store.add_question(code, "Ready?", "poll", ["yes", "no"])
>>> panel = LiveResults(code, "Ready?", store=store)
>>> panel.counts
{'yes': 0, 'no': 0}
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

import ipywidgets as widgets

from ..plots import HATCHES, PALETTE, figure_html, new_figure
from ..views._common import esc, message_html
from . import identity
from ._safe import mpl_text, text_html
from .store import STATUS_QUESTION, STATUSES

__all__ = ["LiveResults", "WordWallBoard", "QuestionBoard", "StatusBoard", "ExitTicketBoard", "LiveDashboard"]

log = logging.getLogger("ttt_widgets")

#: how often panels look at the change counter (seconds); the issue asks for changes visible within 1 s
POLL_INTERVAL = 0.5


def _store_for(store):
    return store if store is not None else identity.get_store()


class _Poller:
    """Polls a session's change counter on the running event loop and refreshes panels when it moved."""

    def __init__(self, store, session: str, panels: Callable[[], list], owner: widgets.Widget,
                 interval: float = POLL_INTERVAL) -> None:
        self.store, self.session, self.panels, self.owner, self.interval = store, session, panels, owner, interval
        self.task: asyncio.Task | None = None
        self.ticks = 0

    def start(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = None
        panels = None
        while self.owner.comm is not None or not self.ticks:  # closed widgets have no comm: stop
            self.ticks += 1
            try:
                rev = await loop.run_in_executor(None, self.store.revision, self.session)
                if rev != last or panels is None:
                    panels = self.panels()
                    payloads = await loop.run_in_executor(None, lambda: [p._fetch() for p in panels])
                    for p, data in zip(panels, payloads):
                        p._apply(data)
                        if p._status.value:
                            p._status.value = ""
                    last = rev
                for p in panels:
                    p._tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep polling; show the problem on the panel
                for p in panels or [self.owner]:
                    if hasattr(p, "_offline"):
                        p._offline(exc)
                last = None
            await asyncio.sleep(self.interval)


class _Polling:
    """Start/stop of a widget's own :class:`_Poller` (kept in ``self._poller``)."""

    @property
    def polling(self) -> bool:
        """True while the widget refreshes itself."""
        return self._poller.running

    def start(self) -> bool:
        """Start refreshing on the running event loop; False when there is none."""
        return self._poller.start()

    def stop(self) -> None:
        poller = getattr(self, "_poller", None)
        if poller is not None:
            poller.stop()


class _Panel(_Polling, widgets.VBox):
    """Base of the lead's panels: fetch (worker thread) then apply (event loop), with its own poller."""

    def __init__(self, session: str, store=None, autorefresh: bool = True, interval: float = POLL_INTERVAL,
                 **kwargs: Any) -> None:
        self.session = session
        self.store = _store_for(store)
        self._status = widgets.HTML()
        self._build()
        super().__init__(children=[*self._children(), self._status], **kwargs)
        self.add_class("ttt-live-panel")
        self._poller = _Poller(self.store, session, lambda: [self], self, interval)
        self.refresh()
        if autorefresh:
            self._poller.start()

    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _children(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fetch(self) -> Any:  # worker thread: read the store, render what is heavy
        raise NotImplementedError

    def _apply(self, data: Any) -> None:  # event loop: set widget values
        raise NotImplementedError

    def _tick(self) -> None:
        pass

    def _offline(self, exc: Exception) -> None:
        self._status.value = message_html(f"The response store cannot be reached ({exc}); showing the last results "
                                          "and trying again.", "error")

    def refresh(self) -> None:
        """Read the store now and redraw (what the poller does when the change counter moves)."""
        try:
            self._apply(self._fetch())
            self._status.value = ""
        except ValueError as exc:
            self._status.value = message_html(str(exc), "error", "Please check:")
        except Exception as exc:  # noqa: BLE001
            self._offline(exc)

    def close(self) -> None:
        self.stop()
        super().close()


class LiveResults(_Panel):
    """A live bar chart of a poll, scale or status question, with counts as text (and alt text on the chart).

    >>> LiveResults("K7P2QX", "Ready?")  # doctest: +SKIP
    """

    def __init__(self, session: str, question: str, **kwargs: Any) -> None:
        self.question = question
        self.counts: dict[str, int] = {}
        self.n = 0
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML(text_html(self.question, "div", "font-weight:600;font-size:1.15em"))
        self._chart = widgets.HTML()
        self._text = widgets.HTML()

    def _children(self) -> list:
        return [self._title, self._chart, self._text]

    def _fetch(self) -> dict:
        summary = self.store.summary(self.session, self.question)
        counts = summary["counts"]
        labels = summary.get("labels") or list(counts)
        names = [f"{k} {labels[i]}" if summary["kind"] == "scale" else k for i, k in enumerate(counts)]
        fig, ax = new_figure(6.4, 0.5 + 0.45 * len(counts))
        values = list(counts.values())
        ys = list(range(len(values)))[::-1]
        for y, v, i in zip(ys, values, range(len(values))):
            ax.barh(y, v, color=PALETTE[i % len(PALETTE)], hatch=HATCHES[i % len(HATCHES)], edgecolor="#333333")
            ax.text(v, y, f" {v}", va="center")
        ax.set_yticks(ys, [mpl_text(n) for n in names])
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlabel("answers")
        alt = f"{self.question}: " + ", ".join(f"{n}: {v}" for n, v in zip(names, values))
        return {"summary": summary, "chart": figure_html(fig, alt), "names": names}

    def _apply(self, data: dict) -> None:
        s = data["summary"]
        self.counts, self.n = dict(s["counts"]), s["n"]
        self._chart.value = data["chart"]
        mean = f" · mean {s['mean']:.2f}" if s.get("mean") is not None else ""
        self._text.value = f"<div>{self.n} answer(s){esc(mean)}</div>"


class WordWallBoard(_Panel):
    """The word wall: every short answer as text (escaped), with Hide/Unhide for moderation.

    >>> WordWallBoard("K7P2QX", "One word for today:")  # doctest: +SKIP
    """

    def __init__(self, session: str, question: str, **kwargs: Any) -> None:
        self.question = question
        self.texts: list[dict] = []
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML(text_html(self.question, "div", "font-weight:600;font-size:1.15em"))
        self._wall = widgets.HTML()
        self._moderation = widgets.VBox()
        self._moderate = widgets.Accordion(children=[self._moderation], titles=("Moderate (hide or unhide)",))
        self._moderate.selected_index = None

    def _children(self) -> list:
        return [self._title, self._wall, self._moderate]

    def _fetch(self) -> list[dict]:
        texts = self.store.summary(self.session, self.question)["texts"]
        if self.store.session_info(self.session)["show_names"]:  # the lead turned names on: moderation shows them
            names = {r["id"]: r["participant"] for r in self.store.responses(self.session, self.question)}
            texts = [{**t, "name": names.get(t["id"], "")} for t in texts]
        return texts

    def _apply(self, texts: list[dict]) -> None:
        if texts == self.texts and self._wall.value:
            return
        self.texts = texts
        visible = [t for t in texts if not t["hidden"]]
        counts: dict[str, int] = {}
        for t in visible:
            counts[t["text"].casefold()] = counts.get(t["text"].casefold(), 0) + 1
        chips = []
        for t in visible:
            size = min(2.2, 1.0 + 0.3 * (counts[t["text"].casefold()] - 1))
            chips.append(text_html(t["text"], "span", f"display:inline-block;margin:4px 8px;padding:2px 8px;"
                                   f"border-radius:4px;background:#e8f1fb;font-size:{size}em"))
        self._wall.value = ("<div class='ttt-wordwall'>" + "".join(chips) + "</div>") if chips else \
            "<div class='ttt-wordwall'><em>No answers yet.</em></div>"
        rows = []
        for t in texts:
            btn = widgets.Button(description="Unhide" if t["hidden"] else "Hide", layout=widgets.Layout(width="80px"),
                                 tooltip="Show this answer again" if t["hidden"] else "Hide this answer from the wall")
            btn.on_click(lambda _, i=t["id"], h=t["hidden"]: self.unhide(i) if h else self.hide(i))
            shown = f"{t['name']}: {t['text']}" if t.get("name") else t["text"]
            rows.append(widgets.HBox([btn, widgets.HTML(text_html(shown, "span", "color:#888" if t["hidden"] else ""))]))
        self._moderation.children = rows

    def hide(self, answer_id: int) -> None:
        """Hide one answer from the wall (it stays in the store and the export)."""
        self.store.set_hidden(self.session, self.question, answer_id, True)
        self.refresh()

    def unhide(self, answer_id: int) -> None:
        self.store.set_hidden(self.session, self.question, answer_id, False)
        self.refresh()


class QuestionBoard(_Panel):
    """The anonymous question queue, most votes first, with "Answered" and "Hide".

    >>> QuestionBoard("K7P2QX")  # doctest: +SKIP
    """

    def __init__(self, session: str, **kwargs: Any) -> None:
        self.items: list[dict] = []
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML("<div style='font-weight:600;font-size:1.15em'>Questions from the room</div>")
        self._list = widgets.VBox()

    def _children(self) -> list:
        return [self._title, self._list]

    def _fetch(self) -> list[dict]:
        return self.store.queue(self.session)

    def _apply(self, items: list[dict]) -> None:
        if items == self.items and self._list.children:
            return
        self.items = items
        rows = []
        for item in items:
            votes = widgets.HTML(f"<strong style='font-size:1.2em'>▲ {int(item['votes'])}</strong>",
                                 layout=widgets.Layout(width="60px"))
            done = widgets.Button(description="Answered" if not item["answered"] else "Reopen",
                                  button_style="" if item["answered"] else "success", layout=widgets.Layout(width="90px"))
            done.on_click(lambda _, i=item["id"], a=item["answered"]: self.mark_answered(i, not a))
            hide = widgets.Button(description="Hide", layout=widgets.Layout(width="60px"), tooltip="Remove from the board")
            hide.on_click(lambda _, i=item["id"]: self.hide(i))
            style = "color:#888;text-decoration:line-through" if item["answered"] else ""
            rows.append(widgets.HBox([votes, done, hide, widgets.HTML(text_html(item["text"], "span", style))]))
        self._list.children = rows or [widgets.HTML("<em>No questions yet.</em>")]

    def mark_answered(self, ask_id: int, answered: bool = True) -> None:
        self.store.mark_answered(self.session, ask_id, answered)
        self.refresh()

    def hide(self, ask_id: int) -> None:
        self.store.hide_ask(self.session, ask_id, True)
        self.refresh()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class StatusBoard(_Panel):
    """How the room is doing: counts of stuck / working / done, and how long the oldest "stuck" has waited.

    >>> StatusBoard("K7P2QX")  # doctest: +SKIP
    """

    _COLOURS = {"stuck": ("#8e1b1b", "#fdecea"), "working": ("#6d4c00", "#fff4d6"), "done": ("#1b5e20", "#e8f5e9")}

    def __init__(self, session: str, question: str = STATUS_QUESTION, **kwargs: Any) -> None:
        self.question = question
        self.counts = dict.fromkeys(STATUSES, 0)
        self._stuck_since: float | None = None
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._tiles = widgets.HTML()
        self._wait = widgets.Label()

    def _children(self) -> list:
        return [widgets.HTML("<div style='font-weight:600;font-size:1.15em'>Status board</div>"), self._tiles, self._wait]

    def _fetch(self) -> dict | None:
        names = {q["question"] for q in self.store.questions(self.session)}
        if self.question not in names:
            return None
        return self.store.summary(self.session, self.question)

    def _apply(self, summary: dict | None) -> None:
        counts = dict(summary["counts"]) if summary else dict.fromkeys(STATUSES, 0)
        self.counts = counts
        age = summary.get("oldest_stuck_seconds") if summary else None
        self._stuck_since = None if age is None else time.time() - age
        tiles = []
        for s in STATUSES:
            fg, bg = self._COLOURS[s]
            tiles.append(f"<div style='display:inline-block;min-width:120px;margin:4px;padding:8px 14px;border-radius:4px;"
                         f"color:{fg};background:{bg};border-left:6px solid {fg}'><div style='font-size:2em;"
                         f"font-weight:700'>{counts.get(s, 0)}</div><div>{s}</div></div>")
        self._tiles.value = "<div>" + "".join(tiles) + "</div>"
        self._tick()

    def _tick(self) -> None:
        if self._stuck_since is None:
            self._wait.value = "Nobody is stuck."
        else:
            self._wait.value = f"Oldest 'stuck' has waited {_duration(time.time() - self._stuck_since)}."

    @property
    def oldest_stuck_seconds(self) -> float | None:
        return None if self._stuck_since is None else time.time() - self._stuck_since


class ExitTicketBoard(_Panel):
    """Exit tickets side by side: what worked, what to change (anonymous, escaped).

    >>> ExitTicketBoard("K7P2QX")  # doctest: +SKIP
    """

    def __init__(self, session: str, question: str = "Exit ticket", **kwargs: Any) -> None:
        self.question = question
        self.worked: list[str] = []
        self.change: list[str] = []
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._count = widgets.Label()
        self._worked = widgets.HTML()
        self._change = widgets.HTML()

    def _children(self) -> list:
        return [widgets.HTML(text_html(self.question, "div", "font-weight:600;font-size:1.15em")), self._count,
                widgets.HBox([self._worked, self._change])]

    def _fetch(self) -> dict | None:
        names = {q["question"] for q in self.store.questions(self.session)}
        return self.store.summary(self.session, self.question) if self.question in names else None

    def _apply(self, s: dict | None) -> None:
        self.worked = s["worked"] if s else []
        self.change = s["change"] if s else []
        self._count.value = f"{len(self.worked)} ticket(s)"

        def column(title: str, items: list[str]) -> str:
            lis = "".join(f"<li>{text_html(t)}</li>" for t in items)
            return f"<div style='min-width:300px;margin-right:24px'><strong>{esc(title)}</strong><ul>{lis}</ul></div>"
        self._worked.value = column("What worked", self.worked)
        self._change.value = column("What to change", self.change)


_PANEL_FOR_KIND = {"poll": LiveResults, "multi": LiveResults, "scale": LiveResults, "words": WordWallBoard,
                   "exit": ExitTicketBoard}


class LiveDashboard(_Polling, widgets.VBox):
    """The lead's dashboard for one session: the join code, large, then every live panel.

    Panels for questions added later (by the lead, or by trainees' widgets when they first send) appear on their
    own. One poller refreshes every panel.

    Parameters
    ----------
    session : str, optional
        A join code; by default a new session is opened with ``title``.
    questions : list of (question, kind, options), optional
        Questions to add to the session up front.

    Examples
    --------
    >>> from ttt_widgets.live import ResponseStore
    >>> dash = LiveDashboard(title="Demo", store=ResponseStore("sqlite://"))
    >>> len(dash.code)
    6
    """

    def __init__(self, session: str | None = None, title: str = "Live session", store=None,
                 questions: list | None = None, interval: float = POLL_INTERVAL, **kwargs: Any) -> None:
        self.store = _store_for(store)
        self.code = session or self.store.open_session(title)
        self.store.add_question(self.code, STATUS_QUESTION, "status")
        for q in questions or []:
            self.store.add_question(self.code, *q)
        info = self.store.session_info(self.code)
        self.title = info["title"]
        self.panels: dict[str, _Panel] = {}
        self._build()
        super().__init__(children=[self._header, self._grid, self._controls, self._message], **kwargs)
        self.add_class("ttt-live-dashboard")
        self._questions = [tuple(q) for q in questions or []]
        self._interval = interval
        self._wire()
        self._poller = _Poller(self.store, self.code, self._all_panels, self, interval)
        self._sync_panels()
        self._poller.start()

    @classmethod
    def from_env(cls, title: str = "Live session", store=None, max_age_hours: float = 12, **kwargs: Any) -> "LiveDashboard":
        """The lead's session: ``TTT_SESSION`` when set, else the newest session with this title opened in the last
        ``max_age_hours`` (so reloading the page, or a preheated kernel, keeps the room's code), else a new one.
        The dashboard's "New session" button starts a fresh one."""
        store = _store_for(store)
        code = identity.current_session() or store.latest_session(title, max_age_hours)
        return cls(session=code, title=title, store=store, **kwargs)

    def new_session(self) -> str:
        """Open a new session with the same title and questions and show it; returns its join code."""
        try:
            code = self.store.open_session(self.title)
            for q in self._questions:
                self.store.add_question(code, *q)
            self.store.add_question(code, STATUS_QUESTION, "status")
        except Exception as exc:  # noqa: BLE001 - a widget callback must not raise into the page
            self._message.value = message_html(f"Could not open a new session ({exc}).", "error")
            return self.code
        self.stop()
        for p in [self.status, self.queue, *self.panels.values()]:
            p.close()
        self.code = code
        self.panels = {}
        self._build()
        self.children = [self._header, self._grid, self._controls, self._message]
        self._wire()
        self._poller = _Poller(self.store, self.code, self._all_panels, self, self._interval)
        self._sync_panels()
        self._poller.start()
        self._message.value = message_html(f"New session {code}: read the new code out to the room.", "ok")
        return code

    def _build(self) -> None:
        self._header = widgets.HTML(
            "<div style='display:flex;align-items:baseline;gap:24px;flex-wrap:wrap'>"
            f"{text_html(self.title, 'div', 'font-size:1.6em;font-weight:600')}"
            "<div>Join with <code>ttt_widgets.live.join(\"" + esc(self.code) + "\")</code></div>"
            f"<div class='ttt-join-code' aria-label='join code' style='font-size:4em;font-weight:800;letter-spacing:0.15em;"
            f"font-family:monospace'>{esc(self.code)}</div></div>")
        self._names = widgets.Checkbox(value=bool(self.store.session_info(self.code)["show_names"]), indent=False,
                                       description="Show names (moderation list and export)")
        self._export_btn = widgets.Button(description="Export CSV", icon="download",
                                          tooltip="Save every answer of this session to a CSV file")
        self._message = widgets.HTML()
        self._new_btn = widgets.Button(description="New session", icon="plus",
                                       tooltip="Open a new session with a new join code (the current one stays readable)")
        self._controls = widgets.HBox([self._names, self._export_btn, self._new_btn])
        self.status = StatusBoard(self.code, store=self.store, autorefresh=False)
        self.queue = QuestionBoard(self.code, store=self.store, autorefresh=False)
        self._grid = widgets.VBox([widgets.HBox([self.status, self.queue])])

    def _wire(self) -> None:
        self._names.observe(lambda change: self.set_show_names(change["new"]), names="value")
        self._export_btn.on_click(lambda _: self.export_csv())
        self._new_btn.on_click(lambda _: self.new_session())

    def _all_panels(self) -> list:
        self._sync_panels()
        return [self.status, self.queue, *self.panels.values()]

    def _sync_panels(self) -> None:
        """Add a panel for every question of the session that has none yet."""
        added = False
        for q in self.store.questions(self.code):
            if q["question"] in self.panels or q["kind"] == "status":
                continue
            cls = _PANEL_FOR_KIND.get(q["kind"])
            if cls is None:
                continue
            self.panels[q["question"]] = cls(self.code, q["question"], store=self.store, autorefresh=False,
                                             layout=widgets.Layout(border="1px solid #ddd", padding="6px", margin="4px"))
            added = True
        if added:
            self._grid.children = [self._grid.children[0], *self.panels.values()]

    def set_show_names(self, show: bool) -> None:
        """Let the lead see who wrote what (moderation list and CSV export); off by default."""
        try:
            self.store.set_show_names(self.code, show)
        except Exception as exc:  # noqa: BLE001 - a widget callback must not raise into the page
            self._message.value = message_html(f"Could not change the setting ({exc}).", "error")
            return
        if self._names.value != bool(show):
            self._names.value = bool(show)
        self._message.value = message_html("Names are shown to you." if show else "Answers are anonymous.", "info")
        self.refresh()

    def export_csv(self, path=None):
        """Save the session's answers to a CSV file (default: ``exports/<code>.csv`` in the data directory)."""
        from pathlib import Path

        from ..config import data_dir

        target = Path(path) if path else data_dir() / "exports" / f"{self.code}.csv"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            written = self.store.export_csv(self.code, target)
        except Exception as exc:  # noqa: BLE001
            self._message.value = message_html(f"The export failed ({exc}).", "error")
            return None
        self._message.value = message_html(f"Saved {written}", "ok", "Exported.")
        return written

    def refresh(self) -> None:
        """Re-read everything now."""
        for p in self._all_panels():
            p.refresh()

    def close(self) -> None:
        self.stop()
        for p in [getattr(self, "status", None), getattr(self, "queue", None), *getattr(self, "panels", {}).values()]:
            if p is not None:
                p.close()
        super().close()
