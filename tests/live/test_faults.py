"""Nothing lost, nothing doubled: the real widgets writing through a connection that loses COMMIT replies, and a
PostgreSQL server that stops and starts again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import helpers
from ttt_widgets.live import Poll, QuestionQueue, ResponseStore, WordWall


@pytest.fixture
def faulty(pg_database_url):
    """(store through a proxy that can lose COMMIT replies, the proxy, a direct store to check what was stored)."""
    url = sa.engine.make_url(pg_database_url)
    proxy = helpers.FaultProxy(url.port)
    through = ResponseStore(proxy.url_for(pg_database_url), timeout=5)
    direct = ResponseStore(pg_database_url)
    yield through, proxy, direct
    through.close()
    direct.close()
    proxy.close()


def test_a_lost_commit_reply_is_recognised_not_stored_twice(faulty):
    through, proxy, direct = faulty
    code = direct.open_session("Faults")
    direct.add_question(code, "Ready?", "poll", ["yes", "no"])
    direct.add_question(code, "Word", "words")
    poll = Poll("Ready?", ["yes", "no"], store=through, session=code)
    poll.select("yes")
    poll.submit()  # registers the question once (no write of its own) and sends
    proxy.drop_commits(1)
    poll.select("no")
    assert poll.submit() is True and poll.state == "sent", poll.message
    assert proxy.dropped == 1  # the reply to that COMMIT was really lost
    assert [h["value"] for h in direct.history(code, "Ready?")] == ["yes", "no"]

    queue = QuestionQueue(store=through, session=code)
    proxy.drop_commits(1)
    assert queue.ask("Is this asked twice?") is True, queue.message
    assert proxy.dropped == 2
    assert [a["text"] for a in direct.queue(code)] == ["Is this asked twice?"]

    wall = WordWall("Word", store=through, session=code)
    for word in ("one", "two", "three"):
        proxy.drop_commits(1)
        assert wall.submit(word) is True, wall.message
    assert proxy.dropped == 5
    assert [h["value"] for h in direct.history(code, "Word")] == ["one", "two", "three"]


def test_a_resend_of_a_stored_answer_by_the_widget_is_not_stored_again(faulty):
    """The widget's own retry (after 'Not sent yet') carries the same request id as the first try."""
    through, proxy, direct = faulty
    code = direct.open_session("Resend")
    direct.add_question(code, "Word", "words")
    wall = WordWall("Word", store=through, session=code)
    wall.submit("warm-up")
    proxy.drop_commits(10)  # every attempt of this write loses its reply: the store gives up, the widget keeps it
    assert wall.submit("kept") is False and wall.state == "retrying" and "Not sent yet" in wall.message
    assert [h["value"] for h in direct.history(code, "Word")] == ["warm-up", "kept"]  # yet it was stored, once
    with proxy._lock:
        proxy._to_drop = 0
    assert wall.retry() is True and wall.state == "sent"
    assert [h["value"] for h in direct.history(code, "Word")] == ["warm-up", "kept"]


def test_a_postgresql_restart_keeps_every_answer_once(tmp_path, data_dir):
    """The widgets against a server that stops and starts again: kept while it is down, sent once when it is back.
    Starting the server leaves the permissions of the test's folder and of every folder above it as they were."""
    folders = [tmp_path, *tmp_path.parents]
    modes = {f: f.stat().st_mode for f in folders}
    try:
        server = helpers.PostgresServer.start(tmp_path / "pg")
    except helpers.Unavailable as exc:
        helpers.skip_or_fail("TTT_REQUIRE_POSTGRES", f"PostgreSQL not available: {exc}")
    store = ResponseStore(server.url, timeout=1)
    try:
        assert {f: f.stat().st_mode for f in folders} == modes, "the server helper opened up folders above its own"
        code = store.open_session("Restart")
        store.add_question(code, "Word", "words")
        wall = WordWall("Word", store=store, session=code)
        assert wall.submit("before") is True
        server.stop(remove=False)
        assert wall.submit("during") is False and wall.state == "retrying" and wall.pending == "during"
        assert "cannot be reached" in wall.message
        server.restart()
        assert wall.retry() is True and wall.state == "sent"
        assert wall.submit("after") is True
        assert [h["value"] for h in store.history(code, "Word")] == ["before", "during", "after"]
    finally:
        store.close()
        server.stop()
