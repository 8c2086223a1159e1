"""Lead panels of the live classroom: live charts, word wall with moderation, queue, status board, exit tickets."""

from __future__ import annotations

import asyncio

import pytest

from ttt_widgets.live import (ExitTicketBoard, LiveDashboard, LiveResults, QuestionBoard, ResponseStore, StatusBoard,
                              WordWallBoard)

HOSTILE = ['<img src=x onerror="window.__x=1">', r"$$\href{javascript:alert(1)}{x}$$"]


@pytest.fixture
def db(tmp_path, data_dir):
    store = ResponseStore(f"sqlite:///{tmp_path / 'live.sqlite'}")
    code = store.open_session("Lead")
    store.add_question(code, "Ready?", "poll", ["yes", "no"])
    yield store, code
    store.close()


def test_results_chart_counts_and_alt_text(db):
    store, code = db
    panel = LiveResults(code, "Ready?", store=store)
    assert panel.counts == {"yes": 0, "no": 0} and not panel.polling  # no event loop: refresh() by hand
    store.submit(code, "Ready?", "p1", "yes")
    store.submit(code, "Ready?", "p2", "yes")
    panel.refresh()
    assert panel.counts == {"yes": 2, "no": 0} and panel.n == 2
    assert 'alt="Ready?: yes: 2, no: 0"' in panel._chart.value and "data:image/png;base64," in panel._chart.value


def test_panels_refresh_on_their_own_within_a_second_and_stop_when_closed(db):
    store, code = db

    async def scenario():
        panel = LiveResults(code, "Ready?", store=store, interval=0.05)
        assert panel.polling
        await asyncio.sleep(0)
        store.submit(code, "Ready?", "p1", "no")
        loop = asyncio.get_running_loop()
        start = loop.time()
        while panel.counts["no"] != 1 and loop.time() - start < 1.0:
            await asyncio.sleep(0.01)
        seen = panel.counts["no"]
        panel.close()
        await asyncio.sleep(0)
        return panel, seen

    panel, seen = asyncio.run(scenario())
    assert seen == 1
    assert not panel.polling


@pytest.mark.parametrize("text", HOSTILE)
def test_word_wall_shows_hostile_text_as_text_and_can_hide_it(db, text):
    store, code = db
    store.add_question(code, "Word", "words")
    store.submit(code, "Word", "p1", text)
    store.submit(code, "Word", "p2", "fine")
    board = WordWallBoard(code, "Word", store=store)
    assert "<img src" not in board._wall.value and "mathjax_ignore" in board._wall.value
    import html

    assert html.escape(text, quote=True) in board._wall.value
    bad = next(t for t in board.texts if t["text"] == text)
    board.hide(bad["id"])
    assert html.escape(text, quote=True) not in board._wall.value and "fine" in board._wall.value
    board.unhide(bad["id"])
    assert html.escape(text, quote=True) in board._wall.value


def test_question_board_sorted_by_votes_and_answered(db):
    store, code = db
    a = store.ask(code, "p1", "first")
    b = store.ask(code, "p2", "second")
    store.upvote(code, b, "p3")
    board = QuestionBoard(code, store=store)
    assert [i["text"] for i in board.items] == ["second", "first"]
    board.mark_answered(b)
    assert [(i["text"], i["answered"]) for i in board.items] == [("first", False), ("second", True)]
    board.hide(a)
    assert [i["text"] for i in board.items] == ["second"]


def test_status_board_counts_and_oldest_stuck(db):
    store, code = db
    board = StatusBoard(code, store=store)
    assert board.counts == {"stuck": 0, "working": 0, "done": 0} and board._wait.value == "Nobody is stuck."
    store.add_question(code, "Status", "status")
    for who, state in [("a", "stuck"), ("b", "stuck"), ("c", "done")]:
        store.submit(code, "Status", who, state)
    board.refresh()
    assert board.counts == {"stuck": 2, "working": 0, "done": 1}
    assert board.oldest_stuck_seconds >= 0 and board._wait.value.startswith("Oldest 'stuck' has waited")
    store.submit(code, "Status", "a", "working")
    store.submit(code, "Status", "b", "done")
    board.refresh()
    assert board.oldest_stuck_seconds is None


