"""The grading sandbox against a hostile cohort: every attack a trainee's notebook made on `ttt grade`, graded
alongside honest submissions.

One course for the module. `ttt grade` first grades the honest submissions alone (the reference), then the whole
cohort with the guard and the sandbox, then the whole cohort again in the sandbox without the guard (what the
sandbox contains by itself). Real bubblewrap, real nbgrader, real kernels; skipped where bubblewrap cannot run
(failed instead under TTT_REQUIRE_SANDBOX=1).
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

import helpers
from grading_helpers import WARMUP_SOLUTION as SOLUTION
from grading_helpers import WARMUP_WRONG as WRONG
from grading_helpers import make_course, snapshot

A = "00-warmup"
NB = "warmup.ipynb"
EXTRA_CONFIG = "c.ExecutePreprocessor.timeout = 20\n"
HONEST = ["blank", "correct", "slow-1", "slow-2", "wrong"]
SABOTAGE = "import builtins\\nbuiltins.sum = lambda *a, **k: -1\\n"  # a later kernel's sum() would lie


def _attacks(root: Path, runtime: str, ipython: str, port: int) -> dict[str, str]:
    """Answer cells of the hostile submissions, each written as a trainee would try it (errors swallowed)."""
    rel = str(root).lstrip("/")
    return {
        "peer": f'''import json, os
stolen = ""
try:
    nb = json.load(open("{root}/submitted/correct/{A}/{NB}"))
    stolen = [''.join(c["source"]) for c in nb["cells"] if "def learner_share" in ''.join(c["source"])][0]
except Exception:
    pass
try:
    top = os.open("/", os.O_RDONLY)
    fd = os.open("{rel}/submitted/correct/{A}/{NB}", os.O_RDONLY, dir_fd=top)
    nb = json.loads(os.read(fd, 10_000_000))
    stolen = [''.join(c["source"]) for c in nb["cells"] if "def learner_share" in ''.join(c["source"])][0]
except Exception:
    pass
exec(stolen)
''',
        "source": f'''import ctypes, json
stolen = ""
try:
    libc = ctypes.CDLL(None)
    fd = libc.open(b"{root}/source/{A}/{NB}", 0)
    buf = ctypes.create_string_buffer(10_000_000)
    nb = json.loads(buf.raw[:libc.read(fd, buf, 10_000_000)])
    stolen = [''.join(c["source"]) for c in nb["cells"] if "def learner_share" in ''.join(c["source"])][0]
except Exception:
    pass
try:
    nb = json.load(open("{root}/source/{A}/{NB}"))
    stolen = [''.join(c["source"]) for c in nb["cells"] if "def learner_share" in ''.join(c["source"])][0]
except Exception:
    pass
exec(stolen.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
''',
        "writer": f'''for target in ["{root}/source/planted.txt", "{root.parent}/planted.txt"]:
    try:
        open(target, "w").write("planted")
    except Exception:
        pass
''' + SOLUTION,
        "gradebook": f'''import sqlite3
try:
    db = sqlite3.connect("{root}/gradebook.db")
    db.execute("UPDATE grade SET manual_score = 0")
    db.commit()
except Exception:
    pass
''' + SOLUTION,
        "startup": f'''import os
for folder in [os.path.expanduser("~/.ipython/profile_default/startup"), "{ipython}/profile_default/startup",
               get_ipython().profile_dir.startup_dir]:
    try:
        os.makedirs(folder, exist_ok=True)
        open(os.path.join(folder, "00-planted.py"), "w").write("{SABOTAGE}")
    except Exception:
        pass
''' + SOLUTION,
        "sibling": f'''import glob, os
found = (glob.glob("/tmp/ttt-grade-*/runtime/*.json") + glob.glob("{runtime}/*.json")
         + glob.glob(os.path.expanduser("~/.local/share/jupyter/runtime/*.json")))
for path in found:
    try:
        from jupyter_client import BlockingKernelClient
        kc = BlockingKernelClient(connection_file=path)
        kc.load_connection_file()
        kc.start_channels()
        kc.execute("{SABOTAGE}")
    except Exception:
        pass
''' + SOLUTION,
        "memory": "blob = bytearray(8 * 1024 ** 3)\n" + SOLUTION,
        "forks": '''import os, _posixsubprocess
try:
    if os.fork() == 0:
        os._exit(0)
except PermissionError:
    pass
for i in range(200):  # _posixsubprocess is not audited: no guard sees these
    r, w = os.pipe()
    _posixsubprocess.fork_exec([b"/bin/sleep", b"3007"], [b"/bin/sleep"], True, (w,), None, None, -1, -1, -1, -1,
                               -1, -1, r, w, True, True, -1, None, None, None, -1, None, False)
    os.close(r)
    os.close(w)
''' + SOLUTION,
        "killer": '''import os, signal
for pid in (os.getppid(), 1):
    try:
        os.kill(pid, signal.SIGKILL)
    except Exception:
        pass
''' + SOLUTION,
        "network": f'''import socket
try:
    s = socket.create_connection(("127.0.0.1", {port}), timeout=2)
    s.sendall(b"pwned")
except Exception:
    pass
''' + SOLUTION,
    }


class Listener:
    """A TCP service on this machine's loopback that records whoever reaches it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.received.append(conn.recv(100) or b"(connected)")
            except OSError:
                self.received.append(b"(connected)")
            conn.close()


