"""Where a run's time goes: cProfile over several runs of each scenario (construct + run +
summary, the collector paused as in a batch worker), with the share of named pieces of code.

Prints, per scenario, the CPU and wall time per run without the profiler, then the share of
the profiled time (cumulative, the calls below included) of each piece in PIECES and the top
functions by own time. cProfile's per-call overhead inflates small functions, so the shares
are an order, not exact fractions: a change is measured by `compare_commits.py` (paired by
seed in one process), never by these shares alone.

    python benchmarks/profile_run.py                       # consensus_2021, 30 runs
    python benchmarks/profile_run.py --runs 20 consensus_2021 doorzettingsmacht_2026
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

import cio_sim
from cio_sim.heap import collected_once, release

#: (label, file suffix, function name): the pieces whose share is printed.
PIECES = (
    ("model construction", "model.py", "__init__"),
    ("arrivals drawn (ArrivalGenerator.all)", "arrivals.py", "all"),
    ("CIO-beraad meetings (CIOBeraad.step)", "forums/cio_beraad.py", "step"),
    ("positions counted (Seats.tally_block)", "forums/tally.py", "tally_block"),
    ("preparation (CIOBeraad.prepare)", "forums/cio_beraad.py", "prepare"),
    ("a CIO's preparation (DepartmentalCIO.prepare)", "agents.py", "prepare"),
    ("waiting list kept in order (CIOBeraad._enqueue)", "forums/cio_beraad.py", "_enqueue"),
    ("NamedTuple rows built (their __new__, a lambda)", "<string>", "<lambda>"),
    ("compliance registered (ComplianceLedger.register)", "compliance.py", "register"),
    ("summary()", "model.py", "summary"),
)


def _one(scenario, seed: int) -> None:
    with collected_once():
        model = cio_sim.CIOModel(scenario, seed=seed)
        model.run().summary()
        release(model)
        del model


def _shares(stats: pstats.Stats) -> tuple[float, dict[str, float]]:
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in raw.values())
    out = {}
    for label, suffix, name in PIECES:
        cum = sum(ct for (file, _line, fn), (_cc, _nc, _tt, ct, _c) in raw.items()
                  if fn == name and file.replace("\\", "/").endswith(suffix))
        out[label] = cum / total if total else 0.0
    return total, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("scenarios", nargs="*", default=["consensus_2021"])
    args = ap.parse_args()
    for name in args.scenarios:
        sc = cio_sim.load_scenario(name)
        _one(sc, 0)                                   # warm-up
        cpu, wall = [], []
        for seed in range(args.runs):
            c, w = time.process_time(), time.perf_counter()
            _one(sc, seed)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        prof = cProfile.Profile()
        prof.enable()
        for seed in range(args.runs):
            _one(sc, seed)
        prof.disable()
        stats = pstats.Stats(prof)
        total, shares = _shares(stats)
        print(f"{name}: {args.runs} runs, per run without the profiler: CPU "
              f"{statistics.median(cpu) * 1e3:.1f} ms, wall {statistics.median(wall) * 1e3:.1f} "
              f"ms (medians); profiled {total / args.runs * 1e3:.1f} ms per run")
        for label, share in shares.items():
            print(f"  {share:6.1%}  {label}")
        print(f"  top {args.top} by own time:")
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
