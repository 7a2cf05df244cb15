"""Performance benchmark: one run, batches, Mesa's own batch runner, scaling and memory.

Run from the repository root::

    python benchmarks/run.py            # full version (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller version (fewer repetitions and runs)
    python benchmarks/run.py --json out.json

Everything is measured in one invocation so that the ratios compare like with like on the
same machine and load. Each target prints PASS or FAIL; this is a report, not a test.
See benchmarks/README.md for the figures and what they mean.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import mesa
import numpy as np

import cio_sim
from cio_sim import run_batch
from cio_sim.batch.seeds import run_seed

SCENARIO = "consensus_2021"
SEED = 1
ARRIVAL_KEYS = ("arrivals.departmental_per_year", "arrivals.incident_per_year",
                "arrivals.parliamentary_per_year", "arrivals.cio_rijk_per_year")

# name -> (description, limit, comparison); checked at the end of a run.
TARGETS = {
    "single_run": ("one 5-year run, median wall time", 0.100, "<="),
    "efficiency": ("2-worker parallel efficiency rps2 / (2 x rps1)", 0.8, ">="),
    "vs_mesa": ("our runs/s / mesa.batch_run runs/s (2 processes)", 2.0, ">="),
    "proposal_scaling": ("time(x8 proposals) / time(x1)", 8 * 1.1, "<="),
    "memory": ("peak memory, 1,000-run batch / 100-run batch", 1.2, "<="),
}

SIZES = {
    "full": {"single": 30, "batch": 200, "scale_reps": 7, "mem": (100, 1000)},
    "quick": {"single": 10, "batch": 60, "scale_reps": 3, "mem": (20, 200)},
}


# ---------------------------------------------------------------------------- helpers

def _median_time(fn, reps: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn(i)`` over ``reps`` calls (after one warm-up)."""
    fn(10_000)
    wall, cpu = [], []
    for i in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn(i)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def _one_run(scenario: cio_sim.Scenario, seed: int) -> dict[str, Any]:
    return cio_sim.CIOModel(scenario, seed=seed).run().summary()


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _print(text: str = "") -> None:
    print(text, flush=True)


# ---------------------------------------------------------------------------- 1. one run

def bench_single(reps: int) -> dict[str, Any]:
    sc = cio_sim.load_scenario(SCENARIO)
    horizon = sc.get("horizon_weeks")
    wall, cpu = _median_time(lambda i: _one_run(sc, i), reps)
    return {"reps": reps, "median_s": wall, "median_cpu_s": cpu, "weeks": horizon,
            "per_week_s": wall / horizon}


# ---------------------------------------------------------------------------- 2. our batches

def _our_batch(n: int, workers: int) -> tuple[float, float, list[float]]:
    gc.collect()
    with TreeSampler(os.getpid()) as cpu:
        t = time.perf_counter()
        result = run_batch(SCENARIO, replications=n, seed=SEED, workers=workers)
        runs = result.runs
        dt = time.perf_counter() - t
    if len(runs) != n:
        raise RuntimeError(f"run_batch returned {len(runs)} runs, expected {n}")
    return dt, cpu.cpu_seconds, runs["decisions_per_year"].head(5).tolist()


# ---------------------------------------------------------------------------- 3. mesa.batch_run

def _final_summary(model: MesaBatchModel) -> dict[str, Any] | None:
    return None if model.running else model.summary()


class MesaBatchModel(cio_sim.CIOModel):
    """CIOModel as ``mesa.batch_run`` expects it: a ``datacollector`` filled every step.

    batch_run builds the model as ``model_cls(**kwargs)`` and reads
    ``datacollector.model_vars[name][model.steps - 1]``; CIOModel has no datacollector, so
    this subclass adds one whose only reporter is the end-of-run summary.
    """

    def __init__(self, scenario: Any = SCENARIO, seed: Any = None, **kwargs: Any):
        super().__init__(scenario, seed=seed, **kwargs)
        self.datacollector = mesa.DataCollector(model_reporters={"summary": _final_summary})

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)


