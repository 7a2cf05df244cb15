"""cio-sim: an agent-based simulation of the Dutch central government's CIO-stelsel.

Quick use::

    import cio_sim
    sc = cio_sim.load_scenario("consensus_2021")
    model = cio_sim.CIOModel(sc, seed=7).run()
    model.summary()
"""

import importlib
from typing import Any

from .params import SCHEMA, Param
from .scenario import Scenario, ScenarioError, bundled_names, from_dict, load_scenario

__version__ = "0.1.0"

__all__ = [
    "SCHEMA",
    "CIOModel",
    "Param",
    "Scenario",
    "ScenarioError",
    "__version__",
    "bundled_names",
    "from_dict",
    "load_scenario",
]

__all__ += ["BatchResult", "compare", "load_results", "run_batch", "run_sweep"]

# Imported on first use: the model needs Mesa and the batch package pandas, which take
# about a second to import; `cio-sim --help` and the scenario tools need neither.
_LAZY = {"CIOModel": ".model", "BatchResult": ".batch", "compare": ".batch",
         "load_results": ".batch", "run_batch": ".batch", "run_sweep": ".batch"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
