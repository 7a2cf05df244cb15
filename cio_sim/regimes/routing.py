"""Routing: which forum a new proposal goes to."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from ..proposals import Proposal
from ..registry import ROUTINGS
from ..types import ForumName
from .base import RegimePart, register_part


class Routing(RegimePart):
    """Sends a new proposal to the forum that should handle it."""

    registry: ClassVar = ROUTINGS

    @abstractmethod
    def forum_for(self, proposal: Proposal) -> ForumName:
        """Return the ForumName of the forum that takes up a newly submitted proposal."""

    def prepare(self, proposal: Proposal) -> None:
        """Preparation a routed proposal gets before it goes on (by default none)."""

    def cio_rijk_leads(self, proposal: Proposal) -> bool:
        """Whether CIO Rijk, not the CIO-beraad's rule, decides the item (default: never)."""
        return False


ROUTINGS.base = Routing


@register_part
class UniformRouting(Routing):
    """2021: every item via voorportaal, vooroverleg and CIO-beraad (ADR:L948, L3369)."""

    name = "uniform"

    def forum_for(self, proposal: Proposal) -> ForumName:
        return ForumName.CIO_BERAAD


@register_part
class KeuzematrixRouting(Routing):
    """ADR keuzematrix (ADR:L607-608): the forum follows the quadrant."""

    name = "keuzematrix"
    FORUM: ClassVar[dict[str, ForumName]] = {
        "q1": ForumName.DEPARTMENT, "q2": ForumName.COMMUNITY,
        "q3": ForumName.WORKING_GROUP, "q4": ForumName.CIO_BERAAD}

    def __init__(self, model: Any = None):
        super().__init__(model)
        km = model.p["keuzematrix"] if model is not None else {"q4_lead": "beraad"}
        self.lead = km["q4_lead"] == "cio_rijk"
        self.preparation = km.get("q4_preparation_gain", 0.0)

    def forum_for(self, proposal: Proposal) -> ForumName:
        return self.FORUM[proposal.quadrant]

    def prepare(self, proposal: Proposal) -> None:
        """q4 in CIO Rijk's lead: the directie CIO Rijk prepares the paper 'in nauwe
        samenwerking met departementen' (ADR:L607) before it goes to the voorportalen."""
        if self.lead and proposal.quadrant == "q4":
            proposal.maturity += self.preparation * (1.0 - proposal.maturity)

    def cio_rijk_leads(self, proposal: Proposal) -> bool:
        return self.lead and proposal.quadrant == "q4"
