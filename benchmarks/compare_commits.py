"""CPU (and wall) time per run of the working tree against an earlier commit, paired by seed
in one process. Each run is timed as a batch worker runs it (the collector paused, see `one`).

The package at ``--base`` (a git ref) is copied under another name (``cio_base``) and imported
beside ``cio_sim``; each seed runs on both, alternating which goes first, so both see the same
load. Also checks that both give the same summary (a refactoring must not change results).
With ``--worker`` each run is timed as a comparison's batch worker runs it, through the
package's own `batch.runner.run_task` (construct, run, summary, kader outcomes, the encoded
weekly table, the stored row), and the row and the weekly table are checked to be the same
byte for byte.

    python benchmarks/compare_commits.py --base main~3
    python benchmarks/compare_commits.py --base main --worker consensus_2021
    python benchmarks/compare_commits.py --base 09c7c6c --seeds 41 consensus_2021 keuzematrix
"""

from __future__ import annotations

import argparse
import importlib
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import cio_sim
from cio_sim.heap import collected_once, release

ROOT = Path(__file__).resolve().parent.parent
BASE = "cio_base"


def copy_base(ref: str, into: Path) -> None:
    """`cio_sim` at `ref` as package `cio_base` in `into` (module-name strings renamed)."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "cio_sim", "scenarios"],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(into, **safe)
    (into / "cio_sim").rename(into / BASE)
    for path in (into / BASE).rglob("*.py"):
        text = path.read_text()
        path.write_text(re.sub(r"""(["'])cio_sim\.""", rf"\1{BASE}.", text))


def one(pkg, scenario, seed: int, worker: bool = False) -> tuple[float, float, str]:
    """CPU and wall time of one run as a batch worker runs it: inside `collected_once` (the
    collector off, one young-generation collection after), so both codes see the same
    collector whatever their own `run()` does with it, and the comparison is of the model
    code. With `worker`, the run is a comparison's task of one run through the package's
    own `batch.runner.run_task` (replication `seed`): its stored row (summary and kader
    outcomes) and encoded weekly table, which the returned text then is."""
    if worker:
        runner = importlib.import_module(f"{pkg.__name__}.batch.runner")
        task = runner.Task((runner.TaskCell(scenario, (0, 0), scenario.name, {}),),
                           ((0, seed),), 0, True, kaders=True)
        start, wall = time.process_time(), time.perf_counter()
        out: object = runner.run_task(task)
        return time.process_time() - start, time.perf_counter() - wall, repr(out)
    start, wall = time.process_time(), time.perf_counter()
    with collected_once():
        model = pkg.CIOModel(scenario, seed=seed)
        out = model.run().summary()
        release(model)
        del model
    return time.process_time() - start, time.perf_counter() - wall, repr(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="git ref to compare against")
    ap.add_argument("--seeds", type=int, default=21)
    ap.add_argument("--worker", action="store_true",
                    help="time (and check) the kader outcomes and the encoded weekly table too")
    ap.add_argument("scenarios", nargs="*", default=cio_sim.bundled_names())
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy_base(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        base = importlib.import_module(BASE)
        what = ("a compare's worker task: summary, kader outcomes, weekly table" if args.worker
                else "construct + run + summary")
        print(f"Per 5-year run ({what}, as in a batch worker), median of "
              f"{args.seeds} seeds, CPU and wall; ratio = new / base, paired by seed (below 1: "
              f"the new code is faster); base = {args.base}")
        all_cpu, all_wall = [], []
        checked = "outputs" if args.worker else "summaries"
        for name in args.scenarios:
            try:
                pair = ((base, base.load_scenario(name)),
                        (cio_sim, cio_sim.load_scenario(name)))
            except base.ScenarioError as err:          # a scenario newer than the base
                print(f"  {name:30s} skipped: {err}", flush=True)
                continue
            for pkg, sc in pair:
                one(pkg, sc, 0, args.worker)          # warm-up
            old, new, old_wall, new_wall, same = [], [], [], [], True
            for seed in range(args.seeds):
                order = pair if seed % 2 == 0 else pair[::-1]
                got = {pkg.__name__: one(pkg, sc, seed, args.worker) for pkg, sc in order}
                old.append(got[BASE][0])
                new.append(got["cio_sim"][0])
                old_wall.append(got[BASE][1])
                new_wall.append(got["cio_sim"][1])
                same &= got[BASE][2] == got["cio_sim"][2]
            cpu = [n / o for o, n in zip(old, new, strict=True)]
            wall = [n / o for o, n in zip(old_wall, new_wall, strict=True)]
            all_cpu += cpu
            all_wall += wall
            print(f"  {name:30s} CPU base {statistics.median(old) * 1e3:6.1f} ms new "
                  f"{statistics.median(new) * 1e3:6.1f} ms ratio {statistics.median(cpu):.3f} | "
                  f"wall base {statistics.median(old_wall) * 1e3:6.1f} ms new "
                  f"{statistics.median(new_wall) * 1e3:6.1f} ms ratio "
                  f"{statistics.median(wall):.3f} | same {checked}: {'yes' if same else 'NO'}",
                  flush=True)
        if all_cpu:
            print(f"  {'all scenarios':30s} paired median ratio CPU "
                  f"{statistics.median(all_cpu):.3f}, wall {statistics.median(all_wall):.3f} "
                  f"({len(all_cpu)} pairs)")


if __name__ == "__main__":
    main()
