"""CIOModel: the CIO-stelsel Rijksdienst as a Mesa model, one step per week."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import metrics
from .agents import (
    ABSTAIN,
    ICBR,
    OBJECT,
    RESERVE,
    SUPPORT,
    AdvisoryCIO,
    CIORijk,
    DepartmentalCIO,
    Voorportaal,
)
from .arrivals import ArrivalGenerator, ArrivalSpec
from .compliance import ComplianceLedger
from .params import DEPARTMENTS, DOMAIN_ROUTES, VOORPORTAAL_SETS
from .proposals import (
    ADOPTED,
    ESCALATED,
    IN_DEPARTMENT,
    IN_VOORPORTAAL,
    IN_WORKING_GROUP,
    ON_AGENDA,
    READY,
    REJECTED,
    REWORK,
    STALLED,
    STATES,
    WITHDRAWN,
    Proposal,
    quadrant_of,
)
from .regimes import (
    ADOPT,
    DECISION_RULES,
    DEFER,
    ESCALATIONS,
    INSTRUMENTS,
    REJECT,
    ROUTINGS,
    STALL,
    Tally,
)
from .scenario import Scenario, ScenarioError, load_scenario

N_ADVISORY = 5  # 2 Manifestgroep + 3 rotating uitvoeringsorganisatie seats (ADR:L966)

SeedLike = int | np.random.SeedSequence | None


class CIOModel(mesa.Model):
    """The CIO-stelsel: CIO Rijk, departmental CIOs, voorportalen and the ICBR over proposals.

    >>> model = CIOModel("consensus_2021", seed=7)
    >>> model.run()
    >>> model.summary()["decisions_per_year"]  # doctest: +SKIP
    """

    def __init__(self, scenario: str | Path | Scenario = "consensus_2021", seed: SeedLike = None,
                 overrides: dict[str, Any] | None = None, **kwargs: Any):
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if overrides:
            scenario = scenario.with_overrides(overrides)
        self.seed_sequence = seed if isinstance(seed, np.random.SeedSequence) \
            else np.random.SeedSequence(seed)
        ss_behaviour, ss_arrivals, ss_init = self.seed_sequence.spawn(3)
        super().__init__(rng=np.random.default_rng(ss_behaviour), **kwargs)
        self.scenario = scenario
        self.p = p = scenario.values
        self.horizon: int = p["horizon_weeks"]
        self.init_rng = np.random.default_rng(ss_init)
        self._check_parts()

        self.proposals_by_id: dict[int, Proposal] = {}
        self._contexts: dict[int, tuple[float, ...]] = {}
        self.state_counts = dict.fromkeys(STATES, 0)
        self.events: list[tuple[int, int, str, str]] = []
        self.wakeups: dict[int, list[tuple[str, Proposal | ArrivalSpec]]] = {}
        self.ready: list[Proposal] = []
        self.working_group: list[Proposal] = []
        self.agenda_log: list[tuple[int, int, bool, str, bool, str, int, int, bool]] = []
        self.attendance: list[tuple[int, str, bool, bool]] = []
        self.meeting_hours = 0.0
        self.history: list[tuple] = []
        self._next_id = 0

        self._build_agents()
        self.decision_rule = DECISION_RULES[p["regime"]["decision_rule"]](self)
        self.routing = ROUTINGS[p["regime"]["routing"]](self)
        self.instruments = INSTRUMENTS[p["regime"]["instruments"]](self)
        self.escalation = ESCALATIONS[p["regime"]["escalation"]]()
        self.ledger = ComplianceLedger(self)
        n_members = len(self.departments) + len(self.advisory)
        self.arrivals = ArrivalGenerator(p, len(self.departments), n_members,
                                         np.random.default_rng(ss_arrivals))
        self._planned = self.arrivals.all(self.horizon, p["start_year"])

    # ------------------------------------------------------------------ construction

    def _check_parts(self) -> None:
        regime = self.p["regime"]
        for part, registry in (("decision_rule", DECISION_RULES), ("routing", ROUTINGS),
                               ("instruments", INSTRUMENTS), ("escalation", ESCALATIONS)):
            if regime[part] not in registry:
                raise ScenarioError(self.scenario.source, f"regime.{part}",
                                    f"unknown name {regime[part]!r}; allowed: "
                                    + ", ".join(registry))

    def _build_agents(self) -> None:
        p = self.p
        pos = p["positions"]
        codes = list(DEPARTMENTS)
        attrs = [p["departments"][c] for c in codes]
        for k in range(p["extra_departments"]):
            codes.append(f"X{k + 1}")
            attrs.append(p["departments"][DEPARTMENTS[k % len(DEPARTMENTS)]])
        self.departments: list[DepartmentalCIO] = []
        for i, (code, a) in enumerate(zip(codes, attrs, strict=True)):
            autonomy = float(self.init_rng.uniform(pos["autonomy_low"], pos["autonomy_high"]))
            self.departments.append(DepartmentalCIO(self, code, i, a, autonomy))
        self.advisory: list[AdvisoryCIO] = []
        if p["regime"]["advisory_members"]:
            for k in range(N_ADVISORY):
                autonomy = float(self.init_rng.uniform(pos["autonomy_low"], pos["autonomy_high"]))
                self.advisory.append(AdvisoryCIO(self, f"UO{k + 1}", autonomy))
        self.members = [*self.departments, *self.advisory]
        for seat, member in enumerate(self.members):
            member.seat = seat            # index into each proposal's context vector
        self.psg_cios = [c for c in self.departments if c.combined_psg]
        self.cio_rijk = CIORijk(self)
        self.icbr = ICBR(self)
        self.voorportalen: dict[str, Voorportaal] = {}
        cb_interval = p["cio_beraad"]["interval_weeks"]
        for name in VOORPORTAAL_SETS[p["regime"]["voorportalen"]]:
            vp = p["voorportaal"][name]
            # The vooroverleg meets in the week before each CIO-beraad (ADR:L984).
            offset = (cb_interval - 1) % vp["interval_weeks"] if name == "vooroverleg" else 0
            self.voorportalen[name] = Voorportaal(self, name, vp["quality"],
                                                  vp["interval_weeks"], vp["capacity"], offset)
        self.routes = DOMAIN_ROUTES[p["regime"]["voorportalen"]]

    # ------------------------------------------------------------------ bookkeeping

    def transition(self, proposal: Proposal, state: str) -> None:
        """Move a proposal to a new state and record the event (never loses an item)."""
        self.state_counts[proposal.state] -= 1
        self.state_counts[state] += 1
        self.events.append((self.steps, proposal.id, proposal.state, state))
        proposal.state = state

    def wake(self, delay: int, action: str, item: Proposal | ArrivalSpec) -> None:
        self.wakeups.setdefault(self.steps + max(1, delay), []).append((action, item))

    def context_of(self, proposal: Proposal, member_index: int) -> float:
        return self._contexts[proposal.id][member_index]

    def rijksbreed_value(self, proposal: Proposal) -> float:
        """CIO Rijk's view: impact-weighted benefit minus a part of the departments' fit cost."""
        fit_w = self.p["positions"]["fit_weight"]
        regard = self.p["cio_rijk"]["fit_regard"]
        affected = [self.departments[i] for i in proposal.affected] or self.departments
        mean_priority = float(np.mean([c.priority[proposal.theme] for c in affected]))
        mean_autonomy = float(np.mean([c.autonomy for c in affected]))
        value = mean_priority * (0.3 + 0.7 * proposal.impact)
        fit = proposal.prescriptiveness * fit_w * mean_autonomy
        return proposal.ambition * (value - regard * fit)

    # ------------------------------------------------------------------ flow

    def submit(self, spec: ArrivalSpec) -> Proposal:
        """Create a proposal from an arrival spec and send it where the routing says."""
        pid = self._next_id
        self._next_id += 1
        quadrant = quadrant_of(len(spec.affected), spec.impact,
                               self.p["proposals"]["impact_threshold"])
        prop = Proposal(
            id=pid, origin=spec.origin, theme=spec.theme, domain=spec.domain,
            affected=spec.affected, impact=spec.impact, complexity=spec.complexity,
            fin_org=spec.fin_org, outside_digitalisation=spec.outside_digitalisation,
            strategic=spec.strategic, prescriptiveness=spec.prescriptiveness,
            maturity=spec.maturity, weapon_systems=spec.weapon_systems,
            submitted_step=self.steps, quadrant=quadrant, label=spec.label,
        )
        self.proposals_by_id[pid] = prop
        self._contexts[pid] = spec.context
        self.state_counts[prop.state] += 1
        self.events.append((self.steps, pid, "", prop.state))
        forum = self.routing.forum_for(prop)
        if forum == "cio_beraad":
            if (self.escalation.needs_icbr(prop) and prop.urgent
                    and self.rng.random() < self.p["icbr"]["bypass_prob"]):
                prop.bypassed_icbr = True      # ADR:L2965: the CIO-beraad is skipped
                self.escalate(prop)
            else:
                prop.route = [*self.routes[prop.domain], "vooroverleg"]
                self.forward(prop)
        elif forum == "working_group":
            self.transition(prop, IN_WORKING_GROUP)
            self.working_group.append(prop)
        else:                                  # department or community (experiment)
            self.transition(prop, IN_DEPARTMENT)
            self.wake(self.p["department_forum"]["decision_weeks"], forum, prop)
        return prop

    def forward(self, prop: Proposal) -> None:
        """Send an item to its next voorportaal, or to the CIO-beraad waiting list."""
        if prop.route:
            name = prop.route.pop(0)
            if prop.state != IN_VOORPORTAAL:
                self.transition(prop, IN_VOORPORTAAL)
            self.voorportalen[name].admit(prop)
        else:
            self.transition(prop, READY)
            prop.ready_step = self.steps
            self.ready.append(prop)

    def send_to_rework(self, prop: Proposal, back_to: Voorportaal | None) -> None:
        """Back to the authors; returns to `back_to` (or the vooroverleg) after rework."""
        prop.reworks += 1
        self.transition(prop, REWORK)
        if back_to is None:
            prop.route = ["vooroverleg"]
        else:
            prop.route.insert(0, back_to.name)
        self.wake(self.p["cio_beraad"]["rework_weeks"], "return", prop)

    def escalate(self, prop: Proposal) -> None:
        prop.escalated_icbr = True
        self.transition(prop, ESCALATED)
        self.icbr.admit(prop)

    def close(self, prop: Proposal, outcome: str, forum: str) -> None:
        """Final decision; an adopted kader opens its compliance processes."""
        prop.forum = forum
        prop.decided_step = self.steps
        self.transition(prop, outcome)
        if outcome == ADOPTED and forum in ("cio_beraad", "icbr", "working_group"):
            self.ledger.register(prop, self.instruments.for_kader(prop), self.steps)

    # ------------------------------------------------------------------ forums

    def tally(self, prop: Proposal, members: list, reviewed: list[bool]) -> Tally:
        counts = {SUPPORT: 0, ABSTAIN: 0, RESERVE: 0, OBJECT: 0}
        objectors: list[int] = []
        reservers: list[int] = []
        ctx = self._contexts[prop.id]
        for member, rev in zip(members, reviewed, strict=True):
            idx = member.index
            pos = member.position(prop, member.stake(prop, idx), ctx[member.seat], rev)
            counts[pos] += 1
            if idx is not None:
                if pos == OBJECT:
                    objectors.append(idx)
                elif pos == RESERVE:
                    reservers.append(idx)
        return Tally(counts[SUPPORT], counts[ABSTAIN], counts[RESERVE], counts[OBJECT],
                     tuple(objectors), tuple(reservers))

    def hold_cio_beraad(self) -> None:
        """A CIO-beraad meeting: agenda, preparation, re-discussion or decision per item."""
        cb = self.p["cio_beraad"]
        if self.steps % cb["interval_weeks"] or not self.ready:
            return
        agenda = self.cio_rijk.fill_agenda(self.ready, cb["slots"], cb["prioritisation"],
                                           cb["strategic_slots"])
        on_agenda = set(map(id, agenda))
        self.ready = [p for p in self.ready if id(p) not in on_agenda]
        reviewed_by = {}
        for cio in self.departments:
            reviewed_by[cio.index] = cio.prepare(agenda, cb["meeting_hours"])
            self.attendance.append((self.steps, cio.code, cio.fulltime, cio.delegated))
        self.meeting_hours += cb["meeting_hours"] * (len(self.members) + 1)
        for pos_in_agenda, prop in enumerate(agenda):
            self.transition(prop, ON_AGENDA)
            prop.agenda_appearances += 1
            if prop.maturity < cb["maturity_required"]:
                # Unripe: re-discussed at operational-tactical level, back for rework (ADR:L986).
                prop.maturity += cb["rediscussion_gain"] * (1.0 - prop.maturity)
                self.agenda_log.append((self.steps, prop.id, prop.strategic, prop.origin,
                                        False, "rediscussed", 0, 0, False))
                self.send_to_rework(prop, None)
                continue
            prop.rounds += 1
            reviewed = [reviewed_by[c.index][pos_in_agenda] for c in self.departments]
            reviewed += [True] * len(self.advisory)
            tally = self.tally(prop, self.members, reviewed)
            verdict = self.decision_rule.decide(prop, tally)
            self.agenda_log.append((self.steps, prop.id, prop.strategic, prop.origin, True,
                                    verdict.action, tally.object, tally.reserve,
                                    verdict.override))
            self.apply_verdict(prop, tally, verdict.action, verdict.override)

    def apply_verdict(self, prop: Proposal, tally: Tally, action: str, override: bool) -> None:
        cb = self.p["cio_beraad"]
        prop.objectors = tally.objectors
        if action == ADOPT:
            if override:
                prop.overridden = True
                prop.overridden_departments = tuple(sorted({*tally.objectors,
                                                            *tally.reservers}))
            if self.escalation.needs_icbr(prop):
                self.escalate(prop)
            else:
                self.close(prop, ADOPTED, "cio_beraad")
        elif action == REJECT:
            prop.overridden = override
            self.close(prop, REJECTED, "cio_beraad")
        elif action == STALL:
            self.close(prop, STALLED, "cio_beraad")
        elif action == DEFER:
            self.transition(prop, READY)      # keeps its place in the queue
            self.ready.append(prop)
        else:                                  # rework after an objection: compromise
            self.dilute(prop, cb["dilution"])
            if prop.ambition < cb["min_ambition"]:
                self.close(prop, WITHDRAWN, "cio_beraad")
            else:
                self.send_to_rework(prop, None)

    @staticmethod
    def dilute(prop: Proposal, dilution: float) -> None:
        """A compromise trims ambition and the prescriptive 'hoe'."""
        prop.ambition *= 1.0 - dilution
        prop.prescriptiveness *= 1.0 - dilution

    def hold_working_groups(self) -> None:
        """Keuzematrix q3: working groups of the affected departments (ADR:L607)."""
        wg = self.p["working_group"]
        if self.steps % wg["interval_weeks"] or not self.working_group:
            return
        batch, self.working_group = self.working_group, []
        for prop in batch:
            members = [self.departments[i] for i in prop.affected]
            prop.rounds += 1
            tally = self.tally(prop, members, [True] * len(members))
            if tally.object == 0:
                self.close(prop, ADOPTED, "working_group")
            elif prop.rounds >= wg["max_rounds"]:
                self.close(prop, STALLED, "working_group")
            else:
                self.dilute(prop, self.p["cio_beraad"]["dilution"])
                self.working_group.append(prop)

    def _handle_wakeup(self, action: str, item: Any) -> None:
        if action == "arrive":
            self.submit(item)
        elif action == "return":
            self.forward(item)
        elif action == "department":
            ok = self.rng.random() < self.p["department_forum"]["adoption_prob"]
            self.close(item, ADOPTED if ok else REJECTED, "department")
        elif action == "community":
            self.close(item, ADOPTED, "community")
            if self.rng.random() < self.p["proposals"]["scale_up_prob"]:
                self.wake(self.p["proposals"]["scale_up_weeks"], "scale_up", item)
        elif action == "scale_up":
            self.submit(self._scale_up_spec(item))

    def _scale_up_spec(self, prop: Proposal) -> ArrivalSpec:
        """A shared experiment scaled up into a multi-department proposal (ADR:L607)."""
        spec = self.arrivals.stochastic("departmental", self.steps)
        return dataclasses.replace(
            spec, origin="scale_up", theme=prop.theme, domain=prop.domain,
            affected=self.arrivals.several("departmental", prop.affected[0]),
            impact=max(prop.impact, spec.impact), label=f"scale-up of {prop.id}")

    # ------------------------------------------------------------------ Mesa API

    def step(self) -> None:
        """One week: arrivals, wake-ups, voorportalen, CIO-beraad, ICBR, working groups.

        Mesa counts steps from 1, so step t simulates week t (arrival week t - 1)."""
        t = self.steps
        for spec in self._planned.pop(t - 1, ()):
            self.submit(spec)
        for action, item in self.wakeups.pop(t, ()):
            self._handle_wakeup(action, item)
        for vp in self.voorportalen.values():
            vp.step()
        self.cio_rijk.step()
        self.hold_cio_beraad()
        self.icbr.step()
        self.hold_working_groups()
        self.ledger.monitor(t)
        self.history.append((t, *self.state_counts.values(), self.cio_rijk.has_jaaragenda))
        if self.steps >= self.horizon:
            self.running = False

    def run(self, steps: int | None = None) -> CIOModel:
        """Run to the horizon (or `steps` more weeks). Returns the model for chaining."""
        end = self.horizon if steps is None else min(self.horizon, self.steps + steps)
        while self.steps < end:
            self.step()
        return self

    # ------------------------------------------------------------------ outputs

    def summary(self) -> dict[str, float]:
        """Headline metrics of the run so far (see docs for definitions)."""
        self.ledger.finalise()
        return metrics.summary(self)

    def proposals(self) -> pd.DataFrame:
        """One row per proposal."""
        return metrics.proposals_frame(self)

    def compliance(self) -> pd.DataFrame:
        """One row per (adopted kader, affected department)."""
        self.ledger.finalise()
        return metrics.compliance_frame(self)

    def timeseries(self) -> pd.DataFrame:
        """One row per step."""
        self.ledger.finalise()
        return metrics.timeseries_frame(self)

    def event_log(self) -> pd.DataFrame:
        """Every state transition: step, proposal_id, from_state, to_state."""
        return pd.DataFrame(self.events, columns=["step", "proposal_id", "from_state",
                                                  "to_state"])

    def agenda(self) -> pd.DataFrame:
        """Every CIO-beraad agenda slot used."""
        return pd.DataFrame(self.agenda_log, columns=[
            "step", "proposal_id", "strategic", "origin", "ripe", "outcome", "objections",
            "reserves", "override"])

    def voorportaal_stats(self) -> pd.DataFrame:
        """Treatments and rework rate per voorportaal."""
        return metrics.voorportaal_frame(self)


__all__ = ["ESCALATED", "REJECTED", "STALLED", "WITHDRAWN", "CIOModel"]
