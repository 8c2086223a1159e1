"""Autograde a whole cohort in parallel with nbgrader's own converter, preprocessors and configuration.

Why workers that stay alive: starting ``nbgrader autograde --student X`` once per student pays Python's and
nbgrader's start-up for every submission, which on a 2-core machine made a parallel run slower than a
sequential one. Here each worker process loads nbgrader and the course's configuration once (exactly as
``nbgrader autograde`` does: ``AutogradeApp.initialize``), then grades one submission after another with
nbgrader's :class:`~nbgrader.converters.Autograde` converter. Nothing of the grading is re-implemented.

Gradebook writes: SQLite allows one writer at a time, and nbgrader opens short write transactions in three
places (creating the student and submission, saving the autograded scores, applying late penalties). Those three
steps hold one lock shared by the workers, so they never wait on SQLite's busy timeout; executing the notebooks,
the slow part, runs in parallel. A PostgreSQL gradebook needs no lock and gets none.

>>> from ttt_widgets.grading import grade_assignments, grade_cohort
>>> results = grade_cohort("assignments", "01-objectives", jobs=2)  # doctest: +SKIP
>>> by_assignment = grade_assignments("assignments", ["01-objectives", "02-open-questions"])  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

__all__ = ["SubmissionResult", "CohortResults", "GradingError", "grade_cohort", "grade_assignments", "find_submissions",
           "load_nbgrader_app"]

GUARD_FILE = Path(__file__).with_name("_kernel_guard.py")

# shared by the workers of one run (inherited when they are forked); None for a PostgreSQL gradebook
_DB_LOCK = None


class GradingError(RuntimeError):
    """The cohort cannot be graded at all (no course, unknown assignment...)."""


@dataclass
class SubmissionResult:
    """The outcome of one student's submission."""

    student: str
    status: str = "pending"  # graded | flagged | failed | skipped
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    message: str = ""
    notes: list[str] = field(default_factory=list)
    log: str = ""
    worker: str = ""  # the Dask worker that graded it (empty for local workers)
    assignment: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "failed"


# -- configuration ----------------------------------------------------------------------------------------------
def load_nbgrader_app(course_root: str | os.PathLike, assignment: str, extra_argv: Iterable[str] = ()):
    """An initialised ``AutogradeApp``: the same configuration ``nbgrader autograde ASSIGNMENT`` would load.

    nbgrader reads ``nbgrader_config.py`` from the working directory and the Jupyter config paths, so this
    changes into the course root while it loads.
    """
    from nbgrader.apps import AutogradeApp

    here = os.getcwd()
    os.chdir(course_root)
    try:
        AutogradeApp.clear_instance()
        app = AutogradeApp()
        app.initialize([assignment, *extra_argv])
        app.coursedir.assignment_id = assignment
    finally:
        os.chdir(here)
    return app


def find_submissions(app, students: Iterable[str] | None = None) -> list[str]:
    """Student ids with a submitted folder for the app's assignment (nbgrader's layout and exclusions)."""
    import glob

    coursedir = app.coursedir
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", coursedir.assignment_id)
    found = []
    for folder in glob.glob(pattern):
        if os.path.isdir(folder):
            found.append(Path(folder).parent.name)
    excluded = set(filter(None, (coursedir.student_id_exclude or "").split(",")))
    found = sorted(set(found) - excluded)
    if students:
        wanted = list(dict.fromkeys(students))
        missing = [s for s in wanted if s not in found]
        if missing:
            raise GradingError(f"no submission of {coursedir.assignment_id!r} by: {', '.join(missing)} "
                               f"(looked in {coursedir.submitted_directory}/<student>/{coursedir.assignment_id})")
        found = wanted
    return found


# -- the converter each worker runs ------------------------------------------------------------------------------
@contextlib.contextmanager
def _locked(timeout: float = 120.0):
    """Hold the workers' gradebook lock. A worker killed while holding it (out of memory) cannot release it, so
    waiting ends after ``timeout`` seconds and SQLite's own locking (a busy timeout) takes over."""
    acquired = _DB_LOCK is not None and _DB_LOCK.acquire(timeout=timeout)
    try:
        yield
    finally:
        if acquired:
            _DB_LOCK.release()


