"""One test per regime rule of the sources (issue: regimes faithful to the sources): the
fallback's conditions, scope and cost; the keuzematrix quadrants; the ICBR for F/O items;
binding force and compliance only for kaders. Runs are 3-5 simulated years (about 1 s each)."""

from __future__ import annotations

import math

import pytest

import cio_sim
from cio_sim.regimes.decision import ADR_THEME_DOMAINS
from cio_sim.types import ItemKind, State

SEEDS = (0, 1)


@pytest.fixture(scope="module")
def dz_runs():
    return [cio_sim.CIOModel("doorzettingsmacht_2026", seed=s).run() for s in SEEDS]


@pytest.fixture(scope="module")
def km_runs():
    return [cio_sim.CIOModel("keuzematrix", seed=s).run() for s in SEEDS]


def test_no_override_without_an_objection(dz_runs) -> None:
    log = [row for m in dz_runs for row in m.cio_rijk.override_log]
    assert len(log) > 0
    assert all(row.objections > 0 for row in log)


def test_no_override_before_consensus_was_tried(dz_runs) -> None:
    for m in dz_runs:
        rounds = m.p["regime"]["override_rounds"]
        props = m.proposals().set_index("id")
        ids = [row.proposal_id for row in m.cio_rijk.override_log]
        assert (props.loc[ids, "rounds"] >= rounds).all()


def test_no_override_outside_its_scope() -> None:
    logs = []
    for s in SEEDS:
        m = cio_sim.CIOModel("doorzettingsmacht_2026", seed=s, overrides={
            "regime.override_scope": "adr_themes", "regime.override_budget_per_year": 52})
        m.run()
        logs += m.cio_rijk.override_log
    assert len(logs) > 0
    assert {row.domain for row in logs} <= ADR_THEME_DOMAINS


def test_overrides_stay_within_the_yearly_budget() -> None:
    for budget in (1, 3):
        m = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={
            "regime.override_budget_per_year": budget}).run()
        per_year = m.cio_rijk.overrides_by_year
        assert per_year and max(per_year.values()) <= budget
    none = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={
        "regime.override_budget_per_year": 0}).run()
    assert none.summary()["overrides"] == 0


def test_an_override_costs_the_overridden_department_its_resentment(dz_runs) -> None:
    m = dz_runs[0]
    c = m.p["compliance"]
    over = [q for q in m.ledger.pairs if q.overridden]
    assert over
    for q in over:
        prop = m.proposals_by_id[q.proposal_id]
        cio = m.departments[q.dept_index]
        w = cio.willingness(prop, m.context_of(prop, q.dept_index)) * c["override_resentment"]
        w += (1.0 - w) * c["enforcement"]               # 2026 kaders are binding
        assert math.isclose(q.willingness, w, rel_tol=1e-12)


def test_the_minister_route_is_slower_than_cio_rijk() -> None:
    m = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={
        "regime.decision_rule": "minister_bzk"}).run()
    weeks = m.p["regime"]["minister_weeks"]
    assert m.cio_rijk.override_log
    for row in m.cio_rijk.override_log:
        decided = m.proposals_by_id[row.proposal_id].decided_step
        assert decided == -1 or decided >= row.step + weeks           # -1: still open


def test_q1_items_never_reach_the_cio_beraad_nor_count_as_adoptions(km_runs) -> None:
    for m in km_runs:
        props = m.proposals().set_index("id")
        q1 = props[props["quadrant"] == "q1"]
        assert len(q1) > 0
        assert not set(q1.index) & set(m.agenda()["proposal_id"])
        local = q1[~q1["fin_org"] & q1["state"].isin(["adopted", "handled_locally",
                                                       "rejected"])]
        assert (local["state"] == State.HANDLED_LOCALLY).all()
        # F/O q1 items are ICBR decisions (ADR:L994), never CIO-beraad ones.
        assert (q1.loc[q1["state"] == "adopted", "forum"] == "icbr").all()
        s = m.summary()
        years = m.steps / 52
        n_adopted = int((props["state"] == "adopted").sum())
        assert math.isclose(s["adopted_per_year"] * years, n_adopted)
        assert s["handled_locally_per_year"] > 0


def test_q1_and_q2_handling_times_are_drawn(km_runs) -> None:
    props = km_runs[0].proposals()
    local = props[props["state"] == "handled_locally"]
    assert local["lead_time_weeks"].nunique() > 5


