"""A new regime part is one class: a qualified-majority rule defined here, outside the
package, registered, named in a scenario file and used by both deciding forums."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

import cio_sim
from cio_sim.proposals import Proposal
from cio_sim.regimes import DECISION_RULES, DecisionRule, register_part
from cio_sim.types import Action, Tally, Verdict


class QualifiedMajority(DecisionRule):
    """Adopt with two thirds of the votes cast in favour; else compromise or stall."""

    name = "test_qualified_majority"
    calls: ClassVar[list[int]] = []

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        QualifiedMajority.calls.append(self.max_rounds)
        cast = tally.support + tally.object
        if cast and tally.support >= 2 / 3 * cast:
            return Verdict(Action.ADOPT, over_objections=tally.object > 0)
        if proposal.rounds >= self.max_rounds:
            return Verdict(Action.STALL)
        return Verdict(Action.REWORK)


@pytest.fixture
def registered() -> Iterator[type[DecisionRule]]:
    register_part(QualifiedMajority)
    QualifiedMajority.calls.clear()
    yield QualifiedMajority
    DECISION_RULES.unregister(QualifiedMajority.name)


def test_a_rule_defined_outside_the_package_runs_from_a_scenario_file(registered,
                                                                       tmp_path) -> None:
    path = tmp_path / "qualified.toml"
    path.write_text('name = "qualified"\nextends = "keuzematrix"\nhorizon_weeks = 104\n'
                    '[regime]\ndecision_rule = "test_qualified_majority"\n'
                    'working_group_rule = "test_qualified_majority"\n'
                    # q4 by the CIO-beraad's rule, not in CIO Rijk's lead (ADR:L607)
                    '[keuzematrix]\nq4_lead = "beraad"\n')
    scenario = cio_sim.load_scenario(path)
    model = cio_sim.CIOModel(scenario, seed=3).run()
    cb_rounds = scenario.values["cio_beraad"]["max_rounds"]
    wg_rounds = scenario.values["working_group"]["max_rounds"]
    assert {cb_rounds, wg_rounds} <= set(registered.calls)   # both forums used it
    assert model.working_group.rule.name == model.cio_beraad.rule.name == registered.name
    baseline = cio_sim.CIOModel("keuzematrix", seed=3,
                                overrides={"horizon_weeks": 104}).run()
    # Same arrivals (scale-ups of q2 experiments follow the outcomes, so they are left out).
    arrivals = [m.proposals().query("origin != 'scale_up'")["id"].size
                for m in (model, baseline)]
    assert arrivals[0] == arrivals[1]
    adopted = model.proposals().query("state == 'adopted' and forum == 'cio_beraad'")
    assert len(adopted) > 0


def test_an_unregistered_name_is_one_clear_error(tmp_path) -> None:
    path = tmp_path / "unknown.toml"
    path.write_text('name = "unknown"\n[regime]\ndecision_rule = "test_qualified_majority"\n')
    with pytest.raises(cio_sim.ScenarioError, match=r"regime\.decision_rule"):
        cio_sim.load_scenario(path)


def test_a_part_must_subclass_its_kind_and_have_a_unique_name(registered) -> None:
    class NotARule:
        name = "not_a_rule"
    with pytest.raises(TypeError):
        DECISION_RULES.register(NotARule)

    class Twin(DecisionRule):
        name = registered.name

        def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
            return Verdict(Action.ADOPT)
    with pytest.raises(ValueError, match="already registered"):
        register_part(Twin)


def test_an_abstract_part_cannot_be_built() -> None:
    class Incomplete(DecisionRule):
        name = "incomplete"
    model = cio_sim.CIOModel("consensus_2021", seed=0, overrides={"horizon_weeks": 1})
    with pytest.raises(TypeError):
        Incomplete(model)
