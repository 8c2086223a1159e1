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
    chart = panel._chart.value
    assert "aria-label='Ready?: yes: 2, no: 0'" in chart and "<img" not in chart  # HTML bars, text that scales
    assert "width:100.0%" in chart and "width:0.0%" in chart  # the largest count fills the row, zero is empty


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
    dash.panels["Word"]._moderate.selected_index = 0
    moderation = "".join(row.children[1].value for row in dash.panels["Word"]._moderation.children)
    assert "anna" not in moderation and "clear" in moderation
    assert "anna" not in open(dash.export_csv(tmp_path / "anon.csv"), encoding="utf-8").read()
    dash._names.value = True  # as the lead ticks the box
    moderation = "".join(row.children[1].value for row in dash.panels["Word"]._moderation.children)
    assert "clear (1): anna" in moderation
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


def test_recent_sessions_lists_the_newest_first(db):
    store, first = db
    later = store.open_session("Afternoon")
    listed = store.recent_sessions()
    assert [s["code"] for s in listed][:2] == [later, first] and listed[0]["title"] == "Afternoon"
    assert len(store.recent_sessions(limit=1)) == 1


def test_answer_first_hides_the_bars_until_the_lead_reveals(db):
    store, code = db
    store.set_controls(code, answer_first=True)
    store.submit(code, "Ready?", "p1", "yes")
    panel = LiveResults(code, "Ready?", store=store)
    assert panel.hidden and "results stay hidden" in panel._chart.value and panel.n == 1
    assert "width:100.0%" not in panel._chart.value
    store.set_question_state(code, "Ready?", revealed=True)
    panel.refresh()
    assert not panel.hidden and "width:100.0%" in panel._chart.value


def test_word_cloud_grows_repeated_words_and_hides_a_word_for_everyone(db):
    store, code = db
    store.add_question(code, "Word", "words")
    for who, word in [("p1", "clear"), ("p2", "Clear"), ("p3", "clear"), ("p1", "fun"), ("p2", "rude")]:
        store.submit(code, "Word", who, word)
    board = WordWallBoard(code, "Word", store=store)
    assert [(w["word"].lower(), w["count"]) for w in board.words] == [("clear", 3), ("fun", 1), ("rude", 1)]
    assert "font-size:3.00em" in board._wall.value and "font-size:1.00em" in board._wall.value
    board.hide_word("RUDE")
    assert "rude" not in board._wall.value and "clear" in board._wall.value
    assert board._moderation.children == ()  # no rows until the lead opens the section
    board._moderate.selected_index = 0
    labels = [row.children[1].value for row in board._moderation.children]
    assert any("rude" in label and "color:#888" in label for label in labels)


def test_panels_reuse_their_rows_instead_of_piling_up_widgets(db):
    from ipywidgets.widgets.widget import _instances

    store, code = db
    store.add_question(code, "Word", "words")
    board = WordWallBoard(code, "Word", store=store)
    board._moderate.selected_index = 0  # the moderation list is open
    queue = QuestionBoard(code, store=store)
    for i in range(5):
        store.submit(code, "Word", f"p{i}", f"word{i}")
        store.ask(code, f"p{i}", f"question {i}")
    board.refresh()
    queue.refresh()
    before = len(_instances)
    for i in range(5, 55):  # 50 more entries, a refresh after each, as the poller would do
        store.submit(code, "Word", f"p{i}", "same word")
        board.refresh()
        store.upvote(code, queue.items[0]["id"], f"p{i}")
        queue.refresh()
    grown = len(_instances) - before
    # one new moderation row ("same word": a button, a label, a box, with their layouts and styles); rebuilding the
    # rows on every refresh made about 50 x 10 x 8 here
    assert grown <= 10, f"{grown} new widgets for one new word row"
    assert len(board._moderation.children) == 6 and len(queue._list.children) == 5
    queue.hide(queue.items[0]["id"])
    assert len(queue._rows) == 4  # the hidden question's row was closed


