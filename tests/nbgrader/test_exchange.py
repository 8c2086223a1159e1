"""The JupyterHub workflow through nbgrader's exchange, end to end, in a temporary exchange folder.

The instructor releases the warm-up to the exchange; two trainees, each with a home folder and Jupyter folders of
their own (as on a Hub) and the exchange's address in their own nbgrader configuration, fetch it, answer and submit;
the instructor collects and grades with `ttt grade`. What travels through the exchange never holds hidden tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import helpers
from grading_helpers import WARMUP_SOLUTION, WARMUP_WRONG, make_course, parse_table, ttt

A = "00-warmup"
NB = "warmup.ipynb"
SANDBOX_FLAGS = () if helpers.sandbox_available() else ("--no-sandbox",)
ANSWERS = {"ana": WARMUP_SOLUTION, "ben": WARMUP_WRONG}


def _trainee(tmp_path, name: str, exchange) -> dict:
    """A trainee's environment: own home, own Jupyter folders, the Hub's nbgrader settings for students."""
    home = tmp_path / f"home-{name}"
    config = home / ".jupyter"
    config.mkdir(parents=True)
    (config / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.CourseDirectory.course_id = 'ttt-workshop'\n")
    return {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"), "home": str(home)}


def _nbgrader_each(envs: dict[str, dict], *args: str) -> None:
    """Run one nbgrader command as every trainee at once (each in their own home), as users of a Hub do."""
    procs = {name: subprocess.Popen([sys.executable, "-m", "nbgrader", *args, *(["--student", name] if args[0] ==
                                     "submit" else [])], cwd=env["home"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for name, env in envs.items()}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{name}: nbgrader {' '.join(args)}\n{out[-3000:]}"


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    exchange = tmp / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange: a folder every user may write to
    course = make_course(tmp / "course", f"c.Exchange.root = {str(exchange)!r}")
    course.release(A)
    course.nbgrader("release_assignment", A)
    import nbformat

    envs = {name: _trainee(tmp, name, exchange) for name in ANSWERS}
    _nbgrader_each(envs, "fetch_assignment", A)
    for name, answer in ANSWERS.items():
        fetched = tmp / f"home-{name}" / A / NB
        nb = nbformat.read(fetched, as_version=4)
        nbformat.write(helpers.replace_in_cell(nb, "learner_share", answer), fetched)
    _nbgrader_each(envs, "submit", A)  # with --student NAME: a Hub user submits under their user name
    collected = course.nbgrader("collect", A)
    run = ttt(course, "grade", A, *SANDBOX_FLAGS)
    return {"course": course, "exchange": exchange, "run": run, "collect": collected}


def test_fetch_submit_collect_and_grade(workflow):
    course, run = workflow["course"], workflow["run"]
    for name in ANSWERS:
        assert (course.root / "submitted" / name / A / NB).is_file()
        assert (course.root / "submitted" / name / A / "timestamp.txt").is_file()
    assert run.returncode == 0, run.stdout + run.stderr
    table = parse_table(run.stdout)
    assert {s: (r["score"], r["status"]) for s, r in table.items()} == {"ana": ("2", "graded"), "ben": ("0", "graded")}
    assert course.scores(A) == {"ana": 2.0, "ben": 0.0}


def test_the_exchange_carries_no_hidden_tests(workflow):
    files = [p for p in workflow["exchange"].rglob("*") if p.is_file()]
    outbound = [p for p in files if "outbound" in p.parts]
    inbound = [p for p in files if "inbound" in p.parts]
    assert outbound and len({p.parts[p.parts.index("inbound") + 1] for p in inbound}) == 2
    for path in files:
        text = path.read_text(errors="replace")
        assert "BEGIN HIDDEN TESTS" not in text and "learner_share([]) == 0" not in text, path
