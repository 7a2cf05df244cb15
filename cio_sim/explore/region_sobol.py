"""Sobol indices on the calibrated region: which assumptions the gaps between regimes depend
on where the model reproduces the emergent facts.

The region is approximated by a box: each varied parameter over the 5-95% range of its
values in the plausible ensemble, every other parameter at the ensemble's median (integers
rounded), so the indices are about the calibrated spread, not the prior's. The varied
parameters are the experiment's ``include`` list (regime levers and the decisive unsourced
assumptions) filled up to ``parameters`` with the screening's most influential ones. Saltelli
design and SALib's estimator with bootstrap intervals (indices.py), every regime on the same
seeds at every point.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .settings import table
from .stages import RunStage, Stage


@dataclass
class RegionSobol:
    """``[sobol_calibrated]`` in an experiment file."""

    include: tuple[str, ...] = ()
    parameters: int = 10
    base_samples: int = 64
    replications: int = 2
    resamples: int = 200


def parse_region_sobol(data: Any, space: Any, where: str = "sobol_calibrated") -> RegionSobol:
    """Validate the table; ValueError naming the key and what is allowed."""
    out = table(where, data, RegionSobol)
    if not (isinstance(out.include, tuple) and all(isinstance(v, str) for v in out.include)):
        raise ValueError(f"{where}.include: expected a list of parameter keys")
    for k in out.include:
        if k not in space.keys:
            raise ValueError(f"{where}.include: {k}: not among the explored parameters")
    out.include = tuple(dict.fromkeys(out.include))
    if len(out.include) > out.parameters:
        raise ValueError(f"{where}.parameters: {out.parameters} is fewer than the "
                         f"{len(out.include)} parameters of include")
    return out


def region(space: Any, plausible: pd.DataFrame, keys: Sequence[str]
           ) -> tuple[Any, dict[str, float | int], list[str]]:
    """The box of ``keys`` over the plausible sets' 5-95% ranges (a subspace), the fixed
    values of the others (medians), and the keys left out because the ensemble holds them
    at one value."""
    from . import space as space_mod

    fixed: dict[str, float | int] = {}
    for i, k in enumerate(space.keys):
        med = float(np.median(plausible[k].to_numpy(dtype=float)))
        fixed[k] = round(med) if space.integer[i] else med
    bounds: dict[str, tuple[float, float]] = {}
    pinned = []
    for k in keys:
        i = space.keys.index(k)
        v = plausible[k].to_numpy(dtype=float)
        lo, hi = np.quantile(v, [0.05, 0.95])
        if space.integer[i]:
            lo, hi = math.floor(lo), math.ceil(hi)
            if lo == hi:
                lo, hi = math.floor(v.min()), math.ceil(v.max())
        if not hi > lo:
            pinned.append(k)
            continue
        bounds[k] = (int(lo), int(hi)) if space.integer[i] else (float(lo), float(hi))
    # Points that break a share rule are refused by the schema and recorded as errors.
    with contextlib.suppress(space_mod.RangeError):
        space_mod._respect_rules(bounds, set())
    kept = [k for k in keys if k in bounds]
    sub = space_mod.Space(tuple(kept), tuple(bounds[k] for k in kept),
                          tuple(space.integer[space.keys.index(k)] for k in kept),
                          tuple(space.defaults[space.keys.index(k)] for k in kept))
    return sub, fixed, pinned


def run_region_sobol(cfg: RegionSobol, space: Any, plausible: pd.DataFrame,
                     ranked: Sequence[str], run_stage: RunStage,
                     outcomes: Callable[[dict[int, dict[str, Any]], int], pd.DataFrame],
                     seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sobol indices of the regimes' metrics and gaps over the calibrated region. ``ranked``:
    the parameters by the screening's influence. Returns the indices and the region table."""
    from . import indices

    keys = list(cfg.include)
    for k in ranked:
        if len(keys) >= cfg.parameters:
            break
        if k not in keys:
            keys.append(k)
    sub, fixed, pinned = region(space, plausible, keys)
    rows = [{"parameter": k, "low": sub.bounds[sub.keys.index(k)][0] if k in sub.keys
             else math.nan, "high": sub.bounds[sub.keys.index(k)][1] if k in sub.keys
             else math.nan, "varied": k in sub.keys, "forced": k in cfg.include,
             "median": fixed[k]} for k in keys]
    table = pd.DataFrame(rows)
    if sub.dim < 2:
        return pd.DataFrame(), table
    x = indices.sobol_design(sub.problem(), cfg.base_samples, seed)
    blob = json.dumps([asdict(cfg), list(sub.keys), [list(b) for b in sub.bounds], fixed],
                      sort_keys=True, default=str)
    stage = f"sobol_calibrated@{hashlib.sha256(blob.encode()).hexdigest()[:8]}"
    got = run_stage(Stage(stage, [{**fixed, **sub.values(u)} for u in x], cfg.replications))
    out = outcomes(got, len(x))
    sob = indices.sobol_indices(sub.problem(), out, cfg.resamples, seed)
    if pinned:
        table.attrs["pinned"] = pinned
    return sob, table
