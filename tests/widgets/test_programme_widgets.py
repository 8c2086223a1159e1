"""The trainer-pool board and the demo scorer, driven from Python against a real (SQLite) programme store."""

from __future__ import annotations

import pytest

from ttt_widgets.models.fidelity import synthetic_programme
from ttt_widgets.programme.store import ProgrammeStore
from ttt_widgets.views.programme import DemoScorer, TrainerPoolBoard

M = "05-facilitation-questions"


@pytest.fixture(scope="module")
def programme_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('prog') / 'programme.sqlite'}"
    store = ProgrammeStore(url)
    store.load_programme(synthetic_programme(retention=0.8, seed=7))
    store.close()
    return url


@pytest.fixture(scope="module")
def board(programme_url):
    return TrainerPoolBoard(programme_url, today="2025-06-01")


def test_board_shows_pool_pathway_due_and_fidelity(board):
    assert "<b>40</b> trainers in <b>3</b> generation(s)" in board._summary.value
    assert board._pool_html.value.count("<tr>") == 41  # a header and 40 trainers
    assert "g2-24" in board._pool_html.value
    states = {s.state for s in board.statuses.values()}
    assert states & {"certified", "overdue", "in progress"} and "Steps done" in board._pathway_html.value
    due = board.pool.due_for_reobservation(board.today)
    assert board._due_html.value.count("<tr>") == len(due) + 1
    assert "Kept from the level above" in board._fid_table.value and "gen. 2" in board._fid_table.value
    assert board.estimate.per_level.low <= 0.8 <= board.estimate.per_level.high
    assert "Fidelity by generation: generation 0 100%" in board._fid_plot.value  # the figure's alt text


def test_board_warns_when_the_planned_cascade_falls_below_the_floor(board):
    board.set_levels(3)
    board.set_floor(0.2)
    assert board.warning == "" and "within the 20% you accept" in board._warning.value
    board.set_floor(0.6)
    assert board.warning.startswith("Below your floor") and "Below your floor" in board._warning.value
    board.set_levels(1)
    assert board.warning == ""


def test_who_to_draw_on(board):
    found = board.find(M, "2025-06-10")
    assert found and all(M in c.trainer.modules for c in found)
    assert board._found.value.count("<tr>") == len(found) + 1
    assert board.find(M, None) is None and "choose a date" in board._status.value


def test_roster_upload_bad_then_good_and_download(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    b = TrainerPoolBoard(url, today="2025-06-01")
    assert "No trainers yet" in b._summary.value and "cannot be measured yet" in b._fid_table.value
    assert b.import_roster(b"id,name,generation\nana,Ana,0\nbo,<b>Bo</b>,x\n", source="mine.csv") is None
    assert "mine.csv: row 3, column &#x27;generation&#x27;" in b._status.value or \
        "mine.csv: row 3, column 'generation'" in b._status.value
    assert len(b.pool) == 0  # nothing imported
    assert b.import_roster("id,name,generation\nana,Ana,0\nbo,<b>Bo</b>,1\n".encode(), source="mine.csv") == 2
    assert "&lt;b&gt;Bo&lt;/b&gt;" in b._pool_html.value and "<b>Bo</b>" not in b._pool_html.value
    assert "Imported 2" in b._status.value and "<b>Bo</b>" in b.roster_csv()
    assert "download='trainer-roster.csv'" in b._download.value
    assert b.import_roster(b"\xff\xfe", source="bad.csv") is None and "UTF-8" in b._status.value


def test_demo_scorer_marks_notes_feedback_outcome_and_save(programme_url):
    now = [0.0]
    s = DemoScorer(programme_url, trainee="g1-03", clock=lambda: now[0], driver="manual")
    assert "Type your name" in s._outcome.value
    s.mark("goal", "growth")  # before a name: kept on the button, counted once the observer is named
    s._observer.value = "lee"
    assert s.demo.outcome().score == 1
    s.start()
    now[0] = 75
    s.note("Clear <i>goal</i>")
    assert s._note_list == [(75.0, "Clear <i>goal</i>")] and "01:15" in s._notes.value
    assert "&lt;i&gt;" in s._notes.value
    s.mark("screen", "growth")
    s.mark("time", "growth")
    assert s.demo.outcome().result == "redo" and "Redo so far" in s._outcome.value
    s.write_feedback("delivery_growth", "Zoom in")
    assert s.mark("nope", "growth") is None and "not an item" in s._status.value
    first = s.save()
    assert first and "1 observer: redo" in s._status.value
    # a second observer on another tablet scores the same demo; the store merges the sheets
    other = DemoScorer(programme_url, trainee="g1-03", observer="kim", driver="manual")
    other.mark("goal", "positive")
    assert other.save() == first and "2 observers: pass" in other._status.value  # mean of 3 and 0 growth marks
    assert "do not agree" in other._status.value  # lee alone said redo
    view = other.show_trainee_view()
    assert "Zoom in" not in view  # each device shows its own observer's sheet until read back
    merged = dict(ProgrammeStore(programme_url).demos("g1-03"))[first]
    assert sorted(merged.sheets) == ["kim", "lee"] and merged.for_trainee().feedback["delivery_growth"] == ["Zoom in"]


def test_demo_scorer_switches_rubric_and_refuses_to_save_without_names():
    s = DemoScorer(False, rubric="ttt-presentation", driver="manual")
    assert "Opening" in s._items_box.children[0].value
    assert [b.description for b in s._buttons["hook"].values()] == ["Yes", "Iffy", "No"]
    s._buttons["hook"]["no"].click()  # a tap marks, a second tap clears
    assert s._marks == {"hook": "no"} and s._buttons["hook"]["no"].button_style == "danger"
    s._buttons["hook"]["no"].click()
    assert s._marks == {} and s._buttons["hook"]["no"].button_style == ""
    assert s.save() is None and "observer" in s._status.value
    s._observer.value = "kim"
    assert s.save() is None and "trainee" in s._status.value
    s._rubric.value = "carpentries-checkout"
    assert "goal" in s._buttons and s._marks == {} and s._timer.model.phases == [("Demo", 300.0)]


def test_observation_scorer_fills_a_checklist_tagged_with_the_trainers_generation(programme_url):
    from ttt_widgets.views.programme import ObservationScorer

    o = ObservationScorer(programme_url, module="07-formative-assessment", trainer="g2-07")
    assert list(o._buttons) == ["diagnostic", "peer-feedback", "adjust"]
    o._buttons["diagnostic"]["as-designed"].click()
    o._buttons["peer-feedback"]["adapted"].click()
    assert "Score so far: <b>75%</b> (1 component(s) not marked)" in o._score.value
    assert o.save() is None and "your name" in o._status.value
    o._observer.value = "kim"
    assert o.save() is None and "adjust not marked" in o._status.value  # nothing half-saved
    o._buttons["adjust"]["left-out"].click()
    o._comment.value = "Check <b>answers</b> then adapt"
    saved = o.save()
    assert saved and "50% of the core components" in o._status.value
    stored = ProgrammeStore(programme_url).observations("g2-07")[-1]
    assert stored.generation == 2 and stored.score() == 0.5 and stored.comment == "Check <b>answers</b> then adapt"
    o._trainer.value = "nobody"
    assert o.save() is None and "roster first" in o._status.value
    assert o.mark("adjust", "brilliant") is None and "not a mark" in o._status.value