def _make_converter_class(execute=None):
    """nbgrader's Autograde converter with its gradebook writes behind the workers' shared lock; it also records
    every score it saves (for the integrity check) and, after each notebook, the guard's refusals.

    ``execute`` replaces nbgrader's ``Execute`` preprocessor: on a Dask worker, one that also keeps each executed
    notebook; in the grading process, one that takes the notebook a worker executed instead of running it again
    (``dask_grade.py``), so every other step, and every gradebook write, is nbgrader's own."""
    from nbgrader import utils
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades

    class LockedSaveAutoGrades(SaveAutoGrades):
        def preprocess(self, nb, resources):
            _CURRENT["refusals"] += [f"{resources['nbgrader']['notebook']}: Not allowed while grading: {r}"
                                     for r in _read_guard_log()]
            with _locked():
                return super().preprocess(nb, resources)

        def _add_score(self, cell, resources):
            super()._add_score(cell, resources)
            auto_score, _ = utils.determine_grade(cell, self.log)
            key = f"{resources['nbgrader']['notebook']}/{cell.metadata['nbgrader']['grade_id']}"
            _CURRENT["written"][key] = auto_score

    class LockedAssignLatePenalties(AssignLatePenalties):
        def preprocess(self, nb, resources):
            with _locked():
                return super().preprocess(nb, resources)

    swap = {SaveAutoGrades: LockedSaveAutoGrades, AssignLatePenalties: LockedAssignLatePenalties}
    if execute is not None:
        swap[Execute] = execute

    class ParallelAutograde(Autograde):
        def _init_preprocessors(self) -> None:
            if not self._sanitizing:
                self.autograde_preprocessors = [swap.get(pp, pp) for pp in self.autograde_preprocessors]
            super()._init_preprocessors()

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            with _locked():
                super().init_assignment(assignment_id, student_id)

    return ParallelAutograde


# what the submission being graded in this worker produced: scores saved, guard refusals, the guard's log, and
# (on a Dask worker) the executed notebooks
_CURRENT: dict = {"written": {}, "refusals": [], "log": None, "offset": 0, "executed": {}}


def _read_guard_log() -> list[str]:
    """New refusals the guard wrote since the last call (one JSON line each)."""
    path = _CURRENT["log"]
    if not path or not os.path.exists(path):
        return []
    with open(path, "rb") as fh:
        fh.seek(_CURRENT["offset"])
        data = fh.read(1_000_000)
        _CURRENT["offset"] += len(data)
    found = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            found.append(str(json.loads(line)["refused"])[:300])
        except (ValueError, KeyError, TypeError):
            continue
    return list(dict.fromkeys(found))


def _kernel_config(app, sandbox: bool, guard: bool):
    """The kernel each notebook runs in: the sandbox kernelspec (which installs the guard itself), or the
    notebook's own kernel with the guard added to its arguments."""
    from traitlets.config import Config

    from .sandbox import sandbox_config

    if sandbox:
        cfg = sandbox_config()
        # this worker's ZeroMQ ipc sockets: an absolute, short prefix of its own in the run's runtime folder
        cfg.KernelManager.ip = os.path.join(os.environ.get("JUPYTER_RUNTIME_DIR", tempfile.gettempdir()),
                                            f"w{os.getpid()}")
        return cfg
    cfg = Config()
    if app.config.get("Execute", {}).get("kernel_name") == "ttt-sandbox":
        cfg.Execute.kernel_name = ""  # the notebook's own kernel (python3), as nbgrader comes
        cfg.KernelManager.transport = "tcp"
        cfg.KernelManager.ip = "127.0.0.1"
    if guard:
        configured = list(app.config.get("Execute", {}).get("extra_arguments", []) or
                          ["--HistoryManager.hist_file=:memory:"])
        cfg.Execute.extra_arguments = configured + [f"--IPKernelApp.exec_files={GUARD_FILE}"]
    return cfg


_ENGINES: dict = {}


