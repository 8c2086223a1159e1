"""Who is answering, and in which session: participant identity, joining a session, the shared store.

The participant is ``JUPYTERHUB_USER`` when the notebook runs on JupyterHub, else a stable random pseudonym kept in
the kit's data directory (so a trainee keeps one identity across notebooks and restarts, and no name is needed).
The session is the one joined with :func:`join`, else ``TTT_SESSION``: a join address ``http://HOST:PORT/CODE``
(answers go over HTTP to the lead's live service) or a bare code (the store on this machine).
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

__all__ = ["participant_id", "join", "leave", "current_session", "get_store", "NotJoined", "JOIN_HELP"]

JOIN_HELP = ("To join, run ttt_widgets.live.join('http://HOST:PORT/CODE') in a cell with the join address on the "
             "lead's screen (or set TTT_SESSION to it before starting Jupyter).")

_state: dict[str, object] = {"session": None}
_stores: dict[str, object] = {}
_lock = threading.Lock()


class NotJoined(LookupError):
    """No live session is joined in this kernel."""


def participant_id() -> str:
    """``JUPYTERHUB_USER`` when set, else a pseudonym such as ``anon-3f9c2a71`` created once per data directory."""
    hub = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub:
        return hub
    from ..config import data_dir

    path = Path(data_dir()) / "participant-id"
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except FileNotFoundError:
        pass
    candidate = f"anon-{secrets.token_hex(4)}"
    tmp = path.with_name(f".participant-id.{os.getpid()}.{secrets.token_hex(3)}")
    tmp.write_text(candidate, encoding="utf-8")
    try:
        os.link(tmp, path)  # atomic: if two kernels race, both end up with the first one's pseudonym
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def get_store(url: str | None = None):
    """The store for ``url``, one per URL and kernel: the live service when ``url`` is an ``http(s)://`` address
    (answers travel over HTTP to the lead's ``ttt present``), else ``TTT_DB_URL`` or the local SQLite file."""
    from .client import RemoteStore, is_join_url
    from .store import ResponseStore, default_url

    key = url or default_url()
    with _lock:
        if key not in _stores:
            _stores[key] = RemoteStore(key) if is_join_url(key) else ResponseStore(key)
        return _stores[key]


def join(code: str, url: str | None = None) -> str:
    """Join a live session; returns the session title.

    ``code`` is the join address the lead's screen shows, ``http://HOST:PORT/CODE`` (answers then go over the
    network to the lead's ``ttt present``, from any laptop), or the bare code when the lead's server runs on this
    machine (answers go straight to the shared store).

    >>> join("http://192.168.1.20:8866/K7P2QX")  # doctest: +SKIP
    'Morning check-in'
    """
    from .client import is_join_url, split_join_url
    from .store import normalise_code

    if is_join_url(code):
        url, code = split_join_url(code)
    else:
        code = normalise_code(code)
    info = get_store(url).session_info(code)  # UnknownSession with a clear message when the code is wrong
    _state["session"] = code
    _state["url"] = url
    return info["title"]


def leave() -> None:
    """Forget the joined session in this kernel (``TTT_SESSION`` still applies when set)."""
    _state["session"] = None
    _state["url"] = None


def _from_env() -> tuple[str | None, str | None]:
    from ..config import env
    from .client import is_join_url, split_join_url
    from .store import normalise_code

    value = env("SESSION")
    if not value:
        return None, None
    if is_join_url(value):
        url, code = split_join_url(value)
        return code, url
    return normalise_code(value), None


def current_session() -> str | None:
    """The joined session's code, else the one in ``TTT_SESSION`` (a code or a join address), else None."""
    if _state.get("session"):
        return _state["session"]  # type: ignore[return-value]
    return _from_env()[0]


def joined_url() -> str | None:
    """The live service's address of the joined session (None: the store on this machine)."""
    if _state.get("session"):
        return _state.get("url")  # type: ignore[return-value]
    return _from_env()[1]
