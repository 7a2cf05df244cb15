"""Small statistics shared by tables and figures: mean with a t-based confidence interval."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats


def mean_ci(values: Iterable[float], confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and t-based confidence interval ``mean ± t(n-1) * sd / sqrt(n)`` of the finite
    values. Returns ``(mean, ci_low, ci_high, n)``; with no finite values everything is NaN
    and n is 0, with one value the interval is NaN (undefined)."""
    x = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(x.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * float(x.std(ddof=1)) \
        / math.sqrt(n)
    return m, m - half, m + half, n
