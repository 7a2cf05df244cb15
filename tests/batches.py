"""A small batch result for figure and report tests, built by running CIOModel in a loop
(the runner's columns, without the runner, so these tests fail only for their own module)."""

from __future__ import annotations

import types

import pandas as pd

import cio_sim


def stand_in_batch(scenarios=("consensus_2021", "doorzettingsmacht_2026"),
                   replications: int = 3, horizon: int = 104, seed: int = 1,
                   manifest: dict | None = None) -> types.SimpleNamespace:
    """A batch result with `.runs`, `.timeseries` and `.manifest` as the runner makes them."""
    runs, series = [], []
    for name in scenarios:
        for r in range(replications):
            model = cio_sim.CIOModel(name, seed=seed + r,
                                     overrides={"horizon_weeks": horizon}).run()
            runs.append({"scenario": name, "replication": r, "seed": f"{seed}:{r}",
                         **model.summary(), "error": None})
            ts = model.timeseries()
            ts.insert(0, "replication", r)
            ts.insert(0, "scenario", name)
            series.append(ts)
    return types.SimpleNamespace(runs=pd.DataFrame(runs),
                                 timeseries=pd.concat(series, ignore_index=True),
                                 manifest=manifest if manifest is not None
                                 else {"seed": seed, "replications": replications})
