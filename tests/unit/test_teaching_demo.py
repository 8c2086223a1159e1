"""TeachingDemo: marks against both checkout rubrics, timed notes, 2x2 feedback, the pass/redo rule, several
observers, and what the trainee sees."""

from datetime import date

import pytest

from ttt_widgets.models.demo import DemoRubric, TeachingDemo


def test_three_growth_marks_are_a_redo_two_are_a_pass():
    demo = TeachingDemo("dana", "carpentries-checkout", held_on="2025-03-01")
    demo.mark("lee", "goal", "growth")
    demo.mark("lee", "screen", "growth")
    demo.mark("lee", "voice", "positive")
    assert demo.outcome().result == "pass" and demo.outcome().score == 2
    demo.mark("lee", "time", "growth")
    out = demo.outcome()
    assert out.result == "redo" and out.score == 3
    assert "'Opportunity for growth'" in out.message and "3 or more" in out.message
    demo.mark("lee", "time", None)  # cleared: the item did not come up after all
    assert demo.outcome().result == "pass"


def test_ttt_rubric_weighs_iffy_as_half():
    demo = TeachingDemo("dana", "ttt-presentation")
    for item in ("hook", "summary"):
        demo.mark("kim", item, "no")
    demo.mark("kim", "visuals", "iffy")
    assert demo.outcome().score == 2.5 and demo.outcome().result == "pass"
    demo.mark("kim", "on-time", "iffy")
    assert demo.outcome().score == 3.0 and demo.outcome().result == "redo"


def test_unknown_items_and_marks_are_refused_with_the_valid_ones_named():
    demo = TeachingDemo("dana", "carpentries-checkout")
    with pytest.raises(ValueError, match="not an item.*goal"):
        demo.mark("lee", "opening", "growth")
    with pytest.raises(ValueError, match="not a mark.*positive, growth"):
        demo.mark("lee", "goal", "iffy")
    with pytest.raises(ValueError, match="empty"):
        demo.mark("  ", "goal", "growth")
    assert demo.sheets == {}  # nothing half-recorded


def test_several_observers_are_averaged_and_disagreement_is_flagged():
    demo = TeachingDemo("dana", "carpentries-checkout")
    for item in ("goal", "screen", "time", "narrate"):
        demo.mark("lee", item, "growth")
    demo.mark("kim", "goal", "growth")
    demo.mark("kim", "screen", "positive")
    out = demo.outcome()
    assert out.per_observer == {"lee": (4.0, "redo"), "kim": (1.0, "pass")}
    assert out.score == 2.5 and out.result == "pass" and out.disagree
    assert "do not agree" in out.message
    demo.mark("ana", "level", "growth"); demo.mark("ana", "check", "growth"); demo.mark("ana", "mistakes", "growth")
    assert demo.outcome().score == pytest.approx(8 / 3) and demo.outcome().result == "pass"
    assert demo.mark_counts()["goal"] == {"growth": 2}


def test_timed_notes_follow_the_demo_clock_and_stay_in_order():
    now = [100.0]
    demo = TeachingDemo("dana", clock=lambda: now[0])
    assert demo.elapsed() == 0
    demo.start()
    now[0] = 190.4
    n = demo.note("lee", "asked an open question")
    assert n.at == 90.4
    demo.note("lee", "font too small", at=30)
    assert [x.text for x in demo.sheet("lee").notes] == ["font too small", "asked an open question"]
    with pytest.raises(ValueError, match="seconds"):
        demo.note("lee", "x", at=-1)


def test_a_note_written_before_the_clock_starts_has_no_time_and_comes_first():
    now = [100.0]
    demo = TeachingDemo("dana", clock=lambda: now[0])
    early = demo.note("lee", "slides in 12 pt")  # the demo has not started: no time, not 00:00
    assert early.at is None and early.when() == "before the start"
    demo.start()
    now[0] = 165.0
    assert demo.note("lee", "hook: a story").when() == "01:05"
    demo.note("kim", "good pace", at=0)
    assert [(n.when(), n.text) for n in demo.for_trainee().notes] == [
        ("before the start", "slides in 12 pt"), ("00:00", "good pace"), ("01:05", "hook: a story")]
    again = TeachingDemo.from_dict(demo.as_dict())  # stored and read back: still before the start
    assert [n.at for n in again.sheet("lee").notes] == [None, 65.0]


def test_feedback_2x2_and_the_trainees_view_is_unsigned_and_plain():
    demo = TeachingDemo("dana", "carpentries-checkout")
    demo.write_feedback("lee", "content_positive", "Clear goal <b>up front</b>")
    demo.write_feedback("kim", "content_positive", "Good example")
    demo.write_feedback("kim", "delivery_growth", "Zoom the terminal")
    demo.write_feedback("kim", "delivery_growth", "")  # cleared
    demo.note("kim", "lost the room at 3:00", at=180)
    demo.mark("kim", "screen", "growth")
    with pytest.raises(ValueError, match="feedback cell"):
        demo.write_feedback("kim", "overall", "x")
    view = demo.for_trainee()
    assert view.result == "pass" and "passed" in view.message
    assert view.feedback["content_positive"] == ["Clear goal <b>up front</b>", "Good example"]  # kept as text
    assert view.feedback["delivery_growth"] == []
    assert [n.text for n in view.notes] == ["lost the room at 3:00"]
    assert view.noticed == [{"item": "screen", "name": "Readable screen", "section": "delivery",
                             "counts": {"Opportunity for growth": 1}}]
    assert "lee" not in repr(view) and "kim" not in repr(view)


def test_not_scored_deadline_and_round_trip():
    demo = TeachingDemo("dana", "carpentries-checkout", held_on=date(2025, 3, 1))
    assert demo.outcome().result == "not scored"
    assert demo.deadline("2025-01-10") == date(2025, 4, 10)  # 90 days
    demo.mark("lee", "goal", "growth"); demo.note("lee", "n", at=5); demo.write_feedback("lee", "content_growth", "g")
    again = TeachingDemo.from_dict(demo.as_dict())
    assert again.as_dict() == demo.as_dict() and again.outcome() == demo.outcome()
    bad = demo.as_dict()
    bad["sheets"][0]["marks"]["goal"] = "superb"
    with pytest.raises(ValueError, match="superb"):
        TeachingDemo.from_dict(bad)


def test_rubric_with_a_rule_on_an_unknown_mark_is_refused():
    from ttt_widgets.loader import load_content

    data = load_content("demo-rubrics", "carpentries-checkout")
    data["redo_rule"]["weights"] = {"bad": 1}
    with pytest.raises(ValueError, match="unknown mark"):
        DemoRubric.load(data)
    assert TeachingDemo("x", "ttt-presentation").deadline("2025-01-01") is None  # no deadline in that rubric


def test_programme_models_stay_pure():
    """The programme's models import neither ipywidgets nor matplotlib (they run in graders and services too)."""
    import subprocess
    import sys

    code = ("import sys, ttt_widgets.models.demo, ttt_widgets.models.observation, ttt_widgets.models.pathway, "
            "ttt_widgets.models.pool, ttt_widgets.models.fidelity as f; f.synthetic_programme(seed=1); "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
