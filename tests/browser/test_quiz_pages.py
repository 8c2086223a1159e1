"""The vertical slice in a real browser: the quiz in a Voila dashboard and in a JupyterLab notebook."""

import re

import nbformat

import helpers
from ttt_widgets.loader import load_content
from ttt_widgets.models.quiz import shuffled_answers

SOLUTION_MARKERS = ["from ttt_widgets", "import ", "BEGIN SOLUTION", "correct: true", "Quiz(\""]
#: a trainee whose order of the first trainer-role question differs from the order in the content file
TRAINEE = "trainee-b"


def test_voila_dashboard_renders_quiz_and_shows_feedback(voila_server, page):
    base = voila_server(helpers.DASHBOARDS, env={"JUPYTERHUB_USER": TRAINEE})
    page.goto(base + "voila/render/quiz-check.ipynb")
    radio = page.locator(".widget-radio-box input[type=radio]").first
    radio.wait_for(state="visible", timeout=60_000)
    # the answers in this trainee's own order (seeded by the id), the same after a reload (a new kernel)
    quiz = load_content("quizzes", "trainer-role")
    first = quiz["questions"][0]
    mine = [a["text"] for a in shuffled_answers(first["answers"], TRAINEE, quiz["id"], first["id"])]
    assert mine != [a["text"] for a in first["answers"]]
    assert page.locator(".widget-radio-box label").all_inner_texts() == mine
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
    page.reload()
    page.locator(".widget-radio-box input[type=radio]").first.wait_for(state="visible", timeout=60_000)
    assert page.locator(".widget-radio-box label").all_inner_texts() == mine


HOSTILE = r"$$\href{javascript:window.__ttt_pwned=2}{click me}$$"
PRICE = "It costs $5 or $10 <img src=x onerror=window.__ttt_pwned=1>"


def test_checkbox_answers_are_shown_literally_not_typeset(voila_server, page, tmp_path):
    """A multiple-choice answer with TeX in a quiz file: Voila's MathJax typesets Checkbox labels unless shielded."""
    quiz = {"id": "hostile", "title": "Hostile", "questions": [{"id": "m", "type": "multiple", "prompt": "Pick:",
            "answers": [{"text": HOSTILE, "correct": True, "feedback": "f"},
                        {"text": PRICE, "correct": False, "feedback": "f", "diagnosis": "d"},
                        {"text": "A plain answer", "correct": True, "feedback": "f"}]}]}
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"from ttt_widgets import Quiz\nQuiz({quiz!r}, remember=False)")]
    nbformat.write(nb, tmp_path / "hostile.ipynb")
    base = voila_server(tmp_path)
    page.goto(base + "voila/render/hostile.ipynb?large")  # large type for a projector
    boxes = page.locator(".ttt-quiz .widget-checkbox")
    boxes.first.wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(1000)  # give MathJax every chance to run
    assert sorted(boxes.all_inner_texts()) == sorted([HOSTILE, PRICE, "A plain answer"])
    assert page.locator(".ttt-quiz mjx-container, .ttt-quiz .MathJax").count() == 0
    assert page.locator("a[href^='javascript'], img[src='x']").count() == 0
    assert page.evaluate("window.__ttt_pwned === undefined")
    page.get_by_text(HOSTILE, exact=True).click()  # the text is the checkbox's label: clicking it ticks the box
    page.get_by_text("A plain answer", exact=True).click()
    assert page.locator(".ttt-quiz .widget-checkbox input:checked").count() == 2
    cut = page.eval_on_selector_all(".ttt-quiz button", "els => els.filter(e => e.scrollWidth > e.clientWidth)"
                                    ".map(e => e.textContent)")
    assert cut == []  # every button shows its whole label in large type
    page.get_by_role("button", name="Check answer").click()
    page.get_by_text("Correct.", exact=True).wait_for(timeout=15_000)


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
