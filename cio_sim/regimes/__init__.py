"""Regimes as small composable parts, each chosen by name in a scenario.

One kind of part per module, each an abstract base with a registry (`cio_sim.registry`):

- decision rule (`regime.decision_rule`, `regime.working_group_rule`): what a deciding forum
  does with a tally of positions;
- routing (`regime.routing`): which forum a new proposal goes to;
- instruments and kader force (`regime.instruments`, `regime.kader_force`): which kader
  instrument an adopted item gets;
- escalation (`regime.escalation`): which items go on to the ICBR;
- agenda prioritisation (`cio_beraad.prioritisation`): how CIO Rijk fills the agenda;
- voorportaal set (`regime.voorportalen`);
- reserve settlement (`cio_beraad.reserve_settlement`): how a delegate's reserve is settled.

A new part is one subclass decorated with `@register_part`; the schema accepts its name.
"""

from __future__ import annotations

from ..registry import (
    DECISION_RULES,
    ESCALATIONS,
    INSTRUMENTS,
    KADER_FORCES,
    PRIORITISATIONS,
    RESERVE_SETTLEMENTS,
    ROUTINGS,
    VOORPORTAAL_SET_PARTS,
    Registry,
)
from ..types import Tally, Verdict
from .agenda import Fifo, Prioritisation, StrategicFirst, Urgency
from .base import RegimePart, register_part
from .decision import (
    ADOPT,
    DEFER,
    REJECT,
    REWORK,
    STALL,
    Consensus,
    DecisionRule,
    Doorzettingsmacht,
    Fallback,
    MinisterBZK,
    NoObjection,
)
from .escalation import Escalation, FinancialOrg, OutsideDigitalisation
from .instruments import (
    COMPLY_AND_EXPLAIN,
    GUIDING_PRINCIPLES,
    NORMATIVE_BINDING,
    NORMATIVE_PC,
    NORMATIVE_VOLUNTARY,
    WORKING_AGREEMENT,
    Binding,
    ByComplexity,
    CisoSecurity,
    Instrument,
    Instruments,
    KaderForce,
    UniformInstruments,
    Voluntary,
)
from .reserves import NextRound, ReserveSettlement, WrittenProcedure
from .routing import KeuzematrixRouting, Routing, UniformRouting
from .voorportalen import DatedSet, Set2021, Set2026, VoorportaalSet

#: Scenario key → registry of every part chosen in a scenario.
PARTS: dict[str, Registry] = {
    "regime.decision_rule": DECISION_RULES, "regime.working_group_rule": DECISION_RULES,
    "regime.routing": ROUTINGS, "regime.instruments": INSTRUMENTS,
    "regime.kader_force": KADER_FORCES, "regime.escalation": ESCALATIONS,
    "regime.voorportalen": VOORPORTAAL_SET_PARTS,
    "cio_beraad.prioritisation": PRIORITISATIONS,
    "cio_beraad.reserve_settlement": RESERVE_SETTLEMENTS,
}


def describe_parts() -> dict[str, dict[str, str]]:
    """Scenario key → {name: first docstring line} of every regime part (for `cio-sim list`)."""
    return {key: {name: (cls.__doc__ or "").strip().splitlines()[0] for name, cls in reg.items()}
            for key, reg in PARTS.items()}


__all__ = [
    "ADOPT", "COMPLY_AND_EXPLAIN", "DECISION_RULES", "DEFER", "ESCALATIONS", "GUIDING_PRINCIPLES",
    "INSTRUMENTS", "KADER_FORCES", "NORMATIVE_BINDING", "NORMATIVE_PC", "NORMATIVE_VOLUNTARY",
    "PARTS", "PRIORITISATIONS", "REJECT", "RESERVE_SETTLEMENTS", "REWORK", "ROUTINGS", "STALL",
    "VOORPORTAAL_SET_PARTS", "WORKING_AGREEMENT", "Binding", "ByComplexity", "CisoSecurity",
    "Consensus", "DatedSet", "DecisionRule", "Doorzettingsmacht", "Escalation", "Fallback", "Fifo",
    "FinancialOrg", "Instrument", "Instruments", "KaderForce", "KeuzematrixRouting", "MinisterBZK",
    "NextRound", "NoObjection", "OutsideDigitalisation", "Prioritisation", "RegimePart",
    "Registry", "ReserveSettlement", "Routing", "Set2021", "Set2026", "StrategicFirst", "Tally",
    "UniformInstruments", "UniformRouting", "Urgency", "Verdict", "Voluntary", "VoorportaalSet",
    "WrittenProcedure", "describe_parts", "register_part",
]
