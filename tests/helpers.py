"""Test helpers shared by every layer: free ports, waiting for servers, PostgreSQL, notebooks, Chromium, the check of
HTML charts read from the back of a room."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DASHBOARDS = NOTEBOOKS / "dashboards"
ASSIGNMENTS = ROOT / "assignments"


class Unavailable(RuntimeError):
    """Something a test layer needs is not on this machine."""


def skip_or_fail(require_var: str, reason: str):
    """Skip with a one-line reason, or fail when the environment variable says the layer is required (CI)."""
    if os.environ.get(require_var, "") not in ("", "0"):
        pytest.fail(f"{reason} ({require_var} is set, so this cannot be skipped)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            text = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}\n{text}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            last = exc
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


@dataclass
class Process:
    """A server started by a test, stopped with its whole process group."""

    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_process(cmd: list[str], log: Path, cwd: Path | None = None, env: dict | None = None) -> Process:
    fh = open(log, "wb")
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
                            env=env, start_new_session=True)
    fh.close()
    return Process(proc, log)


# -- PostgreSQL -------------------------------------------------------------------------------------------------
PG_USER = "ttt-pgtest"


def _pg_bin() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise Unavailable("initdb not found (Debian: apt-get install postgresql)")


@dataclass
class PostgresServer:
    directory: Path
    port: int
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, args: list[str]) -> None:
        cmd = args if self.run_as is None else ["runuser", "-u", self.run_as, "--", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise Unavailable(f"{' '.join(args[:1])} failed: {proc.stderr.strip()[-500:]}")

    @classmethod
    def start(cls, directory: Path) -> "PostgresServer":
        bindir = _pg_bin()
        run_as = None
        if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
            try:
                pwd.getpwnam(PG_USER)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                               check=True, capture_output=True)
            run_as = PG_USER
            # the server user must reach its folder: a fresh one in the system's temp folder (world-traversable),
            # owned by that user, instead of opening up every parent of the test's own folder
            import tempfile

            directory = Path(tempfile.mkdtemp(prefix="ttt-pg-"))
            shutil.chown(directory, PG_USER)
        server = cls(directory, free_port(), run_as)
        data = directory / "data"
        server._run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        server._run([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(directory / "pg.log"), "-o",
                     f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                     "start"])
        server._bindir = bindir
        return server

    def stop(self, remove: bool = True) -> None:
        try:
            self._run([str(self._bindir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"])
        except Unavailable:
            pass
        if remove and self.run_as is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def restart(self) -> None:
        """Start the stopped server again on the same port and data."""
        self._run([str(self._bindir / "pg_ctl"), "-D", str(self.directory / "data"), "-w", "-t", "60", "-l",
                   str(self.directory / "pg.log"), "-o",
                   f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200", "start"])


# -- notebooks --------------------------------------------------------------------------------------------------
def execute_notebook(path: Path, timeout: int = 120, cwd: Path | None = None):
    """Run a notebook top to bottom with nbclient; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    client.execute()
    return nb


def error_outputs(nb) -> list[str]:
    """Error outputs and warnings written to stderr by any cell."""
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                out.append(f"cell {i} stderr: {o.get('text', '')[:500]}")
    return out


def notebook_text(path: Path) -> str:
    nb = json.loads(path.read_text())
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"])


