"""The trainee's side of the live service: the calls a widget makes, over HTTP, to the lead's ``ttt present``.

:class:`RemoteStore` offers the part of :class:`~ttt_widgets.live.store.ResponseStore` that trainee widgets use
(``session_info``, ``add_question``, ``submit``, ``ask``, ``upvote``, ``queue``), so a widget does not care whether
it writes to the store on this machine or through the service. The participant is whoever the service issued the
token to: the name a caller passes is ignored. Tokens are kept in the data directory (readable by this user only),
one per service and session, so a kernel restart keeps the same identity and a later answer replaces the earlier
one. On JupyterHub the kernel's ``JUPYTERHUB_API_TOKEN`` proves who registers, so the Hub's user name is used.

>>> split_join_url("http://192.168.1.20:8866/K7P2QX")
('http://192.168.1.20:8866', 'K7P2QX')
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .store import QuestionClosed, StoreUnavailable, UnknownQuestion, UnknownSession, normalise_code

__all__ = ["RemoteStore", "split_join_url", "is_join_url"]

API = "/ttt/api/sessions/"
TIMEOUT = 5.0


def is_join_url(text: object) -> bool:
    return isinstance(text, str) and text.strip().lower().startswith(("http://", "https://"))


def split_join_url(url: str) -> tuple[str, str]:
    """``http://HOST:PORT[/prefix]/CODE`` (also ``.../join/CODE``) -> (service base URL, code)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UnknownSession(f"{url!r} is not a join address: it looks like http://HOST:PORT/CODE")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise UnknownSession(f"the join address {url!r} has no code at its end: http://HOST:PORT/CODE")
    code = normalise_code(urllib.parse.unquote(segments[-1]))
    segments = segments[:-1]
    if segments and segments[-1] == "join":
        segments = segments[:-1]
    base = f"{parts.scheme}://{parts.netloc}" + ("/" + "/".join(segments) if segments else "")
    return base, code


class _Tokens:
    """Participant tokens on disk: ``live-tokens.json`` in the data directory, mode 0600, written atomically."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        from ..config import data_dir

        self.path = Path(data_dir()) / "live-tokens.json"

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (FileNotFoundError, ValueError):
            return {}

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._read().get(key)
        return entry if isinstance(entry, dict) and isinstance(entry.get("token"), str) else None

    def put(self, key: str, entry: dict | None) -> None:
        with self._lock:
            data = self._read()
            if entry is None:
                data.pop(key, None)
            else:
                data[key] = entry
            tmp = self.path.with_name(f".live-tokens.{os.getpid()}.{secrets.token_hex(3)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.path)


class RemoteStore:
    """The live service at ``base`` (``http://HOST:PORT``), used like a response store by trainee widgets.

    Examples
    --------
    >>> store = RemoteStore("http://192.168.1.20:8866")  # doctest: +SKIP
    >>> store.submit("K7P2QX", "Ready?", None, "yes")  # doctest: +SKIP
    'yes'
    """

    is_remote = True

    def __init__(self, base: str, timeout: float = TIMEOUT) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self._tokens = _Tokens()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.base!r})"

    # -- HTTP --------------------------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None, token: str | None = None,
                 hub: bool = False) -> tuple[int, Any]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        elif hub and os.environ.get("JUPYTERHUB_API_TOKEN"):
            req.add_header("Authorization", f"token {os.environ['JUPYTERHUB_API_TOKEN']}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - http(s) only, checked
                return resp.status, json.loads(resp.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as exc:
            try:
                payload = json.loads(exc.read().decode("utf-8") or "null")
            except ValueError:
                payload = None
            payload = payload if isinstance(payload, dict) else {}
            return exc.code, {**payload, "error": payload.get("error") or f"the live service answered {exc.code} "
                              f"{exc.reason}", "retry_after": exc.headers.get("Retry-After")}
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreUnavailable(f"the live session at {self.base} cannot be reached ({reason})") from None

    def _raise(self, status: int, payload: dict, code: str):
        message = payload.get("error", "") if isinstance(payload, dict) else ""
        if status == 404:
            if payload.get("type") == "unknown-question":
                raise UnknownQuestion(message)
            raise UnknownSession(message)
        if status == 409:
            raise QuestionClosed(message)
        if status == 429:
            raise StoreUnavailable(f"{message} (the service asks to wait {payload.get('retry_after') or 1} s)")
        if status in (400, 413, 415):
            raise ValueError(message)
        if status == 403:
            raise ValueError(message or "the live service refused this")
        raise StoreUnavailable(message or f"the live service answered {status}")

    def _token(self, code: str, renew: bool = False) -> str:
        key = f"{self.base}|{code}"
        with self._lock:
            entry = None if renew else self._tokens.get(key)
            if entry is None:
                status, payload = self._request("POST", f"{API}{code}/participants", {}, hub=True)
                if status != 201:
                    self._raise(status, payload, code)
                entry = {"token": payload["token"], "participant": payload["participant"], "created": time.time()}
                self._tokens.put(key, entry)
            return entry["token"]

    def participant(self, code: str) -> str:
        """The name the service knows this trainee by in ``code`` (registering first if needed)."""
        self._token(normalise_code(code))
        return self._tokens.get(f"{self.base}|{normalise_code(code)}")["participant"]

    def _call(self, method: str, code: str, path: str, body: dict | None = None) -> Any:
        code = normalise_code(code)
        renew = resent = False
        for _ in range(3):
            token = self._token(code, renew=renew)
            renew = False
            try:
                status, payload = self._request(method, f"{API}{code}{path}", body, token=token)
            except StoreUnavailable:
                if not resent and body is not None and "id" in body:  # the reply may be lost: resend the same id
                    resent = True
                    time.sleep(0.2)
                    continue
                raise
            if status == 401:  # the service does not know this token (another store): register again
                renew = True
                continue
            if status >= 400:
                self._raise(status, payload, code)
            return payload
        raise StoreUnavailable("the live service did not accept this participant's token")

    # -- what trainee widgets call -----------------------------------------------------------------------------
    def session_info(self, code: str) -> dict:
        code = normalise_code(code)
        status, payload = self._request("GET", f"{API}{code}")
        if status != 200:
            self._raise(status, payload, code)
        return payload

    def add_question(self, code: str, question: str, kind: str, options=None) -> None:
        self._call("POST", code, "/questions", {"question": question, "kind": kind,
                                                "options": list(options) if options is not None else None})

    def submit(self, code: str, question: str, participant: Any, value: Any, request_id: str | None = None) -> Any:
        body = {"question": question, "value": value, "id": request_id or secrets.token_hex(12)}
        return self._call("POST", code, "/answers", body)["stored"]

    def ask(self, code: str, participant: Any, text: str, request_id: str | None = None) -> int:
        return self._call("POST", code, "/asks", {"text": text, "id": request_id or secrets.token_hex(12)})["id"]

    def upvote(self, code: str, ask_id: int, participant: Any) -> bool:
        return self._call("POST", code, f"/asks/{int(ask_id)}/vote", {})["added"]

    def queue(self, code: str, participant: Any = None) -> list[dict]:
        return self._call("GET", code, "/asks")

    def close(self) -> None:
        pass
