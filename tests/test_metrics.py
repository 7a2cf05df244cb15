"""Metrics: the Kaplan-Meier estimate against scipy's."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cio_sim.metrics import km_survival, time_to_decision

weeks = st.lists(st.integers(0, 60).map(float), max_size=40)


@settings(max_examples=150, deadline=None)
@given(lead=weeks.filter(len), censored=weeks)
def test_km_survival_is_scipys(lead, censored) -> None:
    lead, censored = np.array(lead), np.array(censored)
    sf = stats.ecdf(stats.CensoredData(uncensored=lead, right=censored)).sf
    times, surv = km_survival(lead, censored)
    assert np.array_equal(times, sf.quantiles) and np.array_equal(surv, sf.probabilities)
    got = time_to_decision(lead, censored, within=(0, 7, 26, 52))
    follow = max(lead.max(), censored.max() if censored.size else -1.0)
    for w in (0, 7, 26, 52):
        want = float(1.0 - sf.evaluate(w)) if follow >= w else None
        assert (np.isnan(got[w]) and want is None) or got[w] == want
