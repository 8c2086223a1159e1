"""The trainer-pool and teaching-demo pages in Chromium, through the real `ttt present`, on a synthetic programme
(3 generations, 40 trainers, demos, observations, quiz results) stored in the kit's SQLite store."""

from __future__ import annotations

import shutil

import pytest

import helpers
from ttt_widgets.models.fidelity import synthetic_programme
from ttt_widgets.programme.store import ProgrammeStore

PAGES = ("trainer-pool.ipynb", "teaching-demo.ipynb")
TODAY = "2025-06-01"


@pytest.fixture(scope="module")
def programme_site(ttt_present, tmp_path_factory):
    work = tmp_path_factory.mktemp("programme")
    dashboards = work / "dashboards"
    dashboards.mkdir()
    for name in PAGES:  # only these two: each served notebook keeps a preheated kernel
        shutil.copy(helpers.DASHBOARDS / name, dashboards / name)
    data = work / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'live.sqlite'}"  # the kit's default store in that data directory
    prog = synthetic_programme(retention=0.8, seed=7, today=TODAY)
    store = ProgrammeStore(url)
    store.load_programme(prog)
    estimate = store.retention()
    store.close()
    base, proc = ttt_present(dashboards, env={"TTT_DATA_DIR": str(data), "TTT_TODAY": TODAY, "TTT_DB_URL": ""})
    return {"base": base, "url": url, "estimate": estimate, "programme": prog}


def _open(page, site, name, query=""):
    page.goto(f"{site['base']}voila/render/{name}{query}")
    page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=60_000)


