"""Performance benchmark: run cost, batch runners, the client, memory and the CLI.

Run from the repository root::

    python benchmarks/run.py            # default (about 3 minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repetitions and smaller batches
    python benchmarks/run.py --json out.json
    python benchmarks/run.py --compare  # the three-regime compare with its report only
    python benchmarks/run.py --compare --base main~2   # ... and at a git ref, side by side

Everything is measured in one invocation, alternating the things compared, so that ratios
compare like with like under the same load. CPU time is the figure to trust on a shared
machine; wall time is printed beside it. Each target prints PASS or FAIL (a figure projected
from measured rates says so); this is a report, not a test. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import resource
import shutil
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
from cio_sim.arrivals import STOCHASTIC_ORIGINS
from cio_sim.batch.executors import START_METHOD
from cio_sim.batch.seeds import run_seed
from cio_sim.heap import collected_once, release

HERE = Path(__file__).resolve().parent
SCENARIO = "consensus_2021"
SEED = 1
WEEKS_PER_YEAR = 52

# key -> (description, limit); every target is "value <= limit".
TARGETS = {
    "consensus_cpu": ("one 5-year consensus_2021 run in a batch worker, median CPU (ms)", 10.0),
    "preset_cpu": ("slowest preset, 5-year run in a batch worker, median CPU (ms)", 15.0),
    "client_cpu": ("client CPU per run in a batch, summary only (ms)", 0.3),
    "study_100k": ("100k-run summary-only study on 2 cores, wall (min, projected)", 15.0),
    "years_ratio": ("20-year run CPU / 5-year run CPU", 4.2),
    # "linear in state changes", with the same 5% allowance the years target gives (4.2 / 4)
    "load_ratio": ("CPU per state change at 8x / at 1x the arrival rates", 1.05),
    "memory_ratio": ("peak memory, 100k-run / 1k-run summary-only batch", 1.2),
    "cli_help": ("`cio-sim --help`, wall (s)", 0.5),
    "cli_run": ("`cio-sim run consensus_2021 -n 1 --no-report`, wall (s)", 1.5),
    "compare_cpu": ("`cio-sim compare <3 regimes> -n 30 --workers 2` with its report, CPU of "
                    "the process tree (s)", 3.5),
}
#: The everyday comparison the compare_cpu target times (with its report).
COMPARE = ["compare", "consensus_2021", "doorzettingsmacht_2026", "keuzematrix", "-n", "30",
           "--workers", "2"]

# The yardstick (`machine_speed`) on an idle guest of the benchmark machine, 2026-12-02 08:32
# (33.0 ms at the start of that run, 32.6 ms at its end; benchmarks/README.md, "Latest
# figures"). CPU figures measured in a slow phase of the host are also printed scaled to it.
IDLE_REFERENCE_MS = 33.0
# The targets whose figure is CPU time, or follows from it, and so scales with the yardstick
# (the CLI's wall time is nearly all CPU: imports and one run in one process).
CPU_TARGETS = ("consensus_cpu", "preset_cpu", "client_cpu", "study_100k", "cli_help", "cli_run",
               "compare_cpu")

# The client's real-model batch keeps 200 runs in both sizes: the client has a fixed cost per
# batch (planning, the executor, the store), which 60 runs spread too thinly (0.71 ms per run
# against 0.195 with 200, 2026-12-02 afternoon) for the figure to be read against its target.
SIZES = {
    "full": {"reps": 15, "years_reps": 9, "batch": 100, "client_real": 200,
             "client_stand": 10_000, "mem": (1_000, 100_000), "cli_reps": 3},
    "quick": {"reps": 7, "years_reps": 5, "batch": 40, "client_real": 200,
              "client_stand": 2_000, "mem": (1_000, 20_000), "cli_reps": 2},
}


def _print(text: str = "") -> None:
    print(text, flush=True)


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


class _Item:
    __slots__ = ("state", "value")

    def __init__(self, state: int, value: float):
        self.state = state
        self.value = value


def _reference_work() -> float:
    """A fixed pure-Python workload of the kind a run is made of (objects, attribute
    updates, float arithmetic, dict and list operations), no numpy."""
    items = [_Item(k % 7, k / 1000.0) for k in range(2_000)]
    counts = dict.fromkeys(range(7), 0)
    events: list[tuple[int, int, int]] = []
    total = 0.0
    for week in range(40):
        for k, item in enumerate(items):
            new = (item.state + week) % 7
            counts[item.state] -= 1
            counts[new] += 1
            events.append((week, k, new))
            item.state = new
            total += item.value * 0.5 + (1.0 - item.value) * 0.25
    return total


def machine_speed(repeats: int = 7) -> float:
    """CPU ms of `_reference_work` (best of `repeats`): a yardstick for comparing run costs
    measured on different machines (the best of several is the least disturbed by load)."""
    best = float("inf")
    for _ in range(repeats):
        t = time.process_time()
        _reference_work()
        best = min(best, time.process_time() - t)
    return best * 1e3


# ---------------------------------------------------------------------------- process trees

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



# ---------------------------------------------------------------------------- mesa.batch_run

#: The start method Mesa sets when it is imported (mesa.batchrunner forces it).
MESA_DEFAULT_START = multiprocessing.get_start_method()


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



# ---------------------------------------------------------------------------- 1. one run

def _timed_run(scenario: cio_sim.Scenario, seed: int, worker: bool = True
               ) -> tuple[float, float, int]:
    """CPU and wall seconds of construct + run + summary, and the state changes made.

    ``worker``: as a batch worker runs it (``cio_sim.heap.collected_once``: the collector
    off during the run, one collection after it, which is timed); otherwise bare, as
    ``CIOModel(...).run()`` runs in a notebook. Either way the model is released, as the
    batch path does, so the heap does not grow with the repetitions."""
    t, c = time.perf_counter(), time.process_time()
    with collected_once() if worker else contextlib.nullcontext():
        model = cio_sim.CIOModel(scenario, seed=seed).run()
        model.summary()
        events = len(model.events)
        release(model)
        del model
    return time.process_time() - c, time.perf_counter() - t, events


def bench_presets(reps: int) -> dict[str, dict[str, float]]:
    """Every bundled scenario, 5 years, the presets alternating within each repetition,
    each run as a batch worker runs it (the figure a study pays) and bare."""
    names = cio_sim.bundled_names()
    scenarios = {n: cio_sim.load_scenario(n) for n in names}
    for sc in scenarios.values():
        _timed_run(sc, 10_000)                      # warm-up
    raw: dict[bool, dict[str, list[tuple[float, float, int]]]] = {
        mode: {n: [] for n in names} for mode in (True, False)}
    for i in range(reps):
        for n in names:
            for worker in (True, False) if i % 2 else (False, True):
                raw[worker][n].append(_timed_run(scenarios[n], i, worker))
    out = {}
    for n in names:
        rows, bare = raw[True][n], raw[False][n]
        cpu, wall, events = (_med([r[k] for r in rows]) for k in range(3))
        out[n] = {"cpu_ms": cpu * 1e3, "wall_ms": wall * 1e3, "state_changes": events,
                  "us_per_state_change": cpu / events * 1e6,
                  "mean_cpu_ms": statistics.fmean(r[0] for r in rows) * 1e3,
                  "bare_cpu_ms": _med([r[0] for r in bare]) * 1e3,
                  "bare_mean_cpu_ms": statistics.fmean(r[0] for r in bare) * 1e3,
                  "weeks": scenarios[n].get("horizon_weeks")}
    return out


def bench_years(reps: int) -> dict[str, float]:
    """The consensus run at 5 and at 20 years, alternating."""
    base = cio_sim.load_scenario(SCENARIO)
    short = cio_sim.load_scenario(SCENARIO, {"horizon_weeks": 5 * WEEKS_PER_YEAR})
    long_ = cio_sim.load_scenario(SCENARIO, {"horizon_weeks": 20 * WEEKS_PER_YEAR})
    del base
    rows: dict[int, list[tuple[float, float, int]]] = {5: [], 20: []}
    _timed_run(long_, 10_000)
    for i in range(reps):
        rows[5].append(_timed_run(short, i))
        rows[20].append(_timed_run(long_, i))
    out: dict[str, float] = {}
    for years, r in rows.items():
        cpu, wall, events = (_med([x[k] for x in r]) for k in range(3))
        out[f"cpu_ms_{years}"] = cpu * 1e3
        out[f"wall_ms_{years}"] = wall * 1e3
        out[f"cpu_ms_per_year_{years}"] = cpu * 1e3 / years
        out[f"state_changes_{years}"] = events
        out[f"us_per_state_change_{years}"] = cpu / events * 1e6
    out["ratio"] = out["cpu_ms_20"] / out["cpu_ms_5"]
    out["paired_ratio"] = _med([b[0] / a[0] for a, b in zip(rows[5], rows[20], strict=True)])
    return out


LOAD_FACTORS = (1, 2, 4, 8)


def bench_load(reps: int) -> dict[int, dict[str, float]]:
    """The consensus run at 1, 2, 4 and 8 times its stochastic arrival rates, with the
    CIO-beraad's slots scaled alike (so meetings keep up and the extra items travel the same
    path instead of waiting), alternating: CPU per state change as the load grows."""
    base = cio_sim.load_scenario(SCENARIO).values
    scenarios = {}
    for k in LOAD_FACTORS:
        overrides: dict[str, Any] = {f"arrivals.{o}_per_year": base["arrivals"][f"{o}_per_year"]
                                     * k for o in STOCHASTIC_ORIGINS}
        overrides["cio_beraad.slots"] = base["cio_beraad"]["slots"] * k
        scenarios[k] = cio_sim.load_scenario(SCENARIO, overrides)
    rows: dict[int, list[tuple[float, float, int]]] = {k: [] for k in LOAD_FACTORS}
    _timed_run(scenarios[LOAD_FACTORS[-1]], 10_000)
    for i in range(reps):
        for k in LOAD_FACTORS if i % 2 else LOAD_FACTORS[::-1]:
            rows[k].append(_timed_run(scenarios[k], i))
    out = {}
    for k, r in rows.items():
        cpu, events = _med([x[0] for x in r]), _med([x[2] for x in r])
        out[k] = {"cpu_ms": cpu * 1e3, "state_changes": events,
                  "us_per_state_change": cpu / events * 1e6}
    return out


# ---------------------------------------------------------------------------- 2. batch runners

def _our_batch(n: int, workers: int) -> tuple[float, float, list[float]]:
    with TreeSampler(os.getpid()) as cpu:
        t = time.perf_counter()
        result = run_batch(SCENARIO, replications=n, seed=SEED, workers=workers, weekly=False)
        runs = result.runs
        dt = time.perf_counter() - t
    return dt, cpu.cpu_seconds, runs["decisions_per_year"].head(5).tolist()


def _mesa_batch(n: int, workers: int, start_method: str) -> tuple[float, float, list[float]]:
    sc = cio_sim.load_scenario(SCENARIO)
    seeds = [run_seed(SEED, i) for i in range(n)]       # the seeds run_batch gives run i
    multiprocessing.set_start_method(start_method, force=True)
    try:
        with TreeSampler(os.getpid()) as cpu:
            t = time.perf_counter()
            rows = mesa.batch_run(MesaBatchModel, parameters={"scenario": sc, "seed": seeds},
                                  number_processes=workers, iterations=1,
                                  max_steps=sc.get("horizon_weeks"), display_progress=False)
            dt = time.perf_counter() - t
    finally:
        multiprocessing.set_start_method(MESA_DEFAULT_START, force=True)
    by_run = sorted(rows, key=lambda r: r["RunId"])
    return dt, cpu.cpu_seconds, [r["summary"]["decisions_per_year"] for r in by_run[:5]]


def bench_runners(n: int, workers: int = 2) -> dict[str, Any]:
    """Ours (summary only), mesa.batch_run with fork and with Mesa's default start method."""
    cases = {f"ours ({START_METHOD})": lambda: _our_batch(n, workers),
             "mesa.batch_run (fork)": lambda: _mesa_batch(n, workers, "fork"),
             f"mesa.batch_run ({MESA_DEFAULT_START}, Mesa's default)":
                 lambda: _mesa_batch(n, workers, MESA_DEFAULT_START)}
    out: dict[str, Any] = {"runs": n, "workers": workers, "rows": {}}
    checks = []
    for label, fn in cases.items():
        wall, cpu, check = fn()
        out["rows"][label] = {"wall_s": wall, "cpu_s": cpu, "runs_per_s": n / wall,
                              "cpu_ms_per_run": cpu / n * 1e3}
        checks.append(check)
    out["same_results"] = all(np.allclose(c, checks[0], equal_nan=True) for c in checks)
    return out


