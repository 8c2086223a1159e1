"""The programme store reads trainers' assignment scores from a real nbgrader gradebook (built with nbgrader's API)."""

from __future__ import annotations

import shutil
import warnings

import helpers
from ttt_widgets.models.pathway import PathwayRules
from ttt_widgets.programme.store import ProgrammeStore

ROSTER = "id,name,generation,trained_by\nana,Ana,0,\nben,Ben,1,ana\ncy,Cy,1,ana\n"
RULES = PathwayRules(modules=("01-trainer-role",), assignments=("01-objectives",))


def test_assignment_scores_come_from_the_nbgrader_gradebook(tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(helpers.ASSIGNMENTS / "nbgrader_config.py", course / "nbgrader_config.py")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="ttt-workshop") as gb:
            gb.add_assignment("01-objectives")
            gb.add_notebook("objectives", "01-objectives")
            for i, (cell, points) in enumerate([("verb", 2.0), ("measurable", 3.0)]):
                gb.add_grade_cell(cell, "objectives", "01-objectives", max_score=points, cell_type="code")
                gb.add_source_cell(cell, "objectives", "01-objectives", cell_type="code", locked=False, source="",
                                   checksum=str(i))
            for student, got in (("ben", (2.0, 3.0)), ("cy", (2.0, 0.0)), ("outsider", (2.0, 3.0))):
                gb.add_student(student)
                gb.add_submission("01-objectives", student)
                for cell, score in zip(("verb", "measurable"), got):
                    grade = gb.find_grade(cell, "objectives", "01-objectives", student)
                    grade.auto_score = score
                    grade.needs_manual_grade = False
                gb.db.commit()
    ps = ProgrammeStore(f"sqlite:///{tmp_path / 'p.sqlite'}")
    ps.import_roster(text=ROSTER)
    assert ps.import_gradebook(course, ["01-objectives"]) == 2  # the outsider is not a trainer
    progress = ps.progress()
    assert progress["ben"].assignment_scores == {"01-objectives": 1.0}
    assert progress["cy"].assignment_scores == {"01-objectives": 0.4}
    s = ps.statuses(RULES, today="2025-01-01")
    assert "40%, 70% needed" in s["cy"].step("assignments").detail and s["ben"].step("assignments").done
    ps.close()
