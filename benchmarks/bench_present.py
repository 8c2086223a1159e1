"""Time to interactive of the leads' dashboards: plain cold ``voila`` against ``ttt present`` (preheated), side by side.

Time to interactive is measured in headless Chromium from navigation start (``performance.timeOrigin``) to the
moment the first widget view is in the page. Widget views exist only once the front end has loaded, connected to
the kernel and received the widget state from it, so at that moment the page answers input; for the slider notebook
the script also moves the slider and times the kernel's reply (the plot changing).

Three servers run in the same session, on the same notebooks:

- ``voila (plain, cold)``: the stock command, ``voila FOLDER``, lab template, a kernel started per visit;
- ``ttt template, cold``: the kit's template and its own front end (``frontend/``), without preheating (what the
  page alone buys);
- ``ttt present``: the same with one preheated kernel per dashboard (what leads get).

For every visit it also counts what the page loaded before it was interactive: requests and bytes (response bodies
as sent, with a fresh browser profile each time, so nothing comes from the cache: a first visit). The servers take
any number of pages (``max_pages=0``): the visits' kernels are left for the orphan timeout to reclaim.

It then reports the memory of the ``ttt present`` server with every dashboard preheated (the server and its
kernels: resident set, and proportional set size which shares libraries fairly between processes).

Usage: ``python benchmarks/bench_present.py [--repeat N] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import helpers  # noqa: E402  (the test helpers: free ports, process groups, Chromium flags)

from ttt_widgets.serve import voila_command  # noqa: E402

SLIDER_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# One slider and a plot"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": (
            "import ipywidgets as widgets\n"
            "import numpy as np\n"
            "from ttt_widgets.plots import new_figure, figure_png\n"
            "slider = widgets.IntSlider(value=3, min=1, max=10, description='Frequency')\n"
            "image = widgets.Image(format='png')\n"
            "def draw(change=None):\n"
            "    fig, ax = new_figure(5, 3)\n"
            "    x = np.linspace(0, 1, 400)\n"
            "    ax.plot(x, np.sin(2 * np.pi * slider.value * x))\n"
            "    image.value = figure_png(fig)\n"
            "slider.observe(draw, 'value')\n"
            "draw()"
        )},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "widgets.VBox([slider, image])"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}

# records, in the page, when the first widget view appears (performance.now() counts from navigation start)
WATCH_WIDGETS = """
(() => {
  const seen = () => document.querySelector('.jupyter-widgets.widget-slider, .jupyter-widgets.widget-box, .jupyter-widgets');
  const mark = () => { if (window.__firstWidget === undefined && seen()) { window.__firstWidget = performance.now(); } };
  new MutationObserver(mark).observe(document, {childList: true, subtree: true});
})();
"""


def start(cmd: list[str], log: Path, cwd: Path) -> helpers.Process:
    proc = helpers.start_process(cmd, log, cwd=cwd, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return proc


def pool_filled_count(proc: helpers.Process, name: str) -> int:
    return proc.output().count(f"Kernel pool of {name} is filled")


def wait_pool(proc: helpers.Process, name: str, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while pool_filled_count(proc, name) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"pool of {name} not refilled")
        time.sleep(0.1)



def visit(browser, url: str, slider: bool) -> tuple[float, float | None, int, int]:
    """One fresh page: time to first widget and to the kernel's first reply to input (seconds), and the requests
    and bytes loaded until the first widget showed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_WIDGETS)
    loaded: list = []
    page.on("requestfinished", lambda request: loaded.append(request))
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function("window.__firstWidget !== undefined", timeout=120_000, polling=20)
        first = page.evaluate("window.__firstWidget") / 1000
        until = list(loaded)  # requests finished by the time the widgets showed
        requests = len(until)
        size = sum(max(0, r.sizes()["responseBodySize"]) for r in until)
        reply = None
        if slider:
            img = page.locator(".widget-image")
            img.wait_for(timeout=60_000)
            before = img.get_attribute("src")
            page.locator(".widget-slider .noUi-handle, .widget-slider [role=slider]").first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "(b) => { const i = document.querySelector('.widget-image'); return i && i.src !== b; }",
                arg=before, timeout=60_000, polling=20)
            reply = page.evaluate("performance.now()") / 1000
        return first, reply, requests, size
    finally:
        context.close()


