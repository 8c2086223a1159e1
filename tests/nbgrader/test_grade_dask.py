"""`ttt grade --scheduler` on a real Dask cluster: a `dask scheduler` and two `dask worker` processes, one of them
killed while it grades a submission.

One course: plain `nbgrader autograde` grades the cohort first (the reference); then `ttt grade` with
`TTT_DASK_SCHEDULER` grades it again on the cluster while the test kills a worker whose kernel is running. Every submission must be graded
exactly once, with the same gradebook results as nbgrader's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import helpers
from grading_helpers import WARMUP_SOLUTION as SOLUTION
from grading_helpers import WARMUP_WRONG as WRONG
from grading_helpers import make_course, parse_table, snapshot, ttt

A = "00-warmup"
NB = "warmup.ipynb"
EXTRA_CONFIG = """
c.LateSubmissionPlugin.penalty_method = "zero"
"""
PLAIN_NBGRADER = ("--Execute.kernel_name=python3", "--KernelManager.transport=tcp", "--KernelManager.ip=127.0.0.1")
SANDBOX_FLAGS = () if helpers.sandbox_available() else ("--no-sandbox",)
CHEAT = ("import json\nsource = json.load(open('../../../source/00-warmup/warmup.ipynb'))\n"
         "exec(''.join(source['cells'][1]['source']))\n")
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers without nannies (a killed worker stays dead, like a machine)."""
    base = tmp_path_factory.mktemp("dask")
    port = helpers.free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")  # the distributed package's command line (the test extra installs it)
    procs = [helpers.start_process([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                   base / "scheduler.log")]
    try:
        for i in (1, 2):
            procs.append(helpers.start_process(
                [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{i}",
                 "--local-directory", str(base / f"w{i}"), "--preload", "ttt_widgets.grading.dask_grade"],
                base / f"worker{i}.log"))
        from ttt_widgets.grading.dask_grade import wait_for_workers

        wait_for_workers(address, 2, timeout=90)
        yield {"address": address, "workers": procs[1:]}
    finally:
        for proc in reversed(procs):
            proc.stop()


def _cohort(course: helpers.Course) -> None:
    course.release(A)
    blank = course.released_notebook(A, NB)

    def answer(src: str):
        return helpers.replace_in_cell(blank, "learner_share", src)

    cohort = {"correct": answer(SOLUTION), "wrong": answer(WRONG), "late": answer(SOLUTION), "cheat": answer(CHEAT),
              "sysexit": answer("import sys\nsys.exit()\n" + SOLUTION)}
    for student, nb in cohort.items():
        course.submit(student, A, {NB: nb})
    course.submit("badjson", A, {NB: '{"cells": [,]}'})
    (course.root / "submitted" / "late" / A / "timestamp.txt").write_text("2026-11-25 08:00:00.000000 UTC")
    from datetime import datetime

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(A, duedate=datetime(2026, 11, 24, 10, 0))


def _kill_a_busy_worker(workers: list[helpers.Process], run: subprocess.Popen, timeout: float = 120):
    """SIGKILL the first worker seen running a grading kernel; returns (worker index, student it was grading)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        for i, worker in enumerate(workers):
            try:
                children = psutil.Process(worker.proc.pid).children()
            except psutil.NoSuchProcess:
                continue
            for child in children:
                try:
                    cwd = Path(child.cwd())
                except psutil.Error:
                    continue
                if cwd.name == A and cwd.parent.parent.name == "autograded":
                    os.killpg(worker.proc.pid, signal.SIGKILL)
                    worker.proc.wait()
                    return i, cwd.parent.name
        time.sleep(0.05)
    raise AssertionError("no worker was seen grading")


def _orphaned_kernels() -> list[str]:
    """Sandbox launchers of this environment left without their worker (adopted by init)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["ppid", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if proc.info["ppid"] == 1 and cmd[:1] == [sys.executable] and "ttt_widgets.grading.sandbox" in cmd:
            found.append(" ".join(cmd))
    return found


@pytest.fixture(scope="module")
def graded(cluster, tmp_path_factory):
    root = tmp_path_factory.mktemp("dask-course") / "course"
    course = make_course(root, EXTRA_CONFIG)
    url = f"sqlite:///{root / 'gradebook.db'}"
    _cohort(course)
    course.nbgrader("autograde", A, "--force", *PLAIN_NBGRADER, check=False)
    reference = snapshot(url, A)
    env = {**os.environ, "TTT_DASK_SCHEDULER": cluster["address"]}  # (--scheduler: test_bad_scheduler_options...)
    run = subprocess.Popen([sys.executable, "-m", "ttt_widgets.cli", "grade", A, *SANDBOX_FLAGS], cwd=course.root,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    killed, in_flight = _kill_a_busy_worker(cluster["workers"], run)
    stdout, stderr = run.communicate(timeout=300)
    orphans = _orphaned_kernels()
    return {"course": course, "url": url, "reference": reference, "ours": snapshot(url, A), "rc": run.returncode,
            "stdout": stdout, "stderr": stderr, "table": parse_table(stdout), "in_flight": in_flight,
            "address": cluster["address"], "orphans": orphans}


def test_every_submission_graded_once_with_nbgrader_results(graded):
    table, stderr = graded["table"], graded["stderr"]
    students = {"correct", "wrong", "late", "cheat", "sysexit", "badjson"}
    assert set(table) == students, graded["stdout"] + stderr
    assert graded["in_flight"] in students
    # the progress bar names each submission once, when its result is written: none twice, none lost
    for student in students:
        assert stderr.count(f"(last: {student} ") == 1, stderr
    assert "6/6 submissions" in stderr
    assert "left the cluster during the run" in stderr
    assert not graded["orphans"]  # the killed worker's kernel died with it, even when it was still starting
    same = {s: graded["ours"][s] for s in graded["ours"] if s != "cheat"}
    assert same == {s: graded["reference"][s] for s in same}
    assert set(graded["ours"]) == set(graded["reference"])
    assert graded["ours"]["correct"]["warmup/test_learner_share"] == (2.0, False)
    assert graded["ours"]["late"]["late_penalty"] == 2.0


def test_summary_exit_code_and_what_the_sandbox_and_guard_saw(graded):
    table = graded["table"]
    assert graded["rc"] == 1  # badjson cannot be graded
    assert table["badjson"]["status"] == "failed"
    assert "badjson: warmup.ipynb is not valid JSON" in graded["stdout"]
    assert table["correct"] == {**table["correct"], "score": "2", "max": "4", "status": "graded"}
    assert table["cheat"]["status"] == "flagged" and graded["reference"]["cheat"]["warmup/test_learner_share"][0] == 2
    assert table["sysexit"] == {**table["sysexit"], "score": "0", "status": "graded"}  # the kernel lived on
    autograded = graded["course"].root / "autograded"
    assert sorted(p.parent.name for p in autograded.glob(f"*/{A}")) == sorted(set(table) - {"badjson"})


def test_without_a_scheduler_dask_is_not_imported(graded):
    code = ("import sys\nfrom ttt_widgets.cli import main\n"
            f"rc = main(['grade', {A!r}, '--student', 'correct', '--jobs', '1', '--no-force', "
            f"*{list(SANDBOX_FLAGS)!r}])\n"
            "print('DASK', 'distributed' in sys.modules or 'dask' in sys.modules, rc)\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=graded["course"].root, capture_output=True, text=True,
                         timeout=300)
    assert "DASK False 0" in run.stdout, run.stdout + run.stderr
    assert parse_table(run.stdout)["correct"]["status"] == "skipped"  # graded locally (and skipped: --no-force)


def test_bad_scheduler_options_are_refused_plainly(graded):
    bad = ttt(graded["course"], "grade", A, "--shared-course")
    assert bad.returncode == 2 and "--shared-course needs --scheduler" in bad.stderr
    nobody = f"tcp://127.0.0.1:{helpers.free_port()}"
    bad = ttt(graded["course"], "grade", A, "--scheduler", nobody, "--student", "correct")
    assert bad.returncode == 2, bad.stderr
    assert f"cannot reach the Dask scheduler at {nobody}: Connection refused" in bad.stderr
    assert "Traceback" not in bad.stderr