def test_exit_ticket_board(db):
    store, code = db
    board = ExitTicketBoard(code, store=store)
    assert board.worked == []
    store.add_question(code, "Exit ticket", "exit")
    store.submit(code, "Exit ticket", "p1", {"worked": HOSTILE[0], "change": "pace"})
    board.refresh()
    assert board.worked == [HOSTILE[0]] and board.change == ["pace"]
    assert "&lt;img" in board._worked.value and "<img" not in board._worked.value


def test_dashboard_shows_the_join_code_and_adds_panels_for_new_questions(db):
    store, _ = db
    dash = LiveDashboard(title="Room <b>", store=store, questions=[("Sure?", "scale", None)])
    assert dash.code in dash._header.value and "Room &lt;b&gt;" in dash._header.value
    assert list(dash.panels) == ["Sure?"]
    store.add_question(dash.code, "Word", "words")
    store.submit(dash.code, "Word", "p1", "clear")
    dash.refresh()
    assert list(dash.panels) == ["Sure?", "Word"] and dash.panels["Word"].texts[0]["text"] == "clear"
    assert dash.status.counts == {"stuck": 0, "working": 0, "done": 0}
    dash.close()
    assert not dash.polling


def test_a_panel_on_an_unreachable_store_shows_a_message(data_dir):
    import helpers

    store = ResponseStore(f"postgresql+psycopg://nobody@127.0.0.1:{helpers.free_port()}/none", timeout=1)
    panel = QuestionBoard("ABCDEF", store=store)
    assert "cannot be reached" in panel._status.value and panel.items == []


def test_names_are_hidden_until_the_lead_turns_them_on_and_export_follows(db, tmp_path):
    store, _ = db
    dash = LiveDashboard(title="Names", store=store, questions=[("Word", "words", None)])
    store.submit(dash.code, "Word", "anna", "clear")
    dash.refresh()
    moderation = "".join(row.children[1].value for row in dash.panels["Word"]._moderation.children)
    assert "anna" not in moderation and "clear" in moderation
    assert "anna" not in open(dash.export_csv(tmp_path / "anon.csv"), encoding="utf-8").read()
    dash._names.value = True  # as the lead ticks the box
    moderation = "".join(row.children[1].value for row in dash.panels["Word"]._moderation.children)
    assert "anna: clear" in moderation
    assert "anna" in open(dash.export_csv(tmp_path / "named.csv"), encoding="utf-8").read()
    dash.close()


def test_reloading_the_dashboard_keeps_the_rooms_code_and_new_session_starts_fresh(db, monkeypatch):
    store, _ = db
    monkeypatch.delenv("TTT_SESSION", raising=False)
    first = LiveDashboard.from_env(title="Workshop", store=store, questions=[("Sure?", "scale", None)])
    store.submit(first.code, "Sure?", "p1", 4)
    again = LiveDashboard.from_env(title="Workshop", store=store, questions=[("Sure?", "scale", None)])
    assert again.code == first.code  # a page reload (or a preheated kernel) shows the same session
    other = LiveDashboard.from_env(title="Another room", store=store)
    assert other.code != first.code
    old = again.code
    again._new_btn.click()  # as the lead clicks "New session"
    new = again.code
    assert old == first.code and new != old
    assert list(again.panels) == ["Sure?"] and again.panels["Sure?"].n == 0
    assert new in again._header.value and "New session" in again._message.value
    assert store.summary(old, "Sure?")["n"] == 1  # the old session's answers stay
    assert LiveDashboard.from_env(title="Workshop", store=store).code == new
    for d in (first, again, other):
        d.close()


def test_an_old_session_is_not_reused(db, monkeypatch):
    import time

    store, _ = db
    code = store.open_session("Yesterday")
    assert store.latest_session("Yesterday") == code
    assert store.latest_session("Yesterday", max_age_hours=0) is None
    monkeypatch.setattr(time, "time", lambda: 1e12)
    assert store.latest_session("Yesterday") is None
