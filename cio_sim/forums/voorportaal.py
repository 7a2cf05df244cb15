"""A voorportaal: a preparatory council that matures papers before the CIO-beraad."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_mesa import mesa
from ..proposals import Proposal
from .base import Forum

if TYPE_CHECKING:
    from ..flow import Flow


class Voorportaal(Forum):
    """Matures items by its quality and forwards them, or returns them for rework."""

    name: str  # per instance: the council's name

    def __init__(self, model: mesa.Model, flow: Flow, name: str, quality: float,
                 interval: int, capacity: int, offset: int):
        super().__init__(model, flow)
        self.name = name
        self.quality = quality
        self.interval = interval
        self.capacity = capacity
        self.offset = offset
        self.queue: list[Proposal] = []
        self.treatments = 0
        self.reworks = 0
        self.meetings = 0
        vp = model.p["voorportaal"]
        self._pass = vp["pass_maturity"]
        self._max_treatments = vp[name]["max_treatments"]

    def admit(self, proposal: Proposal) -> None:
        proposal.treatments_here = 0
        self.queue.append(proposal)

    def step(self) -> None:
        if not self.queue or (self.model.steps - self.offset) % self.interval:
            return
        self.meetings += 1
        batch, self.queue = self.queue[:self.capacity], self.queue[self.capacity:]
        for item in batch:
            self.treat(item)

    def treat(self, item: Proposal) -> None:
        """One treatment: the paper matures by the council's quality; feedback is given and
        the share that survives to the CIO-beraad is the quality (ADR:L534)."""
        self.treatments += 1
        item.treatments_here += 1
        item.voorportaal_visits += 1
        item.maturity += self.quality * (1.0 - item.maturity)
        item.feedback_given += 1.0
        item.feedback_retained += self.quality
        if item.maturity >= self._pass or item.treatments_here >= self._max_treatments:
            self.flow.forward(item)
        else:
            self.reworks += 1
            self.flow.send_to_rework(item, back_to=self.name)
