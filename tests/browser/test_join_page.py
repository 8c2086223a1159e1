"""The phone join page of ``ttt present`` (/join): a trainee with only a browser answers whatever the lead made current.

The real ``ttt present`` serves the page; the lead's side is played by a ResponseStore on the same SQLite file, so
every assertion about what was stored reads the store itself. The phone is Chromium at 360x640 with touch.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import helpers
from ttt_widgets.live.store import QUEUE, ResponseStore

IMG = '<img src=x onerror="window.__ttt_pwned=1">'
TEX = r"$$\href{javascript:window.__ttt_pwned=2}{click me}$$"
POLL = "Which part of a lesson is hardest to plan?"
SCALE = "How confident are you about giving feedback?"
WORDS = "One word for how you feel about teaching:"
STATUS = "Status"
EXIT = "Exit ticket"
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

#: what a phone-sized page must keep: no sideways scrolling, 44 px touch targets, text of at least 16 px
LAYOUT = """() => {
  const out = {scrollWidth: document.documentElement.scrollWidth, small: [], tiny: []};
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const el of document.querySelectorAll('button, input, textarea, select')) {
    if (!shown(el)) continue;
    const target = (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) out.small.push(`${target.tagName}#${target.id} "${target.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if ((own || el.matches('input, textarea, button')) && shown(el) && parseFloat(getComputedStyle(el).fontSize) < 16)
      out.tiny.push(`${el.tagName}.${el.className} ${getComputedStyle(el).fontSize}`);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def live(ttt_present, tmp_path_factory):
    """``ttt present`` on a folder with one dashboard, and the lead's store on the SQLite file the server uses."""
    root = tmp_path_factory.mktemp("join")
    dashboards = root / "dashboards"
    dashboards.mkdir()
    shutil.copy(helpers.DASHBOARDS / "quiz-check.ipynb", dashboards)
    data = root / "data"
    data.mkdir()
    base, proc = ttt_present(dashboards, "--no-preheat", env={"TTT_DATA_DIR": str(data)})
    shots = root / "screenshots"
    shots.mkdir()
    return SimpleNamespace(base=base, proc=proc, store=ResponseStore(f"sqlite:///{data / 'live.sqlite'}"), shots=shots)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: page.js_errors.append(f"console: {msg.text} {msg.location.get('url', '')}")
            if msg.type == "error" else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check_layout(page, live, name: str) -> None:
    """A screenshot for a person to look at, and the phone layout rules asserted."""
    page.screenshot(path=str(live.shots / f"{name}.png"), full_page=True)
    found = page.evaluate(LAYOUT)
    assert found["scrollWidth"] <= 360, f"{name}: the page scrolls sideways ({found['scrollWidth']} px wide)"
    assert not found["small"], f"{name}: touch targets under 44 px: {found['small']}"
    assert not found["tiny"], f"{name}: text under 16 px: {found['tiny']}"


def status_says(page, text: str, timeout: float = 10) -> None:
    page.locator("#status", has_text=text).wait_for(timeout=timeout * 1000)


def switch_to(page, live, code: str, question: str, heading: str | None = None) -> float:
    """The lead makes a question current; returns how long the open page took to show it (no reload)."""
    started = time.monotonic()
    live.store.set_controls(code, current=question)
    page.locator("#q-title", has_text=heading or question).wait_for(timeout=2500)
    waited = time.monotonic() - started
    assert waited < 2.0, f"{question!r} took {waited:.2f}s to reach the phone"
    return waited


def js_errors(page, *expected: tuple[str, str]) -> list[str]:
    """The page's console errors, less Chromium's notes of the failures a test provoked on purpose:
    ``(what the note says, part of the URL)``, e.g. ``("status of 404", "/sessions/ZZZZZZ")``."""
    def provoked(error: str) -> bool:
        return error.startswith("console: Failed to load resource") and any(
            what in error and url in error for what, url in expected)
    return [e for e in page.js_errors if not provoked(e)]


def no_script_ran(page) -> None:
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ttt_pwned") is None
    assert page.locator("main img").count() == 0


def test_a_trainee_joins_with_a_code_and_answers_every_kind_of_question(live, phone):
    store, page = live.store, phone
    code = store.open_session("Morning check-in " + IMG)
    store.add_question(code, POLL, "poll", ["Objectives", "Feedback", IMG])
    store.add_question(code, SCALE, "scale", ["not at all", "a little", "somewhat", "quite", "very"])
    store.add_question(code, WORDS, "words")
    store.add_question(code, STATUS, "status")
    store.add_question(code, EXIT, "exit")
    store.set_controls(code, current=POLL)

    page.goto(live.base + "join")
    code_box = page.get_by_label("Join code")
    assert code_box.get_attribute("autocapitalize") == "characters"
    assert code_box.get_attribute("inputmode") == "text"
    check_layout(page, live, "01-code")
    code_box.fill("O0O0O0")
    page.get_by_role("button", name="Join").tap()
    page.get_by_text("never 0, O, 1, I or L").wait_for()
    code_box.fill("ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
    page.get_by_role("button", name="Join").tap()
    page.locator("#code-error", has_text="no live session has the join code").wait_for()

    code_box.fill(code.lower()[:3] + " " + code.lower()[3:])
    code_box.press("Enter")
    page.locator("#q-title", has_text=POLL).wait_for()
    assert page.url.endswith("/join/" + code)
    assert page.title().startswith("Morning check-in " + IMG)
    assert page.locator("#title").inner_text() == "Morning check-in " + IMG
    assert page.locator("fieldset legend").inner_text() == POLL
    assert page.get_by_label(IMG).count() == 1  # the hostile choice is a label, literally
    check_layout(page, live, "02-poll")

    page.get_by_role("button", name="Send").tap()
    status_says(page, "Choose an answer first")
    page.get_by_label("Feedback").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    [row] = store.responses(code, POLL)
    assert row["value"] == "Feedback"
    participant = row["participant"]
    saved = json.loads(page.evaluate(f"localStorage.getItem('ttt-join:{code}')"))
    assert saved["participant"] == participant and saved["token"]
    page.locator("#results .bar-count").nth(1).filter(has_text="1").wait_for()
    check_layout(page, live, "03-poll-sent")

    switch_to(page, live, code, SCALE)
    assert page.get_by_text("1 = not at all").is_visible() and page.get_by_text("5 = very").is_visible()
    check_layout(page, live, "04-scale")
    page.get_by_role("button", name="4: quite").tap()
    status_says(page, "Sent")
    assert page.get_by_role("button", name="4: quite").get_attribute("aria-pressed") == "true"
    assert [r["value"] for r in store.responses(code, SCALE)] == [4]

    switch_to(page, live, code, WORDS)
    assert "several words" in page.locator("#word-hint").inner_text()
    page.get_by_label("Your word or short phrase").fill("curious")
    page.get_by_label("Your word or short phrase").press("Enter")
    status_says(page, "Sent")
    page.get_by_label("Your word or short phrase").fill(IMG)
    page.get_by_role("button", name="Send").tap()
    page.locator("#mine", has_text=IMG).wait_for()
    page.locator("#results .word", has_text=IMG).wait_for()
    assert [r["value"] for r in store.responses(code, WORDS)] == [["curious", IMG]]
    check_layout(page, live, "05-words")

    switch_to(page, live, code, STATUS)
    check_layout(page, live, "06-status")
    page.get_by_role("button", name="Stuck").tap()
    status_says(page, "Sent")
    assert [r["value"] for r in store.responses(code, STATUS)] == ["stuck"]

    switch_to(page, live, code, EXIT)
    page.get_by_label("What worked for you?").fill(TEX)
    page.get_by_label("What would you change?").fill(IMG)
    check_layout(page, live, "07-exit")
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    assert [r["value"] for r in store.responses(code, EXIT)] == [{"worked": TEX, "change": IMG}]

    other, _ = store.register_participant(code)
    other_ask = store.ask(code, other, "Can we see an example? " + TEX)
    switch_to(page, live, code, QUEUE, heading="Questions for the lead")
    page.locator(".ask-text", has_text="Can we see an example? " + TEX).wait_for()
    page.get_by_label("Your question").fill("How long is the break?")
    page.get_by_role("button", name="Send question").tap()
    status_says(page, "Sent")
    mine = page.locator(".ask", has_text="How long is the break?")
    mine.get_by_text("(your question)").wait_for()
    page.get_by_role("button", name="+1").tap()
    status_says(page, "Vote counted")
    page.get_by_role("button", name="Voted").wait_for()
    store.set_controls(code, approve_asks=True)
    page.get_by_label("Your question").fill("Is there a handout?")
    page.get_by_role("button", name="Send question").tap()
    status_says(page, "shows once the lead approves it")
    page.locator(".ask.pending", has_text="Is there a handout?").get_by_text(
        "(waiting for the lead’s approval)").wait_for()
    check_layout(page, live, "08-queue")
    queue = {a["text"]: a for a in store.queue(code, participant=participant, include_pending=True)}
    assert queue["Can we see an example? " + TEX]["votes"] == 1 and queue["Can we see an example? " + TEX]["voted"]
    assert queue["How long is the break?"]["mine"] and not queue["How long is the break?"]["pending"]
    assert queue["Is there a handout?"]["mine"] and queue["Is there a handout?"]["pending"]
    assert len(queue) == 3 and other_ask in {a["id"] for a in queue.values()}

    # exactly those answers, all from the one participant this phone is
    for question in (POLL, SCALE, WORDS, STATUS, EXIT):
        assert [r["participant"] for r in store.responses(code, question)] == [participant], question
    assert len(store.history(code, POLL)) == 1 and len(store.history(code, EXIT)) == 1
    no_script_ran(page)
    assert js_errors(page, ("status of 404", "/sessions/ZZZZZZ"), ("status of 404", "/sessions/YYYYYY")) == []


def test_closed_countdown_and_answer_first_questions(live, phone):
    store, page = live.store, phone
    code = store.open_session("Afternoon")
    store.add_question(code, POLL, "poll", ["Objectives", "Feedback"])
    store.add_question(code, WORDS, "words")
    store.add_question(code, "Which of these do you use?", "multi", ["Quizzes", "Polls", "Exit tickets"])
    store.set_controls(code, current=POLL)
    store.set_question_state(code, POLL, closed=True)

    page.goto(live.base + "join/" + code.lower())
    page.locator("#closed-note").wait_for()
    assert page.get_by_label("Feedback").is_disabled() and page.get_by_role("button", name="Send").is_disabled()
    check_layout(page, live, "11-closed")

    started = time.monotonic()
    store.set_question_state(code, POLL, closed=False)
    page.locator("#closed-note").wait_for(state="hidden", timeout=2500)
    assert time.monotonic() - started < 2.0
    assert page.get_by_label("Feedback").is_enabled()

    store.set_controls(code, answer_first=True)
    page.get_by_text("Results appear when the lead reveals them").wait_for(timeout=2500)
    page.get_by_label("Objectives").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    assert page.locator("#results .bars").count() == 0
    store.set_question_state(code, POLL, revealed=True)
    page.locator("#results .bar-count").first.filter(has_text="1").wait_for(timeout=2500)
    check_layout(page, live, "12-revealed")

    store.set_question_state(code, POLL, closes_in=2)
    page.locator("#countdown", has_text="Closes in").wait_for(timeout=2500)
    assert page.locator("#countdown").inner_text() in ("Closes in 2 s", "Closes in 1 s")
    check_layout(page, live, "13-countdown")
    page.locator("#closed-note").wait_for(timeout=4000)
    assert page.get_by_label("Feedback").is_disabled()
    # a page that sends anyway (its controls forced back on) is refused by the server, and says so
    page.evaluate("document.querySelector('#question fieldset').disabled = false")
    page.get_by_label("Feedback").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "the lead has closed the question")
    assert [r["value"] for r in store.responses(code, POLL)] == ["Objectives"]
    store.set_question_state(code, POLL, closed=False)  # the lead reopens it: the phone follows
    page.locator("#closed-note").wait_for(state="hidden", timeout=2500)
    assert page.get_by_label("Feedback").is_enabled()

    # a word cloud: repeated words grow
    store.set_controls(code, current=WORDS, answer_first=False)
    for word, times in (("clarity", 3), ("pace", 1)):
        for _ in range(times):
            store.submit(code, WORDS, store.register_participant(code)[0], word)
    page.locator("#results .word", has_text="pace").wait_for(timeout=2500)
    big, small = (float(page.locator("#results li", has_text=w).evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
                  for w in ("clarity", "pace"))
    assert big > small >= 16
    check_layout(page, live, "14-cloud")

    switch_to(page, live, code, "Which of these do you use?")
    assert page.get_by_text("Choose all that apply.").is_visible()
    page.get_by_label("Quizzes").check()
    page.get_by_label("Exit tickets").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    assert [r["value"] for r in store.responses(code, "Which of these do you use?")] == [["Quizzes", "Exit tickets"]]
    check_layout(page, live, "15-multi")
    assert js_errors(page, ("status of 409", "/answers")) == []


def test_retries_never_double_an_answer_and_a_reload_keeps_the_identity(live, phone):
    store, page = live.store, phone
    code = store.open_session("Retries")
    store.add_question(code, POLL, "poll", ["Objectives", "Feedback"])

    page.goto(live.base + code.lower())  # the short address a lead writes on the board
    page.get_by_text("Waiting for the lead to show a question").wait_for()
    assert page.url.endswith("/join/" + code)
    switch_to(page, live, code, POLL)

    sent = []

    def flaky(route):
        sent.append(json.loads(route.request.post_data))
        if len(sent) == 1:  # stored by the server, but the reply is lost on the way back
            route.fetch()
            route.abort()
        elif len(sent) == 2:
            route.fulfill(status=429, headers={"Retry-After": "1", "Content-Type": "application/json"},
                          body=json.dumps({"error": "too many requests: wait a moment"}))
        else:
            route.continue_()

    page.route("**/answers", flaky)
    page.get_by_label("Feedback").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Not sent yet: connection lost, retrying…")
    status_says(page, "Too many requests, wait 1 s")
    status_says(page, "Sent")
    page.unroute("**/answers")
    assert len(sent) == 3 and len({body["id"] for body in sent}) == 1
    assert len(store.history(code, POLL)) == 1
    [first] = store.responses(code, POLL)

    page.reload()
    page.get_by_text("Your answer: Feedback").wait_for()
    page.get_by_label("Objectives").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    [again] = store.responses(code, POLL)
    assert again["participant"] == first["participant"] and again["value"] == "Objectives"

    # a token the server does not know (the store was reset): the page joins again by itself
    page.evaluate(f"""() => {{ const k = 'ttt-join:{code}'; const d = JSON.parse(localStorage.getItem(k));
                              d.token = 'not-a-token'; localStorage.setItem(k, JSON.stringify(d)); }}""")
    page.reload()
    page.get_by_label("Feedback").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    rows = store.responses(code, POLL)
    assert len(rows) == 2 and rows[-1]["participant"] != first["participant"] and rows[-1]["value"] == "Feedback"

    # the server goes away: the page says so, then carries on by itself
    page.route(lambda url: "since=" in url, lambda route: route.abort())
    store.add_question(code, WORDS, "words")  # wakes the poll that is waiting; the next one fails
    page.locator("#connection", has_text="Connection lost, retrying…").wait_for(timeout=5000)
    check_layout(page, live, "21-connection-lost")
    page.unroute_all()
    started = time.monotonic()
    store.set_controls(code, current=WORDS)
    page.locator("#q-title", has_text=WORDS).wait_for(timeout=8000)
    assert page.locator("#connection").is_hidden()
    assert time.monotonic() - started < 8
    assert js_errors(page, ("status of 401", "/answers"), ("status of 429", "/answers"),
                           ("net::ERR_FAILED", "/answers"), ("net::ERR_FAILED", "?since=")) == []


@pytest.fixture
def prefixed_service(live):
    """The live service alone under a JupyterHub-style prefix (/services/ttt/), on the same store."""
    from tornado.httpserver import HTTPServer
    from tornado.web import Application

    from ttt_widgets.live.service import LiveService, handlers

    port, ready, held = helpers.free_port(), threading.Event(), {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = Application(handlers("/services/ttt/", LiveService(live.store)), base_url="/services/ttt/")
        server = HTTPServer(app)
        server.listen(port, "127.0.0.1")
        held.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, name="prefixed-service", daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{port}/services/ttt/"
    held["loop"].call_soon_threadsafe(held["loop"].stop)
    thread.join(10)


def test_the_page_works_under_a_url_prefix(live, prefixed_service, phone):
    store, page = live.store, phone
    code = store.open_session("Hub session")
    store.add_question(code, POLL, "poll", ["Objectives", "Feedback"])
    store.set_controls(code, current=POLL)
    page.goto(prefixed_service + code)
    page.locator("#q-title", has_text=POLL).wait_for()
    assert page.url == prefixed_service + "join/" + code
    scripts = page.evaluate("Array.from(document.querySelectorAll('script[src], link[rel=stylesheet]'), "
                            "(el) => new URL(el.src || el.href).pathname)")
    assert sorted(Path(p).parent.as_posix() for p in scripts) == ["/services/ttt/ttt/static"] * 2
    page.get_by_label("Objectives").check()
    page.get_by_role("button", name="Send").tap()
    status_says(page, "Sent")
    assert [r["value"] for r in store.responses(code, POLL)] == ["Objectives"]
    assert page.js_errors == []
