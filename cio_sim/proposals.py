"""Proposals: the objects that flow through voorportalen, the CIO-beraad and the ICBR."""

from __future__ import annotations

from dataclasses import dataclass, field

# Lifecycle states (DESIGN §3). Open states first, closed (final) states after.
SUBMITTED = "submitted"
IN_VOORPORTAAL = "in_voorportaal"
REWORK = "rework"
READY = "ready"                    # prepared, waiting for a CIO-beraad agenda slot
ON_AGENDA = "on_agenda"
ESCALATED = "escalated"            # waiting for the ICBR
IN_WORKING_GROUP = "in_working_group"
IN_DEPARTMENT = "in_department"    # keuzematrix: handled or experimented with departmentally
ADOPTED = "adopted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
STALLED = "stalled"

OPEN_STATES = (SUBMITTED, IN_VOORPORTAAL, REWORK, READY, ON_AGENDA, ESCALATED,
               IN_WORKING_GROUP, IN_DEPARTMENT)
CLOSED_STATES = (ADOPTED, REJECTED, WITHDRAWN, STALLED)
STATES = OPEN_STATES + CLOSED_STATES

# Keuzematrix quadrants (ADR:L607-608): q1 one dept/limited, q2 one dept/much impact,
# q3 several depts/limited, q4 several depts/much impact (CIO Rijk in the lead).
QUADRANTS = ("q1", "q2", "q3", "q4")

URGENT_ORIGINS = frozenset({"incident", "parliamentary"})


@dataclass(slots=True, eq=False)
class Proposal:
    """One item on its way to a decision. Attributes follow DESIGN §3."""

    id: int
    origin: str
    theme: int
    domain: str
    affected: tuple[int, ...]          # indices of affected departments
    impact: float                      # impact on Rijksbrede bedrijfsvoering, 0-1
    complexity: str
    fin_org: bool
    outside_digitalisation: bool
    strategic: bool
    prescriptiveness: float
    maturity: float
    weapon_systems: bool
    submitted_step: int
    quadrant: str
    label: str = ""                    # roadmap milestone id, when planned
    ambition: float = 1.0
    state: str = SUBMITTED
    forum: str = ""
    decided_step: int = -1
    agenda_appearances: int = 0
    rounds: int = 0
    reworks: int = 0
    escalated_icbr: bool = False
    bypassed_icbr: bool = False
    overridden: bool = False
    overridden_departments: tuple[int, ...] = ()
    objectors: tuple[int, ...] = ()
    route: list[str] = field(default_factory=list)   # voorportalen still to pass
    treatments_here: int = 0
    feedback_given: float = 0.0
    feedback_retained: float = 0.0
    voorportaal_visits: int = 0
    ready_step: int = -1

    @property
    def n_affected(self) -> int:
        return len(self.affected)

    @property
    def urgent(self) -> bool:
        return self.origin in URGENT_ORIGINS


def quadrant_of(n_affected: int, impact: float, impact_threshold: float) -> str:
    """Keuzematrix quadrant from the two axes (ADR:L595-608)."""
    several = n_affected >= 2
    much = impact >= impact_threshold
    return ("q4" if much else "q3") if several else ("q2" if much else "q1")