# ---------------------------------------------------------------------------- 3. client, memory

def _batch_child(runs: int, stand_in: bool, folder: bool = True) -> dict[str, float]:
    """One summary-only batch in a fresh process (benchmarks/batch_path.py): the client's own
    CPU and peak RSS, and the CPU of the whole process tree (workers included)."""
    cmd = [sys.executable, str(HERE / "batch_path.py"), "--child", str(runs)]
    cmd += ["--stand-in"] if stand_in else []
    cmd += ["--folder"] if folder else []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as tree:
        stdout, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"batch child failed ({proc.returncode})")
    res = json.loads(stdout.strip().splitlines()[-1])
    res["tree_cpu_s"] = tree.cpu_seconds
    res["worker_cpu_ms_per_run"] = max(0.0, tree.cpu_seconds - res["cpu_s"]) / runs * 1e3
    return res


# ---------------------------------------------------------------------------- 4. CLI

def _cli(args: list[str], reps: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall and CPU (children's rusage) of the command line, fresh process each;
    ``env``: the environment (default this one's)."""
    exe = shutil.which("cio-sim")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "cio_sim.cli", *args]
    walls, cpus = [], []
    for _ in range(reps):
        with tempfile.TemporaryDirectory(prefix="cio-bench-cli-") as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, cwd=tmp, check=True, capture_output=True,   # own folder each
                           env=env)
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall_s": _med(walls), "cpu_s": _med(cpus)}


#: Run in a fresh process: the compare's CPU by part (imports, the parent's planning, storing
#: and report after the imports, the report alone, the workers), from getrusage.
_COMPARE_PARTS = """
import json, resource, sys
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
t0 = cpu(resource.RUSAGE_SELF)
import cio_sim.batch.runner, cio_sim.report.document
import cio_sim.cli.after_batch as ab
from cio_sim.cli import main
t1 = cpu(resource.RUSAGE_SELF)
report, write = [0.0], ab.write_report
def timed(*a, **k):
    t = cpu(resource.RUSAGE_SELF)
    out = write(*a, **k)
    report[0] = cpu(resource.RUSAGE_SELF) - t
    return out
ab.write_report = timed
main(sys.argv[1:] + ["--out", "out", "-q"])
t2 = cpu(resource.RUSAGE_SELF)
print(json.dumps({"imports": t1 - t0, "parent": t2 - t1, "report": report[0],
                  "workers": cpu(resource.RUSAGE_CHILDREN)}))
"""


def compare_parts(reps: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median CPU seconds of each part of the compare with its report (fresh process each)."""
    runs = []
    for _ in range(reps):
        with tempfile.TemporaryDirectory(prefix="cio-bench-compare-") as tmp:
            out = subprocess.run([sys.executable, "-c", _COMPARE_PARTS, *COMPARE], cwd=tmp,
                                 check=True, capture_output=True, text=True, env=env).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
    return {k: _med([r[k] for r in runs]) for k in runs[0]}


def _env_with(path: Path) -> dict[str, str]:
    """This environment with ``path`` first on PYTHONPATH (the ``cio_sim`` imported there),
    and bytecode caches written and read as in an installed package (without
    PYTHONDONTWRITEBYTECODE, which would compile every module of ``path`` anew in every
    process: about 0.1 s CPU of the compare on the benchmark machine)."""
    rest = os.environ.get("PYTHONPATH", "")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": os.pathsep.join([str(path), *([rest] if rest else [])])}


#: Said where the compare is measured: how the commands are run.
_AS_INSTALLED = ("each tree's bytecode caches written by an unmeasured warm-up run first, as an "
                 "installed package has them")


def _parts_line(parts: dict[str, float]) -> str:
    return (f"imports {parts['imports']:.2f} s, the workers' 90 runs {parts['workers']:.2f} s, "
            f"the parent after its imports {parts['parent']:.2f} s (of which the report "
            f"{parts['report']:.2f} s)")


def compare_against(reps: int, base: str) -> int:
    """The compare with its report at git ref ``base`` and in the working tree, alternating
    (base first, then the tree, ``reps`` times each), whole and by part, side by side."""
    desc, limit = TARGETS["compare_cpu"]
    _print(f"load average at start: {_loadavg()}; machine speed {machine_speed():.1f} ms CPU")
    with tempfile.TemporaryDirectory(prefix="cio-bench-base-") as tmp:
        blob = subprocess.run(["git", "-C", str(HERE.parent), "archive", base, "cio_sim",
                               "scenarios"],
                              check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=blob, check=True)
        envs = {f"base {base}": _env_with(Path(tmp)), "working tree": _env_with(HERE.parent)}
        for env in envs.values():
            _cli(COMPARE, 1, env)                    # warm-up: the bytecode caches
        whole: dict[str, list[dict[str, float]]] = {k: [] for k in envs}
        parts: dict[str, list[dict[str, float]]] = {k: [] for k in envs}
        for _ in range(reps):
            for label, env in envs.items():
                whole[label].append(_cli(COMPARE, 1, env))
                parts[label].append(compare_parts(1, env))
    _print(f"cio-sim {' '.join(COMPARE)} (median of {reps}, fresh process each, alternating; "
           f"{_AS_INSTALLED}):")
    cpu = {}
    for label in envs:
        w = {k: _med([r[k] for r in whole[label]]) for k in ("wall_s", "cpu_s")}
        pt = {k: _med([r[k] for r in parts[label]]) for k in parts[label][0]}
        cpu[label] = w["cpu_s"]
        _print(f"   {label:28s} {w['wall_s']:5.2f} s wall, {w['cpu_s']:5.2f} s CPU (process "
               f"tree); {_parts_line(pt)}")
    base_cpu, new_cpu = cpu.values()
    verdict = "PASS" if new_cpu <= limit else "FAIL"
    _print(f"   working tree / base, CPU: {new_cpu / base_cpu:.3f}")
    _print(f"   {verdict}  {desc}: {new_cpu:.3g} (target <= {limit:g})")
    _print(f"load average at end: {_loadavg()}")
    return 0


def compare_only(reps: int) -> int:
    """The compare_cpu target alone: the whole command, then its parts, with the yardstick."""
    speed = machine_speed()
    _print(f"load average at start: {_loadavg()}; machine speed {speed:.1f} ms CPU "
           f"(idle reference {IDLE_REFERENCE_MS:g}); measuring the cio_sim of {HERE.parent}")
    env = _env_with(HERE.parent)   # this checkout, not whichever cio_sim is installed
    _cli(COMPARE, 1, env)                        # warm-up: the bytecode caches
    whole = _cli(COMPARE, reps, env)
    parts = compare_parts(reps, env)
    end = machine_speed()
    desc, limit = TARGETS["compare_cpu"]
    verdict = "PASS" if whole["cpu_s"] <= limit else "FAIL"
    _print(f"cio-sim {' '.join(COMPARE)} (median of {reps}, fresh process each; "
           f"{_AS_INSTALLED}):")
    _print(f"   {whole['wall_s']:5.2f} s wall, {whole['cpu_s']:5.2f} s CPU (process tree)")
    _print(f"   parts: {_parts_line(parts)}")
    scale = IDLE_REFERENCE_MS / ((speed + end) / 2)
    _print(f"   {verdict}  {desc}: {whole['cpu_s']:.3g} (target <= {limit:g}); scaled to the "
           f"idle reference (factor {scale:.2f}): {whole['cpu_s'] * scale:.3g}")
    _print(f"load average at end: {_loadavg()}; machine speed {end:.1f} ms CPU")
    return 0


# ---------------------------------------------------------------------------- report

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, smaller batches")
    ap.add_argument("--json", metavar="PATH", help="also write all figures as JSON")
    ap.add_argument("--compare", action="store_true",
                    help="only the three-regime compare with its report, by part")
    ap.add_argument("--base", metavar="REF",
                    help="with --compare: also at this git ref, alternating, side by side")
    ap.add_argument("--reps", type=int, metavar="N",
                    help="with --compare: repetitions of each measurement (default 3, quick 2)")
    args = ap.parse_args(argv)
    size = SIZES["quick" if args.quick else "full"]
    if args.base and not args.compare:
        ap.error("--base goes with --compare")
    if args.compare:
        reps = args.reps or size["cli_reps"]
        return compare_against(reps, args.base) if args.base else compare_only(reps)
    t_start = time.perf_counter()
    res: dict[str, Any] = {"machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(), "mesa": mesa.__version__,
        "numpy": np.__version__, "cio_sim": cio_sim.__version__,
        "loadavg_start": _loadavg(), "mode": "quick" if args.quick else "full",
        "reference_ms": machine_speed()}}
    m = res["machine"]
    _print(f"cio-sim benchmark ({m['mode']}): {m['cpus']} CPUs, {m['platform']}, "
           f"Python {m['python']}, Mesa {m['mesa']}, numpy {m['numpy']}")
    _print(f"load average at start: {m['loadavg_start']}  (CPU figures are the ones to compare "
           "on a shared machine)")
    _print(f"machine speed: pure-Python reference workload {m['reference_ms']:.1f} ms CPU "
           "(best of 7; measured again at the end; scale run costs from another machine by "
           "the ratio of these)")

    _print(f"\n1. One 5-year run per bundled scenario (construct + run + summary), median of "
           f"{size['reps']}: as a batch worker runs it, and bare (notebook)")
    presets = res["presets"] = bench_presets(size["reps"])
    _print(f"   {'':<28} {'batch worker':-^41}  {'bare':-^17}")
    _print(f"   {'scenario':<28} {'CPU ms':>7} {'mean':>6} {'wall ms':>8} {'changes':>8} "
           f"{'us/chg':>7}  {'CPU ms':>7} {'mean':>8}")
    for n, r in presets.items():
        _print(f"   {n:<28} {r['cpu_ms']:7.1f} {r['mean_cpu_ms']:6.1f} {r['wall_ms']:8.1f} "
               f"{r['state_changes']:8.0f} {r['us_per_state_change']:7.1f}  "
               f"{r['bare_cpu_ms']:7.1f} {r['bare_mean_cpu_ms']:8.1f}")
    _print("   CPU ms: median; mean: what a study pays per run (it includes the garbage "
           "collections, which the median leaves out)")

    _print(f"\n2. Cost per simulated year: {SCENARIO} at 5 and 20 years, median of "
           f"{size['years_reps']}")
    y = res["years"] = bench_years(size["years_reps"])
    for years in (5, 20):
        _print(f"   {years:>2} years: {y[f'cpu_ms_{years}']:7.1f} ms CPU "
               f"({y[f'wall_ms_{years}']:7.1f} ms wall), {y[f'cpu_ms_per_year_{years}']:5.2f} ms "
               f"CPU per year, {y[f'state_changes_{years}']:6.0f} state changes, "
               f"{y[f'us_per_state_change_{years}']:5.1f} us CPU per change")
    _print(f"   ratio 20y / 5y: {y['ratio']:.2f} (paired median {y['paired_ratio']:.2f}; "
           "4.0 is linear)")
    _print(f"   cost per state change as the load grows: {SCENARIO}, 5 years, the stochastic "
           f"arrival rates and the CIO-beraad's slots x1, x2, x4, x8, median of "
           f"{size['years_reps']}")
    load = res["load"] = bench_load(size["years_reps"])
    for k, r in load.items():
        _print(f"   x{k}: {r['cpu_ms']:7.1f} ms CPU, {r['state_changes']:6.0f} state changes, "
               f"{r['us_per_state_change']:5.1f} us CPU per change "
               f"({r['us_per_state_change'] / load[1]['us_per_state_change']:.2f} of x1)")

    n = size["batch"]
    _print(f"\n3. A batch of {n} runs on 2 processes: run_batch (summary only) and "
           "mesa.batch_run, same model, scenario and seeds")
    rr = res["runners"] = bench_runners(n)
    ours = next(iter(rr["rows"].values()))
    _print(f"   {'runner':<40} {'wall s':>7} {'runs/s':>7} {'CPU ms/run':>11} "
           f"{'ours/this (runs/s)':>19} {'this/ours (CPU)':>16}")
    for label, r in rr["rows"].items():
        _print(f"   {label:<40} {r['wall_s']:7.2f} {r['runs_per_s']:7.1f} "
               f"{r['cpu_ms_per_run']:11.1f} {ours['runs_per_s'] / r['runs_per_s']:19.2f} "
               f"{r['cpu_ms_per_run'] / ours['cpu_ms_per_run']:16.2f}")
    _print("   CPU is summed over the process tree (workers included, start-up included); "
           f"same results in every runner: {'yes' if rr['same_results'] else 'NO'}")

    _print("\n4. The client (the process that plans, receives and stores runs), summary only, "
           "2 local workers, fresh process each")
    real = res["client_real"] = _batch_child(size["client_real"], stand_in=False)
    stand = res["client_stand_in"] = _batch_child(size["client_stand"], stand_in=True)
    for label, r in (("real model", real), ("stand-in model (near-zero run cost)", stand)):
        _print(f"   {label:<38} {r['runs']:>7} runs: client {r['cpu_ms_per_run']:.3f} ms CPU "
               f"per run; workers {r['worker_cpu_ms_per_run']:.2f} ms CPU per run; "
               f"{r['wall_s']:.1f} s wall")
    client_ms = real["cpu_ms_per_run"]

    small, large = size["mem"]
    _print(f"\n5. Peak memory of the client, summary only (stand-in model): {large} vs "
           f"{small} runs")
    mem_s = _batch_child(small, stand_in=True)
    mem_l = _batch_child(large, stand_in=True)
    mem_ratio = mem_l["peak_mb"] / mem_s["peak_mb"]
    res["memory"] = {"small": mem_s, "large": mem_l, "ratio": mem_ratio}
    _print(f"   {small:>7} runs: {mem_s['peak_mb']:6.1f} MB peak RSS, {mem_s['wall_s']:6.1f} s "
           f"wall\n   {large:>7} runs: {mem_l['peak_mb']:6.1f} MB peak RSS, "
           f"{mem_l['wall_s']:6.1f} s wall\n   ratio {mem_ratio:.3f}")

    _print("\n6. Projection from measured rates (not measured end to end)")
    run_ms = presets[SCENARIO]["mean_cpu_ms"]
    overhead_ms = stand["worker_cpu_ms_per_run"]     # per run in the workers besides the model
    worker_ms = run_ms + overhead_ms
    _print(f"   per run: model {run_ms:.1f} ms CPU (mean, batch worker) "
           f"+ worker overhead {overhead_ms:.2f} ms (task, encoding, transfer) "
           f"+ client {client_ms:.3f} ms")
    study = 100_000 * (worker_ms + client_ms) / 2 / 1e3 / 60      # 2 cores shared by all
    res["projection"] = {"worker_ms": worker_ms, "client_ms": client_ms,
                         "study_100k_2cores_min": study, "clusters": {}}
    _print(f"   100k runs on 2 cores (workers and client share them): {study:.1f} min")
    sobol = 1_290_000
    for workers in (2, 16, 64, 100):
        rate = min(workers / worker_ms, 1.0 / client_ms) * 1e3       # runs per second
        hours = sobol / rate / 3600
        bound = "client-bound" if 1.0 / client_ms < workers / worker_ms else "worker-bound"
        res["projection"]["clusters"][workers] = {"runs_per_s": rate, "sobol_hours": hours}
        _print(f"   {workers:>3} workers: {rate:8.0f} runs/s ({bound}); a 1.29M-run Sobol "
               f"study in {hours:6.2f} h")

    _print(f"\n7. Time to first result of the CLI, median of {size['cli_reps']} (fresh "
           "process each)")
    cli_help = _cli(["--help"], size["cli_reps"])
    cli_run = _cli(["run", SCENARIO, "-n", "1", "--no-report"], size["cli_reps"])
    cli_compare = _cli(COMPARE, size["cli_reps"])
    res["cli"] = {"help": cli_help, "run": cli_run, "compare": cli_compare}
    for label, r in (("cio-sim --help", cli_help),
                     (f"cio-sim run {SCENARIO} -n 1 --no-report", cli_run)):
        _print(f"   {label:<46} {r['wall_s']:5.2f} s wall, {r['cpu_s']:5.2f} s CPU")
    # what the comparison's runs alone cost, from section 1's mean CPU per run (batch worker)
    model_s = sum(30 * presets[n]["mean_cpu_ms"] / 1e3 for n in COMPARE[1:4])
    cli_compare["model_cpu_s"] = model_s
    _print(f"   {'cio-sim ' + ' '.join(COMPARE[:4]):<46}\n   {'  ' + ' '.join(COMPARE[4:]):<46} "
           f"{cli_compare['wall_s']:5.2f} s wall, {cli_compare['cpu_s']:5.2f} s CPU (process "
           f"tree, report included), of which the 90 runs' model {model_s:.2f} s (section 1's "
           f"mean per run) and start-up, storing, tables and report "
           f"{cli_compare['cpu_s'] - model_s:.2f} s")

    m["loadavg_end"] = _loadavg()
    m["reference_ms_end"] = machine_speed()
    m["seconds"] = time.perf_counter() - t_start
    _print(f"\nmachine speed at the end: {m['reference_ms_end']:.1f} ms CPU (at the start "
           f"{m['reference_ms']:.1f}; a shared host has slow phases: compare figures from "
           "moments whose yardsticks agree)")
    _print(f"\nTargets (load average at end: {m['loadavg_end']}; total {m['seconds']:.0f} s)")
    checks = {"consensus_cpu": presets[SCENARIO]["cpu_ms"],
              "preset_cpu": max(r["cpu_ms"] for r in presets.values()),
              "client_cpu": client_ms, "study_100k": study, "years_ratio": y["ratio"],
              "load_ratio": load[LOAD_FACTORS[-1]]["us_per_state_change"]
              / load[1]["us_per_state_change"],
              "memory_ratio": mem_ratio, "cli_help": cli_help["wall_s"],
              "cli_run": cli_run["wall_s"], "compare_cpu": cli_compare["cpu_s"]}
    res["targets"] = {}
    for key, value in checks.items():
        desc, limit = TARGETS[key]
        verdict = "PASS" if value <= limit else "FAIL"
        res["targets"][key] = {"verdict": verdict, "value": value, "limit": limit}
        _print(f"   {verdict}  {desc}: {value:.3g} (target <= {limit:g})")
    speed = (m["reference_ms"] + m["reference_ms_end"]) / 2
    scale = IDLE_REFERENCE_MS / speed
    res["scaled_to_idle_reference"] = {"factor": scale, "figures": {
        key: res["targets"][key]["value"] * scale for key in CPU_TARGETS}}
    _print(f"\nThe CPU figures scaled to the idle reference (yardstick {IDLE_REFERENCE_MS:g} ms; "
           f"here {speed:.1f} ms, factor {scale:.2f}); a reading for comparing moments, the "
           "verdicts above stand:")
    for key, value in res["scaled_to_idle_reference"]["figures"].items():
        desc, limit = TARGETS[key]
        _print(f"   {desc}: {value:.3g} (target <= {limit:g})")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
