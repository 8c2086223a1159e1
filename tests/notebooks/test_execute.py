"""Every notebook (curriculum and dashboards) runs top to bottom headless, without errors or warnings."""

import html
import re
import time

import pytest

import helpers

NOTEBOOKS = sorted(helpers.NOTEBOOKS.glob("*.ipynb")) + sorted(helpers.DASHBOARDS.glob("*.ipynb"))
#: what a widget shows when one of its actions failed (ttt_widgets.views._common.guarded)
PROBLEMS = ("Please check:", "Something went wrong")
#: text a notebook shows once it has run (its widgets, from the widget state the run saves, and what it prints):
#: its tools were built from the content and the data they name, not merely imported
SHOWN = {
    "10-capstone-microteaching.ipynb": [
        "Peer feedback: Round 1: my micro-teaching lesson", "Peer feedback: Round 2: the revised lesson",
        "Aggregate of 0 review(s)", "What one change will you make for round 2",
        "Criterion Round 1 Round 2 Change Clear objective - - -"],
    "11-observing-coaching-certifying.ipynb": [
        "Type your name as observer", "Opportunity for growth", "Says where the episode is going",
        "Open questions are practised", "Everyone answers", "Not marked yet",
        "40 trainers in 3 generation(s)", "Measured retention per level", "Fidelity at the last level (measured)",
        "Module 11: observing, coaching and certifying trainers"],
}


def printed_text(nb) -> str:
    """What the notebook's cells printed (stdout), whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                                        if o.get("output_type") == "stream" and o.get("name") == "stdout"))


def widget_text(nb) -> str:
    """Every text value and description in the widget state saved with the executed notebook, tags removed."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    texts = [v for model in state.values() for key in ("value", "description")
             if isinstance(v := model.get("state", {}).get(key), str) and not v.startswith("data:")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "\n".join(texts))))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(helpers.NOTEBOOKS)) for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    start = time.perf_counter()
    nb = helpers.execute_notebook(path, timeout=120, cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert helpers.error_outputs(nb) == []
    assert elapsed < 60, f"{path.name} took {elapsed:.1f}s (limit 60s)"
    shown = widget_text(nb)
    for problem in PROBLEMS:
        assert problem not in shown, f"{path.name}: a widget reports a problem: ...{shown[shown.find(problem):][:300]}"
    shown += " " + printed_text(nb)
    missing = [text for text in SHOWN.get(path.name, ()) if text not in shown]
    assert missing == [], f"{path.name}: not shown: {missing}"


def test_there_are_notebooks_and_dashboards():
    assert any(p.parent == helpers.NOTEBOOKS for p in NOTEBOOKS)
    assert any(p.parent == helpers.DASHBOARDS for p in NOTEBOOKS)
    assert set(SHOWN) <= {p.name for p in NOTEBOOKS}
