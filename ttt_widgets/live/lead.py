"""Lead panels for Voila dashboards: the room's answers, refreshed on their own while the page is open.

Each panel watches the session's change counter (one indexed row) on the kernel's running asyncio loop. Served by
``ttt present``, the kernel is told of a change: it holds a long poll open on the live service, which answers the
moment an answer is stored (on PostgreSQL, as soon as any writer commits, by ``LISTEN/NOTIFY``). Elsewhere it looks
at the counter about every 0.5 s. Database reads run in a worker thread, so the kernel never blocks. A panel stops
when it is closed (and Voila shuts the kernel down when the page is closed). Outside a running event loop (a plain
script, a test) call :meth:`refresh` yourself.

Panels keep their row widgets and update them in place; rows that go away are closed, so a long session does not
pile up widgets in the kernel or the page.

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

from ..plots import PALETTE, bars_html
from ..views._common import esc, message_html, replace_options
from . import identity
from ._safe import text_html
from .store import QUEUE, STATUS_QUESTION, STATUSES, word_key

__all__ = ["LiveResults", "WordWallBoard", "QuestionBoard", "StatusBoard", "ExitTicketBoard", "LiveDashboard"]

log = logging.getLogger("ttt_widgets")

#: how often panels look at the change counter (seconds) when the live service does not push changes
POLL_INTERVAL = 0.5
#: the most words a word cloud shows (the most frequent; the rest are counted below it)
CLOUD_WORDS = 400


def _store_for(store):
    return store if store is not None else identity.get_store()


class _Poller:
    """Polls a session's change counter on the running event loop and refreshes panels when it moved."""

    def __init__(self, store, session: str, panels: Callable[[], list], owner: widgets.Widget,
                 interval: float = POLL_INTERVAL) -> None:
        self.store, self.session, self.panels, self.owner, self.interval = store, session, panels, owner, interval
        self.task: asyncio.Task | None = None
        self.ticks = 0
        #: True while changes are pushed by the live service (else the counter is polled)
        self.pushed = False

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

    def _wait_for_change(self, since) -> int:
        """The session's revision once it differs from ``since`` (at most ``interval`` s of waiting by polling;
        up to a second on the live service's long poll, which answers at once when an answer arrives)."""
        service = _service()
        if service is not None and since is not None:
            try:
                return service.wait(self.session, since, timeout=1.0)
            except Exception:  # noqa: BLE001 - the service is down or old: look at the store instead
                self.pushed = False
        self.pushed = False
        return self.store.revision(self.session)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = None
        panels = None
        while self.owner.comm is not None or not self.ticks:  # closed widgets have no comm: stop
            self.ticks += 1
            self.pushed = _service() is not None and last is not None
            try:
                before = getattr(self.owner, "_before_look", None)
                if before is not None and await loop.run_in_executor(None, before):
                    last, panels = None, None  # the dashboard switched sessions: read everything again
                rev = await loop.run_in_executor(None, self._wait_for_change, last)
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
                self.pushed = False
            if not self.pushed:
                await asyncio.sleep(self.interval)


