"""The workshop leads' dashboards, served by `ttt present` and driven in headless Chromium.

One preheated server runs on the kit's own dashboards folder for the whole module, pointed (through the environment,
as a lead would) at a temporary nbgrader course with a gradebook, a live session with answers in a temporary data
directory, and a session start ten minutes ago. Every dashboard must render its widgets with no JavaScript error,
show no line of its code, and answer one interaction.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest

import helpers

DASHBOARDS = helpers.DASHBOARDS
NOTEBOOKS = sorted(p.name for p in DASHBOARDS.glob("*.ipynb"))
WIDGET_PAGES = [n for n in NOTEBOOKS if n != "index.ipynb"]
STUDENTS = ["amara", "bo", "chen", "dita"]
ASSIGNMENTS = {"00-warmup": ["warmup"], "01-objectives": ["objectives"]}
ITEMS = {"warmup": [("greet", 1.0), ("average", 2.0)], "objectives": [("verb-check", 2.0), ("measurable", 3.0)]}


@contextlib.contextmanager
def _quiet_nbgrader():
    """nbgrader's ORM warns about its own autoflush while submissions are added; that is not ours to fix."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        yield


def _build_course(root: Path) -> None:
    """A course root like the kit's (its config and curriculum map) with a gradebook filled through nbgrader's API."""
    from nbgrader.api import Gradebook

    root.mkdir(parents=True, exist_ok=True)
    for name in ("nbgrader_config.py", "curriculum.yaml"):
        shutil.copy(helpers.ASSIGNMENTS / name, root / name)
    with _quiet_nbgrader(), Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="ttt-workshop") as gb:
        for student in STUDENTS:
            gb.add_student(student)
        for assignment, notebooks in ASSIGNMENTS.items():
            gb.add_assignment(assignment)
            for nb in notebooks:
                gb.add_notebook(nb, assignment)
                for i, (cell, points) in enumerate(ITEMS[nb]):
                    gb.add_grade_cell(cell, nb, assignment, max_score=points, cell_type="code")
                    gb.add_source_cell(cell, nb, assignment, cell_type="code", locked=False, source="", checksum=str(i))
        for s_index, student in enumerate(STUDENTS):
            for assignment, notebooks in ASSIGNMENTS.items():
                if student == "dita" and assignment == "01-objectives":
                    continue  # one missing submission, which the page must show
                gb.add_submission(assignment, student)
                for nb in notebooks:
                    for c_index, (cell, points) in enumerate(ITEMS[nb]):
                        grade = gb.find_grade(cell, nb, assignment, student)
                        # the last item of each notebook is the one most missed
                        grade.auto_score = 0.0 if c_index == len(ITEMS[nb]) - 1 and s_index != 0 else points
                        grade.needs_manual_grade = False  # as nbgrader's autograder marks an autograded cell
                gb.db.commit()


def _build_session(data_dir: Path) -> str:
    """A live session in the data directory's store: ratings, answers to a quiz question, exit tickets."""
    from ttt_widgets import ResponseStore, load_content

    store = ResponseStore(f"sqlite:///{data_dir / 'live.sqlite'}")
    code = store.open_session("Evaluation test")
    store.add_question(code, "How useful was today?", "scale")
    question = load_content("quizzes", "trainer-role")["questions"][0]
    right = next(a["text"] for a in question["answers"] if a["correct"])
    wrong = next(a["text"] for a in question["answers"] if not a["correct"])
    store.add_question(code, question["prompt"], "poll", [a["text"] for a in question["answers"]])
    store.add_question(code, "Exit ticket", "exit")
    for i, person in enumerate(["p1", "p2", "p3"]):
        store.submit(code, "How useful was today?", person, 3 + i % 3)
        store.submit(code, question["prompt"], person, right if i else wrong)
    store.submit(code, "Exit ticket", "p1", {"worked": "The <b>role play</b> in pairs", "change": "Fewer slides"})
    store.close()
    return code


