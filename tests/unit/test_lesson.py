"""The lesson plan: segments, editing, checks with reasons, clock times and the Markdown run sheet."""

import datetime as dt

import pytest
from traitlets import TraitError

from ttt_widgets import LessonPlan, Segment
from ttt_widgets.loader import list_content, load_content
from ttt_widgets.models.lesson import ACTIVITIES, lesson_rules, parse_clock


def _plan(*segments, slot=60, objectives=()):
    plan = LessonPlan("Test", slot, objectives=objectives)
    for s in segments:
        plan.add(*s)
    return plan


def _check(plan, code):
    return [c for c in plan.checks() if c.code == code]


@pytest.mark.parametrize("name", list_content("lesson-templates"))
def test_every_template_loads_and_passes_its_checks_with_an_objective(name):
    plan = LessonPlan.from_template(name, objectives=["Participants will list three barriers correctly."])
    data = load_content("lesson-templates", name)
    assert plan.total_minutes == data["slot_minutes"] == plan.slot_minutes
    assert plan.problems == ()


def test_the_three_templates_of_the_issue_exist():
    assert {"gagne", "5e", "workshop-90"} <= set(list_content("lesson-templates"))
    gagne = LessonPlan.from_template("gagne")
    assert [s.gagne_event for s in gagne.segments] == list(range(1, 10))


def test_the_docstrings_name_every_packaged_template():
    from ttt_widgets import LessonPlanner

    for doc in (LessonPlan.from_template.__doc__, LessonPlanner.__doc__):
        assert all(f"``{name}``" in doc for name in list_content("lesson-templates")), doc


def test_activity_types_in_code_match_the_content():
    assert tuple(a["id"] for a in lesson_rules()["activities"]) == ACTIVITIES


def test_schedule_gives_clock_times_from_a_start():
    plan = LessonPlan.from_template("workshop-90")
    timed = plan.schedule("13:45")
    assert timed[0].start == dt.time(13, 45) and timed[0].end_text == "13:50"
    assert timed[-1].end_text == "15:15"
    assert all(a.end == b.start for a, b in zip(timed, timed[1:]))
    assert [t.start_minute for t in timed][:3] == [0, 5, 15]
    late = LessonPlan("Night", 60, segments=[{"title": "Shift handover", "minutes": 30, "activity": "discussion"}], start="23:45")
    assert late.schedule()[0].end_text == "00:15"


def test_slot_check_over_under_and_within():
    over = _plan(("Welcome", 40, "discussion"), ("Recap", 30, "discussion"))
    assert _check(over, "slot")[0].message == "The segments add up to 70 min but the slot is 60 min: cut 10 min."
    under = _plan(("Welcome", 20, "discussion"), ("Recap", 10, "discussion"))
    c = _check(under, "slot")[0]
    assert not c.ok and c.severity == "warning" and c.message.startswith("30 min of the 60-min slot are not planned")
    within = _plan(("Welcome", 30, "discussion"), ("Recap", 27, "discussion"))
    assert _check(within, "slot")[0].ok


def test_longest_trainer_talk_stretch_is_flagged_over_fifteen_minutes():
    plan = _plan(("Welcome", 5, "presentation"), ("Theory", 8, "presentation"), ("Demo", 5, "demonstration"),
                 ("Practice", 20, "individual practice"), ("More theory", 12, "presentation"), ("Recap", 10, "discussion"))
    assert plan.longest_trainer_talk() == (18, ("Welcome", "Theory", "Demo"))
    c = _check(plan, "trainer-talk")[0]
    assert not c.ok
    assert c.message.startswith("Trainer talk runs 18 min without learner activity ('Welcome', 'Theory', 'Demo')")
    plan.move(4, 1)  # 'More theory' moves before the practice and joins the first stretch: 5 + 12 + 8 + 5
    assert plan.longest_trainer_talk() == (30, ("Welcome", "More theory", "Theory", "Demo"))
    fixed = _plan(("Welcome", 5, "presentation"), ("Quick pair task", 3, "pair/group work"), ("Theory", 15, "presentation"))
    assert _check(fixed, "trainer-talk")[0].ok


def test_a_break_ends_a_trainer_talk_stretch():
    plan = _plan(("Input", 10, "presentation"), ("Break", 10, "break"), ("Input", 10, "presentation"))
    assert plan.longest_trainer_talk()[0] == 10


def test_learner_share_excludes_breaks():
    plan = _plan(("Input", 30, "presentation"), ("Break", 15, "break"), ("Practice", 10, "individual practice"))
    assert plan.learner_share == pytest.approx(10 / 40)
    c = _check(plan, "learner-share")[0]
    assert not c.ok and "25% of the teaching time (10 of 40 min)" in c.message


