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

    def escalates_failed(self, proposal: Proposal) -> bool:
        """Whether an item on which the CIO-beraad's consensus failed (it stalled, or was
        watered down until it would be withdrawn) goes to the ICBR instead (by default not)."""
        return False


ESCALATIONS.base = Escalation


@register_part
class FinancialOrg(Escalation):
    """2021: financial or organisational consequences go to the ICBR (ADR:L3423, L948)."""

    name = "financial_org"

    def needs_icbr(self, proposal: Proposal) -> bool:
        return proposal.fin_org


@register_part
class OutsideDigitalisation(FinancialOrg):
    """ADR advice for items on which consensus is not possible: "Escaleer pas naar het
    ICBR-niveau, wanneer de onderwerpen buiten het gebied van digitalisering vallen"
    (ADR:L579): such an item goes to the ICBR when it falls outside digitalisation instead
    of stalling or being withdrawn; F/O items still go to the ICBR as the rule in force
    says (ADR:L3423)."""

    name = "outside_digitalisation"

    def escalates_failed(self, proposal: Proposal) -> bool:
        return proposal.outside_digitalisation
