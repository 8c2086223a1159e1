"""The sandbox every grading kernel runs in: a kernelspec (``ttt-sandbox``) whose launcher starts ipykernel inside
bubblewrap (``bwrap``), so ``nbgrader autograde`` and ``ttt grade`` run a submission's code the same way.

What a kernel sees (built by :func:`bwrap_command`):

- the whole file system read-only, with empty, private folders over ``/tmp``, ``/var/tmp``, ``/run``, the home
  folders, the course root, the gradebook's folder and Jupyter's runtime folder (other kernels' connection files);
- the kit's Python environment (read-only), the submission's own autograded folder (read-write) and a private
  per-kernel folder holding its connection file, its ZeroMQ sockets and fresh IPython/Jupyter/matplotlib folders;
- new user, pid, ipc, uts (and cgroup) namespaces and, with ZeroMQ's ``ipc`` transport (which :func:`use_sandbox`
  configures), a new network namespace with only its own loopback: no connection can leave the sandbox;
- ``--die-with-parent`` and a new session; resource limits (memory, tasks, CPU seconds, file size) set inside the
  sandbox, so they count only the kernel and its children (see :class:`Limits`).

Connection: jupyter_client writes the connection file and will connect to ``<ip>-<port>`` socket paths. The launcher
gives the kernel a copy whose ``ip`` lies in the per-kernel folder and links each expected path to the socket the
kernel binds there; nothing else of the runtime folder is visible inside. With the ``tcp`` transport (a course that
configures it), the network namespace has to stay shared (the client connects over loopback), so a submission can
still reach services listening on this machine's loopback; the other walls stay.

Use in ``nbgrader_config.py`` (the kit's course does this)::

    from ttt_widgets.grading.sandbox import use_sandbox
    use_sandbox(c, memory="2 GiB", tasks=128, cpu_seconds=600, file_size="100 MiB")

which sets ``c.Execute.kernel_name = "ttt-sandbox"`` and ``c.KernelManager.transport = "ipc"``.

>>> Limits.parse(memory="1.5 GiB").memory
1610612736
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

__all__ = ["Limits", "KERNEL_NAME", "use_sandbox", "sandbox_config", "bwrap_command", "check_sandbox",
           "kernel_dir", "SandboxUnavailable"]

KERNEL_NAME = "ttt-sandbox"
GUARD_FILE = Path(__file__).with_name("_kernel_guard.py")
LIMITS_ENV = "TTT_SANDBOX_LIMITS"

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1024**3, "gb": 1000**3, "gib": 1024**3}


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create the sandbox on this machine."""


