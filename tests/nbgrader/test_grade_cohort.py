"""`ttt grade` on a mixed cohort of the warm-up assignment, including every kind of broken submission.

One course per gradebook backend: plain `nbgrader autograde` (the notebook's own kernel, no sandbox) grades the
cohort first (the reference), then `ttt grade --jobs 2` (in the sandbox where bubblewrap runs) grades the same
submissions again; the gradebook must hold the same results. Every test runs
with a SQLite gradebook and with nbgrader's `db_url` pointing at a throwaway PostgreSQL database.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

import pytest

import helpers
from grading_helpers import WARMUP_SOLUTION as SOLUTION
from grading_helpers import WARMUP_WRONG as WRONG
from grading_helpers import make_course, message, new_postgres_database, parse_table, snapshot, ttt

A = "00-warmup"
NB = "warmup.ipynb"
# a short execution timeout and a late-submission penalty, so both are exercised (and respected) in seconds
EXTRA_CONFIG = """
c.ExecutePreprocessor.timeout = 2
c.LateSubmissionPlugin.penalty_method = "zero"
"""
DUE = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
BIG_OUTPUT = "print('x' * 1000 * 1000 * 8)\n"  # 8 MB on stdout
CHEAT = ("import json\nsource = json.load(open('../../../source/00-warmup/warmup.ipynb'))\n"
         "exec(''.join(source['cells'][1]['source']))\n")
WRITER = "open('../../../source/planted.txt', 'w').write('x')\n" + SOLUTION
# broken submissions that nbgrader itself handles the same way; the file guard only changes CHEAT and WRITER
GUARDED = {"cheat", "writer"}
# nbgrader as it comes: the notebook's own kernel over TCP, whatever the course's sandbox configuration says
PLAIN_NBGRADER = ("--Execute.kernel_name=python3", "--KernelManager.transport=tcp", "--KernelManager.ip=127.0.0.1")
# the grading semantics tested here do not depend on the sandbox (tests/nbgrader/test_sandbox.py tests it)
SANDBOX_FLAGS = () if helpers.sandbox_available() else ("--no-sandbox",)


def _cohort(course: helpers.Course, url: str) -> None:
    course.release(A)
    blank = course.released_notebook(A, NB)

    def answer(src: str):
        return helpers.replace_in_cell(blank, "learner_share", src)

    without_test = copy.deepcopy(answer(SOLUTION))
    without_test.cells = [c for c in without_test.cells
                          if c.metadata.get("nbgrader", {}).get("grade_id") != "test_learner_share"]
    edited_test = helpers.replace_in_cell(answer(WRONG), "test_learner_share", "assert True  # all good!")
    cohort = {
        "correct": answer(SOLUTION),
        "blank": blank,
        "wrong": answer(WRONG),
        "late": answer(SOLUTION),
        "loop": answer("while True:\n    pass\n"),
        "sysexit": answer("import sys\nsys.exit()\n" + SOLUTION),
        "osexit": answer("import os\nos._exit(1)\n"),
        "deleted-cell": without_test,
        "edited-test": edited_test,
        "bigoutput": answer(BIG_OUTPUT + SOLUTION),
        "cheat": answer(CHEAT),
        "writer": answer(WRITER),
    }
    for student, nb in cohort.items():
        course.submit(student, A, {NB: nb})
    course.submit("badjson", A, {NB: '{"cells": [,]}'})
    course.submit("empty", A, {NB: b""})
    course.submit("renamed", A, {"warmup (1).ipynb": answer(SOLUTION)})
    (course.root / "submitted" / "late" / A / "timestamp.txt").write_text("2026-11-25 08:00:00.000000 UTC")
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        gb.update_or_create_assignment(A, duedate=DUE.replace(tzinfo=None))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The cohort graded by plain ``nbgrader autograde``, once, in a SQLite course (scores do not depend on where the
    gradebook lives); the SQLite run of ``ttt grade`` then grades the same course again."""
    root = tmp_path_factory.mktemp("cohort") / "course"
    url = f"sqlite:///{root / 'gradebook.db'}"
    course = make_course(root, EXTRA_CONFIG)
    _cohort(course, url)
    run = course.nbgrader("autograde", A, "--force", *PLAIN_NBGRADER, check=False)
    planted = (course.root / "source" / "planted.txt").exists()
    (course.root / "source" / "planted.txt").unlink(missing_ok=True)
    return {"course": course, "url": url, "reference": snapshot(url, A), "reference_rc": run.returncode,
            "planted_by_nbgrader": planted}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def graded(request, reference, tmp_path_factory):
    if request.param == "postgresql":
        url = new_postgres_database(request.getfixturevalue("postgres_url"))
        course = make_course(tmp_path_factory.mktemp("cohort") / "course",
                             EXTRA_CONFIG + f"c.CourseDirectory.db_url = {url!r}")
        _cohort(course, url)
    else:
        course, url = reference["course"], reference["url"]
    run = ttt(course, "grade", A, "--jobs", "2", *SANDBOX_FLAGS)
    return {**reference, "course": course, "url": url, "run": run, "ours": snapshot(url, A),
            "table": parse_table(run.stdout)}