def _tree(root: Path) -> dict[str, str]:
    """Every file of the course (and next to it) but what the grader writes: path -> sha256."""
    out = {}
    for path in sorted(root.parent.rglob("*")):
        rel = path.relative_to(root.parent).as_posix()
        if path.is_dir() or rel.startswith(("course/autograded/", "course/feedback/")) or rel == "course/gradebook.db":
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _marked(mark: str) -> list[str]:
    """Processes (any, on this machine) started by a run carrying this mark in its environment."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            env = Path(f"/proc/{entry}/environ").read_bytes()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"TTT_TEST_MARK={mark}".encode() in env:
            found.append(f"{entry}: {cmd[:120]}")
    return found


def _sleepers() -> list[str]:
    return [e for e in os.listdir("/proc") if e.isdigit() and b"3007" in _cmdline(e)]


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _ttt(course, *args, mark: str, wait: bool = True):
    env = {**os.environ, "TTT_TEST_MARK": mark}
    cmd = [sys.executable, "-m", "ttt_widgets.cli", "grade", A, *args]
    if not wait:
        return subprocess.Popen(cmd, cwd=course.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(cmd, cwd=course.root, env=env, capture_output=True, text=True, timeout=600)


def _rows(stdout: str) -> dict[str, dict]:
    import re

    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\S+)\s+(\S+)\s+(\S+)\s+(graded|failed|flagged|skipped)\s+([\d.]+)$", line)
        if m:
            rows[m[1]] = {"score": m[2], "status": m[4]}
    return rows


def _details(stdout: str, student: str) -> str:
    return "\n".join(line for line in stdout.splitlines() if line.startswith(f"{student}: "))


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    helpers.sandbox_or_skip()
    root = tmp_path_factory.mktemp("hostile") / "course"
    course = make_course(root, EXTRA_CONFIG)
    course.release(A)
    blank = course.released_notebook(A, NB)
    listener = Listener()
    runtime = os.environ.get("JUPYTER_RUNTIME_DIR", "")
    ipython = os.environ.get("IPYTHONDIR", os.path.expanduser("~/.ipython"))
    honest = {"blank": blank, "correct": helpers.replace_in_cell(blank, "learner_share", SOLUTION),
              "wrong": helpers.replace_in_cell(blank, "learner_share", WRONG)}
    for name in ("slow-1", "slow-2"):  # alive while the attackers look for sibling kernels
        honest[name] = helpers.replace_in_cell(blank, "learner_share", "import time\ntime.sleep(3)\n" + SOLUTION)
    for student, nb in honest.items():
        course.submit(student, A, {NB: nb})
    attacks = _attacks(course.root.resolve(), runtime, ipython, listener.port)
    for student, code in attacks.items():
        course.submit(student, A, {NB: helpers.replace_in_cell(blank, "learner_share", code)})
    url = f"sqlite:///{course.root / 'gradebook.db'}"
    mark = uuid.uuid4().hex
    reference_run = _ttt(course, "--jobs", "4", "--student", *HONEST, mark=mark)
    reference = snapshot(url, A)
    before_tree = _tree(course.root)
    guarded = _ttt(course, "--jobs", "4", mark=mark)
    after_guarded = {"gradebook": snapshot(url, A), "tree": _tree(course.root), "leftover": _marked(mark),
                     "sleepers": _sleepers(), "received": list(listener.received)}
    bare = _ttt(course, "--jobs", "4", "--no-guard", mark=mark)
    after_bare = {"gradebook": snapshot(url, A), "tree": _tree(course.root), "leftover": _marked(mark),
                  "sleepers": _sleepers(), "received": list(listener.received)}
    return {"course": course, "url": url, "mark": mark, "reference_run": reference_run, "reference": reference,
            "before_tree": before_tree, "guarded": guarded, "bare": bare, "after_guarded": after_guarded,
            "after_bare": after_bare, "attacks": sorted(attacks), "ipython": ipython, "runtime": runtime}


def test_the_reference_run_grades_the_honest_submissions(cohort):
    run = cohort["reference_run"]
    assert run.returncode == 0, run.stderr
    rows = _rows(run.stdout)
    assert {s: r["score"] for s, r in rows.items()} == {"blank": "0", "correct": "2", "slow-1": "2", "slow-2": "2",
                                                         "wrong": "0"}


@pytest.mark.parametrize("run", ["guarded", "bare"])
def test_honest_scores_are_those_of_a_run_without_the_hostile_submissions(cohort, run):
    ours = cohort[f"after_{run}"]["gradebook"]
    assert {s: ours[s] for s in HONEST} == {s: cohort["reference"][s] for s in HONEST}
    assert _rows(cohort[run].stdout)["correct"] == {"score": "2", "status": "graded"}


@pytest.mark.parametrize("run", ["guarded", "bare"])
def test_the_course_folder_is_unchanged_but_by_the_grader(cohort, run):
    assert cohort[f"after_{run}"]["tree"] == cohort["before_tree"]
    for planted in (Path(cohort["ipython"]) / "profile_default" / "startup" / "00-planted.py",
                    Path.home() / ".ipython" / "profile_default" / "startup" / "00-planted.py"):
        assert not planted.exists()


@pytest.mark.parametrize("run", ["guarded", "bare"])
def test_the_gradebook_is_the_graders_alone(cohort, run):
    assert "GRADEBOOK INTEGRITY" not in cohort[run].stderr
    from nbgrader.api import Gradebook

    with Gradebook(cohort["url"]) as gb:
        manual = [g.manual_score for sub in gb.assignment_submissions(A) for nb in sub.notebooks for g in nb.grades]
    assert manual and all(score is None for score in manual)  # the hostile UPDATE never reached it


@pytest.mark.parametrize("run", ["guarded", "bare"])
def test_nothing_reached_the_loopback_and_nothing_outlived_the_run(cohort, run):
    after = cohort[f"after_{run}"]
    assert after["received"] == []
    assert after["leftover"] == []
    assert after["sleepers"] == []


EXPECTED_REFUSAL = {
    "peer": "a folder above the course",
    "source": "calling native code through ctypes",
    "writer": "is outside this submission's folder",
    "gradebook": "opening the database",
    "startup": "planting IPython or Jupyter start-up files",
    "sibling": "Not allowed while grading",
    "memory": "sandbox limit reached: a cell ran out of memory",
    "forks": "starting another program or process",
    "killer": "sending a signal to another process",
    "network": "opening a network connection",
}


@pytest.mark.parametrize("student", sorted(EXPECTED_REFUSAL))
def test_each_hostile_submission_is_flagged_or_failed(cohort, student):
    rows = _rows(cohort["guarded"].stdout)
    assert rows[student]["status"] in ("flagged", "failed"), cohort["guarded"].stdout
    assert EXPECTED_REFUSAL[student] in _details(cohort["guarded"].stdout, student)


def test_a_refusal_caught_by_the_submission_is_still_flagged(cohort):
    """The writer swallows the PermissionError: no error output, yet the guard's log names it."""
    autograded = (cohort["course"].root / "autograded" / "writer" / A / NB).read_text()
    assert "PermissionError" not in autograded
    assert _rows(cohort["guarded"].stdout)["writer"] == {"score": "2", "status": "flagged"}


