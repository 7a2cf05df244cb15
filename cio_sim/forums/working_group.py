"""Keuzematrix q3: working groups of the affected departments (ADR:L607)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_mesa import mesa
from ..proposals import Proposal
from ..types import Action, ForumName, State, Tally
from .base import Forum, dilute

if TYPE_CHECKING:
    from ..agents import DepartmentalCIO
    from ..flow import Flow
    from ..regimes import DecisionRule
    from .tally import Seats


class WorkingGroup(Forum):
    """q3: "Relevant voor CIO-beraad. Maak werkgroepen en koppel regelmatig de inhoudelijke
    voortgang terug in het CIO Beraad" (ADR:L607). The affected departments meet every
    `working_group.interval_weeks`; each meeting costs their CIOs attention. An unripe paper
    is worked on first; a ripe one is decided by `regime.working_group_rule`. What the group
    agrees is the decision, reported to the CIO-beraad at the cost of a share of an agenda
    slot (`keuzematrix.q3_outcome = "inform"`), or goes back to the CIO-beraad, which
    confirms it by its own rule (`"confirm"`). F/O items go on to the ICBR (ADR:L994); an
    item the group cannot agree on stalls, or goes to the ICBR under ADR:L579's advice."""

    name = ForumName.WORKING_GROUP

    def __init__(self, model: mesa.Model, flow: Flow, departments: list[DepartmentalCIO],
                 rule: DecisionRule, seats: Seats):
        super().__init__(model, flow)
        self.seats = seats
        self.departments = departments
        self.rule = rule
        wg = model.p["working_group"]
        self.interval = wg["interval_weeks"]
        self.hours = wg["meeting_hours"]
        self.gain = wg["maturity_gain"]
        self.ripe = model.p["cio_beraad"]["maturity_required"]
        self.dilution = model.p["cio_beraad"]["dilution"]
        self.confirm = model.p["keuzematrix"]["q3_outcome"] == "confirm"
        self.report_share = wg["report_slot_share"]
        self.agreed = 0
        self.queue: list[Proposal] = []

    def admit(self, proposal: Proposal) -> None:
        self.flow.transition(proposal, State.IN_WORKING_GROUP)
        self.queue.append(proposal)

    def step(self) -> None:
        if self.model.steps % self.interval or not self.queue:
            return
        batch, self.queue = self.queue, []
        flow, departments, hours = self.flow, self.departments, self.hours
        ripe = []
        for prop in batch:
            affected = prop.affected
            for i in affected:
                departments[i].spend(hours)    # the group's meeting comes out of the budget
            flow.record_meeting(hours * len(affected))
            if prop.maturity < self.ripe:      # the group works the paper out first
                prop.maturity += self.gain * (1.0 - prop.maturity)
                self.queue.append(prop)
            else:
                ripe.append(prop)
        for prop, tally in zip(ripe, self.tally(ripe), strict=True):
            prop.rounds += 1
            action = self.rule.decide(prop, tally).action
            if action == Action.ADOPT:
                self.agreed += 1
                prop.from_working_group = True
                if self.confirm:               # back to the CIO-beraad, which confirms
                    prop.rounds = 0
                    flow.forums[ForumName.CIO_BERAAD].admit(prop)
                else:
                    self.inform(prop)
            elif action == Action.REJECT:
                flow.close(prop, State.REJECTED, self.name)
            elif action == Action.STALL:
                self.fail(prop)
            else:                  # rework: a compromise, back next meeting; defer: as it is
                if action == Action.REWORK:
                    dilute(prop, self.dilution)
                self.queue.append(prop)

    def fail(self, prop: Proposal) -> None:
        """The group cannot agree: the item stalls, or, under the ADR's advice for items on
        which consensus is not possible (`regime.escalation = "outside_digitalisation"`,
        ADR:L579), goes to the ICBR when it falls outside digitalisation, as it would from
        the CIO-beraad."""
        if self.flow.escalation.escalates_failed(prop):
            prop.forum = self.name
            self.flow.escalate(prop)
        else:
            self.flow.close(prop, State.STALLED, self.name)

    def inform(self, prop: Proposal) -> None:
        """The group's agreement is the decision; its progress is reported to the
        CIO-beraad (a share of an agenda slot); F/O items still go to the ICBR."""
        flow = self.flow
        flow.forums[ForumName.CIO_BERAAD].add_report(self.report_share)
        if flow.escalation.needs_icbr(prop):
            prop.forum = self.name
            flow.escalate(prop)
        else:
            flow.close(prop, State.ADOPTED, self.name)

    def tally(self, batch: list[Proposal]) -> list[Tally]:
        """The affected departments' positions on every item of the meeting (one block of
        draws per meeting, one row per item over all departments; a department's draw is
        used only where it is affected). A CIO who sent a delegate to the last CIO-beraad
        is taken to delegate here too."""
        if not batch:
            return []
        departments, tally = self.departments, self.seats.tally
        z, u = self.seats.draws(len(batch), len(departments))
        contexts = self.flow.contexts
        out = []
        for prop, zr, ur in zip(batch, z, u, strict=True):
            affected = prop.affected
            members = [departments[i] for i in affected]
            out.append(tally(prop, contexts[prop.id], [d.seat for d in members],
                             [True] * len(members), [d.delegated for d in members],
                             [zr[i] for i in affected], [ur[i] for i in affected]))
        return out
