"""The live service of ``ttt present`` over real HTTP: who may read and write what, limits, retries, pushed changes.

Every test talks to a real ``ttt present`` process with its own data folder; the trainee side (RemoteStore, the
widgets) runs in this process with ANOTHER data folder and no database URL, as on a trainee's own laptop.
"""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time

import pytest

import helpers
from ttt_widgets.live import ResponseStore
from ttt_widgets.live.client import RemoteStore, split_join_url
from ttt_widgets.live.store import QuestionClosed, StoreUnavailable, UnknownQuestion, UnknownSession

HOSTILE = ['<img src=x onerror="window.__pwned=1">', r"$$\href{javascript:alert(1)}{x}$$", "Robert'); DROP TABLE x;--",
           "\u202eevil", "=HYPERLINK(\"http://x\")"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = helpers.start_live_server(tmp_path_factory.mktemp("service"))
    yield srv
    srv.stop()


@pytest.fixture
def lead(server):
    store = ResponseStore(server.store_url)
    yield store
    store.close()


@pytest.fixture
def session(lead):
    code = lead.open_session("Service test")
    lead.add_question(code, "Ready?", "poll", ["yes", "no"])
    lead.add_question(code, "Word", "words")
    return code


@pytest.fixture
def trainee(server, data_dir):
    """A trainee's side: its own data folder (``data_dir``), no TTT_DB_URL, the service's address only."""
    return RemoteStore(server.url)


def register(server, code) -> tuple[str, dict]:
    status, reply = server.request("POST", f"/ttt/api/sessions/{code}/participants", {})
    assert status == 201, reply
    return reply["participant"], {"Authorization": f"Bearer {reply['token']}"}


def test_a_trainee_answers_over_http_and_the_lead_store_has_it(server, lead, session, trainee, data_dir):
    assert trainee.session_info(session.lower())["title"] == "Service test"
    assert trainee.submit(session, "Ready?", None, "yes") == "yes"
    trainee.add_question(session, "Own poll", "poll", ["a", "b"])
    assert trainee.submit(session, "Own poll", "forged-name", "b") == "b"
    rows = lead.responses(session, "Own poll")
    me = trainee.participant(session)
    assert [(r["participant"], r["value"]) for r in rows] == [(me, "b")]  # the name the caller gave is ignored
    assert me.startswith("p-") and lead.responses(session, "Ready?")[0]["participant"] == me
    tokens = data_dir / "live-tokens.json"
    assert tokens.stat().st_mode & 0o077 == 0  # the token file is this user's only
    again = RemoteStore(server.url)  # a restarted kernel: same identity, the answer is replaced, not added
    again.submit(session, "Ready?", None, "no")
    assert [(r["participant"], r["value"]) for r in lead.responses(session, "Ready?")] == [(me, "no")]


def test_errors_are_clear_and_typed(server, session, trainee):
    with pytest.raises(UnknownSession, match="join code"):
        trainee.session_info("ZZZZZZ")
    with pytest.raises(UnknownQuestion, match="no question"):
        trainee.submit(session, "Nope?", None, "yes")
    with pytest.raises(ValueError, match="not one of the choices"):
        trainee.submit(session, "Ready?", None, "perhaps")
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        RemoteStore(f"http://127.0.0.1:{helpers.free_port()}").submit(session, "Ready?", None, "yes")
    _, auth = register(server, session)
    path = f"/ttt/api/sessions/{session}/answers"
    assert server.request("POST", path, raw=b"{not json", headers=auth)[0] == 400
    assert server.request("POST", path, raw=b"[1, 2]", headers=auth)[0] == 400
    status, reply = server.request("POST", path, raw=b"x" * 20000, headers=auth)
    assert status == 413 and "too large" in reply["error"]
    assert server.request("POST", path, {"question": "Ready?", "value": "yes"})[0] == 401  # no token
    assert server.request("POST", path, {"question": "Ready?", "value": "yes"},
                          headers={"Authorization": "Bearer made-up"})[0] == 401
    status, reply = server.request("GET", "/ttt/api/sessions/ABC/answers")
    assert status == 404


def test_a_participant_token_cannot_read_names_answers_or_control(server, session):
    _, auth = register(server, session)
    base = f"/ttt/api/sessions/{session}"
    for method, path, body in [("GET", "/responses?question=Ready%3F", None), ("GET", "/export.csv", None),
                               ("POST", "/control", {"action": "show_names", "on": True}),
                               ("POST", "/control", {"action": "close", "question": "Ready?"}),
                               ("GET", "/wait?since=0&timeout=0", None)]:
        for headers in (auth, {}, {"Authorization": "token " + auth["Authorization"][7:]}):
            status, reply = server.request(method, base + path, body, headers=headers)
            assert status == 403, (method, path, headers, status, reply)
    lead = {"Authorization": f"token {server.token}"}
    status, rows = server.request("GET", base + "/responses?question=Ready%3F", headers=lead)
    assert status == 200 and isinstance(rows, list)
    status, csv_text = server.request("GET", base + "/export.csv", headers=lead)
    assert status == 200 and csv_text.startswith("session,question,kind,participant")


def test_the_public_session_view_has_no_names(server, lead, session):
    name, auth = register(server, session)
    lead.set_controls(session, current="Word")
    server.request("POST", f"/ttt/api/sessions/{session}/answers", {"question": "Word", "value": "curious"},
                   headers=auth)
    status, info = server.request("GET", f"/ttt/api/sessions/{session}")
    assert status == 200 and info["current"]["question"] == "Word"
    assert info["current"]["results"]["words"] == [{"word": "curious", "count": 1}]
    assert name not in json.dumps(info)
    status, asks = server.request("GET", f"/ttt/api/sessions/{session}/asks", headers=auth)
    assert status == 200 and all("participant" not in a for a in asks)


def test_answer_first_hides_results_from_phones_until_revealed(server, lead, session):
    lead.set_controls(session, current="Ready?", answer_first=True)
    info = server.request("GET", f"/ttt/api/sessions/{session}")[1]
    assert "results" not in info["current"] and info["current"]["answer_first"]
    lead.set_question_state(session, "Ready?", revealed=True)
    info = server.request("GET", f"/ttt/api/sessions/{session}")[1]
    assert info["current"]["results"]["counts"] == {"yes": 0, "no": 0}


def test_a_closed_question_and_an_ended_countdown_refuse_answers(server, lead, session, trainee):
    lead.set_question_state(session, "Ready?", closed=True)
    with pytest.raises(QuestionClosed, match="closed"):
        trainee.submit(session, "Ready?", None, "yes")
    lead.set_question_state(session, "Ready?", closed=False)
    lead.set_question_state(session, "Ready?", closes_in=1)
    lead.set_controls(session, current="Ready?")
    assert 0 < server.request("GET", f"/ttt/api/sessions/{session}")[1]["current"]["closes_in"] <= 1
    trainee.submit(session, "Ready?", None, "yes")
    time.sleep(1.1)
    with pytest.raises(QuestionClosed):
        trainee.submit(session, "Ready?", None, "no")
    assert lead.summary(session, "Ready?")["counts"] == {"yes": 1, "no": 0}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_the_characters_typed(server, lead, session, trainee, text):
    stored = trainee.submit(session, "Word", None, text)
    assert stored == text.replace("\u202e", "")  # bidirectional overrides are removed, nothing else
    trainee.ask(session, None, text)
    assert lead.queue(session)[-1]["text"] == stored


def test_a_resent_write_with_the_same_id_is_stored_once(server, lead, session):
    _, auth = register(server, session)
    path = f"/ttt/api/sessions/{session}"
    body = {"text": "Is this stored twice?", "id": "same-id-1"}
    first = server.request("POST", path + "/asks", body, headers=auth)
    second = server.request("POST", path + "/asks", body, headers=auth)  # the reply to the first was "lost"
    assert first[0] == second[0] == 201 and first[1]["id"] == second[1]["id"] and second[1]["duplicate"]
    assert [a["text"] for a in lead.queue(session)].count("Is this stored twice?") == 1
    answer = {"question": "Word", "value": "once", "id": "same-id-2"}
    server.request("POST", path + "/answers", answer, headers=auth)
    assert server.request("POST", path + "/answers", answer, headers=auth)[1]["duplicate"] is True
    assert [h["value"] for h in lead.history(session, "Word")].count("once") == 1


def test_a_participant_is_rate_limited_with_retry_after(server, session):
    _, auth = register(server, session)
    statuses = [server.request("POST", f"/ttt/api/sessions/{session}/answers",
                               {"question": "Ready?", "value": "yes"}, headers=auth)[0] for _ in range(40)]
    assert statuses[:20] == [200] * 20 and 429 in statuses
    other_name, other = register(server, session)  # another participant is not slowed down
    assert server.request("POST", f"/ttt/api/sessions/{session}/answers", {"question": "Ready?", "value": "no"},
                          headers=other)[0] == 200


def test_the_session_view_waits_for_a_change_and_answers_at_once(server, lead, session):
    rev = server.request("GET", f"/ttt/api/sessions/{session}")[1]["revision"]
    got = {}

    def wait():
        start = time.monotonic()
        got["reply"] = server.request("GET", f"/ttt/api/sessions/{session}?since={rev}")[1]
        got["waited"] = time.monotonic() - start

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.5)
    lead.set_controls(session, current="Word")  # written straight to the store by another process' connection
    t.join(10)
    assert got["reply"]["current"]["question"] == "Word"
    assert 0.4 < got["waited"] < 1.5, got["waited"]