def test_objective_not_assessed_is_named():
    objectives = ["List three barriers.", "Design a warm-up."]
    plan = _plan(("Welcome", 5, "discussion"), slot=30, objectives=objectives)
    plan.add("Quiz", 10, "assessment", assesses=["List three barriers."])
    plan.add("Recap", 5, "discussion")
    messages = [c.message for c in _check(plan, "objectives")]
    assert messages == ["Objective 2 ('Design a warm-up.') is not assessed by any segment: add a check (e.g. a quiz, "
                        "a demonstration by the learners or an exit ticket) that assesses it."]
    plan.update(1, assesses=objectives)
    assert _check(plan, "objectives")[0].ok
    with pytest.raises(ValueError, match="not one of the plan's objectives"):
        plan.add("Other", 5, "assessment", assesses=["Unknown objective"])


def test_missing_opening_and_closure():
    plan = _plan(("Theory", 10, "presentation"), ("Practice", 20, "individual practice"), ("Break", 10, "break"))
    opening, closure = _check(plan, "opening")[0], _check(plan, "closure")[0]
    assert not opening.ok and "'Theory' does not start the session" in opening.message
    assert not closure.ok and "'Practice' does not end the session" in closure.message  # a final break is skipped
    plan.add("Hook: a puzzling case", 5, "discussion", index=0)
    plan.add("Exit ticket", 5, "assessment", gagne_event=8)
    assert _check(plan, "opening")[0].ok and _check(plan, "closure")[0].ok


def test_empty_plan_has_one_clear_problem():
    assert LessonPlan().problems == ("The plan has no segments yet: add one or load a template.",)


def test_editing_remove_move_update():
    plan = _plan(("A", 5, "discussion"), ("B", 5, "discussion"), ("C", 5, "discussion"))
    plan.move_up(2)
    assert [s.title for s in plan.segments] == ["A", "C", "B"]
    plan.move_down(0)
    assert [s.title for s in plan.segments] == ["C", "A", "B"]
    plan.move_up(0)  # already first: no change
    assert plan.remove(1).title == "A"
    plan.update(0, minutes="12", gagne_event="Gain attention")
    assert plan.segments[0] == Segment("C", 12, "discussion", 1)
    with pytest.raises(ValueError, match="no segment number 7"):
        plan.remove(7)
    with pytest.raises(ValueError, match="no field"):
        plan.update(0, colour="red")


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "empty"),
    ("title", "x" * 201, "201 characters"),
    ("minutes", "ten", "whole number"),
    ("minutes", "-5", "more than 0"),
    ("minutes", 0, "more than 0"),
    ("minutes", 2.5, "whole number"),
    ("minutes", 601, "too long"),
    ("minutes", True, "whole number"),
    ("activity", "juggling", "not an activity type"),
    ("gagne_event", 12, "1 to 9"),
    ("gagne_event", "Be nice", "not one of Gagné's"),
])
def test_bad_segment_input_is_refused_and_the_plan_is_kept(field, value, message):
    plan = _plan(("Welcome", 5, "discussion"))
    args = {"title": "Practice", "minutes": 10, "activity": "individual practice", "gagne_event": None}
    args[field] = value
    with pytest.raises(ValueError, match=message):
        plan.add(**args)
    assert [s.title for s in plan.segments] == ["Welcome"]


def test_bad_slot_start_and_duplicate_objectives():
    plan = LessonPlan("T", 60)
    with pytest.raises(TraitError, match="between 1 and 1440"):
        plan.slot_minutes = -5
    with pytest.raises(TraitError, match="not a clock time"):
        plan.start = "25:61"
    assert plan.slot_minutes == 60 and plan.start == "09:00"
    plan.add_objective("List three barriers.")
    with pytest.raises(ValueError, match="already in the plan"):
        plan.add_objective("list three barriers.")
    assert parse_clock("930") == dt.time(9, 30) and parse_clock("14.05") == dt.time(14, 5)


def test_run_sheet_markdown_has_clock_times_objectives_and_checks():
    plan = LessonPlan.from_template("workshop-90", objectives=["List | three <b>barriers</b>"], title="Feedback | skills")
    md = plan.run_sheet("10:00")
    lines = md.splitlines()
    assert lines[0] == "# Run sheet: Feedback \\| skills"
    assert "from 10:00 to 11:30" in md
    assert "1. List \\| three \\<b\\>barriers\\</b\\>" in md
    assert "| 10:00-10:05 | 5 | Welcome and objectives | presentation | 2. Inform learners of the objectives |  |  |" in lines
    assert "| 11:22-11:27 | 5 | Exit ticket | assessment | 8. Assess performance | 1 |  |" in lines
    assert "- **OK:** Every objective (1) is assessed by at least one segment." in lines


def test_round_trip_through_the_template_format():
    plan = LessonPlan.from_template("5e", objectives=["Explain the 5E cycle correctly."])
    again = LessonPlan.from_dict(plan.to_dict("five-e"))
    assert again.segments == plan.segments and again.objectives == plan.objectives
    with pytest.raises(ValueError, match="no segments"):
        LessonPlan().to_dict()
