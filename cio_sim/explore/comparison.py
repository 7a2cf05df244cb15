"""Regimes compared over an ensemble of parameter sets with common random numbers: per pair of
regimes and metric, how often one beats the other and the distribution of the paired
difference; and the regret table (the loss against the best regime at each point)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n (scipy's, exact 0 and 1 at the ends)."""
    if n == 0:
        return math.nan, math.nan
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def pairwise(outcomes: pd.DataFrame, regimes: Sequence[str], metrics: Sequence[str],
             directions: Mapping[str, int]) -> pd.DataFrame:
    """Per metric and pair (a, b): P(a better than b) over the points (ties count half),
    its Wilson 95% interval, and quantiles of the paired difference a - b."""
    rows = []
    for metric in metrics:
        sign = directions[metric]
        for a, b in itertools.combinations(regimes, 2):
            d = (outcomes[f"{a}:{metric}"] - outcomes[f"{b}:{metric}"]).to_numpy(dtype=float)
            d = d[np.isfinite(d)]
            n = int(d.size)
            better = int((sign * d > 0).sum())
            ties = int((d == 0).sum())
            p = (better + 0.5 * ties) / n if n else math.nan
            lo, hi = wilson(better + ties // 2, n)
            q = np.quantile(d, [0.05, 0.25, 0.5, 0.75, 0.95]) if n else [math.nan] * 5
            rows.append({"metric": metric, "better": "higher" if sign > 0 else "lower",
                         "a": a, "b": b, "n": n, "p_a_better": p, "p_low": lo, "p_high": hi,
                         "diff_q05": q[0], "diff_q25": q[1], "diff_median": q[2],
                         "diff_q75": q[3], "diff_q95": q[4],
                         "diff_mean": float(d.mean()) if n else math.nan})
    return pd.DataFrame(rows)


def regret(outcomes: pd.DataFrame, regimes: Sequence[str], metrics: Sequence[str],
           directions: Mapping[str, int]) -> pd.DataFrame:
    """Per metric and regime: the loss against the best regime at each point (in the metric's
    unit, >= 0), its maximum (worst case), 90th percentile and mean, and how often the regime
    is the best. The minimax-regret regime per metric has the smallest ``max_regret``."""
    rows = []
    for metric in metrics:
        sign = directions[metric]
        vals = pd.DataFrame({r: outcomes[f"{r}:{metric}"] for r in regimes}).astype(float)
        vals = vals.dropna()
        if vals.empty:
            continue
        best = (sign * vals).max(axis=1)
        loss = (best.to_numpy()[:, None] - (sign * vals).to_numpy())
        winner = (sign * vals).idxmax(axis=1)
        for j, r in enumerate(regimes):
            rows.append({"metric": metric, "better": "higher" if sign > 0 else "lower",
                         "regime": r, "n": len(vals), "max_regret": float(loss[:, j].max()),
                         "p90_regret": float(np.quantile(loss[:, j], 0.9)),
                         "mean_regret": float(loss[:, j].mean()),
                         "share_best": float((winner == r).mean())})
    df = pd.DataFrame(rows, columns=["metric", "better", "regime", "n", "max_regret",
                                     "p90_regret", "mean_regret", "share_best"])
    df["minimax"] = df.groupby("metric")["max_regret"].transform("min") == df["max_regret"]
    return df


def material_delta(metric: str) -> tuple[float, str]:
    """The smallest difference of ``metric`` that matters, and where it comes from: the
    metric catalogue's material-difference delta where it defines one; otherwise 0, marked
    as a fallback (then P(gap > delta) is P(a better than b))."""
    from .. import catalogue

    for m in catalogue.CATALOGUE:
        if m.key == metric:
            for attr in ("material_delta", "delta", "material"):
                value = getattr(m, attr, None)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return float(value), f"catalogue.{attr}"
    return 0.0, "fallback: no material difference in the catalogue yet (delta = 0)"


def p_material(outcomes: pd.DataFrame, regimes: Sequence[str], metrics: Sequence[str],
               directions: Mapping[str, int]) -> pd.DataFrame:
    """Per metric and pair (a, b): P(a better than b by more than delta) over the points,
    in the metric's better direction, with its Wilson 95% interval and delta's source."""
    rows = []
    for metric in metrics:
        sign = directions[metric]
        delta, source = material_delta(metric)
        for a, b in itertools.combinations(regimes, 2):
            d = (outcomes[f"{a}:{metric}"] - outcomes[f"{b}:{metric}"]).to_numpy(dtype=float)
            d = sign * d[np.isfinite(d)]
            n = int(d.size)
            k = int((d > delta).sum())
            lo, hi = wilson(k, n)
            rows.append({"metric": metric, "a": a, "b": b, "delta": delta,
                         "delta_source": source, "n": n,
                         "p_gap_above_delta": k / n if n else math.nan,
                         "p_low": lo, "p_high": hi,
                         "p_reverse_above_delta": float((d < -delta).mean()) if n
                         else math.nan})
    return pd.DataFrame(rows)
