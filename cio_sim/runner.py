"""Batch running: many replications of one or more scenarios, serial, in local worker
processes or on a Dask cluster, with identical results on every backend.

Run ``i`` always gets the seed ``np.random.SeedSequence(seed).spawn(n)[i]`` (built directly as
``SeedSequence(seed, spawn_key=(i,))``), whatever the backend or completion order, and every
scenario or design point in a batch uses the same seeds (common random numbers).
Completed runs stream into a :class:`~cio_sim.store.ResultStore` one transaction each.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import importlib.util
import itertools
import json
import math
import multiprocessing
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from .model import CIOModel
from .params import lookup
from .scenario import Scenario, ScenarioError, flatten, load_scenario
from .store import DB_NAME as _DB_NAME
from .store import (
    BatchResult,
    ResultStore,
    clear_results,
    git_commit,
    holds_results,
    read_manifest,
    write_manifest,
)

BACKENDS = ("local", "dask")
EXPERIMENT_KEYS = ("name", "description", "scenario", "replications", "seed", "set", "grid",
                   "sample")


class BatchError(ValueError):
    """A batch cannot start: bad arguments, or the output directory does not match."""


# ---------------------------------------------------------------------------- seeds

def run_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed of replication ``i``: equal to ``SeedSequence(seed).spawn(n)[i]`` for any n > i."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def seed_id(seed: int, replication: int) -> str:
    """A string that reproduces a run's seed: ``'<entropy>:<spawn key>'``.

    ``np.random.SeedSequence(entropy, spawn_key=(key,))`` rebuilds it.
    """
    return f"{seed}:{replication}"


def parse_seed_id(text: str) -> np.random.SeedSequence:
    """Rebuild the SeedSequence of a run from its seed identifier."""
    entropy, key = text.split(":", 1)
    return np.random.SeedSequence(int(entropy), spawn_key=tuple(int(k) for k in key.split(".")))


# ---------------------------------------------------------------------------- design

@dataclass(frozen=True)
class Cell:
    """One scenario (or design point of a sweep) to replicate."""

    scenario_index: int
    point: int
    scenario: Scenario
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """Everything a batch needs, validated, before anything is written."""

    kind: str
    name: str
    cells: list[Cell]
    labels: list[str]
    replications: int
    seed: int
    out: Path | None
    resume: bool
    force: bool
    digest: str
    extra: dict[str, Any] = field(default_factory=dict)
    command: str | None = None

    @property
    def total(self) -> int:
        return len(self.cells) * self.replications


def _as_scenario(ref: str | Path | Scenario, overrides: Any = None) -> Scenario:
    scenario = ref if isinstance(ref, Scenario) else load_scenario(ref)
    return scenario.with_overrides(overrides) if overrides else scenario


def _check_counts(replications: int, seed: int, workers: int, backend: str) -> None:
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise BatchError(f"replications: got {replications!r}; allowed: an integer >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise BatchError(f"seed: got {seed!r}; allowed: an integer >= 0")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BatchError(f"workers: got {workers!r}; allowed: an integer >= 1")
    if backend not in BACKENDS:
        raise BatchError(f"backend: got {backend!r}; allowed: {', '.join(BACKENDS)}")


def _digest(kind: str, cells: Sequence[Cell], labels: Sequence[str]) -> str:
    blob = json.dumps({"kind": kind, "cells": [
        [labels[c.scenario_index], c.point, c.scenario.digest(), c.params] for c in cells]},
        sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def plan_batch(kind: str, name: str, cells: list[Cell], labels: list[str], replications: int,
               seed: int, workers: int = 1, backend: str = "local", out: str | Path | None = None,
               resume: bool = False, force: bool = False, extra: dict[str, Any] | None = None,
               command: str | None = None) -> Plan:
    """Validate a batch and its output directory without writing anything."""
    _check_counts(replications, seed, workers, backend)
    if resume and force:
        raise BatchError("use either --resume or --force, not both")
    if backend == "dask" and importlib.util.find_spec("distributed") is None:
        raise BatchError("the dask backend needs dask.distributed: pip install 'cio-sim[dask]'")
    digest = _digest(kind, cells, labels)
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        if out_path.exists() and not out_path.is_dir():
            raise BatchError(f"{out_path}: exists and is not a directory")
        if holds_results(out_path):
            if resume:
                manifest = read_manifest(out_path)
                if manifest.get("digest") != digest:
                    raise BatchError(
                        f"{out_path}: stored parameters differ (digest "
                        f"{manifest.get('digest')} vs {digest}); resume needs the same "
                        "scenario, overrides and design")
                if manifest.get("seed") != seed:
                    raise BatchError(f"{out_path}: stored seed is {manifest.get('seed')}, "
                                     f"not {seed}; resume needs the same seed")
            elif not force:
                raise BatchError(f"{out_path}: already holds results; use --resume to finish "
                                 "them or --force to replace them")
    return Plan(kind, name, cells, labels, replications, seed, out_path, resume, force, digest,
                extra or {}, command)


# ---------------------------------------------------------------------------- work

def _plain_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in summary.items():
        out[key] = value.item() if isinstance(value, np.generic) else value
    return out


def _release(model: Any) -> None:
    """Drop Mesa's class-level reference to a finished model so it can be freed.

    Mesa 3.3 keeps every model as a key of ``mesa.Agent._ids`` (mesa issue #3179, fixed
    upstream later), which would make memory grow with the number of runs.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if model is not None and isinstance(ids, dict):
        ids.pop(model, None)


