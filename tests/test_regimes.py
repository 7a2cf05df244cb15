"""Each regime part's defining property, as a unit and in whole runs."""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cio_sim
from cio_sim import regimes
from cio_sim.proposals import Proposal, Traits
from cio_sim.regimes import ADOPT, DEFER, REJECT, REWORK, STALL, Tally

TRAITS = set(Traits.__dataclass_fields__)


def make_proposal(**kw) -> Proposal:
    """A proposal with the given traits and state (keywords of either)."""
    traits = dict(origin="roadmap", theme=1, domain="general", affected=(0, 1, 2),
                  impact=0.8, complexity="complicated", fin_org=False,
                  outside_digitalisation=False, strategic=True, prescriptiveness=0.4,
                  maturity=0.9, weapon_systems=False)
    traits.update({k: v for k, v in kw.items() if k in TRAITS})
    state = dict(id=0, submitted_step=0, quadrant="q4")
    state.update({k: v for k, v in kw.items() if k not in TRAITS})
    prop = Proposal(traits=Traits(**traits), **state)
    for key in ("prescriptiveness", "maturity"):     # state that starts at the trait
        if key in state:
            setattr(prop, key, state[key])
    return prop


tallies = st.builds(
    lambda s, a, r, o: Tally(s, a, r, o, tuple(range(o)), tuple(range(r))),
    st.integers(0, 17), st.integers(0, 17), st.integers(0, 5), st.integers(0, 17))


@pytest.fixture(scope="module")
def model():
    return cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={"horizon_weeks": 10})


@settings(deadline=None)  # builds a model per example
@given(tally=tallies, rounds=st.integers(1, 10))
def test_consensus_never_adopts_over_an_objection_or_reserve(tally, rounds) -> None:
    m = cio_sim.CIOModel("consensus_2021", seed=0, overrides={"horizon_weeks": 1})
    verdict = regimes.Consensus(m).decide(make_proposal(rounds=rounds), tally)
    assert (verdict.action == ADOPT) == tally.consensus
    assert not verdict.by_cio_rijk and not verdict.over_objections
    if not tally.consensus:
        assert verdict.action in (REJECT, REWORK, DEFER, STALL)


@functools.cache
def _doorzetting_rule() -> regimes.Doorzettingsmacht:
    m = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={
        "horizon_weeks": 1, "regime.override_budget_per_year": 52})
    return regimes.Doorzettingsmacht(m)


@settings(deadline=None)  # the first example builds the model
@given(tally=tallies, rounds=st.integers(1, 10))
def test_doorzettingsmacht_overrides_only_a_real_objection(tally, rounds) -> None:
    rule = _doorzetting_rule()
    verdict = rule.decide(make_proposal(rounds=rounds), tally)
    if tally.consensus:
        assert verdict.action == ADOPT and not verdict.by_cio_rijk
    if verdict.by_cio_rijk:
        assert tally.object > 0 and rounds >= rule.override_rounds
        assert verdict.action == ADOPT and verdict.over_objections
    if tally.object == 0:                  # a reserve alone never triggers an override
        assert not verdict.by_cio_rijk


def test_doorzettingsmacht_leaves_no_item_undecided_past_its_rounds(run_preset):
    model = run_preset("doorzettingsmacht_2026", seed=2)
    props = model.proposals()
    assert props["rounds"].max() <= max(model.p["cio_beraad"]["max_rounds"],
                                        model.p["regime"]["override_rounds"])
    log = model.cio_rijk.override_log
    assert len(log) == model.summary()["overrides"] > 0
    adopted_over = props[props["overridden"] & (props["state"] == "adopted")]
    assert (adopted_over["overridden_departments"] != "").all()


def test_consensus_run_never_overrides(run_preset):
    model = run_preset("consensus_2021", seed=2)
    assert model.summary()["overrides"] == 0
    assert model.proposals()["rounds"].max() <= model.p["cio_beraad"]["max_rounds"]


def test_keuzematrix_keeps_local_items_off_the_cio_beraad_agenda(run_preset):
    model = run_preset("keuzematrix", seed=2)
    props = model.proposals().set_index("id")
    quadrants = props.loc[model.agenda()["proposal_id"], "quadrant"]
    assert len(quadrants) > 0
    assert set(quadrants) <= {"q3", "q4"}         # q3 comes back from its working group
    assert (props.loc[props["quadrant"] == "q1", "forum"].isin(["department", "icbr",
                                                                 ""])).all()
    assert (props["quadrant"] == "q1").any()


def test_uniform_routing_sends_every_quadrant_to_the_cio_beraad(run_preset):
    model = run_preset("consensus_2021", seed=2)
    props = model.proposals().set_index("id")
    assert set(props.loc[model.agenda()["proposal_id"], "quadrant"]) == {"q1", "q2", "q3", "q4"}


def test_comply_and_explain_deviations_count_as_explained(run_preset):
    model = run_preset("keuzematrix", seed=2)
    comp = model.compliance()
    is_cae = comp["instrument"].str.startswith("comply_and_explain")   # q4: CIO Rijk checks
    cae = comp[is_cae]
    explained = cae[cae["explained"]]
    assert len(explained) > 0
    assert not explained["compliant_actual"].any()
    assert not explained["compliant_reported"].any()
    assert (comp.loc[~is_cae, "explained"] == False).all()  # noqa: E712
    s = model.summary()
    assert s["explained_share"] > 0
    assert s["compliance_actual"] + s["explained_share"] <= 1 + 1e-9


