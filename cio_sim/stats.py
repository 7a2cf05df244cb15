"""Small statistics shared by tables and figures: a mean with its t-based confidence
interval, the paired difference of two scenarios run with common random numbers, and the
probability that a paired gap is material (larger than the smallest difference that matters)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _floats(values: Iterable[float]) -> np.ndarray:
    """``values`` as floats, NaN for anything that is not a number (a numeric column or array
    is converted as it is, without a Python object per value)."""
    if isinstance(values, pd.Series | np.ndarray) and values.dtype.kind in "biuf":
        return np.asarray(values, dtype=float)
    return np.asarray(pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce"),
                      dtype=float)


def _values(values: Iterable[float]) -> np.ndarray:
    x = _floats(values)
    return x[~np.isnan(x)]


def _t(confidence: float, df: int) -> float:
    """The t quantile: ``scipy.special.stdtrit`` is ``stats.t.ppf`` without importing
    ``scipy.stats`` (about half a second), which no command otherwise needs."""
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2.0))


def mean_ci(values: Iterable[float], confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and t-based confidence interval ``mean ± t(n-1) * sd / sqrt(n)``.

    Returns ``(mean, ci_low, ci_high, n)``, n counting the non-NaN values. With none,
    everything is NaN and n is 0; with one value, or an infinite one (e.g. a median time to
    decision that is never reached), the interval is NaN (undefined) and the mean is the
    value or infinite.
    """
    x = _values(values)
    n = int(x.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    if not np.isfinite(x).all():
        with np.errstate(invalid="ignore"):
            return float(x.mean()), math.nan, math.nan, n
    m = float(x.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = _t(confidence, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


def interval_note(n: int, half_width: float, n_inf: int = 0) -> str:
    """A word on an interval that needs one: '' when it is an ordinary t-interval."""
    if n == 0:
        return "no data"
    if n_inf:
        return f"not reached in {n_inf} of {n} runs"
    if n == 1:
        return "one run: no interval"
    if half_width == 0:
        return "no variation between runs"
    if n == 2:
        return "two runs: a very wide interval"
    return ""


@dataclass(frozen=True)
class Paired:
    """Paired comparison of a scenario with a baseline over common replications.

    mean, ci_low, ci_high: mean difference (scenario - baseline) and its t-interval;
    n: replications with both values; better / worse: share of those replications in which
    the scenario is better / worse than the baseline (NaN without a direction); note: a
    word where the interval needs one. With a material difference ``delta``: p_above,
    p_within, p_below are P(gap > delta), P(|gap| <= delta), P(gap < -delta) of the mean gap
    (see :func:`material_probabilities`) and ``material`` their verdict
    (:func:`material_verdict`); NaN and '' without one.
    """

    mean: float
    ci_low: float
    ci_high: float
    n: int
    better: float
    worse: float
    note: str
    delta: float = math.nan
    p_above: float = math.nan
    p_within: float = math.nan
    p_below: float = math.nan
    material: str = ""


#: The probability at which :func:`material_verdict` calls a gap material (or not).
MATERIAL_LEVEL = 0.95


def material_probabilities(gaps: Iterable[float], delta: float) -> tuple[float, float, float]:
    """P(gap > delta), P(|gap| <= delta) and P(gap < -delta) for the mean of paired gaps.

    The mean gap's posterior under the usual reference prior (flat in the mean and in log sd)
    is ``mean + sd / sqrt(n) * T`` with T Student-t on n - 1 degrees of freedom: the Bayesian
    reading of the paired t-interval. Gaps without any variation give 0 or 1; fewer than two
    gaps, or an infinite one, give NaN.
    """
    from scipy.special import stdtr

    d = _values(gaps)
    n = int(d.size)
    if n < 2 or not np.isfinite(d).all() or not math.isfinite(delta):
        return math.nan, math.nan, math.nan
    m, sd = float(d.mean()), float(d.std(ddof=1))
    if sd == 0:
        return float(m > delta), float(abs(m) <= delta), float(m < -delta)
    se = sd / math.sqrt(n)
    below = float(stdtr(n - 1, (-delta - m) / se))
    above = float(stdtr(n - 1, (m - delta) / se))
    return above, max(0.0, 1.0 - above - below), below


def material_verdict(p_above: float, p_within: float, p_below: float, sign: int,
                     level: float = MATERIAL_LEVEL) -> str:
    """'better' / 'worse' (``sign`` != 0; 'higher' / 'lower' without a direction) when the gap
    exceeds delta on that side with probability >= ``level``, 'no material difference' when
    it lies within ±delta with that probability, else 'unclear' ('' without probabilities)."""
    if math.isnan(p_above):
        return ""
    up, down = ("better", "worse") if sign else ("higher", "lower")
    if p_above >= level:
        return up
    if p_below >= level:
        return down
    if p_within >= level:
        return "no material difference"
    return "unclear"


def paired_difference(values: Iterable[float], baseline: Iterable[float], sign: int = 0,
                      confidence: float = 0.95, delta: float | None = None) -> Paired:
    """Mean paired difference ``values - baseline`` with its t-interval, and the share of
    pairs in which ``values`` is better (``sign``: +1 higher is better, -1 lower, 0 none).

    With ``delta`` (the smallest difference that matters), also the probabilities that the
    gap is material: the gap is ``sign * (values - baseline)`` (positive: better), or the raw
    difference for a metric without a direction. Pairs where either value is NaN are
    dropped. Infinite values (a median never reached) still count in the shares; the mean
    difference is then undefined.
    """
    a, b = _floats(values), _floats(baseline)
    if a.shape != b.shape:
        raise ValueError(f"paired values need equal lengths ({a.size} vs {b.size})")
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n == 0:
        return Paired(math.nan, math.nan, math.nan, 0, math.nan, math.nan, "no data",
                      math.nan if delta is None else float(delta))
    if sign:
        with np.errstate(invalid="ignore"):
            better = float(np.mean(np.where(a == b, False, sign * (a - b) > 0)))
            worse = float(np.mean(np.where(a == b, False, sign * (a - b) < 0)))
    else:
        better = worse = math.nan
    inf = int((~np.isfinite(a) | ~np.isfinite(b)).sum())
    if inf:
        return Paired(math.nan, math.nan, math.nan, n, better, worse,
                      f"not reached in {inf} of {n} pairs: no mean difference",
                      math.nan if delta is None else float(delta))
    d = a - b
    m = float(d.mean())
    if n < 2:
        return Paired(m, math.nan, math.nan, n, better, worse, "one run: no interval",
                      math.nan if delta is None else float(delta))
    sd = float(d.std(ddof=1))
    half = _t(confidence, n - 1) * sd / math.sqrt(n)
    if delta is None:
        return Paired(m, m - half, m + half, n, better, worse, interval_note(n, half))
    above, within, below = material_probabilities(d * (sign or 1), float(delta))
    return Paired(m, m - half, m + half, n, better, worse, interval_note(n, half),
                  float(delta), above, within, below,
                  material_verdict(above, within, below, sign))