def _mesa_batch(n: int, processes: int) -> tuple[float, float, list[float]]:
    sc = cio_sim.load_scenario(SCENARIO)
    seeds = [run_seed(SEED, i) for i in range(n)]       # the seeds run_batch gives run i
    gc.collect()
    with TreeSampler(os.getpid()) as cpu:
        t = time.perf_counter()
        rows = mesa.batch_run(MesaBatchModel, parameters={"scenario": sc, "seed": seeds},
                              number_processes=processes, iterations=1,
                              max_steps=sc.get("horizon_weeks"), display_progress=False)
        dt = time.perf_counter() - t
    if len(rows) != n:
        raise RuntimeError(f"mesa.batch_run returned {len(rows)} rows, expected {n}")
    by_run = sorted(rows, key=lambda r: r["RunId"])
    return dt, cpu.cpu_seconds, [r["summary"]["decisions_per_year"] for r in by_run[:5]]


def bench_batches(n: int) -> dict[str, Any]:
    """Ours and mesa.batch_run, interleaved per process count so each pair shares the load."""
    ours: dict[str, Any] = {"runs": n}
    other: dict[str, Any] = {"runs": n}
    for p in (1, 2):
        for fn, out in ((_our_batch, ours), (_mesa_batch, other)):
            dt, cpu, check = fn(n, p)
            out[f"p{p}_s"], out[f"p{p}_rps"] = dt, n / dt
            out[f"p{p}_cpu_ms_per_run"] = cpu / n * 1e3
            out[f"check_{p}"] = check
        other[f"ratio_{p}"] = ours[f"p{p}_rps"] / other[f"p{p}_rps"]
    ours["efficiency"] = ours["p2_rps"] / (2 * ours["p1_rps"])
    other["efficiency"] = other["p2_rps"] / (2 * other["p1_rps"])
    checks = [ours["check_1"], ours["check_2"], other["check_1"], other["check_2"]]
    other["same_results"] = all(np.allclose(c, checks[0], equal_nan=True) for c in checks)
    return {"ours": ours, "mesa": other}


# ---------------------------------------------------------------------------- 4. scaling

def _scaled_cost(overrides: dict[str, Any], reps: int) -> tuple[float, float]:
    sc = cio_sim.load_scenario(SCENARIO, overrides or None)
    submitted = []

    def one(i: int) -> None:
        submitted.append(_one_run(sc, i)["submitted"])

    wall, _ = _median_time(one, reps)
    return wall, statistics.median(submitted[1:])


def bench_scaling(reps: int) -> dict[str, Any]:
    base = cio_sim.load_scenario(SCENARIO)
    rows = []
    t1 = None
    for factor in (1, 2, 4, 8):
        ov = {k: base.get(k) * factor for k in ARRIVAL_KEYS}
        wall, subm = _scaled_cost(ov, reps)
        t1 = t1 or wall
        rows.append({"axis": "proposals", "factor": factor, "median_s": wall,
                     "ratio": wall / t1, "submitted": subm})
    t1 = None
    for factor, extra in ((1, 0), (2, 12), (4, 36)):
        wall, subm = _scaled_cost({"extra_departments": extra}, reps)
        t1 = t1 or wall
        rows.append({"axis": "departments", "factor": factor, "median_s": wall,
                     "ratio": wall / t1, "submitted": subm})
    return {"reps": reps, "rows": rows}


# ---------------------------------------------------------------------------- 5. memory

def _tree(root: int) -> set[int]:
    """``root`` and all its descendants (Linux /proc; empty elsewhere)."""
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return tree


