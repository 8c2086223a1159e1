"""The response store: sessions, questions and answers in SQLite (one file per machine) or PostgreSQL (one cohort).

Everything goes through SQLAlchemy Core with bound parameters; no SQL text ever contains a value a person typed.

Concurrency design
------------------
* SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and every write transaction starts
  with ``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing on an upgrade deadlock
  (SQLite documentation, "Write-Ahead Logging" and "BEGIN TRANSACTION", https://sqlite.org/wal.html and
  https://sqlite.org/lang_transaction.html). ``synchronous=NORMAL`` keeps every committed transaction across a
  crash of the writing process (only a power cut can lose the last ones, per the WAL documentation).
* PostgreSQL's ``INSERT ... ON CONFLICT DO UPDATE`` is atomic under concurrent writers (PostgreSQL 15 manual,
  section "INSERT", ON CONFLICT clause).
* Each write bumps the session's ``revision`` in the same transaction: the lead's panels poll that one number.

>>> store = ResponseStore("sqlite://")
>>> code = store.open_session("Demo")
>>> store.add_question(code, "Ready?", "poll", ["yes", "no"])
>>> store.submit(code, "Ready?", "anna", "yes")
>>> store.summary(code, "Ready?")["counts"]
{'yes': 1, 'no': 0}
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import secrets
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

__all__ = [
    "ResponseStore", "StoreError", "StoreUnavailable", "SchemaVersionError", "UnknownSession", "UnknownQuestion",
    "QuestionClosed", "QUEUE", "SCHEMA_VERSION", "KINDS", "STATUSES", "MAX_TEXT", "MAX_WORDS", "clean_text", "default_url",
    "validate_value", "word_key", "clean_options", "clean_choice",
]

#: version of the tables below; a store written by a newer kit is refused with a clear message. Version 2 added
#: participants (tokens issued by the live service), the lead's controls and the review of queued questions, as new
#: tables: a version-1 store is upgraded in place by creating them.
SCHEMA_VERSION = 2
#: the kinds of question the store understands
KINDS = ("poll", "multi", "scale", "words", "status", "exit")
#: the sticky-note colours of a status card, in board order
STATUSES = ("stuck", "working", "done")
#: the longest free-text answer kept (characters, after control characters are removed)
MAX_TEXT = 500
#: join codes avoid look-alike characters (0/O, 1/I/L) so a room can read them off a projector
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: how many entries one participant may have on a word cloud (a new one beyond that replaces their oldest)
MAX_WORDS = 5
#: the pseudo-question a lead makes current to show the question queue on phones
QUEUE = "(question queue)"
#: the key of the question under which status cards are stored
STATUS_QUESTION = "Status"

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


class StoreError(RuntimeError):
    """The response store could not do what was asked."""


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (locked, server down); the caller may try again later."""


class SchemaVersionError(StoreError):
    """The store was created by a newer version of the kit."""


class UnknownSession(StoreError, ValueError):
    """No session has this join code."""


class UnknownQuestion(StoreError, ValueError):
    """The session has no question with this text."""


class QuestionClosed(StoreError, ValueError):
    """The lead has closed this question (or its countdown ran out): answers are no longer taken."""


# -- values --------------------------------------------------------------------------------------------------------
def clean_text(text: object, limit: int = MAX_TEXT, what: str = "answer", single_line: bool = False) -> str:
    """Remove control and bidirectional-override characters, trim, and check the text is neither empty nor too long.

    >>> clean_text("  hi\\x00 there ")
    'hi there'
    """
    if text is None or not isinstance(text, str):
        raise ValueError(f"the {what} must be text")
    out = []
    for ch in text.translate(_BIDI):
        if ch in "\n\t":
            out.append(" " if single_line else ch)
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    value = "".join(out).strip()
    if single_line:
        value = re.sub(r"\s+", " ", value)
    if not value:
        raise ValueError(f"the {what} is empty: write something first")
    if len(value) > limit:
        raise ValueError(f"the {what} is too long ({len(value)} characters; the limit is {limit})")
    return value


def validate_value(kind: str, options: list[str] | None, value: Any) -> Any:
    """Check an answer against its question; returns the value to store, or raises ValueError with a clear message."""
    if kind in ("poll", "multi"):  # choices are compared as the store keeps them (cleaned once, the same way)
        value = [clean_choice(v) for v in value] if isinstance(value, (list, tuple)) else clean_choice(value)
    if kind == "poll":
        if value is None or value == "":
            raise ValueError("choose an answer first")
        if value not in (options or []):
            raise ValueError(f"{value!r} is not one of the choices")
        return value
    if kind == "multi":
        if isinstance(value, str):
            value = [value]
        value = list(value or [])
        if not value:
            raise ValueError("choose at least one answer first")
        unknown = [v for v in value if v not in (options or [])]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not one of the choices")
        if len(set(value)) != len(value):
            raise ValueError("each choice can be picked only once")
        return [o for o in options if o in value]
    if kind == "scale":
        top = len(options) if options else 5
        if isinstance(value, bool) or value is None or value == "":
            raise ValueError(f"choose a number from 1 to {top}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number: choose from 1 to {top}") from None
        if not math.isfinite(number) or number != int(number) or not 1 <= number <= top:
            raise ValueError(f"{value!r} is outside the scale: choose a whole number from 1 to {top}")
        return int(number)
    if kind == "words":
        return clean_text(value, single_line=True)
    if kind == "status":
        if value not in STATUSES:
            raise ValueError(f"the status must be one of {', '.join(STATUSES)}")
        return value
    if kind == "exit":
        if not isinstance(value, dict):
            raise ValueError("an exit ticket has two parts: what worked and what to change")
        return {"worked": clean_text(value.get("worked"), what="'what worked' answer"),
                "change": clean_text(value.get("change"), what="'what to change' answer")}
    raise ValueError(f"unknown question kind {kind!r} (known: {', '.join(KINDS)})")