def test_q3_group_agreement_is_the_decision_reported_to_the_cio_beraad(km_runs) -> None:
    """Reading q3_working_group = inform (ADR:L607): what a group agrees is decided; the
    CIO-beraad hears a progress report (agenda slots) and changes nothing."""
    for m in km_runs:
        props = m.proposals().set_index("id")
        q3 = props[props["quadrant"] == "q3"]
        adopted = q3[q3["state"] == "adopted"]
        assert len(adopted) > 0
        assert adopted["from_working_group"].all()
        assert (adopted["agenda_appearances"] == 0).all()
        s = m.summary()
        assert s["group_agreements_changed"] == 0
        assert s["report_slot_share"] > 0
        assert m.cio_beraad.report_slots > 0


def test_q3_confirm_sends_group_agreements_back_to_the_full_cio_beraad() -> None:
    """Reading q3_working_group = confirm: the CIO-beraad confirms by its own rule, and it
    does change or withdraw some of what the groups agreed."""
    changed = 0
    for s in SEEDS:
        m = cio_sim.CIOModel("keuzematrix", seed=s,
                             overrides={"keuzematrix.q3_outcome": "confirm"}).run()
        props = m.proposals().set_index("id")
        agreed = props[(props["quadrant"] == "q3") & props["from_working_group"]]
        assert len(agreed) > 0 and (agreed["agenda_appearances"] > 0).all()
        assert m.cio_beraad.report_slots == 0
        changed += m.summary()["group_agreements_changed"]
    assert changed > 0


def test_discretion_declines_cases_for_its_reasons_and_quota_does_not() -> None:
    """Reading override_policy: under 'discretion' CIO Rijk declines cases whose value does
    not cover the cost of overriding (each declined case's value minus its cost is at most
    the threshold); under 'quota' it takes every case with a positive value while the
    budget lasts, so it overrides more."""
    taken = {}
    for policy in ("discretion", "quota"):
        taken[policy] = 0
        for s in SEEDS:
            m = cio_sim.CIOModel("doorzettingsmacht_2026", seed=s, overrides={
                "regime.override_policy": policy}).run()
            cases = m.override_cases()
            threshold = m.p["cio_rijk"]["override_threshold"]
            assert len(cases) > 0
            assert (cases["overrode"] == (cases["reason"] == "worth_it")).all()
            assert int(cases["overrode"].sum()) == len(m.cio_rijk.override_log)
            weighed = cases[cases["reason"].isin(["implementation", "political_capital"])]
            if policy == "quota":
                assert weighed.empty and (cases["cost"] == 0).all()
            else:
                assert len(weighed) > 0
                assert (weighed["value"] - weighed["cost"] <= threshold).all()
            taken[policy] += int(cases["overrode"].sum())
    assert taken["quota"] > taken["discretion"]


def test_the_yearly_cap_binds_only_when_set_low() -> None:
    """At the defaults the cap refuses no case it would have taken; at one a year it does,
    and every capped case is one CIO Rijk had judged worth it."""
    default = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0).run().summary()
    assert default["override_cap_binding_years"] == 0 and default["override_taken"] > 0
    low = cio_sim.CIOModel("doorzettingsmacht_2026", seed=0, overrides={
        "regime.override_budget_per_year": 1}).run()
    capped = low.override_cases().query("reason == 'budget_cap'")
    assert len(capped) > 0 and (capped["value"] > capped["cost"]).all()
    assert low.summary()["override_cap_binding_years"] >= 1


@pytest.mark.parametrize("scenario", ["consensus_2021", "doorzettingsmacht_2026",
                                      "keuzematrix", "keuzematrix_doorzettingsmacht"])
def test_no_fo_item_is_adopted_without_the_icbr(scenario) -> None:
    props = cio_sim.CIOModel(scenario, seed=3, overrides={"horizon_weeks": 156}).run() \
        .proposals()
    fo = props[props["fin_org"] & (props["state"] == "adopted")]
    assert len(fo) > 0
    assert (fo["forum"] == "icbr").all() and fo["escalated_icbr"].all()


