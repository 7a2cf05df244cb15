"""Proposals: the objects that flow through voorportalen, the CIO-beraad and the ICBR.

`Traits` is what is fixed about an item when it is submitted (shared with the arrival
streams); `Proposal` holds its traits plus the state that changes on its way."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter

from .types import CLOSED_STATES, OPEN_STATES, STATES, State

__all__ = ["CLOSED_STATES", "OPEN_STATES", "QUADRANTS", "STATES", "Proposal", "State",
           "Traits", "quadrant_of"]

# Keuzematrix quadrants (ADR:L607-608): q1 one dept/limited, q2 one dept/much impact,
# q3 several depts/limited, q4 several depts/much impact (CIO Rijk in the lead).
QUADRANTS = ("q1", "q2", "q3", "q4")

URGENT_ORIGINS = frozenset({"incident", "parliamentary"})


@dataclass(frozen=True, slots=True)
class Traits:
    """What is fixed about a proposal at submission (DESIGN §3)."""

    origin: str
    theme: int
    domain: str
    affected: tuple[int, ...]          # indices of affected departments
    impact: float                      # impact on Rijksbrede bedrijfsvoering, 0-1
    complexity: str
    fin_org: bool
    outside_digitalisation: bool
    strategic: bool
    prescriptiveness: float            # at submission; a compromise dilutes the proposal's
    maturity: float                    # at submission; voorportalen mature the proposal's
    weapon_systems: bool
    label: str = ""                    # roadmap milestone id, when planned
    kind: str = "kader"                # an ItemKind: only kaders bind (N26:L15)


@dataclass(eq=False)
class Proposal:
    """One item on its way to a decision: its traits plus its changing state.

    Every trait is also readable as a plain attribute (`proposal.impact`, the hot path of
    positions reads them); treat those as read-only. `prescriptiveness` and `maturity` start
    at the traits' values and then change."""

    id: int
    traits: Traits
    submitted_step: int
    quadrant: str
    prescriptiveness: float = -1.0    # set from the traits in __post_init__
    maturity: float = -1.0
    ambition: float = 1.0
    state: State = State.SUBMITTED
    forum: str = ""
    decided_step: int = -1
    agenda_appearances: int = 0
    rounds: int = 0
    reworks: int = 0
    escalated_icbr: bool = False
    bypassed_icbr: bool = False
    overridden: bool = False
    overridden_departments: tuple[int, ...] = ()
    route: list[str] = field(default_factory=list)   # voorportalen still to pass
    treatments_here: int = 0
    feedback_given: float = 0.0
    feedback_retained: float = 0.0
    voorportaal_visits: int = 0
    ready_step: int = -1
    from_working_group: bool = False   # keuzematrix q3: agreed in a working group, reported back

    def __post_init__(self) -> None:
        # One C-level getter for all traits: a proposal is made for every arrival.
        self.__dict__.update(zip(TRAIT_NAMES, _get_traits(self.traits), strict=True))

    @property
    def n_affected(self) -> int:
        return len(self.traits.affected)

    @property
    def urgent(self) -> bool:
        return self.traits.origin in URGENT_ORIGINS


TRAIT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Traits))
_get_traits = attrgetter(*TRAIT_NAMES)


def quadrant_of(n_affected: int, impact: float, impact_threshold: float) -> str:
    """Keuzematrix quadrant from the two axes (ADR:L595-608)."""
    several = n_affected >= 2
    much = impact >= impact_threshold
    return ("q4" if much else "q3") if several else ("q2" if much else "q1")
