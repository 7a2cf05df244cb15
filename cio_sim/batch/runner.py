"""Batch running: plan (validate everything, nothing written), resume, run on any backend.

Run ``i`` of every scenario or design point gets ``SeedSequence(seed, spawn_key=(i,))``
(:mod:`cio_sim.batch.seeds`), so serial, local processes and Dask give identical tables.
Workers run a task of several replications and return ready-to-store rows (and, when weekly
tables are kept, each run's table compressed); the client writes them in blocks of whole runs,
one transaction each, so an interrupted batch resumes exactly and the client's cost per run
stays small.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..heap import collected_once, release
from ..model import CIOModel
from ..plugins import active as active_plugins
from ..plugins import ensure as ensure_plugins
from ..scenario import Scenario, load_scenario
from .executors import EXECUTORS, Executor, ExecutorError, available_cores, get_executor
from .experiments import MAX_REPLICATIONS, Experiment, load_experiment
from .seeds import SEED_NOTE, run_seed, seed_id
from .store import (
    DB_NAME,
    BatchResult,
    ResultStore,
    Row,
    StoreError,
    StoreWriteError,
    WriterLock,
    busy_message,
    check_results_folder,
    clear_results,
    damaged_message,
    derive_status,
    encode_frame,
    git_commit,
    holds_results,
    lock_holder,
    read_manifest,
    run_row,
    same_batch_problem,
    write_error,
    write_manifest,
)

#: A block of runs is written when it holds this many runs or is this old, whichever first.
BLOCK_RUNS = 2000
BLOCK_SECONDS = 0.25
#: At most this many replications per task (more amortises the cost of a task).
MAX_TASK_RUNS = 50
#: Manifests list every replication's seed id up to this many replications.
SEED_LIST_LIMIT = 1000


class BatchError(ValueError):
    """A batch cannot start: bad arguments, or the output directory does not match."""


def backends() -> tuple[str, ...]:
    """Names of the registered backends."""
    return tuple(EXECUTORS)


# ---------------------------------------------------------------------------- plan

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
    weekly: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cells) * self.replications


def _as_scenario(ref: str | Path | Scenario, overrides: Any = None) -> Scenario:
    scenario = ref if isinstance(ref, Scenario) else load_scenario(ref)
    return scenario.with_overrides(overrides) if overrides else scenario


def _check_counts(replications: int, seed: int, workers: int, backend: str) -> None:
    if isinstance(replications, bool) or not isinstance(replications, int) or \
            not 1 <= replications <= MAX_REPLICATIONS:
        raise BatchError(f"replications: got {replications!r}; allowed: an integer from 1 to "
                         f"{MAX_REPLICATIONS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise BatchError(f"seed: got {seed!r}; allowed: an integer >= 0")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BatchError(f"workers: got {workers!r}; allowed: an integer >= 1")
    if backend not in EXECUTORS:
        raise BatchError(f"backend: got {backend!r}; allowed: {', '.join(EXECUTORS)}")


def _details(cells: Sequence[Cell], labels: Sequence[str]) -> list[dict[str, Any]]:
    details = []
    for i, label in enumerate(labels):
        cell = next(c for c in cells if c.scenario_index == i)
        details.append({"name": label, "description": cell.scenario.description,
                        "source": cell.scenario.source, "digest": cell.scenario.digest(),
                        "values": cell.scenario.values})
    return details


def _digest(kind: str, cells: Sequence[Cell], labels: Sequence[str]) -> str:
    blob = json.dumps({"kind": kind, "cells": [
        [labels[c.scenario_index], c.point, c.scenario.digest(), c.params] for c in cells]},
        sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _flat(values: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(values, Mapping):
        return {prefix: values}
    out: dict[str, Any] = {}
    for key, value in values.items():
        out.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _differences(manifest: Mapping[str, Any], kind: str, cells: Sequence[Cell],
                 labels: Sequence[str]) -> list[str]:
    """What differs between a stored manifest and a new plan, as short phrases."""
    if manifest.get("kind") != kind:
        return [f"kind ({manifest.get('kind')} stored, {kind} now)"]
    stored = [s if isinstance(s, str) else s.get("name") for s in manifest.get("scenarios", [])]
    if stored != list(labels):
        return [f"scenarios ({', '.join(map(str, stored))} stored, {', '.join(labels)} now)"]
    diffs: list[str] = []
    new = json.loads(json.dumps(_details(cells, labels), default=str))
    for old_d, new_d in zip(manifest.get("parameters", []), new, strict=False):
        old_v, new_v = _flat(old_d.get("values", {})), _flat(new_d["values"])
        for key in sorted(set(old_v) | set(new_v)):
            if old_v.get(key) != new_v.get(key):
                diffs.append(f"{key} ({old_v.get(key)!r} stored, {new_v.get(key)!r} now)")
    if kind == "sweep":
        old_points = [p.get("params") for p in manifest.get("points", [])]
        new_points = json.loads(json.dumps([c.params for c in cells], default=str))
        if len(old_points) != len(new_points):
            diffs.append(f"design points ({len(old_points)} stored, {len(new_points)} now)")
        else:
            for i, (a, b) in enumerate(zip(old_points, new_points, strict=True)):
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                if keys:
                    diffs.append(f"design point {i} ({', '.join(keys)})")
    return diffs


def plan_batch(kind: str, name: str, cells: list[Cell], labels: list[str], replications: int,
               seed: int, workers: int = 1, backend: str = "local", out: str | Path | None = None,
               resume: bool = False, force: bool = False, extra: dict[str, Any] | None = None,
               command: str | None = None, weekly: bool = True) -> Plan:
    """Validate a batch and its output directory without writing anything."""
    _check_counts(replications, seed, workers, backend)
    if resume and force:
        raise BatchError("use either --resume or --force, not both")
    digest = _digest(kind, cells, labels)
    out_path = Path(out) if out is not None else None
    notes: list[str] = []
    if out_path is not None:
        if out_path.exists() and not out_path.is_dir():
            raise BatchError(f"{out_path}: exists and is not a directory")
        _check_writable(out_path)
        if lock_holder(out_path) is not None:
            raise BatchError(busy_message(out_path))
        weekly = _check_folder(out_path, kind, cells, labels, digest, seed, resume, force,
                               weekly, notes)
    return Plan(kind, name, cells, labels, replications, seed, out_path, resume, force, digest,
                extra or {}, command, weekly, notes)


def _check_writable(out: Path) -> None:
    """Refuse an output folder (or the folder it would be made in) that cannot be written."""
    target = out
    while not target.exists() and target != target.parent:
        target = target.parent
    if os.access(target, os.W_OK | os.X_OK):
        return
    try:
        read_only = bool(os.statvfs(target).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    reason = "read-only file system" if read_only else f"no write permission on {target}"
    raise BatchError(f"{out}: cannot write here ({reason}); choose another --out")


def _check_folder(out: Path, kind: str, cells: Sequence[Cell], labels: Sequence[str],
                  digest: str, seed: int, resume: bool, force: bool, weekly: bool,
                  notes: list[str]) -> bool:
    """Check that ``out`` may take this batch: empty, replaced (``force``) or the same batch
    (``resume``). Returns whether weekly tables are kept (a resume follows the stored batch).
    Run at planning and again under the writer lock (another batch may have written since).
    """
    try:
        check_results_folder(out)
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    if not holds_results(out):
        return weekly
    if not resume:
        if force:
            return weekly
        raise BatchError(f"{out}: already holds results; use --resume to finish them, --force "
                         "to replace them or --out for a new folder")
    try:
        manifest = read_manifest(out)
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    if manifest.get("digest") != digest:
        diffs = _differences(manifest, kind, cells, labels) or ["the design"]
        shown = "; ".join(diffs[:3]) + (f"; and {len(diffs) - 3} more" if len(diffs) > 3
                                        else "")
        raise BatchError(f"{out}: stored parameters differ: {shown}; --resume needs the same "
                         "scenario, overrides and design (use --out for a new folder)")
    if manifest.get("seed") != seed:
        raise BatchError(f"{out}: stored seed is {manifest.get('seed')}, not {seed}; resume "
                         "needs the same seed (use --out for a new folder)")
    stored_weekly = bool(manifest.get("weekly", True))
    if stored_weekly != weekly:
        if not any(n.startswith("weekly tables") for n in notes):
            notes.append(f"weekly tables {'kept' if stored_weekly else 'not kept'}, as in the "
                         "stored batch")
        weekly = stored_weekly
    return weekly


# ---------------------------------------------------------------------------- work

@dataclass(frozen=True)
class Task:
    """Several replications of one cell: one unit of work for a backend."""

    scenario: Scenario
    key: tuple[int, int]  # (scenario_index, point)
    label: str
    params: dict[str, Any]
    seed: int
    replications: tuple[int, ...]
    weekly: bool
    model: Callable[..., Any] | None = None
    #: Plugin modules the worker imports before the first run (cio_sim.plugins).
    plugins: tuple[str, ...] = ()


#: What a task returns: the runs' rows and, when kept, their encoded weekly tables.
Block = tuple[list[Row], list[tuple[int, int, int, bytes]]]


def run_task(task: Task) -> Block:
    """Run a task's replications; an exception becomes that run's error text."""
    if task.plugins:
        ensure_plugins(task.plugins)
    make = task.model or CIOModel
    rows: list[Row] = []
    weekly: list[tuple[int, int, int, bytes]] = []
    for rep in task.replications:
        with collected_once():              # the finished run is reclaimed in one pass
            _run_one(task, make, rep, rows, weekly)
    return rows, weekly


def _run_one(task: Task, make: Callable[..., Any], rep: int, rows: list[Row],
             weekly: list[tuple[int, int, int, bytes]]) -> None:
    """One replication of a task: its row (and weekly table) appended."""
    key = (*task.key, rep)
    sid = seed_id(task.seed, rep)
    model = None
    try:
        model = make(task.scenario, seed=run_seed(task.seed, rep))
        model.run()
        summary = model.summary()
        blob = encode_frame(model.timeseries()) if task.weekly else None
    except Exception as exc:  # recorded, the batch goes on
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        rows.append(run_row(key, task.label, sid, task.params, None, text))
    else:
        rows.append(run_row(key, task.label, sid, task.params, summary, None))
        if blob is not None:
            weekly.append((*key, blob))
    finally:
        release(model)


def _task_size(todo: int, slots: int) -> int:
    if slots <= 1:
        return 1
    return max(1, min(MAX_TASK_RUNS, math.ceil(todo / (slots * 4))))


def _tasks(plan: Plan, done: set[tuple[int, int, int]], size: int,
           model: Callable[..., Any] | None) -> Iterator[Task]:
    """The missing runs as tasks of up to ``size`` replications, generated lazily."""
    plugins = active_plugins()
    for cell in plan.cells:
        params = cell.params if plan.kind == "sweep" else {}
        group: list[int] = []
        for rep in range(plan.replications):
            if (cell.scenario_index, cell.point, rep) in done:
                continue
            group.append(rep)
            if len(group) == size:
                yield Task(cell.scenario, (cell.scenario_index, cell.point),
                           plan.labels[cell.scenario_index], params, plan.seed, tuple(group),
                           plan.weekly, model, plugins)
                group = []
        if group:
            yield Task(cell.scenario, (cell.scenario_index, cell.point),
                       plan.labels[cell.scenario_index], params, plan.seed, tuple(group),
                       plan.weekly, model, plugins)


# ---------------------------------------------------------------------------- manifest

def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _seed_list(seed: int, replications: int) -> list[str] | str:
    if replications <= SEED_LIST_LIMIT:
        return [seed_id(seed, i) for i in range(replications)]
    return f"{seed_id(seed, 0)} .. {seed_id(seed, replications - 1)}"


def _manifest(plan: Plan, workers: int, backend: str) -> dict[str, Any]:
    from .. import __version__

    details = _details(plan.cells, plan.labels)
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
        "seeds": _seed_list(plan.seed, plan.replications),
        "seed_note": SEED_NOTE,
        "version": __version__,
        "git_commit": git_commit(),
        "created": _now(),
        "updated": _now(),
        "command": plan.command if plan.command is not None else " ".join(sys.argv),
        "backend": backend,
        "workers": workers,
        "weekly": plan.weekly,
        "status": "incomplete",  # true after any interruption; readers derive "running"
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

def _cap_workers(workers: int, backend: str, scheduler: str | None, runs: int,
                 notes: list[str]) -> int:
    """Workers capped at this machine's cores (unless on a remote cluster) and the runs."""
    limit, why = workers, ""
    if not scheduler and backend in ("local", "dask") and workers > available_cores():
        limit, why = available_cores(), "the machine's cores"
    if limit > max(1, runs):
        limit, why = max(1, runs), "the number of runs"
    if limit < workers:
        notes.append(f"--workers {workers} capped at {limit} ({why})")
    return limit


