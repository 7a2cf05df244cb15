"""The flow of proposals between forums: states, events, the calendar and the routes.

Forums hand items on through this object only (`forward`, `send_to_rework`, `escalate`,
`close`), never through the model; the model builds it and wires the forums into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .institutions import DOMAINS, year_of_step
from .proposals import Proposal, quadrant_of
from .types import STATES, ForumName, ItemKind, State

if TYPE_CHECKING:
    import numpy as np

    from .arrivals import ArrivalSpec
    from .compliance import ComplianceLedger
    from .regimes import Escalation, Instruments, Routing, VoorportaalSet

VOOROVERLEG = "vooroverleg"    # the informal preparation before every CIO-beraad (ADR:L984)


class Admits(Protocol):
    """A forum that takes items in."""

    def admit(self, proposal: Proposal) -> None: ...


class Flow:
    """Bookkeeping of every proposal and the hand-overs between forums."""

    def __init__(self, p: dict[str, Any], clock: Callable[[], int], rng: np.random.Generator,
                 routing: Routing, escalation: Escalation, instruments: Instruments,
                 voorportaal_set: VoorportaalSet):
        self._clock = clock
        self._rng = rng
        self.routing = routing
        self.escalation = escalation
        self.instruments = instruments
        self._impact_threshold = p["proposals"]["impact_threshold"]
        self._bypass_prob = p["icbr"]["bypass_prob"]
        self._rework_weeks = p["cio_beraad"]["rework_weeks"]
        self._voorportaal_set = voorportaal_set
        self._start_year = p["start_year"]
        self._q12_routing = p["keuzematrix"]["q12_routing"]
        self._routes_by_year: dict[int, dict[str, tuple[str, ...]]] = {}
        self.proposals_by_id: dict[int, Proposal] = {}
        self.contexts: dict[int, tuple[float, ...]] = {}
        self.state_counts: dict[State, int] = dict.fromkeys(STATES, 0)
        self.events: list[tuple[int, int, str, str]] = []
        self.calendar: dict[int, list[tuple[Callable[[Any], None], Any]]] = {}
        self.meeting_hours = 0.0
        self._next_id = 0
        # Wired by the model once the forums exist.
        self.forums: dict[ForumName, Admits] = {}
        self.voorportalen: dict[str, Admits] = {}
        self.ledger: ComplianceLedger | None = None

    # ------------------------------------------------------------------ bookkeeping

    def transition(self, proposal: Proposal, state: State) -> None:
        """Move a proposal to a new state and record the event (never loses an item)."""
        counts, old = self.state_counts, proposal.state
        counts[old] -= 1
        counts[state] += 1
        self.events.append((self._clock(), proposal.id, old, state))
        proposal.state = state

    def schedule(self, delay: int, handler: Callable[[Any], None], item: Any) -> None:
        """Call `handler(item)` at the start of the week `delay` (at least 1) from now."""
        self.calendar.setdefault(self._clock() + max(1, delay), []).append((handler, item))

    def run_calendar(self, step: int) -> None:
        """Everything due this week, in the order it was scheduled."""
        for handler, item in self.calendar.pop(step, ()):
            handler(item)

    def record_meeting(self, hours: float) -> None:
        """Person-hours of a meeting (all seats plus the chair)."""
        self.meeting_hours += hours

    def context_of(self, proposal: Proposal, seat: int) -> float:
        return self.contexts[proposal.id][seat]

    # ------------------------------------------------------------------ hand-overs

    def submit(self, spec: ArrivalSpec) -> Proposal:
        """Create a proposal from an arrival and send it where the routing says."""
        pid = self._next_id
        self._next_id += 1
        traits, now = spec.traits, self._clock()
        prop = Proposal(pid, traits, now,
                        quadrant_of(len(traits.affected), traits.impact, self._impact_threshold))
        self.proposals_by_id[pid] = prop
        self.contexts[pid] = spec.context
        self.state_counts[prop.state] += 1
        self.events.append((now, pid, "", prop.state))
        forum = self.routing.forum_for(prop)
        self.routing.prepare(prop)
        if forum == ForumName.CIO_BERAAD:
            if (self.escalation.needs_icbr(prop) and prop.urgent
                    and self._rng.random() < self._bypass_prob):
                prop.bypassed_icbr = True      # ADR:L2965: the CIO-beraad is skipped
                self.escalate(prop)
            else:
                prop.route = [*self.routes(now)[prop.domain], VOOROVERLEG]
                self.forward(prop)
        else:
            self.forums[forum].admit(prop)
        return prop

    def routes(self, step: int) -> dict[str, tuple[str, ...]]:
        """Domain -> voorportalen that prepare an item submitted at `step` (per year)."""
        year = int(year_of_step(self._start_year, step))
        routes = self._routes_by_year.get(year)
        if routes is None:
            vs = self._voorportaal_set
            routes = self._routes_by_year[year] = {d: vs.route_at(d, year) for d in DOMAINS}
        return routes

    def forward(self, prop: Proposal) -> None:
        """Send an item to its next voorportaal, or to the CIO-beraad waiting list."""
        route = prop.route
        if route:
            name = route.pop(0)
            if prop.state != State.IN_VOORPORTAAL:
                self.transition(prop, State.IN_VOORPORTAAL)
            self.voorportalen[name].admit(prop)
        else:
            self.forums[ForumName.CIO_BERAAD].admit(prop)

    def send_to_rework(self, prop: Proposal, back_to: str | None) -> None:
        """Back to the authors; returns to voorportaal `back_to` (or the vooroverleg)."""
        prop.reworks += 1
        self.transition(prop, State.REWORK)
        if back_to is None:
            prop.route = [VOOROVERLEG]
        else:
            prop.route.insert(0, back_to)
        self.schedule(self._rework_weeks, self.forward, prop)

    def escalate(self, prop: Proposal) -> None:
        prop.escalated_icbr = True
        self.transition(prop, State.ESCALATED)
        self.forums[ForumName.ICBR].admit(prop)

    def close_locally(self, prop: Proposal, forum: ForumName) -> None:
        """Keuzematrix q1/q2: handled in the department or community, outside the
        CIO-system; an item with financial or organisational consequences goes on to the
        ICBR only where `keuzematrix.q12_routing` finds them Rijksbreed (ADR:L607, L3423)."""
        if self.escalation.needs_icbr(prop) and self.rijksbreed_consequences(prop):
            prop.forum = forum
            self.escalate(prop)
        else:
            self.close(prop, State.HANDLED_LOCALLY, forum)

    def rijksbreed_consequences(self, prop: Proposal) -> bool:
        """Whether a q1/q2 item's F/O consequences reach beyond its department: 'local', only
        in q2 ('veel invloed op ... de Rijksbrede bedrijfsvoering'; q1 'Rijksbrede
        behandeling en aanpak is niet nodig', ADR:L607); 'wide', always; 'department',
        never."""
        reading = self._q12_routing
        return reading == "wide" or (reading == "local" and prop.quadrant == "q2")

    def close(self, prop: Proposal, outcome: State, forum: ForumName) -> None:
        """Final decision; a kader adopted by a deciding forum opens its compliance processes
        (only kaders bind and are implemented, N26:L15)."""
        prop.forum = forum
        prop.decided_step = self._clock()
        self.transition(prop, outcome)
        if (outcome == State.ADOPTED and forum in KADER_FORUMS and prop.kind == ItemKind.KADER
                and self.ledger is not None):
            self.ledger.register(prop, self.instruments.for_kader(prop), prop.decided_step)


#: Forums whose adopted items are kaders with compliance processes.
KADER_FORUMS = frozenset({ForumName.CIO_BERAAD, ForumName.ICBR, ForumName.WORKING_GROUP})