def test_question_board_holds_questions_for_approval(db):
    store, code = db
    store.set_controls(code, approve_asks=True)
    ask = store.ask(code, "p1", "is this ok?")
    board = QuestionBoard(code, store=store)
    assert board.items[0]["pending"] and "waiting for your approval" in board._rows[ask].children[4].value
    assert store.queue(code) == []  # the room does not see it yet
    board._rows[ask].children[1].click()  # Approve
    assert [a["text"] for a in store.queue(code)] == ["is this ok?"] and not board.items[0]["pending"]


def test_the_lead_runs_the_room_without_code(db):
    store, _ = db
    dash = LiveDashboard(title="Run", store=store)
    dash._q_text.value = "Best opener?"
    dash._q_kind.value = "poll"
    dash._q_options.value = "Story, Question , Statistic"
    dash._add_btn.click()
    assert store.questions(dash.code)[-1] == {"question": "Best opener?", "kind": "poll",
                                             "options": ["Story", "Question", "Statistic"]}
    assert "Best opener?" in dash.panels
    dash._current.value = "Best opener?"
    dash._show_btn.click()
    assert store.state(dash.code)["current"] == "Best opener?" and "On the phones now" in dash._run_state.value
    dash._answer_first.value = True
    assert store.state(dash.code)["answer_first"]
    dash._close_btn.click()
    assert store.state(dash.code)["questions"]["Best opener?"]["closed"] and dash._close_btn.description == "Reopen answers"
    dash._close_btn.click()
    dash._seconds.value = 30
    dash._countdown_btn.click()
    closes_at = store.state(dash.code)["questions"]["Best opener?"]["closes_at"]
    assert closes_at is not None and "closes in" in dash._run_state.value
    dash._reveal_btn.click()
    assert store.state(dash.code)["questions"]["Best opener?"]["revealed"]
    dash._approve.value = True
    assert store.state(dash.code)["approve_asks"]
    dash._q_text.value = ""
    dash._add_btn.click()  # an empty question: a message, nothing added
    assert "empty" in dash._message.value and len(store.questions(dash.code)) == 2
    dash._current.value = "(question queue)"
    dash._show_btn.click()
    assert store.state(dash.code)["current"] == "(question queue)"
    dash.close()


def test_the_dashboards_unlabelled_scale_takes_a_trainees_default_scale(db, monkeypatch):
    from ttt_widgets.live import Scale

    store, _ = db
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[2] / "notebooks/dashboards/live-session.ipynb").read_text())
    source = "".join(next(c["source"] for c in nb["cells"] if "QUESTIONS = [" in "".join(c["source"])))
    namespace: dict = {}
    exec(source, namespace)  # the dashboard's own question list
    dash = LiveDashboard(title="Scale", store=store, questions=namespace["QUESTIONS"])
    scale_q = next(q for q, kind, _ in namespace["QUESTIONS"] if kind == "scale")
    trainee = Scale(scale_q, store=store, session=dash.code)  # default labels
    trainee.choose(4)
    assert trainee.submit() is True, trainee.message
    assert store.summary(dash.code, scale_q)["counts"]["4"] == 1
    dash.close()


def test_a_dashboard_follows_a_new_session_opened_elsewhere(db, monkeypatch):
    store, _ = db
    monkeypatch.delenv("TTT_SESSION", raising=False)
    waiting = LiveDashboard.from_env(title="Follow", store=store)  # e.g. the preheated kernel, run earlier
    other = LiveDashboard.from_env(title="Follow", store=store)
    new = other.new_session()
    assert waiting._before_look() is True
    waiting._all_panels()
    assert waiting.code == new and new in waiting._header.value
    pinned = LiveDashboard(session=waiting.code, title="Follow", store=store)
    assert pinned._before_look() is False  # a session given by code stays
    for d in (waiting, other, pinned):
        d.close()