def _size(value, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a size such as '2 GiB' or a number of bytes, not {value!r}")
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    else:
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", str(value))
        if not m or m[2].lower() not in _UNITS:
            raise ValueError(f"{name} must be a size such as '2 GiB', '500 MiB' or a number of bytes, not {value!r}")
        number, unit = float(m[1]), m[2].lower()
    size = int(number * _UNITS[unit])
    if size <= 0:
        raise ValueError(f"{name} must be more than 0 bytes, not {value!r}")
    return size


class Limits(NamedTuple):  # a NamedTuple, not a dataclass: the launcher starts once per kernel (see main)
    """Resource limits of one grading kernel, each applied with ``setrlimit`` inside the sandbox.

    memory : address space of each process, bytes (``RLIMIT_AS``): a larger allocation raises ``MemoryError``.
    tasks : processes and threads of the kernel's user inside its namespace (``RLIMIT_NPROC``).
    cpu_seconds : CPU seconds of each process (``RLIMIT_CPU``): the kernel is stopped when it runs out.
    file_size : largest file a process may write, bytes (``RLIMIT_FSIZE``); also the size of each private tmpfs.
    """

    memory: int = 2 * 1024**3
    tasks: int = 128
    cpu_seconds: int = 600
    file_size: int = 100 * 1024**2

    @classmethod
    def parse(cls, memory="2 GiB", tasks=128, cpu_seconds=600, file_size="100 MiB") -> "Limits":
        """Limits from sizes written as text ('2 GiB') or numbers; clear errors for anything else."""
        for name, value in (("tasks", tasks), ("cpu_seconds", cpu_seconds)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of 1 or more, not {value!r}")
        if tasks < 16:
            raise ValueError(f"tasks must be at least 16 (a kernel alone runs about 10 threads), not {tasks}")
        limits = cls(_size(memory, "memory"), tasks, cpu_seconds, _size(file_size, "file_size"))
        if limits.memory < 256 * 1024**2:
            raise ValueError(f"memory must be at least 256 MiB (a kernel alone needs about 150 MiB), not {memory!r}")
        return limits

    def to_env(self) -> str:
        return json.dumps(self._asdict())

    @classmethod
    def from_env(cls, text: str | None) -> "Limits":
        if not text:
            return cls()
        return cls(**json.loads(text))


def kernel_dir() -> Path:
    """The folder to put on ``JUPYTER_PATH`` so that jupyter_client finds the ``ttt-sandbox`` kernelspec."""
    return Path(__file__).with_name("jupyter")


def _add_kernel_path() -> None:
    here = str(kernel_dir())
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if here not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([here, *parts])


def sandbox_config(limits: Limits | None = None):
    """A traitlets ``Config``: nbgrader's Execute uses the sandbox kernel over ZeroMQ ``ipc`` sockets."""
    from traitlets.config import Config

    _add_kernel_path()
    if limits is not None:
        os.environ[LIMITS_ENV] = limits.to_env()
    cfg = Config()
    cfg.Execute.kernel_name = KERNEL_NAME
    cfg.KernelManager.transport = "ipc"
    return cfg


def use_sandbox(c, memory="2 GiB", tasks: int = 128, cpu_seconds: int = 600, file_size="100 MiB",
                required: bool = False) -> Limits | None:
    """Configure nbgrader (``c`` of ``nbgrader_config.py``) to run every kernel in the sandbox with these limits.

    The limits reach the kernel launcher through the ``TTT_SANDBOX_LIMITS`` environment variable of the process
    that loaded the configuration (``nbgrader autograde`` or each ``ttt grade`` worker). The ZeroMQ ``ipc``
    sockets of this process's kernels go in a private folder of its own, removed when it exits.

    Where bubblewrap is missing, plain nbgrader commands keep working without the sandbox after a warning on
    stderr (``required=True`` raises :class:`SandboxUnavailable` instead); ``ttt grade`` always refuses to grade
    without it unless given ``--no-sandbox``.
    """
    import atexit

    limits = Limits.parse(memory, tasks, cpu_seconds, file_size)
    os.environ[LIMITS_ENV] = limits.to_env()
    if not _bwrap():
        if required:
            raise SandboxUnavailable("bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap")
        print("nbgrader_config.py: bubblewrap (bwrap) is not installed, so kernels run WITHOUT the grading "
              "sandbox: sudo apt-get install bubblewrap", file=sys.stderr)
        return None
    c.merge(sandbox_config(limits))
    folder = tempfile.mkdtemp(prefix="ttt-ipc-")
    atexit.register(shutil.rmtree, folder, True)
    c.KernelManager.ip = os.path.join(folder, "k")
    return limits


def _bwrap() -> str | None:
    found = shutil.which("bwrap")
    if found:
        return found
    return "/usr/bin/bwrap" if os.access("/usr/bin/bwrap", os.X_OK) else None


# -- what the sandbox looks like ----------------------------------------------------------------------------------
def find_course_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` with an ``nbgrader_config.py`` (nbgrader's course root)."""
    for folder in [start, *start.parents]:
        if (folder / "nbgrader_config.py").is_file():
            return folder
    return None


def _inside(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def _environment_paths(workdir: Path) -> list[Path]:
    """Where the kit's Python, its packages and its own source live (bound read-only where hidden)."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
             Path(__file__).resolve().parents[2]}
    for entry in sys.path:
        if entry and os.path.isdir(entry) and not _inside(Path(entry).resolve(), workdir):
            paths.add(Path(entry).resolve())
    # keep the outermost only
    out = sorted(paths, key=lambda p: len(p.parts))
    return [p for i, p in enumerate(out) if not any(_inside(p, q) for q in out[:i])]


def bwrap_command(bwrap: str, kernel_cmd: list[str], workdir: Path, private: Path, hide: list[Path],
                  limits: Limits, network: bool, env: dict[str, str]) -> list[str]:
    """The bubblewrap command line for one kernel (pure: only builds the list).

    ``workdir`` is bound read-write, ``private`` (the per-kernel folder) too; ``hide`` are folders replaced by
    empty tmpfs after the broad ones (tmp, run, homes); the Python environment is bound back read-only where a
    hidden folder covered it.
    """
    size = str(limits.file_size)
    cmd = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    broad = [Path(p) for p in ("/tmp", "/var/tmp", "/run", "/dev/shm", "/home", "/root")]
    home = Path(os.path.expanduser("~"))
    if home != Path("/") and not any(_inside(home, b) for b in broad):
        broad.append(home)
    hidden: list[Path] = []
    for folder in broad:
        if folder.is_dir() and not folder.is_symlink():
            cmd += ["--size", size, "--tmpfs", str(folder)]
            hidden.append(folder)
    for path in _environment_paths(workdir):
        if any(_inside(path, h) for h in hidden) and path.exists():
            cmd += ["--ro-bind", str(path), str(path)]
    for folder in hide:
        folder = Path(folder)
        if folder.is_dir() and not any(_inside(folder, h) and folder != h for h in hidden):
            cmd += ["--size", size, "--tmpfs", str(folder)]
    cmd += ["--bind", str(workdir), str(workdir), "--bind", str(private), str(private)]
    cmd += ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "grading"]
    if not network:
        cmd.append("--unshare-net")
    cmd += ["--die-with-parent", "--new-session", "--chdir", str(workdir)]
    for name in ("JPY_PARENT_PID", "TTT_GUARD_LOG", LIMITS_ENV, "TTT_SANDBOX_DIR", "TTT_SANDBOX_HIDE"):
        cmd += ["--unsetenv", name]
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    return cmd + ["--", *kernel_cmd]


# applied inside the sandbox, in the kernel's own Python before ipykernel starts, so RLIMIT_NPROC counts the
# tasks of this namespace only (set outside, it would count every process of the grader's user)
_BOOTSTRAP = """\
import resource, runpy, sys
for name, value in {limits!r}:
    resource.setrlimit(getattr(resource, name), (value, value if name != 'RLIMIT_CPU' else value + 5))
sys.argv = ['ipykernel_launcher', *sys.argv[1:]]
runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)
"""


def kernel_command(limits: Limits, connection_file: Path, extra: list[str], guard: bool) -> list[str]:
    pairs = [("RLIMIT_AS", limits.memory), ("RLIMIT_NPROC", limits.tasks), ("RLIMIT_CPU", limits.cpu_seconds),
             ("RLIMIT_FSIZE", limits.file_size), ("RLIMIT_CORE", 0)]
    cmd = [sys.executable, "-c", _BOOTSTRAP.format(limits=pairs), "-f", str(connection_file), *extra]
    if guard:
        cmd.append(f"--IPKernelApp.exec_files={GUARD_FILE}")
    return cmd


def check_sandbox(bwrap: str | None = None) -> str:
    """Start an empty sandbox with every namespace the kernels get; returns bubblewrap's version or raises
    :class:`SandboxUnavailable` with the reason and the fix."""
    bwrap = bwrap or _bwrap()
    if not bwrap:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap "
                                 "(or dnf install bubblewrap), or grade with --no-sandbox")
    probe = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
             "--unshare-all", "--die-with-parent", "--new-session", "true"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
        version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"{bwrap} cannot run: {exc}") from None
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise SandboxUnavailable(f"{bwrap} cannot create a sandbox here ({reason}): user namespaces may be "
                                 "disabled (sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile "
                                 "for bwrap), or grade with --no-sandbox")
    return f"{version or 'bubblewrap'} at {bwrap}"


# -- the launcher (argv of the kernelspec) ------------------------------------------------------------------------
def _die_with_parent() -> None:
    """Linux: get SIGKILL when the process that started this launcher (a grading worker) dies.

    The parent is the one jupyter_client names in ``JPY_PARENT_PID``: a parent killed while this launcher was
    still starting has already left it to another process, and ``getppid()`` alone would not show it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    named = os.environ.get("JPY_PARENT_PID", "")
    parent = int(named) if named.isdigit() else os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _kill_with_this_process() -> None:
    """In bubblewrap's process, before it starts: SIGKILL when this launcher dies (bwrap's --die-with-parent
    covers only the sandboxed process, not bwrap itself)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))


def _parse_args(argv: list[str]) -> tuple[Path, list[str]]:
    if "-f" not in argv or argv.index("-f") + 1 >= len(argv):
        raise SystemExit("usage: python -m ttt_widgets.grading.sandbox -f CONNECTION_FILE [kernel arguments]")
    i = argv.index("-f")
    return Path(argv[i + 1]), argv[:i] + argv[i + 2:]


def _hidden_folders(workdir: Path) -> list[Path]:
    hide: list[Path] = []
    root = os.environ.get("TTT_GRADE_COURSE_ROOT")
    course = Path(root) if root else find_course_root(workdir)
    if course is not None:
        hide.append(course.resolve())
    for extra in filter(None, os.environ.get("TTT_SANDBOX_HIDE", "").split(os.pathsep)):
        hide.append(Path(extra).resolve())
    try:
        from jupyter_core.paths import jupyter_data_dir, jupyter_runtime_dir

        hide += [Path(jupyter_runtime_dir()).resolve(), Path(jupyter_data_dir()).resolve()]
    except ImportError:  # pragma: no cover - jupyter_core comes with every kernel
        pass
    return hide


def main(argv: list[str] | None = None) -> int:
    _die_with_parent()
    connection_file, extra = _parse_args(list(sys.argv[1:] if argv is None else argv))
    info = json.loads(connection_file.read_text())
    workdir = Path.cwd().resolve()
    limits = Limits.from_env(os.environ.get(LIMITS_ENV))
    bwrap = _bwrap()
    if bwrap is None:
        print("ttt-sandbox kernel: bubblewrap (bwrap) is not installed: sudo apt-get install bubblewrap",
              file=sys.stderr)
        return 1
    base = os.environ.get("TTT_SANDBOX_DIR") or tempfile.gettempdir()
    private = Path(tempfile.mkdtemp(prefix="k", dir=base)).resolve()
    links: list[Path] = []
    guard_fd = None
    try:
        ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        ipc = info.get("transport") == "ipc"
        inner = dict(info)
        if ipc:
            outer_ip = Path(info["ip"])
            if not outer_ip.is_absolute():
                outer_ip = _client_cwd() / outer_ip  # jupyter_client's default: relative to the client
            inner["ip"] = str(private / "s")
            for port in ports:
                link = Path(f"{outer_ip}-{port}")
                link.unlink(missing_ok=True)
                link.symlink_to(f"{inner['ip']}-{port}")
                links.append(link)
        inner_file = private / "kernel.json"
        inner_file.write_text(json.dumps(inner))
        inner_file.chmod(0o600)
        for sub in ("home", "ipython", "jupyter-config", "jupyter-data", "runtime", "mpl", "cache"):
            (private / sub).mkdir()
        _seed_matplotlib_cache(private / "mpl")
        env = {"HOME": str(private / "home"), "IPYTHONDIR": str(private / "ipython"),
               "JUPYTER_CONFIG_DIR": str(private / "jupyter-config"), "JUPYTER_DATA_DIR": str(private / "jupyter-data"),
               "JUPYTER_RUNTIME_DIR": str(private / "runtime"), "MPLCONFIGDIR": str(private / "mpl"),
               "XDG_CACHE_HOME": str(private / "cache"), "TMPDIR": "/tmp", "PYTHONNOUSERSITE": "1",
               "TTT_GRADE_SANDBOXED": "1"}
        hide = _hidden_folders(workdir)
        if hide and not os.environ.get("TTT_GRADE_COURSE_ROOT"):
            env["TTT_GRADE_COURSE_ROOT"] = str(hide[0])
        protected = [str(p) for p in hide]
        env["TTT_GRADE_PROTECTED"] = os.pathsep.join(protected)
        pass_fds: tuple[int, ...] = ()
        log = os.environ.get("TTT_GUARD_LOG")
        if log:
            guard_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.set_inheritable(guard_fd, True)
            pass_fds = (guard_fd,)
            env["TTT_GUARD_FD"] = str(guard_fd)
        guard = os.environ.get("TTT_GRADE_GUARD", "1") != "0"
        cmd = bwrap_command(bwrap, kernel_command(limits, inner_file, extra, guard), workdir, private, hide,
                            limits, network=not ipc, env=env)
        proc = subprocess.Popen(cmd, pass_fds=pass_fds, stdout=subprocess.DEVNULL,  # output travels over ZeroMQ
                                preexec_fn=_kill_with_this_process if sys.platform.startswith("linux") else None)
        if guard_fd is not None:
            os.close(guard_fd)
            guard_fd = None

        def forward(signum, _frame):
            if proc.poll() is None:
                proc.send_signal(signum)

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, forward)
        import threading

        threading.Thread(target=_watch_tasks, args=(proc, limits.tasks, log), daemon=True).start()
        while True:
            try:
                code = proc.wait()
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries wait() itself
                continue
        return code if code >= 0 else 128 - code
    finally:
        if guard_fd is not None:
            os.close(guard_fd)
        for link in links:
            link.unlink(missing_ok=True)
        shutil.rmtree(private, ignore_errors=True)


def _count_tasks(root: int) -> int:
    """Processes and threads under ``root`` (bwrap): everything of the sandbox, orphans included (they are
    reparented to the sandbox's pid 1, itself a child of bwrap).

    Walks down from ``root`` through each thread's ``children`` file (a handful of reads for a kernel), and scans
    the whole of /proc only on a Linux built without those files."""
    if not os.path.exists(f"/proc/{root}/task/{root}/children"):
        return _count_tasks_by_scan(root)
    total, todo = 0, _threads_and_children(root)[1]
    while todo:
        threads, children = _threads_and_children(todo.pop())
        total += threads
        todo += children
    return total


def _threads_and_children(pid: int) -> tuple[int, list[int]]:
    """How many threads ``pid`` runs, and the children of all of them (0 and none once it has ended)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0, []
    children: list[int] = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                children += [int(child) for child in fh.read().split()]
        except OSError:
            continue
    return len(tids), children


def _count_tasks_by_scan(root: int) -> int:
    children: dict[int, list[int]] = {}
    threads: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().decode("utf-8", "replace").rsplit(")", 1)[-1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        threads[int(entry)] = int(fields[17])
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += threads.get(pid, 1)
        todo += children.get(pid, [])
    return total


def _watch_tasks(proc: subprocess.Popen, limit: int, log: str | None, every: float = 0.1) -> None:
    """Stop the whole sandbox when it holds more than ``limit`` processes and threads. RLIMIT_NPROC does this
    inside the sandbox for an ordinary user, but the kernel ignores it for root (kernel/fork.c), so a grader
    running as root (a container, CI) relies on this watch."""
    import time

    while proc.poll() is None:
        time.sleep(every)
        if proc.poll() is None and _count_tasks(proc.pid) > limit:
            if log:
                with contextlib.suppress(OSError), open(log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"refused": f"sandbox limit reached: more than {limit} processes and "
                                                    "threads; the kernel was stopped"}) + "\n")
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            return


def _client_cwd() -> Path:
    """The working folder of the process that started this launcher (the kernel's client)."""
    try:
        return Path(os.readlink(f"/proc/{os.getppid()}/cwd"))
    except OSError:
        return Path.cwd()


def _seed_matplotlib_cache(folder: Path) -> None:
    """Copy the grader's matplotlib font list into the kernel's fresh config folder (building it costs seconds)."""
    source = os.environ.get("MPLCONFIGDIR") or os.path.join(os.path.expanduser("~"), ".cache", "matplotlib")
    try:
        for path in Path(source).glob("fontlist-*.json"):
            shutil.copy(path, folder / path.name)
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
