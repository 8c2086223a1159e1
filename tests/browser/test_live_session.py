"""The live-session dashboard in Voila: answers sent from other processes appear within 2 s, hostile text stays text."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import helpers

DASHBOARD = helpers.DASHBOARDS / "live-session.ipynb"
IMG = '<img src=x onerror="window.__ttt_pwned=1">'
TEX = r"$$\href{javascript:window.__ttt_pwned=2}{click me}$$"

#: a trainee in another process: join by code, answer, print "sent" once the store confirmed
TRAINEE = r"""
import sys
from ttt_widgets.live import ResponseStore
code, kind, question, participant, value = sys.argv[1:6]
store = ResponseStore()
if kind == "ask":
    store.ask(code, participant, value)
else:
    if kind == "exit":
        value = {"worked": value, "change": value}
    store.submit(code, question, participant, value)
print("sent", flush=True)
"""


def _send(code, kind, question, participant, value) -> float:
    """Run a trainee process; returns the time at which the store had confirmed the answer."""
    proc = subprocess.run([sys.executable, "-c", TRAINEE, code, kind, question, participant, value],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "sent" in proc.stdout, proc.stderr
    return time.monotonic()


def _visible_within(page, selector_or_text, seconds: float, confirmed: float) -> float:
    locator = page.get_by_text(selector_or_text, exact=False) if not selector_or_text.startswith("css=") else \
        page.locator(selector_or_text[4:])
    locator.first.wait_for(state="attached", timeout=int(seconds * 1000) + 200)
    waited = time.monotonic() - confirmed
    assert waited < seconds, f"{selector_or_text!r} took {waited:.2f}s to appear"
    return waited


def test_live_session_dashboard_shows_the_room_within_two_seconds(voila_server, page, tmp_path):
    folder = tmp_path / "dashboards"
    folder.mkdir()
    shutil.copy(DASHBOARD, folder / DASHBOARD.name)
    base = voila_server(folder)
    page.goto(base + "voila/render/live-session.ipynb")
    code_el = page.locator(".ttt-join-code")
    code_el.wait_for(timeout=60_000)
    code = code_el.inner_text().strip()
    assert len(code) == 6
    page.get_by_text("Status board", exact=True).wait_for(timeout=30_000)

    poll = "Which part of a lesson is hardest to plan?"
    t = _send(code, "poll", poll, "trainee-1", "Feedback")
    _visible_within(page, "css=.ttt-bars[aria-label*='Feedback: 1']", 2.0, t)

    t = _send(code, "words", "One word for how you feel about teaching:", "trainee-2", "curious")
    _visible_within(page, "curious", 2.0, t)

    t = _send(code, "status", "Status", "trainee-3", "stuck")
    _visible_within(page, "Oldest 'stuck' has waited", 2.0, t)

    # hostile text from three different widgets
    t = _send(code, "words", "One word for how you feel about teaching:", "trainee-4", IMG)
    _visible_within(page, IMG, 2.0, t)
    t = _send(code, "ask", "", "trainee-5", TEX)
    _visible_within(page, TEX, 2.0, t)
    t = _send(code, "exit", "Exit ticket", "trainee-6", IMG + " " + TEX)
    _visible_within(page, IMG + " " + TEX, 2.0, t)

    page.wait_for_timeout(1000)  # give MathJax and any injected script every chance to run
    body = page.inner_text("body")
    assert IMG in body and TEX in body
    assert page.evaluate("window.__ttt_pwned === undefined")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".ttt-text mjx-container, .ttt-text .MathJax").count() == 0
    assert "from ttt_widgets import" not in page.content()
    assert [e for e in page.js_errors if "favicon" not in e] == []
