"""cio-sim: an agent-based simulation of the Dutch central government's CIO-stelsel.

Quick use::

    import cio_sim
    sc = cio_sim.load_scenario("consensus_2021")
    model = cio_sim.CIOModel(sc, seed=7).run()
    model.summary()
"""

from .model import CIOModel
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

from .batch import BatchResult, compare, load_results, run_batch, run_sweep

__all__ += ["BatchResult", "compare", "load_results", "run_batch", "run_sweep"]
