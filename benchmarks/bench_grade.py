"""Grading a cohort: `nbgrader autograde` (sequential, one process) against `ttt grade` (N long-lived workers).

Both grade the same submissions of one of the kit's assignments, in the same run, in a temporary copy of the course;
the gradebook results (every cell's score) must be identical. Prints the wall time, seconds per submission and the
speed-up for each cohort size (medians of --repeat interleaved runs), the CPU seconds per submission of each (the
command and all it starts: workers, kernels), then how time grows with the cohort.

    python benchmarks/bench_grade.py                       # 10, 40 and 160 submissions, 2 workers
    python benchmarks/bench_grade.py --sizes 40 --jobs 2   # the figure of the issue: 40 submissions
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import helpers  # noqa: E402  (the tests' Course helper: a temporary copy of the course)
from ttt_widgets.grading.autograde import default_jobs  # noqa: E402

ASSIGNMENT = "01-objectives"
NOTEBOOK = "objectives.ipynb"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
ANSWERS = {  # a realistic mix: full, partial and blank answers
    "full": {
        "objectives": 'objectives = [\n'
                      '    "Participants will be able to list the four parts of an ABCD objective with no more than one error.",\n'
                      '    "Participants will be able to give feedback to a peer using the situation-behaviour-impact model, '
                      'in at most two minutes, with all three parts present.",\n'
                      '    "Participants will be able to critique a peer\'s ten-minute lesson against the rubric, naming at '
                      'least two strengths and one change.",\n]',
        "rewrite": 'rewrite = ("Participants will be able to explain three effects of timely feedback on learning, '
                   'with at least one example from their own work.")',
    },
    "partial": {
        "objectives": 'objectives = ["Participants will be able to list the four parts of an objective with no more '
                      'than one error.", "Participants will understand objectives.", "Participants will know ABCD."]',
        "rewrite": 'rewrite = "Participants will be able to describe feedback."',
    },
    "blank": {},
}


def _db(course) -> str:
    return f"sqlite:///{course.root / 'gradebook.db'}"


def _snapshot(course) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(_db(course)) as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, g.name)] = (g.auto_score, g.needs_manual_grade)
    return out


def _submit(course, n: int) -> None:
    shutil.rmtree(course.root / "submitted", ignore_errors=True)
    shutil.rmtree(course.root / "autograded", ignore_errors=True)
    blank = course.released_notebook(ASSIGNMENT, NOTEBOOK)
    kinds = list(ANSWERS)
    for i in range(n):
        nb = blank
        for grade_id, text in ANSWERS[kinds[i % len(kinds)]].items():
            released = next(c.source for c in blank.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
            nb = helpers.replace_in_cell(nb, grade_id, released.replace(STUB, text))
        course.submit(f"s{i:03d}", ASSIGNMENT, {NOTEBOOK: nb})


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the command and everything it started: workers and kernels), exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    return elapsed, cpu, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,40,160", help="cohort sizes (default: 10,40,160)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="ttt grade workers (default: as ttt grade, twice the CPUs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size, interleaved; medians are shown")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        course = helpers.Course(Path(tmp) / "course")
        course.release(ASSIGNMENT)
        print(f"assignment {ASSIGNMENT}, {os.cpu_count()} CPUs, ttt grade --jobs {args.jobs}; "
              "submissions: a third full, a third partial, a third blank answers")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine "
              "slows both; compare within a row)")
        print(f"{'submissions':>11}  {'nbgrader s':>10}  {'s/sub':>6}  {'cpu s/sub':>9}  {'ttt s':>7}  {'s/sub':>6}  "
              f"{'cpu s/sub':>9}  {'speed-up':>8}  identical")
        rows = []
        for n in sizes:
            _submit(course, n)
            walls_nb, walls_ttt, cpus_nb, cpus_ttt, same = [], [], [], [], True
            for _ in range(args.repeat):  # interleaved, so both see the same conditions
                t_nb, c_nb, rc_nb = _timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                                           course.root)
                reference = _snapshot(course)
                t_ttt, c_ttt, rc_ttt = _timed([sys.executable, "-m", "ttt_widgets.cli", "grade", ASSIGNMENT, "--jobs",
                                               str(args.jobs)], course.root)
                students = {student for student, _ in reference}
                same = same and _snapshot(course) == reference and len(students) == n and rc_nb == rc_ttt == 0
                walls_nb.append(t_nb), walls_ttt.append(t_ttt), cpus_nb.append(c_nb), cpus_ttt.append(c_ttt)
            t_nb, t_ttt = statistics.median(walls_nb), statistics.median(walls_ttt)
            c_nb, c_ttt = statistics.median(cpus_nb), statistics.median(cpus_ttt)
            rows.append((n, t_nb, t_ttt))
            print(f"{n:>11}  {t_nb:>10.1f}  {t_nb / n:>6.2f}  {c_nb / n:>9.2f}  {t_ttt:>7.1f}  {t_ttt / n:>6.2f}  "
                  f"{c_ttt / n:>9.2f}  {t_nb / t_ttt:>7.2f}x  {'yes' if same else 'NO'}", flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if len(rows) > 1:
            print("\ngrowth (time relative to the smallest cohort; linear would equal the size ratio):")
            n0, nb0, ttt0 = rows[0]
            for n, t_nb, t_ttt in rows[1:]:
                print(f"  {n0} -> {n}: size x{n / n0:g}, nbgrader x{t_nb / nb0:.2f}, ttt grade x{t_ttt / ttt0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
