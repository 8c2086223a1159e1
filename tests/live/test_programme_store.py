"""The programme store on SQLite and on PostgreSQL: roster import (all or nothing) and export, demos, observations,
quiz results, pathway steps from the gradebook, the schema version, and the synthetic programme end to end."""

from __future__ import annotations

from datetime import date

import pytest

from ttt_widgets.models.demo import TeachingDemo
from ttt_widgets.models.fidelity import QuizResult, estimate_retention, synthetic_programme
from ttt_widgets.models.observation import ObservationChecklist
from ttt_widgets.models.pathway import PathwayRules
from ttt_widgets.models.pool import RosterCSVError, Trainer
from ttt_widgets.programme.store import ProgrammeStore, SchemaVersionError

ROSTER = """id,name,generation,trained_by,modules,trained_on,certified_on
ana,Ana Diaz,0,,05-facilitation-questions;07-formative-assessment,,2024-09-01
ben,"Ben O'Neil; Robert'); DROP TABLE ttt_prog_trainers;--",1,ana,05-facilitation-questions,,
cy,Cy,1,ana,,2024-12-01,
"""
RULES = PathwayRules(modules=("01-trainer-role",), assignments=("01-objectives",))


@pytest.fixture
def pstore(store_url):
    s = ProgrammeStore(store_url)
    yield s
    s.close()


