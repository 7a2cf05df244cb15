"""Named types shared by the model core: lifecycle states, verdict actions, forum names,
positions, and the tallies, verdicts and log rows the forums produce.

The enums are `StrEnum`s, so their values compare equal to, and print as, the strings the
outputs have always used ("adopted", "cio_beraad", ...)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    import numpy as np


class State(StrEnum):
    """Lifecycle state of a proposal (DESIGN §3). Open states first, closed states after."""

    SUBMITTED = "submitted"
    IN_VOORPORTAAL = "in_voorportaal"
    REWORK = "rework"
    READY = "ready"                    # prepared, waiting for a CIO-beraad agenda slot
    ON_AGENDA = "on_agenda"
    ESCALATED = "escalated"            # waiting for the ICBR
    IN_WORKING_GROUP = "in_working_group"
    IN_DEPARTMENT = "in_department"    # keuzematrix: handled or experimented with departmentally
    ADOPTED = "adopted"
    HANDLED_LOCALLY = "handled_locally"  # keuzematrix q1/q2: closed outside the CIO-system
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STALLED = "stalled"


OPEN_STATES: tuple[State, ...] = (
    State.SUBMITTED, State.IN_VOORPORTAAL, State.REWORK, State.READY, State.ON_AGENDA,
    State.ESCALATED, State.IN_WORKING_GROUP, State.IN_DEPARTMENT)
CLOSED_STATES: tuple[State, ...] = (State.ADOPTED, State.REJECTED, State.WITHDRAWN,
                                    State.STALLED, State.HANDLED_LOCALLY)
STATES: tuple[State, ...] = OPEN_STATES + CLOSED_STATES


class Action(StrEnum):
    """What a deciding forum does with an item after a tally."""

    ADOPT = "adopt"
    REJECT = "reject"
    REWORK = "rework"      # compromise: dilute and try again
    DEFER = "defer"        # no objection but no consensus yet: keep the place in the queue
    STALL = "stall"        # parked after too many rounds


class ItemKind(StrEnum):
    """What an item is (DESIGN §3; stylized fact #5: kaders, studies, finance). Only kaders
    bind and open compliance processes (N26:L15)."""

    KADER = "kader"                      # a kader or norm the affected departments implement
    STUDY = "study"                      # a study or advice
    FINANCIAL = "financial"              # a financial decision
    INCIDENT_RESPONSE = "incident_response"
    CENTRAL_TASK = "central_task"        # CIO Rijk's own work (roadmap scope 'central')


class ForumName(StrEnum):
    """The forums that close a proposal (the `forum` column of the outputs)."""

    CIO_BERAAD = "cio_beraad"
    ICBR = "icbr"
    WORKING_GROUP = "working_group"
    DEPARTMENT = "department"
    COMMUNITY = "community"


#: Positions a member takes on an item (ints: they are counted in the hot path).
SUPPORT, ABSTAIN, RESERVE, OBJECT = 1, 0, -1, -2


@dataclass(frozen=True, slots=True)
class Tally:
    """Positions of the members on one item in one round."""

    support: int
    abstain: int
    reserve: int          # a delegate who cannot commit (ADR:L966)
    object: int
    objectors: tuple[int, ...]
    reservers: tuple[int, ...]

    @property
    def members(self) -> int:
        return self.support + self.abstain + self.reserve + self.object

    @property
    def consensus(self) -> bool:
        return self.object == 0 and self.reserve == 0


@dataclass(frozen=True, slots=True)
class Verdict:
    """A decision rule's answer for one item.

    `by_cio_rijk`: a fallback authority (CIO Rijk, or the Minister of BZK when `delay_weeks`
    is set) decided over a remaining objection (the agenda's `override` column);
    `over_objections`: adopted although members objected or reserved (their kaders are
    implemented as overridden); `delay_weeks`: the decision takes effect this many weeks
    later (the ministerial route)."""

    action: Action
    by_cio_rijk: bool = False
    over_objections: bool = False
    delay_weeks: int = 0


class AgendaRow(NamedTuple):
    """One CIO-beraad agenda slot used (a row of `CIOModel.agenda()`)."""

    step: int
    proposal_id: int
    strategic: bool
    origin: str
    ripe: bool
    outcome: str
    objections: int
    reserves: int
    override: bool


class AttendanceRow(NamedTuple):
    """Who sat at one CIO-beraad meeting for a department."""

    step: int
    department: str
    fulltime: bool
    delegated: bool


class ModelView(Protocol):
    """The running model as its parts (agents, compliance, metrics) see it. `CIOModel`
    provides it; typing against this protocol keeps the parts from importing the model."""

    p: dict[str, Any]
    steps: int
    horizon: int
    rng: np.random.Generator
    init_rng: np.random.Generator
    seed_sequence: np.random.SeedSequence

    def __getattr__(self, name: str) -> Any: ...
