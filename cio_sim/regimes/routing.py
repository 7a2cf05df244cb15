"""Routing: which forum a new proposal goes to."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

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

    def forum_for(self, proposal: Proposal) -> ForumName:
        return self.FORUM[proposal.quadrant]
