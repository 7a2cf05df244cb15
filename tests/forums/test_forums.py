"""Each forum owns its meeting, queue and decisions."""

from __future__ import annotations

import cio_sim
from cio_sim.forums import count_positions
from cio_sim.types import Action, ForumName, State, Tally, Verdict
from tests.test_regimes import make_proposal


def fresh(scenario: str = "consensus_2021", **overrides) -> cio_sim.CIOModel:
    return cio_sim.CIOModel(scenario, seed=2, overrides={"horizon_weeks": 30, **overrides})


def admitted(model: cio_sim.CIOModel, **kw):
    prop = make_proposal(id=10_000 + len(model.flow.proposals_by_id), **kw)
    model.flow.proposals_by_id[prop.id] = prop
    model.flow.contexts[prop.id] = tuple([0.0] * len(model.members))
    model.flow.state_counts[prop.state] += 1
    return prop


def test_the_tally_counts_every_member_once() -> None:
    model = fresh()
    prop = admitted(model)
    tally = count_positions(prop, model.members, [True] * len(model.members),
                            model.flow.contexts[prop.id])
    assert tally.members == len(model.members)
    assert len(tally.objectors) <= tally.object         # advisory seats have no index
    assert all(0 <= i < len(model.departments) for i in tally.objectors + tally.reservers)


def test_verdict_fields_are_applied_separately() -> None:
    model = fresh("doorzettingsmacht_2026")
    cb = model.cio_beraad
    tally = Tally(10, 2, 1, 4, (0, 3), (5,))
    rejected = admitted(model, fin_org=False)
    cb.apply(rejected, tally, Verdict(Action.REJECT))
    assert not rejected.overridden and rejected.overridden_departments == ()
    assert rejected.state == State.REJECTED and rejected.forum == ForumName.CIO_BERAAD
    adopted = admitted(model, fin_org=False)
    cb.apply(adopted, tally, Verdict(Action.ADOPT, by_cio_rijk=True, over_objections=True))
    assert adopted.overridden and adopted.overridden_departments == (0, 3, 5)
    assert [r.proposal_id for r in model.cio_rijk.override_log] == [adopted.id]
    plain = admitted(model, fin_org=False)
    cb.apply(plain, tally, Verdict(Action.ADOPT, over_objections=True))
    assert not plain.overridden and plain.overridden_departments == (0, 3, 5)


def test_the_cio_beraad_escalates_what_the_regime_sends_to_the_icbr() -> None:
    model = fresh()
    prop = admitted(model, fin_org=True)
    model.cio_beraad.apply(prop, Tally(17, 0, 0, 0, (), ()), Verdict(Action.ADOPT))
    assert prop.state == State.ESCALATED and prop in model.icbr.queue


def test_the_icbr_records_its_meeting_hours_in_the_flow() -> None:
    model = fresh(**{"icbr.interval_weeks": 1})
    before = model.flow.meeting_hours
    model.icbr.admit(admitted(model))
    model.icbr.step()
    hours = model.p["cio_beraad"]["meeting_hours"]
    assert model.flow.meeting_hours - before == hours * (len(model.psg_cios) + 1)
    assert model.icbr.meetings == 1 and not model.icbr.queue


def test_the_working_group_decides_by_its_named_rule() -> None:
    model = fresh("keuzematrix", **{"working_group.interval_weeks": 1,
                                    "positions.noise_sd": 0.0,
                                    "keuzematrix.q3_outcome": "confirm"})
    assert model.working_group.rule.name == "no_objection"
    assert model.working_group.rule.max_rounds == model.p["working_group"]["max_rounds"]
    easy = admitted(model, prescriptiveness=0.0, affected=(0, 1))
    model.working_group.admit(easy)
    model.working_group.step()
    # Agreed, under the "confirm" reading: back to the CIO-beraad, which confirms it.
    assert easy.state == State.READY and easy.from_working_group
    assert easy in model.cio_beraad.queue


def test_departmental_and_community_closures_use_the_calendar() -> None:
    model = fresh("keuzematrix")
    dept = admitted(model, affected=(0,), impact=0.1, fin_org=False)
    model.flow.forums[ForumName.COMMUNITY].admit(dept)
    assert dept.state == State.IN_DEPARTMENT
    due = [step for step, items in model.flow.calendar.items()
           if any(item is dept for _, item in items)]
    assert len(due) == 1
    model.flow.run_calendar(due[0])
    assert dept.state == State.HANDLED_LOCALLY and dept.forum == ForumName.COMMUNITY
