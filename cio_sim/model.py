"""CIOModel: the CIO-stelsel Rijksdienst as a Mesa model, one step per week.

The model builds the actors (`agents`), the regime's parts (`regimes`), the forums
(`forums`) and the flow that connects them (`flow`), and calls the forums in order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import metrics
from .agents import AdvisoryCIO, CIORijk, DepartmentalCIO, OverrideCase
from .arrivals import ArrivalGenerator, SharedArrivals
from .compliance import ComplianceLedger
from .flow import Flow
from .forums import (
    ICBR,
    CIOBeraad,
    CommunityClosure,
    DepartmentalClosure,
    ScaleUp,
    Voorportaal,
    WorkingGroup,
)
from .forums.tally import Seats
from .heap import collected_once, weak_agent_ids
from .institutions import DEPARTMENTS
from .lazy_mesa import mesa
from .proposals import Proposal
from .regimes.decision import CIORijkLead
from .registry import (
    DECISION_RULES,
    ESCALATIONS,
    INSTRUMENTS,
    PRIORITISATIONS,
    RESERVE_SETTLEMENTS,
    ROUTINGS,
    VOORPORTAAL_SET_PARTS,
)
from .scenario import Scenario, load_scenario
from .types import AgendaRow, AttendanceRow, ForumName, State

N_ADVISORY = 5  # 2 Manifestgroep + 3 rotating uitvoeringsorganisatie seats (ADR:L966)

# Own stream for the members' position draws (a fixed child key, no spawn), so the
# behaviour stream and the seed sequence's children are left as they were.
POSITION_STREAM_KEY = 0x706F73

SeedLike = int | np.random.SeedSequence | None


class CIOModel(mesa.Model):
    """The CIO-stelsel: CIO Rijk, departmental CIOs, voorportalen and the ICBR over proposals.

    >>> model = CIOModel("consensus_2021", seed=7)
    >>> model.run()
    >>> model.summary()["decisions_per_year"]  # doctest: +SKIP
    """

    def __init__(self, scenario: str | Path | Scenario = "consensus_2021", seed: SeedLike = None,
                 overrides: dict[str, Any] | None = None,
                 shared_arrivals: SharedArrivals | None = None, **kwargs: Any):
        """``shared_arrivals``: the arrivals of runs on the same seed, drawn once for all of
        them (a batch worker passes one to the scenarios of a replication; the run is the
        same without it)."""
        _check_seed(seed)
        if not isinstance(scenario, Scenario | str | os.PathLike):
            raise ValueError(f"scenario: got {type(scenario).__name__} {scenario!r:.60}; "
                             "allowed: a Scenario, a preset name or a .toml path")
        weak_agent_ids()  # Mesa 3.3 would keep every model alive (heap.weak_agent_ids)
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
        self.history: list[tuple] = []
        regime = p["regime"]
        self._build_agents()
        self.voorportaal_set = VOORPORTAAL_SET_PARTS[regime["voorportalen"]](self)
        self.flow = Flow(p, lambda: self.steps, self.rng,
                         routing=ROUTINGS[regime["routing"]](self),
                         escalation=ESCALATIONS[regime["escalation"]](self),
                         instruments=INSTRUMENTS[regime["instruments"]](self),
                         voorportaal_set=self.voorportaal_set)
        n_members = len(self.departments) + len(self.advisory)
        self.arrivals = ArrivalGenerator(p, len(self.departments), n_members,
                                         np.random.default_rng(ss_arrivals),
                                         n_seats=len(self.departments) + N_ADVISORY)
        self.seats = Seats(self.members, len(self.departments), p["positions"],
                           p["attention"]["delegate_commit_prob"],
                           np.random.default_rng(np.random.SeedSequence(
                               self.seed_sequence.entropy,
                               spawn_key=(*self.seed_sequence.spawn_key, POSITION_STREAM_KEY))))
        self._build_forums()
        self.ledger = ComplianceLedger(self)
        self.flow.ledger = self.ledger
        self._planned = (self.arrivals.all(self.horizon, p["start_year"])
                         if shared_arrivals is None else
                         shared_arrivals.all(self.arrivals, self.horizon, p["start_year"]))

    # ------------------------------------------------------------------ construction

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

    def _build_forums(self) -> None:
        """The forums, each wired into the flow under the name items are routed by."""
        p, flow, regime = self.p, self.flow, self.p["regime"]
        self.voorportalen: dict[str, Voorportaal] = {}
        cb_interval = p["cio_beraad"]["interval_weeks"]
        for name in self.voorportaal_set.voorportalen():
            vp = p["voorportaal"][name]
            # The vooroverleg meets in the week before each CIO-beraad (ADR:L984).
            offset = (cb_interval - 1) % vp["interval_weeks"] if name == "vooroverleg" else 0
            self.voorportalen[name] = Voorportaal(self, flow, name, vp["quality"],
                                                  vp["interval_weeks"], vp["capacity"], offset)
        self.cio_beraad = CIOBeraad(
            self, flow, self.cio_rijk, self.departments, self.advisory,
            rule=DECISION_RULES[regime["decision_rule"]](self),
            escalation=flow.escalation,
            prioritisation=PRIORITISATIONS[p["cio_beraad"]["prioritisation"]](self),
            seats=self.seats,
            settlement=RESERVE_SETTLEMENTS[p["cio_beraad"]["reserve_settlement"]](self),
            lead_rule=CIORijkLead(self))
        self.icbr = ICBR(self, flow, self.psg_cios)
        self.working_group = WorkingGroup(
            self, flow, self.departments,
            rule=DECISION_RULES[regime["working_group_rule"]](
                self, max_rounds=p["working_group"]["max_rounds"]),
            seats=self.seats)
        pp = p["proposals"]
        scale_up = ScaleUp(flow, self.arrivals, self, pp["scale_up_prob"], pp["scale_up_weeks"])
        flow.voorportalen = dict(self.voorportalen)
        flow.forums = {ForumName.CIO_BERAAD: self.cio_beraad, ForumName.ICBR: self.icbr,
                       ForumName.WORKING_GROUP: self.working_group,
                       ForumName.DEPARTMENT: DepartmentalClosure(self, flow),
                       ForumName.COMMUNITY: CommunityClosure(self, flow, scale_up)}

    # ------------------------------------------------------------------ state, for outputs

    @property
    def proposals_by_id(self) -> dict[int, Proposal]:
        return self.flow.proposals_by_id

    @property
    def state_counts(self) -> dict[State, int]:
        return self.flow.state_counts

    @property
    def events(self) -> list[tuple[int, int, str, str]]:
        return self.flow.events

    @property
    def meeting_hours(self) -> float:
        """Person-hours spent in CIO-beraad and ICBR meetings."""
        return self.flow.meeting_hours

    @property
    def agenda_log(self) -> list[AgendaRow]:
        return self.cio_beraad.agenda_log

    @property
    def attendance(self) -> list[AttendanceRow]:
        return self.cio_beraad.attendance

    def context_of(self, proposal: Proposal, seat: int) -> float:
        return self.flow.context_of(proposal, seat)

    # ------------------------------------------------------------------ Mesa API

    def step(self) -> None:
        """One week: arrivals, wake-ups, voorportalen, CIO-beraad, ICBR, working groups.

        Mesa counts steps from 1, so step t simulates week t (arrival week t - 1)."""
        t = self.steps
        for spec in self._planned.pop(t - 1, ()):
            self.flow.submit(spec)
        self.flow.run_calendar(t)      # returns from rework, departmental closures, scale-ups
        for vp in self.voorportalen.values():
            vp.step()
        self.cio_rijk.step()
        self.cio_beraad.step()
        self.icbr.step()
        self.working_group.step()
        self.ledger.monitor(t)
        self.history.append((t, *self.state_counts.values(), self.cio_rijk.has_jaaragenda))
        if self.steps >= self.horizon:
            self.running = False

    def run(self, steps: int | None = None) -> CIOModel:
        """Run to the horizon (or `steps` more weeks). Returns the model for chaining.

        The cyclic garbage collector is paused while the weeks run and collects the youngest
        generation once after them (`heap.collected_once`): a run allocates many objects and
        frees almost none, so collections meanwhile only traverse live ones. Same results."""
        if steps is not None and (isinstance(steps, bool)
                                  or not isinstance(steps, int | np.integer) or steps < 0):
            raise ValueError(f"steps: got {steps!r}; allowed: a whole number of weeks >= 0, "
                             "or None (to the horizon)")
        end = self.horizon if steps is None else min(self.horizon, self.steps + int(steps))
        with collected_once():
            while self.steps < end:
                self.step()
        return self

    def dismantle(self) -> None:
        """Break the reference cycles of a run that is dropped right after (a batch worker's):
        the model and its flow hold the agents, forums and ledger that point back at them.
        With their attributes cleared, reference counting frees the run as its last
        reference goes, and the collection after it (`heap.collected_once`) has nothing to
        traverse (0.7 -> 0.2 ms of a run, benchmarks/README.md). The model is unusable
        afterwards; what the run computed must be read first."""
        flow = self.__dict__.get("flow")
        if flow is not None:
            flow.__dict__.clear()
        self.__dict__.clear()

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

    def timeseries_columns(self) -> dict[str, np.ndarray]:
        """The columns of :meth:`timeseries` as arrays, without the DataFrame."""
        self.ledger.finalise()
        return metrics.timeseries_columns(self)

    def event_log(self) -> pd.DataFrame:
        """Every state transition: step, proposal_id, from_state, to_state."""
        return pd.DataFrame(self.events, columns=["step", "proposal_id", "from_state",
                                                  "to_state"])

    def agenda(self) -> pd.DataFrame:
        """Every CIO-beraad agenda slot used."""
        return pd.DataFrame(self.agenda_log, columns=list(AgendaRow._fields))

    def override_cases(self) -> pd.DataFrame:
        """Every round in which the fallback could decide: whether CIO Rijk overrode, why
        (`agents.OVERRIDE_REASONS`), and the value and cost it weighed."""
        return pd.DataFrame(self.cio_rijk.case_log, columns=list(OverrideCase._fields))

    def voorportaal_stats(self) -> pd.DataFrame:
        """Treatments and rework rate per voorportaal."""
        return metrics.voorportaal_frame(self)


def _check_seed(seed: Any) -> None:
    """One line for a seed numpy would reject with its own error (or silently misuse)."""
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: got {seed!r:.60}; allowed: an integer >= 0, a "
                         "numpy.random.SeedSequence or None")


__all__ = ["CIOModel"]
