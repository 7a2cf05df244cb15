"""Kader instruments and kader force: how an adopted kader binds and is monitored."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from ..proposals import Proposal
from ..registry import INSTRUMENTS, KADER_FORCES
from .base import RegimePart, register_part


@dataclass(frozen=True, slots=True)
class Instrument:
    """How an adopted kader binds and is monitored.

    monitoring: 'jaargesprek' (self-report, yearly talk), 'checking' (CIO Rijk checks,
    capacity-limited), 'pc' (P&C cycle), 'dialogue' (learning, no compliance check).
    """

    name: str
    binding: bool
    monitoring: str
    explain_allowed: bool = False
    judged_on: str = "compliance"     # or 'learning'


NORMATIVE_VOLUNTARY = Instrument("normative_voluntary", False, "jaargesprek")
NORMATIVE_BINDING = Instrument("normative_binding", True, "checking")
NORMATIVE_PC = Instrument("normative_pc", True, "pc")                       # ADR:L601
COMPLY_AND_EXPLAIN = Instrument("comply_and_explain", False, "jaargesprek", True)  # ADR:L602
GUIDING_PRINCIPLES = Instrument("guiding_principles", False, "dialogue",
                                judged_on="learning")                         # ADR:L603
WORKING_AGREEMENT = Instrument("working_agreement", False, "jaargesprek")    # ADR:L607 (q3)


class KaderForce(RegimePart):
    """Whether a normative kader is voluntary or binding."""

    registry: ClassVar = KADER_FORCES

    @abstractmethod
    def instrument(self) -> Instrument:
        """Return the Instrument a normative kader gets under this force."""


KADER_FORCES.base = KaderForce


@register_part
class Voluntary(KaderForce):
    """Voluntary kaders, discussed in the jaargesprek (ADR:L994)."""

    name = "voluntary"

    def instrument(self) -> Instrument:
        return NORMATIVE_VOLUNTARY


@register_part
class Binding(KaderForce):
    """Binding kaders, checked by CIO Rijk (N26:L15)."""

    name = "binding"

    def instrument(self) -> Instrument:
        return NORMATIVE_BINDING


class Instruments(RegimePart):
    """Chooses the instrument of an adopted kader."""

    registry: ClassVar = INSTRUMENTS

    def __init__(self, model: Any):
        super().__init__(model)
        self.force = KADER_FORCES[model.p["regime"]["kader_force"]](model).instrument()

    @abstractmethod
    def for_kader(self, proposal: Proposal) -> Instrument:
        """Return the Instrument for a just-adopted proposal (`proposal.forum` is set)."""


INSTRUMENTS.base = Instruments


@register_part
class UniformInstruments(Instruments):
    """One normative instrument for every kader; its force comes from the scenario."""

    name = "uniform"

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.from_working_group:
            return WORKING_AGREEMENT
        return self.force


@register_part
class CisoSecurity(UniformInstruments):
    """2021: as `uniform`, but a voluntary security kader follows CISO Rijk's 'pas toe of
    leg uit' (B21:L1263): comply or explain the deviation."""

    name = "ciso_security"

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.domain == "security" and not proposal.from_working_group \
                and not self.force.binding:
            return COMPLY_AND_EXPLAIN
        return super().for_kader(proposal)


@register_part
class ByComplexity(Instruments):
    """Keuzematrix instruments for kaders by complexity (ADR:L599-603)."""

    name = "by_complexity"
    BY: ClassVar[dict[str, Instrument]] = {
        "simple": NORMATIVE_PC, "complicated": COMPLY_AND_EXPLAIN, "complex": GUIDING_PRINCIPLES}

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.from_working_group:
            return WORKING_AGREEMENT
        return self.BY[proposal.complexity]
