"""The pattern checks themselves: each condition can fail, and on which input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cio_sim import patterns


def frame(n: int = 12, **cols: object) -> pd.DataFrame:
    return pd.DataFrame({k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
                         for k, v in cols.items()})


def test_p18_passes_a_clear_gap_and_fails_a_small_or_reversed_one() -> None:
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.005, 12)
    good = {"base": frame(compliance_low_prescriptive=0.8 + noise,
                          compliance_high_prescriptive=0.7)}
    assert patterns.p18(good).passed
    small = {"base": frame(compliance_low_prescriptive=0.71 + noise,
                           compliance_high_prescriptive=0.7)}
    res = patterns.p18(small)
    assert not res.passed and "median difference >= 0.02" in str(res)
    reversed_ = {"base": frame(compliance_low_prescriptive=0.6 + noise,
                               compliance_high_prescriptive=0.7)}
    assert not patterns.p18(reversed_).passed


def test_too_many_missing_pairs_fail_the_check() -> None:
    low = np.full(12, 0.8)
    low[:4] = np.nan
    res = patterns.p18({"base": frame(compliance_low_prescriptive=low,
                                      compliance_high_prescriptive=0.5)})
    assert not res.passed and "pairs >= n - 3" in str(res)


def test_all_zero_differences_do_not_pass() -> None:
    assert patterns.wilcoxon_greater(pd.Series([1.0] * 5), pd.Series([1.0] * 5))[0] == 1.0


def test_unknown_fact_is_named() -> None:
    with pytest.raises(KeyError, match="p99"):
        patterns.check_all({}, ("p99",))


def test_every_fact_has_a_docstring_with_test_and_floor() -> None:
    for name, fn in patterns.FACTS.items():
        assert "Test:" in fn.__doc__ and "Floor:" in fn.__doc__, name