def test_only_kaders_create_compliance_pairs(dz_runs, km_runs) -> None:
    for m in [*dz_runs, *km_runs]:
        props = m.proposals().set_index("id")
        kinds = props.loc[m.compliance()["proposal_id"], "kind"]
        assert len(kinds) > 0 and (kinds == ItemKind.KADER).all()
        adopted_other = props[(props["state"] == "adopted")
                              & (props["kind"] != ItemKind.KADER)]
        assert len(adopted_other) > 0                  # adopted, but no pairs


def test_central_roadmap_tasks_are_cio_rijks_own_work(dz_runs) -> None:
    props = dz_runs[0].proposals()
    central = props[props["kind"] == ItemKind.CENTRAL_TASK]
    assert len(central) == 19
    assert not set(central["id"]) & set(dz_runs[0].compliance()["proposal_id"])


def test_a_delegates_reserve_is_settled_in_writing_not_a_veto() -> None:
    ms = {s: cio_sim.CIOModel("consensus_2021", seed=0, overrides={
        "cio_beraad.reserve_settlement": s, "horizon_weeks": 156}).run()
        for s in ("next_round", "written_procedure")}
    veto, written = (ms[k].summary() for k in ("next_round", "written_procedure"))
    assert written["overrides"] == 0
    assert written["adopted_per_year"] > veto["adopted_per_year"]


def test_in_2025_the_2021_and_2026_presets_share_voorportalen_and_cxo_roles() -> None:
    """One baseline world: the councils and CxO roles are dated by the sources (ADR:L976,
    Table 3; RK:L541-546), not by the regime; only the advisers' placement differs
    (N26:L11)."""
    old, new = (cio_sim.CIOModel(n, seed=0) for n in ("consensus_2021",
                                                     "doorzettingsmacht_2026"))
    step_2025 = (2025 - old.p["start_year"]) * 52 + 10
    assert old.flow.routes(step_2025) == new.flow.routes(step_2025)
    assert old.flow.routes(step_2025)["data"] == ("CDO-raad",)
    assert old.flow.routes(1)["data"] == ()                 # 2022: no CDO-raad yet
    roles = [{c.code: c.roles_at(step_2025) for c in m.departments} for m in (old, new)]
    assert roles[0] == roles[1] and any(roles[0].values())
    advised = [sum(len(c.advised_domains(step_2025)) for c in m.departments)
               for m in (old, new)]
    assert advised[1] > advised[0]                          # the Besluit places them


def _km(seed: int = 0, **overrides) -> cio_sim.CIOModel:
    return cio_sim.CIOModel("keuzematrix", seed=seed, overrides=overrides or None).run()


def test_q12_routing_keeps_q1_fo_items_in_the_department() -> None:
    """Reading q12_routing (ADR:L608): under 'local' no q1 item goes to the ICBR, q2 F/O
    items do; 'wide' sends q1 F/O items too; 'department' sends none."""
    local, wide, dept = (_km(**{"keuzematrix.q12_routing": r})
                         for r in ("local", "wide", "department"))
    escalated = {}
    for name, m in (("local", local), ("wide", wide), ("department", dept)):
        props = m.proposals()
        fo = props[props["fin_org"] & (props["submitted_step"] >= 0)]
        escalated[name] = {q: int(fo.loc[fo["quadrant"] == q, "escalated_icbr"].sum())
                           for q in ("q1", "q2")}
    assert escalated["local"]["q1"] == 0 and escalated["local"]["q2"] > 0
    assert escalated["wide"]["q1"] > 0
    assert escalated["department"] == {"q1": 0, "q2": 0}
    props = local.proposals()
    q1_fo = props[(props["quadrant"] == "q1") & props["fin_org"]
                  & (props["state"] != "in_department")]
    assert len(q1_fo) > 0 and (q1_fo["state"] == State.HANDLED_LOCALLY).all()


def test_complexity_instruments_reach_only_q4_kaders(km_runs) -> None:
    """ADR:L599: the complexity instruments are 'behulpzaam bij het kwadrant rechtsboven';
    other kaders get the kader force's instrument, a working group's agreement its own."""
    seen = set()
    for m in km_runs:
        comp = m.compliance()
        props = m.proposals().set_index("id")
        quadrant = props.loc[comp["proposal_id"], "quadrant"].to_numpy()
        group = props.loc[comp["proposal_id"], "from_working_group"].to_numpy()
        other = comp[(quadrant != "q4") & ~group]
        assert set(other["instrument"]) <= {"normative_voluntary"}
        seen |= set(comp.loc[quadrant == "q4", "instrument"])
    assert {"normative_pc", "comply_and_explain_checked", "guiding_principles"} <= seen