@contextlib.contextmanager
def one_engine_per_gradebook(keep: bool = True):
    """nbgrader opens a new ``Gradebook``, with a new SQLAlchemy engine, about nine times per submission, and a new
    engine compiles every query again (most of the time it spends on the gradebook). Inside this block each
    gradebook URL keeps one engine, its compiled queries with it; ``keep=False`` forgets the engines made here when
    the block ends (a temporary gradebook per submission). ``Gradebook.close`` still empties the engine's
    connection pool, as it should."""
    import nbgrader.api as api

    original, made = api.create_engine, []

    def shared(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in _ENGINES:
            _ENGINES[key] = original(url, **kwargs)
            made.append(key)
        return _ENGINES[key]

    api.create_engine = shared
    try:
        yield
    finally:
        api.create_engine = original
        if not keep:
            for key in made:
                _ENGINES.pop(key).dispose()


def _grade_one(app, converter_class, student: str, force: bool, sandbox: bool, guard: bool, run_dir: str,
               keep_engines: bool = True) -> dict:
    from nbgrader.utils import capture_log

    coursedir = app.coursedir
    coursedir.student_id = student
    converter = converter_class(coursedir=coursedir, parent=app)
    converter.update_config(_kernel_config(app, sandbox, guard))
    converter.force = force
    converter.create_student = True
    log = os.path.join(run_dir, f"guard-{os.getpid()}.log")
    with contextlib.suppress(FileNotFoundError):
        os.remove(log)
    _CURRENT.update(written={}, refusals=[], log=log, offset=0, executed={})
    os.environ["TTT_GUARD_LOG"] = log
    start = time.perf_counter()
    here = os.getcwd()
    try:
        with one_engine_per_gradebook(keep_engines):
            result = capture_log(converter)
    finally:
        os.chdir(here)
        coursedir.student_id = "*"
        _kill_children()
    result["seconds"] = time.perf_counter() - start
    result["written"] = dict(_CURRENT["written"])
    result["refusals"] = list(dict.fromkeys(_CURRENT["refusals"] + [f"Not allowed while grading: {r}"
                                                                    for r in _read_guard_log()]))
    return result


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _kill_children() -> None:
    """Kill every process left under this worker (a subreaper: orphans of its kernels come back to it), so
    nothing a submission started outlives its grading."""
    if not os.path.isdir("/proc"):
        return
    me = str(os.getpid())
    for _ in range(50):
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read().decode("utf-8", "replace")
            except OSError:
                continue
            if stat.rsplit(")", 1)[-1].split()[1] == me:
                found.append(int(entry))
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, 9)
        for pid in found:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)


def _quiet_app(app) -> None:
    """The grading process shows progress; a worker's full log travels back with each result."""
    import logging

    for handler in app.log.handlers:
        handler.setLevel(logging.CRITICAL)
    # the app's logger passes everything to its handlers, which filter at log_level; nbgrader's capture_log adds
    # an unfiltered one, so filter at the logger instead (nbclient logs every kernel message at DEBUG)
    app.log.setLevel(app.log_level)


def _prepare_worker_environment(app, guard: bool, run_dir: str) -> None:
    """What the sandbox launcher and the guard of this worker's kernels read from the environment."""
    os.environ["TTT_GRADE_COURSE_ROOT"] = str(Path(app.coursedir.root).resolve())
    os.environ["TTT_GRADE_GUARD"] = "1" if guard else "0"
    if not guard:
        os.environ.pop("TTT_GRADE_COURSE_ROOT")
    os.environ["TTT_SANDBOX_DIR"] = run_dir
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = os.path.join(run_dir, "runtime")
    if os.environ.get("JUPYTER_RUNTIME_DIR") != runtime:
        hide = [jupyter_runtime_dir(), _sqlite_folder(app.coursedir.db_url)]  # other kernels' files, the gradebook
        os.environ["TTT_SANDBOX_HIDE"] = os.pathsep.join(filter(None, hide))
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime  # short paths for the ipc sockets
    os.makedirs(runtime, exist_ok=True)


def _worker(conn, course_root, assignment: str, extra_argv: tuple, force: bool, sandbox: bool, guard: bool,
            run_dir: str, lock) -> None:
    """Grade what the pipe sends, one (assignment, student) after another, until it sends None."""
    global _DB_LOCK
    _prctl(1, 9)  # PR_SET_PDEATHSIG: die (SIGKILL) with the grading process
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphans of the kernels are reparented here, then killed
    if os.getppid() == 1:
        os._exit(1)
    app = load_nbgrader_app(course_root, assignment, extra_argv)
    _DB_LOCK = lock if str(app.coursedir.db_url).startswith("sqlite") else None
    _quiet_app(app)
    devnull = os.open(os.devnull, os.O_WRONLY)  # kernels inherit this stderr: keep their start-up chatter quiet
    os.dup2(devnull, 2)
    os.close(devnull)
    _prepare_worker_environment(app, guard, run_dir)
    converter_class = _make_converter_class()
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        app.coursedir.assignment_id, student = item
        try:
            result = _grade_one(app, converter_class, student, force, sandbox, guard, run_dir)
        except BaseException:  # noqa: BLE001 - reported to the parent, the worker carries on
            result = {"success": False, "error": traceback.format_exc(), "log": "", "seconds": 0.0}
        for key in ("log", "error"):  # a submission that prints megabytes must not flood the pipe
            if result.get(key) and len(result[key]) > 50_000:
                result[key] = "[... cut ...]\n" + result[key][-50_000:]
        conn.send((item, result))


