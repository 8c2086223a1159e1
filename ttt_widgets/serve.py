"""Start the kit's servers: JupyterLab for trainees and Voila for workshop leads.

``ttt workshop`` runs both; ``ttt present`` runs Voila alone. Both use :func:`voila_command`, so the leads' pages
look and behave the same whichever command served them.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["find_notebooks_dir", "lab_command", "voila_command", "run_servers", "Server"]


#: the JupyterLab extensions a dashboard page loads
VOILA_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")


def find_notebooks_dir(start: Path | None = None) -> Path:
    """The curriculum folder: ``TTT_NOTEBOOKS`` or ``./notebooks`` (from the kit's checkout)."""
    from .config import env

    configured = env("NOTEBOOKS")
    path = Path(configured).expanduser() if configured else (start or Path.cwd()) / "notebooks"
    if not path.is_dir():
        raise FileNotFoundError(
            f"no notebooks folder at {path}: run this from the kit's folder (where README.md is), "
            "or set TTT_NOTEBOOKS to the folder that holds the lessons"
        )
    return path.resolve()


def lab_command(root: Path, port: int = 8888, ip: str = "127.0.0.1", token: str | None = None) -> list[str]:
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
    ]
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses without this
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def voila_command(dashboards: Path, port: int = 8866, ip: str = "127.0.0.1", extra: list[str] | None = None) -> list[str]:
    """The Voila command line that serves ONLY ``dashboards``, sources stripped."""
    return [
        sys.executable, "-m", "voila",
        str(dashboards),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--show_tracebacks=False",
        # only the widget front end: other lab extensions (nbgrader's, for one) fail outside JupyterLab
        "--VoilaConfiguration.extension_allowlist=" + repr(list(VOILA_EXTENSIONS)),
        *(extra or []),
    ]


@dataclass
class Server:
    name: str
    cmd: list[str]
    url: str
    proc: subprocess.Popen | None = field(default=None, repr=False)


def run_servers(servers: list[Server], out=sys.stdout) -> int:
    """Start every server, print their URLs, wait; on Ctrl-C (or SIGTERM) stop them all. Returns an exit code."""
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    old_term = signal.signal(signal.SIGTERM, _stop)
    try:
        for s in servers:
            s.proc = subprocess.Popen(s.cmd, stdin=subprocess.DEVNULL, start_new_session=True)
        print("", file=out)
        for s in servers:
            print(f"  {s.name:<28} {s.url}", file=out)
        print("\nPress Ctrl-C to stop.", file=out, flush=True)
        while not stopping:
            for s in servers:
                if s.proc.poll() is not None:
                    print(f"{s.name} stopped (exit code {s.proc.returncode}); stopping the others.", file=out, flush=True)
                    stopping = True
                    break
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old_term)
        code = _terminate(servers)
        print("Stopped.", file=out, flush=True)
    return code


def _terminate(servers: list[Server]) -> int:
    code = 0
    for s in servers:
        if s.proc is not None and s.proc.poll() is None:
            try:
                os.killpg(s.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 10
    for s in servers:
        if s.proc is None:
            continue
        try:
            s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(s.proc.pid, signal.SIGKILL)
            s.proc.wait()
        if s.proc.returncode not in (0, -signal.SIGTERM, 143):
            code = code or 1
    return code


def new_token() -> str:
    return secrets.token_hex(24)