def _run_one(scenario: Scenario, seed: int, replication: int) -> dict[str, Any]:
    """Run one replication; an exception becomes the run's error text."""
    model = None
    try:
        model = CIOModel(scenario, seed=run_seed(seed, replication))
        model.run()
        summary = _plain_summary(model.summary())
        timeseries = model.timeseries()
        return {"summary": summary, "timeseries": timeseries, "error": None}
    except Exception as exc:  # recorded, the batch goes on
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        return {"summary": None, "timeseries": None, "error": text}
    finally:
        _release(model)


def _run_chunk(scenario: Scenario, scenario_index: int, point: int, seed: int,
               replications: Sequence[int]) -> list[dict[str, Any]]:
    """Run several replications of one cell (one task for a worker process)."""
    out = []
    for rep in replications:
        res = _run_one(scenario, seed, rep)
        res["key"] = (scenario_index, point, rep)
        out.append(res)
    return out


Chunk = tuple[Cell, list[int]]


def _chunks(plan: Plan, done: set[tuple[int, int, int]], workers: int) -> list[Chunk]:
    todo = [(cell, rep) for cell in plan.cells for rep in range(plan.replications)
            if (cell.scenario_index, cell.point, rep) not in done]
    size = max(1, min(25, math.ceil(len(todo) / max(1, workers * 4)))) if workers > 1 else 1
    chunks: list[Chunk] = []
    for cell, group in itertools.groupby(todo, key=lambda t: t[0]):
        reps = [rep for _, rep in group]
        chunks.extend((cell, reps[i:i + size]) for i in range(0, len(reps), size))
    return chunks


def _serial(chunks: list[Chunk], seed: int) -> Iterator[dict[str, Any]]:
    for cell, reps in chunks:
        yield from _run_chunk(cell.scenario, cell.scenario_index, cell.point, seed, reps)


