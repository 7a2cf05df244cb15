"""Escalation: which items the CIO-beraad passes on to the ICBR."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ..proposals import Proposal
from ..registry import ESCALATIONS
from .base import RegimePart, register_part


class Escalation(RegimePart):
    """Decides which items need the ICBR."""

    registry: ClassVar = ESCALATIONS

    @abstractmethod
    def needs_icbr(self, proposal: Proposal) -> bool:
        """Return True when the proposal must (also) be decided by the ICBR."""


ESCALATIONS.base = Escalation


@register_part
class FinancialOrg(Escalation):
    """2021: financial or organisational consequences go to the ICBR (ADR:L3423, L948)."""

    name = "financial_org"

    def needs_icbr(self, proposal: Proposal) -> bool:
        return proposal.fin_org


@register_part
class OutsideDigitalisation(Escalation):
    """ADR advice: escalate only what falls outside digitalisation (ADR:L579)."""

    name = "outside_digitalisation"

    def needs_icbr(self, proposal: Proposal) -> bool:
        return proposal.fin_org and proposal.outside_digitalisation