@pytest.fixture(scope="module")
def site(ttt_present, tmp_path_factory):
    work = tmp_path_factory.mktemp("dashboards")
    course = work / "course"
    _build_course(course)
    data = work / "data"
    data.mkdir()
    code = _build_session(data)
    now = datetime.datetime.now()
    start = max(now - datetime.timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    env = {"TTT_COURSE": str(course), "TTT_DATA_DIR": str(data), "TTT_SESSION": code,
           "TTT_SESSION_START": start.strftime("%H:%M"), "TTT_DB_URL": ""}
    base, proc = ttt_present(DASHBOARDS, env=env)
    return {"base": base, "proc": proc, "course": course, "code": code, "data": data}


def _open(page, site, name: str, query: str = ""):
    page.goto(f"{site['base']}voila/render/{name}{query}")
    if name != "index.ipynb":
        page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=60_000)


def _code_lines(name: str) -> list[str]:
    """Every substantial line of the notebook's code cells (and its facilitator-only cells): none may reach the page."""
    nb = json.loads((DASHBOARDS / name).read_text())
    lines = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" or "skip-voila" in cell["metadata"].get("tags", []):
            lines += [ln.strip() for ln in source.splitlines() if len(ln.strip()) >= 10]
    return lines


#: what a projected page must not do, measured in the browser: parts the widgets hide (collapsed sections, tabs not
#: selected) that still have a box; labels, buttons and tabs whose words are cut (scrollWidth > clientWidth), or
#: controls cut by a box that hides its overflow or partly covered by their neighbours;
#: controls smaller than 24 px either way; icons that take no room or whose font has not come (it is served with
#: the front end: a classroom may have no way out to the internet)
LAYOUT_PROBLEMS = """() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const say = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || el.tagName).toString().trim()
    .slice(0, 40);
  const size = (el) => { const r = el.getBoundingClientRect(); return `${Math.round(r.width)}x${Math.round(r.height)}`; };
  const hidden = [...document.querySelectorAll(".lm-mod-hidden, .p-mod-hidden")];
  return {
    controls: [...document.querySelectorAll("button, input, select, textarea")].filter(shown).length,
    hidden: hidden.length,
    leaking: hidden.filter(shown).map((el) => `${el.className}: ${say(el)}`),
    clipped: [...document.querySelectorAll("button, label, .widget-label, .widget-label-basic, .lm-TabBar-tabLabel")]
      .filter(shown).filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${say(el)} (${el.scrollWidth} > ${el.clientWidth} px)`),
    small: [...document.querySelectorAll("button, input, select, textarea, .noUi-handle, .lm-TabBar-tab")]
      .filter(shown).filter((el) => { const r = el.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
      .map((el) => `${el.tagName.toLowerCase()} ${el.type || ""} ${say(el)} ${size(el)}`),
    cut: [...document.querySelectorAll("button, input, select, textarea, .widget-label")].filter(shown).filter((el) => {
      const r = el.getBoundingClientRect();
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (["hidden", "clip"].includes(style.overflowX)) {
          const b = box.getBoundingClientRect();
          return r.right > b.right + 1 || r.left < b.left - 1;
        }
      }
      return false;
    }).map((el) => `${el.tagName.toLowerCase()} ${say(el)} ${size(el)}`),
    covered: [...document.querySelectorAll("button, input, select, textarea")].filter(shown).filter((el) => {
      el.scrollIntoView({block: "center", inline: "nearest"});
      const r = el.getBoundingClientRect();
      if (r.width < 6 || r.height < 6) { return false; }
      return [r.left + 3, r.right - 3].some((x) => {  // both ends of the control are the control, not something on it
        const hit = document.elementFromPoint(x, r.top + r.height / 2);
        return !(hit && (hit === el || el.contains(hit) || hit.contains(el) || hit.tagName === "LABEL"));
      });
    }).map((el) => `${el.tagName.toLowerCase()} ${say(el) || el.placeholder || el.className}`),
    icons: [...document.querySelectorAll("i.fa")].filter(shown).length,
    emptyIcons: [...document.querySelectorAll("i.fa")].filter(shown)
      .filter((el) => el.getBoundingClientRect().width < 1).map((el) => say(el.parentElement)),
    iconFont: [...document.fonts].filter((f) => f.family.replace(/['"]/g, "") === "FontAwesome").map((f) => f.status),
  };
}"""