def clean_choice(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return clean_text(value, limit=200, what="choice", single_line=True)
    except ValueError:
        return ""


def clean_options(kind: str, options: Iterable[str] | None) -> list[str] | None:
    """A question's choices as the store keeps them (what a widget should show and send)."""
    return _check_options(kind, options)


def word_key(text: str) -> str:
    """What makes two word-cloud entries the same word: case and surrounding punctuation do not count."""
    return unicodedata.normalize("NFKC", text).casefold().strip(" .,;:!?\"'()[]")  or text.casefold()


def _entries(value: Any) -> list[str]:
    """A participant's word-cloud entries (a version-1 store kept one string)."""
    return [value] if isinstance(value, str) else [v for v in (value or []) if isinstance(v, str)]


def _check_options(kind: str, options: Iterable[str] | None) -> list[str] | None:
    if kind in ("poll", "multi"):
        opts = [clean_text(o, limit=200, what="choice", single_line=True) for o in (options or [])]
        if len(opts) < 2:
            raise ValueError("a poll needs at least two choices")
        if len(set(opts)) != len(opts):
            raise ValueError("the choices of a poll must all differ")
        return opts
    if kind == "scale":
        opts = [clean_text(o, limit=100, what="scale label", single_line=True) for o in (options or [])]
        if opts and not 2 <= len(opts) <= 10:
            raise ValueError("a scale has from 2 to 10 points")
        return opts or [str(i) for i in range(1, 6)]
    if kind == "status":
        return list(STATUSES)
    if kind in ("words", "exit"):
        return None
    raise ValueError(f"unknown question kind {kind!r} (known: {', '.join(KINDS)})")


def _compatible(kind: str, options: list[str] | None, new_kind: str, new_options: list[str] | None) -> bool:
    """Whether a second definition of a question takes the same answers as the first."""
    if kind != new_kind:
        return False
    if kind == "scale":
        return len(options or []) == len(new_options or [])
    if kind in ("poll", "multi"):
        return sorted(options or []) == sorted(new_options or [])
    return True


def default_url() -> str:
    """``TTT_DB_URL``, else a SQLite file ``live.sqlite`` in the kit's data directory."""
    from ..config import data_dir, env

    return env("DB_URL") or f"sqlite:///{data_dir() / 'live.sqlite'}"


def _safe_url(url: sa.engine.URL) -> str:
    return url.render_as_string(hide_password=True)


# -- tables ------------------------------------------------------------------------------------------------------
metadata = sa.MetaData()
meta_t = sa.Table("ttt_meta", metadata, sa.Column("key", sa.String(50), primary_key=True),
                  sa.Column("value", sa.String(200), nullable=False))
sessions_t = sa.Table(
    "ttt_sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("show_names", sa.Boolean, nullable=False, default=False),
    sa.Column("revision", sa.Integer, nullable=False, default=0),
)
questions_t = sa.Table(
    "ttt_questions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("ttt_sessions.id"), nullable=False),
    sa.Column("text", sa.String(600), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("options", sa.Text, nullable=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.UniqueConstraint("session_id", "text", name="uq_ttt_question"),
)
answers_t = sa.Table(  # the current answer of each participant to each question
    "ttt_answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.Integer, sa.ForeignKey("ttt_questions.id"), nullable=False),
    sa.Column("participant", sa.String(200), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated", sa.Float, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("question_id", "participant", name="uq_ttt_answer"),
)
history_t = sa.Table(  # every answer ever sent, replaced ones included
    "ttt_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.Integer, sa.ForeignKey("ttt_questions.id"), nullable=False, index=True),
    sa.Column("participant", sa.String(200), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)
asks_t = sa.Table(  # the anonymous question queue
    "ttt_asks", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("ttt_sessions.id"), nullable=False, index=True),
    sa.Column("participant", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("answered", sa.Boolean, nullable=False, default=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
)
votes_t = sa.Table(
    "ttt_votes", metadata,
    sa.Column("ask_id", sa.Integer, sa.ForeignKey("ttt_asks.id"), primary_key=True),
    sa.Column("participant", sa.String(200), primary_key=True),
)


participants_t = sa.Table(  # participants registered with the live service: the token is known only by its hash
    "ttt_participants", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("ttt_sessions.id"), nullable=False, index=True),
    sa.Column("participant", sa.String(200), nullable=False),
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)
session_state_t = sa.Table(  # the lead's controls of a session
    "ttt_session_state", metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("ttt_sessions.id"), primary_key=True),
    sa.Column("current_question", sa.Integer, nullable=True),
    sa.Column("answer_first", sa.Boolean, nullable=False, default=False),
    sa.Column("approve_asks", sa.Boolean, nullable=False, default=False),
)
question_state_t = sa.Table(  # closed, revealed, countdown of one question
    "ttt_question_state", metadata,
    sa.Column("question_id", sa.Integer, sa.ForeignKey("ttt_questions.id"), primary_key=True),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
    sa.Column("closes_at", sa.Float, nullable=True),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),  # its panel is hidden on the lead's page
)
ask_review_t = sa.Table(  # a queued question waiting for the lead's approval (approve-before-show)
    "ttt_ask_review", metadata,
    sa.Column("ask_id", sa.Integer, sa.ForeignKey("ttt_asks.id"), primary_key=True),
    sa.Column("approved", sa.Boolean, nullable=False, default=False),
)
hidden_words_t = sa.Table(  # words the lead hid from a word cloud (every participant's entry of that word)
    "ttt_hidden_words", metadata,
    sa.Column("question_id", sa.Integer, sa.ForeignKey("ttt_questions.id"), primary_key=True),
    sa.Column("word", sa.String(600), primary_key=True),
)
requests_t = sa.Table(  # one row per answer or question written, by the writer's own request id, in the same
    # transaction as the write: a write retried after its COMMIT went through (the reply was lost) is recognised
    "ttt_requests", metadata,
    sa.Column("request_id", sa.String(120), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
)
#: PostgreSQL channel on which every write announces its session (``LISTEN ttt_live``); the payload is the code
NOTIFY_CHANNEL = "ttt_live"


def token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: object) -> str:
    """Join codes are read off a screen: accept lower case and spaces."""
    if not isinstance(code, str) or not code.strip():
        raise UnknownSession("a join code is needed, e.g. join('K7P2QX')")
    return re.sub(r"[\s-]", "", code).upper()


def ensure_schema(begin, metadata: sa.MetaData, meta: sa.Table, version: int, lock_key: int, what: str) -> int:
    """Create ``metadata``'s tables if missing and record ``version`` in ``meta`` (key ``schema_version``).

    ``begin()`` gives a connection in a write transaction. On PostgreSQL an advisory lock (``lock_key``) lets one
    process create at a time; a race between processes (lock waits, a concurrent first insert) is retried a few
    times before :class:`StoreUnavailable`. A store written by a newer kit raises :class:`SchemaVersionError`; an
    older one gets the new tables and its version raised. Used by every store of the kit that keeps tables here.
    """
    found = None
    for attempt in range(8):
        try:
            with begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key)))  # one creator at a time
                metadata.create_all(conn, checkfirst=True)
                found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if found is None:
                    conn.execute(meta.insert().values(key="schema_version", value=str(version)))
                    found = str(version)
                elif int(found) < version:  # the new tables were just created: record the upgrade
                    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))
                    found = str(version)
            break
        except (IntegrityError, OperationalError, DBAPIError) as exc:
            if attempt == 7:
                raise StoreUnavailable(f"{what} cannot be reached: {_short(exc)}") from exc
            time.sleep(0.05 * (attempt + 1))
    if int(found) > version:
        raise SchemaVersionError(
            f"{what} has schema version {found}, but this kit understands version {version} at most: "
            "upgrade ttt-workshop-kit, or point TTT_DB_URL at another store")
    return int(found)