def _sqlite_folder(db_url: str) -> str | None:
    """The folder of a SQLite gradebook (hidden from the kernels), or None for a server database."""
    from sqlalchemy.engine import make_url

    url = make_url(str(db_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return str(Path(url.database).resolve().parent)


# -- the parent ---------------------------------------------------------------------------------------------------
class _Pool:
    """N long-lived worker processes; a worker that dies is replaced and its submission reported as failed."""

    def __init__(self, jobs: int, target: Callable, args: tuple):
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._target, self._args = target, (*args, self._ctx.Lock())
        self.workers: list[list] = [self._start() for _ in range(jobs)]  # [process, connection, item]

    def _start(self) -> list:
        parent_end, child_end = self._ctx.Pipe()
        proc = self._ctx.Process(target=self._target, args=(child_end, *self._args), daemon=True)
        proc.start()
        child_end.close()
        return [proc, parent_end, None]

    def run(self, items: list, on_done: Callable[[object, dict], None]) -> None:
        """Send each item (an (assignment, student) pair) to an idle worker; ``on_done(item, result)``."""
        from multiprocessing.connection import wait

        queue = list(items)
        while queue or any(w[2] for w in self.workers):
            for i, w in enumerate(self.workers):
                if w[2] is None and queue:
                    if not w[0].is_alive():  # died while idle: replace it before giving it work
                        w[1].close()
                        self.workers[i] = w = self._start()
                    w[2] = queue.pop(0)
                    w[1].send(w[2])
            busy = {w[1]: w for w in self.workers if w[2]}
            sentinels = {w[0].sentinel: w for w in busy.values()}
            for ready in wait([*busy, *sentinels]):
                w = busy.get(ready) or sentinels[ready]
                if w[2] is None:
                    continue
                try:
                    item, result = w[1].recv()
                except (EOFError, OSError):
                    item, w[2] = w[2], None
                    w[0].join(5)
                    code = w[0].exitcode
                    result = {"success": False, "log": "", "seconds": 0.0,
                              "error": f"the grading worker stopped (exit code {code}) while grading this submission"}
                    self.workers[self.workers.index(w)] = self._start()
                else:
                    w[2] = None
                on_done(item, result)

    def close(self) -> None:
        for proc, conn, _ in self.workers:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc, conn, _ in self.workers:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()
            conn.close()


def _diagnose(app, student: str, result: dict) -> str:
    """A one-line reason for a failed submission, in the grader's words."""
    import nbformat

    coursedir = app.coursedir
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, coursedir.assignment_id))
    with _gradebook(app) as gb:
        expected = sorted(nb.name for nb in gb.find_assignment(coursedir.assignment_id).notebooks)
    found = sorted(p.stem for p in folder.glob("*.ipynb"))
    for name in found:
        path = folder / f"{name}.ipynb"
        if path.stat().st_size == 0:
            return f"{path.name} is an empty file (0 bytes), not a notebook"
        try:
            json.loads(path.read_bytes())
            nbformat.read(path, as_version=4)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                return f"{path.name} is not text (not UTF-8): not a notebook"
            return f"{path.name} is not valid JSON ({exc.msg} at line {exc.lineno}): not a notebook"
        except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
            return f"{path.name} cannot be read as a notebook: {type(exc).__name__}: {str(exc)[:200]}"
    unknown = [n for n in found if n not in expected]
    if unknown and not set(found) & set(expected):
        return (f"notebook renamed? found {', '.join(n + '.ipynb' for n in unknown)}, expected "
                f"{', '.join(n + '.ipynb' for n in expected)}: rename it back and grade again")
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    if "DeadKernelError" in text or "Kernel died" in text:
        return ("the kernel died while running the notebook (the code ended Python itself, e.g. os._exit(), "
                "or ran out of memory): nbgrader recorded no scores; fix the code or grade it by hand")
    if "UnresponsiveKernelError" in text or "became unresponsive" in text:
        return "the kernel stopped answering and could not be interrupted: nbgrader recorded no scores"
    exception = _exception_line(text)
    if exception:
        return exception
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if (line.startswith("[ERROR]") and "Please see" not in line and "There was an error processing" not in line
                and "Traceback (most recent call last)" not in line):
            return line.removeprefix("[ERROR]").strip()[:300]
    for line in reversed(text.strip().splitlines()):
        if line.strip() and "Traceback (most recent call last)" not in line:
            return line.strip()[:300]
    return "nbgrader could not grade this submission"


