"""A trainee's self-check: the visible tests of a released notebook, run the way the autograder runs them.

``ttt_widgets.grading.check()`` in a notebook (or the *Check my answers* button, :class:`SelfCheck`) grades the
notebook as last saved, in a separate process, with nbgrader's own ``Autograde`` converter: the same preprocessors
(the course's, or the kit's defaults below, which equal the kit's course configuration), the same kernel (the
sandbox, where bubblewrap runs) and the same rules (a test cell that raises scores 0, a ``Checklist`` scores its
partial points). Its course is a temporary one built from the notebook itself, so only the tests the trainee can
see run: the hidden tests never leave the grader's machine (the released notebook does not hold them). A test
cell whose text differs from the release (nbgrader's checksum) is named: the grader will run the original.

Fast feedback invites guessing (otter-grader issue #148). So a check of answers already checked shows the earlier
result again without running anything, and a check of changed answers waits until ``TTT_CHECK_INTERVAL`` seconds
(default 30) have passed since the previous check of that notebook; both say so.

    python -m ttt_widgets.grading.selfcheck NOTEBOOK.ipynb [...]   # JSON, one result per notebook

>>> check("warmup.ipynb")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["check", "SelfCheck", "CheckResult", "TaskResult", "run_checks", "kit_config", "CHECK_INTERVAL"]

CHECK_INTERVAL = 30.0  # seconds between two checks of changed answers (TTT_CHECK_INTERVAL)
STUDENT = "trainee"


@dataclass
class TaskResult:
    """One graded cell: its points (None: graded by hand, or not trusted) and what its checks printed."""

    name: str
    points: float | None
    max_points: float
    kind: str  # test | manual
    messages: str = ""
    changed: bool = False  # the test cell differs from the released one


@dataclass
class CheckResult:
    """The outcome of one self-check of a notebook."""

    notebook: str
    tasks: list[TaskResult] = field(default_factory=list)
    error: str = ""
    checked_at: float = 0.0
    saved_at: float = 0.0
    note: str = ""  # what the rate limit did ("same answers as...", "next check in...")
    sandbox: bool = False

    @property
    def points(self) -> float:
        return sum(t.points or 0.0 for t in self.tasks if t.kind == "test")

    @property
    def max_points(self) -> float:
        return sum(t.max_points for t in self.tasks if t.kind == "test")

    def text(self) -> str:
        """The result as plain text (what ``check()`` prints)."""
        lines = []
        if self.note:
            lines += [self.note, ""]
        if self.error:
            return "\n".join(lines + [f"The check could not run: {self.error}"])
        saved = time.strftime("%H:%M:%S", time.localtime(self.saved_at)) if self.saved_at else "?"
        lines.append(f"Visible tests of {self.notebook} (as saved at {saved}): {self.points:g} of "
                     f"{self.max_points:g} points. Hidden tests run only when your work is graded.")
        for t in self.tasks:
            if t.kind == "manual":
                lines.append(f"- {t.name}: graded by hand ({t.max_points:g} points)")
                continue
            score = "?" if t.points is None else f"{t.points:g}"
            lines.append(f"- {t.name}: {score} of {t.max_points:g} points")
            if t.changed:
                lines.append("  This test cell is not the one you were given: the grader runs the original. "
                             "Undo your change to it (or fetch the assignment again).")
            if t.messages:
                lines += ["  " + m for m in t.messages.splitlines()]
        return "\n".join(lines)


# -- the grading side (a separate process) ------------------------------------------------------------------------
def kit_config():
    """The kit's grading configuration where no course folder is found (a notebook fetched on JupyterHub): the
    same settings as the kit's course (``assignments/nbgrader_config.py``; a test keeps the two equal)."""
    from traitlets.config import Config

    from .preprocessors import autograde_preprocessors
    from .sandbox import use_sandbox

    c = Config()
    c.ExecutePreprocessor.timeout = 30
    c.ExecutePreprocessor.interrupt_on_timeout = True
    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    c.LimitOutputSize.max_chars = 100_000
    use_sandbox(c, memory="2 GiB", tasks=128, cpu_seconds=600, file_size="100 MiB")
    return c


def _empty_gradebook(path: Path, assignment: str, notebook, course_id: str) -> str:
    """A new SQLite gradebook holding the notebook's cells as released (nbgrader's SaveCells reads them)."""
    from nbgrader.api import Base, Gradebook
    from nbgrader.preprocessors import SaveCells
    from sqlalchemy import create_engine

    url = f"sqlite:///{path}"
    engine = create_engine(url)  # nbgrader's tables without asking the alembic command for a version
    try:
        Base.metadata.create_all(bind=engine)
    finally:
        engine.dispose()
    with Gradebook(url, course_id) as gb:
        gb.update_or_create_assignment(assignment)
    resources = {"nbgrader": {"notebook": notebook["name"], "assignment": assignment, "db_url": url}}
    SaveCells().preprocess(notebook["nb"], resources)
    return url


