"""Headline metrics of the three presets over 30 seeds, for checking a change of the random
streams: run before and after the change and compare the means and confidence intervals.

    python benchmarks/streams_check.py --json before.json
    python benchmarks/streams_check.py --json after.json --compare before.json
"""

from __future__ import annotations

import argparse
import json
import math

import cio_sim
from cio_sim.catalogue import HEADLINE
from cio_sim.stats import mean_ci

PRESETS = ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix")
SEEDS = range(30)


def measure() -> dict[str, dict[str, list[float]]]:
    """Headline metric values per preset, one per seed."""
    out: dict[str, dict[str, list[float]]] = {}
    for name in PRESETS:
        scenario = cio_sim.load_scenario(name)
        rows = [cio_sim.CIOModel(scenario, seed=s).run().summary() for s in SEEDS]
        out[name] = {k: [float(r[k]) for r in rows] for k in HEADLINE if k in rows[0]}
    return out


def _fmt(values: list[float]) -> tuple[str, float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < 2:
        return "n/a", math.nan, math.nan
    mean, lo, hi, _ = mean_ci(finite)
    return f"{mean:9.3f} [{lo:8.3f}, {hi:8.3f}]", lo, hi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", help="write the values here")
    ap.add_argument("--compare", help="values written by an earlier run")
    args = ap.parse_args()
    now = measure()
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(now, fh)
    before = None
    if args.compare:
        with open(args.compare) as fh:
            before = json.load(fh)
    for name, metrics in now.items():
        print(f"\n{name} (mean [95% CI] over {len(SEEDS)} seeds)")
        print(f"  {'metric':34s} {'before':>30s}   {'after':>30s}  overlap")
        for key, values in metrics.items():
            after, lo, hi = _fmt(values)
            if before is None:
                print(f"  {key:34s} {'':30s}   {after:30s}")
                continue
            prev, plo, phi = _fmt(before[name][key])
            overlap = "yes" if not (hi < plo or phi < lo) else "NO"
            print(f"  {key:34s} {prev:30s}   {after:30s}  {overlap}")


if __name__ == "__main__":
    main()
