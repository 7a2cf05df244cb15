"""Batch running: execute a plan (resume what is stored, run what is missing) on any backend.

Run ``i`` of every scenario or design point gets ``SeedSequence(seed, spawn_key=(i,))``
(:mod:`cio_sim.batch.seeds`), so serial, local processes and Dask give identical tables.
Workers run a task of several runs, replication by replication (the scenarios of a
replication share their arrivals, drawn once), and return ready-to-store rows (and, when weekly
tables are kept, each run's table compressed); the client writes them in blocks of whole runs,
one transaction each, so an interrupted batch resumes exactly and the client's cost per run
stays small. Planning (validation, digest, manifest) is :mod:`cio_sim.batch.plan`; its names
are re-exported here.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..arrivals import SharedArrivals
from ..heap import collected_once, release
from ..matched import OUTCOMES, kader_record
from ..model import CIOModel
from ..plugins import active as active_plugins
from ..plugins import ensure as ensure_plugins
from ..scenario import Scenario
from .codec import encode_columns
from .executors import EXECUTORS, Executor, ExecutorError, available_cores, get_executor
from .experiments import Experiment
from .plan import (
    SEED_LIST_LIMIT,
    BatchError,
    Cell,
    Plan,
    _as_scenario,
    _check_counts,
    _check_folder,
    _manifest,
    _now,
    _seed_list,
    plan_batch,
    plan_compare,
    plan_sweep,
)
from .progress import progress_bar
from .seeds import run_seed, seed_id
from .store import (
    DB_NAME,
    BatchResult,
    ResultStore,
    Row,
    StoreError,
    StoreWriteError,
    WriterLock,
    clear_results,
    damaged_message,
    derive_status,
    encode_frame,
    holds_results,
    read_manifest,
    run_row,
    same_batch_problem,
    write_error,
    write_manifest,
)

#: A block of runs is written when it holds this many runs or is this old, whichever first.
BLOCK_RUNS = 2000
BLOCK_SECONDS = 0.25
#: At most this many runs per task (more amortises the cost of a task).
MAX_TASK_RUNS = 50


def backends() -> tuple[str, ...]:
    """Names of the registered backends."""
    return tuple(EXECUTORS)


# ---------------------------------------------------------------------------- work

@dataclass(frozen=True)
class TaskCell:
    """A cell of a task: the scenario (or design point) and how its runs are stored."""

    scenario: Scenario
    key: tuple[int, int]  # (scenario_index, point)
    label: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Task:
    """Several runs of a plan: one unit of work for a backend.

    ``runs`` are (index into ``cells``, replication), replication by replication, so that
    the cells of one replication run one after the other in one worker and draw their
    common arrivals once (:class:`~cio_sim.arrivals.SharedArrivals`)."""

    cells: tuple[TaskCell, ...]
    runs: tuple[tuple[int, int], ...]
    seed: int
    weekly: bool
    model: Callable[..., Any] | None = None
    #: Plugin modules the worker imports before the first run (cio_sim.plugins).
    plugins: tuple[str, ...] = ()
    #: Keep each run's kader outcomes (:func:`cio_sim.matched.kader_record`) with its summary:
    #: what compare's compliance over matched kaders pairs (comparisons only).
    kaders: bool = False


#: What a task returns: the runs' rows and, when kept, their encoded weekly tables.
Block = tuple[list[Row], list[tuple[int, int, int, bytes]]]


def run_task(task: Task) -> Block:
    """Run a task's runs; an exception becomes that run's error text."""
    if task.plugins:
        ensure_plugins(task.plugins)
    rows: list[Row] = []
    weekly: list[tuple[int, int, int, bytes]] = []
    shared, current = SharedArrivals(), None
    for index, rep in task.runs:
        if rep != current:                  # a new replication: new arrivals
            shared, current = SharedArrivals(), rep
        make = task.model or functools.partial(CIOModel, shared_arrivals=shared)
        with collected_once():              # the finished run is reclaimed in one pass
            _run_one(task, task.cells[index], make, rep, rows, weekly)
    return rows, weekly


def _run_one(task: Task, cell: TaskCell, make: Callable[..., Any], rep: int, rows: list[Row],
             weekly: list[tuple[int, int, int, bytes]]) -> None:
    """One replication of a cell: its row (and weekly table) appended."""
    key = (*cell.key, rep)
    sid = seed_id(task.seed, rep)
    model = None
    try:
        model = make(cell.scenario, seed=run_seed(task.seed, rep))
        model.run()
        summary = model.summary()
        if task.kaders and hasattr(model, "ledger"):   # a model class of a plugin may lack it
            summary = {**summary, OUTCOMES: kader_record(model)}
        blob = _weekly_blob(model) if task.weekly else None
    except Exception as exc:  # recorded, the batch goes on
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        rows.append(run_row(key, cell.label, sid, cell.params, None, text))
    else:
        rows.append(run_row(key, cell.label, sid, cell.params, summary, None))
        if blob is not None:
            weekly.append((*key, blob))
    finally:
        release(model)
        if isinstance(model, CIOModel):     # freed at once (a plugin's model: by the collector)
            model.dismantle()


def _weekly_blob(model: Any) -> bytes:
    """A finished run's encoded weekly table; from its columns when the model offers them
    (:meth:`CIOModel.timeseries_columns`, the same bytes without building the DataFrame)."""
    columns = getattr(model, "timeseries_columns", None)
    if columns is None:                     # a model class of a plugin may lack it
        return encode_frame(model.timeseries())
    data = columns()
    return encode_columns(len(next(iter(data.values()))), data)


def _task_size(todo: int, slots: int) -> int:
    if slots <= 1:
        return 1
    return max(1, min(MAX_TASK_RUNS, math.ceil(todo / (slots * 4))))


def _tasks(plan: Plan, done: set[tuple[int, int, int]], size: int,
           model: Callable[..., Any] | None) -> Iterator[Task]:
    """The missing runs as tasks of up to ``size`` runs, replication by replication (every
    cell's run of a replication, then the next replication), generated lazily."""
    plugins = active_plugins()
    # No more runs than one cell's replications, as when a task held one cell: the number of
    # tasks, and so how they spread over the workers and where an interruption stops, stays.
    size = min(size, max(1, plan.replications))
    cells = [TaskCell(cell.scenario, (cell.scenario_index, cell.point),
                      plan.labels[cell.scenario_index],
                      cell.params if plan.kind == "sweep" else {}) for cell in plan.cells]
    group: list[tuple[int, int]] = []

    def task() -> Task:
        used = sorted({index for index, _ in group})
        where = {index: k for k, index in enumerate(used)}
        return Task(tuple(cells[i] for i in used),
                    tuple((where[index], rep) for index, rep in group), plan.seed,
                    plan.weekly, model, plugins, plan.kind == "compare")

    for rep in range(plan.replications):
        for index, cell in enumerate(cells):
            if (*cell.key, rep) in done:
                continue
            group.append((index, rep))
            if len(group) == size:
                yield task()
                group = []
    if group:
        yield task()


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
    bar = progress_bar(todo, plan.name, progress)
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


__all__ = ["BLOCK_RUNS", "BLOCK_SECONDS", "SEED_LIST_LIMIT", "BatchError", "BatchResult",
           "Block", "Cell", "Plan", "Task", "TaskCell", "backends", "compare", "execute",
           "first_error", "plan_batch", "plan_compare", "plan_sweep", "run_batch", "run_sweep",
           "run_task"]
