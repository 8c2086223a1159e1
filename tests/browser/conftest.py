"""Browser fixtures: Debian's Chromium driven by Playwright (nothing downloads a browser), and server starters."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import helpers


@pytest.fixture(scope="session")
def browser():
    executable = helpers.chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=helpers.CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught page errors in ``page.js_errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.js_errors = []
    pg.on("pageerror", lambda exc: pg.js_errors.append(f"pageerror: {exc}"))
    def on_console(msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        pg.js_errors.append(f"console.{msg.type}: {msg.text} ({url})")

    pg.on("console", on_console)
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture
def voila_server(tmp_path):
    """Start Voila on a free port serving a folder (the kit's own command line); returns the base URL."""
    from ttt_widgets.serve import voila_command

    started = []

    def start(folder: Path, extra: list[str] | None = None, env: dict | None = None, preheat: bool = False) -> str:
        port = helpers.free_port()
        proc = helpers.start_process(voila_command(folder, port, extra=extra, preheat=preheat),
                                     tmp_path / f"voila-{port}.log", cwd=folder, env={**os.environ, **(env or {})})
        started.append(proc)
        url = f"http://127.0.0.1:{port}/"
        helpers.wait_for_http(url, timeout=60, proc=proc.proc, log=proc.log)
        return url

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def jupyterlab_server(tmp_path):
    """Start JupyterLab on a free port with a token, rooted at a folder; returns (base_url, token)."""
    from ttt_widgets.serve import lab_command

    started = []

    def start(root: Path) -> tuple[str, str]:
        port = helpers.free_port()
        token = "ttt-test-token"
        cmd = lab_command(root, port, token=token)
        proc = helpers.start_process(cmd, tmp_path / f"lab-{port}.log", cwd=root)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        helpers.wait_for_http(f"{base}/api/status?token={token}", timeout=90, proc=proc.proc, log=proc.log)
        return base, token

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="module")
def ttt_present(tmp_path_factory):
    """Start ``ttt present`` (the real command line) on a free port, one server per call, stopped with the module.

    Returns a function ``start(dashboards, *args, env=None) -> (base_url, process)``; it waits until every
    dashboard's preheated kernel is ready, so tests measure pages, not server start-up.
    """
    logs = tmp_path_factory.mktemp("present")
    started = []

    def start(dashboards: Path, *args: str, env: dict | None = None, cwd: Path | None = None):
        port = helpers.free_port()
        cmd = [sys.executable, "-m", "ttt_widgets.cli", "present", "--port", str(port), "--dashboards", str(dashboards),
               *args]
        proc = helpers.start_process(cmd, logs / f"present-{port}.log", cwd=cwd or dashboards,
                                     env={**os.environ, **(env or {})})
        started.append(proc)
        url = f"http://127.0.0.1:{port}/"
        helpers.wait_for_http(url + "voila/tree", timeout=90, proc=proc.proc, log=proc.log)
        if "--no-preheat" not in args:
            helpers.wait_for_preheat(proc, dashboards, timeout=180)
        return url, proc

    yield start
    for proc in started:
        proc.stop()
