"""What one run costs as the cost-driving parameters grow, against the estimate the
scenario loader uses for its cost warning (``Scenario.cost_estimate``).

Run from the repository root::

    python benchmarks/scenario_cost.py           # every case, each in a fresh process
    python benchmarks/scenario_cost.py --case all_max

Each case runs once in its own process (so peak memory is that run's), under a 12 GB address
space limit and a time limit. Prints measured CPU and wall seconds and peak RSS beside the
estimate. A report, not a test.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _maxima() -> dict[str, object]:
    """Every numeric parameter at its declared maximum (cross-field rules respected)."""
    from cio_sim.params import iter_params

    out: dict[str, object] = {}
    for key, spec in iter_params():
        if spec.choices is None and not isinstance(spec.default, bool) and spec.high is not None:
            out[key] = spec.high
    out["proposals.p_complex"] = 0.0          # p_simple + p_complex <= 1
    out["start_year"] = 2022                  # keep the roadmap items inside the horizon
    return out


def _high(key: str) -> object:
    from cio_sim.params import lookup

    return lookup(key).high


def cases() -> dict[str, dict[str, object]]:
    from cio_sim.arrivals import STOCHASTIC_ORIGINS

    every_meeting = {"cio_beraad.interval_weeks": 1, "cio_beraad.slots": _high("cio_beraad.slots")}
    arrivals = {f"arrivals.{a}_per_year": _high(f"arrivals.{a}_per_year")
                for a in STOCHASTIC_ORIGINS}
    return {
        "default": {},
        "horizon_max": {"horizon_weeks": _high("horizon_weeks")},
        "arrivals_max": arrivals,
        "departments_max": {"extra_departments": _high("extra_departments")},
        "arrivals_departments_max": {**arrivals,
                                     "extra_departments": _high("extra_departments")},
        "all_max": _maxima(),
        "all_max_weekly_meetings": {**_maxima(), **every_meeting},
    }


def one(overrides: dict[str, object]) -> dict[str, float]:
    """Run one case in this process and return its figures."""
    import cio_sim

    sc = cio_sim.load_scenario("consensus_2021", overrides)
    est_s, est_mb = sc.cost_estimate()
    t0, c0 = time.perf_counter(), time.process_time()
    model = cio_sim.CIOModel(sc, seed=1)
    model.run()
    model.summary()
    return {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "est_s": est_s, "est_mb": est_mb, "proposals": len(model.proposals_by_id)}


def _limit_memory() -> None:
    limit = 12 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="run only these cases")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(json.loads(args.child))))
        return 0
    print(f"{'case':<26} {'items':>7} {'cpu s':>7} {'wall s':>7} {'est s':>7} "
          f"{'rss MB':>7} {'est MB':>7}")
    for name, overrides in cases().items():
        if args.case and name not in args.case:
            continue
        cmd = [sys.executable, __file__, "--child", json.dumps(overrides)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                                  preexec_fn=_limit_memory)
        except subprocess.TimeoutExpired:
            print(f"{name:<26} timed out after {args.timeout:g} s")
            continue
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:<26} failed: {last}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{name:<26} {r['proposals']:>7} {r['cpu_s']:>7.2f} {r['wall_s']:>7.2f} "
              f"{r['est_s']:>7.2f} {r['rss_mb']:>7.0f} {r['est_mb']:>7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