class TreeSampler:
    """Samples a process tree every ``interval`` s: CPU seconds and peak summed RSS / PSS.

    CPU is the sum over every process seen of its last sampled user + system time, so work
    done in worker processes counts too (up to one interval per process may be missed); the
    sampler's own thread time is left out. The tree is rescanned every ``rescan`` samples.
    """

    def __init__(self, root: int, memory: bool = False, interval: float = 0.05,
                 rescan: int = 10):
        self.root, self.memory, self.interval, self.rescan = root, memory, interval, rescan
        self.cpu: dict[int, float] = {}
        self.own_cpu = 0.0
        self.peak_rss = self.peak_pss = 0
        self._pids: set[int] = {root}
        self._base: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __enter__(self) -> TreeSampler:
        self._pids = _tree(self.root)
        self._sample()
        self._base = dict(self.cpu)      # CPU already spent by processes alive at the start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._pids = _tree(self.root) | self._pids
        self._sample()

    @property
    def cpu_seconds(self) -> float:
        own = self.own_cpu if self.root == os.getpid() else 0.0
        return sum(v - self._base.get(pid, 0.0) for pid, v in self.cpu.items()) - own

    def _run(self) -> None:
        start = time.thread_time()
        k = 0
        while not self._stop.is_set():
            if k % self.rescan == 0:
                self._pids = _tree(self.root) | {p for p in self._pids
                                                 if os.path.exists(f"/proc/{p}")}
            self._sample()
            k += 1
            self.own_cpu = time.thread_time() - start
            self._stop.wait(self.interval)

    def _sample(self) -> None:
        rss = pss = 0
        for pid in list(self._pids):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self._tick
                if self.memory:
                    with open(f"/proc/{pid}/smaps_rollup") as fh:
                        for line in fh:
                            if line.startswith("Rss:"):
                                rss += int(line.split()[1]) * 1024
                            elif line.startswith("Pss:"):
                                pss += int(line.split()[1]) * 1024
            except (OSError, IndexError, ValueError):
                continue
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)


def _child_batch(n: int, workers: int, out: str) -> None:
    """In a fresh process: one batch streaming into ``out``; prints own and children's maxrss."""
    import resource

    result = run_batch(SCENARIO, replications=n, seed=SEED, workers=workers, out=out)
    stored = result.manifest.get("runs_stored")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"stored": stored, "self_maxrss": me, "children_maxrss": kids}))


def _measure_batch_memory(n: int, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cio-bench-") as tmp:
        cmd = [sys.executable, __file__, "--child-batch", str(n), str(workers),
               str(Path(tmp) / "out")]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        with TreeSampler(proc.pid, memory=True) as sampler:
            stdout, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"memory child failed ({proc.returncode})")
        child = json.loads(stdout.strip().splitlines()[-1])
    return {"runs": n, "workers": workers, "seconds": time.perf_counter() - t,
            "peak_tree_rss": sampler.peak_rss, "peak_tree_pss": sampler.peak_pss, **child}


def bench_memory(sizes: tuple[int, int], workers: int = 2) -> dict[str, Any]:
    small = _measure_batch_memory(sizes[0], workers)
    large = _measure_batch_memory(sizes[1], workers)
    return {"small": small, "large": large,
            "ratio_pss": large["peak_tree_pss"] / small["peak_tree_pss"],
            "ratio_rss": large["peak_tree_rss"] / small["peak_tree_rss"],
            "ratio_main": large["self_maxrss"] / small["self_maxrss"]}


# ---------------------------------------------------------------------------- report

def _check(name: str, value: float) -> tuple[str, str]:
    desc, limit, op = TARGETS[name]
    ok = value <= limit if op == "<=" else value >= limit
    return ("PASS" if ok else "FAIL"), f"{desc}: {value:.3g} (target {op} {limit:g})"