def test_join_addresses_are_read_like_a_person_types_them():
    assert split_join_url("http://10.0.0.5:8866/k7p2qx") == ("http://10.0.0.5:8866", "K7P2QX")
    assert split_join_url("https://hub.example.org/services/ttt/join/K7P2QX/") == (
        "https://hub.example.org/services/ttt", "K7P2QX")
    with pytest.raises(UnknownSession):
        split_join_url("http://10.0.0.5:8866/")


def test_many_participants_at_once_nothing_lost_or_doubled(server, lead, session, data_dir):
    def one(i):
        name, auth = register(server, session)
        status, reply = server.request("POST", f"/ttt/api/sessions/{session}/answers",
                                       {"question": "Ready?", "value": "yes" if i % 3 else "no", "id": f"a{i}"},
                                       headers=auth)
        assert status == 200, reply
        return name

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        names = list(pool.map(one, range(60)))
    assert len(set(names)) == 60
    summary = lead.summary(session, "Ready?")
    assert summary["n"] == 60 and summary["counts"] == {"yes": 40, "no": 20}


def test_on_postgresql_a_write_from_anywhere_wakes_the_lead_at_once(pg_database_url, tmp_path):
    """LISTEN/NOTIFY: the service hears a write made by another process within a fraction of its 2 s fallback."""
    url = pg_database_url
    srv = helpers.start_live_server(tmp_path / "pg", env={"TTT_DB_URL": url})
    writer = ResponseStore(url)
    try:
        code = writer.open_session("PG push")
        writer.add_question(code, "Ready?", "poll", ["yes", "no"])
        lead = {"Authorization": f"token {srv.token}"}
        rev = srv.request("GET", f"/ttt/api/sessions/{code}/wait?since=-1&timeout=0", headers=lead)[1]["revision"]
        got = {}

        def wait():
            start = time.monotonic()
            got["rev"] = srv.request("GET", f"/ttt/api/sessions/{code}/wait?since={rev}&timeout=10", headers=lead)[1]
            got["at"] = time.monotonic()

        waits = []
        for i in range(3):
            t = threading.Thread(target=wait)
            t.start()
            time.sleep(0.6)  # the long poll is waiting; the store's counter is re-read only every 2 s without NOTIFY
            written = time.monotonic()
            writer.submit(code, "Ready?", f"p{i}", "yes")
            t.join(15)
            waits.append(got["at"] - written)
            rev = got["rev"]["revision"]
        assert max(waits) < 0.5, waits
        assert "LISTEN connection lost" not in srv.process.output()
    finally:
        writer.close()
        srv.stop()