def test_same_gradebook_results_as_nbgrader_autograde(graded):
    ours, reference = graded["ours"], graded["reference"]
    assert set(ours) == set(reference)
    same = {s: ours[s] for s in ours if s not in GUARDED}
    assert same == {s: reference[s] for s in same}
    assert reference["correct"]["warmup/test_learner_share"] == (2.0, False)


def test_exit_code_and_summary_table(graded):
    run, table = graded["run"], graded["table"]
    assert graded["reference_rc"] != 0  # nbgrader also reports the broken files as errors
    assert run.returncode == 1, run.stderr
    assert "4 submission(s) could not be graded: badjson, empty, osexit, renamed" in run.stderr
    assert run.stdout.splitlines()[0].split() == ["student", "score", "max", "status", "seconds"]
    assert len(table) == 15
    assert table["correct"] == {**table["correct"], "score": "2", "max": "4", "status": "graded"}
    assert {s for s, r in table.items() if r["status"] == "failed"} == {"badjson", "empty", "osexit", "renamed"}
    assert "15/15 submissions" in run.stderr  # the progress bar reached the end


@pytest.mark.parametrize("student, score", [
    ("correct", 2.0), ("blank", 0.0), ("wrong", 0.0),
    ("late", 2.0),  # the raw score; the late penalty is stored next to it (below)
    ("loop", 0.0), ("sysexit", 0.0), ("deleted-cell", 0.0), ("edited-test", 0.0), ("bigoutput", 2.0),
    ("cheat", 0.0), ("writer", 0.0),
])
def test_scores(graded, student, score):
    from nbgrader.api import Gradebook

    with Gradebook(graded["url"]) as gb:
        assert gb.find_submission(A, student).score == score


def test_late_penalty_from_config(graded):
    assert graded["ours"]["late"]["late_penalty"] == 2.0
    assert graded["ours"]["correct"]["late_penalty"] == 0.0


def test_infinite_loop_is_stopped_by_the_configured_timeout(graded):
    assert graded["table"]["loop"]["status"] == "graded"
    assert "loop: warmup: a cell ran past the time limit and was stopped" in graded["run"].stdout
    autograded = (graded["course"].root / "autograded" / "loop" / A / NB).read_text()
    assert "CellTimeoutError" in autograded or "TimeoutError" in autograded


def test_sys_exit_does_not_stop_the_kernel(graded):
    nb = json.loads((graded["course"].root / "autograded" / "sysexit" / A / NB).read_text())
    test_cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "test_learner_share")
    assert any(o.get("ename") == "NameError" for o in test_cell["outputs"])  # the kernel lived on to run the test


@pytest.mark.parametrize("student, expected", [
    ("osexit", "the kernel died while running the notebook"),
    ("badjson", "warmup.ipynb is not valid JSON (Expecting value at line 1): not a notebook"),
    ("empty", "warmup.ipynb is an empty file (0 bytes), not a notebook"),
    ("renamed", "notebook renamed? found warmup (1).ipynb, expected warmup.ipynb"),
])
def test_broken_submission_is_reported(graded, student, expected):
    assert graded["table"][student]["status"] == "failed"
    assert expected in message(graded["run"].stdout, student)


def test_deleted_grade_cell_scores_zero_and_is_named(graded):
    assert "deleted-cell: warmup: graded cell(s) deleted from the submission, scored 0: test_learner_share" \
        in graded["run"].stdout


def test_edited_test_cell_is_restored_from_the_gradebook(graded):
    autograded = (graded["course"].root / "autograded" / "edited-test" / A / NB).read_text()
    assert "all good!" not in autograded and "Count minutes, not segments" in autograded


def test_megabytes_of_output_are_cut(graded):
    path = graded["course"].root / "autograded" / "bigoutput" / A / NB
    assert (graded["course"].root / "submitted" / "bigoutput" / A / NB).exists()
    assert path.stat().st_size < 200_000
    assert graded["table"]["bigoutput"]["status"] == "graded"


def test_reading_the_hidden_tests_is_refused(graded):
    assert graded["reference"]["cheat"]["warmup/test_learner_share"] == (2.0, False)  # what the guard prevents
    assert graded["table"]["cheat"]["status"] == "flagged"
    assert ("cheat: warmup: Not allowed while grading: opening '../../../source/00-warmup/warmup.ipynb' is outside "
            "this submission's folder.") in graded["run"].stdout


def test_writing_outside_the_folder_is_refused(graded):
    assert graded["planted_by_nbgrader"]  # plain nbgrader lets the file through
    assert not (graded["course"].root / "source" / "planted.txt").exists()
    assert graded["table"]["writer"]["status"] == "flagged"
    assert "writer: warmup: Not allowed while grading: opening '../../../source/planted.txt'" in graded["run"].stdout


