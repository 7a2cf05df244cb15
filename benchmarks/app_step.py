"""The app's Step: 26 weeks of two runs side by side, and redrawing the page's views.

Run from the repository root::

    python benchmarks/app_step.py            # 5 repetitions at each starting week
    python benchmarks/app_step.py --profile  # and the top functions of one Step

A Step on the page (weeks per Step = 26, side by side) advances both runs 26 weeks and then
redraws the views of the first tab: the two forum diagrams, the flow chart, the paired
difference and the headline table, each encoded as the page sends it (figures.image). The
target is under one second for the whole Step; the verdict is on CPU time (on an idle machine
the Step's wall time is its CPU time; on a shared one wall time grows with the load average,
printed beside it). This is a report, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

from cio_sim.app import adapter, figures
from cio_sim.app.session import Exploration, Settings

TARGET_S = 1.0
WEEKS = 26
STARTS = (0, 104, 208)          # a Step from the start, in the third year, in the fifth


def _png(fig) -> int:
    """The chart encoded as the page sends it."""
    return len(figures.image(fig))


def draw(ex: Exploration) -> None:
    """The first tab's views, as the page draws them after a Step."""
    m = ex.runs[0].model
    runs = [(r.label, adapter.series(r.model)) for r in ex.runs]
    for run, colour in zip(ex.runs, figures.RUN_COLOURS, strict=False):
        _png(figures.forum_diagram(adapter.queues(run.model), run.label, colour,
                                   week=adapter.week(run.model)))
    _png(figures.flow(runs, adapter.start_year(m), ex.horizon))
    _png(figures.paired_difference(runs[0][1], runs[1][1], adapter.start_year(m), ex.horizon))
    adapter.headline_table([r.model for r in ex.runs]).to_html()


def step(start: int) -> tuple[float, float, float, float]:
    """Wall and CPU of the model part and of the drawing part of one Step from `start`."""
    ex = Exploration(Settings(compare="doorzettingsmacht_2026")).advance_to(start)
    w, c = time.perf_counter(), time.process_time()
    ex.advance_to(start + WEEKS)
    w1, c1 = time.perf_counter(), time.process_time()
    draw(ex)
    w2, c2 = time.perf_counter(), time.process_time()
    return w1 - w, c1 - c, w2 - w1, c2 - c1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    step(0)                                   # warm: imports, fonts, caches
    print(f"Step of {WEEKS} weeks, two runs side by side (consensus_2021 | regime of "
          f"doorzettingsmacht_2026), median of {args.reps}:")
    worst = worst_wall = 0.0
    for start in STARTS:
        rows = [step(start) for _ in range(args.reps)]
        mw, mc, dw, dc = (statistics.median(r[i] for r in rows) for i in range(4))
        worst, worst_wall = max(worst, mc + dc), max(worst_wall, mw + dw)
        print(f"  weeks {start:>3}-{start + WEEKS:<3}: model {mw:5.2f} s wall ({mc:5.2f} CPU), "
              f"views {dw:5.2f} s wall ({dc:5.2f} CPU), Step {mw + dw:5.2f} s wall "
              f"({mc + dc:5.2f} CPU)")
    verdict = "PASS" if worst < TARGET_S else "FAIL"
    print(f"slowest Step {worst:.2f} s CPU ({worst_wall:.2f} s wall) against the target of "
          f"under {TARGET_S:.0f} s: {verdict} (load average at end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    if args.profile:
        pr = cProfile.Profile()
        pr.enable()
        step(STARTS[-1])
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
