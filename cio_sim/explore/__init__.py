"""Which regime wins, and under which assumptions: Morris screening and Sobol indices of the
model's assumptions, pattern-oriented filtering (rejection ABC on the stylized facts), the
regime comparison over the accepted ensemble, and scenario discovery (PRIM).

Run it with ``cio-sim explore experiments/explore_ci.toml`` or::

    from cio_sim.explore import load_experiment, run_exploration
    result = run_exploration(load_experiment("experiments/explore_ci.toml"), out="results/x")
    result.tables["pairwise"]

Needs SALib (``pip install 'cio-sim[explore]'``).
"""

from .experiment import ExploreError, ExploreExperiment, experiment_from_dict, load_experiment
from .pipeline import Exploration, run_exploration

__all__ = ["Exploration", "ExploreError", "ExploreExperiment", "experiment_from_dict",
           "load_experiment", "run_exploration"]
