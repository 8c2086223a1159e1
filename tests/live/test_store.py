"""The response store on SQLite and PostgreSQL: sessions, questions, answers, history, summaries, export, errors."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from ttt_widgets.live import ResponseStore, SchemaVersionError, StoreUnavailable, UnknownQuestion, UnknownSession
from ttt_widgets.live.store import CODE_ALPHABET, MAX_TEXT, SCHEMA_VERSION, clean_text, meta_t

HOSTILE = ['<img src=x onerror="alert(1)">', r"$$\href{javascript:alert(1)}{x}$$", "Robert'); DROP TABLE ttt_answers;--",
           "emoji 🎉👩‍🏫 ok", "=HYPERLINK(\"http://x\")"]


@pytest.fixture
def code(store):
    c = store.open_session("Morning")
    store.add_question(c, "Ready?", "poll", ["yes", "no", "maybe"])
    return c


def test_open_session_gives_a_short_readable_code(store):
    codes = {store.open_session(f"S{i}") for i in range(5)}
    assert len(codes) == 5
    for c in codes:
        assert len(c) == 6 and set(c) <= set(CODE_ALPHABET)
    some = next(iter(codes))
    assert store.session_info(some.lower())["code"] == some  # codes read off a screen: case does not matter


def test_later_answer_replaces_earlier_and_history_is_kept(store, code):
    store.submit(code, "Ready?", "anna", "yes")
    store.submit(code, "Ready?", "anna", "no")
    store.submit(code, "Ready?", "ben", "no")
    assert [(r["participant"], r["value"]) for r in store.responses(code, "Ready?")] == [("anna", "no"), ("ben", "no")]
    assert [h["value"] for h in store.history(code, "Ready?")] == ["yes", "no", "no"]
    assert store.summary(code, "Ready?")["counts"] == {"yes": 0, "no": 2, "maybe": 0}


def test_summary_of_every_kind_has_no_names(store, code):
    store.add_question(code, "Which?", "multi", ["a", "b", "c"])
    store.add_question(code, "Confident?", "scale")
    store.add_question(code, "Word", "words")
    store.add_question(code, "Status", "status")
    store.add_question(code, "Exit ticket", "exit")
    store.submit(code, "Which?", "p1", ["c", "a"])
    store.submit(code, "Which?", "p2", ["a"])
    store.submit(code, "Confident?", "p1", 2)
    store.submit(code, "Confident?", "p2", "4")
    store.submit(code, "Word", "p1", "clear")
    store.submit(code, "Status", "p1", "stuck")
    store.submit(code, "Status", "p2", "done")
    store.submit(code, "Exit ticket", "p1", {"worked": "pairs", "change": "pace"})
    assert store.summary(code, "Which?")["counts"] == {"a": 2, "b": 0, "c": 1}
    scale = store.summary(code, "Confident?")
    assert scale["counts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0} and scale["mean"] == 3.0
    assert [t["text"] for t in store.summary(code, "Word")["texts"]] == ["clear"]
    status = store.summary(code, "Status")
    assert status["counts"] == {"stuck": 1, "working": 0, "done": 1} and status["oldest_stuck_seconds"] >= 0
    assert store.summary(code, "Exit ticket")["worked"] == ["pairs"]
    for q in ("Which?", "Confident?", "Word", "Status", "Exit ticket"):
        assert "p1" not in repr(store.summary(code, q))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_data(store, code, text):
    store.add_question(code, "Word", "words")
    assert store.submit(code, "Word", "p1", text) == text
    assert store.responses(code, "Word")[0]["value"] == [text]
    assert store.summary(code, "Ready?")["n"] == 0  # the tables are all still there


@pytest.mark.parametrize(("kind", "options", "value", "message"), [
    ("poll", ["a", "b"], "", "choose an answer"),
    ("poll", ["a", "b"], "c", "not one of the choices"),
    ("multi", ["a", "b"], [], "at least one"),
    ("multi", ["a", "b"], ["a", "a"], "only once"),
    ("scale", None, "abc", "not a number"),
    ("scale", None, -1, "outside the scale"),
    ("scale", None, 2.5, "outside the scale"),
    ("scale", None, True, "choose a number"),
    ("words", None, "   ", "empty"),
    ("words", None, "x" * (MAX_TEXT + 1), "too long"),
    ("status", None, "asleep", "must be one of"),
    ("exit", None, {"worked": "x", "change": ""}, "empty"),
])
def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(store, code, kind, options, value, message):
    store.add_question(code, "Q", kind, options)
    with pytest.raises(ValueError, match=message):
        store.submit(code, "Q", "p1", value)
    assert store.responses(code, "Q") == []


def test_control_characters_are_removed_and_the_limit_is_500():
    assert clean_text("a\x00b\x1b[31mc\u202e d\n") == "ab[31mc d"
    assert clean_text("one\ntwo", single_line=True) == "one two"
    assert len(clean_text("y" * MAX_TEXT)) == MAX_TEXT
    with pytest.raises(ValueError, match="too long"):
        clean_text("y" * 2001)


def test_unknown_session_and_question_give_clear_errors(store, code):
    with pytest.raises(UnknownSession, match="no live session has the join code 'NOPE42'"):
        store.submit("NOPE42", "Ready?", "p1", "yes")
    with pytest.raises(UnknownQuestion, match="has no question 'Other\\?'"):
        store.submit(code, "Other?", "p1", "yes")


def test_adding_a_question_twice_is_harmless_but_a_different_one_is_refused(store, code):
    store.add_question(code, "Ready?", "poll", ["yes", "no", "maybe"])
    with pytest.raises(ValueError, match="already exists"):
        store.add_question(code, "Ready?", "scale")
    with pytest.raises(ValueError, match="at least two choices"):
        store.add_question(code, "Lonely", "poll", ["only"])
    assert [q["question"] for q in store.questions(code)] == ["Ready?"]


def test_every_write_moves_the_change_counter(store, code):
    before = store.revision(code)
    store.submit(code, "Ready?", "p1", "yes")
    ask = store.ask(code, "p2", "Why?")
    store.upvote(code, ask, "p1")
    assert store.upvote(code, ask, "p1") is False  # one vote per person
    assert store.revision(code) == before + 3


def test_question_queue_sorted_by_votes_with_answered_last(store, code):
    a = store.ask(code, "p1", "first")
    b = store.ask(code, "p2", "second")
    c = store.ask(code, "p3", "third")
    for voter in ("x", "y"):
        store.upvote(code, b, voter)
    store.upvote(code, c, "x")
    assert [q["text"] for q in store.queue(code)] == ["second", "third", "first"]
    store.mark_answered(code, b)
    store.hide_ask(code, c)
    assert [(q["text"], q["answered"]) for q in store.queue(code)] == [("first", False), ("second", True)]
    with pytest.raises(ValueError, match="no question 999"):
        store.upvote(code, 999, "x")
    assert store.upvote(code, a, "x") is True and store.upvote(code, a, "x") is False  # one vote per participant
    assert [(q["text"], q["votes"]) for q in store.queue(code)][0] == ("first", 1)


def test_word_wall_moderation_hides_and_unhides(store, code):
    store.add_question(code, "Word", "words")
    store.submit(code, "Word", "p1", "rude")
    answer = store.responses(code, "Word")[0]["id"]
    store.set_hidden(code, "Word", answer, True)
    assert store.responses(code, "Word", include_hidden=False) == []
    store.set_hidden(code, "Word", answer, False)
    assert len(store.responses(code, "Word", include_hidden=False)) == 1


def test_export_csv_is_anonymous_unless_names_are_on(store, code, tmp_path):
    store.add_question(code, "Word", "words")
    store.submit(code, "Ready?", "anna@example.org", "yes")
    store.submit(code, "Word", "anna@example.org", "=1+1")
    store.ask(code, "ben", "why?")
    rows = list(csv.reader(open(store.export_csv(code, tmp_path / "out.csv"), encoding="utf-8")))
    assert rows[0][:5] == ["session", "question", "kind", "participant", "answer"]
    assert len(rows) == 4
    assert "anna@example.org" not in repr(rows) and rows[1][3] == rows[2][3] == "participant 1"
    assert rows[2][4] == "'=1+1"  # no spreadsheet formula
    store.set_show_names(code, True)
    rows = list(csv.reader(open(store.export_csv(code, tmp_path / "named.csv"), encoding="utf-8")))
    assert rows[1][3] == "anna@example.org"


def test_a_newer_schema_is_refused_with_a_clear_message(store_url):
    ResponseStore(store_url).open_session("x")
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(meta_t.update().where(meta_t.c.key == "schema_version").values(value=str(SCHEMA_VERSION + 1)))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match=f"schema version {SCHEMA_VERSION + 1}.*upgrade"):
        ResponseStore(store_url).open_session("y")


def test_an_unreachable_server_is_reported_not_raised_raw():
    import helpers

    store = ResponseStore(f"postgresql+psycopg://nobody@127.0.0.1:{helpers.free_port()}/none", timeout=2)
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        store.open_session("x")


def test_sqlite_store_uses_wal_and_a_busy_timeout(tmp_path):
    store = ResponseStore(f"sqlite:///{tmp_path / 'w.sqlite'}", timeout=7)
    store.open_session("x")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000


def test_a_word_cloud_takes_several_words_per_participant_and_repeated_words_grow(store, code):
    store.add_question(code, "Word", "words")
    for word in ("clear", "Clear!", "fun", "long"):
        store.submit(code, "Word", "p1", word)
    store.submit(code, "Word", "p2", "CLEAR")
    store.submit(code, "Word", "p3", "fun")
    words = store.summary(code, "Word")["words"]
    # p1's "Clear!" is the same word as "clear" (counted once for p1); p2 adds one more
    from ttt_widgets.live.store import word_key

    assert [(word_key(w["word"]), w["count"]) for w in words] == [("clear", 2), ("fun", 2), ("long", 1)]
    for i in range(10):
        store.submit(code, "Word", "p4", f"w{i}")
    assert len(store.responses(code, "Word")[-1]["value"]) == 5  # MAX_WORDS: the newest five stay


def test_the_lead_can_hide_a_word_whoever_sent_it(store, code):
    store.add_question(code, "Word", "words")
    store.submit(code, "Word", "p1", "rude")
    store.submit(code, "Word", "p2", "Rude")
    store.submit(code, "Word", "p2", "kind")
    store.hide_word(code, "Word", "RUDE")
    assert [w["word"] for w in store.summary(code, "Word")["words"]] == ["kind"]
    store.hide_word(code, "Word", "rude", hidden=False)
    assert {w["word"].casefold() for w in store.summary(code, "Word")["words"]} == {"rude", "kind"}


def test_a_scale_with_the_same_points_but_other_labels_answers_the_same_question(store, code):
    store.add_question(code, "How confident?", "scale")  # the lead: 1-5, no labels
    store.add_question(code, "How confident?", "scale", ["Not at all", "A little", "Somewhat", "Fairly", "Very"])
    store.submit(code, "How confident?", "p1", 4)
    assert store.summary(code, "How confident?")["counts"]["4"] == 1
    with pytest.raises(ValueError, match="already exists"):
        store.add_question(code, "How confident?", "scale", ["no", "yes"])
    store.add_question(code, "Ready?", "poll", ["maybe", "yes", "no"])  # same choices, another order
    with pytest.raises(ValueError, match="already exists"):
        store.add_question(code, "Ready?", "poll", ["yes", "no"])


def test_question_text_is_cleaned_the_same_way_when_answering(store, code):
    store.add_question(code, "Tabs\tand  spaces ", "poll", ["a", "b"])
    store.submit(code, "Tabs\tand  spaces ", "p1", "a")
    assert store.summary(code, "Tabs and spaces")["counts"] == {"a": 1, "b": 0}


def test_a_closed_question_or_an_ended_countdown_refuses_answers(store, code):
    from ttt_widgets.live.store import QuestionClosed

    store.set_question_state(code, "Ready?", closed=True)
    with pytest.raises(QuestionClosed, match="closed"):
        store.submit(code, "Ready?", "p1", "yes")
    store.set_question_state(code, "Ready?", closed=False)
    store.submit(code, "Ready?", "p1", "yes")
    store.set_question_state(code, "Ready?", closes_in=0.2)
    assert store.state(code)["questions"]["Ready?"]["closed"] is False
    import time

    time.sleep(0.3)
    assert store.state(code)["questions"]["Ready?"]["closed"] is True
    with pytest.raises(QuestionClosed):
        store.submit(code, "Ready?", "p2", "no")
    with pytest.raises(ValueError, match="countdown"):
        store.set_question_state(code, "Ready?", closes_in=-5)


def test_controls_current_question_answer_first_and_approval(store, code):
    assert store.state(code) == {"current": None, "answer_first": False, "approve_asks": False,
                                 "questions": {"Ready?": {"closed": False, "revealed": False, "hidden": False,
                                                          "closes_at": None}}}
    store.set_controls(code, current="Ready?", answer_first=True)
    store.set_question_state(code, "Ready?", revealed=True)
    state = store.state(code)
    assert state["current"] == "Ready?" and state["answer_first"] and state["questions"]["Ready?"]["revealed"]
    with pytest.raises(UnknownQuestion):
        store.set_controls(code, current="No such question")
    store.set_controls(code, current=None)
    assert store.state(code)["current"] is None

    store.ask(code, "p1", "before approval mode")
    store.set_controls(code, approve_asks=True)
    held = store.ask(code, "p2", "needs a look")
    assert [a["text"] for a in store.queue(code)] == ["before approval mode"]
    assert [a["pending"] for a in store.queue(code, include_pending=True)] == [False, True]
    store.approve_ask(code, held)
    assert {a["text"] for a in store.queue(code)} == {"before approval mode", "needs a look"}


def test_participant_tokens_are_kept_only_as_hashes(store, code, store_url):
    name, token = store.register_participant(code)
    assert name.startswith("p-") and len(token) >= 40
    assert store.participant_for_token(code, token) == name
    assert store.participant_for_token(code, token + "x") is None
    other = store.open_session("Other")
    assert store.participant_for_token(other, token) is None  # a token belongs to one session
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        dump = repr(conn.execute(sa.text("SELECT * FROM ttt_participants")).all())
    engine.dispose()
    assert token not in dump and name in dump


def test_a_version_1_store_is_upgraded_in_place(store_url):
    from ttt_widgets.live.store import metadata

    engine = sa.create_engine(store_url)
    v1 = [metadata.tables[n] for n in ("ttt_meta", "ttt_sessions", "ttt_questions", "ttt_answers", "ttt_history",
                                       "ttt_asks", "ttt_votes")]
    with engine.begin() as conn:
        metadata.create_all(conn, tables=v1)
        conn.execute(meta_t.insert().values(key="schema_version", value="1"))
    engine.dispose()
    store = ResponseStore(store_url)
    c = store.open_session("Old")
    store.add_question(c, "Ready?", "poll", ["yes", "no"])
    store.set_controls(c, current="Ready?")
    assert store.state(c)["current"] == "Ready?"
    store.close()
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(sa.select(meta_t.c.value)).scalar() == str(SCHEMA_VERSION)
    engine.dispose()
