"""Grading on Dask: `ttt grade` with local workers against the same cohort on a Dask cluster on this machine.

Both grade the same submissions of one of the kit's assignments (in the sandbox), in the same run, with the same
number of workers (local worker processes, or single-threaded `dask worker` processes of a scheduler started here,
standing in for machines); the gradebook results must be identical. Prints the wall time of each, the overhead per
task that Dask adds, the time the grading process spent writing results (done one after another, so it bounds a
large cluster), and an estimate, from the measured per-task cost, of a larger cohort on more machines.

    python benchmarks/bench_dask.py                   # 200 submissions, 2 workers
    python benchmarks/bench_dask.py -n 60             # a smaller cohort (a busy machine)
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import helpers  # noqa: E402  (the tests' Course helper: a temporary copy of the course)
from bench_grade import ASSIGNMENT, _snapshot, _submit  # noqa: E402  (the same realistic cohort)


def _cluster(workers: int, folder: Path):
    """A scheduler and ``workers`` single-threaded workers on this machine (separate processes)."""
    from ttt_widgets.grading.dask_grade import wait_for_workers

    port = helpers.free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    procs = [helpers.start_process([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                    "--no-dashboard"], folder / "scheduler.log")]
    for i in range(workers):
        procs.append(helpers.start_process([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                            "--preload", "ttt_widgets.grading.dask_grade",
                                            "--local-directory", str(folder / f"w{i}")], folder / f"w{i}.log"))
    wait_for_workers(address, workers, timeout=120)
    return address, procs


def _grade(course, **kwargs):
    from ttt_widgets.grading import grade_cohort

    first = []
    start = time.perf_counter()

    def on_result(result, done, total):
        if not first:
            first.append(time.perf_counter() - start - result.seconds)

    results = grade_cohort(course.root, ASSIGNMENT, on_result=on_result, resume=False, **kwargs)
    wall = time.perf_counter() - start
    ok = all(r.status == "graded" for r in results)
    return wall, first[0], results, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="submissions (default: 200)")
    parser.add_argument("--workers", type=int, default=2, help="workers in both runs (default: 2)")
    parser.add_argument("--target", default="5000,20", help="cohort and machines to estimate (default: 5000,20)")
    args = parser.parse_args()
    target_n, machines = (int(x) for x in args.target.split(","))
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        tmp = Path(tmp)
        course = helpers.Course(tmp / "course")
        course.release(ASSIGNMENT)
        _submit(course, args.n)
        print(f"assignment {ASSIGNMENT}, {args.n} submissions (a third full, partial, blank), {os.cpu_count()} CPUs, "
              f"{args.workers} workers in both runs, sandbox on")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine: other "
              "work slows both runs)")
        t_local, first_local, local, ok_local = _grade(course, jobs=args.workers)
        reference = _snapshot(course)
        start = time.perf_counter()
        address, procs = _cluster(args.workers, tmp)
        t_cluster = time.perf_counter() - start
        try:
            t_dask, first_dask, remote, ok_dask = _grade(course, scheduler=address)
        finally:
            for proc in reversed(procs):
                proc.stop()
        same = _snapshot(course) == reference and len({s for s, _ in reference}) == args.n
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

    n, w = args.n, args.workers
    task_local = sum(r.seconds for r in local) / n
    task_dask = sum(r.seconds for r in remote) / n
    record = remote.record_seconds / n
    overhead = (t_dask - t_local) / n
    print(f"\n{'':24}{'wall s':>8}  {'s/sub':>6}  {'first result s':>14}  {'grading s/sub':>13}")
    print(f"{'local workers':24}{t_local:>8.1f}  {t_local / n:>6.3f}  {first_local:>14.1f}  {task_local:>13.2f}")
    print(f"{'Dask cluster':24}{t_dask:>8.1f}  {t_dask / n:>6.3f}  {first_dask:>14.1f}  {task_dask:>13.2f}")
    print(f"identical gradebook results: {'yes' if same and ok_local and ok_dask else 'NO'}")
    print(f"cluster start (scheduler and {w} workers, not in the wall time above): {t_cluster:.1f} s")
    print(f"overhead Dask adds per submission: {overhead * 1000:+.0f} ms of wall time "
          f"({overhead * w * 1000:+.0f} ms of worker time); the grading process spent {record * 1000:.0f} ms of CPU "
          f"writing each result (sanitise, scores, autograded/)")

    # on paper: each worker grades one submission per (wall time x workers / n) seconds, on machines like this one;
    # the grading process writes results one after another, which no number of machines shortens
    per_worker = (t_dask - first_dask) * w / n
    workers = machines * w
    grading = target_n * per_worker / workers
    writing = target_n * record
    estimate = first_dask + max(grading, writing)
    print(f"\nestimate for {target_n:,} submissions on {machines} machines like this one ({w} workers each, "
          f"{workers} in all), from the measured {per_worker:.2f} worker-seconds per submission:")
    print(f"  grading on the workers: {target_n:,} x {per_worker:.2f} s / {workers} = {grading / 60:.1f} min")
    print(f"  writing in the grading process (one at a time): {target_n:,} x {record * 1000:.0f} ms CPU = "
          f"{writing / 60:.1f} min, {'the bound' if writing > grading else 'done while the workers grade'}")
    print(f"  total about {estimate / 60:.1f} min (+ start-up); one machine with {w} local workers: about "
          f"{target_n * t_local / n / 60:.0f} min")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
