"""`ttt export ASSIGNMENT --format csv|canvas|moodle` from a SQLite and a PostgreSQL gradebook.

The gradebook is filled through nbgrader's API (an assignment of two graded cells, worth 4 and 6 points) with every
case an export meets: full marks, a late penalty, a manual grade still missing, no submission, names with commas,
quotes and accents, and an id a spreadsheet would read as a formula.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime

import pytest

from grading_helpers import make_course, new_postgres_database, ttt

A = "07-export"
STUDENTS = {  # id: (first, last, email, lms_user_id)
    "ana": ("Ana", "Lima, Jr.", "ana@example.org", "1001"),
    "bo": ("Bo", "O'Neil", "bo@example.org", ""),
    "chloe": ("Chloé", "Dubois", "chloe@example.org", "1003"),
    "dev": ("Dev", "Rao", "", ""),
    "=eve": ("Eve", "\"Quote\"", "eve@example.org", ""),
}


def _fill(url: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(url, "ttt-workshop") as gb:
        gb.update_or_create_assignment(A, duedate=datetime(2026, 11, 24, 10, 0))
        gb.update_or_create_notebook("task", A)
        gb.update_or_create_grade_cell("auto", "task", A, max_score=4, cell_type="code")
        gb.update_or_create_grade_cell("essay", "task", A, max_score=6, cell_type="markdown")
        for sid, (first, last, email, lms) in STUDENTS.items():
            gb.update_or_create_student(sid, first_name=first, last_name=last, email=email or None,
                                        lms_user_id=lms or None)
        scores = {"ana": (4, 6, False, 0.0), "bo": (3, 5, False, 0.0), "chloe": (4, 2, False, 3.0),
                  "=eve": (2, None, True, 0.0)}  # dev did not submit
        for sid, (auto, manual, pending, late) in scores.items():
            sub = gb.update_or_create_submission(A, sid, timestamp=datetime(2026, 11, 24, 9, 0))
            nb = sub.notebooks[0]
            for grade in nb.grades:
                if grade.name == "auto":
                    grade.auto_score, grade.needs_manual_grade = auto, False
                else:
                    grade.manual_score, grade.needs_manual_grade = manual, pending
            nb.late_submission_penalty = late
        gb.db.commit()


@pytest.fixture(scope="module")
def sqlite_course(tmp_path_factory):
    """The course with a SQLite gradebook: what the command line and nbgrader's own export are tested on."""
    root = tmp_path_factory.mktemp("export") / "course"
    course = make_course(root)
    _fill(f"sqlite:///{root / 'gradebook.db'}")
    return course


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def course(request, tmp_path_factory):
    """The same grades in a SQLite and in a PostgreSQL gradebook: every layout is checked on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_course")
    url = new_postgres_database(request.getfixturevalue("postgres_url"))
    course = make_course(tmp_path_factory.mktemp("export") / "course", f"c.CourseDirectory.db_url = {url!r}")
    _fill(url)
    return course


def _read(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_canvas_layout(course, tmp_path):
    from ttt_widgets.grading.export import export_grades

    done = export_grades(course.root, A, "canvas", tmp_path / "canvas.csv")
    assert done.left_empty == {"dev": "not submitted", "=eve": "needs manual grading"}
    rows = _read(done.path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    body = {r[2]: r for r in rows[2:]}
    assert body["ana"] == ["Lima, Jr., Ana", "1001", "ana", "ana", "", "10"]
    assert body["bo"][5] == "8" and body["bo"][1] == ""
    assert body["chloe"] == ["Dubois, Chloé", "1003", "chloe", "chloe", "", "3"]  # 6 less the late penalty of 3
    assert body["dev"][5] == "" and body["=eve"][5] == ""  # no submission; a manual grade still missing


def test_the_command_says_where_and_what_it_left_empty(sqlite_course, tmp_path):
    out = tmp_path / "canvas.csv"
    run = ttt(sqlite_course, "export", A, "--format", "canvas", "--output", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(out) and _read(out)[0][0] == "Student"
    assert "1 submission(s) still need manual grading" in run.stderr and "=eve" in run.stderr
    assert "1 student(s) did not submit, their cells are empty: dev" in run.stderr


def test_moodle_layout_and_partial(course, tmp_path):
    from ttt_widgets.grading.export import export_grades

    done = export_grades(course.root, A, "moodle", tmp_path / "moodle.csv", partial=True)
    assert done.left_empty == {"dev": "not submitted"}
    rows = _read(done.path)
    assert rows[0] == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                       f"Assignment: {A} (Real)"]
    body = {r[2]: r for r in rows[1:]}
    assert body["chloe"] == ["Chloé", "Dubois", "chloe", "", "", "chloe@example.org", "3"]
    assert body["=eve"][0:3] == ["Eve", '"Quote"', "=eve"] and body["=eve"][6] == "2"  # --partial: score so far
    assert body["dev"][6] == "" and len(body) == 5


def test_plain_csv_has_every_column_and_no_formulas(course):
    from ttt_widgets.grading.export import export_grades

    path = export_grades(course.root, A).path
    assert path == course.root.resolve() / "exports" / f"{A}-csv.csv"
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
    assert rows["chloe"] == {"student_id": "chloe", "last_name": "Dubois", "first_name": "Chloé",
                             "email": "chloe@example.org", "lms_user_id": "1003", "raw_score": "6",
                             "late_penalty": "3", "score": "3", "max_score": "10", "status": "graded"}
    assert rows["dev"]["status"] == "not submitted" and rows["dev"]["score"] == ""
    assert "'=eve" in rows and rows["'=eve"]["status"] == "needs manual grading"  # opened as text, not a formula


def test_scores_equal_nbgraders_own_export(sqlite_course, tmp_path):
    from ttt_widgets.grading.export import export_grades

    export_grades(sqlite_course.root, A, "csv", tmp_path / "ours.csv")
    theirs = tmp_path / "nbgrader.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(theirs)], cwd=sqlite_course.root, check=True,
                   capture_output=True)
    # nbgrader writes names unquoted, so a name with a comma shifts its columns: read the id from the front and
    # the score from the back of each line
    nbgrader = {r[3]: float(r[-2]) for r in csv.reader(theirs.open()) if r[0] == A}
    mine = {r["student_id"].lstrip("'"): r for r in csv.DictReader((tmp_path / "ours.csv").open())}
    for sid, score in nbgrader.items():
        expected = "" if mine[sid]["status"] == "not submitted" else f"{score:g}"
        assert mine[sid]["score"] == expected or (expected == "" and score == 0), sid


def test_bad_input_is_refused_plainly(sqlite_course, tmp_path):
    from ttt_widgets.grading import GradingError
    from ttt_widgets.grading.export import export_grades

    with pytest.raises(GradingError, match="assignment '99-nothing' is not in the gradebook"):
        export_grades(sqlite_course.root, "99-nothing")
    with pytest.raises(ValueError, match="unknown format 'xlsx': choose one of csv, canvas, moodle"):
        export_grades(sqlite_course.root, A, "xlsx")
    run = ttt(sqlite_course, "export", A, "--format", "xlsx")
    assert run.returncode == 2 and "invalid choice: 'xlsx'" in run.stderr
    run = ttt(sqlite_course, "export", A, "--course", str(tmp_path))
    assert run.returncode == 2 and "not an nbgrader course root" in run.stderr