@pytest.mark.parametrize("name", WIDGET_PAGES)
def test_dashboard_renders_readably_without_errors_code_or_hidden_parts(site, page, name):
    page.set_viewport_size({"width": 1920, "height": 1080})
    _open(page, site, name)
    page.wait_for_load_state("networkidle")
    if name == "run-sheet.ipynb":
        page.get_by_text("Group maker").wait_for(timeout=15_000)
    text = page.inner_text("body")
    for line in _code_lines(name):
        assert line not in text, f"code of {name} reached the page: {line!r}"
    for marker in ("Traceback", "Error displaying widget", "import ttt_widgets", "BEGIN SOLUTION", "Facilitator note"):
        assert marker not in text
    if name == "run-sheet.ipynb":  # the Participation tab is not selected: none of it shows under Groups
        assert "Who has been heard?" not in text
    # the projector at full HD, then 1280x720 in large type (the class ?large sets), on the same page
    for viewport, large in (((1920, 1080), False), ((1280, 720), True)):
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        if large:
            page.evaluate("document.body.classList.add('ttt-large')")
            page.wait_for_timeout(300)
        found = page.evaluate(LAYOUT_PROBLEMS)
        where = f"{name} at {viewport[0]}x{viewport[1]}{' large' if large else ''}"
        assert found["controls"] >= 1, where  # the checks have something to look at
        assert found["leaking"] == [], f"hidden parts show in {where}"
        assert found["clipped"] == [], f"words cut in {where}"
        assert found["small"] == [], f"controls under 24 px in {where}"
        assert found["cut"] == [], f"controls cut by their box in {where}"
        assert found["covered"] == [], f"controls partly covered in {where}"
        assert found["emptyIcons"] == [], f"icons without their font in {where}"
        if found["icons"]:
            assert found["iconFont"] == ["loaded"], f"the icons' font in {where}"
    assert page.js_errors == []


def test_index_links_every_dashboard_and_the_large_type_option(site, page):
    page.goto(site["base"])  # the bare address opens the index page
    assert page.url.endswith("voila/render/index.ipynb")
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    linked = {h for h in hrefs if h and h.endswith(".ipynb")}
    assert linked == set(WIDGET_PAGES)
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize)")
    page.goto(f"{site['base']}voila/render/index.ipynb?large")
    assert "ttt-large" in page.get_attribute("body", "class")
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize)")
    assert large >= 1.3 * normal
    assert page.js_errors == []


def test_run_sheet_highlights_now_and_runs_the_timer(site, page):
    _open(page, site, "run-sheet.ipynb")
    page.get_by_text("(now)").wait_for(timeout=30_000)
    assert "Welcome and objectives" in page.inner_text("body")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_text(re.compile(r"Phase 1 of 3 \(running\)")).wait_for(timeout=15_000)
    page.get_by_role("tab", name="Participation").click()
    # the lead sets today's start on the page: a typed time, then Start now
    start = page.get_by_label("Start", exact=True)
    now = datetime.datetime.now()
    if now.hour < 23:
        later = (now + datetime.timedelta(minutes=50)).strftime("%H:%M")
        start.fill(later)
        start.press("Enter")
        page.get_by_text(f"Starts at {later}.").wait_for(timeout=15_000)
    start.fill("25:00")
    start.press("Enter")
    page.get_by_text("'25:00' is not a clock time: use HH:MM").wait_for(timeout=15_000)
    page.get_by_role("button", name="Set the start to now").click()
    page.get_by_text("Welcome and objectives (now)").wait_for(timeout=15_000)
    assert start.input_value() == datetime.datetime.now().strftime("%H:%M") or now.minute != datetime.datetime.now().minute
    assert page.js_errors == []


