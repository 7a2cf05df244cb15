"""Batches of runs: seeds, designs, backends, planning and running, the results store.

Modules, one idea each: :mod:`.seeds` (a SeedSequence per run), :mod:`.designs` (grid, Latin
hypercube, Sobol, Morris; one integer rule), :mod:`.executors` (serial, local processes,
Dask behind one protocol, a registry for new backends), :mod:`.runner` (plan, resume, run),
:mod:`.store` (SQLite results, manifest, writer lock), :mod:`.repair` (damaged results folders)
and :mod:`.experiments` (sweep files).
"""

from .executors import EXECUTORS, Executor, ExecutorError, get_executor, register_executor
from .experiments import Experiment, load_experiment
from .repair import Repair, repair_store
from .runner import (
    BatchError,
    Cell,
    Plan,
    backends,
    compare,
    execute,
    plan_batch,
    plan_compare,
    plan_sweep,
    run_batch,
    run_sweep,
)
from .seeds import parse_seed_id, run_seed, seed_id
from .store import BatchResult, StoreError, StoreWriteError, load_results

__all__ = ["EXECUTORS", "BatchError", "BatchResult", "Cell", "Executor", "ExecutorError",
           "Experiment", "Plan", "Repair", "StoreError", "StoreWriteError", "backends",
           "compare", "execute", "get_executor", "load_experiment", "load_results",
           "parse_seed_id", "plan_batch", "plan_compare", "plan_sweep", "register_executor",
           "repair_store", "run_batch", "run_seed", "run_sweep", "seed_id"]
