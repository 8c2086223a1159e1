"""The cost of the grading sandbox: `ttt grade` with and without it, and sandboxed `ttt grade` against plain
`nbgrader autograde` (the notebook's own kernel, no sandbox), on the same submissions in the same run.

Every run must store the same scores. Prints wall seconds and CPU seconds (the command and everything it started;
medians of --repeat interleaved runs), the sandbox's overhead in percent of each and the speed-up over nbgrader.

    python benchmarks/bench_sandbox.py                 # 40 submissions of 01-objectives, ttt grade's default workers
    python benchmarks/bench_sandbox.py --size 40 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_grade import ASSIGNMENT, _snapshot, _submit, _timed, helpers  # noqa: E402
from ttt_widgets.grading.autograde import default_jobs  # noqa: E402
from ttt_widgets.grading.sandbox import check_sandbox  # noqa: E402

PLAIN_NBGRADER = ["--Execute.kernel_name=python3", "--KernelManager.transport=tcp", "--KernelManager.ip=127.0.0.1"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=40, help="submissions (default: 40)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="ttt grade workers (default: as ttt grade)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs of each; medians are shown")
    args = parser.parse_args()
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    print(f"sandbox: {check_sandbox()}")
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        course = helpers.Course(Path(tmp) / "course")
        course.release(ASSIGNMENT)
        _submit(course, args.size)
        ttt = [sys.executable, "-m", "ttt_widgets.cli", "grade", ASSIGNMENT, "--jobs", str(args.jobs)]
        runs = {
            "nbgrader autograde (no sandbox)": [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force",
                                                *PLAIN_NBGRADER],
            "ttt grade --no-sandbox": [*ttt, "--no-sandbox"],
            "ttt grade (sandbox)": ttt,
        }
        walls: dict[str, list[float]] = {name: [] for name in runs}
        cpus: dict[str, list[float]] = {name: [] for name in runs}
        scores, ok = {}, True
        print(f"{args.size} submissions of {ASSIGNMENT}, {os.cpu_count()} CPUs, ttt grade --jobs {args.jobs}, "
              f"{args.repeat} interleaved rounds; load average before: {os.getloadavg()[0]:.1f}")
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                wall, cpu, rc = _timed(cmd, course.root)
                walls[name].append(wall)
                cpus[name].append(cpu)
                snap = _snapshot(course)
                scores.setdefault(name, snap)
                ok = ok and rc == 0 and snap == scores[name]
        same = ok and len({tuple(sorted(s.items())) for s in scores.values()}) == 1
        med = {name: statistics.median(w) for name, w in walls.items()}
        cpu = {name: statistics.median(c) for name, c in cpus.items()}
        for name, value in med.items():
            print(f"  {name:<34} {value:7.1f} s  ({value / args.size:.2f} s/submission; runs: "
                  f"{', '.join(f'{w:.1f}' for w in walls[name])}); CPU {cpu[name] / args.size:.3f} s/submission")
        sandbox, bare, nbgrader = med["ttt grade (sandbox)"], med["ttt grade --no-sandbox"], med[
            "nbgrader autograde (no sandbox)"]
        print(f"sandbox overhead: {100 * (sandbox - bare) / bare:+.1f}% wall, "
              f"{100 * (cpu['ttt grade (sandbox)'] / cpu['ttt grade --no-sandbox'] - 1):+.1f}% CPU "
              "(ttt grade with vs without the sandbox)")
        print(f"sandboxed ttt grade vs plain nbgrader autograde: {nbgrader / sandbox:.2f}x faster")
        print(f"identical scores in every run: {'yes' if same else 'NO'}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