def test_only_named_students(graded):
    run = ttt(graded["course"], "grade", A, "--jobs", "1", "--student", "correct", "wrong", *SANDBOX_FLAGS)
    assert run.returncode == 0, run.stderr
    assert set(parse_table(run.stdout)) == {"correct", "wrong"}
    missing = ttt(graded["course"], "grade", A, "--student", "nobody", *SANDBOX_FLAGS)
    assert missing.returncode == 2 and "no submission of '00-warmup' by: nobody" in missing.stderr


def test_unknown_assignment_and_course(graded, tmp_path):
    run = ttt(graded["course"], "grade", "99-nothing", *SANDBOX_FLAGS)
    assert run.returncode == 2 and "nbgrader generate_assignment 99-nothing" in run.stderr
    run = ttt(graded["course"], "grade", A, "--course", str(tmp_path))
    assert run.returncode == 2 and "not an nbgrader course root" in run.stderr


def test_report(graded, tmp_path):
    run = ttt(graded["course"], "report", A, "--output", str(tmp_path))
    assert run.returncode == 0, run.stderr
    rows = (tmp_path / f"{A}-scores.csv").read_text().splitlines()
    assert rows[0] == "student,warmup/test_learner_share,warmup/reflection,total,max,needs_manual_grade"
    assert len(rows) == 1 + 15
    correct = next(r for r in rows if r.startswith("correct,"))
    assert correct.split(",")[1:5] == ["2", "0", "2", "4"]
    for name in ("distribution", "items", "most-missed"):
        assert (tmp_path / f"{A}-{name}.png").read_bytes()[:4] == b"\x89PNG"
    md = (tmp_path / f"{A}-report.md").read_text()
    assert "## Items most missed" in md and "module 04 Designing learning" in md
    assert "![Histogram of total scores of 15 students" in md


def test_a_submission_that_kills_its_grader(graded):
    """Kept last: it adds a student. Without the guard the worker dies, is replaced, and the cohort carries on."""
    course = graded["course"]
    blank = course.released_notebook(A, NB)
    killer = helpers.replace_in_cell(blank, "learner_share", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    course.submit("killer", A, {NB: killer})
    run = ttt(course, "grade", A, "--jobs", "1", "--no-guard", "--no-sandbox", "--student", "killer", "correct")
    table = parse_table(run.stdout)
    assert run.returncode == 1
    assert table["killer"]["status"] == "failed" and table["correct"]["status"] == "graded"
    assert "killer: the grading worker stopped (exit code -9) while grading this submission" in run.stdout
    run = ttt(course, "grade", A, "--jobs", "1", "--student", "killer", *SANDBOX_FLAGS)
    assert run.returncode == 0 and parse_table(run.stdout)["killer"]["status"] == "flagged"
    assert "Not allowed while grading: sending a signal to another process." in run.stdout


def test_course_overview_reads_the_configured_gradebook(graded):
    """What the cohort-progress dashboard shows, from SQLite (read-only) or from nbgrader's PostgreSQL db_url."""
    from ttt_widgets import course_overview

    overview = course_overview(graded["course"].root)
    assert A in overview.assignments
    assert {"correct", "blank"} <= overview.submitted[A] <= set(overview.students)


def test_course_overview_says_plainly_what_is_missing(tmp_path):
    from ttt_widgets import GradingError, course_overview

    with pytest.raises(GradingError, match="no nbgrader course"):
        course_overview(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(GradingError, match="No gradebook yet"):
        course_overview(tmp_path)


def test_integrity_check_of_a_run_over_several_assignments():
    """One run grading two assignments owns the grades it wrote in each; a score changed in a submission it did not
    grade (the same student's other assignment) or a manual score set meanwhile is still reported."""
    from ttt_widgets.grading.autograde import _integrity_problems

    before = {("01", "ana", "nb", "t1"): (0.0, None, None), ("02", "ana", "nb", "t2"): (0.0, None, None),
              ("03", "ana", "nb", "t3"): (1.0, None, None)}
    after = {("01", "ana", "nb", "t1"): (2.0, None, None), ("02", "ana", "nb", "t2"): (3.0, 1.0, None),
             ("03", "ana", "nb", "t3"): (0.0, None, None)}
    written = {("01", "ana"): {"nb/t1": 2.0}, ("02", "ana"): {"nb/t2": 3.0}}
    problems = _integrity_problems(before, after, written, set())
    assert problems == ["ana 02 nb/t2: manual score changed during autograde (none -> 1)",
                        "ana 03 nb/t3: changed during the run, not by the grader (auto 1 -> 0, manual none -> none)"]
    assert _integrity_problems(before, {**after, ("02", "ana", "nb", "t2"): (3.0, None, None),
                                        ("03", "ana", "nb", "t3"): (1.0, None, None)}, written, set()) == []
