"""The real room: ``ttt present`` on one machine, 30 trainees as separate processes with their own data folders and
no database URL, joining by the address the projected page shows and answering through the real widgets; the lead's
page in Chromium shows every answer, none lost or doubled, hostile text as text."""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

import helpers
from ttt_widgets.live import ResponseStore

POLL = "Which part of a lesson is hardest to plan?"
OPTIONS = ["Opening", "Practice", "Feedback", "Closing"]
WORDS = "One word for how you feel about teaching:"
HOSTILE = '<img src=x onerror="window.__ttt_pwned=1">'

#: one trainee: join by the address, answer a poll and a word with the widgets, print what the widgets said
TRAINEE = r"""
import sys
import ttt_widgets.live as live
from ttt_widgets.live import Poll, WordWall
address, choice, word = sys.argv[1:4]
live.join(address)
poll = Poll(%r, %r)
poll.select(choice)
words = WordWall(%r)
ok = poll.submit() and words.submit(word)
print("sent" if ok else "NOT SENT: " + poll.message + " | " + words.message, flush=True)
""" % (POLL, OPTIONS, WORDS)

N = 30


def _trainee(address: str, i: int, home) -> str:
    data = home / f"trainee-{i:02d}"
    env = {k: v for k, v in os.environ.items() if k not in ("TTT_DB_URL", "TTT_SESSION", "TTT_SERVICE_URL",
                                                           "TTT_LEAD_TOKEN", "TTT_PUBLIC_URL")}
    env["TTT_DATA_DIR"] = str(data)  # each laptop has its own folder: nothing is shared but the network
    word = HOSTILE if i == 7 else f"word{i:02d}"
    proc = subprocess.run([sys.executable, "-c", TRAINEE, address, OPTIONS[i % 4], word], capture_output=True,
                          text=True, timeout=120, env=env, cwd=home)
    assert proc.returncode == 0 and proc.stdout.strip() == "sent", (proc.stdout, proc.stderr[-2000:])
    return proc.stdout


@pytest.fixture
def live_server(tmp_path):
    """``ttt present`` serving a copy of the live-session dashboard; stopped at the end (also after a restart)."""
    folder = tmp_path / "dashboards"
    folder.mkdir()
    shutil.copy(helpers.DASHBOARDS / "live-session.ipynb", folder)
    started = []

    def start(**kwargs):
        started.append(helpers.start_live_server(tmp_path / "lead", dashboards=folder, **kwargs))
        return started[-1]

    yield start
    for srv in started:
        srv.stop()


def test_thirty_trainees_on_their_own_machines_reach_the_lead_page(browser, live_server, tmp_path):
    srv = live_server()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{srv.url}voila/render/live-session.ipynb?token={srv.token}")
        page.locator(".ttt-join-address").wait_for(timeout=90_000)
        address = page.locator(".ttt-join-address").inner_text().strip()
        code = page.locator(".ttt-join-code").inner_text().strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/{code}", address), address
        assert page.locator(".ttt-qr svg").count() == 1

        home = tmp_path / "trainees"
        home.mkdir()
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda i: _trainee(address, i, home), range(N)))
        sent = time.monotonic()

        expected = {o: sum(1 for i in range(N) if OPTIONS[i % 4] == o) for o in OPTIONS}
        label = f"{POLL}: " + ", ".join(f"{o}: {expected[o]}" for o in OPTIONS)
        page.locator(f".ttt-bars[aria-label='{label}']").wait_for(state="attached", timeout=10_000)
        cloud = page.locator(".ttt-wordwall")
        for i in range(N):
            if i != 7:
                page.wait_for_function("(w) => document.querySelector('.ttt-wordwall').innerText.includes(w)",
                                       arg=f"word{i:02d}", timeout=10_000)
        seen_after = time.monotonic() - sent
        text = cloud.inner_text()
        assert HOSTILE in text  # shown as the characters typed
        assert page.evaluate("window.__ttt_pwned === undefined") and page.locator("img[src='x']").count() == 0
        assert seen_after < 10

        store = ResponseStore(srv.store_url)  # the lead's store: one answer per trainee, each trainee once
        try:
            rows = store.responses(code, POLL)
            assert len(rows) == N and len({r["participant"] for r in rows}) == N
            assert len(store.history(code, POLL)) == N  # nothing doubled by retries
            assert store.summary(code, POLL)["counts"] == expected
        finally:
            store.close()
        assert not any(p.name == "live.sqlite" for p in home.rglob("*"))  # no trainee wrote a store of its own
        assert errors == []
    finally:
        context.close()


