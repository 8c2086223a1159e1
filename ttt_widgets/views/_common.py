"""Small helpers shared by views: escaping, status messages, safe callbacks."""

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
