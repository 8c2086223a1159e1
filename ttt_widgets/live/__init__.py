"""Live classroom: trainees answer from their notebooks, the lead's dashboard shows the room within a second.

* :class:`ResponseStore` keeps sessions, questions and answers (SQLite file by default, PostgreSQL with
  ``TTT_DB_URL``).
* Trainee widgets (:class:`Poll`, :class:`Scale`, :class:`WordWall`, :class:`QuestionQueue`, :class:`StatusCard`,
  :class:`ExitTicket`) send to the session joined with :func:`join` (or ``TTT_SESSION``): over HTTP to the lead's
  ``ttt present`` when joined by address (:class:`RemoteStore`), else to the store on this machine.
* :class:`LiveService` is that HTTP service (``ttt_widgets.live.service``); it alone holds the store's URL.
* Lead panels (:class:`LiveResults`, :class:`WordWallBoard`, :class:`QuestionBoard`, :class:`StatusBoard`,
  :class:`ExitTicketBoard`) and the whole :class:`LiveDashboard` refresh themselves while the page is open.

Names are loaded lazily, so importing this package does not import SQLAlchemy or ipywidgets.

>>> from ttt_widgets import live
>>> store = live.ResponseStore("sqlite://")
>>> code = store.open_session("Demo")
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "ResponseStore": ".store", "StoreError": ".store", "StoreUnavailable": ".store", "SchemaVersionError": ".store",
    "UnknownSession": ".store", "UnknownQuestion": ".store", "clean_text": ".store", "SCHEMA_VERSION": ".store",
    "participant_id": ".identity", "join": ".identity", "leave": ".identity", "current_session": ".identity",
    "get_store": ".identity", "NotJoined": ".identity",
    "Poll": ".trainee", "Scale": ".trainee", "WordWall": ".trainee", "QuestionQueue": ".trainee",
    "StatusCard": ".trainee", "ExitTicket": ".trainee", "LIKERT": ".trainee", "CONFIDENCE": ".trainee",
    "RemoteStore": ".client", "LiveService": ".service",
    "LiveResults": ".lead", "WordWallBoard": ".lead", "QuestionBoard": ".lead", "StatusBoard": ".lead",
    "ExitTicketBoard": ".lead", "LiveDashboard": ".lead",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS, extra=("doctor_check",))


def doctor_check() -> str:
    """Open the configured store (creating its tables if needed) and describe it in one line; raises if unreachable."""
    from .store import ResponseStore

    store = ResponseStore(timeout=5)
    try:
        return store.describe()
    finally:
        store.close()