class ResponseStore:
    """Sessions, questions and answers, shared by every kernel that uses the same URL.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; default ``TTT_DB_URL`` or a SQLite file in the data directory.
    timeout : float
        Seconds a SQLite writer waits for the lock, or PostgreSQL waits to connect.

    Examples
    --------
    >>> store = ResponseStore("sqlite://")
    >>> code = store.open_session("Morning check-in")
    >>> len(code)
    6
    """

    def __init__(self, url: str | None = None, timeout: float = 10.0) -> None:
        self.url = sa.engine.make_url(url or default_url())
        self.timeout = timeout
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()
        self._ready = False
        self._ids: dict[tuple, Any] = {}

    def __repr__(self) -> str:
        return f"ResponseStore({_safe_url(self.url)!r})"

    # -- engine ----------------------------------------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def engine(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                self._engine = self._make_engine()
            return self._engine

    def _make_engine(self) -> sa.Engine:
        if self.is_sqlite:
            memory = self.url.database in (None, "", ":memory:")
            if not memory:
                Path(self.url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs: dict[str, Any] = {"connect_args": {"timeout": self.timeout, "check_same_thread": False}}
            if memory:
                kwargs["poolclass"] = sa.pool.StaticPool
            engine = sa.create_engine(self.url, **kwargs)

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (SQLAlchemy's pysqlite recipe)
                cur = dbapi_conn.cursor()
                if not memory:
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
                cur.execute("PRAGMA foreign_keys=ON")
                if not memory:  # keep the write-ahead log small: checkpoint at 1 MB, truncate it back to 1 MB
                    cur.execute("PRAGMA wal_autocheckpoint=250")
                    cur.execute("PRAGMA journal_size_limit=1048576")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn):
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("ttt_write") else "BEGIN")

            return engine
        connect_args = {"connect_timeout": max(1, int(self.timeout))} if self.url.get_backend_name() == "postgresql" else {}
        return sa.create_engine(self.url, pool_pre_ping=True, pool_size=2, max_overflow=4, connect_args=connect_args)

    def close(self) -> None:
        """Release the connections (the data stays)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            self._ready = False

    def _begin(self, write: bool):
        conn = self.engine.connect()
        if write:
            conn = conn.execution_options(ttt_write=True)
        return _Tx(conn)

    def _run(self, fn, write: bool = False, attempts: int = 3):
        """Run ``fn(conn)`` in one transaction; transient lock or connection errors are retried a few times.

        SQLite already waits up to ``timeout`` for a lock, so the worst case a caller waits is about
        ``attempts * timeout``; widgets keep the answer and retry later rather than wait longer.
        """
        self._ensure_schema()
        for attempt in range(attempts):
            try:
                with self._begin(write) as conn:
                    return fn(conn)
            except OperationalError as exc:
                problem = self._sqlite_problem(exc)
                if problem and attempt == attempts - 1:
                    raise StoreUnavailable(problem) from exc
                if attempt == attempts - 1:
                    raise StoreUnavailable(f"the response store at {_safe_url(self.url)} cannot be reached: "
                                           f"{_short(exc)}") from exc
                time.sleep(0.05 * (attempt + 1))
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _sqlite_problem(self, exc: Exception) -> str | None:
        """For a read-only or full SQLite store: try to recover (fresh connections; the write-ahead log
        checkpointed and truncated) and say plainly what is wrong, for the message the widget shows."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        text = str(getattr(exc, "orig", exc)).lower()
        path = Path(self.url.database).expanduser()
        if "readonly" in text or "read-only" in text:
            # a connection opened while the file was read-only stays so: open new ones for the next try
            self.close()
            blocked = [p for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
                       if p.exists() and not os.access(p, os.W_OK)]
            names = ", ".join(p.name for p in blocked) or path.name
            return f"the response store is read-only ({names} in {path.parent}): make it writable again"
        if "disk is full" in text or "database or disk is full" in text:
            try:  # what the log holds goes into the database file and the log shrinks: space for the next try
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except Exception:  # noqa: BLE001 - the disk may be too full for that too
                pass
            return f"the disk holding the response store is full: free some space ({path.parent})"
        return None

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        ensure_schema(lambda: self._begin(True), metadata, meta_t, SCHEMA_VERSION, lock_key=7_437_001,
                      what=f"the response store at {_safe_url(self.url)}")
        self._ready = True

    # -- ids -------------------------------------------------------------------------------------------------
    def _session_row(self, conn, code: str):
        code = normalise_code(code)
        row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
        if row is None:
            raise UnknownSession(f"no live session has the join code {code!r}: check the code on the lead's screen")
        return row

    def _session_id(self, conn, code: str) -> int:
        key = ("s", normalise_code(code))
        if key not in self._ids:
            self._ids[key] = self._session_row(conn, code).id
        return self._ids[key]

    def _question(self, conn, code: str, question: str):
        question = clean_text(question, limit=500, what="question", single_line=True)  # as add_question stored it
        key = ("q", normalise_code(code), question)
        if key not in self._ids:
            sid = self._session_id(conn, code)
            row = conn.execute(sa.select(questions_t).where(questions_t.c.session_id == sid,
                                                            questions_t.c.text == question)).first()
            if row is None:
                raise UnknownQuestion(f"the session {normalise_code(code)} has no question {question!r}: "
                                      "the lead adds questions (or a widget adds its own when it first sends)")
            self._ids[key] = (row.id, row.kind, json.loads(row.options) if row.options else None)
        return self._ids[key]

    @staticmethod
    def _bump(conn, sid: int) -> None:
        conn.execute(sessions_t.update().where(sessions_t.c.id == sid).values(revision=sessions_t.c.revision + 1))
        if conn.dialect.name == "postgresql":  # delivered at COMMIT, to every LISTEN ttt_live (the live service)
            conn.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, str(sid))))

    # -- sessions ----------------------------------------------------------------------------------------------
    def open_session(self, title: str = "Live session") -> str:
        """Open a new session; returns its join code."""
        title = clean_text(title, limit=200, what="session title", single_line=True)

        def work(conn):
            code = _new_code()
            conn.execute(sessions_t.insert().values(code=code, title=title, created=time.time(),
                                                    show_names=False, revision=0))
            return code

        for _ in range(10):
            try:
                return self._run(work, write=True, attempts=3)
            except IntegrityError:  # the random code was taken: draw another
                continue
        raise StoreError("could not find a free join code")

    def latest_session(self, title: str, max_age_hours: float = 12) -> str | None:
        """The join code of the newest session with this title opened within ``max_age_hours``, else None.

        A lead's dashboard uses it so that reloading the page (or a preheated kernel) keeps the room's code.
        """
        title = clean_text(title, limit=200, what="session title", single_line=True)
        since = time.time() - max_age_hours * 3600

        def work(conn):
            return conn.execute(
                sa.select(sessions_t.c.code)
                .where(sessions_t.c.title == title, sessions_t.c.created >= since)
                .order_by(sessions_t.c.created.desc(), sessions_t.c.id.desc())
                .limit(1)
            ).scalar()

        return self._run(work)

    def recent_sessions(self, limit: int = 20) -> list[dict]:
        """The newest sessions first (code, title, creation time), for a dashboard that lets the lead pick one."""

        def work(conn):
            rows = conn.execute(sa.select(sessions_t.c.code, sessions_t.c.title, sessions_t.c.created)
                                .order_by(sessions_t.c.created.desc(), sessions_t.c.id.desc()).limit(int(limit)))
            return [{"code": r.code, "title": r.title, "created": r.created} for r in rows]

        return self._run(work)

    def session_info(self, code: str) -> dict:
        """Title, creation time, revision and whether names are shown; raises UnknownSession."""
        row = self._run(lambda conn: self._session_row(conn, code))
        return {"code": row.code, "title": row.title, "created": row.created, "show_names": bool(row.show_names),
                "revision": row.revision}

    def revision(self, code: str) -> int:
        """The session's change counter: it grows with every write, so a dashboard re-reads only when it moved."""
        def work(conn):
            sid = self._session_id(conn, code)
            return conn.execute(sa.select(sessions_t.c.revision).where(sessions_t.c.id == sid)).scalar_one()
        return self._run(work)

    def set_show_names(self, code: str, show: bool) -> None:
        def work(conn):
            sid = self._session_id(conn, code)
            conn.execute(sessions_t.update().where(sessions_t.c.id == sid).values(show_names=bool(show)))
            self._bump(conn, sid)
        self._run(work, write=True)

    # -- questions ---------------------------------------------------------------------------------------------
    def add_question(self, session: str, question: str, kind: str, options: Iterable[str] | None = None) -> None:
        """Add a question to a session (again with the same kind and options: nothing happens).

        Kinds: ``poll`` (one choice), ``multi`` (several choices), ``scale`` (1..n, default 5 points), ``words``
        (short free text), ``status`` (stuck/working/done), ``exit`` (two free-text parts).

        A question that exists already is kept as it is when the new definition takes the same answers: a scale
        with as many points (whatever its labels), a poll with the same choices in another order. So a trainee's
        ``Scale(...)`` with agreement labels answers the lead's unlabelled 1-5 scale of the same text.
        """
        question = clean_text(question, limit=500, what="question", single_line=True)
        opts = _check_options(kind, options)
        encoded = json.dumps(opts) if opts is not None else None

        def work(conn):
            sid = self._session_id(conn, session)
            row = conn.execute(sa.select(questions_t).where(questions_t.c.session_id == sid,
                                                            questions_t.c.text == question)).first()
            if row is not None:
                if not _compatible(row.kind, json.loads(row.options) if row.options else None, kind, opts):
                    raise ValueError(f"the question {question!r} already exists in this session as a {row.kind} "
                                     "with other choices: give the new one another text")
                return
            conn.execute(questions_t.insert().values(session_id=sid, text=question, kind=kind, options=encoded,
                                                     created=time.time()))
            self._bump(conn, sid)

        self._run(work, write=True)

    def questions(self, session: str) -> list[dict]:
        """The session's questions in the order they were added."""
        def work(conn):
            sid = self._session_id(conn, session)
            rows = conn.execute(sa.select(questions_t).where(questions_t.c.session_id == sid)
                                .order_by(questions_t.c.id)).all()
            return [{"question": r.text, "kind": r.kind, "options": json.loads(r.options) if r.options else None}
                    for r in rows]
        return self._run(work)

    # -- answers -----------------------------------------------------------------------------------------------
    def _once(self, conn, request_id: str, write):
        """Inside a write transaction: the result stored for ``request_id`` when this write was done already,
        else do ``write(conn)`` and keep its result under the id (committed together, or not at all)."""
        found = conn.execute(sa.select(requests_t.c.result).where(requests_t.c.request_id == request_id)).scalar()
        if found is not None:
            return json.loads(found)
        result = write(conn)
        conn.execute(requests_t.insert().values(request_id=request_id, created=time.time(),
                                                result=json.dumps(result, ensure_ascii=False)))
        return result

    @staticmethod
    def _request_id(request_id: str | None, participant: str) -> str:
        if request_id is None:  # still one id for this call, so the retries in _run cannot write twice
            return secrets.token_hex(16)
        if not isinstance(request_id, str) or not 1 <= len(request_id) <= 64:
            raise ValueError("a request id is text of 1 to 64 characters")
        return f"{participant[:50]}|{request_id}"

    def submit(self, session: str, question: str, participant: str, value: Any, request_id: str | None = None) -> Any:
        """Store an answer; a later answer of the same participant replaces the earlier one (history is kept).

        On a word cloud (``words``) a later entry is added to the participant's earlier ones instead (up to
        :data:`MAX_WORDS`; the same word twice counts once). A closed question raises :class:`QuestionClosed`.
        ``request_id`` (made by the writer, up to 64 characters) makes a resend harmless: a write whose COMMIT
        reached the database but whose reply was lost is recognised and not stored again.

        Returns the value as stored (cleaned). Raises ValueError for a bad answer, UnknownSession/UnknownQuestion,
        or StoreUnavailable when the store cannot be reached.
        """
        participant = clean_text(participant, limit=200, what="participant id", single_line=True)
        rid = self._request_id(request_id, participant)

        def work(conn):
            return self._once(conn, rid, write)

        def write(conn):
            qid, kind, options = self._question(conn, session, question)
            clean = validate_value(kind, options, value)
            now = time.time()
            state = conn.execute(sa.select(question_state_t).where(question_state_t.c.question_id == qid)).first()
            if state is not None and (state.closed or (state.closes_at is not None and now >= state.closes_at)):
                raise QuestionClosed(f"the lead has closed the question {question!r}: answers are no longer taken")
            stored = clean
            if kind == "words":  # a word cloud: each participant may add several entries
                before = conn.execute(sa.select(answers_t.c.value).where(
                    answers_t.c.question_id == qid, answers_t.c.participant == participant)).scalar()
                entries = _entries(json.loads(before)) if before is not None else []
                entries = [e for e in entries if word_key(e) != word_key(clean)] + [clean]
                stored = entries[-MAX_WORDS:]
            encoded = json.dumps(stored, ensure_ascii=False)
            conn.execute(history_t.insert().values(question_id=qid, participant=participant,
                                                   value=json.dumps(clean, ensure_ascii=False), created=now))
            ins = _insert(conn)(answers_t).values(question_id=qid, participant=participant, value=encoded, updated=now,
                                                  hidden=False)
            conn.execute(ins.on_conflict_do_update(index_elements=["question_id", "participant"],
                                                   set_={"value": encoded, "updated": now, "hidden": False}))
            self._bump(conn, self._session_id(conn, session))
            return clean

        return self._run(work, write=True)

    def responses(self, session: str, question: str, include_hidden: bool = True) -> list[dict]:
        """Current answers (one per participant), oldest first: participant, value, updated, hidden."""
        def work(conn):
            qid, _, _ = self._question(conn, session, question)
            q = sa.select(answers_t).where(answers_t.c.question_id == qid).order_by(answers_t.c.updated, answers_t.c.id)
            if not include_hidden:
                q = q.where(answers_t.c.hidden.is_(False))
            return [{"id": r.id, "participant": r.participant, "value": json.loads(r.value), "updated": r.updated,
                     "hidden": bool(r.hidden)} for r in conn.execute(q)]
        return self._run(work)

    def history(self, session: str, question: str) -> list[dict]:
        """Every answer ever sent to a question, replaced ones included, oldest first."""
        def work(conn):
            qid, _, _ = self._question(conn, session, question)
            rows = conn.execute(sa.select(history_t).where(history_t.c.question_id == qid).order_by(history_t.c.id))
            return [{"participant": r.participant, "value": json.loads(r.value), "created": r.created} for r in rows]
        return self._run(work)

    def set_hidden(self, session: str, question: str, answer_id: int, hidden: bool = True) -> None:
        """Hide (or unhide) one answer on the dashboards: moderation of the word wall."""
        def work(conn):
            qid, _, _ = self._question(conn, session, question)
            done = conn.execute(answers_t.update().where(answers_t.c.id == answer_id, answers_t.c.question_id == qid)
                                .values(hidden=bool(hidden)))
            if done.rowcount == 0:
                raise ValueError(f"no answer {answer_id} to this question")
            self._bump(conn, self._session_id(conn, session))
        self._run(work, write=True)

    def hide_word(self, session: str, question: str, word: str, hidden: bool = True) -> None:
        """Hide (or unhide) one word of a word cloud, whoever sent it (moderation of the cloud)."""
        key = word_key(clean_text(word, what="word", single_line=True))

        def work(conn):
            qid, _, _ = self._question(conn, session, question)
            conn.execute(hidden_words_t.delete().where(hidden_words_t.c.question_id == qid, hidden_words_t.c.word == key))
            if hidden:
                conn.execute(hidden_words_t.insert().values(question_id=qid, word=key))
            self._bump(conn, self._session_id(conn, session))
        self._run(work, write=True)

    # -- the lead's controls ----------------------------------------------------------------------------------
    def state(self, session: str) -> dict:
        """The lead's controls: the current question (what phones show), answer-first and approve-before-show
        modes, and per question whether it is closed, revealed, and when its countdown ends."""
        def work(conn):
            sid = self._session_id(conn, session)
            srow = conn.execute(sa.select(session_state_t).where(session_state_t.c.session_id == sid)).first()
            rows = conn.execute(sa.select(questions_t.c.id, questions_t.c.text, question_state_t.c.closed,
                                          question_state_t.c.revealed, question_state_t.c.closes_at,
                                          question_state_t.c.hidden)
                                .select_from(questions_t.outerjoin(question_state_t,
                                                                   question_state_t.c.question_id == questions_t.c.id))
                                .where(questions_t.c.session_id == sid).order_by(questions_t.c.id)).all()
            return srow, rows
        srow, rows = self._run(work)
        now = time.time()
        by_id = {r.id: r.text for r in rows}
        return {
            "current": (None if srow is None else QUEUE if srow.current_question == 0
                        else by_id.get(srow.current_question)),
            "answer_first": bool(srow.answer_first) if srow is not None else False,
            "approve_asks": bool(srow.approve_asks) if srow is not None else False,
            "questions": {r.text: {"closed": bool(r.closed) or (r.closes_at is not None and now >= r.closes_at),
                                   "revealed": bool(r.revealed), "hidden": bool(r.hidden),
                                   "closes_at": r.closes_at} for r in rows},
        }

    def set_controls(self, session: str, *, current: str | None | bool = False, answer_first: bool | None = None,
                     approve_asks: bool | None = None) -> None:
        """Change the session's controls; ``current=None`` shows no question on the phones, ``False`` leaves it."""
        def work(conn):
            sid = self._session_id(conn, session)
            values: dict[str, Any] = {}
            if current is not False:
                values["current_question"] = (None if current is None else 0 if current == QUEUE
                                              else self._question(conn, session, current)[0])
            if answer_first is not None:
                values["answer_first"] = bool(answer_first)
            if approve_asks is not None:
                values["approve_asks"] = bool(approve_asks)
            if not values:
                return
            found = conn.execute(sa.select(session_state_t.c.session_id).where(session_state_t.c.session_id == sid)).first()
            if found is None:
                conn.execute(session_state_t.insert().values(session_id=sid, **{"current_question": None,
                                                                                "answer_first": False,
                                                                                "approve_asks": False, **values}))
            else:
                conn.execute(session_state_t.update().where(session_state_t.c.session_id == sid).values(**values))
            self._bump(conn, sid)
        self._run(work, write=True)

    def set_question_state(self, session: str, question: str, *, closed: bool | None = None,
                           revealed: bool | None = None, closes_in: float | None | bool = False,
                           hidden: bool | None = None) -> None:
        """Close or reopen a question, reveal its results to the room, start (``closes_in`` seconds) or stop
        (``closes_in=None``) a countdown after which answers are refused, or hide its panel on the lead's page."""
        def work(conn):
            qid, _, _ = self._question(conn, session, question)
            values: dict[str, Any] = {}
            if closed is not None:
                values["closed"] = bool(closed)
                if not closed:
                    values["closes_at"] = None
            if revealed is not None:
                values["revealed"] = bool(revealed)
            if hidden is not None:
                values["hidden"] = bool(hidden)
            if closes_in is not False:
                if closes_in is not None and not (isinstance(closes_in, (int, float)) and 0 < closes_in <= 3600):
                    raise ValueError("a countdown runs from 1 second to an hour")
                values["closes_at"] = None if closes_in is None else time.time() + float(closes_in)
            if not values:
                return
            found = conn.execute(sa.select(question_state_t.c.question_id)
                                 .where(question_state_t.c.question_id == qid)).first()
            if found is None:
                conn.execute(question_state_t.insert().values(question_id=qid, **{"closed": False, "revealed": False,
                                                                                  "closes_at": None, "hidden": False,
                                                                                  **values}))
            else:
                conn.execute(question_state_t.update().where(question_state_t.c.question_id == qid).values(**values))
            self._bump(conn, self._session_id(conn, session))
        self._run(work, write=True)

    # -- participants of the live service ---------------------------------------------------------------------
    def register_participant(self, session: str, participant: str | None = None, via: str = "token") -> tuple[str, str]:
        """Issue a participant token for a session; returns ``(participant, token)``. The store keeps only the
        token's hash. ``participant`` is given when another authority vouches for the name (JupyterHub), else a
        random pseudonym is made."""
        token = secrets.token_urlsafe(32)
        name = participant or f"p-{secrets.token_hex(5)}"
        name = clean_text(name, limit=200, what="participant id", single_line=True)

        def work(conn):
            sid = self._session_id(conn, session)
            conn.execute(participants_t.insert().values(token_hash=token_hash(token), session_id=sid,
                                                        participant=name, via=via, created=time.time()))
        self._run(work, write=True)
        return name, token

    def participant_for_token(self, session: str, token: str) -> str | None:
        """The participant a token was issued to in this session, else None."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return None

        def work(conn):
            sid = self._session_id(conn, session)
            return conn.execute(sa.select(participants_t.c.participant).where(
                participants_t.c.token_hash == token_hash(token), participants_t.c.session_id == sid)).scalar()
        return self._run(work)

    def count_participants(self, session: str) -> int:
        def work(conn):
            sid = self._session_id(conn, session)
            return conn.execute(sa.select(sa.func.count()).select_from(participants_t)
                                .where(participants_t.c.session_id == sid)).scalar_one()
        return self._run(work)

    def summary(self, session: str, question: str) -> dict:
        """Aggregates only (nobody's name): counts per choice, mean of a scale, visible texts, status ages."""
        def work(conn):
            qid, kind, options = self._question(conn, session, question)
            rows = conn.execute(sa.select(answers_t.c.id, answers_t.c.value, answers_t.c.updated, answers_t.c.hidden)
                                .where(answers_t.c.question_id == qid).order_by(answers_t.c.updated)).all()
            return qid, kind, options, rows
        qid, kind, options, rows = self._run(work)
        values = [(r.id, json.loads(r.value), r.updated, bool(r.hidden)) for r in rows]
        out: dict[str, Any] = {"question": question, "kind": kind, "options": options, "n": len(values)}
        if kind in ("poll", "multi", "status"):
            counts = dict.fromkeys(options, 0)
            for _, v, _, _ in values:
                for choice in (v if isinstance(v, list) else [v]):
                    if choice in counts:
                        counts[choice] += 1
            out["counts"] = counts
            if kind == "status":
                stuck = [u for _, v, u, _ in values if v == "stuck"]
                out["oldest_stuck_seconds"] = max(0.0, time.time() - min(stuck)) if stuck else None
        elif kind == "scale":
            counts = {str(i): 0 for i in range(1, len(options) + 1)}
            for _, v, _, _ in values:
                counts[str(v)] = counts.get(str(v), 0) + 1
            out["counts"] = counts
            out["labels"] = options
            out["mean"] = (sum(v for _, v, _, _ in values) / len(values)) if values else None
        elif kind == "words":
            hidden_words = self._run(lambda conn: set(conn.execute(
                sa.select(hidden_words_t.c.word).where(hidden_words_t.c.question_id == qid)).scalars()))
            out["texts"] = [{"id": i, "text": e, "hidden": h or word_key(e) in hidden_words}
                            for i, v, _, h in values for e in _entries(v)]
            cloud: dict[str, dict] = {}
            for t in out["texts"]:
                if t["hidden"]:
                    continue
                entry = cloud.setdefault(word_key(t["text"]), {"word": t["text"], "count": 0})
                entry["count"] += 1
            out["words"] = sorted(cloud.values(), key=lambda w: (-w["count"], w["word"].casefold()))
            out["hidden_words"] = sorted(hidden_words)
        elif kind == "exit":
            out["worked"] = [v["worked"] for _, v, _, h in values if not h]
            out["change"] = [v["change"] for _, v, _, h in values if not h]
        return out

    # -- question queue ----------------------------------------------------------------------------------------
    def ask(self, session: str, participant: str, text: str, request_id: str | None = None) -> int:
        """Put an anonymous question in the session's queue; returns its id (the same id for a resend of the same
        ``request_id``)."""
        participant = clean_text(participant, limit=200, what="participant id", single_line=True)
        text = clean_text(text, what="question")
        rid = self._request_id(request_id, participant)

        def work(conn):
            return self._once(conn, rid, write)

        def write(conn):
            sid = self._session_id(conn, session)
            new = conn.execute(asks_t.insert().values(session_id=sid, participant=participant, text=text,
                                                      created=time.time(), answered=False, hidden=False))
            ask_id = new.inserted_primary_key[0]
            review = conn.execute(sa.select(session_state_t.c.approve_asks)
                                  .where(session_state_t.c.session_id == sid)).scalar()
            if review:  # approve-before-show: the lead sees it first
                conn.execute(ask_review_t.insert().values(ask_id=ask_id, approved=False))
            self._bump(conn, sid)
            return ask_id
        return self._run(work, write=True)

    def approve_ask(self, session: str, ask_id: int, approved: bool = True) -> None:
        """Show (or hold back) a queued question that waits for approval."""
        def work(conn):
            sid = self._session_id(conn, session)
            found = conn.execute(sa.select(asks_t.c.id).where(asks_t.c.id == ask_id, asks_t.c.session_id == sid)).first()
            if found is None:
                raise ValueError(f"there is no question {ask_id} in this session's queue")
            conn.execute(ask_review_t.delete().where(ask_review_t.c.ask_id == ask_id))
            conn.execute(ask_review_t.insert().values(ask_id=ask_id, approved=bool(approved)))
            self._bump(conn, sid)
        self._run(work, write=True)

    def upvote(self, session: str, ask_id: int, participant: str) -> bool:
        """Vote for a question in the queue (once per participant); returns False if this vote was already there."""
        participant = clean_text(participant, limit=200, what="participant id", single_line=True)

        def work(conn):
            sid = self._session_id(conn, session)
            found = conn.execute(sa.select(asks_t.c.id).where(asks_t.c.id == ask_id, asks_t.c.session_id == sid)).first()
            if found is None:
                raise ValueError(f"there is no question {ask_id} in this session's queue")
            added = conn.execute(_insert(conn)(votes_t).values(ask_id=ask_id, participant=participant)
                                 .on_conflict_do_nothing().returning(votes_t.c.ask_id)).first() is not None
            if added:
                self._bump(conn, sid)
            return added
        return self._run(work, write=True)

    def queue(self, session: str, participant: str | None = None, include_hidden: bool = False,
              include_pending: bool = False) -> list[dict]:
        """The question queue, most votes first (then oldest): id, text, votes, answered, hidden, pending, mine,
        voted. Questions waiting for the lead's approval are left out unless ``include_pending``."""
        def work(conn):
            sid = self._session_id(conn, session)
            votes = sa.select(votes_t.c.ask_id, sa.func.count().label("n")).group_by(votes_t.c.ask_id).subquery()
            q = (sa.select(asks_t, sa.func.coalesce(votes.c.n, 0).label("votes"),
                           sa.func.coalesce(ask_review_t.c.approved, True).label("approved"))
                 .select_from(asks_t.outerjoin(votes, votes.c.ask_id == asks_t.c.id)
                              .outerjoin(ask_review_t, ask_review_t.c.ask_id == asks_t.c.id))
                 .where(asks_t.c.session_id == sid))
            if not include_hidden:
                q = q.where(asks_t.c.hidden.is_(False))
            if not include_pending:
                q = q.where(sa.func.coalesce(ask_review_t.c.approved, True).is_(True))
            rows = conn.execute(q).all()
            mine: set[int] = set()
            if participant:
                mine = set(conn.execute(sa.select(votes_t.c.ask_id).join(asks_t, asks_t.c.id == votes_t.c.ask_id)
                                        .where(asks_t.c.session_id == sid, votes_t.c.participant == participant))
                           .scalars())
            return rows, mine
        rows, voted = self._run(work)
        items = [{"id": r.id, "text": r.text, "votes": int(r.votes), "answered": bool(r.answered),
                  "hidden": bool(r.hidden), "pending": not bool(r.approved), "created": r.created,
                  "mine": participant is not None and r.participant == participant,
                  "voted": r.id in voted} for r in rows]
        items.sort(key=lambda a: (a["answered"], -a["votes"], a["created"], a["id"]))
        return items

    def mark_answered(self, session: str, ask_id: int, answered: bool = True) -> None:
        self._update_ask(session, ask_id, answered=bool(answered))

    def hide_ask(self, session: str, ask_id: int, hidden: bool = True) -> None:
        self._update_ask(session, ask_id, hidden=bool(hidden))

    def _update_ask(self, session: str, ask_id: int, **values) -> None:
        def work(conn):
            sid = self._session_id(conn, session)
            done = conn.execute(asks_t.update().where(asks_t.c.id == ask_id, asks_t.c.session_id == sid).values(**values))
            if done.rowcount == 0:
                raise ValueError(f"there is no question {ask_id} in this session's queue")
            self._bump(conn, sid)
        self._run(work, write=True)

    # -- export ------------------------------------------------------------------------------------------------
    def export_csv(self, session: str, path: str | os.PathLike) -> Path:
        """Write every current answer and queued question of a session to a CSV file; returns the path.

        Participants appear only when the lead turned names on for the session; otherwise they are numbered.
        Cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote (OWASP, "CSV
        Injection").
        """
        info = self.session_info(session)

        def work(conn):
            sid = self._session_id(conn, session)
            answers = conn.execute(
                sa.select(questions_t.c.text, questions_t.c.kind, answers_t.c.participant, answers_t.c.value,
                          answers_t.c.updated, answers_t.c.hidden)
                .join(answers_t, answers_t.c.question_id == questions_t.c.id)
                .where(questions_t.c.session_id == sid).order_by(questions_t.c.id, answers_t.c.updated)).all()
            asks = conn.execute(sa.select(asks_t).where(asks_t.c.session_id == sid).order_by(asks_t.c.id)).all()
            return answers, asks
        answers, asks = self._run(work)
        aliases: dict[str, str] = {}

        def who(p: str) -> str:
            if info["show_names"]:
                return p
            return aliases.setdefault(p, f"participant {len(aliases) + 1}")

        path = Path(path)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["session", "question", "kind", "participant", "answer", "time", "hidden"])
            for r in answers:
                v = json.loads(r.value)
                text = "; ".join(v) if isinstance(v, list) else (
                    f"worked: {v['worked']} | change: {v['change']}" if isinstance(v, dict) else str(v))
                w.writerow([info["code"], _cell(r.text), r.kind, _cell(who(r.participant)), _cell(text),
                            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(r.updated)), int(bool(r.hidden))])
            for a in asks:
                w.writerow([info["code"], "(question queue)", "ask", _cell(who(a.participant)), _cell(a.text),
                            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(a.created)), int(bool(a.hidden))])
        return path

    def describe(self) -> str:
        """A one-line description of the reachable store (used by ``ttt doctor``)."""
        def work(conn):
            return conn.execute(sa.select(sa.func.count()).select_from(sessions_t)).scalar_one()
        n = self._run(work)
        kind = "SQLite" if self.is_sqlite else self.url.get_backend_name()
        return f"{kind} {_safe_url(self.url)} (schema {SCHEMA_VERSION}, {n} session(s))"


class _Tx:
    """Context manager: a connection with one transaction, committed on success, rolled back on error."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.tx = self.conn.begin()
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.tx.commit()
            else:
                self.tx.rollback()
        finally:
            self.conn.close()
        return False


def _insert(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the kit supports SQLite and PostgreSQL
        raise StoreError(f"unsupported database {conn.dialect.name!r}: use SQLite or PostgreSQL")
    return insert


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
