"""Agenda prioritisation (`cio_beraad.prioritisation`): the order of the waiting items."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ..proposals import Proposal
from ..registry import PRIORITISATIONS
from .base import RegimePart, register_part


class Prioritisation(RegimePart):
    """Ranks the items waiting for a CIO-beraad agenda slot."""

    registry: ClassVar = PRIORITISATIONS

    @abstractmethod
    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        """Return a new list of the waiting items, most deserving of a slot first."""


PRIORITISATIONS.base = Prioritisation


@register_part
class Urgency(Prioritisation):
    """Incidents and Kamer commitments first, then first come (ADR:L2237)."""

    name = "urgency"

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=lambda p: (not p.urgent, p.ready_step, p.id))


@register_part
class Fifo(Prioritisation):
    """First come, first served."""

    name = "fifo"

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=lambda p: (p.ready_step, p.id))


@register_part
class StrategicFirst(Prioritisation):
    """Strategic items first, then first come (ADR:L956)."""

    name = "strategic_first"

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=lambda p: (not p.strategic, p.ready_step, p.id))
