"""Trainee widgets of the live classroom, driven from Python against a real SQLite store."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from ttt_widgets.live import ExitTicket, Poll, QuestionQueue, ResponseStore, Scale, StatusCard, WordWall, identity


@pytest.fixture
def db(tmp_path, data_dir):
    identity.leave()
    path = tmp_path / "live.sqlite"
    store = ResponseStore(f"sqlite:///{path}", timeout=0.05)
    code = store.open_session("Widgets")
    yield store, code, path
    identity.leave()
    store.close()


@pytest.fixture
def locked(db):
    """Another connection holds the write lock, as a stuck writer would; release() lets the store work again."""
    store, code, path = db
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")

    class Lock:
        def release(self):
            conn.execute("ROLLBACK")
            conn.close()

    lock = Lock()
    yield lock
    try:
        lock.release()
    except sqlite3.ProgrammingError:
        pass


def test_without_a_session_the_answer_is_kept_and_the_message_says_how_to_join(db):
    store, code, _ = db
    poll = Poll("Ready?", ["yes", "no"], store=store)
    poll.select("yes")
    assert poll.submit() is False
    assert poll.state == "not-joined"
    assert "No live session is joined" in poll.message and "ttt_widgets.live.join(" in poll.message
    assert "TTT_SESSION" in poll.message and "Sent" not in poll.message
    assert poll.pending == "yes" and poll.value == "yes"
    identity.join(code, url=str(store.url))
    assert poll.retry() is True
    assert poll.state == "sent" and poll.message.startswith("Sent.")
    assert store.responses(code, "Ready?")[0]["value"] == "yes"


@pytest.mark.parametrize("make, act, stored", [
    (lambda **k: Poll("Pick", ["a", "b", "c"], multiple=True, **k), lambda w: (w.select("c", "a"), w.submit())[1], ["a", "c"]),
    (lambda **k: Scale("Sure?", "confidence", **k), lambda w: (w.choose(4), w.submit())[1], 4),
    (lambda **k: WordWall("Word", **k), lambda w: w.submit("  clear\x07 "), ["clear"]),
    (lambda **k: StatusCard(**k), lambda w: w.set("stuck"), "stuck"),
    (lambda **k: ExitTicket(**k), lambda w: w.submit("pairs", "pace"), {"worked": "pairs", "change": "pace"}),
], ids=["poll-multi", "scale", "wordwall", "statuscard", "exitticket"])
def test_each_widget_sends_and_says_sent_after_the_store_confirms(db, make, act, stored):
    store, code, _ = db
    widget = make(store=store, session=code)
    assert act(widget) is True
    assert widget.state == "sent" and "Sent." in widget.message
    assert store.responses(code, widget.question)[0]["value"] == stored


def test_bad_input_gives_a_message_and_keeps_what_was_typed(db):
    store, code, _ = db
    wall = WordWall("Word", store=store, session=code)
    long_text = "x" * 501
    assert wall.submit(long_text) is False
    assert "too long (501 characters; the limit is 500)" in wall.message and wall.value == long_text
    assert wall.submit("   ") is False and "empty" in wall.message
    scale = Scale("Sure?", store=store, session=code)
    scale.choose("abc")
    assert "not a number" in scale.message and scale.value is None
    scale.choose(-3)
    assert "outside the scale" in scale.message
    assert scale.submit() is False and "choose a number" in scale.message
    poll = Poll("Ready?", ["yes", "no"], store=store, session=code)
    poll.select("perhaps")
    assert "not one of the choices" in poll.message
    assert poll.submit() is False and "choose an answer" in poll.message
    ticket = ExitTicket(store=store, session=code)
    assert ticket.submit("it worked", "") is False and "'what to change' answer is empty" in ticket.message
    assert ticket.value["worked"] == "it worked"
    assert store.questions(code) == []  # nothing reached the store


def test_an_unknown_session_code_is_explained(db):
    store, _, _ = db
    wall = WordWall("Word", store=store, session="WRONG1")
    assert wall.submit("hello") is False
    assert "no live session has the join code 'WRONG1'" in wall.message and wall.pending == "hello"


def test_store_error_keeps_the_answer_and_retry_sends_it(db, locked):
    store, code, _ = db
    wall = WordWall("Word", store=store, session=code)
    assert wall.submit("patience") is False
    assert wall.state == "retrying" and "cannot be reached" in wall.message and "Sent" not in wall.message
    assert wall.pending == "patience" and wall.value == "patience"
    assert not wall.retry_scheduled  # no event loop here: retry() by hand
    locked.release()
    assert wall.retry() is True and wall.state == "sent"
    assert store.responses(code, "Word")[0]["value"] == ["patience"]


def test_store_error_schedules_a_retry_on_the_event_loop(db, locked):
    store, code, _ = db

    async def scenario():
        card = StatusCard(store=store, session=code, retry_delay=0.05)
        assert card.set("working") is False
        assert card.retry_scheduled
        locked.release()
        for _ in range(100):
            if card.state == "sent":
                break
            await asyncio.sleep(0.02)
        return card

    card = asyncio.run(scenario())
    assert card.state == "sent" and not card.retry_scheduled
    assert store.summary(code, "Status")["counts"]["working"] == 1


def test_question_queue_asks_anonymously_and_upvotes_once(db, monkeypatch):
    store, code, _ = db
    monkeypatch.setenv("JUPYTERHUB_USER", "asker")
    qq = QuestionQueue(store=store, session=code)
    assert qq.ask('<img src=x onerror="alert(1)">') is True
    assert qq.value == ""  # the box empties once sent
    assert qq.items[0]["mine"] and qq.items[0]["votes"] == 0
    html = "".join(row.children[1].value for row in qq._list.children)
    assert "&lt;img src=x" in html and "<img" not in html and "mathjax_ignore" in html
    monkeypatch.setenv("JUPYTERHUB_USER", "voter")
    other = QuestionQueue(store=store, session=code)
    other.refresh()
    assert other.upvote(other.items[0]["id"]) is True
    assert other.upvote(other.items[0]["id"]) is False and "already voted" in other.message
    assert other.items[0]["votes"] == 1
    assert other.ask("") is False and "empty" in other.message


def test_a_status_card_shows_the_choice_even_when_it_could_not_be_sent(db, locked):
    store, code, _ = db
    offline = StatusCard(store=store, session=code)
    assert offline.set("stuck") is False
    assert offline._current.value == "Your note: stuck (not sent yet)" and "Not sent yet" in offline.message
    alone = StatusCard()  # no session joined
    assert alone.set("working") is False and alone._current.value == "Your note: working (not sent yet)"
    locked.release()
    assert offline.retry() is True and offline._current.value == "Your note: stuck"


@pytest.mark.parametrize("question", ["Ready? ", "Ready?\t", "Ready?\n", "Ready?  now", "\u202eReady?"])
def test_a_question_with_odd_spaces_or_bidi_characters_can_be_answered(db, question):
    store, code, _ = db
    poll = Poll(question, ["yes ", " no", "maybe\u202e"], store=store, session=code)
    assert poll.options == ["yes", "no", "maybe"]
    poll.select("yes ")
    assert poll.submit() is True, poll.message
    shown = store.questions(code)[-1]["question"]
    assert "\u202e" not in shown and "  " not in shown and not shown.endswith((" ", "\t", "\n"))
    assert store.summary(code, question)["counts"]["yes"] == 1


def test_a_read_only_store_is_explained_and_recovers_once_writable(db):
    """Connections opened while the store was read-only stay read-only: the store opens new ones to recover."""
    from sqlalchemy import event

    store, code, _ = db
    wall = WordWall("Word", store=store, session=code)
    assert wall.submit("first") is True
    state = {"read_only": True}

    def _opened(dbapi_conn, _record):  # as when the file (or its -shm) could only be opened for reading
        if state["read_only"]:
            dbapi_conn.execute("PRAGMA query_only=ON")

    import sqlalchemy as sa

    event.listen(sa.engine.Engine, "connect", _opened)  # every engine, the ones the store makes again included
    try:
        store.engine.dispose()
        assert wall.submit("second") is False and "read-only" in wall.message and wall.pending == "second"
        state["read_only"] = False  # the file is writable again
        # the connections opened meanwhile are still read-only; recovering means opening new ones
        assert wall.retry() is True, wall.message
    finally:
        event.remove(sa.engine.Engine, "connect", _opened)
    assert store.responses(code, "Word")[0]["value"] == ["first", "second"]


def test_multiple_choices_with_tex_delimiters_are_sent_as_written(db):
    """The labels are written so the page does not typeset them (see tests/browser/test_choice_labels.py); the
    answer sent is still the choice's own text."""
    store, code, _ = db
    choices = ["$$\\int x$$ <b>", "\\(y\\)", "plain"]
    poll = Poll("Any?", choices, multiple=True, store=store, session=code)
    assert [c.description_allow_html for c in poll._checks] == [True, True, False]
    poll.select(choices[0], "plain")
    assert poll.value == [choices[0], "plain"]
    assert poll.submit() is True, poll.message
    assert store.responses(code, "Any?")[0]["value"] == [choices[0], "plain"]
