"""Break-even values of the decisive unsourced assumptions, over the calibrated ensemble.

For each named assumption, the first ``sets`` plausible parameter sets of the calibrated
ensemble (a random subsample: the ensemble is in random order) are rerun with that one
assumption moved over a grid of its swept range, the other assumptions as in each set (so at
their calibrated spread), every regime on the same seeds at every grid value. Per pair of
regimes and metric, the lead of one regime over the other (in the metric's better direction)
is averaged over the sets at each grid value; the break-even value is where that mean lead
crosses zero, scanning from the default down and up (linear interpolation between grid
values), with a 95% interval from resampling the sets (bootstrap). Stated plainly, e.g.
"doorzettingsmacht_2026's lead over consensus_2021 on compliance_actual vanishes below
compliance.enforcement = 0.31 [0.27, 0.36]".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..schema import Param
from .settings import names, param_range, table
from .stages import RunStage, Stage


@dataclass
class BreakEven:
    """Which assumptions to sweep and how (``[breakeven]`` in an experiment file)."""

    parameters: tuple[str, ...] = ()
    sets: int = 40             # plausible sets swept (the first of the ensemble's order)
    grid: int = 9              # values over the swept range (integers: whole values only)
    replications: int = 4      # seeds per set and value (common to every value and regime)
    resamples: int = 500       # bootstrap resamples of the sets for the interval
    #: Swept range per parameter (default: its explored range).
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    def tag(self, extra: Any = None) -> str:
        """A short hash of the sweep's settings (and ``extra``: the chosen sets), naming its
        stages, so a changed sweep never reuses another sweep's stored runs."""
        blob = json.dumps([asdict(self), extra], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:8]


def parse_breakeven(data: Any, space: Any, where: str = "breakeven") -> BreakEven:
    """Validate a ``[breakeven]`` table against the explored space; raises ValueError with
    the key and what is allowed (explore/settings.py)."""
    out = table(where, data, BreakEven, sets=Param(40, "", "", low=2),
                grid=Param(9, "", "", low=3), resamples=Param(500, "", "", low=10))
    params = names(f"{where}.parameters", out.parameters, out.parameters,
                   "distinct explored parameter keys")
    for key in params:
        if key not in space.keys:
            raise ValueError(f"{where}.parameters: {key}: not among the explored parameters")
    if not isinstance(out.ranges, Mapping):
        raise ValueError(f"{where}.ranges: expected a table of [low, high] per parameter")
    for key, value in out.ranges.items():
        if key not in params:
            raise ValueError(f"{where}.ranges.{key}: not among breakeven.parameters")
        param_range(f"{where}.ranges.{key}", key, value, around_default=False)
        out.ranges[key] = (value[0], value[1])
    return out


def grid(low: float, high: float, points: int, integer: bool) -> list[float]:
    """``points`` values spread over [low, high]; an integer takes whole values only (every
    whole value when the range holds at most ``2 * points`` of them)."""
    if integer:
        lo, hi = int(low), int(high)
        if hi - lo + 1 <= 2 * points:
            return [float(v) for v in range(lo, hi + 1)]
        return sorted({float(round(v)) for v in np.linspace(lo, hi, points)})
    return [float(v) for v in np.linspace(low, high, points)]