_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Failure)|KeyError|StopIteration)"
                        r"(?::\s?(.*))?$")


def _exception_line(text: str) -> str:
    """The last ``ExceptionName: message`` line of a log or traceback (the real reason, not "Traceback...")."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip().removeprefix("[ERROR]").strip()
        m = _EXCEPTION.match(line)
        if m and m[1].rsplit(".", 1)[-1] not in ("CellExecutionError", "NbGraderException"):
            return line[:300]
    return ""


def _notes(app, student: str) -> list[str]:
    """What the autograded notebooks show: timeouts, a dead kernel, the file guard's refusals, cut output."""
    import nbformat

    coursedir = app.coursedir
    folder = Path(coursedir.format_path(coursedir.autograded_directory, student, coursedir.assignment_id))
    notes: list[str] = []
    with _gradebook(app) as gb:
        expected = {nb.name: {c.name for c in nb.grade_cells}
                    for nb in gb.find_assignment(coursedir.assignment_id).notebooks}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001
            continue
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        missing = sorted(expected.get(path.stem, set()) - present)
        if missing:
            notes.append(f"{path.stem}: graded cell(s) deleted from the submission, scored 0: {', '.join(missing)}")
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    ename, evalue = out.get("ename", ""), str(out.get("evalue", ""))
                    if ename == "CellTimeoutError" or "Timeout" in ename:
                        notes.append(f"{path.stem}: a cell ran past the time limit and was stopped")
                    elif ename == "DeadKernelError" or "Kernel died" in evalue:
                        notes.append(f"{path.stem}: the kernel died")
                    elif ename == "PermissionError" and "Not allowed while grading" in evalue:
                        notes.append(f"{path.stem}: {evalue}")
                    elif ename == "MemoryError":
                        notes.append(f"{path.stem}: {LIMIT_NOTE}a cell ran out of memory (MemoryError)")
                    elif ename in ("BlockingIOError", "OSError") and "Resource temporarily unavailable" in evalue:
                        notes.append(f"{path.stem}: {LIMIT_NOTE}a cell hit the limit on processes and threads")
                    elif ename == "OSError" and "File too large" in evalue:
                        notes.append(f"{path.stem}: {LIMIT_NOTE}a cell wrote a file larger than the limit")
    return list(dict.fromkeys(notes))


LIMIT_NOTE = "sandbox limit reached: "


@contextlib.contextmanager
def _gradebook(app):
    from nbgrader.api import Gradebook

    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        yield gb


def default_jobs() -> int:
    """Two workers per CPU: a worker spends about half its time waiting for a kernel to start or stop."""
    return 2 * (os.cpu_count() or 1)


class CohortResults(list):
    """The :class:`SubmissionResult` of each submission (a list, in student order), with what the run found
    about the gradebook: ``integrity`` lists changes this run did not make (empty when all is well) and
    ``resumed`` the students an interrupted run had already graded."""

    def __init__(self, results=(), integrity=(), resumed=()):
        super().__init__(results)
        self.integrity: list[str] = list(integrity)
        self.resumed: list[str] = list(resumed)
        self.cluster_notes: list[str] = []  # what happened to the Dask cluster during the run (a lost worker)
        self.record_seconds = 0.0  # on a Dask cluster: CPU seconds this process spent writing the results


def grade_cohort(course_root: str | os.PathLike, assignment: str, jobs: int | None = None,
                 students: Iterable[str] | None = None, force: bool = True, guard: bool = True,
                 on_result: Callable[[SubmissionResult, int, int], None] | None = None,
                 extra_argv: Iterable[str] = (), sandbox: bool = True, resume: bool = True,
                 scheduler: str | None = None, shared_course: bool = False) -> CohortResults:
    """Autograde every submission of ``assignment`` with ``jobs`` long-lived worker processes.

    Parameters
    ----------
    course_root : path
        The nbgrader course root (the folder with ``nbgrader_config.py``).
    assignment : str
        The assignment id, as for ``nbgrader autograde``.
    jobs : int, optional
        Number of worker processes (default: twice the number of CPUs). Each worker waits about half of its time
        for kernels to start and stop, so two workers per CPU keep every core busy (measured in
        ``benchmarks/bench_grade.py``: on 2 cores, 4 workers graded 40 submissions 2.35x faster than
        ``nbgrader autograde``, 2 workers 1.54x).
    students : list of str, optional
        Grade only these students.
    force : bool
        Grade again submissions already autograded (``nbgrader autograde --force``).
    guard : bool
        Install the file guard in each kernel (see ``_kernel_guard.py``).
    on_result : callable, optional
        Called as ``on_result(result, done, total)`` after each submission (the progress bar).
    sandbox : bool
        Run each kernel in the bubblewrap sandbox (see ``sandbox.py``); :class:`GradingError` if it cannot run.
    resume : bool
        Skip the submissions an interrupted run of the same assignment already graded (its progress file in
        ``autograded/``); a run that completes removes that file.
    scheduler : str, optional
        The address of a ``dask.distributed`` scheduler (``tcp://HOST:8786``): grade on its workers instead of
        local worker processes, one task per submission (see ``dask_grade.py``). Only this process writes the
        gradebook. Without it, Dask is not imported.
    shared_course : bool
        With ``scheduler``: every worker sees the course folder at the same path, so tasks carry paths, not files.

    Returns
    -------
    CohortResults: the results in student order, with scores read back from the gradebook, and the integrity
    check of the gradebook after the run.
    """
    return grade_assignments(course_root, [assignment], jobs=jobs, students=students, force=force, guard=guard,
                             on_result=on_result, extra_argv=extra_argv, sandbox=sandbox, resume=resume,
                             scheduler=scheduler, shared_course=shared_course)[assignment]