def execute(plan: Plan, workers: int = 1, backend: str = "local", scheduler: str | None = None,
            progress: bool = False, model: Callable[..., Any] | None = None,
            executor: Executor | None = None) -> BatchResult:
    """Run a validated plan: lock and create the store, run what is missing, return the result.

    ``model`` replaces :class:`~cio_sim.model.CIOModel` (any picklable callable
    ``model(scenario, seed=...)`` whose result has ``run()``, ``summary()`` and
    ``timeseries()``): the explorations' pattern measures, tests and benchmarks.
    ``executor``: an executor already entered (an exploration runs its stages on one),
    used instead of starting one for ``backend``.
    """
    _check_counts(plan.replications, plan.seed, workers, backend)
    if scheduler and backend != "dask":
        raise BatchError("a scheduler address needs backend='dask'")
    notes = list(plan.notes)
    workers = _cap_workers(workers, backend, scheduler, plan.total, notes)
    try:
        if executor is None:
            executor = get_executor(backend)(workers, scheduler)
            context: Any = executor
        else:
            context = contextlib.nullcontext()
        with context:  # connect before anything is written
            if plan.out is None:
                result = _execute(plan, None, executor, backend, progress, model, notes)
            else:
                with WriterLock(plan.out, plan.command):
                    result = _execute(plan, plan.out, executor, backend, progress, model,
                                      notes)
    except StoreWriteError:
        raise  # stopped midway (disk full): not a usage error
    except (ExecutorError, StoreError) as exc:
        raise BatchError(str(exc)) from None
    result.notes = notes
    return result


