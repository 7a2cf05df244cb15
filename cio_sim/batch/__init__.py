"""Batches of runs: seeds, designs, backends, planning and running, the results store.

Modules, one idea each: :mod:`.seeds` (a SeedSequence per run), :mod:`.designs` (grid, Latin
hypercube, Sobol, Morris; one integer rule), :mod:`.executors` (serial, local processes,
Dask behind one protocol, a registry for new backends), :mod:`.runner` (plan, resume, run),
:mod:`.store` (the results store: messages, codec, manifest, lock, database, results,
export), :mod:`.repair` (damaged results folders)
and :mod:`.experiments` (sweep files).
"""

import importlib
from typing import Any

# Names and the module that defines them, imported on first use: the runner needs the model
# (Mesa) and the store pandas, which `cio-sim --help` does not (it only lists the backends).
_WHERE = {
    **dict.fromkeys(("EXECUTORS", "Executor", "ExecutorError", "get_executor",
                     "register_executor"), ".executors"),
    **dict.fromkeys(("Experiment", "load_experiment"), ".experiments"),
    **dict.fromkeys(("Repair", "repair_store"), ".repair"),
    **dict.fromkeys(("BatchError", "Cell", "Plan", "compare", "execute", "plan_batch",
                     "plan_compare", "plan_sweep", "run_batch", "run_sweep"), ".runner"),
    **dict.fromkeys(("parse_seed_id", "run_seed", "seed_id"), ".seeds"),
    **dict.fromkeys(("BatchResult", "StoreError", "StoreWriteError", "load_results"),
                    ".store"),
}


def backends() -> tuple[str, ...]:
    """Names of the registered backends (without importing the runner)."""
    from .executors import EXECUTORS
    return tuple(EXECUTORS)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXECUTORS", "BatchError", "BatchResult", "Cell", "Executor", "ExecutorError",
           "Experiment", "Plan", "Repair", "StoreError", "StoreWriteError", "backends",
           "compare", "execute", "get_executor", "load_experiment", "load_results",
           "parse_seed_id", "plan_batch", "plan_compare", "plan_sweep", "register_executor",
           "repair_store", "run_batch", "run_seed", "run_sweep", "seed_id"]
