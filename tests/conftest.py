"""Shared fixtures: an isolated environment for every test, layer markers by folder, a throwaway PostgreSQL."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("unit", "widgets", "content", "notebooks", "nbgrader", "live", "browser", "packaging")


def pytest_collection_modifyitems(config, items):
    """Each test gets the marker of its folder (tests/<layer>/...), so `pytest -m widgets` runs one layer."""
    def layer_of(item):
        rel = Path(str(item.fspath)).resolve().relative_to(ROOT / "tests")
        return rel.parts[0] if len(rel.parts) > 1 else None

    for item in items:
        layer = layer_of(item)
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
    # Browser tests run last: Playwright's sync API keeps an event loop running in the main thread while the
    # session's browser is open, which would change what widget tests see; the quick layers also fail first.
    items.sort(key=lambda item: layer_of(item) == "browser")


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory):
    """Keep tests away from the host's data, Jupyter runtime files and configuration."""
    base = tmp_path_factory.mktemp("env")
    saved = dict(os.environ)
    # nbgrader runs `alembic` (and we run `jupyter`, `voila`) from PATH: put this environment's scripts first
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    os.environ["TTT_DATA_DIR"] = str(base / "ttt-data")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(base / "jupyter-runtime")
    os.environ["JUPYTER_CONFIG_DIR"] = str(base / "jupyter-config")
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ["IPYTHONDIR"] = str(base / "ipython")
    os.environ["MPLCONFIGDIR"] = str(base / "mpl")
    for name in ("TTT_DB_URL", "TTT_SESSION", "JUPYTERHUB_USER", "TTT_NOTEBOOKS", "TTT_COURSE"):
        os.environ.pop(name, None)
    yield base
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh TTT_DATA_DIR for one test."""
    path = tmp_path / "ttt-data"
    monkeypatch.setenv("TTT_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A throwaway PostgreSQL server (or TTT_TEST_PG_URL); skipped when none can run, failed under TTT_REQUIRE_POSTGRES."""
    given = os.environ.get("TTT_TEST_PG_URL")
    if given:
        yield given
        return
    try:
        server = helpers.PostgresServer.start(tmp_path_factory.mktemp("pg"))
    except helpers.Unavailable as exc:
        helpers.skip_or_fail("TTT_REQUIRE_POSTGRES", f"PostgreSQL not available: {exc}")
    try:
        yield server.url
    finally:
        server.stop()