def _released(nb):
    """The notebook with every locked cell as nbgrader released it, where its checksum says it changed: we cannot
    restore a changed cell (the release is not here), so we report it and do not count it."""
    from nbgrader import utils

    changed = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade_id") or "checksum" not in meta or utils.is_solution(cell):
            continue
        if utils.compute_checksum(cell) != meta["checksum"]:
            changed.add(meta["grade_id"])
    return changed


def _messages(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            out.append(f"{o.get('ename', 'Error')}: {o.get('evalue', '')}")
    text = "".join(x if x.endswith("\n") else x + "\n" for x in out).strip("\n")
    return text[-4000:]


def _course_root_for(path: Path) -> Path | None:
    from .sandbox import find_course_root

    found = find_course_root(path.parent)
    if found is None and os.environ.get("TTT_COURSE"):
        candidate = Path(os.environ["TTT_COURSE"])
        found = candidate if (candidate / "nbgrader_config.py").is_file() else None
    return found


def run_checks(paths: list[str | os.PathLike]) -> list[CheckResult]:
    """Self-check each notebook in this process (what ``python -m ttt_widgets.grading.selfcheck`` runs)."""
    import nbformat
    from nbgrader.api import Gradebook

    from . import autograde as ag
    from .sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
        sandbox = True
    except SandboxUnavailable:
        sandbox = False
    ag._prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: whatever the kernel leaves is killed after each notebook
    run_dir = tempfile.mkdtemp(prefix="ttt-check-")
    results = []
    apps: dict = {}
    converter_class = ag._make_converter_class()
    try:
        for raw in paths:
            path = Path(raw).resolve()
            res = CheckResult(path.name, sandbox=sandbox, checked_at=time.time())
            results.append(res)
            try:
                res.saved_at = path.stat().st_mtime
                nb = nbformat.read(path, as_version=4)
            except (OSError, ValueError) as exc:
                res.error = f"{path.name} cannot be read as a notebook ({type(exc).__name__}: {exc})"
                continue
            assignment = path.parent.name or "assignment"
            course = Path(tempfile.mkdtemp(prefix="c", dir=run_dir))
            try:
                root = _course_root_for(path)
                key = (str(root), assignment)
                if key not in apps:
                    if root is not None:
                        app = ag.load_nbgrader_app(root, assignment)
                    else:
                        app = ag.load_nbgrader_app(course, assignment)
                        app.update_config(kit_config())
                    ag._quiet_app(app)
                    apps[key] = app
                app = apps[key]
                url = _empty_gradebook(course / "gradebook.db", assignment, {"name": path.stem, "nb": nb},
                                       app.coursedir.course_id)
                submitted = course / "submitted" / STUDENT / assignment
                shutil.copytree(path.parent, submitted, ignore=shutil.ignore_patterns(
                    "*.ipynb", ".ipynb_checkpoints", "__pycache__", ".*"))
                shutil.copy(path, submitted / path.name)
                app.coursedir.root = str(course)
                app.coursedir.db_url = url
                app.coursedir.assignment_id = assignment
                app.coursedir.notebook_id = path.stem
                ag._prepare_worker_environment(app, True, run_dir)
                outcome = ag._grade_one(app, converter_class, STUDENT, True, sandbox, True, run_dir,
                                        keep_engines=False)
                if not outcome.get("success"):
                    log = (outcome.get("log") or "") + (outcome.get("error") or "")
                    res.error = ag._exception_line(log) or "nbgrader could not run the notebook"
                    continue
                graded = nbformat.read(course / "autograded" / STUDENT / assignment / path.name, as_version=4)
                changed = _released(nb)
                with Gradebook(url) as gb:
                    scores = {g.name: (g.auto_score, g.max_score, g.cell.cell_type)
                              for g in gb.find_submission_notebook(path.stem, assignment, STUDENT).grades}
                for cell in graded.cells:
                    gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                    if gid not in scores:
                        continue
                    auto, top, kind = scores[gid]
                    manual = kind == "markdown" or auto is None
                    res.tasks.append(TaskResult(
                        gid, None if manual or gid in changed else float(auto), float(top),
                        "manual" if manual else "test", "" if manual else _messages(cell), gid in changed))
            except Exception as exc:  # noqa: BLE001 - a self-check says what went wrong, it never crashes
                res.error = f"{type(exc).__name__}: {exc}"[:500]
            finally:
                shutil.rmtree(course, ignore_errors=True)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return results


# -- the trainee's side (the notebook's kernel) -------------------------------------------------------------------
def _answers_key(path: Path) -> str:
    """A fingerprint of the answers (solution cells) in the saved notebook."""
    data = json.loads(path.read_text(encoding="utf-8"))
    h = hashlib.sha256()
    for cell in data.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            src = cell.get("source", "")
            h.update(("".join(src) if isinstance(src, list) else src).encode("utf-8") + b"\0")
    return h.hexdigest()


def _state_file(path: Path) -> Path:
    from ..config import data_dir

    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return data_dir() / "self-check" / f"{name}.json"


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("TTT_CHECK_INTERVAL", CHECK_INTERVAL)))
    except ValueError:
        return CHECK_INTERVAL


