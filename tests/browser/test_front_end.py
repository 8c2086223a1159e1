"""The dashboards' own front end (frontend/) against a real ``ttt present`` and Chromium: what it loads, that widgets
travel both ways (binary buffers included, widgets the kernel makes after the page opened), that HTML allowed in a
description is cleaned, and that a page that goes shuts its kernel down."""

from __future__ import annotations

import time

import nbformat
import pytest

import helpers

pytestmark = pytest.mark.browser

SETUP = """\
import ipywidgets as w
from ttt_widgets.plots import new_figure, figure_png
fig, ax = new_figure(2, 1)
ax.plot([0, 1], [0, 1])
picture = w.Image(value=figure_png(fig, dpi=50), format='png')
hostile = ('<b>bold</b><img src=x onerror="window.__pwned=1"><a href="javascript:window.__pwned=2">link</a>'
           '<script>window.__pwned=3</script><i onclick="window.__pwned=4">italic</i>')
box = w.Checkbox(description=hostile, description_allow_html=True)
added = w.VBox()
echo = w.Label('nothing yet')
text = w.Text(description='Say')
def grow(_):
    added.children = [*added.children, w.Button(description=f'Made {len(added.children) + 1}')]
    echo.value = 'heard: ' + text.value
more = w.Button(description='Add one')
more.on_click(grow)
"""


@pytest.fixture(scope="module")
def site(ttt_present, tmp_path_factory):
    folder = tmp_path_factory.mktemp("frontend") / "dashboards"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Front end"), nbformat.v4.new_code_cell(SETUP),
                nbformat.v4.new_code_cell("w.VBox([picture, box, text, more, echo, added])"),
                nbformat.v4.new_code_cell("from IPython.display import HTML\n"
                                          "HTML('<p class=\"plain-output\">an HTML output</p>')")]
    nbformat.write(nb, folder / "frontend.ipynb")
    icons = nbformat.v4.new_notebook()
    icons.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\n"
                                             "w.HBox([w.Button(description='Checked', icon='check'),"
                                             " w.ToggleButton(description='Paused', icon='pause')])")]
    nbformat.write(icons, folder / "icons.ipynb")
    base, proc = ttt_present(folder)
    return {"base": base, "proc": proc}


def test_a_page_loads_one_script_and_its_widgets_work_both_ways(site, page):
    requests = []
    page.on("request", lambda r: requests.append((r.resource_type, r.url)))
    page.goto(f"{site['base']}voila/render/frontend.ipynb")
    page.get_by_role("button", name="Add one").wait_for(timeout=60_000)
    # the page, the one script: nothing of Voila's JupyterLab front end (89 requests before)
    code = [(kind, url) for kind, url in requests if kind in ("document", "script", "stylesheet", "font")]
    assert [kind for kind, _ in code] == ["document", "script"], code
    assert not any("voila.js" in url or "labextensions" in url for _, url in requests)
    # a PNG that came as a binary buffer over the websocket, decoded to its real size (100 x 50 px at 50 dpi)
    page.wait_for_function("() => { const i = document.querySelector('.widget-image');"
                           " return i && i.naturalWidth > 0; }")
    assert page.evaluate("[document.querySelector('.widget-image').naturalWidth,"
                         " document.querySelector('.widget-image').naturalHeight]") == [100, 50]
    # an ordinary HTML output shows as well
    assert page.locator("p.plain-output").inner_text() == "an HTML output"
    # the kernel hears the page; widgets it makes afterwards (comm_open after load) appear, twice
    page.get_by_label("Say").fill("hello <b>there</b>")
    page.get_by_label("Say").press("Enter")
    for n in (1, 2):
        page.get_by_role("button", name="Add one").click()
        page.get_by_role("button", name=f"Made {n}").wait_for(timeout=15_000)
    page.get_by_text("heard: hello <b>there</b>").wait_for(timeout=15_000)  # text, not markup
    assert [e for e in page.js_errors if not e.endswith("/x)")] == []  # the description's image (next test) is absent


def test_icons_come_with_the_front_end_and_are_not_read_out(site, page):
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{site['base']}voila/render/icons.ipynb")
    page.get_by_role("button", name="Checked", exact=True).wait_for(timeout=60_000)  # the glyph is not in its name
    page.wait_for_function("() => [...document.fonts].some((f) => f.family.replace(/['\"]/g, '') === 'FontAwesome'"
                           " && f.status === 'loaded')", timeout=15_000)
    for name, icon in (("Checked", "fa-check"), ("Paused", "fa-pause")):
        glyph = page.get_by_role("button", name=name, exact=True).locator(f"i.fa.{icon}")
        assert glyph.get_attribute("aria-hidden") == "true"
        assert glyph.bounding_box()["width"] >= 8  # drawn by the font, not an empty box
        assert glyph.evaluate("i => getComputedStyle(i).fontFamily").startswith("FontAwesome")
    fonts = [r for r in responses if r.request.resource_type == "font"]
    assert len(fonts) == 1 and fonts[0].url.startswith(f"{site['base']}voila/templates/ttt/static/ttt-icons.woff2?v=")
    assert fonts[0].status == 200 and fonts[0].headers["content-type"] == "font/woff2"
    assert "immutable" in fonts[0].headers["cache-control"]  # its address names its content
    assert all(r.url.startswith(site["base"]) or r.url.startswith("data:") for r in responses)  # nothing from outside
    assert page.js_errors == []


