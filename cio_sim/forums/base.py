"""What every forum shares: a Mesa agent that meets on a calendar and hands items on
through the flow; the tally of members' positions; a compromise's dilution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..lazy_mesa import mesa
from ..proposals import Proposal
from ..types import OBJECT, RESERVE, Tally

if TYPE_CHECKING:
    from ..flow import Flow


class Forum(mesa.Agent):
    """A forum: takes items in with `admit` and handles them in `step` (once a week)."""

    name: ClassVar[str]

    def __init__(self, model: mesa.Model, flow: Flow):
        super().__init__(model)
        self.flow = flow

    def admit(self, proposal: Proposal) -> None:
        raise NotImplementedError

    def step(self) -> None:
        """Forums that meet override this; the default does nothing."""


def count_positions(prop: Proposal, members: list[Any], reviewed: list[bool],
                    context: tuple[float, ...]) -> Tally:
    """Every member's position on one item, counted (members draw in seat order)."""
    counts = [0, 0, 0, 0]            # indexed by position + 2: object, reserve, abstain, support
    objectors: list[int] = []
    reservers: list[int] = []
    for member, rev in zip(members, reviewed, strict=True):
        idx = member.index
        pos = member.position(prop, member.stake(prop, idx), context[member.seat], rev)
        counts[pos + 2] += 1
        if idx is not None:
            if pos == OBJECT:
                objectors.append(idx)
            elif pos == RESERVE:
                reservers.append(idx)
    return Tally(counts[3], counts[2], counts[1], counts[0], tuple(objectors), tuple(reservers))


def dilute(prop: Proposal, dilution: float) -> None:
    """A compromise trims ambition and the prescriptive 'hoe'."""
    prop.ambition *= 1.0 - dilution
    prop.prescriptiveness *= 1.0 - dilution
