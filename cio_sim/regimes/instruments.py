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
#: A comply-and-explain handreiking monitored by CIO Rijk, who is 'in the lead, voor
#: kaderstelling en monitoring' in q4 (ADR:L607).
COMPLY_AND_EXPLAIN_CHECKED = Instrument("comply_and_explain_checked", False, "checking", True)
#: The same handreiking made binding (N26:L15): followed, or the deviation explained.
COMPLY_AND_EXPLAIN_BINDING = Instrument("comply_and_explain_binding", True, "checking", True)


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
    """2021: as `uniform`, but a voluntary security kader within CISO Rijk's 'pas toe of leg
    uit' (B21:L1263) may be complied with or the deviation explained; `regime.ciso_scope`
    says which: those that answer an incident (art. 14) or every security kader."""

    name = "ciso_security"

    def __init__(self, model: Any):
        super().__init__(model)
        self.all_security = model.p["regime"]["ciso_scope"] == "all_security"

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.domain == "security" and not proposal.from_working_group \
                and not self.force.binding \
                and (self.all_security or proposal.origin == "incident"):
            return COMPLY_AND_EXPLAIN
        return super().for_kader(proposal)


@register_part
class ByComplexity(Instruments):
    """Keuzematrix instruments by complexity (ADR:L599-603) for the q4 kaders they are
    written for ('behulpzaam bij het kwadrant rechtsboven', ADR:L599); other kaders get
    `regime.kader_force`'s instrument, a working group's agreement its own. Under binding
    force (N26:L15) the normative and comply-and-explain kaders bind and CIO Rijk checks
    them; principles for complex items stay principles. With CIO Rijk in the lead of q4
    (`keuzematrix.q4_lead`) it monitors the comply-and-explain kaders itself."""

    name = "by_complexity"
    BY: ClassVar[dict[str, Instrument]] = {
        "simple": NORMATIVE_PC, "complicated": COMPLY_AND_EXPLAIN, "complex": GUIDING_PRINCIPLES}
    LED: ClassVar[dict[str, Instrument]] = {**BY, "complicated": COMPLY_AND_EXPLAIN_CHECKED}
    BOUND: ClassVar[dict[str, Instrument]] = {
        "simple": NORMATIVE_BINDING, "complicated": COMPLY_AND_EXPLAIN_BINDING,
        "complex": GUIDING_PRINCIPLES}

    def __init__(self, model: Any):
        super().__init__(model)
        if self.force.binding:
            self.table = self.BOUND
        elif model.p["keuzematrix"]["q4_lead"] == "cio_rijk":
            self.table = self.LED
        else:
            self.table = self.BY

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.from_working_group:
            return WORKING_AGREEMENT
        if proposal.quadrant != "q4":
            return self.force
        return self.table[proposal.complexity]