def test_cohort_progress_shows_submissions_and_what_to_revisit(site, page):
    _open(page, site, "cohort-progress.ipynb")
    page.get_by_text("4 trainees, 2 assignments").wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "missing" in text and "3 of 4" in text
    assert "measurable" in text and "Revisit module 04" in text  # 01-objectives is shown first (the latest)
    page.locator(".widget-dropdown select").select_option("00-warmup")
    page.get_by_text(re.compile(r"average: 25% of its points")).wait_for(timeout=15_000)
    bars = page.locator(".ttt-bars[aria-label*='Scores of 4 trainees in 00-warmup']")
    assert bars.count() == 1 and page.locator("img.ttt-figure").count() == 0  # HTML bars, not a picture
    assert "0 points: 0, 1 point: 3, 2 points: 0, 3 points: 1" in bars.get_attribute("aria-label")  # whole counts
    assert bars.evaluate("b => new Set([...b.querySelectorAll('.ttt-bar')].map(x => x.style.background)).size") == 1
    # the last submission is graded while the page is open: one click shows it
    from nbgrader.api import Gradebook

    with _quiet_nbgrader(), Gradebook(f"sqlite:///{site['course'] / 'gradebook.db'}", course_id="ttt-workshop") as gb:
        gb.add_submission("01-objectives", "dita")
    page.get_by_role("button", name="Read the gradebook again").click()
    page.get_by_text("4 of 4").wait_for(timeout=15_000)
    # the assignment the lead picked stays on show
    page.wait_for_timeout(1000)  # what the kernel said after the table
    assert page.locator(".widget-dropdown select").evaluate("s => s.value") == "00-warmup"
    assert page.get_by_text(re.compile(r"average: 25% of its points")).is_visible()
    assert page.js_errors == []


def test_large_type_scales_the_charts_with_the_text(site, page):
    _open(page, site, "cohort-progress.ipynb")
    label = page.locator(".ttt-bars .ttt-bar-count").first
    label.wait_for(timeout=30_000)
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    normal = label.evaluate(size)
    page.evaluate("document.body.classList.add('ttt-large')")  # what ?large does
    assert label.evaluate(size) >= 1.25 * normal  # the bars' labels and counts are text: they grow with the page
    # the cascade planner's levels are HTML too: learners reached and fidelity delivered, read at both sizes
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, site, "cascade-planner.ipynb", "?large")
    page.locator(".ttt-chart .ttt-chart-value").first.wait_for(timeout=30_000)
    assert "ttt-large" in page.get_attribute("body", "class") and page.locator("img").count() == 0
    normal, large = helpers.charts_read_from_the_back(page, ".ttt-cascade-planner .ttt-chart", [3])
    # 0 to 10k and 0 to 100% in five ticks each; a narrow axis keeps every other label, never fewer than three
    assert normal[0]["ticks"] >= large[0]["ticks"] >= 6
    chart = page.locator(".ttt-cascade-planner .ttt-chart")
    assert "Level 2: Learners reached 8,640, Fidelity delivered 64%" in chart.get_attribute("data-summary")
    assert chart.get_by_role("table").count() == 1  # what a screen reader reads
    page.locator(".widget-dropdown select").first.select_option("health-workers")  # another example: more levels
    page.wait_for_function("() => !document.querySelector('.ttt-chart').dataset.summary.includes('8,640')",
                           timeout=15_000)
    helpers.charts_read_from_the_back(page, ".ttt-cascade-planner .ttt-chart", [4])  # masters and three levels
    assert page.js_errors == []


