"""Compliance ledger: actual vs self-reported status, explanations, checks."""

import math

import numpy as np

import cio_sim
from cio_sim.compliance import judged_counts, status_at
from cio_sim.regimes import NORMATIVE_BINDING, NORMATIVE_VOLUNTARY
from tests.test_regimes import make_proposal


def arrays(**cols):
    n = len(next(iter(cols.values())))
    base = {"adopted": np.zeros(n), "due": np.zeros(n), "start": np.full(n, math.inf),
            "done": np.full(n, math.inf), "first_check": np.full(n, math.inf),
            "optimistic": np.ones(n, bool), "explains": np.zeros(n, bool),
            "learning": np.zeros(n, bool), "overridden": np.zeros(n, bool)}
    base.update({k: np.asarray(v) for k, v in cols.items()})
    return base


def test_judged_counts_are_the_sums_of_status_at_over_the_pairs() -> None:
    """The weekly table's counts equal the times x pairs sums of `status_at`, with NaN and
    infinite bounds, ties and pairs that explain, learn or are not optimistic."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 40))

        def bounds(n: int = n) -> np.ndarray:
            v = rng.integers(0, 30, n).astype(float)
            v[rng.random(n) < 0.15] = math.nan
            v[rng.random(n) < 0.15] = math.inf
            return v

        a = arrays(due=bounds(), done=bounds(), start=bounds(), first_check=bounds(),
                   optimistic=rng.random(n) < 0.5, explains=rng.random(n) < 0.4,
                   learning=rng.random(n) < 0.2)
        t = np.arange(-2.0, 35.0)
        st = status_at(a, t[:, None])
        judged = (a["due"][None, :] <= t[:, None]) & ~a["learning"][None, :]
        n_judged, n_actual, n_reported = judged_counts(a, t)
        assert n_judged.tolist() == judged.sum(axis=1).tolist()
        assert n_actual.tolist() == (st["actual"] & judged).sum(axis=1).tolist()
        assert n_reported.tolist() == (st["reported"] & judged).sum(axis=1).tolist()


def test_work_in_progress_is_reported_compliant_until_a_check() -> None:
    a = arrays(start=[10.0, 10.0, 10.0], done=[20.0, 50.0, 50.0],
               first_check=[math.inf, math.inf, 30.0])
    at25 = status_at(a, 25.0)
    assert at25["actual"].tolist() == [True, False, False]
    assert at25["reported"].tolist() == [True, True, True]
    at35 = status_at(a, 35.0)
    assert at35["reported"].tolist() == [True, True, False]


def test_never_started_is_never_reported_compliant() -> None:
    st = status_at(arrays(start=[math.inf]), 100.0)
    assert not st["actual"][0] and not st["reported"][0] and not st["started"][0]


def test_explanations_replace_reports_after_the_deadline() -> None:
    a = arrays(start=[5.0], done=[90.0], due=[40.0], explains=[True])
    assert status_at(a, 30.0)["reported"][0] and not status_at(a, 30.0)["explained"][0]
    late = status_at(a, 50.0)
    assert late["explained"][0] and not late["reported"][0]


def test_binding_force_raises_willingness_and_checks_find_progress() -> None:
    model = cio_sim.CIOModel("consensus_2021", seed=1, overrides={"horizon_weeks": 10})
    item = make_proposal(prescriptiveness=0.9, affected=tuple(range(12)))
    model.proposals_by_id[item.id] = item
    model.flow.contexts[item.id] = tuple([0.5] * len(model.members))
    model.ledger.register(item, NORMATIVE_VOLUNTARY, 0)
    model.ledger.register(item, NORMATIVE_BINDING, 0)
    vol = [q.willingness for q in model.ledger.pairs[:12]]
    bind = [q.willingness for q in model.ledger.pairs[12:]]
    assert all(b >= v for v, b in zip(vol, bind, strict=True)) and sum(bind) > sum(vol)
    started = [q for q in model.ledger.pairs[12:] if q.start < math.inf]
    assert started
    model.ledger.checks_per_batch = 1000.0
    step = int(max(q.start for q in started)) + 4
    step -= step % 4
    for q in started:
        q.done = math.inf
    model.ledger.monitor(step)
    assert all(q.first_check == step for q in started)
    assert all(q.first_check == math.inf for q in model.ledger.pairs[:12]
               if q.start < math.inf and q.instrument.monitoring == "jaargesprek")


def test_overridden_departments_are_recorded_per_pair(run_preset) -> None:
    comp = run_preset("doorzettingsmacht_2026", seed=2).compliance()
    assert comp["overridden"].any() and (~comp["overridden"]).any()
    assert (comp["consented"] == ~comp["overridden"]).all()


def test_each_pairs_willingness_is_the_departments_own(run_preset) -> None:
    """`register` computes the willingness inline: it must be `DepartmentalCIO.willingness`,
    lowered by resentment when overridden and raised by enforcement when binding."""
    model = run_preset("doorzettingsmacht_2026", seed=2)
    c = model.p["compliance"]
    assert any(q.overridden for q in model.ledger.pairs)
    for q in model.ledger.pairs:
        cio = model.departments[q.dept_index]
        w = cio.willingness(model.proposals_by_id[q.proposal_id],
                            model.flow.contexts[q.proposal_id][q.dept_index])
        if q.overridden:
            w *= c["override_resentment"]
        if q.instrument.binding:
            w += (1.0 - w) * c["enforcement"]
        assert q.willingness == w


def test_a_summary_during_the_run_leaves_the_results_alone() -> None:
    """`summary()` resolves the monitoring moments known so far; CIO Rijk's later checks
    must still count as earlier moments (doorzettingsmacht_2026 checks binding kaders)."""
    straight = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0).run().summary()
    model = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0)
    for _ in range(4):
        model.run(52)
        model.summary()
    assert repr(model.run().summary()) == repr(straight)
