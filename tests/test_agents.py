"""Agents: attention and delegation, positions, voorportaal maturing, agenda setting."""

import pytest

import cio_sim
from cio_sim import regimes
from cio_sim.agents import ABSTAIN, OBJECT, RESERVE, SUPPORT
from tests.test_regimes import make_proposal


def fresh(scenario: str = "consensus_2021", **overrides) -> cio_sim.CIOModel:
    return cio_sim.CIOModel(scenario, seed=3, overrides={"horizon_weeks": 20, **overrides})


def cio(model, code):
    return next(c for c in model.departments if c.code == code)


def test_parttime_cio_runs_out_of_attention_and_sends_a_delegate() -> None:
    model = fresh()
    model.steps = 4                                  # four weeks of budget accrued
    agenda = [make_proposal(id=i) for i in range(8)]
    fin, bz = cio(model, "FIN"), cio(model, "BZ")
    fin.prepare(agenda, meeting_hours=3.0)
    bz.prepare(agenda, meeting_hours=3.0)
    assert fin.weekly_hours < bz.weekly_hours
    assert fin.delegated and not bz.delegated
    assert bz.hours_used > 0 and fin.hours_used == 0


def test_time_in_the_icbr_comes_out_of_the_cio_beraad_budget() -> None:
    model = fresh(**{"attention.rijksbreed_share": 0.5})
    model.steps = 4
    agenda = [make_proposal(id=i) for i in range(2)]
    fin = cio(model, "FIN")
    fin.prepare(agenda, meeting_hours=3.0)
    assert not fin.delegated
    model.steps = 8
    fin.spend(20.0)
    fin.prepare(agenda, meeting_hours=3.0)
    assert fin.delegated


def test_a_delegate_often_cannot_commit() -> None:
    model = fresh(**{"attention.delegate_commit_prob": 0.0, "positions.noise_sd": 0.0})
    fin = cio(model, "FIN")
    fin.delegated = True
    item = make_proposal(prescriptiveness=0.0)
    assert fin.position(item, 1.0, 0.0, reviewed=False) == RESERVE


def test_positions_follow_benefit_against_fit() -> None:
    model = fresh(**{"positions.noise_sd": 0.0})
    bz = cio(model, "BZ")
    easy = make_proposal(prescriptiveness=0.0)
    hard = make_proposal(prescriptiveness=1.0)
    assert bz.position(easy, 1.0, 0.0, True) == SUPPORT
    assert bz.position(hard, 1.0, 3.0, True) == OBJECT
    assert bz.utility(hard, 1.0, 0.0) < bz.utility(easy, 1.0, 0.0)


def test_unaffected_members_rarely_object() -> None:
    model = fresh(**{"positions.noise_sd": 0.0})
    bz = cio(model, "BZ")
    hard = make_proposal(prescriptiveness=1.0, affected=(5,))
    stake = bz.stake(hard, bz.index)
    assert stake < 1
    assert bz.position(hard, stake, 0.5, True) in (ABSTAIN, SUPPORT)
    assert bz.position(hard, 1.0, 0.5, True) == OBJECT


def test_def_abstains_on_weapon_systems() -> None:
    model = fresh()
    defensie = cio(model, "DEF")
    item = make_proposal(weapon_systems=True, prescriptiveness=1.0)
    assert all(defensie.position(item, 1.0, 3.0, True) == ABSTAIN for _ in range(20))


def test_clout_and_attention_follow_the_adr_table() -> None:
    model = fresh()
    assert cio(model, "DEF").clout > cio(model, "SZW").clout      # BR seat, under SG
    assert cio(model, "BZ").weekly_hours == pytest.approx(36 * 1.0 * 0.25)
    assert cio(model, "FIN").weekly_hours == pytest.approx(36 * 0.2 * 0.25)


def test_a_better_voorportaal_matures_items_more_and_reworks_less() -> None:
    model = fresh()
    ciso, cto = model.voorportalen["CISO-raad"], model.voorportalen["CTO-raad"]
    a, b = make_proposal(id=0, maturity=0.3), make_proposal(id=1, maturity=0.3)
    for vp, item in ((ciso, a), (cto, b)):
        model.proposals_by_id[item.id] = item
        model.state_counts[item.state] += 1
        item.route = ["vooroverleg"]
        vp.admit(item)
        vp.treat(item)
    assert a.maturity > b.maturity
    assert ciso.reworks == 0 and cto.reworks == 1
    assert a.state == "in_voorportaal" and b.state == "rework"


def test_agenda_urgency_first_with_a_strategic_slot() -> None:
    model = fresh()
    waiting = [make_proposal(id=0, origin="departmental", strategic=False, ready_step=1),
               make_proposal(id=1, origin="roadmap", strategic=True, ready_step=5),
               make_proposal(id=2, origin="incident", strategic=False, ready_step=9),
               make_proposal(id=3, origin="parliamentary", strategic=False, ready_step=8)]
    agenda = model.cio_rijk.fill_agenda(waiting, slots=3, strategic_slots=1,
                                        prioritisation=regimes.Urgency())
    assert [p.id for p in agenda] == [1, 3, 2]
    fifo = model.cio_rijk.fill_agenda(waiting, slots=2, strategic_slots=0,
                                      prioritisation=regimes.Fifo())
    assert [p.id for p in fifo] == [0, 1]


def test_turnover_of_cio_rijk_suspends_the_jaaragenda() -> None:
    model = fresh(**{"cio_rijk.turnover_per_year": 12.0,
                     "cio_rijk.turnover_disruption_weeks": 10})
    seen = []
    for _ in range(20):
        model.step()
        seen.append(model.cio_rijk.has_jaaragenda)
    assert model.cio_rijk.turnovers > 0 and not all(seen)


@pytest.mark.parametrize("cdo_from, table3", [(2022.75, 2024.0), (2021 + 40 / 52, 2021.5),
                                              (2019.0, 2100.0), (2023 + 1e-9, 2023.0)])
@pytest.mark.parametrize("advisers", [False, True])
def test_advised_domains_at_every_step_are_the_roles_then(cdo_from, table3, advisers) -> None:
    """The advised domains, worked out once per run as steps from which each holds, are
    those of the roles at every step (a date on a week's boundary included)."""
    model = fresh(**{"cxo.cdo_from_year": cdo_from, "cxo.table3_year": table3,
                     "regime.advisers": advisers})
    for c in model.departments:
        for step in range(0, 52 * 6):
            assert c.advised_domains(step) == c._advised_at(step), (c.code, step)


def test_first_step_in_is_the_first_step_of_that_year() -> None:
    from cio_sim.institutions import first_step_in, year_of_step

    for start in (2021, 2025):
        for k in range(0, 400):
            for year in (start + k / 52, start + k / 52 + 1e-12, start + k / 52 - 1e-12):
                s = first_step_in(start, year)
                assert year_of_step(start, s) >= year
                assert s == 0 or year_of_step(start, s - 1) < year