def test_cheaters_get_nothing_from_peers_or_sources(cohort):
    for run in ("guarded", "bare"):
        rows = _rows(cohort[run].stdout)
        assert rows["peer"]["score"] == rows["source"]["score"] == "0", cohort[run].stdout


def test_the_sandbox_alone_contains_what_the_guard_would_refuse(cohort):
    """Without the guard: limits and namespaces still stop the memory, the forks and the kill."""
    rows = _rows(cohort["bare"].stdout)
    stdout = cohort["bare"].stdout
    assert rows["memory"]["status"] == "flagged" and "ran out of memory" in _details(stdout, "memory")
    assert rows["forks"]["status"] == "failed"
    assert "sandbox limit reached: more than 128 processes and threads" in _details(stdout, "forks")
    # its parent is the sandbox's pid 1, which ignores signals from inside: the worker never sees the kill
    assert rows["killer"] == {"score": "2", "status": "graded"}
    assert len(rows) == len(HONEST) + len(EXPECTED_REFUSAL)
    assert "Traceback (most recent call last)" not in stdout


NBGRADER_LOG = """[INFO] Executing notebook with kernel: ttt-sandbox
[ERROR] There was an error processing assignment: /course/submitted/s1/00-warmup
[ERROR] Traceback (most recent call last):
      File "nbclient/client.py", line 566, in async_start_new_kernel_client
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
    RuntimeError: Kernel didn't respond in 60 seconds

[WARNING] Removing failed assignment: /course/autograded/s1/00-warmup
[ERROR] There was an error processing assignment '00-warmup' for student 's1'
[ERROR] Please see the the above traceback for details on the specific errors on the above failures.
Traceback (most recent call last):
  File "nbgrader/converters/base.py", line 468, in convert_notebooks
    raise NbGraderException(msg)
nbgrader.converters.base.NbGraderException: Please see the the above traceback for details on the specific errors.
"""