class _AssignmentRun:
    """What one run knows of one assignment: its nbgrader app, the submissions to grade, their results, its
    journal, and the scores its workers wrote."""

    def __init__(self, course_root: Path, assignment: str, students, extra_argv, resume: bool):
        from nbgrader.api import MissingEntry

        self.assignment = assignment
        self.app = load_nbgrader_app(course_root, assignment, extra_argv)
        try:
            with _gradebook(self.app) as gb:
                gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(f"assignment {assignment!r} is not in the gradebook: run "
                               f"`nbgrader generate_assignment {assignment}` first") from None
        self.todo = find_submissions(self.app, students)
        self.results = {s: SubmissionResult(s, assignment=assignment) for s in self.todo}
        self.journal = _Journal(course_root, self.app, assignment)
        earlier = ({s: r for s, r in self.journal.load().items() if r.get("status") != "failed"}
                   if resume and self.todo else {})
        self.resumed = [s for s in self.todo if s in earlier]
        for student in self.resumed:
            res = self.results[student]
            res.status, res.message = earlier[student].get("status", "graded"), earlier[student].get("message", "")
            res.notes = list(earlier[student].get("notes", [])) + ["graded by the interrupted run this one resumed"]
        self.queue = [s for s in self.todo if s not in earlier]
        self.earlier = {s: earlier[s] for s in self.resumed}
        self.written: dict[str, dict] = {}

    def finished(self, student: str, raw: dict) -> SubmissionResult:
        app, res = self.app, self.results[student]
        res.seconds = raw.get("seconds", 0.0)
        res.worker = raw.get("worker") or ""
        res.log = (raw.get("log") or "") + (raw.get("error") or "")
        if raw.get("success"):
            res.status = "skipped" if "Skipping existing assignment" in res.log else "graded"
            self.written[student] = raw.get("written", {})
        else:
            res.status = "failed"
            app.coursedir.assignment_id = self.assignment
            res.message = _diagnose(app, student, raw)
        res.notes = list(raw.get("refusals", []))
        if res.status != "failed":
            res.notes = list(dict.fromkeys(_notes(app, student) + res.notes))
            if res.status == "graded" and any("Not allowed while grading" in n or LIMIT_NOTE in n for n in res.notes):
                res.status = "flagged"
        self.journal.record(student, res)
        return res

    @property
    def failed(self) -> set[str]:
        return {s for s in self.queue if self.results[s].status == "failed"}

    def finish(self, integrity: list[str]) -> CohortResults:
        from nbgrader.api import MissingEntry

        _clear_failed(self.app, self.assignment, self.failed)
        with _gradebook(self.app) as gb:
            for student, res in self.results.items():
                if res.status == "failed":
                    continue  # an old score is not this run's result
                try:
                    sub = gb.find_submission(self.assignment, student)
                except MissingEntry:
                    continue
                res.score, res.max_score = sub.score, sub.max_score
        self.journal.finish()
        return CohortResults([self.results[s] for s in self.todo], integrity, self.resumed)


