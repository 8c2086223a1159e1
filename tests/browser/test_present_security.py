"""`ttt present` serves the dashboards folder and nothing else.

One hardened server runs on a temporary course laid out like a real one: a course root with nbgrader_config.py, a
gradebook, a response store and a solution notebook, and the dashboards folder inside it, seeded with every trap we
could think of (symlinks out of the folder, private files copied in, a hidden notebook). Every request that tries to
reach them must answer 403 or 404, whatever the spelling.
"""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from ttt_widgets.dashboard_kernel import HIDDEN_TRACEBACK
from ttt_widgets.serve import exposure_advice, is_servable, present_token

SOLUTION = "SOLUTION_TEXT_7f3a"
CODE_MARKER = "CODE_MARKER_91c2"
FACILITATOR = "FACILITATOR_ONLY_5d0e"
CALLBACK = "CALLBACK_PATH_3b8e"


def _notebook(cells: list[dict]) -> str:
    return json.dumps({
        "cells": cells, "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}},
    })


def _cell(kind: str, source: str, tags: list[str] | None = None) -> dict:
    cell = {"cell_type": kind, "metadata": {"tags": tags or []}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(f"c = get_config()\n# {SOLUTION}\n")
    (root / "gradebook.db").write_text(SOLUTION)
    (root / "responses.sqlite").write_text(SOLUTION)
    source = root / "assignments" / "source" / "warmup"
    source.mkdir(parents=True)
    (source / "warmup.ipynb").write_text(_notebook([_cell("code", f"### BEGIN SOLUTION\nx = '{SOLUTION}'\n### END SOLUTION")]))
    dash = root / "dashboards"
    dash.mkdir()
    marker = root / "facilitator-cell-ran"
    (dash / "ok.ipynb").write_text(_notebook([
        _cell("markdown", "# A safe dashboard"),
        _cell("code", f"import ipywidgets as w\n{CODE_MARKER} = 1"),
        _cell("code", f"open({str(marker)!r}, 'w').write('{FACILITATOR}')\nprint('{FACILITATOR}')", ["skip-voila"]),
        _cell("code", f"b = w.Button(description='Hello')\nb.on_click(lambda _: open('/no/such/{CALLBACK}'))\nb"),
    ]))
    # traps inside the served folder
    (dash / "leak.ipynb").symlink_to(source / "warmup.ipynb")
    (dash / "leak.png").symlink_to(root / "gradebook.db")
    (dash / "course").symlink_to(root / "assignments", target_is_directory=True)
    (dash / "nbgrader_config.py").write_text(SOLUTION)
    (dash / "gradebook.db").write_text(SOLUTION)
    (dash / "responses.sqlite").write_text(SOLUTION)
    (dash / ".hidden.ipynb").write_text((dash / "ok.ipynb").read_text())
    return root


@pytest.fixture(scope="module")
def server(ttt_present, course):
    base, proc = ttt_present(course / "dashboards")
    return base, proc, course


def _get(base: str, raw_path: str) -> tuple[int, str]:
    """GET a path exactly as written (no client-side normalisation of dots or escapes)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


FORBIDDEN = [
    # the course's files, reached by climbing out of the folder
    "/voila/render/../assignments/source/warmup/warmup.ipynb",
    "/voila/files/../nbgrader_config.py",
    "/voila/files/../gradebook.db",
    "/voila/files/../responses.sqlite",
    "/voila/render/../../etc/passwd",
    "/voila/tree/..",
    "/voila/api/contents/..",
    "/../nbgrader_config.py",
    "/voila/static/../../../../nbgrader_config.py",
    "/voila/templates/ttt/static/../../../../../nbgrader_config.py",
    # encoded and double-encoded traversal
    "/voila/render/%2e%2e/assignments/source/warmup/warmup.ipynb",
    "/voila/files/%2e%2e/nbgrader_config.py",
    "/voila/files/%2E%2E%2Fnbgrader_config.py",
    "/voila/files/..%2fgradebook.db",
    "/voila/files/%252e%252e/gradebook.db",
    "/voila/files/%252e%252e%252fgradebook.db",
    "/voila/files/..%5cgradebook.db",
    "/voila/api/contents/%2e%2e",
    "/voila/tree/%2e%2e",
    # absolute paths (filled in with the real location of the course)
    "/voila/files/{root}/gradebook.db",
    "/voila/files//{root}/nbgrader_config.py",
    "/voila/render/{root}/assignments/source/warmup/warmup.ipynb",
    "/voila/files/%2F{root_enc}%2Fgradebook.db",
    "/voila/api/contents/{root}/nbgrader_config.py",
    # symlinks that point out of the folder
    "/voila/render/leak.ipynb",
    "/voila/files/leak.png",
    "/voila/render/course/source/warmup/warmup.ipynb",
    "/voila/files/course/source/warmup/warmup.ipynb",
    "/voila/tree/course",
    "/voila/api/contents/course",
    "/voila/api/contents/leak.ipynb",
    # private files and hidden notebooks inside the folder
    "/voila/files/nbgrader_config.py",
    "/voila/render/nbgrader_config.py",
    "/voila/files/gradebook.db",
    "/voila/files/responses.sqlite",
    "/voila/render/responses.sqlite",
    "/voila/files/ok.ipynb",
    "/voila/render/.hidden.ipynb",
    "/voila/api/contents/.hidden.ipynb",
    # a template or theme chosen from the address
    "/voila/templates/lab/static/../../../../../../etc/passwd",
]


@pytest.mark.parametrize("raw", FORBIDDEN)
def test_nothing_outside_the_dashboards_folder_is_served(server, raw):
    base, _, course = server
    root = str(course).lstrip("/")
    path = raw.format(root=root, root_enc=quote(root, safe=""))
    status, body = _get(base, path)
    assert status in (403, 404), f"{path} answered {status}"
    assert SOLUTION not in body


def test_the_safe_dashboard_renders_without_code_or_facilitator_cells(server):
    base, proc, course = server
    status, body = _get(base, "/voila/render/ok.ipynb")
    assert status == 200
    assert "A safe dashboard" in body
    assert "application/vnd.jupyter.widget-view+json" in body  # the button reached the page as a widget
    for secret in (CODE_MARKER, FACILITATOR, "import ipywidgets", SOLUTION):
        assert secret not in body
    assert not (course / "facilitator-cell-ran").exists(), "a skip-voila cell was executed"
    assert "://" not in "".join(line for line in body.splitlines() if "src=" in line or "href=" in line)


def test_a_template_or_theme_from_the_address_is_ignored(server):
    base, _, _ = server
    status, body = _get(base, "/voila/render/ok.ipynb?template=lab&theme=dark")
    assert status == 200
    assert "ttt-dashboard" in body and "cdn.jsdelivr" not in body


def test_symlinked_or_hidden_notebooks_are_never_preheated(server):
    _, proc, _ = server
    log = proc.output()
    assert "Kernel pool of ok.ipynb is filled" in log
    for name in ("leak.ipynb", ".hidden.ipynb", "course/"):
        assert f"Kernel pool of {name}" not in log


def test_the_server_binds_to_this_machine_only_by_default(server):
    base, proc, _ = server
    assert base.startswith("http://127.0.0.1:")
    assert "http://127.0.0.1:" in proc.output() and "0.0.0.0" not in proc.output()


def test_exposing_the_server_requires_a_token_and_says_how_to_stay_safe():
    assert present_token("127.0.0.1", None) is None
    token = present_token("0.0.0.0", None)
    assert token and len(token) >= 32
    assert present_token("0.0.0.0", "") is None  # an explicit empty token: the lead chose an open server
    advice = exposure_advice("0.0.0.0", token)
    assert "token" in advice and "JupyterHub" in advice
    assert "anyone" in exposure_advice("10.0.0.5", None)
    assert exposure_advice("127.0.0.1", None) is None


@pytest.mark.parametrize("relative, expected", [
    ("run-sheet.ipynb", True), ("sub/page.ipynb", True), ("", True),
    ("../x.ipynb", False), ("a/../../x", False), ("%2e%2e/x", False), ("%252e%252e/x", False),
    ("/etc/passwd", False), ("C:/x", False), ("a\\..\\x", False), (".git/config", False),
    ("nbgrader_config.py", False), ("gradebook.db", False), ("store.sqlite3", False), ("x\x00.png", False),
])
def test_is_servable_rules(tmp_path, relative, expected):
    (tmp_path / "sub").mkdir()
    assert is_servable(tmp_path, relative) is expected


def test_bound_to_every_interface_it_requires_a_token_and_says_so(ttt_present, course):
    base, proc = ttt_present(course / "dashboards", "--ip", "0.0.0.0", "--no-preheat")
    out = proc.output()
    match = re.search(r"http://0\.0\.0\.0:(\d+)/\?token=([0-9a-f]{32,})", out)
    assert match, out[-2000:]
    token = match.group(2)
    assert "JupyterHub" in out and "token" in out
    status, body = _get(base, "/voila/render/ok.ipynb")
    assert status != 200 and "A safe dashboard" not in body
    status, body = _get(base, f"/voila/render/ok.ipynb?token={token}")
    assert status == 200 and "A safe dashboard" in body


def _get_with_host(base: str, path: str, host: str) -> tuple[int, str]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_a_foreign_host_name_is_refused_dns_rebinding(server):
    """A page on evil.example whose name now resolves to 127.0.0.1 must not read or drive the lead's page."""
    base, _, _ = server
    port = urlsplit(base).port
    for path in ("/voila/render/ok.ipynb", "/ttt/api/ping", "/join", "/"):
        status, body = _get_with_host(base, path, f"evil.example:{port}")
        assert status == 403 and "A safe dashboard" not in body, (path, status)
    assert _get_with_host(base, "/voila/render/ok.ipynb", f"localhost:{port}")[0] == 200
    assert _get_with_host(base, "/ttt/api/ping", f"127.0.0.1:{port}")[0] == 200


def test_logout_answers_with_a_page_not_an_error(server):
    base, _, _ = server
    status, body = _get(base, "/logout")
    assert status == 200 and "Logged out" in body


def _command_lines() -> list[str]:
    """Every process's whole command line, as any user of the machine can read it (``ps`` cuts long ones short,
    and the server's is long: the token, last, would fall off the end)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
            except OSError:  # the process ended meanwhile
                continue
    return out


def test_the_token_is_not_on_the_command_line(ttt_present, course):
    _, proc = ttt_present(course / "dashboards", "--ip", "0.0.0.0", "--no-preheat")
    token = re.search(r"\?token=([0-9a-f]{32,})", proc.output()).group(1)
    lines = _command_lines()
    assert any("ttt_widgets.serve" in line and str(course) in line for line in lines)
    assert not [line for line in lines if token in line]


def _kernel_messages(base: str, sends: list[tuple[str, dict]]) -> list[dict]:
    """Open a dashboard as a page would, send its kernel these (msg_type, content) shell messages over the page's
    websocket (``{button}`` stands for the page's button's comm id), and return every message the page receives
    until the kernel has answered the last one and gone idle."""
    import asyncio
    import urllib.request
    import uuid

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    resp = urllib.request.urlopen(base + "voila/render/ok.ipynb", timeout=60)
    page = resp.read().decode()
    cookies = "; ".join(c.split(";")[0] for c in resp.headers.get_all("Set-Cookie") or [])
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page).group(1)

    def message(msg_type: str, content: dict) -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": "visitor", "session": "hostile",
                           "msg_type": msg_type, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}

    async def talk() -> list[dict]:
        url = base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels?session_id=hostile"
        ws = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies}))
        button = re.search(r'"model_id":\s*"([0-9a-f]{32})"', page).group(1)  # the page's one widget
        for msg_type, content in sends:
            await ws.write_message(json.dumps(message(msg_type, content)).replace("{button}", button))
        last = message("kernel_info_request", {})
        await ws.write_message(json.dumps(last))
        received: list[dict] = []
        # the reply (shell) and the idle status (iopub) come on separate sockets, in either order: wait for both
        waiting = {"kernel_info_reply", "idle"}
        deadline = asyncio.get_running_loop().time() + 60
        while waiting and asyncio.get_running_loop().time() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), 60)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8", "replace"))
            received.append(msg)
            if msg.get("parent_header", {}).get("msg_id") == last["header"]["msg_id"]:
                waiting.discard(msg.get("msg_type"))
                if msg.get("msg_type") == "status" and msg["content"].get("execution_state") == "idle":
                    waiting.discard("idle")
        ws.close()
        return received

    import concurrent.futures

    # a thread of its own: Playwright's sync API keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(talk())).result()


def test_bad_comm_messages_get_no_traceback_back(server):
    """A visitor's page can send the dashboard's kernel any comm message; what goes wrong is logged for the lead,
    and the page learns only that the comm was closed, or that a callback failed (ipykernel used to send it the
    traceback, with file paths)."""
    base, proc, _ = server
    widget = {"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls",
              "_model_module_version": "2.0.0", "_view_name": "IntSliderView"}
    received = _kernel_messages(base, [
        ("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget", "data": {"state": widget}}),  # no version
        ("comm_open", {"comm_id": "c2", "target_name": "jupyter.widget.control", "data": {"method": "x"}}),
        ("comm_open", {"comm_id": "c3", "target_name": "no.such.target", "data": {}}),
        ("comm_msg", {"comm_id": "c9", "data": {"method": "update", "state": {"value": 1}}}),
        ("comm_msg", {"comm_id": "{button}", "data": {"method": "custom", "content": {"event": "click"}}}),
    ])
    text = json.dumps(received)
    for leak in ("Traceback", "site-packages", 'File \\"', "ValueError", "No such comm", CALLBACK):
        assert leak not in text, leak
    errors = [m["content"] for m in received if m.get("msg_type") == "error"]
    assert errors and errors[0]["traceback"] == [HIDDEN_TRACEBACK]  # the click's callback failed, quietly
    closed = {m["content"].get("comm_id") for m in received if m.get("msg_type") == "comm_close"}
    assert {"c1", "c2", "c3"} <= closed
    assert any(m.get("msg_type") == "kernel_info_reply" for m in received)  # the kernel carries on
    log = proc.output()
    assert "Exception opening comm with target: jupyter.widget" in log and CALLBACK in log  # the lead's log has them