def test_keuzematrix_with_binding_kaders_differs_from_without() -> None:
    """`by_complexity` combines with `kader_force`: binding makes the q4 normative and
    comply-and-explain kaders binding and checked by CIO Rijk (N26:L15)."""
    free, bound = _km(1), _km(1, **{"regime.kader_force": "binding"})
    fi, bi = set(free.compliance()["instrument"]), set(bound.compliance()["instrument"])
    assert {"normative_binding", "comply_and_explain_binding"} <= bi
    assert not {"normative_binding", "comply_and_explain_binding"} & fi
    assert free.summary() != bound.summary()
    assert bound.compliance()["binding"].mean() > free.compliance()["binding"].mean()


def test_q4_lead_cio_rijk_decides_after_alignment() -> None:
    """Reading q4_lead (ADR:L607): under 'cio_rijk' CIO Rijk prepares q4 papers and decides
    over an objection that remains after the alignment rounds (not a vangnet: no override
    counted), weighing the implementation loss; under 'beraad' the 2021 rule decides and no
    q4 item is adopted over an objection."""
    lead, beraad = _km(0), _km(0, **{"keuzematrix.q4_lead": "beraad"})
    cases = lead.cio_rijk.lead_log
    assert cases and not beraad.cio_rijk.lead_log
    rounds = lead.p["keuzematrix"]["q4_alignment_rounds"]
    props = {p.id: p for p in lead.proposals_by_id.values()}
    for case in cases:
        assert props[case.proposal_id].quadrant == "q4" and case.objections > 0
        assert case.adopted == (case.value - case.cost > lead.p["cio_rijk"]["override_threshold"])
    over = [p for p in props.values() if p.overridden_departments and p.state == "adopted"]
    assert over and all(p.quadrant == "q4" and p.rounds >= rounds for p in over)
    assert lead.summary()["overrides"] == 0
    assert not [p for p in beraad.proposals_by_id.values() if p.overridden_departments]
    # CIO Rijk's preparation: q4 papers arrive riper than under 'beraad' (same arrivals).
    maturity = [sum(p.maturity for p in m.proposals_by_id.values()
                    if p.quadrant == "q4" and p.agenda_appearances) for m in (lead, beraad)]
    assert maturity[0] != maturity[1]
    assert lead.summary()["adopted_per_year"] != beraad.summary()["adopted_per_year"]


def test_ciso_scope_limits_comply_or_explain_to_incident_kaders() -> None:
    """Reading ciso_scope (B21:L1263, art. 14): under 'incidents' only security kaders that
    answer an incident are comply-or-explain; under 'all_security' every security kader."""
    found = {}
    for scope in ("incidents", "all_security"):
        m = cio_sim.CIOModel("consensus_2021", seed=2, overrides={
            "regime.ciso_scope": scope}).run()
        comp = m.compliance()
        props = m.proposals().set_index("id")
        domain = props.loc[comp["proposal_id"], "domain"].to_numpy()
        origin = props.loc[comp["proposal_id"], "origin"].to_numpy()
        security = comp[domain == "security"]
        explain = (security["instrument"] == "comply_and_explain").to_numpy()
        assert (comp.loc[domain != "security", "instrument"] == "normative_voluntary").all()
        if scope == "incidents":
            assert (explain == (origin[domain == "security"] == "incident")).all()
        else:
            assert explain.all()
        found[scope] = int(explain.sum())
    assert found["all_security"] > found["incidents"]


def test_jaaragenda_loss_is_permanent_by_default() -> None:
    """Reading jaaragenda_loss (ADR:L2453 'Sinds de personele wisselingen ... geen
    jaaragenda ... meer gezien'): after the first turnover no jaaragenda returns under
    'permanent'; under 'temporary' it returns."""
    had = {}
    for loss in ("permanent", "temporary"):
        m = cio_sim.CIOModel("consensus_2021", seed=0, overrides={
            "cio_rijk.jaaragenda_loss": loss, "cio_rijk.turnover_per_year": 1.0}).run()
        assert m.cio_rijk.turnovers > 0
        flags = [row[-1] for row in m.history]
        first_loss = flags.index(False)
        had[loss] = any(flags[first_loss:])
    assert had == {"permanent": False, "temporary": True}