def test_guiding_principles_are_judged_on_learning(run_preset):
    comp = run_preset("keuzematrix", seed=2).compliance()
    gp = comp[comp["instrument"] == "guiding_principles"]
    assert len(gp) > 0 and (gp["judged_on"] == "learning").all()
    assert not gp["compliant_actual"].any()
    assert gp["learning"].any()


def test_binding_kaders_are_checked_by_cio_rijk(run_preset):
    model = run_preset("doorzettingsmacht_2026", seed=2)
    comp = model.compliance()
    assert (comp["instrument"] == "normative_binding").all()
    assert model.ledger.checks_done > 0
    jaargesprek = np.concatenate(list(model.ledger._jaargesprek.values()))
    checked = comp["first_check_step"].dropna()
    assert (~checked.isin(jaargesprek)).any()     # some checks came from CIO Rijk


def test_voluntary_kaders_are_not_checked_by_cio_rijk(run_preset):
    model = run_preset("consensus_2021", seed=2)
    comp = model.compliance()
    assert set(comp["instrument"]) == {"normative_voluntary", "comply_and_explain"}
    assert model.ledger.checks_done == 0


def test_ciso_rijk_security_kaders_are_comply_or_explain(run_preset):
    """B21:L1263: CISO Rijk's aanwijzingen in incidents are 'pas toe of leg uit' in the 2021
    baseline (regime.ciso_scope 'incidents'; tests/test_regime_rules.py tries both)."""
    model = run_preset("consensus_2021", seed=2)
    comp = model.compliance()
    props = model.proposals().set_index("id")
    domain = props.loc[comp["proposal_id"], "domain"].to_numpy()
    incident = (props.loc[comp["proposal_id"], "origin"] == "incident").to_numpy()
    assert (domain == "security").any()
    assert (comp.loc[(domain == "security") & incident, "instrument"]
            == "comply_and_explain").all()
    assert (comp.loc[(domain != "security") | ~incident, "instrument"]
            == "normative_voluntary").all()


def test_escalation_rules() -> None:
    fo = make_proposal(fin_org=True, outside_digitalisation=False)
    fo_out = make_proposal(fin_org=True, outside_digitalisation=True)
    plain = make_proposal()
    assert regimes.FinancialOrg().needs_icbr(fo) and regimes.FinancialOrg().needs_icbr(fo_out)
    assert not regimes.FinancialOrg().needs_icbr(plain)
    # ADR:L579 is advice for failed consensus: F/O items go to the ICBR either way.
    advice = regimes.OutsideDigitalisation()
    assert advice.needs_icbr(fo) and advice.needs_icbr(fo_out) and not advice.needs_icbr(plain)
    assert advice.escalates_failed(fo_out) and not advice.escalates_failed(fo)
    assert not regimes.FinancialOrg().escalates_failed(fo_out)


def test_adr_escalation_advice_sends_failed_items_to_the_icbr() -> None:
    a = cio_sim.CIOModel("consensus_2021", seed=5).run().summary()["icbr_escalations"]
    b = cio_sim.CIOModel("consensus_2021", seed=5, overrides={
        "regime.escalation": "outside_digitalisation"}).run().summary()["icbr_escalations"]
    assert b > a


def test_2026_voorportalen_and_advisers(run_preset):
    model = run_preset("doorzettingsmacht_2026", seed=2)
    assert {"CPO-raad", "CDO-raad", "architectuurraad"} <= set(model.voorportalen)
    props = model.proposals()
    privacy = props[(props["domain"] == "privacy") & ~props["bypassed_icbr"]]
    assert len(privacy) > 0 and (privacy["voorportaal_visits"] > 0).all()
    fin = model.departments[5]
    assert fin.code == "FIN"
    item = make_proposal(domain="privacy")
    assert fin.review_hours(item) < fin.review_hours(make_proposal(domain="general"))


def test_presets_select_the_documented_parts() -> None:
    expected = {
        "consensus_2021": ("consensus", "uniform", "ciso_security", "voluntary",
                           "financial_org"),
        "doorzettingsmacht_2026": ("doorzettingsmacht", "uniform", "ciso_security", "binding",
                                   "financial_org"),
        "keuzematrix": ("consensus", "keuzematrix", "by_complexity", "voluntary",
                        "financial_org"),
        "keuzematrix_escalation_advice": ("consensus", "keuzematrix", "by_complexity",
                                          "voluntary", "outside_digitalisation"),
    }
    for name, parts in expected.items():
        r = cio_sim.load_scenario(name).values["regime"]
        assert (r["decision_rule"], r["routing"], r["instruments"], r["kader_force"],
                r["escalation"]) == parts


def test_describe_parts_lists_every_registered_name() -> None:
    """Every part registered (built in or added by a plugin) is listed with a description,
    and every part the bundled scenarios name is among them."""
    parts = regimes.describe_parts()
    assert set(parts) == set(regimes.PARTS)
    for key, registry in regimes.PARTS.items():
        assert set(parts[key]) == set(registry), key
        assert all(parts[key][name] for name in registry), key
    for name in cio_sim.bundled_names():
        values = cio_sim.load_scenario(name).values
        for key in regimes.PARTS:
            section, _, leaf = key.partition(".")
            assert values[section][leaf] in parts[key], (name, key)