def grade_assignments(course_root: str | os.PathLike, assignments: Iterable[str], jobs: int | None = None,
                      students: Iterable[str] | None = None, force: bool = True, guard: bool = True,
                      on_result: Callable[[SubmissionResult, int, int], None] | None = None,
                      extra_argv: Iterable[str] = (), sandbox: bool = True, resume: bool = True,
                      scheduler: str | None = None, shared_course: bool = False) -> dict[str, CohortResults]:
    """Autograde every submission of several assignments (``ttt grade A B C``) with one set of ``jobs`` workers.

    The workers start once and take submissions of any of the assignments from one queue, so none waits idle at
    the end of an assignment while the next one starts. Parameters are those of :func:`grade_cohort` (``students``
    must have submitted every assignment named); returns assignment -> :class:`CohortResults`, in the order
    given. The integrity check covers the whole gradebook: a change to an assignment this run did not grade is
    reported under each assignment. On a Dask cluster (``scheduler``) the assignments are graded one after another.
    """
    course_root = Path(course_root).resolve()
    assignments = list(dict.fromkeys(assignments))
    if not assignments:
        raise GradingError("no assignment to grade")
    if not (course_root / "nbgrader_config.py").exists():
        raise GradingError(f"{course_root} is not an nbgrader course root (no nbgrader_config.py)")
    if sandbox and not scheduler:  # on a cluster, each worker checks its own sandbox
        from .sandbox import SandboxUnavailable, check_sandbox

        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            raise GradingError(f"the grading sandbox cannot run: {exc}") from None
    if scheduler and len(assignments) > 1:
        return {a: grade_cohort(course_root, a, jobs=jobs, students=students, force=force, guard=guard,
                                on_result=on_result, extra_argv=extra_argv, sandbox=sandbox, resume=resume,
                                scheduler=scheduler, shared_course=shared_course) for a in assignments}
    runs = {a: _AssignmentRun(course_root, a, students, extra_argv, resume) for a in assignments}
    first = runs[assignments[0]]
    total = sum(len(r.todo) for r in runs.values())
    if not total:
        return {a: CohortResults() for a in assignments}
    queue = [(a, s) for a in assignments for s in runs[a].queue]
    jobs = max(1, min(jobs or default_jobs(), len(queue) or 1))
    done = sum(len(r.resumed) for r in runs.values())
    before = _gradebook_snapshot(first.app)
    for run in runs.values():
        if run.todo:
            run.journal.start(run.earlier)

    def finished(item, raw: dict) -> None:
        nonlocal done
        assignment, student = item if isinstance(item, tuple) else (assignments[0], item)
        res = runs[assignment].finished(student, raw)
        done += 1
        if on_result is not None:
            on_result(res, done, total)

    run_dir = tempfile.mkdtemp(prefix="ttt-grade-")
    cluster_notes: list[str] = []
    record_seconds = 0.0
    try:
        if queue:
            if scheduler:
                from .dask_grade import DaskPool

                pool = DaskPool(scheduler, first.app, course_root, first.assignment, force, sandbox, guard,
                                shared_course)
                queue = [s for _, s in queue]
            else:
                pool = _Pool(jobs, _worker, (str(course_root), first.assignment, tuple(extra_argv), force, sandbox,
                                             guard, run_dir))
            try:
                pool.run(queue, finished)
            finally:
                pool.close()
            cluster_notes = list(getattr(pool, "notes", []))
            record_seconds = getattr(pool, "record_seconds", 0.0)
    finally:
        import shutil

        shutil.rmtree(run_dir, ignore_errors=True)

    after = _gradebook_snapshot(first.app)
    written = {(a, s): w for a, run in runs.items() for s, w in run.written.items()}
    failed = {(a, s) for a, run in runs.items() for s in run.failed}
    integrity = _integrity_problems(before, after, written, failed)
    out = {}
    for a, run in runs.items():
        out[a] = run.finish(integrity) if run.todo else CohortResults()
        out[a].cluster_notes, out[a].record_seconds = cluster_notes, record_seconds
    return out


# -- the gradebook is the grader's: what a run may change, and the check that nothing else did ---------------------
def _gradebook_snapshot(app) -> dict[tuple, tuple]:
    """(assignment, student, notebook, grade_id) -> (auto_score, manual_score, extra_credit) for every grade."""
    from nbgrader.api import Grade, SubmittedAssignment, SubmittedNotebook

    out = {}
    with _gradebook(app) as gb:
        rows = (gb.db.query(Grade, SubmittedNotebook, SubmittedAssignment)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id))
        for grade, snb, sub in rows:
            key = (sub.assignment.name, sub.student.id, snb.notebook.name, grade.name)
            out[key] = (grade.auto_score, grade.manual_score, grade.extra_credit)
    return out