class _ServiceWatch:
    """The lead's long poll on the live service (``ttt present`` tells its kernels where it is)."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url, self.token = url.rstrip("/"), token

    def wait(self, code: str, since: int, timeout: float) -> int:
        import json
        import urllib.request

        req = urllib.request.Request(f"{self.url}/ttt/api/sessions/{code}/wait?since={int(since)}&timeout={timeout}")
        if self.token:
            req.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(req, timeout=timeout + 5) as resp:  # noqa: S310 - our own service
            return int(json.loads(resp.read())["revision"])


def _service() -> _ServiceWatch | None:
    from ..config import env

    url = env("SERVICE_URL")
    if not url or env("PUSH") == "0":  # TTT_PUSH=0: look at the store every 0.5 s instead (for comparison)
        return None
    return _ServiceWatch(url, env("LEAD_TOKEN"))


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
    """A live bar chart of a poll, scale or status question, with counts as text.

    In answer-first mode the bars stay hidden until the lead reveals them (the count of answers still shows).

    >>> LiveResults("K7P2QX", "Ready?")  # doctest: +SKIP
    """

    def __init__(self, session: str, question: str, **kwargs: Any) -> None:
        self.question = question
        self.counts: dict[str, int] = {}
        self.n = 0
        self.hidden = False
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML(text_html(self.question, "div", "font-weight:600;font-size:1.15em"))
        self._chart = widgets.HTML()
        self._text = widgets.HTML()

    def _children(self) -> list:
        return [self._title, self._chart, self._text]

    def _fetch(self) -> dict:
        summary = self.store.summary(self.session, self.question)
        state = self.store.state(self.session)
        qstate = state["questions"].get(self.question, {})
        return {"summary": summary, "hidden": state["answer_first"] and not qstate.get("revealed"),
                "closed": qstate.get("closed", False)}

    def _apply(self, data: dict) -> None:
        s = data["summary"]
        self.counts, self.n, self.hidden = dict(s["counts"]), s["n"], data["hidden"]
        labels = s.get("labels") or list(self.counts)
        numbered = s["kind"] == "scale" and labels != list(self.counts)
        names = [f"{k} {labels[i]}" if numbered else k for i, k in enumerate(self.counts)]
        note = "Answer first: the results stay hidden until you reveal them." if self.hidden else None
        values = [0] * len(names) if self.hidden else list(self.counts.values())
        chart = bars_html(self.question, names, values, note)
        if self._chart.value != chart:
            self._chart.value = chart
        mean = f" · mean {s['mean']:.2f}" if s.get("mean") is not None and not self.hidden else ""
        closed = " · closed" if data["closed"] else ""
        if self.n == 0 and not data["closed"]:  # an empty chart says how to fill it
            self._text.value = ("<div>No answers yet: choose this question under <i>Run the room</i> and press "
                                "<i>Show</i> to put it on the phones.</div>")
        else:
            self._text.value = f"<div>{self.n} answer(s){esc(mean)}{closed}</div>"


class WordWallBoard(_Panel):
    """The word cloud: every word the room sent, larger the more people sent it (escaped text), with Hide/Unhide
    per word for moderation. A trainee may send several words.

    >>> WordWallBoard("K7P2QX", "One word for today:")  # doctest: +SKIP
    """

    def __init__(self, session: str, question: str, **kwargs: Any) -> None:
        self.question = question
        self.texts: list[dict] = []
        self.words: list[dict] = []
        self._rows: dict[str, widgets.HBox] = {}
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML(text_html(self.question, "div", "font-weight:600;font-size:1.15em"))
        self._wall = widgets.HTML()
        self._moderation = widgets.VBox()
        self._moderate = widgets.Accordion(children=[self._moderation], titles=("Moderate (hide or unhide)",))
        self._moderate.selected_index = None
        self._names_seen: dict[str, list[str]] = {}
        self._moderate.observe(lambda change: change["new"] is not None and self._build_moderation(),
                               names="selected_index")

    def _children(self) -> list:
        return [self._title, self._wall, self._moderate]

    def _fetch(self) -> dict:
        summary = self.store.summary(self.session, self.question)
        names: dict[str, list[str]] = {}
        if self.store.session_info(self.session)["show_names"]:  # the lead turned names on: moderation shows them
            for r in self.store.responses(self.session, self.question):
                for entry in (r["value"] if isinstance(r["value"], list) else [r["value"]]):
                    names.setdefault(word_key(entry), []).append(r["participant"])
        return {"texts": summary["texts"], "words": summary["words"], "names": names}

    def _apply(self, data: dict) -> None:
        if (data["texts"] == self.texts and data["words"] == self.words and self._wall.value
                and data["names"] == self._names_seen):  # names turned off must leave the rows too
            return
        self.texts, self.words = data["texts"], data["words"]
        top = max([w["count"] for w in self.words] or [1])
        chips = []
        for i, w in enumerate(self.words):
            size = 1.0 + 2.0 * (w["count"] - 1) / max(1, top - 1) if top > 1 else 1.2
            chips.append(text_html(w["word"], "span", f"display:inline-block;margin:0.15em 0.4em;line-height:1.2;"
                                   f"font-size:{size:.2f}em;font-weight:{700 if w['count'] > 1 else 500};"
                                   f"color:{PALETTE[i % 6]}"))
        more = len(self.words) - CLOUD_WORDS
        tail = f"<div style='color:#555'>and {more} more word(s)</div>" if more > 0 else ""
        self._wall.value = ("<div class='ttt-wordwall' style='text-align:center'>" + "".join(chips[:CLOUD_WORDS])
                            + "</div>" + tail if chips else "<div class='ttt-wordwall'><em>No answers yet.</em></div>")
        self._names_seen = data["names"]
        if self._moderate.selected_index is not None:
            self._build_moderation()

    def _build_moderation(self) -> None:
        """One moderation row per distinct word, kept and updated in place; built only while the section is open
        (a room of 200 sends hundreds of words: no widgets for them until the lead looks)."""
        seen: dict[str, dict] = {}
        for t in self.texts:
            entry = seen.setdefault(word_key(t["text"]), {"text": t["text"], "hidden": False, "count": 0})
            entry["count"] += 1
            entry["hidden"] = entry["hidden"] or t["hidden"]
        rows = []
        for key, entry in seen.items():
            row = self._rows.get(key)
            if row is None:
                btn = widgets.Button(layout=widgets.Layout(width="auto"))
                btn.on_click(lambda b, k=key: self.hide_word(k, not b._ttt_hidden))
                row = self._rows[key] = widgets.HBox([btn, widgets.HTML()])
            btn, label = row.children
            btn._ttt_hidden = entry["hidden"]
            btn.description = "Unhide" if entry["hidden"] else "Hide"
            btn.tooltip = "Show this word again" if entry["hidden"] else "Hide this word from the cloud"
            who = self._names_seen.get(key)
            shown = f"{entry['text']} ({entry['count']})" + (f": {', '.join(who)}" if who else "")
            label.value = text_html(shown, "span", "color:#888" if entry["hidden"] else "")
            rows.append(row)
        for key in [k for k in self._rows if k not in seen]:
            for w in (*self._rows[key].children, self._rows.pop(key)):
                w.close()
        self._moderation.children = rows

    def hide_word(self, word: str, hidden: bool = True) -> None:
        """Hide (or unhide) a word from the cloud, whoever sent it (it stays in the store and the export)."""
        self.store.hide_word(self.session, self.question, word, hidden)
        self.refresh()

    def hide(self, answer_id: int) -> None:
        """Hide one participant's entries from the cloud."""
        self.store.set_hidden(self.session, self.question, answer_id, True)
        self.refresh()

    def unhide(self, answer_id: int) -> None:
        self.store.set_hidden(self.session, self.question, answer_id, False)
        self.refresh()