# -- browser ----------------------------------------------------------------------------------------------------
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_or_skip() -> str:
    sys.path.insert(0, str(ROOT))
    from ttt_widgets.doctor import chromium_path

    path = chromium_path()
    if path is None:
        skip_or_fail("TTT_REQUIRE_BROWSER", "Chromium not found (apt-get install chromium, or set TTT_CHROMIUM)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        skip_or_fail("TTT_REQUIRE_BROWSER", "playwright is not installed (pip install -e '.[test]')")
    return path


# -- nbgrader ---------------------------------------------------------------------------------------------------
class Course:
    """A temporary copy of the kit's nbgrader course root, with helpers to release, submit and autograde."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(ASSIGNMENTS, root, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", ".ipynb_checkpoints", "__pycache__"))

    def nbgrader(self, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.root, capture_output=True, text=True,
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def release(self, assignment: str) -> Path:
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.root / "release" / assignment

    def submit(self, student: str, assignment: str, notebooks: dict[str, "object"]) -> Path:
        """Place notebooks (nbformat objects, or raw text/bytes for broken files) as a student's submission."""
        import nbformat

        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, nb in notebooks.items():
            target = folder / name
            if isinstance(nb, bytes):
                target.write_bytes(nb)
            elif isinstance(nb, str):
                target.write_text(nb)
            else:
                nbformat.write(nb, target)
        (folder / "timestamp.txt").write_text("2026-11-24 09:00:00.000000 UTC")
        return folder

    def released_notebook(self, assignment: str, name: str):
        import nbformat

        return nbformat.read(self.root / "release" / assignment / name, as_version=4)

    def scores(self, assignment: str) -> dict[str, float]:
        """student id -> total score of that assignment, read through nbgrader's Gradebook API."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            return {s.student.id: s.score for s in gb.assignment_submissions(assignment)}

    def cell_scores(self, assignment: str, notebook: str, student: str) -> dict[str, float]:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(notebook, assignment, student)
            return {grade.name: grade.score for grade in nb.grades}


def replace_in_cell(nb, grade_id: str, new_source: str):
    """Return a copy of a notebook with the source of one nbgrader cell replaced (as a student would answer)."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = new_source
            return nb
    raise KeyError(f"no cell with grade_id {grade_id!r}")


# -- dashboards (ttt present) -----------------------------------------------------------------------------------
def wait_for_preheat(proc: Process, dashboards: Path, timeout: float = 180) -> None:
    """Wait until Voila's log says every servable notebook of ``dashboards`` has its preheated kernel."""
    from ttt_widgets.serve import is_servable

    names = [p.relative_to(dashboards).as_posix() for p in dashboards.rglob("*.ipynb")
             if ".ipynb_checkpoints" not in p.parts and is_servable(dashboards, p.relative_to(dashboards).as_posix())]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = proc.output()
        if all(f"Kernel pool of {name} is filled" in text for name in names):
            return
        if proc.proc.poll() is not None:
            raise RuntimeError(f"ttt present exited with {proc.proc.returncode}:\n{text[-3000:]}")
        time.sleep(0.25)
    missing = [n for n in names if f"Kernel pool of {n} is filled" not in proc.output()]
    raise TimeoutError(f"no preheated kernel within {timeout}s for {missing}:\n{proc.output()[-3000:]}")


def lab_run_all_cells(page, attempts: int = 3, wait_ms: int = 30_000) -> None:
    """In an open JupyterLab notebook, choose Run > Run All Cells, as a trainee would, until execution starts.

    A Run All sent while the kernel connection is still settling can be dropped silently; it is sent again (up to
    ``attempts`` times) until a cell shows an execution prompt ([*] or [n]).
    """
    import re

    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)
    # that indicator can read idle before the kernel is connected, and a Run All sent then is dropped now and again
    # (30 s lost to the retry): wait until the status bar reports the kernel idle too
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(timeout=90_000)
    started = page.locator(".jp-InputArea-prompt", has_text=re.compile(r"\[(\*|\d+)\]"))
    for attempt in range(attempts):
        _lab_dismiss_dialogs(page)
        page.get_by_role("menuitem", name="Run").click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:
            started.first.wait_for(state="attached", timeout=wait_ms)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def _lab_dismiss_dialogs(page) -> list[str]:
    """Close JupyterLab dialogs that would block the menu (a kernel chooser is answered with its default)."""
    seen = []
    dialogs = page.locator(".jp-Dialog")
    for _ in range(3):
        if dialogs.count() == 0:
            break
        text = dialogs.first.inner_text()
        seen.append(text)
        accept = dialogs.first.locator(".jp-Dialog-footer .jp-mod-accept")
        if "Select Kernel" in text and accept.count():
            accept.first.click()
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    return seen