def _integrity_problems(before: dict, after: dict, written: dict[tuple[str, str], dict],
                        failed: set[tuple[str, str]]) -> list[str]:
    """Changes to the gradebook this run did not make: a score it did not write, a manual score changed during
    autograde, a grade that appeared or vanished outside the submissions it graded. ``written`` and ``failed`` are
    keyed by (assignment, student)."""
    problems = []

    def show(value):
        return "none" if value is None else f"{value:g}"

    for key in sorted(set(before) | set(after), key=str):
        a, student, notebook, grade = key
        old, new = before.get(key), after.get(key)
        where = f"{student} {a} {notebook}/{grade}"
        ours = (a, student) in written or (a, student) in failed
        if new is None:
            problems.append(f"{where}: the grade was deleted during the run")
            continue
        if not ours:
            if old != new:
                problems.append(f"{where}: changed during the run, not by the grader "
                                f"(auto {show(old[0] if old else None)} -> {show(new[0])}, "
                                f"manual {show(old[1] if old else None)} -> {show(new[1])})")
            continue
        if old is not None and new[1:] != old[1:]:
            problems.append(f"{where}: manual score changed during autograde ({show(old[1])} -> {show(new[1])})")
        elif old is None and new[1:] != (None, None):
            problems.append(f"{where}: a manual score appeared during autograde ({show(new[1])})")
        expected = written.get((a, student), {}).get(f"{notebook}/{grade}", old[0] if old else None)
        if new[0] != expected and not ((a, student) in failed and new[0] is None):
            problems.append(f"{where}: auto score {show(new[0])} in the gradebook, this run produced "
                            f"{show(expected)}")
    return problems


def _clear_failed(app, assignment: str, failed: set[str]) -> None:
    """A submission that could not be graded keeps no automatic score from an earlier run."""
    from nbgrader.api import MissingEntry

    if not failed:
        return
    with _gradebook(app) as gb:
        for student in sorted(failed):
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.auto_score is not None:
                        grade.auto_score = None
                        grade.needs_manual_grade = True
        gb.db.commit()


class _Journal:
    """``autograded/.ttt-grade-<assignment>.json``: who this run has graded, so that an interrupted run (the
    grading process killed) resumes where it stopped. Removed when a run completes."""

    def __init__(self, course_root: Path, app, assignment: str):
        folder = Path(app.coursedir.format_path(app.coursedir.autograded_directory, ".", ".")).parent
        if not folder.is_absolute():
            folder = course_root / folder
        self.path = folder.resolve() / f".ttt-grade-{assignment}.json"
        self.done: dict[str, dict] = {}

    def load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): dict(v) for k, v in data.get("graded", {}).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def start(self, earlier: dict[str, dict]) -> None:
        self.done = dict(earlier)
        self._write()

    def record(self, student: str, res: SubmissionResult) -> None:
        self.done[student] = {"status": res.status, "message": res.message, "notes": res.notes}
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"graded": self.done}, indent=0), encoding="utf-8")
        os.replace(tmp, self.path)

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def format_table(results: list[SubmissionResult]) -> str:
    """The summary table: student, score, max, status, seconds (then the reasons for failures and flags)."""
    rows = [("student", "score", "max", "status", "seconds")]
    for r in results:
        rows.append((r.student, "-" if r.score is None else f"{r.score:g}",
                     "-" if r.max_score is None else f"{r.max_score:g}", r.status, f"{r.seconds:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) if j in (0, 3) else cell.rjust(w)
                               for j, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    details = []
    for r in results:
        if r.message:
            details.append(f"{r.student}: {r.message}")
        details += [f"{r.student}: {note}" for note in r.notes]
    if details:
        lines += ["", *details]
    return "\n".join(lines)


class ProgressBar:
    """A one-line progress bar on a terminal; one line per submission otherwise (logs, CI). ``assignments``: name
    the assignment of the last submission too (when several are graded at once)."""

    def __init__(self, stream=None, width: int = 30, assignments: bool = False):
        self.stream = stream or sys.stderr
        self.width = width
        self.assignments = assignments
        self.start = time.perf_counter()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.failed = 0

    def __call__(self, result: SubmissionResult, done: int, total: int) -> None:
        self.failed += result.status == "failed"
        elapsed = time.perf_counter() - self.start
        filled = int(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        last = f"{result.assignment} {result.student}" if self.assignments else result.student
        text = (f"[{bar}] {done}/{total} submissions, {self.failed} failed, {elapsed:.1f} s "
                f"(last: {last} {result.status})")
        if self.tty:
            self.stream.write("\r" + text + ("\n" if done == total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
