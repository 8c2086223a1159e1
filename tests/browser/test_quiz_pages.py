"""The vertical slice in a real browser: the quiz in a Voila dashboard and in a JupyterLab notebook."""

import re

import helpers

SOLUTION_MARKERS = ["from ttt_widgets", "import ", "BEGIN SOLUTION", "correct: true", "Quiz(\""]


def test_voila_dashboard_renders_quiz_and_shows_feedback(voila_server, page):
    base = voila_server(helpers.DASHBOARDS)
    page.goto(base + "voila/render/quiz-check.ipynb")
    radio = page.locator(".widget-radio-box input[type=radio]").first
    radio.wait_for(state="visible", timeout=60_000)
    page.get_by_text("The trainees lack motivation.").click()
    page.get_by_role("button", name="Check answer").click()
    page.get_by_text("Not quite.").wait_for(timeout=15_000)
    text = page.inner_text("body")
    assert "attribution to the learner" in text
    for marker in SOLUTION_MARKERS:
        assert marker not in text, f"{marker!r} leaked into the dashboard page"
    html = page.content()
    assert "from ttt_widgets import" not in html
    assert [e for e in page.js_errors if "favicon" not in e] == []


def test_quiz_is_keyboard_usable_in_voila(voila_server, page):
    base = voila_server(helpers.DASHBOARDS)
    page.goto(base + "voila/render/quiz-check.ipynb")
    from ttt_widgets.loader import load_content

    first_question = load_content("quizzes", "trainer-role")["questions"][0]
    right = next(a["text"] for a in first_question["answers"] if a["correct"])  # answers are shuffled per trainee
    option = page.locator(".widget-radio-box label", has_text=right).locator("input[type=radio]")
    option.wait_for(state="visible", timeout=60_000)
    option.focus()
    page.keyboard.press("Space")  # selects the focused option
    button = page.get_by_role("button", name="Check answer")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Correct.", exact=True).wait_for(timeout=15_000)


def test_jupyterlab_runs_the_lesson_and_renders_the_quiz(jupyterlab_server, page, tmp_path):
    import shutil

    root = tmp_path / "lab"
    shutil.copytree(helpers.NOTEBOOKS, root)
    base, token = jupyterlab_server(root)
    page.goto(f"{base}/lab/tree/01-trainer-role.ipynb?token={token}")
    page.locator(".jp-Notebook").wait_for(timeout=90_000)
    # wait until the kernel is ready, then run every cell from the menu, as a trainee would
    helpers.lab_run_all_cells(page)
    # the quiz is near the end of the full module 01: JupyterLab paints cells only once they are scrolled to
    # (the module has two quizzes: this is its end-of-module quiz, whose first question is about the expert)
    quiz = page.locator(".jp-OutputArea .ttt-quiz").filter(has_text="She skips steps")
    quiz.wait_for(state="attached", timeout=60_000)
    quiz.scroll_into_view_if_needed()
    quiz.locator(".widget-radio-box input[type=radio]").first.wait_for(state="visible", timeout=60_000)
    quiz.get_by_text("She skips steps that have become automatic for her.").click()
    quiz.get_by_role("button", name="Check answer").click()
    quiz.get_by_text("Correct.", exact=True).wait_for(timeout=15_000)
    assert "Error displaying widget" not in page.inner_text(".jp-Notebook")
