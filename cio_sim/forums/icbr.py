"""The ICBR: decides items with financial or organisational consequences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_mesa import mesa
from ..proposals import Proposal
from ..types import ForumName, State
from .base import Forum

if TYPE_CHECKING:
    from ..agents import DepartmentalCIO
    from ..flow import Flow


class ICBR(Forum):
    """Interdepartementale Commissie Bedrijfsvoering Rijk: decides items with financial or
    organisational consequences (ADR:L994, L3423). Its members are taken to be the pSGs and
    bedrijfsvoering directors (assumption, DESIGN §2), so pSG-combined CIOs sit here too."""

    name = ForumName.ICBR

    def __init__(self, model: mesa.Model, flow: Flow, psg_cios: list[DepartmentalCIO]):
        super().__init__(model, flow)
        ic = model.p["icbr"]
        self.interval = ic["interval_weeks"]
        self.slots = ic["slots"]
        self.adoption_prob = ic["adoption_prob"]
        self.hours = model.p["cio_beraad"]["meeting_hours"]
        self.psg_cios = psg_cios
        self.queue: list[Proposal] = []
        self.meetings = 0

    def admit(self, proposal: Proposal) -> None:
        self.queue.append(proposal)

    def step(self) -> None:
        if not self.queue or self.model.steps % self.interval:
            return
        self.meetings += 1
        for cio in self.psg_cios:
            cio.spend(self.hours)
        self.flow.record_meeting(self.hours * (len(self.psg_cios) + 1))
        batch, self.queue = self.queue[:self.slots], self.queue[self.slots:]
        rng = self.model.rng
        for item in batch:
            adopted = rng.random() < self.adoption_prob
            self.flow.close(item, State.ADOPTED if adopted else State.REJECTED, self.name)
