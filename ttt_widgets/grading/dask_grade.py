"""Grade a cohort on a ``dask.distributed`` cluster: one task per submission, the gradebook written only here.

``ttt grade ASSIGNMENT --scheduler tcp://HOST:8786`` (or ``TTT_DASK_SCHEDULER``) sends each submission to whichever
worker has room. The task carries the submission's files; a worker grades it with nbgrader's own ``Autograde``
converter (in the sandbox, with the guard, exactly as a local worker does) inside a private, temporary course that
holds only this assignment's definition (a small SQLite gradebook built here from the real one) and the source
folder's other files. It sends back nbgrader's log, the guard's refusals and each notebook as it was executed.

The grading process then runs nbgrader's converter once more for that submission with ``Execute`` replaced by the
worker's executed notebook (:class:`ReplayExecute`): nbgrader itself sanitises the submission, restores the test
cells, cuts the output, saves the scores and late penalties into the real gradebook and writes ``autograded/``.
Results are written one at a time, in the order they arrive, by this one process, so a SQLite gradebook works and
no worker ever needs the gradebook's address or password.

A worker that is lost (its machine stops, it is killed) loses its task; the scheduler gives the task to another
worker (up to ``distributed.scheduler.allowed-failures`` times), and a submission is written to the gradebook once,
when its first result arrives.

Workers need the same environment as the grading process (the kit, nbgrader, bubblewrap) and one thread each:
``dask worker tcp://HOST:8786 --nworkers 4 --nthreads 1 --preload ttt_widgets.grading.dask_grade`` (nbgrader
changes the working folder while it converts, which a process shares between its threads, so tasks in the same
process take turns; the preload loads nbgrader when the worker starts instead of during its first task).

With ``shared_course=True`` every worker mounts the course folder at the same path (NFS, a JupyterHub's shared
volume): tasks then carry the submission's path instead of its files, and workers read ``submitted/`` and
``source/`` there. They still write only to a temporary folder of their own.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import shutil
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Callable

from . import autograde as ag

__all__ = ["DaskPool", "grade_on_worker", "MAX_TASK_BYTES"]

#: largest submission (all its files) a task carries; larger ones need the shared course folder
MAX_TASK_BYTES = 64 * 1024**2
_PROCESS_LOCK = threading.Lock()  # nbgrader chdirs: one submission at a time per worker process
_STATE: dict = {}  # the run this worker process is set up for


# -- what travels -------------------------------------------------------------------------------------------------
def _files(folder: Path, ignore: list[str], skip_notebooks: bool = False) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or any(fnmatch.fnmatch(part, pat) for part in rel.split("/") for pat in ignore):
            continue
        if skip_notebooks and path.suffix == ".ipynb" and "/" not in rel:
            continue
        out[rel] = path.read_bytes()
    return out


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = (folder / rel).resolve()
        if folder.resolve() not in target.parents:  # a name such as ../x: never outside the folder
            raise ValueError(f"refusing a file name that leaves its folder: {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def assignment_gradebook(app, assignment: str, path: Path) -> bytes:
    """A new SQLite gradebook at ``path`` holding only the definition of ``assignment`` (its notebooks and their
    grade, solution, task and source cells, copied from the course's gradebook); returns its bytes."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, text

    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as src:
        version = src.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    # nbgrader's own tables, stamped with the course gradebook's schema version (asking alembic for the version,
    # as a new Gradebook does, takes seconds)
    engine = create_engine(f"sqlite:///{path}")
    try:
        Base.metadata.create_all(bind=engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        engine.dispose()
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as src, \
            Gradebook(f"sqlite:///{path}", app.coursedir.course_id) as out:
        a = src.find_assignment(assignment)
        out.update_or_create_assignment(assignment, duedate=a.duedate)
        for nb in a.notebooks:
            out.update_or_create_notebook(nb.name, assignment)
            for c in nb.grade_cells:
                out.update_or_create_grade_cell(c.name, nb.name, assignment, max_score=c.max_score,
                                                cell_type=c.cell_type)
            for c in nb.solution_cells:
                out.update_or_create_solution_cell(c.name, nb.name, assignment)
            for c in nb.task_cells:
                out.update_or_create_task_cell(c.name, nb.name, assignment, max_score=c.max_score,
                                               cell_type=c.cell_type)
            for c in nb.source_cells:
                out.update_or_create_source_cell(c.name, nb.name, assignment, cell_type=c.cell_type,
                                                 locked=c.locked, source=c.source, checksum=c.checksum)
    return path.read_bytes()


# -- on a worker --------------------------------------------------------------------------------------------------
def _setup(bundle: dict):
    """Load nbgrader once per run in this worker process (the configuration the grading process loaded)."""
    if _STATE.get("run") == bundle["run"]:
        return _STATE
    import pickle

    from .sandbox import LIMITS_ENV

    if bundle.get("limits"):
        os.environ[LIMITS_ENV] = bundle["limits"]
    same = (bundle["assignment"], pickle.dumps(bundle["config"]))
    if _STATE.get("same") == same:  # the next run of the same assignment and configuration: nbgrader is ready
        _STATE["run"] = bundle["run"]
        return _STATE
    old = _STATE.get("dir")
    if old:
        shutil.rmtree(old, ignore_errors=True)
    run_dir = tempfile.mkdtemp(prefix="ttt-dask-")
    if not _STATE:
        import atexit

        atexit.register(lambda: _STATE.get("dir") and shutil.rmtree(_STATE["dir"], ignore_errors=True))
    empty = os.path.join(run_dir, "course")
    os.makedirs(empty)
    ag._prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphans of the kernels come back here, then are killed
    app = ag.load_nbgrader_app(empty, bundle["assignment"])
    app.update_config(bundle["config"])
    ag._quiet_app(app)
    _STATE.clear()
    _STATE.update(run=bundle["run"], same=same, dir=run_dir, app=app,
                  converter=ag._make_converter_class(_capturing_execute()))
    return _STATE


def _capturing_execute():
    import nbformat
    from nbgrader.preprocessors import Execute

    class CapturingExecute(Execute):
        """nbgrader's Execute, keeping each executed notebook to send back to the grading process."""

        def preprocess(self, nb, resources):
            nb, resources = super().preprocess(nb, resources)
            ag._CURRENT["executed"][resources["nbgrader"]["notebook"]] = nbformat.writes(nb)
            return nb, resources

    return CapturingExecute


def grade_on_worker(bundle: dict, student: str, files: dict[str, bytes] | None) -> dict:
    """The task: grade one submission in a temporary course of this worker; returns nbgrader's outcome and the
    executed notebooks (never touches the real gradebook)."""
    with _PROCESS_LOCK:
        state = _setup(bundle)
        app, assignment = state["app"], bundle["assignment"]
        course = Path(tempfile.mkdtemp(prefix="c", dir=state["dir"]))
        try:
            (course / "gradebook.db").write_bytes(bundle["gradebook"])
            source = course / "source" / assignment
            submitted = course / "submitted" / student / assignment
            if bundle.get("shared"):
                shared = Path(bundle["shared"])
                shutil.copytree(shared / "source" / assignment, source,
                                ignore=shutil.ignore_patterns("*.ipynb", *app.coursedir.ignore))
                shutil.copytree(shared / "submitted" / student / assignment, submitted)
            else:
                source.mkdir(parents=True)
                _write_files(source, bundle["source_files"])
                submitted.mkdir(parents=True)
                _write_files(submitted, files or {})
            app.coursedir.root = str(course)
            app.coursedir.db_url = f"sqlite:///{course / 'gradebook.db'}"
            app.coursedir.assignment_id = assignment
            ag._prepare_worker_environment(app, bundle["guard"], state["dir"])
            result = ag._grade_one(app, state["converter"], student, True, bundle["sandbox"], bundle["guard"],
                                   state["dir"], keep_engines=False)  # a temporary gradebook per task
        except BaseException:  # noqa: BLE001 - reported to the grading process as this submission's failure
            import traceback

            result = {"success": False, "error": traceback.format_exc(), "log": "", "seconds": 0.0}
        finally:
            shutil.rmtree(course, ignore_errors=True)
        result["executed"] = dict(ag._CURRENT["executed"])
        ag._CURRENT["executed"] = {}
        result.pop("written", None)  # the scores of the temporary gradebook: the grading process writes its own
        with contextlib.suppress(ImportError, ValueError):
            from distributed import get_worker

            result["worker"] = get_worker().address
        for key in ("log", "error"):
            if result.get(key) and len(result[key]) > 50_000:
                result[key] = "[... cut ...]\n" + result[key][-50_000:]
        return result


def dask_setup(worker=None) -> None:
    """``dask worker ... --preload ttt_widgets.grading.dask_grade``: load nbgrader when the worker starts, not
    during its first task."""
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters  # noqa: F401


def worker_check(sandbox: bool) -> str:
    """Run on every worker before the first task: '' when it can grade, else the reason it cannot."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        return "nbgrader is not installed"
    if sandbox:
        from .sandbox import SandboxUnavailable, check_sandbox

        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            return f"the grading sandbox cannot run: {exc}"
    return ""


# -- in the grading process ---------------------------------------------------------------------------------------
def _replay_execute(executed: dict[str, str], error: str):
    import nbformat
    from nbgrader.preprocessors import Execute

    class ReplayExecute(Execute):
        """Instead of running the notebook, take the one a worker executed from the same sanitised submission."""

        def preprocess(self, nb, resources):
            name = resources["nbgrader"]["notebook"]
            if name not in executed:
                raise RuntimeError(f"the worker did not execute {name}.ipynb:\n{error}")
            done = nbformat.reads(executed[name], as_version=4)
            if _shape(done) != _shape(nb):
                raise RuntimeError(f"{name}.ipynb: the worker's notebook does not match the submission's cells")
            return done, resources

    return ReplayExecute


def _shape(nb) -> list[tuple]:
    return [(c.cell_type, c.metadata.get("nbgrader", {}).get("grade_id")) for c in nb.cells]


def record(app, student: str, remote: dict, force: bool) -> dict:
    """Write one worker's result into the real gradebook and ``autograded/`` with nbgrader's converter."""
    from nbgrader.utils import capture_log

    coursedir = app.coursedir
    coursedir.student_id = student
    converter = ag._make_converter_class(_replay_execute(remote.get("executed", {}), remote.get("error") or ""))(
        coursedir=coursedir, parent=app)
    converter.force = force
    converter.create_student = True
    ag._CURRENT.update(written={}, refusals=[], log=None, offset=0, executed={})
    here = os.getcwd()
    try:
        with warnings.catch_warnings(), ag.one_engine_per_gradebook():
            warnings.simplefilter("ignore")  # nbgrader's API warns (SAWarning) about a notebook it cannot read
            local = capture_log(converter)
    finally:
        os.chdir(here)
        coursedir.student_id = "*"
    remote_ok = bool(remote.get("success"))
    return {"success": bool(local.get("success")) and (remote_ok or "Skipping existing" in (local.get("log") or "")),
            "log": (remote.get("log") or "") + (local.get("log") or ""),
            "error": (remote.get("error") or "") + (local.get("error") or ""),
            "seconds": remote.get("seconds", 0.0), "written": dict(ag._CURRENT["written"]),
            "refusals": list(remote.get("refusals", [])), "worker": remote.get("worker")}


def _probe(address: str, timeout: float) -> None:
    """Say plainly when the address is not one or nothing listens there, before a Dask client tries for
    ``timeout`` seconds."""
    import socket

    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return
        host, port = parse_host_port(location)
    except ValueError as exc:
        raise ag.GradingError(f"{address!r} is not a Dask scheduler address such as tcp://HOST:8786 ({exc})") from None
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ag.GradingError(f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}; is "
                              f"`dask scheduler` running there?") from None


class DaskPool:
    """Grade submissions as tasks on a Dask cluster; same ``run(students, on_done)`` as the local pool."""

    def __init__(self, address: str, app, course_root: Path, assignment: str, force: bool, sandbox: bool,
                 guard: bool, shared_course: bool = False, timeout: float = 30):
        try:
            from distributed import Client
        except ImportError:
            raise ag.GradingError("--scheduler needs dask.distributed: pip install 'ttt-workshop-kit[dask]'") from None
        self.app, self.course_root, self.assignment, self.force = app, course_root, assignment, force
        ag._quiet_app(app)  # the progress bar and the summary speak; nbgrader's log stays with each result
        self.notes: list[str] = []
        self.record_seconds = 0.0  # CPU seconds spent here writing results (one after another: bounds a cluster)
        _probe(address, timeout)
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ag.GradingError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        except ValueError as exc:  # an unknown scheme
            raise ag.GradingError(f"{address!r} is not a Dask scheduler address such as tcp://HOST:8786 "
                                  f"({exc})") from None
        try:
            self.workers = set(self.client.scheduler_info(n_workers=-1)["workers"])
        except TypeError:  # older distributed: every worker is listed
            self.workers = set(self.client.scheduler_info()["workers"])
        if not self.workers:
            self.client.close()
            raise ag.GradingError(f"the Dask scheduler at {address} has no workers: start some with "
                                  f"`dask worker {address} --nthreads 1`")
        problems = {w: p for w, p in self.client.run(worker_check, sandbox).items() if p}
        if problems:
            self.client.close()
            raise ag.GradingError("these Dask workers cannot grade: " +
                                  "; ".join(f"{w}: {p}" for w, p in sorted(problems.items())))
        with tempfile.TemporaryDirectory() as tmp:
            gradebook = assignment_gradebook(app, assignment, Path(tmp) / "gradebook.db")
        from .sandbox import LIMITS_ENV

        coursedir = app.coursedir
        bundle = {"run": uuid.uuid4().hex, "assignment": assignment, "config": app.config, "gradebook": gradebook,
                  "sandbox": sandbox, "guard": guard, "limits": os.environ.get(LIMITS_ENV, ""),
                  "shared": str(course_root) if shared_course else None,
                  "source_files": {} if shared_course else _files(
                      Path(coursedir.format_path(coursedir.source_directory, ".", assignment)), coursedir.ignore,
                      skip_notebooks=True)}
        self.bundle = self.client.scatter(bundle, broadcast=True)
        self.shared = shared_course

    def _submission(self, student: str) -> dict[str, bytes] | None:
        if self.shared:
            return None
        coursedir = self.app.coursedir
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, self.assignment))
        files = _files(folder, [])
        size = sum(len(v) for v in files.values())
        if size > MAX_TASK_BYTES:
            raise ValueError(f"the submission holds {size / 1024**2:.0f} MiB of files, more than a task carries "
                             f"({MAX_TASK_BYTES // 1024**2} MiB): grade it with a shared course folder")
        return files

    def run(self, students: list[str], on_done: Callable[[str, dict], None]) -> None:
        from distributed import as_completed

        futures = {}
        for student in students:
            try:
                files = self._submission(student)
            except (OSError, ValueError) as exc:
                on_done(student, {"success": False, "log": "", "error": str(exc), "seconds": 0.0})
                continue
            # pure=False: a new task each run, never a result cached from an earlier one
            future = self.client.submit(grade_on_worker, self.bundle, student, files, pure=False,
                                        key=f"ttt-grade-{self.assignment}-{student}-{uuid.uuid4().hex[:8]}")
            futures[future] = student
        seen: set[str] = set()
        for future in as_completed(list(futures), loop=self.client.loop):
            student = futures[future]
            if student in seen:  # never record a submission twice
                continue
            seen.add(student)
            try:
                remote = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost scheduler...: this submission fails
                remote = {"success": False, "log": "", "seconds": 0.0,
                          "error": f"the Dask task was lost: {type(exc).__name__}: {exc}"}
            start = time.thread_time()  # CPU time: on one machine, the workers' kernels also slow its wall time
            try:
                result = record(self.app, student, remote, self.force)
            except Exception as exc:  # noqa: BLE001
                result = {**remote, "success": False, "error": f"{remote.get('error', '')}\n{exc}"}
            self.record_seconds += time.thread_time() - start
            future.release()
            on_done(student, result)
        self._note_lost_workers()

    def _note_lost_workers(self) -> None:
        with contextlib.suppress(Exception):
            now = set(self.client.scheduler_info()["workers"])
            for worker in sorted(self.workers - now):
                self.notes.append(f"worker {worker} left the cluster during the run; the scheduler gave its "
                                  "submissions to other workers, each graded once")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)


def wait_for_workers(address: str, n: int, timeout: float = 60) -> None:
    """Wait until the scheduler at ``address`` has ``n`` workers (for scripts and tests that start a cluster)."""
    from distributed import Client

    with Client(address, timeout=timeout, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=timeout)
