"""Benchmark of the batch path: the client's CPU per run and its peak memory.

    python benchmarks/batch_path.py            # the full measurement (a few minutes)
    python benchmarks/batch_path.py --quick    # smaller batches

What it measures (CPU time beside wall time; the machine may be shared, so CPU is the figure
to compare):

1. Client CPU per run (target <= 0.3 ms, summary only): the CPU time of the process that plans,
   receives and stores the runs, divided by the runs, with 2 local worker processes. Worker
   CPU is not included (``time.process_time`` counts this process only). Measured twice: with
   the real model (a short batch of 5-year consensus runs) and with a stand-in model through the
   same executor, task and store path, so that many runs can be sent (the real model costs tens
   of ms per run, which hides the client's share in a short batch).
2. Peak memory (target: 100k runs <= 1.2x 1k runs, summary only): the client's peak resident
   set (``ru_maxrss``) of a 1k-run and a 100k-run batch, each in a fresh process, with the
   stand-in model (100k real runs would take hours on 2 cores), both with an output folder and
   without one (the result then lives in a temporary file).

The stand-in model returns a summary with the real model's keys and, when weekly tables are
kept, a 260-week table with the real model's columns, from a generator seeded like a real run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import cio_sim
from cio_sim.batch import Cell, execute, plan_batch

WORKERS = 2
HORIZON = 260


def _template() -> tuple[list[str], list[str]]:
    model = cio_sim.CIOModel(cio_sim.load_scenario("consensus_2021", {"horizon_weeks": 4}),
                             seed=0).run()
    return list(model.summary()), list(model.timeseries().columns)


SUMMARY_KEYS, WEEKLY_COLUMNS = _template()


class StandIn:
    """A trivially cheap model with the real model's outputs (see the module docstring)."""

    def __init__(self, scenario: cio_sim.Scenario, seed: np.random.SeedSequence) -> None:
        self.rng = np.random.default_rng(seed)

    def run(self) -> StandIn:
        return self

    def summary(self) -> dict[str, float]:
        return dict(zip(SUMMARY_KEYS, self.rng.random(len(SUMMARY_KEYS)).tolist(), strict=True))

    def timeseries(self) -> pd.DataFrame:
        data = self.rng.integers(0, 50, size=(HORIZON, len(WEEKLY_COLUMNS)))
        return pd.DataFrame(data, columns=WEEKLY_COLUMNS)


def batch(runs: int, weekly: bool, stand_in: bool, out: Path | None,
          horizon: int = HORIZON) -> dict[str, float]:
    """Run one batch and return client CPU, wall time and peak memory of this process."""
    sc = cio_sim.load_scenario("consensus_2021", {"horizon_weeks": horizon})
    plan = plan_batch("run", sc.name, [Cell(0, 0, sc)], [sc.name], runs, 1, WORKERS,
                      out=out, weekly=weekly, command="benchmark")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = execute(plan, WORKERS, model=StandIn if stand_in else None)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stored = result._store.count()
    result.close()
    assert stored == runs, (stored, runs)
    return {"runs": runs, "cpu_s": cpu, "wall_s": wall,
            "cpu_ms_per_run": 1000 * cpu / runs, "wall_ms_per_run": 1000 * wall / runs,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(runs: int, weekly: bool, stand_in: bool, folder: bool, horizon: int
           ) -> dict[str, float]:
    """The same batch in a fresh interpreter (a clean peak-memory figure)."""
    cmd = [sys.executable, __file__, "--child", str(runs), "--horizon", str(horizon)]
    cmd += ["--weekly"] if weekly else []
    cmd += ["--stand-in"] if stand_in else []
    cmd += ["--folder"] if folder else []
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(label: str, r: dict[str, float]) -> str:
    return (f"  {label:<44} {r['runs']:>7}  {r['cpu_s']:>7.2f}  {r['wall_s']:>7.2f}  "
            f"{r['cpu_ms_per_run']:>8.3f}  {r['wall_ms_per_run']:>8.3f}  {r['peak_mb']:>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller batches")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--weekly", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stand-in", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--horizon", type=int, default=HORIZON, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out" if args.folder else None
            print(json.dumps(batch(args.child, args.weekly, args.stand_in, out, args.horizon)))
        return

    real_runs = 100 if args.quick else 400
    stand_runs = 5_000 if args.quick else 20_000
    big = 20_000 if args.quick else 100_000
    print(f"cio-sim batch path; {WORKERS} local worker processes (start method "
          f"{cio_sim.batch.executors.START_METHOD}); client = the process that stores the runs")
    print(f"  {'batch':<44} {'runs':>7}  {'CPU s':>7}  {'wall s':>7}  {'CPU ms/run':>8}  "
          f"{'wall ms/run':>8}  {'peak MB':>7}")
    cpu_rows = {}
    for label, runs, weekly, stand_in, folder in (
            ("real model, 5 years, summary only, folder", real_runs, False, False, True),
            ("real model, 5 years, weekly kept, folder", real_runs, True, False, True),
            ("stand-in, summary only, folder", stand_runs, False, True, True),
            ("stand-in, summary only, no folder", stand_runs, False, True, False),
            ("stand-in, weekly kept, folder", stand_runs, True, True, True)):
        r = _child(runs, weekly, stand_in, folder, HORIZON)
        cpu_rows[label] = r
        print(_row(label, r), flush=True)
    print()
    print("Client CPU per run, summary only (target <= 0.3 ms):")
    for label in ("real model, 5 years, summary only, folder", "stand-in, summary only, folder",
                  "stand-in, summary only, no folder"):
        v = cpu_rows[label]["cpu_ms_per_run"]
        print(f"  {label:<44} {v:.3f} ms  {'meets' if v <= 0.3 else 'MISSES'} the target")
    print()
    print(f"Peak memory of the client, summary only, stand-in model: {big} runs vs 1000 runs "
          "(target <= 1.2x)")
    for folder in (True, False):
        small = _child(1_000, False, True, folder, HORIZON)
        large = _child(big, False, True, folder, HORIZON)
        ratio = large["peak_mb"] / small["peak_mb"]
        where = "with an output folder" if folder else "without a folder (temporary file)"
        print(_row(f"1k runs, {where}", small))
        print(_row(f"{big // 1000}k runs, {where}", large))
        print(f"  ratio {ratio:.3f}x  {'meets' if ratio <= 1.2 else 'MISSES'} the target")


if __name__ == "__main__":
    main()
