"""Build and redraw times of the simulator and facilitation widgets, and the cascade solver.

Run: ``python benchmarks/bench_views.py`` (``make bench`` runs every benchmark). Prints the median and worst of
several runs after one warm-up (the first use pays for importing matplotlib and ipywidgets), and compares each
plot redraw with the plain alternative measured in the same run: drawing the same kind of figure with the bare
matplotlib API and saving it to PNG, with no widget around it.

Targets: a view builds in under 100 ms, redraws its plot in under 150 ms after a slider change, and the solver
answers in under 50 ms for plans of up to 10 levels.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUILD_LIMIT_MS = 100
REDRAW_LIMIT_MS = 150
SOLVER_LIMIT_MS = 50


CPU = {}


def timed(fn, repeat: int = 7) -> tuple[float, float]:
    """(median, worst) wall-clock milliseconds after one warm-up call; the median CPU time goes to ``CPU[fn]``.

    The machine is shared: wall-clock time includes waiting for a core, CPU time (``time.process_time``) counts
    only the work done by this process, so both are printed.
    """
    fn()
    runs, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    CPU[fn] = statistics.median(cpu)
    return statistics.median(runs), max(runs)


def plain_plot() -> None:
    """The plain alternative: one line plot with the bare matplotlib API, rendered to PNG."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.4))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    x = np.linspace(0, 30, 300)
    ax.plot(x, np.exp(-x / 3))
    ax.plot(x, np.exp(-x / 10))
    fig.savefig(io.BytesIO(), format="png", dpi=96)


def main() -> int:
    import ttt_widgets as t
    from ttt_widgets import Cascade, solve_cascade

    names = "\n".join(f"Participant {i:02d}" for i in range(24))
    views = {
        "ForgettingCurve": (lambda: t.ForgettingCurve(), lambda w: setattr(w._review[0], "value", (w._review[0].value % 5) + 1)),
        "CascadePlanner": (lambda: t.CascadePlanner("district-teachers"),
                           lambda w: setattr(w._w["levels"], "value", 3 if w._w["levels"].value == 2 else 2)),
        "ParticipationTracker": (lambda: t.ParticipationTracker(names), lambda w: w.record("Participant 03")),
        "ActivityTimer": (lambda: t.ActivityTimer(driver="manual"), lambda w: (w.start(), w.tick())),
        "GroupMaker": (lambda: t.GroupMaker(names, size=4, seed=1), lambda w: w.make_round()),
        "EvaluationPlanner": (lambda: t.EvaluationPlanner("train-the-trainer"), None),
        "EvaluationReport": (lambda: t.EvaluationReport(),
                             lambda w: setattr(w._confidence, "value", 0.99 if w._confidence.value == 0.95 else 0.95)),
        "BlendedDesigner": (lambda: t.BlendedDesigner(),
                            lambda w: setattr(w._learners["A"], "value", 30 if w._learners["A"].value == 24 else 24)),
    }

    import os

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (wall-clock times include waiting for a core)")
    plain_med, plain_max = timed(plain_plot)
    plain_cpu = CPU[plain_plot]
    print(f"plain matplotlib line plot to PNG (the alternative): median {plain_med:.1f} ms wall, {plain_cpu:.1f} ms CPU, "
          f"worst {plain_max:.1f} ms\n")
    print(f"{'':<22}{'---------- build (ms) ---------':>32}{'---------- redraw (ms) --------':>33}")
    print(f"{'view':<22}{'wall med':>10}{'wall max':>10}{'CPU med':>10}  {'wall med':>10}{'wall max':>10}{'CPU med':>10}"
          f"{'CPU vs plain':>13}  within target (CPU)")
    failures = 0
    for name, (build, change) in views.items():
        b_med, b_max = timed(build)
        b_cpu = CPU[build]
        if change is not None:
            w = build()
            step = lambda: change(w)  # noqa: E731
            r_med, r_max = timed(step, repeat=9)
            r_cpu = CPU[step]
        ok = b_cpu < BUILD_LIMIT_MS and (change is None or r_cpu < REDRAW_LIMIT_MS)
        failures += not ok
        ratio = f"{r_cpu / plain_cpu:12.2f}x" if change is not None else f"{'-':>13}"
        redraw = (f"{r_med:10.2f}{r_max:10.2f}{r_cpu:10.2f}" if change is not None else f"{'-':>10}{'-':>10}{'-':>10}")
        print(f"{name:<22}{b_med:10.1f}{b_max:10.1f}{b_cpu:10.1f}  {redraw}{ratio}  {'yes' if ok else 'NO'}")

    print("\ncascade solver (fewest levels and fewest master trainers), plans of 1 to 10 levels:")
    worst = 0.0
    for levels in (1, 3, 5, 10):
        base = Cascade(master_trainers=1, levels=levels, trainers_per_trainer=2, learners_per_trainer=3,
                       months_per_level=1, fidelity_per_level=0.97)
        m1, x1 = timed(lambda: solve_cascade(10**9, 24, 0.5, base=base, vary="levels"), repeat=50)
        m2, x2 = timed(lambda: solve_cascade(10**6, 24, 0.5, base=base), repeat=50)
        worst = max(worst, x1, x2)
        print(f"  {levels:2d} level(s): vary levels median {m1 * 1000:7.1f} us (worst {x1 * 1000:7.1f} us); "
              f"vary masters median {m2 * 1000:7.1f} us (worst {x2 * 1000:7.1f} us)")
    ok = worst < SOLVER_LIMIT_MS
    failures += not ok
    print(f"  worst solver time {worst:.3f} ms (limit {SOLVER_LIMIT_MS} ms): {'yes' if ok else 'NO'}")
    print(f"\ntargets: build < {BUILD_LIMIT_MS} ms, redraw < {REDRAW_LIMIT_MS} ms, solver < {SOLVER_LIMIT_MS} ms;"
          f" {'all met' if not failures else f'{failures} missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
