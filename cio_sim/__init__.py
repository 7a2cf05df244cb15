"""cio-sim: an agent-based simulation of the Dutch central government's CIO-stelsel.

Quick use::

    import cio_sim
    sc = cio_sim.load_scenario("consensus_2021")
    model = cio_sim.CIOModel(sc, seed=7).run()
    model.summary()

The names below load their module on first use, so ``import cio_sim`` (and ``cio-sim --help``)
stays fast: Mesa, pandas and SciPy are imported only when a model or batch needs them.
"""

from __future__ import annotations

import os as _os
import sys as _sys


def _interrupted_at_start_up(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM before a command runs: one line, nothing stored."""
    _sys.stderr.write("cio-sim: interrupted; nothing was stored\n")
    _os._exit(130)


def _command_line() -> bool:
    """Whether this process is the command line's own (the console script, or ``python -m
    cio_sim.cli``), not a program that imports cio_sim. Read from the interpreter's own
    arguments: a worker that multiprocessing spawns re-imports the console script with the
    parent's ``sys.argv``, but its own arguments are ``-c ...``."""
    argv = list(getattr(_sys, "orig_argv", ()))
    if "-m" in argv:
        return argv[argv.index("-m") + 1:argv.index("-m") + 2] == ["cio_sim.cli"]
    return any(_os.path.basename(a) == "cio-sim" for a in argv[1:2])


# In the command line's own process an interrupt while the package and the command's modules
# load is one line, not a traceback from whatever import it hit (cio_sim.cli.entry.main
# takes over once the command runs).
if _command_line():
    import signal as _signal

    _signal.signal(_signal.SIGINT, _interrupted_at_start_up)
    _signal.signal(_signal.SIGTERM, _interrupted_at_start_up)

import importlib  # noqa: E402
from typing import Any  # noqa: E402

__version__ = "0.1.0"

_LAZY = {
    "CIOModel": ".model",
    "SCHEMA": ".params",
    "Param": ".params",
    "Scenario": ".scenario",
    "ScenarioError": ".scenario",
    "bundled_names": ".scenario",
    "from_dict": ".scenario",
    "load_scenario": ".scenario",
    "BatchResult": ".batch",
    "compare": ".robustness",
    "decompose": ".decompose",
    "load_results": ".batch",
    "matched_compliance": ".matched",
    "run_batch": ".batch",
    "run_sweep": ".batch",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cio_sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
