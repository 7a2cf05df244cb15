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


# ---------------------------------------------------------------- like-for-like metrics

import pytest  # noqa: E402

import cio_sim  # noqa: E402
from cio_sim.metrics import summary  # noqa: E402
from cio_sim.types import State  # noqa: E402


@pytest.fixture(scope="module")
def keuzematrix_run():
    return cio_sim.CIOModel("keuzematrix", seed=1).run()


def test_resolutions_count_adopted_and_locally_handled_items(keuzematrix_run) -> None:
    model = keuzematrix_run
    s = summary(model)
    years = model.steps / 52.0
    states = [p.state for p in model.proposals_by_id.values()]
    local = states.count(State.HANDLED_LOCALLY)
    adopted = states.count(State.ADOPTED)
    assert local > 0, "the keuzematrix run handles items locally"
    assert s["resolutions_per_year"] == pytest.approx((adopted + local) / years)
    assert s["resolutions_per_year"] == pytest.approx(s["adopted_per_year"]
                                                      + s["handled_locally_per_year"])
    resolved = [p for p in model.proposals_by_id.values()
                if p.state in (State.ADOPTED, State.HANDLED_LOCALLY)]
    assert s["value_resolutions_per_year"] == pytest.approx(
        sum(p.impact * p.ambition for p in resolved) / years)
    # the value-weighted sum includes the locally handled items' value
    local_value = sum(p.impact * p.ambition for p in resolved
                      if p.state == State.HANDLED_LOCALLY) / years
    adopted_value = sum(p.impact * p.ambition for p in resolved
                        if p.state == State.ADOPTED) / years
    assert local_value > 0
    assert s["value_resolutions_per_year"] == pytest.approx(local_value + adopted_value)


def test_time_to_resolution_counts_locally_handled_items(keuzematrix_run) -> None:
    model = keuzematrix_run
    s = summary(model)
    props = list(model.proposals_by_id.values())
    ok = (State.ADOPTED, State.HANDLED_LOCALLY)
    lead = np.array([p.decided_step - p.submitted_step for p in props if p.state in ok],
                    dtype=float)
    cens = np.array([model.steps - p.submitted_step for p in props if p.state not in ok],
                    dtype=float)
    want = time_to_decision(lead, cens)
    assert s["time_to_resolution_median_weeks"] == want["median"]
    assert s["resolved_within_26_weeks"] == want[26]
    assert s["resolved_within_52_weeks"] == want[52]
    # dropping the locally handled items (as the time to decision does) gives another figure
    lead_cio = np.array([p.decided_step - p.submitted_step for p in props
                         if p.state == State.ADOPTED], dtype=float)
    without = time_to_decision(lead_cio, cens)
    assert without[52] != s["resolved_within_52_weeks"]


def test_implemented_pairs_count_every_implemented_pair_but_learning(keuzematrix_run) -> None:
    model = keuzematrix_run
    s = summary(model)
    frame = model.compliance()
    want = int(((frame["done_step"].notna())
                & (frame["done_step"] <= model.steps)
                & (frame["judged_on"] != "learning")).sum())
    assert want > 0
    assert s["implemented_pairs_per_year"] == pytest.approx(want / (model.steps / 52.0))
