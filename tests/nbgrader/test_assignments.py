"""Every assignment of the course through nbgrader: validate, release, submit (solution, blank, partial), grade.

One course for the module: all assignments are released with one `nbgrader generate_assignment "*"`, each gets a
solution, a blank and a partial submission, and ONE `ttt grade A B C ... --jobs 2` grades every assignment's
submissions with one set of workers (its gradebook also feeds the programme's pathway below). Adding an assignment
folder without adding it to PARTIAL below fails test_at_least_six_assignments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import helpers
from grading_helpers import make_course, ttt

SOURCE = helpers.ASSIGNMENTS / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and not p.name.startswith("00-"))

# A partial answer per assignment: grade_id -> new source of a solution cell, and the autograded points it earns
# (the comment says which checks pass). The hidden tests are part of these scores.
PARTIAL = {
    "01-objectives": ({
        "objectives": 'objectives = [\n'
                      '    "Participants will be able to list the four parts of an objective with no more than one error.",\n'
                      '    "Participants will understand the value of objectives.",\n'
                      '    "Participants will know the ABCD model.",\n'
                      ']\n',
        "rewrite": 'rewrite = "Participants will be able to describe feedback."\n',
    }, 2.0),  # one measurable objective (1), one level only (0), none at apply or above (0); rewrite measurable (1), no criterion (0)
    "02-open-questions": ({
        "rewrites": 'rewrites = {\n'
                    '    "Did everyone understand?": "What is one step you could now explain to a colleague?",\n'
                    '    "Is that clear?": "Is that clear now?",\n'
                    '    "Do you have any questions?": "What would you ask about this topic if you taught it tomorrow?",\n'
                    '    "Is the answer 42?": "Is it 42?",\n'
                    '}\n',
        "wait": "wait_seconds = 1\n",
    }, 2.0),  # two open rewrites (2), none at analyze or above (0); one second is too short (0)
    "03-lesson-plan": ({
        "plan": 'from ttt_widgets import LessonPlan\n'
                'OBJECTIVE = "Participants will be able to give feedback with all three parts of the model present."\n'
                'plan = LessonPlan("Feedback", 60, objectives=[OBJECTIVE])\n'
                'plan.add("Welcome and objectives", 5, "presentation", gagne_event=2)\n'
                'plan.add("The feedback model", 25, "presentation", gagne_event=4)\n'
                'plan.add("Practice in pairs", 20, "pair/group work", gagne_event=6, assesses=[OBJECTIVE])\n'
                'plan.add("Recap", 10, "discussion", gagne_event=9)\n',
    }, 4.0),  # slot (1), 30 min of talk (0), share 50% (1); one objective only (0), opening (1), closure (1)
    "04-diagnostic-mcq": ({
        "item": 'from ttt_widgets import MCQItem\n'
                'item = MCQItem(stem="When should practice sessions be scheduled?", answer="Spread over weeks",\n'
                '               distractors=[("All on one day", "Believes massed practice works"),\n'
                '                            ("All of the above", "")])\n',
    }, 2.0),  # stem and answer (1), two distractors (1); a diagnosis missing (0), "all of the above" (0)
    "05-cascade-plan": ({
        "by_hand": "learners_reached = 2400\nfidelity_last_level = 0.8 * 2\nmonths_to_reach = 6\n",
        "plan": 'from ttt_widgets import Cascade\n'
                'plan = Cascade(master_trainers=20, levels=2, trainers_per_trainer=5, learners_per_trainer=20,\n'
                '               months_per_level=3, fidelity_per_level=0.8)\n',
    }, 4.0),  # reach right (1), fidelity added not multiplied (0), months (0); plan meets all three (3), not the fewest (0)
    "06-evaluation-plan": ({
        "levels": 'levels = {INSTRUMENTS[0]: 1, INSTRUMENTS[1]: 2, INSTRUMENTS[2]: 3, INSTRUMENTS[3]: 4,\n'
                  '          INSTRUMENTS[4]: 2, INSTRUMENTS[5]: 4}\n',
    }, 5.0),  # five of six; managers' reports of practice are behaviour (3), not results
    "07-teaching-demo-plan": ({
        "objective": 'objective = ("Participants will be able to design a dashboard of box plots for their team "\n'
                     '             "with no more than one error.")\n',
        "item": 'from ttt_widgets import MCQItem\n'
                'item = MCQItem(stem="What does the line inside the box of a box plot show?", answer="The median",\n'
                '               distractors=[("The mean", "Confuses the median with the mean"),\n'
                '                            ("All of the above", "")])\n',
        "plan": 'from ttt_widgets import LessonPlan\n'
                'plan = LessonPlan("Box plots", 5, objectives=[objective])\n'
                'plan.add("Hook: two teams, one average: which would you hire?", 1, "presentation", gagne_event=1)\n'
                'plan.add("Demonstration: the median, the box and the whiskers", 3, "demonstration", gagne_event=4)\n'
                'plan.add("Check: one multiple-choice question", 1, "assessment", gagne_event=6,\n'
                '         assesses=[objective])\n'
                'plan.add("A second example: outliers", 1, "demonstration", gagne_event=4)\n',
    }, 5.0),  # objective measurable (1) with a criterion (1) but at create (0); item structure (1), a diagnosis
    #           missing (0), "all of the above" (0); 6 minutes (0), a hook (1), the check assesses it (1), no close (0)
}
# the teaching message each partial answer must receive in its feedback
MESSAGES = {
    "01-objectives": "Objective 2 is not measurable yet: 'understand' cannot be observed or measured",
    "02-open-questions": "Your rewrite of 'Is that clear?' is still closed.",
    "03-lesson-plan": "Break up trainer talk: at most 15 minutes in a row.",
    "04-diagnostic-mcq": "Drop 'all/none of the above'",
    "05-cascade-plan": "the loss compounds, one factor of 0.8 per hand-over",
    "06-evaluation-plan": "measures level 3 (behaviour), not 4",
    "07-teaching-demo-plan": "A five-minute demo has five minutes: your segments add up to 6 min",
}


STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
_HIDDEN_BLOCKS = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


def _source(assignment: str):
    (path,) = sorted((SOURCE / assignment).glob("*.ipynb"))
    return path, nbformat.read(path, as_version=4)


def _nbgrader_cells(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def _strip_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line) + "\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("assignments") / "course")
    course.nbgrader("generate_assignment", "*", "--force")
    for assignment in ASSIGNMENTS:
        path, source = _source(assignment)
        blank = course.released_notebook(assignment, path.name)
        solution = blank
        for cell in _nbgrader_cells(source):
            meta = cell.metadata["nbgrader"]
            if meta.get("solution") and cell.cell_type == "code":
                solution = helpers.replace_in_cell(solution, meta["grade_id"], _strip_markers(cell.source))
        partial = blank
        for grade_id, text in PARTIAL[assignment][0].items():  # typed where the release says YOUR CODE HERE
            released = next(c.source for c in blank.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
            partial = helpers.replace_in_cell(partial, grade_id, released.replace(STUB, text.rstrip("\n")))
        for cell in _nbgrader_cells(source):  # both answer the tasks graded by hand (a grader scores them later)
            meta = cell.metadata["nbgrader"]
            if meta.get("solution") and cell.cell_type == "markdown":
                solution = helpers.replace_in_cell(solution, meta["grade_id"], f"My answer to {meta['grade_id']}.")
                partial = helpers.replace_in_cell(partial, meta["grade_id"], f"My answer to {meta['grade_id']}.")
        course.submit("solution", assignment, {path.name: solution})
        course.submit("blank", assignment, {path.name: blank})
        course.submit("partial", assignment, {path.name: partial})
    # the self-check's work (fixture `visible`) runs while ttt grade grades: separate processes, mostly waiting on
    # kernels to start, so the module takes about the longer of the two instead of their sum
    course.visible = _VisibleRun(course, tmp_path_factory.mktemp("visible") / "course")
    flags = () if helpers.sandbox_available() else ("--no-sandbox",)  # the sandbox itself: test_sandbox.py
    try:
        course.run = ttt(course, "grade", *ASSIGNMENTS, "--jobs", "2", *flags)  # one set of workers for them all
        yield course
    finally:
        course.visible.finish()  # nothing left running when the module's folders go


def test_at_least_six_assignments():
    assert len(ASSIGNMENTS) >= 6
    assert set(PARTIAL) == set(ASSIGNMENTS), "every assignment needs a partial answer with its expected score"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_is_well_formed(assignment):
    _, nb = _source(assignment)
    cells = _nbgrader_cells(nb)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)
    graded = [c for c in cells if c.metadata["nbgrader"].get("grade")]
    assert all(c.metadata["nbgrader"].get("points", 0) > 0 for c in graded)
    tests = [c for c in graded if c.cell_type == "code"]
    manual = [c for c in graded if c.cell_type == "markdown"]
    assert tests and manual
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert all("Checklist(" in c.source and "check.score()" in c.source.splitlines()[-1] for c in tests)
    text = "\n".join(c.source for c in nb.cells)
    assert "Rubric" in text and "from ttt_widgets import" in text
    # each manual cell follows the locked cell that holds its rubric
    for i, c in enumerate(nb.cells):
        if c in manual:
            assert "Rubric" in nb.cells[i - 1].source and nb.cells[i - 1].metadata["nbgrader"]["locked"]


def test_released_notebooks_fail_their_tests(course):
    paths = [f"release/{a}/{_source(a)[0].name}" for a in ASSIGNMENTS]
    out = course.nbgrader("validate", "--invert", *paths).stdout
    assert out.count("Success! The notebook does not pass any tests.") == len(ASSIGNMENTS), out[-3000:]
    for path in paths:
        text = (course.root / path).read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_scores(course, assignment):
    """The source passes its tests: the solution submission (the source's answers typed into the released notebook)
    earns every autograded point, hidden tests included; the blank one earns none."""
    run = course.run  # exit 0: nothing failed and the gradebook's integrity check found nothing
    assert run.returncode == 0, run.stdout + run.stderr
    _, nb = _source(assignment)
    auto = sum(c.metadata["nbgrader"]["points"] for c in _nbgrader_cells(nb)
               if c.metadata["nbgrader"].get("grade") and c.cell_type == "code")
    scores = course.scores(assignment)
    assert scores == {"solution": auto, "blank": 0.0, "partial": PARTIAL[assignment][1]}


def test_one_grade_run_prints_a_table_per_assignment(course):
    from grading_helpers import parse_table

    out = course.run.stdout
    starts = [out.index(f"\n{a}\n") for a in ASSIGNMENTS]  # a heading per assignment, in the order given
    assert starts == sorted(starts)
    for a, begin, end in zip(ASSIGNMENTS, starts, [*starts[1:], len(out)]):
        rows = parse_table(out[begin:end])
        assert {s: r["status"] for s, r in rows.items()} == dict.fromkeys(("blank", "partial", "solution"), "graded"), a
        assert float(rows["partial"]["score"]) == PARTIAL[a][1], a


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_partial_answer_gets_the_teaching_message(course, assignment):
    path, _ = _source(assignment)
    autograded = nbformat.read(course.root / "autograded" / "partial" / assignment / path.name, as_version=4)
    outputs = "".join(o.get("text", "") for c in autograded.cells for o in c.get("outputs", []))
    assert MESSAGES[assignment] in outputs
    assert "Why:" in outputs


def test_feedback_html_shows_the_messages(course):
    assignment = "01-objectives"
    course.nbgrader("generate_feedback", assignment, "--student", "partial", "--force")
    html = (course.root / "feedback" / "partial" / assignment / "objectives.html").read_text()
    assert "Objective 2 is not measurable yet" in html and "Why:" in html
    assert "Task 1: three measurable objectives: 1 of 5 points." in html


def test_objectives_check_requires_a_criterion_for_each_objective(capsys):
    """Task 1 says each objective needs a criterion: measurable verbs without one earn no point for it."""
    cell = next(c for c in _nbgrader_cells(_source("01-objectives")[1])
                if c.metadata["nbgrader"]["grade_id"] == "test_objectives")
    code = _strip_markers(cell.source).replace("check.score()", "points = check.score()")

    def points(objectives):
        scope = {"objectives": objectives}
        exec(compile(code, "test_objectives", "exec"), scope)  # noqa: S102 - the course's own test cell
        return scope["points"]

    without = ["Participants will be able to list the four parts of an objective.",
               "Participants will be able to describe feedback.",
               "Participants will be able to use the ABCD model."]
    assert points(without) == 2.0  # two Bloom levels and one at apply: yes; a criterion: none of the three
    assert "No criterion" in capsys.readouterr().out
    assert points([o.rstrip(".") + " with no more than one error." for o in without]) == 5.0


# -- the trainee's self-check: the visible tests, run the way the autograder runs them -------------------------------
class _VisibleRun:
    """Started by the `course` fixture: the self-check of every submission of the module's course (solution, blank,
    partial of each assignment), and the reference, plain `nbgrader autograde` of the solution and partial
    submissions in a course whose tests are only the visible ones (the hidden blocks removed from the source before
    release). A blank submission's every test cell fails; test_scores shows nbgrader scores it 0, and the self-check
    must say 0 too (asserted below) without a reference run of its own."""

    def __init__(self, course: helpers.Course, ref_root: Path):
        import shutil
        import subprocess
        import sys
        import threading

        from ttt_widgets.grading.preprocessors import _HIDDEN

        self.paths = sorted(str(p) for p in (course.root / "submitted").glob("*/*/*.ipynb"))
        self.checks = subprocess.Popen([sys.executable, "-m", "ttt_widgets.grading.selfcheck", *self.paths],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=course.root)
        self.ref = make_course(ref_root)
        for assignment in ASSIGNMENTS:
            path, nb = _source(assignment)
            for cell in nb.cells:
                cell.source = _HIDDEN.sub("", cell.source)
            nbformat.write(nb, self.ref.root / "source" / assignment / path.name)
        for student in ("solution", "partial"):
            shutil.copytree(course.root / "submitted" / student, self.ref.root / "submitted" / student)
        self.error: BaseException | None = None

        def reference():
            try:
                self.ref.nbgrader("generate_assignment", "*", "--force")
                self.ref.nbgrader("autograde", "*", "--force")
            except BaseException as exc:  # noqa: BLE001 - raised again in the test that needs it
                self.error = exc

        self.thread = threading.Thread(target=reference, daemon=True)
        self.thread.start()
        self.out: str | None = None

    def finish(self) -> None:
        """Wait for both (the self-check is killed if it runs past 15 minutes)."""
        if self.out is None:
            try:
                self.out, _ = self.checks.communicate(timeout=900)
            finally:
                if self.checks.poll() is None:
                    self.checks.kill()
                    self.checks.wait()
            self.thread.join(900)

    def wait(self) -> str:
        """The self-check's output, once the reference autograde has finished too (its error, if it failed)."""
        self.finish()
        if self.error is not None:
            raise self.error
        return self.out