class QuestionBoard(_Panel):
    """The anonymous question queue, most votes first, with "Answered" and "Hide"; in approve-before-show mode the
    questions waiting for approval come first, with "Approve".

    >>> QuestionBoard("K7P2QX")  # doctest: +SKIP
    """

    def __init__(self, session: str, **kwargs: Any) -> None:
        self.items: list[dict] = []
        self._rows: dict[int, widgets.HBox] = {}
        super().__init__(session, **kwargs)

    def _build(self) -> None:
        self._title = widgets.HTML("<div style='font-weight:600;font-size:1.15em'>Questions from the room</div>")
        self._list = widgets.VBox()
        self._empty = widgets.HTML("<em>No questions yet.</em>")

    def _children(self) -> list:
        return [self._title, self._list]

    def _fetch(self) -> list[dict]:
        items = self.store.queue(self.session, include_pending=True)
        return sorted(items, key=lambda a: not a["pending"])  # stable: waiting ones first, then by votes

    def _row(self, ask_id: int) -> widgets.HBox:
        # the count and the buttons keep their width beside a long question; the question's text wraps instead
        votes = widgets.HTML(layout=widgets.Layout(width="60px", flex="0 0 auto"))
        approve = widgets.Button(description="Approve", button_style="info",
                                 layout=widgets.Layout(width="auto", flex="0 0 auto"), tooltip="Show this question to the room")
        approve.on_click(lambda _: self.approve(ask_id))
        done = widgets.Button(layout=widgets.Layout(width="auto", flex="0 0 auto"))
        done.on_click(lambda b: self.mark_answered(ask_id, not b._ttt_answered))
        hide = widgets.Button(description="Hide", layout=widgets.Layout(width="auto", flex="0 0 auto"),
                              tooltip="Remove from the board")
        hide.on_click(lambda _: self.hide(ask_id))
        return widgets.HBox([votes, approve, done, hide, widgets.HTML(layout=widgets.Layout(flex="1 1 auto", min_width="0"))])

    def _apply(self, items: list[dict]) -> None:
        if items == self.items and self._list.children:
            return
        self.items = items
        rows = []
        for item in items:
            row = self._rows.get(item["id"]) or self._rows.setdefault(item["id"], self._row(item["id"]))
            votes, approve, done, hide, text = row.children
            votes.value = f"<strong style='font-size:1.2em'>▲ {int(item['votes'])}</strong>"
            approve.layout.display = None if item["pending"] else "none"
            done._ttt_answered = item["answered"]
            done.description = "Reopen" if item["answered"] else "Answered"
            done.button_style = "" if item["answered"] else "success"
            style = "color:#888;text-decoration:line-through" if item["answered"] else ""
            label = text_html(item["text"], "span", style)
            text.value = (label + " <em>(waiting for your approval)</em>") if item["pending"] else label
            rows.append(row)
        shown = {item["id"] for item in items}
        for ask_id in [i for i in self._rows if i not in shown]:
            for w in (*self._rows[ask_id].children, self._rows.pop(ask_id)):
                w.close()
        self._list.children = rows or [self._empty]

    def approve(self, ask_id: int) -> None:
        """Show a question that waits for approval to the room."""
        self.store.approve_ask(self.session, ask_id, True)
        self.refresh()

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


