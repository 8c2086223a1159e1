"""Response-store throughput: answers per second with 1, 4 and 16 writer processes, on SQLite and PostgreSQL.

Each writer is a separate Python process (as each trainee's kernel is), connected and waiting before a common start
signal; throughput is all answers divided by the time from the start signal to the last confirmed answer. Every
answer is a full ``ResponseStore.submit`` (validation, history row, upsert of the current answer, change counter),
one transaction each.

The plain alternative, measured in the same run: one row inserted per transaction with the bare driver (``sqlite3``
/ ``psycopg``), no history, no upsert, no counter. The ratio says what the store's guarantees cost.

PostgreSQL: ``TTT_TEST_PG_URL`` when set, else a throwaway server started like the test fixture does.

Usage: ``python benchmarks/bench_store.py [--answers N] [--writers 1 4 16]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WORKER = r"""
import os, sys, time
url, code, prefix, n, go = sys.argv[1:6]
from ttt_widgets.live import ResponseStore
store = ResponseStore(url)
store.revision(code)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
for i in range(int(n)):
    store.submit(code, "Word", f"{prefix}-{i}", f"answer {i}")
print("done", time.time(), flush=True)
"""


def run_store(url: str, writers: int, total: int, tmp: Path) -> float:
    from ttt_widgets.live import ResponseStore

    store = ResponseStore(url)
    code = store.open_session("bench")
    store.add_question(code, "Word", "words")
    go = tmp / f"go-{code}"
    per = max(1, total // writers)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, code, f"w{i}", str(per), str(go)],
                              stdout=subprocess.PIPE, text=True, env=env) for i in range(writers)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    start = time.time()
    go.touch()
    ends = []
    for p in procs:
        out, _ = p.communicate()
        assert p.returncode == 0
        ends.append(float(out.split()[-1]))
    n = len(store.responses(code, "Word"))
    assert n == per * writers, (n, per * writers)
    store.close()
    return n / (max(ends) - start)


def run_plain(url: str, total: int) -> float:
    """One writer, bare driver, one INSERT per transaction."""
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(u.database, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS plain (id INTEGER PRIMARY KEY, who TEXT, value TEXT, t REAL)")
        start = time.perf_counter()
        for i in range(total):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO plain (who, value, t) VALUES (?, ?, ?)", (f"p{i}", f"answer {i}", time.time()))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        conn.close()
        return total / elapsed
    import psycopg

    dsn = u.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS plain (id SERIAL PRIMARY KEY, who TEXT, value TEXT, t DOUBLE PRECISION)")
        start = time.perf_counter()
        for i in range(total):
            conn.execute("INSERT INTO plain (who, value, t) VALUES (%s, %s, %s)", (f"p{i}", f"answer {i}", time.time()))
        elapsed = time.perf_counter() - start
    return total / elapsed


def postgres(tmp: Path):
    given = os.environ.get("TTT_TEST_PG_URL")
    if given:
        return given, None
    import helpers

    try:
        (tmp / "pg").mkdir()
        server = helpers.PostgresServer.start(tmp / "pg")
    except helpers.Unavailable as exc:
        print(f"PostgreSQL not available ({exc}); skipping it")
        return None, None
    return server.url, server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1600, help="answers per configuration (default 1600)")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ttt-bench-store-") as d:
        tmp = Path(d)
        os.chmod(tmp, 0o777)
        pg_url, server = postgres(tmp)
        backends = [("SQLite", f"sqlite:///{tmp / 'bench.sqlite'}")] + ([("PostgreSQL", pg_url)] if pg_url else [])
        try:
            print(f"{'backend':<11} {'writers':>7} {'answers/s':>10}   (each answer: one submit, one transaction)")
            for name, url in backends:
                plain = run_plain(url, args.answers // 2)
                for w in args.writers:
                    rate = run_store(url, w, args.answers, tmp)
                    print(f"{name:<11} {w:>7} {rate:>10.0f}   {rate / plain:.2f}x the bare driver "
                          f"({plain:.0f} single-row inserts/s, 1 writer)")
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
