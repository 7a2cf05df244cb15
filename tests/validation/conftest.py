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
import pickle

import pandas as pd
import pytest
from filelock import FileLock

from .figures import run_variants

N_REPS = 30
SEEDS = tuple(range(N_REPS))


def _run_all() -> dict[str, pd.DataFrame]:
    return run_variants(SEEDS, workers=1 if os.environ.get("CIO_SIM_VALIDATION_SERIAL") else 2)


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """Variant name -> DataFrame with one row of measures per seed (sorted by seed).

    Under pytest-xdist the first worker that needs them runs them and leaves them in the
    session's temporary folder, which all workers share; the others wait for it and read them
    (pytest-xdist's recipe for a session fixture that runs once).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run_all()
    path = tmp_path_factory.getbasetemp().parent / "validation-runs.pickle"
    with FileLock(f"{path}.lock"):
        if path.is_file():
            return pickle.loads(path.read_bytes())
        result = _run_all()
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(result))
        partial.replace(path)
    return result
