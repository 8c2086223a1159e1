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
        # the stock Voila templates link a font stylesheet from a CDN, unreachable offline; nothing else is forgiven
        if "net::ERR_NAME_NOT_RESOLVED" in msg.text and not url.startswith("http://127.0.0.1"):
            return
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

    def start(folder: Path, extra: list[str] | None = None, env: dict | None = None) -> str:
        port = helpers.free_port()
        proc = helpers.start_process(voila_command(folder, port, extra=extra), tmp_path / f"voila-{port}.log",
                                     cwd=folder, env={**os.environ, **(env or {})})
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
        cmd = lab_command(root, port, token=token) + ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        proc = helpers.start_process(cmd, tmp_path / f"lab-{port}.log", cwd=root)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        helpers.wait_for_http(f"{base}/api/status?token={token}", timeout=90, proc=proc.proc, log=proc.log)
        return base, token

    yield start
    for proc in started:
        proc.stop()