def test_evaluation_reads_the_session_and_an_uploaded_file(site, page, tmp_path):
    from ttt_widgets import ResponseStore

    # answered after the kernel was preheated: the page reads the session again when it is opened
    store = ResponseStore(f"sqlite:///{site['data'] / 'live.sqlite'}")
    store.submit(site["code"], "How useful was today?", "p4", 5)
    store.close()
    _open(page, site, "evaluation.ipynb")
    page.get_by_text(f"Levels 1 and 2 from session {site['code']}.").wait_for(timeout=30_000)
    page.get_by_text(f"session {site['code']} (7 rows").wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "The <b>role play</b> in pairs" in text  # the trainee's text, shown as text
    assert page.locator("input[placeholder='path/to/results.csv']").count() == 0  # no reading files by path
    # another session, opened after the server started: picked on the page
    store = ResponseStore(f"sqlite:///{site['data'] / 'live.sqlite'}")
    other = store.open_session("Afternoon group")
    store.add_question(other, "How useful was today?", "scale")
    store.submit(other, "How useful was today?", "q1", 2)
    store.add_question(other, "Exit ticket", "exit")
    store.submit(other, "Exit ticket", "q1", {"worked": "Afternoon pairs", "change": "More breaks"})
    store.close()
    # the page never shows the other session until the lead picks it (reading the list again used to pass through
    # its first entry, the newest session, and a pick made meanwhile could be lost)
    page.evaluate("""(code) => { window.__picked = false; window.__shown = [];
        new MutationObserver(() => { if (document.body.innerText.includes('from session ' + code)) {
            window.__shown.push(window.__picked); } }).observe(document.body,
            { subtree: true, childList: true, characterData: true }); }""", other)
    page.get_by_role("button", name="Read the session again").click()
    chooser = page.get_by_label("Session", exact=True)
    page.wait_for_function("(code) => [...document.querySelectorAll('select option')].some(o => o.textContent"
                           ".startsWith(code))", arg=other, timeout=15_000)
    page.wait_for_timeout(1000)  # what the kernel said after the new list
    assert chooser.evaluate("s => s.selectedOptions[0].textContent").startswith(site["code"])  # the lead's pick kept
    page.evaluate("window.__picked = true")
    chooser.select_option(label=next(o for o in chooser.locator("option").all_inner_texts() if o.startswith(other)))
    page.get_by_text(f"Levels 1 and 2 from session {other}.").wait_for(timeout=30_000)
    page.get_by_text("Afternoon pairs").wait_for(timeout=30_000)  # the new board reads the store in its own thread
    assert page.evaluate("window.__shown").count(False) == 0
    assert "The <b>role play</b> in pairs" not in page.inner_text("body")  # the other session's tickets are gone
    csv = tmp_path / "later.csv"
    csv.write_text("participant,level,measure,phase,value\nA,behaviour,observed practice,post,3\n"
                   "B,behaviour,observed practice,post,4\n,results,courses delivered,post,12\n")
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(str(csv))
    page.get_by_text("Read 3 rows from later.csv.").wait_for(timeout=30_000)
    # no pre and post scores: the gains chart says what to do; with them, each measure's gain reads from the back
    assert page.get_by_text("No pre/post gains yet").is_visible()
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(str(helpers.ROOT / "ttt_widgets" / "content" / "datasets" / "evaluation-sample.csv"))
    page.get_by_text("Read 211 rows from evaluation-sample.csv.").wait_for(timeout=30_000)
    assert page.locator("img").count() == 0
    helpers.charts_read_from_the_back(page, ".ttt-evaluation-report .ttt-chart", [3])
    assert "+14.5 [+10.9, +18.1]" in page.locator(".ttt-chart").get_attribute("data-summary")
    assert page.js_errors == []


def test_cascade_planner_follows_a_new_example(site, page):
    _open(page, site, "cascade-planner.ipynb")
    before = page.inner_text("body")
    page.locator(".widget-dropdown select").first.select_option("health-workers")
    page.wait_for_function("(b) => document.body.innerText !== b", arg=before, timeout=15_000)
    assert page.locator(".widget-dropdown select").first.input_value() == "health-workers"
    assert page.js_errors == []


def test_dashboards_say_so_in_plain_words_when_there_is_no_data(tmp_path, monkeypatch):
    """No gradebook and no live session: the pages still open, with a sentence instead of an error."""
    monkeypatch.setenv("TTT_COURSE", str(tmp_path / "no-course"))
    monkeypatch.setenv("TTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TTT_SESSION", raising=False)
    monkeypatch.delenv("TTT_DB_URL", raising=False)
    (tmp_path / "no-course").mkdir()
    shutil.copy(helpers.ASSIGNMENTS / "nbgrader_config.py", tmp_path / "no-course")
    for name, sentence in [("cohort-progress.ipynb", "No gradebook yet"), ("evaluation.ipynb", "No live session yet")]:
        nb = helpers.execute_notebook(DASHBOARDS / name, cwd=DASHBOARDS)
        assert helpers.error_outputs(nb) == []
        shown = json.dumps([c.get("outputs", []) for c in nb.cells]) + json.dumps(nb.metadata.get("widgets", {}))
        assert sentence in shown  # in an output, or in the state of the widgets it shows
    assert not (tmp_path / "no-course" / "gradebook.db").exists()  # reading never creates one