def memory_of_group(pid: int) -> tuple[float, float, int]:
    """(RSS MiB, PSS MiB, number of processes) of a process and all its descendants (kernels run in their own
    sessions, so the process tree is followed, not the process group)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    family = {pid}
    grew = True
    while grew:
        more = {p for p, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    rss = pss = 0
    count = 0
    for member in family:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        count += 1
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
    return rss / 1024, pss / 1024, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="visits per notebook and server (default 3)")
    parser.add_argument("--only", nargs="*", default=None, help="notebook names to measure (default: all)")
    args = parser.parse_args()

    from ttt_widgets.doctor import chromium_path

    executable = chromium_path()
    if not executable:
        print("Chromium not found (apt-get install chromium): nothing measured")
        return 0
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-present-"))
    folder = work / "dashboards"
    shutil.copytree(ROOT / "notebooks" / "dashboards", folder,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (folder / "slider-plot.ipynb").write_text(json.dumps(SLIDER_NOTEBOOK))
    names = sorted(p.name for p in folder.glob("*.ipynb") if p.name != "index.ipynb")
    names.remove("slider-plot.ipynb")
    names.insert(0, "slider-plot.ipynb")
    if args.only:
        names = [n for n in names if n in args.only or n.removesuffix(".ipynb") in args.only]
    env_note = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"

    ports = {key: helpers.free_port() for key in ("plain", "cold", "preheated")}
    plain_cmd = [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={ports['plain']}",
                 "--Voila.ip=127.0.0.1"]
    servers = {
        "plain": start(plain_cmd, work / "plain.log", folder),
        "cold": start(voila_command(folder, ports["cold"], preheat=False, max_pages=0), work / "cold.log", folder),
        "preheated": start(voila_command(folder, ports["preheated"], preheat=True, pool_size=1, max_pages=0),
                           work / "preheated.log", folder),
    }
    labels = {"plain": "voila (plain, cold)", "cold": "ttt template, cold", "preheated": "ttt present (preheated)"}
    results: dict[str, dict[str, list[tuple[float, float | None, int, int]]]] = {n: {k: [] for k in servers} for n in names}
    try:
        for key, proc in servers.items():
            helpers.wait_for_http(f"http://127.0.0.1:{ports[key]}/voila/tree", timeout=120, proc=proc.proc, log=proc.log)
        all_nbs = sorted(p.name for p in folder.glob("*.ipynb"))
        for name in all_nbs:
            wait_pool(servers["preheated"], name, 1, timeout=300)
        time.sleep(2)  # let the machine settle after preheating
        rss, pss, nproc = memory_of_group(servers["preheated"].proc.pid)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=helpers.CHROMIUM_ARGS, headless=True)
            # one throw-away visit per server so that the browser's own start-up is not in the first figure
            for key in servers:
                visit(browser, f"http://127.0.0.1:{ports[key]}/voila/render/{names[0]}", slider=False)
            wait_pool(servers["preheated"], names[0], 2, timeout=300)
            for name in names:
                for i in range(args.repeat):
                    for key in ("plain", "cold", "preheated"):
                        before = pool_filled_count(servers["preheated"], name)
                        url = f"http://127.0.0.1:{ports[key]}/voila/render/{name}"
                        results[name][key].append(visit(browser, url, slider=name == "slider-plot.ipynb"))
                        if key == "preheated":  # the visit took the waiting kernel: wait for its successor
                            wait_pool(servers[key], name, before + 1, timeout=300)
            browser.close()
    finally:
        for proc in servers.values():
            proc.stop()

    print(f"Time to interactive, median of {args.repeat} visits in headless Chromium ({env_note})")
    print("first widget rendered, from navigation start, seconds\n")
    header = f"{'notebook':<24}" + "".join(f"{labels[k]:>26}" for k in servers) + f"{'plain / present':>18}"
    print(header)
    print("-" * len(header))
    ratios = []
    spread = {}
    for name in names:
        med = {k: statistics.median(v[0] for v in results[name][k]) for k in servers}
        spread[name] = (min(v[0] for v in results[name]["preheated"]), max(v[0] for v in results[name]["preheated"]))
        ratio = med["plain"] / med["preheated"]
        ratios.append(ratio)
        print(f"{name.removesuffix('.ipynb'):<24}" + "".join(f"{med[k]:>26.2f}" for k in servers) + f"{ratio:>17.1f}x")
    print("\nWhat a page loads before it is interactive (first visit, nothing cached): requests / KiB, median")
    print(f"{'notebook':<24}" + "".join(f"{labels[k]:>26}" for k in servers))
    for name in names:
        cells = []
        for k in servers:
            visits = results[name][k]
            cells.append(f"{statistics.median(v[2] for v in visits):.0f} / {statistics.median(v[3] for v in visits) / 1024:,.0f}")
        print(f"{name.removesuffix('.ipynb'):<24}" + "".join(f"{c:>26}" for c in cells))
    if "slider-plot.ipynb" in names:
        print("\nslider-plot: first reply of the kernel to a slider move (plot redrawn), seconds from navigation start")
        print("".join(f"{labels[k]:>26}" for k in servers))
        print("".join(f"{statistics.median(v[1] for v in results['slider-plot.ipynb'][k]):>26.2f}" for k in servers))
    print("\nttt present, preheated, every visit (min to max, seconds): "
          + ", ".join(f"{n.removesuffix('.ipynb')} {a:.2f}-{b:.2f}" for n, (a, b) in spread.items()))
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} (1 min) on {os.cpu_count()} CPUs")
    print(f"\nttt present is {statistics.median(ratios):.1f}x faster than plain cold voila (median over notebooks)")
    print(f"\nMemory of ttt present with {len(all_nbs)} notebooks preheated ({nproc} processes: server + kernels):")
    print(f"  resident {rss:.0f} MiB in total, proportional share {pss:.0f} MiB "
          f"({pss / max(nproc, 1):.0f} MiB per process)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
