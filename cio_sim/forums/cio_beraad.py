"""The CIO-beraad: CIO Rijk's agenda, the members' preparation, the tally and the verdicts."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from ..lazy_mesa import mesa
from ..proposals import Proposal
from ..types import (
    Action,
    AgendaRow,
    AttendanceRow,
    ForumName,
    State,
    Tally,
    Verdict,
)
from .base import Forum, dilute

if TYPE_CHECKING:
    from ..agents import AdvisoryCIO, CIORijk, DepartmentalCIO
    from ..flow import Flow
    from ..regimes import DecisionRule, Escalation, Prioritisation, ReserveSettlement
    from .tally import Seats

REDISCUSSED = "rediscussed"    # agenda outcome of an unripe item


class CIOBeraad(Forum):
    """Meets every `cio_beraad.interval_weeks`; decides ripe items by the regime's decision
    rule and sends unripe ones back (ADR:L986). `queue` holds the items ready for a slot."""

    name = ForumName.CIO_BERAAD

    def __init__(self, model: mesa.Model, flow: Flow, cio_rijk: CIORijk,
                 departments: list[DepartmentalCIO], advisory: list[AdvisoryCIO],
                 rule: DecisionRule, escalation: Escalation, prioritisation: Prioritisation,
                 seats: Seats, settlement: ReserveSettlement,
                 lead_rule: DecisionRule | None = None):
        super().__init__(model, flow)
        self.seats = seats
        self.cio_rijk = cio_rijk
        self.departments = departments
        self.advisory = advisory
        self.members = [*departments, *advisory]
        self.rule = rule
        #: The rule for items the routing puts in CIO Rijk's lead (keuzematrix q4, ADR:L607).
        self.lead_rule = lead_rule or rule
        self.escalation = escalation
        self.prioritisation = prioritisation
        self.settlement = settlement
        self.p: dict[str, Any] = model.p["cio_beraad"]
        self.queue: list[Proposal] = []
        self.agenda_log: list[AgendaRow] = []
        self.attendance: list[AttendanceRow] = []
        self.report_load = 0.0        # slots' worth of working-group reports not yet heard
        self.report_slots = 0         # slots given to working-group reports so far
        #: Items a q3 working group agreed that the CIO-beraad then diluted, rejected,
        #: stalled or withdrew (possible only under keuzematrix.q3_outcome "confirm").
        self.group_agreements_changed: set[int] = set()

    def admit(self, proposal: Proposal) -> None:
        """Prepared: wait for an agenda slot."""
        self.flow.transition(proposal, State.READY)
        proposal.ready_step = self.model.steps
        self._enqueue(proposal)

    def _enqueue(self, proposal: Proposal) -> None:
        """Into the waiting list, in the prioritisation's order when it has a sort key."""
        key = self.prioritisation.key
        if key is None:
            self.queue.append(proposal)
        else:                                  # after the items with an equal key
            bisect.insort_right(self.queue, proposal, key=key)

    def add_report(self, share: float) -> None:
        """A working group's progress report waits for the next meeting, taking `share` of
        an agenda slot (ADR:L607 'koppel regelmatig de inhoudelijke voortgang terug')."""
        self.report_load += share

    def step(self) -> None:
        """A meeting: reports, agenda, preparation, re-discussion or decision per item."""
        cb = self.p
        if not self.queue or self.model.steps % cb["interval_weeks"]:
            return
        slots = cb["slots"]
        if self.report_load >= 1.0:            # whole slots of reports are heard first
            used = min(slots - 1, int(self.report_load))
            self.report_load -= used
            self.report_slots += used
            slots -= used
        ordered = self.prioritisation.key is not None
        agenda = self.cio_rijk.fill_agenda(self.queue, slots, cb["strategic_slots"],
                                           None if ordered else self.prioritisation)
        on_agenda = set(map(id, agenda))
        if ordered and all(id(p) in on_agenda for p in self.queue[:len(agenda)]):
            del self.queue[:len(agenda)]           # the usual case: the head of the list
        else:
            self.queue = [p for p in self.queue if id(p) not in on_agenda]
        reviewed_by_seat = self.prepare(agenda)
        self.flow.record_meeting(cb["meeting_hours"] * (len(self.members) + 1))
        tallies = iter(self.tally(agenda, reviewed_by_seat))
        flow, log = self.flow, self.agenda_log
        step, required = self.model.steps, cb["maturity_required"]
        for prop in agenda:
            flow.transition(prop, State.ON_AGENDA)
            prop.agenda_appearances += 1
            if prop.maturity < required:
                self.rediscuss(prop)
                continue
            prop.rounds += 1
            tally = next(tallies)
            verdict = self.rule_for(prop).decide(prop, tally)
            log.append(AgendaRow(step, prop.id, prop.strategic, prop.origin, True,
                                 verdict.action, tally.object, tally.reserve,
                                 verdict.by_cio_rijk))
            self.apply(prop, tally, verdict)

    def rule_for(self, prop: Proposal) -> DecisionRule:
        """The CIO-beraad's rule, or CIO Rijk's lead where the routing gives it the item."""
        return self.lead_rule if self.flow.routing.cio_rijk_leads(prop) else self.rule

    def tally(self, agenda: list[Proposal], reviewed_by_seat: list[list[bool]]) -> list[Tally]:
        """Every member's position on every ripe item of the agenda, counted per item (one
        block of draws per meeting; the positions do not depend on the other verdicts)."""
        required = self.p["maturity_required"]
        ripe = [j for j, prop in enumerate(agenda) if prop.maturity >= required]
        if not ripe:
            return []
        z, u = self.seats.draws(len(ripe), len(self.members))
        delegated = [c.delegated for c in self.departments] + [False] * len(self.advisory)
        reviewed_by_item = list(zip(*reviewed_by_seat, strict=True))  # per item, per seat
        contexts = self.flow.contexts
        props = [agenda[j] for j in ripe]
        return self.seats.tally_block(props, [contexts[prop.id] for prop in props],
                                      [reviewed_by_item[j] for j in ripe], delegated, z, u)

    def prepare(self, agenda: list[Proposal]) -> list[list[bool]]:
        """Each departmental CIO prepares (or sends a delegate); per seat (`members` are in
        seat order), per item, was the paper reviewed (advisers: every paper)."""
        step, hours = self.model.steps, self.p["meeting_hours"]
        domains = [item.domain for item in agenda]
        reviewed_by_seat = []
        attendance = self.attendance
        for cio in self.departments:
            reviewed_by_seat.append(cio.prepare(agenda, hours, domains))
            attendance.append(AttendanceRow(step, cio.code, cio.fulltime, cio.delegated))
        everything = [True] * len(agenda)       # members who do not prepare: reviewed
        reviewed_by_seat.extend(everything for _ in self.advisory)
        return reviewed_by_seat

    def rediscuss(self, prop: Proposal) -> None:
        """Unripe: re-discussed at operational-tactical level, back for rework (ADR:L986)."""
        prop.maturity += self.p["rediscussion_gain"] * (1.0 - prop.maturity)
        self.agenda_log.append(AgendaRow(self.model.steps, prop.id, prop.strategic,
                                         prop.origin, False, REDISCUSSED, 0, 0, False))
        self.flow.send_to_rework(prop, None)

    def apply(self, prop: Proposal, tally: Tally, verdict: Verdict) -> None:
        """Carry out a verdict: close, escalate, keep waiting or compromise."""
        flow, action = self.flow, verdict.action
        if prop.from_working_group and action not in (Action.ADOPT, Action.DEFER):
            self.group_agreements_changed.add(prop.id)
        if action == Action.ADOPT:
            if verdict.by_cio_rijk:
                self.cio_rijk.record_override(prop, tally)
            if verdict.delay_weeks:            # the ministerial route: decided later
                flow.transition(prop, State.ESCALATED)
                flow.schedule(verdict.delay_weeks, self._adopt, (prop, tally, verdict))
            else:
                self._adopt((prop, tally, verdict))
        elif action == Action.REJECT:
            flow.close(prop, State.REJECTED, self.name)
        elif action == Action.STALL:
            if self.escalation.escalates_failed(prop):   # ADR:L579: to the ICBR instead
                flow.escalate(prop)
            else:
                flow.close(prop, State.STALLED, self.name)
        elif action == Action.DEFER:
            weeks = self.settlement.written_weeks(prop) if tally.reserve else None
            if weeks is None and prop.rounds >= self.rule.max_rounds:
                flow.close(prop, State.STALLED, self.name)
            elif weeks is None:
                flow.transition(prop, State.READY)      # keeps its place in the queue
                self._enqueue(prop)
            else:                              # a written procedure settles the reserve
                flow.schedule(weeks, self._written_round, (prop, tally))
        else:                                  # rework after an objection: compromise
            dilute(prop, self.p["dilution"])
            if prop.ambition < self.p["min_ambition"]:
                if self.escalation.escalates_failed(prop):   # ADR:L579, as a stall
                    flow.escalate(prop)
                else:
                    flow.close(prop, State.WITHDRAWN, self.name)
            else:
                flow.send_to_rework(prop, None)

    def _adopt(self, item: tuple[Proposal, Tally, Verdict]) -> None:
        prop, tally, verdict = item
        if verdict.by_cio_rijk:
            prop.overridden = True
        if verdict.over_objections:
            prop.overridden_departments = tuple(sorted({*tally.objectors, *tally.reservers}))
        if self.escalation.needs_icbr(prop):
            self.flow.escalate(prop)
        else:
            self.flow.close(prop, State.ADOPTED, self.name)

    def _written_round(self, item: tuple[Proposal, Tally]) -> None:
        """The CIOs whose delegates reserved answer in writing; the rule decides on the
        completed tally (no new round)."""
        prop, tally = item
        n = len(tally.reservers)
        z, u = self.seats.draws(1, n)
        seats = [self.departments[idx].seat for idx in tally.reservers]
        # `DepartmentalCIO.written_position` for each of them, counted in one call.
        answers = self.seats.tally(prop, self.flow.contexts[prop.id], seats, [True] * n,
                                   [False] * n, z[0], u[0])
        written = Tally(tally.support + answers.support, tally.abstain + answers.abstain, 0,
                        tally.object + answers.object,
                        tuple(sorted(tally.objectors + answers.objectors)), ())
        verdict = self.rule_for(prop).decide(prop, written)
        self.apply(prop, written, verdict)      # not an agenda slot: no agenda row