def _open_for_resume(out: Path, old: Mapping[str, Any], notes: list[str]) -> None:
    """Check the stored database before adding to it: every page readable and no runs lost
    (fewer rows than the manifest recorded). A damaged store is never written to."""
    db = out / DB_NAME
    recorded = old.get("runs_stored")
    if not db.exists():
        if isinstance(recorded, int) and recorded > 0:
            notes.append(f"{db} was missing (the manifest recorded {recorded} runs): every "
                         "run is computed again")
        return
    probe = ResultStore(db, readonly=True, idle=True)
    try:
        probe.check()
        probe.verify()  # every row as a reader reads it: a resume never adds to damage
        problem = same_batch_problem(old, probe.read_meta())
        if problem is not None:  # never complete one batch with another's runs
            raise probe.damaged(problem)
        stored = probe.count()
    finally:
        probe.close()
    if isinstance(recorded, int) and stored < recorded:
        raise StoreError(damaged_message(db, f"holds {stored} runs, the manifest recorded "
                                             f"{recorded}"))


def _start_folder(plan: Plan, out: Path, manifest: dict[str, Any],
                  notes: list[str]) -> tuple[ResultStore, int]:
    """Under the writer lock: check the folder again, write the manifest (status running)
    and open the database. Returns the store and the replications of the stored batch."""
    _check_folder(out, plan.kind, plan.cells, plan.labels, plan.digest, plan.seed,
                  plan.resume, plan.force, plan.weekly, notes)
    old_reps = plan.replications
    try:
        if plan.force:
            clear_results(out)
        if plan.resume and holds_results(out):
            old = read_manifest(out)
            _open_for_resume(out, old, notes)
            old_reps = old.get("replications", 0)
            manifest["created"] = old.get("created", manifest["created"])
            manifest["replications"] = max(plan.replications, old_reps)
            manifest["seeds"] = _seed_list(plan.seed, manifest["replications"])
            manifest["runs_expected"] = len(plan.cells) * manifest["replications"]
            manifest["resumed"] = [*old.get("resumed", []), _now()]
        if not plan.resume or not (out / DB_NAME).exists():
            write_manifest(out, manifest)  # first: a folder with a database has a manifest
        store = ResultStore(out / DB_NAME)
        manifest["runs_stored"] = store.count()
        store.write_meta(manifest)
        write_manifest(out, manifest)
    except OSError as exc:
        raise write_error(out, exc) from None
    return store, old_reps