def test_the_failure_reason_is_the_real_exception_line():
    from ttt_widgets.grading.autograde import _exception_line

    assert _exception_line(NBGRADER_LOG) == "RuntimeError: Kernel didn't respond in 60 seconds"
    assert _exception_line("[ERROR] Traceback (most recent call last):\n") == ""


def test_a_failed_submission_clears_its_old_score(tmp_path):
    helpers.sandbox_or_skip()
    course = make_course(tmp_path / "course", EXTRA_CONFIG)
    course.release(A)
    blank = course.released_notebook(A, NB)
    course.submit("correct", A, {NB: helpers.replace_in_cell(blank, "learner_share", SOLUTION)})
    first = _ttt(course, "--jobs", "1", mark=uuid.uuid4().hex)
    assert _rows(first.stdout)["correct"]["score"] == "2", first.stderr
    # the same student submits again, a notebook whose kernel dies: that run has no score for it
    course.submit("correct", A, {NB: helpers.replace_in_cell(blank, "learner_share", "import os\nos._exit(1)\n")})
    again = _ttt(course, "--jobs", "1", mark=uuid.uuid4().hex)
    assert _rows(again.stdout)["correct"] == {"score": "-", "status": "failed"}
    assert "the kernel died" in _details(again.stdout, "correct")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:  # the old 2 is not this run's result
        assert gb.find_submission(A, "correct").score == 0


