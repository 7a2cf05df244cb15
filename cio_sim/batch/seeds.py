"""Seeds of a batch: run ``i`` gets ``SeedSequence(seed).spawn(n)[i]`` on every backend.

Built directly as ``SeedSequence(seed, spawn_key=(i,))``, so a run's seed does not depend on
the number of runs, the backend or the order in which runs finish; every scenario or design
point of a batch uses the same seeds (common random numbers).
"""

from __future__ import annotations

import numpy as np

SEED_NOTE = ("run i of every scenario/point uses SeedSequence(seed, spawn_key=(i,)) "
             "= SeedSequence(seed).spawn(replications)[i]")


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


__all__ = ["SEED_NOTE", "parse_seed_id", "run_seed", "seed_id"]