def _record_stop(out: Path | None, store: ResultStore, manifest: dict[str, Any],
                 exc: BaseException) -> None:
    """After an interruption: the manifest says incomplete, with the runs stored and why.
    Best effort (the disk may be full); readers derive the status from the rows anyway."""
    if out is None:
        return
    with contextlib.suppress(Exception):
        manifest["runs_stored"] = store.count()
        manifest["status"] = "incomplete"
        manifest["stopped"] = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        manifest["updated"] = _now()
        write_manifest(out, manifest)


def _execute(plan: Plan, out: Path | None, executor: Executor, backend: str, progress: bool,
             model: Callable[..., Any] | None, notes: list[str]) -> BatchResult:
    manifest = _manifest(plan, executor.workers, backend)
    old_reps = plan.replications
    if out is not None:
        store, old_reps = _start_folder(plan, out, manifest, notes)
    else:
        store = ResultStore(None)
    done = store.done_keys() if plan.resume else set()
    todo = sum(1 for c in plan.cells for r in range(plan.replications)
               if (c.scenario_index, c.point, r) not in done) if done else plan.total
    tasks = _tasks(plan, done, _task_size(todo, executor.slots), model)
    bar = _progress_bar(todo, plan.name, progress)
    rows: list[Row] = []
    weekly: list[tuple[int, int, int, bytes]] = []

    def flush() -> None:
        if rows:
            store.add_rows(rows, weekly)
            rows.clear()
            weekly.clear()

    last = time.monotonic()
    outputs = executor.map_unordered(run_task, tasks)
    try:
        for block_rows, block_weekly in outputs:
            rows.extend(block_rows)
            weekly.extend(block_weekly)
            if len(rows) >= BLOCK_RUNS or time.monotonic() - last >= BLOCK_SECONDS:
                flush()
                last = time.monotonic()
            if bar is not None:
                bar.update(len(block_rows))
        flush()
    except BaseException as exc:
        # whole runs received before an interruption are kept (not after a failed write)
        if not isinstance(exc, StoreError):
            with contextlib.suppress(StoreError):
                flush()
        _record_stop(out, store, manifest, exc)
        if isinstance(exc, KeyboardInterrupt) and out is not None:
            with contextlib.suppress(Exception):  # what the one-line message says is kept
                exc.stored = (out, store.count())  # type: ignore[attr-defined]
        raise
    finally:
        if bar is not None:
            bar.close()
        if hasattr(outputs, "close"):
            outputs.close()
    manifest["runs_stored"] = store.count()
    manifest["status"] = derive_status(manifest, manifest["runs_stored"], False)
    manifest["updated"] = _now()
    if out is not None:
        store.write_meta(manifest)
        try:
            write_manifest(out, manifest)
        except OSError as exc:
            raise write_error(out, exc, manifest["runs_stored"]) from None
    _resume_notes(plan, out, todo, old_reps, manifest, notes)
    return BatchResult(store, manifest, out)