def _open(browser, url, viewport=(1280, 900)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(url)
    page.locator(".ttt-join-code").wait_for(timeout=90_000)
    return context, page


def test_new_session_then_reload_shows_the_new_code_on_a_preheated_server(browser, live_server):
    srv = live_server(preheat=True)
    context, page = _open(browser, f"{srv.url}voila/render/live-session.ipynb?token={srv.token}")
    try:
        old = page.locator(".ttt-join-code").inner_text().strip()
        # the page took the preheated kernel; wait until the next one has run the notebook (with the old session)
        deadline = time.monotonic() + 90
        while srv.process.output().count("is filled") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert srv.process.output().count("is filled") >= 2, srv.process.output()[-2000:]
        page.get_by_role("button", name="New session").click()
        page.wait_for_function("(old) => { const el = document.querySelector('.ttt-join-code'); "
                               "return el !== null && el.innerText.trim() !== old; }", arg=old,
                               timeout=20_000)
        new = page.locator(".ttt-join-code").inner_text().strip()
        page.reload()
        page.locator(".ttt-join-code").wait_for(timeout=90_000)
        page.wait_for_timeout(300)
        assert page.locator(".ttt-join-code").inner_text().strip() == new, "the reload showed the old join code"
        assert page.js_errors == []
    finally:
        context.close()


def test_a_stopped_server_is_noticed_and_the_page_comes_back_by_itself(browser, live_server):
    srv = live_server()
    port = int(srv.url.rsplit(":", 1)[1].strip("/"))
    context, page = _open(browser, f"{srv.url}voila/render/live-session.ipynb?token={srv.token}")
    try:
        code = page.locator(".ttt-join-code").inner_text().strip()
        assert not page.locator("#ttt-offline").is_visible()
        srv.stop()
        page.locator("#ttt-offline").wait_for(state="visible", timeout=15_000)
        assert "connection to the dashboard server is lost" in page.locator("#ttt-offline").inner_text()
        live_server(port=port, token=srv.token)
        page.locator("#ttt-offline").wait_for(state="hidden", timeout=60_000)  # the page reloaded itself
        page.locator(".ttt-join-code").wait_for(timeout=90_000)
        assert page.locator(".ttt-join-code").inner_text().strip() == code  # the same room
    finally:
        context.close()


def test_the_lead_downloads_the_answers_and_phone_text_shows_literally(browser, live_server):
    srv = live_server()
    context, page = _open(browser, f"{srv.url}voila/render/live-session.ipynb?token={srv.token}", viewport=(1920, 1080))
    try:
        code = page.locator(".ttt-join-code").inner_text().strip()
        status, reply = srv.request("POST", f"/ttt/api/sessions/{code}/participants", {})
        auth = {"Authorization": f"Bearer {reply['token']}"}
        tex = r"$$\href{javascript:window.__ttt_pwned=2}{click me}$$"
        long_ask = "w" * 250 + " " + "why " * 62  # 500 characters, half of them one unbroken word
        for path, body in [("/asks", {"text": HOSTILE}), ("/asks", {"text": long_ask}),
                           ("/answers", {"question": "Exit ticket", "value": {"worked": tex, "change": HOSTILE}}),
                           ("/answers", {"question": WORDS, "value": "=cmd|' /C calc'!A0"})]:
            assert srv.request("POST", f"/ttt/api/sessions/{code}{path}", body, headers=auth)[0] in (200, 201)
        page.get_by_text(tex, exact=True).first.wait_for(timeout=10_000)
        page.get_by_text(HOSTILE, exact=True).first.wait_for(timeout=10_000)
        page.get_by_text(long_ask[:40]).first.wait_for(timeout=10_000)
        page.wait_for_timeout(800)
        board = page.locator(".ttt-live-panel", has_text="Status board").last.bounding_box()
        assert board["width"] >= 250, board  # a long queued question beside it does not squeeze the board
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nor widen the page
        cut = page.evaluate("""[...document.querySelectorAll('.ttt-live-panel button')]
            .filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)""")
        assert cut == []  # nor squeeze the queue's own buttons ("Answered", "Hide") to a letter
        assert page.evaluate("window.__ttt_pwned === undefined") and page.locator("img[src='x']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        with page.expect_download() as info:
            page.get_by_text("Download answers (CSV)").click()
        download = info.value
        content = open(download.path(), encoding="utf-8").read()
        assert download.suggested_filename == f"ttt-session-{code}.csv"
        assert content.startswith("session,question,kind,participant") and "'=cmd" in content
        assert reply["participant"] not in content  # anonymous unless the lead shows names
        # names reach the projected page only while *Show names* is on and the moderation section is open
        who = reply["participant"]
        assert who not in page.inner_text("body")
        moderate = page.get_by_text("Moderate (hide or unhide)")
        moderate.click()
        page.get_by_text("(1)", exact=False).first.wait_for(timeout=10_000)
        assert who not in page.inner_text("body")
        page.get_by_label("Show names (moderation list and export)").check()
        page.get_by_text(who, exact=False).first.wait_for(timeout=10_000)
        moderate.click()  # collapsed: its rows, names included, have no box on the page
        page.wait_for_function("(who) => !document.body.innerText.includes(who)", arg=who, timeout=5_000)
        rows = page.locator(".jupyter-widget-Collapse-contents")
        assert rows.count() == 1 and rows.first.evaluate("el => el.getClientRects().length") == 0
        page.get_by_label("Show names (moderation list and export)").uncheck()
        moderate.click()
        page.wait_for_timeout(1_500)  # the panel's next read
        assert who not in page.inner_text("body")
        assert page.js_errors == []
    finally:
        context.close()
