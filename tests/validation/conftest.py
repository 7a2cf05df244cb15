"""Replications shared by the stylized-fact tests (pattern-oriented validation).

Every variant (the 2021 regime and its one-factor contrasts, :data:`cio_sim.patterns.VARIANTS`)
runs the same seeds 0..N_REPS-1 (common random numbers: the arrival stream is drawn from its
own generator, so two variants of a seed see the same proposals). Each run is reduced to one
row of pattern measures right away (:func:`cio_sim.patterns.measures`), so the session keeps a
few small DataFrames instead of models.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

import cio_sim
from cio_sim import patterns

N_REPS = 30
SEEDS = tuple(range(N_REPS))


def _run(args: tuple[str, cio_sim.Scenario, int]) -> dict[str, float]:
    variant, scenario, seed = args
    model = cio_sim.CIOModel(scenario, seed=seed).run()
    row = patterns.measures(model)
    row["variant"], row["seed"] = variant, seed
    return row


def _pool():
    if os.environ.get("CIO_SIM_VALIDATION_SERIAL") or "fork" not in \
            multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                               mp_context=multiprocessing.get_context("fork"))


@pytest.fixture(scope="session")
def runs() -> dict[str, pd.DataFrame]:
    """Variant name -> DataFrame with one row of measures per seed (sorted by seed)."""
    variants = patterns.variant_scenarios(cio_sim.load_scenario(patterns.BASE_SCENARIO))
    jobs = [(v, sc, s) for v, sc in variants.items() for s in SEEDS]
    pool = _pool()
    if pool is None:
        rows = [_run(j) for j in jobs]
    else:
        with pool:
            rows = list(pool.map(_run, jobs, chunksize=8))
    df = pd.DataFrame(rows)
    return {v: g.sort_values("seed").reset_index(drop=True) for v, g in df.groupby("variant")}