def test_roster_round_trip_with_hostile_text(pstore, tmp_path):
    assert pstore.import_roster(text=ROSTER) == 3
    pool = pstore.pool()
    assert pool.trainers["ben"].name == "Ben O'Neil; Robert'); DROP TABLE ttt_prog_trainers;--"
    assert pool.trainers["ana"].modules == {"05-facilitation-questions", "07-formative-assessment"}
    assert pool.trainers["ana"].certified_on == date(2024, 9, 1)
    pstore.record_session("ben", "05-facilitation-questions", "2025-05-01")
    path = tmp_path / "out.csv"
    text = pstore.export_roster(path, today="2025-06-01")
    assert path.read_text() == text and "2025-05-01" in text
    # the export imports again into a fresh store, unchanged
    other = ProgrammeStore(f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert other.import_roster(path) == 3
    assert other.export_roster(today="2025-06-01").replace("2025-05-01", "") == text.replace("2025-05-01", "")
    other.close()


def test_a_bad_roster_imports_nothing_and_names_row_and_column(pstore):
    pstore.import_roster(text="id,name,generation\nana,Ana,0\n")
    with pytest.raises(RosterCSVError, match=r"roster.csv: row 3, column 'generation': 'one' is not a whole number"):
        pstore.import_roster(text="id,name,generation\nzed,Zed,0\nyan,Yan,one\n")
    with pytest.raises(RosterCSVError, match=r"row 2, column 'generation': bo is generation 2 but was trained by ana"):
        pstore.import_roster(text="id,name,generation,trained_by\nbo,Bo,2,ana\n")  # against the stored ana
    assert sorted(pstore.pool().trainers) == ["ana"]
    with pytest.raises(ValueError, match="one generation below"):
        pstore.add_trainer(Trainer("bo", "Bo", 2, "ana"))
    with pytest.raises(ValueError, match="add them to the roster first"):
        pstore.record_session("nobody", "05-facilitation-questions", "2025-01-01")


def test_demos_observations_and_quiz_results_come_back_as_models(pstore):
    pstore.import_roster(text=ROSTER)
    demo = TeachingDemo("ben", "carpentries-checkout", held_on="2025-02-01")
    for item in ("goal", "screen", "time"):
        demo.mark("lee", item, "growth")
    demo.note("lee", "<script>alert(1)</script> at the start", at=12)
    demo.write_feedback("lee", "delivery_growth", "Bigger font")
    first = pstore.save_demo(demo)
    again = TeachingDemo("ben", "carpentries-checkout", held_on="2025-03-01")
    again.mark("lee", "goal", "positive")
    pstore.save_demo(again)
    back = dict(pstore.demos("ben"))
    assert back[first].as_dict() == demo.as_dict() and back[first].outcome().result == "redo"
    with pytest.raises(ValueError, match="no demo 999"):
        pstore.save_demo(again, demo_id=999)

    c = ObservationChecklist("05-facilitation-questions", "ben", "kim", 1, "2025-04-01")
    for comp in ("open-questions", "wait-time", "everyone"):
        c.mark(comp, "as-designed")
    pstore.save_observation(c)
    assert [o.as_dict() for o in pstore.observations("ben")] == [c.as_dict()]

    pstore.add_quiz_results([QuizResult("ben", 1, "l1", "questioning", 3, 4), QuizResult("ben", 1, "l2", "questioning", 1, 4)])
    pstore.add_quiz_results([QuizResult("ben", 1, "l1", "questioning", 4, 4)])  # a retake replaces
    assert sorted((q.learner, q.score) for q in pstore.quiz_results()) == [("l1", 4.0), ("l2", 1.0)]
    with pytest.raises(ValueError, match="roster first"):
        pstore.add_quiz_results([QuizResult("ghost", 1, "l", "q", 1, 1)])

    pstore.add_trainer(Trainer("ben", "Ben", 1, "ana", {"05-facilitation-questions"}), trained_on="2025-01-01")
    pstore.record_step("ben", "modules", "01-trainer-role", on="2025-01-05")
    pstore.record_step("ben", "assignments", "01-objectives", value=0.8)
    pstore.record_step("ben", "co_facilitated", on="2025-03-15")
    with pytest.raises(ValueError, match="not a step recorded here"):
        pstore.record_step("ben", "demo")
    p = pstore.progress("ben")["ben"]
    assert p.demo_redos == 1 and p.demo_passed_on == date(2025, 3, 1) and p.observation_score == 1.0
    s = pstore.statuses(RULES, today="2025-05-01")
    assert s["ben"].state == "certified" and s["cy"].state == "overdue"  # trained 2024-12-01: modules were due
    assert pstore.pool().trainers["cy"].trained_on == date(2024, 12, 1)


def test_the_synthetic_programme_round_trips_and_its_retention_is_recovered(pstore):
    prog = synthetic_programme(retention=0.8, seed=7)  # the unit tests check coverage over many seeds
    pstore.load_programme(prog)
    assert len(pstore.pool()) == 40 and pstore.pool().generations() == {0: 4, 1: 12, 2: 24}
    stored = pstore.retention()
    assert stored.per_level == estimate_retention(prog.checklists, prog.quiz_results).per_level
    assert stored.per_level.low <= 0.8 <= stored.per_level.high
    states = {s.state for s in pstore.statuses(today=prog.today).values()}
    assert len(states) >= 2


def test_schema_is_versioned_and_shares_the_database_with_the_response_store(store_url):
    import sqlalchemy as sa

    from ttt_widgets.live import ResponseStore

    live = ResponseStore(store_url)
    code = live.open_session("Same database")
    ps = ProgrammeStore(store_url)
    ps.import_roster(text="id,name,generation\nana,Ana,0\n")
    assert ps.schema_version() == 1 and live.session_info(code)["title"] == "Same database"
    live.close()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE ttt_prog_meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    ps.close()
    with pytest.raises(SchemaVersionError, match="schema version 99.*upgrade ttt-workshop-kit"):
        ProgrammeStore(store_url).pool()


def test_assignment_scores_from_a_cohort_table_count_for_trainers_only(pstore):
    from ttt_widgets.grading.report import CohortTable

    pstore.import_roster(text=ROSTER)
    table = CohortTable("01-objectives", ["o/verb", "o/measurable"], {"o/verb": 2.0, "o/measurable": 3.0},
                        {"ben": {"o/verb": 2.0, "o/measurable": 3.0}, "cy": {"o/verb": 2.0, "o/measurable": 0.0},
                         "outsider": {"o/verb": 2.0}}, {})
    assert pstore.record_assignment_scores(table) == 2
    progress = pstore.progress()
    assert progress["ben"].assignment_scores == {"01-objectives": 1.0}
    assert progress["cy"].assignment_scores == {"01-objectives": 0.4}
    s = pstore.statuses(RULES, today="2025-01-01")
    assert "40%, 70% needed" in s["cy"].step("assignments").detail and s["ben"].step("assignments").done


def test_observers_in_separate_processes_score_the_same_demos_at_once_and_nothing_is_lost(store_url):
    """Each observer's tablet runs its own kernel: two processes saving their sheets of the same 12 demos at the
    same moment make 12 demos with both sheets each."""
    import subprocess
    import sys

    ProgrammeStore(store_url).import_roster(text=ROSTER)
    code = (
        "import sys\n"
        "from ttt_widgets.models.demo import TeachingDemo\n"
        "from ttt_widgets.programme.store import ProgrammeStore\n"
        "s = ProgrammeStore(sys.argv[1]); s.pool()\n"
        "sys.stdin.readline()\n"  # start together
        "for day in range(1, 13):\n"
        "    d = TeachingDemo('ben', held_on=f'2025-02-{day:02d}'); d.sheet(sys.argv[2])\n"
        "    for item in ('goal', 'screen', 'time')[: day % 4]:\n"
        "        d.mark(sys.argv[2], item, 'growth')\n"
        "    s.save_demo(d)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, store_url, who], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for who in ("lee", "kim")]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    demos = [d for _, d in ProgrammeStore(store_url).demos("ben")]
    assert len(demos) == 12 and all(sorted(d.sheets) == ["kim", "lee"] for d in demos)
    expected = {0: "not scored", 1: "pass", 2: "pass", 3: "redo"}  # 3 growth marks from each observer is a redo
    assert [d.outcome().result for d in demos] == [expected[day % 4] for day in range(1, 13)]


def test_an_observer_saving_again_replaces_only_their_own_sheet(pstore):
    pstore.import_roster(text=ROSTER)
    first = TeachingDemo("ben", held_on="2025-02-01")
    first.mark("lee", "goal", "growth")
    second = TeachingDemo("ben", held_on="2025-02-01")
    second.mark("kim", "goal", "positive")
    a, b = pstore.save_demo(first), pstore.save_demo(second)
    again = TeachingDemo("ben", held_on="2025-02-01")
    again.mark("lee", "goal", "positive")
    assert a == b == pstore.save_demo(again)
    merged = dict(pstore.demos("ben"))[a]
    assert merged.mark_counts()["goal"] == {"positive": 2}
