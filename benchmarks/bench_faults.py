"""Nothing lost, nothing doubled: 10 writers x 200 answers through the real widgets while PostgreSQL fails.

Two runs on a throwaway PostgreSQL server:

* restart: 10 trainee processes (each its own data folder, so its own participant) send 200 word-cloud answers
  each with ``WordWall``; 3 s in, the server is stopped for 10 s, then started again. A widget that says "not sent
  yet" keeps the answer; the trainee process presses Send again (``retry()``) every 0.2 s until it is confirmed.
* dropped COMMITs: the same, through a proxy that loses a COMMIT's reply about every quarter of a second (the
  transaction is committed, the client's connection is cut before it hears so).

Printed: answers confirmed by the widgets, answers stored, duplicates (the same answer stored twice), and for the
restart the recovery time (from the server being back to the first confirmed answer).

Usage: ``python benchmarks/bench_faults.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import helpers  # noqa: E402  (PostgreSQL server, fault proxy)

from ttt_widgets.live import ResponseStore  # noqa: E402

WRITER = r"""
import sys, time
from ttt_widgets.live import WordWall, ResponseStore
url, code, index, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = ResponseStore(url, timeout=1)
wall = WordWall("Word", store=store, session=code, retry_delay=0.2)
for j in range(count):
    ok = wall.submit(f"w{index:02d}x{j:04d}")
    while not ok:
        time.sleep(0.2)
        ok = wall.retry()
    print("confirmed", time.time(), flush=True)
"""


def run(name: str, url: str, writers: int, answers: int, fault) -> dict:
    """Run the writers while ``fault(info)`` runs in a thread (``info["done"]`` is set once they have finished)."""
    store = ResponseStore(url)
    code = store.open_session(name)
    store.add_question(code, "Word", "words")
    with tempfile.TemporaryDirectory() as d:
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, code, str(i), str(answers)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "TTT_DATA_DIR": f"{d}/w{i}", "PYTHONPATH": str(ROOT)})
                 for i in range(writers)]
        info: dict = {}
        t = threading.Thread(target=fault, args=(info,))
        t.start()
        confirmed: list[float] = []
        for p in procs:
            out, err = p.communicate(timeout=900)
            if p.returncode != 0:
                raise RuntimeError(err[-2000:])
            confirmed += [float(line.split()[1]) for line in out.splitlines() if line.startswith("confirmed")]
        info["done"] = True
        t.join()
    history = [h["value"] for h in store.history(code, "Word")]
    store.close()
    back = info.get("back")
    recovery = min((c for c in confirmed if back and c >= back), default=None)
    return {"name": name, "confirmed": len(confirmed), "stored": len(set(history)),
            "duplicated": len(history) - len(set(history)), "expected": writers * answers,
            "recovery": None if recovery is None else recovery - back, **info}


def main() -> int:
    writers, answers = 10, 200
    with tempfile.TemporaryDirectory(prefix="ttt-bench-faults-") as d:
        try:
            server = helpers.PostgresServer.start(Path(d) / "pg")
        except helpers.Unavailable as exc:
            print(f"PostgreSQL not available: {exc}")
            return 1
        try:
            def restart(info):
                time.sleep(3)
                server.stop(remove=False)
                info["stopped"] = time.time()
                time.sleep(10)
                server.restart()
                info["back"] = time.time()

            results = [run("restart", server.url, writers, answers, restart)]
            proxy = helpers.FaultProxy(server.port)

            def drop_now_and_then(info):  # arm one lost reply, wait until it was used, pause, again
                while not info.get("done"):
                    if proxy._to_drop == 0:
                        time.sleep(0.25)
                        proxy.drop_commits(1)
                    time.sleep(0.02)

            r = run("dropped COMMITs", proxy.url, writers, answers, drop_now_and_then)
            r["dropped"] = proxy.dropped
            results.append(r)
            proxy.close()
        finally:
            server.stop()
    print(f"{writers} writer processes x {answers} answers through WordWall, PostgreSQL, {os.cpu_count()} CPUs")
    for r in results:
        extra = (f"; server down {r['back'] - r['stopped']:.1f} s, first answer confirmed {r['recovery']:.2f} s after "
                 "it was back" if r.get("back") and r.get("recovery") is not None else "")
        if "dropped" in r:
            extra = f"; COMMIT replies lost: {r['dropped']}"
        print(f"  {r['name']}: confirmed {r['confirmed']} of {r['expected']}, stored {r['stored']}, "
              f"duplicated {r['duplicated']}{extra}")
    return 0 if all(r["confirmed"] == r["stored"] == r["expected"] and r["duplicated"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
