"""Trainee widgets: answer the lead's questions from a notebook, and see plainly whether the answer was sent.

Every widget behaves the same way:

* the answer is checked first (empty, too long, not a choice: a message, nothing is lost);
* with no session joined it says so and how to join, and keeps the answer (:meth:`retry` sends it later);
* "Sent" appears only after the store confirmed the write;
* if the store cannot be reached it says so, keeps the answer and tries again on the kernel's event loop
  (every ``retry_delay`` seconds, doubling up to a minute), or when :meth:`retry` is called.

>>> from ttt_widgets.live import Poll
>>> p = Poll("Which part was hardest?", ["Planning", "Delivery", "Feedback"])
>>> p.select("Delivery"); p.submit()  # without a joined session: kept, with a message
False
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any, Sequence

import ipywidgets as widgets

from ..views._common import message_html, status
from . import identity
from ._safe import plain_description, text_html
from .store import (MAX_TEXT, STATUS_QUESTION, STATUSES, StoreUnavailable, UnknownQuestion, UnknownSession, clean_choice,
                    clean_options, validate_value)

__all__ = ["Poll", "Scale", "WordWall", "QuestionQueue", "StatusCard", "ExitTicket", "LIKERT", "CONFIDENCE"]

log = logging.getLogger("ttt_widgets")

#: five-point agreement scale (Likert, 1932, "A technique for the measurement of attitudes")
LIKERT = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
#: five-point confidence scale, as used for confidence-based self-assessment (Gardner-Medwin, 2006,
#: "Confidence-based marking: towards deeper learning and better exams")
CONFIDENCE = ["Not at all confident", "Slightly confident", "Somewhat confident", "Fairly confident", "Very confident"]

_MAX_DELAY = 60.0


class _LiveAnswer(widgets.VBox):
    """Shared behaviour: validate, send to the store, confirm, keep and retry."""

    kind = "poll"

    def __init__(self, question: str, options: Sequence[str] | None = None, *, session: str | None = None,
                 store=None, retry_delay: float = 3.0, **kwargs: Any) -> None:
        self.question = question
        self.options = list(options) if options is not None else None
        self._session = session
        self._store = store
        self.retry_delay = retry_delay
        #: the answer waiting to be sent (None when nothing is waiting)
        self.pending: Any = None
        #: the last answer the store confirmed
        self.sent_value: Any = None
        #: idle, sent, not-joined, retrying or rejected
        self.state = "idle"
        self._retry_handle: asyncio.TimerHandle | None = None
        self._failures = 0
        self._registered: set[tuple] = set()
        self._request_id: str | None = None
        self._status = widgets.HTML()
        self._build()
        super().__init__(children=self._children(), **kwargs)
        self.add_class("ttt-live")
        self._wire()

    # -- to be filled by each widget ---------------------------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _children(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def _wire(self) -> None:
        pass

    # -- sending ---------------------------------------------------------------------------------------------
    def _target(self):
        code = self._session or identity.current_session()
        if code is None:
            return None
        store = self._store or identity.get_store(identity.joined_url())
        return store, code

    def _write(self, store, code: str, value: Any) -> Any:
        key = (id(store), code)
        if key not in self._registered:
            store.add_question(code, self.question, self.kind, self.options)
            self._registered.add(key)
        if getattr(store, "is_remote", False):  # the live service names the participant
            return store.submit(code, self.question, None, value, request_id=self._request_id)
        # a resend of this answer carries the same id: if the first one was stored after all, it is not stored again
        return store.submit(code, self.question, identity.participant_id(), value, request_id=self._request_id)

    def _check(self, value: Any) -> Any:
        return validate_value(self.kind, self._store_options(), value)

    def _store_options(self):
        if self.kind == "scale":
            return self.options or [str(i) for i in range(1, 6)]
        if self.kind == "status":
            return list(STATUSES)
        return self.options

    def _deliver(self, value: Any) -> bool:
        """Check, then send ``value``; returns True only when the store confirmed it."""
        try:
            clean = self._check(value)
        except ValueError as exc:
            status(self._status, str(exc), "error", "Please check:")
            self.state = "rejected"
            return False
        if clean != self.pending or self._request_id is None:
            self._request_id = secrets.token_hex(12)  # a new answer; a retry of the same one keeps its id
        self.pending = clean
        target = self._target()
        if target is None:
            self.state = "not-joined"
            status(self._status, "No live session is joined, so your answer is kept here and not sent. "
                   + identity.JOIN_HELP + " Then press the button again.", "warn", "Not sent:")
            return False
        store, code = target
        try:
            confirmed = self._write(store, code, clean)
        except (UnknownSession, UnknownQuestion) as exc:
            self.state = "rejected"
            status(self._status, f"{exc}. Your answer is kept here.", "error", "Not sent:")
            return False
        except ValueError as exc:
            self.state = "rejected"
            status(self._status, str(exc), "error", "Please check:")
            return False
        except Exception as exc:  # noqa: BLE001 - store down or locked: keep the answer and try again
            self._failures += 1
            self.state = "retrying"
            delay = self._schedule_retry()
            when = f"Trying again in {delay:.0f} s" if delay else "Press the button again (or call .retry()) to resend"
            reason = str(exc) if isinstance(exc, StoreUnavailable) else f"{type(exc).__name__}: {exc}"
            status(self._status, f"The response store cannot be reached ({reason[:200]}). Your answer is kept. {when}.",
                   "error", "Not sent yet:")
            log.info("live answer not sent: %s", reason)
            return False
        self._cancel_retry()
        self._failures = 0
        self.pending = None
        self._request_id = None
        self.sent_value = confirmed
        self.state = "sent"
        status(self._status, f"Sent at {time.strftime('%H:%M:%S')}. You can change your answer and send again.",
               "ok", "Sent.")
        self._after_send(confirmed)
        return True

    def _after_send(self, value: Any) -> None:
        pass

    def retry(self) -> bool:
        """Send the kept answer again; returns True when the store confirmed it (or nothing was waiting)."""
        self._retry_handle = None
        if self.pending is None:
            return True
        return self._deliver(self.pending)

    def _schedule_retry(self) -> float | None:
        self._cancel_retry()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a plain script): retry() by hand
            return None
        delay = min(self.retry_delay * 2 ** (self._failures - 1), _MAX_DELAY)
        self._retry_handle = loop.call_later(delay, self._retry_from_loop)
        return delay

    def _retry_from_loop(self) -> None:
        try:
            self.retry()
        except Exception:  # noqa: BLE001 - a timer callback must not raise
            log.exception("retry failed")

    def _cancel_retry(self) -> None:
        if getattr(self, "_retry_handle", None) is not None:
            self._retry_handle.cancel()
            self._retry_handle = None

    @property
    def retry_scheduled(self) -> bool:
        """True while an automatic retry waits on the event loop."""
        return self._retry_handle is not None and not self._retry_handle.cancelled()

    def close(self) -> None:
        self._cancel_retry()
        super().close()

    @property
    def message(self) -> str:
        """The status message as plain text (what the trainee reads)."""
        import html
        import re

        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self._status.value)).split())


def _title(text: str) -> widgets.HTML:
    return widgets.HTML(text_html(text, "div", "font-weight:600;font-size:1.05em;margin:4px 0"))


class Poll(_LiveAnswer):
    """A single- or multiple-choice question answered live.

    Parameters
    ----------
    question : str
        The question (also its key in the session: the lead's dashboard shows it by this text).
    options : list of str
        The choices.
    multiple : bool
        Allow several choices.

    Examples
    --------
    >>> p = Poll("Best opener?", ["Story", "Question", "Statistic"])
    >>> p.select("Story"); p.value
    'Story'
    """

    def __init__(self, question: str, options: Sequence[str], multiple: bool = False, **kwargs: Any) -> None:
        self.kind = "multi" if multiple else "poll"
        # the choices as the store keeps them: "yes " and "yes" are one choice, shown and sent the same way
        super().__init__(question, clean_options(self.kind, options), **kwargs)

    def _build(self) -> None:
        self._title = _title(self.question)
        if self.kind == "poll":
            self._choice = widgets.RadioButtons(options=self.options, value=None, layout=widgets.Layout(width="auto"))
            self._choices = [self._choice]
        else:
            self._checks = [widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"),
                                             **plain_description(o)) for o in self.options]
            self._choices = [widgets.Label("Choose all that apply:"), *self._checks]
        self._send_btn = widgets.Button(description="Send", button_style="primary", tooltip="Send your answer to the lead")

    def _children(self) -> list:
        return [self._title, *self._choices, self._send_btn, self._status]

    def _wire(self) -> None:
        self._send_btn.on_click(lambda _: self.submit())

    @property
    def value(self):
        """The selected choice (a list for multiple choice)."""
        if self.kind == "poll":
            return self._choice.value
        return [o for o, c in zip(self.options, self._checks) if c.value]

    def select(self, *choices: str) -> None:
        """Select choices by their text, as a click would."""
        choices = tuple(clean_choice(c) for c in choices)
        unknown = [c for c in choices if c not in self.options]
        if unknown:
            status(self._status, f"{unknown[0]!r} is not one of the choices", "error", "Please check:")
            return
        if self.kind == "poll":
            self._choice.value = choices[0] if choices else None
        else:
            for option, box in zip(self.options, self._checks):
                box.value = option in choices

    def submit(self) -> bool:
        """Send the selection; True once the store confirmed it."""
        return self._deliver(self.value)


class Scale(_LiveAnswer):
    """A 1-5 rating: agreement (Likert) or confidence; or your own labels (2 to 10 points).

    >>> s = Scale("I can write a learning objective.", labels="confidence")
    >>> s.choose(4); s.value
    4
    """

    kind = "scale"

    def __init__(self, question: str, labels: str | Sequence[str] = "likert", **kwargs: Any) -> None:
        if isinstance(labels, str):
            labels = {"likert": LIKERT, "confidence": CONFIDENCE}.get(labels, None) or LIKERT
        super().__init__(question, list(labels), **kwargs)

    def _build(self) -> None:
        self._title = _title(self.question)
        self._buttons = widgets.ToggleButtons(options=[(str(i), i) for i in range(1, len(self.options) + 1)], value=None,
                                              tooltips=self.options, style={"button_width": "48px"})
        self._ends = widgets.Label(f"1 = {self.options[0]}   ...   {len(self.options)} = {self.options[-1]}")
        self._send_btn = widgets.Button(description="Send", button_style="primary", tooltip="Send your rating")

    def _children(self) -> list:
        return [self._title, self._buttons, self._ends, self._send_btn, self._status]

    def _wire(self) -> None:
        self._send_btn.on_click(lambda _: self.submit())

    @property
    def value(self):
        return self._buttons.value

    def choose(self, n: int) -> None:
        """Pick a point of the scale (1..n)."""
        try:
            number = self._check(n)
        except ValueError as exc:
            status(self._status, str(exc), "error", "Please check:")
            return
        self._buttons.value = number

    def submit(self) -> bool:
        return self._deliver(self.value)


class WordWall(_LiveAnswer):
    """One short free-text answer (a word or a phrase) for the room's word wall.

    >>> w = WordWall("One word for how you feel about teaching:")
    >>> w.submit("curious")  # doctest: +SKIP
    True
    """

    kind = "words"

    def _build(self) -> None:
        self._title = _title(self.question)
        self._text = widgets.Text(placeholder=f"A word or a short phrase (up to {MAX_TEXT} characters)",
                                  layout=widgets.Layout(width="100%"))
        self._send_btn = widgets.Button(description="Send", button_style="primary", tooltip="Send to the word wall")

    def _children(self) -> list:
        return [self._title, self._text, self._send_btn, self._status]

    def _wire(self) -> None:
        self._send_btn.on_click(lambda _: self.submit())

    @property
    def value(self) -> str:
        return self._text.value

    def submit(self, text: str | None = None) -> bool:
        """Send the text in the box (or ``text``, which is put in the box first)."""
        if text is not None:
            self._text.value = text
        return self._deliver(self._text.value)


class ExitTicket(_LiveAnswer):
    """The exit ticket: one thing that worked, one thing to change.

    >>> t = ExitTicket()
    >>> t.submit("the role play", "less slides")  # doctest: +SKIP
    True
    """

    kind = "exit"

    def __init__(self, question: str = "Exit ticket", **kwargs: Any) -> None:
        super().__init__(question, None, **kwargs)

    def _build(self) -> None:
        self._title = _title(self.question)
        lay = widgets.Layout(width="100%", height="4em")
        self._worked = widgets.Textarea(placeholder="One thing that worked for you today", layout=lay)
        self._change = widgets.Textarea(placeholder="One thing you would change", layout=lay)
        self._send_btn = widgets.Button(description="Send ticket", button_style="primary", tooltip="Send your exit ticket")

    def _children(self) -> list:
        return [self._title, widgets.Label("What worked:"), self._worked, widgets.Label("What to change:"), self._change,
                self._send_btn, self._status]

    def _wire(self) -> None:
        self._send_btn.on_click(lambda _: self.submit())

    @property
    def value(self) -> dict:
        return {"worked": self._worked.value, "change": self._change.value}

    def submit(self, worked: str | None = None, change: str | None = None) -> bool:
        if worked is not None:
            self._worked.value = worked
        if change is not None:
            self._change.value = change
        return self._deliver(self.value)


class StatusCard(_LiveAnswer):
    """The coloured sticky note: stuck, working or done. A click sends it at once.

    >>> card = StatusCard()
    >>> card.set("working")  # doctest: +SKIP
    True
    """

    kind = "status"
    _STYLE = {"stuck": "danger", "working": "warning", "done": "success"}
    _ICON = {"stuck": "hand-paper-o", "working": "cog", "done": "check"}

    def __init__(self, question: str = STATUS_QUESTION, **kwargs: Any) -> None:
        super().__init__(question, None, **kwargs)

    def _build(self) -> None:
        self._title = _title("Where are you? Your note is shown on the lead's board (without your name).")
        self._buttons = {s: widgets.Button(description=s.capitalize(), button_style=self._STYLE[s], icon=self._ICON[s],
                                           tooltip=f"Show the lead you are {s}") for s in STATUSES}
        self._current = widgets.Label("Your note: none yet")

    def _children(self) -> list:
        return [self._title, widgets.HBox(list(self._buttons.values())), self._current, self._status]

    def _wire(self) -> None:
        for name, button in self._buttons.items():
            button.on_click(lambda _, s=name: self.set(s))

    @property
    def value(self) -> str | None:
        return self.sent_value

    def set(self, state: str) -> bool:
        """Show the lead you are ``stuck``, ``working`` or ``done``."""
        sent = self._deliver(state)
        if not sent and self.pending is not None:  # offline or not joined: the choice still shows, marked unsent
            self._current.value = f"Your note: {self.pending} (not sent yet)"
        return sent

    def _after_send(self, value: Any) -> None:
        self._current.value = f"Your note: {value}"


class QuestionQueue(_LiveAnswer):
    """Ask the lead a question anonymously, and upvote the questions others asked.

    >>> qq = QuestionQueue()
    >>> qq.ask("Can we see an example of a bad objective?")  # doctest: +SKIP
    True
    """

    kind = "ask"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Question queue", None, **kwargs)

    def _build(self) -> None:
        self._title = _title("Ask the lead (anonymous). Upvote the questions you want answered too.")
        self._text = widgets.Textarea(placeholder="Your question", layout=widgets.Layout(width="100%", height="4em"))
        self._send_btn = widgets.Button(description="Ask", button_style="primary", tooltip="Send your question anonymously")
        self._refresh_btn = widgets.Button(description="Refresh list", tooltip="Show the latest questions")
        self._list = widgets.VBox()
        self._rows: dict[int, widgets.HBox] = {}
        self.items: list[dict] = []

    def _children(self) -> list:
        return [self._title, self._text, widgets.HBox([self._send_btn, self._refresh_btn]), self._status, self._list]

    def _wire(self) -> None:
        self._send_btn.on_click(lambda _: self.ask())
        self._refresh_btn.on_click(lambda _: self.refresh())

    @property
    def value(self) -> str:
        return self._text.value

    def _check(self, value: Any) -> Any:
        from .store import clean_text

        return clean_text(value, what="question")

    def _write(self, store, code: str, value: Any) -> Any:
        if getattr(store, "is_remote", False):
            store.ask(code, None, value, request_id=self._request_id)
        else:
            store.ask(code, identity.participant_id(), value, request_id=self._request_id)
        return value

    def _after_send(self, value: Any) -> None:
        self._text.value = ""
        self.refresh()

    def ask(self, text: str | None = None) -> bool:
        """Send the question in the box (or ``text``); the box empties once the store confirmed it."""
        if text is not None:
            self._text.value = text
        return self._deliver(self._text.value)

    def refresh(self) -> list[dict]:
        """Reload the queue (most votes first)."""
        target = self._target()
        if target is None:
            status(self._status, "No live session is joined. " + identity.JOIN_HELP, "warn", "Not connected:")
            return self.items
        store, code = target
        try:
            self.items = store.queue(code, participant=identity.participant_id())
        except Exception as exc:  # noqa: BLE001
            status(self._status, f"The question queue cannot be loaded right now ({exc}).", "error")
            return self.items
        rows = []
        for item in self.items:  # one row per question, kept and updated: no new widgets on every refresh
            row = self._rows.get(item["id"])
            if row is None:
                btn = widgets.Button(tooltip="Upvote this question", layout=widgets.Layout(width="90px"))
                btn.on_click(lambda _, i=item["id"]: self.upvote(i))
                row = self._rows[item["id"]] = widgets.HBox([btn, widgets.HTML()])
            btn, label = row.children
            btn.description = f"+1 ({item['votes']})"
            btn.disabled = bool(item["voted"] or item["mine"])
            label.value = text_html(item["text"]) + (" <em>(answered)</em>" if item["answered"] else "")
            rows.append(row)
        shown = {item["id"] for item in self.items}
        for ask_id in [i for i in self._rows if i not in shown]:  # hidden by the lead: close its widgets
            for w in (*self._rows[ask_id].children, self._rows.pop(ask_id)):
                w.close()
        self._list.children = rows
        return self.items

    def upvote(self, ask_id: int) -> bool:
        """Vote for a question of the queue (once)."""
        target = self._target()
        if target is None:
            status(self._status, "No live session is joined. " + identity.JOIN_HELP, "warn", "Not sent:")
            return False
        store, code = target
        try:
            added = store.upvote(code, ask_id, identity.participant_id())
        except ValueError as exc:
            status(self._status, str(exc), "error", "Please check:")
            return False
        except Exception as exc:  # noqa: BLE001
            status(self._status, f"The vote could not be sent ({exc}). Try again in a moment.", "error")
            return False
        status(self._status, "Vote sent." if added else "You already voted for this question.", "ok" if added else "info")
        self.refresh()
        return added
