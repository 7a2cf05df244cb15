"""A notebook's loop of `CIOModel(...).run()` without the batch runner: memory after 40 and
after 400 runs, each count in a fresh process (resident set size after a full collection, and
the peak). A finished model lets go of what Mesa holds of it, so the loop stays flat.

    python benchmarks/model_memory.py [--small 40] [--large 400]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = """
import gc, json, resource, sys, time
import cio_sim
n = int(sys.argv[1])
sc = cio_sim.load_scenario("consensus_2021")
t0, c0 = time.perf_counter(), time.process_time()
kept = []
for i in range(n):
    kept.append(cio_sim.CIOModel(sc, seed=i).run().summary()["decisions_per_year"])
gc.collect()
with open("/proc/self/statm") as fh:
    rss = int(fh.read().split()[1]) * 4096 / 2**20
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"n": n, "rss_mb": rss, "peak_mb": peak,
                  "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - t0}))
"""


def measure(n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=40)
    parser.add_argument("--large", type=int, default=400)
    args = parser.parse_args()
    started = time.perf_counter()
    small, large = measure(args.small), measure(args.large)
    for r in (small, large):
        print(f"{r['n']:>5} runs: RSS {r['rss_mb']:.1f} MB, peak {r['peak_mb']:.1f} MB, "
              f"CPU {r['cpu_s']:.1f} s, wall {r['wall_s']:.1f} s")
    print(f"ratio {args.large} / {args.small} runs: RSS {large['rss_mb'] / small['rss_mb']:.3f}x,"
          f" peak {large['peak_mb'] / small['peak_mb']:.3f}x (target < 1.3x); "
          f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
