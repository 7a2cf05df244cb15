"""Replications shared by the stylized-fact tests (pattern-oriented validation).

Every variant (the 2021 regime and its one-factor contrasts, :data:`cio_sim.patterns.VARIANTS`)
runs the same seeds 0..N_REPS-1 (common random numbers: the arrival stream is drawn from its
own generator, so two variants of a seed see the same proposals). Each run is reduced to one
row of pattern measures right away (:func:`cio_sim.patterns.measures`), so the session keeps a
few small DataFrames instead of models. The runner is shared with ``figures.py``, which prints
the figures of docs/validation.md from the same runs.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from .figures import run_variants

N_REPS = 30
SEEDS = tuple(range(N_REPS))


@pytest.fixture(scope="session")
def runs() -> dict[str, pd.DataFrame]:
    """Variant name -> DataFrame with one row of measures per seed (sorted by seed)."""
    return run_variants(SEEDS, workers=1 if os.environ.get("CIO_SIM_VALIDATION_SERIAL") else 2)