def test_the_header_shows_the_join_address_and_a_qr_code(db, monkeypatch):
    store, _ = db
    monkeypatch.setenv("TTT_PUBLIC_URL", "http://192.168.1.20:8866")
    monkeypatch.setenv("TTT_SERVICE_URL", "http://127.0.0.1:8866")
    dash = LiveDashboard(title="QR", store=store)
    address = f"http://192.168.1.20:8866/{dash.code}"
    assert address in dash._header.value and "<svg" in dash._header.value
    assert f'join(&quot;{address}&quot;)' in dash._header.value or f'join("{address}")' in dash._header.value
    assert f"ttt/api/sessions/{dash.code}/export.csv" in dash._export.value and "download" in dash._export.value
    dash.close()


def test_the_lead_hides_a_trainees_poll_panel_from_the_projected_page(db):
    store, _ = db
    dash = LiveDashboard(title="Hide", store=store)
    store.add_question(dash.code, "Rude poll from a trainee", "poll", ["a", "b"])
    dash.refresh()
    box = dash._boxes["Rude poll from a trainee"]
    assert box in dash._grid.children
    box.children[1].click()  # "Hide this panel"
    assert box not in dash._grid.children and store.state(dash.code)["questions"]["Rude poll from a trainee"]["hidden"]
    show = dash._hidden_row.children[1]
    assert show.description == "Show: Rude poll from a trainee"
    other = LiveDashboard(session=dash.code, title="Hide", store=store)  # another lead page, or a reload
    assert other._boxes["Rude poll from a trainee"] not in other._grid.children
    show.click()
    assert box in dash._grid.children and dash._hidden_row.children == ()
    for d in (dash, other):
        d.close()


def test_a_long_queued_question_does_not_squeeze_the_status_board(db):
    store, _ = db
    dash = LiveDashboard(title="Long", store=store)
    store.ask(dash.code, "p1", "why " * 120)
    dash.refresh()
    assert dash.status.layout.flex == "0 0 auto" and dash.status.layout.min_width == "22em"
    assert dash.queue.layout.min_width == "0"
    assert "overflow-wrap:anywhere" in dash.queue._rows[dash.queue.items[0]["id"]].children[4].value
    dash.close()


def test_an_empty_chart_says_how_to_fill_it(db):
    store, code = db
    store.add_question(code, "Which part?", "poll", ["Opening", "Closing"])
    panel = LiveResults(code, "Which part?", store=store)
    assert "No answers yet" in panel._text.value and "press <i>Show</i>" in panel._text.value
    assert panel._chart.value.count("ttt-bar-row") == 2  # the options still show, at zero
    store.submit(code, "Which part?", "p1", "Opening")
    panel.refresh()
    assert "1 answer(s)" in panel._text.value and "No answers yet" not in panel._text.value


def test_the_leads_pick_stays_while_answers_come_in_and_follows_what_the_phones_show(db):
    store, _ = db
    dash = LiveDashboard(title="Run", store=store)
    for text in ("First?", "Second?"):
        dash._q_text.value = text
        dash._q_kind.value = "poll"
        dash._q_options.value = "yes, no"
        dash._add_btn.click()
    dash.make_current("First?")
    dash.close_question("Second?")
    dash._current.value = "Second?"  # picked, not shown yet
    assert dash._close_btn.description == "Reopen answers"  # the buttons speak of the picked question
    store.submit(dash.code, "First?", "p1", "yes")  # the room answers: the page looks again
    store.add_question(dash.code, "Third?", "poll", ["a", "b"])  # and a co-lead adds a question
    dash._all_panels()
    assert "Third?" in [v for _, v in dash._current.options]
    assert dash._current.value == "Second?"  # before, the pick went back to what the phones show
    dash._show_btn.click()
    assert store.state(dash.code)["current"] == "Second?"
    store.set_controls(dash.code, current="Third?")  # a co-lead shows another question: the pick follows the phones
    dash._all_panels()
    assert dash._current.value == "Third?" and "On the phones now: Third?" in dash._run_state.value
    dash._current.value = "First?"
    assert dash._close_btn.description == "Close answers"
    dash.close()