def test_a_long_poll_wakes_when_the_current_questions_countdown_ends(server, lead, session):
    lead.set_controls(session, current="Ready?")
    lead.set_question_state(session, "Ready?", closes_in=1.0)
    info = server.request("GET", f"/ttt/api/sessions/{session}")[1]
    assert info["current"]["closed"] is False
    start = time.monotonic()
    info = server.request("GET", f"/ttt/api/sessions/{session}?since={info['revision']}")[1]
    waited = time.monotonic() - start
    assert info["current"]["closed"] is True and 0.8 < waited < 2.0, waited


def test_many_long_polls_from_one_address_all_wait(server, lead, session):
    rev = server.request("GET", f"/ttt/api/sessions/{session}")[1]["revision"]

    def poll(_):
        start = time.monotonic()
        server.request("GET", f"/ttt/api/sessions/{session}?since={rev}")
        return time.monotonic() - start

    with concurrent.futures.ThreadPoolExecutor(80) as pool:
        futures = [pool.submit(poll, i) for i in range(80)]  # a room of phones behind one address (a proxy)
        time.sleep(1.0)
        lead.set_controls(session, current="Word")
        waits = [f.result(timeout=30) for f in futures]
    assert min(waits) > 0.8 and max(waits) < 5, (min(waits), max(waits))  # each waited for the change, none spun
