"""The live room over HTTP: 200 participants answer at once; how long until each answer is on the lead's page?

``ttt present`` serves the ``live-session`` dashboard and the live service; the lead's page is open in headless
Chromium. 200 distinct participants (half "phones" speaking the join page's JSON, half "notebooks" using the
widgets' :class:`~ttt_widgets.live.client.RemoteStore`), spread over 4 processes with a thread each, register first,
then all send one word at the same moment. Each word is a unique token; a MutationObserver in the page stamps the
moment each token first appears on the word cloud. Latency = that moment minus the moment the participant's request
was confirmed (same machine, same clock). Twelve seconds later each participant sends 4 more words as fast as the
service takes them: answers per second.

Run twice in the same run: with the dashboard kernel told of changes by the service (push, the default), and with
``TTT_PUSH=0`` (the kernel looks at the store every 0.5 s, as before). Goal: p95 under 1 s with push.

Usage: ``python benchmarks/bench_live_latency.py [--participants 200]``
"""

from __future__ import annotations

import argparse
import os
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

import helpers  # noqa: E402  (free ports, process groups, Chromium flags, the live server starter)

QUESTION = "One word for how you feel about teaching:"

#: one process of simulated participants: register all, wait for the start, send, report confirmations
CROWD = r"""
import json, sys, threading, time, urllib.request
from ttt_widgets.live.client import RemoteStore
base, code, first, count, start_at, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
question = %r

def post(path, body, token=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())

people = []
for j in range(first, first + count):
    if j %% 2:  # a phone: the join page's requests
        token = post(f"/ttt/api/sessions/{code}/participants", {})["token"]
        people.append((j, lambda text, i, t=token: post(f"/ttt/api/sessions/{code}/answers",
                                                        {"question": question, "value": text, "id": i}, t)))
    else:  # a notebook: the widgets' client (one per participant, as one per laptop)
        store = RemoteStore(base)
        store._tokens.path = store._tokens.path.with_name(f"tokens-{j}.json")
        store.participant(code)
        people.append((j, lambda text, i, s=store: s.submit(code, question, None, text, request_id=i)))
print("ready", flush=True)
out, lock = [], threading.Lock()

def run(j, send):
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    send(f"tok{j:04d}x", f"first-{j}")
    with lock:
        out.append((j, time.time()))
    delay = start_at + 12 - time.time()  # the throughput wave starts once the first answers are all on the page
    if delay > 0:
        time.sleep(delay)
    for k in range(extra):
        send(f"more{j:04d}n{k}", f"more-{j}-{k}")
    with lock:
        out.append((-1, time.time()))

threads = [threading.Thread(target=run, args=p) for p in people]
for t in threads: t.start()
for t in threads: t.join()
for j, when in out:
    print(j, when, flush=True)
""" % QUESTION

OBSERVER = r"""
() => {
  window.__seen = {};
  const scan = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll('.ttt-wordwall')) {
      for (const m of el.textContent.matchAll(/tok(\d{4})x/g)) {
        if (!(m[1] in window.__seen)) window.__seen[m[1]] = now;
      }
    }
  };
  new MutationObserver(scan).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def run(mode: str, participants: int, chromium: str, tmp: Path) -> dict:
    from playwright.sync_api import sync_playwright

    folder = tmp / mode / "dashboards"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "dashboards" / "live-session.ipynb", folder)
    env = {"TTT_PUSH": "1" if mode == "push" else "0", "PYTHONPATH": str(ROOT)}
    srv = helpers.start_live_server(tmp / mode, dashboards=folder, env=env)
    crowds = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=helpers.CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{srv.url}voila/render/live-session.ipynb?token={srv.token}")
            page.locator(".ttt-join-code").wait_for(timeout=90_000)
            page.locator(".ttt-wordwall").first.wait_for(timeout=30_000)
            code = page.locator(".ttt-join-code").inner_text().strip()
            page.evaluate(OBSERVER)
            procs, per = 4, participants // 4
            start_at = time.time() + 8.0 + participants * 0.03
            crowd_env = {**os.environ, "TTT_DATA_DIR": str(tmp / mode / "crowd"), "PYTHONPATH": str(ROOT)}
            for k in range(procs):
                crowds.append(subprocess.Popen([sys.executable, "-c", CROWD, srv.url.rstrip("/"), code, str(k * per),
                                                str(per), str(start_at), "4"],
                                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=crowd_env))
            page.wait_for_timeout(int(max(0.0, start_at + 10 - time.time()) * 1000))
            seen = page.evaluate("window.__seen")
            sent: dict[int, float] = {}
            ends: list[float] = []
            for c in crowds:
                out, err = c.communicate(timeout=300)
                if c.returncode != 0:
                    raise RuntimeError(err[-2000:])
                for line in out.splitlines()[1:]:
                    j, when = line.split()
                    (ends.append(float(when)) if int(j) < 0 else sent.__setitem__(int(j), float(when)))
            browser.close()
    finally:
        for c in crowds:
            if c.poll() is None:
                c.kill()
        srv.stop()
    latencies = sorted(seen[f"{j:04d}"] / 1000 - sent[j] for j in sent if f"{j:04d}" in seen)
    first_wave = max(sent.values()) - start_at
    return {"mode": mode, "sent": len(sent), "visible": len(latencies), "latencies": latencies,
            "first_wave_s": first_wave, "rate": len(sent) * 4 / (max(ends) - start_at - 12)}


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    args = parser.parse_args()
    from ttt_widgets.doctor import chromium_path

    chromium = chromium_path()
    if chromium is None:
        print("Chromium not found: install it (apt-get install chromium) or set TTT_CHROMIUM")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="ttt-bench-latency-") as d:
        for mode in ("push", "poll"):
            results.append(run(mode, args.participants, chromium, Path(d)))
    print(f"{args.participants} participants (half phones over the JSON API, half notebooks through RemoteStore), "
          f"4 client processes, {os.cpu_count()} CPUs, SQLite store")
    for r in results:
        lat = r["latencies"]
        if not lat:
            print(f"  {r['mode']}: no answer became visible")
            continue
        missing = r["sent"] - r["visible"]
        print(f"  {r['mode']:>4}: submit -> visible on the lead's page p50 {statistics.median(lat) * 1000:.0f} ms, "
              f"p95 {pct(lat, 0.95) * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms; never seen within 10 s: {missing}; "
              f"all {r['sent']} first answers confirmed in {r['first_wave_s']:.2f} s; "
              f"then the service took {r['rate']:.0f} answers/s (4 more per participant, all at once)")
    if len(results) == 2 and results[0]["latencies"] and results[1]["latencies"]:
        ratio = statistics.median(results[1]["latencies"]) / statistics.median(results[0]["latencies"])
        print(f"  p50 polling / p50 push: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
