"""The statistics of the pattern checks: a fact's conditions, the paired and one-sample
signed-rank tests, the sign test, and the collector every fact builds its result with."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.01
#: A paired test needs values in all but this many replications (a measure can be undefined
#: in a run, e.g. no F/O item decided at the ICBR).
MAX_MISSING = 3

@dataclass(frozen=True)
class Condition:
    """One condition of a fact: what is required, the measured value, whether it holds."""

    what: str
    value: float
    ok: bool

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'FAILS'}: {self.what} (measured {self.value:.4g})"


@dataclass(frozen=True)
class FactResult:
    """The outcome of one fact's check: every condition with its measured value."""

    fact: str
    conditions: tuple[Condition, ...]

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.conditions)

    def __str__(self) -> str:
        return f"{self.fact}: " + "; ".join(str(c) for c in self.conditions)


def _paired(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Drop seeds where either value is missing."""
    ok = a.notna().to_numpy() & b.notna().to_numpy()
    return a.to_numpy(dtype=float)[ok], b.to_numpy(dtype=float)[ok]


def _wilcoxon(d: np.ndarray, alternative: str) -> float:
    """Signed-rank p-value of ``d`` (1.0 when undefined: no values, or all differences 0)."""
    d = d[np.isfinite(d)]
    if d.size == 0 or not np.any(d != 0):
        return 1.0
    p = float(stats.wilcoxon(d, alternative=alternative).pvalue)
    return p if math.isfinite(p) else 1.0


def wilcoxon_greater(a: pd.Series, b: pd.Series) -> tuple[float, float, int]:
    """One-sided paired Wilcoxon signed-rank test of a > b: (p-value, median of a - b, pairs)."""
    x, y = _paired(a, b)
    if x.size == 0:
        return 1.0, math.nan, 0
    return _wilcoxon(x - y, "greater"), float(np.median(x - y)), int(x.size)


def wilcoxon_one_sample(x: pd.Series, bound: float, alternative: str) -> float:
    """One-sided one-sample Wilcoxon signed-rank test of median(x) vs bound: the p-value."""
    v = x.dropna().to_numpy(dtype=float)
    return _wilcoxon(v - bound, alternative)


def sign_test(successes: int, n: int) -> float:
    """One-sided binomial (sign) test of P(success) > 1/2: the p-value."""
    return float(stats.binomtest(successes, n, 0.5, alternative="greater").pvalue)


def _median(x: pd.Series) -> float:
    v = x.dropna()
    return float(v.median()) if len(v) else math.nan


class _Fact:
    """Collects the conditions of one fact."""

    def __init__(self, name: str, n: int):
        self.name, self.n, self.conds = name, n, []

    def require(self, what: str, value: float, ok: bool) -> None:
        self.conds.append(Condition(what, float(value), bool(ok and not _isnan(value))))

    def p_below_alpha(self, what: str, p: float) -> None:
        self.require(f"{what}: p < {ALPHA}", p, p < ALPHA)

    def paired_greater(self, what: str, a: pd.Series, b: pd.Series,
                       floor: tuple[str, float] | None = None) -> float:
        """Require a > b (paired Wilcoxon, alpha) with enough pairs and, given ``floor`` =
        (what it says, its value), a median gap of at least that value; return the gap."""
        p, gap, pairs = wilcoxon_greater(a, b)
        self.require(f"{what}: pairs >= n - {MAX_MISSING}", pairs, pairs >= self.n - MAX_MISSING)
        self.p_below_alpha(what, p)
        if floor is not None:
            self.require(floor[0], gap, gap >= floor[1])
        return gap

    def result(self) -> FactResult:
        return FactResult(self.name, tuple(self.conds))


def _isnan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


Runs = Mapping[str, pd.DataFrame]
