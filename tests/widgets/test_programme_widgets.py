"""The trainer-pool board and the demo scorer, driven from Python against a real (SQLite) programme store."""

from __future__ import annotations

import re

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
    assert board.estimate.per_level.low <= 0.8 <= board.estimate.per_level.high
    assert f"Measured retention per level {board.estimate.per_level}" in board._fid_notes.value
    assert "In all: 80 sessions observed and 480 learners tested." in board._fid_notes.value


def test_board_warns_when_the_planned_cascade_falls_below_the_floor(board):
    board.set_levels(3)
    board.set_floor(0.2)
    assert board.warning == "" and "within the 20% you accept" in board._warning.value
    board.set_floor(0.6)
    assert board.warning.startswith("Below your floor") and "Below your floor" in board._warning.value
    board.set_levels(1)
    assert board.warning == ""


def test_fidelity_by_generation_is_an_html_chart_with_intervals_trainers_and_the_floor(board):
    board.set_floor(0.6)
    est, chart = board.estimate, board._fid_plot.value
    assert "<img" not in chart and chart.count("class='ttt-chart-label'") == 3  # one row per generation
    for g in est.generations:
        name = "Masters" if g.generation == 0 else f"Generation {g.generation}"
        i = g.index
        text = f"{i.estimate:.0%} ({i.low * 100:.0f}\u2013{i.high:.0%})" if i.low != i.high else f"{i.estimate:.0%}"
        assert f"<th scope='row'>{name} ({g.trainers} trainers)</th><td>{text}</td>" in chart  # screen readers
        assert f"{name}<div class='ttt-chart-note' style='font-size:0.9em;color:#444'>{g.trainers} trainers</div>" \
            in chart  # the number of trainers under the name
    assert chart.count("class='ttt-chart-interval'") == 2  # the masters are the yardstick: no interval
    assert "lowest fidelity accepted (60%)" in chart and "95% interval" in chart
    ticks = [t.split(">")[1] for t in chart.split("class='ttt-chart-tick")[1:]]
    assert [t.split("<")[0] for t in ticks][:5] == ["0%", "25%", "50%", "75%", "100%"]  # shares in percent from 0
    top = float(ticks[-1].split("%")[0])
    assert f"ttt-chart-ref' style='position:absolute;left:{60 / top * 100:.2f}%" in chart
    board.set_floor(0.45)  # the floor moves on the chart with the slider
    assert "lowest fidelity accepted (45%)" in board._fid_plot.value
    assert f"left:{45 / top * 100:.2f}%" in board._fid_plot.value
    # sizes in em, so the chart grows with the page's type (?large); no fixed font size
    sizes = re.findall(r"(?:font-size|height|width|min-width|margin[a-z-]*):([^;']+)", chart)
    assert "0.9em" in sizes and [x for x in sizes if "px" in x] == ["1px", "1px", "-1px"]  # only the reader's table
    board.set_floor(0.6)


def test_fidelity_chart_says_what_to_do_and_escapes_what_it_is_told(tmp_path):
    from ttt_widgets.views.programme import fidelity_chart_html

    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    store = ProgrammeStore(url)
    store.load_programme(synthetic_programme(retention=0.8, trainers=(4,), seed=3))  # the masters only
    store.close()
    b = TrainerPoolBoard(url, today="2025-06-01")
    assert b.estimate is None and "ttt-chart-label" not in b._fid_plot.value
    assert "Fidelity cannot be measured yet: data from one generation only" in b._fid_plot.value
    assert b._plan.layout.display == "none" and b._warning.value == ""  # no cascade to weigh without a measure
    hostile = fidelity_chart_html(None, 0.6, "<img src=x onerror=alert(1)> $x$")
    assert "<img" not in hostile and "&lt;img src=x onerror=alert(1)&gt; $x$" in hostile
    assert "mathjax_ignore" in hostile


def test_an_empty_store_says_what_to_do_in_every_section(tmp_path):
    b = TrainerPoolBoard(f"sqlite:///{tmp_path / 'empty.sqlite'}", today="2025-06-01")
    chart = b._fid_plot.value
    assert "No observations yet: score the sessions of at least two master trainers" in chart
    assert "Read the store again" in chart and "class='ttt-chart-empty'" in chart and "ttt-chart-label" not in chart
    assert b._plan.layout.display == "none" and b._fid_notes.value == ""
    assert "press Import roster (CSV) below" in b._pool_html.value
    assert "steps to certification show here once a roster is imported" in b._pathway_html.value
    assert "not observed in the last 365 days show here once a roster is imported" in b._due_html.value
    b.import_roster("id,name,generation\nana,Ana,0\nbo,Bo,0\n")
    assert "Everyone certified was observed" in b._due_html.value and "<table" in b._pool_html.value
    assert "No observations yet" in b._fid_plot.value


def test_the_board_draws_without_matplotlib(board, monkeypatch):
    import sys

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)  # any import of matplotlib now fails
    board._status.value = ""
    board.refresh()
    assert board._status.value == "" and board._fid_plot.value.count("class='ttt-chart-label'") == 3


def test_who_to_draw_on(board):
    found = board.find(M, "2025-06-10")
    assert found and all(M in c.trainer.modules for c in found)
    assert board._found.value.count("<tr>") == len(found) + 1
    assert board.find(M, None) is None and "choose a date" in board._status.value


def test_roster_upload_bad_then_good_and_download(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    b = TrainerPoolBoard(url, today="2025-06-01")
    assert "No trainers yet" in b._summary.value and "No observations yet" in b._fid_plot.value
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
    assert [b.description for b in s._buttons["hook"].values()] == ["Yes", "Iffy", "\u2713 No"]  # not colour alone
    s._buttons["hook"]["no"].click()
    assert s._marks == {} and s._buttons["hook"]["no"].button_style == ""
    assert s._buttons["hook"]["no"].description == "No"
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


def test_a_practice_scorer_says_it_saves_nothing_and_its_trainee_view_follows_the_marks():
    now = [0.0]
    s = DemoScorer(False, trainee="Dana", observer="Ade", clock=lambda: now[0], driver="manual")
    assert s._save_btn.layout.display == "none"  # no Save that can only refuse
    assert "not saved" in s._save_row.children[-1].value
    s.note("Slides in 12 pt")  # before Start: no time, not 00:00
    s.start()
    now[0] = 65
    s.note("Hook: a story")
    assert [(at, text) for at, text in s._note_list] == [(None, "Slides in 12 pt"), (65.0, "Hook: a story")]
    assert "before the start" in s._notes.value and "01:05" in s._notes.value and "00:00" not in s._notes.value
    first = s.show_trainee_view()
    assert "has not been scored yet" in first
    for item in ("goal", "screen", "time"):  # marks after the view is shown redraw it
        s.mark(item, "growth")
    assert "Please give the demo again" in s._trainee_view.value
    s.write_feedback("content_growth", "Define <b>pivot table</b>")
    assert "Define &lt;b&gt;pivot table&lt;/b&gt;" in s._trainee_view.value
    s.new_demo()  # the next demo starts with no trainee view until asked
    s.mark("goal", "growth")
    assert s._trainee_view.value == ""
