"""What a pattern run costs against a summary-only run (target: at most 1.3x).

A pattern run (the explore filter's unit) runs the model and computes the pattern measures
(cio_sim.patterns.measures, which include the summary); a summary-only run computes the
summary. Both run the same 5-year consensus_2021 seeds, alternating, in this process. CPU
time is the figure to trust on a shared machine; wall time is printed beside it.

    python benchmarks/pattern_cost.py            # 20 seeds each
    python benchmarks/pattern_cost.py --runs 60
"""

from __future__ import annotations

import argparse
import statistics
import time

from cio_sim import patterns
from cio_sim.batch.seeds import run_seed
from cio_sim.model import CIOModel
from cio_sim.scenario import load_scenario

TARGET = 1.3


def _one(scenario: object, seed: int, with_patterns: bool) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    model = CIOModel(scenario, seed=seed).run()
    patterns.measures(model) if with_patterns else model.summary()
    return time.process_time() - cpu, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="seeds per kind of run")
    args = ap.parse_args(argv)
    scenario = load_scenario(patterns.BASE_SCENARIO).with_overrides(
        {"horizon_weeks": patterns.HORIZON_WEEKS}, source="benchmark")
    _one(scenario, run_seed(1, 0), True)            # imports and caches
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for rep in range(args.runs):
        seed = run_seed(1, rep)
        for kind in ((False, True) if rep % 2 == 0 else (True, False)):
            times[kind].append(_one(scenario, seed, kind))
    med = {k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v))
           for k, v in times.items()}
    print(f"{'run':<16}{'CPU ms (median)':>18}{'wall ms (median)':>18}")
    for kind, name in ((False, "summary only"), (True, "pattern measures")):
        print(f"{name:<16}{1000 * med[kind][0]:>18.1f}{1000 * med[kind][1]:>18.1f}")
    ratio_cpu, ratio_wall = med[True][0] / med[False][0], med[True][1] / med[False][1]
    verdict = "PASS" if ratio_cpu <= TARGET else "FAIL"
    print(f"{'ratio':<16}{ratio_cpu:>18.2f}{ratio_wall:>18.2f}   target <= {TARGET} (CPU): "
          f"{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