def test_html_allowed_in_a_description_is_cleaned(site, page):
    page.goto(f"{site['base']}voila/render/frontend.ipynb")
    label = page.locator(".widget-checkbox label, .widget-checkbox .widget-label-basic").first
    label.wait_for(timeout=60_000)
    page.wait_for_timeout(300)
    shown = page.locator(".widget-checkbox label span").first  # the description's own element (the title is text)
    html = shown.inner_html()
    assert "<b>bold</b>" in html and "<i>italic</i>" in html  # allowed tags stay
    assert "onerror" not in html and "onclick" not in html and "javascript:" not in html and "<script" not in html
    assert shown.locator("img").count() == 1 and shown.locator("a").get_attribute("href") is None
    assert "window.__pwned=3" not in shown.inner_text()  # a script's content is dropped, not shown
    page.locator(".widget-checkbox i").click()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned === undefined")
    assert [e for e in page.js_errors if not e.endswith("/x)")] == []  # nothing but the absent image


def test_a_page_that_goes_shuts_its_kernel_down(site, browser):
    import urllib.error
    import urllib.request

    def alive(kernel: str) -> bool:
        try:
            with urllib.request.urlopen(f"{site['base']}api/kernels/{kernel}", timeout=30) as r:
                return r.status == 200
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return False
            raise

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site['base']}voila/render/frontend.ipynb")
    page.get_by_role("button", name="Add one").wait_for(timeout=60_000)
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    assert alive(kernel)
    page.goto("about:blank")  # the lead opens another address in the same tab
    deadline = time.monotonic() + 20
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(kernel)  # gone at once, not after the orphan timeout (120 s)
    context.close()


def test_a_dropped_connection_is_opened_again_and_the_widgets_keep_working(site, page):
    page.goto(f"{site['base']}voila/render/frontend.ipynb")
    page.get_by_role("button", name="Add one").wait_for(timeout=60_000)
    page.wait_for_function("document.body.getAttribute('data-ttt-kernel') === 'connected'")
    # what a proxy's idle timeout or a Wi-Fi hiccup does: the websocket closes under the page
    page.evaluate("window.tttDashboard.kernel.socket.close()")
    page.wait_for_function("document.body.getAttribute('data-ttt-kernel') === 'reconnecting'", polling=10)
    page.wait_for_function("document.body.getAttribute('data-ttt-kernel') === 'connected'", timeout=15_000)
    page.get_by_role("button", name="Add one").click()
    page.get_by_role("button", name="Made 1").wait_for(timeout=15_000)
    assert [e for e in page.js_errors if not e.endswith("/x)")] == []


def test_a_reply_that_comes_after_its_idle_status_still_answers_the_request(site, page):
    """A kernel's reply (shell channel) and its idle status (iopub) travel on separate sockets and reach the page in
    either order; a request must be answered either way, or the page waits for ever for its widgets."""
    page.goto(f"{site['base']}voila/render/frontend.ipynb")
    page.get_by_role("button", name="Add one").wait_for(timeout=60_000)
    answered = page.evaluate("""async () => {
        const kernel = window.tttDashboard.kernel;
        const receive = kernel._receive.bind(kernel);
        const held = new Map();  // request's msg_id -> its reply, held back
        const idle = new Set();  // requests whose idle status has been handled
        // every shell reply is held back until the idle status of its request has been handled
        kernel._receive = (msg) => {
            const parent = (msg.parent_header || {}).msg_id;
            if (msg.channel === 'shell' && !idle.has(parent)) { held.set(parent, msg); return; }
            receive(msg);
            if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') {
                idle.add(parent);
                if (held.has(parent)) { const reply = held.get(parent); held.delete(parent); receive(reply); }
            }
        };
        const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10000));
        const reply = await Promise.race([
            kernel.request('comm_info_request', { target_name: 'jupyter.widget' }), timeout]);
        kernel._receive = receive;
        return reply && { type: reply.header.msg_type, comms: Object.keys(reply.content.comms).length,
                          pending: kernel.pending.size };
    }""")
    assert answered is not None, "the request was never answered"
    assert answered["type"] == "comm_info_reply" and answered["comms"] >= 6
    assert answered["pending"] == 0  # nothing left waiting
