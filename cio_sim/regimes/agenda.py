"""Agenda prioritisation (`cio_beraad.prioritisation`): the order of the waiting items."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from ..proposals import Proposal
from ..registry import PRIORITISATIONS
from .base import RegimePart, register_part


class Prioritisation(RegimePart):
    """Ranks the items waiting for a CIO-beraad agenda slot."""

    registry: ClassVar = PRIORITISATIONS

    @abstractmethod
    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        """Return a new list of the waiting items, most deserving of a slot first."""

    #: Optional: a sort key per item (fixed while it waits) that `rank` orders by. When a
    #: part defines it, the CIO-beraad keeps its waiting list in this order as items arrive
    #: instead of ranking the whole list at every meeting.
    key: Callable[[Proposal], Any] | None = None


PRIORITISATIONS.base = Prioritisation


@register_part
class Urgency(Prioritisation):
    """Incidents and Kamer commitments first, then first come (ADR:L2237)."""

    name = "urgency"

    @staticmethod
    def key(p: Proposal) -> tuple:  # type: ignore[override]
        return (not p.urgent, p.ready_step, p.id)

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=self.key)


@register_part
class Fifo(Prioritisation):
    """First come, first served."""

    name = "fifo"

    @staticmethod
    def key(p: Proposal) -> tuple:  # type: ignore[override]
        return (p.ready_step, p.id)

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=self.key)


@register_part
class StrategicFirst(Prioritisation):
    """Strategic items first, then first come (ADR:L956)."""

    name = "strategic_first"

    @staticmethod
    def key(p: Proposal) -> tuple:  # type: ignore[override]
        return (not p.strategic, p.ready_step, p.id)

    def rank(self, waiting: list[Proposal]) -> list[Proposal]:
        return sorted(waiting, key=self.key)