# -- the live service ---------------------------------------------------------------------------------------------
@dataclass
class LiveServer:
    """``ttt present`` started for a test: its address, lead token, data folder (the store) and process."""

    url: str
    token: str
    data_dir: Path
    process: Process
    store_url: str

    def request(self, method: str, path: str, body=None, headers: dict | None = None, raw: bytes | None = None):
        """(status, JSON reply) of one request; never raises for an HTTP error status."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode()
                return resp.status, (json.loads(text) if "json" in resp.headers.get("Content-Type", "") else text)
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")
            try:
                return exc.code, json.loads(text)
            except ValueError:
                return exc.code, text

    def stop(self) -> None:
        self.process.stop()


def start_live_server(folder: Path, dashboards: Path | None = None, env: dict | None = None,
                      preheat: bool = False, ip: str = "127.0.0.1", port: int | None = None,
                      token: str | None = None) -> LiveServer:
    """Start the real ``ttt present`` (with a lead token) serving ``dashboards`` (default: an empty folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "server-data"
    if dashboards is None:
        dashboards = folder / "dashboards"
        dashboards.mkdir(exist_ok=True)
    port = port or free_port()
    token = token or "lead-" + os.urandom(12).hex()
    cmd = [sys.executable, "-m", "ttt_widgets.cli", "present", "--port", str(port), "--dashboards", str(dashboards),
           "--token", token, "--ip", ip, *([] if preheat else ["--no-preheat"])]
    server_env = {**os.environ, "TTT_DATA_DIR": str(data), **(env or {})}
    server_env.pop("TTT_SESSION", None)
    proc = start_process(cmd, folder / f"present-{port}.log", cwd=dashboards, env=server_env)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url + "ttt/api/ping", timeout=90, proc=proc.proc, log=proc.log)
    if preheat:
        wait_for_preheat(proc, dashboards, timeout=180)
    store_url = (env or {}).get("TTT_DB_URL") or f"sqlite:///{data / 'live.sqlite'}"
    return LiveServer(url, token, data, proc, store_url)


# -- grading sandbox --------------------------------------------------------------------------------------------
def sandbox_available() -> bool:
    """Whether bubblewrap can create the grading sandbox on this machine."""
    sys.path.insert(0, str(ROOT))
    from ttt_widgets.grading.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable:
        return False
    return True


def sandbox_or_skip() -> None:
    """Skip (or fail under TTT_REQUIRE_SANDBOX) when the grading sandbox cannot run here."""
    sys.path.insert(0, str(ROOT))
    from ttt_widgets.grading.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as exc:
        skip_or_fail("TTT_REQUIRE_SANDBOX", f"grading sandbox not available: {exc}")