def run_breakeven(be: BreakEven, space: Any, sets: pd.DataFrame, regimes: Sequence[str],
                  metrics: Sequence[str], directions: Mapping[str, int], run_stage: RunStage,
                  seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sweep each parameter at the first ``be.sets`` of the plausible ``sets`` (rows of
    parameter values). Returns the sweep table (mean lead and share of sets led per value)
    and the break-even table."""
    chosen = sets.head(be.sets).reset_index(drop=True)
    sweep_rows, rows = [], []
    for key in be.parameters:
        j = space.keys.index(key)
        low, high = be.ranges.get(key, space.bounds[j])
        values = grid(low, high, be.grid, space.integer[j])
        stage = f"breakeven@{be.tag(chosen.to_dict('list'))}:{key}"
        points = []
        for s in range(len(chosen)):
            base = {k: _plain(chosen.at[s, k], space.integer[i])
                    for i, k in enumerate(space.keys)}
            for v in values:
                point = {**base, key: int(v) if space.integer[j] else v}
                points.append(point)
        got = run_stage(Stage(stage, points, be.replications))
        default = float(space.defaults[j])
        for metric in metrics:
            sign = directions[metric]
            for a, b in itertools.combinations(regimes, 2):
                lead = np.full((len(chosen), len(values)), np.nan)
                for p in range(len(points)):
                    s, g = divmod(p, len(values))
                    ma, mb = got[p]["means"][a][metric], got[p]["means"][b][metric]
                    if ma is not None and mb is not None:
                        lead[s, g] = sign * (ma - mb)
                mean = _nanmean(lead)
                share = np.nanmean(lead > 0, axis=0) if len(chosen) else mean
                for v, m, sh in zip(values, mean, share, strict=True):
                    sweep_rows.append({"parameter": key, "value": v, "metric": metric,
                                       "a": a, "b": b, "mean_lead_a": m,
                                       "share_sets_a_leads": sh})
                rows.append({"parameter": key, "metric": metric, "a": a, "b": b,
                             "sets": len(chosen), "replications": be.replications,
                             "swept_low": values[0], "swept_high": values[-1],
                             "default": default,
                             **statement(key, values, lead, default, a, b, metric,
                                         be.resamples, seed)})
    return pd.DataFrame(sweep_rows), pd.DataFrame(rows)


def _plain(v: Any, integer: bool) -> float | int:
    return round(float(v)) if integer else float(v)


def _nanmean(x: np.ndarray) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(x, axis=0)


def crossing(values: Sequence[float], lead: np.ndarray, start: int, step: int
             ) -> float | None:
    """Walking from grid index ``start`` by ``step`` (-1 down, +1 up): the first value where
    the lead reaches zero or changes sign (linear interpolation), or None."""
    k = start
    while 0 <= k + step < len(values):
        g0, g1 = lead[k], lead[k + step]
        if math.isfinite(g0) and math.isfinite(g1):
            if g1 == 0:
                return float(values[k + step])
            if g0 * g1 < 0:
                return float(values[k] + (values[k + step] - values[k]) * g0 / (g0 - g1))
        k += step
    return None


def statement(key: str, values: Sequence[float], lead: np.ndarray, default: float, a: str,
              b: str, metric: str, resamples: int, seed: int) -> dict[str, Any]:
    """The break-even values below and above the default with bootstrap intervals, and the
    plain sentence. ``lead``: (sets, values) lead of ``a`` over ``b``."""
    mean = _nanmean(lead) if len(lead) else np.full(len(values), np.nan)
    start = int(np.argmin(np.abs(np.asarray(values) - default)))
    out: dict[str, Any] = {"lead_at_default": float(mean[start])}
    if not np.isfinite(mean[start]) or mean[start] == 0:
        out.update(leader="", below=math.nan, above=math.nan,
                   statement=f"{metric}: no lead at the default of {key} to follow")
        return out
    leader, trailer = (a, b) if mean[start] > 0 else (b, a)
    rng = np.random.default_rng([seed, 7103])
    parts = []
    for side, step in (("below", -1), ("above", 1)):
        x = crossing(values, mean, start, step)
        boot = []
        for _ in range(resamples):
            pick = rng.integers(0, len(lead), len(lead))
            c = crossing(values, _nanmean(lead[pick]), start, step)
            boot.append(math.nan if c is None else c)
        boot_arr = np.asarray(boot)
        found = np.isfinite(boot_arr)
        lo, hi = (np.quantile(boot_arr[found], [0.025, 0.975]) if found.any()
                  else (math.nan, math.nan))
        out.update({side: math.nan if x is None else x,
                    f"{side}_share_resamples": float(found.mean()),
                    f"{side}_low": float(lo), f"{side}_high": float(hi)})
        if x is not None:
            # Resamples without a crossing on this side put it beyond the swept range.
            edge = values[0] if step < 0 else values[-1]
            open_end = found.mean() < 0.975
            interval = (f"[{_fmt(lo)}, {_fmt(hi)}]" if not open_end else
                        (f"[beyond {_fmt(edge)}, {_fmt(hi)}]" if step < 0 else
                         f"[{_fmt(lo)}, beyond {_fmt(edge)}]"))
            parts.append(f"vanishes {side} {key} = {_fmt(x)} {interval}")
    out["leader"] = leader
    swept = f"[{_fmt(values[0])}, {_fmt(values[-1])}]"
    if parts:
        out["statement"] = (f"{leader}'s lead over {trailer} on {metric} "
                            f"({_fmt(abs(mean[start]))} at the default {_fmt(default)}) "
                            + " and ".join(parts))
    else:
        smallest = float(np.nanmin(np.abs(mean)))
        out["statement"] = (f"{leader} leads {trailer} on {metric} over the whole swept range "
                            f"{swept} of {key} (smallest mean lead {_fmt(smallest)})")
    return out


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3g}"
