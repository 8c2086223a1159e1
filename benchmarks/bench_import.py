"""Wall time of `import ttt_widgets` in a fresh interpreter (median of several runs), against the plain alternatives
measured in the same run: an interpreter that imports nothing, and one that imports ipywidgets and matplotlib
eagerly (what the package would cost without lazy imports). Also the first call of the learning-design analysers,
which loads and validates their content."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7
TARGET = 0.3  # seconds, from the project's performance budget


def wall(code: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    bare = wall("pass")
    pkg = wall("import ttt_widgets")
    eager = wall("import ttt_widgets, ipywidgets, matplotlib.figure")
    first = wall("import ttt_widgets as t; t.analyze_objective('List three barriers.'); t.classify_question('Any questions?')")
    print(f"fresh interpreter, nothing imported:        {bare * 1000:7.1f} ms (median of {RUNS})")
    print(f"import ttt_widgets:                         {pkg * 1000:7.1f} ms  -> import cost {max(0.0, pkg - bare) * 1000:.1f} ms")
    print(f"  + ipywidgets and matplotlib (eager):      {eager * 1000:7.1f} ms  ({eager / pkg:.1f}x the lazy import)")
    print(f"  + first analyze_objective/classify_question (loads content): {first * 1000:7.1f} ms")
    verdict = "within" if pkg < TARGET else "OVER"
    print(f"budget: import ttt_widgets < {TARGET * 1000:.0f} ms wall -> {verdict} budget")


if __name__ == "__main__":
    main()
