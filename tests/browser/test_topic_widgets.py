"""The widgets of the added topics in a real browser: module 04's PerformanceCheck and module 09's TransferPlanner,
rendered by Voila from the modules' own cells, clicked and typed into as a trainee would."""

from __future__ import annotations

import json
import re

import helpers


def _module_cell(stem: str, call: str) -> str:
    nb = json.loads((helpers.NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    (src,) = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and call in "".join(c["source"])]
    return src


def _notebook() -> dict:
    cells = [_module_cell("04-designing-learning", "PerformanceCheck("),
             _module_cell("09-evaluating-training", "TransferPlanner(")]
    return {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
                      for s in cells],
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def test_performance_check_and_transfer_planner_work_in_the_browser(voila_server, page, tmp_path, data_dir):
    folder = tmp_path / "topics"
    folder.mkdir()
    (folder / "topics.ipynb").write_text(json.dumps(_notebook()))
    base = voila_server(folder, env={"TTT_DATA_DIR": str(data_dir)})
    page.goto(base + "voila/render/topics.ipynb")
    check = page.locator(".ttt-performance-check")
    check.wait_for(timeout=60_000)
    assert "Half the incident forms" in check.inner_text()  # the module's example case
    check.get_by_role("button", name="Yes", exact=True).click()
    check.get_by_role("button", name="No", exact=True).click()
    check.get_by_text("Make expectations and feedback clear:").wait_for(timeout=15_000)
    assert "This is where the case leads." in check.inner_text()
    assert check.get_by_role("button", name="Yes", exact=True).is_disabled()
    check.get_by_role("button", name="Back").click()
    check.get_by_text("Question 2.").wait_for(timeout=15_000)

    planner = page.locator(".ttt-transfer-planner")
    planner.scroll_into_view_if_needed()
    boxes = planner.locator("textarea")
    assert boxes.count() == 10  # nine boxes and the table
    assert boxes.nth(0).get_attribute("placeholder").startswith("Tell the trainee why")
    boxes.nth(0).fill("Brief <b>the</b> trainee")
    planner.get_by_role("button", name="Check the plan").click()  # the click blurs the box, which sends its text
    planner.get_by_text("1 of 9 boxes filled").wait_for(timeout=15_000)
    assert "The manager briefs the trainee before the training." in planner.inner_text()
    assert planner.locator("b", has_text=re.compile(r"^the$")).count() == 0  # typed markup stays text
    assert "| Manager | Brief <b>the</b> trainee |" in boxes.nth(9).input_value()
    # the grid fits a 1280-wide page: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert [e for e in page.js_errors if e.startswith("pageerror")] == []
