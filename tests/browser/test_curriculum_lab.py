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


def _answer_wrongly(page, question: str, answer: str, diagnosis: str):
    """In the quiz showing ``question``, choose the wrong ``answer``, check it and read the ``diagnosis``."""
    quiz = page.locator(".ttt-quiz").filter(has_text=question).first
    quiz.scroll_into_view_if_needed()
    quiz.get_by_text(answer).click()
    quiz.get_by_role("button", name="Check answer").click()
    quiz.get_by_text("Not quite.").wait_for(timeout=15_000)
    assert diagnosis in quiz.inner_text()


def test_module_02_runs_and_its_myths_quiz_gives_feedback(jupyterlab_server, page, tmp_path, monkeypatch):
    _open_and_run_all(page, jupyterlab_server, tmp_path, monkeypatch, "02-how-people-learn.ipynb")
    outputs = page.locator(".jp-OutputArea")
    # the Ebbinghaus fit printed its figures, and the spacing chart is an image with alt text
    # (text_content: JupyterLab skips painting cells out of view, so their inner text is empty until scrolled to)
    assert "power: R(t)" in " ".join(outputs.all_text_contents())
    chart = page.locator(".jp-OutputArea img[alt*='Retention over']").first
    chart.wait_for(state="attached", timeout=30_000)
    # answer the first myth wrongly, as many trainees would, and read the diagnosis
    _answer_wrongly(page, "myth or evidence", "Evidence. Many studies show that matching styles helps.",
                    "popularity of an idea")
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


def test_module_11_runs_and_an_observer_scores_the_written_demo(jupyterlab_server, page, tmp_path, monkeypatch):
    _open_and_run_all(page, jupyterlab_server, tmp_path, monkeypatch, "11-observing-coaching-certifying.ipynb")
    # score Dana's demo as written: three growth marks (pivot table, small text, overran) make it a redo
    scorer = page.locator(".ttt-demo-scorer").first
    scorer.scroll_into_view_if_needed()
    scorer.get_by_text("Type your name as observer").wait_for(timeout=15_000)
    scorer.get_by_placeholder("your name").fill("Ade")

    def tap(item: str, mark: str):
        scorer.locator(".widget-hbox").filter(has_text=item).get_by_role("button", name=mark).click()

    positive = scorer.locator(".widget-hbox").filter(has_text="Uses mistakes").get_by_role("button", name="Positive")
    before = positive.bounding_box()
    tap("Uses mistakes", "Positive")
    scorer.get_by_text("Pass so far.").wait_for(timeout=15_000)
    # the chosen mark says so in words (a tick), and nothing on the row moves or is cut
    assert positive.inner_text().startswith("\u2713")
    assert positive.bounding_box()["width"] == before["width"]
    assert positive.evaluate("b => b.scrollWidth <= b.clientWidth")
    for item in ("Pitched at the learners", "Readable screen", "Keeps to time"):
        tap(item, "Opportunity for growth")
    scorer.get_by_text("Redo so far.").wait_for(timeout=15_000)
    assert "3 'Opportunity for growth' mark(s)" in scorer.inner_text()
    # the 2x2 feedback as typed (markup in it stays text) reaches the trainee's view
    scorer.locator(".widget-vbox").filter(has_text="Content to improve").last.locator("textarea").fill(
        "At 3:00 <b>pivot table</b> was new to everyone: define it the first time.")
    scorer.get_by_role("button", name="Show the trainee's view").click()
    view = scorer.locator(".widget-html").filter(has_text="feedback for Dana")
    view.get_by_text("Please give the demo again").wait_for(timeout=15_000)
    assert "At 3:00 <b>pivot table</b> was new to everyone" in view.text_content()
    # the trainer-pool board opens on the pathway; its fidelity chart has a row per generation
    board = page.locator(".ttt-trainer-pool").first
    board.scroll_into_view_if_needed()
    board.get_by_text("Steps done").wait_for(timeout=15_000)
    board.get_by_role("button", name="Fidelity by generation").click()
    labels = board.locator(".ttt-chart-label")
    labels.first.wait_for(timeout=15_000)
    notes = board.locator(".ttt-chart-note").all_text_contents()  # under each generation: its number of trainers
    names = [row.removesuffix(note) for row, note in zip(labels.all_text_contents(), notes)]
    assert names == ["Masters", "Generation 1", "Generation 2"]
    assert sum(int(n.split()[0]) for n in notes) == 40  # the programme the notebook describes
    # a tempting wrong answer in the quiz is diagnosed
    _answer_wrongly(page, "most likely to make the next demo better", "You are a natural teacher",
                    "praise of the person")
    _assert_clean(page)