def _mp_context() -> multiprocessing.context.BaseContext:
    """Start method for worker processes. On Linux, fork: workers start in ~10 ms with the
    package already imported, where a forkserver first re-imports the whole stack (~1 s; see
    benchmarks/README.md). Workers only run models, they never touch the parent's store."""
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["cio_sim.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def _local(chunks: list[Chunk], seed: int, workers: int) -> Iterator[dict[str, Any]]:
    """Worker processes with a bounded window of chunks in flight (flat memory)."""
    pending = iter(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        running = set()

        def top_up() -> None:
            while len(running) < 2 * workers:
                nxt = next(pending, None)
                if nxt is None:
                    return
                cell, reps = nxt
                running.add(pool.submit(_run_chunk, cell.scenario, cell.scenario_index,
                                        cell.point, seed, reps))

        top_up()
        try:
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    running.discard(fut)
                    yield from fut.result()
                top_up()
        finally:
            for fut in running:
                fut.cancel()


def _dask_connect(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    """A Dask client: to the cluster at ``scheduler``, or to a new LocalCluster of processes."""
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchError("the dask backend needs dask.distributed: "
                         "pip install 'cio-sim[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler {scheduler}" if scheduler else "a local Dask cluster"
        raise BatchError(f"cannot reach {where}: {' '.join(str(exc).split())}") from None
    return client, cluster


def _dask(chunks: list[Chunk], seed: int, workers: int,
          client: Any) -> Iterator[dict[str, Any]]:
    """Run chunks on a Dask cluster with a bounded window of tasks in flight."""
    from distributed import as_completed

    if not chunks:
        return
    pending = iter(chunks)
    window = 2 * max(workers, len(client.scheduler_info().get("workers", {})) or 1)

    def submit(nxt: Chunk) -> Any:
        cell, reps = nxt
        return client.submit(_run_chunk, cell.scenario, cell.scenario_index, cell.point, seed,
                             reps, pure=False)

    ac = as_completed([submit(nxt) for nxt in itertools.islice(pending, window)])
    for fut in ac:
        result = fut.result()
        fut.release()
        nxt = next(pending, None)
        if nxt is not None:
            ac.add(submit(nxt))
        yield from result


# ---------------------------------------------------------------------------- manifest

def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _manifest(plan: Plan, workers: int, backend: str) -> dict[str, Any]:
    from . import __version__

    details = []
    for i, label in enumerate(plan.labels):
        cell = next(c for c in plan.cells if c.scenario_index == i)
        details.append({"name": label, "description": cell.scenario.description,
                        "source": cell.scenario.source, "digest": cell.scenario.digest(),
                        "values": cell.scenario.values})
    horizons = {c.scenario.values.get("horizon_weeks") for c in plan.cells}
    manifest: dict[str, Any] = {
        "kind": plan.kind,
        "name": plan.name,
        "scenarios": list(plan.labels),
        "digests": {d["name"]: d["digest"] for d in details},
        "horizon_weeks": horizons.pop() if len(horizons) == 1 else sorted(horizons),
        "digest": plan.digest,
        "seed": plan.seed,
        "replications": plan.replications,
        "seeds": [seed_id(plan.seed, i) for i in range(plan.replications)],
        "seed_note": "run i of every scenario/point uses SeedSequence(seed, spawn_key=(i,)) "
                     "= SeedSequence(seed).spawn(replications)[i]",
        "version": __version__,
        "git_commit": git_commit(),
        "created": _now(),
        "updated": _now(),
        "command": plan.command if plan.command is not None else " ".join(sys.argv),
        "backend": backend,
        "workers": workers,
        "status": "running",
        "runs_expected": plan.total,
        "runs_stored": 0,
        "parameters": details,
    }
    if plan.kind == "sweep":
        manifest["design_keys"] = sorted({k for c in plan.cells for k in c.params})
        manifest["points"] = [{"point": c.point, "params": c.params, "digest":
                               c.scenario.digest()} for c in plan.cells]
    manifest.update(plan.extra)
    return manifest


# ---------------------------------------------------------------------------- execute

def execute(plan: Plan, workers: int = 1, backend: str = "local", scheduler: str | None = None,
            progress: bool = False) -> BatchResult:
    """Run a validated plan: create the store, run what is missing, return the result."""
    _check_counts(plan.replications, plan.seed, workers, backend)
    if scheduler and backend != "dask":
        raise BatchError("a scheduler address needs backend='dask'")
    manifest = _manifest(plan, workers, backend)
    dask = _dask_connect(workers, scheduler) if backend == "dask" else None  # before writing
    try:
        return _execute(plan, manifest, workers, backend, progress, dask)
    finally:
        if dask is not None:
            client, cluster = dask
            client.close()
            if cluster is not None:
                cluster.close()


def _execute(plan: Plan, manifest: dict[str, Any], workers: int, backend: str, progress: bool,
             dask: tuple[Any, Any] | None) -> BatchResult:
    if plan.out is not None:
        if plan.force:
            clear_results(plan.out)
        if plan.resume and holds_results(plan.out):
            old = read_manifest(plan.out)
            manifest["created"] = old.get("created", manifest["created"])
            manifest["replications"] = max(plan.replications, old.get("replications", 0))
            manifest["seeds"] = [seed_id(plan.seed, i) for i in range(manifest["replications"])]
            manifest["runs_expected"] = len(plan.cells) * manifest["replications"]
            manifest["resumed"] = [*old.get("resumed", []), _now()]
        plan.out.mkdir(parents=True, exist_ok=True)
        write_manifest(plan.out, manifest)
        store = ResultStore(plan.out / _DB_NAME)
    else:
        store = ResultStore(None)
    done = store.done_keys()
    chunks = _chunks(plan, done, workers if backend == "local" else max(workers, 2))
    todo = sum(len(reps) for _, reps in chunks)
    if backend == "dask":
        outputs = _dask(chunks, plan.seed, workers, dask[0])
    elif workers > 1 and todo > 1:
        outputs = _local(chunks, plan.seed, workers)
    else:
        outputs = _serial(chunks, plan.seed)
    bar = _progress_bar(todo, plan.name, progress)
    try:
        for res in outputs:
            key = res["key"]
            store.add_run(key, plan.labels[key[0]], seed_id(plan.seed, key[2]),
                          _cell_params(plan, key), res["summary"], res["timeseries"],
                          res["error"])
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if hasattr(outputs, "close"):
            outputs.close()
    manifest["runs_stored"] = store.count()
    manifest["status"] = "complete"
    manifest["updated"] = _now()
    if plan.out is not None:
        write_manifest(plan.out, manifest)
    return BatchResult(store, manifest, plan.out)


def _cell_params(plan: Plan, key: tuple[int, int, int]) -> dict[str, Any]:
    if plan.kind != "sweep":
        return {}
    return plan.cells[key[1]].params


def _progress_bar(total: int, name: str, progress: bool):
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="run", file=sys.stderr, disable=None,
                dynamic_ncols=True, leave=False)


# ---------------------------------------------------------------------------- public API

def run_batch(scenario: str | Path | Scenario, replications: int = 30, seed: int = 1,
              workers: int = 1, backend: str = "local", scheduler: str | None = None,
              out: str | Path | None = None, resume: bool = False,
              overrides: Mapping[str, Any] | Iterable[str] | None = None,
              progress: bool = False, force: bool = False,
              command: str | None = None) -> BatchResult:
    """Run ``replications`` runs of one scenario and return their results.

    Run ``i`` uses ``SeedSequence(seed).spawn(replications)[i]`` on every backend, so
    serial, ``workers=W`` processes and ``backend="dask"`` give identical tables. With
    ``out`` the runs stream into ``out/results.sqlite`` (``resume=True`` finishes an
    interrupted batch; ``force=True`` replaces stored results).
    """
    sc = _as_scenario(scenario, overrides)
    plan = plan_batch("run", sc.name, [Cell(0, 0, sc)], [sc.name], replications, seed,
                      workers, backend, out, resume, force, command=command)
    return execute(plan, workers, backend, scheduler, progress)


def plan_compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30,
                 seed: int = 1, workers: int = 1, backend: str = "local",
                 out: str | Path | None = None, resume: bool = False, force: bool = False,
                 command: str | None = None) -> Plan:
    """Validate a comparison of several scenarios (see :func:`compare`)."""
    loaded = [_as_scenario(s) for s in scenarios]
    if len(loaded) < 2:
        raise BatchError("compare needs at least two scenarios")
    labels = [s.name for s in loaded]
    dupes = sorted({n for n in labels if labels.count(n) > 1})
    if dupes:
        raise BatchError(f"compare: scenario names must differ (twice: {', '.join(dupes)})")
    cells = [Cell(i, 0, s) for i, s in enumerate(loaded)]
    name = "compare_" + "_vs_".join(labels)
    return plan_batch("compare", name, cells, labels, replications, seed, workers, backend,
                      out, resume, force, command=command)


def compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30, seed: int = 1,
            workers: int = 1, backend: str = "local", scheduler: str | None = None,
            out: str | Path | None = None, resume: bool = False, progress: bool = False,
            force: bool = False, command: str | None = None) -> BatchResult:
    """Run several scenarios with the same seeds (common random numbers).

    The result holds every run (the ``scenario`` column tells them apart);
    ``result.comparison_table()`` gives mean ± 95% CI half-width per metric and scenario,
    ``result.summary_table()`` the same in long form.
    """
    plan = plan_compare(scenarios, replications, seed, workers, backend, out, resume, force,
                        command)
    return execute(plan, workers, backend, scheduler, progress)


# ---------------------------------------------------------------------------- sweeps

@dataclass
class Experiment:
    """A sweep: a base scenario, fixed overrides and a list of design points."""

    name: str
    description: str
    source: str
    scenario: Scenario
    replications: int
    seed: int
    points: list[dict[str, Any]]
    design: dict[str, Any]


def _lhs(n: int, d: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    try:
        sampler = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed))
    except TypeError:  # older scipy
        sampler = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed))
    return sampler.random(n)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment (sweep) file; every design point is checked."""
    src = str(path)
    p = Path(path)
    if not p.exists():
        raise ScenarioError(src, None, "file not found")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(src, None, f"not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(src, None, f"cannot be read ({exc})") from None
    for key in data:
        if key not in EXPERIMENT_KEYS:
            close = difflib.get_close_matches(key, EXPERIMENT_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(src, key, f"unknown key{hint}; allowed here: "
                                + ", ".join(EXPERIMENT_KEYS))
    if "scenario" not in data or not isinstance(data["scenario"], str):
        raise ScenarioError(src, "scenario", "required: a bundled scenario name or a path")
    ref = data["scenario"]
    if ref.endswith(".toml") and not Path(ref).is_absolute():
        candidate = p.parent / ref
        ref = str(candidate) if candidate.exists() else ref
    try:
        base = load_scenario(ref)
    except ScenarioError as exc:
        raise ScenarioError(src, "scenario", str(exc)) from None
    replications = data.get("replications", 10)
    seed = data.get("seed", 1)
    for key, value, low in (("replications", replications, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ScenarioError(src, key, f"got {value!r}; allowed: an integer >= {low}")
    fixed = data.get("set", {})
    if not isinstance(fixed, Mapping):
        raise ScenarioError(src, "set", "expected a table of dotted keys")
    base = base.with_overrides(flatten(fixed), source=src)
    if "grid" in data and "sample" in data:
        raise ScenarioError(src, "grid", "use either [grid] or [sample], not both")
    points: list[dict[str, Any]] = [{}]
    design: dict[str, Any] = {}
    if "grid" in data:
        grid = data["grid"]
        if not isinstance(grid, Mapping) or not grid:
            raise ScenarioError(src, "grid", "expected a table: dotted key = [values]")
        grid = flatten(grid)
        for key, values in grid.items():
            if not isinstance(values, list) or not values:
                raise ScenarioError(src, f"grid.{key}", "expected a non-empty list of values")
        keys = list(grid)
        points = [dict(zip(keys, combo, strict=True))
                  for combo in itertools.product(*(grid[k] for k in keys))]
        design = {"grid": grid}
    elif "sample" in data:
        sample = data["sample"]
        if not isinstance(sample, Mapping):
            raise ScenarioError(src, "sample", "expected a table: dotted key = [low, high]")
        sample = dict(sample)
        n = sample.pop("n", None)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ScenarioError(src, "sample.n", f"got {n!r}; allowed: an integer >= 1 "
                                "(the number of design points)")
        bounds = flatten(sample)
        if not bounds:
            raise ScenarioError(src, "sample", "expected at least one dotted key = [low, high]")
        for key, b in bounds.items():
            ok = (isinstance(b, list) and len(b) == 2
                  and all(isinstance(x, int | float) and not isinstance(x, bool) for x in b)
                  and b[0] < b[1])
            if not ok:
                raise ScenarioError(src, f"sample.{key}", f"got {b!r}; allowed: [low, high] "
                                    "with numbers low < high")
        keys = list(bounds)
        unit = _lhs(n, len(keys), seed)
        points = []
        for row in unit:
            point = {}
            for key, u in zip(keys, row, strict=True):
                low, high = bounds[key]
                value = low + float(u) * (high - low)
                spec = lookup(key)
                if spec is not None and spec.kind is int:
                    value = min(int(high), max(int(low), math.floor(value)))
                point[key] = value
            points.append(point)
        design = {"sample": {**bounds, "n": n}, "method": "latin hypercube (scipy.stats.qmc)"}
    for i, point in enumerate(points):  # validate every point now, not mid-batch
        try:
            base.with_overrides(point, source=src)
        except ScenarioError as exc:
            where = "grid" if "grid" in data else "sample"
            raise ScenarioError(src, f"{where} point {i}", exc.args[0]) from None
    name = data.get("name", p.stem)
    if not isinstance(name, str):
        raise ScenarioError(src, "name", "must be a string")
    return Experiment(name, str(data.get("description", "")), src, base, replications, seed,
                      points, design)


def plan_sweep(experiment: str | Path | Experiment, out: str | Path | None = None,
               resume: bool = False, workers: int = 1, backend: str = "local",
               replications: int | None = None, seed: int | None = None, force: bool = False,
               command: str | None = None) -> Plan:
    """Validate a sweep (see :func:`run_sweep`)."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    cells = [Cell(0, i, exp.scenario.with_overrides(pt, source=exp.source), dict(pt))
             for i, pt in enumerate(exp.points)]
    extra = {"experiment": {"name": exp.name, "description": exp.description,
                            "source": exp.source, "base_digest": exp.scenario.digest(),
                            **exp.design}}
    return plan_batch("sweep", exp.name, cells, [exp.scenario.name],
                      replications or exp.replications, exp.seed if seed is None else seed,
                      workers, backend, out, resume, force, extra, command)


def run_sweep(experiment: str | Path | Experiment, out: str | Path | None = None,
              resume: bool = False, workers: int = 1, backend: str = "local",
              scheduler: str | None = None, progress: bool = False,
              replications: int | None = None, seed: int | None = None,
              force: bool = False, command: str | None = None) -> BatchResult:
    """Run every design point of an experiment file with common random numbers.

    ``runs`` gets a ``point`` column and one column per swept parameter (dotted key).
    """
    plan = plan_sweep(experiment, out, resume, workers, backend, replications, seed, force,
                      command)
    return execute(plan, workers, backend, scheduler, progress)


__all__ = ["BACKENDS", "BatchError", "BatchResult", "Cell", "Experiment", "Plan", "compare",
           "execute", "load_experiment", "parse_seed_id", "plan_batch", "plan_compare",
           "plan_sweep", "run_batch", "run_seed", "run_sweep", "seed_id"]
