"""The CIO-beraad: CIO Rijk's agenda, the members' preparation, the tally and the verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from ..proposals import Proposal
from ..types import Action, AgendaRow, AttendanceRow, ForumName, State, Tally, Verdict
from .base import Forum, count_positions, dilute

if TYPE_CHECKING:
    from ..agents import AdvisoryCIO, CIORijk, DepartmentalCIO
    from ..flow import Flow
    from ..regimes import DecisionRule, Escalation, Prioritisation

REDISCUSSED = "rediscussed"    # agenda outcome of an unripe item


class CIOBeraad(Forum):
    """Meets every `cio_beraad.interval_weeks`; decides ripe items by the regime's decision
    rule and sends unripe ones back (ADR:L986). `queue` holds the items ready for a slot."""

    name = ForumName.CIO_BERAAD

    def __init__(self, model: mesa.Model, flow: Flow, cio_rijk: CIORijk,
                 departments: list[DepartmentalCIO], advisory: list[AdvisoryCIO],
                 rule: DecisionRule, escalation: Escalation, prioritisation: Prioritisation):
        super().__init__(model, flow)
        self.cio_rijk = cio_rijk
        self.departments = departments
        self.advisory = advisory
        self.members = [*departments, *advisory]
        self.rule = rule
        self.escalation = escalation
        self.prioritisation = prioritisation
        self.p: dict[str, Any] = model.p["cio_beraad"]
        self.queue: list[Proposal] = []
        self.agenda_log: list[AgendaRow] = []
        self.attendance: list[AttendanceRow] = []

    def admit(self, proposal: Proposal) -> None:
        """Prepared: wait for an agenda slot."""
        self.flow.transition(proposal, State.READY)
        proposal.ready_step = self.model.steps
        self.queue.append(proposal)

    def step(self) -> None:
        """A meeting: agenda, preparation, re-discussion or decision per item."""
        cb = self.p
        if self.model.steps % cb["interval_weeks"] or not self.queue:
            return
        agenda = self.cio_rijk.fill_agenda(self.queue, cb["slots"], cb["strategic_slots"],
                                           self.prioritisation)
        on_agenda = set(map(id, agenda))
        self.queue = [p for p in self.queue if id(p) not in on_agenda]
        reviewed_by = self.prepare(agenda)
        self.flow.record_meeting(cb["meeting_hours"] * (len(self.members) + 1))
        for pos_in_agenda, prop in enumerate(agenda):
            self.flow.transition(prop, State.ON_AGENDA)
            prop.agenda_appearances += 1
            if prop.maturity < cb["maturity_required"]:
                self.rediscuss(prop)
                continue
            prop.rounds += 1
            reviewed = [reviewed_by[c.index][pos_in_agenda] for c in self.departments]
            reviewed += [True] * len(self.advisory)
            tally = count_positions(prop, self.members, reviewed,
                                    self.flow.contexts[prop.id])
            verdict = self.rule.decide(prop, tally)
            self.agenda_log.append(AgendaRow(
                self.model.steps, prop.id, prop.strategic, prop.origin, True, verdict.action,
                tally.object, tally.reserve, verdict.by_cio_rijk))
            self.apply(prop, tally, verdict)

    def prepare(self, agenda: list[Proposal]) -> dict[int, list[bool]]:
        """Each departmental CIO prepares (or sends a delegate); per item, was it reviewed."""
        step, hours = self.model.steps, self.p["meeting_hours"]
        reviewed_by = {}
        for cio in self.departments:
            reviewed_by[cio.index] = cio.prepare(agenda, hours)
            self.attendance.append(AttendanceRow(step, cio.code, cio.fulltime, cio.delegated))
        return reviewed_by

    def rediscuss(self, prop: Proposal) -> None:
        """Unripe: re-discussed at operational-tactical level, back for rework (ADR:L986)."""
        prop.maturity += self.p["rediscussion_gain"] * (1.0 - prop.maturity)
        self.agenda_log.append(AgendaRow(self.model.steps, prop.id, prop.strategic,
                                         prop.origin, False, REDISCUSSED, 0, 0, False))
        self.flow.send_to_rework(prop, None)

    def apply(self, prop: Proposal, tally: Tally, verdict: Verdict) -> None:
        """Carry out a verdict: close, escalate, keep waiting or compromise."""
        flow, action = self.flow, verdict.action
        if action == Action.ADOPT:
            if verdict.by_cio_rijk:
                prop.overridden = True
            if verdict.over_objections:
                prop.overridden_departments = tuple(sorted({*tally.objectors,
                                                            *tally.reservers}))
            if self.escalation.needs_icbr(prop):
                flow.escalate(prop)
            else:
                flow.close(prop, State.ADOPTED, self.name)
        elif action == Action.REJECT:
            prop.overridden = verdict.by_cio_rijk
            flow.close(prop, State.REJECTED, self.name)
        elif action == Action.STALL:
            flow.close(prop, State.STALLED, self.name)
        elif action == Action.DEFER:
            flow.transition(prop, State.READY)      # keeps its place in the queue
            self.queue.append(prop)
        else:                                  # rework after an objection: compromise
            dilute(prop, self.p["dilution"])
            if prop.ambition < self.p["min_ambition"]:
                flow.close(prop, State.WITHDRAWN, self.name)
            else:
                flow.send_to_rework(prop, None)