def _find_notebook(path) -> Path:
    if path:
        return Path(path)
    session = os.environ.get("JPY_SESSION_NAME")  # set by Jupyter Server for the notebook this kernel runs
    if session and session.endswith(".ipynb") and Path(session).is_file():
        return Path(session)
    found = sorted(Path.cwd().glob("*.ipynb"))
    if len(found) == 1:
        return found[0]
    raise FileNotFoundError("which notebook? call check('name.ipynb') with the notebook's file name")


def check(path: str | os.PathLike | None = None, *, show: bool = True, now=time.time) -> CheckResult:
    """Run the visible tests of the saved notebook ``path`` (default: this notebook) as the autograder does.

    Prints the points per task and the checks' messages (``show=False``: only returns them). Save the notebook
    first (Ctrl-S): the check grades the file, as the grader will.
    """
    try:
        nb_path = _find_notebook(path).resolve()
        key = _answers_key(nb_path)
    except (OSError, ValueError, FileNotFoundError) as exc:
        res = CheckResult(str(path or "this notebook"), error=str(exc))
        if show:
            print(res.text())
        return res
    state_path = _state_file(nb_path)
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    last = state.get("checked_at", 0.0)
    t = now()
    if state.get("key") == key and state.get("result"):
        res = _from_dict(state["result"])
        res.note = (f"Same answers as your check at {time.strftime('%H:%M:%S', time.localtime(last))}: this is "
                    "that result again, nothing was run. Change an answer to check again.")
    elif t - last < _interval():
        wait = _interval() - (t - last)
        res = CheckResult(nb_path.name, note=(
            f"One check every {_interval():g} seconds: next check in {wait:.0f} s. Quick re-checks invite guessing; "
            "read the messages of your last check and decide what to change first."))
    else:
        proc = subprocess.run([sys.executable, "-m", "ttt_widgets.grading.selfcheck", str(nb_path)],
                              capture_output=True, text=True, timeout=900, cwd=str(nb_path.parent))
        try:
            res = _from_dict(json.loads(proc.stdout.strip().splitlines()[-1])[0])
        except (ValueError, IndexError, KeyError):
            res = CheckResult(nb_path.name, error=(proc.stderr.strip().splitlines() or ["no output"])[-1][:500])
        if not res.error:
            state = {"key": key, "checked_at": t, "result": asdict(res)}
            state_path.parent.mkdir(parents=True, exist_ok=True)
            state_path.write_text(json.dumps(state), encoding="utf-8")
    if show:
        print(res.text())
    return res


def _from_dict(data: dict) -> CheckResult:
    data = dict(data)
    data["tasks"] = [TaskResult(**t) for t in data.get("tasks", [])]
    return CheckResult(**data)


def SelfCheck(path: str | os.PathLike | None = None):  # noqa: N802 - a widget, named like one
    """The *Check my answers* button of a released notebook (an ipywidgets VBox whose ``button.click()`` runs
    :func:`check`). While nbgrader grades the notebook it shows nothing and runs nothing."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    import ipywidgets as widgets

    button = widgets.Button(description="Check my answers", icon="check", button_style="primary",
                            tooltip="Runs the visible tests of this notebook as saved (save first: Ctrl-S)")
    status = widgets.Label("Save the notebook (Ctrl-S), then check. Hidden tests run only when you are graded.")
    report = widgets.HTML()
    box = widgets.VBox([button, status, report])

    def run(_=None):
        button.disabled = True
        status.value = "Checking the saved notebook..."
        try:
            res = check(path, show=False)
        finally:
            button.disabled = False
        status.value = res.note or ("" if res.error else f"{res.points:g} of {res.max_points:g} points on the "
                                                         "visible tests")
        report.value = _html(res)
        box.result = res

    button.on_click(run)
    box.button, box.status, box.report, box.result = button, status, report, None
    return box


def _html(res: CheckResult) -> str:
    """The result as an HTML table; every text (names, the checks' messages) is escaped."""
    if res.error:
        return f"<p>The check could not run: {html.escape(res.error)}</p>"
    if not res.tasks:
        return ""
    rows = []
    for t in res.tasks:
        score = ("graded by hand" if t.kind == "manual" else "?" if t.points is None
                 else f"{t.points:g} of {t.max_points:g}")
        note = ("This test cell is not the one you were given: the grader runs the original. "
                if t.changed else "") + t.messages
        rows.append(f"<tr><td>{html.escape(t.name)}</td><td>{html.escape(score)}</td>"
                    f"<td><pre style='white-space:pre-wrap;margin:0'>{html.escape(note)}</pre></td></tr>")
    return ("<table><tr><th>task</th><th>points</th><th>what the checks said</th></tr>" + "".join(rows) +
            "</table>")


def main(argv: list[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m ttt_widgets.grading.selfcheck NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    import warnings

    with warnings.catch_warnings():  # nbgrader's API warns (SAWarning) while it records a submission
        warnings.simplefilter("ignore")
        results = run_checks(paths)
    sys.stdout.write(json.dumps([asdict(r) for r in results]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
