"""Choices a trainee wrote are shown as text in the browser: a multiple-choice poll's labels are not typeset.

In JupyterLab, where trainees answer polls in their notebooks, ipywidgets runs the page's LaTeX typesetter over a
Checkbox's description, so a choice such as ``$$\\begin{matrix}...`` became a tall formula drawn over the next
choices. The notebook below also holds an ``HTMLMath`` widget, which is meant to be typeset: it shows the typesetter
runs on this page, so the test can fail. (The dashboards' own front end has no typesetter at all.)
"""

from __future__ import annotations

import json

TALL = r"$$\begin{matrix}x\\x\\x\\x\\x\\x\\x\\x\end{matrix}$$ tall"
INLINE = r"$a^2$ and \(b^2\) inline"

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": (
            "import ipywidgets as w\n"
            "from ttt_widgets.live import Poll\n"
            f"poll = Poll('Pick any', [{TALL!r}, {INLINE!r}, 'plain'], multiple=True)\n"
            "w.VBox([w.HTMLMath(value='Typeset: $$c^2$$'), poll])")},
    ],
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
}


def test_multiple_choice_labels_show_their_text_untypeset(jupyterlab_server, page, tmp_path, monkeypatch, data_dir):
    import helpers

    monkeypatch.setenv("JUPYTERLAB_WORKSPACES_DIR", str(tmp_path / "workspaces"))
    root = tmp_path / "lab"
    root.mkdir()
    (root / "choices.ipynb").write_text(json.dumps(NOTEBOOK))
    base, token = jupyterlab_server(root)
    page.goto(f"{base}/lab/tree/choices.ipynb?token={token}")
    page.locator(".jp-Notebook").wait_for(timeout=90_000)
    helpers.lab_run_all_cells(page)
    page.locator(".widget-htmlmath mjx-container, .widget-htmlmath .MathJax").first.wait_for(timeout=60_000)
    boxes = page.locator(".widget-checkbox")
    assert boxes.count() == 3
    page.wait_for_timeout(1000)  # any typesetting of the labels has had its chance
    assert page.locator(".widget-checkbox mjx-container, .widget-checkbox .MathJax").count() == 0
    labels = [boxes.nth(i).inner_text().strip() for i in range(3)]
    assert labels == [TALL, INLINE, "plain"]
    heights = [boxes.nth(i).bounding_box()["height"] for i in range(3)]
    assert max(heights) < 2 * min(heights)  # no choice is drawn taller than the others, over its neighbours
    boxes.nth(0).locator("input").check()  # the choice still works as a checkbox
    assert boxes.nth(0).locator("input").is_checked()
