"""The live service: the room's answers over HTTP, served by ``ttt present`` itself, in front of the response store.

Trainees' widgets (on their own laptops, or in JupyterHub kernels) and phones' join page talk to this service,
never to the database: the service process alone holds the store's URL and credentials. Every participant gets a
random token from the service when joining; the token is their identity (on JupyterHub, the Hub's user is). Reading
individual answers or names, moderation and session control need the lead's token, the one ``ttt present`` prints.

Endpoints (JSON in and out; errors are ``{"error": "..."}`` with a 4xx status)::

    GET  /join, /join/CODE, /CODE             the phone page (no Jupyter needed); /CODE redirects to /join/CODE
    GET  /ttt/api/sessions/CODE[?since=REV]   session title, current question (results when revealed); with
                                              ``since``, waits up to 25 s for a change (or the end of
                                              the current question's countdown) first (long poll)
    POST /ttt/api/sessions/CODE/participants  -> {"participant", "token"}     (a new participant of the session)
    POST /ttt/api/sessions/CODE/questions     {"question", "kind", "options"} (a trainee widget's own question)
    POST /ttt/api/sessions/CODE/answers       {"question", "value", "id"}     -> {"stored", "duplicate"}
    GET  /ttt/api/sessions/CODE/asks          the approved question queue (no names), with "mine" and "voted"
    POST /ttt/api/sessions/CODE/asks          {"text", "id"} -> {"id", "pending"}
    POST /ttt/api/sessions/CODE/asks/ID/vote  -> {"added"}
  lead only (the server's token):
    GET  /ttt/api/sessions/CODE/responses?question=Q    every answer with its participant
    GET  /ttt/api/sessions/CODE/export.csv              a download of every answer (names only when shown)
    POST /ttt/api/sessions/CODE/control       {"action": ..., ...}  current, close, reopen, reveal, countdown, ...
    GET  /ttt/api/sessions/CODE/wait?since=REV          long poll of the change counter (the dashboards' push)

Participant requests carry ``Authorization: Bearer TOKEN``. Limits: bodies up to 16 KB, 20 requests in a burst
and 5 per second after that per participant (429 with ``Retry-After``), 300 registrations in a burst and 5 per
second per address, 2,000 participants and 100 questions per session. Each write may carry a client-made ``id``:
a retry of a write that was stored (the reply was lost) is recognised and answered again, not stored twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from tornado import web

from .store import (KINDS, CODE_ALPHABET, QUEUE, QuestionClosed, ResponseStore, StoreUnavailable, UnknownQuestion,
                    UnknownSession, clean_text, normalise_code)

__all__ = ["LiveService", "handlers", "QUEUE", "API_PREFIX", "MAX_BODY", "CODE_PATTERN"]

log = logging.getLogger("ttt_widgets.service")

API_PREFIX = "ttt/api"
MAX_BODY = 16 * 1024
MAX_PARTICIPANTS = 2000
MAX_QUESTIONS = 100
LONG_POLL = 25.0
#: long polls held open at once, over every session (beyond that a poll is answered at once)
MAX_WAITERS = 5000
#: a join code in a URL (the alphabet has no 0/O, 1/I/L, so /login and /logout never match)
CODE_PATTERN = "[" + CODE_ALPHABET + CODE_ALPHABET.lower() + "]{6}"
STATIC = Path(__file__).resolve().parent / "static"


class _Bucket:
    """Token bucket: ``burst`` requests at once, then ``rate`` per second."""

    __slots__ = ("tokens", "stamp")

    def __init__(self, burst: float) -> None:
        self.tokens, self.stamp = burst, time.monotonic()


class RateLimiter:
    def __init__(self, burst: float, rate: float, size: int = 20000) -> None:
        self.burst, self.rate, self.size = burst, rate, size
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        b = self._buckets.get(key)
        if b is None:
            b = self._buckets[key] = _Bucket(self.burst)
            if len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
        b.tokens = min(self.burst, b.tokens + (now - b.stamp) * self.rate)
        b.stamp = now
        if b.tokens >= 1:
            b.tokens -= 1
            return 0.0
        return (1 - b.tokens) / self.rate


class ChangeWatcher:
    """Wakes long polls when a session's change counter moves.

    Writes made through this service wake them at once. Writes made elsewhere (a notebook on this machine writing
    straight to the SQLite file) are seen by looking at the counters of watched sessions every ``interval``; on
    PostgreSQL a ``LISTEN ttt_live`` connection wakes the check as soon as any writer commits.
    """

    def __init__(self, store: ResponseStore, interval: float = 0.25) -> None:
        self.store, self.interval = store, interval
        self._waiters: dict[str, set[asyncio.Future]] = {}
        self._revisions: dict[str, int] = {}
        self._task: asyncio.Task | None = None
        self._kick: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: threading.Thread | None = None
        self.notifications = 0

    @property
    def waiting(self) -> int:
        return sum(len(w) for w in self._waiters.values())

    def changed(self, code: str) -> None:
        """Called after a write of this service: look now."""
        if self._kick is not None:
            self._kick.set()

    async def wait(self, code: str, since: int, timeout: float) -> int:
        loop = asyncio.get_running_loop()
        self._ensure_running(loop)
        current = await loop.run_in_executor(None, self.store.revision, code)
        if current != since:
            return current
        fut = loop.create_future()
        self._waiters.setdefault(code, set()).add(fut)
        self._revisions.setdefault(code, current)
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            return current
        finally:
            waiters = self._waiters.get(code)
            if waiters is not None:
                waiters.discard(fut)
                if not waiters:
                    self._waiters.pop(code, None)
                    self._revisions.pop(code, None)

    def _ensure_running(self, loop) -> None:
        if self._task is None or self._task.done():
            self._loop = loop
            self._kick = asyncio.Event()
            self._task = loop.create_task(self._run())
            if not self.store.is_sqlite and self.store.url.get_backend_name() == "postgresql":
                self._start_listener()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.wait_for(self._kick.wait(), self.interval if self.store.is_sqlite else 2.0)
            except asyncio.TimeoutError:
                pass
            self._kick.clear()
            for code in list(self._waiters):
                try:
                    rev = await loop.run_in_executor(None, self.store.revision, code)
                except Exception:  # noqa: BLE001 - the store is down: the long polls time out and retry
                    continue
                if rev != self._revisions.get(code):
                    self._revisions[code] = rev
                    for fut in list(self._waiters.get(code, ())):
                        if not fut.done():
                            fut.set_result(rev)

    def _start_listener(self) -> None:
        if self._listener is not None and self._listener.is_alive():
            return

        def listen() -> None:
            import psycopg

            url = self.store.url.set(drivername="postgresql")
            dsn = url.render_as_string(hide_password=False)
            while True:
                try:
                    with psycopg.connect(dsn, autocommit=True) as conn:
                        conn.execute("LISTEN ttt_live")
                        for _ in conn.notifies():
                            self.notifications += 1
                            if self._loop is not None and self._kick is not None:
                                self._loop.call_soon_threadsafe(self._kick.set)
                except Exception as exc:  # noqa: BLE001 - reconnect after a server restart
                    log.info("LISTEN connection lost (%s); reconnecting", exc)
                    time.sleep(1.0)

        self._listener = threading.Thread(target=listen, name="ttt-listen", daemon=True)
        self._listener.start()


class LiveService:
    """What the handlers share: the store, the limits, the recent writes (for retries), the change watcher."""

    def __init__(self, store: ResponseStore | None = None) -> None:
        self.store = store or ResponseStore()
        self.watcher = ChangeWatcher(self.store)
        self.per_participant = RateLimiter(burst=20, rate=5)
        self.per_address = RateLimiter(burst=300, rate=5)
        self._recent: OrderedDict[tuple, dict] = OrderedDict()
        self._recent_lock = threading.Lock()
        #: hub mode: who is registering, as JupyterHub vouches for it (``f(handler) -> name or None``, may be
        #: async); participant tokens are then issued to that name only
        self.hub_user: Callable[[web.RequestHandler], Any] | None = None

    def remember(self, key: tuple, reply: dict) -> None:
        with self._recent_lock:
            self._recent[key] = reply
            while len(self._recent) > 50000:
                self._recent.popitem(last=False)

    def recall(self, key: tuple) -> dict | None:
        with self._recent_lock:
            return self._recent.get(key)

    # -- what a participant may see ----------------------------------------------------------------------------
    def public_session(self, code: str) -> dict:
        info = self.store.session_info(code)
        state = self.store.state(code)
        out: dict[str, Any] = {"code": info["code"], "title": info["title"], "revision": info["revision"],
                               "current": None}
        current = state["current"]
        if current == QUEUE:
            out["current"] = {"question": QUEUE, "kind": "queue", "options": None, "closed": False}
            return out
        if current is None:
            return out
        question = next((q for q in self.store.questions(code) if q["question"] == current), None)
        if question is None:
            return out
        qstate = state["questions"].get(current, {})
        closes_at = qstate.get("closes_at")
        item = {"question": current, "kind": question["kind"], "options": question["options"],
                "closed": bool(qstate.get("closed")),
                "closes_in": max(0.0, closes_at - time.time()) if closes_at and not qstate.get("closed") else None,
                "revealed": bool(qstate.get("revealed")), "answer_first": state["answer_first"]}
        if question["kind"] in ("poll", "multi", "scale", "words") and (item["revealed"] or not state["answer_first"]):
            summary = self.store.summary(code, current)
            item["results"] = ({"words": summary["words"][:40]} if question["kind"] == "words"
                               else {"counts": summary["counts"], "n": summary["n"]})
        out["current"] = item
        return out


# -- handlers -------------------------------------------------------------------------------------------------------
class HTTPFailure(Exception):
    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def _errors(method):
    """Turn the store's and the service's errors into JSON replies with a status and a clear message."""
    async def wrapper(self, *args, **kwargs):
        try:
            return await method(self, *args, **kwargs)
        except HTTPFailure as exc:
            if exc.retry_after is not None:
                self.set_header("Retry-After", str(max(1, int(exc.retry_after + 0.999))))
            self._reply({"error": exc.message}, exc.status)
        except UnknownSession as exc:
            self._reply({"error": str(exc), "type": "unknown-session"}, 404)
        except UnknownQuestion as exc:
            self._reply({"error": str(exc), "type": "unknown-question"}, 404)
        except QuestionClosed as exc:
            self._reply({"error": str(exc), "type": "closed"}, 409)
        except StoreUnavailable as exc:
            log.warning("store unavailable: %s", exc)
            self._reply({"error": "the response store cannot be reached right now; try again in a moment"}, 503)
        except ValueError as exc:
            self._reply({"error": str(exc)}, 400)
    wrapper.__name__ = method.__name__
    return wrapper


class _Json:
    """Shared by the participant and the lead handlers."""

    service: LiveService

    def initialize(self, service: LiveService) -> None:
        self.service = service

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def _reply(self, data: Any, status: int = 200) -> None:
        if self._finished:
            return
        self.set_status(status)
        self.finish(json.dumps(data, ensure_ascii=False))

    def body(self) -> dict:
        raw = self.request.body or b""
        if len(raw) > MAX_BODY:
            raise HTTPFailure(413, f"the request is too large ({len(raw)} bytes; the limit is {MAX_BODY})")
        ctype = self.request.headers.get("Content-Type", "")
        if raw and "json" not in ctype:
            raise HTTPFailure(415, "send JSON (Content-Type: application/json)")
        try:
            data = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, ValueError):
            raise HTTPFailure(400, "the request is not valid JSON") from None
        if not isinstance(data, dict):
            raise HTTPFailure(400, "the request must be a JSON object")
        return data

    async def run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    def code(self, raw: str) -> str:
        code = normalise_code(raw)
        if not re.fullmatch(CODE_PATTERN, code):
            raise HTTPFailure(404, f"no live session has the join code {code[:20]!r}: check the code on the lead's screen")
        return code


class ParticipantHandler(_Json, web.RequestHandler):
    """Requests from trainees and phones: identified by their participant token (or by JupyterHub)."""

    def check_xsrf_cookie(self) -> None:  # bearer tokens in a header, not cookies: no cross-site forgery
        return None

    def address(self) -> str:
        return self.request.remote_ip or "?"

    async def hub_name(self) -> str:
        """The JupyterHub user making this request (hub mode only); 401 when the Hub does not vouch for one."""
        name = self.service.hub_user(self)
        if asyncio.iscoroutine(name):
            name = await name
        if not name:
            raise HTTPFailure(401, "log in to JupyterHub first: this session identifies participants by the Hub")
        return name

    async def participant(self, code: str) -> str:
        """The caller's participant name in this session, checked; raises 401 without a valid token.

        The token was issued by :class:`Participants`: to a random pseudonym, or in hub mode to the Hub's user
        (so the name can never be chosen by the caller)."""
        header = self.request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not token:
            raise HTTPFailure(401, "join the session first (POST .../participants gives a participant token)")
        wait = self.service.per_participant.take("t:" + token[:64])
        if wait:
            raise HTTPFailure(429, "too many requests: wait a moment", wait)
        name = await self.run(self.service.store.participant_for_token, code, token)
        if name is None:
            raise HTTPFailure(401, "this participant token is not valid for this session: join again")
        return name

    async def once(self, code: str, who: str, kind: str, data: dict, write) -> tuple[dict, bool]:
        """Run ``write()`` unless this participant's request ``id`` was written already (the reply was lost and the
        client sent it again): then answer with the first reply. Returns ``(reply, duplicate)``."""
        cid = data.get("id")
        if cid is not None and (not isinstance(cid, str) or not 1 <= len(cid) <= 64):
            raise HTTPFailure(400, "the request id must be text of 1 to 64 characters")
        key = (code, who, kind, cid)
        if cid is not None and (seen := self.service.recall(key)) is not None:
            return seen, True
        reply = await write()
        if cid is not None:
            self.service.remember(key, reply)
        self.service.watcher.changed(code)
        return reply, False


class SessionInfo(ParticipantHandler):
    @_errors
    async def get(self, raw: str) -> None:
        code = self.code(raw)
        since = self.get_query_argument("since", None)
        if since is not None:
            try:
                since_rev = int(since)
            except ValueError:
                raise HTTPFailure(400, "since must be a whole number (the revision you have)") from None
            if self.service.watcher.waiting < MAX_WAITERS:  # a waiting poll costs a future, no thread
                timeout = LONG_POLL
                current = (await self.run(self.service.public_session, code))["current"]
                if current and current.get("closes_in"):  # wake when the countdown ends: the question locks
                    timeout = min(timeout, current["closes_in"] + 0.05)
                await self.service.watcher.wait(code, since_rev, timeout)
        self._reply(await self.run(self.service.public_session, code))


class Participants(ParticipantHandler):
    @_errors
    async def post(self, raw: str) -> None:
        code = self.code(raw)
        self.body()
        store = self.service.store
        if self.service.hub_user is not None:
            if not self.request.headers.get("Authorization") and not self.request.headers.get("X-TTT-Join"):
                # a cookie-authenticated page must say so with a header a cross-site form cannot set
                raise HTTPFailure(403, "send the X-TTT-Join header from the join page")
            name, via = await self.hub_name(), "hub"
        else:
            wait = self.service.per_address.take("reg:" + self.address())
            if wait:
                raise HTTPFailure(429, "too many people joined from this address at once: try again in a moment", wait)
            name, via = None, "token"
        await self.run(store.session_info, code)  # 404 for a wrong code
        if await self.run(store.count_participants, code) >= MAX_PARTICIPANTS:
            raise HTTPFailure(403, f"this session is full ({MAX_PARTICIPANTS} participants)")
        participant, token = await self.run(lambda: store.register_participant(code, name, via))
        self._reply({"participant": participant, "token": token}, 201)


class Questions(ParticipantHandler):
    @_errors
    async def post(self, raw: str) -> None:
        code = self.code(raw)
        data = self.body()
        await self.participant(code)
        question, kind, options = data.get("question"), data.get("kind"), data.get("options")
        if kind not in KINDS:
            raise HTTPFailure(400, f"unknown question kind {str(kind)[:20]!r} (known: {', '.join(KINDS)})")
        if options is not None and (not isinstance(options, list) or len(options) > 20):
            raise HTTPFailure(400, "options must be a list of at most 20 choices")
        store = self.service.store
        existing = await self.run(store.questions, code)
        text = clean_text(question, limit=500, what="question", single_line=True)
        if text not in {q["question"] for q in existing} and len(existing) >= MAX_QUESTIONS:
            raise HTTPFailure(403, f"this session has {MAX_QUESTIONS} questions already: ask the lead")
        await self.run(store.add_question, code, text, kind, options)
        self.service.watcher.changed(code)
        self._reply({"question": text}, 200)


class Answers(ParticipantHandler):
    @_errors
    async def post(self, raw: str) -> None:
        code = self.code(raw)
        data = self.body()
        who = await self.participant(code)
        if "value" not in data:
            raise HTTPFailure(400, "send the answer as 'value'")

        async def write() -> dict:
            stored = await self.run(lambda: self.service.store.submit(code, data.get("question"), who, data["value"],
                                                                      request_id=data.get("id")))
            return {"stored": stored, "participant": who}
        reply, duplicate = await self.once(code, who, "answer", data, write)
        self._reply({**reply, "duplicate": duplicate})


class Asks(ParticipantHandler):
    @_errors
    async def get(self, raw: str) -> None:
        code = self.code(raw)
        who = await self.participant(code)
        items = await self.run(lambda: self.service.store.queue(code, participant=who))
        self._reply([{k: item[k] for k in ("id", "text", "votes", "answered", "mine", "voted")} for item in items])

    @_errors
    async def post(self, raw: str) -> None:
        code = self.code(raw)
        data = self.body()
        who = await self.participant(code)
        store = self.service.store

        async def write() -> dict:
            ask_id = await self.run(lambda: store.ask(code, who, data.get("text"), request_id=data.get("id")))
            return {"id": ask_id, "pending": (await self.run(store.state, code))["approve_asks"]}
        reply, duplicate = await self.once(code, who, "ask", data, write)
        self._reply({**reply, "duplicate": duplicate}, 201)


class Vote(ParticipantHandler):
    @_errors
    async def post(self, raw: str, ask_id: str) -> None:
        code = self.code(raw)
        self.body()
        who = await self.participant(code)
        visible = {a["id"] for a in await self.run(self.service.store.queue, code)}
        if int(ask_id) not in visible:
            raise HTTPFailure(404, f"there is no question {int(ask_id)} in this session's queue")
        added = await self.run(self.service.store.upvote, code, int(ask_id), who)
        self.service.watcher.changed(code)
        self._reply({"added": added})


class Ping(_Json, web.RequestHandler):
    """``GET /ttt/api/ping``: the server is up (dashboards ask it to notice a stopped server)."""

    def initialize(self, service: LiveService | None = None) -> None:
        self.service = service

    def get(self) -> None:
        self._reply({"ok": True})


class JoinPage(web.RequestHandler):
    """The phone page: static HTML that talks to the API above.

    Its script and style sheet are linked under the page's own prefix (everything before ``/join``: empty, or e.g.
    ``/services/ttt`` as a JupyterHub service), with a content hash so phones never run a stale script.
    """

    def get(self, raw: str | None = None) -> None:
        import hashlib
        from html import escape

        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
        path = self.request.path
        page = (STATIC / "join.html").read_text(encoding="utf-8")
        fills = {"prefix": escape(path[:path.rfind("/join")], quote=True)}
        for name in ("js", "css"):
            fills[name + "_version"] = hashlib.sha256((STATIC / f"join.{name}").read_bytes()).hexdigest()[:12]
        for key, value in fills.items():
            page = page.replace("{{" + key + "}}", value)
        self.finish(page.encode("utf-8"))


class CodeRedirect(web.RequestHandler):
    def get(self, raw: str) -> None:
        self.redirect(f"{self.settings.get('base_url', '/').rstrip('/')}/join/{raw.upper()}")


def _lead_handlers(service: LiveService) -> list:
    """Lead-only handlers: jupyter_server's own authentication (the server's token) guards them."""
    from jupyter_server.base.handlers import APIHandler

    class Lead(_Json, APIHandler):
        def set_default_headers(self) -> None:
            APIHandler.set_default_headers(self)
            _Json.set_default_headers(self)

        def write_error(self, status_code: int, **kwargs: Any) -> None:  # no traceback, a plain JSON message
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": "the lead's token is needed for this" if status_code == 403
                                    else f"error {status_code}"}))

    class Responses(Lead):
        @web.authenticated
        @_errors
        async def get(self, raw: str) -> None:
            code = self.code(raw)
            question = self.get_query_argument("question")
            rows = await self.run(self.service.store.responses, code, question)
            self._reply([{"participant": r["participant"], "value": r["value"], "updated": r["updated"],
                          "hidden": r["hidden"]} for r in rows])

    class Export(Lead):
        @web.authenticated
        @_errors
        async def get(self, raw: str) -> None:
            import tempfile

            code = self.code(raw)
            with tempfile.TemporaryDirectory() as tmp:
                path = await self.run(self.service.store.export_csv, code, Path(tmp) / f"{code}.csv")
                data = path.read_bytes()
            self.set_header("Content-Disposition", f'attachment; filename="ttt-session-{code}.csv"')
            self.finish(data, set_content_type="text/csv; charset=utf-8")

    class Wait(Lead):
        @web.authenticated
        @_errors
        async def get(self, raw: str) -> None:
            code = self.code(raw)
            since = int(self.get_query_argument("since", "-1"))
            timeout = min(LONG_POLL, max(0.0, float(self.get_query_argument("timeout", str(LONG_POLL)))))
            self._reply({"revision": await self.service.watcher.wait(code, since, timeout)})

    class Control(Lead):
        @web.authenticated
        @_errors
        async def post(self, raw: str) -> None:
            code = self.code(raw)
            data = self.body()
            await self.run(control, self.service.store, code, data)
            self.service.watcher.changed(code)
            self._reply(await self.run(self.service.store.state, code))

    base = API_PREFIX + "/sessions/(" + CODE_PATTERN + ")"
    return [(base + "/responses", Responses), (base + "/export.csv", Export), (base + "/wait", Wait),
            (base + "/control", Control)]


def control(store: ResponseStore, code: str, data: dict) -> None:
    """Apply one of the lead's actions (the same ones the dashboard's buttons call)."""
    action = data.get("action")
    question = data.get("question")
    if action == "current":
        store.set_controls(code, current=question if question else None)
    elif action in ("close", "reopen"):
        store.set_question_state(code, question, closed=action == "close")
    elif action in ("reveal", "conceal"):
        store.set_question_state(code, question, revealed=action == "reveal")
    elif action == "countdown":
        store.set_question_state(code, question, closes_in=data.get("seconds"))
    elif action == "answer_first":
        store.set_controls(code, answer_first=bool(data.get("on")))
    elif action == "approve_asks":
        store.set_controls(code, approve_asks=bool(data.get("on")))
    elif action == "approve":
        store.approve_ask(code, int(data.get("ask")), bool(data.get("approved", True)))
    elif action == "show_names":
        store.set_show_names(code, bool(data.get("on")))
    else:
        raise ValueError(f"unknown action {str(action)[:30]!r}")


def handlers(base_url: str = "/", service: LiveService | None = None) -> list:
    """The service's tornado handlers under ``base_url`` (what ``ttt present`` adds to Voila's)."""
    from tornado.web import StaticFileHandler

    service = service or LiveService()
    prefix = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    kw = {"service": service}
    base = API_PREFIX + "/sessions/(" + CODE_PATTERN + ")"
    routes = [
        (API_PREFIX + "/ping", Ping, kw),
        (base, SessionInfo, kw),
        (base + "/participants", Participants, kw),
        (base + "/questions", Questions, kw),
        (base + "/answers", Answers, kw),
        (base + "/asks", Asks, kw),
        (base + r"/asks/(\d{1,12})/vote", Vote, kw),
        *[(pattern, cls, kw) for pattern, cls in _lead_handlers(service)],
        ("join/?", JoinPage),
        ("join/(" + CODE_PATTERN + ")/?", JoinPage),
        (r"ttt/static/(join\.(?:js|css))", StaticFileHandler, {"path": str(STATIC)}),
        ("(" + CODE_PATTERN + ")/?", CodeRedirect),
    ]
    return [(prefix + pattern, *rest) for pattern, *rest in routes]


def env_for_kernels(port: int, ip: str, token: str | None, base_url: str = "/") -> dict[str, str]:
    """What ``ttt present`` tells its dashboard kernels: where the service is (for push) and the join address."""
    internal_host = "127.0.0.1" if ip in ("0.0.0.0", "", "::", "localhost", "127.0.0.1") else ip
    prefix = "/" + base_url.strip("/") if base_url.strip("/") else ""
    out = {"TTT_SERVICE_URL": f"http://{internal_host}:{port}{prefix}"}
    if token:
        out["TTT_LEAD_TOKEN"] = token
    if not os.environ.get("TTT_PUBLIC_URL"):
        host = lan_address() if ip in ("0.0.0.0", "", "::") else ip
        out["TTT_PUBLIC_URL"] = f"http://{host}:{port}{prefix}"
    return out


def lan_address() -> str:
    """This machine's address on its local network (what a trainee's laptop types), else 127.0.0.1."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()