def _resume_notes(plan: Plan, out: Path | None, todo: int, old_reps: int,
                  manifest: Mapping[str, Any], notes: list[str]) -> None:
    """Say what a resume did, above all when it asked for fewer replications than stored."""
    if not plan.resume:
        return
    stored = manifest["runs_stored"]
    if old_reps > plan.replications:
        ran = (f"ran the {todo} missing among them" if todo else
               "they were already stored, so nothing was run")
        rest = ("" if manifest["status"] == "complete" else
                f" (the batch of {old_reps} is still incomplete: {stored} of "
                f"{manifest['runs_expected']} runs)")
        notes.append(f"--resume asked for {plan.replications} replications of a batch of "
                     f"{old_reps}: {ran}; all {stored} stored runs are kept and summarised"
                     f"{rest}")
    elif todo == 0:
        notes.append(f"nothing to do: all {plan.total} runs were already stored in {out}")


class _ProgressLines:
    """Progress as plain lines on stderr, for logs and pipes (no terminal to redraw a bar):
    one line at every tenth of the runs, and at least every minute."""

    def __init__(self, total: int, name: str, every_seconds: float = 60.0):
        self.total, self.name, self.every = total, name, every_seconds
        self.done, self.start = 0, time.monotonic()
        self.last, self.next_tenth = self.start, 1

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if tenth >= self.next_tenth or now - self.last >= self.every:
            self.next_tenth = tenth + 1
            self.last = now
            sys.stderr.write(f"{self.name}: {self.done}/{self.total} runs "
                             f"({self.done / self.total:.0%}), {now - self.start:.0f} s\n")
            sys.stderr.flush()

    def close(self) -> None:
        pass


def _progress_bar(total: int, name: str, progress: bool) -> Any:
    """A tqdm bar on a terminal, plain progress lines otherwise; None without progress."""
    if not progress or total == 0:
        return None
    if not sys.stderr.isatty():
        return _ProgressLines(total, name)
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="run", file=sys.stderr, dynamic_ncols=True,
                leave=False)


