"""Curriculum modules in a real JupyterLab: run every cell as a trainee would, then use one widget in each module."""

from __future__ import annotations

import re
import shutil

import helpers


def _open_and_run_all(page, jupyterlab_server, tmp_path, monkeypatch, notebook: str):
    # a workspace of its own, so the notebooks opened here are not restored in other tests' JupyterLab pages
    monkeypatch.setenv("JUPYTERLAB_WORKSPACES_DIR", str(tmp_path / "workspaces"))
    root = tmp_path / "lab"
    shutil.copytree(helpers.NOTEBOOKS, root, ignore=shutil.ignore_patterns("dashboards", ".ipynb_checkpoints"))
    base, token = jupyterlab_server(root)
    page.goto(f"{base}/lab/tree/{notebook}?token={token}")
    page.locator(".jp-Notebook").wait_for(timeout=90_000)
    # the notebook's own indicator can read idle before the kernel is connected, and a Run All sent then is dropped
    # now and again (30 s lost to the retry): wait until the status bar reports the kernel idle
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(timeout=90_000)
    helpers.lab_run_all_cells(page)
    # the last widget of every module is a reflection box: once it shows, every cell above has run
    page.locator(".jp-OutputArea .ttt-reflection").last.wait_for(state="attached", timeout=90_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)


def _assert_clean(page):
    text = page.locator(".jp-Notebook").text_content()
    assert "Error displaying widget" not in text
    assert "Traceback" not in text
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert [e for e in page.js_errors if e.startswith("pageerror")] == []


def test_module_02_runs_and_its_myths_quiz_gives_feedback(jupyterlab_server, page, tmp_path, monkeypatch):
    _open_and_run_all(page, jupyterlab_server, tmp_path, monkeypatch, "02-how-people-learn.ipynb")
    outputs = page.locator(".jp-OutputArea")
    # the Ebbinghaus fit printed its figures, and the spacing chart is an image with alt text
    # (text_content: JupyterLab skips painting cells out of view, so their inner text is empty until scrolled to)
    assert "power: R(t)" in " ".join(outputs.all_text_contents())
    chart = page.locator(".jp-OutputArea img[alt*='Retention over']").first
    chart.wait_for(state="attached", timeout=30_000)
    # answer the first myth wrongly, as many trainees would, and read the diagnosis
    quiz = page.locator(".ttt-quiz").filter(has_text="myth or evidence").first
    quiz.scroll_into_view_if_needed()
    quiz.get_by_text("Evidence. Many studies show that matching styles helps.").click()
    quiz.get_by_role("button", name="Check answer").click()
    quiz.get_by_text("Not quite.").wait_for(timeout=15_000)
    assert "popularity of an idea" in quiz.inner_text()
    _assert_clean(page)


def test_module_05_runs_and_the_question_coach_classifies_a_question(jupyterlab_server, page, tmp_path, monkeypatch):
    _open_and_run_all(page, jupyterlab_server, tmp_path, monkeypatch, "05-facilitation-questions.ipynb")
    box = page.get_by_placeholder(re.compile(r"^Type a question you would ask your group"))
    box.scroll_into_view_if_needed()
    box.fill("Any questions?")
    page.get_by_role("button", name="Check question").click()
    page.get_by_text(re.compile(r"Closed question, Bloom level: remember")).wait_for(timeout=15_000)
    # the live poll rendered too, with its send button
    assert page.get_by_role("button", name="Send").count() >= 1
    _assert_clean(page)
