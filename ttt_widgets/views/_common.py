"""Small helpers shared by views: escaping, status messages, safe callbacks, lists that keep their pick."""

from __future__ import annotations

import functools
import html
import logging

import ipywidgets as widgets

log = logging.getLogger("ttt_widgets")

#: colours of status messages (text always says the status too: colour is never the only signal)
_TONES = {
    "ok": ("#1b5e20", "#e8f5e9"),
    "error": ("#8e1b1b", "#fdecea"),
    "warn": ("#6d4c00", "#fff4d6"),
    "info": ("#0d3c61", "#e8f1fb"),
}


def esc(text: object) -> str:
    """Escape any text for use inside an HTML widget (quotes too)."""
    return html.escape(str(text), quote=True)


def message_html(text: str, tone: str = "info", title: str | None = None) -> str:
    """A coloured, escaped message box; ``tone`` is ok, error, warn or info."""
    fg, bg = _TONES.get(tone, _TONES["info"])
    head = f"<strong>{esc(title)}</strong> " if title else ""
    return (
        f'<div role="status" style="color:{fg};background:{bg};border-left:4px solid {fg};'
        f'padding:6px 10px;margin:4px 0;border-radius:3px">{head}{esc(text)}</div>'
    )


def status(widget: widgets.HTML, text: str, tone: str = "info", title: str | None = None) -> None:
    widget.value = message_html(text, tone, title)


def guarded(status_attr: str = "_status"):
    """Decorate a view method so that a ValueError becomes a message in the view, never a traceback.

    Anything else unexpected is logged and shown as a short message, and the view's state is kept.
    """

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except ValueError as exc:  # includes TraitError, ContentError and the models' own errors
                status(getattr(self, status_attr), str(exc), "error", "Please check:")
            except Exception as exc:  # noqa: BLE001 - a widget callback must never raise into the notebook
                log.exception("unexpected error in %s", fn.__qualname__)
                status(getattr(self, status_attr), f"Something went wrong ({type(exc).__name__}): {exc}", "error")
            return None

        return wrapper

    return deco


def replace_options(choice: widgets.Widget, options: list, fallback: str = "first") -> None:
    """Give a Dropdown (or another one-value selection) a new list, keeping its value when the list still offers it
    (else its first entry, or its last with ``fallback="last"``), in one update of the page.

    A new list alone selects its first entry before anything else can be set: the page would show that entry for a
    moment, and a pick made in that moment could be lost. Observers added with :func:`on_pick` do not hear the
    values passed through."""
    values = [o[1] if isinstance(o, (tuple, list)) else o for o in options]
    keep = choice.value if choice.value in values else (values[-1 if fallback == "last" else 0] if values else None)
    choice._ttt_replacing = True
    try:
        with choice.hold_sync():
            choice.options = options
            choice.value = keep
    finally:
        choice._ttt_replacing = False


def on_pick(choice: widgets.Widget, action) -> None:
    """Call ``action(value)`` when the value of ``choice`` is picked (on the page or in code), not for the values
    :func:`replace_options` passes through while it swaps the list."""
    choice.observe(lambda change: None if getattr(choice, "_ttt_replacing", False) else action(change["new"]),
                   names="value")
