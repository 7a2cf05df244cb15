"""Regimes as small composable parts, each chosen by name in a scenario's [regime] table.

- decision rule: what the CIO-beraad does with a tally of positions;
- routing: which forum a new proposal goes to;
- instruments: which kader instrument an adopted item gets;
- kader force: voluntary or binding (with checking by CIO Rijk);
- escalation: which items go on to the ICBR.

A new regime is a new small class registered under a name here; the model calls the parts
through their interface only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .proposals import Proposal

if TYPE_CHECKING:
    from .model import CIOModel

# ---------------------------------------------------------------- decision rules

ADOPT, REJECT, REWORK, DEFER, STALL = "adopt", "reject", "rework", "defer", "stall"


@dataclass(frozen=True, slots=True)
class Tally:
    """Positions of the members on one item in one round."""

    support: int
    abstain: int
    reserve: int          # a delegate who cannot commit (ADR:L966)
    object: int
    objectors: tuple[int, ...]
    reservers: tuple[int, ...]

    @property
    def members(self) -> int:
        return self.support + self.abstain + self.reserve + self.object

    @property
    def consensus(self) -> bool:
        return self.object == 0 and self.reserve == 0


@dataclass(frozen=True, slots=True)
class Verdict:
    action: str
    override: bool = False


class DecisionRule:
    """Turns a tally into a verdict for an item that is ripe for decision."""

    name: ClassVar[str]

    def __init__(self, model: CIOModel):
        self.model = model
        cb = model.p["cio_beraad"]
        self.max_rounds = cb["max_rounds"]
        self.rejection_share = cb["rejection_share"]

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        raise NotImplementedError

    def _without_consensus(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.object and tally.object >= self.rejection_share * tally.members:
            return Verdict(REJECT)
        if proposal.rounds >= self.max_rounds:
            return Verdict(STALL)
        return Verdict(REWORK if tally.object else DEFER)


class Consensus(DecisionRule):
    """2021 practice: de facto unanimity of all members (ADR:L968-970, L3431)."""

    name = "consensus"

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        return self._without_consensus(proposal, tally)


class Doorzettingsmacht(DecisionRule):
    """2026: consensus first; after `override_rounds` rounds CIO Rijk decides (N26:L15)."""

    name = "doorzettingsmacht"

    def __init__(self, model: CIOModel):
        super().__init__(model)
        self.override_rounds = model.p["regime"]["override_rounds"]

    def decide(self, proposal: Proposal, tally: Tally) -> Verdict:
        if tally.consensus:
            return Verdict(ADOPT)
        if proposal.rounds >= self.override_rounds:
            adopt = self.model.cio_rijk.judge(proposal)
            return Verdict(ADOPT if adopt else REJECT, override=True)
        return Verdict(REWORK if tally.object else DEFER)


# ---------------------------------------------------------------- routing

class Routing:
    """Sends a new proposal to the forum that should handle it."""

    name: ClassVar[str]

    def __init__(self, model: CIOModel):
        self.model = model

    def forum_for(self, proposal: Proposal) -> str:
        raise NotImplementedError


class UniformRouting(Routing):
    """2021: every item via voorportaal, vooroverleg and CIO-beraad (ADR:L948, L3369)."""

    name = "uniform"

    def forum_for(self, proposal: Proposal) -> str:
        return "cio_beraad"


class KeuzematrixRouting(Routing):
    """ADR keuzematrix (ADR:L607-608): the forum follows the quadrant."""

    name = "keuzematrix"
    FORUM: ClassVar[dict[str, str]] = {"q1": "department", "q2": "community",
                                       "q3": "working_group", "q4": "cio_beraad"}

    def forum_for(self, proposal: Proposal) -> str:
        return self.FORUM[proposal.quadrant]


# ---------------------------------------------------------------- kader instruments

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


class Instruments:
    name: ClassVar[str]

    def __init__(self, model: CIOModel):
        self.model = model
        self.force = KADER_FORCES[model.p["regime"]["kader_force"]]

    def for_kader(self, proposal: Proposal) -> Instrument:
        raise NotImplementedError


class UniformInstruments(Instruments):
    """One normative instrument for every kader; its force comes from the scenario."""

    name = "uniform"

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.forum == "working_group":
            return WORKING_AGREEMENT
        return self.force


class ByComplexity(Instruments):
    """Keuzematrix instruments for kaders by complexity (ADR:L599-603)."""

    name = "by_complexity"
    BY: ClassVar[dict[str, Instrument]] = {
        "simple": NORMATIVE_PC, "complicated": COMPLY_AND_EXPLAIN, "complex": GUIDING_PRINCIPLES}

    def for_kader(self, proposal: Proposal) -> Instrument:
        if proposal.forum == "working_group":
            return WORKING_AGREEMENT
        return self.BY[proposal.complexity]


KADER_FORCES = {"voluntary": NORMATIVE_VOLUNTARY,    # ADR:L994
                "binding": NORMATIVE_BINDING}       # N26:L15

# ---------------------------------------------------------------- escalation


class Escalation:
    name: ClassVar[str]

    def needs_icbr(self, proposal: Proposal) -> bool:
        raise NotImplementedError


class FinancialOrg(Escalation):
    """2021: financial or organisational consequences go to the ICBR (ADR:L3423, L948)."""

    name = "financial_org"

    def needs_icbr(self, proposal: Proposal) -> bool:
        return proposal.fin_org


class OutsideDigitalisation(Escalation):
    """ADR advice: escalate only what falls outside digitalisation (ADR:L579)."""

    name = "outside_digitalisation"

    def needs_icbr(self, proposal: Proposal) -> bool:
        return proposal.fin_org and proposal.outside_digitalisation


DECISION_RULES: dict[str, type[DecisionRule]] = {c.name: c for c in (Consensus,
                                                                       Doorzettingsmacht)}
ROUTINGS: dict[str, type[Routing]] = {c.name: c for c in (UniformRouting, KeuzematrixRouting)}
INSTRUMENTS: dict[str, type[Instruments]] = {c.name: c for c in (UniformInstruments,
                                                                  ByComplexity)}
ESCALATIONS: dict[str, type[Escalation]] = {c.name: c for c in (FinancialOrg,
                                                                 OutsideDigitalisation)}

PARTS = {"decision_rule": DECISION_RULES, "routing": ROUTINGS, "instruments": INSTRUMENTS,
         "kader_force": KADER_FORCES, "escalation": ESCALATIONS}


def describe_parts() -> dict[str, dict[str, str]]:
    """Name → one-line description of every regime part (for `cio-sim list`)."""
    out: dict[str, dict[str, str]] = {}
    for part, registry in PARTS.items():
        out[part] = {}
        for name, item in registry.items():
            doc = (item.__doc__ or "").strip().splitlines()[0] if isinstance(item, type) \
                else f"{item.name}: monitoring by {item.monitoring}"
            out[part][name] = doc
    return out