def test_escalation_advice_sends_failed_items_outside_digitalisation_to_the_icbr() -> None:
    """Reading escalation_advice (ADR:L579): the advice concerns items on which consensus
    fails; under 'outside_digitalisation' such an item goes to the ICBR instead of stalling
    or being withdrawn, and F/O items go to the ICBR as under 'financial_org'."""
    stalled = {}
    for esc in ("financial_org", "outside_digitalisation"):
        m = cio_sim.CIOModel("consensus_2021", seed=5, overrides={
            "regime.escalation": esc}).run()
        props = m.proposals()
        stalled[esc] = sum(1 for p in m.proposals_by_id.values()
                           if p.outside_digitalisation and p.forum == "cio_beraad"
                           and p.state in (State.STALLED, State.WITHDRAWN))
        fo = props[props["fin_org"] & (props["state"] == "adopted")]
        assert len(fo) > 0 and (fo["forum"] == "icbr").all()
    assert stalled["financial_org"] > 0 and stalled["outside_digitalisation"] == 0


def test_cio_rijk_declines_a_visible_share_and_the_cap_rarely_binds(dz_runs) -> None:
    """Done when: at the defaults CIO Rijk declines a visible share of the cases it could
    take, for reasons in the model, and the yearly cap binds in under a fifth of the
    seed-years."""
    cases = [m.override_cases() for m in dz_runs]
    declined = sum(int((~c["overrode"]).sum()) for c in cases)
    total = sum(len(c) for c in cases)
    assert declined / total > 0.2
    years = sum(m.steps / 52 for m in dz_runs)
    binding = sum(m.summary()["override_cap_binding_years"] for m in dz_runs)
    assert binding / years < 0.2


def test_advisory_voice_counts_the_uitvoeringsorganisaties_only_when_counted() -> None:
    """Reading advisory_voice (ADR:L968): under 'counted' the five uitvoeringsorganisatie
    CIOs take positions in every CIO-beraad tally; under 'advice_only' only the twelve
    departments do, and the outcomes differ."""
    seats, summaries = {}, {}
    for voice, value in (("counted", True), ("advice_only", False)):
        m = cio_sim.CIOModel("consensus_2021", seed=0, overrides={
            "regime.advisory_members": value, "horizon_weeks": 156}).run()
        seats[voice] = len(m.cio_beraad.members)
        summaries[voice] = m.summary()
    assert seats == {"counted": 17, "advice_only": 12}
    assert summaries["counted"]["adopted_per_year"] != summaries["advice_only"][
        "adopted_per_year"]


def test_agenda_order_puts_urgent_items_first_only_under_urgency() -> None:
    """Reading agenda_order (ADR:L2237): under 'urgency' incident and parliamentary items
    wait less for their first agenda slot than the others; under 'fifo' that lead shrinks."""
    lead = {}
    for order in ("urgency", "fifo"):
        m = cio_sim.CIOModel("consensus_2021", seed=1, overrides={
            "cio_beraad.prioritisation": order}).run()
        first = m.agenda().groupby("proposal_id")["step"].min()
        props = m.proposals_by_id
        waits = {True: [], False: []}
        for pid, step in first.items():
            p = props[pid]
            waits[p.urgent].append(step - p.submitted_step)
        assert waits[True] and waits[False]
        lead[order] = (sum(waits[False]) / len(waits[False])
                       - sum(waits[True]) / len(waits[True]))
    assert lead["urgency"] > lead["fifo"]


def test_escalation_advice_reaches_the_keuzematrix_working_groups() -> None:
    """ADR:L579 concerns every item on which consensus is not possible, also in a q3 working
    group: under 'outside_digitalisation' no such item stalls there; it goes to the ICBR."""
    failed = {}
    for esc in ("financial_org", "outside_digitalisation"):
        m = cio_sim.CIOModel("keuzematrix", seed=0, overrides={"regime.escalation": esc})
        m.run()
        items = m.proposals_by_id.values()
        failed[esc] = (
            sum(1 for p in items if p.outside_digitalisation and p.forum == "working_group"
                and p.state == State.STALLED),
            sum(1 for p in items if p.outside_digitalisation and p.escalated_icbr))
    assert failed["financial_org"][0] > 0
    assert failed["outside_digitalisation"][0] == 0
    assert failed["outside_digitalisation"][1] > failed["financial_org"][1]
