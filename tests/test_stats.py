"""Statistics: t-intervals, paired differences against scipy, Kaplan-Meier time to decision."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from cio_sim.metrics import time_to_decision
from cio_sim.stats import (
    interval_note,
    material_probabilities,
    material_verdict,
    mean_ci,
    paired_difference,
)


def test_paired_ci_matches_scipy():
    a = np.array([12.1, 9.8, 11.4, 10.9, 13.0, 10.2, 11.7, 12.5])
    b = np.array([10.0, 9.9, 10.1, 9.4, 11.2, 9.0, 10.8, 10.1])
    p = paired_difference(a, b, sign=1)
    ref = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert p.mean == pytest.approx(np.mean(a - b))
    assert (p.ci_low, p.ci_high) == (pytest.approx(ref.low), pytest.approx(ref.high))
    assert p.n == 8 and p.better == pytest.approx(7 / 8) and p.worse == pytest.approx(1 / 8)
    assert p.note == ""
    lower = paired_difference(a, b, sign=-1)
    assert lower.better == pytest.approx(1 / 8)


def test_paired_is_narrower_than_unpaired_with_common_noise():
    rng = np.random.default_rng(0)
    common = rng.normal(0, 5, 30)
    a, b = common + 1.0 + rng.normal(0, 0.3, 30), common + rng.normal(0, 0.3, 30)
    p = paired_difference(a, b)
    _, lo_a, hi_a, _ = mean_ci(a)
    assert (p.ci_high - p.ci_low) < 0.2 * (hi_a - lo_a)
    assert math.isnan(p.better)                      # no direction: no share


def test_paired_edge_cases_say_so():
    assert paired_difference([1, 2], [1, 2]).note == "no variation between runs"
    assert paired_difference([1, 3], [0, 1]).note.startswith("two runs")
    assert paired_difference([1], [0]).note == "one run: no interval"
    inf = paired_difference([math.inf, 30.0], [40.0, 40.0], sign=-1)
    assert math.isnan(inf.mean) and "not reached" in inf.note
    assert inf.better == 0.5 and inf.worse == 0.5
    with pytest.raises(ValueError):
        paired_difference([1, 2], [1])


def test_material_probabilities_are_the_t_posterior_of_the_paired_mean():
    d = np.array([1.8, 0.4, 2.6, 1.1, 1.9, 0.7, 2.2, 1.5])
    above, within, below = material_probabilities(d, 1.0)
    se = d.std(ddof=1) / math.sqrt(d.size)
    post = stats.t(d.size - 1, loc=d.mean(), scale=se)
    assert above == pytest.approx(post.sf(1.0))
    assert below == pytest.approx(post.cdf(-1.0))
    assert above + within + below == pytest.approx(1.0)
    # a larger delta moves probability from "above" to "within"
    wide = material_probabilities(d, 2.0)
    assert wide[0] < above and wide[1] > within
    assert material_probabilities([1.0, 1.0, 1.0], 0.5) == (1.0, 0.0, 0.0)
    assert material_probabilities([0.2, 0.2], 0.5) == (0.0, 1.0, 0.0)
    assert all(math.isnan(p) for p in material_probabilities([1.0], 0.5))
    assert all(math.isnan(p) for p in material_probabilities([math.inf, 1.0], 0.5))


def test_material_verdicts():
    assert material_verdict(0.97, 0.03, 0.0, 1) == "better"
    assert material_verdict(0.0, 0.02, 0.98, -1) == "worse"
    assert material_verdict(0.97, 0.03, 0.0, 0) == "higher"
    assert material_verdict(0.01, 0.96, 0.03, 1) == "no material difference"
    assert material_verdict(0.6, 0.4, 0.0, 1) == "unclear"
    assert material_verdict(math.nan, math.nan, math.nan, 1) == ""


def test_paired_gap_is_taken_in_the_better_direction():
    rng = np.random.default_rng(1)
    base = rng.normal(50, 5, 30)
    faster = base - 10 + rng.normal(0, 1, 30)         # a time metric: lower is better
    p = paired_difference(faster, base, sign=-1, delta=4.0)
    assert p.mean < 0 and p.p_above > 0.99 and p.material == "better"
    same = paired_difference(base + rng.normal(0, 0.5, 30), base, sign=1, delta=4.0)
    assert same.p_within > 0.99 and same.material == "no material difference"
    noisy = paired_difference(base + 1 + rng.normal(0, 20, 30), base, sign=1, delta=4.0)
    assert noisy.material == "unclear"
    plain = paired_difference(faster, base, sign=-1)
    assert math.isnan(plain.p_above) and plain.material == ""


def test_mean_ci_and_notes():
    m, lo, hi, n = mean_ci([1.0, 2.0, 3.0, float("nan")])
    half = stats.t.ppf(0.975, 2) / math.sqrt(3)
    assert (m, n) == (2.0, 3) and lo == pytest.approx(2 - half) and hi == pytest.approx(2 + half)
    assert mean_ci([math.inf, 3.0])[:1] == (math.inf,)
    assert interval_note(0, math.nan) == "no data"
    assert interval_note(5, 1.0, n_inf=2) == "not reached in 2 of 5 runs"


def test_kaplan_meier_hand_computed():
    # decided after 2, 3, 3, 7 weeks; undecided at the end after 4 and 10 weeks.
    # at risk 6 at t=2: S = 5/6; t=3 (2 of 5): S = 5/6 * 3/5 = 1/2 -> median 3;
    # t=4 censored; t=7 (1 of 2): S = 1/4.
    out = time_to_decision(np.array([2, 3, 3, 7]), np.array([4, 10]), within=(2, 5, 8, 11))
    assert out["median"] == 3.0
    assert out[2] == pytest.approx(1 / 6)
    assert out[5] == pytest.approx(1 / 2)
    assert out[8] == pytest.approx(3 / 4)
    assert math.isnan(out[11])                       # nobody followed that long


def test_kaplan_meier_median_not_reached_and_empty():
    out = time_to_decision(np.array([1.0]), np.array([5.0, 6.0, 8.0]), within=(4,))
    assert out["median"] == math.inf and out[4] == pytest.approx(1 / 4)
    none = time_to_decision(np.array([]), np.array([3.0]), within=(2, 4))
    assert none["median"] == math.inf and none[2] == 0.0 and math.isnan(none[4])
    assert math.isnan(time_to_decision(np.array([]), np.array([]))["median"])


@given(st.lists(st.integers(0, 60), min_size=1, max_size=40),
       st.lists(st.integers(0, 60), max_size=40))
def test_kaplan_meier_without_censoring_is_the_empirical_share(decided, censored_extra):
    lead = np.array(decided, dtype=float)
    out = time_to_decision(lead, np.array([], dtype=float), within=(26,))
    if lead.max() >= 26:
        assert out[26] == pytest.approx(np.mean(lead <= 26))
    # censoring only at the longest follow-up never changes the shares before it
    cens = np.full(len(censored_extra), 61.0)
    both = time_to_decision(lead, cens, within=(26,))
    n, k = len(lead) + len(cens), np.sum(lead <= 26)
    if len(cens) or lead.max() >= 26:
        assert both[26] == pytest.approx(k / n)
    else:
        assert math.isnan(both[26])