def test_trainer_pool_on_a_projector_shows_the_programme_its_measured_fidelity_and_whom_to_draw_on(
        programme_site, browser):
    """One page, opened as a lead projects it (1280x720, large type): every kernel start costs seconds, so the
    pool, the fidelity panel, the draw-on search and the roster download are checked on the same page."""
    site = programme_site
    est = site["estimate"]
    assert est.per_level.low <= 0.8 <= est.per_level.high  # the value the programme was made with
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _open(page, site, "trainer-pool.ipynb", "?large")
    summary = page.get_by_text("trainers in 3 generation(s)")
    summary.wait_for(state="visible", timeout=30_000)
    assert summary.inner_text().startswith("40 trainers in 3 generation(s)")
    text = page.inner_text("body")
    assert "Facilitator note" not in text and "TrainerPoolBoard" not in text  # no code, no lab-only cells
    assert page.locator("table tr", has_text="g2-24").count() == 1  # the pool, every trainer on a row
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.ttt-trainer-pool td')).fontSize)")
    assert size >= 20, f"table text is {size}px in large type"
    lines = page.evaluate("""() => {
        const cells = [...document.querySelectorAll('.ttt-trainer-pool tr')].find(r => r.innerText.includes('g0-01')).cells;
        return [0, 5, 6].map(i => { const r = document.createRange(); r.selectNodeContents(cells[i]);
                                    return r.getClientRects().length; });
    }""")
    assert lines == [1, 1, 1]  # the id and the dates stay on one line each in large type
    for name in ("Pool", "Pathway", "Due for observation", "Fidelity by generation", "Who to draw on"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box and box["x"] + box["width"] <= 1280, f"section {name!r} does not fit the screen"

    page.get_by_role("button", name="Fidelity by generation").click()
    page.locator(".ttt-trainer-pool .ttt-chart-value").first.wait_for(state="visible")
    body = page.inner_text("body")
    assert f"Measured retention per level {est.per_level}" in body and f"{est.retention(2)}" in body
    # the chart is text, read from the back at full HD and at 1280x720 in large type: a row per generation
    assert page.locator(".ttt-trainer-pool img").count() == 0
    normal, large = helpers.charts_read_from_the_back(page, ".ttt-trainer-pool .ttt-chart", [3])
    assert normal[0]["marks"] == large[0]["marks"] == 3 and large[0]["ticks"] >= 3
    chart = page.locator(".ttt-trainer-pool .ttt-chart")
    assert chart.locator(".ttt-chart-interval").count() == 2 and chart.locator(".ttt-chart-ref").count() == 3
    notes = chart.locator(".ttt-chart-note").all_inner_texts()
    assert notes == [f"{g.trainers} trainers" for g in est.generations] == ["4 trainers", "12 trainers", "24 trainers"]
    # a 3-level cascade falls below the 60% floor by the measured retention: the page says so before it is run
    warning = page.get_by_text("Below your floor")
    assert warning.is_visible() and "level 3" in warning.inner_text()

    page.get_by_role("button", name="Who to draw on").click()
    page.get_by_role("button", name="Find trainers").click()
    caption = page.get_by_text(f"for 02-how-people-learn on {TODAY}")
    caption.wait_for(state="visible", timeout=30_000)
    expected = site["programme"].pool.available("02-how-people-learn", TODAY, today=TODAY)
    assert caption.inner_text().startswith(f"{len(expected)} trainer(s)")
    assert expected[0].trainer.id in page.locator("table", has=caption).locator("tr").nth(1).inner_text()

    with page.expect_download() as info:
        page.get_by_text("Download roster (CSV)").click()
    lines = open(info.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("id,name,generation,trained_by") and len(lines) == 41
    assert errors == []
    context.close()


def test_an_observer_scores_a_demo_on_a_tablet_and_it_is_stored(programme_site, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    _open(page, programme_site, "teaching-demo.ipynb")
    page.get_by_placeholder("trainer id").fill("g2-05")
    page.get_by_placeholder("your name").fill("observer-kim")
    page.get_by_placeholder("your name").press("Tab")
    marks = page.locator(".ttt-mark")
    box = marks.first.bounding_box()
    assert box and box["height"] >= 40  # large enough to tap
    for index in (1, 3, 5):  # three 'opportunity for growth' marks: a redo
        marks.nth(index).tap()
    page.get_by_text("Redo so far.").wait_for(state="visible", timeout=30_000)
    page.get_by_placeholder("What did you see or hear?").fill("Font <b>too small</b> to read")
    page.get_by_role("button", name="Add timed note").click()
    page.get_by_text("Font <b>too small</b> to read").wait_for(state="visible")  # shown as text, not markup
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. g2-05's demo").wait_for(state="visible", timeout=30_000)
    store = ProgrammeStore(programme_site["url"])
    demos = [d for _, d in store.demos("g2-05") if "observer-kim" in d.sheets]
    store.close()
    assert len(demos) == 1
    sheet = demos[0].sheets["observer-kim"]
    assert sorted(sheet.marks.values()) == ["growth"] * 3 and sheet.notes[0].text == "Font <b>too small</b> to read"
    context.close()


#: bordered boxes with nothing in them (no text and no control) that show on the page
EMPTY_BOXES = """() => [...document.body.querySelectorAll('*')].filter((el) => {
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  if (r.width < 1 || r.height < 1 || cs.visibility === 'hidden') { return false; }
  const bordered = ['Top', 'Right', 'Bottom', 'Left'].some((side) => parseFloat(cs[`border${side}Width`]) > 0
    && cs[`border${side}Style`] !== 'none' && !cs[`border${side}Color`].endsWith(', 0)'));
  const control = 'input, select, textarea, button, img, svg, canvas, .widget-slider, .jupyter-widget-slider';
  return bordered && !el.matches(control) && !el.closest(control) && !el.querySelector(control)
    && el.innerText.trim() === '';
}).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().height)} px`)"""


def _empty_store(url: str) -> None:
    """Delete every row of the programme store, its tables kept: a programme that has not started."""
    import sqlalchemy as sa

    from ttt_widgets.programme import store as programme

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in reversed(programme.metadata.sorted_tables):
            if table is not programme.meta_t:
                conn.execute(table.delete())
    engine.dispose()


def test_an_empty_trainer_pool_says_what_to_do_in_every_section_and_shows_no_empty_box(programme_site, browser):
    site = programme_site
    _empty_store(site["url"])
    try:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        _open(page, site, "trainer-pool.ipynb")  # a preheated page reads the store again when it is opened
        page.get_by_text("No trainers yet: import a roster").wait_for(state="visible", timeout=30_000)
        said = {"Pool": "Each trainer gets a row here once a roster is imported",
                "Pathway": "steps to certification show here once a roster is imported",
                "Due for observation": "Trainers not observed in the last 365 days show here",
                "Fidelity by generation": "No observations yet: score the sessions of at least two master trainers",
                "Who to draw on": "Find trainers"}
        for width, height, large in ((1920, 1080, False), (1280, 720, True)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate(f"document.body.classList.toggle('ttt-large', {'true' if large else 'false'})")
            for section, words in said.items():
                page.get_by_role("button", name=section, exact=True).click()
                shown = page.get_by_text(words).first
                shown.wait_for(state="visible", timeout=10_000)
                where = f"{section} at {width}x{height}{' large' if large else ''}"
                assert page.evaluate(EMPTY_BOXES) == [], f"an empty box in {where}"
                if section == "Fidelity by generation":  # nothing to plan without a measured retention
                    assert not page.get_by_text("Lowest fidelity accepted").is_visible()
        context.close()
    finally:
        store = ProgrammeStore(site["url"])
        store.load_programme(site["programme"])  # the other tests' programme back
        store.close()