def test_killing_the_grader_ends_its_workers_and_a_rerun_resumes(cohort):
    course, mark = cohort["course"], uuid.uuid4().hex
    students = ["slow-1", "slow-2", "correct", "wrong", "blank"]
    proc = _ttt(course, "--jobs", "2", "--student", *students, mark=mark, wait=False)
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and "1/5 submissions" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    assert "1/5 submissions" in line, proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close(), proc.stderr.close()
    deadline = time.monotonic() + 15
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked(mark) == []
    rerun = _ttt(course, "--jobs", "2", "--student", *students, mark=mark)
    assert rerun.returncode == 0, rerun.stderr
    assert "resumed an interrupted run" in rerun.stderr
    rows = _rows(rerun.stdout)
    assert set(rows) == set(students) and {r["status"] for r in rows.values()} == {"graded"}
    assert not (course.root / "autograded" / f".ttt-grade-{A}.json").exists()


def test_the_integrity_check_reports_changes_the_grader_did_not_make(tmp_path):
    """Unsandboxed and unguarded, the gradebook UPDATE succeeds: the run says so and exits 1."""
    course = make_course(tmp_path / "course")
    course.release(A)
    blank = course.released_notebook(A, NB)
    course.submit("correct", A, {NB: helpers.replace_in_cell(blank, "learner_share", SOLUTION)})
    tamper = f'''import sqlite3
db = sqlite3.connect("{course.root.resolve()}/gradebook.db")
db.execute("UPDATE grade SET manual_score = 0")
db.commit()
''' + SOLUTION
    course.submit("tamper", A, {NB: helpers.replace_in_cell(blank, "learner_share", tamper)})
    run = _ttt(course, "--jobs", "1", "--no-sandbox", "--no-guard", mark=uuid.uuid4().hex)
    assert run.returncode == 1
    assert "WARNING: --no-sandbox" in run.stderr
    assert "GRADEBOOK INTEGRITY" in run.stderr
    assert f"correct {A} warmup/test_learner_share: a manual score appeared during autograde (0)" in run.stderr


def test_doctor_says_whether_the_sandbox_works(tmp_path):
    from ttt_widgets.grading.sandbox import SandboxUnavailable, check_sandbox

    helpers.sandbox_or_skip()
    run = subprocess.run([sys.executable, "-m", "ttt_widgets.cli", "doctor"], capture_output=True, text=True,
                         timeout=300)
    assert "[ok  ] grading sandbox" in run.stdout and "bubblewrap" in run.stdout
    with pytest.raises(SandboxUnavailable, match="cannot run"):
        check_sandbox(str(tmp_path / "no-bwrap"))


def test_the_task_watch_counts_every_process_and_thread_under_the_sandbox():
    """The watch that stops a fork bomb (the only limit for a grader running as root) walks the tree under bwrap;
    it must count what a scan of the whole of /proc counts: children, grandchildren and their threads."""
    from ttt_widgets.grading.sandbox import _count_tasks, _count_tasks_by_scan

    tree = ("sleep 30 & sh -c 'sleep 30; true' & "
            f"{sys.executable} -c 'import threading, time; "
            "[threading.Thread(target=time.sleep, args=(30,), daemon=True).start() for _ in range(5)]; "
            "time.sleep(30)' & wait")
    proc = subprocess.Popen(["sh", "-c", tree], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while _count_tasks_by_scan(proc.pid) < 9 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _count_tasks(proc.pid) == _count_tasks_by_scan(proc.pid) == 9  # sleep, sh and sleep, 6 threads
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
