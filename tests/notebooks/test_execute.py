"""Every notebook (curriculum and dashboards) runs top to bottom headless, without errors or warnings."""

import time

import pytest

import helpers

NOTEBOOKS = sorted(helpers.NOTEBOOKS.glob("*.ipynb")) + sorted(helpers.DASHBOARDS.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(helpers.NOTEBOOKS)) for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    start = time.perf_counter()
    nb = helpers.execute_notebook(path, timeout=120, cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert helpers.error_outputs(nb) == []
    assert elapsed < 60, f"{path.name} took {elapsed:.1f}s (limit 60s)"


def test_there_are_notebooks_and_dashboards():
    assert any(p.parent == helpers.NOTEBOOKS for p in NOTEBOOKS)
    assert any(p.parent == helpers.DASHBOARDS for p in NOTEBOOKS)