@pytest.fixture(scope="module")
def visible(course):
    """The self-check's points per visible test and the reference autograde's, keyed (student, assignment, test)."""
    from nbgrader.api import Gradebook

    out = course.visible.wait()
    reference = {}
    with Gradebook(f"sqlite:///{course.visible.ref.root / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            for sub in gb.assignment_submissions(assignment):
                for snb in sub.notebooks:
                    for grade in snb.grades:
                        if grade.cell.cell_type == "code":
                            reference[(sub.student.id, assignment, grade.name)] = grade.auto_score
    ours = {}
    results = json.loads(out.strip().splitlines()[-1])
    for path, result in zip(course.visible.paths, results):
        student, assignment = Path(path).parts[-3:-1]
        assert not result["error"], (path, result["error"])
        for task in result["tasks"]:
            if task["kind"] == "test":
                ours[(student, assignment, task["name"])] = task["points"]
    return {"reference": reference, "ours": ours, "results": results, "course": course}


def test_self_check_points_equal_autograde_on_the_visible_tests(visible):
    graded = {k: v for k, v in visible["ours"].items() if k[0] != "blank"}
    assert len(graded) == len(visible["reference"]) >= 2 * len(ASSIGNMENTS)
    assert graded == visible["reference"]
    blank = {k[1:]: v for k, v in visible["ours"].items() if k[0] == "blank"}
    assert blank == {k[1:]: 0.0 for k in visible["reference"] if k[0] == "solution"}  # every test cell, 0 points
    for assignment in ASSIGNMENTS:  # the visible tests are real tests: a solution passes, a blank does not
        full = {k: v for k, v in visible["ours"].items() if k[1] == assignment}
        assert sum(v for k, v in full.items() if k[0] == "solution") > 0
        assert sum(v for k, v in full.items() if k[0] == "blank") == 0
    assert all(r["sandbox"] for r in visible["results"]) == helpers.sandbox_available()


def test_self_check_shows_messages_and_leaves_manual_items_to_the_grader(visible):
    by_name = {(Path(r["notebook"]).stem, i): r for i, r in enumerate(visible["results"])}
    assert by_name
    texts = "\n".join(t["messages"] for r in visible["results"] for t in r["tasks"])
    assert "Why:" in texts  # the Checklist's teaching messages travel to the trainee
    manual = [t for r in visible["results"] for t in r["tasks"] if t["kind"] == "manual"]
    assert manual and all(t["points"] is None for t in manual)


def test_hidden_tests_are_never_shipped(course):
    for assignment in ASSIGNMENTS:
        _, source = _source(assignment)
        hidden = [line.strip() for c in source.cells for block in _HIDDEN_BLOCKS.findall(c.source)
                  for line in block.splitlines() if len(line.strip()) > 20 and "HIDDEN TESTS" not in line]
        assert hidden, assignment
        shipped = "\n".join(p.read_text(errors="replace") for p in (course.root / "release" / assignment).rglob("*")
                            if p.is_file())
        assert not [line for line in hidden if line in shipped], assignment
        assert "SelfCheck()" in shipped  # the button is in every released notebook


def test_check_outside_a_course_folder_and_its_rate_limit(visible, course, tmp_path, data_dir, monkeypatch):
    """A notebook fetched on a Hub (no course folder around it): the kit's configuration, same points; asking
    again with the same answers shows the result again; changed answers wait for the interval; all said plainly."""
    import shutil

    from ttt_widgets.grading import SelfCheck, check

    path, _ = _source("01-objectives")
    fetched = tmp_path / "01-objectives" / path.name
    fetched.parent.mkdir()
    shutil.copy(course.root / "submitted" / "partial" / "01-objectives" / path.name, fetched)
    monkeypatch.setenv("TTT_CHECK_INTERVAL", "600")
    first = check(fetched, show=False)
    assert not first.error and first.sandbox == helpers.sandbox_available()
    expected = {k[2]: v for k, v in visible["reference"].items() if k[:2] == ("partial", "01-objectives")}
    assert {t.name: t.points for t in first.tasks if t.kind == "test"} == expected
    again = check(fetched, show=False)
    assert "Same answers as your check at" in again.note and again.points == first.points
    nb = nbformat.read(fetched, as_version=4)
    nb = helpers.replace_in_cell(nb, "rewrite", 'rewrite = "Participants will be able to list three effects."\n')
    nbformat.write(nb, fetched)
    waited = check(fetched, show=False)
    assert "One check every 600 seconds: next check in" in waited.note and not waited.tasks
    assert "Quick re-checks invite guessing" in waited.text()
    # the button: same answers as the first check once more -> the stored result, shown as escaped HTML
    nbformat.write(nbformat.read(course.root / "submitted" / "partial" / "01-objectives" / path.name,
                                 as_version=4), fetched)
    box = SelfCheck(fetched)
    box.button.click()
    assert box.result.points == first.points and "Same answers" in box.status.value
    assert "test_objectives" in box.report.value and "<script" not in box.report.value


def test_self_check_html_escapes_what_a_notebook_printed():
    from ttt_widgets.grading.selfcheck import CheckResult, TaskResult, _html

    res = CheckResult("x.ipynb", tasks=[TaskResult("t<1>", 0.0, 1.0, "test", "<script>alert(1)</script>")])
    page = _html(res)
    assert "<script>" not in page and "&lt;script&gt;" in page and "t&lt;1&gt;" in page


def test_self_check_config_equals_the_kit_course_config():
    from ttt_widgets.grading.autograde import load_nbgrader_app
    from ttt_widgets.grading.selfcheck import kit_config

    course = load_nbgrader_app(helpers.ASSIGNMENTS, "01-objectives").config
    kit = kit_config()
    for section, key in [("ExecutePreprocessor", "timeout"), ("ExecutePreprocessor", "interrupt_on_timeout"),
                         ("Autograde", "autograde_preprocessors"), ("LimitOutputSize", "max_chars")]:
        assert kit[section][key] == course[section][key], (section, key)
    assert kit.get("Execute", {}).get("kernel_name") == course.get("Execute", {}).get("kernel_name")


def test_the_button_does_nothing_while_nbgrader_grades(monkeypatch):
    from ttt_widgets.grading import SelfCheck

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert SelfCheck() is None


def test_demo_plan_rubric_is_the_checkout_rubric_and_its_length():
    """The hand-graded task of 07 names every item of the packaged checkout rubric (content, not a copy that drifts),
    and the plan's slot is the rubric's demo length."""
    from ttt_widgets.models.demo import DemoRubric

    rubric = DemoRubric.load("carpentries-checkout")
    _, nb = _source("07-teaching-demo-plan")
    text = next(c.source for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "script_rubric")
    assert rubric.id in text and [i["name"] for i in rubric.items.values() if f"*{i['name']}*" not in text] == []
    plan = next(c.source for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "plan")
    assert f", {rubric.demo_minutes}, objectives=" in plan


# -- the programme's pathway reads these assignments from the gradebook the run above wrote ------------------------
def test_pathway_reads_the_real_gradebook_certified_or_not(course, tmp_path):
    """A grader scores the answers graded by hand (full marks to both trainees who wrote them), the programme imports
    every assignment's share of the points from nbgrader's gradebook, and the pathway certifies the trainee who
    passed everything while the one whose partial answers fall under 70% stays overdue on that step."""
    import shutil

    from nbgrader.api import Gradebook

    from ttt_widgets.models.demo import TeachingDemo
    from ttt_widgets.models.observation import ObservationChecklist
    from ttt_widgets.models.pathway import PathwayRules
    from ttt_widgets.programme.store import ProgrammeStore

    root = tmp_path / "course"  # a copy: the module's gradebook stays as autograde left it for the other tests
    root.mkdir()
    for name in ("nbgrader_config.py", "gradebook.db"):
        shutil.copy(course.root / name, root / name)
    shutil.copytree(course.root / "source", root / "source")
    manual, total = {}, {}
    for a in ASSIGNMENTS:
        cells = [c.metadata["nbgrader"] for c in _nbgrader_cells(_source(a)[1]) if c.metadata["nbgrader"].get("grade")]
        manual[a] = sum(m["points"] for m in cells if m["solution"])  # answered by hand: markdown answer cells
        total[a] = sum(m["points"] for m in cells)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for a in ASSIGNMENTS:
            for student in ("solution", "partial"):
                for nb in gb.find_submission(a, student).notebooks:
                    for grade in nb.grades:
                        if grade.cell.cell_type == "markdown":
                            grade.manual_score = grade.max_score
        gb.db.commit()

    store = ProgrammeStore(f"sqlite:///{tmp_path / 'programme.sqlite'}")
    store.import_roster(text="id,name,generation,trained_by,modules,trained_on\n"
                             "solution,Sol,0,,,2026-09-01\npartial,Par,0,,,2026-09-01\nblank,Bla,0,,,2026-09-01\n")
    assert store.import_gradebook(root, ASSIGNMENTS) == 3 * len(ASSIGNMENTS)
    for trainee in ("solution", "partial"):  # every other step done alike: only the gradebook tells them apart
        demo = TeachingDemo(trainee, "carpentries-checkout", held_on="2026-10-01")
        demo.mark("lee", "goal", "positive")
        store.save_demo(demo)
        store.record_step(trainee, "co_facilitated", on="2026-10-15")
        obs = ObservationChecklist("05-facilitation-questions", trainee, "kim", 0, "2026-11-01")
        for comp in ("open-questions", "wait-time", "everyone"):
            obs.mark(comp, "as-designed")
        store.save_observation(obs)

    progress = store.progress()
    expected = {a: (PARTIAL[a][1] + manual[a]) / total[a] for a in ASSIGNMENTS}
    assert progress["solution"].assignment_scores == pytest.approx(dict.fromkeys(ASSIGNMENTS, 1.0))
    assert progress["partial"].assignment_scores == pytest.approx(expected)
    assert progress["blank"].assignment_scores == dict.fromkeys(ASSIGNMENTS, 0.0)

    rules = PathwayRules(modules=(), assignments=tuple(ASSIGNMENTS), pass_share=0.7)
    status = store.statuses(rules, today="2026-11-20")
    assert status["solution"].state == "certified" and status["solution"].next_step is None
    failing = [a for a in ASSIGNMENTS if expected[a] < 0.7]
    assert failing and len(failing) < len(ASSIGNMENTS)  # the partial answers pass some assignments, not all
    step = status["partial"].step("assignments")
    assert status["partial"].state == "overdue" and status["partial"].next_step == "assignments"
    assert not step.done and step.overdue  # due 60 days after training
    assert [part.split(":")[0] for part in step.detail.split(" (was due")[0].split("; ")] == failing
    assert f"{failing[0]}: {expected[failing[0]]:.0%}, 70% needed" in step.detail
    assert status["blank"].step("assignments").detail.count("0%, 70% needed") == len(ASSIGNMENTS)
    store.close()