# -- faults between the store and PostgreSQL ---------------------------------------------------------------------
class FaultProxy:
    """A TCP proxy in front of PostgreSQL that can lose the reply to a COMMIT: the COMMIT reaches the server (the
    transaction is committed) but the client's connection is cut before it hears so, as when a network drops.

    ``drop_commits(n)`` loses the next ``n`` COMMIT replies; ``dropped`` counts them. ``url`` is the store URL
    through the proxy.
    """

    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        import threading

        self.upstream = (host, upstream_port)
        self.port = free_port()
        self.dropped = 0
        self._to_drop = 0
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, database_url: str) -> str:
        import sqlalchemy as sa

        return sa.engine.make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    def drop_commits(self, n: int = 1) -> None:
        with self._lock:
            self._to_drop += n

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        import threading

        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            state = {"kill_on_reply": False}
            threading.Thread(target=self._pump, args=(client, server, state, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False), daemon=True).start()

    def _pump(self, src, dst, state, to_server: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if to_server and b"COMMIT" in data:
                    with self._lock:
                        if self._to_drop > 0:
                            self._to_drop -= 1
                            state["kill_on_reply"] = True
                if not to_server and state["kill_on_reply"]:  # the server answered the COMMIT: lose the answer
                    self.dropped += 1
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


# -- HTML charts read from the back of the room (browser tests) -----------------------------------------------------
#: what makes an HTML chart unreadable from the back row, measured in the browser for each chart the selector finds:
#: no box; a line of its text outside the chart or the window, or on top of another line of its text (tick labels
#: crowding a narrow axis); the chart wider than its box; no bar or point drawn. Hidden tick labels (a narrow axis
#: drops every other one) and the screen-reader table take no room and are not counted.
CHART_PROBLEMS = """(selector) => [...document.querySelectorAll(selector)].map((chart) => {
  const box = chart.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const lines = [];
  const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest("table, style")) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0) { lines.push({text: node.textContent.trim().slice(0, 30), r}); }
    }
  }
  const overlapping = [];
  lines.forEach((a, i) => lines.slice(i + 1).forEach((b) => {
    if (a.r.left < b.r.right - 1 && b.r.left < a.r.right - 1 && a.r.top < b.r.bottom - 1 && b.r.top < a.r.bottom - 1) {
      overlapping.push(`${a.text} / ${b.text}`);
    }
  }));
  const value = chart.querySelector(".ttt-chart-value, .ttt-chart-empty");
  return {
    visible: box.width > 0 && box.height > 0 && chart.getClientRects().length > 0,
    lines: lines.length,
    outside: lines.filter(({r}) => r.left < box.left - 1 || r.right > box.right + 1 || r.right > width + 1)
      .map(({text, r}) => `${text} (${Math.round(r.left)}-${Math.round(r.right)} px)`),
    overlapping,
    overflowing: chart.scrollWidth > chart.clientWidth + 1,
    rows: chart.querySelectorAll(".ttt-chart-label").length,
    marks: [...chart.querySelectorAll(".ttt-chart-bar, .ttt-chart-point")]
      .filter((el) => el.getBoundingClientRect().width > 0).length,
    ticks: [...chart.querySelectorAll(".ttt-chart-tick")].filter((el) => el.getClientRects().length > 0).length,
    fontSize: value ? parseFloat(getComputedStyle(value).fontSize) : 0,
  };
})"""


def charts_read_from_the_back(page, selector: str, rows: list[int]) -> list[dict]:
    """Check the page's HTML charts at 1920x1080, then at 1280x720 in large type: visible, no text cut, outside or on
    top of other text, and their text larger in large type. Returns what was measured at each size."""
    seen = []
    for (width, height), large in (((1920, 1080), False), ((1280, 720), True)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(f"document.body.classList.toggle('ttt-large', {'true' if large else 'false'})")
        # the page's panels follow a new window size on the next frames: measure once the chart fits the window
        page.wait_for_function("(sel) => [...document.querySelectorAll(sel)].every((c) => "
                               "c.getBoundingClientRect().right <= document.documentElement.clientWidth)",
                               arg=selector, timeout=10_000)
        page.wait_for_timeout(300)
        found = page.evaluate(CHART_PROBLEMS, selector)
        where = f"{selector} at {width}x{height}{' large' if large else ''}"
        assert [c["rows"] for c in found] == rows, where
        for chart in found:
            assert chart["visible"] and chart["lines"] >= 3, where
            assert chart["outside"] == [], f"text outside the chart in {where}"
            assert chart["overlapping"] == [], f"text on text in {where}"
            assert not chart["overflowing"], where
            assert chart["marks"] >= 1 or chart["rows"] == 0, where
        seen.append(found)
    for normal, large in zip(*seen):
        assert large["fontSize"] >= 1.25 * normal["fontSize"] > 0  # the chart's words grow with the page's type
    return seen
