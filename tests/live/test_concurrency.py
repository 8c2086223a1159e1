"""Many trainee processes at once: nothing lost, nothing duplicated; a killed writer loses no confirmed answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from ttt_widgets.live import ResponseStore
from ttt_widgets.live.store import answers_t, history_t

WRITER = Path(__file__).with_name("_writer.py")
ROOT = Path(__file__).resolve().parents[2]


def _start(url, code, prefix, count, go):
    return subprocess.Popen([sys.executable, str(WRITER), url, code, "Word", prefix, str(count), str(go)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _count(url, table) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()


def test_twenty_processes_fifty_answers_each_store_exactly_one_thousand(store_url, tmp_path):
    store = ResponseStore(store_url)
    code = store.open_session("Load")
    store.add_question(code, "Word", "words")
    go = tmp_path / "go"
    procs = [_start(store_url, code, f"w{i:02d}", 50, go) for i in range(20)]
    for p in procs:  # everyone connected and waiting: then all start at once
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    go.touch()
    confirmed = set()
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        confirmed |= {line.split()[1] for line in out.splitlines() if line.startswith("ok ")}
    assert len(confirmed) == 1000
    rows = store.responses(code, "Word")
    assert len(rows) == 1000
    assert {r["participant"] for r in rows} == confirmed
    assert _count(store_url, history_t) == 1000  # no answer written twice
    assert store.summary(code, "Word")["n"] == 1000
    store.close()


def test_a_writer_killed_mid_stream_leaves_every_confirmed_answer(store_url, tmp_path):
    store = ResponseStore(store_url)
    code = store.open_session("Crash")
    store.add_question(code, "Word", "words")
    go = tmp_path / "go"
    go.touch()
    proc = _start(store_url, code, "victim", 100_000, go)
    assert proc.stdout.readline().strip() == "ready"
    confirmed = []
    deadline = time.monotonic() + 60
    while len(confirmed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("ok "):
            confirmed.append(line.split()[1])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert len(confirmed) == 40
    reader = ResponseStore(store_url)
    stored = {r["participant"] for r in reader.responses(code, "Word")}
    assert set(confirmed) <= stored
    assert _count(store_url, answers_t) == len(stored)
    reader.submit(code, "Word", "after-the-crash", "still writable")
    assert "after-the-crash" in {r["participant"] for r in reader.responses(code, "Word")}
    store.close()
    reader.close()
