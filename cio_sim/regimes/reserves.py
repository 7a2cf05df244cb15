"""Reserve settlement (`cio_beraad.reserve_settlement`): what happens when the only thing
between an item and consensus is a delegate who cannot commit the department (ADR:L966)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from ..proposals import Proposal
from ..registry import RESERVE_SETTLEMENTS
from .base import RegimePart, register_part


class ReserveSettlement(RegimePart):
    """Settles a round that ended with reserves and no objection. Never a veto and never a
    trigger for an override."""

    registry: ClassVar = RESERVE_SETTLEMENTS

    @abstractmethod
    def written_weeks(self, proposal: Proposal) -> int | None:
        """Return the weeks until the reserving departments answer in writing, or None when
        the item waits for the next meeting (a new round)."""


RESERVE_SETTLEMENTS.base = ReserveSettlement


@register_part
class NextRound(ReserveSettlement):
    """The item keeps its place and is decided again at the next meeting (ADR:L3160)."""

    name = "next_round"

    def written_weeks(self, proposal: Proposal) -> int | None:
        return None


@register_part
class WrittenProcedure(ReserveSettlement):
    """A written procedure: after `cio_beraad.written_weeks` the CIOs whose delegates reserved
    give their own position in writing; the rule then decides on the completed tally
    (assumption: a common way to settle a reserve; ADR:L966)."""

    name = "written_procedure"

    def __init__(self, model: Any = None):
        super().__init__(model)
        self.weeks = model.p["cio_beraad"]["written_weeks"]

    def written_weeks(self, proposal: Proposal) -> int | None:
        return self.weeks