def join_address(code: str) -> str | None:
    """The address trainees type or scan: ``TTT_PUBLIC_URL`` (set by ``ttt present``) followed by the code."""
    from ..config import env

    base = env("PUBLIC_URL")
    return f"{base.rstrip('/')}/{code}" if base else None


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG, made offline (segno); black on white with the standard quiet zone."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=6, border=4, dark="#000000", light="#ffffff",
                                                  omitsize=False)


#: what the lead can show on the phones besides the session's own questions
_SPECIAL = {QUEUE: "Question queue", STATUS_QUESTION: "Status card (stuck / working / done)"}


class LiveDashboard(_Polling, widgets.VBox):
    """The lead's dashboard for one session: the join code and address (with a QR code), large, then every panel,
    and the controls to run the room without code.

    Panels for questions added later (by the lead, or by trainees' widgets when they first send) appear on their
    own. One poller refreshes every panel. Built by :meth:`from_env`, the dashboard follows the newest session of
    its title, so a *New session* in one page (or a reload) shows the same code everywhere.

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
    >>> dash.add_question("Ready to start?", "poll", "yes, not yet"); dash.make_current("Ready to start?")
    True
    True
    """

    def __init__(self, session: str | None = None, title: str = "Live session", store=None,
                 questions: list | None = None, interval: float = POLL_INTERVAL, follow: bool = False,
                 **kwargs: Any) -> None:
        self.store = _store_for(store)
        self.code = session or self.store.open_session(title)
        self.store.add_question(self.code, STATUS_QUESTION, "status")
        for q in questions or []:
            self.store.add_question(self.code, *q)
        info = self.store.session_info(self.code)
        self.title = info["title"]
        self.follow = follow
        self.panels: dict[str, _Panel] = {}
        self._questions = [tuple(q) for q in questions or []]
        self._interval = interval
        self._message = widgets.HTML()
        self._build()
        super().__init__(children=self._layout(), **kwargs)
        self.add_class("ttt-live-dashboard")
        self._wire()
        self._poller = _Poller(self.store, self.code, self._all_panels, self, interval)
        self._sync_panels()
        self._poller.start()

    @classmethod
    def from_env(cls, title: str = "Live session", store=None, max_age_hours: float = 12, **kwargs: Any) -> "LiveDashboard":
        """The lead's session: ``TTT_SESSION`` when set, else the newest session with this title opened in the last
        ``max_age_hours`` (so reloading the page, or a preheated kernel, keeps the room's code), else a new one.
        Without ``TTT_SESSION`` the dashboard keeps following the newest session of its title."""
        store = _store_for(store)
        pinned = identity.current_session()
        code = pinned or store.latest_session(title, max_age_hours)
        return cls(session=code, title=title, store=store, follow=pinned is None, **kwargs)

    # -- build -----------------------------------------------------------------------------------------------
    def _layout(self) -> list:
        # what the room reads first (code, then answers); the lead's controls below
        return [self._header, self._grid, self._run_title, self._run, self._controls, self._message]

    def _header_html(self) -> str:
        address = join_address(self.code)
        code = (f"<div class='ttt-join-code' aria-label='join code' style='font-size:5em;font-weight:800;"
                f"letter-spacing:0.12em;font-family:monospace;line-height:1'>{esc(self.code)}</div>")
        if address:
            how = (f"<div class='ttt-join-address' style='font-size:1.6em;font-weight:600;overflow-wrap:anywhere'>"
                   f"{esc(address)}</div><div style='font-size:1.05em'>Phone or browser: open the address (or scan "
                   f"the code). Notebook: <code>ttt_widgets.live.join(\"{esc(address)}\")</code></div>")
            qr = (f"<div class='ttt-qr' role='img' aria-label='QR code of {esc(address)}' style='flex:none;"
                  f"width:12em;max-width:30vw'>{qr_svg(address)}</div>")
        else:
            how = (f"<div style='font-size:1.05em'>In a notebook on this machine: "
                   f"<code>ttt_widgets.live.join(\"{esc(self.code)}\")</code></div>")
            qr = ""
        return ("<div class='ttt-live-header' style='display:flex;align-items:center;gap:2em;flex-wrap:wrap'>"
                f"{qr}<div style='flex:1;min-width:16em'>{code}{how}"
                f"{text_html(self.title, 'div', 'font-size:1.3em;margin-top:0.3em;color:#444')}</div></div>")

    def _build(self) -> None:
        self._header = widgets.HTML(self._header_html())
        self._names = widgets.Checkbox(value=bool(self.store.session_info(self.code)["show_names"]), indent=False,
                                       description="Show names (moderation list and export)",
                                       layout=widgets.Layout(width="auto"))
        self._export = widgets.HTML(self._export_html())
        self._new_btn = widgets.Button(description="New session", tooltip="Open a new session with a new join code "
                                       "(the current one stays readable)", layout=widgets.Layout(width="auto"))
        self._controls = widgets.HBox([self._names, self._export, self._new_btn],
                                      layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        # running the room: add a question, show one on the phones, close, count down, reveal
        self._q_text = widgets.Text(placeholder="A new question for the room", layout=widgets.Layout(width="28em"))
        self._q_kind = widgets.Dropdown(options=[("Poll", "poll"), ("Scale 1-5", "scale"), ("Word cloud", "words")],
                                        value="poll", layout=widgets.Layout(width="10em"))
        self._q_options = widgets.Text(placeholder="Choices, separated by commas (polls)",
                                       layout=widgets.Layout(width="24em"))
        self._add_btn = widgets.Button(description="Add question", button_style="primary",
                                       layout=widgets.Layout(width="auto"))
        self._current = widgets.Dropdown(description="On the phones:", options=self._current_options(),
                                         style={"description_width": "initial"}, layout=widgets.Layout(width="30em"))
        self._show_btn = widgets.Button(description="Show", button_style="primary", layout=widgets.Layout(width="auto"),
                                        tooltip="Make this the question every phone and join page shows")
        self._close_btn = widgets.Button(description="Close answers", layout=widgets.Layout(width="auto"))
        self._reveal_btn = widgets.Button(description="Reveal results", layout=widgets.Layout(width="auto"))
        self._seconds = widgets.BoundedIntText(value=60, min=5, max=3600, step=5, description="Countdown (s):",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="13em"))
        self._countdown_btn = widgets.Button(description="Start countdown", layout=widgets.Layout(width="auto"))
        self._answer_first = widgets.Checkbox(description="Answer first, then reveal", indent=False,
                                              layout=widgets.Layout(width="auto"))
        self._approve = widgets.Checkbox(description="Approve questions before they show", indent=False,
                                         layout=widgets.Layout(width="auto"))
        self._run_state = widgets.HTML()
        row = dict(flex_flow="row wrap", align_items="center")
        self._run = widgets.VBox([
            widgets.HBox([self._current, self._show_btn, self._close_btn, self._reveal_btn, self._seconds,
                          self._countdown_btn], layout=widgets.Layout(**row)),
            widgets.HBox([self._answer_first, self._approve, self._run_state], layout=widgets.Layout(**row)),
            widgets.HBox([self._q_text, self._q_kind, self._q_options, self._add_btn], layout=widgets.Layout(**row)),
        ], layout=widgets.Layout(border="1px solid #ccc", padding="6px", margin="6px 0"))
        self._run.add_class("ttt-run-room")
        self._run_title = widgets.HTML("<div style='font-weight:600;font-size:1.15em;margin-top:0.6em'>Run the room</div>")
        self.status = StatusBoard(self.code, store=self.store, autorefresh=False)
        self.queue = QuestionBoard(self.code, store=self.store, autorefresh=False)
        # the status board keeps its width; the queue takes the rest and its long questions wrap
        self.status.layout = widgets.Layout(flex="0 0 auto", min_width="22em")
        self.queue.layout = widgets.Layout(flex="1 1 30em", min_width="0", max_width="100%")
        self._hidden_row = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self._boxes: dict[str, widgets.VBox] = {}
        self._grid = widgets.VBox([widgets.HBox([self.status, self.queue], layout=widgets.Layout(flex_flow="row wrap")),
                                   self._hidden_row])
        self._phones_showed: str | None = None  # what the store said the phones show, at the last look
        self._sync_state()

    def _export_html(self) -> str:
        from ..config import env

        if not env("SERVICE_URL"):
            return ""
        # the page lives at <base>voila/render/<name>: two levels up is the server's base, where the service is
        href = f"../../ttt/api/sessions/{esc(self.code)}/export.csv"
        return (f"<a class='ttt-export' href='{href}' download='ttt-session-{esc(self.code)}.csv' "
                "style='display:inline-block;padding:6px 14px;margin:0 8px;border:1px solid #888;border-radius:3px;"
                "color:#000;text-decoration:none;background:#f3f3f3'>Download answers (CSV)</a>")

    def _wire(self) -> None:
        self._names.observe(lambda change: self.set_show_names(change["new"]), names="value")
        self._new_btn.on_click(lambda _: self.new_session())
        self._add_btn.on_click(lambda _: self.add_question(self._q_text.value, self._q_kind.value,
                                                           self._q_options.value))
        self._show_btn.on_click(lambda _: self.make_current(self._current.value))
        self._current.observe(lambda change: self._show_buttons(), names="value")
        self._close_btn.on_click(lambda _: self._toggle_closed())
        self._reveal_btn.on_click(lambda _: self._toggle_revealed())
        self._countdown_btn.on_click(lambda _: self.start_countdown(self._current.value, self._seconds.value))
        self._answer_first.observe(lambda change: self.set_answer_first(change["new"]), names="value")
        self._approve.observe(lambda change: self.set_approve_questions(change["new"]), names="value")

    def _current_options(self) -> list:
        opts = [("(nothing: the phones wait)", "")]
        for q in self.store.questions(self.code):
            if q["question"] == STATUS_QUESTION:
                continue
            label = q["question"] if len(q["question"]) <= 60 else q["question"][:57] + "..."
            opts.append((label, q["question"]))
        opts += [(label, key) for key, label in _SPECIAL.items()]
        return opts

    def _sync_state(self) -> None:
        """Show the session's controls as they are in the store (another lead page may have changed them)."""
        state = self.store.state(self.code)
        self.state = state
        options = self._current_options()
        if list(self._current.options) != options:  # a question added on another page: the pick here stays
            replace_options(self._current, options)
        current = state["current"] or ""
        # the pick follows the phones when what they show changes (on this page or another lead's); otherwise a
        # question picked and not yet shown stays picked while answers come in and the page looks again
        if current != self._phones_showed:
            self._phones_showed = current
            if self._current.value != current and current in [v for _, v in options]:
                self._current.value = current
        for box, key in ((self._answer_first, "answer_first"), (self._approve, "approve_asks")):
            if box.value != state[key]:
                box.value = state[key]
        self._show_buttons()
        q = state["questions"].get(current, {})
        if not current:
            text = "The phones show nothing yet: choose a question and press Show."
        else:
            shown = _SPECIAL.get(current, current)
            left = ""
            if q.get("closes_at") and not q.get("closed"):
                left = f" · closes in {max(0, int(q['closes_at'] - time.time()))} s"
            text = f"On the phones now: {shown}" + (" · closed" if q.get("closed") else "") + left
        self._run_state.value = text_html(text, "span", "font-weight:600")

    def _show_buttons(self) -> None:
        """Close and Reveal act on the picked question: their words say what they would do to it."""
        q = self.state["questions"].get(self._current.value or "", {})
        self._close_btn.description = "Reopen answers" if q.get("closed") else "Close answers"
        self._reveal_btn.description = "Hide results" if q.get("revealed") else "Reveal results"

    # -- actions ---------------------------------------------------------------------------------------------
    def _act(self, what: str, fn: Callable[[], Any], done: str | None = None) -> bool:
        try:
            fn()
        except ValueError as exc:
            self._message.value = message_html(str(exc), "error", "Please check:")
            return False
        except Exception as exc:  # noqa: BLE001 - a widget callback must not raise into the page
            self._message.value = message_html(f"Could not {what} ({exc}).", "error")
            return False
        self._message.value = message_html(done, "ok") if done else ""
        self._sync_state()
        self._sync_panels()
        return True

    def add_question(self, text: str, kind: str = "poll", options: str | list | None = None) -> bool:
        """Add a poll (choices separated by commas), a 1-5 scale or a word cloud to the session."""
        if isinstance(options, str):
            options = [o.strip() for o in options.split(",") if o.strip()]
        if kind != "poll":
            options = None

        def add():
            self.store.add_question(self.code, text, kind, options)
            self._questions.append((text, kind, options))
        ok = self._act("add the question", add, "Question added: choose it under 'On the phones' to show it.")
        if ok:
            self._q_text.value = self._q_options.value = ""
        return ok

    def make_current(self, question: str | None) -> bool:
        """Show this question (or the queue, or the status card) on every phone; None or '' shows nothing."""
        return self._act("show the question", lambda: self.store.set_controls(self.code, current=question or None))

    def close_question(self, question: str | None = None, closed: bool = True) -> bool:
        """Stop (or start again) taking answers to a question (default: the current one)."""
        question = question or self.state.get("current")
        return self._act("close the question",
                         lambda: self.store.set_question_state(self.code, self._need(question), closed=closed))

    def start_countdown(self, question: str | None = None, seconds: float = 60) -> bool:
        """Take answers for ``seconds`` more, then lock the question."""
        question = question or self.state.get("current")
        return self._act("start the countdown",
                         lambda: self.store.set_question_state(self.code, self._need(question), closes_in=seconds))

    def reveal(self, question: str | None = None, revealed: bool = True) -> bool:
        """In answer-first mode, show the room's results of a question (default: the current one)."""
        question = question or self.state.get("current")
        return self._act("reveal the results",
                         lambda: self.store.set_question_state(self.code, self._need(question), revealed=revealed))

    def set_answer_first(self, on: bool) -> bool:
        """Answer first, then reveal: results stay hidden (on this page and the phones) until revealed."""
        return self._act("change the mode", lambda: self.store.set_controls(self.code, answer_first=bool(on)))

    def set_approve_questions(self, on: bool) -> bool:
        """Approve-before-show: new questions in the queue wait for the lead's Approve."""
        return self._act("change the mode", lambda: self.store.set_controls(self.code, approve_asks=bool(on)))

    def _need(self, question: str | None) -> str:
        if not question or question in _SPECIAL:
            raise ValueError("choose one of the session's questions first")
        return question

    def _toggle_closed(self) -> None:
        q = self.state["questions"].get(self._current.value or "", {})
        self.close_question(self._current.value, closed=not q.get("closed"))

    def _toggle_revealed(self) -> None:
        q = self.state["questions"].get(self._current.value or "", {})
        self.reveal(self._current.value, revealed=not q.get("revealed"))

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
        self._switch(code)
        self._message.value = message_html(f"New session {code}: read the new code out to the room.", "ok")
        return code

    def _rebuild_for(self, code: str) -> None:
        """Close every part of the current session's page and build the page of ``code``."""
        self._close_parts()
        self.code = code
        self.panels = {}
        self._build()
        self.children = self._layout()
        self._wire()

    def _switch(self, code: str) -> None:
        """Show another session (New session): a fresh page and a fresh poller."""
        self.stop()
        self._rebuild_for(code)
        self._poller = _Poller(self.store, self.code, self._all_panels, self, self._interval)
        self._sync_panels()
        self._poller.start()

    def _before_look(self) -> bool:
        """Worker thread, before each look at the store: follow the newest session of this title (a New session
        in another page, or a reload served by a kernel that started earlier). True when it switched."""
        if not self.follow:
            return False
        newest = self.store.latest_session(self.title)
        if newest is None or newest == self.code:
            return False
        if self.store.session_info(newest)["created"] <= self.store.session_info(self.code)["created"]:
            return False
        self._pending_switch = newest
        return True

    def _all_panels(self) -> list:
        pending = getattr(self, "_pending_switch", None)
        if pending is not None and pending != self.code:
            self._pending_switch = None
            self._rebuild_for(pending)
            self._poller.session = pending  # the running loop (this call is part of it) carries on
        try:
            self._sync_state()
        except Exception:  # noqa: BLE001 - shown by the panels' own offline notice
            pass
        self._sync_panels()
        return [self.status, self.queue, *self.panels.values()]

    def _sync_panels(self) -> None:
        """Add a panel for every question of the session that has none yet; leave out the hidden ones."""
        for q in self.store.questions(self.code):
            if q["question"] in self.panels or q["kind"] == "status":
                continue
            cls = _PANEL_FOR_KIND.get(q["kind"])
            if cls is None:
                continue
            text = q["question"]
            panel = self.panels[text] = cls(self.code, text, store=self.store, autorefresh=False)
            hide = widgets.Button(description="Hide this panel", layout=widgets.Layout(width="auto"),
                                  tooltip="Take this question off the projected page (its answers stay)")
            hide.on_click(lambda _, t=text: self.hide_panel(t))
            self._boxes[text] = widgets.VBox([panel, hide], layout=widgets.Layout(border="1px solid #ddd",
                                                                                 padding="6px", margin="4px"))
        hidden = {t for t, q in getattr(self, "state", {}).get("questions", {}).items() if q.get("hidden")}
        shown = [box for text, box in self._boxes.items() if text not in hidden]
        children = [self._grid.children[0], self._hidden_row, *shown]
        if list(self._grid.children) != children:
            self._grid.children = children
        names = [t for t in self._boxes if t in hidden]
        if [getattr(b, "_ttt_question", None) for b in self._hidden_row.children[1:]] != names:
            old = self._hidden_row.children
            buttons = []
            for text in names:
                label = text if len(text) <= 40 else text[:37] + "..."
                b = widgets.Button(description=f"Show: {label}", layout=widgets.Layout(width="auto"),
                                   tooltip="Put this panel back on the page")
                b._ttt_question = text
                b.on_click(lambda _, t=text: self.hide_panel(t, False))
                buttons.append(b)
            self._hidden_row.children = ([widgets.Label("Hidden panels:")] + buttons) if buttons else []
            for w in old:
                w.close()

    def hide_panel(self, question: str, hidden: bool = True) -> bool:
        """Take a question's panel off the projected page (or put it back); its answers stay in the store."""
        return self._act("hide the panel",
                         lambda: self.store.set_question_state(self.code, question, hidden=hidden))

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
        """Save the session's answers to a CSV file on this machine (default: ``exports/<code>.csv`` in the data
        directory). In the browser, the page's *Download answers* link gives the same file as a download."""
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

    def _close_parts(self) -> None:
        for p in [getattr(self, "status", None), getattr(self, "queue", None), *getattr(self, "panels", {}).values()]:
            if p is not None:
                p.close()
        for box in getattr(self, "_boxes", {}).values():
            box.children[1].close()
            box.close()
        for name in ("_header", "_run_title", "_run", "_grid", "_controls"):
            part = getattr(self, name, None)
            if part is not None:
                _close_tree(part)

    def close(self) -> None:
        self.stop()
        self._close_parts()
        super().close()


def _close_tree(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
