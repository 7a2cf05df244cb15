"""The pattern checks themselves: each condition can fail, and on which input."""

from __future__ import annotations

import math

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


class _AnyColumns:
    """A stand-in measures frame: any column is 12 random values (enough to run a check)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def __getitem__(self, column: str) -> pd.Series:
        return pd.Series(self.rng.random(12))

    def __len__(self) -> int:
        return 12


class _Recording(dict):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return super().__getitem__(key)


def test_each_fact_reads_exactly_the_variants_it_declares() -> None:
    rng = np.random.default_rng(0)
    assert set(patterns.NEEDS) == set(patterns.FACTS)
    for name, fn in patterns.FACTS.items():
        runs = _Recording({v: _AnyColumns(rng) for v in patterns.VARIANTS})
        fn(runs)
        assert runs.read == set(patterns.NEEDS[name]), name
        assert set(patterns.NEEDS[name]) <= set(patterns.VARIANTS)


@pytest.mark.parametrize("scenario,seed", [("consensus_2021", 0), ("consensus_2021", 7),
                                           ("keuzematrix", 3), ("doorzettingsmacht_2026", 5)])
def test_measures_equal_the_dataframe_definition(scenario: str, seed: int) -> None:
    """The measures read from the model's records equal the DataFrame definition exactly
    (tests/pattern_reference.py), NaN where it is NaN."""
    from cio_sim.model import CIOModel
    from cio_sim.scenario import load_scenario
    from tests.pattern_reference import measures as reference

    model = CIOModel(load_scenario(scenario).with_overrides(
        {"horizon_weeks": 156}, source="test"), seed=seed).run()
    fast, slow = patterns.measures(model), reference(model)
    assert fast.keys() == slow.keys()
    for key, value in slow.items():
        assert (math.isnan(value) and math.isnan(fast[key])) or fast[key] == value, key
