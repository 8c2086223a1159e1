"""The lesson planner driven from Python: templates, editing, checks, the timeline image and the run sheet."""

import base64
import re

import ipywidgets as widgets

from ttt_widgets import LessonPlan, LessonPlanner


def test_template_timeline_with_alt_text_and_checks():
    p = LessonPlanner("workshop-90")
    assert isinstance(p, widgets.VBox)
    img = p._timeline.value
    assert img.startswith("<img class=\"ttt-figure\" src=\"data:image/png;base64,")
    alt = re.search(r'alt="([^"]*)"', img).group(1)
    assert "10 segments from 09:00 to 10:30" in alt and "Longest trainer talk: 12 min" in alt
    png = base64.b64decode(img.split("base64,")[1].split('"')[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "OK:" in p._checks.value and "Warning:" in p._checks.value  # no objectives yet
    assert p._list.options[0][0].startswith("09:00-09:05 |   5 min | presentation | Welcome and objectives")


def test_add_remove_reorder_from_python_and_buttons():
    p = LessonPlanner()
    assert "no segments yet" in p._checks.value and "appears when" in p._timeline.value
    p._seg_title.value, p._seg_minutes.value, p._seg_activity.value = "Welcome", "5", "presentation"
    p._add_btn.click()
    p.add("Practice", 20, "individual practice", gagne_event=6)
    p.add("Recap", 5, "discussion")
    assert [s.title for s in p.value] == ["Welcome", "Practice", "Recap"]
    assert p._seg_title.value == ""  # cleared after a successful add
    p._list.value = 2
    p._up_btn.click()
    assert [s.title for s in p.value] == ["Welcome", "Recap", "Practice"] and p._list.value == 1
    p.move_down(1)
    assert [s.title for s in p.value] == ["Welcome", "Practice", "Recap"]
    p._list.value = 1
    p._remove_btn.click()
    assert [s.title for s in p.value] == ["Welcome", "Recap"]
    assert "<img" in p._timeline.value


def test_objectives_and_assesses():
    p = LessonPlanner(LessonPlan.from_template("5e"))
    p.add_objective("Participants will explain the 5E cycle correctly.")
    assert "Objective 1" in p._checks.value and "not assessed" in p._checks.value
    p._list.value = 4
    p._objective_list.value = ("Participants will explain the 5E cycle correctly.",)
    p._assess_btn.click()
    assert "Every objective (1) is assessed" in p._checks.value


def test_bad_input_gives_messages_and_keeps_the_plan():
    p = LessonPlanner("gagne")
    before = p.value
    p._seg_title.value = "Quiz"
    p._seg_minutes.value = "ten"
    p._add_btn.click()
    assert "whole number" in p._status.value and p.value == before
    assert p._seg_title.value == "Quiz"  # what was typed is kept
    assert p.add("", 5, "discussion") is None and "empty" in p._status.value
    assert p.add("Juggle", 5, "juggling") is None and "not an activity type" in p._status.value
    p._slot.value = "-5"
    assert "whole number of minutes" in p._status.value and p.model.slot_minutes == 60
    p._slot.value = "5000"
    assert "between 1 and 1440" in p._status.value and p.model.slot_minutes == 60
    p._start.value = "25:99"
    assert "not a clock time" in p._status.value and p.model.start == "09:00"
    assert p.remove(99) is None and "no segment number 99" in p._status.value
    p._list.value = None
    assert p.move_up() is None and "Select a segment" in p._status.value
    p.add_objective("List three things.")
    p.add_objective("list three things.")
    assert "already in the plan" in p._status.value


def test_trainee_text_in_titles_is_escaped_and_kept_out_of_mathtext():
    p = LessonPlanner()
    p.set_title("<b>Costs</b> in $ and € ")
    p.add("Price in $5 and $10 <script>", 10, "discussion")
    assert "<script>" not in p._timeline.value and "&lt;script&gt;" in p._timeline.value
    assert "<img" in p._timeline.value


def test_run_sheet_export_with_a_start_time():
    p = LessonPlanner("workshop-90")
    p._start.value = "13:30"
    p._sheet_btn.click()
    assert "from 13:30 to 15:00" in p._sheet.value and p._sheet.layout.display is None
    assert p.export_run_sheet("8:00").count("| 08:00-08:05 |") == 1
    assert p.export_run_sheet("noon") is None and "not a clock time" in p._status.value
    p._template.value = "gagne"
    p._load_btn.click()
    assert p.model.slot_minutes == 60 and p._slot.value == "60" and "Loaded the template" in p._status.value


def test_emoji_and_other_scripts_in_titles_draw_without_warnings(recwarn):
    p = LessonPlanner()
    seg = p.add("Party \U0001F389 time \u2728 \u4e2d\u6587 \u03a9\u03bc\u03ad\u03b3\u03b1", 5, "discussion")
    assert seg is not None and "Added" in p._status.value and "<img" in p._timeline.value
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
