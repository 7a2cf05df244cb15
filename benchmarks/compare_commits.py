"""CPU per run of the working tree against an earlier commit, paired by seed in one process.
Each run is timed as a batch worker runs it (the collector paused, see `one`).

The package at ``--base`` (a git ref) is copied under another name (``cio_base``) and imported
beside ``cio_sim``; each seed runs on both, alternating which goes first, so both see the same
load. Also checks that both give the same summary (a refactoring must not change results).

    python benchmarks/compare_commits.py --base main~3
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


def one(pkg, scenario, seed: int) -> tuple[float, str]:
    """CPU of one run as a batch worker runs it: inside `collected_once` (the collector off,
    one young-generation collection after), so both codes see the same collector whatever
    their own `run()` does with it, and the comparison is of the model code."""
    start = time.process_time()
    with collected_once():
        model = pkg.CIOModel(scenario, seed=seed)
        out = model.run().summary()
        release(model)
        del model
    return time.process_time() - start, repr(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="git ref to compare against")
    ap.add_argument("--seeds", type=int, default=21)
    ap.add_argument("scenarios", nargs="*", default=cio_sim.bundled_names())
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy_base(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        base = importlib.import_module(BASE)
        print(f"CPU per 5-year run (construct + run + summary, as in a batch worker), median "
              f"of {args.seeds} seeds; base = {args.base}")
        for name in args.scenarios:
            try:
                pair = ((base, base.load_scenario(name)),
                        (cio_sim, cio_sim.load_scenario(name)))
            except base.ScenarioError as err:          # a scenario newer than the base
                print(f"  {name:30s} skipped: {err}", flush=True)
                continue
            for pkg, sc in pair:
                one(pkg, sc, 0)                       # warm-up
            old, new, same = [], [], True
            for seed in range(args.seeds):
                order = pair if seed % 2 == 0 else pair[::-1]
                got = {pkg.__name__: one(pkg, sc, seed) for pkg, sc in order}
                old.append(got[BASE][0])
                new.append(got["cio_sim"][0])
                same &= got[BASE][1] == got["cio_sim"][1]
            paired = statistics.median(n / o for o, n in zip(old, new, strict=True))
            print(f"  {name:30s} base {statistics.median(old) * 1e3:6.1f} ms  "
                  f"new {statistics.median(new) * 1e3:6.1f} ms  paired median ratio "
                  f"{paired:.2f}  same summaries: {'yes' if same else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
