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

import importlib
from typing import Any

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
