"""``ttt doctor``: check the installation and say how to fix each problem."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

__all__ = ["Check", "run_checks", "CHECKS", "chromium_path"]

#: the packages the kit is built on, with the lowest version it supports
REQUIRED = {
    "jupyterlab": "4.2",
    "ipywidgets": "8.1",
    "voila": "0.5.8",
    "nbgrader": "0.9.5",
    "matplotlib": "3.8",
    "SQLAlchemy": "2.0",
    "PyYAML": "6",
    "jsonschema": "4.18",
}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    #: a failed optional check is a warning: exit code stays 0
    optional: bool = False


def _version_tuple(v: str) -> tuple[int, ...]:
    out = []
    for part in v.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


def check_python() -> list[Check]:
    ok = sys.version_info >= (3, 10)
    return [Check("Python", ok, sys.version.split()[0], "" if ok else "install Python 3.10 or newer")]


def check_packages() -> list[Check]:
    out = []
    for dist, minimum in REQUIRED.items():
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out.append(Check(dist, False, "not installed", "run `make workshop` (or `pip install -c constraints.txt -e .`)"))
            continue
        ok = _version_tuple(version) >= _version_tuple(minimum)
        out.append(Check(dist, ok, version, "" if ok else f"upgrade: pip install -c constraints.txt '{dist}>={minimum}'"))
    return out


def check_imports() -> list[Check]:
    out = []
    for module in ("voila", "nbgrader", "ipywidgets", "ttt_widgets.views.quiz"):
        try:
            importlib.import_module(module)
            out.append(Check(f"import {module}", True, "ok"))
        except Exception as exc:  # noqa: BLE001 - report any import failure
            out.append(Check(f"import {module}", False, f"{type(exc).__name__}: {exc}", "reinstall the kit: make workshop"))
    return out


def check_widget_extension() -> list[Check]:
    """The ipywidgets front-end extension must be installed and enabled in JupyterLab."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "jupyter", "labextension", "list"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check("ipywidgets extension", False, f"cannot list JupyterLab extensions: {exc}", "reinstall jupyterlab")]
    text = proc.stdout + proc.stderr
    for line in text.splitlines():
        if "@jupyter-widgets/jupyterlab-manager" in line:
            if "enabled" in line and "disabled" not in line and "X" not in line.split("@jupyter-widgets/jupyterlab-manager")[1]:
                return [Check("ipywidgets extension", True, "@jupyter-widgets/jupyterlab-manager enabled")]
            return [Check("ipywidgets extension", False, line.strip(),
                          "jupyter labextension enable @jupyter-widgets/jupyterlab-manager")]
    return [Check("ipywidgets extension", False, "not found in JupyterLab",
                  "pip install -c constraints.txt 'jupyterlab_widgets' (it ships with ipywidgets 8)")]


def find_course_root(start: Path | None = None) -> Path | None:
    from .config import env

    configured = env("COURSE")
    if configured:
        return Path(configured).expanduser()
    here = start or Path.cwd()
    for candidate in (here / "assignments", here):
        if (candidate / "nbgrader_config.py").is_file():
            return candidate
    return None


def check_nbgrader_config() -> list[Check]:
    root = find_course_root()
    if root is None or not (root / "nbgrader_config.py").is_file():
        return [Check("nbgrader config", False, "no assignments/nbgrader_config.py here",
                      "run from the kit's folder, or set TTT_COURSE to the course root", optional=True)]
    return [Check("nbgrader config", True, str(root / "nbgrader_config.py"))]


def check_data_dir() -> list[Check]:
    from .config import data_dir

    try:
        path = data_dir()
        probe = path / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
        return [Check("data directory", True, str(path))]
    except OSError as exc:
        return [Check("data directory", False, str(exc), "set TTT_DATA_DIR to a folder you can write to")]


def check_store() -> list[Check]:
    try:
        live = importlib.import_module("ttt_widgets.live")
    except ModuleNotFoundError:
        return []
    ping = getattr(live, "doctor_check", None)
    if ping is None:
        return []
    try:
        detail = ping()
        return [Check("response store", True, detail)]
    except Exception as exc:  # noqa: BLE001
        return [Check("response store", False, f"{type(exc).__name__}: {exc}",
                      "check TTT_DB_URL (unset it to use the local SQLite file) and that the server is reachable")]


def chromium_path() -> str | None:
    """Chromium for the browser tests: ``TTT_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    candidates = [os.environ.get("TTT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def check_chromium() -> list[Check]:
    path = chromium_path()
    if path:
        return [Check("Chromium (browser tests)", True, path, optional=True)]
    return [Check("Chromium (browser tests)", False, "not found (browser tests will be skipped)",
                  "sudo apt-get install chromium   (or set TTT_CHROMIUM to a Chromium binary)", optional=True)]


def check_sandbox() -> list[Check]:
    """Whether `ttt grade` can run submissions in its bubblewrap sandbox here (it refuses to grade otherwise)."""
    from .grading.sandbox import SandboxUnavailable
    from .grading.sandbox import check_sandbox as probe

    try:
        return [Check("grading sandbox", True, probe(), optional=True)]
    except SandboxUnavailable as exc:
        return [Check("grading sandbox", False, "not available: ttt grade will refuse to grade without --no-sandbox",
                      str(exc), optional=True)]


CHECKS: list[Callable[[], list[Check]]] = [
    check_python, check_packages, check_imports, check_widget_extension,
    check_nbgrader_config, check_data_dir, check_store, check_chromium, check_sandbox,
]


def run_checks(out=sys.stdout) -> int:
    broken = 0
    for fn in CHECKS:
        for c in fn():
            mark = "ok  " if c.ok else ("warn" if c.optional else "FAIL")
            print(f"[{mark}] {c.name:<28} {c.detail}", file=out)
            if not c.ok:
                print(f"       fix: {c.fix}", file=out)
                broken += 0 if c.optional else 1
    print(("\nEverything needed is in place." if not broken else f"\n{broken} problem(s) to fix."), file=out)
    return 1 if broken else 0