def first_error(result: BatchResult) -> str | None:
    """When every stored run failed: a line naming the first failed run and its error."""
    runs = result.runs
    if len(runs) == 0 or runs["error"].isna().any():
        return None
    first = runs.iloc[0]
    return (f"every run failed ({len(runs)}); first ({first['scenario']}, replication "
            f"{first['replication']}): {first['error']}")


# ---------------------------------------------------------------------------- public API

def run_batch(scenario: str | Path | Scenario, replications: int = 30, seed: int = 1,
              workers: int = 1, backend: str = "local", scheduler: str | None = None,
              out: str | Path | None = None, resume: bool = False,
              overrides: Mapping[str, Any] | Iterable[str] | None = None,
              progress: bool = False, force: bool = False,
              command: str | None = None, weekly: bool = True) -> BatchResult:
    """Run ``replications`` runs of one scenario and return their results.

    Run ``i`` uses ``SeedSequence(seed).spawn(replications)[i]`` on every backend, so
    serial, ``workers=W`` processes and ``backend="dask"`` give identical tables. With
    ``out`` the runs stream into ``out/results.sqlite`` (``resume=True`` finishes an
    interrupted batch; ``force=True`` replaces stored results). ``weekly=False`` keeps
    only the summary of each run.
    """
    sc = _as_scenario(scenario, overrides)
    plan = plan_batch("run", sc.name, [Cell(0, 0, sc)], [sc.name], replications, seed,
                      workers, backend, out, resume, force, command=command, weekly=weekly)
    return execute(plan, workers, backend, scheduler, progress)


def plan_compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30,
                 seed: int = 1, workers: int = 1, backend: str = "local",
                 out: str | Path | None = None, resume: bool = False, force: bool = False,
                 command: str | None = None, weekly: bool = True) -> Plan:
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
                      out, resume, force, command=command, weekly=weekly)


def compare(scenarios: Sequence[str | Path | Scenario], replications: int = 30, seed: int = 1,
            workers: int = 1, backend: str = "local", scheduler: str | None = None,
            out: str | Path | None = None, resume: bool = False, progress: bool = False,
            force: bool = False, command: str | None = None,
            weekly: bool = True) -> BatchResult:
    """Run several scenarios with the same seeds (common random numbers).

    The result holds every run (the ``scenario`` column tells them apart);
    ``result.comparison_table()`` gives mean and 95% CI per metric and scenario (numbers),
    ``result.summary_table()`` the same in long form.
    """
    plan = plan_compare(scenarios, replications, seed, workers, backend, out, resume, force,
                        command, weekly)
    return execute(plan, workers, backend, scheduler, progress)


def plan_sweep(experiment: str | Path | Experiment, out: str | Path | None = None,
               resume: bool = False, workers: int = 1, backend: str = "local",
               replications: int | None = None, seed: int | None = None, force: bool = False,
               command: str | None = None, weekly: bool = False) -> Plan:
    """Validate a sweep (see :func:`run_sweep`)."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    cells = [Cell(0, i, exp.scenario.with_overrides(pt, source=exp.source), dict(pt))
             for i, pt in enumerate(exp.points)]
    extra = {"experiment": {"name": exp.name, "description": exp.description,
                            "source": exp.source, "base_digest": exp.scenario.digest(),
                            **exp.design}}
    return plan_batch("sweep", exp.name, cells, [exp.scenario.name],
                      replications or exp.replications, exp.seed if seed is None else seed,
                      workers, backend, out, resume, force, extra, command, weekly)


def run_sweep(experiment: str | Path | Experiment, out: str | Path | None = None,
              resume: bool = False, workers: int = 1, backend: str = "local",
              scheduler: str | None = None, progress: bool = False,
              replications: int | None = None, seed: int | None = None,
              force: bool = False, command: str | None = None,
              weekly: bool = False) -> BatchResult:
    """Run every design point of an experiment file with common random numbers.

    ``runs`` gets a ``point`` column and one column per swept parameter (dotted key).
    Summary only by default; ``weekly=True`` keeps each run's weekly table too.
    """
    plan = plan_sweep(experiment, out, resume, workers, backend, replications, seed, force,
                      command, weekly)
    return execute(plan, workers, backend, scheduler, progress)


__all__ = ["BLOCK_RUNS", "BLOCK_SECONDS", "BatchError", "BatchResult", "Block", "Cell", "Plan",
           "Task", "backends", "compare", "execute", "first_error", "plan_batch",
           "plan_compare", "plan_sweep", "run_batch", "run_sweep", "run_task"]