def _mb(x: float) -> str:
    return f"{x / 2**20:7.1f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and runs")
    ap.add_argument("--json", metavar="PATH", help="also write all figures as JSON")
    ap.add_argument("--skip-memory", action="store_true", help="leave out section 5")
    ap.add_argument("--child-batch", nargs=3, metavar=("N", "WORKERS", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_batch:
        n, w, out = args.child_batch
        _child_batch(int(n), int(w), out)
        return 0

    size = SIZES["quick" if args.quick else "full"]
    t_start = time.perf_counter()
    res: dict[str, Any] = {"machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(), "mesa": mesa.__version__,
        "numpy": np.__version__, "cio_sim": cio_sim.__version__,
        "loadavg_start": _loadavg(), "mode": "quick" if args.quick else "full"}}
    m = res["machine"]
    _print(f"cio-sim benchmark ({m['mode']}): {m['cpus']} CPUs, {m['platform']}, "
           f"Python {m['python']}, Mesa {m['mesa']}, numpy {m['numpy']}")
    _print(f"load average at start: {m['loadavg_start']}")

    _print(f"\n1. One 5-year {SCENARIO} run (construct + run + summary)")
    s = res["single"] = bench_single(size["single"])
    _print(f"   median over {s['reps']} runs: {s['median_s'] * 1e3:.1f} ms wall "
           f"({s['median_cpu_s'] * 1e3:.1f} ms CPU), {s['per_week_s'] * 1e6:.0f} us per "
           f"simulated week ({s['weeks']} weeks)")

    n = size["batch"]
    _print(f"\n2./3. Batch of {n} replications: cio_sim.run_batch (ours) and mesa.batch_run "
           "(same model, scenario and seeds), run alternately")
    batches = bench_batches(n)
    o, mb = res["ours"], res["mesa"] = batches["ours"], batches["mesa"]
    _print("   runner   processes   wall s   runs/s   CPU ms/run (all processes)   ours/mesa")
    for p in (1, 2):
        for name, r in (("ours", o), ("mesa", mb)):
            ratio = f"{mb[f'ratio_{p}']:9.2f}" if name == "mesa" else ""
            _print(f"   {name:<8} {p:^9}  {r[f'p{p}_s']:7.2f}  {r[f'p{p}_rps']:7.1f}   "
                   f"{r[f'p{p}_cpu_ms_per_run']:14.1f}              {ratio}")
    _print(f"   parallel efficiency rps2 / (2 x rps1): ours {o['efficiency']:.2f}, "
           f"mesa {mb['efficiency']:.2f}")
    _print(f"   same results in both runners (first 5 runs): "
           f"{'yes' if mb['same_results'] else 'NO'}")

    _print(f"\n4. Cost of one run as its work grows (median of {size['scale_reps']} runs)")
    sc = res["scaling"] = bench_scaling(size["scale_reps"])
    _print("   axis         factor   median   ratio to x1   proposals submitted")
    for r in sc["rows"]:
        _print(f"   {r['axis']:<12} x{r['factor']:<6} {r['median_s'] * 1e3:7.1f} ms  "
               f"{r['ratio']:9.2f}   {r['submitted']:10.0f}")
    x8 = next(r for r in sc["rows"] if r["axis"] == "proposals" and r["factor"] == 8)

    if not args.skip_memory:
        small, large = size["mem"]
        _print(f"\n5. Peak memory of a batch streaming to a store (2 workers, fresh process "
               f"each): {large} vs {small} runs")
        mem = res["memory"] = bench_memory(size["mem"])
        _print("   runs    seconds   tree PSS     tree RSS     main maxrss  "
               "largest child maxrss")
        for k in ("small", "large"):
            r = mem[k]
            _print(f"   {r['runs']:<6} {r['seconds']:8.1f}  {_mb(r['peak_tree_pss'])}  "
                   f"{_mb(r['peak_tree_rss'])}  {_mb(r['self_maxrss'])}  "
                   f"{_mb(r['children_maxrss'])}")
        _print(f"   ratio {large}/{small}: tree PSS {mem['ratio_pss']:.2f}, tree RSS "
               f"{mem['ratio_rss']:.2f}, main process {mem['ratio_main']:.2f}")

    m["loadavg_end"] = _loadavg()
    m["seconds"] = time.perf_counter() - t_start
    _print(f"\nTargets (load average at end: {m['loadavg_end']}; "
           f"total {m['seconds']:.0f} s)")
    checks = [("single_run", s["median_s"]), ("efficiency", o["efficiency"]),
              ("vs_mesa", mb["ratio_2"]), ("proposal_scaling", x8["ratio"])]
    if "memory" in res:
        checks.append(("memory", res["memory"]["ratio_pss"]))
    res["targets"] = {}
    for name, value in checks:
        verdict, text = _check(name, value)
        res["targets"][name] = {"verdict": verdict, "value": value}
        _print(f"   {verdict}  {text}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
