"""No kernel left behind: the real ``ttt present`` (preheated), real Chromium pages and a real anonymous render.

A page closed without a word (no ``beforeunload``: a crashed browser, a laptop put to sleep) and a page fetched but
never connected each leave a kernel; the server shuts them down once no page has been connected for the orphan
timeout, while the preheated kernel waiting in Voila's pool stays. A dashboard refuses pages beyond its limit with a
page that says so, and takes them again once a kernel is freed. A page whose kernel is gone says so and reloads.
One module-wide server (a tiny dashboard, so that kernels start quickly) serves every test.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

import helpers

ORPHAN = 3  # seconds without any page
LIMIT = 2  # pages per dashboard


#: what a kernel process runs: the dashboards' own kernel (``ttt present``'s kernelspec), or plain ipykernel
KERNEL_MODULES = {b"ttt_widgets.dashboard_kernel", b"ipykernel_launcher"}


def _kernels(root_pid: int) -> list[int]:
    """Kernel processes anywhere below the server process."""
    parent = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    below, changed = {root_pid}, True
    while changed:
        new = {pid for pid, ppid in parent.items() if ppid in below and pid not in below}
        below |= new
        changed = bool(new)
    out = []
    for pid in below - {root_pid}:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if KERNEL_MODULES & set(args):
                out.append(pid)
        except OSError:
            pass
    return out


def _until(what, predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what} within {timeout}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernels")
    dashboards = folder / "dashboards"
    dashboards.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"),
                nbformat.v4.new_code_cell("import ipywidgets as w\nw.Button(description='Here')")]
    nbformat.write(nb, dashboards / "tiny.ipynb")
    port, token = helpers.free_port(), "lead-" + os.urandom(8).hex()
    cmd = [sys.executable, "-m", "ttt_widgets.cli", "present", "--port", str(port), "--dashboards", str(dashboards),
           "--token", token, "--orphan-timeout", str(ORPHAN), "--max-pages", str(LIMIT)]
    proc = helpers.start_process(cmd, folder / "present.log", cwd=dashboards,
                                 env={**os.environ, "TTT_DATA_DIR": str(folder / "data")})
    try:
        helpers.wait_for_http(f"http://127.0.0.1:{port}/ttt/api/ping", timeout=90, proc=proc.proc, log=proc.log)
        helpers.wait_for_preheat(proc, dashboards, timeout=120)
        yield {"url": f"http://127.0.0.1:{port}/", "token": token, "proc": proc}
    finally:
        proc.stop()


def _page(browser, srv):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    response = page.goto(f"{srv['url']}voila/render/tiny.ipynb?token={srv['token']}")
    return context, page, response


def test_pages_closed_without_a_word_free_their_kernels_the_limit_says_so_and_a_lost_kernel_reloads(browser, server):
    pid = server["proc"].proc.pid
    assert len(_kernels(pid)) == 1  # the preheated one
    opened = []
    for _ in range(LIMIT):
        context, page, response = _page(browser, server)
        assert response.status == 200
        page.get_by_role("button", name="Here").wait_for(timeout=60_000)
        opened.append((context, page))
    _until("a kernel per page plus a preheated one", lambda: len(_kernels(pid)) == LIMIT + 1, 60)
    time.sleep(ORPHAN + 2)  # connected pages and the pool kernel outlive the orphan timeout
    assert len(_kernels(pid)) == LIMIT + 1

    extra_context, extra, response = _page(browser, server)  # one page too many: refused, in words
    assert response.status == 429
    assert "Too many open pages of this dashboard" in extra.inner_text("body")
    assert f"already open in {LIMIT} pages" in extra.inner_text("body")
    assert len(_kernels(pid)) == LIMIT + 1  # no kernel was started for it

    context, page = opened.pop()
    # a page that goes cannot always say so (a crashed browser, a laptop put to sleep): without its goodbye (the
    # beacon a page sends when it goes, tests/browser/test_front_end.py), the websocket simply drops
    page.evaluate("navigator.sendBeacon = () => true")
    page.close()
    context.close()
    _until("the closed page's kernel shut down", lambda: len(_kernels(pid)) == LIMIT, 10 * ORPHAN)
    assert "no page has been connected to it" in server["proc"].output()

    response = extra.reload()  # a kernel is free again: the page opens
    assert response.status == 200
    extra.get_by_role("button", name="Here").wait_for(timeout=60_000)

    # a page whose kernel is gone (shut down while its laptop slept) says so and reloads with a new one
    first = extra.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    request = urllib.request.Request(f"{server['url']}api/kernels/{first}", method="DELETE",
                                     headers={"Authorization": f"token {server['token']}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 204
    extra.get_by_text("This page's session ended on the server").wait_for(timeout=15_000)
    extra.wait_for_function(
        "(first) => { const c = document.getElementById('jupyter-config-data');"
        " return c && JSON.parse(c.textContent).kernelId !== first; }", arg=first, timeout=60_000)
    extra.get_by_role("button", name="Here").wait_for(timeout=60_000)
    for context, page in [*opened, (extra_context, extra)]:
        context.close()


def test_a_render_that_never_connects_is_reclaimed(server):
    pid = server["proc"].proc.pid
    _until("only the preheated kernel", lambda: len(_kernels(pid)) == 1, 10 * ORPHAN)
    with urllib.request.urlopen(f"{server['url']}voila/render/tiny.ipynb?token={server['token']}", timeout=60) as r:
        assert r.status == 200 and "kernelId" in r.read().decode()
    _until("the fetched page's kernel and a new preheated one", lambda: len(_kernels(pid)) == 2, 60)
    _until("the never-connected kernel shut down", lambda: len(_kernels(pid)) == 1, 10 * ORPHAN)


def test_pages_and_their_scripts_travel_gzipped(server):
    """A classroom's Wi-Fi carries about a quarter of the bytes: the front end's script and the page are gzipped."""
    import gzip

    from ttt_widgets.serve import front_end_version

    script = f"voila/templates/ttt/static/ttt-dashboard.js?v={front_end_version()}"
    for path in (script, f"voila/render/tiny.ipynb?token={server['token']}"):
        request = urllib.request.Request(server["url"] + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=60) as r:
            body = r.read()
            assert r.headers.get("Content-Encoding") == "gzip", path
        assert len(gzip.decompress(body)) > 2 * len(body)
